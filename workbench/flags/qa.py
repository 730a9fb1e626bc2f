"""The classic QA checks translators know from Xbench, Trados QA Checker, OmegaT and MateCat.

On the source alone: repeated words, double spaces, space before punctuation, unpaired brackets and
quotes (per paragraph, since a quotation may run over several sentences), quote conventions mixed
in one document, Russian-only letters in Ukrainian text and Ukrainian-only letters in Russian text,
a decimal point where ru/uk write a comma. Source <-> English: empty or untranslated English,
inconsistent translations, end punctuation, URLs/e-mails/Latin acronyms, and the same mechanical
checks on the English side. (Numbers and the length ratio are `consistency` checks.)
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..text import RU_ONLY, UK_ONLY, normalize
from .base import CYRILLIC, DocView, Emitter, SegmentView, check, has_cyrillic, short, tokens

EMPTY = check("qa.empty", "empty_translation", "error", "a translated segment whose English is empty",
              needs="translation")
IDENTICAL = check("qa.identical", "untranslated", "error", "English identical to the Cyrillic source",
                  needs="translation")
INCONSISTENT = check("qa.inconsistent", "inconsistent_translation", "warning",
                     "the same source translated differently in the document, or different sources translated the same",
                     needs="translation")
REPEATED = check("qa.repeated_word", "repeated_word", "warning", "the same word twice in a row ('в в', 'the the')")
DOUBLE_SPACE = check("qa.double_space", "double_space", "note", "two or more spaces in a row")
SPACING = check("qa.spacing", "spacing", "note", "a space before a comma, full stop, colon or closing quote")
BRACKETS = check("qa.brackets", "unpaired_bracket", "warning", "a bracket without its partner in the paragraph")
QUOTES = check("qa.quotes", "unpaired_quote", "warning",
               "a quote mark without its partner in the paragraph, or a quotation opened and closed with different marks")
QUOTE_STYLE = check("qa.quote_style", "quote_style", "note",
                    "quotations marked with different conventions in one document («» vs “” vs \"\"), «» in English")
END_PUNCT = check("qa.end_punctuation", "end_punctuation", "note", "the English ends with different punctuation",
                  needs="translation")
TOKENS = check("qa.tokens", "token_mismatch", "warning",
               "URLs, e-mail addresses and Latin acronyms of the source missing from the English", needs="translation")
LETTERS = check("qa.letter_mixing", "letter_mixing", "error",
                "Russian-only letters (ы э ъ ё) in Ukrainian text, Ukrainian-only letters (і ї є ґ) in Russian text")
DECIMAL = check("qa.decimal", "decimal_separator", "note",
                "a decimal point in ru/uk text (they write 7,5) or a decimal comma in the English (7.5)")

CHECKS = (EMPTY, IDENTICAL, INCONSISTENT, REPEATED, DOUBLE_SPACE, SPACING, BRACKETS, QUOTES, QUOTE_STYLE, END_PUNCT,
          TOKENS, LETTERS, DECIMAL)

# English grammar doubles these ("he had had enough", "what it is is", "that that"); a capitalized
# pair is a name ("Bora Bora") or initials.
_LEGIT_DOUBLES = frozenset({"had", "that", "is"})
_OPEN_CLOSE = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {v: k for k, v in _OPEN_CLOSE.items()}
_QUOTE_PAIRS = {"«": "»", "„": "“", "“": "”", "\"": "\""}
_STYLE = {"«": "«»", "„": "„“", "“": "“”", "\"": "\"\""}
_URL = re.compile(r"https?://\S+|www\.\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+|"
                  r"\b[A-Za-z][\w-]*\.(?:com|org|net|gov|info|io|eu|ua|ru|uk|de|fr|pl|by|kz|news|tv)\b")
# Not a Roman numeral ("XVI век", "II квартал"): English writes "16th century", "second quarter".
_ACRONYM = re.compile(r"(?<![\w-])(?!(?:C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))(?![\w-]))[A-Z][A-Z0-9]{1,}(?![\w-])")
_SPACE_BEFORE = re.compile(r"(?<=\S)[ \u00a0]+(?=[,.;:!?](?![.\d]))")
_DOUBLE_SPACE = re.compile(r"[ \u00a0]{2,}")
_DECIMAL_POINT = re.compile(r"(?<![\d.,])(\d+)\.(\d+)(?![\d.])")
_TIME_LEAD = re.compile(r"\b(о|об|в|у|до|с|з|від|к|около|близько|приблизно)\s*$", re.I)
_DECIMAL_COMMA = re.compile(r"(?<![\d.,])\d+,\d{1,2}(?!\d)")
_END = re.compile(r"([.!?…:;]|\.\.\.)?[\"'»”“’)\]\s]*$")


@dataclass
class _Mark:
    item: SegmentView
    pos: int
    char: str


# Emoticons are not brackets: ":)", ";-(", "=]", and the Russian-style ")))" or "((" of chat text.
_EMOTICON = re.compile(r"(?<![\w])[:;=8][-^'o]?[()\[\]]+|(?<=[^\s()])\){2,}(?=\s|$|[.!?,])|(?<=\s)[()]{2,}(?=\s|$)")


def _masked(text: str) -> str:
    """The text with emoticons blanked out (same length, so offsets hold)."""
    return _EMOTICON.sub(lambda m: " " * len(m.group()), text) if re.search(r"[()\[\]]", text) else text


def _scan_paragraph(items: list[SegmentView], emit: Emitter,
                    styles: list[tuple[_Mark, str]]) -> tuple[list[_Mark], list[_Mark]]:
    """Pair brackets and quotes over the sentences of one paragraph. Returns the quotations left
    open and the closing quotes with no opener, for the caller to pair across paragraphs."""
    brackets: list[_Mark] = []
    quotes: list[_Mark] = []
    stray: list[_Mark] = []
    for item in items:
        text = _masked(item.seg.text)
        for pos, ch in enumerate(text):
            if ch in _OPEN_CLOSE:
                brackets.append(_Mark(item, pos, ch))
            elif ch in _CLOSERS:
                if brackets and brackets[-1].char == _CLOSERS[ch]:
                    brackets.pop()
                else:
                    emit.flag(BRACKETS, item.seg.id, "source", pos, pos + 1, f"'{ch}' closes a bracket never opened",
                              confidence=0.6)
            elif ch in "«„“”»\"":
                top = quotes[-1].char if quotes else ""
                straight_closes = ch == "\"" and top == "\""
                curly_closes = ch in "”»" or (ch == "“" and top == "„")
                if straight_closes or curly_closes:
                    if not quotes:
                        stray.append(_Mark(item, pos, ch))
                        continue
                    opener = quotes.pop()
                    if _QUOTE_PAIRS[opener.char] != ch and not (opener.char == "„" and ch == "”"):
                        emit.flag(QUOTES, item.seg.id, "source", pos, pos + 1,
                                  f"'{ch}' closes a quotation opened with '{opener.char}'", confidence=0.7,
                                  suggestion=_QUOTE_PAIRS[opener.char])
                    elif pos > 0 and text[pos - 1] in " \u00a0":
                        emit.flag(SPACING, item.seg.id, "source", pos - 1, pos + 1,
                                  "a space before the closing quote", confidence=0.5, suggestion=ch)
                else:
                    mark = _Mark(item, pos, ch)
                    if not quotes:
                        styles.append((mark, _STYLE[ch]))
                    quotes.append(mark)
    for m in brackets:
        emit.flag(BRACKETS, m.item.seg.id, "source", m.pos, m.pos + 1,
                  f"'{m.char}' is never closed in the paragraph", confidence=0.6)
    return quotes, stray


# The speaker's words after direct speech: a comma (or !, ?, …) and a dash before a lowercase word.
_ATTRIBUTION = re.compile(r"[,!?…]\s*[—–-]\s*[a-zа-яёіїєґ]")


def _pair_across_paragraphs(scans: list[tuple[list[SegmentView], list[_Mark], list[_Mark]]], emit: Emitter) -> None:
    """A quotation may run over several paragraphs: left open where the next paragraph opens with a
    quote mark (the convention of continued quotations) or closes one it never opened.

    A document of one sentence (a sentence checked on its own, a line of a test set) says nothing
    of the sentences around it, where a quotation it opens or closes may go on: only its
    mismatched pairs, and a quotation left open before the speaker's words, are flagged."""
    if sum(len(items) for items, _, _ in scans) == 1:
        for m in scans[0][1]:
            # "«Мы не отступим, — сказал министр": the speaker's words follow, so the quotation
            # should have closed before the dash, whatever the sentences around say
            if _ATTRIBUTION.search(m.item.seg.text, m.pos):
                emit.flag(QUOTES, m.item.seg.id, "source", m.pos, m.pos + 1,
                          f"the quotation opened with '{m.char}' is not closed before the speaker's words",
                          confidence=0.7)
        return
    for k, (_items, unclosed, stray) in enumerate(scans):
        nxt = scans[k + 1] if k + 1 < len(scans) else None
        if unclosed and nxt is not None:
            next_text = nxt[0][0].seg.text.lstrip()
            if nxt[2]:
                nxt[2].pop(0)  # the next paragraph closes this quotation
                unclosed = []
            elif next_text[:1] in "«„“\"":
                unclosed = []
        for m in unclosed:
            emit.flag(QUOTES, m.item.seg.id, "source", m.pos, m.pos + 1,
                      f"the quotation opened with '{m.char}' is never closed in the paragraph", confidence=0.7)
        for m in stray:  # those closing the previous paragraph's quotation were taken off above
            emit.flag(QUOTES, m.item.seg.id, "source", m.pos, m.pos + 1,
                      f"'{m.char}' closes a quotation never opened", confidence=0.6)


