"""Calibrated risk: the probability that a word, and a segment, is wrong.

The checks say *why* a span looks wrong; this module says *how likely* it is. Gradient-boosted
trees (LightGBM; a file of logistic coefficients is read too), fitted by `benchmarks/train_risk.py`
on public human-annotated MT (WMT22 QE: Russian MT tagged word by word from MQM annotation,
English MT with post-edits and HTER), read

- which checks flag a word (one feature per check name and per family, read from the `CHECKS`
  registry at training time; a check the model file does not know contributes nothing, so new
  families plug in after a retraining),
- plain features of the word: length, script, digits, punctuation, capitals, position,
  dictionary presence and parse of pymorphy3, word frequency from `wordfreq`, and how well the
  other language supports it through the translation lexicon (`workbench.lexicon`) when present;
  for a Latin word in ru/uk text, whether Hunspell's en_US knows its lowercase form (an ordinary
  English word left over, not a name kept in Latin letters), its English frequency and the length
  of the run of Latin words it stands in,
- the same of its +-2 neighbours (MQM error spans cover several words), case/number/gender agreement
  with the neighbouring noun or adjective, the frequency of its lemma, a capital inside a sentence,
  and shares over the sentence (unknown, flagged, unsupported words),

and give per word P(wrong). A segment's risk is a second model over its words' probabilities,
flag counts, the worst flag's rule severity and the reference-free signals of
`workbench.flags.segment_qe` (lexicon adequacy both ways, lengths, fluency, numbers, source
difficulty): P(needs correction) for Russian/Ukrainian read alone, the expected share of words
needing an edit when there is an English (fitted on post-edit HTER of English MT of Russian and on
the share of MQM-tagged words of Russian news MT of English).

What the product does with them (`estimate`): a flag's severity IS the probability — the highest
word probability inside its span, or the segment risk for a flag over (most of) the segment; a
check the training data never exercised (glossary, versions, alignment, confidence: absent from
the public data) keeps its rule-based severity when that is higher, since the model has no
evidence about it. Levels (error, warning, note) stay what the project configures: they say how
a flag is shown, not how likely it is. Words that no check explains and that are more likely
wrong than right (p >= 0.5) get a `risk.word` flag, one per run of consecutive such words; every segment gets one
`risk.segment` note flag carrying its risk, which `risk_score` and the editor's worst-first use.
The segment risk is the segment model's output alone: the worst flag is one of its features, not
a floor under it (a floor put most segments on a handful of flag severities, a ranking of ties).
Missing optional sources (the model file, wordfreq, the lexicon) give a note, never a failure.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from .. import hunspell, morph
from ..frequency import zipf
from ..records import ESTIMATE, Flag
from ..text import normalize
from . import segment_qe
from .base import CHECKS, CYRILLIC, LATIN, LEVEL_BANDS, DocView, RawFlag, check

WORD = check("risk.word", "likely_error", "note",
             "a word the calibrated model finds likely wrong although no check names a reason")
SEGMENT = check(ESTIMATE, "quality_estimate", "note",
                "the calibrated probability that the segment needs correction (one per segment)")
OWN = frozenset({WORD.name, SEGMENT.name})

MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "risk_model.json"
WIDE = 0.6  # a flag over this share of the text is about the segment, not its words
SEEN = 20  # a check that fired on fewer training words than this is "unseen" by the model
# A word no check explains is flagged on the model's word alone only when it is more likely wrong than
# right: at the MCC threshold (~0.15-0.25) such flags fired more on human than on MT Russian (rare but
# correct words), so the threshold only decides the benchmark's BAD tags; severities carry the rest.
WORD_FLAG = 0.5
# The languages whose words the training data tags (WMT22 QE: Russian MT, English MT). Ukrainian words
# get probabilities through the same features (spans of checks take them as severities), but an
# untagged language gets no `risk.word` flag of the model's own: rare correct Ukrainian words looked
# "unseen" to a model that learnt from Russian.
TRAINED_ON = frozenset({"ru", "en"})

_EN_FUNCTION = frozenset(
    "a an the of to in on at by for from with about as into over under than then that this these those it its "
    "is are was were be been being am do does did have has had will would shall should can could may might must "
    "not no nor and or but if so because while when where which who whom whose what how why there here their "
    "they them he him his she her we us our you your i me my".split())
_POS = ("NOUN", "ADJF", "ADJS", "COMP", "VERB", "INFN", "PRTF", "PRTS", "GRND", "NUMR", "ADVB", "NPRO", "PRED",
        "PREP", "CONJ", "PRCL", "INTJ")
_PUNCT = re.compile(r"^\W+$")
_DIGIT = re.compile(r"\d")
_EDGE = re.compile(r"^\W+|\W+$")


@dataclass
class Estimate:
    """What the model says about one segment: per whitespace word of each side, and in all."""

    segment_id: str
    source_words: list[tuple[int, int]]
    source_p: list[float]
    target_words: list[tuple[int, int]] = field(default_factory=list)
    target_p: list[float] = field(default_factory=list)
    risk: float = 0.0


def word_spans(text: str) -> list[tuple[int, int]]:
    """Whitespace-delimited words: the unit the public word-level tags count."""
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


_LEAD = "([{«\"“„‘"
_TRAIL = ".,;:!?)]}»\"”’…"


def pieces(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Whitespace words with leading and trailing punctuation split off, and the word each piece is of.

    The model learnt from tokenized text ("repairs ." as two tokens); the product's text is not
    ("repairs."), so it reads the same pieces and a word gets the highest probability of its pieces.
    """
    out: list[tuple[int, int]] = []
    owner: list[int] = []
    for i, (s, e) in enumerate(word_spans(text)):
        a, b = s, e
        while a < b and text[a] in _LEAD:
            a += 1
        while b > a and text[b - 1] in _TRAIL:
            b -= 1
        if a >= b or not any(c.isalnum() for c in text[a:b]):
            out.append((s, e))
            owner.append(i)
            continue
        for span in [(s, a)] * (a > s) + [(a, b)] + [(b, e)] * (e > b):
            out.append(span)
            owner.append(i)
    return out, owner


