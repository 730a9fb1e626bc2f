"""Ingestion: files become documents with language, segments, offsets and roles, then enter the store.

`build_document` is pure (text in, `Document` out); `import_paths` reads files, checks all of them
first, and adds them in one transaction, so a bad file leaves the store as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import inline
from ..config import Config
from ..records import Document, Segment
from ..safetext import name_problem
from . import langid, roles, stories
from .readers import SUPPORTED_SUFFIXES, HtmlLine, IngestError, decode_page, read_page
from .segment import Span, blocks, segment_id, sentences

if TYPE_CHECKING:  # the store (SQLAlchemy) is the caller's; reading files does not need it
    from ..store import Store

# Longest upload name kept (file systems allow 255 bytes per name; the documents column holds 500).
MAX_NAME_CHARS = 255
# A news paragraph is a few hundred characters and a sentence seldom passes a thousand. A line or a
# segment far beyond that is a dump (minified HTML, a data file), and segmenting and showing it would
# hold the importer and every editor page: refused with the line or segment named.
MAX_LINE_CHARS = 20_000
MAX_SEGMENT_CHARS = 5_000

__all__ = ["IngestError", "build_document", "read_document", "import_paths", "import_bytes", "import_uploads",
           "ImportReport", "expand_paths", "check_name", "document_from_bytes"]


def check_name(name: str) -> str:
    """The base name an imported file is known by, or IngestError: control characters (NUL above all) and
    over-long names fit no file system or column; bidi controls and invisible characters make a name
    display as another. The CLI and the upload apply the same check."""
    safe = Path(name.replace("\\", "/")).name
    problem = name_problem(safe) or ("" if safe and safe not in (".", "..") and len(safe) <= MAX_NAME_CHARS
                                     else "empty or over-long")
    if problem:
        raise IngestError(f"{name[:80]!r}: not a usable file name ({problem})")
    return safe


def _check_lengths(text: str, name: str) -> None:
    for n, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise IngestError(f"{name}:{n}: line of {len(line):,} characters; at most {MAX_LINE_CHARS:,} per line "
                              "(is this an article? split it into paragraphs)")


# Lines that stay one segment whatever their full stops: a figure caption with its credit is page
# furniture, and cutting "Name. Photo: Agency" in two makes two would-be headings.
_WHOLE_LINE_REASONS = (roles.FIGURE_CAPTION, roles.CAPTION_CREDIT)


def build_document(text: str, name: str, *, encoding: str = "utf-8", title: str = "",
                   source_path: str = "", lines: list[HtmlLine] | None = None) -> Document:
    """Segment, identify and classify a decoded text. `lines`: the HTML reader's lines of `text`
    (block elements and inline codes); their codes become each segment's `inline` map."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: a Python str may hold one, no file or database can
        raise IngestError(f"{name}: not valid Unicode (lone surrogate at character {exc.start})") from None
    sha = hashlib.sha256(data).hexdigest()
    _check_lengths(text, name)
    blks = blocks(text)
    if not blks:
        raise IngestError(f"{name}: empty file")
    block_langs = [langid.detect(b.text) for b in blks]
    doc_lang = langid.detect_document([b.text for b in blks])
    if lines is not None and [ln.text for ln in lines] != [b.text for b in blks]:
        lines = None  # not the lines of this text: no block or code information to use
    block_roles = roles.classify(blks, doc_lang, [ln.block for ln in lines] if lines else None)
    spans = _whole_lines(sentences(text), blks, block_roles)
    codes = _segment_codes(spans, blks, lines) if lines else {}
    segs: list[Segment] = []
    for n, span in enumerate(spans):
        lang = block_langs[span.block]
        if lang in ("ru", "uk") and doc_lang in ("ru", "uk") and lang != doc_lang:
            # A short sentence seldom has the letters that tell ru from uk: a paragraph's own
            # reading wins only when the sentence itself shows the other language's letters.
            lang = langid.detect(span.text) if len(span.text) > 40 else doc_lang
        if len(span.text) > MAX_SEGMENT_CHARS:
            line = text.count("\n", 0, span.start) + 1
            raise IngestError(f"{name}:{line}: a sentence of {len(span.text):,} characters; at most "
                              f"{MAX_SEGMENT_CHARS:,} per segment (add sentence ends or line breaks)")
        role = block_roles[span.block]
        segs.append(Segment(id=segment_id(sha, span.start, span.text), doc_id=0, index=len(segs),
                            start=span.start, end=span.end, text=span.text, lang=lang, role=role.role,
                            role_reason=role.reason, paragraph=span.block, inline=codes.get(n, {})))
    if not title:
        title = next((s.text for s in segs if s.role == "heading"), "")
    return Document(id=None, name=name, sha256=sha, text=text, lang=doc_lang, encoding=encoding, title=title,
                    source_path=source_path, segments=segs)


def _whole_lines(spans: list[Span], blks: list, block_roles: list[roles.Role]) -> list[Span]:
    """The sentences, with the lines whose role keeps them whole as one span each."""
    out: list[Span] = []
    for span in spans:
        if block_roles[span.block].reason in _WHOLE_LINE_REASONS:
            b = blks[span.block]
            if not out or out[-1].block != span.block:
                out.append(Span(b.start, b.end, b.text, b.index))
            continue
        out.append(span)
    return out


def _segment_codes(spans: list[Span], blks: list, lines: list[HtmlLine]) -> dict[int, dict]:
    """span number -> the segment's inline map (block element, <br> before it, codes)."""
    out: dict[int, dict] = {}
    by_block: dict[int, list[int]] = {}
    for n, span in enumerate(spans):
        by_block.setdefault(span.block, []).append(n)
    for b, ns in by_block.items():
        line, start = lines[b], blks[b].start
        parts = inline.assign(line.codes, [(spans[n].start - start, spans[n].end - start) for n in ns])
        for i, (n, codes) in enumerate(zip(ns, parts, strict=True)):
            entry: dict = {"block": line.block}
            if line.br and i == 0:
                entry["br"] = True
            if codes:
                entry["codes"] = codes
            out[n] = entry
    return out


def read_document(path: Path, config: Config) -> Document:
    name = check_name(path.name)
    text, encoding, title, lines = read_page(path, config.max_import_bytes)
    return build_document(text, name, encoding=encoding, title=title, source_path=str(path), lines=lines)


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


def document_from_bytes(name: str, data: bytes, config: Config) -> Document:
    """An uploaded file as a document, through every check of the importer. Only the base name is
    kept: an upload never names a path on disk."""
    safe = check_name(name)
    suffix = Path(safe).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"{safe}: unsupported file type {suffix or '(none)'} (use {', '.join(SUPPORTED_SUFFIXES)})")
    text, encoding, title, lines = decode_page(data, safe, suffix, config.max_import_bytes)
    return build_document(text, safe, encoding=encoding, title=title, lines=lines)


def import_uploads(store: Store, files: list[tuple[str, bytes]], config: Config, *, story: str | None = None,
                   actor: str = "app") -> ImportReport:
    """Import uploaded files in one transaction: every file is checked first, one bad file adds nothing."""
    if not files:
        raise IngestError("upload: no files")
    return _add(store, [document_from_bytes(name, data, config) for name, data in files], story, actor)


def import_bytes(store: Store, name: str, data: bytes, config: Config, *, story: str | None = None,
                 actor: str = "app") -> ImportReport:
    """Import one uploaded file (see `import_uploads`)."""
    return import_uploads(store, [(name, data)], config, story=story, actor=actor)


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
