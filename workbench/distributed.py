"""Batch jobs over whole archives: translate, flag and align on one process or on a Ray cluster.

The executor is chosen per command (`--executor local|ray`). `local` is today's code path, untouched:
`translate_documents`, and one `flag_document_report` / `align_story` call per document or story.
`ray` keeps the planning in the calling process and sends the work to Ray workers:

- translate: the caller selects segments, applies the translation cache and cuts the rest into the
  same length-sorted batches as the local path (identical sources decoded once). Workers are Ray
  actors that load the engine once (`load_engine`: CTranslate2 on CPU or GPU, transformers otherwise)
  and take one batch at a time; each saves its batch in one transaction with
  `Store.save_translations_once`, idempotent on the cache key (segment, model, options). A killed
  worker is restarted by Ray and its batch retried; a batch it had committed is skipped, one it had
  not is decoded again, so no segment loses or gains a translation; a re-run of the command finds
  everything done.
- flag / align: one Ray task per document / story, retried when its worker dies; both write through
  the store's replace-on-rerun methods, so a retried task leaves the same rows as one run.

Workers open the store named by the job's configuration: on more than one machine that must be a
server every machine reaches (PostgreSQL, `WORKBENCH_DB=postgresql+psycopg://...`).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Config
from .errors import WorkbenchError
from .records import Segment, Term

if TYPE_CHECKING:  # the store and the translation pipeline load in the jobs that use them (CLI start-up)
    from .store import Store
    from .translate import TranslateReport

EXECUTORS = ("local", "ray")
RAY_EXTRA = "pip install 'workbench[ray]'"
Progress = Callable[[int, int], None]
# Batches queued per worker: one decoding, one waiting, so a worker never idles between batches.
DEPTH = 2
# A worker killed (OOM, preempted node, SIGKILL) is started again and its queued batches retried.
MAX_RESTARTS = 4


class ExecutorError(WorkbenchError):
    """A bad executor option, Ray missing, or a job that lost its workers."""


@dataclass(frozen=True)
class ExecutorOptions:
    """Where a batch job runs. `address`: a Ray cluster (None: start one on this machine)."""

    kind: str = "local"
    address: str | None = None
    workers: int = 2
    gpus_per_worker: float = 0.0

    def check(self) -> None:
        if self.kind not in EXECUTORS:
            raise ExecutorError(f"--executor: {self.kind!r} is not local or ray")
        if self.workers < 1:
            raise ExecutorError("--workers: must be at least 1")
        if self.gpus_per_worker < 0:
            raise ExecutorError("--gpus-per-worker: must not be negative")
        if self.kind == "local" and (self.address or self.gpus_per_worker):
            raise ExecutorError("--address and --gpus-per-worker need --executor ray")


def add_executor_options(parser: Any) -> None:
    """The executor options of `translate`, `flag` and `align` (argparse)."""
    parser.add_argument("--executor", choices=EXECUTORS, default="local",
                        help="local: this process (default); ray: Ray workers on this machine or a cluster")
    parser.add_argument("--address", help="Ray cluster address (default: start Ray on this machine)")
    parser.add_argument("--workers", type=int, default=2, metavar="N", help="Ray workers (default: 2)")
    parser.add_argument("--gpus-per-worker", type=float, default=0.0, metavar="G",
                        help="GPUs each Ray worker reserves (default: 0, CPU)")


def executor_options(args: Any) -> ExecutorOptions:
    opts = ExecutorOptions(kind=args.executor, address=args.address, workers=args.workers,
                           gpus_per_worker=args.gpus_per_worker)
    opts.check()
    return opts


def import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ExecutorError(f"--executor ray: Ray is not installed ({RAY_EXTRA})") from exc
    return ray


def ensure_ray(opts: ExecutorOptions, cpus: int) -> Any:
    """Connect to the cluster at `opts.address`, or start Ray here with `cpus` CPUs (once per process)."""
    ray = import_ray()
    if ray.is_initialized():
        return ray
    if opts.address:
        ray.init(address=opts.address, log_to_driver=False)
    else:
        # Workers of a local instance import this checkout, installed or not.
        root = str(Path(__file__).resolve().parents[1])
        path = os.environ.get("PYTHONPATH", "")
        if root not in path.split(os.pathsep):
            os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (root, path) if p)
        ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    return ray


def check_resources(ray: Any, opts: ExecutorOptions, cpus_per_worker: int) -> None:
    """Refuse a pool that can never start (Ray would wait for the resources for ever); on a cluster
    (`--address`, perhaps autoscaling) only warn."""
    have = ray.cluster_resources()
    missing = []
    if have.get("CPU", 0) < opts.workers * cpus_per_worker:
        missing.append(f"{opts.workers * cpus_per_worker:g} CPUs ({cpus_per_worker} per worker), the cluster has "
                       f"{have.get('CPU', 0):g}")
    if opts.gpus_per_worker and have.get("GPU", 0) < opts.workers * opts.gpus_per_worker:
        missing.append(f"{opts.workers * opts.gpus_per_worker:g} GPUs, the cluster has {have.get('GPU', 0):g}")
    if not missing:
        return
    message = f"--workers {opts.workers}: needs " + "; ".join(missing)
    if opts.address:
        print(f"workbench: warning: {message} (waiting for the cluster to grow)", file=sys.stderr)
    else:
        raise ExecutorError(message)


def worker_config(config: Config, store: Store) -> Config:
    """The configuration a worker gets: the caller's store URL and an absolute data directory (a
    worker's working directory is not the caller's)."""
    return config.with_overrides(db_url=store.url, data_dir=config.data_dir.resolve())


def _cpus_per_worker(config: Config) -> int:
    return max(1, config.cpu_threads)


def _warn_sqlite(opts: ExecutorOptions, url: str) -> None:
    if opts.address and url.startswith("sqlite"):
        print("workbench: warning: the store is an SQLite file; workers on other machines cannot reach it "
              "(set WORKBENCH_DB to a PostgreSQL URL)", file=sys.stderr)


# --- worker side ------------------------------------------------------------------------------
_STORES: dict[str, Store] = {}


def _worker_store(url: str) -> Store:
    """One store (connection pool) per worker process and URL."""
    if url not in _STORES:
        from .store import Store

        _STORES[url] = Store(url, migrate=False)
    return _STORES[url]


Batch = list[tuple[tuple[str, tuple[str, ...]], list[Segment]]]  # ((source, terms), segments sharing it)


@dataclass
class BatchResult:
    pid: int
    translated: int = 0  # segments whose translation this call stored
    skipped: int = 0  # segments found done (a retried or repeated batch)
    seconds: float = 0.0
    missing_terms: dict[str, list[str]] = field(default_factory=dict)


class TranslateWorker:
    """A Ray actor: one engine per language, loaded once, and batches of segments in, saved to the store."""

    def __init__(self, config: Config, engine: str | None) -> None:
        self.config = config
        self.engine_name = engine

    def pid(self) -> int:
        return os.getpid()

    def load(self, lang: str) -> Any:
        """Load the language's engine now; returns its spec (it may differ from the configured one)."""
        from .translate import load_engine

        return load_engine(self.config, lang, self.engine_name).spec

    def translate(self, lang: str, batch: Batch) -> BatchResult:
        from .translate import load_engine

        started = time.perf_counter()
        eng = load_engine(self.config, lang, self.engine_name)
        store = _worker_store(self.config.database_url)
        result = BatchResult(pid=os.getpid())
        # A retried batch: drop the sources whose every segment was saved by the earlier attempt.
        latest = store.translations([s.id for _, segs in batch for s in segs])
        todo: Batch = []
        for (text, terms), segs in batch:
            key = eng.options_key(list(terms))
            left = [s for s in segs if not ((t := latest.get(s.id)) and (t.model_id, t.options_key) == (eng.model_id, key))]
            result.skipped += len(segs) - len(left)
            if left:
                todo.append(((text, terms), left))
        if todo:
            from .translate.pipeline import decode_batch

            items = decode_batch(eng, todo, result.missing_terms)
            stored = store.save_translations_once(items)
            result.translated += stored
            result.skipped += len(items) - stored
        result.seconds = time.perf_counter() - started
        return result


