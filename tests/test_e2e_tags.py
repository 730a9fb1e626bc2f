"""In a real browser: Alt+T in the English box inserts the next missing inline tag at the caret, and
wraps the selected words in a pair (the page's script, `workbench.ui.keys`); the form sends it."""

from __future__ import annotations

import pytest

from tests.test_e2e_browser import browser, go, server, sign_in  # noqa: F401  (fixtures)
from workbench.config import load_config
from workbench.ingest import document_from_bytes

pytestmark = pytest.mark.browser

# Our own sentence.
PAGE = ("<html><body><article><h1>Новый мост</h1><p>Город получит <b>новый мост</b> через "
        "<a href=\"/river\">реку</a> к осени.</p></article></body></html>")
TYPED = "The city will get a new bridge across the river by autumn."


def test_alt_t_inserts_the_next_tag_at_the_caret_and_wraps_a_selection(server, browser, tmp_path):  # noqa: F811
    base, store = server
    doc = document_from_bytes("bridge.html", PAGE.encode("utf-8"), load_config(env={"WORKBENCH_DATA_DIR":
                                                                                    str(tmp_path / "x")}))
    store.add_documents([doc], story=None, actor="t")
    seg = next(s for s in store.segments("bridge.html") if "мост" in s.text and "Город" in s.text)
    page = browser.new_page()
    sign_in(page, base, "ann", "ann-password-1")
    go(page, "Editor", "Editor")
    page.goto(f"{base}/editor?doc=bridge.html&seg={seg.index + 1}")  # the address names the place
    page.get_by_text(f"Segment {seg.index + 1} of").wait_for()
    english = page.locator("textarea[aria-label='English']")
    english.fill(TYPED)

    def caret(start: int, end: int | None = None) -> None:
        english.evaluate("(t, r) => { t.focus(); t.setSelectionRange(r[0], r[1]); }", [start, start if end is None
                                                                                     else end])

    caret(TYPED.index("new"))
    english.press("Alt+T")  # at the caret, not at the end
    assert english.input_value() == "The city will get a <1>new bridge across the river by autumn."
    caret(english.input_value().index(" across"))
    english.press("Alt+T")
    value = english.input_value()
    assert value == "The city will get a <1>new bridge</1> across the river by autumn."
    caret(value.index("river"), value.index("river") + len("river"))
    english.press("Alt+T")  # a selection: wrapped in the next pair
    done = "The city will get a <1>new bridge</1> across the <2>river</2> by autumn."
    assert english.input_value() == done
    english.press("Alt+T")  # nothing left to insert
    page.wait_for_timeout(1500)  # a server-side insertion, had the button fired too, would show by now
    assert english.input_value() == done
    english.press("Alt+S")
    page.get_by_text(f"Segment {seg.index + 1}: saved as v1").wait_for()
    (edit,) = store.history(seg.id)
    assert edit.text == done
