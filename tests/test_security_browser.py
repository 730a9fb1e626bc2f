"""In a real browser (headless Chromium, as in test_e2e_browser): user text with Markdown images, HTML
and links is shown inert on the pages that display it (the sidebar's user name, the Corpus caption,
the glossary's flash and review panel), and the page never loads anything from another host; the
developer menu with "Clear cache" is not offered."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.test_e2e_browser import browser, go, server  # noqa: F401 - fixtures
from workbench.auth import hash_password
from workbench.config import load_config
from workbench.ingest import import_bytes

pytestmark = pytest.mark.browser

EVIL_HOST = "203.0.113.9"  # TEST-NET-3: never a real server
HOSTILE = (f"![pixel](http://{EVIL_HOST}/pixel.png) <img src=\"http://{EVIL_HOST}/tag.png\"> "
           f"[click me](http://{EVIL_HOST}/phish) # not a heading")


def shown(page, text: str) -> None:
    """Wait until `text` appears literally in rendered Markdown (not as a hidden table cell)."""
    page.locator("[data-testid='stMarkdownContainer']:visible, [data-testid='stCaptionContainer']:visible",
                 has_text=text).first.wait_for()


def test_user_text_is_inert_and_nothing_loads_from_another_host(server, browser, tmp_path):  # noqa: F811
    base, store = server
    name = f"eve ![e](http://{EVIL_HOST}/user.png)"
    store.add_user(name, "reviewer", hash_password("eve-password-1"))
    config = load_config(env={"WORKBENCH_DATA_DIR": str(tmp_path / "data")})
    import_bytes(store, "aaa_hostile.txt", f"{HOSTILE}\n\nНовость дня.\n".encode(), config)

    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base)
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill("eve-password-1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Home").wait_for()
    # The name is shown as text, image syntax and all.
    shown(page, f"{EVIL_HOST}/user.png")

    go(page, "Corpus", "Corpus")
    docs = page.get_by_role("combobox", name="Document", exact=True)
    docs.click()
    page.get_by_role("option", name="aaa_hostile.txt").click()
    shown(page, f"{EVIL_HOST}/phish")
    shown(page, "[click me](http")

    go(page, "Glossary", "Glossary")
    form = page.get_by_test_id("stForm").first
    form.get_by_role("textbox", name="Source").fill("новость")
    form.get_by_role("textbox", name="English").fill(HOSTILE)
    form.get_by_role("button", name="Propose").click()
    shown(page, "Proposed новость → ![pixel]")
    shown(page, "# not a heading")
    page.screenshot(path=tmp_path / "hostile-glossary.png", full_page=True)

    assert page.locator(f"img[src*='{EVIL_HOST}']").count() == 0
    assert page.locator(f"a[href*='{EVIL_HOST}']").count() == 0
    assert page.get_by_role("heading", name="not a heading").count() == 0
    own = urlparse(base).netloc
    foreign = [u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).netloc != own]
    assert foreign == [], foreign

    # No developer menu: nothing offers to clear the server's caches (nor does the "c" shortcut).
    page.keyboard.press("c")
    page.wait_for_timeout(500)
    assert page.get_by_text("Clear cache", exact=False).count() == 0
    menu = page.get_by_test_id("stMainMenu")
    if menu.count():
        menu.click()
        page.wait_for_timeout(300)
        assert page.get_by_text("Clear cache", exact=False).count() == 0
