"""XLIFF 2.0/2.1 and 1.2: a document out to a CAT tool and its corrected English back in.

Export: one `<file>` per document, one unit per segment with the segment id as unit id, the source,
the current English as target, the segment status as the segment `state` (new/translated/edited/
approved -> initial/translated/reviewed/final; 1.2: needs-translation/translated/signed-off/final),
the open flags as notes, and the segment's version and edit history (XLIFF 2: Metadata and Change
Tracking modules; 1.2: attributes and elements in the workbench namespace). Boilerplate units are
marked translate="no".

Import: every unit is checked before anything is written (well-formed, an XLIFF we can read, the
target language English). Then each unit whose target changed in the CAT tool becomes an edit with
history via `Store.save_edit`, based on the version the file was exported from, so an edit saved
in the workbench since the export is never overwritten. A unit whose source no longer matches its
segment, or whose segment is unknown, is refused and reported; the other units are applied.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from .. import __version__, inline
from ..records import SEGMENT_STATUS_RANK as _RANK
from ..records import Document, Flag, Translation
from ..store import EditConflict, Store
from ..store.edits import English
from ..store.errors import NotFound, StoreError
from . import XLIFF_VERSIONS
from .collect import ExportReport, bcp47, lang_code, passes, utc
from .safexml import ExchangeError, clean_text, flat_text, local_name, namespace, parse

XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF11_NS = "urn:oasis:names:tc:xliff:document:1.1"
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
CTR_NS = "urn:oasis:names:tc:xliff:changetracking:2.0"
WB_NS = "urn:workbench:xliff:1"  # our own extension namespace (version, status, history in 1.2)
XML_NS = "http://www.w3.org/XML/1998/namespace"
VERSIONS = XLIFF_VERSIONS

STATE2 = {"new": "initial", "translated": "translated", "edited": "reviewed", "approved": "final"}
STATE2_BACK = {v: k for k, v in STATE2.items()}
STATE12 = {"new": "needs-translation", "translated": "translated", "edited": "signed-off", "approved": "final"}
STATE12_BACK = {"new": "new", "needs-translation": "new", "translated": "translated",
                "needs-review-translation": "translated", "needs-adaptation": "translated",
                "needs-l10n": "translated", "needs-review-adaptation": "translated",
                "needs-review-l10n": "translated", "signed-off": "edited", "final": "approved"}
# Inline elements whose content is native code (XLIFF 1.2 bpt/ept/ph/it/sub; 2.0 has empty ones).
_CODE_ELEMENTS = {"bpt", "ept", "ph", "it", "sub", "x", "bx", "ex", "sc", "ec", "cp"}
_PRIORITY = {"error": 1, "warning": 5, "note": 9}


@dataclass
class Revision:
    """One version of a unit's English as the file records it (version 0 is the machine translation)."""

    version: int
    text: str
    author: str = ""
    origin: str = ""
    date: datetime | None = None


@dataclass
class XliffUnit:
    id: str
    source: str
    target: str | None
    status: str | None  # the state mapped to a segment status; None when the file gives none
    translate: bool = True
    version: int | None = None  # the segment version the file was exported from
    meta: dict[str, str] = field(default_factory=dict)
    revisions: list[Revision] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class XliffFile:
    path: Path
    version: str
    srclang: str
    trglang: str
    documents: list[str]
    units: list[XliffUnit]


@dataclass
class UnitResult:
    unit_id: str
    action: str  # edited | restored | status | unchanged | refused
    detail: str = ""


@dataclass
class ImportReport:
    path: Path
    results: list[UnitResult] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.results if r.action == action)

    @property
    def refused(self) -> list[UnitResult]:
        return [r for r in self.results if r.action == "refused"]


