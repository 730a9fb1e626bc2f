"""The store: migrations, edits with conflict detection, history, roles, configuration, the CLI records."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect, text

from workbench.config import ConfigError, load_config
from workbench.records import Translation
from workbench.store import EditConflict, NotFound, Store, StoreError


def test_migrations_create_every_table(store: Store):
    tables = set(inspect(store.engine).get_table_names())
    assert {"documents", "segments", "stories", "translations", "edits", "alignments", "beads", "word_alignments",
            "flags", "dismissals", "terms", "term_events", "tm_units", "users", "events",
            "alembic_version"} <= tables
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_reopening_keeps_data(seeded: Store, config):
    again = Store(config.database_url)
    assert [d.name for d in again.documents()] == [d.name for d in seeded.documents()]


def test_the_revision_grows_with_every_committed_change_seen_from_another_connection(seeded: Store, config):
    other = Store(config.database_url)  # another process's view of the same file
    seg = seeded.segments(seeded.documents()[0].id)[3]
    before = other.revision()
    seeded.segments(seeded.documents()[0].id)
    seeded.english_for([seg.id])
    assert other.revision() == before  # reads change nothing
    seeded.save_edit(seg.id, "An edit.", "ann", 0)
    after_edit = other.revision()
    assert after_edit > before
    flag = seeded.replace_flags({seg.id: (seg.text, "An edit.")}, [])
    assert flag == [] and other.revision() > after_edit  # a flag run counts even when it stored nothing new
    with pytest.raises(EditConflict):
        seeded.save_edit(seg.id, "A stale edit.", "ann", 0)
    assert seeded.revision() == other.revision()  # a refused (rolled back) write left it alone
    n = seeded.revision()
    with pytest.raises(StoreError), seeded.transaction() as s:
        s.execute(text("UPDATE segments SET text = 'x' WHERE id = :i"), {"i": seg.id})
        raise StoreError("abandoned")
    assert seeded.revision() == n and seeded.segment(seg.id).text != "x"


def _first_content(store: Store) -> str:
    return next(s.id for s in store.segments("000") if s.role == "content")


def test_edit_history_and_conflict(seeded: Store):
    sid = _first_content(seeded)
    seeded.save_translations([(Translation(sid, "MT text", "marian", "tiny"), seeded.segment(sid).text)])
    assert seeded.english_for([sid])[sid].origin == "mt"
    first = seeded.save_edit(sid, "Anna's text", "anna", base_version=0)
    assert first.version == 1
    # Bob opened the segment at version 0 too: his save must not overwrite Anna's.
    with pytest.raises(EditConflict) as err:
        seeded.save_edit(sid, "Bob's text", "bob", base_version=0)
    assert err.value.current.text == "Anna's text" and err.value.current.author == "anna"
    # Bob chooses after seeing both texts: he saves on top of version 1.
    second = seeded.save_edit(sid, "Bob's text", "bob", base_version=1)
    assert second.version == 2
    history = seeded.history(sid)
    assert [(e.version, e.text, e.author) for e in history] == [(1, "Anna's text", "anna"), (2, "Bob's text", "bob")]
    english = seeded.english_for([sid])[sid]
    assert (english.text, english.version, english.mt_text) == ("Bob's text", 2, "MT text")
    assert seeded.segment(sid).status == "edited"


def test_undo_saves_the_previous_text_as_a_new_version(seeded: Store):
    sid = _first_content(seeded)
    seeded.save_translations([(Translation(sid, "MT text", "marian", "tiny"), "src")])
    seeded.save_edit(sid, "first", "anna", 0)
    undone = seeded.undo_edit(sid, "anna", 1)
    assert (undone.version, undone.text, undone.origin) == (2, "MT text", "undo")
    assert len(seeded.history(sid)) == 2


def test_edit_of_unknown_segment(seeded: Store):
    with pytest.raises(NotFound):
        seeded.save_edit("nope", "x", "anna", 0)


def test_role_change_is_recorded(seeded: Store):
    sid = _first_content(seeded)
    seg = seeded.set_role(sid, "boilerplate", "anna")
    assert seg.role == "boilerplate" and "anna" in seg.role_reason
    assert seeded.events(1)[0]["action"] == "segment.role"
    with pytest.raises(StoreError):
        seeded.set_role(sid, "advert", "anna")


def test_translation_cache_lookup(seeded: Store):
    sid = _first_content(seeded)
    src = seeded.segment(sid).text
    seeded.save_translations([(Translation(sid, "EN", "marian", "m1", options_key="beam4"), src)])
    assert seeded.cached_translations("m1", "beam4", [src, "other"])[src].text == "EN"
    assert seeded.cached_translations("m1", "beam5", [src]) == {}
    assert seeded.segment(sid).status == "translated"


def test_config_layers(tmp_path):
    toml = tmp_path / "wb.toml"
    toml.write_text('data_dir = "/srv/wb"\nbatch_size = 8\nengines = { ru = "nllb", uk = "marian" }\n')
    cfg = load_config(toml, env={"WORKBENCH_BATCH_SIZE": "32"})
    assert str(cfg.data_dir) == "/srv/wb" and cfg.batch_size == 32 and cfg.engines["ru"] == "nllb"
    assert cfg.database_url == "sqlite:////srv/wb/workbench.db"
    assert load_config(env={"WORKBENCH_DB": "postgresql+psycopg://u@h/db"}).database_url.startswith("postgresql")


@pytest.mark.parametrize(("content", "env", "needle"), [
    ("batch_size = ", {}, "not valid TOML"),
    ("colour = 1\n", {}, "unknown setting 'colour'"),
    ("", {"WORKBENCH_BATCH_SIZE": "many"}, "WORKBENCH_BATCH_SIZE"),
    ('engines = { ru = "google" }\n', {}, "engines.ru"),
])
def test_config_errors_name_the_field(tmp_path, content, env, needle):
    toml = tmp_path / "wb.toml"
    toml.write_text(content)
    with pytest.raises(ConfigError) as err:
        load_config(toml, env=env)
    assert needle in str(err.value)


def test_cli_records(run_cli, tmp_path):
    imported = run_cli("import", "corpus", "--format", "jsonl")
    assert imported.returncode == 0, imported.stderr
    rows = [json.loads(line) for line in imported.stdout.splitlines()]
    assert [(r["name"][:3], r["lang"], r["status"]) for r in rows] == [
        ("000", "ru", "added"), ("001", "uk", "added"), ("002", "ru", "added"), ("003", "uk", "added"),
        ("004", "uk", "added")]
    segs = run_cli("segments", "003", "--format", "jsonl")
    listed = [json.loads(line) for line in segs.stdout.splitlines()]
    assert listed[0]["role"] == "heading" and listed[0]["start"] == 0
    assert [r["segment"] for r in listed] == list(range(1, len(listed) + 1))  # numbered from 1, as in the app
    stories = run_cli("stories", "--format", "jsonl")
    assert stories.returncode == 0 and stories.stdout.strip()
    missing = run_cli("segments", "999")
    assert missing.returncode == 2 and "no such document" in missing.stderr
    help_text = run_cli("import", "--help")
    assert help_text.returncode == 0 and "--story" in help_text.stdout


def test_schema_head_matches_the_migration_scripts():
    from alembic.script import ScriptDirectory

    from workbench.store import SCHEMA_HEAD, _alembic_config

    assert ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head() == SCHEMA_HEAD


def test_reads_do_not_wait_for_a_writer(seeded: Store, config):
    import sqlite3
    import threading

    writer = sqlite3.connect(config.database_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a save
    try:
        result: list[int] = []
        reader = threading.Thread(target=lambda: result.append(len(seeded.documents())))
        reader.start()
        reader.join(timeout=20)  # a write transaction here would wait 30 s for the lock
        assert result == [5]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
