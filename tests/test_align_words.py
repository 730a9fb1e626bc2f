"""Word alignment through the real simalign path, on a tiny BERT built here (no download)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.tiny_bert import build_tiny_bert, corpus_lines
from workbench.align import WordAligner, WordAlignerError, align_words_for_document
from workbench.ingest import import_bytes
from workbench.records import Translation
from workbench.text import words

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), corpus_lines(CORPUS))


@pytest.fixture
def word_config(config, tiny_bert):
    return replace(config, word_aligner_model=str(tiny_bert), word_aligner_layer=2, device="cpu")


SOURCE = "Прес-секретар Білого дому Джен Псакі заявила, що п'ятого січня 2022 року США обговорять безпеку з Росією."
ENGLISH = "White House press secretary Jen Psaki said the U.S. would discuss security with Russia on January 5, 2022."


def test_links_refer_to_words_tokens(word_config):
    links = WordAligner(word_config).align(SOURCE, ENGLISH, "uk")
    n_src, n_en = len(words(SOURCE)), len(words(ENGLISH))
    assert links, "IterMax links at least the mutual best pairs"
    assert links == sorted(set(links))
    assert all(0 <= i < n_src and 0 <= j < n_en for i, j in links)
    # every word of the shorter side takes part: IterMax links each mutual best subword pair
    assert len({i for i, _ in links}) >= min(n_src, n_en) // 2


def test_identical_texts_align_word_for_word(word_config):
    """Same text on both sides: identical embeddings, so each words() token links to itself,
    including hyphenated and apostrophe words that simalign alone would split differently."""
    text = "Прес-секретар сказала, що п'ятого січня США та Росія зустрінуться в Женеві."
    links = WordAligner(word_config).align(text, text, "uk")
    assert links == [(k, k) for k in range(len(words(text)))]


def test_empty_sides_give_no_links(word_config):
    aligner = WordAligner(word_config)
    assert aligner.align("", ENGLISH, "uk") == []
    assert aligner.align("— 12 —", ENGLISH, "uk") == []


def test_missing_model_is_a_one_line_error_naming_it(config, tmp_path):
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(WordAlignerError) as info:
        WordAligner(replace(config, word_aligner_model=missing)).load()
    message = str(info.value)
    assert "\n" not in message and missing in message and "WORKBENCH_WORD_ALIGNER_MODEL" in message
    not_a_model = tmp_path / "empty-dir"
    not_a_model.mkdir()
    with pytest.raises(WordAlignerError, match="cannot be loaded"):
        WordAligner(replace(config, word_aligner_model=str(not_a_model))).load()


def test_layer_beyond_the_model_is_reported(word_config):
    aligner = WordAligner(replace(word_config, word_aligner_layer=9))
    with pytest.raises(WordAlignerError, match="word_aligner_layer 9"):
        aligner.align(SOURCE, ENGLISH, "uk")


def test_align_words_for_document_stores_links(store, word_config):
    text = ("Переговори у Женеві\n\nБайден і Путін провели переговори.\n\nРозмова тривала дві години.\n\n"
            "Підписуйтесь на наш канал у Telegram\n")
    report = import_bytes(store, "talks_uk.txt", text.encode(), word_config)
    doc = report.added[0]
    segments = [s for s in store.segments(doc.id) if s.role != "boilerplate"]
    english = ["Talks in Geneva", "Biden and Putin held talks.", "The conversation lasted two hours."]
    store.save_translations([(Translation(s.id, en, engine="test", model_id="test"), s.text)
                             for s, en in zip(segments, english, strict=True)])

    assert align_words_for_document(store, word_config, doc.id) == 3  # boilerplate has no English
    for seg, en in zip(segments, english, strict=True):
        links = store.word_alignment(seg.id, en)
        assert links and all(i < len(words(seg.text)) and j < len(words(en)) for i, j in links)
    assert align_words_for_document(store, word_config, doc.id) == 0  # up to date
    # read together: only links made on the English asked for
    together = store.word_alignments({segments[0].id: english[0], segments[1].id: "Other English."})
    assert together == {segments[0].id: store.word_alignment(segments[0].id, english[0])}

    edit = store.save_edit(segments[2].id, "The talk went on for two hours.", "ed", base_version=0)
    assert store.word_alignment(segments[2].id, edit.text) is None
    assert align_words_for_document(store, word_config, doc.id) == 1
    assert store.word_alignment(segments[2].id, edit.text)


@pytest.mark.slow
def test_cli_align_words_and_missing_model(run_cli, tmp_path, tiny_bert):
    data = tmp_path / "data"
    art = tmp_path / "a.txt"
    art.write_text("Байден і Путін провели переговори.\n", encoding="utf-8")
    assert run_cli("import", str(art), data_dir=data).returncode == 0
    nothing = run_cli("align-words", "a.txt", data_dir=data, env={"WORKBENCH_WORD_ALIGNER_MODEL": str(tiny_bert),
                                                                 "WORKBENCH_WORD_ALIGNER_LAYER": "2"})
    assert nothing.returncode == 0, nothing.stderr
    assert "word-aligned 0 segment(s)" in nothing.stdout  # no English yet: nothing to do, no model load

    from workbench.store import Store

    st = Store(f"sqlite:///{data / 'workbench.db'}")
    seg = st.segments("a.txt")[0]
    st.save_translations([(Translation(seg.id, "Biden and Putin held talks.", engine="t", model_id="t"), seg.text)])
    st.close()
    done = run_cli("align-words", "a.txt", data_dir=data, env={"WORKBENCH_WORD_ALIGNER_MODEL": str(tiny_bert),
                                                              "WORKBENCH_WORD_ALIGNER_LAYER": "2"})
    assert done.returncode == 0, done.stderr
    assert "word-aligned 1 segment(s)" in done.stdout
    hub = run_cli("align-words", "a.txt", "--force", data_dir=data,
                  env={"WORKBENCH_WORD_ALIGNER_MODEL": "bert-base-multilingual-cased"})
    assert hub.returncode == 2
    lines = hub.stderr.strip().splitlines()
    assert len(lines) == 1 and "bert-base-multilingual-cased" in lines[0]


def test_text_longer_than_the_model_input_is_cut_not_crashed(word_config):
    """The tiny model takes 256 positions: a 400-word segment links only the words that fit."""
    long_source = " ".join(["Байден і Путін провели переговори у Женеві."] * 60)
    links = WordAligner(word_config).align(long_source, ENGLISH, "uk")
    assert links and all(i < len(words(long_source)) for i, _ in links)
    assert max(i for i, _ in links) < 256
