"""Actions on a document's English and its segments: save, accept, undo, resolve a conflict, find and
replace, split and merge, change a segment's role, and propagate a confirmed English to the
repetitions of its source elsewhere in the project (undoable as one action).

Saves are optimistic: a save names the version it started from and raises `EditConflict` (with the
other person's text) when someone else saved first; find and replace reports such segments instead
of overwriting them. Saved English is limited to `max_english_chars(source)`; a regular expression
runs under a time limit (`REGEX_SECONDS` for the whole document), so no pattern can hold the server.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import regex as regex_lib

from ..records import Edit, Segment, User
from ..store import EditConflict
from . import ActionError, author, require

if TYPE_CHECKING:
    from ..store import Store

# English longer than ten times its source plus a paragraph is never a translation, and every page
# that shows the segment pays for it.
ENGLISH_FACTOR = 10
ENGLISH_EXTRA_CHARS = 1000
# Time a find or replace may spend matching, over all the segments of a document.
REGEX_SECONDS = 1.0


class EditError(ActionError):
    """An editor action with bad input (empty pattern, invalid or too slow regular expression, too long)."""


def max_english_chars(source: str) -> int:
    return ENGLISH_FACTOR * len(source) + ENGLISH_EXTRA_CHARS


def writable(store: Store, segment_id: str) -> None:
    """An approved document is read-only until a reviewer reopens it, from the app and the CLI alike."""
    name, status = store.segment_document(segment_id)
    if status == "approved":
        raise EditError(f"{name} is approved and read-only; a reviewer reopens it to edit")


def _check_length(store: Store, segment_id: str, text: str) -> None:
    source = store.segment(segment_id).text
    limit = max_english_chars(source)
    if len(text) > limit:
        raise EditError(f"segment {segment_id}: the English has {len(text):,} characters; at most {limit:,} "
                        f"(ten times the source's {len(source):,} plus {ENGLISH_EXTRA_CHARS:,})")


def save_english(store: Store, user: User | None, segment_id: str, text: str, base_version: int,
                 *, origin: str = "human", comment: str = "") -> Edit:
    """Save the segment's English as a new version (raises EditConflict when it changed meanwhile)."""
    who = require(user, "edit")
    writable(store, segment_id)
    text = text.strip()
    _check_length(store, segment_id, text)
    return store.save_edit(segment_id, text, author(who), base_version, origin=origin, comment=comment)


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
    who = require(user, "edit")
    writable(store, segment_id)
    english = store.english_for([segment_id])[segment_id]
    edit = None
    if text is not None and text.strip() and text.strip() != english.text:
        edit = save_english(store, who, segment_id, text, english.version if base_version is None else base_version)
    elif not english.text.strip():
        raise EditError(f"segment {segment_id}: no English to accept yet (translate or type it first)")
    store.set_segment_status(segment_id, "approved", author(who))
    return edit


# A repetition's English that came from a person is never overwritten: only machine output, no
# English at all, or an earlier propagation.
PROPAGATE_OVER = ("mt", "", "propagated")


def repetition_key(text: str) -> str:
    """The source text two segments must share to be repetitions: Unicode-normalised, apostrophes
    unified (`workbench.text.normalize`), runs of spaces as one, trimmed; case and punctuation count."""
    from ..text import normalize

    return " ".join(normalize(text).split())


@dataclass
class Propagated:
    """One repetition that received the confirmed English."""

    segment_id: str
    doc_id: int
    index: int  # the segment's position in its document
    version: int  # the version the propagation saved
    previous: str  # the English it had before


@dataclass
class Propagation:
    """What one confirmation propagated: `undo_propagation` takes it back as one action."""

    source_id: str
    english: str
    changed: list[Propagated] = field(default_factory=list)

    @property
    def doc_ids(self) -> list[int]:
        return sorted({p.doc_id for p in self.changed})


