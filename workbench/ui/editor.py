"""The editor page's data: one document's segments with their English, flags, history and highlights."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import inline
from ..errors import WorkbenchError
from ..glossary import match_terms
from ..records import Document, Flag, Segment, Term
from . import html as h

if TYPE_CHECKING:
    from ..store import Store

SORTS = ("position", "risk", "status")
STATUS_ORDER = {"new": 0, "translated": 1, "edited": 2, "approved": 3}
# The words people see for the stored segment statuses: a translator *confirms* a segment; "approved"
# is kept for a reviewer's decision on a whole document.
STATUS_LABELS = {"new": "new", "translated": "MT", "edited": "edited", "approved": "confirmed"}
LEVEL_RANK = {"error": 2, "warning": 1, "note": 0}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def change_marker(store: Store) -> tuple[Any, ...]:
    """A cheap fingerprint of everything the editor shows: the store's revision, which grows with
    every committed change (an edit, a status, a translation, a flag, a term, a comment, a split…), by
    anyone, in any process. Cached document views are keyed by it, so a cache hit is never stale.
    (It replaced scans of the flags table that grew with the project: 9 ms at 11k flags.)"""
    return (store.revision(),)


@dataclass
class EditorRow:
    segment: Segment
    english: str
    origin: str  # "mt", "human" (or another edit origin), "" when there is no English yet
    version: int
    mt_text: str = ""
    engine: str = ""
    flags: list[Flag] = field(default_factory=list)
    _risk: float | None = field(default=None, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.segment.id

    @property
    def open_flags(self) -> list[Flag]:
        """Every open flag, the segment's risk estimate included (the flag panel lists them all)."""
        return [f for f in self.flags if f.status == "open"]

    @property
    def findings(self) -> list[Flag]:
        """The open flags that point at something: without the risk estimate every segment carries."""
        return [f for f in self.open_flags if not f.is_estimate]

    @property
    def edited(self) -> bool:
        """People touched this English (as opposed to the MT shown as it came)."""
        return self.origin not in ("mt", "")

    @property
    def worst(self) -> float:
        return max((f.severity for f in self.open_flags), default=0.0)

    @property
    def kinds(self) -> list[str]:
        return sorted({f.kind for f in self.findings})

    @property
    def risk(self) -> float:
        """The combined risk of the open flags: what the list sorts by and shows."""
        if self._risk is None:
            self._risk = risk(self.flags)
        return self._risk

    @property
    def serious_flags(self) -> list[Flag]:
        """Open errors and warnings (notes are hints, not work)."""
        return [f for f in self.open_flags if LEVEL_RANK.get(f.level, 1) >= 1]

    @property
    def needs_work(self) -> bool:
        """What Ctrl+Enter moves on to: neither boilerplate nor confirmed."""
        return self.segment.role != "boilerplate" and self.segment.status != "approved"


def load_rows(store: Store, doc_ref: int | str) -> tuple[Document, list[EditorRow]]:
    doc = store.document(doc_ref)
    english = store.english_for([s.id for s in doc.segments])
    flags: dict[str, list[Flag]] = {}
    for f in _document_flags(store, doc.id or 0):
        flags.setdefault(f.segment_id, []).append(f)
    rows = []
    for seg in doc.segments:
        en = english[seg.id]
        row = EditorRow(seg, en.text, en.origin, en.version, en.mt_text, en.engine,
                        sorted(flags.get(seg.id, []), key=lambda f: (f.status != "open", -f.severity)))
        row.risk  # noqa: B018 - computed once per load: the list sorts and shows it on every run
        rows.append(row)
    return doc, rows


def _document_flags(store: Store, doc_id: int) -> list[Flag]:
    """A document's flags read as plain rows (building ORM objects for thousands of flags took most
    of the time of opening a long document)."""
    from sqlalchemy import select

    from ..store.schema import FlagRow, SegmentRow

    cols = [FlagRow.id, FlagRow.segment_id, FlagRow.side, FlagRow.start, FlagRow.end, FlagRow.kind,
            FlagRow.severity, FlagRow.message, FlagRow.suggestion, FlagRow.detector, FlagRow.level,
            FlagRow.status, FlagRow.reason]
    q = (select(*cols).join(SegmentRow, SegmentRow.id == FlagRow.segment_id).where(SegmentRow.doc_id == doc_id)
         .order_by(FlagRow.severity.desc(), FlagRow.id))
    with store.transaction(readonly=True) as s:
        return [Flag(id=r.id, segment_id=r.segment_id, side=r.side, start=r.start, end=r.end, kind=r.kind,
                     severity=r.severity, message=r.message, suggestion=r.suggestion, detector=r.detector,
                     level=r.level, status=r.status, reason=r.reason) for r in s.execute(q)]


