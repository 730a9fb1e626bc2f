"""Numbers, times and dates of a text as language-independent values, for comparing a source with its English.

A mention ("2,256", "£75m", "5 млн", "2cm", "12-ій", "17:00", "5:00 p.m.", "10.04.2022",
"двадцять п'ять", "thirty-one") comes with every value it may stand for: "2,256" is 2256 in
English style and 2.256 in a decimal-comma style, "£75m" is 75 and 75,000,000, "11:30" without
a.m./p.m. is 11:30 or 23:30. Two mentions match when their value sets meet, so a comparison
flags a number only when no reading of it is found on the other side. Number words are read
through num2words' own spellings of the numbers (lemmatized with pymorphy3 for Russian and
Ukrainian, so "дванадцяти" is 12), composed as people write them ("тисяч 100" is 100,000).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from . import morph
from .text import dates, normalize, words

SPACE = "[ \u00a0\u202f\u2009]"


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    values: frozenset[str]
    digits: bool  # written with digits (number words are only matched, never flagged)
    code: bool = False  # part of a name or model number ("COVID-19", "Су-57")


# Magnitude words and suffixes: closed classes of the number system.
_MAGNITUDE_WORDS = {
    "thousand": 3, "thousands": 3, "k": 3, "тыс": 3, "тис": 3,
    "million": 6, "millions": 6, "mln": 6, "mn": 6, "m": 6, "млн": 6,
    "billion": 9, "billions": 9, "bn": 9, "b": 9, "млрд": 9,
    "trillion": 12, "tn": 12, "трлн": 12,
    "lakh": 5, "lakhs": 5, "crore": 7, "crores": 7,
}
# Words that English renders as a number: collective numerals, "сутки"/"доба" (24 hours), "полтора".
_COUNT_LEMMAS = {"ru": {"двое": 2, "трое": 3, "четверо": 4, "пятеро": 5, "шестеро": 6, "семеро": 7, "сутки": 24,
                        "полтора": 1.5, "полгода": 6, "полчаса": 30, "дюжина": 12, "десяток": 10, "сотня": 100},
                 "uk": {"двоє": 2, "троє": 3, "четверо": 4, "п'ятеро": 5, "шестеро": 6, "семеро": 7, "доба": 24,
                        "півтора": 1.5, "півроку": 6, "півгодини": 30, "дюжина": 12, "десяток": 10, "сотня": 100}}
_ROMAN = re.compile(r"(?<![\w-])(?=[IVXLC]{1,7}(?![\w-]))(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})(?![\w-])")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_TIME_WORDS = re.compile(r"(?<![\d])(\d{1,2})\s+(?:час\w*|годин\w*)\s+(\d{1,2})\s+(?:минут\w*|хвилин\w*)", re.I)
_MAGNITUDE_LEMMAS = {"тысяча": 3, "тисяча": 3, "миллион": 6, "мільйон": 6, "миллиард": 9, "мільярд": 9,
                     "триллион": 12, "трильйон": 12}
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<cur>[£$€₽₴¥])?"
    r"(?P<num>\d{1,3}(?:(?:,\d{3})+|(?:\.\d{3})+|(?:" + SPACE + r"\d{3})+)(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"(?P<suffix>[^\W\d_]+)?(?![\d])")
_DECADE_ENDING = re.compile(r"[-‐–](?:е|х|м|ми|ые|ых|ым|ті|их|им|ими)\b")
_TIME_EN = re.compile(r"(?<![\d:.,])(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s?m\b\.?", re.I)
_TIME_COLON = re.compile(r"(?<![\d:.,])(\d{1,2}):(\d{2})(?![\d:])")
_DATE_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})([./])(\d{1,2})\2(\d{4}|\d{2})(?![\d.])")
_DATE_SLASH = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")
_EN_MONTH_DAY = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})(?![\d:])")
_EN_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
# "в 19.45", "о 9.30": a time with a dot after the prepositions that introduce one.
_TIME_DOT = re.compile(r"(?:(?<![\w])(?:в|во|у|о|об|с|з|до|к|около|після|после|близько)\s+)(\d{1,2})\.(\d{2})(?!\d|[.,]\d)",
                       re.I)


def canonical(value: Decimal) -> str:
    """'2256', '2.256', '1400000': one spelling per value."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _readings(num: str) -> set[Decimal]:
    """The values a digit string may stand for in English, Russian or Ukrainian style."""
    compact = re.sub(SPACE, "", num)
    out: set[Decimal] = set()
    groups = re.fullmatch(r"\d{1,3}((?:[,.]\d{3})+)", compact)
    if groups:
        seps = set(re.findall(r"[,.]", compact))
        if len(seps) == 1:
            out.add(Decimal(re.sub(r"[,.]", "", compact)))  # a thousands separator
            if compact.count(next(iter(seps))) == 1:
                out.add(Decimal(compact.replace(",", ".")))  # or a decimal mark
        return out
    m = re.fullmatch(r"(\d{1,3}(?:[,.]\d{3})+)([.,])(\d+)", compact)
    if m:  # "6,152.5" / "6.152,5": the last mark is the decimal one
        return {Decimal(re.sub(r"[,.]", "", m.group(1)) + "." + m.group(3))}
    try:
        return {Decimal(compact.replace(",", "."))}
    except InvalidOperation:
        return out


