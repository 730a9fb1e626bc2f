"""Concurrent writers: 8 processes x 200 edits on overlapping segments of one store lose nothing.

Each process saves through the same `Store.save_edit` the app and CLI use, with the version it read;
on `EditConflict` it re-reads the version and tries again (what a translator does after seeing both
texts). Every tenth edit it also tries once at a version it knows is stale, which must be refused.
Afterwards the history must hold every successful save exactly once, with versions 1..n per segment.
Runs on SQLite (WAL) always and on PostgreSQL when WORKBENCH_TEST_PG_URL is set (see scripts/postgres.sh).
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import random
import sys
import traceback
import types
from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

from workbench.config import Config
from workbench.ingest import import_paths
from workbench.store import EditConflict, Store
from workbench.store.schema import EditRow, SegmentRow

from . import reliability_db
from .conftest import SEED

WORKERS = 8
EDITS_PER_WORKER = 200
SEGMENTS = 12  # few segments for 8 writers: they collide on the same segment all the time
STALE_EVERY = 10

db_url = reliability_db.db_url  # the fixture: SQLite, then PostgreSQL when configured


def _writer(url: str, worker: int, segment_ids: list[str], barrier: mp.synchronize.Barrier,
            results: mp.Queue) -> None:
    """One translator's process: EDITS_PER_WORKER successful saves, every attempt recorded."""
    try:
        store = Store(url, migrate=False)
        rng = random.Random(worker)
        author = f"worker{worker}"
        attempts: list[tuple[str, str, int, int, str]] = []  # (outcome, segment, base, version, text)
        shown: list[tuple[str, int, str, str]] = []  # what each conflict showed: the other's saved edit
        barrier.wait(timeout=120)
        for n in range(EDITS_PER_WORKER):
            sid = rng.choice(segment_ids)
            base = store.english_for([sid])[sid].version
            edit_text = f"{author} edit {n}"
            if n % STALE_EVERY == 0 and base >= 1:
                # A version this process has seen superseded: the save must be refused.
                try:
                    saved = store.save_edit(sid, edit_text + " (stale)", author, base - 1)
                    attempts.append(("stale-saved", sid, base - 1, saved.version, saved.text))
                except EditConflict as exc:
                    attempts.append(("stale-refused", sid, base - 1, exc.current.version, edit_text))
                    shown.append((sid, exc.current.version, exc.current.text, exc.current.author))
            while True:
                try:
                    saved = store.save_edit(sid, edit_text, author, base)
                    attempts.append(("saved", sid, base, saved.version, saved.text))
                    break
                except EditConflict as exc:
                    attempts.append(("conflict", sid, base, exc.current.version, edit_text))
                    shown.append((sid, exc.current.version, exc.current.text, exc.current.author))
                    base = store.english_for([sid])[sid].version
        store.close()
        results.put((worker, attempts, shown, None))
    except BaseException:  # report any failure (e.g. "database is locked") to the test, then exit
        results.put((worker, [], [], traceback.format_exc()))


def test_eight_concurrent_writers_lose_no_edit(db_url: str, config: Config, monkeypatch):
    # Spawned workers re-run the parent's __main__ file; Streamlit's AppTest (earlier in the same
    # session) leaves app.py registered as __main__, which must not run in the workers.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    store = Store(db_url)
    import_paths(store, [SEED["000"]], config)
    segment_ids = [s.id for s in store.segments("000")][:SEGMENTS]
    assert len(segment_ids) == SEGMENTS

    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(db_url, w, segment_ids, barrier, results)) for w in range(WORKERS)]
    for p in procs:
        p.start()
    outcomes: dict[int, list[tuple[str, str, int, int, str]]] = {}
    shown: list[tuple[str, int, str, str]] = []
    try:
        for _ in procs:
            worker, attempts, conflict_views, error = results.get(timeout=300)
            assert error is None, f"worker {worker} failed:\n{error}"
            outcomes[worker] = attempts
            shown.extend(conflict_views)
    except queue.Empty:
        pytest.fail(f"workers did not finish; exit codes {[p.exitcode for p in procs]}")
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in procs] == [0] * WORKERS

    saved = [(w, *a[1:]) for w, atts in outcomes.items() for a in atts if a[0] == "saved"]
    conflicts = [(w, *a[1:]) for w, atts in outcomes.items() for a in atts if a[0] == "conflict"]
    stale = Counter(a[0] for atts in outcomes.values() for a in atts if a[0].startswith("stale"))

    # Every process made its 200 edits; every deliberately stale save was refused.
    assert Counter(w for w, *_ in saved) == {w: EDITS_PER_WORKER for w in range(WORKERS)}
    assert stale["stale-saved"] == 0
    assert stale["stale-refused"] > 0
    # A save succeeds only on top of the latest version: the new version is base + 1.
    assert all(version == base + 1 for _w, _sid, base, version, _t in saved)

    # The history holds each successful save exactly once, versions 1..n without gaps.
    history = {sid: store.history(sid) for sid in segment_ids}
    with store.transaction() as s:
        total_rows = s.scalar(select(func.count()).select_from(EditRow))
        row_versions = dict(s.execute(select(SegmentRow.id, SegmentRow.version)
                                      .where(SegmentRow.id.in_(segment_ids))).all())
    assert total_rows == WORKERS * EDITS_PER_WORKER
    stored = Counter((sid, e.version, e.text, e.author) for sid, hist in history.items() for e in hist)
    expected = Counter((sid, version, t, f"worker{w}") for w, sid, _base, version, t in saved)
    assert stored == expected
    english = store.english_for(segment_ids)
    for sid, hist in history.items():
        assert [e.version for e in hist] == list(range(1, len(hist) + 1)), sid
        assert row_versions[sid] == len(hist), sid
        if hist:
            assert (english[sid].text, english[sid].version) == (hist[-1].text, len(hist))

    # Every refused save really was at a stale version: someone else's edit already held base + 1.
    by_version = {(sid, e.version): e for sid, hist in history.items() for e in hist}
    for w, sid, base, current, attempted in conflicts:
        assert current > base
        winner = by_version[(sid, base + 1)]
        assert (winner.author, winner.text) != (f"worker{w}", attempted)
    # Each conflict showed the translator the edit that got there first, exactly as it was saved.
    assert shown and all((by_version[(sid, v)].text, by_version[(sid, v)].author) == (t, a)
                         for sid, v, t, a in shown)
    # Overlapping writers do collide (8 writers on 12 segments); report how often.
    per_segment = defaultdict(int)
    for _w, sid, *_ in conflicts:
        per_segment[sid] += 1
    print(f"{db_url.split(':')[0]}: {len(saved)} saves, {len(conflicts)} conflicts detected "
          f"on {len(per_segment)} segments, {stale['stale-refused']} stale saves refused")
    store.close()
