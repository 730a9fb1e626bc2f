"""Source-side artifacts: what machine-translated or badly pasted Russian/Ukrainian text looks like.

The rules read the source alone, so they also work on a text nobody has translated yet: a lemma
repeated within a few words where no idiom explains it, a stray full stop followed by a lowercase
fragment, a verbless fragment split off the previous sentence, doubled punctuation, a sentence cut
off mid-phrase, a foreign agency name translated word by word in a credit line, and words mixing
Cyrillic and Latin letters.
"""

from __future__ import annotations

import re

from .. import morph
from ..glossary import lemma
from ..text import Token, script_of, words
from .base import (
    CONJUNCTIONS,
    LIGHT_LEMMAS,
    PREPOSITIONS,
    SUBORDINATORS,
    DocView,
    Emitter,
    all_pos,
    check,
    grammemes,
    is_content_word,
    is_finite_predicate,
    is_function_word,
    is_proper,
    low,
    short,
    tokens,
)

# A note: on WMT21 it fires 5.0 times per 100 human Russian sentences vs 6.9 on MT (ratio 1.4),
# and the words it marks are no likelier wrong than any word (issue 11).
REPETITION = check("artifacts.repetition", "repetition", "note",
                   "the same lemma twice within a few words with content between (not idioms like "
                   "'шаг за шагом', 'рік у рік', 'X without X')")
TAUTOLOGY = check("artifacts.tautology", "repetition", "warning",
                  "two neighbouring words of the same root ('зобов'язувальні зобов'язання')")
STRAY_STOP = check("artifacts.stray_stop", "broken_sentence", "error",
                   "a full stop followed by a lowercase fragment (abbreviations such as 'т. е.', '2022 р.' excepted)")
FRAGMENT = check("artifacts.fragment", "broken_sentence", "warning",
                 "a verbless fragment starting with a preposition or conjunction, split off the previous sentence")
DOUBLED = check("artifacts.doubled_punctuation", "doubled_punctuation", "warning",
                "doubled or clashing punctuation ('..', ',,', ',.'), source and English")
CUT_OFF = check("artifacts.cut_off", "cut_off", "error",
                "a sentence without end punctuation that stops on a preposition, conjunction or adjective")
CREDIT = check("artifacts.credit_translated", "credit_translated", "warning",
               "a foreign agency or brand name in a credit line translated word by word ('Гетти Изображений')")
MIXED_SCRIPT = check("artifacts.mixed_script", "mixed_script", "error",
                     "a word mixing Cyrillic and Latin letters (look-alike letters), source and English")

CHECKS = (REPETITION, TAUTOLOGY, STRAY_STOP, FRAGMENT, DOUBLED, CUT_OFF, CREDIT, MIXED_SCRIPT)

WINDOW = 8  # words: a repeat further apart reads as style, not as a doubled rendering
_END = re.compile(r"[.!?…]+[\"'»”“)\]]*\s*$")
_DOUBLED = re.compile(r"(?<![.…])(\.\.)(?![.…])|([,;:!?])\2+|[,;:][.!?]|[.!?][,;:]|,\s+[,.]")
_STOP_LOWER = re.compile(r"(?<![.…])\.\s+([a-zа-яёіїєґ])")
_VOWELS = set("аеёиоуыэюяіїєaeiouy")


def _is_abbreviation(text: str, dot: int, lang: str) -> bool:
    """Whether the full stop at `dot` closes an abbreviation ("т. е.", "2022 р.", "млн.", "ул.")."""
    m = re.search(r"([^\W\d_]+)$", text[:dot])
    if not m:
        return True  # after a digit or a symbol: "5. пункт" is numbering, not a broken sentence
    w = m.group(1)
    before = text[:m.start()].rstrip()
    if len(w) <= 2 or not (set(w.lower()) & _VOWELS) or w.isupper():
        return True
    if before[-1:].isdigit() or before.endswith("."):  # "2022 р.", "10 тыс.", "т. е."
        return True
    if lang in ("ru", "uk"):
        g = grammemes(w, lang)
        if "Abbr" in g or (len(w) <= 5 and not morph.is_known(w, lang)):
            return True
    return False


