"""Non-words in Russian and Ukrainian text: words neither Hunspell nor pymorphy3's dictionary knows.

A misspelling ("вторгется") or a word machine translation made up is unknown to both the
language's Hunspell dictionary (ru_RU, uk_UA) and pymorphy3's dictionary (OpenCorpora, VESUM);
either one knowing it is enough, so a word form one of them lacks is not flagged. An unknown
word counts as a misspelling only when a dictionary word lies one edit away and, by wordfreq's
counts of running text, is far more common than the form written (the noisy-channel rule: a typo
is much rarer than the word it misses, "агенства" / "агентства"; "спрей" / "сопрей" is the other
way round); loanwords and new coinages the dictionaries lack usually have no such neighbour and
are only a note (in machine translation such words are as often wrong as the near misses, in
human text mostly right), and none at all when wordfreq has seen them in running text. Names
(any capitalised word: the dictionaries lack most foreign names), abbreviations and all-caps
words, words of fewer than four letters or before a full stop (abbreviations), and words joined
to digits or Latin letters are left alone. Without the dictionaries the checks are skipped with a note.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .. import hunspell, morph
from ..frequency import zipf
from ..text import normalize
from .base import DocView, Emitter, check, grammemes

NON_WORD = check("spelling.non_word", "misspelling", "warning",
                 "a lowercase ru/uk word that neither Hunspell (ru_RU/uk_UA) nor pymorphy3's dictionary knows, one "
                 "letter from a word they do: a misspelling")

UNKNOWN = check("spelling.unknown", "unknown_word", "note",
                "a lowercase ru/uk word neither dictionary knows, with no dictionary word one letter away: a loanword, "
                "a new coinage or a word machine translation made up")

CHECKS = (NON_WORD, UNKNOWN)

MIN_LETTERS = 4
_WORD = re.compile(r"(?<![\w\-'’ʼ])[\u0400-\u04ff]+(?:['’ʼ-][\u0400-\u04ff]+)*(?![\w\-'’ʼ])")


# Productive prefixes of Russian and Ukrainian word formation (closed class): "не" + a known word
# is a word ("нерозширення", "несмертельный"), and so is "анти", "само", "пост" + a known word.
PREFIXES = {"ru": ("не", "без", "анти", "пост", "псевдо", "само", "супер", "ультра", "контр", "нео", "полу",
                   "меж", "сверх", "около", "вне", "внутри", "противо", "над", "под", "пере", "до", "недо"),
            "uk": ("не", "без", "анти", "пост", "псевдо", "само", "супер", "ультра", "контр", "нео", "напів",
                   "між", "понад", "поза", "всередині", "протидо", "над", "під", "пере", "до", "недо")}


def _compound(w: str, lang: str) -> bool:
    """A prefix and a known word, or two known words joined by a linking o/e ("светошумовой")."""
    known = morph.analyzer(lang).word_is_known
    for p in PREFIXES[lang]:
        if w.startswith(p) and len(w) - len(p) >= 4 and known(w[len(p):]):
            return True
    return any(w[i] in "ое" and known(w[:i]) and known(w[i + 1:]) for i in range(3, len(w) - 4))


@lru_cache(maxsize=300_000)
def is_known(word: str, lang: str) -> bool:
    """Whether either dictionary of the language knows the word (a hyphenated word: each part), or
    it is a regular compound of words they know."""
    w = normalize(word)
    if hunspell.known(w, lang) or morph.is_known(w, lang) or _compound(w.lower(), lang):
        return True
    if "-" in w:
        parts = [p for p in w.split("-") if p]
        return all(len(p) < MIN_LETTERS or hunspell.known(p, lang) or morph.is_known(p, lang) for p in parts)
    return False


# Letters whose exchange is a spelling variant, not a misspelling ("хэштег"/"хештег").
_VARIANTS = ({"е", "э"}, {"е", "ё"}, {"и", "і"}, {"е", "є"})
ALPHABETS = {"ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'"}


# How much more common (Zipf points, a factor of 10 each) the dictionary word must be than the form
# written for the form to be its misspelling: typos are rare, attested variants are not.
MORE_COMMON = 1.0


def _candidates(w: str, lang: str) -> list[str]:
    """Strings one edit from `w`, the commonest typos first: a letter left out, two letters swapped,
    a letter doubled or added, a letter mistyped."""
    letters = ALPHABETS[lang]
    # Edits inside the word only: a changed first letter or a letter added or dropped at the end
    # mostly makes another word ("спрей"/"прей", "пошагово"/"пошаговое"), not the intended one.
    splits = [(w[:i], w[i:]) for i in range(1, len(w))]
    out = [a + c + b for a, b in splits for c in letters]
    out += [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1 and b[0] != b[1]]
    out += [a + b[1:] for a, b in splits if len(b) > 1]
    out += [a + c + b[1:] for a, b in splits for c in letters if c != b[0] and {c, b[0]} not in _VARIANTS]
    return out


@lru_cache(maxsize=50_000)
def near_miss(word: str, lang: str) -> str:
    """The dictionary word one edit away (a letter dropped, added, changed or two swapped) that
    `word` misspells, or ''.

    Of the dictionary words one edit away the commonest in running text is the likeliest intended
    one (the first found when there are no frequencies). It counts only when it is far more common
    than `word` itself: an unknown word without such a neighbour is more often a loanword or a name
    the dictionaries lack ("тачдаун", "спрей"), which the check leaves alone. Candidates are looked
    up in pymorphy3's dictionary (a fast DAWG lookup).
    """
    known = morph.analyzer(lang).word_is_known
    w = word.lower()
    found = list(dict.fromkeys(c for c in _candidates(w, lang) if len(c) >= MIN_LETTERS and known(c)))
    if not found:
        return ""
    own = zipf(w, lang)
    if own is None:
        return found[0]
    freq = {c: zipf(c, lang) or 0.0 for c in found}
    best = max(found, key=lambda c: freq[c])  # max keeps the first of equals: the commoner typo
    return best if freq[best] - own >= MORE_COMMON else ""


def attested(word: str, lang: str) -> bool:
    """Whether wordfreq has seen the word in running text (its lists keep words found in several
    independent sources): a form people write, not one a machine made up."""
    return bool(zipf(word, lang))


def non_words(text: str, lang: str) -> list[tuple[int, int, str, str]]:
    """(start, end, word, nearest dictionary word) of the lowercase Cyrillic words no dictionary of
    `lang` knows; the nearest word is '' when none lies one edit away."""
    out = []
    for m in _WORD.finditer(text):
        w = m.group()
        if len(w) < MIN_LETTERS or not w.islower():
            continue  # short words are often abbreviations; capitalised ones names
        if is_known(w, lang) or "Abbr" in grammemes(w, lang):
            continue
        if text[m.end():m.end() + 1] == ".":
            continue  # an unknown word before a full stop is most often an abbreviation ("сокр.", "обл.")
        out.append((m.start(), m.end(), w, near_miss(w, lang)))
    return out


def detect(view: DocView, emit: Emitter) -> None:
    if not emit.any_on(CHECKS):
        return
    langs = {view.seg_lang(i) for i in view.items} - {""}
    missing = sorted(lang for lang in langs if not hunspell.available(lang))
    if missing:
        emit.skip(CHECKS, "; ".join(hunspell.missing_note(lang) for lang in missing))
    for item in view.items:
        lang = view.seg_lang(item)
        if not lang or lang in missing or item.seg.role == "boilerplate":
            continue
        for s, e, w, near in non_words(item.seg.text, lang):
            if not near:
                if attested(w, lang):
                    continue
                emit.flag(UNKNOWN, item.seg.id, "source", s, e,
                          f"'{w}' is in neither the {hunspell.NAMES[lang]} Hunspell dictionary nor pymorphy3's",
                          confidence=0.5)
                continue
            emit.flag(NON_WORD, item.seg.id, "source", s, e,
                      f"'{w}' is in neither the {hunspell.NAMES[lang]} Hunspell dictionary nor pymorphy3's: "
                      f"a misspelling of '{near}'?", confidence=0.6, suggestion=near)
