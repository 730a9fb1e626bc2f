"""Sentence-alignment quality on public parallel text with known sentence correspondence.

Two sets, both line-aligned by their publishers, cut into documents of consecutive lines:

- news: WMT21 en→ru, two independent human Russian translations of the same English news
  (`newstest2021.en-ru.ref.A.ru` vs `.ref.B.ru`), aligned ru↔ru. Two people translating the same
  text word it differently, as the Russian and Ukrainian desks of one newsroom do; no public
  Ukrainian news with sentence correspondence is available offline.
- informal: WMT22 QE ru-en (Reddit and Wikiquote lines): the Russian source against its human
  English post-edit (`.src` vs `.pe`), aligned ru↔en: short lines, emoticons, few shared names, so
  length and position carry most of the decision.

One side (B) is perturbed per condition (seeded): `omission` deletes sentences (1-0 beads),
`merge` joins neighbours (2-1), `insertion` adds a sentence from another document (0-1), `swap`
exchanges neighbours (two crossing 1-1 beads), `mixed` does all four at the rates of the issue
(8 % / 7 % / 5 % / 3 %; event counts are rounded stochastically so that the rates hold over the
set), `clean` does nothing. The aligner and a Gale–Church baseline (the classic
length-based dynamic programme, implemented below) align every document in the same run.

Figures: link F1 (`workbench.align.link_f1`: 1-0 and 0-1 beads count as links to nothing) over all
documents' links, and exact-bead accuracy (share of gold beads the aligner produced exactly).
Documents are split: the tuning half (even documents of news; the ru-en dev set) was used while
developing the aligner; the figures are reported on the other half (odd news documents; ru-en
test20), never seen while tuning.

On the informal set the aligner compares Russian with English words through the shipped lexicon;
`--no-lexicon` adds a run without it (length, position, names, numbers and marks only).

    python benchmarks/align_eval.py [--split report|tune] [--sets news informal] [--doc-lines 20] [--no-lexicon]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.align.sentences import DEFAULT_PARAMS, AlignParams, align_texts, link_f1  # noqa: E402

SHARED = Path("/work/shared/qe") if Path("/work/shared/qe").is_dir() else ROOT.parent / "shared" / "qe"
Bead = tuple[list[int], list[int]]
CONDITIONS = ("clean", "omission", "merge", "insertion", "swap", "mixed")
SINGLE_RATE = 0.10  # share of sentences touched in a one-type condition
MIXED_RATES = {"omission": 0.08, "merge": 0.07, "insertion": 0.05, "swap": 0.03}


@dataclass
class Doc:
    a: list[str]
    b: list[str]
    pivot: list[str] | None = None  # the text both sides translate, where there is one


@dataclass
class DataSet:
    name: str
    lang_a: str
    lang_b: str
    docs: list[Doc]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _cut(a: list[str], b: list[str], size: int, pivot: list[str] | None = None) -> list[Doc]:
    if len(a) != len(b) or (pivot is not None and len(pivot) != len(a)):
        raise SystemExit(f"line counts differ: {len(a)} vs {len(b)}")
    piv = pivot or [""] * len(a)
    rows = [(x.strip(), y.strip(), z.strip()) for x, y, z in zip(a, b, piv, strict=True) if x.strip() and y.strip()]
    return [Doc([r[0] for r in rows[k:k + size]], [r[1] for r in rows[k:k + size]],
                [r[2] for r in rows[k:k + size]] if pivot else None)
            for k in range(0, len(rows) - size // 2, size)]


def _line_alignment_holds(doc: Doc) -> bool:
    """Whether the published line alignment is intact: each version's line lengths follow the
    source's. A version that put two sentences on one line and shifted the rest (it happens in
    released test sets) would otherwise count the aligner's correct beads as errors."""
    if not doc.pivot:
        return True
    src = [len(x) for x in doc.pivot]
    return all(_pearson([len(x) for x in side], src) >= 0.6 for side in (doc.a, doc.b))


def _pearson(x: list[int], y: list[int]) -> float:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((p - mx) * (q - my) for p, q in zip(x, y, strict=True))
    sxx = sum((p - mx) ** 2 for p in x)
    syy = sum((q - my) ** 2 for q in y)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 1.0


