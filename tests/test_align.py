"""The model-free sentence aligner: gold and held-out accuracy, bead kinds, crossings, band, English."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import sacrebleu
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.align import align_lines, align_segments, align_texts, link_f1
from workbench.align.features import ChrfScorer, build_features, segment_features
from workbench.align.sentences import DEFAULT_PARAMS, _Scorer, anchor_band, find_anchors
from workbench.records import Segment

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]


def read_set(a: str, b: str, gold: str) -> tuple[list[str], list[str], list[tuple[list[int], list[int]]]]:
    lines_a = (DATA / a).read_text(encoding="utf-8").splitlines()
    lines_b = (DATA / b).read_text(encoding="utf-8").splitlines()
    beads = [json.loads(x) for x in (DATA / gold).read_text(encoding="utf-8").splitlines()]
    return lines_a, lines_b, [(x["src"], x["tgt"]) for x in beads]


def pairs(beads: list[tuple[list[int], list[int], float]]) -> list[tuple[list[int], list[int]]]:
    return [(s, t) for s, t, _ in beads]


def assert_partition(beads: list[tuple[list[int], list[int], float]], n: int, m: int) -> None:
    """Every segment of each side is in exactly one bead; every bead has a confidence in [0, 1]."""
    src = sorted(x for s, _, _ in beads for x in s)
    tgt = sorted(y for _, t, _ in beads for y in t)
    assert src == list(range(n))
    assert tgt == list(range(m))
    assert all(0.0 <= c <= 1.0 for _, _, c in beads)
    assert all(s or t for s, t, _ in beads)


def test_gold_set_has_every_kind_of_bead():
    a, b, gold = read_set("align_gold/uk.txt", "align_gold/ru.txt", "align_gold/gold.jsonl")
    kinds = {(len(s), len(t)) for s, t in gold}
    assert {(2, 1), (1, 2), (1, 0), (0, 1), (1, 1)} <= kinds
    # the swap: two neighbouring sentences crossed
    assert ([12], [12]) in gold and ([13], [11]) in gold
    assert_partition([(s, t, 1.0) for s, t in gold], len(a), len(b))


def test_gold_link_f1_without_translations():
    a, b, gold = read_set("align_gold/uk.txt", "align_gold/ru.txt", "align_gold/gold.jsonl")
    beads = align_lines(a, b, "uk", "ru")
    assert_partition(beads, len(a), len(b))
    assert link_f1(pairs(beads), gold) >= 0.9


@pytest.mark.parametrize(("a", "b", "lang_a", "lang_b", "gold"), [
    ("align_heldout/storm_uk.txt", "align_heldout/storm_ru.txt", "uk", "ru", "align_heldout/storm_gold.jsonl"),
    ("align_heldout/rate_a_ru.txt", "align_heldout/rate_b_ru.txt", "ru", "ru", "align_heldout/rate_gold.jsonl"),
])
def test_held_out_sets(a, b, lang_a, lang_b, gold):
    """Sentences written for these tests only: uk-ru news, and two Russian outlets' versions."""
    lines_a, lines_b, gold_beads = read_set(a, b, gold)
    beads = align_lines(lines_a, lines_b, lang_a, lang_b)
    assert_partition(beads, len(lines_a), len(lines_b))
    assert link_f1(pairs(beads), gold_beads) >= 0.85


def test_merge_split_omission_insertion():
    a = ["Повінь затопила три села на Закарпатті.",
         "Рятувальники евакуювали 120 людей.",
         "Вода почала спадати лише вранці 5 березня, повідомили в ДСНС.",
         "Місцева влада оголосила надзвичайну ситуацію.",
         "Збитки поки не підраховані."]
    b = ["Наводнение затопило три села в Закарпатье, спасатели эвакуировали 120 человек.",
         "Вода начала спадать только утром 5 марта.",
         "Об этом сообщили в ГСЧС.",
         "Синоптики прогнозируют новые дожди на выходных.",
         "Ущерб пока не подсчитан."]
    beads = pairs(align_lines(a, b, "uk", "ru"))
    assert ([0, 1], [0]) in beads  # merge
    assert ([2], [1, 2]) in beads  # split
    assert ([3], []) in beads  # omission
    assert ([], [3]) in beads  # insertion
    assert ([4], [4]) in beads


