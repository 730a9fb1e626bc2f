"""CPU cost of starting the command line: user+sys CPU of `workbench docs` and of
`workbench align --presegmented A B` on two short files, each run as a fresh subprocess.

    python benchmarks/cli_startup.py [--runs 7]

Prints the median and the minimum over the runs for each command, the interpreter alone as a
floor, and the target (0.4 s). The store is a fresh SQLite database in a temporary folder holding
the two files as one story;
bytecode is cached (in a temporary PYTHONPYCACHEPREFIX) as it is for an installed package.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.4
# Two short versions of one text, written for this benchmark.
TEXT_A = "Вчера в городе открыли новый мост.\nДвижение по нему начнётся в понедельник.\n"
TEXT_B = "Учора в місті відкрили новий міст.\nРух ним почнеться в понеділок.\n"


def cpu_of(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    """User+sys CPU seconds of one child process (from the kernel's accounting of reaped children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit {run.returncode}: {run.stderr.strip()[-500:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "a.txt").write_text(TEXT_A, encoding="utf-8")
        (work / "b.txt").write_text(TEXT_B, encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_DATA_DIR": str(work / "data"),
               # Bytecode caches as an installed package has them (kept out of the source tree).
               "PYTHONPYCACHEPREFIX": str(work / "pycache")}
        env.pop("WORKBENCH_DB", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        py = [sys.executable]
        commands = {
            "python -c pass (floor)": py + ["-c", "pass"],
            "workbench docs": py + ["-m", "workbench", "docs"],
            "workbench align --presegmented a.txt b.txt": py + ["-m", "workbench", "align", "--presegmented",
                                                                "a.txt", "b.txt"],
        }
        # Untimed: the two files imported (so that `docs` lists something), then one run of each
        # command (creates the database, writes bytecode caches).
        cpu_of(py + ["-m", "workbench", "--operator", "import", "a.txt", "b.txt", "--story", "bridge"], env, work)
        for cmd in commands.values():
            cpu_of(cmd, env, work)
        print(f"CPU seconds (user+sys) over {args.runs} runs; target <= {TARGET_S:.1f} s")
        worst = 0.0
        for label, cmd in commands.items():
            times = [cpu_of(cmd, env, work) for _ in range(args.runs)]
            median = statistics.median(times)
            if label.startswith("workbench"):
                worst = max(worst, median)
            print(f"  {label:45s} median {median:.3f}  min {min(times):.3f}  max {max(times):.3f}")
        print(f"slowest median: {worst:.3f} s ({'meets' if worst <= TARGET_S else 'misses'} the target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
