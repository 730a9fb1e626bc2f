"""The ru/uk ↔ English translation lexicon: how well the words of one side are rendered on the other.

Owns the shipped lexicon (workbench/data/lexicon-ru-en.tsv.gz, built by scripts/build_lexicon.py),
the lemma keys both sides are compared by, and the support scores the adequacy checks and the
risk model read.

How it was learnt: Russian–English sentence pairs from public data (post-edits, human references
and MT outputs of the WMT QE and news training files; never the dev/test sets the flags are
measured on) were lemmatised (pymorphy3 for Russian, lowercase + Snowball stemmer for English) and
word-aligned with eflomal in both directions, symmetrised with grow-diag-final-and; the lexical
tables p(en|ru) and p(ru|en) are the link counts over the counts of each lemma, as the lex tables of
phrase-based MT. eflomal was chosen over fast_align and IBM Model 1 because it is a Bayesian
IBM-style aligner with fertility and HMM distortion that is markedly more accurate on small corpora
(a few tens of thousands of pairs, as here), installs from PyPI as a wheel and runs in seconds.

Ukrainian has no public uk–en parallel text that a package ships offline, so "uk-en" bridges each
Ukrainian lemma to a Russian lemma of the lexicon: first through Apertium's Ukrainian–Russian
dictionary (`u` rows: "уряд" → "правительство", "зараз" → "сейчас"), then through the regular
spelling correspondences of the two languages (і/и/ы, є/е, ї, ґ, the infinitive and noun endings). Identical strings, transliterations and numbers count as
support in both languages.

A bilingual dictionary (Mueller's English-Russian, read by the build script) adds the renderings
the corpus never shows: a pair the dictionary lists scores at least `DICTIONARY`, and a lemma it
lists counts as judged.

A word the lexicon never saw (or saw once) gets `UNKNOWN` (no evidence either way); `source_known`
and `target_known` say which words were judged.
"""

from __future__ import annotations

import gzip
import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import snowballstemmer
from lemminflect import getAllLemmas
from rapidfuzz.distance import Levenshtein

from . import morph
from .text import normalize, translit

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILE = "lexicon-ru-en.tsv.gz"
UNKNOWN = 0.5  # the support of a word the lexicon cannot judge
# The score of a rendering the dictionary lists and the corpus does not (or rarely) links: plausible,
# below the corpus's usual renderings (p(en|ru) of a word's main translation is mostly above 0.5).
DICTIONARY = 0.4
COGNATE_MIN = 0.75  # transliteration similarity at which two words count as the same word ("Шварценеггер")

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_DIGITS = re.compile(r"\d")
_CYR = re.compile(r"[\u0400-\u04ff]")
_STEMMER = snowballstemmer.stemmer("english")
_RU_STEMMER = snowballstemmer.stemmer("russian")
# Which lemma of an ambiguous English form to take: verbs first, so participles join their verb
# ("frozen" -> "freeze"), then nouns and adjectives.
_UPOS_ORDER = ("VERB", "NOUN", "ADJ", "ADV", "AUX", "PRON", "ADP", "DET", "NUM", "PROPN")


_EDGES = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)


def core_word(word: str) -> str:
    """The word without the punctuation a whitespace tokenisation leaves on it ("country." -> "country")."""
    return _EDGES.sub("", word) or word


@lru_cache(maxsize=200_000)
def en_key(word: str) -> str:
    """The English lemma key: lemminflect's lemma (irregular forms too: "took" -> "take"), lowercase,
    Snowball-stemmed so that derived forms meet ("rapid", "rapidly" -> "rapid")."""
    w = normalize(core_word(word)).lower()
    w = (w[:-2] if w.endswith("'s") else w).strip("'")  # the possessive: "children's" -> "children"
    if not w.isascii():
        return w
    found = getAllLemmas(w)
    for upos in _UPOS_ORDER:
        if found.get(upos):
            w = found[upos][0]
            break
    return _STEMMER.stemWord(w)


@lru_cache(maxsize=200_000)
def src_key(word: str, lang: str) -> str:
    """The ru/uk lemma key: pymorphy3's first parse (ё as е), Snowball-stemmed so that an adverb meets
    its adjective ("быстро", "быстрый" -> "быстр"); Latin words as English keys. For Ukrainian this
    is the Ukrainian lemma, stemmed the Russian way: `Lexicon.key` bridges it to Russian."""
    if not _CYR.search(word):
        return en_key(word)
    return _RU_STEMMER.stemWord(morph.lemma(core_word(word), lang))


