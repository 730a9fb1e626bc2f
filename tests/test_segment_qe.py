"""Reference-free segment signals (workbench.flags.segment_qe) and how the segment model reads them."""

from __future__ import annotations

import pytest

from workbench.config import Config
from workbench.flags import risk, run_checks, score_flags
from workbench.flags import segment_qe as sq
from workbench.flags.base import DocView, SegmentView
from workbench.ingest import build_document

SRC = "Правительство объявило о новых налогах на бензин с 1 марта."
GOOD = "The government announced new taxes on petrol from March 1."


def test_tokens_do_not_depend_on_the_tokenisation() -> None:
    assert sq.tokens("Мэр , как сообщили , уехал .") == sq.tokens("Мэр, как сообщили, уехал.")
    assert sq.tokens("It's a well-known fact (mostly).") == ["It's", "a", "well-known", "fact", "mostly"]


def test_source_alone_has_only_source_features() -> None:
    f = sq.segment_signals(SRC, "ru", "", "en")
    assert f and all(k.startswith("src_") for k in f)
    assert f["src_digits"] == 1.0
    assert sq.segment_signals("«Мы готовы», — сказал он.", "ru", "", "en")["src_quotes"] == 2.0


def test_cyrillic_left_in_the_english_is_the_wrong_script() -> None:
    clean = sq.segment_signals(SRC, "ru", GOOD, "en")
    left = sq.segment_signals(SRC, "ru", "The government announced new налогах on petrol from March 1.", "en")
    assert clean["mt_wrong_script"] == 0.0
    assert left["mt_wrong_script"] > 0.0


def test_a_number_lost_or_added_in_translation() -> None:
    lost = sq.segment_signals(SRC, "ru", "The government announced new taxes on petrol from March.", "en")
    added = sq.segment_signals(SRC, "ru", "The government announced 3 new taxes on petrol from March 1.", "en")
    clean = sq.segment_signals(SRC, "ru", GOOD, "en")
    assert clean["x_num_missing"] == clean["x_num_added"] == 0.0
    assert lost["x_num_missing"] == 1.0 and lost["x_num_added"] == 0.0
    assert added["x_num_added"] == 1.0


def test_repeated_words_and_phrases() -> None:
    stutter = sq.segment_signals(SRC, "ru", "The government the government announced new new taxes on petrol.", "en")
    clean = sq.segment_signals(SRC, "ru", GOOD, "en")
    assert stutter["mt_repeat_word"] == 1.0 and stutter["mt_repeat_2gram"] == 1.0
    assert clean["mt_repeat_word"] == clean["mt_repeat_2gram"] == 0.0


def test_rare_and_unseen_english_words() -> None:
    odd = sq.segment_signals(SRC, "ru", "The gvrnmntx announced new taxxes on petrol from March 1.", "en")
    clean = sq.segment_signals(SRC, "ru", GOOD, "en")
    assert odd["mt_unseen"] > clean["mt_unseen"] == 0.0
    assert odd["mt_zipf_min"] < clean["mt_zipf_min"]


def test_the_lexicon_sees_an_omission_and_an_addition() -> None:
    if sq.lexicon_for("ru-en") is None:
        pytest.fail("the shipped lexicon must load")
    clean = sq.segment_signals(SRC, "ru", GOOD, "en")
    omitted = sq.segment_signals(SRC, "ru", "The government announced something from March 1.", "en")
    added = sq.segment_signals(SRC, "ru", "The government announced new taxes on petrol and bread and milk "
                                          "and cheese from March 1.", "en")
    assert omitted["src_lex_none"] > clean["src_lex_none"]
    assert omitted["src_lex_mean"] < clean["src_lex_mean"]
    assert added["mt_lex_none"] > clean["mt_lex_none"]


def test_roles_follow_the_direction() -> None:
    """English source, Russian MT: the Russian words are the translation's (`mt_`)."""
    ru_en = sq.segment_signals(SRC, "ru", GOOD, "en")
    en_ru = sq.segment_signals(GOOD, "en", SRC, "ru")
    assert ru_en["src_words"] == en_ru["mt_words"] and ru_en["mt_words"] == en_ru["src_words"]
    assert ru_en["src_lex_mean"] == pytest.approx(en_ru["mt_lex_mean"])
    assert "mt_unknown" in en_ru and "src_unknown" in ru_en


