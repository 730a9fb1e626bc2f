"""Translation engines: one interface over MarianMT and NLLB-200 (transformers) and CTranslate2.

An engine turns source texts into `Translation` records with the English, the sequence
log-probability and one log-probability per output token. What is shared lives in `Engine`:
splitting inputs longer than the model's limit at clause boundaries, length-sorted batches, and the
glossary preference (the best n-best hypothesis that contains every required English term; when
none does, a second decoding biased toward the missing terms with `sequence_bias`, re-ranked by the
model's own, unbiased log-probabilities). Subclasses only decode a batch into n-best lists.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..config import ENGINE_NAMES, Config
from ..errors import WorkbenchError
from ..glossary import english_present
from ..records import Translation
from .models import ModelRef, load_seq2seq, model_revision, resolve_model

ENGINES = ENGINE_NAMES
FAMILIES = ("marian", "nllb")
NLLB_CODES = {"ru": "rus_Cyrl", "uk": "ukr_Cyrl"}
NLLB_TARGET = "eng_Latn"


@dataclass
class Hypothesis:
    """One decoding of one input piece."""

    text: str
    score: float  # ranking score: the engine's length-normalised log-probability
    tokens: list[str]  # output tokens, end-of-sequence included, language tag excluded
    token_logprobs: list[float] | None  # None until scored (CTranslate2 scores the chosen one only)


@dataclass(frozen=True)
class EngineSpec:
    """Everything that decides an engine's output, known without loading the model."""

    engine: str  # marian | nllb | ct2
    family: str  # the checkpoint family: marian | nllb
    lang: str
    model: ModelRef
    device: str  # cpu | cuda
    compute_type: str  # float32 | float16 (transformers); int8 | float16 | ... (ct2)
    num_beams: int
    max_input_tokens: int
    max_output_tokens: int
    min_output_tokens: int
    glossary_bias: float

    @property
    def source_code(self) -> str:
        return NLLB_CODES[self.lang] if self.family == "nllb" else ""

    def options_key(self, terms: Sequence[str] = ()) -> str:
        """The cache key's options part: a readable list, plus a digest of the required terms."""
        parts = [self.engine, self.compute_type, f"beams={self.num_beams}"]
        if self.engine == "ct2":
            parts.append(f"base={self.family}")
        if self.source_code:
            parts.append(f"src={self.source_code}")
        if self.max_input_tokens:
            parts.append(f"in={self.max_input_tokens}")
        if self.max_output_tokens or self.min_output_tokens:
            parts.append(f"out={self.min_output_tokens}-{self.max_output_tokens}")
        if terms:
            digest = hashlib.sha256("\n".join(sorted(set(terms))).encode()).hexdigest()[:12]
            parts.append(f"bias={self.glossary_bias:g}")
            parts.append(f"terms={digest}")
        return ";".join(parts)


def resolve_device(config: Config) -> str:
    if config.device not in ("auto", "cpu", "cuda"):
        raise WorkbenchError(f"device: {config.device!r} is not auto, cpu or cuda")
    if config.device != "auto":
        return config.device
    # Without an NVIDIA device node there is no CUDA: answer without importing torch, so that a
    # fully cached re-run stays cheap.
    if sys.platform == "darwin" or (sys.platform.startswith("linux") and not any(
            os.path.exists(p) for p in ("/dev/nvidia0", "/dev/nvidiactl", "/dev/dxg"))):
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def engine_spec(config: Config, lang: str, engine_name: str | None = None) -> EngineSpec:
    """Resolve the configured engine for a source language (no model is read or loaded)."""
    if lang not in NLLB_CODES:
        raise WorkbenchError(f"language {lang!r}: no translation engine (only ru and uk are translated)")
    engine = engine_name or config.engines.get(lang, "marian")
    if engine not in ENGINES:
        raise WorkbenchError(f"engine {engine!r}: unknown (marian, nllb or ct2)")
    family = config.ct2_base if engine == "ct2" else engine
    if family not in FAMILIES:
        raise WorkbenchError(f"ct2_base: {family!r} is not marian or nllb")
    if family == "marian":
        ref = config.marian_models.get(lang)
        if not ref:
            raise WorkbenchError(f"marian_models.{lang}: no MarianMT model configured for {lang}")
    else:
        ref = config.nllb_model
    device = resolve_device(config)
    if engine == "ct2":
        compute = config.ct2_compute_type if config.ct2_compute_type != "auto" else (
            "float16" if device == "cuda" else "int8")
    else:
        compute = "float16" if device == "cuda" else ("int8" if config.cpu_int8 else "float32")
    for name in ("batch_size", "num_beams"):
        if getattr(config, name) < 1:
            raise WorkbenchError(f"{name}: must be at least 1")
    return EngineSpec(
        engine=engine, family=family, lang=lang, model=resolve_model(ref, config), device=device,
        compute_type=compute, num_beams=config.num_beams, max_input_tokens=max(0, config.max_input_tokens),
        max_output_tokens=max(0, config.max_output_tokens), min_output_tokens=max(0, config.min_output_tokens),
        glossary_bias=config.glossary_bias,
    )


