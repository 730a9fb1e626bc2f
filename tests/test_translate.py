"""Translation engines and the translate pipeline, on tiny models built from corpus text.

The tiny checkpoints are written with save_pretrained and loaded through the same from_pretrained
path as the real opus-mt / NLLB models (the configuration points at their directories).
"""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from workbench.config import Config, load_config
from workbench.errors import WorkbenchError
from workbench.glossary import english_present
from workbench.ingest import import_paths
from workbench.records import Term
from workbench.store import Store
from workbench.translate import (
    ModelUnavailable,
    engine_spec,
    load_engine,
    required_terms,
    split_to_fit,
    translate_documents,
)
from workbench.translate.ct2 import ensure_converted

from .conftest import ROOT, SEED
from .tiny_mt import build_tiny_marian, build_tiny_nllb

# Sentences of our own, not in the seed corpus.
HELD_OUT_RU = [
    "Министр обороны провёл встречу с командующими округов.",
    "В Киеве прошли переговоры о поставках зерна через порты Черного моря, которые продлились до ночи.",
    "Цены на газ выросли.",
    "Парламент одобрил бюджет после долгих споров о расходах на оборону и энергетику.",
    "Санкции вступят в силу в понедельник.",
]
HELD_OUT_UK = [
    "Верховна Рада ухвалила закон у другому читанні.",
    "Уряд оголосив нові заходи підтримки фермерів, які постраждали від посухи.",
]


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny-mt")
    return {"marian": build_tiny_marian(root / "marian"), "nllb": build_tiny_nllb(root / "nllb"),
            "ct2": root / "ct2"}


@pytest.fixture
def tcfg(config: Config, tiny_models: dict[str, Path]) -> Config:
    """The test configuration pointed at the tiny models; one CPU thread (the machine is shared)."""
    m = str(tiny_models["marian"])
    return config.with_overrides(
        marian_models={"ru": m, "uk": m}, nllb_model=str(tiny_models["nllb"]), cpu_threads=1,
        max_output_tokens=12, batch_size=4, ct2_compute_type="float32", ct2_cache_dir=tiny_models["ct2"],
        device="cpu",
    )


def seed_lines(key: str, n: int) -> list[str]:
    return [ln.strip() for ln in SEED[key].read_text(encoding="utf-8").splitlines() if ln.strip()][:n]


def teacher_forced(engine, text: str, tokens: list[str]) -> list[float]:
    """Log-probabilities of `tokens` under the model, by one forward pass (independent of generate)."""
    tok, model = engine.tokenizer, engine.model
    if engine.spec.family == "nllb":
        tok.src_lang = engine.spec.source_code
    enc = tok([text], return_tensors="pt")
    ids = tok.convert_tokens_to_ids(tokens)
    start = [model.config.decoder_start_token_id] + ([engine.forced_bos] if engine.forced_bos is not None else [])
    dec = torch.tensor([start + ids[:-1]])
    with torch.inference_mode():
        logp = torch.log_softmax(model(**enc, decoder_input_ids=dec).logits[0], dim=-1)
    skip = len(start) - 1
    return [float(logp[skip + k, i]) for k, i in enumerate(ids)]


# -- engines ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,lang", [("marian", "ru"), ("nllb", "uk"), ("ct2", "ru")])
def test_batching_preserves_order_and_equals_one_by_one(tcfg, name, lang):
    engine = load_engine(tcfg, lang, name)
    texts = (HELD_OUT_RU if lang == "ru" else HELD_OUT_UK) + seed_lines("000" if lang == "ru" else "003", 5)
    batched = engine.translate(texts, batch_size=3)
    single = [engine.translate([t])[0] for t in texts]
    assert [b.text for b in batched] == [s.text for s in single]
    assert [b.tokens for b in batched] == [s.tokens for s in single]
    for b, s in zip(batched, single, strict=True):
        assert b.logprob == pytest.approx(s.logprob, abs=1e-3)
    assert len({b.text for b in batched}) > 1  # different sources, different outputs
    # Reversing the input reverses the output: results follow input order, not length order.
    assert [r.text for r in engine.translate(texts[::-1], batch_size=3)] == [b.text for b in batched][::-1]
    assert all(b.engine == name and b.model_id == engine.model_id and b.segment_id == "" for b in batched)
    blank = engine.translate(["", texts[0], "  "])
    assert [t.text for t in blank] == ["", batched[0].text, ""] and blank[0].tokens == [] and blank[0].logprob == 0
    assert engine.translate([]) == []


