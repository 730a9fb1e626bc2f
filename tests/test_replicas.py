"""Two app replicas on one PostgreSQL store behave as one workbench (real servers, real browser).

Two `workbench serve` processes on free loopback ports share a fresh database on the test server of
WORKBENCH_TEST_PG_URL (test.sh starts one; without it the test is skipped). A translator signs in on
replica 1 and a reviewer on replica 2, both open the same segment; the translator saves, then the
reviewer's save of the version they opened is refused with both texts, and a fresh session on
replica 2 shows the translator's edit. Accounts and roles are the same on both replicas.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT
from tests.test_e2e_browser import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, free_port, go, sign_in
from workbench.auth import hash_password
from workbench.config import load_config
from workbench.ingest import import_paths
from workbench.records import Translation
from workbench.store import Store

from . import reliability_db

pytestmark = pytest.mark.browser

MT = "The talks in the capital ended without any agreement on the new schedule."
ANN = "The talks in the capital ended with no agreement on the new timetable."
RITA = "Talks in the capital finished without agreeing the new schedule."


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from reliability_db.pg_database()


def start_replica(url: str, data: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """`workbench serve` against the shared store; waits until the server answers its health check."""
    port = free_port()
    env = {**os.environ, "WORKBENCH_DB": url, "WORKBENCH_DATA_DIR": str(data), "PYTHONPATH": str(ROOT),
           "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
    # A session of its own: `serve` runs streamlit as a child, and both are stopped as one group.
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--port", str(port),
                             "--address", "127.0.0.1"], cwd=ROOT, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            pytest.fail(f"replica did not start:\n{log.read_text()}")
        time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


@pytest.fixture
def replicas(pg_url: str, tmp_path: Path):
    """A seeded PostgreSQL store and two replicas serving it; yields (base_1, base_2, store)."""
    data = tmp_path / "data"
    config = load_config(env={"WORKBENCH_DATA_DIR": str(data), "WORKBENCH_DB": pg_url})
    store = Store(config.database_url)
    import_paths(store, [CORPUS], config)
    store.add_user("ann", "translator", hash_password("ann-password-1"))
    store.add_user("rita", "reviewer", hash_password("rita-password-1"))
    store.add_user("boss", "admin", hash_password("boss-password-1"))
    seg = store.segments("000")[4]
    store.save_translations([(Translation(seg.id, MT, "marian", "Helsinki-NLP/opus-mt-ru-en"), seg.text)])
    procs = []
    try:
        for n in (1, 2):
            procs.append(start_replica(pg_url, data, tmp_path / f"replica{n}.log"))
        yield procs[0][1], procs[1][1], store
    finally:
        for proc, _ in procs:
            stop(proc)
        store.close()


@pytest.fixture
def browser(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def open_segment_5(browser, base: str, name: str, password: str):
    """A new browser session signed in on `base`, in the editor at segment 5 of the first seed article."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    sign_in(page, base, name, password)
    go(page, "Editor", "Editor")
    goto = page.get_by_role("spinbutton")
    goto.fill("5")
    goto.press("Enter")
    page.get_by_text("Segment 5 of").wait_for()
    return page


def test_an_edit_on_one_replica_conflicts_with_a_stale_save_on_the_other(replicas, browser, tmp_path):
    base_1, base_2, store = replicas
    assert base_1 != base_2
    seg = store.segments("000")[4]
    ann = open_segment_5(browser, base_1, "ann", "ann-password-1")
    rita = open_segment_5(browser, base_2, "rita", "rita-password-1")
    for page in (ann, rita):
        page.get_by_text("MT · marian", exact=True).wait_for()
        assert page.locator("textarea[aria-label='English']").input_value() == MT

    # The translator saves on replica 1 ...
    english = ann.locator("textarea[aria-label='English']")
    english.fill(ANN)
    english.press("Alt+S")
    ann.get_by_text("Segment 5: saved as v1").wait_for()

    # ... and the reviewer, still on the version 0 she opened on replica 2, saves her own text: refused,
    # with both texts on the screen.
    english = rita.locator("textarea[aria-label='English']")
    english.fill(RITA)
    english.press("Alt+S")
    rita.get_by_text("ann saved this segment (v1) after you opened it.", exact=False).wait_for()
    texts = rita.get_by_test_id("stText")  # the conflict's two texts, side by side
    texts.filter(has_text=ANN).wait_for()
    texts.filter(has_text=RITA).wait_for()
    rita.screenshot(path=tmp_path / "replica-2-conflict.png", full_page=True)
    assert [(e.author, e.version, e.text) for e in store.history(seg.id)] == [("ann", 1, ANN)]

    # A fresh session on replica 2 sees the edit made on replica 1.
    fresh = open_segment_5(browser, base_2, "rita", "rita-password-1")
    fresh.get_by_text("edited · v1", exact=True).wait_for()
    assert fresh.locator("textarea[aria-label='English']").input_value() == ANN


def test_accounts_and_roles_are_the_same_on_both_replicas(replicas, browser):
    base_1, base_2, _ = replicas
    for base in (base_1, base_2):
        context = browser.new_context()
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        page.goto(base)
        page.get_by_role("textbox", name="User name").fill("ann")
        page.get_by_role("textbox", name="Password").fill("not-her-password")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("alert").wait_for()
        assert page.get_by_role("link", name="Editor").count() == 0
        sign_in(page, base, "ann", "ann-password-1")
        assert page.get_by_role("link", name="Users").count() == 0  # a translator manages no users
        context.close()
        context = browser.new_context()
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        sign_in(page, base, "boss", "boss-password-1")
        page.get_by_role("link", name="Users").wait_for()
        context.close()
