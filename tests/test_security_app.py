"""The app as an attacker or a demoted user would meet it (AppTest from the entry script): sessions
re-checked on every run, sign-out clearing the tab, sign-in throttling, review of the version seen,
user text escaped on every page, the admin-only cache, and the Streamlit configuration."""

from __future__ import annotations

import re
import time
import tomllib
from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.test_app import PASSWORDS, no_exceptions, sign_in
from tests.test_app import env as env  # noqa: F401 - a fixture
from workbench.actions import Actor, PermissionDenied
from workbench.actions import terms as term_actions
from workbench.actions import users as ua
from workbench.auth import hash_password
from workbench.config import DEFAULT_MAX_IMPORT_BYTES
from workbench.ingest import import_bytes
from workbench.ui import streamlit_app as wa

ADMIN = Actor("adam", "admin")
UNESCAPED = re.compile(r"(?<!\\)!\\?\[|(?<!\\)\]\(|(?<!\\)<img")


def shown_markdown(at: AppTest) -> list[str]:
    """Every Markdown source the page sent: text, captions, alerts, the sidebar."""
    out = []
    for kind in ("markdown", "caption", "success", "error", "warning", "info"):
        out += [e.value for e in at.get(kind)]
    out += [e.value for e in at.sidebar.markdown]
    return out


@pytest.mark.parametrize("change, message", [
    (lambda s: ua.change_role(s, ADMIN, "rita", "translator"), "role or password changed"),
    (lambda s: ua.change_password(s, ADMIN, "rita", "reset-by-admin-1"), "role or password changed"),
    (lambda s: ua.set_disabled(s, ADMIN, "rita"), "disabled"),
    (lambda s: ua.delete_user(s, ADMIN, "rita"), "no longer exists"),
])
def test_an_open_session_ends_at_its_next_action_when_the_user_changes(env, change, message):
    term = term_actions.propose_term(env, Actor("ann", "translator"), "ru", "переговоры", "talks")
    rita = sign_in("rita")
    rita.switch_page("pages/glossary.py").run()
    assert not rita.button(key="gl_approve").disabled
    change(env)
    rita.button(key="gl_approve").click().run()
    no_exceptions(rita)
    assert env.term(term.id).status == "proposed"  # the click did nothing
    assert "wb_session" not in rita.session_state
    assert any(message in w.value for w in rita.warning), [w.value for w in rita.warning]


def test_a_demoted_admin_can_no_longer_change_roles(env):
    env.add_user("root", "admin", hash_password("root-password-1"))
    adam = sign_in("adam")
    adam.switch_page("pages/users.py").run()
    ua.change_role(env, Actor("root", "admin"), "adam", "translator")
    adam.selectbox(key="users_who").set_value("ann").run()
    assert {u.name: u.role for u in env.users()}["ann"] == "translator"
    assert "wb_session" not in adam.session_state


def test_an_idle_session_is_signed_out(env):
    at = sign_in("ann")
    at.session_state["wb_session"] = replace(at.session_state["wb_session"], last_seen=time.time() - 2 * 3600)
    at.run()
    assert "wb_session" not in at.session_state
    assert any("without activity" in w.value for w in at.warning)


def test_sign_out_clears_everything_the_tab_held(env):
    at = sign_in("ann")
    # What a page leaves in the tab: a prepared download, a form value, the editor's place.
    at.session_state["ex_file"] = ("glossary.tsv", b"lang\tsource\n")
    at.session_state["editor_find"] = "secret draft"
    at.sidebar.button(key="sign_out").click().run()
    assert "editor_find" not in at.session_state
    assert "ex_file" not in at.session_state and "wb_session" not in at.session_state
    assert any(e["action"] == "user.signout" and e["actor"] == "ann" for e in env.events(5))


def test_sign_in_is_throttled_after_repeated_failures(env):
    for _ in range(ua.FREE_FAILURES):
        assert "wrong password" in sign_in("ann", "not-the-password").error[0].value
    at = sign_in("ann")  # the right password, too soon
    assert "too many failed attempts" in at.error[0].value and "wb_session" not in at.session_state
    assert len(env.events(50, actions=("user.signin_throttled",))) == 2  # once for the user, once for the client