def test_neighbour_swap_gives_crossing_beads_and_the_rest_stays_aligned():
    a = ["Уряд затвердив бюджет на 2025 рік.",
         "Дефіцит становитиме 1,5 трлн гривень.",
         "Прем'єр-міністр Денис Шмигаль назвав документ реалістичним.",
         "Опозиція критикує скорочення видатків на освіту.",
         "Парламент розгляне бюджет у першому читанні 15 вересня.",
         "Голосування може тривати кілька днів."]
    b = ["Правительство утвердило бюджет на 2025 год.",
         "Дефицит составит 1,5 трлн гривен.",
         "Оппозиция критикует сокращение расходов на образование.",
         "Премьер-министр Денис Шмыгаль назвал документ реалистичным.",
         "Парламент рассмотрит бюджет в первом чтении 15 сентября.",
         "Голосование может продлиться несколько дней."]
    beads = pairs(align_lines(a, b, "uk", "ru"))
    assert ([2], [3]) in beads and ([3], [2]) in beads
    assert ([4], [4]) in beads and ([5], [5]) in beads and ([0], [0]) in beads


def test_boilerplate_takes_no_part_and_ids_are_segment_ids():
    def seg(doc: int, k: int, text: str, lang: str, role: str = "content") -> Segment:
        return Segment(id=f"d{doc}s{k}", doc_id=doc, index=k, start=0, end=len(text), text=text, lang=lang,
                       role=role)

    a = [seg(1, 0, "Фото: Reuters", "other", "boilerplate"),
         seg(1, 1, "Байден і Путін провели переговори 7 грудня.", "uk"),
         seg(1, 2, "Розмова тривала дві години.", "uk")]
    b = [seg(2, 0, "Байден и Путин провели переговоры 7 декабря.", "ru"),
         seg(2, 1, "Подписывайтесь на наш канал", "ru", "boilerplate"),
         seg(2, 2, "Разговор длился два часа.", "ru")]
    beads = align_segments(a, b)
    used = {x for bead in beads for x in bead.src + bead.tgt}
    assert "d1s0" not in used and "d2s1" not in used
    assert [(bd.src, bd.tgt) for bd in beads] == [(["d1s1"], ["d2s0"]), (["d1s2"], ["d2s2"])]
    assert all(0.5 < bd.score <= 1.0 for bd in beads)


def test_dates_and_numbers_match_across_languages():
    uk = segment_features("Зустріч відбудеться 10 січня 2022 року, у ній візьмуть участь 10 000 людей.", "uk")
    ru = segment_features("Встреча состоится 10 января 2022 года, в ней примут участие 10000 человек.", "ru")
    shared = set(uk["numbers"]) & set(ru["numbers"])
    assert {"@01-10", "#2022", "#10000"} <= shared
    # cognates meet after transliteration and lemmatization ("Путін"/"Путина", "Росії"/"России")
    assert set(segment_features("Путін і Росії", "uk")["stems"]) & set(segment_features("Путина и России",
                                                                                        "ru")["stems"])


def test_chrf_scorer_is_sacrebleus_sentence_chrf():
    scorer = ChrfScorer()
    cases = [("The talks in Geneva ended after eight hours.", "Talks ended in Geneva after almost eight hours."),
             ("Russia wants guarantees.", "NATO will not close its doors."),
             ("Same sentence.", "Same sentence.")]
    for hyp, ref in cases:
        assert scorer.score(hyp, ref) == pytest.approx(sacrebleu.sentence_chrf(hyp, [ref]).score)


RU_PARAPHRASED = ["Вчера шёл сильный дождь.", "Мой брат опоздал на поезд.", "Магазины закрылись рано."]
UK_PARAPHRASED = ["Учора падала злива.", "Братик не встиг на потяг.", "Крамниці зачинили зарано."]
EN_RU = ["It rained heavily yesterday.", "My brother was late for the train.", "The shops closed early."]
EN_UK = ["Yesterday it was raining heavily.", "My brother missed the train.", "Shops were closed early."]


def test_english_translations_join_the_similarity():
    """Sentences that share almost no surface are linked on position and length alone, weakly; once
    both sides have English (chrF) the same links are confident."""
    without = align_texts(RU_PARAPHRASED, UK_PARAPHRASED, "ru", "uk")
    with_en = align_texts(RU_PARAPHRASED, UK_PARAPHRASED, "ru", "uk", english_a=EN_RU, english_b=EN_UK)
    assert pairs(with_en) == pairs(without) == [([0], [0]), ([1], [1]), ([2], [2])]
    assert all(w < e for (_, _, w), (_, _, e) in zip(without, with_en, strict=True))
    assert min(score for _, _, score in without) < 0.5 < min(score for _, _, score in with_en)
    # English only where both segments have it: without the last one, that pair falls back
    partial = align_texts(RU_PARAPHRASED, UK_PARAPHRASED, "ru", "uk", english_a=EN_RU[:2] + [None],
                          english_b=EN_UK)
    assert pairs(partial) == pairs(with_en)
    assert partial[2][2] < 0.5 < min(score for _, _, score in partial[:2])