def _mechanical(item: SegmentView, side: str, text: str, emit: Emitter) -> None:
    sid = item.seg.id
    if emit.on(REPEATED):
        toks = tokens(text)
        for a, b in zip(toks, toks[1:], strict=False):
            if a.text.lower() == b.text.lower() and not text[a.end:b.start].strip() \
                    and not a.text[:1].isupper() and a.text.lower() not in _LEGIT_DOUBLES:
                emit.flag(REPEATED, sid, side, a.start, b.end, f"'{a.text}' twice in a row", confidence=0.7,
                          suggestion=a.text)
    if emit.on(DOUBLE_SPACE):
        for m in _DOUBLE_SPACE.finditer(text):
            emit.flag(DOUBLE_SPACE, sid, side, m.start(), m.end(), "two spaces in a row", confidence=0.3,
                      suggestion=" ")
    if emit.on(SPACING):
        for m in _SPACE_BEFORE.finditer(text):
            emit.flag(SPACING, sid, side, m.start(), m.end() + 1, f"a space before '{text[m.end()]}'",
                      confidence=0.4, suggestion=text[m.end()])


def _end_class(text: str) -> str:
    m = _END.search(text.rstrip())
    mark = (m.group(1) or "") if m else ""
    return "…" if mark == "..." else mark


