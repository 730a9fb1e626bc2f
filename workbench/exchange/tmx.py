"""TMX 1.4b: export of aligned, corrected units and streaming import into the translation memory.

Export writes a file that validates against the TMX 1.4 DTD: a header with a concrete `srclang`,
two-letter language codes (OmegaT matches variants on them), one `<tu>` per unit with its creation
and change date and user from the edit history, and our own `x-` properties (document, story,
status, engine, segment, and for a story's beads how the bead was made and its score). OmegaT's context properties (`file`, `id`, `prev`, `next`) are written
only when context-bound units are asked for. Text goes through lxml, never string concatenation;
characters XML forbids are dropped and counted.

Import streams the file with the hardened `iterparse` and frees each `<tu>` once read, so memory
does not grow with the file; the whole import is one transaction, so a broken file stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from .. import __version__, inline
from ..records import TMUnit
from ..store import Store
from .collect import ExportReport, Selection, lang_code, select_units
from .safexml import ExchangeError, clean_text, flat_text, iterparse, local_name, release

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
TOOL = "workbench"
# Inline elements whose content is native markup (not text); <hi> holds text and is kept.
_CODE_ELEMENTS = {"bpt", "ept", "ph", "it", "ut", "sub"}
# OmegaT treats these property types as context and would only match the unit in that context.
CONTEXT_PROPS = ("file", "id", "prev", "next")


@dataclass
class TmxUnit:
    """One `<tu>` as read: its variants by language and what the file says about it."""

    tuid: str
    srclang: str
    variants: list[tuple[str, str]]  # (language as written, text)
    props: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    creation_date: datetime | None = None
    creation_id: str = ""
    change_date: datetime | None = None
    change_id: str = ""


@dataclass
class ImportReport:
    path: Path
    units_read: int = 0
    pairs: int = 0  # source/target pairs offered to the memory
    added: int = 0  # new pairs (the rest were already there)
    skipped: int = 0  # <tu> with fewer than two languages


def tmx_date(value: datetime | None) -> str | None:
    """TMX dates are ISO 8601 basic format in UTC: YYYYMMDDThhmmssZ."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_tmx_date(value: str | None) -> datetime | None:
    """Read a TMX date; the basic form is the standard, extended ISO forms are tolerated."""
    if not value:
        return None
    text = value.strip()
    for fmt in ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class _Cleaner:
    """Drops characters XML cannot hold and counts them for the warning."""

    def __init__(self) -> None:
        self.removed = 0

    def __call__(self, text: str) -> str:
        out, n = clean_text(text)
        self.removed += n
        return out


def build_tmx(selection: Selection, *, context: bool = False) -> tuple[etree._Element, int]:
    """The `<tmx>` element for a selection, and how many forbidden characters were dropped."""
    clean = _Cleaner()
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(root, "header")
    # DTD attribute order: creationtool, creationtoolversion, segtype, o-tmf, adminlang, srclang, datatype.
    for key, value in (("creationtool", TOOL), ("creationtoolversion", __version__), ("segtype", "sentence"),
                       ("o-tmf", TOOL), ("adminlang", "en"), ("srclang", selection.srclang),
                       ("datatype", "plaintext"), ("creationdate", tmx_date(datetime.now(UTC)))):
        header.set(key, value or "")
    body = etree.SubElement(root, "body")
    for unit in selection.units:
        tu = etree.SubElement(body, "tu", tuid=clean(unit.uid))
        if unit.srclang != selection.srclang:
            tu.set("srclang", unit.srclang)
        for key, value in (("creationdate", tmx_date(unit.created_at)), ("creationid", unit.created_by),
                           ("changedate", tmx_date(unit.changed_at)), ("changeid", unit.changed_by)):
            if value:
                tu.set(key, clean(value))
        props: list[tuple[str, str]] = [("x-document", d) for d in unit.documents]
        props += [("x-story", unit.story), ("x-status", unit.status), ("x-origin", unit.origin),
                  ("x-engine", unit.engine)]
        props += [("x-segment", sid) for sid in unit.segment_ids]
        if unit.bead_origin:
            props.append(("x-bead-origin", unit.bead_origin))
        if unit.bead_score is not None:
            props.append(("x-bead-score", f"{unit.bead_score:.2f}"))
        if context:
            props += [(key, unit.context.get(key, "")) for key in CONTEXT_PROPS if key in unit.context]
        for ptype, value in props:
            if value or ptype in ("prev", "next"):
                etree.SubElement(tu, "prop", type=ptype).text = clean(value)
        for i, (lang, text) in enumerate(unit.variants):
            tuv = etree.SubElement(tu, "tuv")
            tuv.set(XML_LANG, lang)
            seg = etree.SubElement(tuv, "seg")
            if unit.codes:
                # the source with its codes placed; the English carries its tag tokens already
                _put_seg(seg, inline.tagged(text, unit.codes) if i == 0 else text, unit.codes, clean)
            else:
                seg.text = clean(text)
    return root, clean.removed