def _iso(value: datetime | None) -> str:
    value = utc(value)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class _Writer:
    """Collects what every format's export needs: text cleaning, the story name, flag notes."""

    def __init__(self, store: Store, doc: Document, status: str) -> None:
        self.removed = 0
        self.doc = doc
        self.segments = [s for s in doc.segments]
        ids = [s.id for s in self.segments]
        self.english = store.english_for(ids)
        self.mt = store.translations(ids)
        self.history = {sid: store.history(sid) for sid in ids}
        self.flags: dict[str, list[Flag]] = {}
        for f in store.flags(doc_id=doc.id, status="open"):
            self.flags.setdefault(f.segment_id, []).append(f)
        self.story = next((s.name for s in store.stories() if s.id == doc.story_id), "") if doc.story_id else ""
        self.keep = [s for s in self.segments if self._wanted(s.id, s.status, status)]

    def _wanted(self, sid: str, seg_status: str, status: str) -> bool:
        eng = self.english.get(sid)
        return status == "all" or passes(seg_status, eng.origin if eng else "", status, include_mt=True)

    def clean(self, text: str) -> str:
        out, n = clean_text(text)
        self.removed += n
        return out

    def revisions(self, sid: str) -> list[Revision]:
        revs = []
        mt = self.mt.get(sid)
        if mt is not None:
            revs.append(Revision(0, mt.text, f"mt:{mt.engine}", "mt", utc(mt.created_at)))
        revs += [Revision(e.version, e.text, e.author, e.origin, utc(e.created_at)) for e in self.history[sid]]
        return revs

    def note_text(self, f: Flag) -> str:
        text = f"{f.level}: {f.kind}: {f.message}"
        return text + (f" (suggestion: {f.suggestion})" if f.suggestion else "")


# XLIFF 1.2 ctype of the HTML elements the importer keeps as codes.
_CTYPE = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underlined", "a": "link"}


def _put_inline(el: etree._Element, text: str, codes: list[dict], ns: str, two: bool, clean) -> None:  # noqa: ANN001
    """Fill `el` with `text`, its tag tokens written as XLIFF inline codes: nested pairs as <pc>
    (2.x) or <g> (1.2), standalone codes as <ph/> or <x/>; an English whose tags do not nest gets
    <sc/>/<ec/> (2.x) or <bx/>/<ex/> (1.2), which may stand in any order. A token without a code
    in the source (a slip the tags check reports) stays text, and comes back as the same token."""
    known = {(c["kind"], int(c["id"])) for c in codes}
    tags = [t for t in inline.parse(text) if (t.kind, t.id) in known]
    names = {int(c["id"]): str(c.get("name", "")) for c in codes}
    nested = inline.balanced(tags)
    stack = [el]
    last = 0

    def put_text(chunk: str) -> None:
        if not chunk:
            return
        target = stack[-1]
        if len(target):
            target[-1].tail = (target[-1].tail or "") + clean(chunk)
        else:
            target.text = (target.text or "") + clean(chunk)

    for t in tags:
        put_text(text[last:t.start])
        last = t.end
        cid = str(t.id)
        if t.kind == inline.PH:
            child = etree.SubElement(stack[-1], ns + ("ph" if two else "x"), id=cid)
            if two:
                child.set("dataRef", f"d{cid}")
        elif nested and t.kind == inline.OPEN:
            child = etree.SubElement(stack[-1], ns + ("pc" if two else "g"), id=cid)
            if two:
                child.set("dataRefStart", f"d{cid}o")
                child.set("dataRefEnd", f"d{cid}c")
            elif names.get(t.id) in _CTYPE:
                child.set("ctype", _CTYPE[names[t.id]])
            stack.append(child)
        elif nested:
            stack.pop()
        elif t.kind == inline.OPEN:
            child = etree.SubElement(stack[-1], ns + ("sc" if two else "bx"), id=cid)
            if two:
                child.set("dataRef", f"d{cid}o")
            else:
                child.set("rid", cid)
        else:
            child = etree.SubElement(stack[-1], ns + ("ec" if two else "ex"))
            if two:
                child.set("startRef", cid)
                child.set("dataRef", f"d{cid}c")
            else:
                child.set("id", f"{cid}e")
                child.set("rid", cid)
    put_text(text[last:])


def _original_data(unit: etree._Element, codes: list[dict], x: str, clean) -> None:  # noqa: ANN001
    """XLIFF 2 <originalData>: the HTML each code stands for, so a CAT tool can show it."""
    if not codes:
        return
    data = etree.SubElement(unit, x + "originalData")
    for c in codes:
        suffix = {"open": "o", "close": "c", "ph": ""}[c["kind"]]
        etree.SubElement(data, x + "data", id=f"d{c['id']}{suffix}").text = clean(str(c.get("markup", "")))


