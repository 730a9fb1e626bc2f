"""Translation throughput: a naive per-sentence loop against the workbench engines.

Builds the full-size opus-mt architecture (MarianMT, 6+6 layers, d_model 512, 8 heads, FFN 2048,
vocabulary 62,518 like opus-mt-ru-en) with random weights: its compute equals the real model's,
and no download is needed. The tokenizer: SentencePiece models trained on the seed corpus (a
corpus this small supports a few thousand pieces), with the shared vocabulary padded by filler
entries to the full 62,518 so that embeddings and the output projection have the real size.

Every variant decodes the same seed-corpus sentences with beam 4 and a fixed output length
(min_new_tokens = max_new_tokens), so they do identical work per sentence:
  (a) naive: one sentence at a time, tokenizer -> generate -> decode, which is what
      `pipeline("translation")` did (transformers 5 removed that pipeline task; when it exists it is used);
  (b) the workbench transformers engine (length-sorted batches, per-token log-probabilities);
  (c) the workbench CTranslate2 engine, int8 on CPU (float16 on GPU), converted with its converter.
Prints a table and, as its last line, `speedup_vs_naive: X.XX` for the best workbench engine.

    python benchmarks/translate_bench.py [--sentences 256] [--output-tokens 32] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OPUS_MT_RU_EN_VOCAB = 62518


def corpus_sentences() -> list[str]:
    """Content and heading segments of the seed articles, in Russian or Ukrainian."""
    from workbench.ingest import build_document

    out = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        doc = build_document(path.read_text(encoding="utf-8"), path.name)
        out += [s.text for s in doc.segments if s.role != "boilerplate" and s.lang in ("ru", "uk")]
    return out


def build_model(directory: Path, vocab_size: int = OPUS_MT_RU_EN_VOCAB) -> Path:
    """Random-weight MarianMT with the opus-mt-ru-en shape, saved like a hub checkpoint."""
    if (directory / "config.json").is_file() and (directory / "model.safetensors").is_file():
        return directory
    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    lines = [ln.strip() for p in sorted((ROOT / "corpus").glob("*.txt"))
             for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    for name in ("source.spm", "target.spm"):
        buf = io.BytesIO()
        spm.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_writer=buf, vocab_size=4000,
                                       hard_vocab_limit=False, character_coverage=1.0, minloglevel=2)
        (directory / name).write_bytes(buf.getvalue())
    proc = spm.SentencePieceProcessor(model_file=str(directory / "source.spm"))
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(proc.get_piece_size()):
        piece = proc.id_to_piece(i)
        if piece not in vocab and piece not in ("<s>",):
            vocab[piece] = len(vocab)
    while len(vocab) < vocab_size - 1:
        vocab[f"▁filler{len(vocab)}"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    MarianTokenizer(source_spm=str(directory / "source.spm"), target_spm=str(directory / "target.spm"),
                    vocab=str(directory / "vocab.json"), source_lang="ru", target_lang="en").save_pretrained(directory)
    pad = vocab["<pad>"]
    cfg = MarianConfig(vocab_size=len(vocab), d_model=512, encoder_layers=6, decoder_layers=6,
                       encoder_attention_heads=8, decoder_attention_heads=8, encoder_ffn_dim=2048,
                       decoder_ffn_dim=2048, max_position_embeddings=512, pad_token_id=pad, eos_token_id=0,
                       decoder_start_token_id=pad, forced_eos_token_id=0, share_encoder_decoder_embeddings=True,
                       scale_embedding=True, activation_function="swish")
    torch.manual_seed(0)
    model = MarianMTModel(cfg)
    model.generation_config = GenerationConfig(bad_words_ids=[[pad]], decoder_start_token_id=pad, eos_token_id=0,
                                               forced_eos_token_id=0, pad_token_id=pad, max_length=512, num_beams=4)
    model.save_pretrained(directory)
    return directory


def naive_runner(directory: Path, beams: int, length: int, device: str) -> tuple[Callable[[list[str]], None], str]:
    """One sentence at a time, as pipeline("translation") does it."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(directory)
    model = AutoModelForSeq2SeqLM.from_pretrained(directory).to(device).eval()
    kwargs = dict(num_beams=beams, min_new_tokens=length, max_new_tokens=length, max_length=None)
    try:
        from transformers import pipeline

        pipe = pipeline("translation", model=model, tokenizer=tok, device=device)
        how = 'pipeline("translation")'

        def one(s: str) -> str:
            return pipe(s, **kwargs)[0]["translation_text"]
    except (KeyError, ValueError):
        how = "tokenizer+generate+decode per sentence (the removed pipeline's steps)"

        def one(s: str) -> str:
            inputs = tok(s, return_tensors="pt", truncation=True).to(device)
            with torch.no_grad():
                out = model.generate(**inputs, **kwargs)
            return tok.decode(out[0], skip_special_tokens=True)

    def run(sentences: list[str]) -> None:
        for s in sentences:
            one(s)

    return run, how


