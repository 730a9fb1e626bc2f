"""Word alignment between a source segment and its English with simalign (multilingual BERT).

Links are (source word index, English word index) over `workbench.text.words` tokens of each text,
so callers map them to character offsets with the same tokenizer. simalign's IterMax matching is
used: the argmax intersection plus a second round for words left out, which suits the editor's
highlighting and the flagger's search for unaligned words (omissions and additions).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import WorkbenchError
from ..text import words

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
MATCHING = "itermax"  # simalign's name for IterMax; "i" in its matching_methods string


class WordAlignerError(WorkbenchError):
    """The word-alignment model cannot be loaded or used."""


def _how_to_provide(model: str) -> str:
    return (f"set WORKBENCH_WORD_ALIGNER_MODEL (config word_aligner_model) to a local directory holding a "
            f"BERT-style model saved with save_pretrained, or put a copy of {model!r} under WORKBENCH_MODELS_DIR")


def resolve_model(config: Config) -> str:
    """The directory or hub id to load: a local directory, a copy under models_dir, else the hub id."""
    model = config.word_aligner_model.strip()
    if not model:
        raise WordAlignerError("word_aligner_model: empty; "
                               + _how_to_provide("google-bert/bert-base-multilingual-cased"))
    path = Path(model).expanduser()
    if path.is_dir():
        return str(path)
    if config.models_dir is not None and (config.models_dir / model).is_dir():
        return str(config.models_dir / model)
    if not _HUB_ID.match(model) or path.is_absolute() or model.startswith((".", "~")):
        raise WordAlignerError(f"word aligner model {model!r}: no such directory; {_how_to_provide(model)}")
    return model


def _device(config: Config) -> str:
    if config.device in ("cpu", "cuda"):
        return config.device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@lru_cache(maxsize=2)
def _load(location: str, layer: int, device: str, model_id: str, models_dir: str = "") -> Any:
    """simalign's SentenceAligner, loaded once per process and model.

    A hub id goes through the translator's model handling: the local cache, else (after the
    reachability probe, and never with HF_HUB_OFFLINE) a download of the needed files only, then
    loading from that directory, in float32 on CPU, without transformers' load report or
    simalign's INFO lines.
    """
    import logging

    from ..translate.models import ModelRef, ModelUnavailable, locate, quiet_transformers

    directory = Path(location)
    if not directory.is_dir():  # a hub id: cached, else downloaded when allowed and reachable
        config = Config(models_dir=Path(models_dir) if models_dir else None)
        try:
            directory = locate(ModelRef(model_id, model_id, location, False), config, what="word aligner model")
        except ModelUnavailable as exc:
            raise WordAlignerError(f"{exc}; or set WORKBENCH_WORD_ALIGNER_MODEL to such a directory") from None
    from simalign import SentenceAligner

    # simalign's module logger is set to DEBUG with its own handler on import: one INFO line per load.
    logging.getLogger("simalign.simalign").setLevel(logging.WARNING)

    try:
        with quiet_transformers():
            aligner = SentenceAligner(model=str(directory), token_type="bpe", matching_methods="i", device=device,
                                      layer=layer)
    except (OSError, ValueError, KeyError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise WordAlignerError(f"word aligner model {model_id!r}: cannot be loaded ({reason[:160]}); "
                               f"{_how_to_provide(model_id)}") from exc
    if device == "cpu":
        aligner.embed_loader.emb_model.float()  # explicit float32, whatever the checkpoint's dtype
    return aligner


class WordAligner:
    """Aligns words of a source segment with words of its English translation."""

    def __init__(self, config: Config) -> None:
        self.model_id = config.word_aligner_model
        self.layer = config.word_aligner_layer
        self._config = config
        self._aligner: Any = None
        self._max_subwords = 510

    def load(self) -> None:
        """Load the model now (else on first use); raises WordAlignerError when it is unavailable."""
        if self._aligner is None:
            self._aligner = _load(resolve_model(self._config), self.layer, _device(self._config), self.model_id,
                                  str(self._config.models_dir or ""))
            loader = self._aligner.embed_loader
            limits = [getattr(loader.emb_model.config, "max_position_embeddings", 512),
                      getattr(loader.tokenizer, "model_max_length", 512)]
            self._max_subwords = max(min(int(x) for x in limits) - 2, 1)  # [CLS] and [SEP]

    def _fit(self, tokens: list[str]) -> list[str]:
        """The longest prefix of the words that fits the model's input (longer text is cut, not lost
        silently: words beyond it simply get no links)."""
        tokenizer = self._aligner.embed_loader.tokenizer
        used = 0
        for k, word in enumerate(tokens):
            used += len(tokenizer.tokenize(word))
            if used > self._max_subwords:
                return tokens[:k]
        return tokens

    def align(self, source: str, english: str, src_lang: str | None = None) -> list[tuple[int, int]]:
        """(source word index, English word index) pairs, sorted, over `words()` of each text.

        `src_lang` is accepted for callers' symmetry; multilingual BERT needs no language tag.
        """
        src = [t.text for t in words(source)]
        tgt = [t.text for t in words(english)]
        if not src or not tgt:
            return []
        self.load()
        src, tgt = self._fit(src), self._fit(tgt)
        if not src or not tgt:
            return []
        try:
            found = self._aligner.get_word_aligns(src, tgt)[MATCHING]
        except ValueError as exc:  # simalign reports a layer beyond the model's depth this way
            raise WordAlignerError(f"word_aligner_layer {self.layer}: {str(exc).strip()[:200]}") from exc
        return sorted({(int(i), int(j)) for i, j in found if 0 <= i < len(src) and 0 <= j < len(tgt)})