def export_xliff(store: Store, doc_ref: str, path: str | Path, *, version: str = "2.0",
                 status: str = "all") -> ExportReport:
    """Write one document as XLIFF `version` (2.0 by default, 2.1 or 1.2 on request)."""
    if version not in VERSIONS:
        raise ExchangeError(f"--xliff-version {version!r}: must be one of {', '.join(VERSIONS)}")
    passes("new", "human", status, True)  # validates the filter
    doc = store.document(doc_ref)
    w = _Writer(store, doc, status)
    root = _build2(w, version) if version.startswith("2") else _build12(w)
    out = Path(path)
    try:
        out.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    except OSError as exc:
        raise ExchangeError(f"{out}: cannot write ({exc.strerror or exc.__class__.__name__})") from exc
    return ExportReport(out, len(w.keep), w.removed)


def _build2(w: _Writer, version: str) -> etree._Element:
    x, m, c = f"{{{XLIFF2_NS}}}", f"{{{MDA_NS}}}", f"{{{CTR_NS}}}"
    root = etree.Element(x + "xliff", nsmap={None: XLIFF2_NS, "mda": MDA_NS, "ctr": CTR_NS, "wb": WB_NS})
    root.set("version", version)
    root.set("srcLang", bcp47(w.doc.lang))
    root.set("trgLang", "en")
    file_el = etree.SubElement(root, x + "file", id=f"d{w.doc.id}", original=w.clean(w.doc.name))
    meta = etree.SubElement(etree.SubElement(file_el, m + "metadata"), m + "metaGroup", category="workbench")
    for key, value in (("document", w.doc.name), ("document-id", str(w.doc.id)), ("sha256", w.doc.sha256),
                       ("story", w.story), ("tool", f"workbench {__version__}")):
        if value:
            etree.SubElement(meta, m + "meta", type=key).text = w.clean(value)
    for seg in w.keep:
        eng = w.english.get(seg.id)
        has_en = bool(eng and eng.text)
        unit = etree.SubElement(file_el, x + "unit", id=seg.id, name=f"{w.doc.name}#{seg.index}")
        if seg.role == "boilerplate":
            unit.set("translate", "no")
        group = etree.SubElement(etree.SubElement(unit, m + "metadata"), m + "metaGroup", category="workbench")
        for key, value in (("version", str(eng.version if eng else 0)), ("status", seg.status), ("role", seg.role),
                           ("origin", eng.origin if eng else ""), ("engine", eng.engine if eng else ""),
                           ("model", w.mt[seg.id].model_id if seg.id in w.mt else "")):
            if value:
                etree.SubElement(group, m + "meta", type=key).text = w.clean(value)
        revs = w.revisions(seg.id)
        if revs:
            track = etree.SubElement(etree.SubElement(unit, c + "changeTrack"), c + "revisions",
                                     appliesTo="target", currentVersion=f"v{revs[-1].version}")
            for r in revs:
                rev = etree.SubElement(track, c + "revision", version=f"v{r.version}")
                if r.author:
                    rev.set("author", w.clean(r.author))
                if r.date:
                    rev.set("datetime", _iso(r.date))
                rev.set(f"{{{WB_NS}}}origin", r.origin)
                etree.SubElement(rev, c + "item", property="content").text = w.clean(r.text)
        flags = w.flags.get(seg.id, [])
        if flags:
            notes = etree.SubElement(unit, x + "notes")
            for f in flags:
                note = etree.SubElement(notes, x + "note", category=f"flag:{f.kind}",
                                        priority=str(_PRIORITY.get(f.level, 5)),
                                        appliesTo="source" if f.side == "source" else "target")
                if f.id is not None:
                    note.set("id", f"f{f.id}")
                note.text = w.clean(w.note_text(f))
        codes = inline.codes_of(seg.inline)
        _original_data(unit, codes, x, w.clean)
        segment = etree.SubElement(unit, x + "segment", state=STATE2[seg.status] if has_en else "initial")
        _put_inline(etree.SubElement(segment, x + "source"), inline.tagged(seg.text, codes), codes, x, True, w.clean)
        if has_en and eng is not None:
            _put_inline(etree.SubElement(segment, x + "target"), eng.text, codes, x, True,
                        w.clean)
    return root