def load(name: str, split: str, size: int) -> DataSet:
    if name == "news":
        base = SHARED / "wmt21-news" / "newstest2021.en-ru"
        docs = _cut(_lines(Path(f"{base}.ref.A.ru")), _lines(Path(f"{base}.ref.B.ru")), size,
                    _lines(Path(f"{base}.src.en")))
        keep = 0 if split == "tune" else 1
        half = docs[keep::2]
        intact = [d for d in half if _line_alignment_holds(d)]
        if len(intact) < len(half):
            print(f"news: {len(half) - len(intact)} document(s) left out: published line alignment broken")
        return DataSet("news ru↔ru (WMT21 ref A vs B)", "ru", "ru", intact)
    if name == "informal":
        sub = "ru-en-dev/dev" if split == "tune" else "ru-en-test20/test20"
        base = SHARED / "wmtqe22" / sub
        docs = _cut(_lines(Path(f"{base}.src")), _lines(Path(f"{base}.pe")), size)
        return DataSet(f"informal ru↔en (WMT22 QE {sub.split('/')[0]}: src vs post-edit)", "ru", "en", docs)
    raise SystemExit(f"unknown set {name!r}")


# --- perturbation -------------------------------------------------------------------------------

def perturb(doc: Doc, condition: str, rng: random.Random, foreign: Sequence[str]) -> tuple[list[str], list[Bead]]:
    """Side B after the perturbation, and the gold beads (A indices, B indices)."""
    n = len(doc.a)
    items: list[tuple[str, list[int]]] = [(doc.b[i], [i]) for i in range(n)]
    rates = MIXED_RATES if condition == "mixed" else ({condition: SINGLE_RATE} if condition != "clean" else {})
    busy: set[int] = set()  # original positions already touched (perturbations do not overlap)

    def pick(width: int) -> int | None:
        for _ in range(50):
            k = rng.randrange(0, n - width + 1)
            span = set(range(k - 1, k + width + 1))
            if not span & busy:
                busy.update(range(k, k + width))
                return k
        return None

    plan: list[tuple[str, int]] = []
    for kind, rate in rates.items():
        # Stochastic rounding: over all documents each type occurs at its stated rate (rounding
        # each 20-line document up to one event made 3 % swaps into 5 %).
        whole, frac = divmod(rate * n, 1.0)
        count = int(whole) + (rng.random() < frac)
        for _ in range(count):
            k = pick(2 if kind in ("merge", "swap") else 1)
            if k is not None:
                plan.append((kind, k))
    # Apply from the end so earlier positions keep their meaning.
    for kind, k in sorted(plan, key=lambda p: -p[1]):
        if kind == "omission":
            del items[k]
        elif kind == "merge":
            items[k:k + 2] = [(items[k][0] + " " + items[k + 1][0], items[k][1] + items[k + 1][1])]
        elif kind == "swap":
            items[k], items[k + 1] = items[k + 1], items[k]
        elif kind == "insertion":
            items.insert(k, (rng.choice(foreign), []))
    b = [text for text, _ in items]
    gold: list[Bead] = []
    seen: set[int] = set()
    for j, (_text, src) in enumerate(items):
        gold.append((list(src), [j]))
        seen.update(src)
    gold += [([i], []) for i in range(n) if i not in seen]
    return b, gold


# --- Gale–Church baseline -----------------------------------------------------------------------

# Gale & Church (1993), table 5: prior probability of each bead type, and the variance per character.
GC_PRIORS = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2, (2, 1): 0.089 / 2, (1, 2): 0.089 / 2,
             (2, 2): 0.011}
GC_S2 = 6.8