def _per_word(ps: list[float], owner: list[int], n: int) -> list[float]:
    best = [0.0] * n
    for p, i in zip(ps, owner, strict=True):
        best[i] = max(best[i], p)
    return best


# --- optional feature sources ---------------------------------------------------------------------
def frequency(word: str, lang: str) -> float:
    """Zipf frequency (0 = unseen, ~7 = 'the'); -1 when wordfreq is not installed."""
    z = zipf(word, lang)
    return -1.0 if z is None else z


# One cache for both users of the lexicon (word features here, segment signals there), so that
# training's switch to a fold lexicon (`_lexicon.cache_clear()`) reaches both.
_lexicon = segment_qe.lexicon_for


def _support(lang: str, src: list[str], en: list[str], side: str) -> list[float] | None:
    lex = _lexicon(f"{lang}-en") if lang in ("ru", "uk") else None
    if lex is None or not src or not en:
        return None
    fn = lex.source_support if side == "source" else lex.target_support  # type: ignore[attr-defined]
    try:
        out = list(fn(src, en))
    except (ValueError, KeyError, IndexError):
        return None
    return out if len(out) == (len(src) if side == "source" else len(en)) else None


def _bare(word: str) -> str:
    return _EDGE.sub("", normalize(word)).lower()


@lru_cache(maxsize=400_000)
def _word_plain(word: str, lang: str) -> tuple[tuple[str, float], ...]:
    """Features of a word by itself (cached: the same words recur)."""
    f: dict[str, float] = {}
    bare = _bare(word)
    f["len"] = min(len(bare), 20) / 20
    if _PUNCT.match(word):
        f["punct"] = 1.0
        return tuple(f.items())
    if _DIGIT.search(word):
        f["digit"] = 1.0
    cyr, lat = bool(CYRILLIC.search(word)), bool(LATIN.search(word))
    if cyr and lat:
        f["mixed_script"] = 1.0
    elif lat:
        f["latin"] = 1.0
    elif cyr:
        f["cyrillic"] = 1.0
    if word[:1].isupper():
        f["capital"] = 1.0
    if lat and not cyr and lang != "en":
        # an ordinary Latin word in ru/uk text is often English left untranslated; a capitalized one a name
        f["latin_lower" if word[:1].islower() else "latin_capital"] = 1.0
        # an ordinary English word (en_US knows its lowercase form: "cars", not "johnson") left over,
        # against a name kept in Latin letters, whatever its capital
        if bare and hunspell.known(bare, "en"):
            f["en_word"] = 1.0
        z = frequency(bare, "en") if bare else -1.0
        if z >= 0:
            f["en_freq"] = z / 8
    if len(bare) > 1 and bare.upper() == _EDGE.sub("", word) and bare.upper() != bare:
        f["all_caps"] = 1.0
    if any(c in word for c in "-'’"):
        f["hyphen"] = 1.0
    if bare and not _PUNCT.match(bare):
        z = frequency(bare, lang)
        if z >= 0:
            f["freq"] = z / 8
            f[f"freq_bin:{min(int(z), 6)}"] = 1.0  # rare words matter non-linearly
            if z == 0:
                f["freq_unseen"] = 1.0
    if lang in ("ru", "uk") and cyr and bare:
        f["known"] = 1.0 if morph.is_known(bare, lang) else 0.0
        if not f["known"]:
            f["unknown_lower" if word[:1].islower() else "unknown_capital"] = 1.0
        parses = morph.parses(bare, lang)
        if parses:
            p = parses[0]
            f["parse_score"] = float(p.score)
            # how ambiguous the form is: agreement errors hide in forms with several readings
            f["n_parses"] = min(len({str(q.tag) for q in parses}), 10) / 10
            pos = str(p.tag.POS or "")
            if pos in _POS:
                f[f"pos:{pos}"] = 1.0
            if {"Name", "Surn", "Patr", "Geox", "Orgn"} & set(p.tag.grammemes):
                f["proper"] = 1.0
            lemma = p.normal_form.replace("ё", "е")
            if lemma != bare:
                z = frequency(lemma, lang)
                if z >= 0:
                    f["lemma_freq"] = z / 8  # a rare form of a common word: often a wrong ending
    if lang == "en" and bare in _EN_FUNCTION:
        f["function"] = 1.0
    return tuple(f.items())


