"""Users and their roles. Passwords arrive here already hashed (see `workbench.auth`)."""

from __future__ import annotations

from sqlalchemy import select

from ..records import USER_ROLES, User
from .errors import NotFound, StoreError
from .schema import UserRow


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

    def users(self) -> list[User]:
        with self.transaction(readonly=True) as s:
            return [User(r.name, r.role) for r in s.scalars(select(UserRow).order_by(UserRow.id))]

    def user_password_hash(self, name: str) -> tuple[User, str]:
        with self.transaction(readonly=True) as s:
            row = s.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise NotFound(f"user {name!r}: no such user")
            return User(row.name, row.role), row.password_hash

    def set_user_role(self, name: str, role: str, actor: str) -> None:
        if role not in USER_ROLES:
            raise StoreError(f"role {role!r}: must be one of {', '.join(USER_ROLES)}")
        with self.transaction() as s:
            row = s.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise NotFound(f"user {name!r}: no such user")
            old, row.role = row.role, role
            self.log_event(s, actor, "user.role", f"user:{name}", f"{old} -> {role}")

    def set_user_password(self, name: str, password_hash: str, actor: str) -> None:
        with self.transaction() as s:
            row = s.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise NotFound(f"user {name!r}: no such user")
            row.password_hash = password_hash
            self.log_event(s, actor, "user.password", f"user:{name}")
