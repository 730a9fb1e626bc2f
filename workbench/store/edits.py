"""Human edits of the English: an append-only history per segment with optimistic concurrency.

A segment's `version` is the number of its latest edit (0: never edited, the English is the MT).
A save names the version it was based on; when another save got there first the store raises
`EditConflict` carrying both texts, and nothing is overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from ..records import Edit
from .errors import NotFound, StoreError
from .schema import EditRow, SegmentRow, TranslationRow


class EditConflict(StoreError):
    """The segment was saved by someone else since the editor opened it."""

    def __init__(self, segment_id: str, base_version: int, current: Edit) -> None:
        self.segment_id = segment_id
        self.base_version = base_version
        self.current = current
        super().__init__(
            f"segment {segment_id}: changed by {current.author} (version {current.version}) since you opened "
            f"version {base_version}"
        )


@dataclass
class English:
    """The English a segment shows now: the latest edit, else the latest machine translation."""

    segment_id: str
    text: str
    origin: str  # "mt", "human" (or another edit origin), or "" when there is none yet
    version: int
    mt_text: str = ""
    engine: str = ""


def edit_record(row: EditRow) -> Edit:
    return Edit(segment_id=row.segment_id, version=row.version, text=row.text, author=row.author,
                origin=row.origin, created_at=row.created_at, comment=row.comment)


class EditStore:
    """Methods of `Store` for the edit history."""

    def save_edit(self, segment_id: str, text: str, author: str, base_version: int, *,
                  origin: str = "human", comment: str = "") -> Edit:
        """Commit a new version of the segment's English, or raise EditConflict."""
        if not author:
            raise StoreError("edit: author is required")
        # Text no database can hold (PostgreSQL refuses NUL, no encoder takes a lone surrogate).
        if "\x00" in text:
            raise StoreError(f"segment {segment_id}: the English contains a NUL character")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise StoreError(f"segment {segment_id}: the English is not valid Unicode "
                             f"(lone surrogate at character {exc.start})") from None
        with self.transaction() as s:
            # The conditional UPDATE is the lock: only one writer can move version n to n+1.
            moved = s.execute(
                update(SegmentRow)
                .where(SegmentRow.id == segment_id, SegmentRow.version == base_version)
                .values(version=base_version + 1, status="edited")
            ).rowcount
            if moved != 1:
                row = s.get(SegmentRow, segment_id)
                if row is None:
                    raise NotFound(f"segment {segment_id!r}: no such segment")
                latest = s.scalar(select(EditRow).where(EditRow.segment_id == segment_id)
                                  .order_by(EditRow.version.desc()).limit(1))
                current = edit_record(latest) if latest else Edit(segment_id, 0, "", "mt", origin="mt")
                raise EditConflict(segment_id, base_version, current)
            row = EditRow(segment_id=segment_id, version=base_version + 1, text=text, author=author,
                          origin=origin, comment=comment)
            s.add(row)
            s.flush()
            return edit_record(row)

    def history(self, segment_id: str) -> list[Edit]:
        """Every saved version, oldest first (the MT is not an edit: see `english`)."""
        with self.transaction(readonly=True) as s:
            rows = s.scalars(select(EditRow).where(EditRow.segment_id == segment_id).order_by(EditRow.version))
            return [edit_record(r) for r in rows]

    def undo_edit(self, segment_id: str, author: str, base_version: int) -> Edit:
        """Save the previous version's text (or the MT) as a new version; history is never rewritten."""
        hist = self.history(segment_id)
        if not hist:
            raise StoreError(f"segment {segment_id}: nothing to undo")
        if len(hist) >= 2:
            previous = hist[-2].text
        else:
            previous = self.english_for([segment_id])[segment_id].mt_text
        return self.save_edit(segment_id, previous, author, base_version, origin="undo")

    def english_for(self, segment_ids: list[str]) -> dict[str, English]:
        """The current English of each segment with where it came from."""
        out: dict[str, English] = {}
        with self.transaction(readonly=True) as s:
            for chunk_start in range(0, len(segment_ids), 500):
                chunk = segment_ids[chunk_start:chunk_start + 500]
                versions = dict(s.execute(select(SegmentRow.id, SegmentRow.version)
                                          .where(SegmentRow.id.in_(chunk))).all())
                mts: dict[str, TranslationRow] = {}
                for t in s.scalars(select(TranslationRow).where(TranslationRow.segment_id.in_(chunk))
                                   .order_by(TranslationRow.id)):
                    mts[t.segment_id] = t  # latest wins
                edits: dict[str, EditRow] = {}
                for e in s.scalars(select(EditRow).where(EditRow.segment_id.in_(chunk)).order_by(EditRow.version)):
                    edits[e.segment_id] = e
                for sid in chunk:
                    mt = mts.get(sid)
                    ed = edits.get(sid)
                    mt_text = mt.text if mt else ""
                    if ed is not None:
                        out[sid] = English(sid, ed.text, ed.origin, ed.version, mt_text, mt.engine if mt else "")
                    else:
                        out[sid] = English(sid, mt_text, "mt" if mt else "", versions.get(sid, 0), mt_text,
                                           mt.engine if mt else "")
        return out

    def set_segment_status(self, segment_id: str, status: str, actor: str) -> None:
        with self.transaction() as s:
            row = s.get(SegmentRow, segment_id)
            if row is None:
                raise NotFound(f"segment {segment_id!r}: no such segment")
            row.status = status
            self.log_event(s, actor, "segment.status", f"seg:{segment_id}", status)