_SENTENCE_END = re.compile(r"[.!?:;…\"«»“”„(\-–—]$")


@lru_cache(maxsize=400_000)
def _grammemes(word: str, lang: str) -> tuple[str, str, str] | None:
    """Case, number and gender of a ru/uk word's top parse ('' where the parse has none); None for a
    word that is not a noun, adjective, participle or pronoun."""
    bare = _bare(word)
    if not bare or not CYRILLIC.search(bare):
        return None
    found = morph.parses(bare, lang)
    if not found:
        return None
    tag = found[0].tag
    if str(tag.POS or "") not in ("NOUN", "ADJF", "PRTF", "NPRO", "NUMR"):
        return None
    return str(tag.case or ""), str(tag.number or ""), str(tag.gender or "")


def word_features(text: str, lang: str, flags: Sequence[RawFlag], *, other: str = "", other_lang: str = "",
                  side: str = "source", eos: bool = False,
                  spans: list[tuple[int, int]] | None = None) -> list[dict[str, float]]:
    """One feature dict per whitespace word of `text` (plus one for an end-of-segment token).

    `flags` are the checks' flags on this side; `other` is the other language's text ('' when there
    is none). The end token stands for "something is missing at the end" in the public tags.
    """
    spans = word_spans(text) if spans is None else spans
    n = len(spans)
    toks = [text[s:e] for s, e in spans]
    wide_limit = WIDE * max(1, len(text.strip()))
    narrow = [r for r in flags if r.flag.end - r.flag.start < wide_limit]
    wide = [r for r in flags if r.flag.end - r.flag.start >= wide_limit]
    seg: dict[str, float] = {"bias": 1.0, "seg_len": min(math.log1p(n) / 4, 1.5),
                             "seg_flags": min(math.log1p(len(narrow)) / 2, 1.5)}
    for r in wide:
        key = f"w:{r.flag.detector}"
        seg[key] = max(seg.get(key, 0.0), r.confidence)
    if other.strip():
        seg["has_other"] = 1.0
        ratio = math.log(max(1, len(other.strip())) / max(1, len(text.strip())))
        seg["len_ratio"] = max(-2.0, min(2.0, ratio))
        seg["len_ratio_abs"] = min(2.0, abs(ratio))
    support = None
    if other.strip():
        other_toks = [_bare(other[s:e]) for s, e in word_spans(other)]
        mine = [_bare(t) for t in toks]
        if side == "source":
            support = _support(lang, mine, other_toks, "source")
        else:
            support = _support(other_lang, other_toks, mine, "target")
    hits: list[dict[str, float]] = [{} for _ in spans]
    for r in narrow:
        for i, (s, e) in enumerate(spans):
            if s < r.flag.end and e > r.flag.start:
                h = hits[i]
                fam = r.flag.detector.split(".", 1)[0]
                for key in (f"c:{r.flag.detector}", f"f:{fam}"):
                    h[key] = max(h.get(key, 0.0), r.confidence)
                h["flagged"] = 1.0
    plain = [dict(_word_plain(tok, lang)) for tok in toks]
    grams = [_grammemes(tok, lang) for tok in toks] if lang in ("ru", "uk") else [None] * n
    lex: list[float | None] = [None] * n
    if support is not None:
        lex = [None if "punct" in plain[i] else max(0.0, min(1.0, float(support[i]))) for i in range(n)]
    if n:
        seg["seg_latin"] = sum("latin" in p for p in plain) / n
        seg["seg_unseen"] = sum("freq_unseen" in p for p in plain) / n
        seg["seg_unknown"] = sum("unknown_lower" in p or "unknown_capital" in p for p in plain) / n
        seg["seg_flagged"] = sum(bool(h) for h in hits) / n
        judged = [x for x in lex if x is not None]
        if judged:
            seg["seg_lex_mean"] = sum(judged) / len(judged)
            seg["seg_lex_low"] = sum(x < 0.05 for x in judged) / len(judged)
    # the run of Latin words a word is in: a phrase left in English is longer than a name
    run = [0] * n
    for i in range(n if lang != "en" else 0):
        if "latin" in plain[i]:
            run[i] = run[i - 1] + 1 if i and "latin" in plain[i - 1] else 1
    for i in range(n - 2, -1, -1):
        if run[i] and run[i + 1]:
            run[i] = run[i + 1]
    out = []
    for i, _tok in enumerate(toks):
        f = dict(seg)
        if run[i]:
            f["latin_run"] = min(run[i], 6) / 6
        f.update(plain[i])
        f.update(hits[i])
        f["pos_rel"] = i / max(1, n - 1)
        if i == 0:
            f["first"] = 1.0
        if i == n - 1:
            f["last"] = 1.0
        if (i > 0 and hits[i - 1]) or (i + 1 < n and hits[i + 1]):
            f["near_flag"] = 1.0
        if "capital" in f and i > 0 and not _SENTENCE_END.search(toks[i - 1]):
            f["cap_mid"] = 1.0  # a capital inside a sentence: a name, or a word the MT took for one
        # MQM error spans cover several words: what the neighbours look like matters
        for j, key in ((i - 1, "prev"), (i + 1, "next"), (i - 2, "prev2"), (i + 2, "next2")):
            if 0 <= j < n:
                nb = plain[j]
                for k in ("latin", "freq_unseen", "punct", "digit", "capital", "en_word", "unknown_lower"):
                    if k in nb:
                        f[f"{key}_{k}"] = 1.0
                if "freq" in nb:
                    f[f"{key}_freq"] = nb["freq"]
                if "known" in nb:
                    f[f"{key}_known"] = nb["known"]
                if hits[j]:
                    f[f"{key}_flagged"] = 1.0
                if lex[j] is not None:
                    f[f"{key}_lex"] = lex[j]
            else:
                f[f"{key}_none"] = 1.0
        window = range(max(0, i - 2), min(n, i + 3))
        f["win_flagged"] = sum(bool(hits[j]) for j in window if j != i) / 4
        near = [lex[j] for j in window if j != i and lex[j] is not None]
        if near:
            f["win_lex_min"] = min(near)
        g = grams[i]
        if g is not None:
            for j, key in ((i - 1, "prev"), (i + 1, "next")):
                h = grams[j] if 0 <= j < n else None
                if h is not None:
                    # adjective-noun agreement read from the neighbours' top parses
                    for cat, a, b in (("case", g[0], h[0]), ("number", g[1], h[1]), ("gender", g[2], h[2])):
                        if a and b:
                            f[f"{key}_{cat}_same"] = 1.0 if a == b else 0.0
        if lex[i] is not None:
            f["lex"] = lex[i]
            f["lex_on"] = 1.0
            if f["lex"] < 0.05 and not f.get("function") and f["len"] >= 0.15:
                f["lex_none"] = 1.0
        out.append(f)
    if eos:
        f = dict(seg)
        f["eos"] = 1.0
        out.append(f)
    return out


