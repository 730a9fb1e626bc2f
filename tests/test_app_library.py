"""The functions the pages call, tested directly: permissions, editing, find and replace, highlighting,
glossary import/export, uploads, story corrections, progress."""

from __future__ import annotations

import re

import pytest

from tests.conftest import CORPUS
from workbench.actions import PermissionDenied, documents, imports, segments, terms
from workbench.actions import flags as flag_actions
from workbench.errors import WorkbenchError
from workbench.ingest import IngestError, build_document, import_paths
from workbench.records import Bead, Flag, Term, Translation, User
from workbench.store import EditConflict
from workbench.text import words
from workbench.ui import editor, home, quality, story
from workbench.ui import glossary as gl
from workbench.ui import html as h
from workbench.ui import users as us

ANN, RITA, ADAM = User("ann", "translator"), User("rita", "reviewer"), User("adam", "admin")


@pytest.fixture
def doc(store):
    text = ("Переговоры в Женеве\n"
            "США не возьмут на себя твердых обязательств. Россия стянула войска к границе.\n"
            "Встреча пройдет 10 января.\n")
    (d, _), = store.add_documents([build_document(text, "geneva.txt")])
    d = store.document(d.id)
    mt = ["Talks in Geneva", "The USA will not take firm obligations.", "Russia pulled troops to the border.",
          "The meeting will be held on January 10."]
    store.save_translations([(Translation(s.id, t, "marian", "m"), s.text) for s, t in zip(d.segments, mt,
                                                                                        strict=True)])
    return d


# --- permissions -------------------------------------------------------------------------------
def test_translators_cannot_approve_terms_documents_or_manage_users(store, doc):
    term = terms.propose_term(store, ANN, "ru", "твердые обязательства", "firm commitments")
    with pytest.raises(PermissionDenied, match="approve_term: not allowed for ann \\(translator\\)"):
        terms.review_term(store, ANN, term.id, "approved")
    with pytest.raises(PermissionDenied):
        documents.approve_document(store, ANN, doc.id)
    with pytest.raises(PermissionDenied):
        us.set_role(store, ANN, "ann", "admin")
    with pytest.raises(PermissionDenied):
        us.users(store, RITA)
    assert store.term(term.id).status == "proposed" and store.document(doc.id).status == "new"
    assert terms.review_term(store, RITA, term.id, "approved", "ok").status == "approved"
    assert documents.approve_document(store, RITA, doc.id) == "approved"


def test_nobody_signed_in_can_do_nothing(store, doc):
    sid = doc.segments[1].id
    for call in (lambda: segments.save_english(store, None, sid, "x", 0),
                 lambda: segments.accept_segment(store, None, sid),
                 lambda: terms.propose_term(store, None, "ru", "a", "b"),
                 lambda: imports.upload(store, None, None, [("a.txt", b"text")]),
                 lambda: segments.find_replace(store, None, doc.id, "USA", "US", apply=True)):
        with pytest.raises(PermissionDenied, match="nobody is signed in"):
            call()
    assert store.history(sid) == []


def test_a_translator_edits_only_proposed_terms(store):
    term = terms.propose_term(store, ANN, "ru", "переговоры", "talks")
    terms.edit_term(store, ANN, term.id, english="negotiations")
    terms.review_term(store, RITA, term.id, "approved")
    with pytest.raises(PermissionDenied):
        terms.edit_term(store, ANN, term.id, english="chats")
    assert terms.edit_term(store, RITA, term.id, note="diplomatic").note == "diplomatic"
    assert store.term(term.id).english == "negotiations"


# --- saving, accepting, conflicts ----------------------------------------------------------------
def test_save_accept_and_conflict(store, doc):
    sid = doc.segments[1].id
    edit = segments.save_english(store, ANN, sid, "  The US will not make firm commitments. ", 0)
    assert (edit.version, edit.text, edit.author) == (1, "The US will not make firm commitments.", "ann")
    with pytest.raises(EditConflict) as caught:
        segments.save_english(store, RITA, sid, "Rita's version.", 0)
    assert caught.value.current.text == "The US will not make firm commitments."
    assert segments.resolve_conflict(store, RITA, sid, "theirs", "Rita's version.", 1) is None
    kept = segments.resolve_conflict(store, RITA, sid, "mine", "Rita's version.", 1)
    assert [e.text for e in store.history(sid)] == ["The US will not make firm commitments.", "Rita's version."]
    assert kept.version == 2
    # accepting with a changed text saves it first; accepting the MT as it is saves nothing
    segments.accept_segment(store, ANN, doc.segments[2].id)
    assert store.segment(doc.segments[2].id).status == "approved" and store.history(doc.segments[2].id) == []
    segments.accept_segment(store, ANN, doc.segments[3].id, "The meeting is on January 10.", 0)
    assert store.english_for([doc.segments[3].id])[doc.segments[3].id].text == "The meeting is on January 10."