def test_engines_are_loaded_once_and_nllb_is_shared_between_languages(tcfg):
    assert load_engine(tcfg, "ru") is load_engine(tcfg, "ru")
    ru, uk = load_engine(tcfg, "ru", "nllb"), load_engine(tcfg, "uk", "nllb")
    assert ru is not uk and ru.model is uk.model and ru._lock is uk._lock
    nllb_ct2 = tcfg.with_overrides(ct2_base="nllb")
    ru2, uk2 = load_engine(nllb_ct2, "ru", "ct2"), load_engine(nllb_ct2, "uk", "ct2")
    assert ru2.translator is uk2.translator and ru2.spec.source_code == "rus_Cyrl"
    assert uk2.translate(HELD_OUT_UK[:1])[0].text == uk.translate(HELD_OUT_UK[:1])[0].text  # float32, same beams
    assert "src=rus_Cyrl" in ru.options_key() and "src=ukr_Cyrl" in uk.options_key()
    out = uk.translate(HELD_OUT_UK[:1])[0]
    assert "eng_Latn" not in out.tokens and "ukr_Cyrl" not in out.tokens


@pytest.mark.parametrize("name,lang", [("marian", "ru"), ("nllb", "uk")])
def test_token_logprobs_are_the_models_and_sum_to_the_sequence_score(tcfg, name, lang):
    engine = load_engine(tcfg, lang, name)
    text = HELD_OUT_RU[0] if lang == "ru" else HELD_OUT_UK[1]
    tr = engine.translate([text])[0]
    assert len(tr.tokens) == len(tr.token_logprobs) > 0
    assert tr.logprob == pytest.approx(math.fsum(tr.token_logprobs), abs=1e-6)
    assert all(lp <= 0 for lp in tr.token_logprobs)
    # The stored log-probabilities are the model's own for every token, an end of sequence forced at
    # the length cap included (scored by teacher forcing after decoding).
    forced = teacher_forced(engine, text, tr.tokens)
    assert tr.token_logprobs == pytest.approx(forced, abs=1e-4)
    # The beam search's own sequence score is the same sum over the generated length (penalty 1.0),
    # except that it counts a forced end of sequence as certain.
    if engine.spec.family == "nllb":
        engine.tokenizer.src_lang = engine.spec.source_code
    enc = engine.tokenizer([text], return_tensors="pt")
    extra = {"forced_bos_token_id": engine.forced_bos} if engine.forced_bos is not None else {}
    with torch.inference_mode():
        gen = engine.model.generate(**enc, num_beams=4, max_new_tokens=tcfg.max_output_tokens, max_length=None,
                                    output_scores=True, return_dict_in_generate=True, **extra)
    generated = len(tr.tokens) + (1 if engine.forced_bos is not None else 0)
    at_cap = generated >= tcfg.max_output_tokens
    plain = engine.tokenizer.convert_ids_to_tokens(
        [t for t in gen.sequences[0, 1:].tolist() if t not in (engine.forced_bos, engine.pad_id)])
    if plain == tr.tokens:  # NLLB has no forced end of sequence: at the cap, plain generate differs
        beam_sum = math.fsum(tr.token_logprobs[:-1] if at_cap else tr.token_logprobs)
        assert float(gen.sequences_scores[0]) * generated == pytest.approx(beam_sum, abs=1e-3)
    # Beam search ranks by the length-normalised score; the best of the n-best list is the output.
    best = engine.nbest([text])[0]
    assert best[0].text == tr.text
    assert [h.score for h in best] == sorted((h.score for h in best), reverse=True)


def test_glossary_preference_picks_the_best_hypothesis_with_the_term(tcfg):
    engine = load_engine(tcfg.with_overrides(glossary_bias=0.0), "ru")
    text = HELD_OUT_RU[1]
    nbest = engine.nbest([text])[0]
    top = nbest[0].text
    # A word that a lower-ranked hypothesis has and the best one lacks plays the approved term.
    term = next(w for h in nbest[1:] for w in h.text.split() if w.isalpha() and not english_present(w, top))
    want = next(h for h in nbest if english_present(term, h.text))
    tr = engine.translate([text], [[term]])[0]
    assert tr.text == want.text != top
    assert tr.missing_terms == []
    assert "terms=" in tr.options_key and tr.options_key != engine.options_key()
    # No hypothesis has it: the best translation stays, and the term is reported missing.
    absent = "zebra"
    assert not any(english_present(absent, h.text) for h in nbest)
    tr2 = engine.translate([text], [[absent]])[0]
    assert tr2.text == top and tr2.missing_terms == [absent]