def _put_seg(seg: etree._Element, text: str, codes: list[dict[str, Any]], clean: _Cleaner) -> None:
    """A <seg> with the tag tokens of `text` as TMX 1.4 inline codes holding the original markup:
    pairs as <bpt i>/<ept i>, standalone codes as <ph x>, a tag without its partner as <it>."""
    marks = inline.markup(codes)
    tags = [t for t in inline.parse(text) if (t.kind, t.id) in marks]
    opened: dict[int, int] = {}
    paired: set[int] = set()
    for n, t in enumerate(tags):
        if t.kind == inline.OPEN and t.id not in opened:
            opened[t.id] = n
        elif t.kind == inline.CLOSE and t.id in opened and opened[t.id] not in paired:
            paired.update((opened[t.id], n))
    last = 0
    for n, t in enumerate(tags):
        chunk = clean(text[last:t.start])
        if len(seg):
            seg[-1].tail = (seg[-1].tail or "") + chunk
        else:
            seg.text = (seg.text or "") + chunk
        last = t.end
        if t.kind == inline.PH:
            el = etree.SubElement(seg, "ph", x=str(t.id))
        elif n in paired:
            el = etree.SubElement(seg, "bpt" if t.kind == inline.OPEN else "ept", i=str(t.id))
            if t.kind == inline.OPEN:
                el.set("x", str(t.id))
        else:
            el = etree.SubElement(seg, "it", pos="begin" if t.kind == inline.OPEN else "end", x=str(t.id))
        el.text = clean(marks[(t.kind, t.id)])
    chunk = clean(text[last:])
    if len(seg):
        seg[-1].tail = (seg[-1].tail or "") + chunk
    else:
        seg.text = (seg.text or "") + chunk


def write_tmx(selection: Selection, path: str | Path, *, context: bool = False) -> ExportReport:
    """Write the selection as TMX 1.4 (UTF-8, with the DOCTYPE naming tmx14.dtd)."""
    root, removed = build_tmx(selection, context=context)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True, doctype=DOCTYPE)
    out = Path(path)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise ExchangeError(f"{out}: cannot write ({exc.strerror or exc.__class__.__name__})") from exc
    return ExportReport(out, len(selection.units), removed, selection.empty_reason)


def export_tmx(store: Store, ref: str, path: str | Path, *, status: str = "all", include_mt: bool = False,
               context: bool = False, min_score: float | None = None) -> ExportReport:
    """Export a story (ru/uk units of its beads + bilingual units) or a document (bilingual units) as TMX."""
    selection = select_units(store, ref, status=status, include_mt=include_mt, min_score=min_score)
    return write_tmx(selection, path, context=context)


# --- reading ------------------------------------------------------------------------------------
def _seg_text(seg: etree._Element) -> str:
    return flat_text(seg, skip=lambda name: name in _CODE_ELEMENTS)


