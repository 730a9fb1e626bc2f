"""Glossary terms and their review history."""

from __future__ import annotations

from sqlalchemy import or_, select

from ..records import TERM_KINDS, TERM_STATUSES, Term
from .errors import NotFound, StoreError
from .schema import TermEventRow, TermRow, utcnow


def term_record(row: TermRow) -> Term:
    return Term(id=row.id, lang=row.lang, source=row.source, english=row.english, status=row.status,
                kind=row.kind, note=row.note, created_by=row.created_by, updated_at=row.updated_at)


class GlossaryStore:
    """Methods of `Store` for glossary terms. Approving and rejecting is checked by the caller's role."""

    def add_term(self, term: Term, actor: str, comment: str = "") -> Term:
        """Add a term (status as given, usually proposed); an identical entry is returned unchanged."""
        if term.status not in TERM_STATUSES:
            raise StoreError(f"status {term.status!r}: must be one of {', '.join(TERM_STATUSES)}")
        if term.kind not in TERM_KINDS:
            raise StoreError(f"kind {term.kind!r}: must be one of {', '.join(TERM_KINDS)}")
        if term.lang not in ("ru", "uk"):
            raise StoreError(f"lang {term.lang!r}: glossary source language must be ru or uk")
        if not term.source.strip() or not term.english.strip():
            raise StoreError("term: source and English must not be empty")
        with self.transaction() as s:
            row = s.scalar(select(TermRow).where(TermRow.lang == term.lang, TermRow.source == term.source.strip(),
                                                 TermRow.english == term.english.strip(),
                                                 TermRow.kind == term.kind))
            if row is not None:
                return term_record(row)
            row = TermRow(lang=term.lang, source=term.source.strip(), english=term.english.strip(),
                          status=term.status, kind=term.kind, note=term.note, created_by=actor)
            s.add(row)
            s.flush()
            s.add(TermEventRow(term_id=row.id, action=term.status, author=actor, comment=comment))
            return term_record(row)

    def terms(self, *, lang: str | None = None, status: str | None = None, query: str = "") -> list[Term]:
        with self.transaction(readonly=True) as s:
            q = select(TermRow).order_by(TermRow.lang, TermRow.source)
            if lang:
                q = q.where(TermRow.lang == lang)
            if status:
                q = q.where(TermRow.status == status)
            if query:
                like = f"%{query}%"
                q = q.where(or_(TermRow.source.ilike(like), TermRow.english.ilike(like), TermRow.note.ilike(like)))
            return [term_record(r) for r in s.scalars(q)]

    def term(self, term_id: int) -> Term:
        with self.transaction(readonly=True) as s:
            row = s.get(TermRow, term_id)
            if row is None:
                raise NotFound(f"term {term_id}: no such term")
            return term_record(row)

    def review_term(self, term_id: int, status: str, actor: str, comment: str = "") -> Term:
        """Set a term's status (approved / rejected / proposed) and record who, when and why."""
        if status not in TERM_STATUSES:
            raise StoreError(f"status {status!r}: must be one of {', '.join(TERM_STATUSES)}")
        with self.transaction() as s:
            row = s.get(TermRow, term_id)
            if row is None:
                raise NotFound(f"term {term_id}: no such term")
            row.status = status
            row.updated_at = utcnow()
            s.add(TermEventRow(term_id=term_id, action=status, author=actor, comment=comment))
            return term_record(row)

    def update_term(self, term_id: int, actor: str, *, english: str | None = None, note: str | None = None,
                    comment: str = "") -> Term:
        with self.transaction() as s:
            row = s.get(TermRow, term_id)
            if row is None:
                raise NotFound(f"term {term_id}: no such term")
            changes = []
            if english is not None and english.strip() and english.strip() != row.english:
                changes.append(f"english: {row.english} -> {english.strip()}")
                row.english = english.strip()
            if note is not None and note != row.note:
                changes.append("note")
                row.note = note
            row.updated_at = utcnow()
            s.add(TermEventRow(term_id=term_id, action="edited", author=actor,
                               comment="; ".join(filter(None, [comment, *changes]))))
            return term_record(row)

    def term_history(self, term_id: int) -> list[dict[str, object]]:
        with self.transaction(readonly=True) as s:
            rows = s.scalars(select(TermEventRow).where(TermEventRow.term_id == term_id).order_by(TermEventRow.id))
            return [{"action": r.action, "author": r.author, "comment": r.comment, "created_at": r.created_at}
                    for r in rows]
