"""Inline markup: HTML codes kept beside the segment text, tags in the English, the tags checks,
exchange as inline codes (XLIFF 1.2/2.0, TMX) and the HTML export restoring the markup."""

from __future__ import annotations

import sqlite3

import pytest

from workbench import inline
from workbench.ingest import build_document, document_from_bytes
from workbench.store import Store

PAGE = """<!doctype html><html><head><title>Тестовая страница</title></head><body>
<nav>Меню сайта</nav>
<article>
<h1>Новая станция метро откроется весной</h1>
<p>Мэр города сообщил, что <b>новая станция</b> откроется в апреле. Подробности
есть <a href="https://example.org/metro?line=2&amp;x=1">на сайте <i>городского</i> транспорта</a> и в приложении.</p>
<p>Площадь вестибюля составит 10<sup>3</sup>&nbsp;квадратных метров, а формула воды H<sub>2</sub>O.</p>
<p>Строительство началось давно.<br>Работы шли <strong>круглосуточно</strong> и без <em>выходных</em>.</p>
<figure><img src="a.jpg"><figcaption>Сергей Лавров. Фото: ТАСС</figcaption></figure>
<p>Жители района давно ждали открытия <a href="javascript:alert(1)">станции</a> и радуются новости.</p>
</article></body></html>"""


def page_doc(config):
    return document_from_bytes("metro.html", PAGE.encode("utf-8"), config)


def by_text(doc, start):
    return next(s for s in doc.segments if s.text.startswith(start))


def test_html_import_keeps_inline_codes_beside_plain_text(config):
    doc = page_doc(config)
    mayor = by_text(doc, "Мэр города")
    # the plain text is what MT and the checks see; the tagged text is what a translator sees
    assert mayor.text == "Мэр города сообщил, что новая станция откроется в апреле."
    assert inline.tagged(mayor.text, inline.codes_of(mayor.inline)) == \
        "Мэр города сообщил, что <1>новая станция</1> откроется в апреле."
    link = by_text(doc, "Подробности")
    assert inline.tagged(link.text, inline.codes_of(link.inline)) == \
        "Подробности есть <1>на сайте <2>городского</2> транспорта</1> и в приложении."
    marks = inline.markup(inline.codes_of(link.inline))
    assert marks[("open", 1)] == '<a href="https://example.org/metro?line=2&amp;x=1">'
    assert marks[("open", 2)] == "<i>" and marks[("close", 1)] == "</a>"
    area = by_text(doc, "Площадь")
    assert "10\xa03" not in area.text and "103\xa0квадратных" in area.text  # nbsp kept as a character
    assert inline.tagged(area.text, inline.codes_of(area.inline)).startswith("Площадь вестибюля составит 10<1>3</1>")
    assert "H<2>2</2>O" in inline.tagged(area.text, inline.codes_of(area.inline))
    work = by_text(doc, "Работы")
    assert work.inline.get("br") is True and work.inline["block"] == "p"
    # a javascript: link is no code (its text stays)
    residents = by_text(doc, "Жители")
    assert residents.inline.get("codes") is None and "станции" in residents.text


def test_figcaption_with_credit_is_one_boilerplate_segment(config):
    doc = page_doc(config)
    caption = [s for s in doc.segments if "Лавров" in s.text]
    assert len(caption) == 1
    assert caption[0].text == "Сергей Лавров. Фото: ТАСС"
    assert caption[0].role == "boilerplate" and caption[0].role_reason == "figure caption"
    # the same caption in a plain text file: one boilerplate line too
    plain = build_document("Заголовок новости\n\nМинистр Петров выступил. Фото: РИА Новости\n\n"
                           "Текст новости продолжается длинным предложением о событиях дня.\n", "a.txt")
    credit = [s for s in plain.segments if "Петров" in s.text]
    assert len(credit) == 1 and credit[0].role == "boilerplate"


def test_pair_over_a_sentence_end_is_closed_and_reopened():
    codes = [{"kind": "open", "id": 1, "pos": 0, "markup": "<b>", "close": "</b>", "name": "b"},
             {"kind": "close", "id": 1, "pos": 21, "markup": "</b>", "name": "b"}]
    text = "Первое дело. Второе."
    first, second = inline.assign(codes, [(0, 12), (13, 20)])
    assert inline.tagged(text[:12], first) == "<1>Первое дело.</1>"
    assert inline.tagged(text[13:20], second) == "<1>Второе.</1>"
    assert inline.markup(second)[("open", 1)] == "<b>"


