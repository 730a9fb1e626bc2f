"""The document listing (`workbench docs`) read from an SQLite store with the standard library.

`docs` is the command scripts call most, and loading SQLAlchemy with the mapped schema costs more
CPU than the listing itself. `read_listing` reads the rows `Store.documents`, `Store.stories` and
`Store.segment_counts` give with plain SQL over a read-only connection. It knows one schema
revision (`SCHEMA_REVISION`) and answers None whenever it cannot vouch for the result: not a
SQLite file, no file yet, a stored schema of another revision (older: the full store migrates it;
newer: this code does not know it), or any SQLite error. The caller then opens the full store,
so the answer is the same either way (tests compare the two).

It lives outside the `store` package because importing any module of that package loads
SQLAlchemy; it only reads and never changes anything (changes go through `workbench.actions`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Store

# The Alembic revision whose tables the queries below read (`workbench.store.SCHEMA_HEAD`).
SCHEMA_REVISION = "revision01"


@dataclass(frozen=True)
class ListedDocument:
    id: int
    name: str
    lang: str
    title: str
    story_id: int | None


@dataclass
class Listing:
    """What `workbench docs` shows: documents in import order, story names, segment counts per document
    (by role and by status, and "total", as `Store.segment_counts`)."""

    documents: list[ListedDocument] = field(default_factory=list)
    story_names: dict[int, str] = field(default_factory=dict)
    counts: dict[int, dict[str, int]] = field(default_factory=dict)


def sqlite_path(url: str) -> Path | None:
    """The file of a plain `sqlite:///PATH` URL (None for other databases, memory or query options)."""
    if not url.startswith("sqlite:///") or "?" in url:
        return None
    path = url.removeprefix("sqlite:///")
    return None if not path or path == ":memory:" else Path(path)


def read_listing(url: str) -> Listing | None:
    """The listing straight from the SQLite file, or None when the full store must answer."""
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if version is None or version[0] != SCHEMA_REVISION:
            return None
        # One read transaction: the three queries see the same state.
        conn.execute("BEGIN")
        listing = Listing()
        for doc_id, name, lang, title, story_id in conn.execute(
                "SELECT id, name, lang, title, story_id FROM documents ORDER BY id"):
            listing.documents.append(ListedDocument(doc_id, name, lang, title, story_id))
        listing.story_names = dict(conn.execute("SELECT id, name FROM stories"))
        for doc_id, role, status, n in conn.execute(
                "SELECT doc_id, role, status, count(*) FROM segments GROUP BY doc_id, role, status"):
            d = listing.counts.setdefault(doc_id, {})
            d[role] = d.get(role, 0) + n
            d[status] = d.get(status, 0) + n
            d["total"] = d.get("total", 0) + n
        conn.execute("COMMIT")
        return listing
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def store_listing(store: Store) -> Listing:
    """The same listing through the full store (any database)."""
    return Listing(
        documents=[ListedDocument(d.id or 0, d.name, d.lang, d.title, d.story_id) for d in store.documents()],
        story_names={s.id: s.name for s in store.stories() if s.id is not None},
        counts=store.segment_counts(),
    )
