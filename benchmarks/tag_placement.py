"""How well tags land in machine translation (`inline.place_mt`): the lexicon's word alignment with
the positional fallback, against the positional fallback alone.

Data: WMT22 QE ru-en dev (/work/shared/qe/wmtqe22/ru-en-dev: Russian source, English MT and the
source–MT word alignment shipped with it; the lexicon never saw these sentences). In each sentence
a pair of tags is put around a random run of 1–3 source words (seeded); the reference is the MT
words from the first to the last one the shipped alignment links to that run. Printed per method:
how often the placed pair wraps exactly the reference words, and word precision/recall/F1 of the
wrapped words. Without placement every such segment starts with a "missing tag" flag.

    python benchmarks/tag_placement.py [--data DIR] [--limit N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench import inline  # noqa: E402
from workbench.text import words  # noqa: E402

DATA = Path("/work/shared/qe/wmtqe22/ru-en-dev")


def offsets(tokens: list[str]) -> list[tuple[int, int]]:
    out, at = [], 0
    for t in tokens:
        out.append((at, at + len(t)))
        at += len(t) + 1
    return out


def wrapped(english: str) -> set[int] | None:
    """Indexes (over `words` of the plain English) of the words inside <1>…</1>; None if not placed."""
    tags = {t.kind: t for t in inline.parse(english) if t.id == 1}
    if "open" not in tags or "close" not in tags or tags["open"].start > tags["close"].start:
        return None
    # positions in the plain English: drop the tokens before each offset
    a = len(inline.plain(english[:tags["open"].end]))
    b = len(inline.plain(english[:tags["close"].start]))
    return {i for i, w in enumerate(words(inline.plain(english))) if w.start >= a and w.end <= b}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    src_lines = (args.data / "dev.src").read_text("utf-8").splitlines()
    mt_lines = (args.data / "dev.mt").read_text("utf-8").splitlines()
    al_lines = (args.data / "dev.src-mt.alignments").read_text("utf-8").splitlines()
    rng = random.Random(args.seed)
    methods = {
        "lexicon + position": lambda s, c, e: inline.place_mt(s, "ru", c, e),
        "position only": lambda s, c, e: inline.place_by_position(s, c, e),
    }
    stats = {m: {"exact": 0, "tp": 0, "placed_words": 0, "placed": 0} for m in methods}
    n = ref_words = 0
    for src_line, mt_line, al_line in zip(src_lines, mt_lines, al_lines, strict=True):
        src, mt = src_line.split(), mt_line.split()
        links = [tuple(map(int, p.split("-"))) for p in al_line.split()]
        alpha = [i for i, t in enumerate(src) if words(t)]
        if len(alpha) < 2 or not mt:
            continue
        length = rng.choice((1, 2, 3))
        start = rng.randrange(len(alpha))
        run = [i for i in alpha[start:start + length] if i - alpha[start] < length]  # contiguous tokens only
        targets = sorted({j for i, j in links if i in run})
        if not targets:
            continue
        source, english = " ".join(src), " ".join(mt)
        s_off, m_off = offsets(src), offsets(mt)
        a, b = s_off[run[0]][0], s_off[run[-1]][1]
        lo, hi = m_off[targets[0]][0], m_off[targets[-1]][1]
        ref = {i for i, w in enumerate(words(english)) if w.start >= lo and w.end <= hi}
        if not ref:
            continue
        codes = [{"kind": "open", "id": 1, "pos": a, "markup": "<b>", "seq": 0},
                 {"kind": "close", "id": 1, "pos": b, "markup": "</b>", "seq": 1}]
        n += 1
        ref_words += len(ref)
        for name, place in methods.items():
            got = wrapped(place(source, codes, english))
            st = stats[name]
            if got is None:
                continue
            st["placed"] += 1
            st["exact"] += got == ref
            st["tp"] += len(got & ref)
            st["placed_words"] += len(got)
        if args.limit and n >= args.limit:
            break
    print(f"{n} sentences of {args.data.name}, one pair of tags around 1-3 source words (seed {args.seed})")
    print(f"{'method':<20} {'placed':>7} {'exact':>7} {'P':>6} {'R':>6} {'F1':>6}")
    for name, st in stats.items():
        p = st["tp"] / st["placed_words"] if st["placed_words"] else 0.0
        r = st["tp"] / ref_words if ref_words else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{name:<20} {st['placed'] / n:>7.1%} {st['exact'] / n:>7.1%} {p:>6.3f} {r:>6.3f} {f:>6.3f}")
    print("without placement: 100% of these segments start with a tags.missing flag")


if __name__ == "__main__":
    main()
