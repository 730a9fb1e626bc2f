"""Inline markup: HTML codes kept beside the segment text, tags in the English, the tags checks,
exchange as inline codes (XLIFF 1.2/2.0, TMX) and the HTML export restoring the markup."""

from __future__ import annotations

import sqlite3

import pytest

from tests.test_app import env  # noqa: F401  (the app's fixture)
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


def test_nested_pairs_closing_at_one_place_nest(config):
    page = "<html><body><p>Начало <b><i>двойного</i></b> и <a href='/x'><b>жирная ссылка</b></a>. Конец.</p></body></html>"
    doc = document_from_bytes("n.html", page.encode(), config)
    seg = doc.segments[0]
    tagged = inline.tagged(seg.text, inline.codes_of(seg.inline))
    assert tagged == "Начало <1><2>двойного</2></1> и <3><4>жирная ссылка</4></3>."
    assert inline.problems(inline.codes_of(seg.inline), tagged) == []


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


def test_tags_placed_by_word_alignment():
    source = "Он сказал важное слово другу."
    # seq: document order, which decides among codes at one position (the inner pair closes first)
    codes = [{"kind": "open", "id": 1, "pos": 10, "markup": "<b>", "seq": 0},
             {"kind": "open", "id": 2, "pos": 17, "markup": "<i>", "seq": 1},
             {"kind": "close", "id": 2, "pos": 22, "markup": "</i>", "seq": 2},
             {"kind": "close", "id": 1, "pos": 22, "markup": "</b>", "seq": 3},
             {"kind": "ph", "id": 3, "pos": 29, "markup": "<br>", "seq": 4}]
    assert inline.tagged(source, codes) == "Он сказал <1>важное <2>слово</2></1> другу.<3/>"
    english = "He told his friend an important word."
    # он-he сказал-told другу-friend важное-important слово-word
    links = [(0, 0), (1, 1), (4, 3), (2, 5), (3, 6)]
    placed = inline.place_by_alignment(source, codes, english, links)
    assert placed == "He told his friend an <1>important <2>word</2></1>.<3/>"
    assert inline.problems(codes, placed) == []
    # a pair without links stays for the translator; tags already placed are kept
    assert inline.place_by_alignment(source, codes, "He told <1>x</1> y.", [(0, 0)]) == "He told <1>x</1> y.<3/>"


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
    save(store, second.id, "<1>transport</1> and in the app.")
    merged = store.merge_segments(first.id, second.id, "t")
    assert store.english_for([merged.id])[merged.id].text == "<3>transport</3> and in the app."
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


# --- checks, exchange and export on a stored HTML import ------------------------------------
def save(store: Store, seg_id: str, text: str) -> None:
    cur = store.english_for([seg_id]).get(seg_id)
    store.save_edit(seg_id, text, "tester", cur.version if cur else 0)


def test_tags_checks_on_a_stored_document(imported, store: Store, config):
    from workbench.flags import flag_document

    mayor = by_text(imported, "Мэр города")
    link = by_text(imported, "Подробности")
    area = by_text(imported, "Площадь")
    work = by_text(imported, "Работы")
    save(store, mayor.id, "The mayor said the <1>new station</1> opens in April.")  # clean
    save(store, link.id, "Details are on the city transport website and in the app.")  # tags missing
    save(store, area.id, "The hall will cover 10<1>3</1>\xa0square metres, water is H<2>2</2>O <5/>.")  # extra
    save(store, work.id, "Work went on </1>around the clock<1> without <2>days off</2>.")  # unbalanced
    flags = [f for f in flag_document(store, config, imported.id) if f.detector.startswith("tags.")]
    by_seg = {}
    for f in flags:
        by_seg.setdefault(f.segment_id, set()).add(f.detector)
    assert mayor.id not in by_seg
    assert by_seg[link.id] == {"tags.missing"}
    assert by_seg[area.id] == {"tags.extra"}
    assert by_seg[work.id] == {"tags.unbalanced"}
    missing = next(f for f in flags if f.segment_id == link.id)
    assert "<1>" in missing.message and "</2>" in missing.message
    # masking: no check reads the digits of "<1>" as numbers of the English
    numbers = [f for f in flag_document(store, config, imported.id)
               if f.segment_id == mayor.id and "number" in f.kind]
    assert numbers == []


