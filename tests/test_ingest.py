"""Ingestion: languages, roles, encodings, HTML, offsets, stable ids, idempotent and atomic import."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from workbench.ingest import IngestError, build_document, import_bytes, import_paths, read_document
from workbench.ingest.langid import detect
from workbench.store import Store
from workbench.store.schema import DocumentRow, EventRow, SegmentRow
from workbench.text import normalize

from .conftest import CORPUS, SEED


def _doc(code: str, config):
    return read_document(SEED[code], config)


@pytest.mark.parametrize(("code", "lang"), [("000", "ru"), ("001", "uk"), ("002", "ru"), ("003", "uk"), ("004", "uk")])
def test_seed_document_language(code, lang, config):
    assert _doc(code, config).lang == lang


def test_segment_languages_follow_the_text(config):
    for code in SEED:
        doc = _doc(code, config)
        for seg in doc.segments:
            if seg.role != "boilerplate":
                assert seg.lang == doc.lang, (code, seg.text)
    roles = {s.text: s.lang for s in _doc("001", config).segments}
    assert roles["You May Also Like"] == "en"


def _roles(doc) -> dict[str, str]:
    """Roles by the segment's matching view (NBSP as space, apostrophes unified)."""
    return {normalize(s.text): s.role for s in doc.segments}


# Every boilerplate line the README claims, by document, and lines that must stay content.
BOILERPLATE = {
    "000": ["Спутник | АФП | Гетти Изображений", "Белый дом от Reuters"],
    "001": ["READ  Адам Делімханов отримав поранення в Україні", "You May Also Like",
            "About the Author: Gene Crawford", "Гордий фахівець з кави.", "Залишити відповідь",
            "Ваша e-mail адреса не оприлюднюватиметься.", "Обов'язкові поля позначені *",
            "Анна Чернова та Вероніка Страквалорсі з CNN зробили внесок у цю доповідь."],
    "002": ["Редактор ленты новостей", "Новая встреча Байдена с Путиным пока не…",
            "Фото: U.S. Embassy Kyiv Ukraine/Facebook", "Следите за новостями в Телеграм",
            "Подписывайтесь на нашу страницу Facebook", "Все новости на одном канале в Google News",
            "Читайте также: Подготовка к изоляции: Как НАТО поведет себя с ультиматумом Путина.", "deneme"],
    "003": ["- 10.01.2022, 19:45", "- 1 193", "Фото з сайту ТСН"],
    "004": ["США, Росія, прапори США та Росії, співпраця США Росія", "Related video", "Фото: Відкриті джерела",
            "США обговорять кроки щодо безпеки з Україною",
            "НАТО ракети в Європі, зброя НАТО, співпраця НАТО Fullscreen"],
}
CONTENT = {
    "000": ["Вторая встреча, назначенная на 30 декабря, была назначена на 30 декабря по просьбе Путина."],
    "001": ["Раніше Байден зазначав, що США не підуть на поступки щодо майбутнього НАТО чи України."],
    "002": ["Об этом он сказал на брифинге 21 декабря, сообщает Depo.ua."],
    "003": ["Про це повідомили на брифінгах заступник міністра закордонних"],
    "004": ["Прайс уточнив, що кроки США в межах гарантій безпеки не стануть поступками РФ."],
}
HEADINGS = {"000": 0, "001": 0, "002": 0, "003": 0, "004": 0}


@pytest.mark.parametrize("code", sorted(SEED))
def test_seed_roles(code, config):
    doc = _doc(code, config)
    roles = _roles(doc)
    for text in BOILERPLATE[code]:
        assert roles[text] == "boilerplate", text
    for text in CONTENT[code]:
        assert roles[text] == "content", text
    assert doc.segments[HEADINGS[code]].role == "heading"
    assert all(s.role_reason for s in doc.segments if s.role == "boilerplate")
    # The article body stays content: boilerplate is a small minority of the words.
    body = sum(len(s.text) for s in doc.segments if s.role == "content")
    assert body > 0.6 * sum(len(s.text) for s in doc.segments)


def test_subheadings_are_headings(config):
    assert _roles(_doc("003", config))["Що стосується України"] == "heading"
    assert _roles(_doc("004", config))["Розміщення ракет у Європі"] == "heading"


