"""The action layer: permissions, authorship from the acting user, imports as proposed, review versions,
limits on English and imports, regular expressions with a time limit, sessions, sign-in throttling,
the password policy, the audit log filter, spreadsheet-safe exports, and the safe-text helpers."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import pytest

from workbench import auth
from workbench.actions import Actor, PermissionDenied, author, imports, segments, terms
from workbench.actions import users as ua
from workbench.exchange.tabular import export_units_table, read_units_table
from workbench.glossary import read_glossary_table, write_glossary_table
from workbench.ingest import MAX_LINE_CHARS, MAX_SEGMENT_CHARS, IngestError, build_document
from workbench.records import Term, Translation
from workbench.safetext import from_spreadsheet_cell, md, spreadsheet_cell, terminal

TINA, RITA, ADAM = (Actor("tina", "translator"), Actor("rita", "reviewer"), Actor("adam", "admin"))
PASSWORDS = {"tina": "tina-password-1", "rita": "rita-password-1", "adam": "adam-password-1"}


@pytest.fixture
def people(store):
    for u in (TINA, RITA, ADAM):
        store.add_user(u.name, u.role, auth.hash_password(PASSWORDS[u.name]))
    return store


@pytest.fixture
def doc(store, config):
    text = "Заголовок новости\n\nПервое предложение статьи. Второе предложение статьи.\n"
    imports.upload(store, config, TINA, [("news.txt", text.encode())])
    d = store.document("news.txt")
    store.save_translations([(Translation(s.id, f"English {s.index}", "marian", "m"), s.text) for s in d.segments])
    return d


# --- imports of terms: a translator's rows arrive as proposed, the author is the acting user ------
TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>t</p></sourceDesc></fileDesc>
</martifHeader><text><body>
<termEntry id="e1"><langSet xml:lang="ru"><tig><term>пресс-секретарь</term>
<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig></langSet>
<langSet xml:lang="en"><tig><term>spokesperson</term></tig></langSet>
<transacGrp><transac type="transactionType">origination</transac>
<transacNote type="responsibility">rita</transacNote></transacGrp></termEntry>
</body></text></martif>"""


@pytest.mark.parametrize("suffix", [".tbx", ".tsv", ".csv"])
def test_a_translators_term_import_arrives_as_proposed_and_is_theirs(people, tmp_path: Path, suffix: str):
    path = tmp_path / f"approved{suffix}"
    if suffix == ".tbx":
        path.write_text(TBX, encoding="utf-8")
    else:
        path.write_text(write_glossary_table([Term(None, "ru", "пресс-секретарь", "spokesperson", "approved")],
                                             delimiter="," if suffix == ".csv" else "\t"), encoding="utf-8")
    (report,) = imports.import_glossary_files(people, TINA, [path])
    (term,) = people.terms()
    assert (term.status, term.created_by) == ("proposed", "tina") and report.as_proposed == 1
    history = people.term_history(term.id)
    assert [h["author"] for h in history] == ["tina"]
    # The same file by a reviewer keeps its status, still with the reviewer as the author.
    people.close()


def test_a_reviewers_tbx_import_keeps_the_status_but_not_the_files_author(people, tmp_path: Path):
    path = tmp_path / "g.tbx"
    path.write_text(TBX.replace("rita", "adam"), encoding="utf-8")
    imports.import_glossary_files(people, RITA, [path])
    (term,) = people.terms()
    assert (term.status, term.created_by) == ("approved", "rita")
    assert "the file names 'adam' as responsible" not in people.term_history(term.id)[0]["author"]


def test_uploaded_glossary_by_a_translator_is_proposed(people):
    data = "lang\tsource\tenglish\tstatus\tkind\tnote\nru\tКремль\tKremlin\tapproved\tterm\t\n".encode()
    done = terms.upload_terms(people, TINA, "g.tsv", data)
    assert [(t.status, t.created_by) for t in done.added] == [("proposed", "tina")]


def test_review_names_the_english_it_approves(people):
    term = terms.propose_term(people, TINA, "ru", "переговоры", "talks")
    seen = term.english
    terms.edit_term(people, TINA, term.id, english="negotiations")  # after the reviewer opened it
    with pytest.raises(terms.TermChanged) as err:
        terms.review_term(people, RITA, term.id, "approved", seen_english=seen)
    assert "'talks'" in str(err.value) and "'negotiations'" in str(err.value)
    assert people.term(term.id).status == "proposed"
    assert terms.review_term(people, RITA, term.id, "approved", seen_english="negotiations").status == "approved"
    with pytest.raises(terms.GlossaryError, match="say why"):
        terms.review_term(people, RITA, term.id, "rejected", "  ")
    with pytest.raises(PermissionDenied):
        terms.review_term(people, TINA, term.id, "approved", seen_english="negotiations")


