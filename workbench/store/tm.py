"""The translation memory: imported and confirmed source/English pairs, and what TM lookups read.

Units carry what their exchange file said about them (TMX tuid, creation and change date and user,
properties). A unit that is already there (same languages, source and target) is skipped, so
importing the same memory twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ..records import TMUnit
from .schema import DocumentRow, SegmentRow, TMUnitRow
from .translations import text_sha

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class SegmentSource:
    """A stored segment as TM lookups see it: its source text and where it lives."""

    segment_id: str
    doc_id: int
    doc_name: str
    lang: str
    text: str
    status: str


def _utc(value: datetime | None) -> datetime | None:
    """Stored times are UTC; SQLite returns them without a zone."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def tm_record(r: Any) -> TMUnit:
    return TMUnit(r.src_lang, r.source, r.tgt_lang, r.target, r.origin, tuid=r.tuid or "",
                  creation_date=_utc(r.creation_date), creation_id=r.creation_id or "",
                  change_date=_utc(r.change_date),
                  change_id=r.change_id or "", props=dict(r.props or {}))


class TMStore:
    """Methods of `Store` for the translation memory."""

    def add_tm_units(self, units: Iterable[TMUnit], batch: int = 2000, *, atomic: bool = False) -> int:
        """Add units (duplicates ignored); returns how many were new.

        By default every `batch` units are committed (a long import keeps what it finished). With
        `atomic`, everything is one transaction: if the iterable raises part-way (a broken file
        found while streaming it), nothing is stored.
        """
        if atomic:
            with self.transaction() as s:
                return self._insert_batches(s, units, batch)
        added = 0
        buf: list[TMUnit] = []
        for unit in units:
            buf.append(unit)
            if len(buf) >= batch:
                with self.transaction() as s:
                    added += self._insert_tm(s, buf)
                buf = []
        if buf:
            with self.transaction() as s:
                added += self._insert_tm(s, buf)
        return added

    def _insert_batches(self, s: Session, units: Iterable[TMUnit], batch: int) -> int:
        added = 0
        buf: list[TMUnit] = []
        for unit in units:
            buf.append(unit)
            if len(buf) >= batch:
                added += self._insert_tm(s, buf)
                buf = []
        if buf:
            added += self._insert_tm(s, buf)
        return added

    def _insert_tm(self, s: Session, units: list[TMUnit]) -> int:
        rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        for u in units:
            r = {"src_lang": u.src_lang, "source": u.source, "tgt_lang": u.tgt_lang, "target": u.target,
                 "source_sha": text_sha(u.source), "target_sha": text_sha(u.target), "origin": u.origin,
                 "tuid": u.tuid[:200], "creation_date": u.creation_date, "creation_id": u.creation_id[:100],
                 "change_date": u.change_date, "change_id": u.change_id[:100], "props": dict(u.props)}
            rows.setdefault((r["src_lang"], r["tgt_lang"], r["source_sha"], r["target_sha"]), r)
        values = list(rows.values())
        dialect = s.get_bind().dialect.name
        # The PostgreSQL dialect (asyncio and all) loads only when a memory is written to PostgreSQL.
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            insert = None
        if insert is None:  # other databases: check one by one
            n = 0
            for r in values:
                if s.scalar(select(TMUnitRow.id).where(
                        TMUnitRow.src_lang == r["src_lang"], TMUnitRow.tgt_lang == r["tgt_lang"],
                        TMUnitRow.source_sha == r["source_sha"], TMUnitRow.target_sha == r["target_sha"])) is None:
                    s.add(TMUnitRow(**r))
                    n += 1
            s.flush()
            return n
        # One compiled statement executed for many rows (Core executemany): compiling a multi-row
        # VALUES clause costs more than the insert itself.
        result = s.execute(insert(TMUnitRow.__table__).on_conflict_do_nothing(), values)
        return max(result.rowcount or 0, 0)

    def tm_units(self, src_lang: str | None = None, limit: int | None = None, *, tgt_lang: str | None = None,
                 origin: str | None = None) -> list[TMUnit]:
        """Units in the order they were added, optionally of one language pair or one origin file."""
        with self.transaction(readonly=True) as s:
            q = select(TMUnitRow).order_by(TMUnitRow.id)
            if src_lang:
                q = q.where(TMUnitRow.src_lang == src_lang)
            if tgt_lang:
                q = q.where(TMUnitRow.tgt_lang == tgt_lang)
            if origin:
                q = q.where(TMUnitRow.origin == origin)
            if limit:
                q = q.limit(limit)
            # Plain rows rather than ORM objects: lookups load the whole memory into their index.
            return [tm_record(r) for r in s.execute(q.with_only_columns(*TMUnitRow.__table__.columns))]

    def tm_lookup_rows(self, src_lang: str, tgt_lang: str = "en") -> list[tuple[str, str, str, str, datetime | None]]:
        """(source, target, origin, last author, last date) of every unit of a language pair.

        The lean form TM lookups index: no properties, no record objects, so ~100k units load fast.
        """
        with self.transaction(readonly=True) as s:
            q = (select(TMUnitRow.source, TMUnitRow.target, TMUnitRow.origin, TMUnitRow.change_id,
                        TMUnitRow.creation_id, TMUnitRow.change_date, TMUnitRow.creation_date)
                 .where(TMUnitRow.src_lang == src_lang, TMUnitRow.tgt_lang == tgt_lang).order_by(TMUnitRow.id))
            return [(src, tgt, origin, change_id or creation_id or "", _utc(change_date or creation_date))
                    for src, tgt, origin, change_id, creation_id, change_date, creation_date in s.execute(q)]

    def tm_count(self, src_lang: str | None = None, tgt_lang: str | None = None) -> int:
        with self.transaction(readonly=True) as s:
            q = select(func.count(TMUnitRow.id))
            if src_lang:
                q = q.where(TMUnitRow.src_lang == src_lang)
            if tgt_lang:
                q = q.where(TMUnitRow.tgt_lang == tgt_lang)
            return int(s.scalar(q) or 0)

    def tm_revision(self) -> tuple[int, int, int]:
        """Changes whenever units or documents are added: (last unit id, last document id, documents).

        TM lookups keep an in-memory index and rebuild it only when this changes. Units and
        segments are only ever added with a new id (segments with their document), so the largest
        ids tell; all three are index look-ups, cheap enough to run before every lookup.
        """
        with self.transaction(readonly=True) as s:
            last_unit = s.scalar(select(func.max(TMUnitRow.id)))
            last_doc, n_docs = s.execute(select(func.max(DocumentRow.id), func.count(DocumentRow.id))).one()
            return (int(last_unit or 0), int(last_doc or 0), int(n_docs or 0))

    def tm_segment_sources(self, lang: str | None = None) -> list[SegmentSource]:
        """Every heading and content segment (boilerplate is never a suggestion) with its document."""
        with self.transaction(readonly=True) as s:
            q = (select(SegmentRow.id, SegmentRow.doc_id, DocumentRow.name, SegmentRow.lang, SegmentRow.text,
                        SegmentRow.status)
                 .join(DocumentRow, DocumentRow.id == SegmentRow.doc_id)
                 .where(SegmentRow.role != "boilerplate")
                 .order_by(SegmentRow.doc_id, SegmentRow.idx))
            if lang:
                q = q.where(SegmentRow.lang == lang)
            return [SegmentSource(*row) for row in s.execute(q)]

    def segment_statuses(self, segment_ids: list[str]) -> dict[str, str]:
        """The current status of each segment (lookups read it fresh; it changes with every edit)."""
        out: dict[str, str] = {}
        with self.transaction(readonly=True) as s:
            for i in range(0, len(segment_ids), 500):
                out.update(s.execute(select(SegmentRow.id, SegmentRow.status)
                                     .where(SegmentRow.id.in_(segment_ids[i:i + 500]))).all())
        return out
