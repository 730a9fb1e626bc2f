"""Actions on documents and stories: approve or reopen a document, put documents into a story or take
one out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..records import Story, User
from . import ActionError, author, require

if TYPE_CHECKING:
    from ..store import Store


def approve_document(store: Store, user: User | None, doc_ref: int | str, approved: bool = True) -> str:
    """Mark a document approved (reviewers and admins only), or open it again; returns the new status."""
    who = require(user, "approve_document")
    status = "approved" if approved else "new"
    store.set_document_status(doc_ref, status, author(who))
    return status


def assign_story(store: Store, user: User | None, doc_refs: list[int] | list[str] | list[int | str],
                 story: str) -> Story:
    """Put documents into a story (created when new): the language versions of one piece of news."""
    who = require(user, "import")
    if not story.strip():
        raise ActionError("story: give the story a name")
    if not doc_refs:
        raise ActionError("story: choose at least one document")
    return store.assign_story(list(doc_refs), story.strip(), author(who))


def remove_from_story(store: Store, user: User | None, doc_id: int) -> None:
    who = require(user, "import")
    store.remove_from_story(doc_id, author(who))
