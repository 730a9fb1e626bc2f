"""Source <-> English consistency: what a reviewer checks first when comparing a segment with its English.

Numbers, dates, quotations and names of the source must reappear in the English (Cyrillic left
in the English is `untranslated`'s); the length must be plausible. With the MT's token
log-probabilities, the least confident English words are flagged (on the source words they align to, when a word alignment exists);
with a word alignment, source content words aligned to nothing are possible omissions and English
content words aligned to nothing possible additions.
"""

from __future__ import annotations

import math
import re

from rapidfuzz import fuzz

from .. import inline
from ..quantities import quantities
from ..text import Token, dates, words
from .base import (
    EN_FUNCTION_WORDS,
    DocView,
    Emitter,
    SegmentView,
    check,
    content_tokens,
    grammemes,
    name_skeleton,
    short,
    source_names,
)

NUMBER = check("consistency.number", "number_mismatch", "error",
               "a number of the source missing from the English, or one the English adds", needs="translation")
DATE = check("consistency.date", "date_mismatch", "error", "a date of the source missing or changed in the English",
             needs="translation")
QUOTE = check("consistency.quote", "quote_missing", "warning",
              "a quotation of the source not marked as a quotation in the English", needs="translation")
NAME = check("consistency.name", "name_mismatch", "warning",
             "a person or foreign name of the source with no similar name in the English", needs="translation")
LENGTH = check("consistency.length", "length_ratio", "warning",
               "English much shorter or longer than the source (characters, outside 0.5-2.0)", needs="translation")
CONFIDENCE = check("consistency.confidence", "low_confidence", "warning",
                   "English words the model was least sure of (token probability < 0.1), on the aligned source words",
                   needs="confidence")
OMISSION = check("consistency.omission", "omission", "warning",
                 "source content words aligned to no English word", needs="word_alignment")
ADDITION = check("consistency.addition", "addition", "note", "English content words aligned to no source word",
                 needs="word_alignment")

CHECKS = (NUMBER, DATE, QUOTE, NAME, LENGTH, CONFIDENCE, OMISSION, ADDITION)

LENGTH_BAND = (0.5, 2.0)
OMISSION_POS = frozenset({"NOUN", "VERB", "INFN", "ADJF", "ADJS", "PRTF", "PRTS", "GRND", "ADVB", "UNKN"})
LOW_PROB = 0.1
_SOURCE_QUOTES = re.compile(r"«[^»]*»|„[^“”]*[“”]|“[^”]*”|\"[^\"]*\"")
_ENGLISH_QUOTE_OPEN = re.compile(r"(?:^|(?<=[\s(\[:—–-]))[\"“‘'«](?=\w)")
EN_STOPWORDS = EN_FUNCTION_WORDS


# How Russian renders names spelled by other languages' rules, as the English keeps them: French
# ch and a silent -ier ("Charles" Шарль, "Xavier" Ксавье), Spanish j and soft g ("Jorge" Хорхе),
# Italian and German z ("Pozzo" Поццо, "Mozart" Моцарт), and Chinese pinyin as the Palladius
# system writes it ("Jiang" Цзян, "Xi" Си, "Qin" Цинь, "Zhang" Чжан).
_NAME_SPELLINGS = (
    lambda w: w.replace("ch", "sh"),
    lambda w: re.sub(r"g(?=[ei])", "h", w.replace("j", "h")),
    lambda w: w.replace("z", "ts"),
    lambda w: re.sub(r"ier$", "ie", w),
    lambda w: re.sub(r"ng(?=[^aeiou]|$)", "n", w).replace("zh", "chzh").replace("j", "tsz").replace("q", "ts")
    .replace("x", "s"),
)


def _english_names(english: str) -> list[str]:
    """Skeletons of the English capitalized words, with the spelling variants a name may hide."""
    out = []
    for t in words(english):
        for part in t.text.split("-"):
            if part[:1].isupper():
                low = part.lower()
                variants = {low, re.sub(r"g(?=[eiy])", "j", low), re.sub(r"(?<=[aeiou])h(?=[^aeiou]|$)", "", low),
                            low.replace("ch", "k"),  # soft g, a silent h ("John"), a Greek ch ("Michael")
                            *(f(low) for f in _NAME_SPELLINGS)}
                out += [name_skeleton(v) for v in variants]
    return out


