"""Crash safety of import: `workbench import` killed with SIGKILL mid-way, then run again.

An import is one transaction, so after a kill the store holds none or all of its documents, and the
second run brings every document in exactly once. The kill points are found by watching the store,
not by guessing times: while the import holds SQLite's write lock before anything is committed,
and right after its documents are committed (while it proposes stories).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from workbench.config import Config
from workbench.ingest import build_document, import_paths
from workbench.ingest.segment import sentences
from workbench.store import Store

from .conftest import CORPUS, ROOT

ARTICLES = 300


def write_articles(folder: Path, n: int, seed: int = 7) -> dict[str, str]:
    """n distinct short news articles made of sentences of the seed corpus; returns name -> text."""
    pool = [s.text for p in sorted(CORPUS.glob("*.txt")) for s in sentences(p.read_text("utf-8")) if len(s.text) > 40]
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    out = {}
    for i in range(n):
        paragraphs = [" ".join(rng.sample(pool, 3)) for _ in range(3)]
        body = f"Сообщение {i}: {rng.choice(pool)[:60]}\n\n" + "\n\n".join(paragraphs) + "\n"
        name = f"article_{i:03d}.txt"
        (folder / name).write_text(body, encoding="utf-8")
        out[name] = body
    return out


def _start_import(folder: Path, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_DATA_DIR": str(data_dir)}
    env.pop("WORKBENCH_DB", None)
    return subprocess.Popen([sys.executable, "-m", "workbench", "import", str(folder)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _db_file(config: Config) -> str:
    return config.database_url.removeprefix("sqlite:///")


def _write_lock_held(db: str) -> bool:
    """True when another connection holds the write lock (an open write transaction)."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        return True
    finally:
        conn.close()


def _document_count(db: str) -> int:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        conn.close()


def _kill_when(proc: subprocess.Popen[bytes], condition, what: str, limit: float = 120) -> None:
    """SIGKILL the process as soon as `condition()` holds; fail if it finishes first."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"import finished (status {proc.returncode}) before {what}: "
                        f"{proc.stderr.read().decode() if proc.stderr else ''}")
        if condition():
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            assert proc.returncode == -signal.SIGKILL
            return
        time.sleep(0.002)  # polling pace only; the condition is what decides
    proc.kill()
    pytest.fail(f"timed out waiting for {what}")


def _check_all_or_nothing(store: Store, articles: dict[str, str]) -> int:
    """Documents are all there with all their segments, or none is; returns the document count."""
    docs = store.documents()
    counts = store.segment_counts()
    with store.transaction() as s:
        segment_rows = s.execute(text("SELECT count(*) FROM segments")).scalar()
    if not docs:
        assert segment_rows == 0
        return 0
    assert Counter(d.name for d in docs) == Counter({name: 1 for name in articles})
    expected = {name: len(build_document(body, name).segments) for name, body in articles.items()}
    assert {d.name: counts[d.id]["total"] for d in docs} == expected
    assert segment_rows == sum(expected.values())
    return len(docs)


def _restart_and_check(run_cli, folder: Path, config: Config, articles: dict[str, str]) -> Store:
    done = run_cli("import", str(folder), "--format", "jsonl", data_dir=config.data_dir)
    assert done.returncode == 0, done.stderr
    store = Store(config.database_url)
    assert _check_all_or_nothing(store, articles) == len(articles)
    # A third run changes nothing: every document is there exactly once.
    again = run_cli("import", str(folder), "--format", "jsonl", data_dir=config.data_dir)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count('"status": "unchanged"') == len(articles)
    assert len(store.documents()) == len(articles)
    return store


@pytest.mark.slow
def test_import_killed_inside_its_transaction_leaves_nothing_then_restarts(tmp_path: Path, config: Config, run_cli):
    articles = write_articles(tmp_path / "articles", ARTICLES)
    Store(config.database_url).close()  # schema in place: the only long write is the import itself
    db = _db_file(config)
    proc = _start_import(tmp_path / "articles", config.data_dir)
    # The write lock held over many consecutive polls is the import transaction adding documents
    # (the schema check at start-up holds it for well under a millisecond).
    held = 0

    def inside_transaction() -> bool:
        nonlocal held
        held = held + 1 if _write_lock_held(db) else 0
        return held >= 10 and _document_count(db) == 0

    _kill_when(proc, inside_transaction, "the import transaction")
    store = Store(config.database_url)
    # Killed before its commit: no document, no segment of it is in the store.
    assert _check_all_or_nothing(store, articles) == 0, "the kill came after the commit"
    store.close()
    _restart_and_check(run_cli, tmp_path / "articles", config, articles).close()


@pytest.mark.slow
def test_import_killed_after_commit_keeps_every_document_once(tmp_path: Path, config: Config, run_cli):
    articles = write_articles(tmp_path / "articles", ARTICLES)
    Store(config.database_url).close()
    db = _db_file(config)
    proc = _start_import(tmp_path / "articles", config.data_dir)
    _kill_when(proc, lambda: _document_count(db) > 0, "the import's commit")
    store = Store(config.database_url)
    assert _check_all_or_nothing(store, articles) == ARTICLES
    store.close()
    store = _restart_and_check(run_cli, tmp_path / "articles", config, articles)
    # The story proposals the killed run did not finish are made by the re-run: the same groups
    # as an import that was never interrupted.
    reference = Store(f"sqlite:///{tmp_path / 'reference.db'}")
    import_paths(reference, [tmp_path / "articles"], config)
    assert _groups(store) == _groups(reference) != set()
    store.close()
    reference.close()


def _groups(store: Store) -> set[frozenset[str]]:
    names = {d.id: d.name for d in store.documents()}
    return {frozenset(names[i] for i in s.doc_ids) for s in store.stories() if s.doc_ids}
