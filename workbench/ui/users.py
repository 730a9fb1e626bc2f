"""The users page (admins): list users, add one, change a role, reset a password."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import auth
from ..records import User

if TYPE_CHECKING:
    from ..store import Store


def users(store: Store, by: User | None) -> list[dict[str, Any]]:
    auth.require(by, "manage_users")
    return [{"name": u.name, "role": u.role} for u in store.users()]


def add(store: Store, by: User | None, name: str, role: str, password: str = "") -> tuple[User, str]:
    """Add a user; returns the password to hand over (a random one when none was given)."""
    password = password or auth.new_password()
    return auth.add_user(store, by, name, role, password), password


def set_role(store: Store, by: User | None, name: str, role: str) -> str:
    auth.change_role(store, by, name, role)
    return role


def reset_password(store: Store, by: User | None, name: str) -> str:
    password = auth.new_password()
    auth.change_password(store, by, name, password)
    return password


def recent_events(store: Store, by: User | None, limit: int = 200) -> list[dict[str, Any]]:
    """The audit log: who changed what and when."""
    auth.require(by, "manage_users")
    return store.events(limit)
