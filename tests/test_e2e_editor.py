"""The editor's keyboard loop in a real browser at 1280x800: the caret is in the English box after
every move, Ctrl+Enter confirms and moves to the next segment that needs work, a move with changed
text keeps it as a draft, the address holds document and segment, and a reload keeps the sign-in."""

from __future__ import annotations

from tests.test_e2e_browser import WAIT_MS, browser, server, sign_in  # noqa: F401 - fixtures

pytestmark = __import__("pytest").mark.browser


def english_box_focused(page, number: int) -> None:
    page.wait_for_function(
        "n => { const a = document.activeElement; return a && a.tagName === 'TEXTAREA' && "
        "a.placeholder === 'English of segment ' + n; }", arg=number, timeout=WAIT_MS)


def test_keyboard_loop_drafts_address_and_reload(server, browser, tmp_path):  # noqa: F811
    base, store = server
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, base, "ann", "ann-password-1")
    page.wait_for_function("document.cookie.includes('wb_session=')")
    segs = store.segments("000")
    assert [s.role for s in segs[:4]] == ["heading", "boilerplate", "boilerplate", "content"]

    page.get_by_role("link", name="Editor").click()
    english_box_focused(page, 1)  # the caret is in the English box from the start
    assert "doc=000_" in page.url and "seg=1" in page.url

    # Alt+N skips the two boilerplate segments; the caret follows
    page.keyboard.press("Alt+N")
    english_box_focused(page, 4)
    assert "seg=4" in page.url
    box = page.locator("textarea[aria-label='English']")
    assert box.is_visible() and box.bounding_box()["y"] + box.bounding_box()["height"] <= 800  # above the fold

    # typed text goes into the box; Ctrl+Enter confirms it and moves on
    page.keyboard.type("WASHINGTON.")
    page.keyboard.press("Control+Enter")
    english_box_focused(page, 5)
    assert store.segment(segs[3].id).status == "approved"
    assert store.english_for([segs[3].id])[segs[3].id].text == "WASHINGTON."
    page.get_by_text("Segment 4: confirmed").wait_for()

    # a move with changed text keeps it as a draft (saved, not confirmed): with Alt+N ...
    page.keyboard.press("End")
    page.keyboard.type(" (draft one)")
    page.keyboard.press("Alt+N")
    english_box_focused(page, 6)
    assert store.english_for([segs[4].id])[segs[4].id].text.endswith("(draft one)")
    assert store.segment(segs[4].id).status == "edited"
    # ... and with "Go to #" (the box loses focus to another field)
    page.keyboard.type("Talks were held (draft two).")
    goto = page.get_by_role("spinbutton", name="Go to #")
    goto.fill("8")
    goto.press("Enter")
    english_box_focused(page, 8)
    assert store.english_for([segs[5].id])[segs[5].id].text == "Talks were held (draft two)."
    # ... and with a click on a row of the segment list (it goes through "Go to #" too)
    page.keyboard.type("Draft three.")
    page.locator("table.wb-list tr[data-n='7']").click()
    english_box_focused(page, 7)
    assert store.english_for([segs[7].id])[segs[7].id].text == "Draft three."
    # the list follows in the same run, once the box is back (the live QA runs in between)
    page.locator("table.wb-list tr.wb-row-current[data-n='7']").wait_for(timeout=WAIT_MS)
    assert page.locator("table.wb-list tr.wb-row-current").count() == 1
    page.locator("table.wb-list tr[data-n='8']").click()
    english_box_focused(page, 8)
    page.screenshot(path=tmp_path / "editor-1280.png")

    # the address is the place: a reload comes back signed in, to segment 8
    assert "seg=8" in page.url
    page.reload()
    english_box_focused(page, 8)
    assert page.get_by_role("button", name="Sign in").count() == 0

    # a shared link opens another segment in a fresh tab of the same browser
    other = browser.new_page()
    other.goto(page.url.replace("seg=8", "seg=6"))
    english_box_focused(other, 6)
    assert other.locator("textarea[aria-label='English']").input_value() == "Talks were held (draft two)."

    # signing out forgets the cookie: a reload shows the sign-in form
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()
    page.reload()
    page.get_by_role("button", name="Sign in").wait_for()


def test_memory_match_and_glossary_term_shortcuts(server, browser):  # noqa: F811
    """Alt+1 puts the first memory match's English in the box; Alt+Shift+1 inserts the first approved
    term's English at the caret; a click on a term does the same; the save stores what the box shows."""
    from workbench.ingest import build_document
    from workbench.records import Term

    base, store = server
    segs = store.segments("000")
    seg = segs[5]  # the talks between the two capitals
    (copy, _), = store.add_documents([build_document(seg.text + "\n", "reprint.txt")])
    store.save_edit(store.segments(copy.id)[0].id, "The two capitals held talks.", "rita", 0)
    store.add_term(Term(None, "ru", "переговоры", "negotiations", status="approved"), "rita")
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, base, "ann", "ann-password-1")
    page.wait_for_function("document.cookie.includes('wb_session=')")  # the address load stays signed in
    page.goto(f"{base}/editor?doc={store.document('000').name}&seg=6")
    english_box_focused(page, 6)
    box = page.locator("textarea[aria-label='English']")
    page.locator(".wb-match[data-n='1']").wait_for()
    page.keyboard.press("Alt+1")
    assert box.input_value() == "The two capitals held talks."
    # the caret after "The two capitals held ": the term goes there, replacing nothing
    page.keyboard.press("End")
    for _ in range(len("talks.")):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+End")
    page.keyboard.press("Alt+Shift+1")
    assert box.input_value() == "The two capitals held negotiations"
    page.keyboard.type(".")
    page.locator("li.wb-term-use[data-n='1']").click()  # a click inserts at the caret too
    assert box.input_value() == "The two capitals held negotiations.negotiations"
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "English"
    page.keyboard.press("Alt+S")
    page.get_by_text("Segment 6: saved as v1").wait_for()
    assert store.english_for([seg.id])[seg.id].text == "The two capitals held negotiations.negotiations"