def repetitions(store: Store, segment_id: str) -> list[Segment]:
    """The other segments of the project, in the same language, whose source is the same text."""
    from sqlalchemy import func, select

    from ..store.schema import SegmentRow

    seg = store.segment(segment_id)
    key = repetition_key(seg.text)
    if not key:
        return []
    # Normalising changes the length a little at most (spaces collapsed): the database narrows by
    # length, the comparison is on the normalised text.
    n = len(seg.text)
    with store.transaction(readonly=True) as s:
        rows = s.execute(select(SegmentRow.id, SegmentRow.text).where(
            SegmentRow.lang == seg.lang, SegmentRow.id != segment_id,
            func.length(SegmentRow.text).between(len(key) - 2, n + max(8, n // 4)))).all()
    return [store.segment(r.id) for r in rows if repetition_key(r.text) == key]


def propagate(store: Store, user: User | None, segment_id: str) -> Propagation:
    """Give the segment's English to its repetitions that still need it: not confirmed, not in an
    approved document, not boilerplate, and with no English a person wrote. Each receives a version of
    origin "propagated" (shown as such to reviewers); a repetition saved meanwhile is left alone."""
    who = require(user, "edit")
    english = store.english_for([segment_id])[segment_id]
    out = Propagation(segment_id, english.text)
    if not english.text.strip():
        return out
    source = store.segment(segment_id)
    targets = [r for r in repetitions(store, segment_id) if r.status != "approved" and r.role != "boilerplate"]
    if not targets:
        return out
    current = store.english_for([t.id for t in targets])
    for seg in targets:
        en = current[seg.id]
        if en.origin not in PROPAGATE_OVER or en.text == english.text:
            continue
        if store.segment_document(seg.id)[1] == "approved":
            continue
        try:
            edit = store.save_edit(seg.id, english.text, author(who), en.version, origin="propagated",
                                   comment=f"propagated from segment {source.index + 1} of "
                                           f"{store.segment_document(segment_id)[0]}")
        except EditConflict:
            continue  # someone is working on it: theirs wins
        out.changed.append(Propagated(seg.id, seg.doc_id, seg.index, edit.version, en.text))
    return out


def undo_propagation(store: Store, user: User | None, done: Propagation) -> list[Edit]:
    """Take a propagation back: every repetition it filled gets its previous English again (a new
    version; the history keeps both). One saved since by someone else keeps their text."""
    who = require(user, "edit")
    restored = []
    for p in done.changed:
        try:
            writable(store, p.segment_id)
            restored.append(store.undo_edit(p.segment_id, author(who), p.version))
        except (EditConflict, EditError):
            continue
    return restored


def undo(store: Store, user: User | None, segment_id: str, base_version: int) -> Edit:
    """Bring back the previous version as a new one (the history keeps everything)."""
    who = require(user, "edit")
    writable(store, segment_id)
    return store.undo_edit(segment_id, author(who), base_version)


def split_points(text: str) -> list[int]:
    """Where a segment may be split: before each word but the first, with the opening quotes or
    brackets stuck to the word going with it ("сказал «Да»" splits before "«")."""
    import unicodedata

    from ..text import words

    points = []
    for w in words(text)[1:]:
        at = w.start
        while at > 0 and (unicodedata.category(text[at - 1]) in ("Ps", "Pi") or text[at - 1] in "\"'"):
            at -= 1
        if text[:at].strip() and (not points or points[-1] != at):
            points.append(at)
    return points


def split_segment(store: Store, user: User | None, segment_id: str, at: int) -> tuple[Segment, Segment]:
    """Split the segment's source before character `at`, which must be a word boundary (one of
    `split_points`, or the spaces just before one): never inside a word."""
    who = require(user, "edit")
    writable(store, segment_id)
    text = store.segment(segment_id).text
    points = split_points(text)
    start = at
    while 0 <= start < len(text) and text[start].isspace():
        start += 1  # the spaces before a word go with the first part
    if start not in points:
        near = min(points, key=lambda p: abs(p - at)) if points else None
        raise EditError(f"split {segment_id}: position {at} is not between two words"
                        + (f" (the nearest word boundary is {near})" if near is not None else
                           " (the segment is one word)"))
    return store.split_segment(segment_id, start, author(who))


def merge_segments(store: Store, user: User | None, first_id: str, second_id: str) -> Segment:
    who = require(user, "edit")
    writable(store, first_id)
    return store.merge_segments(first_id, second_id, author(who))


def set_role(store: Store, user: User | None, segment_id: str, role: str) -> Segment:
    """Change a segment's role (heading / content / boilerplate); the reason records who did it."""
    who = require(user, "edit")
    return store.set_role(segment_id, role, author(who))


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


def _compile(pattern: str, is_regex: bool, case_sensitive: bool) -> regex_lib.Pattern[str]:
    if not pattern:
        raise EditError("find: the search pattern is empty")
    try:
        return regex_lib.compile(pattern if is_regex else regex_lib.escape(pattern),
                                 regex_lib.VERSION0 | (0 if case_sensitive else regex_lib.IGNORECASE))
    except (regex_lib.error, OverflowError, RecursionError) as exc:
        raise EditError(f"find: invalid regular expression {pattern!r} ({exc})") from exc


def find_replace(store: Store, user: User | None, doc_ref: int | str, pattern: str, replacement: str, *,
                 regex: bool = True, case_sensitive: bool = True, apply: bool = False) -> ReplaceReport:
    """Find `pattern` in the English of every segment of a document and plan (or apply) the replacement.

    With a regular expression the replacement may use groups (\\1, \\g<name>). Every change is one
    saved version (origin "replace"). A segment saved by someone else since it was read is not
    touched and is reported in `conflicts`. Matching stops after REGEX_SECONDS with an EditError.
    """
    who = require(user, "edit")
    is_regex = regex
    rx = _compile(pattern, is_regex, case_sensitive)
    segments = store.segments(doc_ref)
    if apply and segments:
        writable(store, segments[0].id)
    english = store.english_for([s.id for s in segments])
    report = ReplaceReport()
    template = replacement if is_regex else replacement.replace("\\", "\\\\")
    deadline = time.monotonic() + REGEX_SECONDS
    for seg in segments:
        en = english[seg.id]
        if not en.text:
            continue
        try:
            # concurrent: the matching releases the GIL, so other people's pages go on meanwhile.
            after, n = rx.subn(template, en.text, concurrent=True,
                               timeout=max(deadline - time.monotonic(), 0.001))
        except TimeoutError:
            raise EditError(f"find: the regular expression {pattern!r} took longer than {REGEX_SECONDS:g} s "
                            "on this document; simplify it (nested repetition such as (a+)+ is the usual "
                            "cause)") from None
        except (regex_lib.error, IndexError) as exc:
            raise EditError(f"replace: invalid replacement {replacement!r} ({exc})") from exc
        if n and after != en.text:
            if len(after) > max_english_chars(seg.text):
                raise EditError(f"replace: segment {seg.index + 1} would have {len(after):,} characters; at most "
                                f"{max_english_chars(seg.text):,}")
            report.planned.append(Replacement(seg.id, seg.index, en.text, after, n, en.version))
    if apply:
        for r in report.planned:
            try:
                report.saved.append(store.save_edit(r.segment_id, r.after, author(who), r.base_version,
                                                    origin="replace", comment=f"replace {pattern!r}"))
            except EditConflict as exc:
                report.conflicts.append(exc)
    return report
