"""The action layer: the one rulebook every change to a project goes through, from the app, the CLI
and any future API.

Each action takes the acting user (an `Actor`: name, role, and how it was verified), checks the
permission here, applies the rule and leaves the audit trail (the store's histories and events).
Pages and CLI commands only gather input and call actions; `workbench.ui` keeps view models and HTML.
One module per area: `segments` (edits, find and replace, split and merge), `flags`, `terms`,
`documents` (document status, segment roles, stories, alignment corrections), `imports` and `users`
(sign-in, sessions, CLI identity, user management).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import WorkbenchError
from ..records import User

# What each role may do. Every action names one of these; nothing else grants a right.
PERMISSIONS: dict[str, frozenset[str]] = {
    "translator": frozenset({"edit", "propose_term", "import", "translate", "align", "flag", "export"}),
    "reviewer": frozenset({"edit", "propose_term", "import", "translate", "align", "flag", "export",
                           "approve_term", "approve_document"}),
    "admin": frozenset({"edit", "propose_term", "import", "translate", "align", "flag", "export", "approve_term",
                        "approve_document", "manage_users", "change_roles"}),
}

# How an actor was verified. "operator": someone with access to the server's store who said so
# explicitly (`--operator`); "single-user": a store without any users, where there is nobody to verify.
VERIFIED_BY = ("password", "oidc", "token", "operator", "single-user")


@dataclass(eq=False)
class Actor(User):
    """A user whose identity was verified, and how (one of VERIFIED_BY)."""

    via: str = "password"

    @property
    def audit_name(self) -> str:
        """The name recorded in histories and the audit log: an operator's changes say so."""
        return f"{self.name} (operator)" if self.via == "operator" else self.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, User) and (self.name, self.role) == (other.name, other.role)

    def __hash__(self) -> int:
        return hash((self.name, self.role))


class PermissionDenied(WorkbenchError, PermissionError):
    """The acting user's role does not allow the action."""


class ActionError(WorkbenchError):
    """An action with bad input (empty text, too long, a stale version): nothing was changed."""


def can(user: User | None, action: str) -> bool:
    return user is not None and action in PERMISSIONS.get(user.role, frozenset())


def require(user: User | None, action: str) -> User:
    """The user, when their role allows `action`; else PermissionDenied naming the action and the user."""
    if not can(user, action):
        who = f"{user.name} ({user.role})" if user else "nobody is signed in"
        raise PermissionDenied(f"{action}: not allowed for {who}")
    assert user is not None
    return user


def author(user: User) -> str:
    """The name an action records as the author of a change."""
    return user.audit_name if isinstance(user, Actor) else user.name


__all__ = ["PERMISSIONS", "VERIFIED_BY", "Actor", "ActionError", "PermissionDenied", "author", "can", "require"]