def test_roles_on_an_unseen_article():
    text = "\n".join([
        "Уряд ухвалив новий бюджет на 2025 рік",
        "- 12.03.2025, 08:15",
        "Фото: Getty Images",
        "Кабінет міністрів у вівторок затвердив проєкт державного бюджету, передає кореспондент агентства.",
        "Дивіться також: Як змінилися ціни на пальне",
        "Міністр фінансів заявив, що дефіцит скоротиться до 4 відсотків.",
        "Share this article",
        "Підписуйтесь на наш канал у Telegram",
        "Залишити коментар",
    ])
    roles = _roles(build_document(text, "unseen.txt"))
    assert roles["Уряд ухвалив новий бюджет на 2025 рік"] == "heading"
    assert roles["- 12.03.2025, 08:15"] == "boilerplate"
    assert roles["Фото: Getty Images"] == "boilerplate"
    assert roles["Дивіться також: Як змінилися ціни на пальне"] == "boilerplate"
    assert roles["Share this article"] == "boilerplate"
    assert roles["Підписуйтесь на наш канал у Telegram"] == "boilerplate"
    assert roles["Залишити коментар"] == "boilerplate"
    assert roles["Міністр фінансів заявив, що дефіцит скоротиться до 4 відсотків."] == "content"


@pytest.mark.parametrize(("text", "lang"), [
    ("Правительство объявило о новых мерах поддержки экономики.", "ru"),
    ("Уряд оголосив про нові заходи підтримки економіки.", "uk"),
    ("Министр заявил, что переговоры продолжатся.", "ru"),
    ("Міністр заявив, що переговори триватимуть.", "uk"),
    ("The minister said the talks would continue.", "en"),
    ("Der Minister sagte, die Gespräche würden fortgesetzt.", "other"),
    ("2022 — 10:45", "other"),
])
def test_language_of_unseen_sentences(text, lang):
    assert detect(text) == lang


def test_offsets_slice_the_original_text(config):
    for code in SEED:
        doc = _doc(code, config)
        assert doc.segments
        for seg in doc.segments:
            assert doc.text[seg.start:seg.end] == seg.text
        assert [s.index for s in doc.segments] == list(range(len(doc.segments)))


def test_original_text_kept_verbatim(config):
    raw = SEED["001"].read_text(encoding="utf-8")
    assert _doc("001", config).text == raw  # apostrophes ’ and quotes untouched


def test_segment_ids_are_stable(config):
    first = [s.id for s in _doc("002", config).segments]
    second = [s.id for s in _doc("002", config).segments]
    assert first == second and len(set(first)) == len(first)


RU_TEXT = "Заголовок статьи\n\nПравительство объявило о новых мерах. Министр финансов пояснил детали ёмко и чётко.\n"


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r", "utf-16", "utf-16-le", "utf-8-sig", "utf-8"])
def test_encodings(encoding, tmp_path, config):
    path = tmp_path / f"article-{encoding}.txt"
    path.write_bytes(RU_TEXT.encode(encoding))
    doc = read_document(path, config)
    assert doc.text.lstrip("\ufeff") == RU_TEXT
    assert doc.lang == "ru"
    assert [s.text for s in doc.segments][:2] == ["Заголовок статьи", "Правительство объявило о новых мерах."]


def test_ukrainian_cp1251(tmp_path, config):
    text = "Уряд ухвалив рішення щодо підтримки громад. Міністр пояснив, що кошти надійдуть у квітні.\n"
    path = tmp_path / "uk.txt"
    path.write_bytes(text.encode("cp1251"))
    doc = read_document(path, config)
    assert doc.text == text and doc.lang == "uk"


