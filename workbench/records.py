"""Plain dataclasses that the pipeline stages exchange.

No ORM objects or UI state cross a stage boundary: the store turns its rows into these and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ROLES = ("heading", "content", "boilerplate")
LANGS = ("ru", "uk", "en", "other")
TERM_STATUSES = ("proposed", "approved", "rejected")
TERM_KINDS = ("term", "bad")  # bad: a known bad rendering, with its correction in `english`
USER_ROLES = ("translator", "reviewer", "admin")
SEGMENT_STATUSES = ("new", "translated", "edited", "approved")
# How far along a segment is (new < translated < edited < approved): the one ranking every stage uses.
SEGMENT_STATUS_RANK = {s: i for i, s in enumerate(SEGMENT_STATUSES)}


@dataclass
class Segment:
    """One sentence (or heading, or boilerplate line) of a document, with offsets into its text."""

    id: str  # stable: derived from document text hash, position and text
    doc_id: int
    index: int
    start: int
    end: int
    text: str
    lang: str
    role: str = "content"
    role_reason: str = ""  # why ingestion chose the role (shown to the user)
    paragraph: int = 0
    status: str = "new"
    # HTML imports: the inline codes of the segment and its block element (see workbench.inline).
    inline: dict[str, Any] = field(default_factory=dict)


@dataclass
class Document:
    id: int | None
    name: str  # file name as imported
    sha256: str  # of the decoded text; re-import of the same text is a no-op
    text: str  # decoded text, verbatim; segment offsets point into this
    lang: str
    encoding: str
    source_path: str = ""
    story_id: int | None = None
    title: str = ""
    status: str = "new"  # new | approved
    created_at: datetime | None = None
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Story:
    id: int | None
    name: str
    doc_ids: list[int] = field(default_factory=list)
    proposed: bool = False  # grouped by the importer rather than by the user


@dataclass
class Translation:
    segment_id: str
    text: str
    engine: str
    model_id: str
    model_revision: str = ""
    options_key: str = ""
    logprob: float | None = None  # sequence log-probability (sum over output tokens)
    token_logprobs: list[float] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    seconds: float = 0.0
    missing_terms: list[str] = field(default_factory=list)  # required glossary terms no hypothesis had
    created_at: datetime | None = None


@dataclass
class Edit:
    """One saved version of a segment's English. version 0 is the MT, each save adds one."""

    segment_id: str
    version: int
    text: str
    author: str
    origin: str = "human"  # mt | human | import | replace | undo
    created_at: datetime | None = None
    comment: str = ""


@dataclass
class Bead:
    """One unit of a sentence alignment: segments of side A matched with segments of side B."""

    src: list[str]  # segment ids in document A (empty for 0-1)
    tgt: list[str]  # segment ids in document B (empty for 1-0)
    score: float
    locked: bool = False  # set by a user correction; re-runs keep it


# The detector of the per-segment risk estimate (`workbench.flags.risk`): stored as a flag so that it
# is ranked, listed and dismissed like one, but it is no finding: every segment has one.
ESTIMATE = "risk.segment"


@dataclass
class Flag:
    segment_id: str
    side: str  # "source" or "target"
    start: int  # character offsets within the segment text (source) or the English (target)
    end: int
    kind: str
    severity: float
    message: str
    suggestion: str = ""
    detector: str = ""
    level: str = "warning"  # error | warning | note
    id: int | None = None
    status: str = "open"  # open | resolved | dismissed
    reason: str = ""

    @property
    def is_estimate(self) -> bool:
        """The segment's risk estimate, not a finding of a check (counts and highlights leave it out)."""
        return self.detector == ESTIMATE


@dataclass
class Term:
    id: int | None
    lang: str
    source: str
    english: str
    status: str = "proposed"
    kind: str = "term"
    note: str = ""
    created_by: str = ""
    updated_at: datetime | None = None


@dataclass
class User:
    name: str
    role: str


@dataclass
class TMUnit:
    """A translation-memory entry: a source sentence and its English."""

    src_lang: str
    source: str
    tgt_lang: str
    target: str
    origin: str = ""  # file or document it came from
    # What the exchange file said about the unit (TMX tuid, creation/change date and user, props).
    tuid: str = ""
    creation_date: datetime | None = None
    creation_id: str = ""
    change_date: datetime | None = None
    change_id: str = ""
    props: dict[str, list[str]] = field(default_factory=dict)
