"""The users page (admins): moved to `workbench.actions.users`; these names stay for the branches that
still import them from here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import auth
from ..actions import users as actions
from ..records import User

if TYPE_CHECKING:
    from ..store import Store


def users(store: Store, by: User | None) -> list[dict[str, Any]]:
    return actions.list_users(store, by)


def add(store: Store, by: User | None, name: str, role: str, password: str = "") -> tuple[User, str]:
    """Add a user; returns the password to hand over (a random one when none was given)."""
    password = password or auth.new_password()
    return actions.add_user(store, by, name, role, password), password


def set_role(store: Store, by: User | None, name: str, role: str) -> str:
    actions.change_role(store, by, name, role)
    return role


def reset_password(store: Store, by: User | None, name: str) -> str:
    password = auth.new_password()
    actions.change_password(store, by, name, password)
    return password


def recent_events(store: Store, by: User | None, limit: int = 200, **filters: Any) -> list[dict[str, Any]]:
    """The audit log: who changed what and when."""
    return actions.audit_log(store, by, limit, **filters)