def _remote_worker(ray: Any, opts: ExecutorOptions, config: Config) -> Any:
    return ray.remote(num_cpus=_cpus_per_worker(config), num_gpus=opts.gpus_per_worker,
                      max_restarts=MAX_RESTARTS, max_task_retries=MAX_RESTARTS)(TranslateWorker)


def _task_error(ray: Any, exc: Exception) -> Exception:
    """A worker's own one-line error (bad model, database down) rather than Ray's traceback."""
    cause = getattr(exc, "cause", None)
    if isinstance(exc, ray.exceptions.RayTaskError) and isinstance(cause, WorkbenchError):
        return cause
    if isinstance(exc, ray.exceptions.RayActorError):
        return ExecutorError(f"a Ray worker died {MAX_RESTARTS + 1} times; finished batches are saved, "
                             "re-run to continue")
    return exc


# --- translate ------------------------------------------------------------------------------
class RayTranslator:
    """A pool of `TranslateWorker` actors for one configuration; reusable for several jobs.

    Ray and the workers start on first use: a job the cache answers entirely never starts them.
    """

    def __init__(self, config: Config, store: Store, opts: ExecutorOptions, engine: str | None = None) -> None:
        opts.check()
        self.opts = opts
        self.engine = engine
        self.config = worker_config(config, store)
        self.cpus = _cpus_per_worker(config)
        self._actors: list[Any] | None = None
        self._pids: list[int] = []
        self.batch_pids: set[int] = set()  # worker processes that returned batches (restarts show here)

    @property
    def actors(self) -> list[Any]:
        return self.start()

    def start(self) -> list[Any]:
        """Start Ray (or connect) and the workers, once; returns the workers."""
        if self._actors is None:
            self.ray = ensure_ray(self.opts, self.opts.workers * self.cpus)
            check_resources(self.ray, self.opts, self.cpus)
            _warn_sqlite(self.opts, self.config.database_url)
            cls = _remote_worker(self.ray, self.opts, self.config)
            self._actors = [cls.remote(self.config, self.engine) for _ in range(self.opts.workers)]
            self._pids = self._get([a.pid.remote() for a in self._actors])
        return self._actors

    @property
    def pids(self) -> list[int]:
        """The workers' process ids as started (a restarted worker has a new one: see `batch_pids`)."""
        self.start()
        return self._pids

    def _get(self, refs: Any) -> Any:
        try:
            return self.ray.get(refs)
        except Exception as exc:  # noqa: BLE001 - Ray's errors are turned into one line, others re-raised
            raise _task_error(self.ray, exc) from exc

    def close(self) -> None:
        for actor in self._actors or []:
            self.ray.kill(actor)
        self._actors = None

    def __enter__(self) -> RayTranslator:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def translate(self, store: Store, config: Config, doc_refs: Sequence[int | str] | None = None, *,
                  story: str | None = None, all_docs: bool = False, engine: str | None = None,
                  batch_size: int | None = None, include_boilerplate: bool = False,
                  progress: Progress | None = None) -> TranslateReport:
        """`translate_documents` with the decoding on the workers; the same selection, cache and batches."""
        # the local path's cache step: "done" means the same on both
        from .translate import TranslateReport, engine_spec, select_documents
        from .translate.pipeline import _apply_cache, batch_size_of, segments_to_translate

        started = time.perf_counter()
        size = batch_size_of(config, batch_size)
        if engine != self.engine:
            raise ExecutorError(f"engine {engine!r}: this pool's workers run {self.engine!r}")
        doc_ids = select_documents(store, doc_refs, story, all_docs)
        report = TranslateReport(documents=len(doc_ids))
        by_lang = segments_to_translate(store, config, doc_ids, include_boilerplate, report)
        glossary: list[Term] = [t for t in store.terms(status="approved") if t.kind == "term"]
        done = 0
        if progress:
            progress(0, report.segments)
        work: list[tuple[str, Batch]] = []
        for lang, segments in by_lang.items():
            spec = engine_spec(config, lang, engine)
            report.models[lang] = spec.model.model_id
            todo = _apply_cache(store, spec, segments, glossary, report)
            done += len(segments) - len(todo)
            if not todo:
                continue
            # Every worker loads the engine now, in parallel; their spec says which options it runs.
            specs = self._get([a.load.remote(lang) for a in self.actors])
            if specs[0] != spec:  # the engine fell back to other options (no int8 in this torch build)
                before = len(todo)
                todo = _apply_cache(store, specs[0], [seg for seg, _ in todo], glossary, report)
                done += before - len(todo)
            unique: dict[tuple[str, tuple[str, ...]], list[Segment]] = {}
            for seg, terms in todo:
                unique.setdefault((seg.text, tuple(terms)), []).append(seg)
            ordered = sorted(unique.items(), key=lambda item: len(item[0][0]))
            work += [(lang, ordered[i:i + size]) for i in range(0, len(ordered), size)]
        if progress:
            progress(done, report.segments)
        for result in self._run(work, progress, done, report.segments):
            report.translated += result.translated
            report.cached += result.skipped
            report.missing_terms.update(result.missing_terms)
            report.batches += 1
        report.seconds = time.perf_counter() - started
        return report

    def _run(self, work: list[tuple[str, Batch]], progress: Progress | None, done: int,
             total: int) -> list[BatchResult]:
        """Keep DEPTH batches queued on every worker until all are back; results in completion order."""
        if not work:
            return []
        pending = list(reversed(work))
        inflight: dict[Any, tuple[int, int]] = {}  # ref -> (actor index, segments in the batch)

        def submit(k: int) -> None:
            lang, batch = pending.pop()
            inflight[self.actors[k].translate.remote(lang, batch)] = (k, sum(len(s) for _, s in batch))

        for k in range(len(self.actors)):
            for _ in range(DEPTH):
                if pending:
                    submit(k)
        results: list[BatchResult] = []
        while inflight:
            ready, _ = self.ray.wait(list(inflight), num_returns=1)
            k, n = inflight.pop(ready[0])
            result: BatchResult = self._get(ready[0])
            self.batch_pids.add(result.pid)
            results.append(result)
            done += n
            if progress:
                progress(done, total)
            if pending:
                submit(k)
        return results


