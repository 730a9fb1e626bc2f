"""Documents, their segments and the stories that group them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, or_, select, update

from .. import inline
from ..records import ROLES, Document, Segment, Story
from .errors import NotFound, StoreError
from .schema import (
    AlignmentRow,
    BeadRow,
    DocumentRow,
    EditRow,
    FlagRow,
    SegmentRow,
    StoryRow,
    TranslationRow,
    WordAlignmentRow,
    utcnow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _with_codes(entry: dict, codes: list) -> dict:
    entry.pop("codes", None)
    if codes:
        entry["codes"] = codes
    return entry


def segment_record(row: SegmentRow) -> Segment:
    return Segment(
        id=row.id, doc_id=row.doc_id, index=row.idx, start=row.start, end=row.end, text=row.text,
        lang=row.lang, role=row.role, role_reason=row.role_reason, paragraph=row.paragraph, status=row.status,
        inline=dict(row.inline or {}),
    )


def document_record(row: DocumentRow, segments: Sequence[SegmentRow] = ()) -> Document:
    return Document(
        id=row.id, name=row.name, sha256=row.sha256, text=row.text, lang=row.lang, encoding=row.encoding,
        source_path=row.source_path, story_id=row.story_id, title=row.title, status=row.status,
        created_at=row.created_at, segments=[segment_record(s) for s in segments],
    )


class DocumentStore:
    """Methods of `Store` for documents, segments and stories."""

    def add_documents(self, documents: Iterable[Document], *, story: str | None = None,
                      actor: str = "cli") -> list[tuple[Document, bool]]:
        """Add documents with their segments in one transaction.

        Returns each document with `True` when it was added, `False` when a document with the same
        text was already there (re-import is a no-op). With `story`, every document (new or not)
        joins that story.
        """
        results: list[tuple[Document, bool]] = []
        with self.transaction() as s:
            story_row = self._story_row(s, story, create=True) if story else None
            for doc in documents:
                existing = s.scalar(select(DocumentRow).where(DocumentRow.sha256 == doc.sha256))
                if existing is not None:
                    if story_row is not None and existing.story_id != story_row.id:
                        existing.story_id = story_row.id
                        self.log_event(s, actor, "story.assign", f"doc:{existing.id}", story_row.name)
                    results.append((document_record(existing), False))
                    continue
                row = DocumentRow(
                    name=doc.name, sha256=doc.sha256, text=doc.text, lang=doc.lang, encoding=doc.encoding,
                    source_path=doc.source_path, title=doc.title, created_by=actor,
                    story_id=story_row.id if story_row is not None else None,
                )
                s.add(row)
                s.flush()
                seg_rows = [
                    SegmentRow(id=seg.id, doc_id=row.id, idx=seg.index, start=seg.start, end=seg.end,
                               text=seg.text, lang=seg.lang, role=seg.role, role_reason=seg.role_reason,
                               paragraph=seg.paragraph, inline=seg.inline or {})
                    for seg in doc.segments
                ]
                s.add_all(seg_rows)
                s.flush()
                self.log_event(s, actor, "document.import", f"doc:{row.id}", doc.name)
                results.append((document_record(row, seg_rows), True))
        return results

    def documents(self) -> list[Document]:
        """All documents, without segments, in import order."""
        with self.transaction(readonly=True) as s:
            return [document_record(r) for r in s.scalars(select(DocumentRow).order_by(DocumentRow.id))]

    def document(self, ref: int | str) -> Document:
        """One document with its segments, by id or by file name."""
        with self.transaction(readonly=True) as s:
            row = self._document_row(s, ref)
            segs = s.scalars(select(SegmentRow).where(SegmentRow.doc_id == row.id).order_by(SegmentRow.idx)).all()
            return document_record(row, segs)

    def document_part(self, ref: int | str, pick: Callable[[list[tuple[str, int, str]]], Iterable[str]]) -> Document:
        """One document with only some of its segments: `pick` gets every segment's (id, index, text)
        and names the ones to read. For a re-check of a few segments of a long document, where
        building every segment's record cost more than the checks."""
        with self.transaction(readonly=True) as s:
            row = self._document_row(s, ref)
            light = [(r.id, r.idx, r.text) for r in s.execute(
                select(SegmentRow.id, SegmentRow.idx, SegmentRow.text).where(SegmentRow.doc_id == row.id))]
            wanted = list(dict.fromkeys(pick(sorted(light, key=lambda x: x[1]))))
            segs: list[SegmentRow] = []
            for i in range(0, len(wanted), 500):  # below every database's bound-parameter limit
                segs += s.scalars(select(SegmentRow).where(SegmentRow.id.in_(wanted[i:i + 500]))).all()
            return document_record(row, sorted(segs, key=lambda r: r.idx))

    def _document_row(self, s: Session, ref: int | str) -> DocumentRow:
        """By id (an int, or digits without a leading zero), exact file name, or unique name prefix."""
        row: DocumentRow | None = None
        if isinstance(ref, int):
            row = s.get(DocumentRow, ref)
        else:
            matches = s.scalars(select(DocumentRow).where(DocumentRow.name == ref)).all()
            if len(matches) > 1:
                raise StoreError(f"document {ref!r}: {len(matches)} documents have that name; use the id")
            row = matches[0] if matches else None
            if row is None and ref.isdigit() and not ref.startswith("0"):
                row = s.get(DocumentRow, int(ref))
            if row is None and ref:  # a prefix such as "000" for "000_610044b63f9e47d7.txt"
                matches = s.scalars(select(DocumentRow).where(DocumentRow.name.startswith(ref))).all()
                if len(matches) > 1:
                    raise StoreError(f"document {ref!r}: matches {len(matches)} documents; use more of the name")
                row = matches[0] if matches else None
        if row is None:
            raise NotFound(f"document {ref!r}: no such document")
        return row

    def segments(self, doc_ref: int | str) -> list[Segment]:
        return self.document(doc_ref).segments

    def segment(self, segment_id: str) -> Segment:
        with self.transaction(readonly=True) as s:
            row = s.get(SegmentRow, segment_id)
            if row is None:
                raise NotFound(f"segment {segment_id!r}: no such segment")
            return segment_record(row)

    def segment_document(self, segment_id: str) -> tuple[str, str]:
        """(name, status) of the document a segment belongs to, in one small query."""
        with self.transaction(readonly=True) as s:
            row = s.execute(select(DocumentRow.name, DocumentRow.status).join(SegmentRow, SegmentRow.doc_id == DocumentRow.id)
                            .where(SegmentRow.id == segment_id)).first()
            if row is None:
                raise NotFound(f"segment {segment_id!r}: no such segment")
            return row[0], row[1]

    def segment_counts(self) -> dict[int, dict[str, int]]:
        """Per document: number of segments by status and by role."""
        out: dict[int, dict[str, int]] = {}
        with self.transaction(readonly=True) as s:
            q = select(SegmentRow.doc_id, SegmentRow.role, SegmentRow.status, func.count()).group_by(
                SegmentRow.doc_id, SegmentRow.role, SegmentRow.status)
            for doc_id, role, status, n in s.execute(q):
                d = out.setdefault(doc_id, {})
                d[role] = d.get(role, 0) + n
                d[status] = d.get(status, 0) + n
                d["total"] = d.get("total", 0) + n
        return out

    def set_role(self, segment_id: str, role: str, actor: str) -> Segment:
        if role not in ROLES:
            raise StoreError(f"role {role!r}: must be one of {', '.join(ROLES)}")
        with self.transaction() as s:
            row = s.get(SegmentRow, segment_id)
            if row is None:
                raise NotFound(f"segment {segment_id!r}: no such segment")
            old = row.role
            row.role = role
            row.role_reason = f"set by {actor}"
            self.log_event(s, actor, "segment.role", f"seg:{segment_id}", f"{old} -> {role}")
            return segment_record(row)

    def set_document_status(self, doc_ref: int | str, status: str, actor: str) -> None:
        with self.transaction() as s:
            row = self._document_row(s, doc_ref)
            row.status = status
            self.log_event(s, actor, "document.status", f"doc:{row.id}", status)

    # --- split and merge ----------------------------------------------------------------------
    def split_segment(self, segment_id: str, at: int, actor: str) -> tuple[Segment, Segment]:
        """Split a segment's source before character `at` (an offset into its text) into two segments.

        Nothing a person did is lost: the old segment's edit history moves to the first part (its
        English stays there, with a version of origin "split" when it was only machine-translated),
        and beads that held the old segment now hold both parts. Its machine translations stay in the
        cache, detached; its open flags and word links, which point into the old text, are dropped.
        """
        with self.transaction() as s:
            old = s.get(SegmentRow, segment_id)
            if old is None:
                raise NotFound(f"segment {segment_id!r}: no such segment")
            head, tail = old.text[:at].rstrip(), old.text[at:]
            lead = len(tail) - len(tail.lstrip())
            tail = tail.strip()
            if not 0 < at < len(old.text) or not head or not tail:
                raise StoreError(f"split {segment_id}: position {at} must leave text on both sides "
                                 f"(1 to {len(old.text) - 1})")
            doc = s.get(DocumentRow, old.doc_id)
            first = self._new_segment(s, doc, old, old.start, head)
            second = self._new_segment(s, doc, old, old.start + at + lead, tail)
            codes_a, codes_b = inline.split(inline.codes_of(old.inline), len(head), at + lead, len(old.text))
            first.inline = _with_codes({**(old.inline or {})}, codes_a)
            second.inline = _with_codes({k: v for k, v in (old.inline or {}).items() if k != "br"}, codes_b)
            s.execute(update(SegmentRow).where(SegmentRow.doc_id == old.doc_id, SegmentRow.idx > old.idx)
                      .values(idx=SegmentRow.idx + 1))
            second.idx = old.idx + 1
            s.add_all([first, second])
            s.flush()
            self._carry_english(s, [old], first, actor, "split",
                                f"split of segment {old.id}; the English was for the whole sentence")
            self._rewire_beads(s, old.doc_id, {old.id: [first.id, second.id]}, actor)
            self._drop_segment(s, old)
            self.log_event(s, actor, "segment.split", f"seg:{segment_id}", f"{first.id} + {second.id} at {at}")
            s.flush()
            return segment_record(first), segment_record(second)

    def merge_segments(self, first_id: str, second_id: str, actor: str) -> Segment:
        """Merge two neighbouring segments of one document into one.

        The merged segment's history holds both old histories (each version's comment says where it
        came from) and ends with the two English texts joined; beads holding either old segment hold
        the merged one.
        """
        with self.transaction() as s:
            a, b = s.get(SegmentRow, first_id), s.get(SegmentRow, second_id)
            for sid, row in ((first_id, a), (second_id, b)):
                if row is None:
                    raise NotFound(f"segment {sid!r}: no such segment")
            assert a is not None and b is not None
            if a.doc_id != b.doc_id or b.idx != a.idx + 1:
                raise StoreError(f"merge {first_id} {second_id}: only neighbouring segments of one document "
                                 "can be merged (first, then the one after it)")
            doc = s.get(DocumentRow, a.doc_id)
            merged = self._new_segment(s, doc, a, a.start, doc.text[a.start:b.end])
            merged.end = b.end
            codes_a = inline.codes_of(a.inline)
            merged.inline = _with_codes({**(a.inline or {})}, codes_a + inline.shift(
                inline.codes_of(b.inline), b.start - a.start, max((int(c["id"]) for c in codes_a), default=0) + 1))
            s.add(merged)
            s.flush()
            self._carry_english(s, [a, b], merged, actor, "merge", f"merge of segments {a.id} and {b.id}")
            self._rewire_beads(s, a.doc_id, {a.id: [merged.id], b.id: [merged.id]}, actor)
            self._drop_segment(s, a)
            self._drop_segment(s, b)
            s.flush()
            s.execute(update(SegmentRow).where(SegmentRow.doc_id == merged.doc_id, SegmentRow.idx > merged.idx)
                      .values(idx=SegmentRow.idx - 1))
            self.log_event(s, actor, "segment.merge", f"seg:{merged.id}", f"{a.id} + {b.id}")
            s.flush()
            s.refresh(merged)
            return segment_record(merged)

    @staticmethod
    def _new_segment(s: Session, doc: DocumentRow, like: SegmentRow, start: int, text: str) -> SegmentRow:
        from ..ingest.segment import segment_id

        new_id = segment_id(doc.sha256, start, text)
        if s.get(SegmentRow, new_id) is not None:
            raise StoreError(f"segment {new_id}: a segment with this text and position exists already")
        return SegmentRow(id=new_id, doc_id=doc.id, idx=like.idx, start=start, end=start + len(text), text=text,
                          lang=like.lang, role=like.role, role_reason=like.role_reason, paragraph=like.paragraph,
                          status="new", version=0)

    def _carry_english(self, s: Session, olds: list[SegmentRow], new: SegmentRow, actor: str, origin: str,
                       why: str) -> None:
        """Move the old segments' edit histories to `new` (renumbered) and end with their English joined."""
        from .edits import edit_record

        version = 0
        texts = []
        first_id = 0  # a later segment's tag tokens follow the earlier ones' (see merge_segments)
        for old in olds:
            rows = s.scalars(select(EditRow).where(EditRow.segment_id == old.id).order_by(EditRow.version)).all()
            mt = s.scalar(select(TranslationRow.text).where(TranslationRow.segment_id == old.id)
                          .order_by(TranslationRow.id.desc()).limit(1))
            for row in rows:
                version += 1
                note = f"was version {row.version} of segment {old.id}"
                row.segment_id, row.version = new.id, version
                row.comment = f"{row.comment}; {note}" if row.comment else note
            texts.append(inline.shift_tokens(edit_record(rows[-1]).text if rows else (mt or ""), first_id))
            first_id += max((int(c["id"]) for c in inline.codes_of(old.inline)), default=0)
        joined = " ".join(t.strip() for t in texts if t.strip())
        last = s.scalar(select(EditRow.text).where(EditRow.segment_id == new.id)
                        .order_by(EditRow.version.desc()).limit(1))
        if joined and joined != last:
            version += 1
            s.add(EditRow(segment_id=new.id, version=version, text=joined, author=actor, origin=origin,
                          comment=why))
        new.version = version
        new.status = "edited" if version else "new"

    @staticmethod
    def _rewire_beads(s: Session, doc_id: int, replace: dict[str, list[str]], actor: str) -> None:
        """Put the new segment ids where the old ones were; beads that now share a segment become one."""
        alns = s.scalars(select(AlignmentRow).where(or_(AlignmentRow.doc_a == doc_id, AlignmentRow.doc_b == doc_id)))
        for aln in alns:
            side = "src" if aln.doc_a == doc_id else "tgt"
            rows = s.scalars(select(BeadRow).where(BeadRow.alignment_id == aln.id).order_by(BeadRow.position)).all()
            touched = [r for r in rows if set(getattr(r, side) or []) & replace.keys()]
            if not touched:
                continue
            keep = touched[0]
            ids: list[str] = []
            other: list[str] = []
            for r in touched:
                for sid in getattr(r, side) or []:
                    for new in replace.get(sid, [sid]):
                        if new not in ids:
                            ids.append(new)
                other.extend(x for x in (getattr(r, "tgt" if side == "src" else "src") or []) if x not in other)
            setattr(keep, side, ids)
            setattr(keep, "tgt" if side == "src" else "src", other)
            if len(touched) > 1:  # a merge across beads joins them: a user's correction, so locked
                keep.locked, keep.changed_by, keep.changed_at = True, actor, utcnow()
                for r in touched[1:]:
                    s.delete(r)
                s.flush()
                for pos, r in enumerate(s.scalars(select(BeadRow).where(BeadRow.alignment_id == aln.id)
                                                  .order_by(BeadRow.position))):
                    r.position = pos

    @staticmethod
    def _drop_segment(s: Session, old: SegmentRow) -> None:
        # Machine translations stay as cache entries; what points into the old text goes.
        s.execute(update(TranslationRow).where(TranslationRow.segment_id == old.id).values(segment_id=None))
        s.execute(delete(FlagRow).where(FlagRow.segment_id == old.id))
        s.execute(delete(WordAlignmentRow).where(WordAlignmentRow.segment_id == old.id))
        s.delete(old)

    # --- stories -----------------------------------------------------------------------------
    def _story_row(self, s: Session, name: str, *, create: bool = False) -> StoryRow:
        row = s.scalar(select(StoryRow).where(StoryRow.name == name))
        if row is None and name.isdigit():
            row = s.get(StoryRow, int(name))
        if row is None:
            if not create:
                raise NotFound(f"story {name!r}: no such story")
            row = StoryRow(name=name)
            s.add(row)
            s.flush()
        return row

    def stories(self) -> list[Story]:
        with self.transaction(readonly=True) as s:
            out = []
            for row in s.scalars(select(StoryRow).order_by(StoryRow.id)):
                ids = s.scalars(select(DocumentRow.id).where(DocumentRow.story_id == row.id)
                                .order_by(DocumentRow.id)).all()
                out.append(Story(id=row.id, name=row.name, doc_ids=list(ids), proposed=row.proposed))
            return out

    def story(self, ref: str | int) -> Story:
        with self.transaction(readonly=True) as s:
            row = self._story_row(s, str(ref))
            ids = s.scalars(select(DocumentRow.id).where(DocumentRow.story_id == row.id)
                            .order_by(DocumentRow.id)).all()
            return Story(id=row.id, name=row.name, doc_ids=list(ids), proposed=row.proposed)

    def assign_story(self, doc_refs: Iterable[int | str], story: str, actor: str, *,
                     proposed: bool = False) -> Story:
        """Put documents into a story (created when new); a document belongs to one story at a time."""
        with self.transaction() as s:
            row = self._story_row(s, story, create=True)
            row.proposed = proposed
            for ref in doc_refs:
                doc = self._document_row(s, ref)
                doc.story_id = row.id
                self.log_event(s, actor, "story.assign", f"doc:{doc.id}", story)
        return self.story(story)

    def remove_from_story(self, doc_ref: int | str, actor: str) -> None:
        with self.transaction() as s:
            doc = self._document_row(s, doc_ref)
            doc.story_id = None
            self.log_event(s, actor, "story.remove", f"doc:{doc.id}")
