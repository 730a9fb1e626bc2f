"""`<br>` inside a paragraph: a break inside a sentence stays in one segment as a standalone code;
a break between lines of text (sentence ends, poem or address lines) separates segments; the HTML
export restores every `<br>`."""

from __future__ import annotations

from pathlib import Path

from workbench import inline
from workbench.config import Config
from workbench.exchange.htmlpage import export_html
from workbench.ingest import document_from_bytes, import_paths
from workbench.store import Store

# Our own sentences.
PAGE = """<html><body><article><h1>Новости района</h1>
<p>Глава района сообщил, что <b>ремонт<br>моста</b> начнётся весной.</p>
<p>Первая строка заметки.<br>Вторая строка заметки.</p>
<p>Тихий вечер над рекой,<br>Звёзды светят надо мной</p>
<p>Москва, ул. Садовая, 7<br>125009</p>
<p>Утром шёл дождь,<br>а к вечеру выглянуло солнце.</p>
</article></body></html>"""


def tagged(seg) -> str:
    return inline.tagged(seg.text, inline.codes_of(seg.inline))


def test_break_inside_a_sentence_is_a_code_and_between_lines_a_segment_boundary(config: Config):
    doc = document_from_bytes("br.html", PAGE.encode("utf-8"), config)
    got = [(tagged(s), bool(s.inline.get("br"))) for s in doc.segments]
    assert got == [
        ("Новости района", False),
        # lower case after no sentence end: one sentence, the break a standalone code inside the pair
        ("Глава района сообщил, что <1>ремонт<2/> моста</1> начнётся весной.", False),
        # a sentence end before the break: two lines, two segments (the second follows a <br>)
        ("Первая строка заметки.", False), ("Вторая строка заметки.", True),
        # a capital after the break: lines of a poem, of an address
        ("Тихий вечер над рекой,", False), ("Звёзды светят надо мной", True),
        ("Москва, ул. Садовая, 7", False), ("125009", True),
        ("Утром шёл дождь,<1/> а к вечеру выглянуло солнце.", False),
    ]
    bridge = doc.segments[1]
    assert bridge.text == "Глава района сообщил, что ремонт моста начнётся весной."
    assert inline.markup(inline.codes_of(bridge.inline))[("ph", 2)] == "<br>"


def test_html_export_restores_both_kinds_of_break(store: Store, config: Config, tmp_path: Path):
    page = tmp_path / "br.html"
    page.write_text(PAGE, encoding="utf-8")
    import_paths(store, [page], config)
    english = {
        "Глава": "The district head said <1>repairs of<2/> the bridge</1> would start in spring.",
        "Первая": "The first line of the note.",
        "Вторая": "The second line of the note.",
        "Утром": "It rained in the morning,<1/> and by evening the sun came out.",
    }
    for seg in store.segments("br.html"):
        for start, en in english.items():
            if seg.text.startswith(start):
                store.save_edit(seg.id, en, "anna", 0)
    out = tmp_path / "br.en.html"
    export_html(store, "br.html", out)
    raw = out.read_text("utf-8")
    assert "<p>The district head said <b>repairs of<br> the bridge</b> would start in spring.</p>" in raw
    assert "<p>The first line of the note.<br>The second line of the note.</p>" in raw
    assert "<p>It rained in the morning,<br> and by evening the sun came out.</p>" in raw


def test_mt_of_a_broken_sentence_gets_its_break_code(store: Store, config: Config, tmp_path: Path):
    from workbench.records import Translation

    page = tmp_path / "br.html"
    page.write_text(PAGE, encoding="utf-8")
    import_paths(store, [page], config)
    seg = next(s for s in store.segments("br.html") if s.text.startswith("Утром"))
    store.save_translations([(Translation(seg.id, "It rained in the morning, and by evening the sun came out.",
                                          "marian", "m"), seg.text)])
    mt = store.translations([seg.id])[seg.id].text
    assert mt == "It rained in the morning,<1/> and by evening the sun came out."
