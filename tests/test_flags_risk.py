"""The calibrated risk model: loaded through the product path, probabilities as severities, ranking."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from workbench.config import Config
from workbench.flags import (
    flag_document_report,
    flag_text,
    rank_segments,
    risk,
    risk_score,
    run_checks,
    score_flags,
)
from workbench.flags.base import DocView, RawFlag, SegmentView
from workbench.ingest import build_document
from workbench.records import Flag, Translation
from workbench.store import Store

RU = ("Итоги недели\n\n"
      "Городской совет утвердил бюджет на 2025 год, выделив 40 миллионов рублей на ремонт школ.\n\n"
      "Мэр сообщил, что работы начнутся весной и завершатся к осени.\n\n"
      "Жители района попросили построить новую детскую площадку возле парка.\n")


def stored(store: Store, english: dict[int, str]):
    (doc, _added), = store.add_documents([build_document(RU, "week.txt")])
    doc = store.document(doc.id)
    store.save_translations([(Translation(segment_id=doc.segments[i].id, text=t, engine="test", model_id="hand"),
                              doc.segments[i].text) for i, t in english.items()])
    return doc


GOOD = {1: "The city council approved the budget for 2025, allocating 40 million rubles to school repairs.",
        2: "The mayor said the work would begin in spring and end by autumn.",
        3: "Residents of the district asked for a new playground near the park."}


def test_the_shipped_model_loads_and_is_small() -> None:
    model, note = risk.load_model()
    assert model is not None and note == ""
    assert risk.MODEL_FILE.stat().st_size < 5_000_000  # the ru/uk word model is three boosters (seeds)
    for part in (model.source, model.target, model.segment_alone, model.segment_english):
        assert isinstance(part, risk.Trees) and part.features and 0 < part.threshold < 1
    # the check features come from the CHECKS registry: the model knows the families of the time
    assert any(k.startswith("c:qa.") for k in model.source.features)
    assert all(0 <= p <= 1 for p in model.source.probs([{"bias": 1.0}, {"latin": 1.0, "c:qa.spacing": 0.5}, {}]))


def test_a_missing_or_broken_model_file_is_a_note_not_a_crash(tmp_path: Path) -> None:
    model, note = risk.load_model(tmp_path / "absent.json")
    assert model is None and "no risk model" in note
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    model, note = risk.load_model(bad)
    assert model is None and "unreadable" in note
    raw = [RawFlag(Flag("s1", "source", 0, 3, "x", 0.0, "m", detector="qa.spacing", level="warning"), 0.5)]
    assert [f.severity for f in risk.band_severities(raw)] == [0.55]


def checked(english: dict[int, str]):
    """The product's two steps over a document: the checks, then the risk model."""
    doc = build_document(RU, "week.txt")
    view = DocView(doc, [SegmentView(s, english.get(s.index, "")) for s in doc.segments])
    raw, notes, levels = run_checks(view, Config())
    flags, notes, estimates = score_flags(view, raw, notes, levels)
    return doc, raw, flags, {e.segment_id: e for e in estimates}


def test_severities_are_model_probabilities() -> None:
    changed = {**GOOD, 1: "The city council approved the budget for 2026, allocating 40 million rubles."}
    doc, raw, flags, estimates = checked(changed)
    model, _ = risk.load_model()
    assert all(0.0 <= f.severity <= 1.0 for f in flags)
    seg_flags = {f.segment_id: f for f in flags if f.detector == risk.SEGMENT.name}
    # every segment gets its estimate: no ties at 0 from segments without flags
    assert set(seg_flags) == {s.id for s in doc.segments} == set(estimates)
    assert all(seg_flags[sid].severity == pytest.approx(e.risk, abs=1e-4) for sid, e in estimates.items())
    assert all(0 < e.risk < 1 and all(0 < p < 1 for p in e.source_p + e.target_p) for e in estimates.values())
    number = next(f for f in flags if f.detector == "consistency.number" and f.side == "source")
    est = estimates[number.segment_id]
    covered = [p for (s, e), p in zip(est.source_words, est.source_p, strict=True) if s < number.end and e > number.start]
    if model.source.support.get("c:consistency.number", 0) >= risk.SEEN:
        assert number.severity == pytest.approx(max(covered), abs=1e-4)
    else:  # the public data never exercised the check: the rule's own weight when higher
        prior = next(risk.band_severities([r])[0].severity for r in raw if r.flag.detector == "consistency.number")
        assert number.severity == pytest.approx(max(max(covered), prior), abs=1e-4)
    # with the rule's flag on it, the year's word is more likely wrong than without
    bare, _, _ = risk.score_segment("x", doc.segments[1].text, "ru", changed[1], [], model)
    at = [i for i, (s, e) in enumerate(est.source_words) if s < number.end and e > number.start][0]
    assert est.source_p[at] > bare.source_p[at]


