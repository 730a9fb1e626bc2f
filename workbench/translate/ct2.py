"""The CTranslate2 engine: the same MarianMT / NLLB checkpoints, converted once and cached on disk.

Conversion uses CTranslate2's own `TransformersConverter` into `config.ct2_dir`, one directory per
model, revision and quantization (int8 on CPU, float16 on GPU by default); a conversion is written
to a temporary directory and renamed, so an interrupted one leaves nothing half-made. CTranslate2
has no sequence bias: the glossary preference works on its n-best list (`num_hypotheses`), and the
chosen hypothesis gets its per-token log-probabilities from `score_batch`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..config import Config
from .engines import NLLB_TARGET, Engine, EngineSpec, Hypothesis
from .models import ModelUnavailable, load_seq2seq, model_revision, quiet_transformers


def _slug(model_id: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "--", model_id.strip("/"))[-60:].strip("-")
    return f"{name}-{hashlib.sha256(model_id.encode()).hexdigest()[:8]}"


def ensure_converted(spec: EngineSpec, directory: Path, revision: str, config: Config) -> Path:
    """The converted model directory for this checkpoint and quantization, converting on first use."""
    from ctranslate2.converters import TransformersConverter

    out = Path(config.ct2_dir) / f"{_slug(spec.model.model_id)}-{revision[:12]}-{spec.compute_type}"
    if (out / "model.bin").is_file():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    quantization = None if spec.compute_type in ("float32", "default") else spec.compute_type
    try:
        with quiet_transformers():
            TransformersConverter(str(directory), low_cpu_mem_usage=True).convert(
                str(tmp), quantization=quantization, force=True)
    except Exception as exc:  # noqa: BLE001 - the converter raises many kinds; report one line
        shutil.rmtree(tmp, ignore_errors=True)
        first = (str(exc).splitlines() or [""])[0][:200]
        raise ModelUnavailable(f"model {spec.model.ref}: CTranslate2 conversion to {out} failed "
                               f"({exc.__class__.__name__}: {first})") from None
    try:
        os.replace(tmp, out)
    except OSError:
        # Another process finished the same conversion first: keep theirs.
        shutil.rmtree(tmp, ignore_errors=True)
    return out


class CT2Engine(Engine):
    def __init__(self, spec: EngineSpec, tokenizer: Any, translator: Any, revision: str, limit: int,
                 batch_size: int, converted: Path, lock: threading.Lock | None = None) -> None:
        super().__init__(spec, tokenizer, revision, limit, batch_size, lock)
        self.translator = translator
        self.converted = converted
        self.prefix = [NLLB_TARGET] if spec.family == "nllb" else None

    def _source_tokens(self, text: str) -> list[str]:
        if self.spec.family == "nllb":
            self.tokenizer.src_lang = self.spec.source_code
        return self.tokenizer.convert_ids_to_tokens(self.tokenizer(text)["input_ids"])

    def count_tokens(self, text: str) -> int:
        return len(self._source_tokens(text))

    def _decode(self, texts: list[str], n: int, bias: list[list[str]] | None = None) -> list[list[Hypothesis]]:
        if bias is not None:
            return [[] for _ in texts]  # no sequence bias in CTranslate2: the n-best list is all there is
        sources = [self._source_tokens(t) for t in texts]
        # CTranslate2 takes one decoding length per call: inputs are grouped by their own output
        # cap (from their own length), so a short heading is not given a long sentence's cap.
        by_cap: dict[int, list[int]] = {}
        for i, src in enumerate(sources):
            by_cap.setdefault(self._max_new_tokens(len(src)), []).append(i)
        out: list[list[Hypothesis]] = [[] for _ in texts]
        for max_new, idx in by_cap.items():
            for i, hyps in zip(idx, self._translate([sources[i] for i in idx], n, max_new), strict=True):
                out[i] = hyps
        return out

    def _translate(self, sources: list[list[str]], n: int, max_new: int) -> list[list[Hypothesis]]:
        # As in the transformers engine, the cap counts NLLB's language tag and the end of
        # sequence, which CTranslate2 appends without a step (score_batch scores it).
        results = self.translator.translate_batch(
            sources, target_prefix=[self.prefix] * len(sources) if self.prefix else None,
            beam_size=self.spec.num_beams, num_hypotheses=n, return_scores=True,
            max_decoding_length=max(1, max_new - 1),
            min_decoding_length=max(0, min(self.spec.min_output_tokens, max_new) - 1),
            max_input_length=0,
        )
        out: list[list[Hypothesis]] = []
        for res in results:
            hyps = []
            for tokens, score in zip(res.hypotheses, res.scores, strict=True):
                if self.prefix and tokens[:1] == self.prefix:
                    tokens = tokens[1:]
                ids = self.tokenizer.convert_tokens_to_ids(tokens)
                text = self.tokenizer.decode(ids, skip_special_tokens=True)
                hyps.append(Hypothesis(text=text, score=float(score), tokens=list(tokens), token_logprobs=None))
            out.append(hyps)
        return out

    def _score(self, texts: list[str], hyps: list[Hypothesis]) -> None:
        for h, (tokens, lps) in zip(hyps, self._score_tokens(texts, [h.tokens for h in hyps]), strict=True):
            h.tokens, h.token_logprobs = tokens, lps

    def _score_tokens(self, texts: Sequence[str], targets: Sequence[list[str]], *,
                      fit: bool = False) -> list[tuple[list[str], list[float]]]:
        sources = [self._source_tokens(t) for t in texts]
        if fit:  # English from elsewhere may pair with a source beyond the model's positions
            sources = [s if len(s) <= self.limit else s[:self.limit - 1] + s[-1:] for s in sources]
        results = self.translator.score_batch(sources, [(self.prefix or []) + t for t in targets],
                                              max_input_length=0, offset=1 if self.prefix else 0)
        # score_batch covers the target tokens plus the end of sequence it appends.
        return [(list(res.tokens), [float(x) for x in res.log_probs]) for res in results]

    def score(self, texts: Sequence[str], english: Sequence[str]) -> list[tuple[list[str], list[float]]]:
        eos = self.tokenizer.eos_token
        targets = []
        for e in english:
            ids = self.tokenizer(text_target=e, add_special_tokens=False)["input_ids"]
            toks = [t for t in self.tokenizer.convert_ids_to_tokens(ids) if t not in (eos, NLLB_TARGET)]
            targets.append(toks[:max(0, self.output_ceiling - 2)])
        out: list[tuple[list[str], list[float]]] = []
        with self._lock:
            for i in range(0, len(texts), self.batch_size):
                out += self._score_tokens(texts[i:i + self.batch_size], targets[i:i + self.batch_size],
                                          fit=True)
        return out


# Loaded translators and tokenizers, shared by both languages' engines (NLLB serves ru and uk).
_LOADED: dict[tuple[str, str, str, str, int], tuple[Any, Any, Path, str, Path, threading.Lock]] = {}


def load_ct2(spec: EngineSpec, config: Config) -> CT2Engine:
    key = (spec.model.location, spec.device, spec.compute_type, str(config.ct2_dir), config.cpu_threads)
    if key not in _LOADED:
        _LOADED[key] = _load_translator(spec, config)
    tokenizer, translator, directory, revision, converted, lock = _LOADED[key]
    settings: dict[str, Any] = {}
    for name in ("config.json", "generation_config.json"):
        if (directory / name).is_file():
            settings.update({k: v for k, v in json.loads((directory / name).read_text(encoding="utf-8")).items()
                             if v is not None})
    limit = int(settings.get("max_position_embeddings") or 512)
    return CT2Engine(spec, tokenizer, translator, revision, limit, config.batch_size, converted, lock=lock)


def _load_translator(spec: EngineSpec, config: Config) -> tuple[Any, Any, Path, str, Path, threading.Lock]:
    import ctranslate2

    tokenizer, _, directory = load_seq2seq(spec.model, config, with_model=False)
    revision = model_revision(directory)
    converted = ensure_converted(spec, directory, revision, config)
    try:
        translator = ctranslate2.Translator(str(converted), device=spec.device, compute_type=spec.compute_type,
                                            intra_threads=max(0, config.cpu_threads))
    except (RuntimeError, ValueError) as exc:
        raise ModelUnavailable(f"model {spec.model.ref}: cannot load the CTranslate2 model {converted} "
                               f"({(str(exc).splitlines() or [''])[0][:200]})") from None
    return tokenizer, translator, directory, revision, converted, threading.Lock()