def engine_runner(directory: Path, work: Path, engine: str, beams: int, length: int, batch_size: int,
                  threads: int, device: str, int8: bool) -> tuple[Callable[[list[str]], None], str]:
    from workbench.config import load_config
    from workbench.translate import load_engine

    cfg = load_config(env={"WORKBENCH_DATA_DIR": str(work / "data")}).with_overrides(
        marian_models={"ru": str(directory), "uk": str(directory)}, num_beams=beams, batch_size=batch_size,
        min_output_tokens=length, max_output_tokens=length, cpu_threads=threads, device=device,
        ct2_cache_dir=work / "ct2", cpu_int8=int8,
    )
    t0 = time.perf_counter()
    eng = load_engine(cfg, "ru", engine)
    loaded = time.perf_counter() - t0
    lengths: set[int] = set()

    def run(sentences: list[str]) -> None:
        lengths.update(len(t.tokens) for t in eng.translate(sentences))

    run.lengths = lengths  # type: ignore[attr-defined]
    return run, f"{eng.spec.compute_type}, batch {batch_size}, load/convert {loaded:.1f}s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sentences", type=int, default=256)
    ap.add_argument("--output-tokens", type=int, default=32, help="fixed output length (min = max new tokens)")
    ap.add_argument("--beams", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--round", type=int, default=64,
                    help="sentences per round: every variant translates each round in turn, so that load "
                         "from other processes falls on all of them alike")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="CPU threads for every variant")
    ap.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    ap.add_argument("--work-dir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "workbench-bench")
    ap.add_argument("--skip", nargs="*", default=[], choices=("naive", "marian", "ct2"))
    ap.add_argument("--torch-int8", action="store_true",
                    help="also run the transformers engine with cpu_int8 (dynamic int8 quantization)")
    args = ap.parse_args(argv)

    import torch

    device = args.device if args.device != "auto" else ("cuda" if torch.cuda.is_available() else "cpu")
    torch.set_num_threads(args.threads)
    base = corpus_sentences()
    sentences = [base[i % len(base)] for i in range(args.sentences)]
    t0 = time.perf_counter()
    directory = build_model(args.work_dir / "opus-mt-random")
    print(f"model: random-weight MarianMT, 6+6 layers, d_model 512, vocab {OPUS_MT_RU_EN_VOCAB} "
          f"(built/loaded in {time.perf_counter() - t0:.1f}s) at {directory}", file=sys.stderr)

    runners: list[tuple[str, Callable[[list[str]], None], str]] = []
    if "naive" not in args.skip:
        run, how = naive_runner(directory, args.beams, args.output_tokens, device)
        runners.append(("(a) naive", run, how))
    variants = [("marian", False, "(b) workbench transformers"), ("ct2", False, "(c) workbench CTranslate2")]
    if args.torch_int8 and device == "cpu":
        variants.insert(1, ("marian", True, "(b') transformers cpu_int8"))
    for key, int8, label in variants:
        if key not in args.skip:
            run, note = engine_runner(directory, args.work_dir, key, args.beams, args.output_tokens,
                                      args.batch_size, args.threads, device, int8)
            runners.append((label, run, note))
    for _, run, _ in runners:
        run(sentences[:2])  # warm-up
    seconds = {name: 0.0 for name, _, _ in runners}
    for i in range(0, len(sentences), args.round):
        chunk = sentences[i:i + args.round]
        for name, run, _ in runners:
            start = time.perf_counter()
            run(chunk)
            seconds[name] += time.perf_counter() - start
        print(f"  {i + len(chunk)}/{len(sentences)}: " + ", ".join(f"{n.split()[0]} {s:.0f}s"
              for n, s in seconds.items()), file=sys.stderr)

    tokens = args.sentences * args.output_tokens
    naive_secs = seconds.get("(a) naive")
    print(f"device {device}, threads {args.threads}, {args.sentences} sentences, beam {args.beams}, "
          f"{args.output_tokens} output tokens each, rounds of {args.round}")
    print(f"{'variant':28} {'seconds':>9} {'tokens/s':>9} {'speedup':>8}  notes")
    for name, run, note in runners:
        secs = seconds[name]
        speed = f"{naive_secs / secs:7.2f}x" if naive_secs else "       -"
        lengths = getattr(run, "lengths", None)
        extra = f"; output tokens {sorted(lengths)}" if lengths else ""
        print(f"{name:28} {secs:9.2f} {tokens / secs:9.1f} {speed:>8}  {note}{extra}")
    best = min((s for name, s in seconds.items() if not name.startswith("(a)")), default=None)
    if naive_secs and best:
        print(f"speedup_vs_naive: {naive_secs / best:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