@lru_cache(maxsize=4)
def _number_words(lang: str) -> dict[str, Decimal]:
    """Word (lemma for ru/uk) -> value, from num2words' spellings of the numbers people write out."""
    from num2words import num2words

    out: dict[str, Decimal] = {}
    for n in [*range(0, 20), *range(20, 100, 10), *range(100, 1000, 100)]:
        for to in ("cardinal", "ordinal"):
            try:
                text = num2words(n, lang=lang, to=to)
            # num2words raises RuntimeError subclasses for forms a language lacks (e.g. some ordinals)
            except (RuntimeError, OverflowError, TypeError, ValueError, IndexError, KeyError):
                continue
            parts = re.split(r"[\s-]+", text)
            if len(parts) == 1 or (lang == "en" and n < 100):
                value = Decimal(n % 100 if len(parts) > 1 and n < 100 else n)
                for key in (parts[-1], *_lemmas(parts[-1], lang)):
                    out.setdefault(key, value)
    if lang == "en":
        out.update({"hundred": Decimal(100), "hundredth": Decimal(100), "dozen": Decimal(12),
                    "thousand": Decimal(1000), "million": Decimal(10**6), "billion": Decimal(10**9),
                    "trillion": Decimal(10**12)})
        out.pop("zero", None)
    else:
        out.update({k: Decimal(10**v) for k, v in _MAGNITUDE_LEMMAS.items()})
        out.update({k: Decimal(str(v)) for k, v in _COUNT_LEMMAS[lang].items()})
        out.pop(morph.lemma("ноль", lang), None)
        out.pop(morph.lemma("нуль", lang), None)
    return out


def _lemmas(word: str, lang: str) -> tuple[str, ...]:
    """Dictionary forms of a numeral's parses ("трьох" -> "три"); none for English."""
    if lang not in ("ru", "uk"):
        return ()
    return tuple(p.normal_form for p in morph.parses(word, lang) if str(p.tag.POS) in ("NUMR", "ADJF", "NOUN"))


@lru_cache(maxsize=50_000)
def _word_value(word: str, lang: str) -> Decimal | None:
    w = normalize(word).lower()
    table = _number_words(lang)
    if w in table:
        return table[w]
    if lang == "en" or len(w) < 3:
        return None
    return next((table[x] for x in _lemmas(w, lang) if x in table), None)


def _compose(values: list[Decimal]) -> Decimal:
    """'twenty five' 20, 5 -> 25; 'three hundred thousand' -> 300000; 'тисяч сто' -> 100000."""
    total, current = Decimal(0), Decimal(0)
    for v in values:
        if v >= 1000:
            total += (current or 1) * v
            current = Decimal(0)
        elif v == 100 and current and current < 100:
            current *= 100
        else:
            current += v
    if total and current and values and values[0] >= 1000:
        return total * current if current < 1000 else total + current  # "тисяч сто": an inversion
    return total + current


def _magnitude(word: str, lang: str) -> int:
    w = normalize(word).lower().rstrip(".")
    if w in _MAGNITUDE_WORDS:
        return _MAGNITUDE_WORDS[w]
    if lang in ("ru", "uk") and re.match(r"[а-яіїєґ]", w):
        return _MAGNITUDE_LEMMAS.get(morph.lemma(w, lang), 0)
    return 0