def translate_job(store: Store, config: Config, opts: ExecutorOptions, doc_refs: Sequence[int | str] | None = None,
                  **kwargs: Any) -> TranslateReport:
    """`workbench translate` on the chosen executor; `local` is `translate_documents` itself."""
    opts.check()
    if opts.kind == "local":
        from .translate import translate_documents

        return translate_documents(store, config, list(doc_refs or []), **kwargs)
    with RayTranslator(config, store, opts, kwargs.get("engine")) as pool:
        return pool.translate(store, config, doc_refs, **kwargs)


# --- flag and align -------------------------------------------------------------------------
@dataclass
class DocumentFlags:
    doc_id: int
    name: str
    checked: int
    flags: int
    notes: list[str] = field(default_factory=list)


def _flag_one(store: Store, config: Config, doc_id: int) -> DocumentFlags:
    from .flags import flag_document_report

    run = flag_document_report(store, config, doc_id)
    findings = sum(1 for f in run.flags if not f.is_estimate)
    return DocumentFlags(doc_id, store.document(doc_id).name, run.checked, findings, run.notes)


@dataclass
class StoryAlignment:
    story: str
    pairs: int
    beads: int
    linked: int


def _align_one(store: Store, config: Config, story_id: int, actor: str) -> StoryAlignment:
    from .align import align_story

    results = align_story(store, config, story_id, actor=actor)
    beads = [b for _, _, bs in results for b in bs]
    return StoryAlignment(store.story(story_id).name, len(results), len(beads),
                          sum(1 for b in beads if b.src and b.tgt))


