"""Similarity features between segments of two language versions, without any model.

Russian and Ukrainian are close enough that a sentence and its counterpart share much of their
surface once both are romanized: character trigrams of the transliterated words (vowels merged,
doubled letters single), lemma stems (pymorphy3 lemmas, transliterated and cut to five letters so
that "говорить"/"говорити" meet), names and acronyms, and numbers and dates in a
language-independent form ("10 января" = "10 січня"). Each family is a TF-IDF vector per segment
(IDF over both documents); the families are joined into one weighted vector, and the aligner
compares beads (groups of neighbouring segments) by the cosine of summed vectors, computed from
pairwise dot products so that merged beads cost nothing extra. Lengths are compared Gale–Church style. When both sides have English, sacrebleu's chrF
between the translations joins in (the Bleualign idea).

Across scripts (a Russian or Ukrainian version against an English one) the surface families share
little beyond names and numbers, so a sixth family, translations, carries the wording: each ru/uk
word is replaced by the English stems the shipped lexicon (`workbench.lexicon`) gives it, weighted
by their probability, and each English word by its own stem; the cosine of those vectors is the
dictionary evidence of hunalign and Moore's aligner. Versions in one script never build it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ..morph import lemma
from ..text import dates, normalize, number_value, numbers, translit, words
from .vectors import SparseRows, from_rows, hstack, pair_dots

if TYPE_CHECKING:  # the lexicon loads only for alignments across scripts
    from ..lexicon import Lexicon

# Punctuation that survives translation (questions, exclamations, quotes, brackets, emoticons):
# the only content that short informal lines in two scripts share. Weak, so that it orders
# neighbours rather than linking sentences on its own.
MARKS_WEIGHT = 0.3
_MARKS = re.compile(r"[:;=8][-~^]?[()\[\]DPpOo3]|\){2,}|\({2,}|\.{3}|…|[?!\"«»“”„()\[\]>*:;]")
_MARK_CLASS = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "…": "."})

# Feature families and the weight of each family's cosine in the combined similarity. Names and
# numbers are few per sentence, so their cosine swings between 0 and 1: a smaller weight keeps one
# shared name from outweighing the wording.
FAMILY_WEIGHTS: dict[str, float] = {"grams": 1.0, "stems": 1.0, "names": 0.6, "numbers": 0.8, "marks": MARKS_WEIGHT,
                                     "trans": 1.0}
FAMILIES = tuple(FAMILY_WEIGHTS)
# A lexicon translation below this probability is noise (alignment links of function words).
TRANS_MIN_P = 0.05
TRANS_TOP = 4  # English stems kept per source word, best first
_LEXICON_SOURCES = ("ru", "uk")
STEM_LEN = 5
# Gale & Church (1993): variance of the length difference per character of text.
GC_VARIANCE = 6.8


def _is_name(token: str, position: int) -> bool:
    """Proper names and acronyms: capitalized away from the sentence start, all-caps, or Latin."""
    if len(token) < 2:
        return False
    if token.isupper():
        return True
    if token[0].isupper() and position > 0:
        return True
    return token.isascii() and token.isalpha() and position > 0


_DOUBLED = re.compile(r"(.)\1+")
_VOWELS = str.maketrans("aeiouy", "aaaaaa")


def skeleton(word: str) -> str:
    """Romanized word with doubled letters single ("Россия"/"Росія" -> "rosia")."""
    return _DOUBLED.sub(r"\1", translit(word))


@lru_cache(maxsize=200_000)
def word_features(word: str, lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Trigrams and stems of one word (cached: news vocabulary repeats)."""
    surface = skeleton(word)
    # Vowels are where Russian and Ukrainian cognates differ most (і/о/е/и): one symbol.
    padded = f"<{surface.translate(_VOWELS)}>"
    grams = tuple(padded[k:k + 3] for k in range(len(padded) - 2))
    # Acronyms and unknown words keep their own form: pymorphy3 guesses badly for them.
    stems = {surface[:STEM_LEN]} if surface else set()
    if not word.isupper():
        stems.add(skeleton(lemma(word, lang))[:STEM_LEN])
    stems.discard("")
    return grams, tuple(sorted(stems))


