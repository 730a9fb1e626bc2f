"""Users and their roles. Passwords and API tokens arrive here already hashed (see `workbench.auth`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from ..records import USER_ROLES, User
from .errors import NotFound, StoreError
from .schema import UserRow


@dataclass(frozen=True)
class UserAccount:
    """What the sign-in and session checks need to know about a user (never leaves the action layer)."""

    user: User
    password_hash: str
    token_hash: str
    disabled: bool
    credentials: int  # grows with every password, role, token or status change


class UserStore:
    """Methods of `Store` for users."""

    def add_user(self, name: str, role: str, password_hash: str, actor: str = "cli") -> User:
        if role not in USER_ROLES:
            raise StoreError(f"role {role!r}: must be one of {', '.join(USER_ROLES)}")
        if not name or len(name) > 100:
            raise StoreError("user name: must be 1 to 100 characters")
        with self.transaction() as s:
            if s.scalar(select(UserRow).where(UserRow.name == name)) is not None:
                raise StoreError(f"user {name!r}: already exists")
            s.add(UserRow(name=name, role=role, password_hash=password_hash))
            self.log_event(s, actor, "user.add", f"user:{name}", role)
        return User(name, role)

    def users(self, *, include_disabled: bool = True) -> list[User]:
        with self.transaction(readonly=True) as s:
            q = select(UserRow).order_by(UserRow.id)
            if not include_disabled:
                q = q.where(UserRow.disabled.is_(False))
            return [User(r.name, r.role) for r in s.scalars(q)]

    def user_accounts(self) -> list[UserAccount]:
        with self.transaction(readonly=True) as s:
            return [_account(r) for r in s.scalars(select(UserRow).order_by(UserRow.id))]

    def user_account(self, name: str) -> UserAccount:
        with self.transaction(readonly=True) as s:
            return _account(_row(s, name))

    def user_password_hash(self, name: str) -> tuple[User, str]:
        account = self.user_account(name)
        return account.user, account.password_hash

    def set_user_role(self, name: str, role: str, actor: str) -> None:
        if role not in USER_ROLES:
            raise StoreError(f"role {role!r}: must be one of {', '.join(USER_ROLES)}")
        with self.transaction() as s:
            row = _row(s, name)
            old, row.role = row.role, role
            row.credentials += 1
            self.log_event(s, actor, "user.role", f"user:{name}", f"{old} -> {role}")

    def set_user_password(self, name: str, password_hash: str, actor: str) -> None:
        with self.transaction() as s:
            row = _row(s, name)
            row.password_hash = password_hash
            row.credentials += 1
            self.log_event(s, actor, "user.password", f"user:{name}")

    def set_user_token(self, name: str, token_hash: str, actor: str) -> None:
        with self.transaction() as s:
            row = _row(s, name)
            row.token_hash = token_hash
            row.credentials += 1
            self.log_event(s, actor, "user.token", f"user:{name}", "issued" if token_hash else "revoked")

    def set_user_disabled(self, name: str, disabled: bool, actor: str) -> None:
        with self.transaction() as s:
            row = _row(s, name)
            row.disabled = disabled
            row.credentials += 1
            self.log_event(s, actor, "user.disable" if disabled else "user.enable", f"user:{name}")

    def delete_user(self, name: str, actor: str) -> None:
        """Remove the user; what they did stays in the histories under their name."""
        with self.transaction() as s:
            _row(s, name)
            s.execute(delete(UserRow).where(UserRow.name == name))
            self.log_event(s, actor, "user.delete", f"user:{name}")


def _row(s, name: str) -> UserRow:  # noqa: ANN001 - a Session
    row = s.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        raise NotFound(f"user {name!r}: no such user")
    return row


def _account(r: UserRow) -> UserAccount:
    return UserAccount(User(r.name, r.role), r.password_hash, r.token_hash or "", bool(r.disabled),
                       int(r.credentials or 0))
