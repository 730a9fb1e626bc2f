"""Peak memory of decoding with per-token scores, at the real checkpoints' vocabulary sizes.

    python benchmarks/mt_memory.py [--steps 24 64] [--batch 16] [--beams 4]

Builds MarianMT checkpoints with random weights, a small d_model and the vocabulary of
opus-mt-ru-en (62,518) and of NLLB-200 (256,206), and translates `batch` segments with exactly
`steps` output tokens each (min = max), measuring the peak resident memory above the resident size
before the call (Linux: the peak is reset through /proc/self/clear_refs). Two ways, same model,
same inputs, in this run:

- "per-step rows": generate(output_scores=True) + compute_transition_scores, as the engine did;
- "workbench": the engine as it is (no per-step scores; chosen outputs scored by chunked teacher
  forcing, batches split to `decode_memory_mb`).

The vocabulary and output length, not d_model, decide the score rows' size, so the figures carry
over to the real checkpoints (whose weights and attention cache add a constant).
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.tiny_mt import build_tiny_marian  # noqa: E402
from workbench.config import load_config  # noqa: E402
from workbench.translate import load_engine  # noqa: E402

VOCABS = {"opus-mt (62,518)": 62518, "NLLB-200 (256,206)": 256206}
SENTENCES = [
    "Министр заявил, что переговоры продолжатся на следующей неделе в столице.",
    "Цены на продукты выросли за месяц почти на пять процентов.",
    "Парламент принял закон после долгого обсуждения.",
    "Жители города получили новые автобусы и трамваи.",
]


def rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def peak_mb(fn) -> float:  # noqa: ANN001 - a thunk
    gc.collect()
    try:  # hand freed memory back to the system, so that one measurement does not hide the next
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    before = rss_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    fn()
    return (rss_kb("VmHWM") - before) / 1024


def per_step_rows(engine, texts: list[str], steps: int, beams: int) -> None:  # noqa: ANN001
    import torch

    model, tok = engine.model, engine.tokenizer
    with torch.inference_mode():
        enc = tok(texts, return_tensors="pt", padding=True)
        gen = model.generate(**enc, num_beams=beams, max_new_tokens=steps, min_new_tokens=steps, max_length=None,
                             output_scores=True, return_dict_in_generate=True)
        model.compute_transition_scores(gen.sequences, gen.scores, gen.beam_indices, normalize_logits=False)


def measure(model_dir: Path, steps: int, batch: int, beams: int, threads: int, variant: str) -> float:
    texts = (SENTENCES * (batch // len(SENTENCES) + 1))[:batch]
    cfg = load_config(env={}).with_overrides(
        marian_models={"ru": str(model_dir), "uk": str(model_dir)}, device="cpu", cpu_threads=threads,
        max_output_tokens=steps, min_output_tokens=steps, batch_size=batch, num_beams=beams,
        data_dir=model_dir.parent / "data")
    engine = load_engine(cfg, "ru")
    engine.translate(texts[:1])  # warm-up
    if variant == "rows":
        return peak_mb(lambda: per_step_rows(engine, texts, steps, beams))
    return peak_mb(lambda: engine.translate(texts))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, nargs="+", default=[24, 64])
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--beams", type=int, default=4)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--one", nargs=3, metavar=("MODEL_DIR", "STEPS", "VARIANT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if not Path("/proc/self/clear_refs").exists():
        print("mt_memory: skipped: needs Linux /proc to reset the peak resident size")
        return 0
    if args.one:
        print(measure(Path(args.one[0]), int(args.one[1]), args.batch, args.beams, args.threads, args.one[2]))
        return 0
    print(f"batch {args.batch}, beams {args.beams}, forced output lengths {args.steps}; peak MB above the start, "
          f"each figure from a fresh process (an earlier run in the same process shifts the allocator's state)")
    print(f"{'vocabulary':<20} {'steps':>5} {'per-step rows':>14} {'workbench':>10}")
    common = ["--batch", str(args.batch), "--beams", str(args.beams), "--threads", str(args.threads)]
    with tempfile.TemporaryDirectory() as tmp:
        for label, vocab in VOCABS.items():
            model_dir = build_tiny_marian(Path(tmp) / str(vocab), d_model=16, vocab_size=vocab)
            for steps in args.steps:
                got = {}
                for variant in ("rows", "workbench"):
                    res = subprocess.run([sys.executable, __file__, "--one", str(model_dir), str(steps), variant,
                                          *common], capture_output=True, text=True, check=True)
                    got[variant] = float(res.stdout.strip().splitlines()[-1])
                print(f"{label:<20} {steps:>5} {got['rows']:>14.0f} {got['workbench']:>10.0f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
