"""Morphology for Russian and Ukrainian through pymorphy3: lemmas and dictionary coverage.

The analyzers are loaded once per process (each takes ~0.5 s and ~15 MB).
"""

from __future__ import annotations

import importlib
from functools import lru_cache

import pymorphy3

from .text import normalize, words


@lru_cache(maxsize=2)
def analyzer(lang: str) -> pymorphy3.MorphAnalyzer:
    if lang not in ("ru", "uk"):
        raise ValueError(f"no morphology for language {lang!r} (ru or uk)")
    try:  # the dictionary package's own path: finding it by language scans every installed package
        dicts = importlib.import_module(f"pymorphy3_dicts_{lang}")
        return pymorphy3.MorphAnalyzer(path=dicts.get_path(), lang=lang)
    except ImportError:
        return pymorphy3.MorphAnalyzer(lang=lang)


def parses(word: str, lang: str) -> list:
    """pymorphy3's parses, or none for characters it cannot look at (it raises ValueError on
    letters without a Unicode name, e.g. Tangut ideographs)."""
    try:
        return analyzer(lang).parse(normalize(word))
    except ValueError:
        return []


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """The most likely dictionary form, lowercased; unknown words come back lowercased as they are."""
    if lang not in ("ru", "uk"):
        return normalize(word).lower()
    found = parses(word, lang)
    return found[0].normal_form.replace("ё", "е") if found else normalize(word).lower()


@lru_cache(maxsize=200_000)
def is_known(word: str, lang: str) -> bool:
    """Whether the word is in the language's dictionary (not guessed by suffix)."""
    if lang not in ("ru", "uk"):
        return False
    return analyzer(lang).word_is_known(normalize(word).lower())


@lru_cache(maxsize=200_000)
def pos(word: str, lang: str) -> str:
    """Part of speech tag of the most likely parse ('' when unknown)."""
    if lang not in ("ru", "uk"):
        return ""
    found = parses(word, lang)
    return str(found[0].tag.POS or "") if found else ""


def lemmas(text: str, lang: str) -> list[str]:
    return [lemma(t.text, lang) for t in words(text)]


def coverage(text: str, lang: str) -> float:
    """Share of the text's Cyrillic words that the language's dictionary knows."""
    cyr = [t.text for t in words(text) if any("\u0400" <= c <= "\u04ff" for c in t.text)]
    if not cyr:
        return 0.0
    return sum(is_known(w, lang) for w in cyr) / len(cyr)
