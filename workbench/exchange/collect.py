"""What leaves the workbench as memory: aligned units gathered from the store for TMX and CSV.

A story's beads between documents of two source languages (ru <-> uk) are units in their own
right: every linked bead gives a ru/uk unit, with English added when a side has English that
passes the status filter (the filter chooses the English, never the pairing), so an alignment
leaves the workbench before anything is translated. Weak beads can be left out by score; beads a
person corrected say so (`bead_origin`). Every other segment with English gives a bilingual unit.
The status and the edit history of the English become a unit's status, creation and change fields,
so that an exported memory says who confirmed each translation and when. A document's export
is bilingual (source and English) only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import inline
from ..records import SEGMENT_STATUS_RANK as _RANK
from ..records import Bead, Document, Edit, Segment, Translation
from ..store import Store
from ..store.edits import English
from ..store.errors import NotFound, StoreError
from . import STATUS_ALIASES, STATUS_FILTERS
from .safexml import ExchangeError

SOURCE_LANGS = ("ru", "uk")


def utc(value: datetime | None) -> datetime | None:
    """Store timestamps are UTC; SQLite hands them back without a zone."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass
class ExportReport:
    """What an export wrote: the file, its units, and the characters XML 1.0 cannot hold (dropped)."""

    path: Path
    units: int
    removed_chars: int = 0
    empty_reason: str = ""

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.removed_chars:
            out.append(f"{self.path}: removed {self.removed_chars} character(s) that XML does not allow")
        if not self.units:
            out.append(f"{self.path}: holds no unit: {self.empty_reason or 'nothing to export'}")
        return out


def bcp47(lang: str) -> str:
    """A document language as a language tag: 'other' is not one, BCP 47's 'und' (undetermined) is."""
    return "und" if lang == "other" else lang


def lang_code(code: str) -> str:
    """'ru-RU', 'RU', 'ru_ru' -> 'ru': the primary subtag, lower case (how OmegaT matches variants)."""
    return code.strip().replace("_", "-").split("-")[0].lower()


@dataclass
class ExportUnit:
    """One translation unit: the same content in several languages, with status and history."""

    uid: str
    srclang: str
    variants: list[tuple[str, str]]  # (language, text), source language first, English last
    status: str
    origin: str  # "mt" when the English is unedited machine translation, else "human"
    engine: str = ""
    created_at: datetime | None = None
    created_by: str = ""
    changed_at: datetime | None = None
    changed_by: str = ""
    documents: list[str] = field(default_factory=list)
    story: str = ""
    segment_ids: list[str] = field(default_factory=list)
    context: dict[str, str] = field(default_factory=dict)  # OmegaT context: file, id, prev, next
    bead_origin: str = ""  # ru/uk units: "corrected" (a person fixed the bead) or "aligner"
    bead_score: float | None = None  # the aligner's confidence in the bead
    # The inline codes of a one-segment unit's source (HTML imports): TMX writes them and the
    # English's tag tokens as <bpt>/<ept>/<ph>; tables keep the texts as they are.
    codes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Selection:
    """The units of one story or document, and the language the file declares as its source."""

    name: str
    srclang: str
    units: list[ExportUnit]
    kind: str  # "story" | "document"
    empty_reason: str = ""  # why no unit was selected (set only when `units` is empty)


@dataclass
class _Side:
    doc: Document
    segments: list[Segment]
    source: str
    english: str
    status: str
    origin: str
    engine: str
    created_at: datetime | None
    created_by: str
    changed_at: datetime | None
    changed_by: str


def resolve(store: Store, ref: str) -> tuple[str, str]:
    """('story' | 'document', ref) for a STORY|DOC argument; 'story:' / 'doc:' prefixes force one."""
    if ref.startswith("story:"):
        return "story", ref.removeprefix("story:")
    if ref.startswith("doc:"):
        return "document", ref.removeprefix("doc:")
    story = doc = None
    try:
        story = store.story(ref)
    except NotFound:
        pass
    try:
        doc = store.document(ref)
    except NotFound:
        pass
    except StoreError:
        # A prefix of several documents' names: the story of that name is meant (when there is one).
        if story is None:
            raise
    if story is not None and doc is not None:
        raise ExchangeError(f"{ref!r}: names both story {story.name!r} and document {doc.name!r}; "
                            f"write story:{ref} or doc:{ref}")
    if story is not None:
        return "story", ref
    if doc is not None:
        return "document", ref
    raise ExchangeError(f"{ref!r}: no such story or document")