def segment_features(text: str, lang: str) -> dict[str, Counter[str]]:
    """Counts of every feature family for one segment."""
    norm = normalize(text)
    out: dict[str, Counter[str]] = {f: Counter() for f in FAMILIES}
    grams, stems, names, nums = out["grams"], out["stems"], out["names"], out["numbers"]
    for pos, tok in enumerate(words(norm)):
        w_grams, w_stems = word_features(tok.text, lang)
        grams.update(w_grams)
        stems.update(w_stems)
        if _is_name(tok.text, pos):
            names.update(w_stems)
    marks = out["marks"]
    for m in _MARKS.finditer(norm):
        mark = m.group().translate(_MARK_CLASS)
        marks["…" if mark in ("...", ".") else mark] += 1
    for tok in numbers(norm):
        nums["#" + number_value(tok.text)] += 1
    for _tok, key in dates(norm):
        nums["@" + key] += 1
    return out


@dataclass
class SideFeatures:
    """Feature vectors of one side (rows: segments) plus what bead cosines need.

    `matrix` joins the families: each family's TF-IDF vector is scaled to unit length, then by the
    square root of the family's weight, so a dot product is the weighted sum of family cosines
    and a family missing on one side lowers the cosine through the norm.
    """

    families: dict[str, SparseRows]
    matrix: SparseRows
    norms: np.ndarray  # squared norm of each row
    adjacent: np.ndarray  # dot product of row r with row r+1
    lengths: np.ndarray  # characters per segment
    english: list[str | None] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.lengths)


def _cross_lexicon_pairs(langs_a: Sequence[str], langs_b: Sequence[str]) -> set[str]:
    """Lexicon pairs ("ru-en", "uk-en") needed: one side has English, the other ru/uk segments."""
    has_a, has_b = set(langs_a), set(langs_b)
    out: set[str] = set()
    for mine, other in ((has_a, has_b), (has_b, has_a)):
        if "en" in other:
            out.update(f"{lang}-en" for lang in mine if lang in _LEXICON_SOURCES)
    return out


def translation_features(text: str, lang: str, lexicons: dict[str, Lexicon | None]) -> Counter[str]:
    """English stems of a segment: its own (English) or the lexicon's translations of its words (ru/uk),
    each translation weighted by its probability. Empty when the lexicon for `lang` is missing."""
    from ..lexicon import en_key

    out: Counter[str] = Counter()
    norm = normalize(text)
    if lang == "en":
        for tok in words(norm):
            if any(ch.isalpha() for ch in tok.text):
                out[en_key(tok.text)] += 1.0
        return out
    lex = lexicons.get(f"{lang}-en")
    if lex is None:
        return out
    for tok in words(norm):
        if not any(ch.isalpha() for ch in tok.text):
            continue
        row = lex.by_src.get(lex.key(tok.text), {})
        best = sorted(((p, e) for e, p in row.items() if p >= TRANS_MIN_P), reverse=True)[:TRANS_TOP]
        for p, e in best:
            out[e] += p
    return out


def build_features(texts_a: Sequence[str], langs_a: Sequence[str], texts_b: Sequence[str],
                   langs_b: Sequence[str], *, use_lexicon: bool = True) -> tuple[SideFeatures, SideFeatures]:
    """TF-IDF feature matrices of both sides over one shared vocabulary (IDF over both sides)."""
    counts_a = [segment_features(t, lg) for t, lg in zip(texts_a, langs_a, strict=True)]
    counts_b = [segment_features(t, lg) for t, lg in zip(texts_b, langs_b, strict=True)]
    pairs = _cross_lexicon_pairs(langs_a, langs_b) if use_lexicon else set()
    if pairs:
        from ..lexicon import load_lexicon

        lexicons = {pair: load_lexicon(pair) for pair in pairs}
        other_a, other_b = set(langs_b), set(langs_a)
        for counts, texts, langs, other in ((counts_a, texts_a, langs_a, other_a), (counts_b, texts_b, langs_b, other_b)):
            for c, t, lg in zip(counts, texts, langs, strict=True):
                # English only meets translated ru/uk words, and ru/uk only English.
                if (lg == "en" and other & set(_LEXICON_SOURCES)) or (lg in _LEXICON_SOURCES and "en" in other):
                    c["trans"] = translation_features(t, lg, lexicons)
    n_docs = len(counts_a) + len(counts_b)
    fams_a: dict[str, SparseRows] = {}
    fams_b: dict[str, SparseRows] = {}
    for fam in FAMILIES:
        df: Counter[str] = Counter()
        for c in counts_a + counts_b:
            df.update(c[fam].keys())
        vocab = {feat: k for k, feat in enumerate(df)}
        idf = {feat: math.log((n_docs + 1) / (d + 1)) + 1.0 for feat, d in df.items()}
        fams_a[fam] = _matrix([c[fam] for c in counts_a], vocab, idf)
        fams_b[fam] = _matrix([c[fam] for c in counts_b], vocab, idf)
    return _side(fams_a, texts_a), _side(fams_b, texts_b)