# Split points, coarsest first: after sentence punctuation, at clause punctuation, between words.
_SPLIT_LEVELS = (
    re.compile(r"(?<=[.!?;:…])\s+"),
    re.compile(r"(?<=[,)»”])\s+|\s+(?=[—–(«“])"),
    re.compile(r"\s+"),
)


def split_to_fit(text: str, count: Callable[[str], int], limit: int, level: int = 0) -> list[str]:
    """Pieces of `text`, each within `limit` tokens, cut at the coarsest boundary that makes them fit."""
    if count(text) <= limit:
        return [text]
    if level >= len(_SPLIT_LEVELS):
        # One "word" longer than the model's limit (a URL, a table row without spaces): halve it.
        half = max(1, len(text) // 2)
        if half >= len(text):
            return [text]
        return split_to_fit(text[:half], count, limit, level) + split_to_fit(text[half:], count, limit, level)
    parts = [p for p in _SPLIT_LEVELS[level].split(text) if p]
    if len(parts) == 1:
        return split_to_fit(text, count, limit, level + 1)
    pieces: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current} {part}" if current else part
        if current and count(candidate) > limit:
            pieces.append(current)
            current = part
        else:
            current = candidate
    pieces.append(current)
    out: list[str] = []
    for piece in pieces:
        out += split_to_fit(piece, count, limit, level + 1) if count(piece) > limit else [piece]
    return out


def choose(candidates: Sequence[Sequence[Hypothesis]], terms: Sequence[str]) -> tuple[list[Hypothesis], list[str]]:
    """Pick one hypothesis per piece of a text: most still-missing terms first, then the best score.

    Returns the chosen hypotheses and the required terms the joined choice still lacks.
    """
    remaining = [t for t in dict.fromkeys(terms) if t.strip()]
    chosen: list[Hypothesis] = []
    for cands in candidates:
        best = max(cands, key=lambda h: (sum(english_present(t, h.text) for t in remaining), h.score))
        remaining = [t for t in remaining if not english_present(t, best.text)]
        chosen.append(best)
    return chosen, remaining