def _name_found(lemma: str, token: str, english: str, skeletons: list[str]) -> bool:
    latin = re.match(r"[A-Za-z]+", token)
    if latin:  # "YouTube-канал": the Latin name itself
        return latin.group().lower() in english.lower()
    for form in {lemma, token}:
        parts = [p for p in re.split(r"-", form) if len(p) >= 3] or [form]
        for part in parts:  # "Даунинг-стрит", "Сан-Диего": one part found is enough
            want = name_skeleton(part)
            if len(want) < 2:
                return True  # too short to tell apart
            if any(s == want or (len(want) >= 3 and fuzz.ratio(s, want) >= 75) for s in skeletons):
                return True
    return False


def _is_speech(quoted: str) -> bool:
    """A quotation of at least four words, not all capitalized (a title)."""
    toks = words(quoted)
    return len(toks) >= 4 and sum(t.text[:1].islower() for t in toks) >= 2


def word_confidences(english: str, tokens: list[str], logprobs: list[float]) -> list[tuple[Token, float]]:
    """Each English word with the lowest log-probability of the MT tokens that produced it.

    Subword pieces ('▁Uni', 'ted', 'Ġword') are found in order in the English text; special
    tokens ('</s>', '<pad>') and pieces that cannot be placed are skipped.
    """
    spans: list[tuple[int, int, float]] = []
    cursor = 0
    # Tag tokens placed into the MT after decoding (`inline.place_mt`) count as the spaces they
    # are to the model's pieces; offsets stay those of the English.
    english = inline.TOKEN.sub(lambda m: " " * len(m.group()), english)
    for tok, lp in zip(tokens, logprobs, strict=False):
        piece = tok.replace("\u2581", " ").replace("\u0120", " ").strip()
        if not piece or re.fullmatch(r"<[^<>]+>", piece):
            continue
        at = english.find(piece, cursor)
        if at < 0 or english[cursor:at].strip():  # only whitespace may lie between two pieces
            continue
        spans.append((at, at + len(piece), lp))
        cursor = at + len(piece)
    out = []
    for w in words(english):
        lps = [lp for s, e, lp in spans if s < w.end and e > w.start]
        if lps:
            out.append((w, min(lps)))
    return out


def _runs(indices: list[int], toks: list[Token], text: str) -> list[tuple[int, int, int]]:
    """Consecutive unaligned words as (start, end, count); words separated only by spaces/commas merge."""
    runs: list[tuple[int, int, int]] = []
    for i in indices:
        t = toks[i]
        if runs and re.fullmatch(r"[\s,\-]*", text[runs[-1][1]:t.start]):
            runs[-1] = (runs[-1][0], t.end, runs[-1][2] + 1)
        else:
            runs.append((t.start, t.end, 1))
    return runs


def _check_segment(item: SegmentView, lang: str, emit: Emitter) -> None:
    seg, src, en = item.seg, item.seg.text, item.english
    sid = seg.id
    if emit.on(NUMBER):
        # Each mention with every value it may stand for ("£75m": 75 and 75,000,000; "11:30":
        # 11:30 or 23:30); a number is missing only when no reading of it is on the other side.
        src_q = quantities(src, lang or "ru")
        en_q = quantities(en, "en")
        src_vals = frozenset().union(*(q.values for q in src_q))
        en_vals = frozenset().union(*(q.values for q in en_q))
        for q in src_q:
            if q.digits and not q.code and not q.values & en_vals:
                emit.flag(NUMBER, sid, "source", q.start, q.end, f"the number {q.text} is not in the English",
                          confidence=0.8, suggestion=min(q.values, key=len))
        for q in en_q:
            if q.digits and not q.code and not q.values & src_vals:
                emit.flag(NUMBER, sid, "target", q.start, q.end, f"the English adds the number {q.text}",
                          confidence=0.6)
    if emit.on(DATE):
        en_dates = {key for _, key in dates(en)}
        # "9/11" and "4/10/2022" may be month first in English.
        en_dates |= {v[1:] for q in quantities(en, "en") for v in q.values if v.startswith("d")}
        for t, key in dates(src):
            if key not in en_dates:
                emit.flag(DATE, sid, "source", t.start, t.end,
                          f"the date '{t.text}' is missing or different in the English", confidence=0.8)
    if emit.on(QUOTE):
        # Russian and Ukrainian quote names of papers, teams, ships and products ("Протон-М",
        # "Комсомольской правде") where English does not: only a quotation of several words that
        # is not a name counts as speech the English should mark as quoted.
        sq = [m for m in _SOURCE_QUOTES.finditer(src) if _is_speech(m.group()[1:-1])]
        if ": " in en:
            # "Raab: Government can't apologise": an English headline attributes a quotation with a
            # colon and drops the quote marks
            sq = [m for m in sq if not src[:m.start()].rstrip().endswith(":")]
        # a quotation English opens counts even when it closes in a later sentence, in single quotes too
        eq = _ENGLISH_QUOTE_OPEN.findall(en)
        if sq and len(eq) < len(sq):
            for m in sq[len(eq):] if eq else sq:
                emit.flag(QUOTE, sid, "source", m.start(), m.end(),
                          f"the quotation {short(m.group())} is not quoted in the English", confidence=0.5)
    if emit.on(NAME):
        skeletons = _english_names(en)
        for t, lemma in source_names(src, lang):
            if not _name_found(lemma, t.text, en, skeletons):
                emit.flag(NAME, sid, "source", t.start, t.end,
                          f"the name '{t.text}' has no similar name in the English: missing or misspelled",
                          confidence=0.6)
    if emit.on(LENGTH) and len(src.strip()) >= 20:
        ratio = len(en.strip()) / len(src.strip())
        lo, hi = LENGTH_BAND
        if not lo <= ratio <= hi:
            emit.flag(LENGTH, sid, "target", 0, len(en),
                      f"the English is {ratio:.1f} times the length of the source (usual: {lo}-{hi}): "
                      f"{'something is missing' if ratio < lo else 'something was added or repeated'}",
                      confidence=min(1.0, abs(math.log(ratio)) / 2))