def passes(status: str, origin: str, status_filter: str, include_mt: bool) -> bool:
    """Whether English of this status and origin is exported under the filter.

    Unedited machine translation goes into a memory only when asked for, or when a reviewer
    approved it as it was.
    """
    status_filter = STATUS_ALIASES.get(status_filter, status_filter)
    if status_filter not in STATUS_FILTERS:
        raise ExchangeError(f"--status {status_filter!r}: must be one of {', '.join(STATUS_FILTERS)}")
    if status_filter == "confirmed" and status != "approved":
        return False
    if status_filter == "edited" and status not in ("edited", "approved"):
        return False
    return include_mt or origin != "mt" or status == "approved"


class _Data:
    """English, history and machine translations of a set of segments, fetched once."""

    def __init__(self, store: Store, segment_ids: list[str]) -> None:
        self.english: dict[str, English] = store.english_for(segment_ids)
        self.mt: dict[str, Translation] = store.translations(segment_ids)
        self.history: dict[str, list[Edit]] = {sid: store.history(sid) for sid in segment_ids}

    def side(self, doc: Document, segs: list[Segment]) -> _Side | None:
        segs = [s for s in segs if s.role != "boilerplate"]
        if not segs:
            return None
        eng = [self.english.get(s.id) for s in segs]
        if any(e is None or not e.text.strip() for e in eng):
            return None
        texts = [e.text.strip() for e in eng if e is not None]
        origin = "mt" if all(e is not None and e.origin == "mt" for e in eng) else "human"
        status = min((s.status for s in segs), key=lambda st: _RANK.get(st, 0))
        engine = next((e.engine for e in eng if e is not None and e.engine), "")
        # Creation: the first translation of any of the segments (MT or edit); change: the last edit.
        events: list[tuple[datetime, str]] = []
        for s in segs:
            mt = self.mt.get(s.id)
            if mt is not None and mt.created_at is not None:
                events.append((utc(mt.created_at), f"mt:{mt.engine}"))  # type: ignore[arg-type]
            for ed in self.history.get(s.id, []):
                if ed.created_at is not None:
                    events.append((utc(ed.created_at), ed.author))  # type: ignore[arg-type]
        events.sort(key=lambda x: x[0])
        created = events[0] if events else (None, "")
        changed = events[-1] if events else (None, "")
        return _Side(doc, segs, " ".join(s.text.strip() for s in segs), " ".join(texts), status, origin, engine,
                     created[0], created[1], changed[0], changed[1])


def _context(doc: Document, seg: Segment) -> dict[str, str]:
    body = [s for s in doc.segments if s.role != "boilerplate"]
    pos = next((i for i, s in enumerate(body) if s.id == seg.id), None)
    ctx = {"file": doc.name, "id": seg.id}
    if pos is not None:
        ctx["prev"] = body[pos - 1].text if pos > 0 else ""
        ctx["next"] = body[pos + 1].text if pos + 1 < len(body) else ""
    return ctx


def _bilingual(side: _Side, story: str) -> ExportUnit:
    seg = side.segments[0]
    return ExportUnit(
        uid="+".join(s.id for s in side.segments), srclang=bcp47(side.doc.lang),
        variants=[(bcp47(side.doc.lang), side.source), ("en", side.english)], status=side.status, origin=side.origin,
        engine=side.engine, created_at=side.created_at, created_by=side.created_by, changed_at=side.changed_at,
        changed_by=side.changed_by, documents=[side.doc.name], story=story,
        segment_ids=[s.id for s in side.segments], context=_context(side.doc, seg),
        codes=inline.codes_of(seg.inline) if len(side.segments) == 1 else [],
    )


