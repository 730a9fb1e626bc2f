"""The editor of issue 14 through AppTest and its library: live QA (Run QA, re-check on save, the
starter glossary), Confirm and the triage order, the address, read-only approved documents, the
processing stages without a model, and the signed sign-in tokens."""

# ruff: noqa: F811  (the env fixture is imported from test_app)
from __future__ import annotations

import time

import pytest

from tests.test_app import env, htmls, machine_translate, no_exceptions, open_segment, sign_in  # noqa: F401
from workbench import sessions
from workbench.records import Flag, User
from workbench.ui import editor


def open_flags(store, segment_id: str) -> dict[str, str]:
    return {f.kind: f.status for f in store.flags(segment_ids=[segment_id]) if f.status == "open"}


# --- live QA -----------------------------------------------------------------------------------
def test_run_qa_then_a_save_rechecks_the_segment_and_closes_what_it_fixed(env):
    segs = machine_translate(env, "000", {3: "WASHINGTON.", 4: "On Saturday the administration said it again."})
    sid = segs[4].id
    at = open_segment(sign_in("ann"), env.document("000").id, sid)
    assert not env.flags(segment_ids=[sid])
    at.button(key="editor_run_qa").click().run()
    no_exceptions(at)
    assert any(s.value.startswith("QA: ") for s in at.success)
    # the starter glossary knows the name: the English lacks it
    assert "missing_term" in open_flags(env, sid)
    assert "missing_term" in htmls(at)
    at.text_area[0].input("On Saturday, the Biden administration said it again.")
    at.button(key="editor_save").click().run()
    no_exceptions(at)
    assert "missing_term" not in open_flags(env, sid)  # re-checked at once on save
    closed = [f for f in env.flags(segment_ids=[sid]) if f.kind == "missing_term"]
    assert closed and closed[0].status == "resolved"
    assert "missing_term" not in "".join(m.value for m in at.markdown if "missing_term" in m.value)


def test_a_proposed_term_does_not_switch_the_starter_glossary_off(env):
    from workbench.actions import terms

    segs = machine_translate(env, "000", {4: "On Saturday the administration said it again."})
    terms.propose_term(env, User("ann", "translator"), "ru", "переговоры", "talks")
    at = open_segment(sign_in("ann"), env.document("000").id, segs[4].id)
    at.button(key="editor_run_qa").click().run()
    assert "missing_term" in open_flags(env, segs[4].id)
    assert any("starter glossary" in i.value for i in at.info)


