"""What every command shares: the context (configuration, store, acting user) and record output."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..config import Config

if TYPE_CHECKING:  # SQLAlchemy costs a fifth of a second: only commands that use the store load it
    from ..store import Store


@dataclass
class Context:
    config: Config
    actor: str = "cli"
    _store: Store | None = field(default=None, repr=False)

    @property
    def store(self) -> Store:
        """Opened on first use, so that commands that need no store (flag FILE) never create one."""
        if self._store is None:
            from ..store import open_store

            self._store = open_store(self.config)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("table", "jsonl"), default="table",
                        help="table for people, jsonl for programs (one JSON object per line)")


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def emit(records: Iterable[dict[str, Any]], fmt: str, columns: Sequence[str]) -> None:
    """Print records as JSON lines or as an aligned table of the given columns."""
    rows = [_plain(r) for r in records]
    if fmt == "jsonl":
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        return
    cells = [[_cell(r.get(c, "")) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    sys.stdout.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    for row in cells:
        sys.stdout.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:79] + "…"
