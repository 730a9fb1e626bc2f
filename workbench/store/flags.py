"""Flags on segments, their resolution and dismissed patterns.

Re-flagging a segment replaces its open flags but keeps resolved and dismissed ones; a dismissed
pattern (kind + flagged text) is not raised again anywhere in the project.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from ..records import Flag
from .errors import NotFound, StoreError
from .schema import DismissalRow, FlagRow, SegmentRow, utcnow


def flag_record(row: FlagRow) -> Flag:
    return Flag(id=row.id, segment_id=row.segment_id, side=row.side, start=row.start, end=row.end, kind=row.kind,
                severity=row.severity, message=row.message, suggestion=row.suggestion, detector=row.detector,
                level=row.level, status=row.status, reason=row.reason)


def flag_text(flag: Flag, source: str, english: str) -> str:
    text = source if flag.side == "source" else english
    return text[flag.start:flag.end]


class FlagStore:
    """Methods of `Store` for flags."""

    def replace_flags(self, segment_texts: dict[str, tuple[str, str]], flags: Sequence[Flag]) -> list[Flag]:
        """Store a detector run's flags for these segments ({segment_id: (source, english)}).

        Open flags of the segments are replaced; resolved/dismissed ones stay; flags matching a
        dismissed pattern, or identical to a resolved/dismissed flag, are not stored again.
        """
        ids = list(segment_texts)
        with self.transaction() as s:
            patterns = {(d.kind, d.pattern) for d in s.scalars(select(DismissalRow))}
            closed: set[tuple[str, str, int, int, str]] = set()
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                for r in s.scalars(select(FlagRow).where(FlagRow.segment_id.in_(chunk), FlagRow.status != "open")):
                    closed.add((r.segment_id, r.side, r.start, r.end, r.kind))
                s.execute(delete(FlagRow).where(FlagRow.segment_id.in_(chunk), FlagRow.status == "open"))
            stored = []
            for f in flags:
                source, english = segment_texts.get(f.segment_id, ("", ""))
                text = flag_text(f, source, english)
                if (f.kind, text) in patterns or (f.segment_id, f.side, f.start, f.end, f.kind) in closed:
                    continue
                row = FlagRow(segment_id=f.segment_id, side=f.side, start=f.start, end=f.end, kind=f.kind,
                              detector=f.detector, severity=f.severity, level=f.level, message=f.message,
                              suggestion=f.suggestion, text=text)
                s.add(row)
                s.flush()
                stored.append(flag_record(row))
            return stored

    def flags(self, *, doc_id: int | None = None, segment_ids: Sequence[str] | None = None,
              status: str | None = None) -> list[Flag]:
        """Flags of a document or of some segments (all when neither is given), worst first."""
        with self.transaction() as s:
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
        with self.transaction() as s:
            return [{"kind": d.kind, "pattern": d.pattern, "reason": d.reason, "author": d.author,
                     "created_at": d.created_at} for d in s.scalars(select(DismissalRow).order_by(DismissalRow.id))]
