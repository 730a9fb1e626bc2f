"""SQLAlchemy 2 tables of the store. Alembic migrations in `migrations/` create and evolve them.

Rows never leave the store package: `workbench.store.Store` turns them into `workbench.records`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # From migration actions01: a disabled user cannot sign in or act; the API token (for the CLI) is
    # kept as a hash; `credentials` grows with every password, role, token or status change, so that
    # an open browser session notices at its next action and signs out.
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str] = mapped_column(String(300), default="")
    credentials: Mapped[int] = mapped_column(Integer, default=0)


class StoryRow(Base):
    __tablename__ = "stories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    proposed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(10))
    encoding: Mapped[str] = mapped_column(String(40))
    source_path: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="SET NULL"), nullable=True)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SegmentRow(Base):
    __tablename__ = "segments"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    doc_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(20), default="content")
    role_reason: Mapped[str] = mapped_column(Text, default="")
    paragraph: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="new")
    # Optimistic concurrency: the number of the latest edit; a save names the version it started from.
    version: Mapped[int] = mapped_column(Integer, default=0)
    # From migration inline01: the inline codes of an HTML import and the block element (see
    # workbench.inline); empty for plain text.
    inline: Mapped[dict] = mapped_column(JSON, default=dict)
    __table_args__ = (Index("ix_segments_doc_idx", "doc_id", "idx"),)


class TranslationRow(Base):
    """Machine translations; also the cache, keyed by (model, options, source text)."""

    __tablename__ = "translations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[str | None] = mapped_column(
        ForeignKey("segments.id", ondelete="CASCADE"), nullable=True, index=True
    )
    source_sha: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(20))
    model_id: Mapped[str] = mapped_column(String(300))
    model_revision: Mapped[str] = mapped_column(String(100), default="")
    options_key: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    logprob: Mapped[float | None] = mapped_column(Float, nullable=True)
    token_logprobs: Mapped[list] = mapped_column(JSON, default=list)
    tokens: Mapped[list] = mapped_column(JSON, default=list)
    missing_terms: Mapped[list] = mapped_column(JSON, default=list)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (Index("ix_translations_cache", "model_id", "options_key", "source_sha"),)


class EnglishScoreRow(Base):
    """Token log-probabilities of an English the model did not produce (edited or imported), by
    forced decoding: keyed by segment and the English's hash, so an edit makes its scores stale."""

    __tablename__ = "english_scores"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    text_sha: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(20))
    model_id: Mapped[str] = mapped_column(String(300))
    model_revision: Mapped[str] = mapped_column(String(100), default="")
    logprob: Mapped[float | None] = mapped_column(Float, nullable=True)
    token_logprobs: Mapped[list] = mapped_column(JSON, default=list)
    tokens: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EditRow(Base):
    """Every saved version of a segment's English: the full history, never updated in place."""

    __tablename__ = "edits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    origin: Mapped[str] = mapped_column(String(20), default="human")
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (UniqueConstraint("segment_id", "version", name="uq_edits_segment_version"),)


class AlignmentRow(Base):
    __tablename__ = "alignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), nullable=True)
    doc_a: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    doc_b: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (UniqueConstraint("doc_a", "doc_b", name="uq_alignments_pair"),)


class BeadRow(Base):
    __tablename__ = "beads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alignment_id: Mapped[int] = mapped_column(ForeignKey("alignments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    src: Mapped[list] = mapped_column(JSON, default=list)
    tgt: Mapped[list] = mapped_column(JSON, default=list)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_by: Mapped[str] = mapped_column(String(100), default="")
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WordAlignmentRow(Base):
    __tablename__ = "word_alignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    english: Mapped[str] = mapped_column(Text)  # the English the links refer to
    model_id: Mapped[str] = mapped_column(String(300), default="")
    links: Mapped[list] = mapped_column(JSON, default=list)  # [[src_word_idx, en_word_idx], ...]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FlagRow(Base):
    __tablename__ = "flags"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(10))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(60))
    detector: Mapped[str] = mapped_column(String(60), default="")
    severity: Mapped[float] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(10), default="warning")
    message: Mapped[str] = mapped_column(Text)
    suggestion: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")  # the flagged span, for dismissal patterns
    status: Mapped[str] = mapped_column(String(20), default="open")
    reason: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[str] = mapped_column(String(100), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DismissalRow(Base):
    """A dismissed flag pattern (kind + flagged text): not flagged again in this project."""

    __tablename__ = "dismissals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    pattern: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TermRow(Base):
    __tablename__ = "terms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lang: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(Text)
    english: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    kind: Mapped[str] = mapped_column(String(20), default="term")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (UniqueConstraint("lang", "source", "english", "kind", name="uq_terms_entry"),)


class TermEventRow(Base):
    """History of a term: proposed, approved, rejected, edited; who, when and their comment."""

    __tablename__ = "term_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TMUnitRow(Base):
    __tablename__ = "tm_units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    src_lang: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(Text)
    tgt_lang: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(Text)
    source_sha: Mapped[str] = mapped_column(String(64))
    target_sha: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(Text, default="")
    # From the exchange file (migration exchange01): TMX tuid, creation/change date and user, props.
    tuid: Mapped[str] = mapped_column(String(200), default="")
    creation_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    creation_id: Mapped[str] = mapped_column(String(100), default="")
    change_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    change_id: Mapped[str] = mapped_column(String(100), default="")
    props: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (
        UniqueConstraint("src_lang", "tgt_lang", "source_sha", "target_sha", name="uq_tm_unit"),
        Index("ix_tm_src", "src_lang", "source_sha"),
    )


class EventRow(Base):
    """Audit log of changes that have no history table of their own (roles, stories, users)."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_action", "action"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SegmentCommentRow(Base):
    """A comment on a segment between translator and reviewer (open until someone resolves it)."""

    __tablename__ = "segment_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | resolved
    resolved_by: Mapped[str] = mapped_column(String(100), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ErrorAnnotationRow(Base):
    """A reviewer's error on a span of a segment's English: an MQM category and severity, with the
    English it was made on (data the quality estimation can learn from)."""

    __tablename__ = "error_annotations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    english: Mapped[str] = mapped_column(Text)  # the English the offsets refer to
    category: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RevisionRow(Base):
    """One row: a counter every writing transaction raises as it commits. Caches of what the store
    holds (the editor's document views) compare it instead of scanning tables for changes."""

    __tablename__ = "store_revision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)