def _matrix(rows: list[Counter[str]], vocab: dict[str, int], idf: dict[str, float]) -> SparseRows:
    # Translation weights are probabilities (below 1): taken as they are.
    return from_rows([{vocab[feat]: (1.0 + math.log(tf) if tf >= 1 else tf) * idf[feat] for feat, tf in row.items()}
                      for row in rows], len(vocab))


def _unit_rows(m: SparseRows) -> SparseRows:
    norms = np.sqrt(m.squared_norms())
    return m.scale_rows(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0))


def _side(families: dict[str, SparseRows], texts: Sequence[str]) -> SideFeatures:
    parts = [_unit_rows(families[f]) for f in FAMILIES]
    parts = [p.scale_rows(np.full(p.size, math.sqrt(FAMILY_WEIGHTS[f]))) for p, f in zip(parts, FAMILIES, strict=True)]
    matrix = hstack(parts)
    norms = matrix.squared_norms()
    n = matrix.size
    adjacent = pair_dots(matrix, matrix, np.arange(n - 1), np.arange(1, n)) if n > 1 else np.zeros(0)
    lengths = np.asarray([max(len(normalize(t).strip()), 1) for t in texts], dtype=np.float64)
    return SideFeatures(families=families, matrix=matrix, norms=norms, adjacent=adjacent, lengths=lengths)


def length_match(len_a: np.ndarray, len_b: np.ndarray, ratio: float) -> np.ndarray:
    """Gale–Church: two-sided probability of a length difference at least this large, in [0, 1].

    `ratio` is the expected characters of B per character of A (measured on the documents).
    """
    mean_len = (len_a + len_b / ratio) / 2.0
    delta = (len_b - len_a * ratio) / np.sqrt(GC_VARIANCE * np.maximum(mean_len, 1.0))
    return _erfc(np.abs(delta) / math.sqrt(2.0))


# math.erfc over arrays: scipy.special would cost a tenth of a second of start-up for one function.
_erfc_ufunc = np.frompyfunc(math.erfc, 1, 1)


def _erfc(x: np.ndarray) -> np.ndarray:
    return np.asarray(_erfc_ufunc(np.asarray(x, dtype=np.float64)), dtype=np.float64)


class ChrfScorer:
    """sacrebleu's sentence chrF between the English of bead sides, with n-grams cached per bead.

    The score equals `sacrebleu.sentence_chrf(a, [b])`; caching the character n-gram counts of
    each (joined) side keeps the many comparisons a dynamic programme makes affordable.
    """

    def __init__(self) -> None:
        from sacrebleu.metrics import CHRF  # only alignments with English on both sides need it

        self._metric = CHRF()
        self._ngrams: dict[str, list[Counter[str]]] = {}
        self._scores: dict[tuple[str, str], float] = {}

    def _grams(self, text: str) -> list[Counter[str]]:
        got = self._ngrams.get(text)
        if got is None:
            from sacrebleu.metrics.helpers import extract_all_char_ngrams

            got = extract_all_char_ngrams(text, self._metric.char_order, self._metric.whitespace)
            self._ngrams[text] = got
        return got

    def score(self, hypothesis: str, reference: str) -> float:
        """chrF in [0, 100]."""
        key = (hypothesis, reference)
        got = self._scores.get(key)
        if got is None:
            stats: list[int] = []
            for h, r in zip(self._grams(hypothesis), self._grams(reference), strict=True):
                stats.extend(self._metric._get_match_statistics(h, r))
            got = self._metric._compute_f_score(stats)
            self._scores[key] = got
        return got