def test_a_changed_number_or_untranslated_word_raises_the_risk(store: Store) -> None:
    clean = stored(store, GOOD)
    clean_run = flag_document_report(store, Config(), clean.id)
    clean_risk = {s.index: risk_score([f for f in clean_run.flags if f.segment_id == s.id]) for s in clean.segments}

    model, _ = risk.load_model()
    seg_text = clean.segments[1].text
    good_est, _, _ = risk.score_segment("a", seg_text, "ru", GOOD[1], [], model)
    # the same sentence with a number the English changed: the consistency check fires, risk rises
    (doc2, _), = store.add_documents([build_document(RU.replace("Итоги недели", "Итоги месяца"), "month.txt")])
    doc2 = store.document(doc2.id)
    store.save_translations([(Translation(segment_id=doc2.segments[1].id, engine="test", model_id="hand",
                                          text=GOOD[1].replace("40 million", "14 million")), doc2.segments[1].text)])
    bad_run = flag_document_report(store, Config(), doc2.id)
    bad = risk_score([f for f in bad_run.flags if f.segment_id == doc2.segments[1].id])
    assert bad > clean_risk[1]
    assert 0 < good_est.risk < 1

    # Russian read alone: an English word left untranslated in the sentence
    text = ("Правительство объявило о новых booster shots для пожилых людей.\n\n"
            "Правительство объявило о новых прививках для пожилых людей.\n")
    model_flags = flag_text(text, "ru", Config(), terms=[])
    assert any(f.text in ("booster", "shots", "booster shots") or "booster" in f.text for f in model_flags)
    left = [s for s in build_document(text, "t").segments]
    p_bad, _, _ = risk.score_segment("b", left[0].text, "ru", "", [], model)
    p_good, _, _ = risk.score_segment("g", left[1].text, "ru", "", [], model)
    assert p_bad.risk > p_good.risk
    word = dict(zip([left[0].text[s:e] for s, e in p_bad.source_words], p_bad.source_p, strict=True))
    assert word["booster"] > word["прививках" if "прививках" in word else "новых"]


def test_ranking_uses_the_estimates(store: Store) -> None:
    doc = stored(store, {**GOOD, 2: "The mayor said."})
    run = flag_document_report(store, Config(), doc.id)
    ranked = rank_segments(run.flags)
    assert {sid for sid, _ in ranked} == {s.id for s in doc.segments}
    est = {f.segment_id: f.severity for f in run.flags if f.detector == risk.SEGMENT.name}
    assert [score for _, score in ranked] == sorted(est.values(), reverse=True)
    order = [sid for sid, _ in ranked]
    # the English that lost half its sentence comes before a faithful one
    assert order.index(doc.segments[2].id) < order.index(doc.segments[3].id)
    # a dismissed estimate falls back to the segment's other open flags
    sid = doc.segments[2].id
    flags = [f for f in run.flags if f.segment_id == sid]
    assert risk_score(flags) == pytest.approx(est[sid])
    rest = [f for f in flags if f.detector != risk.SEGMENT.name]
    dismissed = [replace(f, status="dismissed") if f.detector == risk.SEGMENT.name else f for f in flags]
    assert risk_score(dismissed) == risk_score(rest)


