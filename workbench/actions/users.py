"""Who is acting: sign-in (with throttling), browser sessions, the CLI's identity, and user management.

- Sign-in: scrypt-checked passwords; after `FREE_FAILURES` failures for a user name or a client
  address, each further attempt waits twice as long as the one before (from 2 s up to a 15-minute
  lock). Failures are logged until the back-off starts, then once ("user.signin_throttled") per burst.
- Sessions: a browser session keeps the user's name and the `credentials` counter it signed in with;
  every run re-reads the user, and a change of role, password, token or status, a disabled or deleted
  user, an idle timeout or the maximum age ends the session.
- CLI identity on a store with users: WORKBENCH_USER (or --user) plus WORKBENCH_TOKEN, the API token
  `workbench users token NAME` printed once (stored as a hash); or `--operator`, someone with access to
  the server's store acting with admin rights, recorded as "NAME (operator)" in every history and the
  audit log. A store without users has nobody to verify: its CLI acts as admin ("single-user").
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .. import auth
from ..errors import WorkbenchError
from ..records import USER_ROLES, User
from . import ActionError, Actor, PermissionDenied, author, can, require

if TYPE_CHECKING:
    from ..store import Store

FREE_FAILURES = 5
BACKOFF_FIRST_SECONDS = 2.0
LOCK_SECONDS = 15 * 60.0


class SignInFailed(WorkbenchError):
    """Unknown user, wrong password, disabled user or too many attempts (deliberately not saying which of
    the first three)."""


class SessionEnded(WorkbenchError):
    """The browser session is no longer valid (account changed, disabled, idle too long)."""


class IdentityError(WorkbenchError):
    """The CLI could not verify who is acting."""


# --- sign-in throttling ----------------------------------------------------------------------------
@dataclass
class _Failures:
    count: int = 0
    wait_until: float = 0.0
    announced: bool = False


@dataclass
class SignInThrottle:
    """Failed sign-ins per key ("user:NAME", "client:ADDRESS"), in this server process."""

    clock: Callable[[], float] = time.monotonic
    _keys: dict[str, _Failures] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, keys: list[str]) -> float:
        """Seconds until the next attempt for these keys is allowed (0: now)."""
        now = self.clock()
        with self._lock:
            return max([0.0] + [f.wait_until - now for k in keys if (f := self._keys.get(k))])

    def failed(self, keys: list[str]) -> list[str]:
        """Count a failure; returns the keys whose back-off has just started (to be logged once)."""
        now = self.clock()
        started = []
        with self._lock:
            for k in keys:
                f = self._keys.setdefault(k, _Failures())
                f.count += 1
                if f.count >= FREE_FAILURES:
                    f.wait_until = now + min(BACKOFF_FIRST_SECONDS * 2 ** (f.count - FREE_FAILURES), LOCK_SECONDS)
                    if not f.announced:
                        f.announced = True
                        started.append(k)
        return started

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for k in keys:
                self._keys.pop(k, None)

    def logged(self, key: str) -> bool:
        """Whether failures of this key are still logged one by one (not once the back-off started)."""
        with self._lock:
            f = self._keys.get(key)
            return f is None or not f.announced


THROTTLE = SignInThrottle()


def _dummy_hash() -> str:
    global _DUMMY
    if not _DUMMY:
        _DUMMY = auth.hash_password(secrets.token_urlsafe(16), check=False)
    return _DUMMY


_DUMMY = ""


def sign_in(store: Store, name: str, password: str, *, client: str = "",
            throttle: SignInThrottle | None = None) -> Actor:
    """The user with this name and password, or SignInFailed. Attempts are recorded (never the password)."""
    from ..store.errors import NotFound

    throttle = throttle or THROTTLE
    name = name.strip()
    keys = [f"user:{name[:100]}"] + ([f"client:{client[:100]}"] if client else [])
    wait = throttle.wait(keys)
    if wait > 0:
        raise SignInFailed(f"sign-in: too many failed attempts; try again in {int(wait) + 1} s")
    try:
        account = store.user_account(name)
    except NotFound:
        account = None
    stored = account.password_hash if account else ""
    ok = auth.verify_password(password, stored or _dummy_hash()) and account is not None and bool(stored) \
        and not account.disabled
    # An unknown name is not recorded: people type their password into the name field by mistake.
    who = account.user.name if account is not None else "?"
    if ok and account is not None:
        throttle.succeeded(keys)
        with store.transaction() as s:
            store.log_event(s, who, "user.signin", f"user:{who}", client)
        return Actor(account.user.name, account.user.role, "password")
    log_each = throttle.logged(keys[0])
    started = throttle.failed(keys)
    with store.transaction() as s:
        if log_each:
            store.log_event(s, who, "user.signin_failed", f"user:{who}", client)
        for key in started:
            target = f"user:{who}" if key.startswith("user:") else key
            store.log_event(s, who, "user.signin_throttled", target[:200],
                            f"{FREE_FAILURES} failed attempts; back-off started")
    raise SignInFailed("sign-in: unknown user name or wrong password")


def oidc_user(store: Store, identity: str) -> Actor:
    """The workbench user for an identity confirmed by the OpenID Connect provider (e-mail or name).

    The provider proves who someone is; the role still comes from the workbench's own users table, so
    an admin adds them first (`workbench users add EMAIL --role translator --no-password`).
    """
    from ..store.errors import NotFound

    try:
        account = store.user_account(identity)
    except NotFound as exc:
        raise SignInFailed(f"sign-in: {identity} is not a workbench user; ask an admin to run "
                           f"`workbench users add {identity} --role translator --no-password`") from exc
    if account.disabled:
        raise SignInFailed(f"sign-in: {identity} is disabled; ask an admin")
    with store.transaction() as s:
        store.log_event(s, identity[:100], "user.signin", f"user:{identity[:80]}", "oidc")
    return Actor(account.user.name, account.user.role, "oidc")


# --- browser sessions ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Session:
    """A signed-in browser tab: who, the credentials counter seen at sign-in, and when."""

    actor: Actor
    credentials: int
    started: float
    last_seen: float


def open_session(store: Store, actor: Actor, now: float | None = None) -> Session:
    now = time.time() if now is None else now
    return Session(actor, store.user_account(actor.name).credentials, now, now)


def check_session(store: Store, session: Session, *, idle_seconds: float, max_seconds: float,
                  now: float | None = None) -> Session:
    """The session with its last activity updated, or SessionEnded: the user is re-read on every run."""
    from ..store.errors import NotFound

    now = time.time() if now is None else now
    if now - session.last_seen > idle_seconds:
        raise SessionEnded("signed out after a while without activity; sign in again")
    if now - session.started > max_seconds:
        raise SessionEnded("signed out: sessions last at most "
                           f"{max_seconds / 3600:g} hours; sign in again")
    try:
        account = store.user_account(session.actor.name)
    except NotFound:
        raise SessionEnded("signed out: this user no longer exists") from None
    if account.disabled:
        raise SessionEnded("signed out: this user is disabled")
    if account.credentials != session.credentials or account.user.role != session.actor.role:
        raise SessionEnded("signed out: your role or password changed; sign in again")
    return replace(session, last_seen=now)


# --- the CLI's identity ----------------------------------------------------------------------------
def token_hash(token: str) -> str:
    # A token is 256 random bits: a fast hash is enough (nothing to guess), and checking stays instant.
    return "sha256$" + hashlib.sha256(token.encode("utf-8")).hexdigest()


def cli_identity(store: Store, name: str, token: str, *, operator: bool = False) -> Actor:
    """Who a CLI command acts as (see the module docstring); IdentityError when it cannot be verified."""
    from ..store.errors import NotFound

    name = name.strip()
    if operator:
        return Actor(name or "operator", "admin", "operator")
    accounts = store.user_accounts()
    if not accounts:
        return Actor(name or "cli", "admin", "single-user")
    if not name:
        raise IdentityError("this store has users: say who you are with WORKBENCH_USER=NAME and "
                            "WORKBENCH_TOKEN (from `workbench users token NAME`), or act as the operator "
                            "with --operator")
    try:
        account = store.user_account(name)
    except NotFound:
        account = None
    ok = account is not None and bool(account.token_hash) and bool(token) and not account.disabled \
        and hmac.compare_digest(account.token_hash, token_hash(token))
    if not ok or account is None:
        raise IdentityError(f"user {name[:100]!r}: not verified (unknown, disabled, or WORKBENCH_TOKEN is "
                            "missing or wrong); get a token with `workbench users token NAME`, or use --operator")
    return Actor(account.user.name, account.user.role, "token")


# --- user management -------------------------------------------------------------------------------
def add_user(store: Store, by: User | None, name: str, role: str, password: str | None) -> User:
    """Create a user (admins only). `password=None` makes a user who signs in only through OIDC."""
    who = require(by, "manage_users")
    if role not in USER_ROLES:
        raise ActionError(f"role {role!r}: must be one of {', '.join(USER_ROLES)}")
    if role == "admin":
        require(who, "change_roles")
    name = name.strip()
    return store.add_user(name, role, auth.hash_password(password, name=name) if password is not None else "",
                          actor=author(who))


def _admins_left(store: Store, without: str) -> bool:
    return any(a.user.role == "admin" and not a.disabled and a.user.name != without for a in store.user_accounts())


def change_role(store: Store, by: User | None, name: str, role: str) -> None:
    """Give a user another role (admins only; the last admin keeps the role)."""
    who = require(by, "change_roles")
    if role != "admin" and not _admins_left(store, name) and store.user_account(name).user.role == "admin":
        raise ActionError(f"user {name!r}: the last admin cannot lose the admin role")
    store.set_user_role(name, role, actor=author(who))


def change_password(store: Store, by: User | None, name: str, password: str) -> None:
    """Set a password: one's own, or anyone's for an admin."""
    if by is None or (by.name != name and not can(by, "manage_users")):
        who = f"{by.name} ({by.role})" if by else "nobody is signed in"
        raise PermissionDenied(f"manage_users: not allowed for {who}")
    store.set_user_password(name, auth.hash_password(password, name=name), actor=author(by))


def set_disabled(store: Store, by: User | None, name: str, disabled: bool = True) -> None:
    """Disable a user (no sign-in, no token, open sessions end) or enable them again (admins only)."""
    who = require(by, "manage_users")
    if disabled and store.user_account(name).user.role == "admin" and not _admins_left(store, name):
        raise ActionError(f"user {name!r}: the last admin cannot be disabled")
    store.set_user_disabled(name, disabled, actor=author(who))


def delete_user(store: Store, by: User | None, name: str) -> None:
    """Remove a user (admins only); their changes stay in the histories under their name."""
    who = require(by, "manage_users")
    if store.user_account(name).user.role == "admin" and not _admins_left(store, name):
        raise ActionError(f"user {name!r}: the last admin cannot be deleted")
    store.delete_user(name, actor=author(who))


def issue_token(store: Store, by: User | None, name: str) -> str:
    """A new API token for the CLI (one's own, or anyone's for an admin); returned once, stored hashed.
    It replaces the user's previous token."""
    if by is None or (by.name != name and not can(by, "manage_users")):
        who = f"{by.name} ({by.role})" if by else "nobody is signed in"
        raise PermissionDenied(f"manage_users: not allowed for {who}")
    token = "wbt_" + secrets.token_urlsafe(32)
    store.set_user_token(name, token_hash(token), actor=author(by))
    return token