def quantities(text: str, lang: str) -> list[Quantity]:
    """Every number, time and date mention of `text` ('ru', 'uk' or 'en'), with its possible values."""
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return not any(s < b and a < e for a, b in taken)

    def add(s: int, e: int, values: set[str], digits: bool = True, code: bool = False) -> None:
        out.append(Quantity(s, e, text[s:e], frozenset(values), digits, code))
        taken.append((s, e))

    for m in _DATE_NUMERIC.finditer(text):
        a, b, year = int(m.group(1)), int(m.group(3)), m.group(4)
        keys = {f"d{b:02d}-{a:02d}"} if 1 <= a <= 31 and 1 <= b <= 12 else set()
        keys |= {f"d{a:02d}-{b:02d}"} if lang == "en" and 1 <= a <= 12 and 1 <= b <= 31 else set()
        if keys:
            add(m.start(), m.start(3) + len(m.group(3)), keys | {str(a), str(b)})
            add(m.start(4), m.end(4), {str(int(year)), str(2000 + int(year)) if len(year) == 2 else year})
    for m in _TIME_EN.finditer(text):
        h, mins = int(m.group(1)), int(m.group(2) or 0)
        if 1 <= h <= 12 and mins < 60 and free(m.start(), m.end()):
            h24 = (h % 12) + (12 if m.group(3).lower() == "p" else 0)
            add(m.start(), m.end(), {f"t{h24:02d}:{mins:02d}", str(h), str(h24)})
    for m in _TIME_COLON.finditer(text):
        h, mins = int(m.group(1)), int(m.group(2))
        if h <= 24 and mins < 60 and free(m.start(), m.end()):
            keys = {f"t{h % 24:02d}:{mins:02d}", str(h)}
            if h <= 12:
                keys |= {f"t{h + 12:02d}:{mins:02d}", str(h + 12)}  # the 12-hour clock says no a.m./p.m.
            else:
                keys.add(str(h - 12))
            add(m.start(), m.end(), keys)
    if lang in ("ru", "uk"):
        for m in _TIME_WORDS.finditer(text):  # "в 17 часов 47 минут"
            h, mins = int(m.group(1)), int(m.group(2))
            if h <= 24 and mins < 60 and free(m.start(), m.end()):
                add(m.start(), m.end(), {f"t{h % 24:02d}:{mins:02d}", str(h), str(mins),
                                         str(h - 12 if h > 12 else h + 12)})
        for m in _TIME_DOT.finditer(text):
            h, mins = int(m.group(1)), int(m.group(2))
            if h <= 24 and mins < 60 and free(m.start(1), m.end(2)):
                keys = {f"t{h % 24:02d}:{mins:02d}", str(h), str(h - 12 if h > 12 else h + 12)}
                add(m.start(1), m.end(2), keys)
        found = [(tok.start, tok.text, key) for tok, key in dates(text)]
    else:
        found = [(m.start(), m.group(), f"{_EN_MONTHS[m.group(1)]:02d}-{int(m.group(2)):02d}")
                 for m in _EN_MONTH_DAY.finditer(text)]
    for start, tok_text, key in found:
        day = re.search(r"\d{1,2}", tok_text)
        if not day:
            continue
        s = start + day.start()
        if free(s, s + len(day.group())):
            add(s, s + len(day.group()), {f"d{key}", str(int(day.group()))})
    if lang == "en":
        for m in _DATE_SLASH.finditer(text):  # "9/11"
            a, b = int(m.group(1)), int(m.group(2))
            if free(m.start(), m.end()) and 1 <= a <= 12 and 1 <= b <= 31:
                add(m.start(), m.end(), {f"d{a:02d}-{b:02d}", str(a), str(b)})
    toks = words(text)
    for m in _NUMBER.finditer(text):
        s, e = m.start("num"), m.end("num")
        if not free(s, e):
            continue
        values = _readings(m.group("num"))
        suffix = (m.group("suffix") or "").lower()
        power = _MAGNITUDE_WORDS.get(suffix, 0) if suffix else 0
        end = m.end()
        after = re.match(SPACE + r"?([^\W\d_]+\.?)", text[m.end():])
        if not power and after and not suffix:
            power = _magnitude(after.group(1), lang)
            if power:
                end = m.end() + after.end()
        before = re.search(r"([^\W\d_]+)" + SPACE + r"$", text[:m.start()])
        if not power and before and lang in ("ru", "uk"):
            power = _magnitude(before.group(1), lang)  # "тисяч 100": an approximate inversion
        keys = {canonical(v) for v in values}
        if power:
            keys |= {canonical(v * Decimal(10) ** power) for v in values}
        num = m.group("num")
        if suffix == "s" and len(num) == 2:
            keys.add(str(1900 + int(num)))  # "'60s"
        decade = len(num) == 2 and num.endswith("0")
        if decade and lang in ("ru", "uk") and _DECADE_ENDING.match(text, m.end()):
            keys |= {str(1900 + int(num)), str(2000 + int(num))}  # "60-е", "90-х", "20-ті": a decade
        if len(num) == 4 and num.endswith("0") and (suffix == "s" or text.startswith(("'s", "’s"), m.end())):
            keys.add(str(int(num[2:])))  # "the 1960s" is the 60-е of Russian
        code = bool(re.search(r"[^\W\d_][-‐]$", text[:m.start()]))  # "COVID-19"
        add(m.start(), max(end, e), keys, code=code)
    for m in _ROMAN.finditer(text):  # "XVI век", "World War II": matched, never flagged
        if m.group() and free(m.start(), m.end()):
            vals = [_ROMAN_VALUES[c] for c in m.group()]
            n = sum(-v if i + 1 < len(vals) and v < vals[i + 1] else v for i, v in enumerate(vals))
            add(m.start(), m.end(), {str(n)}, digits=False)
    # Number words, consecutive ones composed ("twenty-five", "двадцять п'ять", "тисяч 100").
    run: list[tuple[int, int, Decimal]] = []

    def close() -> None:
        if run:
            add(run[0][0], run[-1][1], {canonical(_compose([v for _, _, v in run]))}, digits=False)
            run.clear()

    for t in toks:
        if not free(t.start, t.end):
            close()
            continue
        parts = re.split(r"-", t.text) if lang == "en" else [t.text]
        offset = t.start
        for part in parts:
            v = _word_value(part, lang) if part else None
            gap = text[run[-1][1]:offset] if run else ""
            if v is not None and (not run or re.fullmatch(r"[\s-]*(and\s+)?", gap)):
                run.append((offset, offset + len(part), v))
            else:
                close()
                if v is not None:
                    run.append((offset, offset + len(part), v))
            offset += len(part) + 1
    close()
    return sorted(out, key=lambda q: q.start)