def test_accept_needs_english(store):
    (d, _), = store.add_documents([build_document("Одна фраза без перевода.\n", "x.txt")])
    with pytest.raises(segments.EditError, match="no English to accept"):
        segments.accept_segment(store, ANN, store.segments(d.id)[0].id)


def test_dismissing_a_flag_needs_a_reason(store, doc):
    sid = doc.segments[3].id
    (flag,) = store.replace_flags({sid: (doc.segments[3].text, "The meeting will be held on January 10.")},
                                  [Flag(sid, "source", 15, 25, "date", 0.6, "date changed")])
    with pytest.raises(segments.EditError, match="reason"):
        flag_actions.dismiss_flag(store, ANN, flag.id, "  ")
    assert flag_actions.dismiss_flag(store, ANN, flag.id, "same date").status == "dismissed"


# --- find and replace --------------------------------------------------------------------------
def test_find_replace_with_groups_case_and_literal(store, doc):
    plan = segments.find_replace(store, ANN, doc.id, r"(\w+) (\d+)\.", r"\2 \1.")
    assert [(p.after, p.count) for p in plan.planned] == [("The meeting will be held on 10 January.", 1)]
    assert store.history(doc.segments[3].id) == []  # planning saves nothing
    plan = segments.find_replace(store, ANN, doc.id, "the", "THE", case_sensitive=False)
    assert plan.count == 3 and len(plan.planned) == 3
    assert plan.planned[1].after == "Russia pulled troops to THE border."
    literal = segments.find_replace(store, ANN, doc.id, "USA.", "U.S.", regex=False)
    assert literal.planned == []  # "USA." is not in the text literally: the dot is not "any character"
    done = segments.find_replace(store, ANN, doc.id, r"\bUSA\b", r"United States", apply=True)
    assert len(done.saved) == 1 and not done.conflicts
    (edit,) = store.history(doc.segments[1].id)
    assert edit.text == "The United States will not take firm obligations." and edit.origin == "replace"


@pytest.mark.parametrize("pattern, repl, message", [
    ("", "x", "search pattern is empty"), ("(", "x", "invalid regular expression"),
    ("(USA)", r"\2", "invalid replacement"), ("USA", r"\g<name>", "invalid replacement")])
def test_find_replace_bad_input_changes_nothing(store, doc, pattern, repl, message):
    with pytest.raises(segments.EditError, match=re.escape(message)):
        segments.find_replace(store, ANN, doc.id, pattern, repl, apply=True)
    assert all(store.history(s.id) == [] for s in doc.segments)


# --- editor rows, filters, navigation, highlighting ----------------------------------------------
def test_rows_filter_sort_and_step(store, doc):
    s = doc.segments
    store.replace_flags({x.id: (x.text, "") for x in s}, [
        Flag(s[1].id, "source", 0, 3, "term", 0.3, "term missing"),
        Flag(s[3].id, "source", 15, 25, "date", 0.9, "date changed", level="error")])
    store.save_edit(s[2].id, "Russia massed troops at the border.", "ann", 0)
    _, rows = editor.load_rows(store, doc.id)
    assert [r.edited for r in rows] == [False, False, True, False]
    assert [r.origin for r in rows] == ["mt", "mt", "human", "mt"]
    assert [r.id for r in editor.filter_rows(rows, kinds=["date"])] == [s[3].id]
    assert [r.id for r in editor.filter_rows(rows, flagged_only=True)] == [s[1].id, s[3].id]
    assert [r.id for r in editor.filter_rows(rows, statuses=["edited"])] == [s[2].id]
    assert [r.id for r in editor.filter_rows(rows, query="BORDER")] == [s[2].id]
    worst = editor.filter_rows(rows, sort="risk", risk_of=lambda fl: max((f.severity for f in fl), default=0.0))
    assert [r.id for r in worst][:2] == [s[3].id, s[1].id]
    assert [r.id for r in editor.filter_rows(rows, min_risk=0.5, risk_of=lambda fl: max(
        (f.severity for f in fl), default=0.0))] == [s[3].id]
    assert editor.step(rows, s[0].id, 1) == s[1].id and editor.step(rows, s[0].id, -1) is None
    assert editor.step(rows, s[1].id, 1, flagged=True) == s[3].id
    assert editor.step(rows, s[3].id, -1, flagged=True) == s[1].id
    assert editor.step(rows, s[3].id, 1, flagged=True) is None
    before, cur, after = editor.window(rows, s[0].id)
    assert before == [] and cur.id == s[0].id and [r.id for r in after] == [s[1].id, s[2].id]
    with pytest.raises(WorkbenchError):
        editor.filter_rows(rows, sort="alphabet")