# --- the model file ---------------------------------------------------------------------------------
_READABLE = {"freq_unseen": "a word no frequency list knows", "known": "a dictionary word", "latin": "Latin letters",
             "latin_lower": "a lowercase Latin word", "unknown_lower": "a word the dictionary does not know",
             "mixed_script": "mixed Cyrillic and Latin letters", "lex_none": "nothing in the other language renders it",
             "lex": "how well the other language renders it", "digit": "a number", "capital": "capitalized",
             "seg_flags": "other flags in the segment", "near_flag": "next to a flagged word",
             "freq": "how common the word is", "len_ratio_abs": "lengths of source and English differ"}


def _readable(name: str) -> str:
    if name.startswith(("c:", "w:")):
        return f"flagged by {name[2:]}"
    if name.startswith("freq_bin:"):
        return "a rare word" if int(name.split(":")[1]) < 3 else "how common the word is"
    return _READABLE.get(name, name.replace("_", " "))


@dataclass
class Logistic:
    """A logistic model stored as named coefficients: unknown features count 0, missing ones too."""

    coef: dict[str, float]
    threshold: float = 0.5  # the decision threshold fitted for MCC on held-out training data
    support: dict[str, int] = field(default_factory=dict)  # training rows where a feature was non-zero

    def probs(self, rows: Sequence[dict[str, float]]) -> list[float]:
        out = []
        for feats in rows:
            z = sum(self.coef.get(k, 0.0) * v for k, v in feats.items())
            out.append(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))))
        return out

    def reasons(self, feats: dict[str, float], k: int = 2) -> list[str]:
        """The features that raise the probability most (for the flag's message)."""
        parts = sorted(((self.coef.get(n, 0.0) * v, n) for n, v in feats.items() if n != "bias"), reverse=True)
        return [_readable(n) for c, n in parts[:k] if c > 0.1]

    def as_json(self) -> dict[str, object]:
        return {"kind": "logistic", "coef": self.coef, "threshold": self.threshold, "support": self.support}

    @classmethod
    def from_json(cls, data: dict) -> Logistic:
        return cls({str(k): float(v) for k, v in data["coef"].items()}, float(data.get("threshold", 0.5)),
                   {str(k): int(v) for k, v in data.get("support", {}).items()})