def test_a_review_of_a_term_changed_meanwhile_is_refused_with_both_texts(env):
    term = term_actions.propose_term(env, Actor("ann", "translator"), "ru", "переговоры", "talks")
    rita = sign_in("rita")
    rita.switch_page("pages/glossary.py").run()
    term_actions.edit_term(env, Actor("ann", "translator"), term.id, english="negotiations")
    rita.button(key="gl_approve").click().run()
    no_exceptions(rita)
    (error,) = [e.value for e in rita.error]
    assert "talks" in error and "negotiations" in error and "changed since you opened it" in error
    assert env.term(term.id).status == "proposed"


def test_user_text_is_escaped_on_every_page(env):
    hostile = "![x](http://203.0.113.9/pixel.png) <img src=http://203.0.113.9/i.png> [click](http://203.0.113.9)"
    name = "eve ![e](http://203.0.113.9/e.png)"
    env.add_user(name, "reviewer", hash_password("eve-password-1"))
    from workbench.config import load_config

    import_bytes(env, "hostile.txt", f"{hostile}\n\nНовость дня {hostile}.\n".encode(), load_config())
    at = sign_in(name, "eve-password-1")
    no_exceptions(at)
    assert at.sidebar.markdown and all(not UNESCAPED.search(v) for v in shown_markdown(at))
    at.switch_page("pages/corpus.py").run()
    at.selectbox(key="corpus_doc").set_value(env.document("hostile.txt").id).run()
    assert any("203.0.113.9" in c.value.replace("\\", "") for c in at.caption)  # the segment's text is shown, escaped
    assert all(not UNESCAPED.search(v) for v in shown_markdown(at))
    at.switch_page("pages/glossary.py").run()
    at.text_input(key="gl_p_src").input("переговоры")
    at.text_input(key="gl_p_en").input(hostile)
    at.button(key="FormSubmitter:gl_propose-Propose").click().run()
    no_exceptions(at)
    assert any("Proposed" in v for v in shown_markdown(at))
    for page in ("home", "corpus", "editor", "story", "glossary", "export", "quality"):
        at.switch_page(f"pages/{page}.py").run()
        no_exceptions(at)
        for value in shown_markdown(at):
            assert not UNESCAPED.search(value), (page, value)


def test_only_an_admin_clears_the_model_cache(env):
    calls = []
    wa._cached("res:test-model", lambda: calls.append(1) or "model")
    with pytest.raises(PermissionDenied):
        wa.clear_cached(Actor("rita", "reviewer"))
    assert "res:test-model" in wa._CACHE
    adam = sign_in("adam")
    adam.switch_page("pages/users.py").run()
    adam.button(key="users_clear_cache").click().run()
    no_exceptions(adam)
    assert "res:test-model" not in wa._CACHE
    assert any(k.startswith("store:") for k in wa._CACHE)  # the store stays open


def test_the_streamlit_configuration_hides_details_and_limits_uploads():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["client"]["toolbarMode"] == "minimal"
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["server"]["maxUploadSize"] * 1024 * 1024 == DEFAULT_MAX_IMPORT_BYTES
    # `workbench serve` passes the same settings, for a server started outside the checkout
    from workbench.cli.serve import SERVER_OPTIONS

    for name, value in SERVER_OPTIONS.items():
        section, key = name.split(".")
        if section in cfg and key in cfg[section]:
            assert str(cfg[section][key]).lower() == value, name
    assert {"server.fileWatcherType", "server.runOnSave", "runner.postScriptGC"} <= set(SERVER_OPTIONS)
    assert cfg["runner"]["postScriptGC"] is False and cfg["server"]["fileWatcherType"] == "none"


def test_the_users_page_disables_and_filters_the_log(env):
    adam = sign_in("adam")
    for _ in range(3):
        sign_in("ann", "wrong-password-x")
    adam.switch_page("pages/users.py").run()
    adam.selectbox(key="users_who").set_value("ann").run()
    adam.button(key="users_disable").click().run()
    no_exceptions(adam)
    assert env.user_account("ann").disabled
    log = adam.dataframe[1].value
    assert "user.disable" in set(log["action"]) and "user.signin_failed" not in set(log["action"])
    adam.toggle(key="users_log_failed").set_value(True).run()
    assert "user.signin_failed" in set(adam.dataframe[1].value["action"])
    assert PASSWORDS  # the app's test users
