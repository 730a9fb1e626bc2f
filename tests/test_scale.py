"""Batch jobs on Ray (local mode, two CPUs, one Ray session for the module) against the local executor.

The tiny MarianMT checkpoint is loaded by the workers through the same `load_engine` path as a real
opus-mt model. Both executors run on their own copy of the seed corpus (segment ids are derived from
the text, so the copies share them) and must store exactly the same translations, flags and beads.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.cli import main as cli_main
from workbench.config import Config, load_config
from workbench.distributed import (
    ExecutorOptions,
    RayTranslator,
    align_stories,
    ensure_ray,
    flag_documents,
    translate_job,
)
from workbench.ingest import import_paths
from workbench.records import Translation
from workbench.store import Store
from workbench.store.schema import TranslationRow

from . import reliability_db
from .conftest import CORPUS, ROOT
from .scale_workers import save_once
from .tiny_mt import build_tiny_marian

RAY = ExecutorOptions(kind="ray", workers=2)
LOCAL = ExecutorOptions()
db_url = reliability_db.db_url


@pytest.fixture(scope="module")
def ray_session():
    pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'workbench[ray]')")
    ray = ensure_ray(RAY, 2)  # what the CLI does: a local Ray instance with two CPUs
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_marian(tmp_path_factory.mktemp("scale-mt") / "marian")


def tiny_config(data_dir: Path, marian: Path, url: str | None = None) -> Config:
    m = str(marian)
    return load_config(env={"WORKBENCH_DATA_DIR": str(data_dir)}).with_overrides(db_url=url,
        marian_models={"ru": m, "uk": m}, cpu_threads=1, max_output_tokens=12, batch_size=4, device="cpu")


def seeded_store(data_dir: Path, marian: Path, url: str | None = None) -> tuple[Store, Config]:
    config = tiny_config(data_dir, marian, url)
    store = Store(config.database_url)
    import_paths(store, [CORPUS], config)
    return store, config


def stored_translations(store: Store) -> tuple[dict[str, str], Counter]:
    """The English per segment, and how many translation rows each segment has."""
    with store.transaction(readonly=True) as s:
        rows = s.execute(select(TranslationRow.segment_id, TranslationRow.text)).all()
    return {sid: text for sid, text in rows}, Counter(sid for sid, _ in rows)


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory, marian: Path):
    """The seed corpus translated by the local executor (today's code path): the reference."""
    store, config = seeded_store(tmp_path_factory.mktemp("local") / "data", marian)
    report = translate_job(store, config, LOCAL, all_docs=True)
    texts, counts = stored_translations(store)
    yield store, config, report, texts
    store.close()


def test_two_workers_store_exactly_the_local_translations(ray_session, local_run, marian, tmp_path):
    _, _, local_report, local_texts = local_run
    store, config = seeded_store(tmp_path / "data", marian)
    seen: list[tuple[int, int]] = []
    with RayTranslator(config, store, RAY) as pool:
        assert len(set(pool.pids)) == 2 and os.getpid() not in pool.pids
        report = pool.translate(store, config, all_docs=True, progress=lambda d, t: seen.append((d, t)))
        assert len(pool.batch_pids) == 2  # both workers decoded batches
    texts, counts = stored_translations(store)
    assert texts == local_texts and len(texts) == local_report.segments > 20
    assert set(counts.values()) == {1}
    assert (report.segments, report.translated, report.skipped) == (local_report.segments, local_report.translated,
                                                                     local_report.skipped)
    assert report.batches == local_report.batches  # the same length-sorted batches, spread over two workers
    assert seen[-1] == (report.segments, report.segments) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    # A re-run on the same store finds everything done and decodes nothing.
    with RayTranslator(config, store, RAY) as idle:
        again = idle.translate(store, config, all_docs=True)
        assert idle._actors is None  # the cache answered everything: no worker was started
    assert (again.translated, again.cached) == (0, report.segments)
    assert stored_translations(store)[1] == counts
    store.close()


def test_sigkill_of_a_worker_mid_job_then_rerun_stores_every_segment_once(ray_session, local_run, marian,
                                                                          tmp_path):
    _, _, local_report, local_texts = local_run
    store, config = seeded_store(tmp_path / "data", marian)
    killed: list[int] = []
    with RayTranslator(config, store, RAY) as pool:
        victim = pool.pids[0]

        def progress(done: int, total: int) -> None:
            if 0 < done < total and not killed:
                os.kill(victim, signal.SIGKILL)  # the worker's real process, with batches still queued on it
                killed.append(done)

        report = pool.translate(store, config, all_docs=True, progress=progress)
        assert killed and killed[0] < local_report.translated / 2
        # Ray started the killed worker again (a new process) and retried the batches it held.
        assert victim not in pool.batch_pids or len(pool.batch_pids) > 2
        assert pool.batch_pids - set(pool.pids)
    with pytest.raises(ProcessLookupError):
        os.kill(victim, 0)
    rerun = translate_job(store, config, RAY, all_docs=True)
    texts, counts = stored_translations(store)
    assert texts == local_texts
    assert set(counts.values()) == {1} and len(counts) == local_report.segments  # every segment exactly once
    assert report.translated + rerun.translated == local_report.translated
    assert rerun.translated == 0  # the restarted worker finished the job
    store.close()


@pytest.fixture
def pg_url():
    yield from reliability_db.pg_database()


def test_workers_on_a_postgresql_store(ray_session, local_run, marian, tmp_path, pg_url):
    """The store for teams: workers write to PostgreSQL through the same store API."""
    _, _, local_report, local_texts = local_run
    store, config = seeded_store(tmp_path / "data", marian, pg_url)
    report = translate_job(store, config, RAY, all_docs=True)
    texts, counts = stored_translations(store)
    assert texts == local_texts and set(counts.values()) == {1}
    assert report.translated == local_report.translated
    assert translate_job(store, config, RAY, all_docs=True).translated == 0
    store.close()


def test_flag_and_align_on_ray_store_what_the_local_executor_stores(ray_session, local_run, marian, tmp_path):
    local_store, local_config, _, _ = local_run
    store, config = seeded_store(tmp_path / "data", marian)
    translate_job(store, config, RAY, all_docs=True)
    doc_ids = [d.id for d in store.documents()]
    assert doc_ids == [d.id for d in local_store.documents()] and len(doc_ids) >= 2
    done: list[int] = []
    ray_flags = flag_documents(store, config, doc_ids, RAY, progress=lambda d, t: done.append(d))
    local_flags = flag_documents(local_store, local_config, doc_ids, LOCAL)
    assert done[-1] == len(doc_ids)
    assert [(f.doc_id, f.checked, f.flags) for f in ray_flags] == [(f.doc_id, f.checked, f.flags) for f in local_flags]
    assert sum(f.flags for f in ray_flags) > 0
    for doc_id in doc_ids:
        mine = sorted((f.segment_id, f.kind, f.start, f.end) for f in store.flags(doc_id=doc_id))
        assert mine == sorted((f.segment_id, f.kind, f.start, f.end) for f in local_store.flags(doc_id=doc_id))
    # A retried or repeated task replaces its document's flags: a second run stores no duplicates.
    flag_documents(store, config, doc_ids, RAY)
    # the summary counts findings: the risk estimate each segment carries is stored but not counted
    assert sum(not f.is_estimate for d in doc_ids for f in store.flags(doc_id=d)) == sum(f.flags for f in ray_flags)

    stories = [s.id for s in store.stories() if len(s.doc_ids) >= 2]
    assert stories, "the seed corpus groups its articles into stories"
    ray_beads = align_stories(store, config, stories, RAY)
    local_beads = align_stories(local_store, local_config, stories, LOCAL)
    assert ray_beads == local_beads and all(r.beads > 0 for r in ray_beads)


def test_cli_translate_all_on_ray(ray_session, marian, tmp_path, capsys):
    """`workbench translate --all --executor ray` (the Ray session of this module is reused)."""
    store, config = seeded_store(tmp_path / "data", marian)
    store.close()
    toml = tmp_path / "workbench.toml"
    toml.write_text(f'marian_models = {{ ru = "{marian}", uk = "{marian}" }}\ncpu_threads = 1\n'
                    'max_output_tokens = 12\nbatch_size = 4\ndevice = "cpu"\n', encoding="utf-8")
    argv = ["--config", str(toml), "--data-dir", str(tmp_path / "data"), "translate", "--all",
            "--executor", "ray", "--workers", "2", "--format", "jsonl"]
    assert cli_main(argv) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["translated"] == row["segments"] > 20 and row["cached"] == 0
    assert cli_main(argv) == 0
    row = json.loads(capsys.readouterr().out)
    assert (row["translated"], row["cached"]) == (0, row["segments"])


def test_executor_ray_without_ray_fails_with_one_line_naming_the_extra(run_cli, tmp_path):
    # An interpreter where `import ray` fails, as on an installation without the extra.
    code = ("import sys; sys.modules['ray'] = None; from workbench.cli import main; "
            "sys.exit(main(sys.argv[1:]))")
    data = tmp_path / "data"
    assert run_cli("import", str(CORPUS), data_dir=data).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_DATA_DIR": str(data)}
    env.pop("WORKBENCH_DB", None)
    for args in (["translate", "--all"], ["flag", "--all"], ["align", "--all"]):
        proc = subprocess.run([sys.executable, "-c", code, *args, "--executor", "ray"], capture_output=True,
                              text=True, env=env, cwd=ROOT, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip().splitlines() == [
            "workbench: --executor ray: Ray is not installed (pip install 'workbench[ray]')"]
    store = Store(load_config(env={"WORKBENCH_DATA_DIR": str(data)}).database_url)
    assert stored_translations(store)[0] == {}  # nothing was done
    store.close()


def test_executor_options_are_checked(run_cli):
    proc = run_cli("translate", "--all", "--workers", "0", "--executor", "ray")
    assert proc.returncode == 2 and proc.stderr.strip() == "workbench: --workers: must be at least 1"
    proc = run_cli("translate", "--all", "--address", "10.0.0.1:6379")
    assert proc.returncode == 2 and "need --executor ray" in proc.stderr


def test_a_pool_larger_than_the_ray_instance_is_refused(ray_session, marian, tmp_path):
    from workbench.distributed import ExecutorError

    store, config = seeded_store(tmp_path / "data", marian)
    with pytest.raises(ExecutorError, match=r"^--workers 3: needs 3 CPUs \(1 per worker\), the cluster has 2$"):
        RayTranslator(config, store, ExecutorOptions(kind="ray", workers=3)).start()
    with pytest.raises(ExecutorError, match=r"needs 1 GPUs, the cluster has 0"):
        flag_documents(store, config, [1], ExecutorOptions(kind="ray", workers=1, gpus_per_worker=1))
    store.close()


def test_save_translations_once_is_idempotent_on_the_cache_key(db_url: str, config: Config):
    store = Store(db_url)
    import_paths(store, [CORPUS], config)
    seg = store.segments(store.documents()[0].id)[1]
    first = Translation(seg.id, "first", "marian", "m1", options_key="k1")
    assert store.save_translations_once([(first, seg.text)]) == 1
    # The same key again (a retried batch), even with another text: skipped.
    assert store.save_translations_once([(first, seg.text), (Translation(seg.id, "again", "marian", "m1",
                                                                         options_key="k1"), seg.text)]) == 0
    assert store.translations([seg.id])[seg.id].text == "first"
    # Another model is a new translation; switching back makes the old key latest again.
    assert store.save_translations_once([(Translation(seg.id, "other", "nllb", "m2", options_key="k2"),
                                          seg.text)]) == 1
    assert store.save_translations_once([(first, seg.text)]) == 1
    assert [store.translations([seg.id])[seg.id].text] == ["first"]
    assert store.segment(seg.id).status == "translated"
    store.close()


def test_a_workers_own_error_reaches_the_console_as_one_line(ray_session, marian, tmp_path, capsys):
    """A model the workers cannot load (here: a directory without a checkpoint): exit 2, one line, nothing stored."""
    store, _ = seeded_store(tmp_path / "data", marian)
    store.close()
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    toml = tmp_path / "workbench.toml"
    toml.write_text(f'marian_models = {{ ru = "{empty}", uk = "{empty}" }}\ndevice = "cpu"\n', encoding="utf-8")
    code = cli_main(["--config", str(toml), "--data-dir", str(tmp_path / "data"), "translate", "--all",
                     "--executor", "ray", "--workers", "2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith(f"workbench: model {empty}: ") and "config.json" in err[0]
    store = Store(tiny_config(tmp_path / "data", marian).database_url)
    assert stored_translations(store)[0] == {}
    store.close()


def test_two_processes_saving_the_same_batch_at_once_store_it_once(db_url: str, config: Config, monkeypatch):
    """A retried batch racing its first attempt (a worker thought dead, a preempted node coming back)."""
    import multiprocessing as mp
    import types

    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))  # see test_reliability_concurrency
    store = Store(db_url)
    import_paths(store, [CORPUS], config)
    segs = store.segments(store.documents()[0].id)[:20]
    items = [(Translation(s.id, f"english {i}", "marian", "m1", options_key="k1"), s.text) for i, s in enumerate(segs)]
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=save_once, args=(db_url, items, barrier, results)) for _ in range(4)]
    for p in procs:
        p.start()
    stored = sorted(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    assert stored == [0, 0, 0, len(segs)]  # one process stored the batch, the others found it done
    _, counts = stored_translations(store)
    assert counts == Counter({s.id: 1 for s in segs})
    store.close()


def test_flag_and_align_many_on_the_command_line(run_cli, tmp_path):
    data = tmp_path / "data"
    assert run_cli("import", str(CORPUS), data_dir=data).returncode == 0
    proc = run_cli("flag", "--all", "--format", "jsonl", data_dir=data)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 5 and all(r["segments"] > 0 for r in rows)
    proc = run_cli("align", "--all", "--format", "jsonl", data_dir=data)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rows and all(r["pairs"] >= 1 and r["beads"] > 0 for r in rows)
    proc = run_cli("flag", "--all", "000", data_dir=data)
    assert proc.returncode == 2 and "give no TARGET" in proc.stderr
    proc = run_cli("flag", "000", "--executor", "ray", data_dir=data)
    assert proc.returncode == 2 and proc.stderr.strip().endswith("runs --all or --story; one document or file is "
                                                                 "flagged here")