_ROUNDED = {"leaf_value": "%.7g", "internal_value": "%.7g", "leaf_weight": "%.3g", "internal_weight": "%.3g",
            "split_gain": "%.3g"}


def compact_text(text: str) -> str:
    """LightGBM's model text with the values prediction needs to ~7 digits and those it never reads
    (weights, gains) to 3: the file ships in the package. Split thresholds and counts stay exact."""
    out = []
    for line in text.split("\n"):
        key, eq, vals = line.partition("=")
        if key == "tree_sizes":
            continue  # byte sizes of the trees as written: wrong once shortened (LightGBM then reads them in turn)
        fmt = _ROUNDED.get(key)
        if eq and fmt:
            line = key + "=" + " ".join(fmt % float(v) for v in vals.split())
        out.append(line)
    return "\n".join(out)


@dataclass
class Trees:
    """A LightGBM model (its text form) over named features: unknown features count 0, missing ones too.

    `more` holds further boosters of the same recipe trained with other seeds; the prediction
    averages their log-odds (a seed ensemble: one training's sampling noise moved the dev MCC by 0.01).
    """

    text: str
    features: list[str]
    threshold: float = 0.5
    support: dict[str, int] = field(default_factory=dict)
    more: list[str] = field(default_factory=list)
    _boosters: list[object] | None = field(default=None, repr=False, compare=False)

    def _models(self) -> list[object]:
        if self._boosters is None:
            import lightgbm

            self._boosters = [lightgbm.Booster(model_str=t) for t in [self.text, *self.more]]
        return self._boosters

    def matrix(self, rows: Sequence[dict[str, float]]) -> object:
        import numpy as np

        index = {n: i for i, n in enumerate(self.features)}
        x = np.zeros((len(rows), len(self.features)))
        for r, feats in enumerate(rows):
            for k, v in feats.items():
                j = index.get(k)
                if j is not None:
                    x[r, j] = v
        return x

    def probs(self, rows: Sequence[dict[str, float]]) -> list[float]:
        if not rows:
            return []
        x = self.matrix(rows)
        models = self._models()
        if len(models) == 1:
            return [float(p) for p in models[0].predict(x, num_threads=1)]  # type: ignore[attr-defined]
        logit = sum(m.predict(x, raw_score=True, num_threads=1) for m in models) / len(models)  # type: ignore[attr-defined]
        return [1.0 / (1.0 + math.exp(-float(v))) for v in logit]

    def reasons(self, feats: dict[str, float], k: int = 2) -> list[str]:
        x = self.matrix([feats])
        models = self._models()
        contrib = sum(m.predict(x, pred_contrib=True, num_threads=1)[0] for m in models) / len(models)  # type: ignore[attr-defined]
        parts = sorted(zip(contrib[:-1], self.features, strict=True), reverse=True)
        return [_readable(n) for c, n in parts[:k] if c > 0.1 and feats.get(n)]

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"kind": "lightgbm", "text": self.text, "features": self.features,
                                  "threshold": self.threshold, "support": self.support}
        if self.more:
            out["more"] = self.more
        return out

    @classmethod
    def from_json(cls, data: dict) -> Trees:
        return cls(str(data["text"]), [str(f) for f in data["features"]], float(data.get("threshold", 0.5)),
                   {str(k): int(v) for k, v in data.get("support", {}).items()},
                   [str(t) for t in data.get("more", [])])


