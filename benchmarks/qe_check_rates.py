"""Per-check false-alarm and hit rates on the public QE data: which check earns its place.

    python benchmarks/qe_check_rates.py DIR [--limit N] [--checks a,b] [--no-english]

DIR is the shared QE folder (see its README). Prints, per check:
- flags per 100 sentences on the two human Russian translations of the WMT21 en-ru English
  (`ref.A/B.ru`) vs the nine MT systems' Russian of the same English, and their ratio (a check
  that fires as often on good human text as on MT has no signal); the English original is
  supplied as the segment's English, so the source <-> English checks are measured too;
- the same on the ru-en side: human English (`ref.A/B.en`) vs ten MT systems, English-side flags;
- word level on `wmtqe22/en-ru-dev-2022`: tokens flagged and the share of them tagged BAD (against
  the base rate of BAD), reading the Russian alone.
Each line is one check; the last line is the total over all checks at error level.
"""

from __future__ import annotations

import argparse
import html
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.config import Config  # noqa: E402
from workbench.flags import CHECKS, DocView, SegmentView, _run  # noqa: E402
from workbench.records import Document, Segment  # noqa: E402


def _view(lines: list[str], lang: str, english: list[str] | None) -> DocView:
    segs, start = [], 0
    for i, line in enumerate(lines):
        segs.append(Segment(id=str(i), doc_id=0, index=i, start=start, end=start + len(line), text=line, lang=lang,
                            paragraph=i))
        start += len(line) + 1
    doc = Document(id=0, name="bench", sha256="", text="\n".join(lines), lang=lang, encoding="utf-8", segments=segs)
    items = [SegmentView(s, english[i] if english else "") for i, s in enumerate(segs)]
    return DocView(doc, items)


def _flags(lines: list[str], lang: str, english: list[str] | None, config: Config, side: str) -> list:
    flags, _ = _run(_view(lines, lang, english), config)
    return [f for f in flags if f.side == side]


def _read(path: Path, limit: int) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[:limit]


def _rates(groups: dict[str, list[list]], n: dict[str, int]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for group, runs in groups.items():
        counts: Counter = Counter()
        for flags in runs:
            counts.update(f.detector for f in flags)
            counts.update(f"*{f.level}" for f in flags)
        for name, c in counts.items():
            out[name][group] = 100 * c / n[group]
    return out


def _print_rates(title: str, rates: dict[str, dict[str, float]]) -> None:
    print(title)
    print(f"  {'check':32s} {'human/100':>10s} {'MT/100':>8s} {'ratio':>6s}")
    for name in sorted(rates, key=lambda k: (k.startswith("*"), k)):
        h, m = rates[name].get("human", 0.0), rates[name].get("mt", 0.0)
        ratio = f"{m / h:.1f}" if h else "inf"
        print(f"  {name:32s} {h:10.2f} {m:8.2f} {ratio:>6s}")


def side_rates(folder: Path, pair: str, lang: str, target: str, limit: int, config: Config,
               with_english: bool) -> None:
    """pair 'en-ru': Russian flagged on the source side; pair 'ru-en': English flagged on the target side."""
    src_lang = "en" if pair == "en-ru" else "ru"
    out_lang = "ru" if pair == "en-ru" else "en"
    src = _read(folder / f"newstest2021.{pair}.src.{src_lang}", limit)
    groups: dict[str, list[list]] = {"human": [], "mt": []}
    n = {"human": 0, "mt": 0}
    for path in sorted(folder.glob(f"newstest2021.{pair}.*.{out_lang}")):
        if ".src." in path.name:
            continue
        group = "human" if ".ref." in path.name else "mt"
        lines = _read(path, limit)
        if pair == "en-ru":
            flags = _flags(lines, "ru", src if with_english else None, config, "source")
        else:  # English flags, and source flags that compare with the English (the source is the same)
            flags = [f for f in _run(_view(src, "ru", lines), config)[0]
                     if f.side == "target" or CHECKS[f.detector].needs]
        groups[group].append(flags)
        n[group] += len(lines)
    _print_rates(f"{pair}: {target} flagged, human ({n['human']} sentences) vs MT ({n['mt']})", _rates(groups, n))


def word_level(folder: Path, limit: int, config: Config) -> None:
    base = folder / "en-ru-dev-2022" / "mqm_dev2022_enru"
    # The QE release is tokenized and XML-escaped ("&quot;"): unescape token by token, so the tags
    # still fall on whitespace tokens.
    mt = [" ".join(html.unescape(t) for t in line.split()) for line in _read(base.with_suffix(".mt"), limit)]
    tags = [t.split() for t in _read(base.with_suffix(".tags"), limit)]
    flags = _flags(mt, "ru", None, config, "source")
    by_seg: dict[int, list] = defaultdict(list)
    for f in flags:
        by_seg[int(f.segment_id)].append(f)
    flagged: dict[str, Counter] = defaultdict(Counter)
    total = Counter()
    for i, (line, tag) in enumerate(zip(mt, tags, strict=True)):
        spans, pos = [], 0
        for tok in line.split():
            at = line.index(tok, pos)
            spans.append((at, at + len(tok)))
            pos = at + len(tok)
        if len(spans) != len(tag):
            continue
        total.update(tag)
        for name in {f.detector for f in by_seg[i]} | {"*any"}:
            hit = [any(s < f.end and f.start < e for f in by_seg[i] if name == "*any" or f.detector == name)
                   for s, e in spans]
            for h, t in zip(hit, tag, strict=True):
                if h:
                    flagged[name][t] += 1
    base_rate = total["BAD"] / max(1, sum(total.values()))
    print(f"word level en-ru-dev-2022 ({len(mt)} sentences, {sum(total.values())} tokens, "
          f"BAD base rate {base_rate:.3f}): precision of BAD among flagged tokens")
    for name in sorted(flagged, key=lambda k: (k.startswith("*"), k)):
        c = flagged[name]
        k = c["BAD"] + c["OK"]
        print(f"  {name:32s} tokens {k:6d}  precision {c['BAD'] / k:.3f}  recall {c['BAD'] / total['BAD']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--checks", default="", help="comma-separated check or family names (default: all)")
    parser.add_argument("--no-english", action="store_true", help="flag the en-ru Russian without its English")
    parser.add_argument("--part", default="en-ru,ru-en,words")
    args = parser.parse_args()
    detectors = {}
    if args.checks:
        wanted = set(args.checks.split(","))
        detectors = {name: "off" for name, c in CHECKS.items() if name not in wanted and c.family not in wanted}
    config = Config(detectors=detectors)
    parts = args.part.split(",")
    news = args.dir / "wmt21-news"
    if "en-ru" in parts:
        side_rates(news, "en-ru", "ru", "Russian", args.limit, config, not args.no_english)
    if "ru-en" in parts:
        side_rates(news, "ru-en", "ru", "English", args.limit, config, True)
    if "words" in parts:
        word_level(args.dir / "wmtqe22", args.limit, config)


if __name__ == "__main__":
    main()
