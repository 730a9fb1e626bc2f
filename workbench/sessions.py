"""Signed, expiring sign-in tokens: what lets a browser reload keep its sign-in.

A token is `name.expiry.nonce.signature`, the signature an HMAC-SHA256 over the rest with a secret
kept in the data directory (`session.key`, created on first use with mode 0600). The token says only
who signed in and until when; the role is read from the store on every use, so a role change or a
deleted user takes effect at once. Nothing is kept server-side: signing out forgets the cookie in
that browser, and rotating the key file signs everybody out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .records import User

if TYPE_CHECKING:
    from .store import Store

COOKIE = "wb_session"
LIFETIME_S = 12 * 3600  # one working day; after that the sign-in form again
KEY_FILE = "session.key"


def secret(data_dir: Path) -> bytes:
    """The server's signing key, created with owner-only permissions the first time."""
    path = Path(data_dir) / KEY_FILE
    try:
        return bytes.fromhex(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    # O_EXCL: two processes starting at once agree on the first key written.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as f:
        f.write(key.hex())
    return key


def _sign(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def issue(key: bytes, name: str, *, lifetime_s: int = LIFETIME_S, now: float | None = None) -> str:
    """A token for `name` valid for `lifetime_s` seconds."""
    expiry = int((time.time() if now is None else now) + lifetime_s)
    who = base64.urlsafe_b64encode(name.encode("utf-8")).decode("ascii").rstrip("=")
    payload = f"{who}.{expiry}.{secrets.token_hex(8)}"
    return f"{payload}.{_sign(key, payload)}"


def verify(key: bytes, token: str, *, now: float | None = None) -> str | None:
    """The user name in a genuine, unexpired token, else None (never raises on garbage)."""
    try:
        who, expiry, nonce, signature = token.split(".")
        payload = f"{who}.{expiry}.{nonce}"
        if not hmac.compare_digest(_sign(key, payload), signature):
            return None
        if int(expiry) < (time.time() if now is None else now):
            return None
        return base64.urlsafe_b64decode(who + "=" * (-len(who) % 4)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def user_for(store: Store, key: bytes, token: str) -> User | None:
    """The current record of the user a token names (None when forged, expired or the user is gone)."""
    from .store.errors import NotFound

    name = verify(key, token)
    if name is None:
        return None
    try:
        user, _ = store.user_password_hash(name)
    except NotFound:
        return None
    return user