def _abbreviation_stop(text: str, m: re.Match[str], lang: str) -> bool:
    """Whether a full stop before a comma, colon or semicolon ends an abbreviation ("в 2016 г., когда",
    "до н. э., пьеса", "Apple Inc., the"): the stop belongs to the word, the comma to the sentence."""
    if not re.fullmatch(r"\.[,;:]", m.group()):
        return False
    word = re.search(r"([^\W\d_]+)$", text[:m.start()])
    if word and word.group(1)[:1].isupper() and len(word.group(1)) <= 4:
        return True  # "Inc.", "Corp.", "Ore.": a short capitalised word before a stop is abbreviated
    return _is_abbreviation(text, m.start(), lang)


def _repetitions(text: str, lang: str) -> list[tuple[int, int, str, str]]:
    """(start, end, first word, second word) of lemma repeats that no idiom or parallel explains."""
    toks = tokens(text)
    lemmas = [lemma(t.text, lang) for t in toks]
    content = [is_content_word(t.text, lang) for t in toks]
    found = []
    for j in range(len(toks)):
        if not content[j] or lemmas[j] in LIGHT_LEMMAS:
            continue
        for i in range(max(0, j - WINDOW), j):
            if lemmas[i] != lemmas[j] or not content[i]:
                continue
            # The repeated unit: the longest run of equal lemmas through i and j.
            a = 0
            while i - a - 1 >= 0 and lemmas[i - a - 1] == lemmas[j - a - 1] and j - a - 1 > i:
                a += 1
            k = 1
            while i + k < j - a and j + k < len(toks) and lemmas[i + k] == lemmas[j + k]:
                k += 1
            i0, j0, i1, j1 = i - a, j - a, i + k, j + k  # blocks [i0, i1) and [j0, j1)
            between = text[toks[i1 - 1].end:toks[j0].start]
            if re.search(r"[.!?;:]", between) or (is_proper(toks[i].text, lang) and j - i > 6):
                continue
            # Idioms and slogans repeat a word across a preposition or conjunction only:
            # "шаг за шагом", "рік у рік", "ничего о нас без нас", "союзників без наших союзників".
            if not any(content[g] for g in range(i1, j0)):
                continue
            single = sum(content[x] for x in range(i0, i1)) == 1
            if single and _parallel(toks, content, i1, j0, j1, text, lang):
                continue
            # a common word again in another form ("Страна вошла в список стран") is how Russian and
            # Ukrainian refer back; a doubled phrase repeats the form itself, several words or a name
            if single and low(toks[i].text) != low(toks[j].text) and not toks[j].text[:1].isupper():
                continue
            first = min(x for x in range(i0, i1) if content[x])
            last = max(x for x in range(j0, j1) if content[x])
            found.append((toks[first].start, toks[last].end, toks[i].text, toks[j].text))
            break
    return found


def _parallel(toks: list[Token], content: list[bool], i1: int, j0: int, j1: int, text: str, lang: str) -> bool:
    """Whether a single repeated word heads two parallel phrases ("с чувством надежды, а с чувством
    реальности", "президент Байден ... президента Росії") rather than doubling one."""
    if re.search(r"\s[—–]\s", text[toks[i1 - 1].end:toks[j0].start]):
        return True  # elliptic parallel: "доллар по 92,4 рубля, евро — по 99,8 рубля"
    g = j0 - 1
    while g >= i1 and is_function_word(toks[g].text, lang) and low(toks[g].text) not in CONJUNCTIONS[lang]:
        g -= 1
    if g >= i1 and low(toks[g].text) in CONJUNCTIONS[lang] and low(toks[g].text) not in SUBORDINATORS[lang]:
        return True

    def complement(x: int) -> str:
        """The word right after the repeated unit, when nothing but a space separates them."""
        if x >= len(toks) or text[toks[x - 1].end:toks[x].start].strip() or not content[x]:
            return ""
        return lemma(toks[x].text, lang)

    first, second = complement(i1), complement(j1)
    return bool(first and second and first != second)