def test_render_text_escapes_and_numbers_words():
    text = 'Он сказал: <script>alert("x")</script> & ушёл'
    out = h.render_text(text, [h.Mark(0, 9, "wb-f-error", 'flag "one"'), h.Mark(3, 15, "wb-term", "term")],
                        word_numbers=True)
    assert "<script" not in out and "</script" not in out and "&lt;" in out and "&amp;" in out
    assert 'title="flag &quot;one&quot; | term"' in out
    # every word of workbench.text.words() is numbered, in order
    numbered = [int(n) for n in re.findall(r'data-w="(\d+)"', out)]
    assert sorted(set(numbered)) == list(range(len(words(text))))
    assert re.sub(r"<[^>]+>", "", out).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"') \
        .replace("&amp;", "&") == text


def test_pair_html_marks_flags_terms_links_and_origin(store, doc):
    seg = doc.segments[1]
    store.replace_flags({seg.id: (seg.text, "The USA will not take firm obligations.")},
                        [Flag(seg.id, "target", 30, 38, "term", 0.5, "use 'commitments'", "commitments",
                              level="warning")])
    term = Term(1, "ru", "твердое обязательство", "firm commitment", "approved")
    _, rows = editor.load_rows(store, doc.id)
    out = editor.pair_html(rows[1], terms=[term], links=[(0, 1), (5, 6)])
    assert 'class="wb-en wb-mt"' in out and "MT · marian" in out
    assert "glossary: твердое обязательство → firm commitment" in out  # matched in an inflected form
    assert 'class="wb-f-warning"' in out and "→ commitments" in out
    assert f'.{h.pair_class(seg.id)}:has(.wb-src [data-w="0"]:hover) .wb-en [data-w="1"]' in out
    store.save_edit(seg.id, "The US will make no firm commitments.", "ann", 0)
    _, rows = editor.load_rows(store, doc.id)
    edited = editor.pair_html(rows[1])
    assert 'class="wb-en wb-human"' in edited and "edited · v1" in edited


def test_segment_risk_is_listed_not_highlighted_and_the_worst_overlapping_flag_shows(store, doc):
    seg = doc.segments[1]
    n = len(seg.text)
    store.replace_flags({seg.id: (seg.text, "")},
                        [Flag(seg.id, "source", 0, n, "quality_estimate", 0.3, "risk 0.30",
                              detector="risk.segment", level="note"),
                         Flag(seg.id, "source", 0, 3, "missing_term", 0.9, "term missing",
                              detector="glossary.missing", level="error"),
                         Flag(seg.id, "source", 0, n, "length", 0.2, "long", detector="qa.length", level="note")])
    _, rows = editor.load_rows(store, doc.id)
    src, _ = editor.marks(rows[1])
    assert [(m.start, m.end, m.css) for m in src] == [(0, 3, "wb-f-error"), (0, n, "wb-f-note")]
    assert len(rows[1].open_flags) == 3 and len(rows[1].findings) == 2  # the panel lists the estimate too
    out = editor.pair_html(rows[1])
    assert "risk 0.30" not in out and "2 flags" in out
    assert 'class="wb-f-error wb-f-note" title="missing_term' in out
    # that span carries both classes; the stylesheet declares the error last, so its colour wins
    assert h.CSS.index(".wb-f-note{") < h.CSS.index(".wb-f-warning{") < h.CSS.index(".wb-f-error{")


