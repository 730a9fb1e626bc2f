"""The shipped ru/uk-en translation lexicon, through its real data file."""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import pytest

from workbench.lexicon import (
    DATA_DIR,
    DATA_FILE,
    DICTIONARY,
    UNKNOWN,
    en_key,
    load_lexicon,
    read_lexicon_file,
    src_key,
)
from workbench.text import words


def _w(text: str) -> list[str]:
    return [t.text for t in words(text)]


@pytest.fixture(scope="module")
def ru():
    lex = load_lexicon("ru-en")
    assert lex is not None, "the shipped lexicon data file is missing"
    return lex


@pytest.fixture(scope="module")
def uk():
    lex = load_lexicon("uk-en")
    assert lex is not None
    return lex


def test_shipped_file_is_compact_and_loaded_once(ru):
    assert (DATA_DIR / DATA_FILE).stat().st_size < 5_000_000
    assert load_lexicon("ru-en") is ru
    assert len(ru.by_src) > 5000 and len(ru.by_en) > 3000


def test_no_data_file_no_lexicon(tmp_path):
    assert load_lexicon("ru-en", tmp_path) is None
    assert load_lexicon("uk-en", tmp_path) is None


def test_unknown_pair_is_an_error():
    with pytest.raises(ValueError, match="de-en"):
        load_lexicon("de-en")


def test_bad_row_names_the_file(tmp_path):
    path = tmp_path / DATA_FILE
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("f\tкот\tcat\t0.9\nnonsense\n")
    with pytest.raises(ValueError, match=r"lexicon-ru-en.tsv.gz: line 2"):
        read_lexicon_file(path, "ru-en")


def _lexicon_file(path: Path, rows: str) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(rows)
    return path


def test_a_dictionary_pair_is_a_plausible_rendering_and_its_lemmas_are_judged(tmp_path):
    # the corpus links "кот" to "cat" only; the dictionary adds "котёл" -> "boiler" and "cauldron"
    rows = (f"f\t{src_key('кот', 'ru')}\t{en_key('cat')}\t0.9\n"
            f"d\t{src_key('котёл', 'ru')}\t{en_key('boiler')}\n"
            f"d\t{src_key('котёл', 'ru')}\t{en_key('cauldron')}\n"
            f"vs\t{src_key('кот', 'ru')}\t5\nve\t{en_key('cat')}\t5\n")
    lex = read_lexicon_file(_lexicon_file(tmp_path / DATA_FILE, rows), "ru-en")
    src, en = _w("Кот сломал котёл"), _w("The cat broke the boiler")
    assert lex.source_known(src) == [True, False, True]
    assert lex.target_known(en) == [False, True, False, False, True]
    support = lex.source_support(src, en)
    assert support[0] == pytest.approx(0.9) and support[2] == pytest.approx(DICTIONARY)
    assert lex.target_support(src, en)[4] == pytest.approx(DICTIONARY)
    # a listed word with no listed rendering in the English is judged unsupported, not unknown
    assert lex.source_support(src, _w("The cat broke the kettle"))[2] == 0.0
    # the corpus's own probability wins over the dictionary's floor
    strong = read_lexicon_file(_lexicon_file(tmp_path / "strong.tsv.gz",
                                             rows + f"f\t{src_key('котёл', 'ru')}\t{en_key('boiler')}\t0.8\n"), "ru-en")
    assert strong.source_support(src, en)[2] == pytest.approx(0.8)


def test_ukrainian_words_reach_russian_through_the_bilingual_dictionary_first(tmp_path):
    gov, town, place, new = (src_key(w, "ru") for w in ("правительство", "город", "место", "новый"))
    rows = (f"f\t{gov}\t{en_key('government')}\t0.9\nf\t{town}\t{en_key('town')}\t0.8\n"
            f"f\t{place}\t{en_key('place')}\t0.8\n"
            f"u\t{src_key('уряд', 'uk')}\t{gov}\nu\t{src_key('місто', 'uk')}\t{town}\n"
            f"vs\t{gov}\t9\nvs\t{town}\t9\nvs\t{place}\t9\nvs\t{new}\t9\n"
            f"ve\t{en_key('government')}\t9\nve\t{en_key('town')}\t9\nve\t{en_key('place')}\t9\n")
    lex = read_lexicon_file(_lexicon_file(tmp_path / DATA_FILE, rows), "uk-en")
    assert lex.key("уряду") == gov
    # "місто" is spelt like the Russian "место" (a place), but the dictionary says it is a town
    assert lex.key("місто") == town
    src = _w("Уряд оголосив про нове місто")
    support = lex.source_support(src, _w("The government announced a new town"))
    assert support[0] == pytest.approx(0.9) and support[4] == pytest.approx(0.8)
    # a word the bilingual dictionary lacks still reaches its cognate by spelling
    assert lex.key("нову") == new


