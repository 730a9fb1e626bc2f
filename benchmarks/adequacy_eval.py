"""Word-level figures of the adequacy flags (translation lexicon) on the shared QE data.

    python benchmarks/adequacy_eval.py ../shared/qe [--lexicon FILE] [--tune]

Default: the shipped lexicon and thresholds on the dev sets —
  - wmtqe22 en-ru-dev-2022: the Russian MT's words the English original does not support
    (`adequacy.original` / `source_gaps`), against the MQM BAD tags;
  - wmtqe22 ru-en-dev and ru-en-test20: English MT words no Russian source word accounts for
    (`adequacy.addition` / `target_gaps`), against the BAD tags;
each with precision, recall and MCC of BAD, and the all-OK and random (at the base rate) baselines.
Then flags per 100 sentences on the human Russian (wmt21 en-ru ref.A/B) vs the nine systems'
Russian of the same English. The shipped lexicon is learnt on the training files only (never a
wmt21 file), so that comparison sees unseen text.

`--tune` (with a --holdout lexicon): the same figures on the last 1,000 lines of the two tagged
training sets, over a grid of thresholds — where SOURCE_MIN / TARGET_MIN were chosen.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.flags.adequacy import SOURCE_MIN, TARGET_MIN, segment_words, source_gaps, target_gaps  # noqa: E402
from workbench.lexicon import Lexicon, load_lexicon, read_lexicon_file  # noqa: E402

GRID = (0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2)


def _lines(path: Path) -> list[list[str]]:
    return [line.split() for line in path.open(encoding="utf-8")]


def _strip_eos(rows: list[list[str]]) -> list[list[str]]:
    """The untagged side, as the product reads it: words and numbers of the line."""
    return [[t.text for t in segment_words(" ".join(w for w in r if w != "<EOS>"))] for r in rows]


def mcc(pred: list[bool], gold: list[bool]) -> tuple[float, float, float]:
    """(precision, recall, MCC) of BAD."""
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    tn = len(gold) - tp - fp - fn
    denom = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return (tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0,
            (tp * tn - fp * fn) / denom if denom else 0.0)


def word_task(lex: Lexicon, side: str, src: list[list[str]], mt: list[list[str]], tags: list[list[str]],
              thresholds: tuple[float, ...]) -> dict[float, list[bool]]:
    """Predicted BAD per tag for each threshold; tags beyond the words (<EOS>) stay OK."""
    preds: dict[float, list[bool]] = {t: [] for t in thresholds}
    top = max(thresholds)
    for s, m, g in zip(src, mt, tags, strict=True):
        words = [w for w in m if w != "<EOS>"]
        gaps = source_gaps(lex, words, s, top) if side == "source" else target_gaps(lex, s, words, top)
        # gap at threshold `top` is 1 - support/top, so support = (1 - gap) * top
        support = [None if x is None else (1 - x) * top for x in gaps]
        for t in thresholds:
            row = [x is not None and x < t for x in support]
            preds[t].extend(row + [False] * (len(g) - len(row)))
    return preds


def report(name: str, preds: dict[float, list[bool]], gold: list[bool], rng: random.Random) -> None:
    base = sum(gold) / len(gold)
    rand = [rng.random() < base for _ in gold]
    _, _, m_rand = mcc(rand, gold)
    print(f"{name}: {len(gold)} tags, BAD {base:.1%}; all-OK MCC 0.000; random at base rate MCC {m_rand:.3f}")
    for t, pred in preds.items():
        p, r, m = mcc(pred, gold)
        print(f"  threshold {t:.2f}: flagged {sum(pred) / len(pred):.2%} of tags  P {p:.3f}  R {r:.3f}  MCC {m:.3f}")


def rates(lex: Lexicon, qe: Path, threshold: float) -> None:
    news = qe / "wmt21-news"
    en = [[t.text for t in segment_words(line)] for line in (news / "newstest2021.en-ru.src.en").open(encoding="utf-8")]
    out = []
    for path in sorted(news.glob("newstest2021.en-ru.re[f]*.ru")) + sorted(news.glob("newstest2021.en-ru.hyp.*.ru")):
        ru = [[t.text for t in segment_words(line)] for line in path.open(encoding="utf-8")]
        flags = sum(sum(x is not None for x in source_gaps(lex, r, e, threshold)) for r, e in zip(ru, en, strict=True))
        out.append((path.name.split(".")[-2], ".ref." in path.name, 100 * flags / len(ru)))
    human = [r for _, h, r in out if h]
    mt = [r for _, h, r in out if not h]
    for n, h, r in out:
        print(f"  {n:14s} {'human' if h else 'MT   '} {r:6.1f} flags / 100 sentences")
    h_mean, m_mean = sum(human) / len(human), sum(mt) / len(mt)
    print(f"  human {h_mean:.1f}, MT {m_mean:.1f} per 100 sentences: ratio MT/human {m_mean / h_mean:.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("qe_dir", type=Path)
    ap.add_argument("--lexicon", type=Path, help="a lexicon data file (default: the shipped one)")
    ap.add_argument("--tune", action="store_true", help="grid on the training tails (use a --holdout lexicon)")
    args = ap.parse_args(argv)
    t0 = time.time()
    lex = read_lexicon_file(args.lexicon, "ru-en") if args.lexicon else load_lexicon("ru-en")
    if lex is None:
        print("no lexicon data file", file=sys.stderr)
        return 2
    rng = random.Random(0)
    w = args.qe_dir / "wmtqe22"
    if args.tune:
        tail = slice(-1000, None)
        enru = w / "en-ru-train-2021-news"
        sets = [("en-ru-train tail (Russian MT vs English original)", "source",
                 _strip_eos(_lines(enru / "mqm_enru_updated.src")), _lines(enru / "mqm_enru_updated.mt"),
                 _lines(enru / "mqm_enru_updated.word_level.tags"), GRID),
                ("ru-en-train tail (English MT)", "target", _lines(w / "ru-en-train/train.src"),
                 _lines(w / "ru-en-train/train.word_level.2022.mt"),
                 _lines(w / "ru-en-train/train.word_level.2022.tags"), GRID)]
        sets[1] = (sets[1][0], sets[1][1], _strip_eos(sets[1][2]), *sets[1][3:])
        sets = [(n, side, s[tail], m[tail], g[tail], th) for n, side, s, m, g, th in sets]
    else:
        dev = w / "en-ru-dev-2022"
        sets = [("en-ru-dev-2022 (Russian MT vs English original)", "source",
                 _strip_eos(_lines(dev / "mqm_dev2022_enru.src")), _lines(dev / "mqm_dev2022_enru.mt"),
                 _lines(dev / "mqm_dev2022_enru.tags"), (SOURCE_MIN,))]
        for name in ("ru-en-dev/dev", "ru-en-test20/test20"):
            sets.append((f"{name.split('/')[0]} (English MT)", "target", _strip_eos(_lines(w / f"{name}.src")),
                         _lines(w / f"{name}.word_level.2022.mt"), _lines(w / f"{name}.word_level.2022.tags"),
                         (TARGET_MIN,)))
    for name, side, src, mt, tags, thresholds in sets:
        gold = [t == "BAD" for row in tags for t in row]
        report(name, word_task(lex, side, src, mt, tags, thresholds), gold, rng)
    if not args.tune:
        print("flags per 100 sentences, wmt21 en-ru, Russian vs its English original:")
        rates(lex, args.qe_dir, SOURCE_MIN)
    print(f"done in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
