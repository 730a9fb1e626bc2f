"""Reference-free signals of one translated segment: what the segment risk model reads besides the
word model's probabilities and the checks' flags.

The features are written for a source and its machine translation in either direction (ru/uk →
English in the product; English → Russian in one of the public training sets), named by role —
`src_*` the side that was translated, `mt_*` the translation, `x_*` the two together — so that one
segment model learns from both kinds of public training data and reads the product's segments the
same way:

- adequacy through the translation lexicon (`workbench.lexicon`): the share of content words of
  each side with a plausible rendering on the other, the mean log support (an IBM-1-style score
  normalised by length), the longest run of unsupported content words;
- lengths: words and characters of each side, their log ratio;
- fluency of the translation: word frequency (wordfreq Zipf) mean, minimum and share of rare or
  unseen words, words in the wrong script (Cyrillic left in English, Latin in Russian), repeated
  word n-grams, immediate word repetition;
- faithfulness of numbers and punctuation that survives translation: digit groups of one side
  missing on the other, question/exclamation marks, brackets, quotes;
- difficulty of the source: its length, rare words, words the dictionary does not know, names,
  digits, quotation marks and commas (quoted speech, many clauses);
- agreement with other engines' translations of the same source, when the product holds several
  (`agreement`): a version far from the others is more likely wrong.

Every feature is a plain float; a missing optional source (wordfreq, the lexicon) leaves its
features out rather than failing, and the trees read a missing feature as 0.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from sacrebleu.metrics import CHRF

from .. import morph
from ..frequency import zipf
from ..text import normalize

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_CYR = re.compile(r"[\u0400-\u04ff]")
_LAT = re.compile(r"[A-Za-z]")
_EN_FUNCTION = frozenset(
    "a an the of to in on at by for from with about as into over under than then that this these those it its "
    "is are was were be been being am do does did have has had will would shall should can could may might must "
    "not no nor and or but if so because while when where which who whom whose what how why there here their "
    "they them he him his she her we us our you your i me my also just very".split())
_RU_FUNCTION_POS = frozenset({"PREP", "CONJ", "PRCL", "NPRO", "INTJ", "PRED"})
RARE = 2.5  # Zipf below this: a word seen less than about 3 times per 10 million
NONE = 0.05  # lexicon support below this: no plausible rendering on the other side


def tokens(text: str) -> list[str]:
    """Words (letters and digits, with inner hyphens and apostrophes), whatever the tokenisation."""
    return _WORD.findall(normalize(text))


@lru_cache(maxsize=400_000)
def is_content(word: str, lang: str) -> bool:
    """A word that carries meaning (not a function word, number or single letter)."""
    if len(word) < 2 or word.isdigit():
        return False
    if lang == "en" or not _CYR.search(word):
        return word.lower() not in _EN_FUNCTION
    return morph.pos(word, lang) not in _RU_FUNCTION_POS


@lru_cache(maxsize=4)
def lexicon_for(pair: str) -> object | None:
    """The translation lexicon of `pair` ("ru-en", "uk-en"), or None when it is not available."""
    try:
        from .. import lexicon
    except ImportError:
        return None
    try:
        return lexicon.load_lexicon(pair)
    except (OSError, ValueError):
        return None


def _longest_run(flags: list[bool]) -> int:
    best = run = 0
    for f in flags:
        run = run + 1 if f else 0
        best = max(best, run)
    return best


def _adequacy(prefix: str, words: list[str], support: list[float], known: list[bool], lang: str,
              f: dict[str, float]) -> None:
    """Lexicon support of one side's content words that the lexicon can judge."""
    judged = [(w, s) for w, s, k in zip(words, support, known, strict=True) if k and is_content(w, lang)]
    content = [w for w in words if is_content(w, lang)]
    f[f"{prefix}lex_judged"] = len(judged) / max(1, len(content))
    if not judged:
        return
    sup = [min(1.0, max(0.0, s)) for _, s in judged]
    f[f"{prefix}lex_mean"] = sum(sup) / len(sup)
    f[f"{prefix}lex_log"] = sum(math.log(0.01 + s) for s in sup) / len(sup)
    f[f"{prefix}lex_none"] = sum(s < NONE for s in sup) / len(sup)
    f[f"{prefix}lex_none_n"] = min(math.log1p(sum(s < NONE for s in sup)), 3.0)
    f[f"{prefix}lex_weak"] = sum(s < 0.2 for s in sup) / len(sup)
    f[f"{prefix}lex_run"] = min(float(_longest_run([s < NONE for s in sup])), 6.0)