def _build12(w: _Writer) -> etree._Element:
    x, wb = f"{{{XLIFF12_NS}}}", f"{{{WB_NS}}}"
    root = etree.Element(x + "xliff", nsmap={None: XLIFF12_NS, "wb": WB_NS}, version="1.2")
    file_el = etree.SubElement(root, x + "file", original=w.clean(w.doc.name), datatype="plaintext")
    file_el.set("source-language", bcp47(w.doc.lang))
    file_el.set("target-language", "en")
    file_el.set("tool-id", "workbench")
    file_el.set(wb + "document-id", str(w.doc.id))
    if w.story:
        file_el.set(wb + "story", w.clean(w.story))
    header = etree.SubElement(file_el, x + "header")
    tool = etree.SubElement(header, x + "tool")
    tool.set("tool-id", "workbench")
    tool.set("tool-name", "workbench")
    tool.set("tool-version", __version__)
    body = etree.SubElement(file_el, x + "body")
    for seg in w.keep:
        eng = w.english.get(seg.id)
        has_en = bool(eng and eng.text)
        tu = etree.SubElement(body, x + "trans-unit", id=seg.id, resname=f"{w.doc.name}#{seg.index}")
        tu.set(f"{{{XML_NS}}}space", "preserve")
        if seg.role == "boilerplate":
            tu.set("translate", "no")
        if seg.status == "approved":
            tu.set("approved", "yes")
        tu.set(wb + "version", str(eng.version if eng else 0))
        tu.set(wb + "status", seg.status)
        tu.set(wb + "role", seg.role)
        if eng and eng.origin:
            tu.set(wb + "origin", eng.origin)
        if eng and eng.engine:
            tu.set(wb + "engine", eng.engine)
        if seg.id in w.mt:
            tu.set(wb + "model", w.clean(w.mt[seg.id].model_id))
        codes = inline.codes_of(seg.inline)
        src = etree.SubElement(tu, x + "source")
        src.set(f"{{{XML_NS}}}lang", bcp47(w.doc.lang))
        _put_inline(src, inline.tagged(seg.text, codes), codes, x, False, w.clean)
        if has_en and eng is not None:
            tgt = etree.SubElement(tu, x + "target", state=STATE12[seg.status])
            tgt.set(f"{{{XML_NS}}}lang", "en")
            _put_inline(tgt, eng.text, codes, x, False, w.clean)
        for f in w.flags.get(seg.id, []):
            note = etree.SubElement(tu, x + "note", priority=str(_PRIORITY.get(f.level, 5)),
                                    annotates="source" if f.side == "source" else "target")
            note.set("from", f"flag:{f.kind}")
            note.text = w.clean(w.note_text(f))
        for r in w.revisions(seg.id):
            edit = etree.SubElement(tu, wb + "edit", version=str(r.version), origin=r.origin)
            if r.author:
                edit.set("author", w.clean(r.author))
            if r.date:
                edit.set("date", _iso(r.date))
            edit.text = w.clean(r.text)
    return root


# --- reading ------------------------------------------------------------------------------------
def _tagged_text(elem: etree._Element | None, ids: dict[str, int]) -> str | None:
    """The text of a source or target with its inline codes as tag tokens (`workbench.inline`):
    pairs (<g>, <pc>, <bpt>/<ept>, <bx>/<ex>, <sc>/<ec>) as <n>…</n>, standalone codes (<x/>,
    <ph>, <it>) as <n/>; a native code's content is not text. Ids are the file's when they are
    numbers, else numbered in order of appearance in the unit (`ids`, shared by source and target)."""
    if elem is None:
        return None

    def num(value: str | None) -> int:
        key = (value or "").strip()
        if key.isdigit() and 0 < int(key) < 1000:
            return int(key)
        if key not in ids:
            ids[key] = _free(ids)
        return ids[key]

    parts: list[str] = [elem.text or ""]
    for child in elem:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        name = local_name(child.tag)
        if name in ("g", "pc"):
            n = num(child.get("id"))
            parts += [inline.token(inline.OPEN, n), _tagged_text(child, ids) or "", inline.token(inline.CLOSE, n)]
        elif name in ("x", "ph", "it"):
            parts.append(inline.token(inline.PH, num(child.get("id"))))
        elif name in ("bx", "bpt", "sc"):
            parts.append(inline.token(inline.OPEN, num(child.get("rid") or child.get("id"))))
        elif name in ("ex", "ept", "ec"):
            parts.append(inline.token(inline.CLOSE, num(child.get("startRef") or child.get("rid") or child.get("id"))))
        elif name in _CODE_ELEMENTS:
            pass
        else:
            parts.append(_tagged_text(child, ids) or "")
        parts.append(child.tail or "")
    return "".join(parts)


