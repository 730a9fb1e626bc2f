"""Post-editing quality: how far the people's English moved from the machine translation.

HTER is sacrebleu's TER of the MT measured against its post-edited version (the edits a person
needed, per word of the result); chrF and BLEU score the MT with the post-edit as the reference.
All three are on sacrebleu's 0-100 scale. A segment counts once a person has edited its English
or accepted it (accepted unchanged: HTER 0).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sacrebleu.metrics import BLEU, CHRF, TER

if TYPE_CHECKING:
    from .store import Store


@dataclass(frozen=True)
class PostEdit:
    """One segment's machine translation and the English people settled on."""

    doc_id: int
    segment_id: str
    mt: str
    post_edited: str
    edited_at: datetime | None  # the latest edit's time; None when accepted without an edit
    author: str = ""


@dataclass(frozen=True)
class Scores:
    segments: int
    hter: float
    chrf: float
    bleu: float
    changed: int  # segments whose English differs from the MT


def score(pairs: Sequence[tuple[str, str]]) -> Scores | None:
    """Corpus-level HTER, chrF and BLEU of (mt, post_edited) pairs; None when there are none."""
    pairs = [(mt, pe) for mt, pe in pairs if mt.strip() and pe.strip()]
    if not pairs:
        return None
    hyps = [mt for mt, _ in pairs]
    refs = [[pe for _, pe in pairs]]
    return Scores(
        segments=len(pairs),
        hter=round(TER().corpus_score(hyps, refs).score, 2),
        chrf=round(CHRF().corpus_score(hyps, refs).score, 2),
        bleu=round(BLEU(effective_order=True).corpus_score(hyps, refs).score, 2),
        changed=sum(mt.strip() != pe.strip() for mt, pe in pairs),
    )


def segment_hter(mt: str, post_edited: str) -> float:
    """HTER of one segment (0: accepted as is; 100: every word needed an edit)."""
    return round(TER().sentence_score(mt, [post_edited]).score, 2)


def post_edits(store: Store, doc_ids: Iterable[int] | None = None) -> list[PostEdit]:
    """Every post-edited or accepted segment that has a machine translation."""
    wanted = set(doc_ids) if doc_ids is not None else None
    out: list[PostEdit] = []
    for doc in store.documents():
        if doc.id is None or (wanted is not None and doc.id not in wanted):
            continue
        segs = store.segments(doc.id)
        english = store.english_for([s.id for s in segs])
        for seg in segs:
            en = english.get(seg.id)
            if en is None or not en.mt_text.strip():
                continue
            edited = en.origin not in ("mt", "") and en.version > 0
            if not edited and seg.status != "approved":
                continue
            when, author = None, ""
            if edited:
                last = store.history(seg.id)[-1]
                when, author = last.created_at, last.author
            out.append(PostEdit(doc.id, seg.id, en.mt_text, en.text, when, author))
    return out


def by_document(edits: Sequence[PostEdit]) -> dict[int, Scores]:
    groups: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for e in edits:
        groups[e.doc_id].append((e.mt, e.post_edited))
    return {doc: s for doc, pairs in groups.items() if (s := score(pairs)) is not None}


def by_day(edits: Sequence[PostEdit], per_document: bool = False) -> dict[tuple[date, int | None], Scores]:
    """Scores of the segments last edited on each day (and per document when asked)."""
    groups: dict[tuple[date, int | None], list[tuple[str, str]]] = defaultdict(list)
    for e in edits:
        if e.edited_at is None:
            continue
        groups[(e.edited_at.date(), e.doc_id if per_document else None)].append((e.mt, e.post_edited))
    return {k: s for k, pairs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
            if (s := score(pairs)) is not None}
