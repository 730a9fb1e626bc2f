"""Across language versions: aligned ru/uk sentences of a story that disagree.

Two versions of the same news must carry the same numbers, dates and names in aligned sentences;
where they differ, one of them is wrong. Where the sources agree (their transliterations are close,
Russian and Ukrainian being cognate) but their English translations diverge strongly, one of the
translations went astray.
"""

from __future__ import annotations

from rapidfuzz import fuzz
from sacrebleu.metrics import CHRF

from ..text import dates, translit
from .base import DocView, Emitter, check, name_skeleton, number_values, source_names

NUMBER = check("versions.number", "version_number", "error",
               "a number of this version that the aligned sentence of another version does not have",
               needs="sentence_alignment")
DATE = check("versions.date", "version_date", "error", "aligned sentences of two versions with different dates",
             needs="sentence_alignment")
NAME = check("versions.name", "version_name", "warning", "aligned sentences of two versions naming different people",
             needs="sentence_alignment")
DIVERGENCE = check("versions.divergence", "version_divergence", "warning",
                   "aligned sources that agree but whose English translations diverge (chrF < 30)",
                   needs="sentence_alignment")

CHECKS = (NUMBER, DATE, NAME, DIVERGENCE)

_CHRF = CHRF()
SOURCE_AGREE = 45.0  # chrF of the transliterated sources: cognate ru/uk sentences score well above
ENGLISH_DIVERGE = 30.0


def _chrf(a: str, b: str) -> float:
    return _CHRF.sentence_score(a, [b]).score


def detect(view: DocView, emit: Emitter) -> None:
    if not view.has_alignment:
        emit.skip(CHECKS, "no sentence alignment with another version of this story (run the aligner)")
        return
    by_id = {i.seg.id: i for i in view.items}
    done: set[tuple[str, str]] = set()
    for own_ids, other in (pair for groups in view.counterparts.values() for pair in groups):
        key = (own_ids[0], other.text)
        if key in done:
            continue
        done.add(key)
        own = [by_id[s] for s in own_ids if s in by_id]
        if not own:
            continue
        lang = view.seg_lang(own[0])
        where = f"the {other.lang} version ({other.doc_name})"
        other_nums = [v for _, v in number_values(other.text)]
        own_nums = [v for item in own for _, v in number_values(item.seg.text)]
        unmatched_other = [v for v in other_nums if v not in own_nums]
        raised = False
        for item in own:
            for t, v in number_values(item.seg.text):
                if v in other_nums:
                    continue
                raised = True
                says = f"; it has {', '.join(unmatched_other)}" if unmatched_other else ""
                emit.flag(NUMBER, item.seg.id, "source", t.start, t.end,
                          f"{where} has no {t.text} in the aligned sentence{says}",
                          confidence=0.9 if unmatched_other else 0.3)
        other_dates = {k for _, k in dates(other.text)}
        for item in own:
            for t, k in dates(item.seg.text):
                if other_dates and k not in other_dates:
                    raised = True
                    emit.flag(DATE, item.seg.id, "source", t.start, t.end,
                              f"{where} gives a different date in the aligned sentence", confidence=0.9)
        other_names = [name_skeleton(lemma) for _, lemma in source_names(other.text, other.lang)]
        own_names = [(item, t, name_skeleton(lemma)) for item in own for t, lemma in source_names(item.seg.text, lang)]

        def found(sk: str, pool: list[str]) -> bool:
            return any(sk == o or (len(sk) >= 3 and fuzz.ratio(sk, o) >= 75) for o in pool)

        other_only = [o for o in other_names if not found(o, [sk for _, _, sk in own_names])]
        for item, t, sk in own_names:
            if len(sk) >= 2 and other_only and not found(sk, other_names):
                raised = True
                emit.flag(NAME, item.seg.id, "source", t.start, t.end,
                          f"{where} names someone else in the aligned sentence", confidence=0.6)
        own_en = " ".join(i.english for i in own).strip()
        if raised or not own_en or not other.english.strip() or not emit.on(DIVERGENCE):
            continue
        own_src = " ".join(i.seg.text for i in own)
        if _chrf(translit(own_src), translit(other.text)) >= SOURCE_AGREE:
            score = _chrf(own_en, other.english)
            if score < ENGLISH_DIVERGE:
                first = own[0]
                emit.flag(DIVERGENCE, first.seg.id, "target", 0, len(first.english),
                          f"the sources agree with {where}, but the two English translations diverge "
                          f"(chrF {score:.0f}): check which one is right", confidence=1 - score / ENGLISH_DIVERGE)
