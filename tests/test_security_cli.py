"""The CLI as an attacker or a careless operator would use it: identity on a store with users (tokens,
the operator mode, refusals with one line and exit 2), role checks on every changing command,
translator imports arriving as proposed, control characters kept off the terminal, storage and
configuration failures as one line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from workbench import auth
from workbench.actions import Actor
from workbench.actions.users import issue_token
from workbench.cli import storage_problem
from workbench.config import load_config
from workbench.glossary import write_glossary_table
from workbench.ingest import import_paths
from workbench.records import Term
from workbench.store import Store


@pytest.fixture
def project(tmp_path: Path):
    """A data directory with the seed corpus, a translator, a reviewer and an admin, and their tokens."""
    data = tmp_path / "data"
    config = load_config(env={"WORKBENCH_DATA_DIR": str(data)})
    store = Store(config.database_url)
    import_paths(store, [CORPUS], config)
    tokens = {}
    for name, role in (("tina", "translator"), ("rita", "reviewer"), ("adam", "admin")):
        store.add_user(name, role, auth.hash_password(f"{name}-password-1"))
        tokens[name] = issue_token(store, Actor("setup", "admin", "operator"), name)
    yield data, store, tokens
    store.close()


def env_for(tokens: dict[str, str], name: str) -> dict[str, str]:
    return {"WORKBENCH_USER": name, "WORKBENCH_TOKEN": tokens.get(name, "")}


def one_line_refusal(res, *fragments: str) -> None:
    assert res.returncode == 2, (res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("workbench: "), res.stderr
    for f in fragments:
        assert f in lines[0], lines[0]


def test_a_changing_command_needs_a_verified_user(run_cli, project):
    data, store, tokens = project
    seg = store.segments("000")[0]
    before = store.events(500)
    for extra, env, message in (([], {}, "this store has users"),
                                (["--user", "ghost"], {}, "'ghost': not verified"),
                                (["--user", "rita"], {}, "'rita': not verified"),
                                ([], {"WORKBENCH_USER": "rita", "WORKBENCH_TOKEN": tokens["tina"]}, "not verified"),
                                ([], {"WORKBENCH_USER": "rita", "WORKBENCH_TOKEN": "wbt_guess"}, "not verified")):
        one_line_refusal(run_cli(*extra, "role", seg.id, "boilerplate", data_dir=data, env=env), message)
    assert store.segment(seg.id).role == seg.role and store.events(500) == before
    # Reading needs no identity.
    assert run_cli("docs", "--format", "jsonl", data_dir=data).returncode == 0
    ok = run_cli("role", seg.id, "boilerplate", data_dir=data, env=env_for(tokens, "tina"))
    assert ok.returncode == 0, ok.stderr
    assert store.segment(seg.id).role == "boilerplate" and "tina" in store.segment(seg.id).role_reason


def test_a_disabled_user_or_a_replaced_token_is_refused(run_cli, project):
    data, store, tokens = project
    seg = store.segments("000")[0]
    old = tokens["tina"]
    new = issue_token(store, Actor("tina", "translator", "token"), "tina")
    one_line_refusal(run_cli("role", seg.id, "heading", data_dir=data, env={"WORKBENCH_USER": "tina",
                                                                            "WORKBENCH_TOKEN": old}), "not verified")
    store.set_user_disabled("tina", True, actor="adam")
    one_line_refusal(run_cli("role", seg.id, "heading", data_dir=data, env={"WORKBENCH_USER": "tina",
                                                                            "WORKBENCH_TOKEN": new}), "not verified")


@pytest.mark.parametrize("args", [
    ["users", "add", "eve", "--role", "admin"],
    ["users", "role", "tina", "admin"],
    ["users", "disable", "rita"],
    ["users", "token", "rita"],
])
def test_a_translator_cannot_manage_users(run_cli, project, args):
    data, store, tokens = project
    one_line_refusal(run_cli(*args, data_dir=data, env=env_for(tokens, "tina")), "not allowed for tina (translator)")
    assert {u.name: u.role for u in store.users()} == {"tina": "translator", "rita": "reviewer", "adam": "admin"}


def test_translator_dismiss_and_story_assign_are_recorded_as_the_translator(run_cli, project):
    data, store, tokens = project
    docs = [d.name for d in store.documents()][:2]
    res = run_cli("stories", "--assign", *docs, "--name", "talks", "--format", "jsonl", data_dir=data,
                  env=env_for(tokens, "tina"))
    assert res.returncode == 0, res.stderr
    assert any(e["actor"] == "tina" and e["action"].startswith("story") for e in store.events(50))


def test_a_translators_import_tbx_of_approved_rows_arrives_as_proposed(run_cli, project, tmp_path: Path):
    data, store, tokens = project
    table = tmp_path / "approved.tsv"
    table.write_text(write_glossary_table([Term(None, "ru", "пресс-секретарь", "spokesperson", "approved")]),
                     encoding="utf-8")
    res = run_cli("import-tbx", str(table), data_dir=data, env=env_for(tokens, "tina"))
    assert res.returncode == 0, res.stderr
    assert "1 as proposed: tina may not approve terms" in res.stdout
    (term,) = store.terms()
    assert (term.status, term.created_by) == ("proposed", "tina")


def test_the_operator_acts_as_admin_and_the_log_says_so(run_cli, project):
    data, store, _ = project
    res = run_cli("--operator", "--user", "ops", "users", "role", "tina", "reviewer", data_dir=data)
    assert res.returncode == 0, res.stderr
    (event,) = store.events(1, actions=("user.role",))
    assert (event["actor"], event["detail"]) == ("ops (operator)", "translator -> reviewer")
    token = run_cli("--operator", "users", "token", "rita", data_dir=data)
    assert token.returncode == 0 and token.stdout.strip().splitlines()[-1].startswith("wbt_")
    assert store.user_account("rita").token_hash.startswith("sha256$")
    assert token.stdout.strip().splitlines()[-1] not in store.user_account("rita").token_hash


def test_terminal_escape_sequences_never_reach_the_terminal(run_cli, project):
    data, store, tokens = project
    res = run_cli("glossary", "add", "ru", "Кремль", "Kremlin\x1b[2J", "--note", "\x1b]0;owned\x07\x9b31m",
                  data_dir=data, env=env_for(tokens, "tina"))
    assert res.returncode == 0, res.stderr
    listed = run_cli("glossary", "list", data_dir=data)
    assert "Kremlin[2J" in listed.stdout
    assert not any(c in listed.stdout for c in "\x1b\x07\x9b")
    as_json = run_cli("glossary", "list", "--format", "jsonl", data_dir=data)
    assert not any(c in as_json.stdout for c in "\x1b\x07\x9b")
    record = json.loads(as_json.stdout.splitlines()[0])
    assert (record["english"], record["note"]) == ("Kremlin\x1b[2J", "\x1b]0;owned\x07\x9b31m")  # data unchanged


def test_the_cli_import_refuses_look_alike_names(run_cli, tmp_path: Path):
    bad = tmp_path / "news\u200b.txt"
    bad.write_text("Новость дня.\n", encoding="utf-8")
    one_line_refusal(run_cli("import", str(bad)), "not a usable file name", "U+200B")


def test_a_read_only_database_is_one_line(run_cli, project, tmp_path: Path):
    data, store, tokens = project
    db = data / "workbench.db"
    url = f"sqlite:///file:{db}?mode=ro&uri=true"
    res = run_cli("glossary", "add", "ru", "Кремль", "Kremlin", data_dir=data,
                  env={**env_for(tokens, "tina"), "WORKBENCH_DB": url})
    one_line_refusal(res, "read-only")
    assert "Traceback" not in res.stderr and store.terms() == []


def test_storage_failures_read_as_one_line():
    full = OSError(28, "No space left on device")
    full.filename = "/srv/data/workbench.db"
    assert storage_problem(full) == "storage: the disk is full (/srv/data/workbench.db)"
    locked = sqlite3.OperationalError("database is locked")
    assert "locked by another process" in storage_problem(locked)
    assert "read-only" in storage_problem(PermissionError(13, "Permission denied"))


def test_a_config_value_of_the_wrong_type_is_one_line(run_cli, tmp_path: Path):
    cfg = tmp_path / "workbench.toml"
    cfg.write_text('batch_size = "16"\n', encoding="utf-8")
    one_line_refusal(run_cli("--config", str(cfg), "docs"), "batch_size = '16': must be an integer")
    cfg.write_text('engines = "marian"\n', encoding="utf-8")
    one_line_refusal(run_cli("--config", str(cfg), "docs"), "engines = 'marian': must be a table of strings")
