"""End to end in a real browser: `streamlit run app.py` on a free port, driven by Playwright in Debian's
headless Chromium. A translator signs in, edits a segment of a seed article and proposes a term; a
reviewer approves the term; an export is downloaded. Screenshots go to the test's tmp directory.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT
from workbench.auth import hash_password
from workbench.config import load_config
from workbench.ingest import import_paths
from workbench.records import Translation
from workbench.store import Store

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
WAIT_MS = 45_000  # a Streamlit rerun on a busy CI machine can take seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """A seeded store and the app serving it; yields (base_url, store)."""
    data = tmp_path / "data"
    config = load_config(env={"WORKBENCH_DATA_DIR": str(data)})
    store = Store(config.database_url)
    import_paths(store, [CORPUS], config)
    store.add_user("ann", "translator", hash_password("ann-password-1"))
    store.add_user("rita", "reviewer", hash_password("rita-password-1"))
    segs = store.segments("000")
    store.save_translations([(Translation(segs[4].id, "On Saturday, the Biden administration again said that "
                                                      "\"the US will not take on any firm obligations\".",
                                          "marian", "Helsinki-NLP/opus-mt-ru-en"), segs[4].text)])
    port = free_port()
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    env.pop("WORKBENCH_DB", None)
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("streamlit did not start:\n" + (tmp_path / "server.log").read_text())
        time.sleep(0.3)
    yield base, store
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    store.close()


@pytest.fixture
def browser(tmp_path):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            accept_downloads=True, viewport={"width": 1500, "height": 1000})
        context.set_default_timeout(WAIT_MS)
        yield context
        context.close()


def sign_in(page, base: str, name: str, password: str) -> None:
    page.goto(base)
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Home").wait_for()
    # the signed session cookie is set by the page a moment later: a load of an address before it
    # would find the browser signed out
    page.wait_for_function("document.cookie.includes('wb_session=')", timeout=WAIT_MS)


def go(page, link: str, heading: str) -> None:
    page.get_by_role("link", name=link).click()
    page.get_by_role("heading", name=heading).wait_for()


def test_translator_edits_reviewer_approves_and_exports(server, browser, tmp_path):
    base, store = server
    shots = tmp_path / "screenshots"
    shots.mkdir()
    page = browser.new_page()

    # Nobody signed in: the sign-in form only, whatever the address.
    page.goto(f"{base}/editor")
    page.get_by_text("Sign in first.").wait_for()  # a fresh server runs the page file, whose guard stops it
    assert page.locator("textarea").count() == 0 and page.get_by_test_id("stDataFrame").count() == 0
    page.goto(base)
    page.get_by_role("button", name="Sign in").wait_for()
    page.goto(f"{base}/editor")  # once the entry script has run, other pages are not even registered
    page.get_by_text("Page not found").wait_for()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.get_by_role("link", name="Editor").count() == 0
    page.screenshot(path=shots / "01-sign-in.png")

    # A translator edits segment 5 of the first seed article.
    sign_in(page, base, "ann", "ann-password-1")
    go(page, "Editor", "Editor")
    goto = page.get_by_role("spinbutton")
    goto.fill("5")
    goto.press("Enter")
    page.get_by_text("Segment 5 of").wait_for()
    page.get_by_text("MT · marian", exact=True).wait_for()
    english = page.locator("textarea[aria-label='English']")
    english.fill("On Saturday, the Biden administration said again that the US would make no firm commitments.")
    english.press("Alt+S")  # the keyboard shortcut, straight from the text box
    page.get_by_text("Segment 5: saved as v1").wait_for()
    page.get_by_text("edited · v1", exact=True).wait_for()
    page.screenshot(path=shots / "02-editor-saved.png", full_page=True)
    seg = store.segments("000")[4]
    (edit,) = store.history(seg.id)
    assert (edit.author, edit.version) == ("ann", 1) and edit.text.endswith("no firm commitments.")

    # ... and proposes a glossary term.
    go(page, "Glossary", "Glossary")
    form = page.get_by_test_id("stForm").first
    form.get_by_role("textbox", name="Source").fill("твердые обязательства")
    form.get_by_role("textbox", name="English").fill("firm commitments")
    form.get_by_role("button", name="Propose").click()
    page.get_by_text("Proposed твердые обязательства → firm commitments").wait_for()
    (term,) = store.terms()
    assert (term.status, term.created_by) == ("proposed", "ann")
    page.screenshot(path=shots / "03-term-proposed.png", full_page=True)

    # A reviewer, in a new session, approves it with a comment.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()
    sign_in(page, base, "rita", "rita-password-1")
    go(page, "Glossary", "Glossary")
    page.get_by_role("textbox", name="Comment (required to reject)").fill("as in the style guide")
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Approved: твердые обязательства → firm commitments").wait_for()
    assert store.term(term.id).status == "approved"
    assert [(h["action"], h["author"]) for h in store.term_history(term.id)] == [("proposed", "ann"),
                                                                                ("approved", "rita")]
    page.screenshot(path=shots / "04-term-approved.png", full_page=True)

    # Download the TMX of the edited article.
    go(page, "Export", "Export")
    page.get_by_text("TMX (translation memory)").click()
    page.get_by_role("button", name="Prepare the file").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    content = target.read_text(encoding="utf-8")
    assert target.suffix == ".tmx" and "<tmx" in content and "no firm commitments" in content
    page.screenshot(path=shots / "05-export.png", full_page=True)

    assert sorted(p.name for p in shots.iterdir()) == ["01-sign-in.png", "02-editor-saved.png",
                                                        "03-term-proposed.png", "04-term-approved.png",
                                                        "05-export.png"]
    if os.environ.get("WORKBENCH_E2E_SHOTS"):  # keep the screenshots (CI artifacts)
        shutil.copytree(shots, os.environ["WORKBENCH_E2E_SHOTS"], dirs_exist_ok=True)