def risk(flags: Sequence[Flag]) -> float:
    """The flags stage's risk score of a segment's open flags."""
    from ..flags import risk_score

    open_flags = [f for f in flags if f.status == "open"]
    return float(risk_score(open_flags)) if open_flags else 0.0


def filter_rows(rows: Sequence[EditorRow], *, kinds: Iterable[str] = (), statuses: Iterable[str] = (),
                roles: Iterable[str] = (), flagged_only: bool = False, min_risk: float = 0.0, query: str = "",
                sort: str = "position", risk_of: Callable[[Sequence[Flag]], float] = risk) -> list[EditorRow]:
    """Rows with any of the flag kinds / statuses / roles asked for, sorted by position, risk or status."""
    kinds, statuses, roles = set(kinds), set(statuses), set(roles)
    if sort not in SORTS:
        raise WorkbenchError(f"sort {sort!r}: one of {', '.join(SORTS)}")
    q = query.casefold().strip()
    out = [r for r in rows
           if (not kinds or kinds & set(r.kinds)) and (not statuses or r.segment.status in statuses)
           and (not roles or r.segment.role in roles) and (not flagged_only or r.findings)
           and (not q or q in r.segment.text.casefold() or q in r.english.casefold())]
    if min_risk > 0 or sort == "risk":
        risks = {r.id: (r.risk if risk_of is risk else risk_of(r.flags)) for r in out}
        out = [r for r in out if risks[r.id] >= min_risk]
        if sort == "risk":
            out.sort(key=lambda r: (-risks[r.id], r.segment.index))
    if sort == "status":
        out.sort(key=lambda r: (STATUS_ORDER.get(r.segment.status, 9), r.segment.index))
    return out


def step(rows: Sequence[EditorRow], current: str | None, delta: int, *, flagged: bool = False,
         skip_boilerplate: bool = False, needs_work: bool = False) -> str | None:
    """The id `delta` rows away from `current` in list order, else None. `flagged`: only rows with
    open flags; `skip_boilerplate`: not boilerplate; `needs_work`: neither boilerplate nor confirmed."""

    def wanted(r: EditorRow) -> bool:
        return ((not flagged or bool(r.findings)) and (not skip_boilerplate or r.segment.role != "boilerplate")
                and (not needs_work or r.needs_work))

    ids = [r.id for r in rows]
    if current not in ids:
        candidates = [r for r in rows if wanted(r)]
        return candidates[0].id if candidates else None
    i = ids.index(current)
    direction = 1 if delta > 0 else -1
    remaining = abs(delta)
    while 0 <= i + direction < len(rows):
        i += direction
        if wanted(rows[i]):
            remaining -= 1
            if remaining == 0:
                return rows[i].id
    return None


