"""Ingestion: files become documents with language, segments, offsets and roles, then enter the store.

`build_document` is pure (text in, `Document` out); `import_paths` reads files, checks all of them
first, and adds them in one transaction, so a bad file leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config
from ..records import Document, Segment
from . import langid, roles, stories
from .readers import SUPPORTED_SUFFIXES, IngestError, decode_named, read_text
from .segment import blocks, segment_id, sentences

if TYPE_CHECKING:  # the store (SQLAlchemy) is the caller's; reading files does not need it
    from ..store import Store

# Longest upload name kept (file systems allow 255 bytes per name; the documents column holds 500).
MAX_NAME_CHARS = 255
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

__all__ = ["IngestError", "build_document", "read_document", "import_paths", "import_bytes", "ImportReport",
           "expand_paths"]


def build_document(text: str, name: str, *, encoding: str = "utf-8", title: str = "",
                   source_path: str = "") -> Document:
    """Segment, identify and classify a decoded text."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: a Python str may hold one, no file or database can
        raise IngestError(f"{name}: not valid Unicode (lone surrogate at character {exc.start})") from None
    sha = hashlib.sha256(data).hexdigest()
    blks = blocks(text)
    if not blks:
        raise IngestError(f"{name}: empty file")
    block_langs = [langid.detect(b.text) for b in blks]
    doc_lang = langid.detect_document([b.text for b in blks])
    block_roles = roles.classify(blks, doc_lang)
    segs: list[Segment] = []
    for span in sentences(text):
        lang = block_langs[span.block]
        if lang in ("ru", "uk") and doc_lang in ("ru", "uk") and lang != doc_lang:
            # A short sentence seldom has the letters that tell ru from uk: a paragraph's own
            # reading wins only when the sentence itself shows the other language's letters.
            lang = langid.detect(span.text) if len(span.text) > 40 else doc_lang
        role = block_roles[span.block]
        segs.append(Segment(id=segment_id(sha, span.start, span.text), doc_id=0, index=len(segs),
                            start=span.start, end=span.end, text=span.text, lang=lang, role=role.role,
                            role_reason=role.reason, paragraph=span.block))
    if not title:
        title = next((s.text for s in segs if s.role == "heading"), "")
    return Document(id=None, name=name, sha256=sha, text=text, lang=doc_lang, encoding=encoding, title=title,
                    source_path=source_path, segments=segs)


def read_document(path: Path, config: Config) -> Document:
    text, encoding, title = read_text(path, config.max_import_bytes)
    return build_document(text, path.name, encoding=encoding, title=title, source_path=str(path))


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the supported files inside directories named (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            out.append(p)
    return out


@dataclass
class ImportReport:
    added: list[Document] = field(default_factory=list)
    unchanged: list[Document] = field(default_factory=list)
    proposed_stories: dict[str, list[str]] = field(default_factory=dict)


def _add(store: Store, docs: list[Document], story: str | None, actor: str) -> ImportReport:
    report = ImportReport()
    for doc, added in store.add_documents(docs, story=story, actor=actor):
        (report.added if added else report.unchanged).append(doc)
    # Also when nothing was added but some documents are in no story: an import that died after its
    # commit, before proposing stories, gets them proposed when it is run again.
    if story is None and (report.added or any(d.story_id is None for d in report.unchanged)):
        report.proposed_stories = propose_stories(store, actor)
    return report


def import_paths(store: Store, paths: Iterable[str | Path], config: Config, *, story: str | None = None,
                 actor: str = "cli") -> ImportReport:
    """Import files; every file is checked before anything is written. Raises IngestError."""
    files = expand_paths(paths)
    if not files:
        raise IngestError("import: no files to import")
    docs = [read_document(f, config) for f in files]
    return _add(store, docs, story, actor)


def import_bytes(store: Store, name: str, data: bytes, config: Config, *, story: str | None = None,
                 actor: str = "app") -> ImportReport:
    """Import an uploaded file. Only the base name is kept: an upload never names a path on disk."""
    safe = Path(name.replace("\\", "/")).name
    # Control characters (NUL above all) and over-long names are refused: no file system or
    # database column takes them. Bidi overrides would let a name display as another ("exe.txt").
    if not safe or safe in (".", "..") or len(safe) > MAX_NAME_CHARS or any(
            unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS for c in safe):
        raise IngestError(f"{name[:80]!r}: not a usable file name")
    suffix = Path(safe).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"{safe}: unsupported file type {suffix or '(none)'} (use {', '.join(SUPPORTED_SUFFIXES)})")
    text, encoding, title = decode_named(data, safe, suffix, config.max_import_bytes)
    return _add(store, [build_document(text, safe, encoding=encoding, title=title)], story, actor)


def propose_stories(store: Store, actor: str) -> dict[str, list[str]]:
    """Group documents not yet in a story with each other (and with proposed stories)."""
    existing = {s.id: s for s in store.stories()}
    candidates = [store.document(d.id) for d in store.documents()
                  if d.story_id is None or (d.story_id in existing and existing[d.story_id].proposed)]
    proposals: dict[str, list[str]] = {}
    for group in stories.propose(candidates):
        if len(group) < 2:
            continue
        current = {d.story_id for d in group if d.story_id is not None}
        name = existing[current.pop()].name if len(current) == 1 else stories.story_name(group)
        store.assign_story([d.id for d in group], name, actor, proposed=True)
        proposals[name] = [d.name for d in group]
    return proposals
