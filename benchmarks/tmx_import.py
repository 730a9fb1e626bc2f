"""TMX import throughput and memory: `python benchmarks/tmx_import.py [--sizes 20000 200000]`.

Writes TMX files of the given numbers of units, imports each into a fresh store in a child process
and prints the file size, time, units per second and the child's peak resident memory. Streaming
import means the peak memory stays about the same as the file grows.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="bench" '
          'creationtoolversion="1" segtype="sentence" o-tmf="bench" adminlang="en" srclang="ru" '
          'datatype="plaintext"/><body>\n')
CHILD = """
import sys, resource
sys.path.insert(0, sys.argv[1])
from workbench.store import Store
from workbench.exchange.tmx import import_tmx
store = Store("sqlite:///" + sys.argv[3])
report = import_tmx(store, sys.argv[2])
print(report.added, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def write_tmx(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        for i in range(n):
            ru = escape(f"Предложение номер {i}: переговоры в Женеве продолжились без прорыва & без итогов.")
            en = escape(f"Sentence number {i}: the talks in Geneva went on without a breakthrough & results.")
            fh.write(f'<tu tuid="{i}" changeid="bench" changedate="20240101T000000Z"><prop type="x-status">'
                     f'approved</prop><tuv xml:lang="ru"><seg>{ru}</seg></tuv><tuv xml:lang="en"><seg>{en}</seg>'
                     "</tuv></tu>\n")
        fh.write("</body></tmx>\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"{n}.tmx"
            write_tmx(path, n)
            db = Path(tmp) / f"{n}.db"
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(path), str(db)], capture_output=True,
                                 text=True, check=True)
            seconds = time.perf_counter() - t0
            added, rss_kb = (int(x) for x in out.stdout.split())
            size_mb = path.stat().st_size / 2**20
            print(f"{n:>9,} units  {size_mb:7.1f} MiB  {seconds:6.1f} s  {n / seconds:8,.0f} units/s  "
                  f"peak RSS {rss_kb / 1024:6.0f} MiB  ({added:,} pairs added)")


if __name__ == "__main__":
    main()
