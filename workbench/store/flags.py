"""Flags on segments, their resolution and dismissed patterns.

Re-flagging a segment updates the flags raised again, resolves those no longer raised, and keeps
resolved and dismissed ones; a dismissed pattern (kind + flagged text) is not raised again anywhere
in the project.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from ..records import Flag
from .errors import NotFound, StoreError
from .schema import DismissalRow, FlagRow, SegmentRow, utcnow


def flag_record(row: FlagRow) -> Flag:
    return Flag(id=row.id, segment_id=row.segment_id, side=row.side, start=row.start, end=row.end, kind=row.kind,
                severity=row.severity, message=row.message, suggestion=row.suggestion, detector=row.detector,
                level=row.level, status=row.status, reason=row.reason)


# A span shorter than this ("«", "..", "  ") would make a dismissal pattern that silences the
# check everywhere; such spans keep this many characters of their context on each side.
SHORT_SPAN, CONTEXT = 4, 12


def flag_text(flag: Flag, source: str, english: str) -> str:
    """The text a flag stands for: its span, with some context when the span is too short to be a pattern."""
    text = source if flag.side == "source" else english
    span = text[flag.start:flag.end]
    if len(span.strip()) >= SHORT_SPAN:
        return span
    return text[max(0, flag.start - CONTEXT):flag.end + CONTEXT]


# Flags the flagger itself closes because a re-run no longer raises them. They never suppress a
# later flag: an undo that brings the error back brings the flag back.
AUTO_RESOLVER = "flagger"


def _key(segment_id: str, side: str, kind: str, text: str) -> tuple[str, str, str, str]:
    return segment_id, side, kind, text


class FlagStore:
    """Methods of `Store` for flags."""

    def replace_flags(self, segment_texts: dict[str, tuple[str, str]], flags: Sequence[Flag]) -> list[Flag]:
        """Store a detector run's flags for these segments ({segment_id: (source, english)}).

        A flag raised again (same segment, side, kind and flagged text) keeps its id and is updated;
        open flags not raised again are resolved by the flagger; a flag matching a dismissed
        pattern (kind + text) or a flag a person resolved or dismissed on this segment is not
        stored again. Returns the open flags of the run.
        """
        ids = list(segment_texts)
        with self.transaction() as s:
            patterns = {(d.kind, d.pattern) for d in s.scalars(select(DismissalRow))}
            closed: set[tuple[str, str, str, str]] = set()
            still_open: dict[tuple[str, str, str, str], list[FlagRow]] = {}
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                for r in s.scalars(select(FlagRow).where(FlagRow.segment_id.in_(chunk)).order_by(FlagRow.id)):
                    key = _key(r.segment_id, r.side, r.kind, r.text)
                    if r.status == "open":
                        still_open.setdefault(key, []).append(r)
                    elif r.resolved_by != AUTO_RESOLVER:
                        closed.add(key)
            stored = []
            for f in flags:
                if f.segment_id not in segment_texts:
                    raise StoreError(f"flag on segment {f.segment_id!r}: not among the segments of this run")
                source, english = segment_texts[f.segment_id]
                text = flag_text(f, source, english)
                key = _key(f.segment_id, f.side, f.kind, text)
                if (f.kind, text) in patterns or key in closed:
                    continue
                rows = still_open.get(key)
                row = rows.pop(0) if rows else FlagRow(segment_id=f.segment_id, side=f.side, kind=f.kind, text=text)
                row.start, row.end, row.detector, row.severity, row.level = f.start, f.end, f.detector, f.severity, f.level
                row.message, row.suggestion = f.message, f.suggestion
                s.add(row)
                stored.append(row)
            s.flush()  # once for the run: a flush per flag made a large document's run take minutes
            records = [flag_record(row) for row in stored]
            now = utcnow()
            for rows in still_open.values():
                for r in rows:
                    r.status, r.reason, r.resolved_by, r.resolved_at = (
                        "resolved", "no longer raised (the text or the settings changed)", AUTO_RESOLVER, now)
            return records

    def flag(self, flag_id: int) -> Flag:
        with self.transaction(readonly=True) as s:
            row = s.get(FlagRow, flag_id)
            if row is None:
                raise NotFound(f"flag {flag_id}: no such flag")
            return flag_record(row)

    def flags(self, *, doc_id: int | None = None, segment_ids: Sequence[str] | None = None,
              status: str | None = None) -> list[Flag]:
        """Flags of a document or of some segments (all when neither is given), worst first."""
        with self.transaction(readonly=True) as s:
            q = select(FlagRow)
            if doc_id is not None:
                q = q.join(SegmentRow, SegmentRow.id == FlagRow.segment_id).where(SegmentRow.doc_id == doc_id)
            if segment_ids is not None:
                q = q.where(FlagRow.segment_id.in_(list(segment_ids)))
            if status:
                q = q.where(FlagRow.status == status)
            rows = s.scalars(q.order_by(FlagRow.severity.desc(), FlagRow.id)).all()
            return [flag_record(r) for r in rows]

    def _close_flag(self, flag_id: int, status: str, actor: str, reason: str) -> Flag:
        with self.transaction() as s:
            row = s.get(FlagRow, flag_id)
            if row is None:
                raise NotFound(f"flag {flag_id}: no such flag")
            if row.status != "open":
                raise StoreError(f"flag {flag_id}: already {row.status}")
            row.status, row.reason, row.resolved_by, row.resolved_at = status, reason, actor, utcnow()
            if status == "dismissed":
                s.add(DismissalRow(kind=row.kind, pattern=row.text, reason=reason, author=actor))
            return flag_record(row)

    def resolve_flag(self, flag_id: int, actor: str, reason: str = "fixed by an edit") -> Flag:
        return self._close_flag(flag_id, "resolved", actor, reason)

    def dismiss_flag(self, flag_id: int, reason: str, actor: str) -> Flag:
        """Dismiss with a reason; the same kind of flag on the same text is not raised again."""
        if not reason.strip():
            raise StoreError("dismiss: a reason is required")
        return self._close_flag(flag_id, "dismissed", actor, reason.strip())

    def dismissals(self) -> list[dict[str, object]]:
        with self.transaction(readonly=True) as s:
            return [{"kind": d.kind, "pattern": d.pattern, "reason": d.reason, "author": d.author,
                     "created_at": d.created_at} for d in s.scalars(select(DismissalRow).order_by(DismissalRow.id))]
