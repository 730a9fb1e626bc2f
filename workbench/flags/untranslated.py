"""Words left untranslated: ordinary English words in Russian/Ukrainian text, Cyrillic words in English.

Machine translation into Russian leaves English words it could not render ("бустерные shots"),
and a Russian article may itself be MT of English, so the ru/uk side is read on its own. A Latin
word counts as an ordinary word left over only on general evidence: it is lowercase, Hunspell's
en_US dictionary knows it in lowercase, and it is not part of a name (a run of Latin words with a
capitalised or all-caps word: "State of the Union", "iPhone"), a URL, e-mail, hashtag, handle,
code, a unit symbol or a model number (anything with digits or inner dots, slashes, @, #, _).
A name in Latin letters is a note, except one that Russian (Ukrainian) text commonly writes that
way: wordfreq has seen it at least 3 times per million words of text in the language ("Facebook",
"BBC", "iPhone"), where editorial practice keeps brands and media in Latin (on en-ru-dev-2022 such
capitalised words were 17 % BAD, unseen ones 55 %).
On the English side every Cyrillic word is a leftover, except a domain name (".рф") and a
Cyrillic letter standing for a Latin unit letter after a number ("22°С").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import hunspell
from ..frequency import zipf
from .base import CYRILLIC, EN_FUNCTION_WORDS, DocView, Emitter, check

LATIN_LEFT = check("untranslated.latin", "untranslated", "error",
                   "ordinary English words (lowercase, in the en_US dictionary) left in Russian/Ukrainian text; "
                   "names, acronyms, URLs, code and units excepted")
LATIN_NAME = check("untranslated.latin_name", "untranslated", "note",
                   "a name left in Latin letters in Russian/Ukrainian text (news transliterates people and places; "
                   "brands and acronyms may stay)")
CYRILLIC_LEFT = check("untranslated.cyrillic", "untranslated", "error",
                      "Cyrillic words left in the English (domain names and look-alike unit letters excepted)",
                      needs="translation")

CHECKS = (LATIN_LEFT, LATIN_NAME, CYRILLIC_LEFT)

_CHUNK = re.compile(r"\S+")
_EDGE = "\"'«»“”„‘’‹›()[]{}<>,.;:!?…—–-*/"
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+(?:['’ʼ-][\u0400-\u04ff]+)*")

# Zipf frequency (3.5: about three per million words) from which a Latin word is one the language's
# own text commonly writes in Latin letters.
COMMON_IN_LATIN = 3.5


def written_in_latin(name: str, lang: str) -> bool:
    """Whether Russian/Ukrainian text commonly writes this name in Latin letters (a brand or a
    medium kept as it is: "Twitter", "BBC"), by wordfreq's counts of the language's text; for a
    name of several words, its every word with a capital."""
    found = _LATIN_WORD.findall(name)
    words = [w for w in found if not w.islower()] or found  # "iPhone" is a name too
    return bool(words) and all((zipf(w, lang) or 0.0) >= COMMON_IN_LATIN for w in words)


# Unit symbols and the few Latin tokens Russian and Ukrainian typography uses as they are: closed
# classes of the writing system, not vocabulary of any text.
UNITS = frozenset("km kg mg ml cm mm nm dm m g l t s h min sec kb mb gb tb kw kwh mw mwh gw hz khz mhz ghz mph kph "
                  "fps rpm ppm ppb dpi px pt am pm vs etc ca cf ibid e-mail email online offline ok wi-fi wifi "
                  "feat ft ex via".split())
# Quotes and brackets may stand around a run without breaking it.
_OPENERS = "\"'«“„‘‹(["
_CLOSERS = "\"'»”“’›)]"


@dataclass
class _Word:
    text: str
    start: int
    end: int
    joins_next: bool  # nothing but spaces between this word and the next chunk


def _latin_runs(text: str) -> list[list[_Word]]:
    """Runs of Latin words separated only by spaces (quotes may open and close the run)."""
    runs: list[list[_Word]] = []
    current: list[_Word] = []
    for m in _CHUNK.finditer(text):
        chunk = m.group()
        lead = len(chunk) - len(chunk.lstrip(_EDGE))
        core = chunk.strip(_EDGE)
        trail = len(chunk) - lead - len(core)
        word = _LATIN_WORD.fullmatch(core) if core else None
        if not word or (lead and not set(chunk[:lead]) <= set(_OPENERS)):
            if current:
                runs.append(current)
            current = []
            if word:  # "(word" or "«word": a run may start here
                current = [_Word(core, m.start() + lead, m.start() + lead + len(core), not trail)]
            continue
        if lead and current:
            runs.append(current)
            current = []
        current.append(_Word(core, m.start() + lead, m.start() + lead + len(core), not trail))
        if trail:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _is_name_like(w: str) -> bool:
    return any(c.isupper() for c in w)


def _title_case(w: str) -> bool:
    return len(w) >= 3 and w[0].isupper() and w[1:].replace("'", "").replace("-", "").islower()


def leftover_english(text: str) -> tuple[list[tuple[int, int, list[str]]], list[tuple[int, int]]]:
    """Spans of ordinary English words in ru/uk text (with the words Hunspell en_US knows), and
    spans of Latin names (title-case words of a run that is a name, not a sentence)."""
    out: list[tuple[int, int, list[str]]] = []
    names: list[tuple[int, int]] = []
    runs = _latin_runs(text)
    latin = sum(len(r) for r in runs)
    cyrillic = len(_CYRILLIC_WORD.findall(text))
    if latin >= 4 and latin >= 1.5 * cyrillic:
        # A sentence mostly in English ("Tsunami and Quake Devastate an Island (англ.)"): the
        # English itself is left untranslated, title case or not.
        for run in runs:
            known = [w.text for w in run if len(w.text) >= 2 and hunspell.known(w.text.lower(), "en")]
            if known and not all(w.text.isupper() for w in run):
                out.append((run[0].start, run[-1].end, known))
        return out, names
    for run in runs:
        if any(_is_name_like(w.text) for w in run):
            # A name, title or acronym ("Face the Nation", "NATO", "iPhone") has lowercase function
            # words at most; a lowercase content word makes the run an English phrase left over.
            content = [w.text for w in run if w.text.islower() and len(w.text) >= 3
                       and w.text not in EN_FUNCTION_WORDS and hunspell.known(w.text, "en")]
            if not content or (len(content) == 1 and len(run) < 3):  # "Associated press": a name miswritten
                names += [(w.start, w.end) for w in run if _title_case(w.text)]
                continue
        before = text[max(0, run[0].start - 2):run[0].start]
        after = text[run[-1].end:run[-1].end + 2]
        if re.search(r"[@#$_\\/\d]$", before) or re.match(r"[@_\\/\d]|\.\w", after):
            continue  # a handle, a hashtag, a path or a model number
        known = [w.text for w in run if len(w.text) >= 2 and w.text.lower() not in UNITS
                 and hunspell.known(w.text, "en")]
        if known and 2 * len(known) >= len(run):
            out.append((run[0].start, run[-1].end, known))
    return out, names


def leftover_cyrillic(english: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for m in _CHUNK.finditer(english):
        chunk = m.group()
        if not CYRILLIC.search(chunk):
            continue
        core = chunk.strip(_EDGE)
        if re.search(r"\w\.\w", core):
            continue  # a domain name: "стопкоронавирус.рф"
        for w in _CYRILLIC_WORD.finditer(chunk):
            s = m.start() + w.start()
            if len(w.group()) == 1 and re.search(r"[\d°]\s?$", english[max(0, s - 2):s]):
                continue  # "22°С": a Cyrillic look-alike of the unit letter, not a word
            out.append((s, s + len(w.group()), w.group()))
    return out


def detect(view: DocView, emit: Emitter) -> None:
    if emit.any_on([LATIN_LEFT, LATIN_NAME]) and any(view.seg_lang(i) for i in view.items):
        if not hunspell.available("en"):
            emit.skip([LATIN_LEFT, LATIN_NAME], hunspell.missing_note("en"))
        else:
            for item in view.items:
                if item.seg.role == "boilerplate" or not view.seg_lang(item) or not CYRILLIC.search(item.seg.text):
                    continue
                found, names = leftover_english(item.seg.text)
                lang = view.seg_lang(item)
                for s, e in names:
                    if written_in_latin(item.seg.text[s:e], lang):
                        continue
                    # A name en_US knows is more often a brand kept on purpose ("Twitter") than a
                    # person or place the translation failed to transliterate.
                    brand = hunspell.known(item.seg.text[s:e], "en")
                    emit.flag(LATIN_NAME, item.seg.id, "source", s, e,
                              f"'{item.seg.text[s:e]}' is a name left in Latin letters: transliterate it unless it "
                              "is a brand kept as it is", confidence=0.3 if brand else 0.7)
                for s, e, known in found:
                    n = len(known)
                    emit.flag(LATIN_LEFT, item.seg.id, "source", s, e,
                              f"'{item.seg.text[s:e]}' is English left untranslated "
                              f"({'an ordinary English word' if n == 1 else f'{n} ordinary English words'})",
                              confidence=0.6 + 0.1 * min(n, 4) if max(map(len, known)) >= 4 else 0.4)
    if emit.on(CYRILLIC_LEFT):
        for item in view.with_english:
            for s, e, w in leftover_cyrillic(item.english):
                emit.flag(CYRILLIC_LEFT, item.seg.id, "target", s, e,
                          f"'{w}' is Cyrillic left untranslated in the English", confidence=0.9)