# --- Ukrainian -> Russian spelling bridge ----------------------------------------------------------
# Regular correspondences of cognate lemmas: letters first, then endings (infinitive -ти/-ть,
# verbal nouns -ння/-ние, abstract nouns -ість/-ость, adjectives -ий/-ый).
# A variant counts only when it is a Russian dictionary word (so "місто" cannot become "мост"); false
# friends remain ("місто" city -> "место" place).
_UK_LETTERS = {"і": ("и", "е", "о"), "и": ("ы", "и"), "ї": ("и",), "є": ("е",), "ґ": ("г",), "'": ("ъ", "ь", "")}
_UK_ENDINGS = (("тися", "ться"), ("ти", "ть"), ("ення", "ение"), ("ання", "ание"), ("ння", "ние"),
               ("ття", "тие"), ("ість", "ость"), ("ія", "ия"), ("ий", "ый"), ("ий", "ой"), ("ів", "ов"))
_MAX_VARIANTS = 256


def _uk_variants(lemma: str) -> list[str]:
    stems = [(lemma, "")]
    for uk_end, ru_end in _UK_ENDINGS:
        if lemma.endswith(uk_end) and len(lemma) > len(uk_end) + 1:
            stems.append((lemma[:-len(uk_end)], ru_end))
    out: list[str] = []
    for stem, ending in stems:
        # the identity first, then the Russian letters; bounded, since long words have many і/и
        choices = [(ch, *(c for c in _UK_LETTERS.get(ch, ()) if c != ch)) for ch in stem]
        for combo in itertools.islice(itertools.product(*choices), _MAX_VARIANTS):
            out.append("".join(combo) + ending)
    return out


