"""Hunspell dictionaries (ru_RU, uk_UA, en_US) through spylls, the pure-Python port of Hunspell.

The dictionaries are the system's (Debian `hunspell-ru`, `hunspell-uk`, `hunspell-en-us`, which
`scripts/system-deps.sh` installs); they are looked for in $DICPATH (Hunspell's own variable),
then /usr/share/hunspell and /usr/share/myspell. A missing dictionary is not an error: `available`
says so and the checks that need it are skipped with a note. Loading takes 1-5 s per language,
once per process; lookups are cached.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from .text import normalize

NAMES = {"ru": "ru_RU", "uk": "uk_UA", "en": "en_US"}
_DEFAULT_DIRS = ("/usr/share/hunspell", "/usr/share/myspell", "/usr/share/myspell/dicts")


def _dirs() -> list[Path]:
    extra = [p for p in os.environ.get("DICPATH", "").split(os.pathsep) if p]
    return [Path(p) for p in (*extra, *_DEFAULT_DIRS)]


def path_of(lang: str) -> Path | None:
    """The dictionary's path without extension ('/usr/share/hunspell/ru_RU'), or None when absent."""
    name = NAMES.get(lang)
    if not name:
        return None
    for folder in _dirs():
        if (folder / f"{name}.dic").is_file() and (folder / f"{name}.aff").is_file():
            return folder / name
    return None


@lru_cache(maxsize=4)
def dictionary(lang: str) -> Any | None:
    """The loaded spylls Dictionary for 'ru', 'uk' or 'en'; None when it or spylls is missing."""
    path = path_of(lang)
    if path is None:
        return None
    try:
        from spylls.hunspell import Dictionary
    except ImportError:
        return None
    try:
        return Dictionary.from_files(str(path))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def available(lang: str) -> bool:
    return dictionary(lang) is not None


def missing_note(lang: str) -> str:
    name = NAMES.get(lang, lang)
    return (f"no Hunspell dictionary {name} (install the Debian package hunspell-{'en-us' if lang == 'en' else lang} "
            "and the Python package spylls, or set DICPATH)")


@lru_cache(maxsize=300_000)
def known(word: str, lang: str) -> bool:
    """Whether Hunspell accepts the word as spelled (case rules included: 'Paris' yes, 'paris' no).

    Ukrainian apostrophes are unified first, and a Russian 'ё' may be written 'е'. False when the
    dictionary is absent (callers check `available` first).
    """
    d = dictionary(lang)
    if d is None:
        return False
    w = normalize(word)
    try:
        if d.lookup(w):
            return True
        if lang == "ru" and "ё" in w and d.lookup(w.replace("ё", "е")):
            return True
    except (IndexError, KeyError, ValueError, RecursionError):
        return False  # spylls trips over a few odd inputs; an unreadable word is not a known one
    return False


def forget() -> None:
    """Drop the loaded dictionaries and cached lookups (after DICPATH or the system's files change)."""
    dictionary.cache_clear()
    known.cache_clear()