# --- limits --------------------------------------------------------------------------------------
def test_saved_english_is_limited_to_ten_times_the_source(store, doc):
    seg = doc.segments[1]
    limit = segments.max_english_chars(seg.text)
    assert limit == 10 * len(seg.text) + 1000
    with pytest.raises(segments.EditError, match=f"at most {limit:,}"):
        segments.save_english(store, TINA, seg.id, "x" * (limit + 1), 0)
    assert store.history(seg.id) == []
    assert segments.save_english(store, TINA, seg.id, "y" * limit, 0).version == 1
    with pytest.raises(segments.EditError, match="would have"):
        segments.find_replace(store, TINA, doc.id, "y", "yyyy", regex=False, apply=True)
    assert len(store.history(seg.id)) == 1


def test_an_approved_document_is_read_only_for_every_caller(people, doc):
    from workbench.actions.documents import approve_document

    first, second = doc.segments[1], doc.segments[2]
    approve_document(people, RITA, doc.id)
    for attempt in (lambda: segments.save_english(people, TINA, first.id, "New English.", 0),
                    lambda: segments.accept_segment(people, RITA, first.id),
                    lambda: segments.merge_segments(people, TINA, first.id, second.id),
                    lambda: segments.find_replace(people, TINA, doc.id, "English", "Text", apply=True)):
        with pytest.raises(segments.EditError, match="approved and read-only"):
            attempt()
    assert people.english_for([first.id])[first.id].text == "English 1"
    approve_document(people, RITA, doc.id, False)  # reopened
    assert segments.save_english(people, TINA, first.id, "New English.", 0).text == "New English."


def test_a_slow_regular_expression_stops_with_a_clear_message(store, doc):
    seg = doc.segments[1]
    segments.save_english(store, TINA, seg.id, "a" * 40 + "!", 0)
    started = time.monotonic()
    with pytest.raises(segments.EditError, match=r"took longer than 1 s.*simplify it"):
        segments.find_replace(store, TINA, doc.id, "(a|aa)+$", "b")
    assert time.monotonic() - started < 10
    report = segments.find_replace(store, TINA, doc.id, "a+!", "done", apply=True)
    assert [e.text for e in report.saved] == ["done"]


