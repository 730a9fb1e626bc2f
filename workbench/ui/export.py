"""The export page: files for other CAT tools, built by the exchange stage's exporters, as bytes to download."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import exchange
from ..actions import require
from ..exchange.formats import get
from ..records import User

if TYPE_CHECKING:
    from ..store import Store

# The exchange stage's options, the widest English first (the page's default)
STATUS_FILTERS = tuple(reversed(exchange.STATUS_FILTERS))
XLIFF_VERSIONS = exchange.XLIFF_VERSIONS


@dataclass(frozen=True)
class Prepared:
    """A file ready to download and what the exporter warned about (e.g. why it holds no unit)."""

    name: str
    data: bytes
    warnings: tuple[str, ...] = ()


def export(store: Store, user: User | None, fmt: str, scope: str, ref: str, **options: Any) -> tuple[str, bytes]:
    """(file name, content) of an export; the exporter's own errors (bad options, nothing to export) pass."""
    made = export_file(store, user, fmt, scope, ref, **options)
    return made.name, made.data


def export_file(store: Store, user: User | None, fmt: str, scope: str, ref: str, **options: Any) -> Prepared:
    """An export with its warnings, which name the file only by its download name."""
    require(user, "export")
    f = get(fmt, scope)
    name = {"glossary": lambda: "glossary", "story": lambda: store.story(ref).name,
            "document": lambda: Path(store.document(ref).name).stem}[scope]()
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{stem}{f.suffix}"
        report = f.write(store, ref, path, scope=scope, **options)
        warnings = tuple(w.replace(str(path), path.name) for w in getattr(report, "warnings", []))
        return Prepared(path.name, path.read_bytes(), warnings)
