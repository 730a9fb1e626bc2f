"""Credentials: scrypt password hashes (a slow KDF), the password policy, random passwords.

Who may do what, sign-in, sessions and user management are rules of the action layer
(`workbench.actions`, `workbench.actions.users`), which use these.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from .errors import WorkbenchError

# scrypt cost: ~50 ms and 16 MiB per check on a laptop; slow for an attacker, fine for a sign-in.
_N, _R, _P = 2**14, 8, 1

MIN_PASSWORD_CHARS = 10

# The passwords (and password stems) at the top of every published list of leaked passwords; a
# general list, not anything of this project. A password is refused when it is one of them, or one of
# them with digits and punctuation around it ("Password2024!").
COMMON_PASSWORDS = frozenset("""
password passw0rd p@ssword p@ssw0rd qwerty qwertyuiop qwertz azerty asdfgh asdfghjkl zxcvbnm qazwsx
1qaz2wsx 1q2w3e4r 1q2w3e4r5t q1w2e3r4 q1w2e3r4t5 zaq12wsx letmein welcome iloveyou admin administrator
root toor login master monkey dragon football baseball basketball soccer hockey sunshine princess
shadow superman batman trustno1 starwars whatever freedom charlie michael jennifer jordan hunter
killer ninja mustang access secret changeme default guest test tester abc abcdef abcdefg abcdefgh
abcdefghij computer internet samsung google pokemon cheese chocolate flower hello hellohello
lovely loveme iloveu summer winter spring autumn welcome1 qwerty123 password1 letmein1
""".split())

_AROUND = re.compile(r"^[\d\W_]*(.*?)[\d\W_]*$", re.UNICODE)
_SEQUENCES = ("0123456789012345678901234567890", "9876543210987654321098765432109",
              "abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba", "qwertyuiopasdfghjklzxcvbnm",
              "йцукенгшщзхъфывапролджэячсмитьбю")


class WeakPassword(WorkbenchError, ValueError):
    """A password the policy refuses."""


def password_problem(password: str, name: str = "") -> str:
    """Why the policy refuses a password ("" when it is fine): fewer than MIN_PASSWORD_CHARS characters,
    blank or a repeated character, a keyboard or alphabet run, the user's name, a common password."""
    if len(password) < MIN_PASSWORD_CHARS:
        return f"must be at least {MIN_PASSWORD_CHARS} characters"
    low = password.lower()
    if not password.strip() or len(set(low)) <= 2:
        return "is too simple (blank or the same characters repeated)"
    if any(low in seq for seq in _SEQUENCES) or low.isdigit():
        return "is too simple (a run of keys, letters or digits)"
    stem = _AROUND.sub(r"\1", low)
    if name and (low == name.strip().lower() or stem == name.strip().lower()):
        return "must not be the user name"
    if low in COMMON_PASSWORDS or stem in COMMON_PASSWORDS:
        return "is one of the most common passwords"
    return ""


def hash_password(password: str, *, name: str = "", check: bool = True) -> str:
    """The scrypt hash of a password the policy accepts (WeakPassword otherwise)."""
    if check and (problem := password_problem(password, name)):
        raise WeakPassword(f"password: {problem}")
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


def new_password() -> str:
    """A random password for a new user (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)
