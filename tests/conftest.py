"""Fixtures shared by every test module: a fresh configuration and store, the seed corpus, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.config import Config, load_config
from workbench.ingest import import_paths
from workbench.store import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEED = {p.name[:3]: p for p in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(env={"WORKBENCH_DATA_DIR": str(tmp_path / "data")})


@pytest.fixture
def store(config: Config) -> Store:
    st = Store(config.database_url)
    yield st
    st.close()


@pytest.fixture
def seeded(store: Store, config: Config) -> Store:
    """A store with the five seed articles imported."""
    import_paths(store, [CORPUS], config)
    return store


@pytest.fixture
def run_cli(tmp_path: Path):
    """Run `python -m workbench ARGS` against a data directory of this test; returns CompletedProcess."""

    def run(*args: str, data_dir: Path | None = None, env: dict[str, str] | None = None,
            input: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_DATA_DIR": str(data_dir or tmp_path / "data"),
                    "HF_HUB_OFFLINE": "1", **(env or {})}
        if not env or "WORKBENCH_DB" not in env:
            full_env.pop("WORKBENCH_DB", None)
        return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True,
                              env=full_env, cwd=ROOT, input=input, timeout=timeout)

    return run


@pytest.fixture(autouse=True)
def _fresh_sign_in_throttle():
    """Failed sign-ins are counted per process; each test starts with none."""
    from workbench.actions.users import THROTTLE

    THROTTLE._keys.clear()
    yield
    THROTTLE._keys.clear()
