"""How long the flagger takes over the five seed articles without models (target: under a second).

    python benchmarks/flag_bench.py [--repeat N]

Prints wall-clock and CPU seconds (CPU time is what to compare on a busy machine) for loading the
pymorphy3 dictionaries, the first run (word caches empty), the warm time (best of N further runs),
the same for `flag_document` on a temporary store with the seeds imported (flags stored), and the
number of flags per article.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench import morph  # noqa: E402
from workbench.config import load_config  # noqa: E402
from workbench.flags import file_terms, flag_document, flag_text  # noqa: E402
from workbench.ingest import import_paths  # noqa: E402
from workbench.store import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    seeds = sorted((ROOT / "corpus").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(env={"WORKBENCH_DATA_DIR": tmp})
        terms = file_terms(config)

        def files() -> list[int]:
            return [len(flag_text(t, None, config, terms=terms, name=p.name)) for p, t in zip(seeds, texts, strict=True)]

        dicts = _timed(lambda: (morph.analyzer("ru"), morph.analyzer("uk")))
        counts: list[int] = []
        first = _timed(lambda: counts.extend(files()))
        warm = min((_timed(files) for _ in range(args.repeat)), key=lambda t: t[1])
        chars = sum(map(len, texts))
        print(f"flag_text over {len(seeds)} seeds ({chars} characters), wall / CPU seconds:")
        print(f"  dictionaries {dicts[0]:.3f} / {dicts[1]:.3f}, first run {first[0]:.3f} / {first[1]:.3f}, "
              f"cold total {dicts[0] + first[0]:.3f} / {dicts[1] + first[1]:.3f}, "
              f"warm {warm[0]:.3f} / {warm[1]:.3f} (best of {args.repeat})")
        for p, n in zip(seeds, counts, strict=True):
            print(f"  {p.name}: {n} flags")

        store = Store(config.database_url)
        import_paths(store, seeds, config)
        docs = [d.id for d in store.documents()]

        def stored() -> None:
            for d in docs:
                flag_document(store, config, d)

        once = _timed(stored)
        again = min((_timed(stored) for _ in range(args.repeat)), key=lambda t: t[1])
        print(f"flag_document over {len(docs)} stored seeds (flags written to SQLite), wall / CPU seconds: "
              f"first {once[0]:.3f} / {once[1]:.3f}, again {again[0]:.3f} / {again[1]:.3f}")
        store.close()


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    main()
