"""The registry of exchange formats: every file the workbench writes for other tools, in one table.

Each `Format` declares what it exports (a document, a story or the glossary), its file suffix and
MIME type, and its writer. The Export page lists this table, the CLI's `export` commands write
through it, and one contract test suite (`tests/test_exchange_contract.py`) runs every entry, so a
new format is one entry here plus its writer module. Writers are imported when a file is written:
listing the formats costs nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import WorkbenchError

if TYPE_CHECKING:
    from ..store import Store

SCOPES = ("document", "story", "glossary")


@dataclass(frozen=True)
class Format:
    """One exchange format: how it is shown, what it exports, and the function that writes it."""

    name: str
    label: str
    suffix: str
    mime: str
    scopes: tuple[str, ...]  # of SCOPES
    write: Callable[..., Any]  # (store, ref, path, **options) -> a report with .path (and .warnings)


def _unit_ref(scope: str | None, ref: str) -> str:
    # TMX and CSV take both scopes and tell them apart by a prefix; without a scope (the CLI) the
    # exporter resolves the reference itself and refuses an ambiguous one
    if scope is None or ref.startswith(("story:", "doc:")):
        return ref
    return f"{'story' if scope == 'story' else 'doc'}:{ref}"


def _tmx(store: Store, ref: str, path: Path, *, scope: str | None = None, status: str = "all",
         include_mt: bool = False, context: bool = False, min_score: float | None = None, **_: Any) -> Any:
    from .tmx import export_tmx

    return export_tmx(store, _unit_ref(scope, ref), path, status=status, include_mt=include_mt, context=context,
                      min_score=min_score)


def _csv(store: Store, ref: str, path: Path, *, scope: str | None = None, status: str = "all",
         include_mt: bool = False, min_score: float | None = None, raw_cells: bool = False, **_: Any) -> Any:
    from .tabular import export_units_table

    return export_units_table(store, _unit_ref(scope, ref), path, status=status, include_mt=include_mt,
                              min_score=min_score, raw_cells=raw_cells)


def _xliff(store: Store, ref: str, path: Path, *, status: str = "all", xliff_version: str = "2.0",
           **_: Any) -> Any:
    from .xliff import export_xliff

    return export_xliff(store, ref, path, version=xliff_version, status=status)


def _html(store: Store, ref: str, path: Path, *, status: str = "all", **_: Any) -> Any:
    from .htmlpage import export_html

    return export_html(store, ref, path, status=status)


def _tbx(store: Store, ref: str, path: Path, *, term_status: str = "", terms: list | None = None,
         **_: Any) -> Any:
    from .tbx import export_tbx

    if terms is not None:
        return export_tbx(store, path, terms=terms)
    return export_tbx(store, path, status=term_status or None)


def _glossary_table(store: Store, ref: str, path: Path, *, term_status: str = "", terms: list | None = None,
                    raw_cells: bool = False, **_: Any) -> Any:
    from .tabular import export_glossary_table

    return export_glossary_table(store, path, status=term_status or None, terms=terms, raw_cells=raw_cells)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("TMX", "TMX (translation memory)", ".tmx", "application/x-tmx+xml", ("document", "story"), _tmx),
    Format("XLIFF", "XLIFF (bilingual document)", ".xlf", "application/xliff+xml", ("document",), _xliff),
    Format("HTML", "HTML (the article in English, with its links and formatting)", ".html", "text/html",
           ("document",), _html),
    Format("CSV", "CSV (ru, uk and English table)", ".csv", "text/csv", ("document", "story"), _csv),
    Format("TBX", "TBX (glossary)", ".tbx", "application/x-tbx+xml", ("glossary",), _tbx),
    Format("TSV", "Glossary (TSV)", ".tsv", "text/tab-separated-values", ("glossary",), _glossary_table),
)}


def get(name: str, scope: str | None = None) -> Format:
    """The format called `name` (case-insensitive), checked to export `scope` when given."""
    fmt = FORMATS.get(name.upper())
    if fmt is None:
        raise WorkbenchError(f"format {name!r}: one of {', '.join(FORMATS)}")
    if scope is not None and scope not in fmt.scopes:
        raise WorkbenchError(f"{fmt.name}: exports a {' or '.join(fmt.scopes)}, not a {scope}")
    return fmt


def write(name: str, store: Store, ref: str, path: str | Path, *, scope: str | None = None, **options: Any) -> Any:
    """Write `ref` (a document, a story, or "" for the glossary) in format `name` to `path`; `scope`
    says which of the three `ref` is (None: the exporter resolves the reference)."""
    return get(name, scope).write(store, ref, Path(path), scope=scope, **options)
