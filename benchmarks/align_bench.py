"""Sentence-alignment benchmark: time (and link F1) on synthetic documents of 200 and 2,000 segments.

Synthetic pairs are built from the seed corpus: side A splices halves of corpus sentences (so that
each is unique, as in a real article) and adds numbers now and then; side B rewrites every A
sentence the way a sister-language version differs (dropped and foreign words, changed endings),
and merges, splits, omits, inserts and swaps neighbouring sentences, so the gold beads are known.

    python benchmarks/align_bench.py [--sizes 200 2000] [--repeat 1] [--english]

Prints seconds per size, the growth factor from the smallest to the largest size, and link F1.
Targets (issue 4): growth from 200 to 2,000 below 20x, 2,000 x 2,000 under 10 s. With --english
the chrF pass runs too, each side's own text standing in for its English (timing only).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.align.sentences import align_texts, link_f1  # noqa: E402
from workbench.ingest import build_document  # noqa: E402
from workbench.text import words  # noqa: E402

Bead = tuple[list[int], list[int]]


def corpus_sentences() -> list[str]:
    out = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        doc = build_document(path.read_text(encoding="utf-8"), path.name)
        out += [s.text for s in doc.segments if s.role == "content" and len(words(s.text)) >= 4]
    return out


def _splice(rng: random.Random, pool: list[str]) -> str:
    a, b = rng.sample(pool, 2)
    wa, wb = a.split(), b.split()
    text = " ".join(wa[: max(2, len(wa) // 2)] + wb[len(wb) // 2:])
    if rng.random() < 0.4:
        parts = text.split()
        parts.insert(rng.randrange(len(parts) + 1), str(rng.randrange(2, 5000)))
        text = " ".join(parts)
    return text


def _rewrite(rng: random.Random, text: str, vocabulary: list[str]) -> str:
    """What a version in a sister language keeps of a sentence: most words, some endings changed."""
    out = []
    for w in text.split():
        r = rng.random()
        if r < 0.12:
            continue
        if r < 0.27:
            out.append(rng.choice(vocabulary))
        elif r < 0.45 and len(w) > 4 and w.isalpha():
            out.append(w[:-2] + rng.choice(["ий", "ою", "ів", "ах", "ому", "и", "е"]))
        else:
            out.append(w)
    return " ".join(out) or text


def synthetic_pair(n: int, seed: int = 0) -> tuple[list[str], list[str], list[Bead]]:
    """Two documents of about n segments each and their gold beads."""
    rng = random.Random(seed)
    pool = corpus_sentences()
    vocabulary = sorted({w for s in pool for w in s.split() if w.isalpha()})
    a = [_splice(rng, pool) for _ in range(n)]
    b: list[str] = []
    gold: list[Bead] = []
    i = 0
    while i < n:
        r = rng.random()
        if r < 0.04 and i + 1 < n:  # merge: two A sentences in one B sentence
            b.append(_rewrite(rng, a[i], vocabulary) + " " + _rewrite(rng, a[i + 1], vocabulary))
            gold.append(([i, i + 1], [len(b) - 1]))
            i += 2
        elif r < 0.08 and len(a[i].split()) >= 8:  # split
            words_ = _rewrite(rng, a[i], vocabulary).split()
            half = len(words_) // 2
            b += [" ".join(words_[:half]), " ".join(words_[half:])]
            gold.append(([i], [len(b) - 2, len(b) - 1]))
            i += 1
        elif r < 0.11:  # omission
            gold.append(([i], []))
            i += 1
        elif r < 0.14:  # insertion
            b.append(_splice(rng, pool))
            gold.append(([], [len(b) - 1]))
        elif r < 0.17 and i + 1 < n:  # neighbours swapped
            b += [_rewrite(rng, a[i + 1], vocabulary), _rewrite(rng, a[i], vocabulary)]
            gold += [([i], [len(b) - 1]), ([i + 1], [len(b) - 2])]
            i += 2
        else:
            b.append(_rewrite(rng, a[i], vocabulary))
            gold.append(([i], [len(b) - 1]))
            i += 1
    return a, b, gold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (the best time is kept)")
    parser.add_argument("--english", action="store_true", help="also run the chrF pass over stand-in English")
    args = parser.parse_args(argv)
    warm_a, warm_b, _ = synthetic_pair(50, seed=99)
    align_texts(warm_a, warm_b, "uk", "uk")  # load the morphology dictionaries outside the timing
    times = {}
    for n in args.sizes:
        a, b, gold = synthetic_pair(n, seed=n)
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            if args.english:
                beads = align_texts(a, b, "uk", "uk", english_a=a, english_b=b)
            else:
                beads = align_texts(a, b, "uk", "uk")
            best = min(best, time.perf_counter() - start)
        times[n] = best
        f1 = link_f1([(s, t) for s, t, _ in beads], gold)
        print(f"{n:>6} x {len(b):<6} segments: {best:7.2f} s   link F1 {f1:.3f}")
    if len(times) > 1:
        small, large = min(times), max(times)
        print(f"growth {small} -> {large}: {times[large] / times[small]:.1f}x "
              f"(segments x{large / small:.0f}; target < 20x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
