"""Security of what exists below the pages: upload names, password storage, role permissions.

Page-level checks (unauthenticated access, the pages calling `actions.require`) and the XML defences
of the exchange formats are added with those modules.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from workbench.actions import PERMISSIONS, PermissionDenied, can, require
from workbench.auth import hash_password, verify_password
from workbench.errors import WorkbenchError
from workbench.ingest import IngestError, import_bytes
from workbench.records import User
from workbench.store import Store

from . import reliability_db

db_url = reliability_db.db_url  # the fixture: SQLite, then PostgreSQL when configured

ARTICLE = "Переговоры в Женеве продолжатся {n} января, заявил представитель МИД.\n\nВстреча прошла спокойно."

# (uploaded name, name kept) — only the base name survives, whatever path the browser sends.
KEPT = [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("/etc/cron.d/evil.txt", "evil.txt"),
    ("..\\..\\Windows\\System32\\evil.md", "evil.md"),
    ("C:\\Users\\anna\\article.html", "article.html"),
    ("uploads/../../../../root/x.txt", "x.txt"),
    ("./.hidden.md", ".hidden.md"),
]
REFUSED = ["..", "../", "/", "\\", "", "evil\x00.txt", "evil.txt\x00.html", "a\nb.txt", "\u202egpj.txt",
           "x" * 300 + ".txt", "../../etc/passwd", "shell.sh"]


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_upload_names_cannot_escape_the_data_directory(db_url: str, config, tmp_path: Path):
    store = Store(db_url)
    before = _files(tmp_path)
    for n, (uploaded, kept) in enumerate(KEPT):
        report = import_bytes(store, uploaded, ARTICLE.format(n=n + 1).encode(), config)
        assert [d.name for d in report.added] == [kept]
        assert store.document(report.added[0].id).source_path == ""
    for n, uploaded in enumerate(REFUSED):
        with pytest.raises(IngestError) as err:
            import_bytes(store, uploaded, ARTICLE.format(n=n + 10).encode(), config)
        message = str(err.value)
        assert "\n" not in message and "\x00" not in message and "\u202e" not in message
        assert re.search(r"not a usable file name|unsupported file type", message), message
    assert sorted(d.name for d in store.documents()) == sorted(kept for _, kept in KEPT)
    # Uploads are never written to disk under their own names: only the store's files may appear.
    new = _files(tmp_path) - before
    assert all(Path(p).name.startswith("workbench.db") or p == "data" for p in new), new
    assert not (tmp_path.parent / "etc").exists() and not Path("/etc/cron.d/evil.txt").exists()
    store.close()


PASSWORD = "correct horse battery staple"


def test_passwords_are_stored_only_as_scrypt_hashes(db_url: str, caplog: pytest.LogCaptureFixture):
    store = Store(db_url)
    caplog.set_level(logging.DEBUG)
    store.add_user("anna", "translator", hash_password(PASSWORD), actor="admin")
    store.add_user("boris", "reviewer", hash_password(PASSWORD), actor="admin")
    user, stored = store.user_password_hash("anna")
    _, stored_b = store.user_password_hash("boris")
    assert user == User("anna", "translator")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert stored != stored_b  # salted: the same password gives different hashes
    assert verify_password(PASSWORD, stored) and not verify_password(PASSWORD + "!", stored)
    assert not verify_password(PASSWORD, "plain:" + PASSWORD)  # an unknown scheme never matches
    store.set_user_password("anna", hash_password("another long secret"), actor="admin")
    assert verify_password("another long secret", store.user_password_hash("anna")[1])

    # No cell of any table holds the clear password; the event log does not hold the hashes either.
    metadata = MetaData()
    metadata.reflect(store.engine)
    with store.engine.connect() as conn:
        cells = [str(v) for table in metadata.sorted_tables for row in conn.execute(select(table)) for v in row]
    assert not any(PASSWORD in c or "another long secret" in c for c in cells)
    events = " ".join(f"{e['action']} {e['target']} {e['detail']}" for e in store.events())
    assert "scrypt$" not in events and "user.password user:anna" in events
    assert PASSWORD not in caplog.text and "another long secret" not in caplog.text
    if db_url.startswith("sqlite"):
        db_file = Path(db_url.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in db_file.parent.glob(db_file.name + "*"))
        assert PASSWORD.encode() not in raw
    store.close()


def test_short_passwords_are_refused():
    with pytest.raises(WorkbenchError, match="at least 10 characters"):
        hash_password("123456789")


@pytest.mark.parametrize("action", ["approve_term", "change_roles", "manage_users", "approve_document"])
def test_translator_cannot_approve_terms_or_change_roles(action: str):
    translator = User("anna", "translator")
    assert not can(translator, action)
    with pytest.raises(PermissionDenied) as err:
        require(translator, action)
    assert isinstance(err.value, WorkbenchError)
    assert str(err.value) == f"{action}: not allowed for anna (translator)"


def test_each_role_gets_exactly_its_permissions():
    reviewer, admin = User("vera", "reviewer"), User("root", "admin")
    require(reviewer, "approve_term")
    require(reviewer, "approve_document")
    with pytest.raises(PermissionDenied):
        require(reviewer, "change_roles")
    for action in set().union(*PERMISSIONS.values()):
        require(admin, action)
        assert not can(None, action)
        with pytest.raises(PermissionDenied, match="nobody is signed in"):
            require(None, action)
    # A role the table does not know (a tampered session, a typo in the users table) may do nothing.
    assert not any(can(User("eve", "superuser"), a) for a in set().union(*PERMISSIONS.values()))
    assert PERMISSIONS["translator"] < PERMISSIONS["reviewer"] < PERMISSIONS["admin"]