def _merged(found: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Overlapping repeats as one span, named by their first pair."""
    out: list[tuple[int, int, str, str]] = []
    for s, e, a, b in sorted(found, key=lambda f: f[0]):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e), out[-1][2], out[-1][3])
        else:
            out.append((s, e, a, b))
    return out


def _tautologies(text: str, lang: str) -> list[tuple[int, int, str, str]]:
    toks = tokens(text)
    found = []
    for a, b in zip(toks, toks[1:], strict=False):
        wa, wb = low(a.text), low(b.text)
        if not (is_content_word(a.text, lang) and is_content_word(b.text, lang)):
            continue
        if is_proper(a.text, lang) or is_proper(b.text, lang) or lemma(a.text, lang) == lemma(b.text, lang):
            continue
        common = 0
        for x, y in zip(wa, wb, strict=False):
            if x != y:
                break
            common += 1
        if common >= 6 and common >= 0.5 * min(len(wa), len(wb)):
            found.append((a.start, b.end, a.text, b.text))
    return found


def _starts_dependent(tok: Token, lang: str) -> bool:
    w = low(tok.text)
    if w in PREPOSITIONS[lang] or w in SUBORDINATORS[lang]:
        return True
    return "PREP" in all_pos(tok.text, lang) and w not in CONJUNCTIONS[lang]


def _is_fragment(text: str, lang: str) -> bool:
    toks = tokens(text)
    if len(toks) < 2 or re.search(r"[—–]|\s-\s", text) or not _END.search(text):
        return False
    if not _starts_dependent(toks[0], lang):
        return False
    return not any(is_finite_predicate(t.text, lang) for t in toks)


def _cut_off(text: str, lang: str, role: str) -> bool:
    stripped = text.rstrip()
    if _END.search(stripped) or stripped.endswith(("»", "\"", "”", ")")):
        return False
    toks = tokens(stripped)
    if len(toks) < 3:  # too short to call a sentence, e.g. a stray "<!--"
        return False
    # A colon introduces what follows (a quotation in the next segment): not a cut-off.
    if stripped.endswith((",", "-", "—", "–", "(")):
        return True
    if not stripped.endswith(toks[-1].text):
        return False
    last = toks[-1].text
    w = low(last)
    if w in PREPOSITIONS[lang] or w in CONJUNCTIONS[lang]:
        return True
    if role == "heading":
        return False
    g = grammemes(last, lang)
    # An attribute with no noun after it: "заступник міністра закордонних". A nominative adjective
    # may be a predicate ("Уровень безработицы высокий"), so only oblique forms count.
    return bool(g & {"ADJF", "PRTF"}) and not g & {"Apro", "nomn"} and not is_proper(last, lang)


def _credit_line(item_role: str, reason: str, text: str) -> bool:
    return ("credit" in reason) or (item_role == "boilerplate" and text.count("|") >= 1) or bool(
        re.match(r"^(фото|photo|ілюстрація|иллюстрация|джерело|источник)\s*:", low(text)))


def _translated_names(text: str, lang: str) -> list[tuple[int, int]]:
    """Multi-word name parts where a capitalized common noun follows a foreign (unknown) name."""
    spans = []
    for part in re.finditer(r"[^|/,;:]+", text):
        toks = words(part.group())
        for a, b in zip(toks, toks[1:], strict=False):
            if not (a.text[:1].isupper() and b.text[:1].isupper()):
                continue
            if script_of(a.text[0]) != "cyrillic" or script_of(b.text[0]) != "cyrillic":
                continue
            g = grammemes(b.text, lang)
            foreign = not morph.is_known(a.text, lang) or bool(grammemes(a.text, lang) & {"Surn", "Name"})
            common_noun = "NOUN" in g and not is_proper(b.text, lang) and morph.is_known(b.text, lang)
            if foreign and common_noun:
                spans.append((part.start() + a.start, part.start() + b.end))
    return spans


_LATIN_AND_CYRILLIC = re.compile(r"[A-Za-z\u00c0-\u024f][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z\u00c0-\u024f]")


def _mixed_script(text: str) -> list[Token]:
    out: list[Token] = []
    if not _LATIN_AND_CYRILLIC.search(text):
        return out
    for m in re.finditer(r"[^\W\d_]+", text):
        scripts = {script_of(c) for c in m.group()}
        if {"cyrillic", "latin"} <= scripts:
            out.append(Token(m.group(), m.start(), m.end()))
    return out


def detect(view: DocView, emit: Emitter) -> None:
    for idx, item in enumerate(view.items):
        seg, text, lang = item.seg, item.seg.text, view.seg_lang(item)
        prose = seg.role in ("content", "heading") and lang in ("ru", "uk")
        sides = [("source", text)] if seg.role != "boilerplate" else []
        sides += [("target", item.english)] if item.english else []
        if emit.on(MIXED_SCRIPT):
            for side, s in sides:
                for t in _mixed_script(s):
                    emit.flag(MIXED_SCRIPT, seg.id, side, t.start, t.end,
                              f"'{t.text}' mixes Cyrillic and Latin letters that look alike; retype the word",
                              confidence=0.9)
        if emit.on(DOUBLED):
            for side, s in sides:
                for m in _DOUBLED.finditer(s):
                    if _abbreviation_stop(s, m, "en" if side == "target" else lang):
                        continue
                    emit.flag(DOUBLED, seg.id, side, m.start(), m.end(),
                              f"doubled punctuation '{m.group().strip()}'", confidence=0.6,
                              suggestion=m.group().strip()[-1:])
        if lang in ("ru", "uk") and emit.on(CREDIT) and _credit_line(seg.role, seg.role_reason, text):
            for s, e in _translated_names(text, lang):
                emit.flag(CREDIT, seg.id, "source", s, e,
                          f"'{text[s:e]}' looks like a foreign agency or brand name translated word by word; "
                          "credits keep the original name", confidence=0.7)
        if not prose:
            continue
        if emit.on(REPETITION):
            for s, e, a, b in _merged(_repetitions(text, lang)):
                emit.flag(REPETITION, seg.id, "source", s, e,
                          f"'{b}' repeats '{a}' a few words earlier; machine translation often doubles a phrase — "
                          "check what the original says", confidence=0.6)
        if emit.on(TAUTOLOGY):
            for s, e, a, b in _tautologies(text, lang):
                emit.flag(TAUTOLOGY, seg.id, "source", s, e,
                          f"'{a} {b}': two words of the same root side by side, a literal rendering "
                          "(e.g. 'binding commitments' as 'committing commitments')", confidence=0.5)
        if emit.on(STRAY_STOP):
            for m in _STOP_LOWER.finditer(text):
                if _is_abbreviation(text, m.start(), lang):
                    continue
                nxt = re.match(r"[^\W\d_]+", text[m.start(1):])
                end = m.start(1) + (nxt.end() if nxt else 1)
                prev = re.search(r"[^\W\d_]+$", text[:m.start()])
                start = prev.start() if prev else m.start()
                emit.flag(STRAY_STOP, seg.id, "source", start, end,
                          f"a full stop breaks the sentence before lowercase '{short(text[m.start(1):end])}'; "
                          "a clause was split or a word left over", confidence=0.8,
                          suggestion=text[start:m.start()] + " " + text[m.start(1):end])
        if emit.on(FRAGMENT) and seg.role == "content" and _is_fragment(text, lang) and _follows_sentence(view, idx):
            emit.flag(FRAGMENT, seg.id, "source", 0, len(text.rstrip()),
                      f"'{short(text)}' has no verb and starts like a dependent phrase: it was probably split off "
                      "the previous sentence", confidence=0.5)
        if emit.on(CUT_OFF) and _cut_off(text, lang, seg.role):
            toks = tokens(text)
            start = toks[-min(3, len(toks))].start
            emit.flag(CUT_OFF, seg.id, "source", start, len(text.rstrip()),
                      f"the sentence stops at '{short(text[start:].strip())}' without end punctuation: "
                      "cut off mid-phrase", confidence=0.7)


def _follows_sentence(view: DocView, idx: int) -> bool:
    """Whether the segment at position idx comes right after another sentence of the same paragraph."""
    if idx == 0:
        return False
    prev = view.items[idx - 1].seg
    return prev.paragraph == view.items[idx].seg.paragraph and prev.role == "content"