def test_xliff_12_and_2_carry_inline_codes_and_read_them_back(imported, store: Store, tmp_path):
    from lxml import etree

    from workbench.exchange.xliff import XLIFF2_NS, XLIFF12_NS, export_xliff, import_xliff, read_xliff

    link = by_text(imported, "Подробности")
    save(store, link.id, "Details are <1>on the <2>city</2> transport site</1> and in the app.")
    for version, ns in (("1.2", XLIFF12_NS), ("2.0", XLIFF2_NS)):
        out = tmp_path / f"metro-{version}.xlf"
        export_xliff(store, "metro.html", out, version=version)
        root = etree.parse(str(out)).getroot()
        unit = root.find(f".//*[@id='{link.id}']")
        src = unit.find(f".//{{{ns}}}source")
        pair = "g" if version == "1.2" else "pc"
        outer = src.find(f"{{{ns}}}{pair}")
        assert outer is not None and outer.get("id") == "1" and outer.text == "на сайте "
        assert outer.find(f"{{{ns}}}{pair}").text == "городского"
        tgt = unit.find(f".//{{{ns}}}target")
        assert tgt.find(f"{{{ns}}}{pair}").get("id") == "1"
        if version == "2.0":
            data = {d.get("id"): d.text for d in unit.iter(f"{{{ns}}}data")}
            assert data["d1o"].startswith('<a href="https://example.org/metro') and data["d2c"] == "</i>"
        else:
            assert outer.get("ctype") == "link"
        # translate-toolkit (what many tools build on) reads the file and sees the text of the codes
        from translate.storage import xliff as tt_xliff
        from translate.storage import xliff2 as tt_xliff2

        tt = (tt_xliff.xlifffile if version == "1.2" else tt_xliff2.Xliff2File).parsefile(str(out))
        tt_unit = next(u for u in tt.units if u.getid().split("\x04")[-1] == link.id)
        assert "на сайте городского транспорта" in str(tt_unit.source)
        xf = read_xliff(out)
        got = next(u for u in xf.units if u.id == link.id)
        assert got.source == inline.tagged(link.text, inline.codes_of(link.inline))
        assert got.target == "Details are <1>on the <2>city</2> transport site</1> and in the app."
    # a CAT tool moves the tags; the import keeps them as tokens in the English
    xml = etree.parse(str(out))
    tgt = xml.getroot().find(f".//*[@id='{link.id}']").find(f".//{{{XLIFF2_NS}}}target")
    for el in list(tgt):
        tgt.remove(el)
    tgt.text = "Details are "
    sc = etree.SubElement(tgt, f"{{{XLIFF2_NS}}}sc", id="2")
    sc.tail = "on the city"
    ec = etree.SubElement(tgt, f"{{{XLIFF2_NS}}}ec", startRef="2")
    ec.tail = " site "
    pc = etree.SubElement(tgt, f"{{{XLIFF2_NS}}}pc", id="1")
    pc.text = "here"
    pc.tail = "."
    xml.write(str(out), xml_declaration=True, encoding="UTF-8")
    report = import_xliff(store, out, "tester")
    assert next(r for r in report.results if r.unit_id == link.id).action == "edited"
    assert store.english_for([link.id])[link.id].text == "Details are <2>on the city</2> site <1>here</1>."


def test_xliff_12_unbalanced_english_uses_bx_ex(imported, store: Store, tmp_path):
    from lxml import etree

    from workbench.exchange.xliff import XLIFF12_NS, export_xliff, read_xliff

    work = by_text(imported, "Работы")
    save(store, work.id, "Work went on </1>around the clock<1>.")
    out = tmp_path / "m.xlf"
    export_xliff(store, "metro.html", out, version="1.2")
    tgt = etree.parse(str(out)).getroot().find(f".//*[@id='{work.id}']").find(f"{{{XLIFF12_NS}}}target")
    assert [etree.QName(c).localname for c in tgt] == ["ex", "bx"]
    got = next(u for u in read_xliff(out).units if u.id == work.id)
    assert got.target == "Work went on </1>around the clock<1>."


def test_tmx_inline_codes_are_valid_tmx14(imported, store: Store, tmp_path):
    from lxml import etree

    from workbench.exchange.tmx import export_tmx, read_tmx

    from .test_exchange_tmx import tmx_dtd

    link = by_text(imported, "Подробности")
    area = by_text(imported, "Площадь")
    save(store, link.id, "Details are <1>on the <2>city</2> transport site</1> and in the app.")
    save(store, area.id, "The hall covers 10<1>3</1>\xa0m², water is H<2>2</2>O, <1>.")
    out = tmp_path / "m.tmx"
    export_tmx(store, "doc:metro.html", out, include_mt=True)
    tree = etree.parse(str(out))
    assert tmx_dtd().validate(tree), tmx_dtd().error_log
    tu = next(t for t in tree.iter("tu") if any(p.text == link.id for p in t.iter("prop")))
    src, en = [tuv.find("seg") for tuv in tu.iter("tuv")]
    assert [(c.tag, c.get("i"), c.text) for c in src] == [
        ("bpt", "1", '<a href="https://example.org/metro?line=2&amp;x=1">'), ("bpt", "2", "<i>"),
        ("ept", "2", "</i>"), ("ept", "1", "</a>")]
    assert [c.tag for c in en] == ["bpt", "bpt", "ept", "ept"]
    area_tu = next(t for t in tree.iter("tu") if any(p.text == area.id for p in t.iter("prop")))
    en = list(area_tu.iter("seg"))[1]
    assert [c.tag for c in en] == ["bpt", "ept", "bpt", "ept", "it"]  # the stray <1> is an isolated tag
    # reading the TMX back into the memory keeps the text, without the codes
    units = {u.tuid: u for u in read_tmx(out)}
    assert dict(units[link.id].variants)["en"] == "Details are on the city transport site and in the app."


