"""CSV and TSV: exported units for spreadsheets, memories and glossaries read back from tables.

The delimiter follows the file name (`.tsv`/`.tab`: tab, otherwise comma); files are UTF-8 (a BOM
is accepted on reading). A unit table has one column per language (ru, uk, en; a ru/uk unit
may have no English) plus status, history and bead columns, so that the same file reads back into the translation memory. A glossary table
has the columns of the `glossaries/` files: lang, source, english, status, kind, note.

Cells hold plain text: the English of a formatted segment goes out without its tag tokens. A
spreadsheet renders no markup, so HTML (`<b>`, `<a href=…>`) would be noise to read around and a
trap to edit, and the `<1>` tokens mean nothing outside the workbench (their numbers restart in
every segment). The source cells are plain already, so both sides match, and the table reads back
into the memory as TMX does: text without its codes. Formatting travels in XLIFF, TMX and HTML.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import inline
from ..errors import WorkbenchError
from ..glossary import read_glossary_table as _read_glossary
from ..glossary import write_glossary_table
from ..records import Term
from ..safetext import from_spreadsheet_cell, spreadsheet_cell
from ..store import Store
from .collect import Selection, select_units
from .safexml import ExchangeError
from .tbx import TbxImportReport, TbxTerm, add_terms
from .tmx import ImportReport, TmxUnit, parse_tmx_date, store_memory_units, tmx_date

UNIT_COLUMNS = ("id", "status", "origin", "ru", "uk", "en", "created_by", "created_at", "changed_by", "changed_at",
                "engine", "documents", "story", "segments", "bead_origin", "bead_score")
LANG_COLUMNS = ("ru", "uk", "en")


@dataclass
class TableReport:
    path: Path
    rows: int
    empty_reason: str = ""

    @property
    def warnings(self) -> list[str]:
        return [f"{self.path}: holds no unit: {self.empty_reason or 'nothing to export'}"] if not self.rows else []


def delimiter_for(path: Path) -> str:
    return "\t" if path.suffix.lower() in (".tsv", ".tab") else ","


def _writer(path: Path) -> tuple[io.StringIO, Any]:
    buf = io.StringIO(newline="")
    return buf, csv.writer(buf, delimiter=delimiter_for(path), lineterminator="\n")


def _save(path: Path, buf: io.StringIO | str) -> None:
    try:
        path.write_text(buf if isinstance(buf, str) else buf.getvalue(), encoding="utf-8", newline="")
    except OSError as exc:
        raise ExchangeError(f"{path}: cannot write ({exc.strerror or exc.__class__.__name__})") from exc


def write_units_table(selection: Selection, path: str | Path, *, raw_cells: bool = False) -> TableReport:
    """Cells a spreadsheet would take for a formula get a leading ' (read back without it) unless `raw_cells`."""
    out = Path(path)
    buf, w = _writer(out)
    w.writerow(UNIT_COLUMNS)
    cell = (lambda v: v) if raw_cells else spreadsheet_cell
    for u in selection.units:
        texts = dict(u.variants)
        english = inline.plain(texts.get("en", ""))  # see the module docstring
        w.writerow([cell(str(v)) for v in [u.uid, u.status, u.origin, texts.get("ru", ""), texts.get("uk", ""), english,
                    u.created_by, tmx_date(u.created_at) or "", u.changed_by, tmx_date(u.changed_at) or "",
                    u.engine, " | ".join(u.documents), u.story, " ".join(u.segment_ids), u.bead_origin,
                    "" if u.bead_score is None else f"{u.bead_score:.2f}"]])
    _save(out, buf)
    return TableReport(out, len(selection.units), selection.empty_reason)


def export_units_table(store: Store, ref: str, path: str | Path, *, status: str = "all",
                       include_mt: bool = False, min_score: float | None = None,
                       raw_cells: bool = False) -> TableReport:
    """A story's or document's units as CSV/TSV (same selection as the TMX export)."""
    selection = select_units(store, ref, status=status, include_mt=include_mt, min_score=min_score)
    return write_units_table(selection, path, raw_cells=raw_cells)