def test_segment_features_by_role_and_no_floor_under_the_risk() -> None:
    model, _ = risk.load_model()
    assert model is not None
    est, _, _ = risk.score_segment("a", SRC, "ru", GOOD, [], model)
    as_product = risk.segment_features(est, [], [], SRC, GOOD, model)
    swapped = risk.segment_features(est, [], [], SRC, GOOD, model, mt_side="source")
    assert as_product["m_mean"] == pytest.approx(sum(est.target_p) / len(est.target_p))
    assert swapped["m_mean"] == pytest.approx(sum(est.source_p) / len(est.source_p))
    assert set(risk.role_features(as_product)) <= {k for k in as_product if k.startswith(risk.ROLE_PREFIXES)} | {
        "bias"}
    assert "src_lex_mean" in as_product and "s_mean" in as_product and "s_mean" not in risk.role_features(
        as_product)

    # the product's risk is the segment model's own output: a severe flag is a feature, not a floor
    text = f"{SRC}\n\nМэр сообщил, что работы начнутся весной.\n"
    doc = build_document(text, "t.txt")
    english = {0: "The government announced new taxes on petrol from March 2.",
               1: "The mayor said the work would begin in spring."}
    view = DocView(doc, [SegmentView(s, english[s.index]) for s in doc.segments])
    raw, notes, levels = run_checks(view, Config())
    flags, _, estimates = score_flags(view, raw, notes, levels)
    for e in estimates:
        seg = next(s for s in doc.segments if s.id == e.segment_id)
        mine = [r for r in raw if r.flag.segment_id == seg.id]
        alone, _, _ = risk.score_segment(seg.id, seg.text, "ru", english[seg.index], mine, model)
        assert e.risk == pytest.approx(alone.risk)
    first = next(e for e in estimates if e.segment_id == doc.segments[0].id)
    feats = risk.segment_features(first, [r for r in raw if r.flag.segment_id == doc.segments[0].id
                                          and r.flag.side == "source"],
                                  [r for r in raw if r.flag.segment_id == doc.segments[0].id
                                   and r.flag.side == "target"], SRC, english[0], model)
    assert feats["x_num_missing"] == 1.0 and feats["x_num_added"] == 1.0
    assert any(k.endswith("worst") for k in feats)


def test_agreement_with_other_engines() -> None:
    mine = "The government announced new taxes on petrol from March 1."
    close = ["The government has announced new petrol taxes from 1 March.",
             "The government announced new taxes on gasoline starting March 1."]
    far = ["Officials said nothing about the weather in spring.", "A new bridge opened in the city."]
    assert sq.agreement(mine, []) == {} and sq.agreement("", close) == {}
    near, apart = sq.agreement(mine, close), sq.agreement(mine, far)
    assert near["x_versions"] == apart["x_versions"] > 0
    assert 0 <= apart["x_agree_min"] <= apart["x_agree"] < near["x_agree"] <= 1


def test_other_versions_leave_out_the_current_english() -> None:
    from workbench.flags import other_versions

    by_engine = {"a": "The mayor left.", "b": "The mayor has left.", "c": " "}
    assert other_versions("The mayor left.", by_engine) == ("The mayor has left.",)
    assert other_versions("The mayor went away.", by_engine) == ("The mayor left.", "The mayor has left.")
    assert other_versions("", {}) == ()


def test_stored_engines_reach_the_segment_model(store, tmp_path, monkeypatch) -> None:
    """Two engines' English of each segment in the store: the risk of the one that disagrees with
    the other engine rises (a segment model fitted here on its agreement alone, loaded from its file)."""
    import json

    import lightgbm as lgb
    import numpy as np

    from workbench.flags import flag_document_report
    from workbench.records import Translation

    shipped, _ = risk.load_model()
    rng = np.random.default_rng(1)
    agree = rng.random(400)
    x = np.column_stack([agree, np.full(400, 0.7)])
    booster = lgb.train({"objective": "cross_entropy", "verbose": -1, "min_data_in_leaf": 20, "num_threads": 1},
                        lgb.Dataset(x, 1 - agree), num_boost_round=30)
    seg_model = risk.Trees(booster.model_to_string(), ["x_agree", "x_versions"])
    own = risk.RiskModel(shipped.source, shipped.target, shipped.segment_alone, seg_model, "test")
    path = tmp_path / "risk.json"
    path.write_text(json.dumps(own.as_json()), encoding="utf-8")
    monkeypatch.setattr(risk, "MODEL_FILE", path)

    text = f"{SRC}\n\nМэр сообщил, что работы начнутся весной.\n"
    (doc, _), = store.add_documents([build_document(text, "two.txt")])
    doc = store.document(doc.id)
    first, second = doc.segments[0], doc.segments[1]
    store.save_translations([
        (Translation(segment_id=first.id, text="A bridge opened in the city yesterday.", engine="other",
                     model_id="x"), first.text),
        (Translation(segment_id=second.id, text="The mayor said the work would start in spring.", engine="other",
                     model_id="x"), second.text),
        (Translation(segment_id=first.id, text=GOOD, engine="main", model_id="y"), first.text),
        (Translation(segment_id=second.id, text="The mayor said the work would begin in spring.", engine="main",
                     model_id="y"), second.text)])
    assert store.engine_versions([first.id])[first.id] == {"other": "A bridge opened in the city yesterday.",
                                                           "main": GOOD}
    run = flag_document_report(store, Config(), doc.id)
    seg_risk = {f.segment_id: f.severity for f in run.flags if f.detector == risk.SEGMENT.name}
    assert seg_risk[first.id] > seg_risk[second.id]