def test_sequence_bias_brings_in_a_term_and_logprobs_stay_unbiased(tcfg):
    text = HELD_OUT_RU[1]
    plain = load_engine(tcfg.with_overrides(glossary_bias=0.0), "ru")
    assert not any(english_present("Russia", h.text) for h in plain.nbest([text])[0])
    biased = load_engine(tcfg.with_overrides(glossary_bias=20.0), "ru")  # strong: random weights
    tr, other = biased.translate([text, HELD_OUT_RU[2]], [["Russia"], []])
    assert english_present("Russia", tr.text) and tr.missing_terms == []
    assert tr.token_logprobs == pytest.approx(teacher_forced(biased, text, tr.tokens), abs=1e-4)
    assert other.text == plain.translate([HELD_OUT_RU[2]])[0].text  # a text without terms is untouched


def test_long_inputs_are_split_at_clause_boundaries_and_joined(tcfg):
    engine = load_engine(tcfg.with_overrides(max_input_tokens=40), "ru")
    long = " ".join(HELD_OUT_RU[:2]) + ", " + HELD_OUT_RU[3].lower()
    pieces = split_to_fit(long, engine.count_tokens, engine.limit)
    assert len(pieces) >= 2 and all(engine.count_tokens(p) <= 40 for p in pieces)
    assert " ".join(pieces).split() == long.split()  # nothing lost or reordered
    assert pieces[0].endswith(".")  # the sentence boundary is used before clauses or words
    tr = engine.translate([long])[0]
    assert tr.text == " ".join(t.text for t in engine.translate(pieces))
    assert tr.tokens.count("</s>") == len(pieces)


def test_split_to_fit_prefers_coarse_boundaries():
    count = lambda s: len(s.split())  # noqa: E731 - a word-count stand-in for a tokenizer
    text = "Один два три. Четыре пять, шесть семь восемь девять десять одиннадцать."
    assert split_to_fit(text, count, 20) == [text]
    assert split_to_fit(text, count, 8) == ["Один два три.", "Четыре пять, шесть семь восемь девять десять одиннадцать."]
    assert split_to_fit(text, count, 5) == ["Один два три.", "Четыре пять,", "шесть семь восемь девять десять",
                                            "одиннадцать."]
    assert split_to_fit("а" * 50, len, 20) == ["а" * 12, "а" * 13, "а" * 12, "а" * 13]


def test_ct2_conversion_is_cached_and_matches_transformers_greedy(tcfg):
    cfg = tcfg.with_overrides(num_beams=1, cpu_int8=False)  # float32 on both sides
    ct2, hf = load_engine(cfg, "ru", "ct2"), load_engine(cfg, "ru", "marian")
    assert hf.spec.compute_type == ct2.spec.compute_type == "float32"
    assert (ct2.converted / "model.bin").is_file() and ct2.converted.parent == Path(cfg.ct2_dir)
    stamp = (ct2.converted / "model.bin").stat().st_mtime_ns
    texts = HELD_OUT_RU + seed_lines("002", 4)
    a, b = ct2.translate(texts), hf.translate(texts)
    assert [x.text for x in a] == [y.text for y in b]
    assert [x.tokens for x in a] == [y.tokens for y in b]
    for x, y in zip(a, b, strict=True):
        n = len(x.tokens) - 1  # the final end of sequence may be forced at the length limit
        assert x.token_logprobs[:n] == pytest.approx(y.token_logprobs[:n], abs=1e-3)
    again = ensure_converted(ct2.spec, tiny_dir(cfg), ct2.revision, cfg)
    assert again == ct2.converted and (again / "model.bin").stat().st_mtime_ns == stamp


def tiny_dir(cfg: Config) -> Path:
    return Path(cfg.marian_models["ru"])