def _variant_lang(tuv: etree._Element) -> str:
    # TMX 1.4 uses xml:lang; TMX 1.1 wrote `lang`.
    return (tuv.get(XML_LANG) or tuv.get("lang") or "").strip()


def read_tmx(path: str | Path) -> Iterator[TmxUnit]:
    """Stream the units of a TMX file; memory stays flat however large the file is."""
    p = Path(path)
    srclang = ""
    seen_header = False
    for event, elem in iterparse(p, roots=("tmx",), what="TMX"):
        if event != "end":
            continue
        name = local_name(elem.tag)
        if name == "header":
            seen_header = True
            srclang = (elem.get("srclang") or "").strip()
            release(elem)
        elif name == "tu":
            if not seen_header:
                raise ExchangeError(f"{p}: <tu> before the TMX <header> (line {elem.sourceline})")
            yield _read_tu(p, elem, srclang)
            release(elem)
    if not seen_header:
        raise ExchangeError(f"{p}: no TMX <header>")


def _read_tu(path: Path, tu: etree._Element, srclang: str) -> TmxUnit:
    unit = TmxUnit(tuid=tu.get("tuid", ""), srclang=(tu.get("srclang") or srclang).strip(), variants=[],
                   creation_date=parse_tmx_date(tu.get("creationdate")), creation_id=tu.get("creationid", ""),
                   change_date=parse_tmx_date(tu.get("changedate")), change_id=tu.get("changeid", ""))
    for child in tu:
        name = local_name(child.tag)
        if name == "prop":
            unit.props.setdefault(child.get("type", ""), []).append(child.text or "")
        elif name == "note":
            unit.notes.append(child.text or "")
        elif name == "tuv":
            lang = _variant_lang(child)
            if not lang:
                raise ExchangeError(f"{path}: line {child.sourceline}: <tuv> without xml:lang")
            seg = next((c for c in child if local_name(c.tag) == "seg"), None)
            if seg is None:
                raise ExchangeError(f"{path}: line {child.sourceline}: <tuv> without <seg>")
            unit.variants.append((lang, _seg_text(seg).strip()))
    return unit


def memory_pairs(unit: TmxUnit, origin: str) -> list[TMUnit]:
    """The memory entries of one unit: every variant into English, and the source into the others.

    A ru/uk/en unit gives ru->en, uk->en and ru->uk; a plain en->ru memory gives en->ru.
    """
    variants: dict[str, str] = {}
    for lang, text in unit.variants:
        code = lang_code(lang)
        if text and code and code not in variants:
            variants[code] = text
    src = lang_code(unit.srclang) if unit.srclang and unit.srclang != "*all*" else ""
    out = []
    for a, a_text in variants.items():
        for b, b_text in variants.items():
            if a == b or not (b == "en" or a == src or not src):
                continue
            out.append(TMUnit(src_lang=a, source=a_text, tgt_lang=b, target=b_text, origin=origin, tuid=unit.tuid,
                              creation_date=unit.creation_date, creation_id=unit.creation_id,
                              change_date=unit.change_date, change_id=unit.change_id, props=dict(unit.props)))
    return out


def import_tmx(store: Store, path: str | Path, *, origin: str | None = None) -> ImportReport:
    """Read a TMX file into the translation memory in one transaction (nothing is stored on error)."""
    p = Path(path)
    return store_memory_units(store, read_tmx(p), p, origin or p.name)


def store_memory_units(store: Store, units: Iterable[TmxUnit], path: Path, origin: str) -> ImportReport:
    """Stream units read from `path` into the translation memory in one transaction, counting them."""
    report = ImportReport(path)

    def pairs() -> Iterator[TMUnit]:
        for unit in units:
            report.units_read += 1
            entries = memory_pairs(unit, origin)
            if not entries:
                report.skipped += 1
            report.pairs += len(entries)
            yield from entries

    report.added = store.add_tm_units(pairs(), atomic=True)
    return report