def _free(ids: dict[str, int]) -> int:
    used = set(ids.values())
    return next(n for n in range(1, 1000) if n not in used and str(n) not in ids)


def _text(elem: etree._Element | None) -> str | None:
    if elem is None:
        return None
    return flat_text(elem, skip=lambda name: name in _CODE_ELEMENTS)


def _children(elem: etree._Element, ns: str, name: str) -> list[etree._Element]:
    return [c for c in elem if isinstance(c.tag, str) and c.tag == f"{{{ns}}}{name}"]


def _version_number(value: str | None) -> int | None:
    if value is None:
        return None
    digits = value.strip().lstrip("vr")
    return int(digits) if digits.isdigit() else None


def read_xliff(path: str | Path) -> XliffFile:
    """Read an XLIFF 2.x or 1.2 file (hardened parse) into units keyed by segment id."""
    p = Path(path)
    root = parse(p, roots=("xliff",), what="XLIFF")
    ns = namespace(root.tag)
    version = (root.get("version") or "").strip()
    if ns == XLIFF2_NS:
        xf = _read2(p, root, version or "2.0")
    elif ns in (XLIFF12_NS, XLIFF11_NS, ""):
        xf = _read12(p, root, ns, version or "1.2")
    else:
        raise ExchangeError(f"{p}: XLIFF namespace {ns!r} is not supported (XLIFF 2.0/2.1 or 1.2)")
    seen: set[str] = set()
    for u in xf.units:
        if not u.id:
            raise ExchangeError(f"{p}: a unit has no id")
        if u.id in seen:
            raise ExchangeError(f"{p}: unit id {u.id!r} appears twice")
        seen.add(u.id)
    if xf.trglang and lang_code(xf.trglang) != "en":
        raise ExchangeError(f"{p}: target language is {xf.trglang!r}; the workbench imports English targets")
    return xf


def _read2(p: Path, root: etree._Element, version: str) -> XliffFile:
    x = XLIFF2_NS
    units: list[XliffUnit] = []
    docs: list[str] = []
    for file_el in _children(root, x, "file"):
        docs.append(file_el.get("original", ""))
        for unit in file_el.iter(f"{{{x}}}unit"):
            src_parts: list[str] = []
            tgt_parts: list[str] = []
            has_target = False
            ids: dict[str, int] = {}
            states: list[str] = []
            for part in unit:
                name = local_name(part.tag) if namespace(part.tag) == x else ""
                if name not in ("segment", "ignorable"):
                    continue
                src = _tagged_text(next(iter(_children(part, x, "source")), None), ids)
                if src is None:
                    raise ExchangeError(f"{p}: unit {unit.get('id')!r} (line {part.sourceline}): <{name}> "
                                        "without <source>")
                tgt = _tagged_text(next(iter(_children(part, x, "target")), None), ids)
                src_parts.append(src)
                if tgt is not None:
                    has_target = True
                tgt_parts.append(tgt if tgt is not None else (src if name == "ignorable" else ""))
                if name == "segment":
                    states.append(part.get("state", "initial"))
            if not states:
                raise ExchangeError(f"{p}: unit {unit.get('id')!r} (line {unit.sourceline}) has no <segment>")
            unknown = [s for s in states if s not in STATE2_BACK]
            if unknown:
                raise ExchangeError(f"{p}: unit {unit.get('id')!r}: state {unknown[0]!r} is not an XLIFF 2 state")
            status = min((STATE2_BACK[s] for s in states), key=lambda st: _RANK[st])
            meta = {m.get("type", ""): m.text or "" for m in unit.iter(f"{{{MDA_NS}}}meta")}
            revisions = []
            for revs in unit.iter(f"{{{CTR_NS}}}revisions"):
                if revs.get("appliesTo") != "target":
                    continue
                for rev in _children(revs, CTR_NS, "revision"):
                    number = _version_number(rev.get("version"))
                    item = next(iter(_children(rev, CTR_NS, "item")), None)
                    if number is None or item is None:
                        continue
                    revisions.append(Revision(number, _text(item) or "", rev.get("author", ""),
                                              rev.get(f"{{{WB_NS}}}origin", ""), _parse_iso(rev.get("datetime"))))
            notes = [n.text or "" for n in unit.iter(f"{{{x}}}note")]
            units.append(XliffUnit(
                id=unit.get("id", ""), source="".join(src_parts), target="".join(tgt_parts) if has_target else None,
                status=status, translate=unit.get("translate", "yes") != "no",
                version=_version_number(meta.get("version")), meta=meta, revisions=revisions, notes=notes))
    return XliffFile(p, version, root.get("srcLang", ""), root.get("trgLang", ""), docs, units)