def test_ct2_int8_by_default_on_cpu_and_glossary_preference_on_its_nbest(tcfg):
    cfg = tcfg.with_overrides(ct2_compute_type="auto", glossary_bias=0.0)
    spec = engine_spec(cfg, "ru", "ct2")
    assert spec.compute_type == "int8"
    engine = load_engine(cfg, "ru", "ct2")
    assert engine.converted.name.endswith("-int8")
    text = HELD_OUT_RU[1]
    nbest = engine.nbest([text])[0]
    term = next((w for h in nbest[1:] for w in h.text.split() if w.isalpha() and not english_present(w, nbest[0].text)),
                None)
    assert term is not None
    tr = engine.translate([text], [[term]])[0]
    assert tr.text == next(h.text for h in nbest if english_present(term, h.text))
    assert len(tr.token_logprobs) == len(tr.tokens) and tr.tokens[-1] == "</s>"


# -- model availability -------------------------------------------------------------------------


def test_missing_local_directory_is_one_clear_line(tcfg, tmp_path):
    cfg = tcfg.with_overrides(marian_models={"ru": str(tmp_path / "nowhere" / "opus-mt-ru-en"), "uk": "x"})
    with pytest.raises(ModelUnavailable) as err:
        load_engine(cfg, "ru")
    msg = str(err.value)
    assert "\n" not in msg and "nowhere/opus-mt-ru-en" in msg and "not found" in msg
    assert isinstance(err.value, WorkbenchError)


