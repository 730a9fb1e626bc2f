"""Glossary files and morphology-aware term matching in Russian and Ukrainian."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.config import Config
from workbench.errors import WorkbenchError
from workbench.flags import file_terms, glossary_files
from workbench.glossary import english_present, load_glossary_file, match_terms, write_glossary_file
from workbench.records import Term

ROOT = Path(__file__).resolve().parents[1]


def term(lang: str, source: str, english: str = "x", kind: str = "term") -> Term:
    return Term(None, lang, source, english, status="approved", kind=kind)


@pytest.mark.parametrize(("lang", "source", "text", "found"), [
    ("ru", "шокирующая позиция", "на фоне шокирующей позиции войск", "шокирующей позиции"),
    ("ru", "шокирующая позиция", "о шокирующих позициях армии", "шокирующих позициях"),
    ("ru", "Государственный департамент", "в Государственном департаменте заявили", "Государственном департаменте"),
    ("ru", "диалог по стратегической стабильности", "в рамках диалога по стратегической стабильности",
     "диалога по стратегической стабильности"),
    ("uk", "шокуюча позиція", "на тлі шокуючої позиції військ", "шокуючої позиції"),
    ("uk", "Рада національної безпеки", "речник Ради національної безпеки США", "Ради національної безпеки"),
    ("uk", "Державний департамент", "у Державному департаменті заявили", "Державному департаменті"),
    ("uk", "угруповання 5-го дивізіону", "напад угруповання 5-го дивізіону на країну", "угруповання 5-го дивізіону"),
])
def test_every_inflected_form_matches(lang: str, source: str, text: str, found: str) -> None:
    (m,) = match_terms(text, lang, [term(lang, source)])
    assert text[m.start:m.end] == found


def test_terms_of_the_other_language_and_partial_phrases_do_not_match() -> None:
    assert match_terms("на фоне шокирующей позиции", "uk", [term("ru", "шокирующая позиция")]) == []
    assert match_terms("позиция войск осталась прежней", "ru", [term("ru", "шокирующая позиция")]) == []


def test_english_present_tolerates_case_and_plural() -> None:
    assert english_present("security guarantee", "Russia wants Security Guarantees from NATO")
    assert english_present("State Department", "the State Department said")
    assert not english_present("State Department", "the department of the state said")


def test_starter_glossaries_cover_the_domain_in_both_languages() -> None:
    files = glossary_files(Config())
    assert {p.name for p in files} >= {"security_ru.tsv", "security_uk.tsv"}
    terms = file_terms(Config())
    for lang in ("ru", "uk"):
        english = {t.english for t in terms if t.lang == lang and t.kind == "term"}
        assert {"NATO", "Article 5 of the Washington Treaty", "State Department", "OSCE",
                "Strategic Stability Dialogue", "National Security Council", "Biden", "Putin", "Blinken", "Sherman",
                "Ryabkov", "Ned Price", "Stoltenberg", "Donfried"} <= english
        bad = {t.english for t in terms if t.lang == lang and t.kind == "bad"}
        assert {"alarming build-up", "Article 5"} <= bad
    # Every starter term is matched in its own dictionary form.
    for t in terms:
        assert match_terms(t.source, t.lang, [t]), t


def test_glossary_dir_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "mine.tsv").write_text("lang\tsource\tenglish\tstatus\tkind\tnote\nru\tКремль\tKremlin\tapproved\tterm\t\n",
                                       encoding="utf-8")
    cfg = Config(glossary_dir=tmp_path)
    assert [p.name for p in glossary_files(cfg)] == ["mine.tsv"]
    assert [t.english for t in file_terms(cfg)] == ["Kremlin"]


@pytest.mark.parametrize(("content", "message"), [
    ("lang\tsource\tenglish\tstatus\n", "missing glossary column(s) kind, note"),
    ("lang\tsource\tenglish\tstatus\tkind\tnote\nde\tX\tY\tapproved\tterm\t\n", ":2: lang 'de'"),
    ("lang\tsource\tenglish\tstatus\tkind\tnote\nru\tКремль\tKremlin\tmaybe\tterm\t\n", ":2: status 'maybe'"),
    ("# c\nlang\tsource\tenglish\tstatus\tkind\tnote\nru\tКремль\tKremlin\tapproved\tword\t\n", ":3: kind 'word'"),
    ("lang\tsource\tenglish\tstatus\tkind\tnote\nru\t\tKremlin\tapproved\tterm\t\n", ":2: source and english"),
    ("lang\tsource\tenglish\tstatus\tkind\tnote\nru\t5-7\tfive\tapproved\tterm\t\n", ":2: source '5-7' has no words"),
    ("", "empty glossary"),
])
def test_bad_glossary_files_name_the_line_and_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "g.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(WorkbenchError, match=message.replace("(", r"\(").replace(")", r"\)")) as exc:
        load_glossary_file(path)
    assert str(path) in str(exc.value) and "\n" not in str(exc.value)


def test_undecodable_glossary_file(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_bytes("lang\tsource\n".encode("utf-16"))
    with pytest.raises(WorkbenchError, match="cannot read glossary"):
        load_glossary_file(path)


def test_write_and_read_back(tmp_path: Path) -> None:
    """The one glossary table pair round-trips any text: tabs, line breaks, quotes, formula-like cells."""
    terms = [Term(None, "uk", "Білий дім", "White House", "approved", "term", "note\twith tab"),
             Term(None, "ru", "шокирующая позиция", "alarming build-up", "proposed", "bad", ""),
             Term(None, "ru", "МИД", 'the "MFA" abbreviation', "approved", "term", "line one\nline two"),
             Term(None, "uk", "плюс", "=1+1", "proposed", "term", "'-quoted already"),
             Term(None, "ru", "минус", "-minus", "rejected", "term", "''=two quotes")]
    for suffix in (".tsv", ".csv"):
        path = tmp_path / f"out{suffix}"
        write_glossary_file(terms, path)
        back = load_glossary_file(path)
        assert [(t.lang, t.source, t.english, t.status, t.kind, t.note) for t in back] == [
            (t.lang, t.source, t.english, t.status, t.kind, t.note) for t in terms]
        raw = path.read_text(encoding="utf-8")
        assert "'=1+1" in raw and "'-minus" in raw  # spreadsheet-safe on disk
