"""Language identification: Russian, Ukrainian, English or other, per document and per paragraph.

Letters that exist in only one of the two languages decide most cases (і ї є ґ vs ы э ъ ё); the
share of words each pymorphy3 dictionary knows decides the rest (short lines, names, numbers).
"""

from __future__ import annotations

import re

from .. import morph
from ..text import RU_ONLY, UK_ONLY, words

_EN_FUNCTION_WORDS = frozenset(
    "the a an of to in and or is are was were be been you your we our they their he she it this that "
    "with for on at by from as also may like more read about video not but have has will".split()
)


def _cyrillic_share(text: str) -> tuple[int, int]:
    letters = [c for c in text if c.isalpha()]
    cyr = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    return cyr, len(letters)


def detect(text: str) -> str:
    """'ru', 'uk', 'en' or 'other' for a stretch of text."""
    cyr, letters = _cyrillic_share(text)
    if letters == 0:
        return "other"
    if cyr / letters < 0.5:
        toks = [t.text.lower() for t in words(text)]
        latin = [t for t in toks if re.fullmatch(r"[a-z']+", t)]
        if latin and (sum(t in _EN_FUNCTION_WORDS for t in latin) / len(latin) >= 0.15 or len(latin) <= 3
                      and any(t in _EN_FUNCTION_WORDS for t in latin)):
            return "en"
        return "other"
    ru = sum(text.count(c) for c in RU_ONLY)
    uk = sum(text.count(c) for c in UK_ONLY)
    # ' and ʼ inside words are Ukrainian apostrophes ("зв’язок"): a Ukrainian letter of sorts.
    uk += len(re.findall(r"[а-яіїєґ][’ʼ'][а-яіїєґ]", text, re.I))
    if ru + uk >= 3 or (ru + uk and letters < 60):
        if uk > 2 * ru:
            return "uk"
        if ru > 2 * uk:
            return "ru"
    ru_cov, uk_cov = morph.coverage(text, "ru"), morph.coverage(text, "uk")
    if abs(ru_cov - uk_cov) < 0.02:
        return "uk" if uk > ru else "ru" if ru > uk else ("ru" if ru_cov >= uk_cov else "uk")
    return "ru" if ru_cov > uk_cov else "uk"


def detect_document(paragraphs: list[str]) -> str:
    """The language of the document: the Cyrillic language of most content, weighted by length."""
    weights: dict[str, int] = {}
    for p in paragraphs:
        lang = detect(p)
        weights[lang] = weights.get(lang, 0) + len(p)
    if not weights:
        return "other"
    cyr = {k: v for k, v in weights.items() if k in ("ru", "uk")}
    if cyr and sum(cyr.values()) >= 0.3 * sum(weights.values()):
        return max(cyr, key=cyr.__getitem__)
    return max(weights, key=weights.__getitem__)