# --- the lexicon ---------------------------------------------------------------------------------
class Lexicon:
    """Lexical translation probabilities between ru (or uk, bridged) lemmas and English stems."""

    def __init__(self, pair: str, forward: dict[str, dict[str, float]], backward: dict[str, dict[str, float]],
                 src_vocab: dict[str, int], en_vocab: dict[str, int],
                 dictionary: Sequence[tuple[str, str]] = (), bridge: Sequence[tuple[str, str]] = ()) -> None:
        self.pair = pair
        self.lang = pair.split("-", 1)[0]
        # one combined score per (source lemma, English stem): the better of p(en|src), p(src|en) and
        # the dictionary's floor
        combined: dict[str, dict[str, float]] = defaultdict(dict)
        for s, e in dictionary:
            combined[s][e] = DICTIONARY
        for s, row in forward.items():
            for e, p in row.items():
                combined[s][e] = max(p, combined[s].get(e, 0.0))
        for e, row in backward.items():
            for s, p in row.items():
                combined[s][e] = max(p, combined[s].get(e, 0.0))
        by_en: dict[str, dict[str, float]] = defaultdict(dict)
        for s, row in combined.items():
            for e, p in row.items():
                by_en[e][s] = p
        self.by_src = dict(combined)
        self.by_en = dict(by_en)
        self.src_vocab = src_vocab
        self.en_vocab = en_vocab
        self.src_listed = frozenset(s for s, _ in dictionary)
        self.en_listed = frozenset(e for _, e in dictionary)
        self.bridge: dict[str, list[str]] = defaultdict(list)  # Ukrainian lemma key -> Russian lemma keys
        for u, r in bridge:
            self.bridge[u].append(r)

    def __repr__(self) -> str:
        return f"Lexicon({self.pair}: {len(self.by_src)} source lemmas, {len(self.by_en)} English stems)"

    # keys ---------------------------------------------------------------------------------------
    @lru_cache(maxsize=200_000)  # noqa: B019 - one Lexicon per pair lives for the process
    def key(self, word: str) -> str:
        """The lexicon's key for a source word: its lemma, bridged to Russian for Ukrainian."""
        k = src_key(word, self.lang)
        if self.lang != "uk" or not _CYR.search(k):
            return k
        # the bilingual dictionary's renderings first (a Ukrainian word spelt like a Russian one may
        # mean another thing: "уряд" is a government), the commonest in the lexicon's training text
        known = [r for r in self.bridge.get(k, ()) if r in self.src_vocab or r in self.src_listed]
        if known:
            return max(known, key=lambda r: (self.src_vocab.get(r, 0), r in self.src_listed, r))
        if k in self.src_vocab or k in self.src_listed:
            return k
        variants = {_RU_STEMMER.stemWord(v) for v in _uk_variants(morph.lemma(core_word(word), "uk"))
                    if morph.is_known(v, "ru")}
        found = [v for v in variants if v in self.src_vocab or v in self.src_listed]
        return max(found, key=lambda v: (self.src_vocab.get(v, 0), v)) if found else k

    def _src_known(self, word: str) -> bool:
        k = self.key(word)
        return self.src_vocab.get(k, 0) >= 2 or k in self.src_listed

    def _en_known(self, word: str) -> bool:
        k = en_key(word)
        return self.en_vocab.get(k, 0) >= 2 or k in self.en_listed

    def source_known(self, src_words: Sequence[str]) -> list[bool]:
        """Whether the lexicon can judge each source word (a lemma seen at least twice in training)."""
        return [self._src_known(w) for w in src_words]

    def target_known(self, en_words: Sequence[str]) -> list[bool]:
        """Whether the lexicon can judge each English word."""
        return [self._en_known(w) for w in en_words]

    # support ------------------------------------------------------------------------------------
    def source_support(self, src_words: list[str], en_words: list[str]) -> list[float]:
        """Per source word, in [0, 1]: how well the English renders it (the best English word)."""
        return list(self._score(tuple(src_words), tuple(en_words))[0])

    def target_support(self, src_words: list[str], en_words: list[str]) -> list[float]:
        """Per English word, in [0, 1]: how well some source word accounts for it."""
        return list(self._score(tuple(src_words), tuple(en_words))[1])

    def links(self, src_words: Sequence[str], en_words: Sequence[str], min_p: float = 0.2) -> list[tuple[int, int]]:
        """A lexical word alignment: each source word linked to its best-supported English word.

        The candidates are those `source_support` weighs (lexicon rows, identical words, cognates
        and transliterated names); a source word keeps the one English word with the
        highest score of at least `min_p`, the nearer to its relative position on a tie (a repeated
        English word is then taken where the sentence order puts it). Cheap and always at hand,
        unlike the BERT aligner: placing a formatted word's tags into fresh MT needs no more.
        """
        n, m = len(src_words), len(en_words)
        en = [(en_key(w), _surface(w), _LETTER.search(w) is not None) for w in en_words]
        out = []
        for i, w in enumerate(src_words):
            if _LETTER.search(w) is None:
                continue
            plain, k = _surface(w), self.key(w)
            row = self.by_src.get(k) or {}
            forms = _forms(plain, k)
            cands = []
            for j, (ek, eplain, eletters) in enumerate(en):
                if not eletters:
                    continue
                p = 1.0 if ek == k or eplain == plain else row.get(ek, 0.0)
                if p < 1.0 and any(f[:1] == eplain[:1] and _cognate(f, eplain) for f in forms):
                    p = 1.0
                if p >= min_p:
                    cands.append((p, j))
            if cands:
                where = i * (m - 1) / (n - 1) if n > 1 else 0.0
                out.append((i, max(cands, key=lambda c: (c[0], -abs(c[1] - where)))[1]))
        return out

    @lru_cache(maxsize=256)  # noqa: B019 - callers ask for both directions of the same pair in turn
    def _score(self, src_words: tuple[str, ...], en_words: tuple[str, ...]) -> tuple[tuple[float, ...], ...]:
        src = [(w, self.key(w), _surface(w), _LETTER.search(w) is not None) for w in src_words]
        en = [(w, en_key(w), _surface(w), _LETTER.search(w) is not None) for w in en_words]
        src_support = [0.0] * len(src)
        en_support = [0.0] * len(en)
        by_key: dict[str, list[int]] = defaultdict(list)
        by_plain: dict[str, list[int]] = defaultdict(list)
        by_initial: dict[str, list[int]] = defaultdict(list)
        for j, (_e, ek, eplain, eletters) in enumerate(en):
            if eletters:
                by_key[ek].append(j)
                by_plain[eplain].append(j)
                by_initial[eplain[:1]].append(j)

        def link(i: int, j: int, p: float) -> None:
            if p > src_support[i]:
                src_support[i] = p
            if p > en_support[j]:
                en_support[j] = p

        for i, (_w, k, plain, letters) in enumerate(src):
            if not letters:
                continue
            row = self.by_src.get(k)
            if row:
                for ek in row.keys() & by_key.keys():
                    for j in by_key[ek]:
                        link(i, j, row[ek])
            for j in (*by_key.get(k, ()), *by_plain.get(plain, ())):
                link(i, j, 1.0)
            for form in _forms(plain, k):
                for j in by_initial.get(form[:1], ()):
                    if en_support[j] < 1.0 or src_support[i] < 1.0:
                        if _cognate(form, en[j][2]):
                            link(i, j, 1.0)
        src_plain = {x[2] for x in src}
        en_plain = {x[2] for x in en}
        for i, (w, _k, _plain, letters) in enumerate(src):
            if not letters:
                src_support[i] = _token_support(w, en_plain)
            elif src_support[i] == 0.0 and not self._src_known(w):
                src_support[i] = UNKNOWN
        for j, (w, _k, _plain, letters) in enumerate(en):
            if not letters:
                en_support[j] = _token_support(w, src_plain)
            elif en_support[j] == 0.0 and not self._en_known(w):
                en_support[j] = UNKNOWN
        return tuple(min(1.0, x) for x in src_support), tuple(min(1.0, x) for x in en_support)


