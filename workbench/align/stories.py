"""Alignment of stored documents: segments to beads, whole stories, and word links per segment.

A story's documents are aligned pairwise, every pair (lower document id as side A), so that a
story with a Russian, a Ukrainian and a second Ukrainian outlet's version gets all three views.
Beads a user corrected (locked) are kept: their segments are left out of the re-run and the
aligner places the others around them.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import TYPE_CHECKING

from ..config import Config
from ..records import Bead, Segment
from .sentences import DEFAULT_PARAMS, AlignParams, align_texts
from .words import WordAligner

if TYPE_CHECKING:
    from ..store import Store

METHOD = "model-free"
METHOD_ENGLISH = "model-free+chrF"


def align_segments(a: list[Segment], b: list[Segment], *, english_a: Mapping[str, str] | None = None,
                   english_b: Mapping[str, str] | None = None,
                   params: AlignParams = DEFAULT_PARAMS) -> list[Bead]:
    """Beads between two documents' segments (ids in Bead.src / Bead.tgt); boilerplate takes no part.

    `english_a` / `english_b` map segment ids to their English; chrF between translations joins the
    similarity for beads whose segments all have English on both sides.
    """
    sa = [s for s in a if s.role != "boilerplate"]
    sb = [s for s in b if s.role != "boilerplate"]
    en_a = [english_a.get(s.id) or None for s in sa] if english_a else None
    en_b = [english_b.get(s.id) or None for s in sb] if english_b else None
    beads = align_texts([s.text for s in sa], [s.text for s in sb], [s.lang for s in sa],
                        [s.lang for s in sb], english_a=en_a, english_b=en_b, params=params)
    return [Bead(src=[sa[i].id for i in src], tgt=[sb[j].id for j in tgt], score=round(score, 4))
            for src, tgt, score in beads]


def align_lines(lines_a: list[str], lines_b: list[str], lang_a: str,
                lang_b: str) -> list[tuple[list[int], list[int], float]]:
    """Beads between two presegmented texts: (line indices of A, line indices of B, confidence).

    Blank lines take no part (they appear in no bead).
    """
    keep_a = [k for k, line in enumerate(lines_a) if line.strip()]
    keep_b = [k for k, line in enumerate(lines_b) if line.strip()]
    beads = align_texts([lines_a[k] for k in keep_a], [lines_b[k] for k in keep_b], lang_a, lang_b)
    return [([keep_a[i] for i in src], [keep_b[j] for j in tgt], round(score, 4)) for src, tgt, score in beads]


def align_documents(store: Store, doc_a: int, doc_b: int, *, story_id: int | None = None,
                    actor: str = "cli", params: AlignParams = DEFAULT_PARAMS) -> list[Bead]:
    """Align two stored documents and save the beads, keeping the user's locked beads."""
    locked = [b for b in store.alignment(doc_a, doc_b) if b.locked]
    taken = {sid for b in locked for sid in b.src + b.tgt}
    seg_a = [s for s in store.segments(doc_a) if s.id not in taken]
    seg_b = [s for s in store.segments(doc_b) if s.id not in taken]
    english = store.english_for([s.id for s in seg_a + seg_b if s.role != "boilerplate"])
    en = {sid: e.text for sid, e in english.items() if e.text}
    # an English document of the story (the original of a translated article) is its own English
    en.update({s.id: s.text for s in seg_a + seg_b if s.lang == "en" and s.role != "boilerplate"})
    en_a = {s.id: en[s.id] for s in seg_a if s.id in en}
    en_b = {s.id: en[s.id] for s in seg_b if s.id in en}
    both = bool(en_a) and bool(en_b)
    beads = align_segments(seg_a, seg_b, english_a=en_a if both else None, english_b=en_b if both else None,
                           params=params)
    return store.save_alignment(doc_a, doc_b, beads, method=METHOD_ENGLISH if both else METHOD,
                                story_id=story_id, actor=actor)


def align_story(store: Store, config: Config, story_ref: int | str,
                actor: str = "cli") -> list[tuple[int, int, list[Bead]]]:
    """Align every pair of the story's documents (lower id as side A) and save the beads.

    Uses the stored English where both documents have some; corrections are never overwritten.
    """
    story = store.story(story_ref)
    out = []
    for doc_a, doc_b in combinations(sorted(story.doc_ids), 2):
        out.append((doc_a, doc_b, align_documents(store, doc_a, doc_b, story_id=story.id, actor=actor)))
    return out


def align_words_for_document(store: Store, config: Config, doc_ref: int | str, *, force: bool = False,
                             aligner: WordAligner | None = None) -> int:
    """Word-align every non-boilerplate segment that has English; returns how many were aligned.

    Segments whose stored links already refer to their current English are skipped unless `force`.
    """
    segments = [s for s in store.segments(doc_ref) if s.role != "boilerplate"]
    english = store.english_for([s.id for s in segments])
    todo = [(s, english[s.id].text) for s in segments if english.get(s.id) and english[s.id].text]
    if not force:
        todo = [(s, en) for s, en in todo if store.word_alignment(s.id, en) is None]
    if not todo:
        return 0
    aligner = aligner or WordAligner(config)
    aligner.load()
    results = [(s, en, aligner.align(s.text, en, s.lang)) for s, en in todo]
    for s, en, links in results:
        store.save_word_alignment(s.id, en, links, model_id=config.word_aligner_model)
    return len(results)