def _source_checks(view: DocView, emit: Emitter) -> None:
    paragraphs: dict[int, list[SegmentView]] = defaultdict(list)
    for item in view.items:
        if item.seg.role == "boilerplate":
            continue  # page furniture is flagged as such and not translated
        paragraphs[item.seg.paragraph].append(item)
        _mechanical(item, "source", item.seg.text, emit)
        lang = view.seg_lang(item)
        if emit.on(LETTERS) and lang:
            alien, other = (RU_ONLY, "Russian") if lang == "uk" else (UK_ONLY, "Ukrainian")
            for t in tokens(item.seg.text):
                bad = sorted({c for c in t.text if c in alien})
                if bad and CYRILLIC.search(t.text):
                    emit.flag(LETTERS, item.seg.id, "source", t.start, t.end,
                              f"'{t.text}' has the {other}-only letter{'s' if len(bad) > 1 else ''} "
                              f"{' '.join(bad)} in {'Ukrainian' if lang == 'uk' else 'Russian'} text: "
                              "mixed or machine-translated text", confidence=0.8)
        if emit.on(DECIMAL) and lang:
            for m in _DECIMAL_POINT.finditer(item.seg.text):
                if _TIME_LEAD.search(item.seg.text[:m.start()]) and len(m.group(2)) == 2:
                    continue  # "о 19.45" is a time
                emit.flag(DECIMAL, item.seg.id, "source", m.start(), m.end(),
                          f"'{m.group()}': Russian and Ukrainian write a decimal comma", confidence=0.4,
                          suggestion=f"{m.group(1)},{m.group(2)}")
    styles: list[tuple[_Mark, str]] = []
    scans = [(items, *_scan_paragraph(items, emit, styles)) for _, items in sorted(paragraphs.items())]
    _pair_across_paragraphs(scans, emit)
    used = defaultdict(list)
    for mark, style in styles:
        used[style].append(mark)
    if len(used) > 1 and emit.on(QUOTE_STYLE):
        main = max(used, key=lambda s: len(used[s]))
        for style, marks in used.items():
            if style == main:
                continue
            for m in marks:
                emit.flag(QUOTE_STYLE, m.item.seg.id, "source", m.pos, m.pos + 1,
                          f"quotation marked {style} while the document mostly uses {main}", confidence=0.5,
                          suggestion=main[0])