def test_new_check_names_plug_in_and_unknown_features_count_zero(tmp_path: Path) -> None:
    model, _ = risk.load_model()
    text = "Совет утвердил бюджет ."
    flag = Flag("s", "source", 6, 14, "x", 0.0, "m", detector="newfamily.rule", level="warning")
    other = replace(flag, detector="otherfamily.rule")
    unknown, _, _ = risk.score_segment("s", text, "ru", "", [RawFlag(flag, 0.9)], model)
    unknown2, _, _ = risk.score_segment("s", text, "ru", "", [RawFlag(other, 0.9)], model)
    # a check the model file does not know yet counts only as "some flag is here": which one it is
    # contributes nothing until a retraining gives its feature a weight...
    assert [round(p, 6) for p in unknown.source_p] == [round(p, 6) for p in unknown2.source_p]
    assert "c:newfamily.rule" not in model.source.features
    # ...and once a retrained model carries its feature, it does (here a logistic model in the same file)
    data = model.as_json()
    data["source"] = {"kind": "logistic", "coef": {"bias": -2.0, "c:newfamily.rule": 3.0}, "threshold": 0.3,
                      "support": {"c:newfamily.rule": 500}}
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    plugged, note = risk.load_model(path)
    assert note == ""
    after, _, _ = risk.score_segment("s", text, "ru", "", [RawFlag(flag, 0.9)], plugged)
    assert after.source_p[1] > 0.6 > after.source_p[0] == pytest.approx(1 / (1 + 2.718281828 ** 2), abs=1e-3)


def _feats(text: str, lang: str, flags: list[RawFlag] | None = None, other: str = "") -> list[dict[str, float]]:
    spans, _ = risk.pieces(text)
    return risk.word_features(text, lang, flags or [], other=other, other_lang="en" if lang != "en" else "ru",
                              side="source" if lang != "en" else "target", spans=spans)


def test_neighbours_agreement_is_read_from_the_parses() -> None:
    broken = _feats("Вчера новая дом открылся", "ru")
    clean = _feats("Вчера новый дом открылся", "ru")
    assert broken[1]["next_gender_same"] == 0.0 and broken[2]["prev_gender_same"] == 0.0
    assert clean[1]["next_gender_same"] == 1.0 and clean[1]["next_case_same"] == 1.0
    uk_broken = _feats("Учора нова будинок відкрився", "uk")
    uk_clean = _feats("Учора новий будинок відкрився", "uk")
    assert uk_broken[1].get("next_gender_same") == 0.0
    assert uk_clean[1].get("next_gender_same") == 1.0
    # a verb has no case: no agreement feature with it
    assert "next_case_same" not in clean[2]


def test_neighbours_flags_and_scripts_reach_each_word() -> None:
    text = "Министр назвал booster shots важной мерой"
    flag = Flag("s", "source", 15, 22, "untranslated", 0.0, "m", detector="untranslated.latin", level="error")
    f = _feats(text, "ru", [RawFlag(flag, 0.9)])
    assert f[2]["flagged"] == 1.0 and "flagged" not in f[1]
    assert f[1]["next_flagged"] == 1.0 and f[1]["next_latin"] == 1.0 and f[0]["next2_flagged"] == 1.0
    assert f[5]["prev2_latin"] == 1.0 and "prev2_flagged" not in f[5] and f[4]["prev2_flagged"] == 1.0
    assert f[0]["prev_none"] == 1.0 and f[-1]["next_none"] == 1.0
    assert f[1]["win_flagged"] == pytest.approx(0.25) and f[0]["seg_flagged"] == pytest.approx(1 / 6)
    plain = _feats("Министр назвал прививки важной мерой", "ru")
    assert not any(v for row in plain for k, v in row.items() if k.endswith("flagged"))


def test_capital_inside_a_sentence_and_lemma_frequency() -> None:
    f = _feats("Вчера Министр сказал. Потом уехал.", "ru")
    assert f[1].get("cap_mid") == 1.0
    assert "cap_mid" not in f[0] and "cap_mid" not in f[4]  # first word, and after the full stop
    # an inflected form carries the frequency of its dictionary form; the dictionary form does not
    assert "lemma_freq" in _feats("больницами", "ru")[0] and "lemma_freq" not in _feats("больница", "ru")[0]
    en = _feats("Yesterday the Minister said so.", "en")
    assert en[2].get("cap_mid") == 1.0 and "cap_mid" not in en[0]


