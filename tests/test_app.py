"""The Streamlit app driven through AppTest from the entry script: sign-in, every page, each role's
permissions, editing and saving, conflicts between two people, glossary approval."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import CORPUS, ROOT
from workbench.auth import hash_password
from workbench.config import load_config
from workbench.ingest import build_document, import_paths
from workbench.records import Bead, Flag, Translation
from workbench.store import Store

APP = str(ROOT / "app.py")
PAGES = ["home", "corpus", "editor", "story", "glossary", "export", "quality"]
PASSWORDS = {"ann": "ann-password-1", "rita": "rita-password-1", "adam": "adam-password-1"}


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A seeded store with a translator, a reviewer and an admin, and the app pointed at it."""
    data = tmp_path / "data"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(data))
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    monkeypatch.delenv("WORKBENCH_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("WORKBENCH_CONFIG", raising=False)
    config = load_config()
    store = Store(config.database_url)
    import_paths(store, [CORPUS], config)
    for name, role in (("ann", "translator"), ("rita", "reviewer"), ("adam", "admin")):
        store.add_user(name, role, hash_password(PASSWORDS[name]))
    yield store
    store.close()


def machine_translate(store: Store, doc: str, texts: dict[int, str]) -> list:
    """Store MT output for some segments (by position) as the translate stage would."""
    segs = store.segments(doc)
    store.save_translations([(Translation(segs[i].id, text, "marian", "Helsinki-NLP/opus-mt-ru-en"), segs[i].text)
                             for i, text in texts.items()])
    return segs


def sign_in(name: str, password: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password if password is not None else PASSWORDS[name])
    at.button[0].click().run()
    return at


def open_segment(at: AppTest, doc_id: int, segment_id: str) -> AppTest:
    at.session_state["editor_doc"] = doc_id
    at.session_state["editor_cur"] = segment_id
    at.switch_page("pages/editor.py").run()
    return at


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def htmls(at: AppTest) -> str:
    return "".join(e.proto.body for e in at.get("html"))


def segment_list(at: AppTest) -> list[dict[str, str]]:
    """The editor's segment list (an HTML table) as rows of column -> cell text, the current row
    with "current" set."""
    from lxml import html as lhtml

    body = next(e.proto.body for e in at.get("html") if 'class="wb-list"' in e.proto.body)
    table = lhtml.fromstring(body).find(".//table")
    names = [th.text_content() for th in table.iter("th")]
    return [{**dict(zip(names, (td.text_content() for td in tr.iter("td")), strict=True)),
             "current": "wb-row-current" in (tr.get("class") or ""), "n": tr.get("data-n")}
            for tr in table.find("tbody").iter("tr")]


# --- sign-in -----------------------------------------------------------------------------------
def test_unauthenticated_browser_sees_only_the_sign_in_form(env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    no_exceptions(at)
    assert [t.key for t in at.text_input] == ["signin_name", "signin_password"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.sidebar.children or not at.sidebar.button
    for page in PAGES:  # not even registered with the navigation
        with pytest.raises(ValueError):
            at.switch_page(f"pages/{page}.py")


@pytest.mark.parametrize("page", [*PAGES, "users"])
def test_every_page_refuses_a_direct_run_without_sign_in(env, page):
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60).run()
    no_exceptions(at)
    assert [w.value for w in at.warning] == ["Sign in first."]
    assert not at.dataframe and not at.text_area and not at.button and not at.title


def test_wrong_password_is_refused_and_not_recorded(env):
    at = sign_in("ann", "not-the-password")
    assert "unknown user name or wrong password" in at.error[0].value
    assert "wb_session" not in at.session_state
    at2 = sign_in("not-the-password", "whatever-else")  # a password typed into the name field
    assert at2.error
    events = env.events()
    assert [e["action"] for e in events[:2]] == ["user.signin_failed", "user.signin_failed"]
    assert not any("not-the-password" in f"{e['actor']} {e['target']} {e['detail']}" for e in events)


def test_sign_in_shows_the_pages_of_the_role(env):
    at = sign_in("ann")
    no_exceptions(at)
    assert at.title[0].value == "Home"
    assert "Signed in as **ann** (translator)" in at.sidebar.markdown[0].value
    with pytest.raises(ValueError):
        at.switch_page("pages/users.py")  # admins only
    admin = sign_in("adam")
    admin.switch_page("pages/users.py").run()
    no_exceptions(admin)
    assert {r["name"] for r in admin.dataframe[0].value.to_dict("records")} == {"ann", "rita", "adam"}


def test_sign_out_forgets_the_user(env):
    at = sign_in("ann")
    assert at.dataframe
    at.sidebar.button(key="sign_out").click().run()
    # (a browser is sent to the sign-in form; AppTest keeps the old page, whose guard shows nothing)
    assert "wb_session" not in at.session_state
    assert not at.text_area and not at.dataframe and not at.sidebar.button
    at.run()
    assert not at.dataframe and not at.text_area
    assert any(e["action"] == "user.signin" and e["actor"] == "ann" for e in env.events())


def test_first_start_creates_an_admin_and_prints_how_to_sign_in(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.delenv("WORKBENCH_ADMIN_PASSWORD", raising=False)
    AppTest.from_file(APP, default_timeout=60).run()
    printed = capfd.readouterr().err
    assert "created the admin user 'admin'" in printed
    password = printed.split("password: ")[1].split()[0]
    at = sign_in("admin", password)
    no_exceptions(at)
    assert at.title[0].value == "Home"
    AppTest.from_file(APP, default_timeout=60).run()  # a second start creates nobody
    assert "created the admin" not in capfd.readouterr().err


def test_first_admin_password_from_the_environment(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "fresh2"))
    monkeypatch.setenv("WORKBENCH_ADMIN_PASSWORD", "chosen-by-ops-1")
    AppTest.from_file(APP, default_timeout=60).run()
    printed = capfd.readouterr().err
    assert "WORKBENCH_ADMIN_PASSWORD" in printed and "chosen-by-ops-1" not in printed
    assert sign_in("admin", "chosen-by-ops-1").title[0].value == "Home"


# --- every page --------------------------------------------------------------------------------
def test_every_page_renders_for_a_translator(env):
    machine_translate(env, "000", {3: "WASHINGTON."})
    at = sign_in("ann")
    titles = {"home": "Home", "corpus": "Corpus", "editor": "Editor", "story": "Story view",
              "glossary": "Glossary", "export": "Export", "quality": "Quality"}
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        no_exceptions(at)
        assert at.title[0].value == titles[page]
    at.switch_page("pages/home.py").run()
    docs = at.dataframe[1].value
    assert list(docs["document"]) == [d.name for d in env.documents()]
    assert docs.loc[docs["document"].str.startswith("000"), "translated %"].item() > 0


# --- editing -----------------------------------------------------------------------------------
def test_edit_and_save_a_segment(env):
    segs = machine_translate(env, "000", {3: "WASHINGTON.", 4: "On Saturday the Biden administration said again."})
    doc = env.document("000")
    at = open_segment(sign_in("ann"), doc.id, segs[4].id)
    no_exceptions(at)
    assert 'class="wb-en wb-mt"' in htmls(at) and "MT · marian" in htmls(at)
    area = at.text_area[0]
    assert area.value == "On Saturday the Biden administration said again."
    area.input("On Saturday, the Biden administration reiterated its position.")
    at.button(key="editor_save").click().run()
    no_exceptions(at)
    hist = env.history(segs[4].id)
    assert [(h.version, h.author, h.text) for h in hist] == [
        (1, "ann", "On Saturday, the Biden administration reiterated its position.")]
    assert any("saved as v1" in s.value for s in at.success)
    assert "edited · v1" in htmls(at) and "wb-human" in htmls(at)
    # undo brings the MT back as a new version; nothing is rewritten
    at.segmented_control(key="editor_tool").set_value("history").run()
    assert any(c.value == "History (2 versions)" for c in at.caption)  # v1 and the MT
    at.button(key="editor_undo").click().run()
    assert [h.text for h in env.history(segs[4].id)][-1] == "On Saturday the Biden administration said again."
    assert len(env.history(segs[4].id)) == 2


def test_accept_saves_changes_and_moves_on(env):
    segs = machine_translate(env, "000", {3: "WASHINGTON.", 4: "On Saturday."})
    doc = env.document("000")
    at = open_segment(sign_in("ann"), doc.id, segs[3].id)
    at.button(key="editor_confirm").click().run()
    no_exceptions(at)
    assert env.segment(segs[3].id).status == "approved" and env.history(segs[3].id) == []
    assert at.session_state["editor_cur"] == segs[4].id


def test_copy_source_fills_the_target(env):
    segs = machine_translate(env, "000", {3: "WASHINGTON."})
    at = open_segment(sign_in("ann"), env.document("000").id, segs[3].id)
    at.button(key="editor_copy_source").click().run()
    assert at.text_area[0].value == segs[3].text


def test_navigation_next_and_next_flagged(env):
    segs = machine_translate(env, "000", {3: "WASHINGTON.", 4: "On Saturday.", 5: "Talks."})
    env.replace_flags({segs[5].id: (segs[5].text, "Talks.")},
                      [Flag(segs[5].id, "source", 0, 10, "omission", 0.9, "most of the sentence is missing",
                            detector="length", level="error")])
    doc = env.document("000")
    at = open_segment(sign_in("ann"), doc.id, segs[0].id)
    at.button(key="editor_next").click().run()
    assert [s.role for s in segs[1:3]] == ["boilerplate", "boilerplate"]
    assert at.session_state["editor_cur"] == segs[3].id  # Next skips boilerplate
    at.button(key="editor_next_flag").click().run()
    assert at.session_state["editor_cur"] == segs[5].id
    page = htmls(at)
    assert 'class="wb-f-error"' in page and "most of the sentence is missing" in page
    at.button(key="editor_prev").click().run()
    assert at.session_state["editor_cur"] == segs[4].id


def test_two_people_saving_the_same_segment_see_a_conflict_and_choose(env):
    segs = machine_translate(env, "000", {4: "On Saturday the administration said."})
    doc = env.document("000")
    sid = segs[4].id
    ann = open_segment(sign_in("ann"), doc.id, sid)
    rita = open_segment(sign_in("rita"), doc.id, sid)
    ann.text_area[0].input("Ann's English.")
    ann.button(key="editor_save").click().run()
    assert [h.text for h in env.history(sid)] == ["Ann's English."]

    rita.text_area[0].input("Rita's English.")
    rita.button(key="editor_save").click().run()
    no_exceptions(rita)
    assert "ann saved this segment (v1) after you opened it" in rita.error[0].value
    shown = [t.value for t in rita.text]
    assert "Rita's English." in shown and "Ann's English." in shown
    assert [h.text for h in env.history(sid)] == ["Ann's English."]  # nothing overwritten

    rita.button(key="editor_keep_mine").click().run()
    no_exceptions(rita)
    assert [(h.author, h.text) for h in env.history(sid)] == [("ann", "Ann's English."), ("rita", "Rita's English.")]

    # Ann's page still holds v1: her next save meets Rita's and she keeps Rita's text
    ann.run()
    assert any("newer version (v2)" in w.value for w in ann.warning)
    ann.text_area[0].input("Ann again.")
    ann.button(key="editor_save").click().run()
    assert "rita saved this segment (v2)" in ann.error[0].value
    ann.button(key="editor_keep_theirs").click().run()
    no_exceptions(ann)
    assert len(env.history(sid)) == 2
    assert ann.text_area[0].value == "Rita's English."


def test_flags_are_resolved_or_dismissed_with_a_reason(env):
    segs = machine_translate(env, "000", {4: "On Saturday the administration said."})
    sid = segs[4].id
    stored = env.replace_flags({sid: (segs[4].text, "On Saturday the administration said.")}, [
        Flag(sid, "source", 0, 10, "number", 0.7, "a number is missing", level="error"),
        Flag(sid, "target", 0, 2, "term", 0.3, "term not used", level="warning")])
    at = open_segment(sign_in("ann"), env.document("000").id, sid)
    first, second = stored
    flags_html = next(e.proto.body for e in at.get("html") if "wb-flags" in e.proto.body)
    assert flags_html.index("a number is missing") < flags_html.index("term not used")  # worst first
    pick = at.selectbox(key=f"editor_flag_pick_{sid}")
    assert pick.options == ["1. number (source)", "2. term (target)"]
    pick.set_value(second.id).run()
    at.button(key="editor_flag_dismiss").click().run()
    assert "give a reason" in at.error[0].value
    at.text_input(key="editor_flag_reason").input("the term is fine in a headline")
    at.button(key="editor_flag_dismiss").click().run()
    assert at.selectbox(key=f"editor_flag_pick_{sid}").options == ["1. number (source)"]
    at.button(key="editor_flag_resolve").click().run()
    no_exceptions(at)
    assert "Closed flags (2)" in htmls(at) and "the term is fine in a headline" in htmls(at)
    flags = {f.id: f for f in env.flags(segment_ids=[sid])}
    assert flags[second.id].status == "dismissed" and flags[second.id].reason == "the term is fine in a headline"
    assert flags[first.id].status == "resolved"


def test_find_and_replace_across_the_document(env):
    segs = machine_translate(env, "000", {4: "The USA will not make firm commitments.",
                                          5: "Talks between the USA and Russia."})
    at = open_segment(sign_in("ann"), env.document("000").id, segs[4].id)
    at.text_input(key="editor_find").input(r"\bthe USA\b|\bThe USA\b")
    at.text_input(key="editor_repl").input("the United States")
    at.button(key="editor_find_preview").click().run()
    assert "2 occurrence(s) in 2 segment(s)" in [c.value for c in at.caption]
    assert env.history(segs[4].id) == []  # a preview changes nothing
    at.button(key="editor_replace_all").click().run()
    no_exceptions(at)
    english = env.english_for([segs[4].id, segs[5].id])
    assert english[segs[5].id].text == "Talks between the United States and Russia."
    assert env.history(segs[4].id)[0].origin == "replace"
    at.text_input(key="editor_find").input("(unclosed")
    at.button(key="editor_find_preview").click().run()
    assert "invalid regular expression" in at.error[0].value


def test_split_and_merge_from_the_editor(env):
    doc = env.document("000")
    seg = doc.segments[4]
    at = sign_in("ann")
    at.session_state["editor_tool"] = "split"
    at = open_segment(at, doc.id, seg.id)
    # the split point is chosen among the word boundaries, not characters
    slider = at.select_slider(key=f"editor_split_at_{seg.id}")
    after_comma = seg.text.index(",") + 2  # the word after the comma
    assert len(slider.options) == len(seg.text.split()) - 1  # one per gap between words
    assert "…Байдена вновь заявила, ‖ что «США не…" in slider.options  # the quote goes with its word
    slider.set_value(after_comma).run()
    at.button(key="editor_split").click().run()
    no_exceptions(at)
    after = env.document("000").segments
    assert len(after) == len(doc.segments) + 1 and after[4].text == seg.text[:seg.text.index(",") + 1]
    at.button(key="editor_merge_next").click().run()
    no_exceptions(at)
    assert [s.text for s in env.document("000").segments] == [s.text for s in doc.segments]


def test_propose_a_term_from_selected_source_words(env):
    doc = env.document("000")
    seg = doc.segments[5]  # "Переговоры между Вашингтоном и Москвой ..."
    at = sign_in("ann")
    at.session_state["editor_tool"] = "term"
    at = open_segment(at, doc.id, seg.id)
    at.pills(key=f"editor_pick_{seg.id}").set_value([2, 3, 4]).run()
    assert at.text_input(key="editor_term_src").value == "Вашингтоном и Москвой"
    at.text_input(key="editor_term_en").input("Washington and Moscow")
    at.button(key="FormSubmitter:editor_term_form-Propose term").click().run()
    no_exceptions(at)
    (term,) = env.terms(query="Вашингтоном")
    assert (term.status, term.english, term.created_by, term.lang) == ("proposed", "Washington and Moscow", "ann", "ru")


def test_only_reviewers_approve_documents(env):
    doc = env.document("000")
    ann = open_segment(sign_in("ann"), doc.id, doc.segments[0].id)
    assert ann.button(key="editor_approve_doc").disabled
    rita = open_segment(sign_in("rita"), doc.id, doc.segments[0].id)
    rita.button(key="editor_approve_doc").click().run()
    no_exceptions(rita)
    assert env.document("000").status == "new"  # it asks first, listing what is not done
    assert any("untranslated segments: **" in m.value for m in rita.markdown)
    rita.button(key="editor_approve_yes").click().run()
    no_exceptions(rita)
    assert env.document("000").status == "approved"
    assert any(e["action"] == "document.status" and e["actor"] == "rita" for e in env.events())


# --- glossary ----------------------------------------------------------------------------------
def test_glossary_translator_proposes_reviewer_approves(env):
    ann = sign_in("ann")
    ann.switch_page("pages/glossary.py").run()
    ann.text_input(key="gl_p_src").input("шокирующая позиция")
    ann.text_input(key="gl_p_en").input("alarming build-up")
    ann.button(key="FormSubmitter:gl_propose-Propose").click().run()
    no_exceptions(ann)
    (term,) = env.terms()
    assert term.status == "proposed"
    assert ann.button(key="gl_approve").disabled and ann.button(key="gl_reject").disabled

    rita = sign_in("rita")
    rita.switch_page("pages/glossary.py").run()
    assert rita.selectbox(key="gl_term").value == term.id
    rita.button(key="gl_reject").click().run()
    assert "say why" in rita.error[0].value and env.term(term.id).status == "proposed"
    rita.text_input(key=f"gl_comment_{term.id}").input("matches the style guide")
    rita.button(key="gl_approve").click().run()
    no_exceptions(rita)
    assert env.term(term.id).status == "approved"
    history = env.term_history(term.id)
    assert [(h["action"], h["author"]) for h in history] == [("proposed", "ann"), ("approved", "rita")]
    assert history[1]["comment"] == "matches the style guide"
    shown = rita.dataframe[1].value
    assert list(shown["action"]) == ["proposed", "approved"]


def test_glossary_export_and_import_tsv(env):
    rita = sign_in("rita")
    rita.switch_page("pages/glossary.py").run()
    tsv = ("lang\tsource\tenglish\tstatus\tkind\tnote\n"
           "ru\tмирные переговоры\tpeace talks\tapproved\tterm\t\n"
           "uk\tмирні переговори\tpeace talks\tapproved\tterm\t\n").encode()
    rita.file_uploader(key="gl_upload").set_value(("terms.tsv", tsv, "text/tab-separated-values")).run()
    rita.button(key="gl_import").click().run()
    no_exceptions(rita)
    assert {(t.lang, t.status) for t in env.terms()} == {("ru", "approved"), ("uk", "approved")}


# --- corpus, story, export, quality ------------------------------------------------------------
def test_corpus_upload_and_role_change(env):
    at = sign_in("ann")
    at.switch_page("pages/corpus.py").run()
    text = "Новая статья о переговорах.\nВторой абзац статьи про саммит.\n".encode()
    at.file_uploader(key="corpus_files").set_value([("../../escape.txt", text, "text/plain")]).run()
    at.text_input(key="corpus_upload_story").input("summit")
    at.button(key="corpus_import").click().run()
    no_exceptions(at)
    new = env.documents()[-1]
    assert new.name == "escape.txt" and env.story("summit").doc_ids == [new.id]
    at.file_uploader(key="corpus_files").set_value([("ok.txt", text + b"x", "text/plain"),
                                                     ("bad.txt", b"\x00\x01\x02" * 50, "text/plain")]).run()
    at.button(key="corpus_import").click().run()
    assert "bad.txt" in at.error[0].value and len(env.documents()) == 6  # one bad file adds nothing

    at.selectbox(key="corpus_doc").set_value(new.id).run()
    at.number_input(key="corpus_seg").set_value(2).run()
    seg = env.segments(new.id)[1]
    at.selectbox(key=f"corpus_role_{seg.id}").set_value("boilerplate").run()
    at.button(key="corpus_set_role").click().run()
    no_exceptions(at)
    assert env.segment(seg.id).role == "boilerplate" and env.segment(seg.id).role_reason == "set by ann"


def test_story_view_marks_one_sided_beads_and_applies_corrections(env):
    ru, other = env.document("000"), env.document("002")
    env.assign_story([ru.id, other.id], "geneva", "test")
    a, b = ru.segments, other.segments
    env.save_alignment(ru.id, other.id, [Bead([a[0].id], [b[0].id], 0.9), Bead([a[1].id], [], 0.0),
                                         Bead([], [b[1].id], 0.0)], story_id=env.story("geneva").id)
    at = sign_in("ann")
    at.session_state["story_name"] = "geneva"
    at.switch_page("pages/story.py").run()
    no_exceptions(at)
    page = htmls(at)
    assert page.count("wb-story wb-only") == 2 and f"only in {ru.name}" in page and f"only in {other.name}" in page
    at.multiselect(key="story_beads").set_value([2, 3]).run()
    at.button(key="story_apply").click().run()
    no_exceptions(at)
    beads = env.alignment(ru.id, other.id)
    assert Bead([a[1].id], [b[1].id], 1.0, locked=True) in beads
    at.selectbox(key="story_action").set_value("unlink").run()
    at.multiselect(key="story_beads").set_value([1]).run()
    at.button(key="story_apply").click().run()
    pairs = [(x.src, x.tgt) for x in env.alignment(ru.id, other.id)]
    assert ([a[0].id], []) in pairs and ([], [b[0].id]) in pairs and ([a[0].id], [b[0].id]) not in pairs


def test_export_page_downloads_the_glossary(env):
    from workbench.records import Term

    env.add_term(Term(None, "ru", "переговоры", "talks", "approved"), "rita")
    at = sign_in("ann")
    at.switch_page("pages/export.py").run()
    at.radio(key="ex_format").set_value("TSV").run()
    at.button(key="ex_prepare").click().run()
    no_exceptions(at)
    name, data = at.session_state["ex_file"]
    assert name == "glossary.tsv" and "переговоры\ttalks\tapproved" in data.decode()
    assert at.get("download_button")


def test_quality_page_shows_post_editing_scores(env):
    segs = machine_translate(env, "000", {4: "On Saturday the administration said again.", 5: "Talks passed."})
    env.save_edit(segs[4].id, "On Saturday, the administration said again.", "ann", 0)
    env.replace_flags({segs[5].id: (segs[5].text, "Talks passed.")},
                      [Flag(segs[5].id, "source", 0, 5, "omission", 0.8, "missing words", level="error")])
    at = sign_in("ann")
    at.switch_page("pages/quality.py").run()
    no_exceptions(at)
    per_doc = at.dataframe[0].value
    row = per_doc[per_doc["document"].str.startswith("000")].iloc[0]
    assert row["segments"] == 1 and 0 < row["HTER"] < 50
    assert len(at.get("arrow_vega_lite_chart")) >= 4 or len(at.get("vega_lite_chart")) >= 4


def test_admin_changes_a_role_in_the_users_page(env):
    at = sign_in("adam")
    at.switch_page("pages/users.py").run()
    at.selectbox(key="users_who").set_value("ann").run()
    at.selectbox(key="users_role").set_value("reviewer").run()
    at.button(key="users_set_role").click().run()
    no_exceptions(at)
    assert {u.name: u.role for u in env.users()}["ann"] == "reviewer"


# --- with the other stages: translate, align, flags, exchange, TM -------------------------------
def test_editor_sorts_by_risk_and_shows_memory_suggestions(env):
    segs = machine_translate(env, "000", {4: "On Saturday the administration said.", 5: "Talks passed."})
    env.replace_flags({s.id: (s.text, "") for s in segs[4:6]}, [
        Flag(segs[4].id, "source", 0, 5, "number", 0.3, "a number is missing"),
        Flag(segs[5].id, "source", 0, 5, "omission", 0.9, "most of the sentence is missing", level="error")])
    (copy, _), = env.add_documents([build_document(segs[5].text + "\n", "reprint.txt")])
    twin = env.segments(copy.id)[0]
    env.save_edit(twin.id, "The talks between Washington and Moscow took place.", "rita", 0)
    at = open_segment(sign_in("ann"), env.document("000").id, segs[4].id)
    at.selectbox(key="editor_sort").set_value("risk").run()
    no_exceptions(at)
    shown = segment_list(at)
    assert [r["#"] for r in shown[:2]] == ["6", "5"] and [r["n"] for r in shown[:2]] == ["6", "5"]
    assert at.session_state["editor_cur"] == segs[5].id  # a new order starts at its top
    assert shown[0]["current"] and not any(r["current"] for r in shown[1:])
    assert [r["risk"] for r in shown[:2]] == ["0.90", "0.30"]  # the list shows what it sorts by
    at.session_state["editor_cur"] = segs[5].id
    at.run()
    no_exceptions(at)
    assert "<b>100%</b>" in htmls(at)
    assert "The talks between Washington and Moscow took place." in htmls(at)
    # the match carries its English for Alt+1 or a click (the browser test presses it)
    match = next(e.proto.body for e in at.get("html") if "class=\"wb-match\"" in e.proto.body)
    assert 'data-n="1" data-en="The talks between Washington and Moscow took place."' in match
    # concordance: where a phrase occurred (any inflected form) and how it was translated, the hit marked
    at.text_input(key="editor_conc").input("Вашингтон")
    at.button(key="editor_conc_go").click().run()
    no_exceptions(at)
    conc = next(e.proto.body for e in at.get("html") if "wb-conc" in e.proto.body)
    assert "The talks between Washington" in conc and "<mark>Вашингтоном</mark>" in conc


@pytest.mark.slow
def test_home_translates_aligns_and_flags_everything_pending(env, tmp_path, monkeypatch):
    from tests import tiny_mt

    models = tmp_path / "models"
    tiny = tiny_mt.build_tiny_marian(tmp_path / "tiny-marian")
    for lang in ("ru", "uk"):  # the configured hub ids, mapped to local copies
        shutil.copytree(tiny, models / "Helsinki-NLP" / f"opus-mt-{lang}-en")
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(models))
    monkeypatch.setenv("WORKBENCH_WORD_ALIGNER_MODEL", str(tmp_path / "no-such-aligner"))
    monkeypatch.setenv("WORKBENCH_CPU_THREADS", "1")
    at = sign_in("ann")
    at.button(key="home_process").click().run(timeout=600)
    no_exceptions(at)
    assert any("Done: aligned 2 stories, flagged 5 documents" in s.value for s in at.success)
    assert any("Word alignment skipped" in w.value and "no-such-aligner" in w.value for w in at.warning)
    segs = [s for s in env.segments("000") if s.role != "boilerplate"]
    english = env.english_for([s.id for s in segs])
    assert all(english[s.id].origin == "mt" for s in segs)
    assert env.story_alignments(env.document("000").story_id)
    docs = at.dataframe[1].value
    assert set(docs["translated %"]) == {100}


def test_story_view_runs_the_aligner(env):
    at = sign_in("ann")
    story = next(s for s in env.stories() if len(s.doc_ids) == 2)
    at.session_state["story_name"] = story.name
    at.switch_page("pages/story.py").run()
    assert "not aligned yet" in at.info[0].value
    at.button(key="story_align").click().run()
    no_exceptions(at)
    assert any("Aligned 1 document pair" in s.value for s in at.success)
    assert env.story_alignments(story.name) and "wb-story" in htmls(at)


@pytest.mark.parametrize("fmt, scope, marker", [("TMX", "document", "<tmx"), ("XLIFF", "document", "<xliff"),
                                               ("CSV", "story", "Saturday"), ("TBX", "glossary", "<martif"),
                                               ("HTML", "document", "On Saturday, the administration said again.")])
def test_export_formats(env, fmt, scope, marker):
    from workbench.records import Term

    segs = machine_translate(env, "000", {4: "On Saturday the administration said again."})
    env.save_edit(segs[4].id, "On Saturday, the administration said again.", "ann", 0)
    env.add_term(Term(None, "ru", "переговоры", "talks", "approved"), "rita")
    at = sign_in("ann")
    at.switch_page("pages/export.py").run()
    at.radio(key="ex_format").set_value(fmt).run()
    if scope == "story":
        at.radio(key=f"ex_scope_{fmt}").set_value("story").run()
        at.selectbox(key="ex_story").set_value(env.story(env.document("000").story_id).name).run()
    at.button(key="ex_prepare").click().run()
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    name, data = at.session_state["ex_file"]
    assert marker in data.decode("utf-8") and name.endswith(ex_suffix(fmt))


def ex_suffix(fmt: str) -> str:
    from workbench.exchange.formats import FORMATS

    return FORMATS[fmt].suffix