def _english_checks(view: DocView, emit: Emitter) -> None:
    items = [i for i in view.items if i.translation is not None or i.english.strip()]
    by_source: dict[str, list[SegmentView]] = defaultdict(list)
    by_english: dict[str, list[SegmentView]] = defaultdict(list)
    for item in items:
        src, en, sid = item.seg.text, item.english, item.seg.id
        if not en.strip():
            emit.flag(EMPTY, sid, "source", 0, len(src), "the English of this segment is empty", confidence=0.9)
            continue
        if normalize(en).strip() == normalize(src).strip() and has_cyrillic(src):
            emit.flag(IDENTICAL, sid, "target", 0, len(en), "the English is the untranslated source", confidence=0.9)
            continue
        if item.seg.role != "boilerplate":
            by_source[" ".join(normalize(src).lower().split())].append(item)
            by_english[" ".join(normalize(en).lower().split())].append(item)
        _mechanical(item, "target", en, emit)
        if emit.on(QUOTE_STYLE):
            for m in re.finditer(r"[«»„]", en):
                emit.flag(QUOTE_STYLE, sid, "target", m.start(), m.end(),
                          f"'{m.group()}' in English: use “ ” or \" \"", confidence=0.5)
        if emit.on(BRACKETS):
            men, msrc = _masked(en), _masked(src)
            for o, c in _OPEN_CLOSE.items():
                if men.count(o) != men.count(c) and msrc.count(o) == msrc.count(c):
                    at = men.find(o) if men.count(o) > men.count(c) else men.find(c)
                    emit.flag(BRACKETS, sid, "target", at, at + 1, f"unpaired '{en[at]}' in the English",
                              confidence=0.6)
        if emit.on(END_PUNCT):
            a, b = _end_class(src), _end_class(en)
            # English headlines drop the full stop a Russian or Ukrainian headline may keep.
            headline = a == "." and not b and len(tokens(en)) <= 12
            if a != b and {a, b} != {".", "…"} and not (a in ":;" and b in ".:;") and not headline:
                emit.flag(END_PUNCT, sid, "target", max(0, len(en.rstrip()) - 1), len(en.rstrip()),
                          f"the source ends with '{a or 'no punctuation'}', the English with '{b or 'none'}'",
                          confidence=0.4, suggestion=a)
        if emit.on(DECIMAL):
            for m in _DECIMAL_COMMA.finditer(en):
                emit.flag(DECIMAL, sid, "target", m.start(), m.end(),
                          f"'{m.group()}': English writes a decimal point", confidence=0.6,
                          suggestion=m.group().replace(",", "."))
        if emit.on(TOKENS):
            for m in list(_URL.finditer(src)) + list(_ACRONYM.finditer(src)):
                if not _rendered(m.group().rstrip(".,"), en):
                    emit.flag(TOKENS, sid, "source", m.start(), m.end(),
                              f"'{m.group()}' should reappear unchanged in the English", confidence=0.6,
                              suggestion=m.group())
            for m in _URL.finditer(en):
                if m.group().rstrip(".,") not in src:
                    emit.flag(TOKENS, sid, "target", m.start(), m.end(),
                              f"the English adds '{m.group()}', which the source lacks", confidence=0.5)
    if emit.on(INCONSISTENT):
        for group, key_of, what in ((by_source, lambda i: " ".join(normalize(i.english).lower().split()), "source"),
                                    (by_english, lambda i: " ".join(normalize(i.seg.text).lower().split()),
                                     "English")):
            for members in group.values():
                variants = {key_of(i) for i in members}
                if len(members) < 2 or len(variants) < 2:
                    continue
                if what == "English" and min(fuzz.ratio(a, b) for a in variants for b in variants) >= 90:
                    continue
                for i in members:
                    other = next(o for o in members if key_of(o) != key_of(i))
                    emit.flag(INCONSISTENT, i.seg.id, "target", 0, len(i.english),
                              f"the same {what} is translated differently elsewhere: '{short(other.english)}'"
                              if what == "source" else
                              f"the same English translates a different source elsewhere: '{short(other.seg.text)}'",
                              confidence=0.5)


_LINKING = frozenset({"of", "the", "and", "for", "&", "de", "du", "des", "la", "le"})
_CAPITAL_RUN = re.compile(r"[A-Z][a-z]+(?:\s+(?:(?:of|the|and|for|&)\s+)*[A-Z][a-z]+)+")


def _rendered(token: str, en: str) -> bool:
    """A URL or Latin acronym of the source as English may keep it: unchanged, a word in capitals
    written as a name ("RECOVERY" the Recovery trial, "FOX" Fox), or spelled out by the words its
    letters stand for ("AP" the Associated Press, "NATO" the North Atlantic Treaty Organization)."""
    if token in en:
        return True
    if not (token.isalpha() and token.isupper()):
        return False
    if re.search(rf"\b{re.escape(token.capitalize())}\b", en):
        return True
    # runs of capitalised words (linking words allowed inside): the acronym is some of their initials
    for run in _CAPITAL_RUN.findall(en):
        if token in "".join(w[0] for w in run.split() if w.lower() not in _LINKING):
            return True
    return False


def detect(view: DocView, emit: Emitter) -> None:
    _source_checks(view, emit)
    if view.with_english or any(i.translation is not None for i in view.items):
        _english_checks(view, emit)
    else:
        emit.skip([c for c in CHECKS if c.needs], "no English for this document yet (translate it first)")
