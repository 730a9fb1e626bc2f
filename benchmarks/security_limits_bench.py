"""How fast the action layer refuses the inputs that used to hold the server (issue 13): a catastrophic
regular expression in find & replace, a 2 MB English save, a 10 MB one-line article. Prints figures.

    .venv/bin/python benchmarks/security_limits_bench.py
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.actions import Actor, imports, segments  # noqa: E402
from workbench.config import load_config  # noqa: E402
from workbench.errors import WorkbenchError  # noqa: E402
from workbench.store import Store  # noqa: E402


def timed(label: str, fn) -> None:  # noqa: ANN001
    tracemalloc.start()
    start = time.perf_counter()
    try:
        fn()
        outcome = "accepted"
    except WorkbenchError as exc:
        outcome = f"refused: {str(exc)[:90]}"
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"{label:<44} {seconds:7.3f} s  peak {peak:7.1f} MiB  {outcome}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(env={"WORKBENCH_DATA_DIR": tmp})
        store = Store(config.database_url)
        who = Actor("bench", "translator")
        text = "Заголовок новости\n\n" + "\n".join(f"Предложение номер {i} этой статьи." for i in range(200)) + "\n"
        imports.upload(store, config, who, [("bench.txt", text.encode())])
        doc = store.document("bench.txt")
        for seg in doc.segments:
            segments.save_english(store, who, seg.id, "a" * 26 + "!", 0)
        timed("find (a|aa)+$ over 201 segments of 27 chars", lambda: segments.find_replace(
            store, who, doc.id, "(a|aa)+$", "b"))
        timed("find (a+)+$ (the issue's pattern)", lambda: segments.find_replace(store, who, doc.id, "(a+)+$", "b"))
        # Baseline: what the stdlib `re` (no time limit) spends on ONE such segment, with fewer a's.
        import re

        for n in (18, 20, 22):
            timed(f"baseline: re (a+)+$ on one segment, {n} a's", lambda n=n: re.compile("(a+)+$").subn("b", "a" * n + "!"))
        timed("save 2 MB of English on one segment", lambda: segments.save_english(
            store, who, doc.segments[1].id, "x" * 2_000_000, 1))
        timed("upload a 10 MB one-line article", lambda: imports.upload(
            store, config, who, [("one-line.txt", ("слово " * 1_700_000).encode()[: 10 * 2**20 - 1])]))
        store.close()


if __name__ == "__main__":
    main()