def test_html_export_restores_the_markup(imported, store: Store, tmp_path):
    from lxml import html as lhtml

    from workbench.exchange.htmlpage import export_html

    texts = {
        "Новая станция": "New metro station to open in spring",
        "Мэр города": "The mayor said the <1>new station</1> opens in April.",
        "Подробности": "Details are <1>on the <2>city</2> transport site</1> and in the app.",
        "Площадь": "The hall will cover 10<1>3</1>\xa0square metres, and water is H<2>2</2>O.",
        "Строительство": "Construction began long ago.",
        "Работы": "Work went on <1>around the clock</1> without <2>days off</2>.",
    }
    for start, english in texts.items():
        save(store, by_text(imported, start).id, english)
    out = tmp_path / "metro.en.html"
    report = export_html(store, "metro.html", out)
    assert report.units == len(texts)
    raw = out.read_text("utf-8")
    assert '<p>The mayor said the <b>new station</b> opens in April. Details are ' \
           '<a href="https://example.org/metro?line=2&amp;x=1">on the <i>city</i> transport site</a> and in the app.' \
           '</p>' in raw
    assert "10<sup>3</sup>&nbsp;square metres" in raw and "H<sub>2</sub>O" in raw
    assert "<p>Construction began long ago.<br>Work went on <strong>around the clock</strong> without " \
           "<em>days off</em>.</p>" in raw
    assert "<h1>New metro station to open in spring</h1>" in raw
    # boilerplate and untranslated lines keep their source, marked with its language
    assert '<figure>\n<figcaption><span lang="ru">Сергей Лавров. Фото: ТАСС</span></figcaption>\n</figure>' in raw
    page = lhtml.fromstring(raw.encode("utf-8"))
    assert page.findtext(".//title") == "New metro station to open in spring"
    assert "javascript" not in raw


def test_cli_export_html(run_cli, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    assert run_cli("import", str(page)).returncode == 0
    out = tmp_path / "out.html"
    done = run_cli("export", "html", "page.html", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "<b>новая станция</b>" in out.read_text("utf-8")
    bad = run_cli("export", "html", "no-such-doc", "-o", str(out))
    assert bad.returncode == 2 and "no-such-doc" in bad.stderr


# --- the editor --------------------------------------------------------------------------------
def test_editor_shows_tag_chips_and_inserts_the_next_missing_tag(env):  # noqa: F811
    from tests.test_app import htmls, no_exceptions, open_segment, sign_in
    from workbench.config import load_config

    doc = page_doc(load_config())
    env.add_documents([doc], story=None, actor="t")
    stored = env.document("metro.html")
    mayor = by_text(stored, "Мэр города")
    at = open_segment(sign_in("ann"), stored.id, mayor.id)
    no_exceptions(at)
    page = htmls(at)
    assert '<span class="wb-tag" title="&lt;b&gt;">&lt;1&gt;</span>' in page  # the opening chip, markup on hover
    assert '<span class="wb-tag" title="&lt;/b&gt;">&lt;/1&gt;</span>' in page
    assert any("`<1>`" in c.value and "`</1>`" in c.value for c in at.caption)
    at.text_area[0].input("The mayor said the new station opens in April.")
    at.button(key="editor_insert_tag").click().run()
    no_exceptions(at)
    assert at.text_area[0].value == "The mayor said the new station opens in April.<1>"
    assert at.button(key="editor_place_tags").disabled  # no word alignment stored yet
    # with a word alignment of the saved English, the tags go around the linked words
    save(env, mayor.id, "The mayor said the new station opens in April.")
    # мэр-mayor, новая-new, станция-station (source words 0, 4, 5; English words 1, 4, 5)
    env.save_word_alignment(mayor.id, "The mayor said the new station opens in April.", [(0, 1), (4, 4), (5, 5)],
                            "test")
    at = open_segment(sign_in("ann"), stored.id, mayor.id)
    at.button(key="editor_place_tags").click().run()
    no_exceptions(at)
    assert at.text_area[0].value == "The mayor said the <1>new station</1> opens in April."
    # "copy source" brings the tags along
    at.button(key="editor_copy_source").click().run()
    assert at.text_area[0].value == "Мэр города сообщил, что <1>новая станция</1> откроется в апреле."