def test_english_through_align_segments():
    a = [Segment(f"a{k}", 1, k, 0, 1, t, "ru") for k, t in enumerate(RU_PARAPHRASED)]
    b = [Segment(f"b{k}", 2, k, 0, 1, t, "uk") for k, t in enumerate(UK_PARAPHRASED)]
    beads = align_segments(a, b, english_a={f"a{k}": e for k, e in enumerate(EN_RU)},
                           english_b={f"b{k}": e for k, e in enumerate(EN_UK)})
    assert [(bd.src, bd.tgt) for bd in beads] == [(["a0"], ["b0"]), (["a1"], ["b1"]), (["a2"], ["b2"])]


def _bench():
    spec = importlib.util.spec_from_file_location("align_bench", ROOT / "benchmarks" / "align_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_long_documents_use_a_narrow_band_and_stay_accurate():
    a, b, gold = _bench().synthetic_pair(400, seed=3)
    fa, fb = build_features(a, ["uk"] * len(a), b, ["uk"] * len(b))
    anchors = find_anchors(fa, fb, _Scorer(fa, fb, DEFAULT_PARAMS), DEFAULT_PARAMS)
    assert len(anchors) > 40
    assert all(i1 < i2 and j1 < j2 for (i1, j1), (i2, j2) in zip(anchors, anchors[1:], strict=False))
    band = anchor_band(len(a), len(b), anchors, DEFAULT_PARAMS.corridor, DEFAULT_PARAMS.max_rectangle)
    assert band.total < 0.2 * (len(a) + 1) * (len(b) + 1)
    beads = align_texts(a, b, "uk", "uk")
    assert_partition(beads, len(a), len(b))
    assert link_f1(pairs(beads), gold) >= 0.9


def test_a_long_insertion_does_not_derail_the_rest():
    bench = _bench()
    a, b, gold = bench.synthetic_pair(300, seed=11)
    import random

    rng = random.Random(1)
    pool = bench.corpus_sentences()
    extra = [bench._splice(rng, pool) for _ in range(60)]
    cut = len(b) // 3
    b = b[:cut] + extra + b[cut:]
    gold = [(s, [y + 60 if y >= cut else y for y in t]) for s, t in gold] + [([], [cut + k]) for k in range(60)]
    beads = align_texts(a, b, "uk", "uk")
    assert_partition(beads, len(a), len(b))
    assert link_f1(pairs(beads), gold) >= 0.9


SENTENCES = [
    "Президент підписав закон про бюджет.", "Президент подписал закон о бюджете.",
    "У Києві пройшов мітинг 12 травня.", "В Киеве прошел митинг 12 мая.",
    "Ціни на газ зросли на 15%.", "Цены на газ выросли на 15%.",
    "Фото: Reuters", "Читайте также", "", "НАТО", "2024",
]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES), max_size=12), st.lists(st.sampled_from(SENTENCES), max_size=12))
def test_beads_always_partition_both_sides(a, b):
    beads = align_texts(a, b, "uk", "ru")
    assert_partition(beads, len(a), len(b))
    kinds = {(len(s), len(t)) for s, t, _ in beads}
    assert kinds <= {(1, 0), (0, 1), (1, 1), (1, 2), (2, 1), (2, 2)}


def test_confidence_orders_good_links_above_poor_ones():
    a, b, gold = read_set("align_gold/uk.txt", "align_gold/ru.txt", "align_gold/gold.jsonl")
    beads = align_lines(a, b, "uk", "ru")
    gold_set = {(tuple(s), tuple(t)) for s, t in gold}
    right = [c for s, t, c in beads if s and t and (tuple(s), tuple(t)) in gold_set]
    assert np.mean(right) > 0.6
    shuffled = align_lines(a, list(reversed(b)), "uk", "ru")
    linked_shuffled = [c for s, t, c in shuffled if s and t]
    assert len(linked_shuffled) < len(right)