def _fluency(prefix: str, words: list[str], lang: str, f: dict[str, float]) -> None:
    """Frequency, script and repetition of one side's words."""
    letters = [w for w in words if not any(c.isdigit() for c in w)]
    n = max(1, len(letters))
    zs = [z for z in (zipf(w, lang) for w in letters) if z is not None]
    if zs:
        f[f"{prefix}zipf_mean"] = sum(zs) / len(zs)
        f[f"{prefix}zipf_min"] = min(zs)
        f[f"{prefix}rare"] = sum(z < RARE for z in zs) / len(zs)
        f[f"{prefix}unseen"] = sum(z == 0 for z in zs) / len(zs)
        lower = [z for w, z in zip(letters, zs, strict=True) if w[:1].islower()]
        if lower:
            f[f"{prefix}rare_lower"] = sum(z < RARE for z in lower) / len(lower)
    wrong = _CYR if lang == "en" else _LAT
    f[f"{prefix}wrong_script"] = sum(bool(wrong.search(w)) for w in letters) / n
    f[f"{prefix}capital"] = sum(w[:1].isupper() for w in letters[1:]) / n
    low = [w.lower() for w in words]
    f[f"{prefix}repeat_word"] = float(sum(a == b for a, b in zip(low, low[1:], strict=False)))
    for k in (2, 3):
        grams = Counter(zip(*(low[i:] for i in range(k)), strict=False))
        f[f"{prefix}repeat_{k}gram"] = float(sum(c - 1 for c in grams.values() if c > 1))
    if lang != "en":
        cyr = [w for w in letters if _CYR.search(w)]
        if cyr:
            f[f"{prefix}unknown"] = sum(not morph.is_known(w, lang) for w in cyr) / len(cyr)


def _digit_groups(text: str) -> Counter[str]:
    return Counter(re.sub(r"[.,]", "", g) for g in _DIGITS.findall(text))


def _marks(text: str) -> dict[str, int]:
    return {"q": text.count("?"), "x": text.count("!"), "b": text.count("(") + text.count(")"),
            "c": text.count(":")}


def segment_signals(src: str, src_lang: str, mt: str, mt_lang: str) -> dict[str, float]:
    """The reference-free features of a source and its translation (`mt` may be '': source alone)."""
    f: dict[str, float] = {}
    sw = tokens(src)
    f["src_words"] = math.log1p(len(sw))
    f["src_chars"] = math.log1p(len(src.strip()))
    _fluency("src_", sw, src_lang, f)
    f["src_digits"] = float(sum(_digit_groups(src).values()))
    # quoted speech and long multi-clause sentences are harder to render
    f["src_quotes"] = float(sum(src.count(c) for c in "\"«»“”„"))
    f["src_commas"] = float(src.count(","))
    if not mt.strip():
        return f
    mw = tokens(mt)
    f["mt_words"] = math.log1p(len(mw))
    f["x_len_ratio"] = math.log((1 + len(mt.strip())) / (1 + len(src.strip())))
    f["x_word_ratio"] = math.log((1 + len(mw)) / (1 + len(sw)))
    _fluency("mt_", mw, mt_lang, f)
    sd, md = _digit_groups(src), _digit_groups(mt)
    f["x_num_missing"] = float(sum((sd - md).values()))
    f["x_num_added"] = float(sum((md - sd).values()))
    sm, mm = _marks(src), _marks(mt)
    f["x_marks_diff"] = float(sum(abs(sm[k] - mm[k]) for k in sm))
    f["x_identical"] = 1.0 if normalize(src).strip().lower() == normalize(mt).strip().lower() else 0.0
    ru_side, en_side, ru_lang = (sw, mw, src_lang) if mt_lang == "en" else (mw, sw, mt_lang)
    if ru_lang in ("ru", "uk") and ru_side and en_side:
        lex = lexicon_for(f"{ru_lang}-en")
        if lex is not None:
            ru_sup = lex.source_support(ru_side, en_side)  # type: ignore[attr-defined]
            en_sup = lex.target_support(ru_side, en_side)  # type: ignore[attr-defined]
            ru_known = lex.source_known(ru_side)  # type: ignore[attr-defined]
            en_known = lex.target_known(en_side)  # type: ignore[attr-defined]
            if mt_lang == "en":
                _adequacy("src_", ru_side, ru_sup, ru_known, ru_lang, f)
                _adequacy("mt_", en_side, en_sup, en_known, "en", f)
            else:
                _adequacy("src_", en_side, en_sup, en_known, "en", f)
                _adequacy("mt_", ru_side, ru_sup, ru_known, ru_lang, f)
            if "src_lex_mean" in f and "mt_lex_mean" in f:
                f["x_lex_mean"] = (f["src_lex_mean"] + f["mt_lex_mean"]) / 2
                f["x_lex_log"] = (f["src_lex_log"] + f["mt_lex_log"]) / 2
    return f


_CHRF = CHRF()


def agreement(mt: str, versions: Sequence[str]) -> dict[str, float]:
    """How close a translation is to other engines' translations of the same source: the number of
    other versions, the mean and lowest sentence chrF against each (0-1); nothing without any."""
    others = [v for v in versions if v.strip()]
    if not others or not mt.strip():
        return {}
    scores = [_CHRF.sentence_score(mt, [v]).score / 100 for v in others]
    return {"x_versions": math.log1p(len(others)), "x_agree": sum(scores) / len(scores), "x_agree_min": min(scores)}
