"""How fast the lexicon scores sentence pairs: every wmt21 en-ru Russian (human and MT) against its English.

    python benchmarks/lexicon_speed.py ../shared/qe

Prints sentences per second, cold (lemmas looked up for the first time) and warm, both directions.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.lexicon import load_lexicon  # noqa: E402
from workbench.text import words  # noqa: E402


def main() -> int:
    news = Path(sys.argv[1]) / "wmt21-news"
    en = [[t.text for t in words(line)] for line in (news / "newstest2021.en-ru.src.en").open(encoding="utf-8")]
    pairs = []
    for path in sorted(news.glob("newstest2021.en-ru.*.ru")):
        ru = [[t.text for t in words(line)] for line in path.open(encoding="utf-8")]
        pairs += list(zip(ru, en, strict=True))
    t0 = time.perf_counter()
    lex = load_lexicon("ru-en")
    assert lex is not None
    load = time.perf_counter() - t0
    for label in ("cold", "warm"):
        lex._score.cache_clear()
        t = time.perf_counter()
        for r, e in pairs:
            lex.source_support(r, e)
            lex.target_support(r, e)
        dt = time.perf_counter() - t
        print(f"{label}: {len(pairs)} sentence pairs in {dt:.1f}s ({len(pairs) / dt:.0f}/s), both directions")
    print(f"lexicon load {load:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
