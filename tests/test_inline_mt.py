"""Tags of a formatted segment placed into its machine translation as it is saved: by the
lexicon's word alignment, else by position; through our engine (tiny real Marian), the cache and
`import-mt`."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench import inline
from workbench.config import Config
from workbench.flags import flag_document
from workbench.flags.consistency import word_confidences
from workbench.ingest import import_paths
from workbench.lexicon import load_lexicon
from workbench.records import Translation
from workbench.store import Store
from workbench.text import words
from workbench.translate import load_engine, translate_documents
from workbench.translate.external import import_mt

from .tiny_mt import build_tiny_marian

# Our own sentences.
PAGE = """<html><body><article><h1>Прогноз погоды</h1>
<p>В пятницу в <b>Лондоне</b> прошла большая <a href="/art">выставка картин</a>.</p>
<p><i>Весь этот абзац написан курсивом.</i></p>
<p>Синоптики обещают сильный дождь.</p>
</article></body></html>"""
EN_LINES = ["Weather forecast",
            "A large exhibition of paintings took place in London on Friday.",
            "This whole paragraph is written in italics.",
            "Forecasters promise heavy rain."]


def code(kind: str, cid: int, pos: int, seq: int) -> dict:
    return {"kind": kind, "id": cid, "pos": pos, "markup": "", "seq": seq}


def pair(source: str, cid: int, text: str, seq: int = 0) -> list[dict]:
    at = source.index(text)
    return [code("open", cid, at, seq), code("close", cid, at + len(text), seq + 1)]


def test_lexicon_links_words_by_lexicon_names_and_order():
    lexicon = load_lexicon("ru-en")
    assert lexicon is not None
    src = [t.text for t in words("В пятницу в Лондоне прошла большая выставка картин.")]
    en = [t.text for t in words("A large exhibition of paintings took place in London on Friday.")]
    links = {(src[i], en[j]) for i, j in lexicon.links(src, en)}
    assert {("Лондоне", "London"), ("пятницу", "Friday"), ("выставка", "exhibition"), ("большая", "large")} <= links
    # a word with nothing to go on gets no link rather than a guess
    assert lexicon.links(["Лондоне"], ["yesterday"]) == []


def test_place_by_position_keeps_order_nesting_and_whole_sentence_pairs():
    source = "Один два три четыре."
    codes = pair(source, 1, "три")
    assert inline.place_by_position(source, codes, "One two three four.") == "One two <1>three</1> four."
    # a pair around the whole sentence keeps its punctuation inside, in any English length
    whole = [code("open", 1, 0, 0), code("close", 1, len(source), 1)]
    assert inline.place_by_position(source, whole, "Just one and two.") == "<1>Just one and two.</1>"
    # nested pairs nest, a standalone code goes to its word boundary or the end
    nested = [code("open", 1, source.index("два"), 0), code("open", 2, source.index("три"), 1),
              code("close", 2, source.index(" четыре"), 2), code("close", 1, source.index(" четыре"), 3),
              code("ph", 3, source.index(" два"), 4), code("ph", 4, len(source), 5)]
    placed = inline.place_by_position(source, nested, "One two three four.")
    assert placed == "One<3/> <1>two <2>three</2></1> four.<4/>"
    assert inline.problems(nested, placed) == []
    # a pair that would cross a pair already there is left to the translator
    crossing = pair(source, 1, "два три") + pair(source, 2, "четыре", 2)
    assert inline.place_by_position(source, crossing, "<2>One two</2> three four.") == "<2>One two</2> three four."


def test_place_mt_uses_the_lexicon_then_position_and_drops_foreign_tokens():
    source = "В пятницу в Лондоне прошла большая выставка картин."
    codes = pair(source, 1, "Лондоне") + pair(source, 2, "выставка картин", 2)
    english = "A large exhibition of paintings took place in London on Friday."
    assert inline.place_mt(source, "ru", codes, english) == \
        "A large <2>exhibition of paintings</2> took place in <1>London</1> on Friday."
    # without a lexicon for the language, by position (the order of the source)
    assert inline.place_mt(source, "de", codes, english) == \
        "A large exhibition of <1>paintings took</1> place in <2>London on Friday</2>."
    # given links win; tags there already stay; a token naming no code of the segment goes
    assert inline.place_mt(source, "ru", codes, "A large exhibition <2>of paintings</2> in London<7/>.") == \
        "A large exhibition <2>of paintings</2> in <1>London</1>."
    assert inline.place_mt(source, "ru", [], "Plain <1>English</1>.") == "Plain <1>English</1>."


def test_word_confidences_see_through_placed_tags():
    tokens, lps = ["▁The", "▁new", "▁station", "."], [-0.1, -2.0, -0.3, -0.05]
    plain = dict((w.text, lp) for w, lp in word_confidences("The new station.", tokens, lps))
    tagged = dict((w.text, lp) for w, lp in word_confidences("The <1>new station</1>.", tokens, lps))
    assert tagged == plain == {"The": -0.1, "new": -2.0, "station": -0.3}


# --- saved MT, through each path ------------------------------------------------------------
@pytest.fixture
def page(store: Store, config: Config, tmp_path: Path) -> str:
    path = tmp_path / "weather.html"
    path.write_text(PAGE, encoding="utf-8")
    import_paths(store, [path], config)
    return "weather.html"


def tag_flags(store: Store, config: Config, doc: str) -> list:
    return [f for f in flag_document(store, config, doc) if f.detector.startswith("tags.")]


def test_import_mt_places_the_tags_of_formatted_segments(store, config, page, tmp_path):
    segs = store.segments(page)
    (tmp_path / "deepl.txt").write_text("\n".join(EN_LINES) + "\n", encoding="utf-8")
    import_mt(store, config, page, tmp_path / "deepl.txt", "deepl", "ann", score=False)
    stored = store.translations([s.id for s in segs])
    assert [stored[s.id].text for s in segs] == [
        "Weather forecast",
        "A large <2>exhibition of paintings</2> took place in <1>London</1> on Friday.",
        "<1>This whole paragraph is written in italics.</1>",
        "Forecasters promise heavy rain."]
    assert tag_flags(store, config, page) == []
    # the HTML export gets the markup back around the right words
    from workbench.exchange.htmlpage import export_html

    out = tmp_path / "weather.en.html"
    export_html(store, page, out)
    raw = out.read_text("utf-8")
    assert 'A large <a href="/art">exhibition of paintings</a> took place in <b>London</b> on Friday.' in raw
    assert "<i>This whole paragraph is written in italics.</i>" in raw


def test_every_save_path_places_tags_and_plain_segments_stay_as_they_are(store, config, page):
    segs = store.segments(page)
    items = [(Translation(s.id, en, "marian", "m"), s.text) for s, en in zip(segs, EN_LINES, strict=True)]
    store.save_translations_once(items)  # the Ray workers' path
    stored = store.translations([s.id for s in segs])
    assert stored[segs[2].id].text == "<1>This whole paragraph is written in italics.</1>"
    assert stored[segs[3].id].text == EN_LINES[3]  # no codes, untouched


@pytest.fixture(scope="module")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-inline") / "marian")


def test_translate_places_tags_in_model_output_and_cached_copies_get_their_own(store, config, tiny_marian,
                                                                               tmp_path):
    m = str(tiny_marian)
    cfg = config.with_overrides(marian_models={"ru": m, "uk": m}, cpu_threads=1, device="cpu", max_output_tokens=12)
    # the same sentence, bold in one page and italic around other words in the other
    sentence = "Синоптики обещают сильный дождь в пятницу."
    a = tmp_path / "a.html"
    a.write_text("<html><body><p><b>Синоптики</b> обещают сильный дождь в пятницу.</p></body></html>",
                 encoding="utf-8")
    b = tmp_path / "b.html"
    b.write_text("<html><body><p>Синоптики обещают <i>сильный дождь</i> в пятницу.</p>"
                 "<p>Другая страница.</p></body></html>",
                 encoding="utf-8")
    import_paths(store, [a, b], cfg)
    first = translate_documents(store, cfg, ["a.html"])
    second = translate_documents(store, cfg, ["b.html"])
    assert first.translated == 1 and second.cached == 1 and second.translated == 1
    raw = load_engine(cfg, "ru").translate([sentence])[0].text  # what the model itself says
    got = []
    for doc in ("a.html", "b.html"):
        seg = store.segments(doc)[0]
        assert seg.text == sentence
        mt = store.translations([seg.id])[seg.id].text
        codes = inline.codes_of(seg.inline)
        assert inline.plain(mt) == raw and "<1>" in mt
        assert inline.problems(codes, mt) == [], mt
        # each page's own tags: the copy did not bring the first page's along
        assert mt == inline.place_mt(seg.text, seg.lang, codes, raw)
        assert tag_flags(store, cfg, doc) == []
        got.append(mt)
    assert got[0] != got[1]
