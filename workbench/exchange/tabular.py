"""CSV and TSV: exported units for spreadsheets, memories and glossaries read back from tables.

The delimiter follows the file name (`.tsv`/`.tab`: tab, otherwise comma); files are UTF-8 (a BOM
is accepted on reading). A unit table has one column per language (ru, uk, en; a ru/uk unit
may have no English) plus status, history and bead columns, so that the same file reads back into the translation memory. A glossary table
has the columns of the `glossaries/` files: lang, source, english, status, kind, note.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..glossary import GLOSSARY_COLUMNS
from ..records import TERM_KINDS, TERM_STATUSES, Term
from ..store import Store
from .collect import Selection, lang_code, select_units
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


def _save(path: Path, buf: io.StringIO) -> None:
    try:
        path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    except OSError as exc:
        raise ExchangeError(f"{path}: cannot write ({exc.strerror or exc.__class__.__name__})") from exc


def write_units_table(selection: Selection, path: str | Path) -> TableReport:
    out = Path(path)
    buf, w = _writer(out)
    w.writerow(UNIT_COLUMNS)
    for u in selection.units:
        texts = dict(u.variants)
        w.writerow([u.uid, u.status, u.origin, texts.get("ru", ""), texts.get("uk", ""), texts.get("en", ""),
                    u.created_by, tmx_date(u.created_at) or "", u.changed_by, tmx_date(u.changed_at) or "",
                    u.engine, " | ".join(u.documents), u.story, " ".join(u.segment_ids), u.bead_origin,
                    "" if u.bead_score is None else f"{u.bead_score:.2f}"])
    _save(out, buf)
    return TableReport(out, len(selection.units), selection.empty_reason)


def export_units_table(store: Store, ref: str, path: str | Path, *, status: str = "all",
                       include_mt: bool = False, min_score: float | None = None) -> TableReport:
    """A story's or document's units as CSV/TSV (same selection as the TMX export)."""
    selection = select_units(store, ref, status=status, include_mt=include_mt, min_score=min_score)
    return write_units_table(selection, path)


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
                yield reader.line_num, {k: (v or "") for k, v in row.items()}
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
                          status: str | None = None, terms: list[Term] | None = None) -> TableReport:
    """The glossary (or the given terms) in the `glossaries/` column layout, as CSV or TSV."""
    out = Path(path)
    buf, w = _writer(out)
    w.writerow(GLOSSARY_COLUMNS)
    if terms is None:
        terms = store.terms(lang=lang, status=status)
    for t in terms:
        w.writerow([t.lang, t.source, t.english, t.status, t.kind, t.note])
    _save(out, buf)
    return TableReport(out, len(terms))


def read_glossary_table(path: str | Path) -> list[TbxTerm]:
    """Glossary entries of a CSV/TSV table; lines starting with '#' are comments."""
    p = Path(path)
    out: list[TbxTerm] = []
    for line, row in _rows(p, ("lang", "source", "english"), "glossary"):
        if row["lang"].lstrip().startswith("#") or not any(v.strip() for v in row.values()):
            continue
        lang = lang_code(row["lang"])
        status = row.get("status", "").strip() or "proposed"
        kind = row.get("kind", "").strip() or "term"
        if lang not in ("ru", "uk"):
            raise ExchangeError(f"{p}:{line}: lang {row['lang']!r} must be ru or uk")
        if status not in TERM_STATUSES:
            raise ExchangeError(f"{p}:{line}: status {status!r} is not one of {', '.join(TERM_STATUSES)}")
        if kind not in TERM_KINDS:
            raise ExchangeError(f"{p}:{line}: kind {kind!r} is not one of {', '.join(TERM_KINDS)}")
        if not row["source"].strip() or not row["english"].strip():
            raise ExchangeError(f"{p}:{line}: source and english must not be empty")
        out.append(TbxTerm(Term(id=None, lang=lang, source=row["source"].strip(), english=row["english"].strip(),
                                status=status, kind=kind, note=row.get("note", "").strip())))
    return out


def import_glossary_table(store: Store, path: str | Path, actor: str, *,
                          as_proposed: bool = False) -> TbxImportReport:
    """Add a CSV/TSV glossary's terms (checked as a whole first; existing entries left alone)."""
    entries = read_glossary_table(path)
    return add_terms(store, Path(path), entries, [], actor, as_proposed=as_proposed)
