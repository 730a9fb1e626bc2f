"""What a person does to a document's English in the editor, with the role checks that guard it.

Every function takes the signed-in `User`, checks the permission with `workbench.auth.require`, and
records that user as the author. Saves are optimistic: a save names the version it started from
and raises `EditConflict` (with the other person's text) when someone else saved first; find and
replace reports such segments instead of overwriting them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .auth import require
from .errors import WorkbenchError
from .records import Edit, Flag, Segment, User
from .store import EditConflict

if TYPE_CHECKING:
    from .store import Store


class EditError(WorkbenchError):
    """An editor action with bad input (empty pattern, invalid regular expression, nothing to accept)."""


def save_english(store: Store, user: User | None, segment_id: str, text: str, base_version: int,
                 *, origin: str = "human") -> Edit:
    """Save the segment's English as a new version (raises EditConflict when it changed meanwhile)."""
    require(user, "edit")
    assert user is not None
    return store.save_edit(segment_id, text.strip(), user.name, base_version, origin=origin)


def resolve_conflict(store: Store, user: User | None, segment_id: str, choice: str, mine: str,
                     their_version: int) -> Edit | None:
    """After a conflict the person chooses: "mine" saves their text on top of the other version (which
    stays in the history), "theirs" keeps the other text and saves nothing. A third save in between
    raises EditConflict again."""
    if choice == "theirs":
        return None
    if choice != "mine":
        raise EditError(f"conflict choice {choice!r}: must be mine or theirs")
    return save_english(store, user, segment_id, mine, their_version)


def accept_segment(store: Store, user: User | None, segment_id: str, text: str | None = None,
                   base_version: int | None = None) -> Edit | None:
    """Confirm the segment's English: the MT or the latest edit, or `text` when it differs from them
    (saved first from `base_version`, so a conflict stops the accept). Returns the edit it saved."""
    require(user, "edit")
    assert user is not None
    english = store.english_for([segment_id])[segment_id]
    edit = None
    if text is not None and text.strip() and text.strip() != english.text:
        edit = save_english(store, user, segment_id, text, english.version if base_version is None else base_version)
    elif not english.text.strip():
        raise EditError(f"segment {segment_id}: no English to accept yet (translate or type it first)")
    store.set_segment_status(segment_id, "approved", user.name)
    return edit


def undo(store: Store, user: User | None, segment_id: str, base_version: int) -> Edit:
    """Bring back the previous version as a new one (the history keeps everything)."""
    require(user, "edit")
    assert user is not None
    return store.undo_edit(segment_id, user.name, base_version)


def resolve_flag(store: Store, user: User | None, flag_id: int) -> Flag:
    require(user, "edit")
    assert user is not None
    return store.resolve_flag(flag_id, user.name)


def dismiss_flag(store: Store, user: User | None, flag_id: int, reason: str) -> Flag:
    """Dismiss a flag with a reason; the same flag on the same text is not raised again."""
    require(user, "edit")
    assert user is not None
    if not reason.strip():
        raise EditError("dismiss: give a reason (it is kept with the flag)")
    return store.dismiss_flag(flag_id, reason, user.name)


def split_segment(store: Store, user: User | None, segment_id: str, at: int) -> tuple[Segment, Segment]:
    require(user, "edit")
    assert user is not None
    return store.split_segment(segment_id, at, user.name)


def merge_segments(store: Store, user: User | None, first_id: str, second_id: str) -> Segment:
    require(user, "edit")
    assert user is not None
    return store.merge_segments(first_id, second_id, user.name)


def approve_document(store: Store, user: User | None, doc_ref: int | str, approved: bool = True) -> str:
    """Mark a document approved (reviewers and admins only), or open it again; returns the new status."""
    require(user, "approve_document")
    assert user is not None
    status = "approved" if approved else "new"
    store.set_document_status(doc_ref, status, user.name)
    return status


@dataclass
class Replacement:
    segment_id: str
    index: int  # the segment's position in the document
    before: str
    after: str
    count: int
    base_version: int


@dataclass
class ReplaceReport:
    planned: list[Replacement] = field(default_factory=list)
    saved: list[Edit] = field(default_factory=list)
    conflicts: list[EditConflict] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(r.count for r in self.planned)


def _compile(pattern: str, regex: bool, case_sensitive: bool) -> re.Pattern[str]:
    if not pattern:
        raise EditError("find: the search pattern is empty")
    try:
        return re.compile(pattern if regex else re.escape(pattern), 0 if case_sensitive else re.IGNORECASE)
    except re.error as exc:
        raise EditError(f"find: invalid regular expression {pattern!r} ({exc})") from exc


def find_replace(store: Store, user: User | None, doc_ref: int | str, pattern: str, replacement: str, *,
                 regex: bool = True, case_sensitive: bool = True, apply: bool = False) -> ReplaceReport:
    """Find `pattern` in the English of every segment of a document and plan (or apply) the replacement.

    With a regular expression the replacement may use groups (\\1, \\g<name>). Every change is one
    saved version (origin "replace"). A segment saved by someone else since it was read is not
    touched and is reported in `conflicts`.
    """
    require(user, "edit")
    assert user is not None
    rx = _compile(pattern, regex, case_sensitive)
    segments = store.segments(doc_ref)
    english = store.english_for([s.id for s in segments])
    report = ReplaceReport()
    for seg in segments:
        en = english[seg.id]
        if not en.text:
            continue
        try:
            after, n = rx.subn(replacement if regex else replacement.replace("\\", "\\\\"), en.text)
        except (re.error, IndexError) as exc:
            raise EditError(f"replace: invalid replacement {replacement!r} ({exc})") from exc
        if n and after != en.text:
            report.planned.append(Replacement(seg.id, seg.index, en.text, after, n, en.version))
    if apply:
        for r in report.planned:
            try:
                report.saved.append(store.save_edit(r.segment_id, r.after, user.name, r.base_version,
                                                    origin="replace", comment=f"replace {pattern!r}"))
            except EditConflict as exc:
                report.conflicts.append(exc)
    return report