def test_lexicon_support_reaches_the_neighbours_and_the_sentence() -> None:
    good = _feats("Вчера открылась новая больница", "ru", other="A new hospital opened yesterday")
    cut = _feats("Вчера открылась новая больница", "ru", other="A hospital opened")
    assert cut[0]["seg_lex_low"] > good[0].get("seg_lex_low", 0.0)
    assert cut[1]["prev_lex"] < 0.05 <= good[1]["prev_lex"]  # "Вчера" has no rendering in the cut English
    assert cut[3]["prev_lex"] < good[3]["prev_lex"]
    alone = _feats("Вчера открылась новая больница", "ru")
    assert not any(k.endswith("lex") or k.startswith("seg_lex") for row in alone for k in row)


def test_the_lexicon_features_follow_the_lexicon_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Training points `lexicon.DATA_DIR` at a fold's lexicon (cross-fitting): the features must follow it."""
    import gzip

    from workbench import lexicon

    src, en = "Кошка спит", "The dog sleeps"
    with gzip.open(tmp_path / lexicon.DATA_FILE, "wt", encoding="utf-8") as fh:
        fh.write(f"f\t{lexicon.src_key('Кошка', 'ru')}\t{lexicon.en_key('dog')}\t0.9\n")
        for w in ("Кошка", "спит"):
            fh.write(f"vs\t{lexicon.src_key(w, 'ru')}\t5\n")
        for w in ("dog", "sleeps"):
            fh.write(f"ve\t{lexicon.en_key(w)}\t5\n")
    from workbench.flags import segment_qe

    risk._lexicon.cache_clear()
    shipped = _feats(src, "ru", other=en)
    monkeypatch.setattr(lexicon, "DATA_DIR", tmp_path)
    risk._lexicon.cache_clear()
    try:
        fold = _feats(src, "ru", other=en)
        # the segment signals read the same (cleared) lexicon: "Кошка" has a rendering, "спит" none
        signals = segment_qe.segment_signals(src, "ru", en, "en")
    finally:
        monkeypatch.undo()
        risk._lexicon.cache_clear()
    assert fold[0]["lex"] == pytest.approx(0.9)  # this folder's lexicon says "Кошка" renders as "dog"
    assert shipped[0]["lex"] < 0.5 and fold[1]["prev_lex"] == pytest.approx(0.9)
    assert segment_qe.segment_signals(src, "ru", en, "en") != signals


def test_the_model_flags_words_alone_only_in_the_languages_it_was_trained_on() -> None:
    """No Ukrainian training tags exist: a likely-wrong Ukrainian word keeps its probability as severity
    material but gets no `risk.word` flag of the model's own; the same probability in Russian does."""
    model, why = risk.load_model()
    assert model is not None, why
    levels = {risk.WORD.name: "note"}
    for lang, text in (("ru", "Завтра цены вырастут снова"), ("uk", "Завтра ціни наростуть знову")):
        spans = risk.word_spans(text)
        est = risk.Estimate("s1", spans, [0.9] * len(spans))
        flags = risk._word_flags(est, [], text, "", lang, levels, model)
        if lang == "ru":
            # consecutive likely-wrong words are one flag over the run
            assert [(f.detector, f.start, f.end) for f in flags] == [(risk.WORD.name, 0, len(text))]
            assert flags[0].severity == pytest.approx(0.9) and "(4 words)" in flags[0].message
        else:
            assert flags == []


def test_likely_wrong_words_apart_or_beside_another_flag_are_flagged_apart() -> None:
    model, why = risk.load_model()
    assert model is not None, why
    text = "Завтра цены вырастут снова и надолго"
    spans = risk.word_spans(text)
    est = risk.Estimate("s1", spans, [0.9, 0.1, 0.8, 0.95, 0.9, 0.7])
    other = Flag("s1", "source", spans[4][0], spans[4][1], "misspelling", 0.0, "m", detector="spelling.non_word",
                 level="warning")
    flags = risk._word_flags(est, [RawFlag(other, 0.9)], text, "", "ru", {risk.WORD.name: "note"}, model)
    got = [(text[f.start:f.end], f.severity) for f in flags]
    # "цены" is likely right, "и" already has a flag of its own: three runs, each at its worst word
    assert got == [("Завтра", 0.9), ("вырастут снова", 0.95), ("надолго", 0.7)]