def test_quality_counts_flags_without_the_segment_risk_estimates(store, doc):
    a, b = doc.segments[1], doc.segments[2]
    store.replace_flags({a.id: (a.text, ""), b.id: (b.text, "")},
                        [Flag(a.id, "source", 0, len(a.text), "quality_estimate", 0.62, "risk",
                              detector="risk.segment", level="note"),
                         Flag(b.id, "source", 0, len(b.text), "quality_estimate", 0.1, "risk",
                              detector="risk.segment", level="note"),
                         Flag(a.id, "source", 0, 3, "omission", 0.8, "missing", detector="adequacy.omission",
                              level="error")])
    flags, risks = quality.flag_rows(store)
    assert [(f["kind"], f["level"], f["document"]) for f in flags] == [("omission", "error", doc.name)]
    assert sorted(r["risk"] for r in risks) == [0.1, 0.62] and {r["document"] for r in risks} == {doc.name}
    assert quality.likely_wrong(risks) == 1


def test_a_risk_estimate_alone_does_not_make_a_segment_flagged(store, doc):
    a, b, c = doc.segments[0], doc.segments[1], doc.segments[2]
    store.replace_flags({s.id: (s.text, "") for s in (a, b, c)},
                        [Flag(s.id, "source", 0, len(s.text), "quality_estimate", 0.4, "risk", detector="risk.segment",
                              level="note") for s in (a, b, c)]
                        + [Flag(c.id, "source", 0, 3, "omission", 0.8, "missing", detector="adequacy.omission",
                                level="warning")])
    _, rows = editor.load_rows(store, doc.id)
    assert editor.step(rows, a.id, 1, flagged=True) == c.id  # "Flag ▸" skips b, which only has its estimate
    assert [r.id for r in editor.filter_rows(rows, flagged_only=True)] == [c.id]
    assert "quality_estimate" not in {k for r in rows for k in r.kinds}
    progress = {p.name: p for p in home.progress(store)}[doc.name]
    assert progress.open_flags == 1


def test_history_diffs_against_the_mt(store, doc):
    seg = doc.segments[1]
    store.save_edit(seg.id, "The USA will not make firm commitments.", "ann", 0)
    _, rows = editor.load_rows(store, doc.id)
    hist = editor.history(store, rows[1])
    assert [v["version"] for v in hist] == [1, 0]
    assert '<del class="wb-del">take</del><ins class="wb-ins">make</ins>' in hist[0]["diff"]
    assert '<del class="wb-del">obligations</del><ins class="wb-ins">commitments</ins>' in hist[0]["diff"]


# --- glossary import and export ----------------------------------------------------------------
def test_glossary_tsv_round_trip_and_translator_imports_as_proposed(store):
    terms.propose_term(store, ANN, "ru", "мирные переговоры", "peace talks", note="headline")
    term = store.terms()[0]
    terms.review_term(store, RITA, term.id, "approved")
    data = gl.export_tsv(store.terms())
    assert data.decode().splitlines()[1] == "ru\tмирные переговоры\tpeace talks\tapproved\tterm\theadline"
    extra = data + "uk\tмирні переговори\tpeace talks\tapproved\tterm\t\n".encode()
    added = terms.import_tsv(store, ANN, "../../etc/terms.tsv", extra)
    assert {(t.lang, t.status) for t in added} == {("uk", "proposed")}  # the ru entry was there already
    with pytest.raises(terms.GlossaryError, match=r"^bad\.tsv(:1)?: missing glossary column"):
        terms.import_tsv(store, RITA, "bad.tsv", b"lang\tsource\nru\tx\n")
    with pytest.raises(terms.GlossaryError, match=r"bad\.tsv:2: status 'maybe'"):
        terms.import_tsv(store, RITA, "bad.tsv",
                      b"lang\tsource\tenglish\tstatus\tkind\tnote\nru\ta\tb\tmaybe\tterm\t\n")
    assert len(store.terms()) == 2