Model = Logistic | Trees


def _part(data: dict) -> Model:
    return Trees.from_json(data) if data.get("kind") == "lightgbm" else Logistic.from_json(data)


@dataclass
class RiskModel:
    """The four models: words of the ru/uk source, words of the English, segments without and with English."""

    source: Model
    target: Model
    segment_alone: Model  # ru/uk with no English: P(the segment holds an error)
    segment_english: Model  # with an English: expected share of words needing an edit (HTER)
    trained_on: str = ""

    def as_json(self) -> dict[str, object]:
        return {"trained_on": self.trained_on, "source": self.source.as_json(), "target": self.target.as_json(),
                "segment_alone": self.segment_alone.as_json(), "segment_english": self.segment_english.as_json()}

    @classmethod
    def from_json(cls, data: dict) -> RiskModel:
        return cls(_part(data["source"]), _part(data["target"]), _part(data["segment_alone"]),
                   _part(data["segment_english"]), str(data.get("trained_on", "")))


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> RiskModel:
    model = RiskModel.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    for part in (model.source, model.target, model.segment_alone, model.segment_english):
        if isinstance(part, Trees):
            part._models()  # fail here (ImportError, bad text), not in the middle of a document
    return model


def load_model(path: Path | None = None) -> tuple[RiskModel | None, str]:
    """The model file, or None and a one-line note saying why it is not used."""
    path = path or MODEL_FILE
    try:
        return _load(str(path), path.stat().st_mtime), ""
    except FileNotFoundError:
        return None, f"no risk model at {path}: severities are the checks' level bands"
    except ImportError as exc:
        return None, f"risk model {path} needs {exc.name or 'lightgbm'}: severities are the checks' level bands"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, f"risk model {path} unreadable ({exc}): severities are the checks' level bands"
    except Exception as exc:  # noqa: BLE001 - lightgbm raises its own error on a corrupt model text
        return None, f"risk model {path} unreadable ({type(exc).__name__}): severities are the checks' level bands"


def segment_features(est: Estimate, src_flags: Sequence[RawFlag], tgt_flags: Sequence[RawFlag], src_text: str,
                     en_text: str, model: RiskModel, *, lang: str = "ru", mt_side: str = "target",
                     versions: Sequence[str] = ()) -> dict[str, float]:
    """What the segment models read: their words' probabilities, flag counts and lengths, and the
    reference-free signals of `segment_qe`.

    `src_text` is the ru/uk side, `en_text` the English, as everywhere in this module. `mt_side` says
    which of the two is the translation: "target" in the product (English MT of ru/uk); "source" for
    public training data in the other direction (Russian MT of English). The side-named features
    (`s_`, `t_`, `sf:`, `tf:`) keep the product's sides; the role-named ones (`m_` the translation's
    word probabilities, `mf:`/`of:` flags on the translation / the original, and `segment_qe`'s
    `src_`/`mt_`/`x_`) follow the direction, so one model learns from both directions. `versions`
    are other engines' translations of the same source (`x_agree`: how close the translation is to
    them).
    """
    f: dict[str, float] = {"bias": 1.0, "seg_len": min(math.log1p(len(est.source_words)) / 4, 1.5)}

    def side(prefix: str, ps: list[float], thr: float) -> None:
        if not ps:
            return
        top = sorted(ps, reverse=True)
        f[f"{prefix}max"] = top[0]
        f[f"{prefix}mean"] = sum(ps) / len(ps)
        f[f"{prefix}top3"] = sum(top[:3]) / min(3, len(top))
        f[f"{prefix}over"] = sum(p >= thr for p in ps) / len(ps)
        f[f"{prefix}any"] = 1.0 - math.exp(sum(math.log(max(1e-6, 1 - p)) for p in ps))

    side("s_", est.source_p, model.source.threshold)
    side("t_", est.target_p, model.target.threshold)
    for prefix, flags in (("sf:", src_flags), ("tf:", tgt_flags)):
        for r in flags:
            fam = r.flag.detector.split(".", 1)[0]
            f[prefix + fam] = f.get(prefix + fam, 0.0) + 1.0
    for k in [k for k in f if k[:3] in ("sf:", "tf:")]:
        f[k] = min(math.log1p(f[k]), 2.0)
    if en_text.strip():
        ratio = math.log(max(1, len(en_text.strip())) / max(1, len(src_text.strip())))
        f["len_ratio"] = max(-2.0, min(2.0, ratio))
        f["len_ratio_abs"] = min(2.0, abs(ratio))
        f["t_len"] = min(math.log1p(len(est.target_words)) / 4, 1.5)
        if mt_side == "target":
            mt_p, mt_thr, on_mt, on_orig = est.target_p, model.target.threshold, tgt_flags, src_flags
            signals = segment_qe.segment_signals(src_text, lang, en_text, "en")
        else:
            mt_p, mt_thr, on_mt, on_orig = est.source_p, model.source.threshold, src_flags, tgt_flags
            signals = segment_qe.segment_signals(en_text, "en", src_text, lang)
        side("m_", mt_p, mt_thr)
        # the worst flag is a feature, not a floor under the risk (a floor would tie the ranking)
        for prefix, flags in (("mf:", on_mt), ("of:", on_orig)):
            for r in flags:
                fam = r.flag.detector.split(".", 1)[0]
                f[prefix + fam] = f.get(prefix + fam, 0.0) + 1.0
            if flags:
                f[prefix + "worst"] = max(_prior(r) for r in flags)
                f[prefix + "n"] = math.log1p(len(flags))
        for k in [k for k in f if k[:3] in ("mf:", "of:") and k[3:] not in ("worst", "n")]:
            f[k] = min(math.log1p(f[k]), 2.0)
        f.update(signals)
        f.update(segment_qe.agreement(en_text if mt_side == "target" else src_text, versions))
    return f