def list_window(rows: Sequence[EditorRow], current: str, size: int) -> tuple[int, int]:
    """The slice [lo, hi) of `size` rows around the current one (a third before it)."""
    ids = [r.id for r in rows]
    at = ids.index(current) if current in ids else 0
    lo = max(0, min(at - size // 3, len(rows) - size))
    return lo, min(len(rows), lo + size)


def triage(rows: Sequence[EditorRow]) -> list[EditorRow]:
    """The rows worth a reviewer's look, worst first: open errors or warnings, boilerplate left out;
    ties in document order."""
    worth = [r for r in rows if r.serious_flags and r.segment.role != "boilerplate"]
    return sorted(worth, key=lambda r: (-max(LEVEL_RANK.get(f.level, 1) for f in r.serious_flags), -r.risk,
                                        r.segment.index))


def after_confirm(rows: Sequence[EditorRow], current: str | None) -> str | None:
    """Where Ctrl+Enter goes: the next segment that needs work (neither boilerplate nor confirmed),
    else simply the next one."""
    return step(rows, current, 1, needs_work=True) or step(rows, current, 1)


def ahead(rows: Sequence[EditorRow], current: str | None) -> list[EditorRow]:
    """The segments a translator is likely to open next: where Next and Ctrl+Enter lead."""
    by_id = {r.id: r for r in rows}
    ids = [step(rows, current, 1, skip_boilerplate=True), after_confirm(rows, current)]
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]


def step_flagged(rows: Sequence[EditorRow], current: str | None, delta: int) -> str | None:
    """"Flagged ▶ / ◀": through the triage order (the worst open error first), from the current segment."""
    order = [r.id for r in triage(rows)]
    if not order:
        return None
    if current not in order:
        return order[0] if delta > 0 else order[-1]
    i = order.index(current) + (1 if delta > 0 else -1)
    return order[i] if 0 <= i < len(order) else None


def window(rows: Sequence[EditorRow], current: str, before: int = 2,
           after: int = 2) -> tuple[list[EditorRow], EditorRow, list[EditorRow]]:
    """The current row with its neighbours in document order, for context."""
    i = next(n for n, r in enumerate(rows) if r.id == current)
    return list(rows[max(0, i - before):i]), rows[i], list(rows[i + 1:i + 1 + after])


def flag_title(f: Flag) -> str:
    text = f"{f.kind} ({f.level}, severity {f.severity:.2f}): {f.message}"
    return text + (f" → {f.suggestion}" if f.suggestion else "")


def marks(row: EditorRow, terms: Sequence[Term] = ()) -> tuple[list[h.Mark], list[h.Mark]]:
    """Highlights of the source and of the English: open flags by level, approved glossary terms.

    The segment's risk estimate is listed with the flags but not highlighted: it spans the whole
    segment, and its mark hid the words the other flags point at.
    """
    src: list[h.Mark] = []
    en: list[h.Mark] = []
    for f in row.findings:
        m = h.Mark(f.start, f.end, h.LEVEL_CSS.get(f.level, "wb-f-warning"), flag_title(f))
        (src if f.side == "source" else en).append(m)
    if row.segment.lang in ("ru", "uk") and terms:
        for tm in match_terms(row.segment.text, row.segment.lang, list(terms)):
            label = "bad rendering" if tm.term.kind == "bad" else "glossary"
            src.append(h.Mark(tm.start, tm.end, "wb-term", f"{label}: {tm.term.source} → {tm.term.english}"))
    return src, en


def pair_html(row: EditorRow, *, terms: Sequence[Term] = (), links: Sequence[tuple[int, int]] | None = None,
              css: str = "") -> str:
    """Source and English of one segment side by side, with badges saying where the English came from."""
    src_marks, en_marks = marks(row, terms)
    seg = row.segment
    badges = []
    if row.origin == "mt":
        kind, badges = "wb-mt", [h.badge(f"MT · {row.engine}" if row.engine else "MT", "mt")]
    elif row.origin == "propagated":  # a repetition's English, given by a confirmation elsewhere
        kind, badges = "wb-prop", [h.badge(f"propagated · v{row.version}", "prop")]
    elif row.edited:
        kind, badges = "wb-human", [h.badge(f"edited · v{row.version}", "human")]
    else:
        kind = "wb-none"
    if seg.status == "approved":
        badges.append(h.badge("confirmed", "approved"))
    if row.findings:
        badges.append(h.badge(f"{len(row.findings)} flag{'s' * (len(row.findings) > 1)}", "flag"))
    role = h.badge(seg.role, "role") if seg.role != "content" else ""
    english = h.tag_chips(h.render_text(row.english, en_marks, word_numbers=True)) if row.english \
        else "(not translated yet)"
    return (f'<div class="wb-pair {css} {h.pair_class(row.id)}">'
            f'<div class="wb-src"><span class="wb-num">{seg.index + 1}</span>{role}'
            f'{h.render_text(seg.text, src_marks, word_numbers=True, inserts=tag_inserts(seg))}</div>'
            f'<div class="wb-en {kind}">{"".join(badges)}{english}</div></div>' + h.link_css(row.id, links))


def tag_inserts(seg: Segment) -> dict[int, str]:
    """The chips of a segment's inline codes by position in its text (several at one place join)."""
    out: dict[int, str] = {}
    codes = inline.codes_of(seg.inline)
    tagged = inline.tagged(seg.text, codes)  # the order tokens take where several share a position
    by_token = {inline.token(c["kind"], int(c["id"])): c for c in codes}
    shift = 0
    for t in inline.parse(tagged):
        c = by_token.get(tagged[t.start:t.end])
        if c is None:
            continue
        pos = t.start - shift
        shift += t.end - t.start
        out[pos] = out.get(pos, "") + h.tag_chip(tagged[t.start:t.end], str(c.get("markup", "")))
    return out


def tagged_source(seg: Segment) -> str:
    """The source with its tag tokens (what "copy source" puts into the English box)."""
    return inline.tagged(seg.text, inline.codes_of(seg.inline))


def insert_next_tag(seg: Segment, english: str) -> str:
    """The English with the next source tag it lacks added at its end (unchanged when none lacks)."""
    return english + inline.next_missing(inline.codes_of(seg.inline), english)


def place_tags(seg: Segment, saved: str, english: str, links: Sequence[tuple[int, int]]) -> str:
    """The English in the box with the missing tags placed by the saved English's word alignment;
    unchanged when the box's words are no longer those the alignment was made on."""
    from ..text import words

    if [t.text for t in words(english)] != [t.text for t in words(saved)]:
        return english
    return inline.place_by_alignment(seg.text, inline.codes_of(seg.inline), english, links)


def document_html(store: Store, rows: Sequence[EditorRow], current: str | None, terms: Sequence[Term] = ()) -> str:
    """Several rows as one block (context rows dimmed, the current one highlighted)."""
    parts = []
    found = store.word_alignments({r.id: r.english for r in rows if r.english})
    for r in rows:
        links = found.get(r.id)
        parts.append(pair_html(r, terms=terms, links=links,
                               css="wb-current" if r.id == current else "wb-context"))
    return "".join(parts)


def history(store: Store, row: EditorRow) -> list[dict[str, Any]]:
    """Every version of the English, newest first, each with a diff against the MT."""
    out: list[dict[str, Any]] = []
    for e in reversed(store.history(row.id)):
        out.append({"version": e.version, "author": e.author, "origin": e.origin, "when": e.created_at,
                    "comment": e.comment, "text": e.text,
                    "diff": h.word_diff(row.mt_text, e.text) if row.mt_text else h.render_text(e.text)})
    if row.mt_text:
        out.append({"version": 0, "author": row.engine or "MT", "origin": "mt", "when": None, "comment": "",
                    "text": row.mt_text, "diff": h.render_text(row.mt_text)})
    return out


def split_label(text: str, at: int, context: int = 3) -> str:
    """A split point as people see it: the last words before it ‖ the first words after it."""
    head = text[:at].split()[-context:]
    tail = text[at:].split()[:context]
    return f"…{' '.join(head)} ‖ {' '.join(tail)}…"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def overview(rows: Sequence[EditorRow], clip: int = 90) -> list[dict[str, Any]]:
    """Table rows of the segment list: position, status, flags, source and English (texts clipped to
    `clip` characters: the list is for finding a segment; it is sent again on every move)."""
    return [{"#": r.segment.index + 1, "status": status_label(r.segment.status), "role": r.segment.role,
             "risk": round(r.risk, 2), "flags": ", ".join(r.kinds), "source": _clip(r.segment.text, clip),
             "English": _clip(r.english, clip)} for r in rows]


def list_html(rows: Sequence[EditorRow], current: str | None, clip: int = 90) -> str:
    """The segment list as one HTML table (the same columns as `overview`), the current row marked.
    A click on a row goes to that segment (the page script types its number into "Go to #"): an
    HTML block costs the browser a fraction of a data grid on every move."""
    names = ("#", "status", "role", "risk", "flags", "source", "English")
    head = "".join(f"<th>{h.html.escape(k)}</th>" for k in names)
    body = []
    for r, cells in zip(rows, overview(rows, clip), strict=True):
        css = ' class="wb-row-current"' if r.id == current else ""
        tds = "".join(f"<td>{h.html.escape(f'{v:.2f}' if k == 'risk' else str(v))}</td>" for k, v in cells.items())
        body.append(f'<tr data-n="{r.segment.index + 1}"{css}>{tds}</tr>')
    return (f'<div class="wb-list-box"><table class="wb-list"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def status_counts(rows: Sequence[EditorRow]) -> dict[str, int]:
    """Segments per status (display words), boilerplate counted apart: the same figures on every page."""
    out = {label: 0 for label in STATUS_LABELS.values()}
    out["boilerplate"] = 0
    for r in rows:
        if r.segment.role == "boilerplate":
            out["boilerplate"] += 1
        else:
            out[status_label(r.segment.status)] += 1
    return out


def tm_suggestions(store: Store, row: EditorRow, limit: int = 5) -> list[Any]:
    """Similar earlier segments from the translation memory, best first, with their fuzzy score."""
    from ..tm import suggestions

    return list(suggestions(store, row.segment.text, row.segment.lang, limit=limit, exclude=[row.id]))


def concordance(store: Store, phrase: str, lang: str) -> list[Any]:
    """Where a phrase occurred and how it was translated."""
    from ..tm import concordance as find

    return list(find(store, phrase, lang)) if phrase.strip() else []


def run_qa(store: Store, config: Any, user: Any, doc_id: int) -> Any:
    """Run every flag check on a document and store the result (the flag permission is checked)."""
    from ..actions import require
    from ..flags import flag_document_report

    require(user, "flag")
    return flag_document_report(store, config, doc_id)


def recheck_segments(store: Store, config: Any, user: Any, doc_id: int, segment_ids: Sequence[str]) -> Any:
    """Re-check just-saved segments (their flags; ones no longer raised close)."""
    from ..actions import require
    from ..flags import flag_segments

    require(user, "flag")
    return flag_segments(store, config, doc_id, segment_ids)


def refresh_rows(store: Store, rows: Sequence[EditorRow], segment_ids: Sequence[str]) -> list[EditorRow]:
    """The rows with these segments read again (English, status, flags): what a save changed."""
    import dataclasses as dc

    ids = [i for i in segment_ids if any(r.id == i for r in rows)]
    if not ids:
        return list(rows)
    english = store.english_for(ids)
    statuses = store.segment_statuses(ids)
    flags: dict[str, list[Flag]] = {}
    for f in store.flags(segment_ids=ids):
        flags.setdefault(f.segment_id, []).append(f)
    out = []
    for r in rows:
        if r.id in english:
            en = english[r.id]
            seg = dc.replace(r.segment, status=statuses.get(r.id, r.segment.status))
            r = EditorRow(seg, en.text, en.origin, en.version, en.mt_text, en.engine,
                          sorted(flags.get(r.id, []), key=lambda f: (f.status != "open", -f.severity)))
            r.risk  # noqa: B018 - computed once here, not on every run
        out.append(r)
    return out


def terms_in_segment(row: EditorRow, terms: Sequence[Term]) -> list[Any]:
    """The approved terms (and known bad renderings) found in the segment's source."""
    if row.segment.lang not in ("ru", "uk") or not terms:
        return []
    return match_terms(row.segment.text, row.segment.lang, list(terms))


def terms_html(found: Sequence[Any]) -> str:
    """The approved terms found in the segment, numbered: Alt+Shift+n (or a click) inserts the n-th
    term's English at the caret (the editor's script reads `data-en`); bad renderings are not numbered."""
    items = []
    n = 0
    for tm in found:
        t = tm.term
        if t.kind == "bad":
            items.append(f'<li><span class="wb-badge wb-b-flag">avoid</span>{h.html.escape(t.source)} → '
                         f'<b>{h.html.escape(t.english)}</b></li>')
            continue
        n += 1
        items.append(f'<li class="wb-term-use" data-n="{n}" data-en="{h.html.escape(t.english)}" '
                     f'title="Alt+Shift+{n}: insert at the caret"><span class="wb-badge wb-b-mt">⇧{n}</span>'
                     f'<span class="wb-badge wb-b-approved">term</span>{h.html.escape(t.source)} → '
                     f'<b>{h.html.escape(t.english)}</b></li>')
    return '<ul class="wb-terms">' + "".join(items) + "</ul>"


def match_html(n: int, sug: Any, source: str) -> str:
    """One memory match: its number (Alt+n, or a click, puts its English in the box: the editor's
    script reads `data-en`), score, the difference of its source from this one, its English."""
    origin = h.html.escape(f"{sug.origin}" + (f" · {status_label(sug.status)}" if sug.status else ""))
    diff = h.word_diff(sug.source, source) if sug.score < 100 else h.html.escape(sug.source)
    return (f'<div class="wb-match" data-n="{n}" data-en="{h.html.escape(sug.target)}" title="Alt+{n}: use this '
            f'English"><span class="wb-badge wb-b-mt">{n}</span><b>{sug.score:.0f}%</b> '
            f'<span class="wb-num">{origin}</span><div class="wb-match-src">{diff}</div>'
            f'<div class="wb-match-en">{h.html.escape(sug.target)}</div></div>')


def memory_html(found: Sequence[Any], source: str, limit: int = 5) -> str:
    """The memory matches as one block (one element to send, however many matches)."""
    return "".join(match_html(n, sug, source) for n, sug in enumerate(found[:limit], start=1))


_LEVEL_ICON = {"error": ("E", "wb-lvl wb-lvl-error"), "warning": ("W", "wb-lvl wb-lvl-warning"),
               "note": ("N", "wb-lvl wb-lvl-note")}


def flags_html(row: EditorRow) -> str:
    """The segment's flags as one block (numbered like the resolve/dismiss picker), closed ones folded:
    one element to send, where a row of widgets per flag made every move slow."""

    def item(n: int | None, f: Flag) -> str:
        icon, css = _LEVEL_ICON.get(f.level, ("?", "wb-lvl wb-lvl-warning"))
        num = f'<span class="wb-num">{n}</span>' if n is not None else ""
        sug = f" → <i>{h.html.escape(f.suggestion)}</i>" if f.suggestion else ""
        why = f" ({h.html.escape(f.reason)})" if f.reason else ""
        closed = f" — <b>{h.html.escape(f.status)}</b>{why}" if f.status != "open" else ""
        return (f'<li class="wb-flag">{num}<span class="{css}" title="{h.html.escape(f.level)}">{icon}</span> <b>{h.html.escape(f.kind)}</b> '
                f'<span class="wb-num">({h.html.escape(f.side)}, {f.severity:.2f})</span> '
                f'{h.html.escape(f.message)}{sug}{closed}</li>')

    opened = row.open_flags
    out = ('<ul class="wb-flags">' + "".join(item(n, f) for n, f in enumerate(opened, start=1)) + "</ul>"
           if opened else '<p class="wb-num">No open flags on this segment.</p>')
    closed = [f for f in row.flags if f.status != "open"]
    if closed:
        out += (f'<details class="wb-closed"><summary>Closed flags ({len(closed)})</summary><ul class="wb-flags">'
                + "".join(item(None, f) for f in closed) + "</ul></details>")
    return out


def concordance_html(hits: Sequence[Any], limit: int = 20) -> str:
    """Concordance hits as source (hit marked) → English, with where each came from."""
    rows = []
    for x in hits[:limit]:
        if x.lang == "en":
            src = h.html.escape(x.source)
            en = (h.html.escape(x.target[:x.start]) + f"<mark>{h.html.escape(x.target[x.start:x.end])}</mark>"
                  + h.html.escape(x.target[x.end:]))
        else:
            src = (h.html.escape(x.source[:x.start]) + f"<mark>{h.html.escape(x.source[x.start:x.end])}</mark>"
                   + h.html.escape(x.source[x.end:]))
            en = h.html.escape(x.target) if x.target else "<i>(no English yet)</i>"
        rows.append(f"<tr><td>{src}</td><td>{en}</td><td class='wb-num'>{h.html.escape(x.origin)}</td></tr>")
    more = f"<caption>first {limit} of {len(hits)}</caption>" if len(hits) > limit else ""
    return f'<table class="wb-conc">{more}<tr><th>source</th><th>English</th><th>from</th></tr>{"".join(rows)}</table>'