# --- uploads -----------------------------------------------------------------------------------
def test_upload_keeps_base_names_and_is_all_or_nothing(store, config):
    good = "Новость дня.\nВторая строка новости.\n".encode()
    report = imports.upload(store, config, ANN, [("..\\..\\win.txt", good), ("/etc/x/../abs.md", good + b"!")])
    assert [d.name for d in report.added] == ["win.txt", "abs.md"]
    assert not any((config.data_dir / n).exists() for n in ("win.txt", "abs.md"))
    before = len(store.documents())
    for files, message in (([("ok.txt", good + b"2"), ("evil.exe", b"MZ")], "unsupported file type .exe"),
                           ([("ok.txt", good + b"3"), ("empty.txt", b"")], "empty.txt"),
                           ([("ok.txt", good + b"4"), ("big.txt", b"a" * (config.max_import_bytes + 1))],
                            "over the import limit")):
        with pytest.raises(IngestError, match=re.escape(message)):
            imports.upload(store, config, ANN, files)
        assert len(store.documents()) == before


# --- story corrections and progress -----------------------------------------------------------
def test_story_corrections(seeded, config):
    ru, ru2 = seeded.document("000"), seeded.document("002")
    seeded.assign_story([ru.id, ru2.id], "pair", "t")
    a, b = ru.segments, ru2.segments
    seeded.save_alignment(ru.id, ru2.id, [Bead([a[0].id, a[1].id], [b[0].id, b[1].id], 0.7),
                                          Bead([a[2].id], [], 0.1)])
    (view,) = story.pairs(seeded, "pair")
    assert [r["kind"] for r in view.rows()] == ["2-2", "1-0"] and view.rows()[1]["only in"] == ru.name
    with pytest.raises(documents.AlignmentEditError, match="choose two or more"):
        story.correct(seeded, ANN, view, "link", [1])
    with pytest.raises(documents.AlignmentEditError, match="links both versions"):
        story.correct(seeded, ANN, view, "unlink", [2])
    with pytest.raises(documents.AlignmentEditError, match="beads 1 to 2"):
        story.correct(seeded, ANN, view, "split", [7])
    with pytest.raises(documents.AlignmentEditError, match="nothing on one side"):
        story.correct(seeded, ANN, view, "split", [1], 2, 2)
    beads = story.correct(seeded, ANN, view, "split", [1], 1, 1)
    assert [(x.src, x.tgt, x.locked) for x in beads][:2] == [([a[0].id], [b[0].id], True),
                                                             ([a[1].id], [b[1].id], True)]
    with pytest.raises(PermissionDenied):
        story.correct(seeded, None, story.pairs(seeded, "pair")[0], "link", [1, 2])


def test_home_progress_counts(store, config):
    import_paths(store, [CORPUS / "000_610044b63f9e47d7.txt"], config)
    d = store.documents()[0]
    segs = [s for s in store.segments(d.id) if s.role != "boilerplate"]
    store.save_translations([(Translation(s.id, f"English {n}", "marian", "m"), s.text)
                             for n, s in enumerate(segs[:4])])
    store.save_edit(segs[0].id, "Edited.", "ann", 0)
    store.set_segment_status(segs[1].id, "approved", "ann")
    (p,) = home.progress(store)
    everything = store.segments(d.id)
    # the editor's count: every segment, boilerplate shown apart
    assert (p.segments, p.work, p.translated, p.edited, p.approved) == (len(everything), len(segs), 4, 1, 1)
    assert p.boilerplate == len(everything) - len(segs)
    assert p.row()["translated %"] == round(400 / len(segs))
    assert p.by_status == {"new": len(segs) - 4, "MT": 2, "edited": 1, "confirmed": 1}
    assert p.words > len(segs)


def test_progress_shares_keep_one_decimal_below_one_percent():
    assert home.share(11, 593) == 2.0 and home.share(5, 593) == 0.8 and home.share(0, 593) == 0.0
    assert home.share(300, 593) == 51.0 and home.share(1, 0) == 0.0


def test_text_shown_as_markdown_is_inert():
    from workbench.ui.streamlit_app import md

    hostile = "see [this](javascript:alert(1)) <img src=x onerror=alert(1)> **now** `code` _x_ #h |t| ~s~ $m$"
    out = md(hostile)
    for special in "[]<>*`_#|~$":
        assert all(out[i - 1] == "\\" for i, c in enumerate(out) if c == special)
    assert out.replace("\\", "") == hostile