ROLE_PREFIXES = ("m_", "mf:", "of:", "src_", "mt_", "x_")


def role_features(feats: dict[str, float]) -> dict[str, float]:
    """The features of `segment_features` that mean the same in both directions (what the model of
    segments with an English is trained on)."""
    return {k: v for k, v in feats.items() if k.startswith(ROLE_PREFIXES) or k == "bias"}


def score_segment(seg_id: str, src_text: str, lang: str, en_text: str, raw: Sequence[RawFlag],
                  model: RiskModel, *, eos: bool = False, versions: Sequence[str] = ()
                  ) -> tuple[Estimate, float | None, float | None]:
    """Word and segment probabilities of one segment; with `eos`, also the end tokens' (for the tags).
    `versions`: other engines' English of the segment."""
    src_flags = [r for r in raw if r.flag.side == "source" and r.flag.detector not in OWN]
    tgt_flags = [r for r in raw if r.flag.side == "target" and r.flag.detector not in OWN]
    spans, owner = pieces(src_text)
    sf = word_features(src_text, lang, src_flags, other=en_text, other_lang="en", side="source", eos=eos,
                       spans=spans)
    sp = model.source.probs(sf)
    src_eos = sp.pop() if eos else None
    words = word_spans(src_text)
    est = Estimate(seg_id, words, _per_word(sp, owner, len(words)))
    tgt_eos = None
    if en_text.strip():
        spans, owner = pieces(en_text)
        tf = word_features(en_text, "en", tgt_flags, other=src_text, other_lang=lang, side="target", eos=eos,
                           spans=spans)
        tp = model.target.probs(tf)
        tgt_eos = tp.pop() if eos else None
        words = word_spans(en_text)
        est.target_words, est.target_p = words, _per_word(tp, owner, len(words))
    seg_model = model.segment_english if en_text.strip() else model.segment_alone
    est.risk = seg_model.probs([segment_features(est, src_flags, tgt_flags, src_text, en_text, model,
                                                 lang=lang, versions=versions)])[0]
    return est, src_eos, tgt_eos


def _prior(r: RawFlag) -> float:
    lo, hi = LEVEL_BANDS.get(r.flag.level, LEVEL_BANDS["note"])
    return round(lo + max(0.0, min(1.0, r.confidence)) * (hi - lo), 3)


def band_severities(raw: Sequence[RawFlag]) -> list[Flag]:
    """Without a model: a flag's severity lies in its level's band, placed by the rule's confidence."""
    return [replace(r.flag, severity=_prior(r)) for r in raw]


