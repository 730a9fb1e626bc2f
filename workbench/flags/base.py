"""What every detector shares: the check registry, per-project levels, the document view and word classes.

A check is one rule ("artifacts.repetition") of a detector family ("artifacts"). Its level (error,
warning, note) comes from `Config.detectors`, by check name or by family, else the check's default;
"off" switches it off. A flag's severity lies in its level's band, placed by the rule's confidence,
so a project that raises a check to "error" sees it ranked with the errors — when no risk model is
available. With the model (`workbench.flags.risk`), severity is the model's probability that the span
is wrong and the level only says how the flag is shown; the Emitter keeps each rule's confidence for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .. import morph
from ..config import ConfigError
from ..glossary import lemma, readings
from ..records import Document, Flag, Segment, Term, Translation
from ..text import Token, normalize, number_value, numbers, words

LEVELS = ("error", "warning", "note")
LEVEL_BANDS = {"error": (0.7, 1.0), "warning": (0.4, 0.7), "note": (0.1, 0.4)}


@dataclass(frozen=True)
class Check:
    name: str  # family.rule, the key in Config.detectors
    kind: str  # what the flag is about, shown to the user and used for dismissed patterns
    level: str  # default level
    needs: str = ""  # "" | "translation" | "confidence" | "word_alignment" | "sentence_alignment"
    about: str = ""  # one line for the README and `workbench flag --checks`

    @property
    def family(self) -> str:
        return self.name.split(".", 1)[0]


CHECKS: dict[str, Check] = {}


def check(name: str, kind: str, level: str, about: str, needs: str = "") -> Check:
    """Register a check (called once per rule at import time)."""
    c = Check(name, kind, level, needs, about)
    CHECKS[name] = c
    return c


def levels_for(config_detectors: Mapping[str, str]) -> dict[str, str | None]:
    """The level of every check for a project; None when switched off. Raises ConfigError on bad keys."""
    families = {c.family for c in CHECKS.values()}
    for key, value in config_detectors.items():
        if key not in CHECKS and key not in families:
            raise ConfigError(f"detectors.{key}: unknown detector (families: {', '.join(sorted(families))})")
        if str(value) not in (*LEVELS, "off"):
            raise ConfigError(f"detectors.{key}: {value!r} must be off, error, warning or note")
    out: dict[str, str | None] = {}
    for name, c in CHECKS.items():
        value = config_detectors.get(name, config_detectors.get(c.family, c.level))
        out[name] = None if value == "off" else str(value)
    return out


@dataclass
class SegmentView:
    """A segment with what the detectors may use: its current English, MT output and word links, and
    the English other engines gave it (`versions`, none when one engine translated it)."""

    seg: Segment
    english: str = ""
    translation: Translation | None = None
    links: list[tuple[int, int]] | None = None
    versions: tuple[str, ...] = ()

    @property
    def lang(self) -> str:
        return self.seg.lang if self.seg.lang in ("ru", "uk") else ""


@dataclass
class Counterpart:
    """An aligned segment group of another language version (for the across-versions detector)."""

    doc_name: str
    lang: str
    text: str
    english: str
    score: float


@dataclass
class DocView:
    doc: Document
    items: list[SegmentView]
    terms: list[Term] = field(default_factory=list)
    # segment id -> aligned groups of other versions (the bead's segments of this document, theirs)
    counterparts: dict[str, list[tuple[list[str], Counterpart]]] = field(default_factory=dict)
    has_alignment: bool = False

    @property
    def lang(self) -> str:
        return self.doc.lang if self.doc.lang in ("ru", "uk") else ""

    def seg_lang(self, item: SegmentView) -> str:
        return item.lang or self.lang

    @property
    def with_english(self) -> list[SegmentView]:
        return [i for i in self.items if i.english.strip()]


@dataclass
class RawFlag:
    """A check's flag before the risk model scores it, with the rule's own confidence in [0, 1]."""

    flag: Flag
    confidence: float


class Emitter:
    """Collects flags, applying the project's levels, and notes about checks that could not run."""

    def __init__(self, levels: Mapping[str, str | None]) -> None:
        self.levels = levels
        self.flags: list[Flag] = []
        self.raw: list[RawFlag] = []  # the same flags with their rules' confidence (the risk model's input)
        self.notes: list[str] = []

    def on(self, c: Check) -> bool:
        return self.levels.get(c.name) is not None

    def any_on(self, checks: Iterable[Check]) -> bool:
        return any(self.on(c) for c in checks)

    def skip(self, checks: Iterable[Check], why: str) -> None:
        names = [c.name for c in checks if self.on(c)]
        if names:
            self.notes.append(f"skipped {', '.join(names)}: {why}")

    def flag(self, c: Check, seg_id: str, side: str, start: int, end: int, message: str, *,
             confidence: float = 0.5, suggestion: str = "") -> None:
        level = self.levels.get(c.name)
        if level is None or end <= start:
            return
        lo, hi = LEVEL_BANDS[level]
        confidence = max(0.0, min(1.0, confidence))
        severity = round(lo + confidence * (hi - lo), 3)
        flag = Flag(segment_id=seg_id, side=side, start=start, end=end, kind=c.kind, severity=severity,
                    message=message, suggestion=suggestion, detector=c.name, level=level)
        self.flags.append(flag)
        self.raw.append(RawFlag(flag, confidence))


