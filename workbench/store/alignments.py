"""Sentence alignments (beads) of document pairs and word alignments of segments.

A user's correction locks the beads it touches; a re-run of the aligner replaces only unlocked
beads, so corrections are never overwritten.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..records import Bead
from .errors import NotFound, StoreError
from .schema import AlignmentRow, BeadRow, DocumentRow, SegmentRow, StoryRow, WordAlignmentRow, utcnow


def bead_record(row: BeadRow) -> Bead:
    return Bead(src=list(row.src or []), tgt=list(row.tgt or []), score=row.score, locked=row.locked)


class AlignmentStore:
    """Methods of `Store` for sentence and word alignments."""

    def save_alignment(self, doc_a: int, doc_b: int, beads: list[Bead], *, method: str = "",
                       story_id: int | None = None, actor: str = "cli") -> list[Bead]:
        """Store an aligner's beads for a document pair, keeping every locked (user-corrected) bead.

        Proposed beads that overlap a locked bead's segments are dropped. Returns the stored beads.
        """
        with self.transaction() as s:
            aln = s.scalar(select(AlignmentRow).where(AlignmentRow.doc_a == doc_a, AlignmentRow.doc_b == doc_b))
            if aln is None:
                aln = AlignmentRow(doc_a=doc_a, doc_b=doc_b, method=method, story_id=story_id)
                s.add(aln)
                s.flush()
            aln.method = method
            old = s.scalars(select(BeadRow).where(BeadRow.alignment_id == aln.id)).all()
            locked = [bead_record(r) for r in old if r.locked]
            taken_a = {sid for b in locked for sid in b.src}
            taken_b = {sid for b in locked for sid in b.tgt}
            fresh = [b for b in beads if not (set(b.src) & taken_a or set(b.tgt) & taken_b)]
            s.execute(delete(BeadRow).where(BeadRow.alignment_id == aln.id))
            merged = self._ordered(s, doc_a, doc_b, locked + fresh)
            for pos, b in enumerate(merged):
                s.add(BeadRow(alignment_id=aln.id, position=pos, src=list(b.src), tgt=list(b.tgt), score=b.score,
                              locked=b.locked))
            self.log_event(s, actor, "alignment.run", f"docs:{doc_a}-{doc_b}", method)
            return merged

    @staticmethod
    def _ordered(s: Session, doc_a: int, doc_b: int, beads: list[Bead]) -> list[Bead]:
        """Beads in reading order of side A; each 0-1 bead comes just before the first bead that
        has a later segment of side B, so that both sides read in order."""
        pos: dict[str, int] = {}
        for doc in (doc_a, doc_b):
            for sid, idx in s.execute(select(SegmentRow.id, SegmentRow.idx).where(SegmentRow.doc_id == doc)):
                pos[sid] = idx

        def first(ids: list[str]) -> int:
            return min((pos.get(x, 0) for x in ids), default=-1)

        with_a = sorted((b for b in beads if b.src), key=lambda b: (first(b.src), first(b.tgt)))
        only_b = sorted((b for b in beads if not b.src), key=lambda b: first(b.tgt))
        out: list[Bead] = []
        k = 0
        for b in with_a:
            if b.tgt:
                while k < len(only_b) and first(only_b[k].tgt) < first(b.tgt):
                    out.append(only_b[k])
                    k += 1
            out.append(b)
        return out + only_b[k:]

    def alignment(self, doc_a: int, doc_b: int) -> list[Bead]:
        """The stored beads of a document pair, in order (empty when not aligned yet)."""
        with self.transaction(readonly=True) as s:
            aln = s.scalar(select(AlignmentRow).where(AlignmentRow.doc_a == doc_a, AlignmentRow.doc_b == doc_b))
            if aln is None:
                return []
            rows = s.scalars(select(BeadRow).where(BeadRow.alignment_id == aln.id).order_by(BeadRow.position))
            return [bead_record(r) for r in rows]

    def story_alignments(self, story_ref: int | str) -> list[tuple[int, int, list[Bead]]]:
        """(doc_a, doc_b, beads) for every aligned pair of the story's documents."""
        with self.transaction(readonly=True) as s:
            story = s.scalar(select(StoryRow).where(StoryRow.name == str(story_ref)))
            if story is None and str(story_ref).isdigit():
                story = s.get(StoryRow, int(story_ref))
            if story is None:
                raise NotFound(f"story {story_ref!r}: no such story")
            doc_ids = set(s.scalars(select(DocumentRow.id).where(DocumentRow.story_id == story.id)))
            pairs = [(a.doc_a, a.doc_b) for a in s.scalars(select(AlignmentRow).order_by(AlignmentRow.id))
                     if a.doc_a in doc_ids and a.doc_b in doc_ids]
        return [(a, b, self.alignment(a, b)) for a, b in pairs]

    def correct_alignment(self, doc_a: int, doc_b: int, remove: list[Bead], add: list[Bead],
                          actor: str) -> list[Bead]:
        """Apply a user's correction: drop the beads in `remove`, add `add` as locked beads.

        Link, unlink, merge and split are all this one operation: e.g. merge removes two beads and
        adds their union; unlink removes a 1-1 bead and adds a 1-0 and a 0-1 bead.
        """
        with self.transaction() as s:
            aln = s.scalar(select(AlignmentRow).where(AlignmentRow.doc_a == doc_a, AlignmentRow.doc_b == doc_b))
            if aln is None:
                raise NotFound(f"alignment of documents {doc_a} and {doc_b}: not aligned yet")
            rows = s.scalars(select(BeadRow).where(BeadRow.alignment_id == aln.id)).all()
            current = [bead_record(r) for r in rows]
            keys = {(tuple(b.src), tuple(b.tgt)) for b in remove}
            missing = keys - {(tuple(b.src), tuple(b.tgt)) for b in current}
            if missing:
                raise StoreError("alignment correction: a bead to remove is not in the alignment (reload it)")
            kept = [b for b in current if (tuple(b.src), tuple(b.tgt)) not in keys]
            used_a = {x for b in kept for x in b.src}
            used_b = {x for b in kept for x in b.tgt}
            for b in add:
                if set(b.src) & used_a or set(b.tgt) & used_b:
                    raise StoreError("alignment correction: a segment would belong to two beads")
                used_a |= set(b.src)
                used_b |= set(b.tgt)
            new = kept + [Bead(list(b.src), list(b.tgt), 1.0, locked=True) for b in add]
            s.execute(delete(BeadRow).where(BeadRow.alignment_id == aln.id))
            merged = self._ordered(s, doc_a, doc_b, new)
            for pos, b in enumerate(merged):
                s.add(BeadRow(alignment_id=aln.id, position=pos, src=list(b.src), tgt=list(b.tgt), score=b.score,
                              locked=b.locked, changed_by=actor if b.locked else "",
                              changed_at=utcnow() if b.locked else None))
            self.log_event(s, actor, "alignment.correct", f"docs:{doc_a}-{doc_b}",
                           f"-{len(remove)} +{len(add)}")
            return merged

    # --- word alignment ------------------------------------------------------------------------
    def save_word_alignment(self, segment_id: str, english: str, links: list[tuple[int, int]],
                            model_id: str = "") -> None:
        """Links are (source word index, English word index) over `workbench.text.words` tokens."""
        with self.transaction() as s:
            s.execute(delete(WordAlignmentRow).where(WordAlignmentRow.segment_id == segment_id))
            s.add(WordAlignmentRow(segment_id=segment_id, english=english, model_id=model_id,
                                   links=[list(x) for x in links]))

    def word_alignment(self, segment_id: str, english: str | None = None) -> list[tuple[int, int]] | None:
        """The stored links, or None when there are none (or they refer to another English text)."""
        if english is None:
            with self.transaction(readonly=True) as s:
                row = s.scalar(select(WordAlignmentRow).where(WordAlignmentRow.segment_id == segment_id))
                return None if row is None else [(int(a), int(b)) for a, b in row.links]
        return self.word_alignments({segment_id: english}).get(segment_id)

    def word_alignments(self, english: dict[str, str]) -> dict[str, list[tuple[int, int]]]:
        """The stored links of several segments ({segment id: the English they must refer to}), in one
        read; segments without links for that English are left out."""
        out: dict[str, list[tuple[int, int]]] = {}
        ids = list(english)
        with self.transaction(readonly=True) as s:
            for i in range(0, len(ids), 500):
                q = select(WordAlignmentRow.segment_id, WordAlignmentRow.english, WordAlignmentRow.links).where(
                    WordAlignmentRow.segment_id.in_(ids[i:i + 500]))
                for sid, en, links in s.execute(q):
                    if en == english[sid]:
                        out[sid] = [(int(a), int(b)) for a, b in links]
        return out