def test_keys_join_inflected_and_derived_forms():
    assert en_key("took") == en_key("take") == en_key("taken")
    assert en_key("Hospitals.") == en_key("hospital")
    assert en_key("children's") == en_key("child")
    assert src_key("больницы", "ru") == src_key("больница", "ru")
    assert src_key("быстро", "ru") == src_key("быстрый", "ru")


def test_faithful_russian_is_supported_word_by_word(ru):
    src = _w("Вчера в городе открылась новая больница")
    en = _w("A new hospital opened in the city yesterday")
    support = dict(zip(src, ru.source_support(src, en), strict=True))
    for word in ("Вчера", "городе", "новая", "больница"):
        assert support[word] >= 0.5, (word, support)
    back = dict(zip(en, ru.target_support(src, en), strict=True))
    for word in ("new", "hospital", "city", "yesterday"):
        assert back[word] >= 0.5, (word, back)
    assert all(0.0 <= s <= 1.0 for s in support.values())


def test_omitted_and_added_words_get_no_support(ru):
    src = _w("Вчера в городе открылась новая больница")
    short = _w("A hospital opened in the city")
    support = dict(zip(src, ru.source_support(src, short), strict=True))
    assert support["Вчера"] < 0.05 and support["новая"] < 0.05
    assert support["больница"] >= 0.5
    longer = _w("A new hospital for soldiers opened in the city yesterday")
    back = dict(zip(longer, ru.target_support(src, longer), strict=True))
    assert back["soldiers"] < 0.05 and back["hospital"] >= 0.5


def test_names_numbers_and_identical_strings_count_as_support(ru):
    src = ["Шварценеггер", "приехал", "в", "2024", "году", "NATO"]
    en = ["Schwarzenegger", "came", "in", "2024", "NATO"]
    support = ru.source_support(src, en)
    assert support[0] >= 0.8 and support[3] == 1.0 and support[5] == 1.0
    assert ru.source_support(["2024"], ["2025"]) == [0.0]


def test_unseen_word_is_unknown_not_unsupported(ru):
    word = "зубоврачебнокосметологический"
    assert ru.source_known([word]) == [False]
    assert ru.source_support([word], ["dentist"]) == [UNKNOWN]


def test_ukrainian_bridges_to_russian_cognates(uk):
    src = _w("Президент підписав новий закон")
    full = uk.source_support(src, _w("The president signed a new law"))
    assert all(s > UNKNOWN for s in full), full
    assert uk.source_known(src) == [True] * 4
    cut = dict(zip(src, uk.source_support(src, _w("The president signed a law")), strict=True))
    assert cut["новий"] < 0.05 and cut["закон"] >= 0.5
    assert uk.key("підписав") == uk.key("підписати") == src_key("подписать", "ru")


