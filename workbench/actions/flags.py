"""Actions on flags: resolve one, or dismiss it with a reason (the same flag on the same text is not
raised again)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..records import Flag, User
from . import author, require
from .segments import EditError

if TYPE_CHECKING:
    from ..store import Store


def resolve_flag(store: Store, user: User | None, flag_id: int, reason: str = "fixed by an edit") -> Flag:
    who = require(user, "edit")
    return store.resolve_flag(flag_id, author(who), reason)


def dismiss_flag(store: Store, user: User | None, flag_id: int, reason: str) -> Flag:
    """Dismiss a flag with a reason; the same flag on the same text is not raised again."""
    who = require(user, "edit")
    if not reason.strip():
        raise EditError("dismiss: give a reason (it is kept with the flag)")
    return store.dismiss_flag(flag_id, reason.strip(), author(who))
