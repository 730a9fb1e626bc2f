"""The translation memory: imported and confirmed source/English pairs."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..records import TMUnit
from .schema import TMUnitRow
from .translations import text_sha


class TMStore:
    """Methods of `Store` for the translation memory."""

    def add_tm_units(self, units: Iterable[TMUnit], batch: int = 2000) -> int:
        """Add units (duplicates ignored), committing every `batch` units; returns how many were new."""
        added = 0
        buf: list[TMUnit] = []
        for unit in units:
            buf.append(unit)
            if len(buf) >= batch:
                added += self._insert_tm(buf)
                buf = []
        if buf:
            added += self._insert_tm(buf)
        return added

    def _insert_tm(self, units: list[TMUnit]) -> int:
        rows = [{"src_lang": u.src_lang, "source": u.source, "tgt_lang": u.tgt_lang, "target": u.target,
                 "source_sha": text_sha(u.source), "target_sha": text_sha(u.target), "origin": u.origin}
                for u in units]
        with self.transaction() as s:
            dialect = s.get_bind().dialect.name
            insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}.get(dialect)
            if insert is None:  # other databases: check one by one
                n = 0
                for r in rows:
                    if s.scalar(select(TMUnitRow.id).where(
                            TMUnitRow.src_lang == r["src_lang"], TMUnitRow.tgt_lang == r["tgt_lang"],
                            TMUnitRow.source_sha == r["source_sha"], TMUnitRow.target_sha == r["target_sha"])) is None:
                        s.add(TMUnitRow(**r))
                        n += 1
                return n
            result = s.execute(insert(TMUnitRow).values(rows).on_conflict_do_nothing())
            return max(result.rowcount or 0, 0)

    def tm_units(self, src_lang: str | None = None, limit: int | None = None) -> list[TMUnit]:
        with self.transaction() as s:
            q = select(TMUnitRow).order_by(TMUnitRow.id)
            if src_lang:
                q = q.where(TMUnitRow.src_lang == src_lang)
            if limit:
                q = q.limit(limit)
            return [TMUnit(r.src_lang, r.source, r.tgt_lang, r.target, r.origin) for r in s.scalars(q)]
