"""Model references: which checkpoint an engine uses, where it is, and loading it without hanging.

A model reference is a hub id (`Helsinki-NLP/opus-mt-ru-en`) or a local directory. A hub id is
looked up, in order, under `models_dir/<org>/<name>`, in the Hugging Face cache, and only then on
the hub (after a short reachability probe, so an offline laptop gets an answer in seconds rather
than after the hub client's retries). Every failure becomes one `ModelUnavailable` line that names
the model and how to provide it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import socket
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..config import Config
from ..errors import WorkbenchError

# Seconds the hub probe waits for a TCP connection before calling the hub unreachable.
HUB_PROBE_TIMEOUT = 3.0


class ModelUnavailable(WorkbenchError):
    """A translation model cannot be loaded (missing directory, offline, not downloaded)."""


@dataclass(frozen=True)
class ModelRef:
    """A resolved model reference. Resolution is by name only: nothing is read or downloaded."""

    ref: str  # as configured
    model_id: str  # recorded with every translation: the hub id, or the directory for a local model
    location: str  # what gets loaded: a directory, or the hub id when no local copy is known
    local: bool


def resolve_model(ref: str, config: Config) -> ModelRef:
    """Map a configured reference to a directory or a hub id (models_dir/<org>/<name> wins)."""
    ref = ref.strip()
    if not ref:
        raise ModelUnavailable("model reference is empty: set marian_models / nllb_model in the configuration")
    path = Path(ref).expanduser()
    if path.is_dir():
        resolved = str(path.resolve())
        return ModelRef(ref, resolved, resolved, True)
    if config.models_dir is not None and not path.is_absolute():
        mapped = Path(config.models_dir).expanduser() / ref
        if mapped.is_dir():
            return ModelRef(ref, ref, str(mapped.resolve()), True)
    if _looks_like_path(ref):
        where = f" (nor {Path(config.models_dir) / ref})" if config.models_dir and not path.is_absolute() else ""
        raise ModelUnavailable(f"model {ref}: directory not found{where}; {_how_to(ref, config)}")
    return ModelRef(ref, ref, ref, False)


def _looks_like_path(ref: str) -> bool:
    # Hub ids are "name" or "org/name"; anything else (absolute, relative with ./, deeper) is a path.
    return ref.startswith((".", "/", "~")) or "\\" in ref or ref.count("/") > 1 or os.path.exists(ref)


def _how_to(ref: str, config: Config) -> str:
    target = f"{config.models_dir}/{ref}" if config.models_dir else f"$WORKBENCH_MODELS_DIR/{ref}"
    return (f"put a copy of the model in {target} (e.g. `hf download {ref} --include '*.json' '*.spm' '*.model' "
            f"vocab.txt 'pytorch_model.bin' --local-dir {target}`; see the README for each model's files), "
            f"or download it once with network access and then work offline with HF_HUB_OFFLINE=1")


def hub_offline() -> bool:
    """HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE as the hub client itself reads them."""
    from huggingface_hub import constants

    return bool(constants.is_offline_mode())


def hub_reachable(timeout: float = HUB_PROBE_TIMEOUT) -> bool:
    """Whether a TCP connection to the hub endpoint opens within `timeout` seconds."""
    from huggingface_hub import constants

    parts = urlsplit(constants.ENDPOINT)
    host, port = parts.hostname or "huggingface.co", parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def cached_snapshot(repo_id: str) -> Path | None:
    """The directory of a hub model already in the local Hugging Face cache (no network)."""
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(repo_id, local_files_only=True))
    except Exception:  # noqa: BLE001 - any failure here just means "not cached"
        return None


def model_revision(directory: Path) -> str:
    """The hub commit of a cached snapshot, else a fingerprint of the directory's config and weight sizes."""
    if directory.parent.name == "snapshots" and len(directory.name) == 40:
        return directory.name
    digest = hashlib.sha256()
    for name in ("config.json", "generation_config.json"):
        f = directory / name
        if f.is_file():
            digest.update(f.read_bytes())
    for f in sorted(directory.iterdir()):
        if f.suffix in (".safetensors", ".bin", ".spm", ".model") or f.name == "model.bin":
            digest.update(f"{f.name}:{f.stat().st_size}".encode())
    return "local-" + digest.hexdigest()[:12]


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' loading chatter (load reports, advice) for the duration of a load from a
    local directory (downloads happen before, with the hub's progress bars)."""
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            # sacremoses is a dependency (opus-mt's Moses punctuation normalisation); should an
            # installation lack it, MarianTokenizer's advice is repeated on every load.
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


def _reason(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{exc.__class__.__name__}: {first[:200]}" if first else exc.__class__.__name__


def model_available(ref: ModelRef) -> bool:
    """Whether the model is on this machine (a directory with config.json, or in the hub cache)."""
    if ref.local:
        return (Path(ref.location) / "config.json").is_file()
    snap = cached_snapshot(ref.location)
    return snap is not None and (snap / "config.json").is_file()


# Files a checkpoint needs besides its weights: configuration and tokenizer, any family.
_SIDE_FILES = re.compile(r"^(?:[^/]+\.json|[^/]+\.spm|[^/]+\.model|vocab\.txt|merges\.txt|[^/]+\.tiktoken)$")
_SAFETENSORS = re.compile(r"^model(?:-\d+-of-\d+)?\.safetensors$")
_TORCH_BIN = re.compile(r"^pytorch_model(?:-\d+-of-\d+)?\.bin$")


def needed_files(names: list[str]) -> list[str]:
    """The repository files to download: configuration, tokenizer and ONE weight format.

    safetensors when the repository has it, else PyTorch's .bin (opus-mt and NLLB-200 have only
    that); TensorFlow, Flax, Rust and ONNX copies are left on the hub.
    """
    weights = [n for n in names if _SAFETENSORS.match(n)]
    index = "model.safetensors.index.json"
    if not weights:
        weights = [n for n in names if _TORCH_BIN.match(n)]
        index = "pytorch_model.bin.index.json"
    other_index = {"model.safetensors.index.json", "pytorch_model.bin.index.json"} - {index}
    side = [n for n in names if _SIDE_FILES.match(n) and n not in other_index]
    return sorted(set(side) | set(weights))


def _size(n: int) -> str:
    for unit, div in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= div:
            return f"{n / div:.1f} {unit}" if n < 10 * div else f"{n / div:.0f} {unit}"
    return f"{n} B"


def announce(message: str) -> None:
    """Where first-use news goes (the CLI's stderr; the app's log)."""
    print(f"workbench: {message}", file=sys.stderr, flush=True)


def download_snapshot(repo_id: str, notify: Callable[[str], None] = announce) -> Path:
    """Download only the files a model needs into the Hugging Face cache, saying what and how much.

    The hub client's own progress bars show the transfer.
    """
    from huggingface_hub import HfApi, constants, snapshot_download

    info = HfApi().model_info(repo_id, files_metadata=True)
    sizes = {f.rfilename: int(f.size or 0) for f in (info.siblings or [])}
    files = needed_files(list(sizes))
    if not files:
        raise ModelUnavailable(f"model {repo_id}: the hub repository has no files a model needs")
    total = sum(sizes[f] for f in files)
    notify(f"downloading {repo_id} ({len(files)} files, {_size(total)}: {', '.join(files)}) "
           f"into {constants.HF_HUB_CACHE}; later runs use this copy")
    return Path(snapshot_download(repo_id, allow_patterns=files, revision=info.sha))


def locate(ref: ModelRef, config: Config, notify: Callable[[str], None] = announce, *,
           what: str = "model") -> Path:
    """A local directory holding the model; downloads a hub model only when online and reachable."""
    if ref.local:
        directory = Path(ref.location)
        if not (directory / "config.json").is_file():
            raise ModelUnavailable(f"{what} {ref.ref}: {directory} has no config.json; {_how_to(ref.ref, config)}")
        return directory
    snap = cached_snapshot(ref.location)
    if snap is not None and (snap / "config.json").is_file():
        return snap
    if hub_offline():
        raise ModelUnavailable(f"{what} {ref.ref} is not downloaded and HF_HUB_OFFLINE is set; "
                               f"{_how_to(ref.ref, config)}")
    if not hub_reachable():
        raise ModelUnavailable(f"{what} {ref.ref} is not downloaded and the hub cannot be reached; "
                               f"{_how_to(ref.ref, config)}")
    try:
        snap = download_snapshot(ref.location, notify)
    except ModelUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - hub/network failures come in many classes; report one line
        raise ModelUnavailable(f"{what} {ref.ref}: download failed ({_reason(exc)}); "
                               f"{_how_to(ref.ref, config)}") from None
    if not (snap / "config.json").is_file():
        raise ModelUnavailable(f"{what} {ref.ref}: downloaded but {snap} has no config.json; "
                               f"{_how_to(ref.ref, config)}")
    return snap


def torch_dtype(compute_type: str) -> Any:
    """The dtype to load weights in: float16 where asked for, else float32 (never the checkpoint's
    own, which for some opus-mt-tc models is float16, slow and inexact on CPU)."""
    import torch

    return torch.float16 if compute_type == "float16" else torch.float32


def load_seq2seq(ref: ModelRef, config: Config, *, with_model: bool = True,
                 compute_type: str = "float32") -> tuple[Any, Any, Path]:
    """(tokenizer, model or None, directory) for a seq2seq checkpoint, or ModelUnavailable.

    A hub model is downloaded (only its needed files) into the cache first and then loaded from
    that directory, like any local one: transformers then starts no background conversion of
    .bin weights to safetensors (a thread that kept the process alive and fetched a second copy).
    """
    # Located first: an unavailable model is reported before transformers (and torch) are imported.
    directory = locate(ref, config)
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    try:
        with quiet_transformers():
            tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
            model = AutoModelForSeq2SeqLM.from_pretrained(
                directory, local_files_only=True, dtype=torch_dtype(compute_type)) if with_model else None
    except Exception as exc:  # noqa: BLE001 - a broken or partial checkpoint fails in many ways
        raise ModelUnavailable(f"model {ref.ref}: cannot load {directory} ({_reason(exc)}); "
                               f"{_how_to(ref.ref, config)}") from None
    return tokenizer, model, directory