# --- word classes -------------------------------------------------------------------------------
# Closed-class words of Russian and Ukrainian: grammar, not vocabulary of any corpus. pymorphy3's
# first parse is wrong for several of them ("після" as an adverb, "до"/"про" as nouns).
PREPOSITIONS = {
    "ru": frozenset("в во на с со к ко о об обо от до по за из изо у при про без для над под перед через между "
                    "среди после около вокруг ради кроме вместо вдоль сквозь против благодаря согласно "
                    "несмотря из-за из-под".split()),
    "uk": frozenset("в у на з із зі зо до від од по за про без для над під перед через між серед після біля "
                    "навколо крім окрім замість вздовж уздовж проти завдяки згідно попри щодо поміж".split()),
}
CONJUNCTIONS = {
    "ru": frozenset("и а но или да что чтобы если как когда хотя потому поэтому либо ни то ли бы также тоже однако "
                    "зато чем причем притом будто словно пока".split()),
    "uk": frozenset("і й та а але або чи що щоб якщо як коли хоча хоч тому бо проте однак зате ніж також теж "
                    "причому немов наче поки аби".split()),
}
SUBORDINATORS = {
    "ru": frozenset("что чтобы если когда хотя потому поскольку так как который которая которое которые "
                    "которых которым где куда откуда пока будто словно".split()),
    "uk": frozenset("що щоб якщо коли хоча тому оскільки бо який яка яке які яких яким де куди звідки поки "
                    "немов наче аби".split()),
}
PARTICLES = {
    "ru": frozenset("не ни же ж ли бы б вот уже еще ещё лишь только даже именно ведь разве".split()),
    "uk": frozenset("не ні ж же б би лише тільки навіть вже уже ще саме адже хіба".split()),
}
PRONOUNS = {
    "ru": frozenset("я ты он она оно мы вы они себя свой своя свое своё свои этот эта это эти тот та то те такой "
                    "какой который весь вся все всё его ее её их наш ваш мой твой сам самый кто что чей".split()),
    "uk": frozenset("я ти він вона воно ми ви вони себе свій своя своє свої цей ця це ці той та те ті такий "
                    "який весь вся все всі його її їх їхній наш ваш мій твій сам самий хто що чий".split()),
}
# English closed-class words: what a title or a name may hold in lowercase ("State of the Union").
EN_FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for from with without about as into onto over under than then that this these "
    "those it its is are was were be been being am do does did done have has had having will would shall should "
    "can could may might must not no nor and or but if so because while when where which who whom whose what "
    "how why there here their they them he him his she her we us our you your i me my also too very just only "
    "even still yet such some any all each both either neither other another more most much many few up out "
    "off again further once own same s t".split())
LIGHT_LEMMAS = frozenset("быть бути мочь могти стать стати иметь мати".split())
CONTENT_POS = frozenset({"NOUN", "ADJF", "ADJS", "COMP", "VERB", "INFN", "PRTF", "PRTS", "GRND", "ADVB"})
PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})


def _parses(word: str, lang: str) -> tuple[tuple[str | None, frozenset[str]], ...]:
    return tuple((r.pos, r.grammemes) for r in readings(word, lang))


@lru_cache(maxsize=200_000)
def grammemes(word: str, lang: str) -> frozenset[str]:
    """POS and grammemes of the most likely parse (empty when the language has no analyzer)."""
    if lang not in ("ru", "uk"):
        return frozenset()
    parses = _parses(word, lang)
    if not parses:
        return frozenset()
    pos, g = parses[0]
    return g | ({pos} if pos else set())


@lru_cache(maxsize=200_000)
def all_pos(word: str, lang: str) -> frozenset[str]:
    """Parts of speech of every parse (a word may be a preposition or an adverb)."""
    if lang not in ("ru", "uk"):
        return frozenset()
    return frozenset(pos for pos, _ in _parses(word, lang) if pos)


def low(word: str) -> str:
    return normalize(word).lower()


@lru_cache(maxsize=200_000)
def is_function_word(word: str, lang: str) -> bool:
    w = low(word)
    if lang not in ("ru", "uk"):
        return False
    return (w in PREPOSITIONS[lang] or w in CONJUNCTIONS[lang] or w in PARTICLES[lang] or w in PRONOUNS[lang]
            or bool(grammemes(word, lang) & {"PREP", "CONJ", "PRCL", "NPRO", "Apro", "INTJ"}))