def test_html_article_text_only(tmp_path, config):
    html = """<!doctype html><html><head><title>Новини</title><style>p{color:red}</style>
    <script>var tracking = "Ігнорувати цей код";</script></head><body>
    <nav><a href="/">Головна</a> <a href="/news">Новини</a></nav>
    <header>Логотип сайту</header>
    <article><h1>Уряд ухвалив бюджет</h1>
    <p>Кабінет міністрів затвердив проєкт бюджету на наступний рік.</p>
    <p>Міністр фінансів заявив, що дефіцит скоротиться &amp; стабілізується.</p></article>
    <footer>© 2025 Усі права захищено</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    doc = read_document(path, config)
    assert "Ігнорувати" not in doc.text and "Головна" not in doc.text and "Логотип" not in doc.text
    assert "права захищено" not in doc.text and "color" not in doc.text
    texts = [s.text for s in doc.segments]
    assert texts == ["Уряд ухвалив бюджет", "Кабінет міністрів затвердив проєкт бюджету на наступний рік.",
                     "Міністр фінансів заявив, що дефіцит скоротиться & стабілізується."]
    assert doc.segments[0].role == "heading" and doc.lang == "uk" and doc.title == "Новини"


def _counts(store: Store) -> tuple[int, int, int]:
    with store.transaction() as s:
        return (s.scalar(select(func.count()).select_from(DocumentRow)),
                s.scalar(select(func.count()).select_from(SegmentRow)),
                s.scalar(select(func.count()).select_from(EventRow)))


def test_reimport_is_a_no_op(seeded: Store, config):
    before = _counts(seeded)
    ids = [s.id for s in seeded.segments("000")]
    report = import_paths(seeded, [CORPUS], config)
    assert report.added == [] and len(report.unchanged) == 5
    assert _counts(seeded) == before
    assert [s.id for s in seeded.segments("000")] == ids


def test_same_text_under_another_name_is_not_duplicated(seeded: Store, config, tmp_path):
    copy = tmp_path / "renamed.txt"
    copy.write_bytes(SEED["003"].read_bytes())
    report = import_paths(seeded, [copy], config)
    assert report.added == [] and report.unchanged[0].name == SEED["003"].name


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    cases = {
        "empty": (b"", "empty file"),
        "blank": (b"  \n\n \t", "empty file"),
        "binary": (bytes(range(256)) * 20, "binary"),
        "undecodable": (b"\x81\x98\xff\xfe\x00\x00\x81" * 50 + b"\xc3\x28" * 100, ""),
    }
    out = {}
    for name, (data, reason) in cases.items():
        p = tmp_path / f"{name}.txt"
        p.write_bytes(data)
        out[name] = (p, reason)
    big = tmp_path / "big.txt"
    big.write_bytes(("Очень длинный текст новости. " * 40).encode() + b"\n")
    out["too-large"] = (big, "over the import limit")
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    out["unsupported"] = (pdf, "unsupported file type")
    out["missing"] = (tmp_path / "nope.txt", "no such file")
    return out


@pytest.mark.parametrize("case", ["empty", "blank", "binary", "undecodable", "too-large", "unsupported", "missing"])
def test_bad_input_leaves_store_untouched(case, seeded: Store, config, tmp_path):
    path, reason = _bad_inputs(tmp_path)[case]
    good = tmp_path / "good.txt"
    good.write_text("Новая статья о переговорах.\nДипломаты встретились в Вене.\n", encoding="utf-8")
    before = _counts(seeded)
    small = config.with_overrides(max_import_bytes=1000)
    with pytest.raises(IngestError) as err:
        import_paths(seeded, [good, path], small)
    message = str(err.value)
    assert "\n" not in message and path.name in message and reason in message
    assert _counts(seeded) == before  # the good file was not imported either


def test_cli_bad_input_exit_code_and_one_line(run_cli, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    result = run_cli("import", str(bad))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "bad.txt" in result.stderr and "binary" in result.stderr
    listed = run_cli("docs", "--format", "jsonl")
    assert listed.returncode == 0 and listed.stdout == ""


def test_upload_names_cannot_escape(store: Store, config):
    report = import_bytes(store, "../../etc/evil.txt", "Статья о переговорах в Женеве.".encode(), config)
    assert report.added[0].name == "evil.txt"
    with pytest.raises(IngestError):
        import_bytes(store, "..", b"text", config)


def test_stories_proposed_and_assigned(seeded: Store, config):
    stories = seeded.stories()
    assert stories and all(s.proposed for s in stories)
    grouped = {d for s in stories for d in s.doc_ids}
    assert len(grouped) >= 4
    story = seeded.assign_story(["000", "001"], "talks", "tester")
    assert story.doc_ids == [seeded.document("000").id, seeded.document("001").id]
    assert not story.proposed


def test_import_with_story(store: Store, config):
    report = import_paths(store, [SEED["001"], SEED["003"]], config, story="geneva")
    assert len(report.added) == 2 and report.proposed_stories == {}
    assert store.story("geneva").doc_ids == [d.id for d in report.added]


def test_document_sha_is_of_decoded_text(config):
    doc = _doc("004", config)
    assert doc.sha256 == hashlib.sha256(doc.text.encode()).hexdigest()


def test_last_paragraph_above_a_closing_credit_stays_content():
    text = ("Уряд ухвалив бюджет\n\nКабінет міністрів затвердив проєкт бюджету на наступний рік.\n\n"
            "Міністр пояснив, що видатки на оборону зростуть.\n\nФото: Getty Images\n")
    roles = _roles(build_document(text, "closing-credit.txt"))
    assert roles["Міністр пояснив, що видатки на оборону зростуть."] == "content"
    assert roles["Фото: Getty Images"] == "boilerplate"