def test_over_long_lines_and_segments_are_refused_at_import():
    with pytest.raises(IngestError, match=rf"one\.txt:2: line of {MAX_LINE_CHARS + 1:,} characters"):
        build_document("Заголовок\n" + "а" * (MAX_LINE_CHARS + 1), "one.txt")
    sentence = " ".join(["слово"] * (MAX_SEGMENT_CHARS // 6 + 10))  # one line, no sentence end
    with pytest.raises(IngestError, match=r"long\.txt:3: a sentence of [\d,]+ characters; at most 5,000"):
        build_document("Заголовок\n\n" + sentence + ".", "long.txt")


@pytest.mark.parametrize("bad", ["evil\u202etxt.exe.txt", "re\u200bport.txt", "tab\there.txt"])
def test_a_multi_file_upload_with_one_bad_name_commits_nothing(store, config, bad):
    good = "Новость дня.\nВторая строка новости.\n".encode()
    with pytest.raises(IngestError, match="not a usable file name"):
        imports.upload(store, config, TINA, [("good.txt", good), (bad, good + b"!")])
    assert store.documents() == []


def test_the_cli_import_refuses_the_names_the_upload_refuses(store, config, tmp_path: Path):
    path = tmp_path / "re\u200bport.txt"
    path.write_text("Новость дня.\n", encoding="utf-8")
    with pytest.raises(IngestError, match="invisible character U\\+200B"):
        imports.import_articles(store, config, TINA, [path])
    assert store.documents() == []


# --- sessions, sign-in, passwords -------------------------------------------------------------------
def test_a_session_ends_when_the_user_changes(people):
    for change, message in ((lambda: ua.change_role(people, ADAM, "rita", "translator"), "role or password"),
                            (lambda: ua.change_password(people, ADAM, "rita", "a-new-secret-1"), "role or password"),
                            (lambda: ua.set_disabled(people, ADAM, "rita"), "disabled"),
                            (lambda: ua.delete_user(people, ADAM, "rita"), "no longer exists")):
        if not any(u.name == "rita" for u in people.users()):
            people.add_user("rita", "reviewer", auth.hash_password(PASSWORDS["rita"]))
        ua.set_disabled(people, ADAM, "rita", False)
        ua.change_role(people, ADAM, "rita", "reviewer")
        session = ua.open_session(people, ua.sign_in(people, "rita", PASSWORDS["rita"] if True else ""))
        assert ua.check_session(people, session, idle_seconds=60, max_seconds=3600).actor == RITA
        change()
        with pytest.raises(ua.SessionEnded, match=message):
            ua.check_session(people, session, idle_seconds=60, max_seconds=3600)
        if "password" in message:
            ua.change_password(people, ADAM, "rita", PASSWORDS["rita"])


def test_a_session_ends_when_idle_or_too_old(people):
    session = ua.open_session(people, ua.sign_in(people, "tina", PASSWORDS["tina"]), now=1000.0)
    assert ua.check_session(people, session, idle_seconds=60, max_seconds=3600, now=1059.0).last_seen == 1059.0
    with pytest.raises(ua.SessionEnded, match="without activity"):
        ua.check_session(people, session, idle_seconds=60, max_seconds=3600, now=1061.0)
    with pytest.raises(ua.SessionEnded, match="at most"):
        ua.check_session(people, session, idle_seconds=10**6, max_seconds=3600, now=1000.0 + 3601)


def test_a_disabled_user_cannot_sign_in_and_the_last_admin_stays(people):
    ua.set_disabled(people, ADAM, "tina")
    with pytest.raises(ua.SignInFailed, match="unknown user name or wrong password"):
        ua.sign_in(people, "tina", PASSWORDS["tina"], throttle=ua.SignInThrottle())
    with pytest.raises(PermissionDenied):
        ua.set_disabled(people, RITA, "tina", False)
    for act in (lambda: ua.set_disabled(people, ADAM, "adam"), lambda: ua.delete_user(people, ADAM, "adam"),
                lambda: ua.change_role(people, ADAM, "adam", "reviewer")):
        with pytest.raises(ua.ActionError, match="last admin"):
            act()
    assert [e["action"] for e in people.events(1, exclude=ua.SIGN_IN_NOISE)] == ["user.disable"]


def test_sign_in_backs_off_per_user_and_per_client_and_logs_once_per_burst(people):
    now = [0.0]
    throttle = ua.SignInThrottle(clock=lambda: now[0])
    for _ in range(ua.FREE_FAILURES):
        with pytest.raises(ua.SignInFailed, match="wrong password"):
            ua.sign_in(people, "tina", "not-her-password", client="10.0.0.7", throttle=throttle)
    # Now even the right password waits: first 2 s, then twice as long after each further failure.
    with pytest.raises(ua.SignInFailed, match="too many failed attempts; try again in 3 s"):
        ua.sign_in(people, "tina", PASSWORDS["tina"], client="10.0.0.8", throttle=throttle)
    # The same client is held back for other names too.
    with pytest.raises(ua.SignInFailed, match="too many failed attempts"):
        ua.sign_in(people, "rita", PASSWORDS["rita"], client="10.0.0.7", throttle=throttle)
    waits = []
    for _ in range(12):
        now[0] += 10**4
        with pytest.raises(ua.SignInFailed, match="wrong password"):
            ua.sign_in(people, "tina", "still-wrong-pw", client="10.0.0.9", throttle=throttle)
        waits.append(throttle.wait(["user:tina"]))
    assert waits[:3] == [4.0, 8.0, 16.0] and max(waits) == ua.LOCK_SECONDS
    now[0] += ua.LOCK_SECONDS + 1
    assert ua.sign_in(people, "tina", PASSWORDS["tina"], client="10.0.0.9", throttle=throttle) == TINA
    actions = [e["action"] for e in people.events(100, exclude=("user.signin",))]
    assert actions.count("user.signin_failed") == ua.FREE_FAILURES
    throttled = [e for e in people.events(100, actions=("user.signin_throttled",))]
    assert sorted(e["target"] for e in throttled) == ["client:10.0.0.7", "client:10.0.0.9", "user:tina"]


def test_failed_sign_ins_cannot_push_real_changes_off_the_audit_log(people):
    ua.change_role(people, ADAM, "tina", "reviewer")
    throttle = ua.SignInThrottle()
    for n in range(250):
        with pytest.raises(ua.SignInFailed):
            ua.sign_in(people, f"nobody{n}", "whatever-pw", throttle=throttle)
    shown = ua.audit_log(people, ADAM)
    assert any(e["action"] == "user.role" for e in shown)
    assert not any(e["action"] == "user.signin_failed" for e in shown)
    assert ua.audit_log(people, ADAM, include_failed_sign_ins=True)[0]["action"] == "user.signin_failed"
    with pytest.raises(PermissionDenied):
        ua.audit_log(people, RITA)


@pytest.mark.parametrize("password, problem", [
    ("password", "at least 10"), ("12345678", "at least 10"), ("        ", "at least 10"),
    ("          ", "too simple"), ("1234567890", "too simple"), ("qwertyuiop", "too simple"),
    ("Password2024!", "most common"), ("iloveyou!!!", "most common"), ("tina-tina!!", ""), ("tina2025!!", "user name"),
])
def test_password_policy(password, problem):
    found = auth.password_problem(password, "tina")
    assert (problem in found) if problem else found == ""
    if problem:
        with pytest.raises(auth.WeakPassword):
            auth.hash_password(password, name="tina")


def test_only_admins_manage_users_and_an_admin_only_by_an_admin(people):
    for who in (TINA, RITA, None):
        with pytest.raises(PermissionDenied):
            ua.add_user(people, who, "eve", "admin", "eve-password-1")
        with pytest.raises(PermissionDenied):
            ua.issue_token(people, who, "adam")
    assert ua.issue_token(people, TINA, "tina").startswith("wbt_")  # one's own token
    account = people.user_account("tina")
    assert account.token_hash.startswith("sha256$")


def test_operator_changes_say_so(people, doc):
    op = Actor("ops", "admin", "operator")
    assert author(op) == "ops (operator)"
    seg = doc.segments[1]
    edit = segments.save_english(people, op, seg.id, "Operator text.", 0)
    assert edit.author == "ops (operator)"


# --- exports and text helpers ---------------------------------------------------------------------
def test_unit_tables_are_spreadsheet_safe_and_read_back(store, doc, tmp_path: Path):
    seg = doc.segments[1]
    segments.save_english(store, TINA, seg.id, "=HYPERLINK(\"http://example.invalid\",\"x\")", 0)
    out = tmp_path / "units.csv"
    export_units_table(store, "news.txt", out)
    cells = [c for row in csv.reader(out.open(encoding="utf-8")) for c in row]
    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells)
    assert "'=HYPERLINK(\"http://example.invalid\",\"x\")" in cells
    back = [dict(u.variants).get("en") for u in read_units_table(out)]
    assert "=HYPERLINK(\"http://example.invalid\",\"x\")" in back
    raw = tmp_path / "raw.csv"
    export_units_table(store, "news.txt", raw, raw_cells=True)
    assert "=HYPERLINK" in [c[:10] for row in csv.reader(raw.open(encoding="utf-8")) for c in row]


@pytest.mark.parametrize("text", ["=1+2", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx", "'=kept", "''=two", "'plain", "ok"])
def test_spreadsheet_cells_round_trip(text):
    cell = spreadsheet_cell(text)
    assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert from_spreadsheet_cell(cell) == text


def test_glossary_table_round_trips_any_text():
    hostile = Term(None, "ru", "МИД", 'the "MFA" abbreviation', "approved", "term", "tab\there\nnew line \"q\"")
    (back,) = read_glossary_table(write_glossary_table([hostile]), "g.tsv")
    assert (back.english, back.note) == (hostile.english, hostile.note)


def test_terminal_output_has_no_control_characters():
    assert terminal("red \x1b[31mtext\x1b[0m\x07 \u202eevil\x9b2J\r") == "red [31mtext[0m evil2J"
    assert terminal("a\nb\tc") == "a\nb\tc" and terminal("a\nb", keep_newlines=False) == "ab"


def test_markdown_escape_makes_images_links_and_headings_inert():
    out = md("# Title ![x](http://203.0.113.9/p.png) [link](http://example.invalid) :red[big] <b>")
    assert not re.search(r"(?<!\\)[!\[\]<]", out)  # every ! [ ] < escaped: no image, link, directive or tag
    assert "\\# Title" in out
    assert "http://" not in out.replace("\\", "")  # a bare address is not made a link either
    assert out.replace("\\", "").replace("\u2060", "") == "# Title ![x](http://203.0.113.9/p.png) [link](http://example.invalid) :red[big] <b>"


def test_a_translators_xliff_edits_are_theirs_and_leave_approval_to_a_reviewer(seeded, tmp_path: Path):
    from lxml import etree

    from tests.test_exchange_scenario import build_project
    from tests.test_exchange_xliff import X2
    from workbench.exchange.xliff import export_xliff

    project = build_project(seeded)
    store, seg = project.store, project.ru[0]
    out = tmp_path / "ru.xlf"
    export_xliff(store, "000_", out)
    tree = etree.parse(str(out))
    unit = tree.find(f".//x:unit[@id='{seg.id}']/x:segment", X2)
    unit.set("state", "final")
    unit.find("x:target", X2).text = "A sentence corrected in a CAT tool."
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    report = imports.import_xliff(store, TINA, out)
    (result,) = [r for r in report.results if r.unit_id == seg.id]
    assert "left to a reviewer" in result.detail and store.segment(seg.id).status != "approved"
    assert store.history(seg.id)[-1].author == "tina"
    # A reviewer's file (exported after the translator's edit) signs the segment off.
    export_xliff(store, "000_", out)
    tree = etree.parse(str(out))
    tree.find(f".//x:unit[@id='{seg.id}']/x:segment", X2).set("state", "final")
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    imports.import_xliff(store, RITA, out)
    assert store.segment(seg.id).status == "approved"
