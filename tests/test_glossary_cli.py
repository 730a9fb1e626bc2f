"""`workbench glossary ...`: proposing, reviewing by role, loading the starter files, exporting."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.actions import Actor
from workbench.actions.users import issue_token
from workbench.auth import hash_password
from workbench.config import load_config
from workbench.store import Store, open_store

TOKENS: dict[str, str] = {}


def store_at(data: Path) -> Store:
    return open_store(load_config(env={"WORKBENCH_DATA_DIR": str(data)}))


def add_users(data: Path) -> None:
    store = store_at(data)
    try:
        store.add_user("tina", "translator", hash_password("translator-pw"))
        store.add_user("rita", "reviewer", hash_password("reviewer-pw"))
        operator = Actor("ops", "admin", "operator")
        TOKENS.update({name: issue_token(store, operator, name) for name in ("tina", "rita")})
    finally:
        store.close()


def as_user(name: str, token: str | None = None) -> dict[str, str]:
    """The environment of a CLI call acting as a verified user (WORKBENCH_USER + WORKBENCH_TOKEN)."""
    return {"WORKBENCH_USER": name, "WORKBENCH_TOKEN": TOKENS.get(name, "") if token is None else token}


def rows(res) -> list[dict]:
    assert res.returncode == 0, res.stderr
    return [json.loads(line) for line in res.stdout.splitlines()]


def test_propose_approve_reject_by_role(run_cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    add_users(data)
    (t,) = rows(run_cli("glossary", "add", "uk", "Північноатлантична рада", "North Atlantic Council",
                        "--note", "NATO's governing body", "--format", "jsonl", data_dir=data, env=as_user("tina")))
    assert t["status"] == "proposed"
    denied = run_cli("glossary", "approve", str(t["id"]), data_dir=data, env=as_user("tina"))
    assert denied.returncode == 2 and "approve_term: not allowed for tina (translator)" in denied.stderr
    stranger = run_cli("--user", "mallory", "glossary", "approve", str(t["id"]), data_dir=data)
    assert stranger.returncode == 2 and "'mallory': not verified" in stranger.stderr
    # A reviewer's name without the reviewer's token is refused too.
    forged = run_cli("--user", "rita", "glossary", "approve", str(t["id"]), data_dir=data, env=as_user("tina"))
    assert forged.returncode == 2 and "'rita': not verified" in forged.stderr
    assert run_cli("--user", "mallory", "glossary", "add", "ru", "Кремль", "Kremlin", data_dir=data).returncode == 2
    (ok,) = rows(run_cli("glossary", "approve", str(t["id"]), "--comment", "checked",
                         "--format", "jsonl", data_dir=data, env=as_user("rita")))
    assert ok["status"] == "approved"
    missing = run_cli("glossary", "reject", str(t["id"]), "999", data_dir=data, env=as_user("rita"))
    assert missing.returncode == 2 and "term 999" in missing.stderr
    assert rows(run_cli("glossary", "list", "--format", "jsonl", data_dir=data))[0]["status"] == "approved"
    history = rows(run_cli("glossary", "history", str(t["id"]), "--format", "jsonl", data_dir=data))
    assert [(h["action"], h["author"]) for h in history] == [("proposed", "tina"), ("approved", "rita")]


def test_load_keeps_statuses_only_for_a_reviewer(run_cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    add_users(data)
    # A translator's load brings every row in as proposed, whatever the file says.
    loaded = rows(run_cli("glossary", "load", "--format", "jsonl", data_dir=data, env=as_user("tina")))
    assert {Path(r["file"]).name for r in loaded} == {"security_ru.tsv", "security_uk.tsv"}
    assert all(r["added"] > 20 and r["as proposed"] == r["added"] - 2 for r in loaded)
    assert {t["status"] for t in rows(run_cli("glossary", "list", "--format", "jsonl", data_dir=data))} == {"proposed"}
    again = rows(run_cli("glossary", "load", "--format", "jsonl", data_dir=data, env=as_user("rita")))
    assert all(r["added"] == 0 and r["updated"] > 20 for r in again)
    approved = rows(run_cli("glossary", "list", "--status", "approved", "--lang", "uk", "--kind", "bad",
                            "--format", "jsonl", data_dir=data))
    assert {t["source"] for t in approved} >= {"шокуюча позиція", "угруповання 5-го дивізіону"}


def test_bad_file_leaves_the_store_unchanged(run_cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    good = tmp_path / "good.tsv"
    good.write_text("lang\tsource\tenglish\tstatus\tkind\tnote\nru\tКремль\tKremlin\tproposed\tterm\t\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text("lang\tsource\tenglish\tstatus\tkind\tnote\nru\tОБСЕ\tOSCE\tmaybe\tterm\t\n", encoding="utf-8")
    res = run_cli("glossary", "load", str(good), str(bad), data_dir=data)
    assert res.returncode == 2 and f"{bad}:2: status 'maybe'" in res.stderr and res.stderr.count("\n") == 1
    assert rows(run_cli("glossary", "list", "--format", "jsonl", data_dir=data)) == []


def test_export_round_trip(run_cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_cli("glossary", "add", "ru", "Совет Россия-НАТО", "NATO-Russia Council", data_dir=data)
    out = tmp_path / "export.tsv"
    assert run_cli("glossary", "export", str(out), data_dir=data).returncode == 0
    assert rows(run_cli("glossary", "load", str(out), "--format", "jsonl", data_dir=data))[0]["unchanged"] == 1
    assert "Совет Россия-НАТО\tNATO-Russia Council\tproposed\tterm" in out.read_text(encoding="utf-8")