def _read12(p: Path, root: etree._Element, ns: str, version: str) -> XliffFile:
    def q(name: str) -> str:
        return f"{{{ns}}}{name}" if ns else name

    units: list[XliffUnit] = []
    docs: list[str] = []
    srclang = trglang = ""
    files = [c for c in root if c.tag == q("file")]
    if not files:
        raise ExchangeError(f"{p}: XLIFF {version} file without <file>")
    for file_el in files:
        docs.append(file_el.get("original", ""))
        srclang = srclang or file_el.get("source-language", "")
        trglang = trglang or file_el.get("target-language", "")
        for tu in file_el.iter(q("trans-unit")):
            src_el = next((c for c in tu if c.tag == q("source")), None)
            if src_el is None:
                raise ExchangeError(f"{p}: trans-unit {tu.get('id')!r} (line {tu.sourceline}) without <source>")
            # A CAT tool may segment the unit further (<seg-source> with <mrk mtype="seg">); the
            # flattened <target> holds the whole translation either way.
            tgt_el = next((c for c in tu if c.tag == q("target")), None)
            state = tgt_el.get("state") if tgt_el is not None else None
            if state is not None and state not in STATE12_BACK and not state.startswith("x-"):
                raise ExchangeError(f"{p}: trans-unit {tu.get('id')!r}: state {state!r} is not an XLIFF 1.2 state")
            status = STATE12_BACK.get(state or "", None)
            if tu.get("approved") == "yes":
                status = "approved"
            elif status is None and tgt_el is not None:
                status = "translated"
            meta = {local_name(k): v for k, v in tu.attrib.items() if namespace(k) == WB_NS}
            revisions = [Revision(_version_number(e.get("version")) or 0, _text(e) or "", e.get("author", ""),
                                  e.get("origin", ""), _parse_iso(e.get("date")))
                         for e in tu if e.tag == f"{{{WB_NS}}}edit" and _version_number(e.get("version")) is not None]
            notes = [n.text or "" for n in tu if n.tag == q("note")]
            ids: dict[str, int] = {}
            units.append(XliffUnit(
                id=tu.get("id", ""), source=_tagged_text(src_el, ids) or "", target=_tagged_text(tgt_el, ids),
                status=status,
                translate=tu.get("translate", "yes") != "no", version=_version_number(meta.get("version")),
                meta=meta, revisions=revisions, notes=notes))
    return XliffFile(p, version, srclang, trglang, docs, units)


# --- import -------------------------------------------------------------------------------------
def _same_text(a: str, b: str) -> bool:
    """Equal, or equal once Unicode-normalized and whitespace-collapsed (CAT tools reflow spaces)."""
    if a == b:
        return True

    def norm(t: str) -> str:
        return " ".join(unicodedata.normalize("NFC", t).split())

    return norm(a) == norm(b)


