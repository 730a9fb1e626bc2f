"""Backup and restore as the README describes them: a copy taken while the store is in use opens
as a store with every committed document, edit and event; PostgreSQL through pg_dump / pg_restore.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from workbench.records import Translation
from workbench.store import Store

from . import reliability_db


def _work(store: Store) -> list[str]:
    """A day's work in miniature: machine translations, edits (one of them undone)."""
    ids = [s.id for s in store.segments("000") if s.role == "content"][:5]
    store.save_translations([(Translation(sid, f"MT {n}", "marian", "tiny"), store.segment(sid).text)
                             for n, sid in enumerate(ids)])
    for n, sid in enumerate(ids):
        store.save_edit(sid, f"edited {n}", "anna", 0)
    store.undo_edit(ids[0], "anna", 1)
    return ids


def _snapshot(store: Store, ids: list[str]) -> tuple:
    return ([(d.name, d.sha256, len(store.segments(d.id))) for d in store.documents()],
            {sid: [(e.version, e.text, e.author, e.origin) for e in store.history(sid)] for sid in ids},
            {sid: (e.text, e.version, e.mt_text) for sid, e in store.english_for(ids).items()},
            [(e["actor"], e["action"], e["target"]) for e in store.events()])


def test_sqlite_backup_while_the_store_is_in_use(seeded: Store, config, tmp_path: Path):
    ids = _work(seeded)
    expected = _snapshot(seeded, ids)
    db = config.database_url.removeprefix("sqlite:///")
    assert Path(db + "-wal").exists()  # the recent edits are still in the write-ahead log
    backups = {"backup-api": tmp_path / "online.db", "vacuum-into": tmp_path / "vacuum.db"}
    src = sqlite3.connect(db)
    dst = sqlite3.connect(backups["backup-api"])
    src.backup(dst)  # what `sqlite3 workbench.db ".backup FILE"` does
    dst.close()
    src.execute("VACUUM INTO ?", (str(backups["vacuum-into"]),))
    src.close()
    if shutil.which("sqlite3"):
        backups["sqlite3-cli"] = tmp_path / "cli.db"
        subprocess.run(["sqlite3", db, f".backup '{backups['sqlite3-cli']}'"], check=True, timeout=60)
    # Work goes on after the backup; the backups are the state at the time they were taken.
    seeded.save_edit(ids[1], "after the backup", "boris", 1)
    for how, path in backups.items():
        restored = Store(f"sqlite:///{path}")
        assert _snapshot(restored, ids) == expected, how
        restored.close()


def test_sqlite_copy_with_the_store_closed(seeded: Store, config, tmp_path: Path):
    ids = _work(seeded)
    expected = _snapshot(seeded, ids)
    seeded.close()
    data_dir = Path(config.database_url.removeprefix("sqlite:///")).parent
    copy = tmp_path / "copy"
    shutil.copytree(data_dir, copy)
    restored = Store(f"sqlite:///{copy / 'workbench.db'}")
    assert _snapshot(restored, ids) == expected
    restored.close()


def test_postgresql_pg_dump_and_pg_restore(config, tmp_path: Path):
    from workbench.ingest import import_paths

    from .conftest import CORPUS

    databases = []  # (generator, url): closing a generator drops its database
    try:
        for _ in range(2):
            gen = reliability_db.pg_database()
            databases.append((gen, next(gen)))
        (_, source_url), (_, target_url) = databases
        if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
            pytest.skip("pg_dump / pg_restore are not installed (Debian: postgresql-client)")
        store = Store(source_url)
        import_paths(store, [CORPUS], config)
        ids = _work(store)
        expected = _snapshot(store, ids)
        dump = tmp_path / "workbench.dump"

        def libpq(url: str) -> str:  # pg_dump takes postgresql://, not SQLAlchemy's postgresql+psycopg://
            return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", libpq(source_url)], check=True, timeout=120)
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={libpq(target_url)}", str(dump)], check=True,
                       timeout=120)
        store.close()
        restored = Store(target_url)
        assert _snapshot(restored, ids) == expected
        restored.save_edit(ids[1], "work goes on after a restore", "anna", 1)
        restored.close()
    finally:
        for gen, _url in databases:
            gen.close()
