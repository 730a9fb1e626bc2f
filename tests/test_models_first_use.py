"""First use of the real checkpoints: which files are fetched, offline answers, quiet loading, dtype."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest
import torch

from workbench.align.words import WordAligner, WordAlignerError
from workbench.translate import load_engine
from workbench.translate.models import needed_files

from .conftest import CORPUS, ROOT
from .tiny_bert import build_tiny_bert, corpus_lines
from .tiny_mt import build_tiny_marian

# File lists as the hub shows them for the three checkpoints the workbench uses by default.
OPUS_MT = ["README.md", "config.json", "generation_config.json", "pytorch_model.bin", "rust_model.ot",
           "source.spm", "target.spm", "tf_model.h5", "tokenizer_config.json", "vocab.json", ".gitattributes"]
NLLB = ["README.md", "config.json", "generation_config.json", "pytorch_model.bin", "sentencepiece.bpe.model",
        "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"]
MBERT = ["config.json", "flax_model.msgpack", "model.safetensors", "pytorch_model.bin", "tf_model.h5",
         "tokenizer.json", "tokenizer_config.json", "vocab.txt", "coreml/model.mlmodel", "onnx/model.onnx"]
SHARDED = ["config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
           "model.safetensors.index.json", "pytorch_model-00001-of-00002.bin", "pytorch_model.bin.index.json",
           "tokenizer.json"]


def test_only_the_needed_files_and_one_weight_format_are_fetched():
    assert needed_files(OPUS_MT) == ["config.json", "generation_config.json", "pytorch_model.bin", "source.spm",
                                     "target.spm", "tokenizer_config.json", "vocab.json"]
    assert needed_files(NLLB) == ["config.json", "generation_config.json", "pytorch_model.bin",
                                  "sentencepiece.bpe.model", "special_tokens_map.json", "tokenizer.json",
                                  "tokenizer_config.json"]
    assert needed_files(MBERT) == ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                                   "vocab.txt"]
    assert needed_files(SHARDED) == ["config.json", "model-00001-of-00002.safetensors",
                                     "model-00002-of-00002.safetensors", "model.safetensors.index.json",
                                     "tokenizer.json"]


def test_word_aligner_offline_fails_at_once_with_the_translators_advice(config, tmp_path, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    cfg = replace(config, word_aligner_model="workbench-tests/bert-zz", models_dir=tmp_path / "models")
    with pytest.raises(WordAlignerError) as err:
        WordAligner(cfg).load()
    msg = str(err.value)
    assert "\n" not in msg and "HF_HUB_OFFLINE" in msg and "workbench-tests/bert-zz" in msg
    assert str(tmp_path / "models" / "workbench-tests" / "bert-zz") in msg and "--include" in msg
    # Online but the hub does not answer: the 3-second probe says so.
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(WordAlignerError, match="cannot be reached"):
        WordAligner(replace(cfg, word_aligner_model="workbench-tests/bert-yy")).load()


def test_loading_is_quiet_and_float32_even_for_a_float16_checkpoint(tmp_path):
    marian = build_tiny_marian(tmp_path / "marian")
    from transformers import AutoModelForSeq2SeqLM

    half = AutoModelForSeq2SeqLM.from_pretrained(marian).to(torch.float16)
    half.save_pretrained(marian)  # like the opus-mt-tc checkpoints: weights stored in float16
    bert = build_tiny_bert(tmp_path / "bert", corpus_lines(CORPUS)[:200])
    script = (
        "import sys, torch\n"
        "from workbench.config import load_config\n"
        "from workbench.translate import load_engine\n"
        "from workbench.align.words import WordAligner\n"
        f"cfg = load_config(env={{}}).with_overrides(marian_models={{'ru': {str(marian)!r}, 'uk': 'x'}}, device='cpu',"
        f" word_aligner_model={str(bert)!r}, word_aligner_layer=1, max_output_tokens=8)\n"
        "e = load_engine(cfg, 'ru')\n"
        "assert next(e.model.parameters()).dtype == torch.float32, next(e.model.parameters()).dtype\n"
        "e.translate(['Цены на хлеб выросли.'])\n"
        "w = WordAligner(cfg); w.load()\n"
        "assert next(w._aligner.embed_loader.emb_model.parameters()).dtype == torch.float32\n"
        "print('links', len(w.align('Цены выросли.', 'Prices rose.')))\n"
    )
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("links")
    assert res.stderr.strip() == ""  # no load report, no simalign INFO, no advice


def test_engine_spec_records_float32_on_cpu(config, tmp_path):
    marian = build_tiny_marian(tmp_path / "m")
    engine = load_engine(config.with_overrides(marian_models={"ru": str(marian), "uk": "x"}, device="cpu"), "ru")
    assert engine.spec.compute_type == "float32" and "float32" in engine.options_key()


def test_hub_model_in_the_cache_loads_from_its_directory_and_leaves_no_threads(tmp_path):
    """A .bin-only checkpoint by hub id, as the hub cache holds it: loaded offline from the snapshot
    directory, with no background safetensors conversion (a non-daemon thread would keep the
    process alive after its summary)."""
    marian = build_tiny_marian(tmp_path / "marian")
    from transformers import AutoModelForSeq2SeqLM

    model = AutoModelForSeq2SeqLM.from_pretrained(marian)
    torch.save(model.state_dict(), marian / "pytorch_model.bin")  # .bin only, like opus-mt
    (marian / "model.safetensors").unlink()
    sha = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--workbench-tests--opus-mt-qq-en"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(sha)
    import shutil

    shutil.copytree(marian, repo / "snapshots" / sha)
    script = (
        "import threading\n"
        "from workbench.config import load_config\n"
        "from workbench.translate import load_engine, engine_spec\n"
        "from workbench.translate.models import model_available\n"
        "cfg = load_config(env={}).with_overrides(marian_models={'ru': 'workbench-tests/opus-mt-qq-en', 'uk': 'x'},"
        " device='cpu', max_output_tokens=8)\n"
        "assert model_available(engine_spec(cfg, 'ru').model)\n"
        "e = load_engine(cfg, 'ru')\n"
        "tr = e.translate(['Цены на хлеб выросли.'])[0]\n"
        "print(tr.model_id, tr.model_revision)\n"
        "print([t.name for t in threading.enumerate() if not t.daemon and t is not threading.main_thread()])\n"
    )
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(tmp_path / "hub"),
                              "PATH": "/usr/bin:/bin"})
    assert res.returncode == 0, res.stderr
    first, threads = res.stdout.strip().splitlines()
    assert first == f"workbench-tests/opus-mt-qq-en {sha}" and threads == "[]"
    assert not (repo / "snapshots" / sha / "model.safetensors").exists()
