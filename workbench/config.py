"""The one configuration object: defaults, then an optional TOML file, then environment variables.

Everything that varies between installations lives here and is passed in explicitly; no other
module reads the environment.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import WorkbenchError

# The translation engines (workbench.translate.engines registers one per name); here so that the
# command line can offer them without loading the engines.
ENGINE_NAMES = ("marian", "nllb", "ct2")

# Largest file `import` accepts. News articles are a few tens of KB; 10 MiB leaves room for
# long HTML pages while keeping a stray binary or a dump from filling the store.
DEFAULT_MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ConfigError(WorkbenchError, ValueError):
    """A configuration value is missing or malformed."""


@dataclass(frozen=True)
class Config:
    data_dir: Path = Path("data")
    db_url: str = ""  # empty: sqlite file inside data_dir
    max_import_bytes: int = DEFAULT_MAX_IMPORT_BYTES
    # translation
    engines: Mapping[str, str] = field(default_factory=lambda: {"ru": "marian", "uk": "marian"})
    models_dir: Path | None = None  # maps hub ids to local copies: models_dir/<org>/<name>
    marian_models: Mapping[str, str] = field(
        default_factory=lambda: {"ru": "Helsinki-NLP/opus-mt-ru-en", "uk": "Helsinki-NLP/opus-mt-uk-en"}
    )
    nllb_model: str = "facebook/nllb-200-distilled-600M"
    device: str = "auto"  # auto | cpu | cuda
    cpu_threads: int = 0  # 0: library default
    batch_size: int = 16
    num_beams: int = 4
    translate_boilerplate: bool = False
    ct2_cache_dir: Path | None = None  # default: data_dir/ct2
    ct2_base: str = "marian"  # the checkpoint family the ct2 engine converts: marian | nllb
    ct2_compute_type: str = "auto"  # auto: int8 on CPU, float16 on GPU (or any CTranslate2 compute type)
    # transformers engine on CPU: dynamic int8 quantization of its Linear layers. Faster, but the
    # activation scale is per batch, so an output can change with the batch it was decoded in.
    cpu_int8: bool = False
    glossary_bias: float = 4.0  # log-space bonus for an approved term's English tokens (0: n-best preference only)
    max_input_tokens: int = 0  # 0: the model's limit; longer segments are split at clause boundaries
    max_output_tokens: int = 0  # 0: twice the input length plus 10, within the model's limit
    min_output_tokens: int = 0  # benchmarks force a fixed output length with min = max
    # Memory one transformers decoding call may use for its beams (logits and attention cache);
    # larger batches are split. NLLB's vocabulary and depth make its rows about 4x Marian's.
    decode_memory_mb: int = 1024
    # word alignment
    word_aligner_model: str = "google-bert/bert-base-multilingual-cased"  # the hub's canonical id
    word_aligner_layer: int = 8
    # flags: detector name -> "off" | "error" | "warning" | "note"
    detectors: Mapping[str, str] = field(default_factory=dict)
    glossary_dir: Path | None = None  # starter glossary *.tsv files; default: the checkout's glossaries/
    # app
    oidc_enabled: bool = False
    # The first start's admin password (else a random one is printed once); never shown in a repr.
    admin_password: str = field(default="", repr=False)
    # A browser session ends after this long without activity, and at the latest after session_max_hours.
    session_idle_minutes: int = 60
    session_max_hours: int = 12
    # The CLI's identity on a store with users (WORKBENCH_USER, WORKBENCH_TOKEN; see workbench.actions.users).
    cli_user: str = ""
    cli_token: str = field(default="", repr=False)

    @property
    def database_url(self) -> str:
        if self.db_url:
            return self.db_url
        return f"sqlite:///{(self.data_dir / 'workbench.db').resolve()}"

    @property
    def ct2_dir(self) -> Path:
        return self.ct2_cache_dir or (self.data_dir / "ct2")

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with some fields changed (CLI flags take precedence over everything)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_ENV = {
    "WORKBENCH_DATA_DIR": ("data_dir", Path),
    "WORKBENCH_DB": ("db_url", str),
    "WORKBENCH_MAX_IMPORT_BYTES": ("max_import_bytes", int),
    "WORKBENCH_MODELS_DIR": ("models_dir", Path),
    "WORKBENCH_NLLB_MODEL": ("nllb_model", str),
    "WORKBENCH_DEVICE": ("device", str),
    "WORKBENCH_CPU_THREADS": ("cpu_threads", int),
    "WORKBENCH_BATCH_SIZE": ("batch_size", int),
    "WORKBENCH_NUM_BEAMS": ("num_beams", int),
    "WORKBENCH_CT2_DIR": ("ct2_cache_dir", Path),
    "WORKBENCH_CT2_BASE": ("ct2_base", str),
    "WORKBENCH_CT2_COMPUTE_TYPE": ("ct2_compute_type", str),
    "WORKBENCH_GLOSSARY_BIAS": ("glossary_bias", float),
    "WORKBENCH_CPU_INT8": ("cpu_int8", bool),
    "WORKBENCH_MAX_INPUT_TOKENS": ("max_input_tokens", int),
    "WORKBENCH_DECODE_MEMORY_MB": ("decode_memory_mb", int),
    "WORKBENCH_WORD_ALIGNER_MODEL": ("word_aligner_model", str),
    "WORKBENCH_WORD_ALIGNER_LAYER": ("word_aligner_layer", int),
    "WORKBENCH_GLOSSARY_DIR": ("glossary_dir", Path),
    "WORKBENCH_ADMIN_PASSWORD": ("admin_password", str),
    "WORKBENCH_SESSION_IDLE_MINUTES": ("session_idle_minutes", int),
    "WORKBENCH_USER": ("cli_user", str),
    "WORKBENCH_TOKEN": ("cli_token", str),
}
# Settings that only the environment may give (a secret or a person does not belong in a shared file).
_ENV_ONLY = {"cli_user", "cli_token", "admin_password"}
_PATH_FIELDS = {"data_dir", "models_dir", "ct2_cache_dir", "glossary_dir"}


def _coerce(name: str, value: Any, kind: type) -> Any:
    try:
        if kind is bool:
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name}: cannot read {value!r} as {kind.__name__}") from exc


def _kind_of(f: Any) -> type:
    """The type a setting's value must have in TOML, from the field's default."""
    default = f.default_factory() if f.default_factory is not MISSING else f.default
    if f.name in _PATH_FIELDS:
        return str
    if isinstance(default, Mapping):
        return dict
    return type(default)


def _check_type(toml_path: Path, key: str, value: Any, f: Any) -> None:
    kind = _kind_of(f)
    if kind is type(None):  # no default to go by
        return
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if kind is dict and ok:
        ok = all(isinstance(v, str) for v in value.values())
    if not ok:
        want = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
                dict: "a table of strings"}.get(kind, kind.__name__)
        raise ConfigError(f"{toml_path}: {key} = {value!r}: must be {want}")


def load_config(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Build the configuration: defaults < TOML file < environment.

    The TOML file is `path`, else $WORKBENCH_CONFIG, else ./workbench.toml when it exists.
    Its keys are the field names of `Config` (tables `engines`, `marian_models`, `detectors`).
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    toml_path = Path(path) if path else (Path(env["WORKBENCH_CONFIG"]) if env.get("WORKBENCH_CONFIG") else None)
    if toml_path is None and Path("workbench.toml").is_file():
        toml_path = Path("workbench.toml")
    known = {f.name: f for f in fields(Config)}
    if toml_path is not None:
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"{toml_path}: configuration file not found") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{toml_path}: not valid TOML ({exc})") from exc
        data = data.get("workbench", data)
        for key, value in data.items():
            if key not in known or key in _ENV_ONLY - {"admin_password"}:
                raise ConfigError(f"{toml_path}: unknown setting {key!r}")
            _check_type(toml_path, key, value, known[key])
            values[key] = Path(value) if key in _PATH_FIELDS else value
    for var, (name, kind) in _ENV.items():
        if env.get(var):
            values[name] = _coerce(var, env[var], kind)
    for var, lang in (("WORKBENCH_ENGINE_RU", "ru"), ("WORKBENCH_ENGINE_UK", "uk")):
        if env.get(var):
            values["engines"] = {**dict(values.get("engines", Config().engines)), lang: env[var]}
    if env.get("WORKBENCH_OIDC"):
        values["oidc_enabled"] = _coerce("WORKBENCH_OIDC", env["WORKBENCH_OIDC"], bool)
    cfg = Config(**values)
    for lang, engine in cfg.engines.items():
        if engine not in ENGINE_NAMES:
            raise ConfigError(f"engines.{lang}: unknown engine {engine!r} (marian, nllb or ct2)")
    if cfg.max_import_bytes <= 0:
        raise ConfigError("max_import_bytes: must be positive")
    return cfg
