"""Command-line start-up: one command module per call, no SQLAlchemy where no store is needed, and
the lean `docs` listing equal to the store's."""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from workbench.cli import COMMAND_MODULES, COMMANDS, build_parser, command_of
from workbench.listing import SCHEMA_REVISION, read_listing, sqlite_path, store_listing
from workbench.store import SCHEMA_HEAD

ROOT = Path(__file__).resolve().parents[1]


def _registered(module: str) -> set[str]:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    importlib.import_module(f"workbench.cli.{module}").register(sub)
    return set(sub.choices)


def test_command_map_matches_what_each_module_registers():
    for module in COMMAND_MODULES:
        assert _registered(module) == {c for c, m in COMMANDS.items() if m == module}, module
    assert set(COMMANDS.values()) == set(COMMAND_MODULES)


def test_command_word_follows_the_global_options():
    assert command_of(["--db", "sqlite:///x.db", "--operator", "docs", "--format", "jsonl"]) == "docs"
    assert command_of(["--data-dir=d", "align", "--presegmented", "a", "b"]) == "align"
    assert command_of(["--help"]) is None
    assert command_of([]) is None
    # a command's parser alone; an unknown word gets every command (argparse names the choices)
    assert set(build_parser(["docs"])._subparsers._group_actions[0].choices) == {  # type: ignore[union-attr]
        "import", "docs", "segments", "stories", "role"}
    assert set(build_parser(["nonsense"])._subparsers._group_actions[0].choices) == set(COMMANDS)  # type: ignore[union-attr]


def _modules_after(args: list[str], tmp_path: Path) -> set[str]:
    """The modules a real `python -m workbench ARGS` process had loaded when it exited."""
    probe = ("import runpy, sys\n"
             "sys.argv = ['workbench', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('workbench', run_name='__main__')\n"
             "except SystemExit as exc:\n    code = exc.code\n"
             "print('MODULES', ' '.join(sorted(sys.modules)))\n"
             "sys.exit(code)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_DATA_DIR": str(tmp_path / "data")}
    env.pop("WORKBENCH_DB", None)
    run = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    line = next(x for x in run.stdout.splitlines() if x.startswith("MODULES "))
    return set(line.split()[1:])


def test_presegmented_align_and_docs_do_not_load_sqlalchemy(tmp_path):
    (tmp_path / "a.txt").write_text("Учора вночі в місті випав перший сніг.\nДороги розчищали до ранку.\n",
                                    encoding="utf-8")
    (tmp_path / "b.txt").write_text("Вчера ночью в городе выпал первый снег.\nДороги расчищали до утра.\n",
                                    encoding="utf-8")
    loaded = _modules_after(["align", "--presegmented", "a.txt", "b.txt"], tmp_path)
    assert "workbench.align.sentences" in loaded
    assert not {m for m in loaded if m.startswith(("sqlalchemy", "alembic", "workbench.store", "torch", "scipy"))}
    # The first `docs` creates the store (SQLAlchemy, migrations); later ones read the file directly.
    _modules_after(["docs"], tmp_path)
    loaded = _modules_after(["docs"], tmp_path)
    assert not {m for m in loaded if m.startswith(("sqlalchemy", "alembic", "workbench.store"))}


def test_lean_listing_equals_the_stores(seeded, config):
    lean = read_listing(config.database_url)
    assert lean is not None
    full = store_listing(seeded)
    assert lean == full
    assert len(lean.documents) == 5 and all(lean.counts[d.id]["total"] > 0 for d in lean.documents)


def test_lean_listing_stands_aside_when_it_cannot_vouch(tmp_path, config, store):
    assert SCHEMA_REVISION == SCHEMA_HEAD  # update SCHEMA_REVISION (and the queries) with each migration
    assert read_listing("postgresql+psycopg://u@h/db") is None
    assert read_listing(f"sqlite:///{tmp_path / 'missing.db'}") is None
    assert sqlite_path("sqlite:///:memory:") is None
    path = sqlite_path(config.database_url)
    assert path is not None and read_listing(config.database_url) is not None
    with sqlite3.connect(path) as conn:  # a store of another revision: the full store must answer
        conn.execute("UPDATE alembic_version SET version_num = 'older01'")
    assert read_listing(config.database_url) is None
    (tmp_path / "junk.db").write_bytes(b"not a database")
    assert read_listing(f"sqlite:///{tmp_path / 'junk.db'}") is None


def test_docs_lists_the_same_through_either_path(seeded, config, capsys, monkeypatch):
    from workbench.cli import main

    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(config.data_dir))
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    assert main(["docs", "--format", "jsonl"]) == 0
    lean = capsys.readouterr().out
    # A listing that does not know the stored revision leaves the answer to the full store.
    monkeypatch.setattr("workbench.listing.SCHEMA_REVISION", "another01")
    assert read_listing(config.database_url) is None
    assert main(["docs", "--format", "jsonl"]) == 0
    full = capsys.readouterr().out
    assert full == lean and len(lean.splitlines()) == 5
