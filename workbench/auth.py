"""Passwords and permissions: scrypt hashes (a slow KDF) and what each role may do."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from .errors import WorkbenchError
from .records import User

# scrypt cost: ~50 ms and 16 MiB per check on a laptop; slow for an attacker, fine for a sign-in.
_N, _R, _P = 2**14, 8, 1

PERMISSIONS = {
    "translator": {"edit", "propose_term", "import", "translate", "align", "flag", "export"},
    "reviewer": {"edit", "propose_term", "import", "translate", "align", "flag", "export", "approve_term",
                 "approve_document"},
    "admin": {"edit", "propose_term", "import", "translate", "align", "flag", "export", "approve_term",
              "approve_document", "manage_users", "change_roles"},
}


class WeakPassword(WorkbenchError, ValueError):
    """A new password does not meet the minimum length."""


class PermissionDenied(WorkbenchError, PermissionError):
    """The signed-in user's role does not allow the action."""


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