def _rows(path: Path, required: tuple[str, ...], what: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a UTF-8 CSV/TSV file, streamed; every problem names the file and line."""
    if not path.is_file():
        raise ExchangeError(f"{path}: no such file")
    try:
        fh = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ExchangeError(f"{path}: cannot read ({exc.strerror or exc.__class__.__name__})") from exc
    with fh:
        reader = csv.DictReader(fh, delimiter=delimiter_for(path))
        try:
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise ExchangeError(f"{path}: not a {what} table: missing column(s) {', '.join(missing)} "
                                    f"(found: {', '.join(header) or 'nothing'})")
            for row in reader:
                if None in row:
                    raise ExchangeError(f"{path}:{reader.line_num}: more cells than columns")
                yield reader.line_num, {k: from_spreadsheet_cell(v or "") for k, v in row.items()}
        except UnicodeDecodeError as exc:
            raise ExchangeError(f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
                                f"{exc.start} of a block); save it as UTF-8") from None
        except csv.Error as exc:
            raise ExchangeError(f"{path}:{reader.line_num}: {exc}") from None


def read_units_table(path: str | Path) -> Iterator[TmxUnit]:
    """Units from a table with language columns (ru, uk, en: at least English and one more)."""
    p = Path(path)
    first = True
    for line, row in _rows(p, ("en",), "unit"):
        langs = [c for c in LANG_COLUMNS if c in row]
        if first and len(langs) < 2:
            raise ExchangeError(f"{p}: a unit table needs English and a ru or uk column")
        first = False
        variants = [(c, row[c].strip()) for c in langs if row[c].strip()]
        src = next((lang for lang, _ in variants if lang != "en"), "")
        props = {f"x-{k.replace('_', '-')}": [row[k]] for k in ("status", "origin", "engine", "story", "bead_origin")
                 if row.get(k)}
        yield TmxUnit(tuid=row.get("id", "") or f"line{line}", srclang=src, variants=variants, props=props,
                      creation_date=parse_tmx_date(row.get("created_at")), creation_id=row.get("created_by", ""),
                      change_date=parse_tmx_date(row.get("changed_at")), change_id=row.get("changed_by", ""))


def import_units_table(store: Store, path: str | Path) -> ImportReport:
    """Read a unit table into the translation memory in one transaction."""
    p = Path(path)
    return store_memory_units(store, read_units_table(p), p, p.name)


# --- glossaries -----------------------------------------------------------------------------------
def export_glossary_table(store: Store, path: str | Path, *, lang: str | None = None,
                          status: str | None = None, terms: list[Term] | None = None,
                          raw_cells: bool = False) -> TableReport:
    """The glossary (or the given terms) in the `glossaries/` column layout, as CSV or TSV."""
    out = Path(path)
    if terms is None:
        terms = store.terms(lang=lang, status=status)
    _save(out, write_glossary_table(terms, delimiter=delimiter_for(out), raw_cells=raw_cells))
    return TableReport(out, len(terms))


def read_glossary_table(path: str | Path) -> list[TbxTerm]:
    """Glossary entries of a CSV/TSV table (the reader of `workbench.glossary`; status and kind optional)."""
    p = Path(path)
    if not p.is_file():
        raise ExchangeError(f"{p}: no such file")
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ExchangeError(f"{p}: cannot read ({exc.strerror or exc.__class__.__name__})") from exc
    except UnicodeDecodeError as exc:
        raise ExchangeError(f"{p}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
                            "save it as UTF-8") from None
    try:
        terms = _read_glossary(text, str(p), delimiter=delimiter_for(p), required=("lang", "source", "english"))
    except WorkbenchError as exc:
        raise ExchangeError(str(exc)) from None
    return [TbxTerm(t) for t in terms]


def import_glossary_table(store: Store, path: str | Path, actor: str, *,
                          as_proposed: bool = False) -> TbxImportReport:
    """Add a CSV/TSV glossary's terms (checked as a whole first; existing entries left alone)."""
    entries = read_glossary_table(path)
    return add_terms(store, Path(path), entries, [], actor, as_proposed=as_proposed)