def import_xliff(store: Store, path: str | Path, actor: str, *, approve: bool = True) -> ImportReport:
    """Apply the targets changed in a CAT tool as edits; report what was done to each unit.

    With `approve=False` (an importer who may not sign off) a `final` state is not applied: the
    target still arrives as an edit, and the unit's detail says the approval was left to a reviewer."""
    xf = read_xliff(path)
    report = ImportReport(xf.path)
    segments = {}
    for u in xf.units:
        try:
            segments[u.id] = store.segment(u.id)
        except NotFound:
            segments[u.id] = None
    english = store.english_for([sid for sid, seg in segments.items() if seg is not None])
    for u in xf.units:
        seg = segments[u.id]
        if seg is None:
            report.results.append(UnitResult(u.id, "refused", "no such segment in this project"))
            continue
        if not _same_text(inline.plain(u.source), seg.text):
            report.results.append(UnitResult(u.id, "refused", "source no longer matches the segment"))
            continue
        try:
            report.results.append(_apply(store, xf, u, seg.text, english[u.id], actor, approve))
        except EditConflict as exc:
            report.results.append(UnitResult(u.id, "refused", f"changed by {exc.current.author} during the import"))
        except StoreError as exc:
            report.results.append(UnitResult(u.id, "refused", str(exc)))
    return report


def _apply(store: Store, xf: XliffFile, u: XliffUnit, source: str, cur: English, actor: str,
           approve: bool = True) -> UnitResult:
    name = xf.path.name
    revs = {r.version: r for r in u.revisions}
    file_v = u.version if u.version is not None else (max(revs) if revs else None)
    exported = revs[file_v].text if file_v is not None and file_v in revs else None
    target = u.target if u.target is not None and u.target.strip() else None
    done: list[str] = []
    text, version = cur.text, cur.version

    # 1. Catch up: the file's history goes further than this store's (another project, a restore).
    if file_v is not None and revs and (version < file_v or (not text and 0 in revs and revs[0].origin == "mt")):
        history = store.history(u.id)
        consistent = all(e.version not in revs or _same_text(revs[e.version].text, e.text) for e in history) \
            and all(k in revs for k in range(version + 1, file_v + 1))
        if consistent:
            if not text and 0 in revs and revs[0].origin == "mt":
                mt = revs[0]
                store.save_translations([(Translation(
                    segment_id=u.id, text=mt.text, engine=u.meta.get("engine") or mt.author.removeprefix("mt:"),
                    model_id=u.meta.get("model") or "xliff-import"), source)])
                text = mt.text
                done.append("machine translation restored")
            for k in range(version + 1, file_v + 1):
                r = revs[k]
                when = f"; saved {_iso(r.date)}" if r.date else ""
                # The author is whoever imports: a name in the file is a claim, kept only in the comment.
                claimed = f"; the file names {r.author!r} as author" if r.author else ""
                store.save_edit(u.id, r.text, actor, k - 1, origin=r.origin or "import",
                                comment=f"from {name}{when}{claimed}")
                text, version = r.text, k
            if file_v > cur.version:
                done.append(f"history v{cur.version + 1}-v{file_v} replayed")

    # 2. The target changed in the CAT tool.
    edited = False
    ahead = file_v is not None and version > file_v  # saved in the workbench since the export
    if target is not None and not _same_text(target, text):
        changed_in_file = exported is None or not _same_text(target, exported)
        if ahead and changed_in_file:
            return UnitResult(u.id, "refused", f"edited in the workbench since the export (version {file_v} -> "
                                               f"{version}); not overwritten")
        if file_v is not None and 0 < version < file_v:
            return UnitResult(u.id, "refused", f"this project's history of the segment differs from the file's "
                                               f"(version {version}, file {file_v}); not overwritten")
        if changed_in_file and not ahead:
            store.save_edit(u.id, target, actor, version, origin="import", comment=f"imported from {name}")
            edited = True
            done.append("target applied as an edit")

    # 3. The state: approval (final) and un-approval travel; a lower state never undoes an edit.
    # The file's state judged an older text when the workbench has moved on: it does not travel then.
    if u.status is not None and target is not None and not ahead:
        now = store.segment(u.id).status
        want = u.status
        if want == "approved" and now != "approved" and not approve:
            done.append("approval in the file not applied (left to a reviewer)")
        elif want == "approved" and now != "approved":
            store.set_segment_status(u.id, "approved", actor)
            done.append("approved")
        elif want in ("translated", "edited") and now == "approved" and not edited:
            back = "edited" if store.history(u.id) else "translated"
            store.set_segment_status(u.id, back, actor)
            done.append(f"approval withdrawn ({back})")
    if not done:
        return UnitResult(u.id, "unchanged")
    action = "edited" if edited else ("restored" if any("replayed" in d or "restored" in d for d in done)
                                      else "status")
    return UnitResult(u.id, action, "; ".join(done))