def test_latin_words_tell_an_ordinary_english_word_from_a_name() -> None:
    f = _feats("Мэр назвал Parking lots главной проблемой, а Johnson промолчал", "ru")
    # "Parking lots": ordinary English words (en_US knows them in lowercase), a run of two
    assert f[2]["en_word"] == 1.0 and f[3]["en_word"] == 1.0
    assert f[2]["latin_run"] == f[3]["latin_run"] == pytest.approx(2 / 6)
    assert f[1]["next_en_word"] == 1.0 and f[4]["prev_en_word"] == 1.0
    # a surname is no lowercase English word; it is a run of one, and it has an English frequency
    assert "en_word" not in f[8] and f[8]["latin_run"] == pytest.approx(1 / 6) and "en_freq" in f[8]
    # Cyrillic words and English text get none of these
    assert not any(k in row for row in f[:2] + f[4:8] for k in ("en_word", "latin_run", "en_freq"))
    en = _feats("The mayor named parking lots", "en")
    assert not any(k in row for row in en for k in ("en_word", "latin_run"))


def test_a_compacted_model_text_predicts_as_the_original() -> None:
    lightgbm = pytest.importorskip("lightgbm")
    import numpy as np

    rng = np.random.default_rng(3)
    x = rng.random((600, 5))
    y = (x[:, 0] + 0.3 * rng.random(600) > 0.7).astype(float)
    booster = lightgbm.train({"objective": "binary", "verbose": -1, "num_leaves": 7, "min_data_in_leaf": 10},
                             lightgbm.Dataset(x, y), num_boost_round=30)
    text = booster.model_to_string()
    small = risk.compact_text(text)
    assert len(small) < 0.9 * len(text)
    again = risk.Trees(small, [f"x{i}" for i in range(5)])
    rows = [{f"x{i}": float(v) for i, v in enumerate(r)} for r in rng.random((200, 5))]
    want = booster.predict(np.array([[r[f"x{i}"] for i in range(5)] for r in rows]))
    assert np.abs(np.array(again.probs(rows)) - want).max() < 1e-5
    assert again.reasons(rows[0], k=5) is not None


def test_a_seed_ensemble_averages_the_boosters_log_odds_and_round_trips() -> None:
    lightgbm = pytest.importorskip("lightgbm")
    import numpy as np

    rng = np.random.default_rng(5)
    x = rng.random((600, 4))
    y = (x[:, 1] + 0.4 * rng.random(600) > 0.8).astype(float)
    params = {"objective": "binary", "verbose": -1, "num_leaves": 7, "min_data_in_leaf": 10,
              "bagging_fraction": 0.7, "bagging_freq": 1}
    boosters = [lightgbm.train(dict(params, seed=s), lightgbm.Dataset(x, y), num_boost_round=20) for s in (1, 2, 3)]
    names = [f"x{i}" for i in range(4)]
    trees = risk.Trees(boosters[0].model_to_string(), names, 0.4, {}, [b.model_to_string() for b in boosters[1:]])
    rows = [{n: float(v) for n, v in zip(names, r, strict=True)} for r in rng.random((50, 4))]
    raw = np.mean([b.predict(np.array([[r[n] for n in names] for r in rows]), raw_score=True) for b in boosters],
                  axis=0)
    assert np.abs(np.array(trees.probs(rows)) - 1 / (1 + np.exp(-raw))).max() < 1e-9
    # the ensemble differs from its first booster alone, and survives the model file
    assert np.abs(np.array(trees.probs(rows)) - boosters[0].predict(np.array([[r[n] for n in names] for r in rows]))
                  ).max() > 1e-4
    again = risk.Trees.from_json(trees.as_json())
    assert again.probs(rows) == trees.probs(rows) and len(again.more) == 2
    assert isinstance(again.reasons(rows[0], k=4), list)
