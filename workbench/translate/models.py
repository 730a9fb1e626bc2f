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
import socket
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
    return (f"put a copy of the model in {target} (e.g. `hf download {ref} --local-dir {target}`), "
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
    """Silence transformers' loading chatter (progress bars, advice) for the duration of a load."""
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            # MarianTokenizer recommends sacremoses; it is optional and its absence is not news.
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


def _reason(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{exc.__class__.__name__}: {first[:200]}" if first else exc.__class__.__name__


def locate(ref: ModelRef, config: Config, fetch: Callable[[str], Any] | None = None) -> Path:
    """A local directory holding the model; downloads a hub model only when online and reachable.

    `fetch(hub_id)` performs the download (a `from_pretrained` call, which picks the right files);
    without it a hub model must already be cached.
    """
    if ref.local:
        directory = Path(ref.location)
        if not (directory / "config.json").is_file():
            raise ModelUnavailable(f"model {ref.ref}: {directory} has no config.json; {_how_to(ref.ref, config)}")
        return directory
    snap = cached_snapshot(ref.location)
    if snap is not None and (snap / "config.json").is_file():
        return snap
    if hub_offline():
        raise ModelUnavailable(f"model {ref.ref} is not downloaded and HF_HUB_OFFLINE is set; {_how_to(ref.ref, config)}")
    if fetch is None or not hub_reachable():
        raise ModelUnavailable(f"model {ref.ref} is not downloaded and the hub cannot be reached; "
                               f"{_how_to(ref.ref, config)}")
    try:
        with quiet_transformers():
            fetch(ref.location)
    except Exception as exc:  # noqa: BLE001 - hub/network failures come in many classes; report one line
        raise ModelUnavailable(f"model {ref.ref}: download failed ({_reason(exc)}); {_how_to(ref.ref, config)}") from None
    snap = cached_snapshot(ref.location)
    if snap is None:
        raise ModelUnavailable(f"model {ref.ref}: downloaded but not found in the cache; {_how_to(ref.ref, config)}")
    return snap


def load_seq2seq(ref: ModelRef, config: Config, *, with_model: bool = True) -> tuple[Any, Any, Path]:
    """(tokenizer, model or None, directory) for a seq2seq checkpoint, or ModelUnavailable."""

    def fetch(hub_id: str) -> None:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        AutoTokenizer.from_pretrained(hub_id)
        if with_model:
            AutoModelForSeq2SeqLM.from_pretrained(hub_id)

    # Located first: an unavailable model is reported before transformers (and torch) are imported.
    directory = locate(ref, config, fetch)
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    try:
        with quiet_transformers():
            tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
            model = AutoModelForSeq2SeqLM.from_pretrained(directory, local_files_only=True) if with_model else None
    except Exception as exc:  # noqa: BLE001 - a broken or partial checkpoint fails in many ways
        raise ModelUnavailable(f"model {ref.ref}: cannot load {directory} ({_reason(exc)}); "
                               f"{_how_to(ref.ref, config)}") from None
    return tokenizer, model, directory