def test_hub_model_offline_or_unreachable_fails_fast_naming_the_model(tcfg, tmp_path, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub-cache"))
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub-cache"))
    cfg = tcfg.with_overrides(marian_models={"ru": "workbench-tests/opus-mt-xx-en", "uk": "x"},
                              models_dir=tmp_path / "models")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(ModelUnavailable) as err:
        load_engine(cfg, "ru")
    msg = str(err.value)
    assert "\n" not in msg and "workbench-tests/opus-mt-xx-en" in msg and "HF_HUB_OFFLINE" in msg
    assert str(tmp_path / "models" / "workbench-tests" / "opus-mt-xx-en") in msg
    # Online, but the hub does not answer: the probe says so instead of waiting for retries.
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(ModelUnavailable, match="cannot be reached"):
        load_engine(cfg, "ru")


def test_models_dir_maps_hub_ids_to_local_copies(tcfg, tiny_models, tmp_path):
    models = tmp_path / "models"
    (models / "Helsinki-NLP").mkdir(parents=True)
    (models / "Helsinki-NLP" / "opus-mt-ru-en").symlink_to(tiny_models["marian"], target_is_directory=True)
    cfg = tcfg.with_overrides(models_dir=models, marian_models={"ru": "Helsinki-NLP/opus-mt-ru-en", "uk": "x"})
    engine = load_engine(cfg, "ru")
    assert engine.model_id == "Helsinki-NLP/opus-mt-ru-en"  # recorded under its hub id
    assert engine.translate(HELD_OUT_RU[:1])[0].text == load_engine(tcfg, "ru").translate(HELD_OUT_RU[:1])[0].text


def test_incomplete_model_directory_is_reported(tcfg, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text(json.dumps({"model_type": "marian"}), encoding="utf-8")
    with pytest.raises(ModelUnavailable, match="broken"):
        load_engine(tcfg.with_overrides(marian_models={"ru": str(broken), "uk": "x"}), "ru")


# -- pipeline -----------------------------------------------------------------------------------


def test_translate_documents_caches_and_skips_boilerplate(seeded, tcfg):
    doc = seeded.document(SEED["002"].name)
    segs = [s for s in seeded.segments(doc.id) if s.lang in ("ru", "uk")]
    other = len(seeded.segments(doc.id)) - len(segs)  # lines in no source language are never translated
    boiler = [s for s in segs if s.role == "boilerplate"]
    wanted = [s for s in segs if s.role != "boilerplate"]
    assert boiler and wanted
    calls = []
    first = translate_documents(seeded, tcfg, [SEED["002"].name], progress=lambda d, t: calls.append((d, t)))
    assert first.translated == len(wanted)
    assert first.segments == len(wanted) and first.skipped == len(boiler) + other and first.cached == 0
    assert calls[-1] == (len(wanted), len(wanted)) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    stored = seeded.translations([s.id for s in segs])
    assert set(stored) == {s.id for s in wanted}
    assert all(seeded.segment(s.id).status == "translated" for s in wanted)
    tr = stored[wanted[0].id]
    assert tr.model_id == str(tiny_dir(tcfg).resolve()) and tr.engine == "marian" and tr.model_revision
    assert tr.tokens and len(tr.tokens) == len(tr.token_logprobs) and tr.seconds > 0

    again = translate_documents(seeded, tcfg, [SEED["002"].name])
    assert again.translated == 0 and again.cached == len(wanted) and again.batches == 0
    assert seeded.translations([s.id for s in segs]) == stored

    with_boiler = translate_documents(seeded, tcfg, [SEED["002"].name], include_boilerplate=True)
    assert with_boiler.translated + with_boiler.cached == len(segs) and with_boiler.skipped == other
    assert set(seeded.translations([s.id for s in segs])) == {s.id for s in segs}


def test_identical_source_elsewhere_is_copied_not_decoded(store, tcfg, tmp_path):
    lines = seed_lines("000", 6)
    (tmp_path / "a.txt").write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("\n".join(lines[2:6] + [HELD_OUT_RU[2]]) + "\n", encoding="utf-8")
    import_paths(store, [tmp_path / "a.txt", tmp_path / "b.txt"], tcfg)
    a = translate_documents(store, tcfg, ["a.txt"])
    b_segs = [s for s in store.segments("b.txt") if s.role != "boilerplate"]
    shared = {s.text for s in store.segments("a.txt")}
    b = translate_documents(store, tcfg, ["b.txt"])
    assert a.translated > 0
    assert b.cached == sum(s.text in shared for s in b_segs) > 0
    assert b.translated == len(b_segs) - b.cached
    a_tr = store.translations([s.id for s in store.segments("a.txt")])
    by_text = {s.text: a_tr[s.id] for s in store.segments("a.txt") if s.id in a_tr}
    b_tr = store.translations([s.id for s in b_segs])
    for s in b_segs:
        if s.text in by_text:
            assert b_tr[s.id].text == by_text[s.text].text and b_tr[s.id].tokens == by_text[s.text].tokens


def test_story_and_all_selection_and_bad_input(seeded, tcfg):
    with pytest.raises(WorkbenchError, match="name documents"):
        translate_documents(seeded, tcfg, [])
    with pytest.raises(WorkbenchError, match="batch size"):
        translate_documents(seeded, tcfg, [SEED["000"].name], batch_size=0)
    with pytest.raises(WorkbenchError, match="engine"):
        translate_documents(seeded, tcfg, [SEED["000"].name], engine="google")
    seeded.assign_story([SEED["003"].name, SEED["004"].name], "geneva", "test")
    rep = translate_documents(seeded, tcfg, story="geneva")
    assert rep.documents == 2 and rep.translated > 0 and set(rep.models) == {"uk"}


def test_approved_glossary_terms_steer_and_missing_ones_are_recorded(seeded, tcfg):
    cfg = tcfg.with_overrides(glossary_bias=0.0)
    term = seeded.add_term(Term(id=None, lang="ru", source="переговоры", english="zebra", status="proposed"), "t")
    seeded.add_term(Term(id=None, lang="ru", source="безопасность", english="security", status="proposed"), "t")
    seeded.review_term(term.id, "approved", "reviewer")  # only approved terms steer; the other stays proposed
    approved = [t for t in seeded.terms(status="approved") if t.kind == "term"]
    assert required_terms("Перед переговорами в Женеве.", "ru", approved) == ["zebra"]  # inflected form
    assert required_terms("Цены на газ выросли.", "ru", approved) == []
    rep = translate_documents(seeded, cfg, [SEED["000"].name])
    segs = [s for s in seeded.segments(SEED["000"].name) if s.role != "boilerplate"]
    with_term = {s.id for s in segs if required_terms(s.text, "ru", approved)}
    assert with_term and set(rep.missing_terms) == with_term
    stored = seeded.translations([s.id for s in segs])
    for s in segs:
        t = stored[s.id]
        assert (t.missing_terms == ["zebra"]) == (s.id in with_term)
        assert ("terms=" in t.options_key) == (s.id in with_term)
    # Re-running keeps the glossary-aware cache entries: nothing to decode.
    assert translate_documents(seeded, cfg, [SEED["000"].name]).translated == 0


# -- command line -------------------------------------------------------------------------------


def write_toml(path: Path, tiny: dict[str, Path], **extra: object) -> Path:
    lines = [f"{k} = {json.dumps(v)}" for k, v in {"cpu_threads": 1, "max_output_tokens": 12, **extra}.items()]
    lines += ["[marian_models]", f'ru = "{tiny["marian"]}"', f'uk = "{tiny["marian"]}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_into(data_dir: Path, *paths: Path) -> None:
    """Import in-process into the store a CLI run will use (a subprocess costs seconds of imports)."""
    cfg = load_config(env={"WORKBENCH_DATA_DIR": str(data_dir)})
    st = Store(cfg.database_url)
    try:
        import_paths(st, list(paths), cfg)
    finally:
        st.close()


def test_cli_translate_reports_and_reruns_from_cache(run_cli, tiny_models, tmp_path):
    toml = write_toml(tmp_path / "wb.toml", tiny_models)
    import_into(tmp_path / "data", SEED["004"])
    first = run_cli("--config", str(toml), "translate", "004", "--format", "jsonl", "--batch-size", "8")
    assert first.returncode == 0, first.stderr
    row = json.loads(first.stdout)
    assert row["translated"] > 0 and row["cached"] == 0 and row["skipped"] > 0
    second = run_cli("--config", str(toml), "translate", "--all", "--format", "jsonl")
    row2 = json.loads(second.stdout)
    assert row2["translated"] == 0 and row2["cached"] == row["segments"]
    bad = run_cli("--config", str(toml), "translate")
    assert bad.returncode == 2 and bad.stderr.strip().startswith("workbench: translate: name documents")


def test_cli_offline_model_error_is_one_line_exit_2(run_cli, tmp_path):
    import_into(tmp_path / "data", SEED["000"])
    toml = tmp_path / "hub.toml"
    toml.write_text('[marian_models]\nru = "workbench-tests/opus-mt-xx-en"\nuk = "workbench-tests/opus-mt-xx-en"\n',
                    encoding="utf-8")
    # run_cli sets HF_HUB_OFFLINE=1; the timeout is the guard against a hang.
    res = run_cli("--config", str(toml), "translate", "000", env={"HF_HOME": str(tmp_path / "hf")}, timeout=120)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "workbench-tests/opus-mt-xx-en" in lines[0] and "WORKBENCH_MODELS_DIR" in lines[0]
    assert "Traceback" not in res.stderr


def test_resume_after_kill_translates_every_segment_exactly_once(run_cli, tiny_models, tmp_path):
    data = tmp_path / "data"
    toml = write_toml(tmp_path / "wb.toml", tiny_models, max_output_tokens=24)
    import_into(data, SEED["000"], SEED["001"])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    env.pop("WORKBENCH_DB", None)
    cmd = [sys.executable, "-m", "workbench", "--config", str(toml), "translate", "--all", "--batch-size", "2"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    db = data / "workbench.db"

    def rows() -> int:
        try:
            with sqlite3.connect(db, timeout=30) as con:
                return con.execute("select count(*) from translations").fetchone()[0]
        except sqlite3.OperationalError:
            return 0

    deadline = time.monotonic() + 120
    while rows() < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    killed_at = rows()
    assert proc.returncode == -signal.SIGKILL and killed_at >= 2

    done = run_cli("--config", str(toml), "translate", "--all", "--format", "jsonl", data_dir=data)
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)
    assert row["cached"] >= killed_at and row["translated"] == row["segments"] - row["cached"] > 0
    with sqlite3.connect(db) as con:
        counts = con.execute("select segment_id, count(*) from translations group by segment_id").fetchall()
        wanted = con.execute("select count(*) from segments where role != 'boilerplate' and lang in ('ru', 'uk')"
                             ).fetchone()[0]
    assert len(counts) == wanted == row["segments"]
    assert all(n == 1 for _, n in counts)


# -- memory -------------------------------------------------------------------------------------

OPUS_MT_VOCAB = 62518  # Helsinki-NLP/opus-mt-ru-en's vocabulary


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/self/status")


# Peak memory of translating 8 segments x 4 beams x 40 forced output tokens with a full-size
# vocabulary. Keeping a score row per hypothesis per step (the former output_scores path) holds
# 32 x 62,518 x 4 bytes = 8 MB per step, 320 MB for 40 steps (and compute_transition_scores copies
# it again: 631 MB measured); decoding without them and scoring by chunked teacher forcing: 90 MB.
PEAK_BOUND_MB = 160


def test_full_vocabulary_scores_without_per_step_rows(config, tmp_path):
    model = build_tiny_marian(tmp_path / "wide", d_model=16, vocab_size=OPUS_MT_VOCAB)
    cfg = config.with_overrides(marian_models={"ru": str(model), "uk": str(model)}, cpu_threads=1, device="cpu",
                                max_output_tokens=40, min_output_tokens=40, batch_size=8, num_beams=4)
    engine = load_engine(cfg, "ru")
    assert engine.model.config.vocab_size == OPUS_MT_VOCAB
    texts = HELD_OUT_RU + seed_lines("001", 3)
    engine.translate(texts[:1])  # warm-up: lazy imports and one-off allocations are not the decoding's
    import gc

    gc.collect()
    before = _rss_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM) to the current RSS
    out = engine.translate(texts)
    peak_mb = (_rss_kb("VmHWM") - before) / 1024
    assert all(len(t.tokens) == len(t.token_logprobs) == 40 for t in out)
    assert peak_mb < PEAK_BOUND_MB, f"peak {peak_mb:.0f} MB above the resident size before the run"


def test_each_segment_gets_its_own_output_cap_in_a_batch(tcfg):
    cfg = tcfg.with_overrides(max_output_tokens=0)  # the default cap: twice the input plus 10
    for name in ("marian", "nllb", "ct2"):
        engine = load_engine(cfg, "ru", name)
        texts = ["Цены.", HELD_OUT_RU[1] + " " + HELD_OUT_RU[3]]
        batched = engine.translate(texts, batch_size=2)
        for text, tr in zip(texts, batched, strict=True):
            cap = 2 * engine.count_tokens(text) + 10
            assert len(tr.tokens) + (1 if engine.spec.family == "nllb" else 0) <= cap, (name, text)
        single = [engine.translate([t])[0] for t in texts]
        assert [b.tokens for b in batched] == [s.tokens for s in single], name


def test_batches_are_split_to_fit_the_decoding_memory_budget(tcfg):
    roomy = load_engine(tcfg, "uk", "nllb")
    tight = load_engine(tcfg.with_overrides(decode_memory_mb=1), "uk", "nllb")
    texts = HELD_OUT_UK + seed_lines("003", 12)
    src_len = max(tight.count_tokens(t) for t in texts)
    assert tight.rows_per_batch(4, src_len) < len(texts) <= roomy.rows_per_batch(4, src_len)
    assert tight.rows_per_batch(4, src_len) < tight.rows_per_batch(1, src_len)
    a, b = roomy.translate(texts, batch_size=len(texts)), tight.translate(texts, batch_size=len(texts))
    assert [x.tokens for x in a] == [y.tokens for y in b]
    assert [v for x in a for v in x.token_logprobs] == pytest.approx([v for y in b for v in y.token_logprobs],
                                                                     abs=1e-4)


@pytest.mark.parametrize("name,lang", [("marian", "ru"), ("nllb", "uk"), ("ct2", "ru")])
def test_forced_decoding_scores_any_english(tcfg, name, lang):
    engine = load_engine(tcfg, lang, name)
    text = HELD_OUT_RU[0] if lang == "ru" else HELD_OUT_UK[0]
    own = engine.translate([text])[0]
    [(tokens, lps)] = engine.score([text], [own.text])
    assert len(tokens) == len(lps) > 1 and tokens[-1] == "</s>" and all(lp <= 0 for lp in lps)
    if tokens == own.tokens:  # re-tokenising the decoded English gives the model's own tokens back
        assert lps == pytest.approx(own.token_logprobs, abs=1e-3)
    # Swap the first word for a word the model gives little weight to at that place.
    first = own.text.split()[0]
    other = next(w for w in ("Journalists", "grain", "Geneva", "inflection") if w.lower() != first.lower())
    swapped = " ".join([other] + own.text.split()[1:])
    [(tokens2, lps2)] = engine.score([text], [swapped])
    k = next(i for i, (a, b) in enumerate(zip(tokens, tokens2, strict=False)) if a != b)
    assert lps2[k] < lps[k]
    # An empty English still scores its end of sequence; one call takes many pairs, in order.
    [(t0, l0)] = engine.score([text], [""])
    assert t0 == ["</s>"] and len(l0) == 1
    many = engine.score([text, text, text], [own.text, swapped, own.text])
    assert [v for m in many for v in m[1]] == pytest.approx(lps + lps2 + lps, abs=1e-4)