def select_units(store: Store, ref: str, *, status: str = "all", include_mt: bool = False,
                 min_score: float | None = None) -> Selection:
    """The exportable units of a story (ru/uk units + bilingual) or of one document (bilingual).

    `status` and `include_mt` choose the English; a story's ru/uk beads are units with or without
    it. `min_score` leaves out beads the aligner was less sure of (corrected beads always stay);
    their segments can still give bilingual units.
    """
    passes("new", "human", status, include_mt)  # validates the filter before any work
    if min_score is not None and not 0.0 <= min_score <= 1.0:
        raise ExchangeError(f"--min-score {min_score}: must be between 0 and 1")
    kind, key = resolve(store, ref)
    if kind == "document":
        doc = store.document(key)
        story_name = ""
        if doc.story_id is not None:
            story_name = next((s.name for s in store.stories() if s.id == doc.story_id), "")
        docs = [doc]
        pairs: list = []
        name = doc.name
    else:
        story = store.story(key)
        story_name = name = story.name
        docs = [store.document(i) for i in story.doc_ids]
        pairs = store.story_alignments(story.name)
    if not docs:
        raise ExchangeError(f"story {name!r}: has no documents")
    srclang = bcp47(docs[0].lang)
    by_id = {d.id: d for d in docs}
    seg_index = {s.id: s for d in docs for s in d.segments}
    data = _Data(store, list(seg_index))
    units: list[ExportUnit] = []
    covered: set[str] = set()
    source_pairs = linked = weak = 0
    for doc_a, doc_b, beads in pairs:
        da, db = by_id.get(doc_a), by_id.get(doc_b)
        if da is None or db is None or da.lang == db.lang or {da.lang, db.lang} - set(SOURCE_LANGS):
            continue
        source_pairs += 1
        for bead in beads:
            if not bead.src or not bead.tgt:
                continue
            a_segs = [seg_index[i] for i in bead.src if i in seg_index and seg_index[i].role != "boilerplate"]
            b_segs = [seg_index[i] for i in bead.tgt if i in seg_index and seg_index[i].role != "boilerplate"]
            if not a_segs or not b_segs:
                continue
            linked += 1
            if min_score is not None and not bead.locked and bead.score < min_score:
                weak += 1
                continue
            units.append(_bead_unit(data, da, db, a_segs, b_segs, bead, srclang, story_name, status, include_mt))
            covered.update(s.id for s in a_segs + b_segs)
    for doc in docs:
        for seg in doc.segments:
            if seg.id in covered or seg.role == "boilerplate":
                continue
            side = data.side(doc, [seg])
            if side is not None and passes(side.status, side.origin, status, include_mt):
                units.append(_bilingual(side, story_name))
    reason = "" if units else _empty_reason(kind, source_pairs, linked, weak, min_score, status, include_mt)
    return Selection(name=name, srclang=srclang, units=units, kind=kind, empty_reason=reason)


def _bead_unit(data: _Data, da: Document, db: Document, a_segs: list[Segment], b_segs: list[Segment], bead: Bead,
               srclang: str, story: str, status: str, include_mt: bool) -> ExportUnit:
    """A ru/uk unit of one bead; English (with its status and history) from the better-confirmed side."""
    sides = [x for x in (data.side(da, a_segs), data.side(db, b_segs)) if x is not None]
    usable = [x for x in sides if passes(x.status, x.origin, status, include_mt)]
    texts = {da.lang: " ".join(s.text.strip() for s in a_segs), db.lang: " ".join(s.text.strip() for s in b_segs)}
    order = sorted(texts, key=lambda lang: (lang != srclang, lang))
    unit = ExportUnit(
        uid="+".join(bead.src) + "=" + "+".join(bead.tgt), srclang=order[0],
        variants=[(lang, texts[lang]) for lang in order], status="", origin="",
        documents=[da.name, db.name], story=story, segment_ids=[s.id for s in a_segs + b_segs],
        context=_context(da if da.lang == order[0] else db, (a_segs if da.lang == order[0] else b_segs)[0]),
        bead_origin="corrected" if bead.locked else "aligner", bead_score=bead.score,
    )
    if usable:
        # On a tie, the English of the file's source language.
        best = max(usable, key=lambda x: (_RANK.get(x.status, 0), x.origin != "mt", x.doc.lang == srclang))
        unit.variants.append(("en", best.english))
        unit.status, unit.origin, unit.engine = best.status, best.origin, best.engine
        unit.created_at, unit.created_by = best.created_at, best.created_by
        unit.changed_at, unit.changed_by = best.changed_at, best.changed_by
        unit.context = _context(best.doc, best.segments[0])
    return unit


def _empty_reason(kind: str, source_pairs: int, linked: int, weak: int, min_score: float | None, status: str,
                  include_mt: bool) -> str:
    """Why a selection holds no unit, in words that say what to do about it."""
    status = STATUS_ALIASES.get(status, status)
    english = {"confirmed": "confirmed English", "edited": "edited or confirmed English"}.get(status, "English")
    if not include_mt and status != "confirmed":
        english += " (unedited machine translation is left out without --include-mt)"
    if kind == "document":
        return f"no segment has {english}"
    if not source_pairs:
        alignment = "the story has no aligned Russian and Ukrainian documents (run: workbench align STORY)"
    elif not linked:
        alignment = "the alignment links no Russian segment with a Ukrainian one"
    elif weak == linked:
        alignment = f"all {linked} bead(s) score below --min-score {min_score}"
    else:
        alignment = "no bead qualifies"
    return f"{alignment}, and no other segment has {english}"
