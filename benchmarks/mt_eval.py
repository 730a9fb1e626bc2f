"""Translation quality a user can measure: BLEU and chrF (sacrebleu) of each engine on a public test set.

    python benchmarks/mt_eval.py                       # WMT21 news ru->en, configured engines
    python benchmarks/mt_eval.py --engines marian,nllb,ct2 --limit 300
    python benchmarks/mt_eval.py --src my.ru --refs my.ref.en --lang ru

Translates the source side with every engine whose model is on this machine (a directory, the
Hugging Face cache or WORKBENCH_MODELS_DIR; nothing is downloaded unless --download) and prints
corpus BLEU and chrF against all references. An engine whose model is missing is skipped with one
line. With the WMT21 files, the other systems' submitted outputs on the same lines are scored too,
as baselines from the same run. The figures are the engines' as configured (beams, caps, int8).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.config import load_config  # noqa: E402
from workbench.errors import WorkbenchError  # noqa: E402
from workbench.translate import ENGINES, engine_spec, load_engine  # noqa: E402
from workbench.translate.models import model_available  # noqa: E402

WMT21 = ROOT.parent / "shared" / "qe" / "wmt21-news"
if not WMT21.is_dir():
    WMT21 = Path("/work/shared/qe/wmt21-news")


def read_lines(path: Path, limit: int) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[:limit] if limit else lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", type=Path, default=WMT21 / "newstest2021.ru-en.src.ru")
    ap.add_argument("--refs", type=Path, nargs="*", help="reference files (default: the test set's ref.*.en)")
    ap.add_argument("--lang", default="ru", choices=("ru", "uk"))
    ap.add_argument("--engines", default="", help=f"comma-separated, from {', '.join(ENGINES)} "
                                                  f"(default: the configured engine for --lang)")
    ap.add_argument("--limit", type=int, default=200, help="first N lines (0: all); CPU decoding is slow")
    ap.add_argument("--config", help="workbench TOML configuration")
    ap.add_argument("--download", action="store_true", help="allow downloading a missing model")
    ap.add_argument("--no-baselines", action="store_true", help="do not score the test set's submitted systems")
    args = ap.parse_args(argv)

    import sacrebleu

    if not args.src.is_file():
        print(f"mt_eval: skipped: test set {args.src} not found")
        return 0
    refs_paths = args.refs or sorted(args.src.parent.glob(args.src.name.replace(".src.", ".ref.").rsplit(".", 1)[0]
                                                           + ".*.en"))
    if not refs_paths:
        print(f"mt_eval: skipped: no references next to {args.src} (give --refs)")
        return 0
    sources = read_lines(args.src, args.limit)
    refs = [read_lines(p, args.limit) for p in refs_paths]
    if any(len(r) != len(sources) for r in refs):
        print(f"mt_eval: {args.src}: references are not line-aligned with the source", file=sys.stderr)
        return 2
    config = load_config(args.config)
    engines = [e for e in args.engines.split(",") if e] or [config.engines.get(args.lang, "marian")]
    print(f"test set: {args.src.name}, {len(sources)} lines, {len(refs)} reference(s): "
          f"{', '.join(p.name for p in refs_paths)}")
    rows: list[tuple[str, float, float, str]] = []
    for name in engines:
        try:
            spec = engine_spec(config, args.lang, name)
        except WorkbenchError as exc:
            print(f"{name}: skipped: {exc}")
            continue
        if not args.download and not model_available(spec.model):
            print(f"{name}: skipped: model {spec.model.ref} is not on this machine (see README, Translation)")
            continue
        try:
            engine = load_engine(config, args.lang, name)
        except WorkbenchError as exc:
            print(f"{name}: skipped: {exc}")
            continue
        started = time.perf_counter()
        out = [t.text for t in engine.translate(sources)]
        seconds = time.perf_counter() - started
        bleu = sacrebleu.corpus_bleu(out, refs).score
        chrf = sacrebleu.corpus_chrf(out, refs).score
        rows.append((f"workbench {name} ({spec.model.ref}, {engine.spec.compute_type}, beams {spec.num_beams})",
                     bleu, chrf, f"{seconds:.0f} s, {len(sources) / seconds:.2f} lines/s"))
    if not args.no_baselines:
        stem = args.src.name.replace(".src.", ".hyp.").rsplit(".", 1)[0]
        for hyp in sorted(args.src.parent.glob(stem + ".*.en")):
            out = read_lines(hyp, args.limit)
            if len(out) == len(sources):
                rows.append((f"submitted {hyp.name.split('.')[-2]}", sacrebleu.corpus_bleu(out, refs).score,
                             sacrebleu.corpus_chrf(out, refs).score, ""))
    if not rows:
        print("mt_eval: nothing to score")
        return 0
    width = max(len(r[0]) for r in rows)
    print(f"{'system'.ljust(width)}  {'BLEU':>6}  {'chrF':>6}  time")
    for label, bleu, chrf, note in rows:
        print(f"{label.ljust(width)}  {bleu:6.2f}  {chrf:6.2f}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
