"""Review between translator and reviewer: comments on segments, error annotations with an MQM
category and severity, sending a segment back, and the error annotations as a TSV.

Every mutation takes the acting `User`, checks the permission with `workbench.actions.require` and
records an audit event (`store.log_event`), like the other actions. Comments are for everyone
who edits; annotations and sending back are a reviewer's (the "approve_document" permission).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..errors import WorkbenchError
from ..records import User
from ..store.errors import NotFound
from ..store.schema import ErrorAnnotationRow, SegmentCommentRow, SegmentRow, utcnow
from . import require

if TYPE_CHECKING:
    from ..store import Store

# MQM top-level categories (with the subtypes reviewers name most), and its severities.
MQM_CATEGORIES = ("accuracy/mistranslation", "accuracy/omission", "accuracy/addition", "terminology",
                  "fluency/grammar", "fluency/spelling", "style", "locale")
MQM_SEVERITIES = ("minor", "major", "critical")
TSV_COLUMNS = ("document", "segment", "source", "english", "start", "end", "span", "category", "severity", "note",
               "author", "created_at")


class ReviewError(WorkbenchError):
    """A review action with bad input (empty comment, span not in the English, unknown category)."""


@dataclass(frozen=True)
class Comment:
    id: int
    segment_id: str
    author: str
    text: str
    status: str
    resolved_by: str
    created_at: datetime | None


@dataclass(frozen=True)
class Annotation:
    id: int
    segment_id: str
    start: int
    end: int
    english: str
    category: str
    severity: str
    note: str
    author: str
    created_at: datetime | None

    @property
    def span(self) -> str:
        return self.english[self.start:self.end]


def _comment(r: SegmentCommentRow) -> Comment:
    return Comment(r.id, r.segment_id, r.author, r.text, r.status, r.resolved_by, r.created_at)


def _annotation(r: ErrorAnnotationRow) -> Annotation:
    return Annotation(r.id, r.segment_id, r.start, r.end, r.english, r.category, r.severity, r.note, r.author,
                      r.created_at)


def add_comment(store: Store, user: User | None, segment_id: str, text: str) -> Comment:
    require(user, "edit")
    assert user is not None
    if not text.strip():
        raise ReviewError("comment: the text is empty")
    with store.transaction() as s:
        if s.get(SegmentRow, segment_id) is None:
            raise NotFound(f"segment {segment_id!r}: no such segment")
        row = SegmentCommentRow(segment_id=segment_id, author=user.name, text=text.strip())
        s.add(row)
        s.flush()
        store.log_event(s, user.name, "comment.add", f"seg:{segment_id}", f"comment {row.id}")
        return _comment(row)


def resolve_comment(store: Store, user: User | None, comment_id: int, reopen: bool = False) -> Comment:
    """Mark a comment resolved (or open again)."""
    require(user, "edit")
    assert user is not None
    with store.transaction() as s:
        row = s.get(SegmentCommentRow, comment_id)
        if row is None:
            raise NotFound(f"comment {comment_id}: no such comment")
        row.status, row.resolved_by, row.resolved_at = (("open", "", None) if reopen
                                                        else ("resolved", user.name, utcnow()))
        store.log_event(s, user.name, "comment.reopen" if reopen else "comment.resolve", f"seg:{row.segment_id}",
                        f"comment {row.id}")
        return _comment(row)


def comments(store: Store, segment_ids: list[str]) -> list[Comment]:
    """Comments of these segments, oldest first."""
    with store.transaction(readonly=True) as s:
        rows = s.scalars(select(SegmentCommentRow).where(SegmentCommentRow.segment_id.in_(segment_ids))
                         .order_by(SegmentCommentRow.id))
        return [_comment(r) for r in rows]


def annotate(store: Store, user: User | None, segment_id: str, english: str, span: str, category: str,
             severity: str, note: str = "", occurrence: int = 1) -> Annotation:
    """Record an error on `span` (its `occurrence`-th appearance in the segment's current English)."""
    require(user, "approve_document")
    assert user is not None
    if category not in MQM_CATEGORIES:
        raise ReviewError(f"category {category!r}: one of {', '.join(MQM_CATEGORIES)}")
    if severity not in MQM_SEVERITIES:
        raise ReviewError(f"severity {severity!r}: one of {', '.join(MQM_SEVERITIES)}")
    span = span.strip()
    start = -1
    for _ in range(max(1, occurrence)):
        start = english.find(span, start + 1) if span else -1
        if start < 0:
            break
    if not span or start < 0:
        raise ReviewError(f"span {span!r}: not found in the English of the segment" if span
                          else "span: give the words of the English the error is on")
    with store.transaction() as s:
        if s.get(SegmentRow, segment_id) is None:
            raise NotFound(f"segment {segment_id!r}: no such segment")
        row = ErrorAnnotationRow(segment_id=segment_id, start=start, end=start + len(span), english=english,
                                 category=category, severity=severity, note=note.strip(), author=user.name)
        s.add(row)
        s.flush()
        store.log_event(s, user.name, "error.annotate", f"seg:{segment_id}", f"{category} {severity}")
        return _annotation(row)


def delete_annotation(store: Store, user: User | None, annotation_id: int) -> None:
    require(user, "approve_document")
    assert user is not None
    with store.transaction() as s:
        row = s.get(ErrorAnnotationRow, annotation_id)
        if row is None:
            raise NotFound(f"error annotation {annotation_id}: no such annotation")
        store.log_event(s, user.name, "error.delete", f"seg:{row.segment_id}", f"{row.category} {row.severity}")
        s.delete(row)


def annotations(store: Store, segment_ids: list[str]) -> list[Annotation]:
    with store.transaction(readonly=True) as s:
        rows = s.scalars(select(ErrorAnnotationRow).where(ErrorAnnotationRow.segment_id.in_(segment_ids))
                         .order_by(ErrorAnnotationRow.id))
        return [_annotation(r) for r in rows]


def send_back(store: Store, user: User | None, segment_id: str, reason: str) -> Comment:
    """Return a confirmed segment to the translator: it is no longer confirmed, and the reason is
    an open comment on it."""
    require(user, "approve_document")
    assert user is not None
    if not reason.strip():
        raise ReviewError("send back: say what to change (it becomes a comment for the translator)")
    store.set_segment_status(segment_id, "edited", user.name)
    with store.transaction() as s:
        store.log_event(s, user.name, "segment.send_back", f"seg:{segment_id}", reason.strip()[:200])
    return add_comment(store, user, segment_id, f"Sent back: {reason.strip()}")


def annotations_tsv(store: Store, doc_ref: int | str) -> bytes:
    """A document's error annotations as a TSV (one row per error, the span with its offsets)."""
    doc = store.document(doc_ref)
    by_id = {s.id: s for s in doc.segments}
    out = io.StringIO()
    w = csv.writer(out, delimiter="\t", lineterminator="\n")
    w.writerow(TSV_COLUMNS)
    for a in annotations(store, list(by_id)):
        seg = by_id[a.segment_id]
        w.writerow([doc.name, seg.index + 1, seg.text, a.english, a.start, a.end, a.span, a.category, a.severity,
                    a.note, a.author, a.created_at.isoformat() if a.created_at else ""])
    return out.getvalue().encode("utf-8")
