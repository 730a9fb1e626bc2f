"""Sentence boundaries razdel misses, fixed by general rules; held-out sentences written for this test."""

from __future__ import annotations

import pytest

from workbench.ingest.segment import sentences


@pytest.mark.parametrize("text, expected", [
    # A full stop after a whole word before a digit-led sentence ends the sentence.
    ("Переговоры шли долгий час. 12-го числа стороны подписали договор.",
     ["Переговоры шли долгий час.", "12-го числа стороны подписали договор."]),
    ("Засідання тривало лише годину. 14 депутатів пішли раніше.",
     ["Засідання тривало лише годину.", "14 депутатів пішли раніше."]),
    ("Ми чекали на потяг цілий час. 3-го вересня він нарешті прийшов.",
     ["Ми чекали на потяг цілий час.", "3-го вересня він нарешті прийшов."]),
    # A single capital letter before a clause-opening word is a label, not an initial.
    ("Утечку нашли в секторе B. На месте работают спасатели.",
     ["Утечку нашли в секторе B.", "На месте работают спасатели."]),
    ("Колону зупинили біля блокпоста Д. Після перевірки її пропустили.",
     ["Колону зупинили біля блокпоста Д.", "Після перевірки її пропустили."]),
    ("Пробу взяли з резервуара K. Але результатів ще немає.",
     ["Пробу взяли з резервуара K.", "Але результатів ще немає."]),
])
def test_missed_boundaries_are_split(text: str, expected: list[str]) -> None:
    spans = sentences(text)
    assert [s.text for s in spans] == expected
    assert all(text[s.start:s.end] == s.text for s in spans)  # offsets still point into the text


@pytest.mark.parametrize("text", [
    "Подробности см. в ст. 27 кодекса.",  # abbreviations before numbers
    "Таблица приведена на стр. 8 отчёта.",
    "Открытие назначено на 9 час. 15 мин. утра.",  # units after a number
    "Рішення ухвалили у 2019 р. 40 голосами.",
    "Доклад прочитал Н. Петренко из Харькова.",  # initials before names
    "Листа підписав Т. Г. Шевченко власноруч.",
    "Поэт А. С. Грин жил в Крыму.",
])
def test_abbreviations_and_initials_stay_inside_the_sentence(text: str) -> None:
    assert [s.text for s in sentences(text)] == [text]
