"""Actions on documents and stories: approve or reopen a document, put documents into a story or take
one out, align a story's versions and correct the alignment by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..records import Bead, Story, User
from . import ActionError, author, require

if TYPE_CHECKING:
    from ..config import Config
    from ..store import Store


class AlignmentEditError(ActionError):
    """A correction that does not fit the chosen beads."""


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


def align_story(store: Store, config: Config, user: User | None, story_ref: str) -> list[Any]:
    """Run the sentence aligner over the story (corrections made by people are kept)."""
    from ..align import align_story as run

    who = require(user, "align")
    return list(run(store, config, story_ref, author(who)))


def _pick(beads: list[Bead], numbers: list[int]) -> list[Bead]:
    picked = []
    for n in numbers:
        if not 1 <= n <= len(beads):
            raise AlignmentEditError(f"bead {n}: there are beads 1 to {len(beads)}")
        picked.append(beads[n - 1])
    return picked


def correct_alignment(store: Store, user: User | None, doc_a: int, doc_b: int, beads: list[Bead], action: str,
                      numbers: list[int], split_src: int = 1, split_tgt: int = 1) -> list[Bead]:
    """Apply a correction to beads of a document pair chosen by their numbers (1-based, as shown):

    - link: join the chosen beads into one (e.g. a 1-0 and a 0-1 into a 1-1; also "merge" of neighbours)
    - unlink: break one bead into "only in A" and "only in B" beads
    - split: cut one bead after `split_src` segments of A and `split_tgt` segments of B
    """
    who = require(user, "align")
    if action in ("link", "merge"):
        chosen = _pick(beads, sorted(set(numbers)))
        if len(chosen) < 2:
            raise AlignmentEditError(f"{action}: choose two or more beads")
        add = [Bead([x for b in chosen for x in b.src], [x for b in chosen for x in b.tgt], 1.0)]
    elif action == "unlink":
        chosen = _pick(beads, numbers[:1]) if len(numbers) == 1 else []
        if not chosen or not chosen[0].src or not chosen[0].tgt:
            raise AlignmentEditError("unlink: choose one bead that links both versions")
        add = [Bead(chosen[0].src, [], 1.0), Bead([], chosen[0].tgt, 1.0)]
    elif action == "split":
        chosen = _pick(beads, numbers[:1]) if len(numbers) == 1 else []
        if not chosen:
            raise AlignmentEditError("split: choose one bead")
        b = chosen[0]
        first, second = Bead(b.src[:split_src], b.tgt[:split_tgt], 1.0), Bead(b.src[split_src:], b.tgt[split_tgt:], 1.0)
        if not (first.src or first.tgt) or not (second.src or second.tgt):
            raise AlignmentEditError(f"split: bead {numbers[0]} ({len(b.src)}-{len(b.tgt)}) has nothing on one "
                                     "side of that cut")
        add = [first, second]
    else:
        raise AlignmentEditError(f"correction {action!r}: link, merge, unlink or split")
    return store.correct_alignment(doc_a, doc_b, chosen, add, author(who))