def _build_script():
    path = Path(__file__).resolve().parents[1] / "scripts" / "build_lexicon.py"
    spec = importlib.util.spec_from_file_location("build_lexicon", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_symmetrisation_keeps_agreement_and_fills_unaligned():
    gdfa = _build_script().grow_diag_final_and
    fwd = {(0, 0), (1, 1), (2, 3)}
    rev = {(0, 0), (1, 1), (1, 2), (3, 3)}
    links = gdfa(fwd, rev)
    assert {(0, 0), (1, 1)} <= links <= fwd | rev
    # grown from the agreed links through neighbours whose word is still unaligned
    assert links == {(0, 0), (1, 1), (1, 2), (2, 3), (3, 3)}
    assert gdfa({(0, 0)}, {(1, 1)}) == {(0, 0), (1, 1)}  # final-and: disjoint links of unaligned words


def test_dictionary_articles_give_their_russian_renderings(tmp_path):
    # a dictd article written for this test, in the layout of Mueller's dictionary
    article = """00-database-short
     An English-Russian test dictionary
boiler
   [bɔɪlɜ] _n.
   1) котёл; бойлер
   2) кипятильник (для воды); steam boiler паровой котёл
kettle
   [ketl] _n. чайник, котелок
hot water
   _n. горячая вода
"""
    path = tmp_path / "test.dict"
    path.write_text(article, encoding="utf-8")
    pairs = _build_script().dictionary_pairs(path)
    boiler, kettle = en_key("boiler"), en_key("kettle")
    assert {(src_key(w, "ru"), boiler) for w in ("котёл", "бойлер", "кипятильник")} <= pairs
    assert {(src_key(w, "ru"), kettle) for w in ("чайник", "котелок")} <= pairs
    assert (src_key("паровой", "ru"), boiler) not in pairs  # from the example phrase, not a rendering
    assert (src_key("вода", "ru"), boiler) not in pairs  # from the gloss in brackets
    assert not any(e in (en_key("hot"), en_key("water"), en_key("database")) for _, e in pairs)  # phrases, metadata
    gz = tmp_path / "test.dict.dz"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        fh.write(article)
    assert _build_script().dictionary_pairs(gz) == pairs


def test_transducer_paths_spell_out_each_entry_once():
    # lt-print's AT&T text of two small transducers: "кіт<n>" -> "кот<n>", "кит" -> "кит" sharing
    # states, an empty output symbol, and a looping number pattern in its own section
    att = "\n".join(["0\t1\tк\tк\t0.000000", "1\t2\tі\tо\t0.000000", "1\t4\tи\tи\t0.000000",
                     "2\t3\tт\tт\t0.000000", "4\t5\tт\tт\t0.000000", "3\t6\t<n>\t<n>\t0.000000",
                     "5\t6\tε\tε\t0.000000", "6\t0.000000", "--",
                     "0\t1\t1\t1\t0.000000", "1\t1\t2\t2\t0.000000", "1\t2\t<num>\t<num>\t0.000000",
                     "2\t0.000000", ""])
    paths = _build_script().transducer_paths(att)
    assert sorted(paths) == [("1<num>", "1<num>"), ("кит", "кит"), ("кіт<n>", "кот<n>")]


def test_build_script_rejects_a_missing_dictionary(tmp_path, capsys):
    qe = _tiny_qe(tmp_path / "qe")
    assert _build_script().main([str(qe), "--dictionary", str(tmp_path / "none.dict.dz")]) == 2
    assert "none.dict.dz: no such dictionary file" in capsys.readouterr().err


def test_build_script_rejects_a_missing_folder(tmp_path, capsys):
    assert _build_script().main([str(tmp_path)]) == 2
    assert "no such folder" in capsys.readouterr().err


def _tiny_qe(root: Path, n: int = 12) -> Path:
    """A QE folder of the shared layout holding sentences written for this test."""
    ru = [f"Кошка номер {i} спит дома" for i in range(n)]
    en = [f"Cat number {i} sleeps at home" for i in range(n)]
    ruen = root / "wmtqe22" / "ru-en-train"
    enru = root / "wmtqe22" / "en-ru-train-2021-news"
    for folder in (ruen, enru):
        folder.mkdir(parents=True)
    for name, lines in (("train.src", ru), ("train.pe", en), ("train.mt", en)):
        (ruen / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (enru / "mqm_enru_updated.src").write_text("\n".join(en) + "\n", encoding="utf-8")
    (enru / "mqm_enru_updated.mt").write_text("\n".join(ru) + "\n", encoding="utf-8")
    return root


def test_training_pairs_never_include_wmt21_and_folds_leave_their_sentences_out(tmp_path):
    script = _build_script()
    qe = _tiny_qe(tmp_path)
    news = qe / "wmt21-news"
    news.mkdir()
    (news / "newstest2021.en-ru.src.en").write_text("An evaluation sentence\n", encoding="utf-8")
    (news / "newstest2021.en-ru.ref.A.ru").write_text("Оценочное предложение\n", encoding="utf-8")
    every = script.corpora(qe)
    assert [name for name, _, _ in every] == ["ru-en-train src/pe", "ru-en-train src/mt", "en-ru-train src/mt"]
    assert all("Оценочное предложение" not in ru for _, rus, _ in every for ru in rus)
    fold = script.corpora(qe, leave_out=(1, 4))
    for (name, rus, ens), (_, all_ru, all_en) in zip(fold, every, strict=True):
        sources = all_en if name.startswith("en-ru") else all_ru  # a fold is a set of source sentences
        dropped = {i for i, line in enumerate(sources) if script.fold_of(line, 4) == 1}
        assert 0 < len(dropped) < len(sources)
        assert rus == [r for i, r in enumerate(all_ru) if i not in dropped]
        assert ens == [e for i, e in enumerate(all_en) if i not in dropped]


def test_every_mt_of_one_source_falls_in_one_fold():
    script = _build_script()
    assert script.fold_of("The mayor spoke.", 4) == script.fold_of("  The mayor   spoke. ", 4)
    assert len({script.fold_of(f"Sentence number {i}.", 4) for i in range(40)}) == 4


def test_fold_lexicon_is_built_once_and_cached(tmp_path):
    # building runs the aligner: eflomal is the build-time `lexicon` extra, not a test dependency
    # (a source package that must compile); the shipped lexicon is a data file the product reads
    pytest.importorskip("eflomal", reason="eflomal is not installed: pip install '.[lexicon]' to build lexicons")
    script = _build_script()
    qe = _tiny_qe(tmp_path / "qe", n=16)
    folder = script.fold_lexicon(qe, 0, 2, tmp_path / "cache", dictionary=None)
    path = folder / DATA_FILE
    assert path.is_file() and "fold0of2" in folder.name
    lex = read_lexicon_file(path, "ru-en")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        assert "without fold 0 of 2" in fh.readline()
    assert lex.src_vocab  # lemmas the 8 kept pairs hold
    stamp = path.stat().st_mtime_ns
    assert script.fold_lexicon(qe, 0, 2, tmp_path / "cache", dictionary=None) == folder
    assert path.stat().st_mtime_ns == stamp  # the second call reads the cache, builds nothing