def _in_worker(fn: Callable[..., Any], config: Config, *args: Any) -> Any:
    """A Ray task's body: `fn` on the worker process's own store."""
    return fn(_worker_store(config.database_url), config, *args)


def _run_tasks(store: Store, config: Config, opts: ExecutorOptions, fn: Callable[..., Any],
               args: list[tuple[Any, ...]], progress: Progress | None) -> list[Any]:
    """fn(store, config, *a) for every a: here on `store`, or one Ray task each on the worker's store
    (retried when its worker dies); results in the order of `args`."""
    opts.check()
    results: list[Any] = []
    if progress:
        progress(0, len(args))
    if opts.kind == "local":
        for a in args:
            results.append(fn(store, config, *a))
            if progress:
                progress(len(results), len(args))
        return results
    ray = ensure_ray(opts, opts.workers * _cpus_per_worker(config))
    check_resources(ray, replace(opts, workers=1), _cpus_per_worker(config))  # tasks queue; one must fit
    _warn_sqlite(opts, store.url)
    cfg = ray.put(worker_config(config, store))
    task = ray.remote(num_cpus=_cpus_per_worker(config), num_gpus=opts.gpus_per_worker,
                      max_retries=MAX_RESTARTS)(_in_worker)
    order = {}
    refs = []
    for i, a in enumerate(args):
        ref = task.remote(fn, cfg, *a)
        order[ref] = i
        refs.append(ref)
    out: list[Any] = [None] * len(args)
    left = list(refs)
    while left:
        ready, left = ray.wait(left, num_returns=1)
        try:
            out[order[ready[0]]] = ray.get(ready[0])
        except Exception as exc:  # noqa: BLE001 - one line for the user
            raise _task_error(ray, exc) from exc
        if progress:
            progress(len(args) - len(left), len(args))
    return out


def flag_documents(store: Store, config: Config, doc_ids: Sequence[int], opts: ExecutorOptions,
                   progress: Progress | None = None) -> list[DocumentFlags]:
    """Flag many stored documents (one task each); flags are stored as by `workbench flag DOC`."""
    return _run_tasks(store, config, opts, _flag_one, [(d,) for d in doc_ids], progress)


def align_stories(store: Store, config: Config, story_ids: Sequence[int], opts: ExecutorOptions,
                  actor: str = "cli", progress: Progress | None = None) -> list[StoryAlignment]:
    """Align many stories (one task each); beads are stored as by `workbench align STORY`."""
    return _run_tasks(store, config, opts, _align_one, [(s, actor) for s in story_ids], progress)


def console_progress(desc: str) -> tuple[Progress, Callable[[], None]]:
    """A tqdm bar on stderr (segments/s and ETA) fed by a `Progress` callback, and its closer."""
    from tqdm import tqdm

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            # disable=None: a bar on an interactive terminal, nothing in logs and pipes.
            bar = tqdm(total=total, unit="seg" if desc == "translate" else "job", desc=desc, file=sys.stderr,
                       disable=None)
        bar.update(done - bar.n)

    def close() -> None:
        if bar is not None:
            bar.close()

    return progress, close
