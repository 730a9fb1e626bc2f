"""TBX glossaries: export and import of terms in the TBX v2 / TBX-Basic `martif` layout.

One `termEntry` per glossary entry: a `langSet` for the source language (ru or uk) and one for
English, each with a `tig`/`term`. The entry's status is the English term's administrative status
(approved -> preferredTerm-admn-sts, proposed -> admittedTerm-admn-sts, rejected ->
deprecatedTerm-admn-sts); the note is a `<note>`, a "bad rendering" entry carries
`<admin type="x-kind">bad</admin>`, and the review history travels as `transacGrp`s (who and when).
The `glossaries/` files stay the reviewable source of truth; TBX is for other tools.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from .. import __version__
from ..records import TERM_KINDS, Term
from ..store import Store
from ..store.errors import StoreError
from .collect import SOURCE_LANGS, lang_code, utc
from .safexml import ExchangeError, clean_text, flat_text, local_name, parse

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS_TO_TBX = {"approved": "preferredTerm-admn-sts", "proposed": "admittedTerm-admn-sts",
                 "rejected": "deprecatedTerm-admn-sts"}
# Everything TBX writers put in administrativeStatus (full and short forms), onto our statuses.
TBX_TO_STATUS = {"preferredterm-admn-sts": "approved", "preferred": "approved",
                 "standardizedterm-admn-sts": "approved", "admittedterm-admn-sts": "proposed",
                 "admitted": "proposed", "deprecatedterm-admn-sts": "rejected", "deprecated": "rejected",
                 "supersededterm-admn-sts": "rejected", "superseded": "rejected"}


@dataclass
class TbxExportReport:
    path: Path
    entries: int
    removed_chars: int = 0


@dataclass
class TbxImportReport:
    path: Path
    entries: int = 0
    added: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # why termEntries were not imported


@dataclass
class TbxTerm:
    """A glossary entry as read from TBX, with who created it according to the file."""

    term: Term
    created_by: str = ""


def _status_of(tig: etree._Element) -> str | None:
    for note in tig.iter("termNote"):
        if note.get("type") == "administrativeStatus":
            value = (note.text or "").strip().lower()
            if value not in TBX_TO_STATUS:
                raise ExchangeError(f"administrativeStatus {note.text!r} (line {note.sourceline}) is not a "
                                    "TBX status (preferredTerm-admn-sts, admittedTerm-admn-sts, ...)")
            return TBX_TO_STATUS[value]
    return None


def export_tbx(store: Store, path: str | Path, *, lang: str | None = None, status: str | None = None,
               terms: list[Term] | None = None) -> TbxExportReport:
    """Write the glossary (or the given terms; optionally of one language / status) as TBX-Basic."""
    removed = 0

    def clean(text: str) -> str:
        nonlocal removed
        out, n = clean_text(text)
        removed += n
        return out

    if terms is None:
        terms = store.terms(lang=lang, status=status)
    root = etree.Element("martif", type="TBX-Basic")
    root.set(XML_LANG, "en")
    header = etree.SubElement(root, "martifHeader")
    file_desc = etree.SubElement(header, "fileDesc")
    etree.SubElement(etree.SubElement(file_desc, "titleStmt"), "title").text = "workbench glossary"
    etree.SubElement(etree.SubElement(file_desc, "sourceDesc"), "p").text = (
        f"Exported by workbench {__version__} on {datetime.now(UTC).strftime('%Y-%m-%d')}")
    etree.SubElement(etree.SubElement(header, "encodingDesc"), "p", type="XCSURI").text = "TBXBasicXCSV02.xcs"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for t in terms:
        entry = etree.SubElement(body, "termEntry", id=f"t{t.id}")
        if t.kind != "term":
            etree.SubElement(entry, "admin", type="x-kind").text = t.kind
        if t.note:
            etree.SubElement(entry, "note").text = clean(t.note)
        history = store.term_history(t.id) if t.id is not None else []
        for i, event in enumerate(history):
            grp = etree.SubElement(entry, "transacGrp")
            etree.SubElement(grp, "transac", type="transactionType").text = "origination" if i == 0 else "modification"
            if event["author"]:
                etree.SubElement(grp, "transacNote", type="responsibility").text = clean(str(event["author"]))
            when = utc(event["created_at"]) if isinstance(event["created_at"], datetime) else None
            if when is not None:
                etree.SubElement(grp, "date").text = when.strftime("%Y-%m-%d")
            comment = f"{event['action']}" + (f": {event['comment']}" if event["comment"] else "")
            etree.SubElement(grp, "note").text = clean(comment)
        for code, text, with_status in ((t.lang, t.source, False), ("en", t.english, True)):
            lang_set = etree.SubElement(entry, "langSet")
            lang_set.set(XML_LANG, code)
            tig = etree.SubElement(lang_set, "tig")
            etree.SubElement(tig, "term").text = clean(text)
            if with_status:
                etree.SubElement(tig, "termNote", type="administrativeStatus").text = STATUS_TO_TBX[t.status]
    out = Path(path)
    try:
        out.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    except OSError as exc:
        raise ExchangeError(f"{out}: cannot write ({exc.strerror or exc.__class__.__name__})") from exc
    return TbxExportReport(out, len(terms), removed)


def _term_text(tig: etree._Element) -> str:
    term = next((c for c in tig if local_name(c.tag) == "term"), None)
    return " ".join(flat_text(term, skip=lambda _name: False).split()) if term is not None else ""


def read_tbx(path: str | Path) -> tuple[list[TbxTerm], list[str]]:
    """The glossary entries of a TBX file, and why some termEntries could not be used."""
    p = Path(path)
    root = parse(p, roots=("martif",), what="TBX (martif)")
    out: list[TbxTerm] = []
    skipped: list[str] = []
    for entry in root.iter("termEntry"):
        where = f"termEntry {entry.get('id') or ''} (line {entry.sourceline})".replace("  ", " ")
        kind = next(((a.text or "").strip() for a in entry if local_name(a.tag) == "admin"
                     and a.get("type") == "x-kind"), "term")
        if kind not in TERM_KINDS:
            raise ExchangeError(f"{p}: {where}: kind {kind!r} is not one of {', '.join(TERM_KINDS)}")
        note = "\n".join((n.text or "").strip() for n in entry if local_name(n.tag) == "note" and n.text)
        creator = ""
        for grp in (g for g in entry if local_name(g.tag) == "transacGrp"):
            kind_el = next((c for c in grp if local_name(c.tag) == "transac"), None)
            who = next((c.text or "" for c in grp if local_name(c.tag) == "transacNote"
                        and c.get("type") == "responsibility"), "")
            if kind_el is not None and (kind_el.text or "").strip() == "origination" and who:
                creator = who.strip()
        sources: list[tuple[str, str, str | None]] = []
        english: list[tuple[str, str | None]] = []
        for lang_set in (c for c in entry if local_name(c.tag) == "langSet"):
            code = lang_code(lang_set.get(XML_LANG) or lang_set.get("lang") or "")
            for tig in (c for c in lang_set if local_name(c.tag) in ("tig", "ntig")):
                text = _term_text(tig if local_name(tig.tag) == "tig" else
                                  next((c for c in tig if local_name(c.tag) == "termGrp"), tig))
                try:
                    st = _status_of(tig)
                except ExchangeError as exc:
                    raise ExchangeError(f"{p}: {where}: {exc}") from None
                if not text:
                    continue
                if code == "en":
                    english.append((text, st))
                elif code in SOURCE_LANGS:
                    sources.append((code, text, st))
        if not sources or not english:
            skipped.append(f"{where}: needs a ru or uk term and an English term")
            continue
        for code, src, src_status in sources:
            for en, en_status in english:
                status = en_status or src_status or "proposed"
                out.append(TbxTerm(Term(id=None, lang=code, source=src, english=en, status=status, kind=kind,
                                        note=note), created_by=creator))
    return out, skipped


def import_tbx(store: Store, path: str | Path, actor: str, *, as_proposed: bool = False) -> TbxImportReport:
    """Add the file's terms to the glossary (existing entries are left as they are).

    The whole file is read and checked before the first term is added.
    """
    entries, skipped = read_tbx(path)
    return add_terms(store, Path(path), entries, skipped, actor, as_proposed=as_proposed)


def add_terms(store: Store, path: Path, entries: list[TbxTerm], skipped: list[str], actor: str, *,
              as_proposed: bool = False) -> TbxImportReport:
    """Add checked glossary entries; shared by the TBX and the CSV/TSV glossary import."""
    report = TbxImportReport(path, entries=len(entries), skipped=skipped)
    existing = {(t.lang, t.source, t.english, t.kind) for t in store.terms()}
    for e in entries:
        t = e.term
        if as_proposed:
            t.status = "proposed"
        key = (t.lang, t.source.strip(), t.english.strip(), t.kind)
        if key in existing:
            report.unchanged += 1
            continue
        try:
            # The author is whoever imports: a name in the file is a claim, kept only in the comment.
            claimed = f"; the file names {e.created_by!r} as responsible" if e.created_by else ""
            store.add_term(t, actor, comment=f"imported from {path.name} by {actor}{claimed}")
        except StoreError as exc:
            raise ExchangeError(f"{path}: term {t.source!r}: {exc}") from exc
        existing.add(key)
        report.added += 1
    return report
