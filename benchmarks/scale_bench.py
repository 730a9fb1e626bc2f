"""Scale-out throughput: `translate --all` on the local executor against Ray workers on this machine.

The model is the full-size opus-mt architecture with random weights (MarianMT, 6+6 layers, d_model
512, vocabulary 62,518; built by translate_bench.build_model), decoded by the CTranslate2 engine
(int8 on CPU, as `auto` chooses) with beam 4 and a fixed output length (min = max output tokens),
so every segment costs the same whatever the random weights say. The segments: the first N
sentences of the seed corpus, imported as documents of 16 lines into a fresh SQLite store per run.

Variants, each on a fresh copy of the store (nothing cached) with the engine already loaded, so the
figure is the steady throughput of the job (selection, cache look-ups, batches, decoding, saves):
  local, 1 thread | local, 2 threads       today's code path (`--executor local`)
  ray, 1 worker x 1 thread | ray, 2 workers x 1 thread   `--executor ray --workers N`
Ray's start (local instance, actors, engine load on every worker) is timed separately. The
variants take turns for --rounds rounds, so load from other processes falls on all of them alike;
the table gives the median.

    nice python benchmarks/scale_bench.py [--segments 96] [--output-tokens 16] [--rounds 2]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from translate_bench import build_model, corpus_sentences  # noqa: E402


def seeded_store(work: Path, sentences: list[str]) -> Path:
    """An SQLite store with the sentences imported as documents of 16 lines; returns its file."""
    from workbench.config import load_config
    from workbench.ingest import import_paths
    from workbench.store import Store

    docs = work / "docs"
    docs.mkdir()
    for i in range(0, len(sentences), 16):
        (docs / f"doc{i // 16:03d}.txt").write_text("\n\n".join(sentences[i:i + 16]) + "\n", encoding="utf-8")
    config = load_config(env={"WORKBENCH_DATA_DIR": str(work / "seed")})
    store = Store(config.database_url)
    import_paths(store, [docs], config)
    store.close()
    return work / "seed" / "workbench.db"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--segments", type=int, default=96)
    ap.add_argument("--output-tokens", type=int, default=16)
    ap.add_argument("--beams", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "workbench-scale-bench")
    args = ap.parse_args(argv)

    from workbench.config import load_config
    from workbench.distributed import ExecutorOptions, RayTranslator, ensure_ray
    from workbench.store import Store
    from workbench.translate import load_engine, translate_documents

    args.work.mkdir(parents=True, exist_ok=True)
    model = build_model(args.work / "opus-mt-random")
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=args.work))
    sentences = (corpus_sentences() * 4)[:args.segments]
    seed_db = seeded_store(run_dir, sentences)

    def config_for(name: str, threads: int):
        data = run_dir / name
        data.mkdir(parents=True, exist_ok=True)
        shutil.copy(seed_db, data / "workbench.db")
        return load_config(env={"WORKBENCH_DATA_DIR": str(data)}).with_overrides(
            marian_models={"ru": str(model), "uk": str(model)}, engines={"ru": "ct2", "uk": "ct2"},
            ct2_cache_dir=args.work / "ct2", device="cpu", cpu_threads=threads, num_beams=args.beams,
            batch_size=args.batch_size, min_output_tokens=args.output_tokens, max_output_tokens=args.output_tokens)

    # Convert once, outside every timing.
    for lang in ("ru", "uk"):
        load_engine(config_for("convert", 1), lang)

    started = time.perf_counter()
    ray = ensure_ray(ExecutorOptions(kind="ray"), 2)
    ray_init = time.perf_counter() - started
    starts: dict[int, list[float]] = {1: [], 2: []}
    variants = [("local, 1 thread", "local", 1), ("ray, 1 worker x 1 thread", "ray", 1),
                ("local, 2 threads", "local", 2), ("ray, 2 workers x 1 thread", "ray", 2)]
    times: dict[str, list[float]] = {name: [] for name, _, _ in variants}
    counts: dict[str, int] = {}
    for rnd in range(args.rounds):
        for name, kind, n in variants:
            cfg = config_for(f"r{rnd}-{kind}{n}", 1 if kind == "ray" else n)
            store = Store(cfg.database_url, migrate=False)
            if kind == "local":
                for lang in ("ru", "uk"):
                    load_engine(cfg, lang)  # warm, as the Ray workers are
                t0 = time.perf_counter()
                report = translate_documents(store, cfg, all_docs=True)
            else:
                t0 = time.perf_counter()
                pool = RayTranslator(cfg, store, ExecutorOptions(kind="ray", workers=n))
                for lang in ("ru", "uk"):
                    ray.get([a.load.remote(lang) for a in pool.actors])
                starts[n].append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                report = pool.translate(store, cfg, all_docs=True)
                pool.close()
            times[name].append(time.perf_counter() - t0)
            counts[name] = report.translated
            store.close()
            print(f"round {rnd + 1}: {name}: {report.translated} segments in {times[name][-1]:.1f} s",
                  file=sys.stderr, flush=True)

    base = {1: statistics.median(times["local, 1 thread"]), 2: statistics.median(times["local, 2 threads"])}
    print(f"segments {max(counts.values())} (of {args.segments} sentences; repeated documents import once), beam {args.beams}, {args.output_tokens} output tokens each, "
          f"ct2 int8, batch {args.batch_size}; ray start {ray_init:.1f} s; "
          + "; ".join(f"{w} worker(s) start + engine load {statistics.median(t):.1f} s" for w, t in starts.items()))
    print("| variant | cores | segments | s (median) | segments/s | tokens/s | vs local, equal cores |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, _kind, n in variants:
        t = statistics.median(times[name])
        ratio = base[n] / t
        print(f"| {name} | {n} | {counts[name]} | {t:.1f} | {counts[name] / t:.2f} | "
              f"{counts[name] * args.output_tokens / t:.0f} | {ratio:.2f}x |")
    one = statistics.median(times["ray, 1 worker x 1 thread"])
    two = statistics.median(times["ray, 2 workers x 1 thread"])
    print(f"ray_2_vs_1_workers: {one / two:.2f}")
    shutil.rmtree(run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
