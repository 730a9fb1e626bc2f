"""Adequacy from the translation lexicon: words one side has that the other does not render.

With the ru→en / uk→en lexicon (`workbench.lexicon`), a source content word that no English word
of its segment plausibly translates is a possible omission or wrong sense; an English content word
that no source word accounts for a possible addition. When the story holds the English original of
the article (an aligned document in English), the same comparison of the ru/uk source with the
original flags the source words the original does not support: the sign of an article that is
itself a machine translation, or an edited one.

Only words the lexicon can judge are flagged (a lemma it never saw is no evidence); names, numbers
and dates are the `consistency` checks' business and left out here. Thresholds were tuned on the
training files of the shared QE data with a lexicon built without those lines (see the README).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .. import morph
from ..lexicon import Lexicon, core_word, load_lexicon
from ..text import Token, numbers
from .base import LIGHT_LEMMAS, Check, DocView, Emitter, check, grammemes, is_content_word, is_proper, tokens
from .consistency import EN_STOPWORDS

# Notes by default: on human translations the checks fire more often than on MT (free rendering
# looks like omission to a lexicon), so they point at words to look at, not at errors (README).
OMISSION = check("adequacy.omission", "adequacy_omission", "note",
                 "a source content word that no English word renders by the translation lexicon (omission, "
                 "wrong sense)", needs="translation")
ADDITION = check("adequacy.addition", "adequacy_addition", "note",
                 "an English content word that no source word accounts for by the translation lexicon",
                 needs="translation")
ORIGINAL = check("adequacy.original", "unsupported_by_original", "note",
                 "a source content word that the aligned English original of the story does not support "
                 "(the article may be a machine translation)", needs="sentence_alignment")

CHECKS = (OMISSION, ADDITION, ORIGINAL)

# Support below which a word counts as unrendered (tuned on the training tails; see README).
SOURCE_MIN = 0.03
TARGET_MIN = 0.08
UNJUDGED_MAX = 0.25  # share of source words unknown to the lexicon above which the English is not judged
_NUMBER = re.compile(r"^\d")
_LETTERS = re.compile(r"^[^\W\d_]+(?:['-][^\W\d_]+)*$")
_CYR = re.compile(r"[\u0400-\u04ff]")


def judged_source(word: str, lang: str, *, first: bool = False) -> bool:
    """A ru/uk word the adequacy checks look at: a Cyrillic content word, not a name or light verb."""
    word = core_word(word)
    if not _LETTERS.match(word) or not _CYR.search(word) or not is_content_word(word, lang):
        return False
    if is_proper(word, lang) or (word[:1].isupper() and not first and "UNKN" in grammemes(word, lang)):
        return False
    return morph.lemma(word, lang) not in LIGHT_LEMMAS


def judged_english(word: str, *, first: bool = False) -> bool:
    """An English word the adequacy checks look at: a lowercase-able content word, not a name."""
    word = core_word(word)
    w = word.lower()
    if not _LETTERS.match(word) or _CYR.search(word) or len(word) < 3 or w in EN_STOPWORDS:
        return False
    return first or not word[:1].isupper()


def source_gaps(lexicon: Lexicon, src_words: Sequence[str], en_words: Sequence[str],
                threshold: float = SOURCE_MIN) -> list[float | None]:
    """Per source word: the confidence that it is unrendered in the English, or None (rendered,
    not judged, or unknown to the lexicon)."""
    lang = lexicon.lang
    support = lexicon.source_support(list(src_words), list(en_words))
    known = lexicon.source_known(src_words)
    out: list[float | None] = []
    for i, (w, s, k) in enumerate(zip(src_words, support, known, strict=True)):
        # the word after a number ("в 2020 году", "5 тысяч") is often rendered by the number's form
        after_number = i > 0 and bool(_NUMBER.match(src_words[i - 1]))
        if k and s < threshold and not after_number and judged_source(w, lang, first=i == 0):
            out.append(1.0 - s / threshold)
        else:
            out.append(None)
    return out


def target_gaps(lexicon: Lexicon, src_words: Sequence[str], en_words: Sequence[str],
                threshold: float = TARGET_MIN) -> list[float | None]:
    """Per English word: the confidence that no source word accounts for it, or None."""
    support = lexicon.target_support(list(src_words), list(en_words))
    known = lexicon.target_known(en_words)
    # a source word the lexicon cannot judge may be what an unsupported English word translates:
    # where many are (Ukrainian words without a Russian cognate), the English is not judged
    cyr = [k for w, k in zip(src_words, lexicon.source_known(src_words), strict=True)
           if _CYR.search(w) and _LETTERS.match(w)]
    out: list[float | None] = []
    if cyr and cyr.count(False) > UNJUDGED_MAX * len(cyr):
        return [None] * len(en_words)
    for i, (w, s, k) in enumerate(zip(en_words, support, known, strict=True)):
        if k and s < threshold and judged_english(w, first=i == 0):
            out.append(1.0 - s / threshold)
        else:
            out.append(None)
    return out


def segment_words(text: str) -> list[Token]:
    """Words and numbers in text order: the lexicon reads numbers as words ("в 2024 году")."""
    return sorted([*tokens(text), *numbers(text)], key=lambda t: t.start)


def _confidence(gap: float) -> float:
    # a word with no support at all is as sure as this check gets; still a lexicon's guess
    return 0.4 + 0.5 * gap


def _flag_source(emit: Emitter, c: Check, seg_id: str, toks: Sequence[Token], gaps: Sequence[float | None],
                 message: str) -> None:
    for t, gap in zip(toks, gaps, strict=True):
        if gap is not None:
            emit.flag(c, seg_id, "source", t.start, t.end, message.format(word=t.text),
                      confidence=_confidence(gap))


def detect(view: DocView, emit: Emitter) -> None:
    if not emit.any_on(CHECKS):
        return
    lexicons: dict[str, Lexicon | None] = {}
    missing: set[str] = set()

    def lexicon_for(lang: str) -> Lexicon | None:
        if lang not in lexicons:
            lexicons[lang] = load_lexicon(f"{lang}-en") if lang in ("ru", "uk") else None
            if lexicons[lang] is None and lang in ("ru", "uk"):
                missing.add(lang)
        return lexicons[lang]

    for item in view.items:
        lang = view.seg_lang(item)
        if not lang or item.seg.role == "boilerplate":
            continue
        lex = lexicon_for(lang)
        if lex is None:
            continue
        src = segment_words(item.seg.text)
        src_words = [t.text for t in src]
        if item.english.strip() and emit.any_on((OMISSION, ADDITION)):
            en = segment_words(item.english)
            en_words = [t.text for t in en]
            if emit.on(OMISSION):
                _flag_source(emit, OMISSION, item.seg.id, src, source_gaps(lex, src_words, en_words),
                             "no word of the English renders '{word}' (translation lexicon): omitted or "
                             "mistranslated?")
            if emit.on(ADDITION):
                for t, gap in zip(en, target_gaps(lex, src_words, en_words), strict=True):
                    if gap is not None:
                        emit.flag(ADDITION, item.seg.id, "target", t.start, t.end,
                                  f"no word of the source accounts for '{t.text}' (translation lexicon): added?",
                                  confidence=_confidence(gap))
    if emit.on(ORIGINAL):
        _against_original(view, emit, lexicon_for)
    for lang in sorted(missing):
        emit.skip(CHECKS, f"no {lang}-en translation lexicon data file (scripts/build_lexicon.py builds it)")


def _against_original(view: DocView, emit: Emitter, lexicon_for: Callable[[str], Lexicon | None]) -> None:
    """Source words the aligned English original does not support, per aligned group of segments."""
    by_id = {i.seg.id: i for i in view.items}
    done: set[tuple[str, ...]] = set()
    for own_ids, other in (pair for groups in view.counterparts.values() for pair in groups):
        if other.lang != "en" or tuple(own_ids) in done:
            continue
        done.add(tuple(own_ids))
        own = [by_id[s] for s in own_ids if s in by_id and by_id[s].seg.role != "boilerplate"]
        if not own:
            continue
        lang = view.seg_lang(own[0])
        lex = lexicon_for(lang) if lang else None
        if lex is None:
            continue
        en_words = [t.text for t in segment_words(other.text)]
        if not en_words:
            continue
        for item in own:
            src = segment_words(item.seg.text)
            _flag_source(emit, ORIGINAL, item.seg.id, src, source_gaps(lex, [t.text for t in src], en_words),
                         f"the English original ({other.doc_name}) has nothing for '{{word}}' in the aligned "
                         "sentence: a translation error, if this article was translated from it")