def test_problems_missing_extra_unbalanced_and_clean():
    codes = [{"kind": "open", "id": 1, "pos": 0, "markup": "<b>"}, {"kind": "close", "id": 1, "pos": 3, "markup": "</b>"},
             {"kind": "ph", "id": 2, "pos": 5, "markup": "<img>"}]
    assert inline.problems(codes, "The <1>new</1> line<2/>.") == []
    # moving a pair with its words is legal
    assert inline.problems(codes, "<2/>A line that is <1>new</1>.") == []
    missing = inline.problems(codes, "The new line.")
    assert {(p.what, p.kind, p.id) for p in missing} == {("missing", "open", 1), ("missing", "close", 1),
                                                          ("missing", "ph", 2)}
    extra = inline.problems(codes, "The <1>new</1> line<2/> <3>x</3> <2/>")
    assert {(p.what, p.id) for p in extra} == {("extra", 3), ("extra", 2)}
    assert [p.what for p in inline.problems(codes, "The </1>new<1> line<2/>")] == ["unbalanced"]
    crossing = [{"kind": k, "id": i, "pos": 0, "markup": ""} for i in (1, 2) for k in ("open", "close")]
    assert [p.what for p in inline.problems(crossing, "<1>a <2>b</1> c</2>")] == ["unbalanced"]
    assert inline.next_missing(codes, "The <1>new") == "</1>"


def test_mask_keeps_offsets_and_hides_digits():
    english = "Area of 10<1>3</1> m<2/>"
    masked = inline.mask(english)
    assert len(masked) == len(english) and "1" not in masked.replace("10", "")
    assert inline.unmask(masked) == english and inline.plain(english) == "Area of 103 m"


def test_to_html_restores_markup_and_drops_unmatched_tokens():
    codes = [{"kind": "open", "id": 1, "pos": 0, "markup": '<a href="https://e.org/?a=1&amp;b=2">'},
             {"kind": "close", "id": 1, "pos": 1, "markup": "</a>"},
             {"kind": "ph", "id": 2, "pos": 1, "markup": "<br>"}]
    assert inline.to_html("A <1>link</1> & 5\xa0km<2/>", codes) == \
        'A <a href="https://e.org/?a=1&amp;b=2">link</a> &amp; 5&nbsp;km<br>'
    assert inline.to_html("A </1>link<1> <7>x", codes) == "A link x"


def test_segments_keep_their_codes_in_the_store_and_through_split_and_merge(store: Store, config):
    doc = page_doc(config)
    store.add_documents([doc], story=None, actor="t")
    stored = store.document("metro.html")
    link = by_text(stored, "Подробности")
    assert inline.tagged(link.text, inline.codes_of(link.inline)).startswith("Подробности есть <1>на сайте <2>")
    at = link.text.index("транспорта")
    first, second = store.split_segment(link.id, at, "t")
    assert inline.tagged(first.text, inline.codes_of(first.inline)) == \
        "Подробности есть <1>на сайте <2>городского</2></1>"
    assert inline.tagged(second.text, inline.codes_of(second.inline)) == "<1>транспорта</1> и в приложении."
    merged = store.merge_segments(first.id, second.id, "t")
    tagged = inline.tagged(merged.text, inline.codes_of(merged.inline))
    assert tagged == "Подробности есть <1>на сайте <2>городского</2></1> <3>транспорта</3> и в приложении."


def test_migration_adds_the_column_to_an_existing_store(tmp_path):
    from alembic import command

    from workbench.store import _alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    cfg = _alembic_config(url)
    command.upgrade(cfg, "editor01")
    con = sqlite3.connect(tmp_path / "old.db")
    con.execute("INSERT INTO documents (id, name, sha256, text, lang, encoding, source_path, title, status, "
                "created_by, created_at) VALUES (1, 'a.txt', 'x', 'Текст.', 'ru', 'utf-8', '', '', 'new', '', "
                "'2026-01-01')")
    con.execute("INSERT INTO segments (id, doc_id, idx, start, \"end\", text, lang, role, role_reason, paragraph, "
                "status, version) VALUES ('s1', 1, 0, 0, 6, 'Текст.', 'ru', 'content', '', 0, 'new', 0)")
    con.commit()
    con.close()
    store = Store(url)  # migrates to the head
    try:
        seg = store.document(1).segments[0]
        assert seg.text == "Текст." and seg.inline == {}
    finally:
        store.close()
    cols = [r[1] for r in sqlite3.connect(tmp_path / "old.db").execute("PRAGMA table_info(segments)")]
    assert "inline" in cols


@pytest.fixture
def imported(store: Store, config):
    store.add_documents([page_doc(config)], story=None, actor="t")
    return store.document("metro.html")