def estimate(view: DocView, raw: Sequence[RawFlag], levels: dict[str, str | None],
             model: RiskModel | None) -> tuple[list[Flag], list[Estimate]]:
    """Severities from the model, `risk.word` and `risk.segment` flags; the estimates per segment."""
    if model is None:
        return band_severities(raw), []
    by_seg: dict[str, list[RawFlag]] = {}
    for r in raw:
        by_seg.setdefault(r.flag.segment_id, []).append(r)
    out: list[Flag] = []
    estimates: list[Estimate] = []
    for item in view.items:
        seg, mine = item.seg, by_seg.pop(item.seg.id, [])
        if item.seg.role == "boilerplate" and not item.english.strip():
            out.extend(band_severities(mine))
            continue
        lang = view.seg_lang(item) or "ru"
        est, _, _ = score_segment(seg.id, seg.text, lang, item.english, mine, model, versions=item.versions)
        estimates.append(est)
        scored = [replace(r.flag, severity=_severity(r, est, model, seg.text, item.english)) for r in mine]
        scored += _word_flags(est, mine, seg.text, item.english, lang, levels, model)
        out.extend(scored)
        level = levels.get(SEGMENT.name)
        if level is not None and seg.text.strip():
            out.append(Flag(segment_id=seg.id, side="source", start=0, end=len(seg.text), kind=SEGMENT.kind,
                            severity=round(est.risk, 4), detector=SEGMENT.name, level=level,
                            message=(f"estimated share of this English needing an edit: {est.risk:.2f}"
                                     if item.english.strip() else
                                     f"estimated probability that this segment holds an error: {est.risk:.2f}")))
    for rest in by_seg.values():  # flags of segments not in the view (none in practice)
        out.extend(band_severities(rest))
    return out, estimates


def _covered(spans: list[tuple[int, int]], ps: list[float], start: int, end: int) -> list[float]:
    return [p for (s, e), p in zip(spans, ps, strict=True) if s < end and e > start]


def _severity(r: RawFlag, est: Estimate, model: RiskModel, src: str, en: str) -> float:
    text = src if r.flag.side == "source" else en
    spans, ps = (est.source_words, est.source_p) if r.flag.side == "source" else (est.target_words, est.target_p)
    if r.flag.end - r.flag.start >= WIDE * max(1, len(text.strip())):
        p = est.risk
    else:
        p = max(_covered(spans, ps, r.flag.start, r.flag.end), default=est.risk)
    word_model = model.source if r.flag.side == "source" else model.target
    if word_model.support.get(f"c:{r.flag.detector}", 0) < SEEN and word_model.support.get(
            f"w:{r.flag.detector}", 0) < SEEN:
        p = max(p, _prior(r))  # the public data never exercised this check: keep the rule's own weight
    return round(p, 4)


def _word_flags(est: Estimate, raw: Sequence[RawFlag], src: str, en: str, lang: str,
                levels: dict[str, str | None], model: RiskModel) -> list[Flag]:
    level = levels.get(WORD.name)
    if level is None:
        return []
    out = []
    for side, text, spans, ps, m, wl in (("source", src, est.source_words, est.source_p, model.source, lang),
                                         ("target", en, est.target_words, est.target_p, model.target, "en")):
        if wl not in TRAINED_ON:
            continue  # the model has seen no word of this language: its severities stand, no flag of its own
        covered = [(r.flag.start, r.flag.end) for r in raw if r.flag.side == side]
        # consecutive likely-wrong words are one flag (MQM error spans are contiguous): a phrase left in
        # another language or a garbled run is one problem to fix, not one per word
        runs: list[list[tuple[int, int, float]]] = []
        last = -2
        for i, ((s, e), p) in enumerate(zip(spans, ps, strict=False)):
            if p < max(m.threshold, WORD_FLAG) or any(a < e and b > s for a, b in covered):
                continue
            if i == last + 1:
                runs[-1].append((s, e, p))
            else:
                runs.append([(s, e, p)])
            last = i
        for run in runs:
            s, e = run[0][0], run[-1][1]
            ws, we, p = max(run, key=lambda w: w[2])
            feats = word_features(text[ws:we], wl, [])[0]
            try:
                why = m.reasons(feats)
            except (ValueError, IndexError):
                why = []
            what = f"'{text[s:e]}' is" if len(run) == 1 else f"'{text[s:e]}' ({len(run)} words) are"
            out.append(Flag(segment_id=est.segment_id, side=side, start=s, end=e, kind=WORD.kind,
                            severity=round(p, 4), detector=WORD.name, level=level,
                            message=f"{what} likely wrong (estimated probability {p:.2f})"
                                    + (f": {', '.join(why)}" if why else "")))
    return out


def feature_names() -> list[str]:
    """Every check-derived feature the registry offers now (the training script's columns)."""
    names = []
    for c in CHECKS.values():
        if c.name in OWN:
            continue
        names += [f"c:{c.name}", f"w:{c.name}"]
    names += sorted({f"f:{c.family}" for c in CHECKS.values() if c.name not in OWN})
    return names