def test_process_everything_pending_flags_and_aligns_without_a_model(env, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(tmp_path / "no-models"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("WORKBENCH_WORD_ALIGNER_MODEL", str(tmp_path / "no-such-aligner"))
    at = sign_in("ann")
    at.button(key="home_process").click().run(timeout=300)
    no_exceptions(at)
    assert any(w.value.startswith("Skipped translate:") for w in at.warning)
    assert any("flagged 5 documents" in s.value for s in at.success)
    assert env.flags(doc_id=env.document("000").id)  # the source-side checks ran
    story = next(s for s in env.stories() if len(s.doc_ids) >= 2)
    assert env.story_alignments(story.id)


# --- confirm, navigation, the address ------------------------------------------------------------
def test_confirm_moves_to_the_next_segment_that_needs_work(env):
    segs = machine_translate(env, "000", {3: "WASHINGTON.", 4: "On Saturday.", 5: "Talks.", 6: "A warning."})
    env.set_segment_status(segs[4].id, "approved", "ann")  # already confirmed: skipped
    at = open_segment(sign_in("ann"), env.document("000").id, segs[3].id)
    at.button(key="editor_confirm").click().run()
    no_exceptions(at)
    assert env.segment(segs[3].id).status == "approved"
    assert at.session_state["editor_cur"] == segs[5].id
    assert "confirmed" in htmls(at) and "accepted" not in htmls(at)
    assert any(s.value == "Segment 4: confirmed" for s in at.success)


def test_a_stale_go_to_number_sent_along_with_save_is_ignored(env):
    """A browser that had not drawn the current number yet sends the old one with the next key press:
    the save happens, and the editor stays on the segment it saved."""
    segs = machine_translate(env, "000", {3: "WASHINGTON.", 4: "On Saturday."})
    at = open_segment(sign_in("ann"), env.document("000").id, segs[4].id)
    at.text_area[0].input("On Saturday, the talks.")
    at.number_input(key="editor_goto").set_value(4)  # the previous segment's number, as if stale
    at.button(key="editor_save").click().run()
    no_exceptions(at)
    assert at.session_state["editor_cur"] == segs[4].id
    assert [h.text for h in env.history(segs[4].id)] == ["On Saturday, the talks."]
    # typed on its own, the same number is a real jump
    at.number_input(key="editor_goto").set_value(4).run()
    assert at.session_state["editor_cur"] == segs[3].id


def test_moving_with_changed_text_keeps_it_as_a_draft(env):
    segs = machine_translate(env, "000", {3: "WASHINGTON.", 4: "On Saturday."})
    at = open_segment(sign_in("ann"), env.document("000").id, segs[3].id)
    at.text_area[0].input("WASHINGTON, D.C.")
    at.button(key="editor_next").click().run()
    no_exceptions(at)
    assert at.session_state["editor_cur"] == segs[4].id
    assert [h.text for h in env.history(segs[3].id)] == ["WASHINGTON, D.C."]
    assert env.segment(segs[3].id).status == "edited"  # a draft, not confirmed
    assert any("kept as a draft" in i.value for i in at.info)


def test_flagged_goes_to_the_worst_open_error_first_skipping_notes_and_boilerplate():
    from workbench.records import Segment

    def row(i, role, *flags):
        seg = Segment(id=f"s{i}", doc_id=1, index=i, start=0, end=1, text="x", role=role, lang="ru")
        return editor.EditorRow(seg, "y", "mt", 0, flags=[Flag(f"s{i}", "source", 0, 1, k, sev, "m", level=lv)
                                                          for k, sev, lv in flags])

    rows = [row(0, "content"), row(1, "boilerplate", ("boilerplate", 0.28, "note")),
            row(2, "content", ("end_punctuation", 0.3, "note")), row(3, "content", ("length", 0.6, "warning")),
            row(4, "content", ("omission", 0.97, "error")), row(5, "boilerplate", ("credit", 0.9, "error"))]
    assert [r.id for r in editor.triage(rows)] == ["s4", "s3"]
    assert editor.step_flagged(rows, "s0", 1) == "s4"
    assert editor.step_flagged(rows, "s4", 1) == "s3"
    assert editor.step_flagged(rows, "s3", 1) is None
    assert editor.step(rows, "s0", 1, skip_boilerplate=True) == "s2"
    # what the editor prefetches the memory for: where Next and Ctrl+Enter lead (s2 is confirmed)
    import dataclasses

    rows[2] = dataclasses.replace(rows[2], segment=dataclasses.replace(rows[2].segment, status="approved"))
    assert editor.after_confirm(rows, "s0") == "s3"
    assert [r.id for r in editor.ahead(rows, "s0")] == ["s2", "s3"]
    assert [r.id for r in editor.ahead(rows, "s4")] == ["s5"]  # nothing needs work after s4: simply the next
    # the list shows the risk it sorts by
    ordered = editor.filter_rows(rows, sort="risk")
    assert [r["risk"] for r in editor.overview(ordered)] == sorted((r.risk for r in rows), reverse=True)


def test_the_address_opens_a_document_at_a_segment_with_its_sort(env):
    doc = env.document("001")
    at = sign_in("ann")
    at.query_params["doc"] = doc.name
    at.query_params["seg"] = "7"
    at.query_params["sort"] = "risk"
    at.switch_page("pages/editor.py").run()
    no_exceptions(at)
    assert at.session_state["editor_doc"] == doc.id
    assert at.session_state["editor_cur"] == doc.segments[6].id
    assert at.selectbox(key="editor_sort").value == "risk"
    at.switch_page("pages/glossary.py").run()
    at.switch_page("pages/editor.py").run()  # back from another page: the same place
    assert at.session_state["editor_doc"] == doc.id and at.session_state["editor_cur"] == doc.segments[6].id
    assert at.selectbox(key="editor_sort").value == "risk"
    assert at.query_params["seg"] == ["7"] or at.query_params["seg"] == "7"


def test_an_approved_document_is_read_only_until_reopened(env):
    segs = machine_translate(env, "000", {3: "WASHINGTON."})
    env.set_document_status("000", "approved", "rita")
    ann = open_segment(sign_in("ann"), env.document("000").id, segs[3].id)
    no_exceptions(ann)
    assert ann.text_area[0].disabled
    assert ann.button(key="editor_save").disabled
    assert any("read-only" in i.value for i in ann.info)
    rita = open_segment(sign_in("rita"), env.document("000").id, segs[3].id)
    rita.button(key="editor_reopen_doc").click().run()
    assert env.document("000").status == "new"
    ann.run()
    assert not ann.text_area[0].disabled


# --- sign-in tokens ----------------------------------------------------------------------------
def test_session_tokens_are_signed_expire_and_follow_the_user_record(env, tmp_path):
    key = sessions.secret(tmp_path / "d")
    assert sessions.secret(tmp_path / "d") == key  # kept in the data directory
    assert oct((tmp_path / "d" / sessions.KEY_FILE).stat().st_mode & 0o777) == "0o600"
    token = sessions.issue(key, "ann")
    assert sessions.verify(key, token) == "ann"
    assert sessions.verify(sessions.secret(tmp_path / "other"), token) is None  # another server's key
    who, expiry, nonce, sig = token.split(".")
    forged = ".".join([sessions.issue(key, "adam").split(".")[0], expiry, nonce, sig])
    assert sessions.verify(key, forged) is None
    assert sessions.verify(key, sessions.issue(key, "ann", lifetime_s=-1)) is None  # expired
    assert sessions.verify(key, sessions.issue(key, "ann"), now=time.time() + sessions.LIFETIME_S + 5) is None
    assert sessions.verify(key, "garbage") is None and sessions.verify(key, "a.b.c.d") is None
    env.set_user_role("ann", "reviewer", actor="adam")
    assert sessions.user_for(env, key, token).role == "reviewer"  # the role is read fresh
    assert sessions.user_for(env, key, sessions.issue(key, "nobody")) is None


@pytest.mark.parametrize("page", ["home", "editor", "glossary"])
def test_pages_render_after_the_editor_changes(env, page):
    at = sign_in("ann")
    at.switch_page(f"pages/{page}.py").run()
    no_exceptions(at)


def test_glossary_page_shows_and_loads_the_starter_glossary(env):
    rita = sign_in("rita")
    rita.switch_page("pages/glossary.py").run()
    no_exceptions(rita)
    assert any("The flags use them for ru, uk" in c.value for c in rita.caption)
    rita.button(key="gl_load_starter").click().run()
    no_exceptions(rita)
    loaded = env.terms()
    assert loaded and {t.created_by for t in loaded} == {"rita"}
    assert any(s.value.startswith("Loaded ") for s in rita.success)
    rita.button(key="gl_load_starter").click().run()  # a second load adds nothing
    assert len(env.terms()) == len(loaded)


def test_serve_becomes_streamlit_so_sigterm_stops_the_server(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import urllib.request

    from tests.conftest import ROOT
    from tests.test_e2e_browser import free_port

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_DATA_DIR": str(tmp_path / "data")}
    env.pop("WORKBENCH_DB", None)
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--port", str(port), "--address",
                             "127.0.0.1"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)  # to the pid `workbench serve` started with
        assert proc.wait(timeout=30) is not None
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
    finally:
        if proc.poll() is None:
            proc.kill()


# --- review ------------------------------------------------------------------------------------
def test_comments_errors_send_back_and_the_tsv(env):
    from workbench.actions import review

    segs = machine_translate(env, "000", {4: "On Saturday the Biden administration said again."})
    sid = segs[4].id
    env.set_segment_status(sid, "approved", "ann")  # confirmed by the translator
    rita = sign_in("rita")
    rita.session_state["editor_tool"] = "review"
    rita = open_segment(rita, env.document("000").id, sid)
    rita.text_input(key="editor_comment_text").input("Is 'again' needed?")
    rita.button(key=f"FormSubmitter:editor_comment_form_{sid}-Add").click().run()
    no_exceptions(rita)
    rita.text_input(key="editor_err_span").input("said again")
    rita.selectbox(key="editor_err_cat").set_value("style")
    rita.button(key=f"FormSubmitter:editor_err_form_{sid}-Mark error").click().run()
    no_exceptions(rita)
    assert not rita.error, [e.value for e in rita.error]
    (err,) = review.annotations(env, [sid])
    assert (err.span, err.category, err.severity, err.author) == ("said again", "style", "major", "rita")
    rita.text_input(key="editor_back_reason").input("use 'reiterated'")
    rita.button(key="editor_send_back").click().run()
    no_exceptions(rita)
    assert env.segment(sid).status == "edited"
    notes = review.comments(env, [sid])
    assert [c.text for c in notes] == ["Is 'again' needed?", "Sent back: use 'reiterated'"]
    tsv = review.annotations_tsv(env, "000").decode().splitlines()
    assert tsv[0].split("\t")[:3] == ["document", "segment", "source"] and "\tsaid again\tstyle\tmajor\t" in tsv[1]
    # the translator sees the comments and resolves one; she cannot annotate or send back
    ann = open_segment(sign_in("ann"), env.document("000").id, sid)
    no_exceptions(ann)
    # open comments show the review tool without asking
    assert any(c.value.startswith("Review: 2 open comment(s), 1 error(s)") for c in ann.caption)
    with pytest.raises(KeyError):
        ann.text_input(key="editor_err_span")
    ann.button(key=f"editor_comment_resolve_{notes[0].id}").click().run()
    assert [c.status for c in review.comments(env, [sid])] == ["resolved", "open"]
    with pytest.raises(review.ReviewError, match="not found in the English"):
        review.annotate(env, User("rita", "reviewer"), sid, "Some English.", "nowhere", "style", "minor")
    assert {e["action"] for e in env.events()} >= {"comment.add", "error.annotate", "segment.send_back",
                                                   "comment.resolve"}


def test_quality_page_counts_english_written_without_mt(env):
    seg = env.segments("000")[4]
    env.save_edit(seg.id, "Written from scratch.", "ann", 0)
    at = sign_in("ann")
    at.switch_page("pages/quality.py").run()
    no_exceptions(at)
    assert any("1 segment(s) translated from scratch" in i.value for i in at.info)


# --- repetitions -------------------------------------------------------------------------------
def test_confirming_propagates_to_repetitions_and_one_click_undoes_it(env):
    from workbench.ingest import build_document
    from workbench.records import Translation

    segs = machine_translate(env, "000", {5: "Talks took place (MT)."})
    (copy, _), = env.add_documents([build_document("Вступление.\n" + segs[5].text + "\n", "reprint.txt")])
    twin = env.segments(copy.id)[1]
    env.save_translations([(Translation(twin.id, "The MT of the reprint.", "marian", "m"), twin.text)])
    at = open_segment(sign_in("ann"), env.document("000").id, segs[5].id)
    at.text_area[0].input("Talks between Washington and Moscow took place.")
    at.button(key="editor_confirm").click().run()
    no_exceptions(at)
    en = env.english_for([twin.id])[twin.id]
    assert (en.text, en.origin) == ("Talks between Washington and Moscow took place.", "propagated")
    assert env.segment(twin.id).status == "edited"  # filled, not confirmed
    assert any("to 1 repetition(s) (1 in other documents)" in c.value for c in at.caption)
    # the reviewer sees where it came from in the repetition's own document
    other = open_segment(sign_in("rita"), copy.id, twin.id)
    assert "propagated · v1" in htmls(other) and "wb-prop" in htmls(other)
    at.button(key="editor_undo_propagation").click().run()
    no_exceptions(at)
    assert env.english_for([twin.id])[twin.id].text == "The MT of the reprint."
    assert any(s.value.startswith("Propagation undone: 1 repetition(s)") for s in at.success)
    # with the toggle off, a confirmation leaves the repetitions alone
    at.session_state["editor_propagate"] = False
    at.session_state["editor_cur"] = segs[5].id
    at.run()
    at.text_area[0].input("Talks were held.")
    at.button(key="editor_confirm").click().run()
    assert env.english_for([twin.id])[twin.id].text == "The MT of the reprint."