def revoke_token(store: Store, by: User | None, name: str) -> None:
    if by is None or (by.name != name and not can(by, "manage_users")):
        who = f"{by.name} ({by.role})" if by else "nobody is signed in"
        raise PermissionDenied(f"manage_users: not allowed for {who}")
    store.set_user_token(name, "", actor=author(by))


def list_users(store: Store, by: User | None) -> list[dict[str, Any]]:
    require(by, "manage_users")
    return [{"name": a.user.name, "role": a.user.role, "disabled": a.disabled, "token": bool(a.token_hash)}
            for a in store.user_accounts()]


# Failed sign-ins are many and say little: the audit log shows them only when asked for.
SIGN_IN_NOISE = ("user.signin_failed",)


def audit_log(store: Store, by: User | None, limit: int = 200, *, include_failed_sign_ins: bool = False,
              action: str = "") -> list[dict[str, Any]]:
    """The audit log, newest first: who changed what and when (failed sign-ins only when asked for)."""
    require(by, "manage_users")
    if action:
        return store.events(limit, actions=(action,))
    return store.events(limit, exclude=() if include_failed_sign_ins else SIGN_IN_NOISE)


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
    from ..store.errors import StoreError

    if store.users():
        return None
    generated = not password
    password = password or auth.new_password()
    try:
        user = store.add_user(name, "admin", auth.hash_password(password, name=name), actor="first-start")
    except StoreError:  # another process created it a moment ago
        return None
    return FirstAdmin(user, password if generated else "", generated)