@pytest.mark.parametrize(("rows", "cols"), [([4, 5], [5]), ([5], [4, 5]), ([0, 1], [0, 1]), ([2], [3])])
def test_bead_similarity_is_the_cosine_of_summed_vectors(rows, cols):
    """Merged beads are scored from pairwise dot products; check against the summed vectors."""
    from dataclasses import replace

    from workbench.align.sentences import _Band, _Cells

    a = RU_PARAPHRASED + ["Президент подписал закон о бюджете.", "В Киеве прошел митинг 12 мая.",
                          "Цены на газ выросли на 15%."]
    b = UK_PARAPHRASED + ["Президент підписав закон про бюджет.", "У Києві пройшов мітинг 12 травня.",
                          "Ціни на газ зросли на 15%."]
    fa, fb = build_features(a, ["ru"] * 6, b, ["uk"] * 6)
    scorer = _Scorer(fa, fb, replace(DEFAULT_PARAMS, length_weight=0.0))
    band = _Band(np.zeros(7, dtype=np.int64), np.full(7, 6, dtype=np.int64))
    got = scorer.similarity(_Cells(fa, fb, band), [np.array([r]) for r in rows], [np.array([c]) for c in cols])
    va = fa.matrix.toarray()[rows].sum(axis=0)
    vb = fb.matrix.toarray()[cols].sum(axis=0)
    assert got[0] == pytest.approx(va @ vb / np.sqrt((va @ va) * (vb @ vb)))


def test_informal_lines_in_two_scripts_are_aligned_through_the_lexicon():
    """Short ru↔en lines sharing no names: an insertion, a swap and an omission in one side."""
    ru = ["Кто видел мою собаку сегодня утром?",
          "Спасибо всем за помощь :)",
          "Завтра будет дождь, возьмите зонт.",
          "Мой брат купил новую машину.",
          "Я не люблю холодный чай.",
          "Эта книга очень скучная.",
          "Где здесь ближайшая аптека?",
          "Лучше поздно, чем никогда."]
    en = ["Who saw my dog this morning?",
          "The train was late again.",
          "Thanks everyone for the help :)",
          "My brother bought a new car.",
          "It will rain tomorrow, take an umbrella.",
          "I don't like cold tea.",
          "Where is the nearest pharmacy?",
          "Better late than never."]
    beads = align_texts(ru, en, "ru", "en")
    assert_partition(beads, len(ru), len(en))
    assert sorted(pairs(beads)) == sorted([([0], [0]), ([], [1]), ([1], [2]), ([2], [4]), ([3], [3]),
                                           ([4], [5]), ([5], []), ([6], [6]), ([7], [7])])


def test_translation_family_only_across_scripts():
    ru = ["Моя собака спит."]
    en = ["My dog is sleeping."]
    a, b = build_features(ru, ["ru"], en, ["en"])
    # the English stem "dog" is a feature of both rows: the Russian one through the lexicon
    assert (a.families["trans"].toarray() @ b.families["trans"].toarray().T)[0, 0] > 0
    same_a, same_b = build_features(ru, ["ru"], ["Моя собака спит."], ["uk"])
    assert same_a.families["trans"].nnz == 0 and same_b.families["trans"].nnz == 0


def test_sparse_rows_products_equal_dense_ones():
    from workbench.align.vectors import block_dots, from_rows, hstack, pair_dots, shared_column_overlap

    rng = np.random.default_rng(7)
    dense_a = np.where(rng.random((9, 12)) < 0.3, rng.random((9, 12)), 0.0)
    dense_b = np.where(rng.random((7, 12)) < 0.3, rng.random((7, 12)), 0.0)
    a = from_rows([{c: v for c, v in enumerate(row) if v} for row in dense_a], 12)
    b = from_rows([{c: v for c, v in enumerate(row) if v} for row in dense_b], 12)
    assert np.allclose(a.toarray(), dense_a)
    assert np.allclose(block_dots(a, 2, 7, b, 1, 6), dense_a[2:7] @ dense_b[1:6].T)
    i, j = np.array([0, 3, 3, 8]), np.array([6, 0, 2, 2])
    assert np.allclose(pair_dots(a, b, i, j), (dense_a[i] * dense_b[j]).sum(axis=1))
    assert np.allclose(a.squared_norms(), (dense_a ** 2).sum(axis=1))
    assert list(a.column_counts()) == list((dense_a > 0).sum(axis=0))
    both = hstack([a, a.scale_rows(np.arange(9.0))])
    assert np.allclose(both.toarray(), np.hstack([dense_a, dense_a * np.arange(9.0)[:, None]]))
    cols = np.array([1, 4, 5])
    full = dense_a[:, cols] @ dense_b[:, cols].T
    got = shared_column_overlap(a, b, cols)
    assert set(got) == {(r, c) for r, c in zip(*np.nonzero(full), strict=True)}
    assert all(v == pytest.approx(full[r, c]) for (r, c), v in got.items())
