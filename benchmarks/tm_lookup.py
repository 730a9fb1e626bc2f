"""TM lookup speed and recall on a large memory: `python benchmarks/tm_lookup.py [--units 100000]`.

Builds a memory of realistic ru/uk sentences (corpus sentences with words swapped, dropped and
reordered), then looks up perturbed copies of randomly chosen units and prints the index build
time, lookup latency (median, p95), how often the unit a query came from is the top suggestion,
and how often the top suggestion is as good as the best match of an exhaustive scan (what the
stem prefilter costs in accuracy).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from workbench.config import load_config  # noqa: E402
from workbench.ingest import import_paths  # noqa: E402
from workbench.records import TMUnit  # noqa: E402
from workbench.store import Store  # noqa: E402
from workbench.tm import suggestions  # noqa: E402


def perturb(words: list[str], vocab: list[str], rng: random.Random, edits: int) -> list[str]:
    out = list(words)
    for _ in range(edits):
        op = rng.random()
        if op < 0.4 and out:
            out[rng.randrange(len(out))] = rng.choice(vocab)
        elif op < 0.7 and len(out) > 3:
            del out[rng.randrange(len(out))]
        elif len(out) > 2:
            i = rng.randrange(len(out) - 1)
            out[i], out[i + 1] = out[i + 1], out[i]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = load_config(env={"WORKBENCH_DATA_DIR": tmp})
        store = Store(cfg.database_url)
        import_paths(store, [ROOT / "corpus"], cfg)
        sentences = [s.text.split() for d in store.documents() for s in store.segments(d.id)
                     if s.lang == "ru" and s.role != "boilerplate" and len(s.text.split()) >= 5]
        vocab = sorted({w for s in sentences for w in s})
        units, seen = [], set()
        while len(units) < args.units:
            text = " ".join(perturb(rng.choice(sentences), vocab, rng, rng.randint(2, 8)))
            if text not in seen:
                seen.add(text)
                units.append(TMUnit("ru", text, "en", f"English {len(units)}", "bench.tmx"))
        t0 = time.perf_counter()
        store.add_tm_units(units, batch=5000)
        t_insert = time.perf_counter() - t0
        t0 = time.perf_counter()
        suggestions(store, "прогрев индекса", "ru")
        t_build = time.perf_counter() - t0
        latencies, hits, found, exact = [], 0, 0, 0
        every = [" ".join(u.source.split()) for u in units]
        for _ in range(args.queries):
            unit = rng.choice(units)
            query = " ".join(perturb(unit.source.split(), vocab, rng, 2))
            t0 = time.perf_counter()
            result = suggestions(store, query, "ru", limit=5)
            latencies.append((time.perf_counter() - t0) * 1000)
            found += bool(result)
            # Perturbed units can be closer to the query than the original; count any equally good one.
            hits += bool(result) and (result[0].target == unit.target or result[0].score >= 100.0)
            best = process.extractOne(" ".join(query.split()), every, scorer=fuzz.ratio)
            exact += bool(result) and result[0].score >= round(best[1], 1) - 0.05
        latencies.sort()
        store.close()
    print(f"units: {args.units}")
    print(f"insert: {t_insert:.1f} s ({args.units / t_insert:,.0f} units/s)")
    print(f"index build (first lookup): {t_build:.2f} s")
    print(f"lookup latency: median {statistics.median(latencies):.1f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95) - 1]:.1f} ms over {args.queries} queries")
    print(f"queries with a suggestion: {found}/{args.queries}; source unit ranked first: {hits}/{args.queries}")
    print(f"top suggestion as good as an exhaustive scan's best: {exact}/{args.queries}")


if __name__ == "__main__":
    main()