def gale_church(a: Sequence[str], b: Sequence[str]) -> list[Bead]:
    """The classic length-based alignment: minimum total −log P(type) P(length difference | type)."""
    la, lb = [len(x) for x in a], [len(y) for y in b]
    c = sum(lb) / max(sum(la), 1)
    n, m = len(a), len(b)

    def cost(l1: int, l2: int, kind: tuple[int, int]) -> float:
        if l1 == 0 and l2 == 0:
            return 0.0
        mean = (l1 + l2 / c) / 2
        delta = (l2 - l1 * c) / math.sqrt(GC_S2 * max(mean, 1e-9))
        p = max(math.erfc(abs(delta) / math.sqrt(2)), 1e-300)
        return -math.log(GC_PRIORS[kind]) - math.log(p)

    inf = float("inf")
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if best[i][j] == inf:
                continue
            for di, dj in GC_PRIORS:
                x, y = i + di, j + dj
                if x > n or y > m:
                    continue
                v = best[i][j] + cost(sum(la[i:x]), sum(lb[j:y]), (di, dj))
                if v < best[x][y]:
                    best[x][y] = v
                    back[x][y] = (di, dj)
    out: list[Bead] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]  # type: ignore[misc]
        out.append((list(range(i - di, i)), list(range(j - dj, j))))
        i, j = i - di, j - dj
    return out[::-1]


# --- evaluation ---------------------------------------------------------------------------------

def workbench_aligner(lang_a: str, lang_b: str, params: AlignParams = DEFAULT_PARAMS
                      ) -> Callable[[list[str], list[str]], list[Bead]]:
    def run(a: list[str], b: list[str]) -> list[Bead]:
        return [(list(s), list(t)) for s, t, _score in align_texts(a, b, lang_a, lang_b, params=params)]
    return run


def _key(bead: Bead) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return tuple(sorted(bead[0])), tuple(sorted(bead[1]))


def evaluate(ds: DataSet, aligners: dict[str, Callable[[list[str], list[str]], list[Bead]]],
             seed: int) -> dict[str, dict[str, tuple[float, float, float]]]:
    """{condition: {aligner: (link F1, exact-bead accuracy, seconds)}} over all documents pooled."""
    out: dict[str, dict[str, tuple[float, float, float]]] = {}
    for condition in CONDITIONS:
        rng = random.Random(f"{seed}:{ds.name}:{condition}")
        cases = []
        for d, doc in enumerate(ds.docs):
            foreign = [s for k, other in enumerate(ds.docs) if k != d for s in other.b]
            cases.append((doc, *perturb(doc, condition, rng, foreign)))
        out[condition] = {}
        for name, align in aligners.items():
            pred_all: list[Bead] = []
            gold_all: list[Bead] = []
            exact = total = 0
            started = time.perf_counter()
            for d, (doc, b, gold) in enumerate(cases):
                pred = align(doc.a, b)
                # Offsets keep documents apart when their links are pooled.
                off = 10_000 * (d + 1)
                pred_all += [([off + x for x in s], [off + y for y in t]) for s, t in pred]
                gold_all += [([off + x for x in s], [off + y for y in t]) for s, t in gold]
                got = {_key(p) for p in pred}
                exact += sum(1 for g in gold if _key(g) in got)
                total += len(gold)
            seconds = time.perf_counter() - started
            out[condition][name] = (link_f1(pred_all, gold_all), exact / max(total, 1), seconds)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("report", "tune"), default="report")
    parser.add_argument("--sets", nargs="+", default=["news", "informal"], choices=("news", "informal"))
    parser.add_argument("--doc-lines", type=int, default=20, help="lines per document (default 20)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-lexicon", action="store_true",
                        help="also run the aligner without the ru/uk-en lexicon (length, position and surface only)")
    args = parser.parse_args()
    for name in args.sets:
        ds = load(name, args.split, args.doc_lines)
        pairs = sum(len(d.a) for d in ds.docs)
        print(f"\n{ds.name}, {args.split} split: {len(ds.docs)} documents, {pairs} sentence pairs")
        aligners = {"workbench": workbench_aligner(ds.lang_a, ds.lang_b)}
        if args.no_lexicon and ds.lang_a != ds.lang_b:
            aligners["workbench no lexicon"] = workbench_aligner(ds.lang_a, ds.lang_b,
                                                                 AlignParams(use_lexicon=False))
        aligners["gale-church"] = gale_church
        results = evaluate(ds, aligners, args.seed)
        print(f"  {'condition':10s} " + "  ".join(f"{a:>22s}" for a in aligners))
        print(f"  {'':10s} " + "  ".join(f"{'F1   exact   s':>22s}" for _ in aligners))
        for condition, row in results.items():
            cells = "  ".join(f"{f1:8.3f} {acc:7.3f} {sec:5.1f}" for f1, acc, sec in row.values())
            print(f"  {condition:10s} {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