class Engine:
    """The shared half of every engine; subclasses implement `_decode` (and `_score` when needed)."""

    supports_bias = False

    def __init__(self, spec: EngineSpec, tokenizer: Any, revision: str, model_limit: int, batch_size: int,
                 lock: threading.Lock | None = None, memory_budget: int = 1024 * 2**20) -> None:
        self.spec = spec
        self.memory_budget = memory_budget  # bytes one decoding call may hold for its beams
        self.tokenizer = tokenizer
        self.revision = revision
        tok_limit = int(getattr(tokenizer, "model_max_length", 0) or model_limit)
        limit = min(model_limit, tok_limit) if tok_limit < 10**6 else model_limit
        # source tokens per piece, end-of-sequence (and language tag) included
        self.limit = min(limit, spec.max_input_tokens) if spec.max_input_tokens else limit
        self.output_ceiling = model_limit - 1  # decoder positions: the start token takes one
        self.batch_size = batch_size
        # One decoding at a time per loaded model: engines of two languages share a model and its
        # tokenizer, whose source-language setting is state (NLLB), and CPU threads gain nothing.
        self._lock = lock or threading.Lock()

    @property
    def name(self) -> str:
        return self.spec.engine

    @property
    def model_id(self) -> str:
        return self.spec.model.model_id

    def options_key(self, terms: Sequence[str] = ()) -> str:
        return self.spec.options_key(terms)

    # -- to implement -------------------------------------------------------------------------------
    def count_tokens(self, text: str) -> int:
        """Source tokens the model sees for `text` (special tokens included)."""
        raise WorkbenchError(f"{type(self).__name__}: count_tokens is not available")

    def _decode(self, texts: list[str], n: int, bias: list[list[str]] | None = None) -> list[list[Hypothesis]]:
        """n-best lists (best first) for one batch of pieces; `bias`: English terms to favour per piece."""
        raise WorkbenchError(f"{type(self).__name__}: decoding is not available")

    def _score(self, texts: list[str], hyps: list[Hypothesis]) -> None:
        """Fill in `token_logprobs` of hypotheses that lack them."""

    def score(self, texts: Sequence[str], english: Sequence[str]) -> list[tuple[list[str], list[float]]]:
        """Forced decoding of English from elsewhere: (tokens, log-probability per token) for each pair.

        The tokens are the model's target tokens of the English, end of sequence included, as in
        the `Translation` records of its own output.
        """
        raise WorkbenchError(f"{type(self).__name__}: scoring is not available")

    # -- shared -------------------------------------------------------------------------------------
    def _max_new_tokens(self, src_len: int) -> int:
        if self.spec.max_output_tokens:
            return min(self.spec.max_output_tokens, self.output_ceiling)
        # English output rarely needs more tokens than twice the source; a cap keeps a degenerate,
        # repeating decoding from running to the model's full limit.
        return min(2 * src_len + 10, self.output_ceiling)

    def nbest(self, texts: list[str], n: int | None = None) -> list[list[Hypothesis]]:
        """The n-best list (default: as many as beams) of each text, best first, without splitting."""
        n = min(n or self.spec.num_beams, self.spec.num_beams)
        with self._lock:
            return self._decode(list(texts), n)

    def translate(self, texts: Sequence[str], required_terms: Sequence[Sequence[str]] | None = None,
                  batch_size: int | None = None) -> list[Translation]:
        """Translate texts (output order = input order). `required_terms[i]`: English terms text i must contain.

        Returns `Translation` records with an empty segment id; `missing_terms` lists the required
        terms that the chosen translation lacks.
        """
        texts = list(texts)
        terms = [list(t) for t in required_terms] if required_terms is not None else [[] for _ in texts]
        if len(terms) != len(texts):
            raise WorkbenchError(f"required_terms: {len(terms)} lists for {len(texts)} texts")
        if not texts:
            return []
        size = batch_size or self.batch_size
        started = time.perf_counter()
        with self._lock:
            units: list[tuple[int, str]] = []  # (text index, piece)
            for ti, text in enumerate(texts):
                if text.strip():  # a blank text has a blank translation: nothing to decode
                    units += [(ti, piece) for piece in split_to_fit(text, self.count_tokens, self.limit)]
            lengths = [self.count_tokens(piece) for _, piece in units]
            order = sorted(range(len(units)), key=lambda u: lengths[u])
            cands: list[list[Hypothesis]] = [[] for _ in units]
            for i in range(0, len(order), size):
                chunk = order[i:i + size]
                # The full n-best list only where a glossary term has to be looked for.
                n = self.spec.num_beams if any(terms[units[u][0]] for u in chunk) else 1
                for u, hyps in zip(chunk, self._decode([units[u][1] for u in chunk], n), strict=True):
                    cands[u] = hyps
            by_text: dict[int, list[int]] = {}
            for u, (ti, _) in enumerate(units):
                by_text.setdefault(ti, []).append(u)
            choice: dict[int, tuple[list[Hypothesis], list[str]]] = {}
            for ti, us in by_text.items():
                choice[ti] = choose([cands[u] for u in us], terms[ti])
            if self.supports_bias and self.spec.glossary_bias > 0:
                for ti, (_, missing) in list(choice.items()):
                    if not missing:
                        continue
                    us = by_text[ti]
                    biased = self._decode([units[u][1] for u in us], self.spec.num_beams, [missing] * len(us))
                    for u, extra in zip(us, biased, strict=True):
                        cands[u] = cands[u] + extra
                    choice[ti] = choose([cands[u] for u in us], terms[ti])
            unscored = [(units[u][1], h) for ti, us in by_text.items()
                        for u, h in zip(us, choice[ti][0], strict=True) if h.token_logprobs is None]
            if unscored:
                self._score([p for p, _ in unscored], [h for _, h in unscored])
        per_text = (time.perf_counter() - started) / len(texts)
        out: list[Translation] = []
        for ti in range(len(texts)):
            hyps, missing = choice.get(ti, ([], []))
            lps = [lp for h in hyps for lp in (h.token_logprobs or [])]
            out.append(Translation(
                segment_id="", text=" ".join(h.text.strip() for h in hyps if h.text.strip()), engine=self.name,
                model_id=self.model_id, model_revision=self.revision, options_key=self.options_key(terms[ti]),
                logprob=math.fsum(lps), token_logprobs=lps, tokens=[t for h in hyps for t in h.tokens],
                seconds=per_text, missing_terms=missing,
            ))
        return out


