"""The export page: files for other CAT tools, built by the exchange stage's exporters, as bytes to download."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..actions import require
from ..errors import WorkbenchError
from ..records import User
from .glossary import export_tsv

if TYPE_CHECKING:
    from ..store import Store

STATUS_FILTERS = ("all", "edited", "approved")
XLIFF_VERSIONS = ("2.0", "2.1", "1.2")


@dataclass(frozen=True)
class Format:
    label: str
    suffix: str
    mime: str
    scopes: tuple[str, ...]  # "document", "story" or "glossary"
    write: Callable[..., Any]  # (store, scope, ref, path, **options)


def _tmx(store: Store, scope: str, ref: str, path: Path, *, status: str = "all", include_mt: bool = False,
         context: bool = False, min_score: float | None = None, **_: Any) -> Any:
    from ..exchange.tmx import export_tmx

    ref = f"{'story' if scope == 'story' else 'doc'}:{ref}"
    return export_tmx(store, ref, path, status=status, include_mt=include_mt, context=context, min_score=min_score)


def _xliff(store: Store, scope: str, ref: str, path: Path, *, status: str = "all", xliff_version: str = "2.0",
           **_: Any) -> Any:
    from ..exchange.xliff import export_xliff

    return export_xliff(store, ref, path, version=xliff_version, status=status)


def _csv(store: Store, scope: str, ref: str, path: Path, *, status: str = "all", include_mt: bool = False,
         min_score: float | None = None, **_: Any) -> Any:
    from ..exchange.tabular import export_units_table

    ref = f"{'story' if scope == 'story' else 'doc'}:{ref}"
    return export_units_table(store, ref, path, status=status, include_mt=include_mt, min_score=min_score)


def _html(store: Store, scope: str, ref: str, path: Path, *, status: str = "all", **_: Any) -> Any:
    from ..exchange.htmlpage import export_html

    return export_html(store, ref, path, status=status)


def _tbx(store: Store, scope: str, ref: str, path: Path, *, term_status: str = "", **_: Any) -> Any:
    from ..exchange.tbx import export_tbx

    return export_tbx(store, path, status=term_status or None)


def _glossary_tsv(store: Store, scope: str, ref: str, path: Path, *, term_status: str = "", **_: Any) -> None:
    path.write_bytes(export_tsv(store.terms(status=term_status or None)))


FORMATS = {
    "TMX": Format("TMX (translation memory)", ".tmx", "application/x-tmx+xml", ("document", "story"), _tmx),
    "XLIFF": Format("XLIFF (bilingual document)", ".xlf", "application/xliff+xml", ("document",), _xliff),
    "HTML": Format("HTML (the article in English, with its links and formatting)", ".html", "text/html",
                   ("document",), _html),
    "CSV": Format("CSV (ru, uk and English table)", ".csv", "text/csv", ("document", "story"), _csv),
    "TBX": Format("TBX (glossary)", ".tbx", "application/x-tbx+xml", ("glossary",), _tbx),
    "TSV": Format("Glossary (TSV)", ".tsv", "text/tab-separated-values", ("glossary",), _glossary_tsv),
}


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
    if fmt not in FORMATS:
        raise WorkbenchError(f"format {fmt!r}: one of {', '.join(FORMATS)}")
    f = FORMATS[fmt]
    if scope not in f.scopes:
        raise WorkbenchError(f"{fmt}: exports a {' or '.join(f.scopes)}, not a {scope}")
    name = {"glossary": lambda: "glossary", "story": lambda: store.story(ref).name,
            "document": lambda: Path(store.document(ref).name).stem}[scope]()
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{stem}{f.suffix}"
        report = f.write(store, scope, ref, path, **options)
        warnings = tuple(w.replace(str(path), path.name) for w in getattr(report, "warnings", []))
        return Prepared(path.name, path.read_bytes(), warnings)
