"""Limits benchmark: one document of 50,000 segments through import (and the later stages).

Prints, per stage (segmentation, store, read back, flagging), the wall time and the process's peak
resident memory so far, then the same for `workbench import` of the file as a user runs it (a
separate process: its own time and peak RSS).

    .venv/bin/python benchmarks/limits_bench.py                # 50,000 segments
    .venv/bin/python benchmarks/limits_bench.py --segments 5000

Stages are plain functions over a context dict: a later stage (flagging, alignment) is one more
entry in STAGES.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.config import load_config  # noqa: E402
from workbench.flags import flag_document  # noqa: E402
from workbench.ingest import build_document  # noqa: E402
from workbench.ingest.segment import sentences  # noqa: E402
from workbench.store import Store  # noqa: E402

PER_PARAGRAPH = 5


def sentence_pool() -> list[str]:
    """Sentences of the seed corpus that razdel keeps apart when they are put side by side."""
    pool = [s.text for p in sorted((ROOT / "corpus").glob("*.txt")) for s in sentences(p.read_text("utf-8"))
            if 40 < len(s.text) <= 120]  # short enough for 50,000 of them to stay under the 10 MiB limit
    return [s for s in pool if len(sentences(f"{s} {s}")) == 2]


def big_text(n_segments: int, seed: int = 0) -> str:
    """A news-like document of about n_segments sentences, five to a paragraph."""
    pool = sentence_pool()
    rng = random.Random(seed)
    paragraphs = [" ".join(rng.choice(pool) for _ in range(PER_PARAGRAPH))
                  for _ in range(-(-n_segments // PER_PARAGRAPH))]
    return "Большой документ для проверки пределов\n\n" + "\n\n".join(paragraphs) + "\n"


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def stage_build(ctx: dict[str, Any]) -> str:
    ctx["doc"] = build_document(ctx["text"], "big.txt")
    return f"{len(ctx['doc'].segments)} segments"


def stage_add(ctx: dict[str, Any]) -> str:
    [(doc, added)] = ctx["store"].add_documents([ctx["doc"]])
    ctx["doc_id"] = doc.id
    return "added in one transaction" if added else "already there"


def stage_read(ctx: dict[str, Any]) -> str:
    doc = ctx["store"].document(ctx["doc_id"])
    ctx["segment_ids"] = [s.id for s in doc.segments]
    return f"{len(doc.segments)} segments read back"


def stage_english(ctx: dict[str, Any]) -> str:
    english = ctx["store"].english_for(ctx["segment_ids"])
    return f"English of {len(english)} segments"


def stage_flag(ctx: dict[str, Any]) -> str:
    """Every check that runs without English (glossary files, artifacts, boilerplate, QA); flags stored."""
    flags = flag_document(ctx["store"], ctx["config"], ctx["doc_id"])
    return f"{len(flags)} open flags on {len({f.segment_id for f in flags})} segments, stored"


STAGES: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    ("segment, identify, classify (build_document)", stage_build),
    ("store (add_documents)", stage_add),
    ("read the document back", stage_read),
    ("current English of every segment", stage_english),
    ("flag every segment (flag_document)", stage_flag),
]


# Runs `python -m workbench ARGS` and reports the process's own peak RSS (VmHWM, in KiB) at exit.
# getrusage(RUSAGE_CHILDREN) cannot be used: a child started by vfork/exec inherits this process's
# high-water mark, so it would report the benchmark's own peak.
_CHILD = ("import atexit, runpy, sys\n"
          "atexit.register(lambda: print('VmHWM', next(line.split()[1] for line in open('/proc/self/status')"
          " if line.startswith('VmHWM')), file=sys.stderr))\n"
          "sys.argv = ['workbench', *sys.argv[1:]]\n"
          "runpy.run_module('workbench', run_name='__main__')\n")


def cli_import(path: Path, data_dir: Path) -> tuple[float, float, int]:
    """`workbench import PATH` in its own process: (seconds, peak RSS MiB of that process, status)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_DATA_DIR": str(data_dir)}
    env.pop("WORKBENCH_DB", None)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, "import", str(path)], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        print(done.stderr.strip(), file=sys.stderr)
    hwm = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("VmHWM ")]
    return seconds, int(hwm[-1]) / 1024 if hwm else float("nan"), done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        text = big_text(args.segments)
        path = tmp_path / "big.txt"
        path.write_text(text, encoding="utf-8")
        print(f"document: {len(text.encode('utf-8')) / 2**20:.1f} MiB, {len(text):,} characters, "
              f"about {args.segments:,} segments")
        config = load_config(env={"WORKBENCH_DATA_DIR": str(tmp_path / "data")})
        ctx: dict[str, Any] = {"text": text, "store": Store(config.database_url), "config": config}
        print(f"{'stage':48} {'seconds':>8} {'peak RSS MiB':>13}  result")
        for name, stage in STAGES:
            start = time.perf_counter()
            result = stage(ctx)
            print(f"{name:48} {time.perf_counter() - start:8.1f} {peak_rss_mib():13.0f}  {result}")
        ctx["store"].close()
        seconds, rss, status = cli_import(path, tmp_path / "cli-data")
        print(f"{'workbench import big.txt (own process)':48} {seconds:8.1f} {rss:13.0f}  exit status {status}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