class TransformersEngine(Engine):
    """MarianMT or NLLB-200 through transformers' `generate`; log-probs by teacher forcing the outputs."""

    supports_bias = True

    def __init__(self, spec: EngineSpec, tokenizer: Any, model: Any, revision: str, batch_size: int,
                 lock: threading.Lock | None = None, memory_budget: int = 1024 * 2**20) -> None:
        model_limit = int(getattr(model.config, "max_position_embeddings", 0) or 1024)
        super().__init__(spec, tokenizer, revision, model_limit, batch_size, lock, memory_budget)
        self.model = model
        gen = model.generation_config
        self.length_penalty = float(gen.length_penalty if gen.length_penalty is not None else 1.0)
        self.pad_id = tokenizer.pad_token_id
        self.eos_id = tokenizer.eos_token_id
        self.forced_bos = tokenizer.convert_tokens_to_ids(NLLB_TARGET) if spec.family == "nllb" else None
        self._term_ids: dict[str, list[list[int]]] = {}
        # Checkpoints ban single tokens (MarianMT: <pad>) with bad_words_ids, whose processor builds
        # a full-vocabulary bias every step; masking the same columns directly gives the same scores.
        bad = gen.bad_words_ids or []
        self._banned = sorted({ids[0] for ids in bad}) if bad and all(len(ids) == 1 for ids in bad) else []

    def _set_source(self) -> None:
        if self.spec.family == "nllb":
            self.tokenizer.src_lang = self.spec.source_code

    def count_tokens(self, text: str) -> int:
        self._set_source()
        return len(self.tokenizer(text)["input_ids"])

    def _encode(self, texts: list[str]) -> Any:
        self._set_source()
        enc = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=True, max_length=self.limit)
        return enc.to(self.model.device)

    def _term_token_ids(self, term: str) -> list[list[int]]:
        """Target-side token ids of a term, as written and capitalised (it may open the sentence)."""
        if term not in self._term_ids:
            variants = dict.fromkeys([term, term[:1].upper() + term[1:]])
            seqs = []
            for v in variants:
                ids = self.tokenizer(text_target=v, add_special_tokens=False)["input_ids"]
                ids = [i for i in ids if i not in (self.eos_id, self.pad_id, self.forced_bos)]
                if ids:
                    seqs.append(ids)
            self._term_ids[term] = seqs
        return self._term_ids[term]

    def _sequence_bias(self, terms: list[str]) -> dict[tuple[int, ...], float]:
        # sequence_bias rewards the last token of a sequence once its prefix has been generated.
        # Every prefix of the term is listed, so decoding is drawn into the term and through it;
        # continuing a started term earns twice the bonus of starting it (again).
        bias: dict[tuple[int, ...], float] = {}
        b = self.spec.glossary_bias
        for term in terms:
            for ids in self._term_token_ids(term):
                for k in range(1, len(ids) + 1):
                    bias[tuple(ids[:k])] = b if k == 1 else 2 * b
        return bias

    def _decode(self, texts: list[str], n: int, bias: list[list[str]] | None = None) -> list[list[Hypothesis]]:

        if bias is not None:
            # sequence_bias is one setting per generate call: decode each piece on its own.
            out: list[list[Hypothesis]] = []
            for text, terms in zip(texts, bias, strict=True):
                seq_bias = self._sequence_bias(terms)
                out += self._generate([text], n, seq_bias) if seq_bias else [[]]
            return out
        out = []
        # Batches that fit the memory budget (NLLB's 256k-token vocabulary and deep decoder make
        # a row of a beam search costly); order is kept.
        rows = self.rows_per_batch(max(self.spec.num_beams, n), max(self.count_tokens(t) for t in texts))
        for i in range(0, len(texts), rows):
            out += self._generate(texts[i:i + rows], n, None)
        return out

    def rows_per_batch(self, beams: int, src_len: int) -> int:
        """How many inputs one generate call may take within `memory_budget` bytes.

        Per beam row: the step's logits in a few float32 copies (log-softmax, processors, top-k),
        plus the self- and cross-attention cache over source and output positions.
        """
        cfg = self.model.config
        vocab = int(getattr(cfg, "vocab_size", 0) or len(self.tokenizer))
        layers = int(getattr(cfg, "decoder_layers", 0) or getattr(cfg, "num_hidden_layers", 6))
        d_model = int(getattr(cfg, "d_model", 0) or getattr(cfg, "hidden_size", 512))
        width = 2 if self.spec.compute_type == "float16" else 4
        positions = src_len + self._max_new_tokens(src_len)
        per_row = 3 * vocab * 4 + layers * 2 * 2 * d_model * width * positions
        return max(1, int(self.memory_budget // (beams * per_row)))

    def _generate(self, texts: list[str], n: int, seq_bias: dict[tuple[int, ...], float] | None
                  ) -> list[list[Hypothesis]]:
        import torch
        from transformers import LogitsProcessorList

        beams = max(self.spec.num_beams, n)
        with torch.inference_mode():
            enc = self._encode(texts)
            # Each input's own output cap, from its own length (not the batch's longest).
            caps = [self._max_new_tokens(int(k)) for k in enc["attention_mask"].sum(dim=1).tolist()]
            max_new = max(caps)
            processors: list[Any] = [_CapLength(caps, beams, self.eos_id)]
            if self._banned:
                processors.append(_BanTokens(self._banned))
            # No output_scores: the per-step score rows (batch x beams x vocabulary, every step)
            # are what made long outputs of large vocabularies cost gigabytes. The chosen
            # sequences are scored afterwards by teacher forcing.
            kwargs: dict[str, Any] = dict(
                num_beams=beams, num_return_sequences=n, max_new_tokens=max_new, max_length=None,
                logits_processor=LogitsProcessorList(processors),
            )
            if self._banned:
                kwargs["bad_words_ids"] = None
            if self.spec.min_output_tokens:
                kwargs["min_new_tokens"] = min(self.spec.min_output_tokens, max_new)
            if self.forced_bos is not None:
                kwargs["forced_bos_token_id"] = self.forced_bos
            if seq_bias:
                kwargs["sequence_bias"] = seq_bias
            sequences = self.model.generate(**enc, **kwargs)
            # Scores under the unbiased model (a biased decoding's own scores are not probabilities).
            scores = self.token_logprobs(enc["input_ids"].repeat_interleave(n, dim=0),
                                         enc["attention_mask"].repeat_interleave(n, dim=0), sequences)
        seqs = sequences[:, 1:].tolist()  # drop the decoder start token
        out: list[list[Hypothesis]] = []
        for i in range(len(texts)):
            hyps = [self._hypothesis(seqs[i * n + j], scores[i * n + j], caps[i]) for j in range(n)]
            out.append(sorted(hyps, key=lambda h: -h.score))
        return out

    def _hypothesis(self, ids: list[int], lps: list[float], cap: int) -> Hypothesis:
        keep_ids: list[int] = []
        keep_lps: list[float] = []
        tagged = 0
        for k, tok in enumerate(ids):
            if k == 0 and tok == self.forced_bos:
                tagged = 1  # NLLB's target-language tag: forced, not chosen, but counted in the length
                continue
            if tok == self.pad_id:
                break
            keep_ids.append(tok)
            keep_lps.append(float(lps[k]))
            if tok == self.eos_id:
                break
        text = self.tokenizer.decode(keep_ids, skip_special_tokens=True)
        # The beam search's own ranking: summed log-probability over generated length ** penalty,
        # where an end of sequence forced at the cap counts as certain (the stored value is the model's).
        ranked = keep_lps[:-1] if len(keep_lps) + tagged >= cap and keep_ids[-1:] == [self.eos_id] else keep_lps
        score = math.fsum(ranked) / (max(1, len(keep_lps) + tagged) ** self.length_penalty)
        return Hypothesis(text=text, score=score, tokens=self.tokenizer.convert_ids_to_tokens(keep_ids),
                          token_logprobs=keep_lps)

    def token_logprobs(self, input_ids: Any, attention_mask: Any, sequences: Any) -> list[list[float]]:
        """Log-probability of each token of `sequences[:, 1:]` given the source, by teacher forcing.

        One encoder and one decoder pass; the output projection and log-softmax run over at most
        `SCORE_CHUNK_BYTES` of logits at a time, and only the target token's value is kept, so no
        (rows x positions x vocabulary) tensor exists at once.
        """
        import torch

        with torch.inference_mode():
            body = self.model.get_encoder()(input_ids=input_ids, attention_mask=attention_mask)
            hidden = self.model.get_decoder()(
                input_ids=sequences[:, :-1], encoder_hidden_states=body.last_hidden_state,
                encoder_attention_mask=attention_mask, use_cache=False).last_hidden_state
            head = self.model.get_output_embeddings()
            bias = getattr(self.model, "final_logits_bias", None)
            targets = sequences[:, 1:]
            flat_h = hidden.reshape(-1, hidden.shape[-1])
            flat_t = targets.reshape(-1)
            step = max(1, SCORE_CHUNK_BYTES // (4 * int(head.weight.shape[0])))
            parts = []
            for i in range(0, flat_h.shape[0], step):
                logits = head(flat_h[i:i + step]).float()
                if bias is not None:
                    logits = logits + bias.float()
                logp = torch.log_softmax(logits, dim=-1)
                parts.append(logp.gather(-1, flat_t[i:i + step].unsqueeze(-1)).squeeze(-1))
            return torch.cat(parts).reshape(targets.shape).tolist()

    def score(self, texts: Sequence[str], english: Sequence[str]) -> list[tuple[list[str], list[float]]]:
        """Forced decoding: (tokens, log-probabilities) of the given English for each source text."""
        import torch

        out: list[tuple[list[str], list[float]]] = []
        with self._lock:
            for i in range(0, len(texts), self.batch_size):
                src, tgt = list(texts[i:i + self.batch_size]), list(english[i:i + self.batch_size])
                enc = self._encode(src)
                start = [self.model.config.decoder_start_token_id]
                if self.forced_bos is not None:
                    start.append(self.forced_bos)
                rows = []
                for e in tgt:
                    ids = self.tokenizer(text_target=e, add_special_tokens=False)["input_ids"]
                    ids = [t for t in ids if t not in (self.pad_id, self.forced_bos)][:self.output_ceiling - 2]
                    rows.append(start + ids + [self.eos_id])
                width = max(len(r) for r in rows)
                seq = torch.tensor([r + [self.pad_id] * (width - len(r)) for r in rows], device=self.model.device)
                lps = self.token_logprobs(enc["input_ids"], enc["attention_mask"], seq)
                for r, lp in zip(rows, lps, strict=True):
                    ids = r[len(start):]
                    out.append((self.tokenizer.convert_ids_to_tokens(ids), [float(x) for x in lp[len(start) - 1:len(r) - 1]]))
        return out


# Logits held at once while scoring by teacher forcing (float32 bytes). Kept well below glibc's
# largest mmap threshold (32 MiB): blocks just under it come from the heap, and there alternating
# allocations of that size grew the resident size to the full (positions x vocabulary) tensor
# (1.1 GB at NLLB's vocabulary, 16 x 64 positions, with 32 MiB chunks; 40 MB with 8 MiB ones).
SCORE_CHUNK_BYTES = 8 * 1024 * 1024


class _CapLength:
    """A logits processor: input i's hypotheses end (with end of sequence) at its own cap.

    `caps[i]` counts generated tokens, the end of sequence (and NLLB's language tag) included;
    rows are batch x beams, as generate lays them out.
    """

    def __init__(self, caps: list[int], beams: int, eos_id: int) -> None:
        self.caps = caps
        self.beams = beams
        self.eos_id = eos_id

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        generated = input_ids.shape[1] - 1  # the decoder start token is not generated
        for i, cap in enumerate(self.caps):
            if generated == cap - 1:
                rows = slice(i * self.beams, (i + 1) * self.beams)
                scores[rows, :] = float("-inf")
                scores[rows, self.eos_id] = 0.0
        return scores


class _BanTokens:
    """A logits processor: the given token ids can never be generated (set to -inf in place)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        scores[:, self.ids] = float("-inf")
        return scores


# Loaded models, shared by the engines of both languages (NLLB serves ru and uk): (dir, device) -> ...
_MODELS: dict[tuple[str, str, str], tuple[Any, Any, str, str, threading.Lock]] = {}
_ENGINES: dict[tuple[EngineSpec, int, int], Engine] = {}
_LOAD_LOCK = threading.Lock()


def _apply_threads(config: Config) -> None:
    if config.cpu_threads > 0:
        import torch

        if torch.get_num_threads() != config.cpu_threads:
            torch.set_num_threads(config.cpu_threads)


def load_transformers(spec: EngineSpec, config: Config) -> TransformersEngine:
    key = (spec.model.location, spec.device, spec.compute_type)
    if key not in _MODELS:
        # Weights in an explicit dtype: float16 on a GPU, else float32 (int8 is quantized from it).
        tokenizer, model, directory = load_seq2seq(
            spec.model, config, compute_type="float16" if spec.device == "cuda" else "float32")
        model.eval()
        compute = spec.compute_type
        if spec.device == "cuda":
            model = model.to("cuda")
        elif compute == "int8":
            model, compute = _quantize_int8(model)
        _MODELS[key] = (tokenizer, model, model_revision(directory), compute, threading.Lock())
    tokenizer, model, revision, compute, lock = _MODELS[key]
    _apply_threads(config)
    if compute != spec.compute_type:
        spec = replace(spec, compute_type=compute)
    return TransformersEngine(spec, tokenizer, model, revision, config.batch_size, lock,
                              memory_budget=config.decode_memory_mb * 2**20)


def _quantize_int8(model: Any) -> tuple[Any, str]:
    """Dynamic int8 quantization of the Linear layers (weights int8, activations quantized on the fly).

    About three times faster matrix products on CPU; the embeddings stay float32. The activation
    scale is computed per batch, so (unlike CTranslate2's int8, which scales per row) outputs can
    depend on batch composition: hence off by default. Where this PyTorch build lacks it, the model
    stays float32 and its options key says so.
    """
    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.ao.quantization announces its move to torchao
            return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8), "int8"
    except (AttributeError, RuntimeError):  # RuntimeError covers a build without the quantized kernels
        return model, "float32"


def load_engine(config: Config, lang: str, engine_name: str | None = None) -> Engine:
    """The engine for a source language, loaded once per process (by engine, model, device, options)."""
    spec = engine_spec(config, lang, engine_name)
    key = (spec, config.batch_size, config.decode_memory_mb)
    with _LOAD_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            if spec.engine == "ct2":
                from .ct2 import load_ct2

                engine = load_ct2(spec, config)
            else:
                engine = load_transformers(spec, config)
            _ENGINES[key] = engine
    return engine