def _check_confidence(item: SegmentView, emit: Emitter) -> None:
    tr = item.translation
    if tr is None or not tr.token_logprobs or tr.text != item.english:
        return
    src_toks = words(item.seg.text)
    en_index = {t.start: i for i, t in enumerate(words(item.english))}
    for w, lp in word_confidences(item.english, tr.tokens, tr.token_logprobs):
        p = math.exp(lp)
        if p >= LOW_PROB:
            continue
        message = f"the model was unsure of '{w.text}' (p={p:.2f})"
        linked = [a for a, b in (item.links or []) if b == en_index.get(w.start)]
        if linked:
            s = min(src_toks[a].start for a in linked if a < len(src_toks))
            e = max(src_toks[a].end for a in linked if a < len(src_toks))
            emit.flag(CONFIDENCE, item.seg.id, "source", s, e,
                      f"{message}, its rendering of '{item.seg.text[s:e]}'", confidence=1 - p / LOW_PROB)
        else:
            emit.flag(CONFIDENCE, item.seg.id, "target", w.start, w.end, message, confidence=1 - p / LOW_PROB)


def _check_alignment(item: SegmentView, lang: str, emit: Emitter) -> None:
    links = item.links or []
    src_toks, en_toks = words(item.seg.text), words(item.english)
    aligned_src = {a for a, _ in links}
    aligned_en = {b for _, b in links}
    content = {t.start for t in content_tokens(item.seg.text, lang)}
    if emit.on(OMISSION):
        idx = [i for i, t in enumerate(src_toks)
               if i not in aligned_src and t.start in content and grammemes(t.text, lang) & OMISSION_POS]
        for s, e, n in _runs(idx, src_toks, item.seg.text):
            emit.flag(OMISSION, item.seg.id, "source", s, e,
                      f"'{item.seg.text[s:e]}' is aligned to no English word: possibly left out",
                      confidence=min(1.0, 0.3 + 0.25 * n))
    if emit.on(ADDITION):
        idx = [i for i, t in enumerate(en_toks) if i not in aligned_en and t.text.lower() not in EN_STOPWORDS
               and len(t.text) >= 3]
        for s, e, n in _runs(idx, en_toks, item.english):
            emit.flag(ADDITION, item.seg.id, "target", s, e,
                      f"'{item.english[s:e]}' is aligned to no source word: possibly added",
                      confidence=min(1.0, 0.3 + 0.25 * n))


def detect(view: DocView, emit: Emitter) -> None:
    translated = [i for i in view.with_english if i.seg.role != "boilerplate" or i.translation is not None]
    if not translated:
        emit.skip(CHECKS, "no English for this document yet (translate it first)")
        return
    if not any(i.translation is not None and i.translation.token_logprobs for i in translated):
        emit.skip([CONFIDENCE], "the machine translation carries no token log-probabilities")
    if not any(i.links for i in translated):
        emit.skip([OMISSION, ADDITION], "no word alignment stored for the current English (run the word aligner)")
    for item in translated:
        lang = view.seg_lang(item)
        _check_segment(item, lang, emit)
        if emit.on(CONFIDENCE):
            _check_confidence(item, emit)
        if item.links and emit.any_on([OMISSION, ADDITION]):
            _check_alignment(item, lang, emit)