@lru_cache(maxsize=200_000)
def _surface(word: str) -> str:
    return normalize(core_word(word)).lower()


def _token_support(token: str, other: set[str]) -> float:
    """A number or symbol: supported when the other side has the same digits (or it has none)."""
    digits = "".join(_DIGITS.findall(token))
    if not digits:
        return 1.0
    return 1.0 if any(digits == "".join(_DIGITS.findall(o)) for o in other if _DIGITS.search(o)) else 0.0


@lru_cache(maxsize=200_000)
def _forms(plain: str, key: str) -> tuple[str, ...]:
    """Latin transliterations of a Cyrillic word and its lemma key (none for a Latin word)."""
    if not _CYR.search(plain):
        return ()
    return tuple({translit(plain), translit(key)})


def _cognate(form: str, english: str) -> bool:
    """A cognate or a transliterated name: a transliteration this similar to the English word
    (callers pair only words that begin alike, as "президент"/"president" do)."""
    return abs(len(english) - len(form)) <= max(2, len(form) // 3) and \
        Levenshtein.normalized_similarity(form, english, score_cutoff=COGNATE_MIN) > 0


def read_lexicon_file(path: Path, pair: str) -> Lexicon:
    """Read a lexicon data file (gzip TSV: `f`/`b` rows of source, English, probability; `d` rows of a
    dictionary pair, source and English; `u` rows of a Ukrainian lemma and a Russian one it renders;
    `vs`/`ve` rows of a lemma and its training count)."""
    forward: dict[str, dict[str, float]] = defaultdict(dict)
    dictionary: list[tuple[str, str]] = []
    bridge: list[tuple[str, str]] = []
    backward: dict[str, dict[str, float]] = defaultdict(dict)
    src_vocab: dict[str, int] = {}
    en_vocab: dict[str, int] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            parts = line.rstrip("\n").split("\t")
            if parts[0] in ("f", "b") and len(parts) == 4:
                if parts[0] == "f":
                    forward[parts[1]][parts[2]] = float(parts[3])
                else:
                    backward[parts[2]][parts[1]] = float(parts[3])
            elif parts[0] in ("d", "u") and len(parts) == 3:
                (dictionary if parts[0] == "d" else bridge).append((parts[1], parts[2]))
            elif parts[0] in ("vs", "ve") and len(parts) == 3:
                (src_vocab if parts[0] == "vs" else en_vocab)[parts[1]] = int(parts[2])
            elif parts[0] != "#":
                raise ValueError(f"{path}: line {n}: not a lexicon row")
    return Lexicon(pair, dict(forward), dict(backward), src_vocab, en_vocab, dictionary, bridge)


@lru_cache(maxsize=4)
def _load(pair: str, data_dir: Path) -> Lexicon | None:
    path = data_dir / DATA_FILE
    if not path.is_file():
        return None
    return read_lexicon_file(path, pair)


def load_lexicon(pair: str, data_dir: Path | None = None) -> Lexicon | None:
    """The lexicon of "ru-en" or "uk-en" (bridged through Russian); None when there is no data file."""
    if pair not in ("ru-en", "uk-en"):
        raise ValueError(f"no lexicon for language pair {pair!r} (ru-en or uk-en)")
    return _load(pair, (data_dir or DATA_DIR).resolve())
