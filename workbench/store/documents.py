"""Documents, their segments and the stories that group them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from ..records import ROLES, Document, Segment, Story
from .errors import NotFound, StoreError
from .schema import DocumentRow, SegmentRow, StoryRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def segment_record(row: SegmentRow) -> Segment:
    return Segment(
        id=row.id, doc_id=row.doc_id, index=row.idx, start=row.start, end=row.end, text=row.text,
        lang=row.lang, role=row.role, role_reason=row.role_reason, paragraph=row.paragraph, status=row.status,
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
                               paragraph=seg.paragraph)
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
