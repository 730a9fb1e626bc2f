"""The corpus page's actions: upload files and other systems' MT, review segment roles, group documents into stories."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..auth import require
from ..config import Config
from ..errors import WorkbenchError
from ..ingest import IngestError, build_document, import_bytes
from ..ingest.readers import SUPPORTED_SUFFIXES, decode_named
from ..records import Document, Segment, Story, User
from ..translate.external import MTImportError, MTImportReport, import_mt

if TYPE_CHECKING:
    from ..store import Store


@dataclass
class UploadReport:
    added: list[Document] = field(default_factory=list)
    unchanged: list[Document] = field(default_factory=list)
    proposed_stories: dict[str, list[str]] = field(default_factory=dict)


def upload(store: Store, config: Config, user: User | None, files: list[tuple[str, bytes]],
           story: str | None = None) -> UploadReport:
    """Import uploaded files with the rules of `workbench import`: every file is checked before any is
    added, so one bad file (wrong type, too large, binary, undecodable, empty) adds nothing."""
    require(user, "import")
    assert user is not None
    if not files:
        raise IngestError("upload: no files")
    for name, data in files:
        safe = Path(name.replace("\\", "/")).name
        suffix = Path(safe).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise IngestError(f"{safe or name!r}: unsupported file type {suffix or '(none)'} "
                              f"(use {', '.join(SUPPORTED_SUFFIXES)})")
        text, encoding, title = decode_named(data, safe, suffix, config.max_import_bytes)
        build_document(text, safe, encoding=encoding, title=title)
    report = UploadReport()
    for name, data in files:
        r = import_bytes(store, name, data, config, story=story or None, actor=user.name)
        report.added += r.added
        report.unchanged += r.unchanged
        report.proposed_stories.update(r.proposed_stories)
    return report


def documents(store: Store) -> list[dict[str, Any]]:
    stories = {s.id: s.name for s in store.stories()}
    counts = store.segment_counts()
    return [{"id": d.id, "name": d.name, "lang": d.lang, "title": d.title, "encoding": d.encoding,
             "story": stories.get(d.story_id, ""), "segments": counts.get(d.id, {}).get("total", 0),
             "boilerplate": counts.get(d.id, {}).get("boilerplate", 0), "status": d.status}
            for d in store.documents()]


def segments(store: Store, doc_ref: int | str) -> list[Segment]:
    return store.segments(doc_ref)


def set_role(store: Store, user: User | None, segment_id: str, role: str) -> Segment:
    """Change a segment's role (heading / content / boilerplate); the reason records who did it."""
    require(user, "edit")
    assert user is not None
    return store.set_role(segment_id, role, user.name)


def group(store: Store, user: User | None, doc_ids: list[int], story: str) -> Story:
    """Put documents into a story (created when new): the language versions of one piece of news."""
    require(user, "import")
    assert user is not None
    if not story.strip():
        raise WorkbenchError("story: give the story a name")
    if not doc_ids:
        raise WorkbenchError("story: choose at least one document")
    return store.assign_story(doc_ids, story.strip(), user.name)


def ungroup(store: Store, user: User | None, doc_id: int) -> None:
    require(user, "import")
    assert user is not None
    store.remove_from_story(doc_id, user.name)


def upload_mt(store: Store, config: Config, user: User | None, doc_ref: int | str, name: str, data: bytes,
              engine: str) -> MTImportReport:
    """Import an uploaded MT file from another system for a document (the `import-mt` rules: checked
    in full, stored in one transaction as that engine's MT, scored when the model is here)."""
    require(user, "import")
    assert user is not None
    safe = Path(name.replace("\\", "/")).name or "mt.txt"
    if len(data) > config.max_import_bytes:
        raise MTImportError(f"{safe}: {len(data)} bytes, more than max_import_bytes ({config.max_import_bytes})")
    with tempfile.TemporaryDirectory(prefix="workbench-mt-") as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        return import_mt(store, config, doc_ref, path, engine.strip(), user.name)