@lru_cache(maxsize=200_000)
def is_content_word(word: str, lang: str) -> bool:
    if len(word) < 3 or is_function_word(word, lang):
        return False
    g = grammemes(word, lang)
    return bool(g & CONTENT_POS) or not g or "UNKN" in g


@lru_cache(maxsize=200_000)
def is_proper(word: str, lang: str) -> bool:
    return bool(grammemes(word, lang) & PROPER) or (word.isupper() and len(word) > 1)


@lru_cache(maxsize=200_000)
def is_finite_predicate(word: str, lang: str) -> bool:
    """A word that can carry a clause in some reading: a finite verb, a short participle or adjective,
    a predicative ("есть" is also "to eat", "нужно" a predicative)."""
    if lang not in ("ru", "uk"):
        return False
    return any(pos == "VERB" and "infn" not in g or g & {"PRTS", "PRED", "ADJS"} for pos, g in _parses(word, lang))


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    """`workbench.text.words`, memoized: every check of a segment reads the same words."""
    return tuple(words(text))


def content_tokens(text: str, lang: str) -> list[Token]:
    return [t for t in tokens(text) if is_content_word(t.text, lang)]


CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z]")


def has_cyrillic(text: str) -> bool:
    return bool(CYRILLIC.search(text))


def short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def merge_spans(spans: list[tuple[int, int]], gap: int = 0) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1] + gap:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


# --- names and numbers, compared across languages ------------------------------------------------
# Cyrillic letters as English spelling renders them in names ("ц" ts, "х" h, "дж" j).
_NAME_LETTERS = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "e", "ё": "o", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "u", "я": "a", "'": "",
})
# Spellings of one sound, English and romanized Cyrillic alike, in the order they must apply.
_SKELETON_RULES = (("shch", "1"), ("sch", "1"), ("sh", "1"), ("dzh", "2"), ("zh", "2"), ("dg", "2"), ("j", "2"),
                   ("tch", "3"), ("ch", "3"), ("kh", "h"), ("gh", ""), ("ph", "f"), ("th", "t"), ("ck", "k"),
                   ("tz", "ts"), ("x", "ks"), ("q", "k"), ("ce", "se"), ("ci", "si"), ("cy", "si"), ("c", "k"),
                   ("h", "g"), ("z", "s"), ("w", ""), ("v", ""), ("y", "i"))


def name_skeleton(word: str) -> str:
    """The consonants of a name, spelled so that its English and Cyrillic spellings coincide:
    'Байден'/'Biden', 'Гриффитс'/'Griffiths', 'Ханна'/'Hannah', 'Уэст'/'West', 'Джейми'/'Jamie'.

    English h and g both stand for Cyrillic х and г, w and v for у and в (so they drop out), a
    final h after a vowel is silent, and a possessive 's is not part of the name.
    """
    w = normalize(word).lower()
    w = re.sub(r"'s$", "", w)
    s = w.translate(_NAME_LETTERS) if has_cyrillic(w) else w
    s = re.sub(r"[^a-z]", "", s)
    s = re.sub(r"^kn", "n", s)
    s = re.sub(r"(?<=[aeiou])h$", "", s)
    s = re.sub(r"(.)\1+", r"\1", s)
    for a, b in _SKELETON_RULES:
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)
    return re.sub(r"[aeiou]", "", s)


def source_names(text: str, lang: str) -> list[tuple[Token, str]]:
    """Person names and foreign proper names of a ru/uk text, with the lemma they are compared by.

    A capitalized word counts when the dictionary tags it as a first name, surname or patronymic,
    or when the dictionary does not know it and it does not open the sentence; Latin words count
    too (agency names, brands), compared as they are.
    """
    out = []
    toks = words(text)
    for i, t in enumerate(toks):
        if not t.text[:1].isupper() or len(t.text) < 3 or t.text.isupper():
            continue
        if LATIN.match(t.text):
            out.append((t, t.text))
            continue
        if lang not in ("ru", "uk"):
            continue
        g = grammemes(t.text, lang)
        sentence_start = i == 0 or bool(re.search(r"[.!?:«\"“„]\s*$", text[:t.start]))
        if g & {"Name", "Surn", "Patr"} or (not morph.is_known(t.text, lang) and not sentence_start
                                             and not g & {"Geox", "Orgn", "Abbr"}):
            out.append((t, lemma(t.text, lang)))
    return out


_EN_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_EN_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "thousand": "1000"})


def number_values(text: str, *, english: bool = False) -> list[tuple[Token, str]]:
    """Numbers with their canonical value; in English, number words up to twenty count too."""
    found = [(t, number_value(t.text)) for t in numbers(text)]
    if english:
        found += [(t, _EN_NUMBER_WORDS[t.text.lower()]) for t in words(text) if t.text.lower() in _EN_NUMBER_WORDS]
    return found
