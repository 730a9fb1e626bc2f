"""Glossary flags: known bad renderings in the source, and approved terms whose English is missing.

Matching is by lemma sequence (`workbench.glossary.match_terms`), so every inflected form of a
term is found in Russian and Ukrainian.
"""

from __future__ import annotations

from ..glossary import english_present, match_terms
from .base import DocView, Emitter, check

BAD = check("glossary.bad_rendering", "bad_rendering", "error",
            "a source phrase the glossary records as a known bad rendering, with its correction")
MISSING = check("glossary.missing_term", "missing_term", "error",
                "an approved glossary term in the source whose English rendering is not in the English",
                needs="translation")

CHECKS = (BAD, MISSING)


def detect(view: DocView, emit: Emitter) -> None:
    terms = [t for t in view.terms if t.status != "rejected"]
    bad = [t for t in terms if t.kind == "bad"]
    approved = [t for t in terms if t.kind == "term" and t.status == "approved"]
    if emit.on(MISSING) and not view.with_english:
        emit.skip([MISSING], "no English for this document yet (translate it first)")
    for item in view.items:
        lang = view.seg_lang(item)
        if not lang or (item.seg.role == "boilerplate" and not item.english.strip()):
            continue
        text = item.seg.text
        if emit.on(BAD) and bad:
            for m in match_terms(text, lang, bad):
                note = f" ({m.term.note})" if m.term.note else ""
                emit.flag(BAD, item.seg.id, "source", m.start, m.end,
                          f"'{text[m.start:m.end]}' is a known bad rendering{note}; the intended meaning is "
                          f"'{m.term.english}'", confidence=0.9 if m.term.status == "approved" else 0.5,
                          suggestion=m.term.english)
        if emit.on(MISSING) and approved and item.english.strip():
            missing_mt = set(item.translation.missing_terms) if item.translation else set()
            seen: set[tuple[int, int]] = set()
            for m in match_terms(text, lang, approved):
                if (m.start, m.end) in seen or english_present(m.term.english, item.english):
                    continue
                # A term with several approved renderings is fine when any one of them is there.
                if any(english_present(o.term.english, item.english) for o in match_terms(text, lang, approved)
                       if (o.start, o.end) == (m.start, m.end)):
                    continue
                seen.add((m.start, m.end))
                why = " (the MT could not place it)" if m.term.source in missing_mt else ""
                emit.flag(MISSING, item.seg.id, "source", m.start, m.end,
                          f"glossary term '{text[m.start:m.end]}' should be rendered '{m.term.english}', "
                          f"which the English lacks{why}", confidence=0.8, suggestion=m.term.english)
