"""Translation-memory lookups: fuzzy suggestions and concordance over the memory and the project."""

from __future__ import annotations

import random

import pytest

from workbench.records import TMUnit
from workbench.store import Store
from workbench.tm import concordance, suggestions

from .test_exchange_scenario import Project, build_project

# Held-out sentences (not from the corpus), as a memory imported from elsewhere.
MEMORY = [
    ("Министр иностранных дел провёл переговоры с коллегой из Польши.",
     "The foreign minister held talks with his Polish counterpart."),
    ("Цены на газ в Европе выросли на десять процентов за неделю.",
     "Gas prices in Europe rose by ten percent in a week."),
    ("Парламент одобрил закон о бюджете на следующий год.",
     "Parliament approved the budget law for next year."),
    ("Прекращение огня нарушалось несколько раз за ночь.",
     "The ceasefire was violated several times overnight."),
]
UK_MEMORY = [("Уряд оголосив про нові санкції проти банків.", "The government announced new sanctions on banks.")]



@pytest.fixture
def project(seeded: Store) -> Project:
    return build_project(seeded)

def fill(store: Store) -> None:
    store.add_tm_units([TMUnit("ru", s, "en", t, "agency.tmx", change_id="vera") for s, t in MEMORY] +
                       [TMUnit("uk", s, "en", t, "agency.tmx") for s, t in UK_MEMORY])


def test_fuzzy_match_from_the_memory(store: Store) -> None:
    fill(store)
    query = "Министр иностранных дел провёл переговоры с коллегой из Венгрии."
    [best, *_rest] = suggestions(store, query, "ru")
    assert best.target == "The foreign minister held talks with his Polish counterpart."
    assert best.kind == "tm" and best.origin == "agency.tmx" and best.author == "vera"
    assert 75 < best.score < 100
    exact = suggestions(store, MEMORY[1][0], "ru")[0]
    assert exact.score == 100.0 and exact.target == MEMORY[1][1]
    # Whitespace differences do not lower an exact match.
    assert suggestions(store, "  " + MEMORY[1][0].replace(" ", "  "), "ru")[0].score == 100.0


def test_unrelated_text_and_other_language_give_nothing(store: Store) -> None:
    fill(store)
    assert suggestions(store, "Футбольный клуб подписал нового вратаря.", "ru") == []
    assert suggestions(store, MEMORY[0][0], "uk") == []  # a ru sentence in the uk memory
    assert suggestions(store, UK_MEMORY[0][0], "uk")[0].score == 100.0
    assert suggestions(store, "", "ru") == []


def test_min_score_and_limit(store: Store) -> None:
    fill(store)
    query = "Цены на нефть в Европе выросли на пять процентов за месяц."
    loose = suggestions(store, query, "ru", limit=5, min_score=30)
    strict = suggestions(store, query, "ru", min_score=90)
    assert loose and loose[0].target == MEMORY[1][1]
    assert strict == []
    assert [s.score for s in loose] == sorted((s.score for s in loose), reverse=True)
    assert len(suggestions(store, query, "ru", limit=1, min_score=1)) == 1


def test_project_segments_with_english_are_suggested(project: Project) -> None:
    store = project.store
    seg = project.ru[0]
    query = seg.text.replace("твердых", "конкретных")
    [best, *_] = suggestions(store, query, "ru")
    assert best.kind == "segment" and best.segment_id == seg.id
    assert best.target.startswith("The United States said") and best.author == "bob"
    assert best.origin == "000_610044b63f9e47d7.txt" and best.status == "edited"
    # The segment being edited is not its own suggestion.
    assert all(s.segment_id != seg.id for s in suggestions(store, seg.text, "ru", exclude={seg.id}))
    # A segment without English (document 002 is not translated) is never suggested.
    untranslated = store.document("002_").segments[5]
    assert all(s.segment_id != untranslated.id for s in suggestions(store, untranslated.text, "ru"))


def test_suggestions_see_new_memory_and_fresh_english(project: Project) -> None:
    store = project.store
    seg = project.ru[1]
    first = suggestions(store, seg.text, "ru")[0]
    assert first.target.startswith("MT ") and first.author == "mt:marian"
    store.save_edit(seg.id, "WASHINGTON —", "carl", 0)
    again = suggestions(store, seg.text, "ru")[0]
    assert again.target == "WASHINGTON —" and again.author == "carl" and again.status == "edited"
    fill(store)  # the index is rebuilt when units are added
    assert suggestions(store, MEMORY[2][0], "ru")[0].target == MEMORY[2][1]


def test_human_english_ranks_before_machine_translation_at_equal_score(project: Project) -> None:
    store = project.store
    seg = project.ru[1]
    store.add_tm_units([TMUnit("ru", seg.text, "en", "WASHINGTON (agency)", "agency.tmx")])
    results = suggestions(store, seg.text, "ru")
    assert [s.score for s in results[:2]] == [100.0, 100.0]
    assert results[0].target == "WASHINGTON (agency)"  # the memory's human translation
    assert results[1].author == "mt:marian"


def test_prefilter_keeps_the_match_among_many_units(store: Store) -> None:
    rng = random.Random(7)
    vocab = ("власти заявили что в районе продолжается работа спасателей после сильного шторма который "
             "повредил дома дороги и линии электропередачи в нескольких областях страны").split()
    noise = [TMUnit("ru", " ".join(rng.choices(vocab, k=rng.randint(6, 18))) + ".", "en", f"noise {i}", "n.tmx")
             for i in range(20000)]
    store.add_tm_units(noise)
    fill(store)
    query = "Прекращение огня нарушалось много раз за ночь."
    best = suggestions(store, query, "ru")[0]
    assert best.target == MEMORY[3][1]


def test_concordance_finds_inflected_forms_and_their_translations(project: Project) -> None:
    store = project.store
    fill(store)
    hits = concordance(store, "шокирующая позиция", "ru")
    [hit] = [h for h in hits if h.kind == "segment"]
    assert hit.source[hit.start:hit.end].lower() == "шокирующей позиции"
    assert hit.segment_id == project.ru[3].id and hit.status == "approved"
    assert hit.target == "Talks between Washington and Moscow took place."
    memory_hits = concordance(store, "переговоры", "ru")
    sources = {h.source for h in memory_hits}
    assert MEMORY[0][0] in sources  # "провёл переговоры"
    assert any("переговорам" in h.source[h.start:h.end] for h in memory_hits)  # "перед переговорами"
    for h in memory_hits:
        assert h.source[h.start:h.end].lower().startswith("переговор")
    # Translated occurrences come first.
    flags = [bool(h.target) for h in memory_hits]
    assert flags == sorted(flags, reverse=True)


def test_concordance_in_ukrainian_english_and_limits(project: Project) -> None:
    store = project.store
    fill(store)
    uk, untranslated = concordance(store, "нові санкції", "uk")
    assert uk.target == UK_MEMORY[0][1] and uk.source[uk.start:uk.end] == "нові санкції"
    # Document 003 has the phrase too but no English yet: listed after the translated occurrence.
    assert untranslated.origin.startswith("003_") and untranslated.target == ""
    assert untranslated.source[untranslated.start:untranslated.end] == "нові санкції"
    english = concordance(store, "security talks", "en")
    assert any(h.segment_id == project.ru[0].id for h in english)
    for h in english:
        assert h.target[h.start:h.end].lower() == "security talks"
    assert len(concordance(store, "в", "ru", limit=3)) <= 3
    assert concordance(store, "   ", "ru") == []
    assert concordance(store, "необнаружимаяфраза", "ru") == []
