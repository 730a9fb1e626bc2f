"""Text utilities shared by every stage: the normalized matching view, words, numbers and dates.

The original text is never changed; these functions build views of it for comparison only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Ukrainian apostrophe variants seen in the wild; one form for matching.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_SPACES = re.compile(r"[\u00a0\u2007\u202f\u2009\u200a]")

RU_ONLY = set("ыэъёЫЭЪЁ")
UK_ONLY = set("іїєґІЇЄҐ")

WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019\u02bc-][^\W\d_]+)*", re.UNICODE)
NUMBER_RE = re.compile(r"(?<![\w.,])\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?(?![\w])")


def normalize(text: str) -> str:
    """The matching view: NFC, non-breaking spaces as spaces, apostrophes unified.

    Length-preserving for everything but NFC composition, which the callers that need offsets
    avoid by normalizing token by token.
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).translate(_APOSTROPHES)


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def words(text: str) -> list[Token]:
    """Alphabetic words with offsets (apostrophes and hyphens inside a word kept)."""
    return [Token(m.group(), m.start(), m.end()) for m in WORD_RE.finditer(text)]


def numbers(text: str) -> list[Token]:
    """Numbers with offsets; thousands separators and decimal commas are allowed inside."""
    return [Token(m.group(), m.start(), m.end()) for m in NUMBER_RE.finditer(text)]


def number_value(token: str) -> str:
    """A canonical form for comparing numbers across languages: '10 000' == '10000', '7,5' == '7.5'."""
    compact = re.sub(r"[ \u00a0\u202f]", "", token)
    if re.fullmatch(r"\d{1,3}(,\d{3})+", compact):  # English thousands separator
        compact = compact.replace(",", "")
    return compact.replace(",", ".")


# Month names in every case form used in dates ("10 января", "10 січня", "January 10").
_MONTH_STEMS = {
    1: ("январ", "січ", "январь", "january", "jan"),
    2: ("феврал", "лют", "february", "feb"),
    3: ("март", "берез", "march", "mar"),
    4: ("апрел", "квіт", "april", "apr"),
    5: ("ма", "трав", "may"),
    6: ("июн", "черв", "june", "jun"),
    7: ("июл", "лип", "july", "jul"),
    8: ("август", "серп", "august", "aug"),
    9: ("сентябр", "верес", "september", "sep"),
    10: ("октябр", "жовт", "october", "oct"),
    11: ("ноябр", "листопад", "november", "nov"),
    12: ("декабр", "груд", "december", "dec"),
}
_MONTH_WORDS = {
    "ru": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря"],
    "uk": ["січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня",
           "листопада", "грудня"],
    "en": ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"],
}
_MONTH_FORMS: dict[str, int] = {}
for _lang_forms in _MONTH_WORDS.values():
    for _i, _form in enumerate(_lang_forms, start=1):
        _MONTH_FORMS[_form] = _i
# nominative and other case forms
for _form, _m in {
    "январь": 1, "февраль": 2, "март": 3, "апрель": 4, "май": 5, "июнь": 6, "июль": 7, "август": 8,
    "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12, "январе": 1, "феврале": 2, "марте": 3,
    "апреле": 4, "мае": 5, "июне": 6, "июле": 7, "августе": 8, "сентябре": 9, "октябре": 10, "ноябре": 11,
    "декабре": 12, "січень": 1, "лютий": 2, "березень": 3, "квітень": 4, "травень": 5, "червень": 6,
    "липень": 7, "серпень": 8, "вересень": 9, "жовтень": 10, "листопад": 11, "грудень": 12, "січні": 1,
    "лютому": 2, "березні": 3, "квітні": 4, "травні": 5, "червні": 6, "липні": 7, "серпні": 8, "вересні": 9,
    "жовтні": 10, "листопаді": 11, "грудні": 12,
}.items():
    _MONTH_FORMS[_form] = _m

# English ordinals may follow the day: "July 26th", "26th of July".
_DATE_DM = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+([^\W\d_]+)", re.UNICODE)
_DATE_MD = re.compile(r"\b([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b")
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{2,4})\b")


_EN_MONTH_ABBREVIATIONS = {m[:3]: i for i, m in enumerate(_MONTH_WORDS["en"], start=1)} | {"sept": 9}


def month_number(word: str) -> int | None:
    """The month of a month name in any case form, or an English abbreviation ("Dec", "Sept")."""
    w = word.lower()
    return _MONTH_FORMS.get(w) or (_EN_MONTH_ABBREVIATIONS.get(w) if word[:1].isupper() else None)


def dates(text: str) -> list[tuple[Token, str]]:
    """Day-month dates with a language-independent key 'MM-DD' ("10 января" == "10 січня" == "January 10")."""
    found: list[tuple[Token, str]] = []
    for m in _DATE_DM.finditer(text):
        month = month_number(m.group(2))
        day = int(m.group(1))
        if month and 1 <= day <= 31:
            found.append((Token(m.group(), m.start(), m.end()), f"{month:02d}-{day:02d}"))
    for m in _DATE_MD.finditer(text):
        month = month_number(m.group(1))
        day = int(m.group(2))
        if month and 1 <= day <= 31:
            found.append((Token(m.group(), m.start(), m.end()), f"{month:02d}-{day:02d}"))
    for m in _DATE_NUMERIC.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            found.append((Token(m.group(), m.start(), m.end()), f"{month:02d}-{day:02d}"))
    return found


def script_of(ch: str) -> str:
    """'cyrillic', 'latin' or '' for a letter's script."""
    if not ch.isalpha():
        return ""
    name = unicodedata.name(ch, "")
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    if name.startswith("LATIN"):
        return "latin"
    return "other"


# Romanization used to compare Russian and Ukrainian spellings of the same word ("Путин"/"Путін").
_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch", "ш": "sh",
    "щ": "sch", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "u", "я": "a", "'": "",
})


def translit(text: str) -> str:
    """A coarse Latin skeleton of Cyrillic text in which Russian and Ukrainian cognates coincide."""
    return normalize(text).lower().translate(_TRANSLIT)
