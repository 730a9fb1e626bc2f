"""Users, passwords and permissions: scrypt hashes (a slow KDF), sign-in, the first-start admin,
what each role may do, and the permission-checked user management the app and the CLI share.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import WorkbenchError
from .records import USER_ROLES, User

if TYPE_CHECKING:
    from .store import Store

# scrypt cost: ~50 ms and 16 MiB per check on a laptop; slow for an attacker, fine for a sign-in.
_N, _R, _P = 2**14, 8, 1

PERMISSIONS = {
    "translator": {"edit", "propose_term", "import", "translate", "align", "flag", "export"},
    "reviewer": {"edit", "propose_term", "import", "translate", "align", "flag", "export", "approve_term",
                 "approve_document"},
    "admin": {"edit", "propose_term", "import", "translate", "align", "flag", "export", "approve_term",
              "approve_document", "manage_users", "change_roles"},
}


class PermissionDenied(WorkbenchError, PermissionError):
    """The signed-in user's role does not allow the action."""


class WeakPassword(WorkbenchError, ValueError):
    """A password too short to be worth hashing."""


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise WeakPassword("password: must be at least 8 characters")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                               dklen=len(digest) // 2)
    return hmac.compare_digest(candidate.hex(), digest)


def can(user: User | None, action: str) -> bool:
    return user is not None and action in PERMISSIONS.get(user.role, set())


def require(user: User | None, action: str) -> None:
    if not can(user, action):
        who = f"{user.name} ({user.role})" if user else "nobody is signed in"
        raise PermissionDenied(f"{action}: not allowed for {who}")


class SignInFailed(WorkbenchError):
    """Unknown user or wrong password (deliberately not saying which)."""


# Checked when the user name is unknown, so that a wrong name costs as much time as a wrong password.
_DUMMY_HASH = ""


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if not _DUMMY_HASH:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def sign_in(store: Store, name: str, password: str) -> User:
    """The user with this name and password, or SignInFailed. Every attempt is recorded (never the password)."""
    from .store.errors import NotFound

    name = name.strip()
    try:
        user, stored = store.user_password_hash(name)
    except NotFound:
        user, stored = None, ""
    ok = verify_password(password, stored or _dummy_hash()) and user is not None and bool(stored)
    # An unknown name is not recorded: people type their password into the name field by mistake.
    who = user.name if user is not None else "?"
    with store.transaction() as s:
        store.log_event(s, who, "user.signin" if ok else "user.signin_failed", f"user:{who}")
    if not ok or user is None:
        raise SignInFailed("sign-in: unknown user name or wrong password")
    return user


def oidc_user(store: Store, identity: str) -> User:
    """The workbench user for an identity confirmed by the OpenID Connect provider (e-mail or name).

    The provider proves who someone is; the role still comes from the workbench's own users table, so
    an admin adds them first (`workbench users add EMAIL --role translator --no-password`).
    """
    from .store.errors import NotFound

    try:
        user, _ = store.user_password_hash(identity)
    except NotFound as exc:
        raise SignInFailed(f"sign-in: {identity} is not a workbench user; ask an admin to run "
                           f"`workbench users add {identity} --role translator --no-password`") from exc
    with store.transaction() as s:
        store.log_event(s, identity[:100], "user.signin", f"user:{identity[:80]}", "oidc")
    return user


@dataclass(frozen=True)
class FirstAdmin:
    user: User
    password: str  # shown once; empty when it came from the configuration
    generated: bool

    def message(self, url: str = "http://localhost:8501") -> str:
        how = (f"password: {self.password}  (shown only this once; change it with "
               f"`workbench users password {self.user.name} --password-stdin`)" if self.generated
               else "password: the one in WORKBENCH_ADMIN_PASSWORD")
        return (f"workbench: first start: created the admin user {self.user.name!r}.\n"
                f"  Sign in at {url} with user name: {self.user.name}  {how}")


def ensure_admin(store: Store, password: str = "", name: str = "admin") -> FirstAdmin | None:
    """On a store without users, create an admin (with `password`, else a random one); else do nothing."""
    from .store.errors import StoreError

    if store.users():
        return None
    generated = not password
    password = password or secrets.token_urlsafe(12)
    try:
        user = store.add_user(name, "admin", hash_password(password), actor="first-start")
    except StoreError:  # another process created it a moment ago
        return None
    return FirstAdmin(user, password if generated else "", generated)


def new_password() -> str:
    """A random password for a new user (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


def add_user(store: Store, by: User | None, name: str, role: str, password: str | None) -> User:
    """Create a user (admins only). `password=None` makes a user who signs in only through OIDC."""
    require(by, "manage_users")
    if role not in USER_ROLES:
        raise WorkbenchError(f"role {role!r}: must be one of {', '.join(USER_ROLES)}")
    return store.add_user(name.strip(), role, hash_password(password) if password is not None else "",
                          actor=by.name if by else "")


def change_role(store: Store, by: User | None, name: str, role: str) -> None:
    """Give a user another role (admins only; an admin cannot demote the last admin)."""
    require(by, "change_roles")
    admins = [u for u in store.users() if u.role == "admin"]
    if role != "admin" and [u.name for u in admins] == [name]:
        raise WorkbenchError(f"user {name!r}: the last admin cannot lose the admin role")
    store.set_user_role(name, role, actor=by.name if by else "")


def change_password(store: Store, by: User | None, name: str, password: str) -> None:
    """Set a password: one's own, or anyone's for an admin."""
    if by is None or (by.name != name and not can(by, "manage_users")):
        who = f"{by.name} ({by.role})" if by else "nobody is signed in"
        raise PermissionDenied(f"manage_users: not allowed for {who}")
    store.set_user_password(name, hash_password(password), actor=by.name)
