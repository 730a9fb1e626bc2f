"""What every command shares: the context (configuration, store, the verified acting user) and output.

Everything a command prints of stored or file text goes through `out`/`emit`, which strip terminal
control characters (`workbench.safetext.terminal`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..actions import Actor, author, require
from ..config import Config
from ..safetext import terminal

if TYPE_CHECKING:  # the store (SQLAlchemy) loads when a command first uses it
    from ..store import Store


@dataclass
class Context:
    config: Config
    requested_user: str = ""  # --user NAME (else WORKBENCH_USER)
    operator: bool = False  # --operator
    _store: Store | None = field(default=None, repr=False)
    _user: Actor | None = field(default=None, repr=False)

    @property
    def user(self) -> Actor:
        """The verified acting user (see `workbench.actions.users.cli_identity`); resolved on first use, so
        that commands that only read never need an identity."""
        if self._user is None:
            from ..actions.users import cli_identity

            self._user = cli_identity(self.store, self.requested_user or self.config.cli_user, self.config.cli_token,
                                      operator=self.operator)
        return self._user

    @property
    def actor(self) -> str:
        """The verified acting user's name as histories record it."""
        return author(self.user)

    def acting(self, permission: str) -> Actor:
        """The acting user, when their role allows `permission` (else PermissionDenied)."""
        user = self.user
        require(user, permission)
        return user

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
            sys.stdout.write(_json_line(r) + "\n")
        return
    cells = [[_cell(r.get(c, "")) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    sys.stdout.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    for row in cells:
        sys.stdout.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")


_UNSAFE_IN_JSON = re.compile("[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _json_line(record: Any) -> str:
    """One JSON object; JSON escapes C0 controls itself, and here also DEL, C1 controls and bidi controls
    (valid JSON either way: the same string for a program, no escape sequence for a terminal)."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(record, ensure_ascii=False))


def out(*parts: object, err: bool = False) -> None:
    """Print a line for people (stdout, or stderr with err=True) without terminal control characters."""
    print(terminal(" ".join(str(p) for p in parts)), file=sys.stderr if err else sys.stdout)


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(terminal(text, keep_newlines=False).split())
    return text if len(text) <= 80 else text[:79] + "…"
