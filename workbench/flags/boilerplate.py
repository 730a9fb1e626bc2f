"""Boilerplate in the article: page furniture that ingestion marked, and content cues it missed.

A boilerplate line between two stretches of article text (a "READ …" spam line, an inserted link)
slipped into the body and gets a higher severity than the credits and footers at the page edges.
"""

from __future__ import annotations

import re

from .. import hunspell
from .base import DocView, Emitter, SegmentView, check, is_finite_predicate, short, tokens

ROLE = check("boilerplate.role", "boilerplate", "note",
             "a segment ingestion marked as boilerplate (credit, caption, link, bio, form) at the page edges")
IN_BODY = check("boilerplate.in_body", "boilerplate", "warning",
                "a segment ingestion marked as boilerplate between article paragraphs: it slipped into the body")
CUE = check("boilerplate.cue", "boilerplate", "warning",
            "an article segment that looks like page furniture: an ALL-CAPS Latin lead-in over Cyrillic text, "
            "a link or handle, a copyright line, an advertisement label, a run of verbless two-word lines")

CHECKS = (ROLE, IN_BODY, CUE)

_CAPS_LEAD = re.compile(r"^\s*[A-Z]{3,}(?:\s+[A-Z]{2,})*\b[\s\u00a0:>»–—-]+(?=.*[\u0400-\u04ff])")
_LINK = re.compile(r"https?://|www\.|\b[\w.+-]+@[\w-]+\.[\w.]+|(?<![\w@])@[A-Za-z_]\w{2,}|(?<!\w)#[^\W\d]\w{2,}")
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|все права защищены|усі права захищені|всі права захищені|"
                        r"all rights reserved|при копировании|при копіюванні|при використанні матеріалів", re.I)
_AD_LABEL = re.compile(r"^\s*(реклама|advertisement|sponsored|promo|промо|партнерський матеріал|"
                       r"партнерский материал|на правах реклами|на правах рекламы)\s*$", re.I)
_READ_MORE = re.compile(r"(читать далее|читати далі|подробнее|детальніше|докладніше|read more|continue reading)"
                        r"\s*[»→>.…]*\s*$", re.I)


def _cue(view: DocView, idx: int) -> str:
    item = view.items[idx]
    text = item.seg.text
    n = len(tokens(text))
    lead = _CAPS_LEAD.search(text)
    if lead and _lead_in_words(lead.group()):
        return "an ALL-CAPS Latin lead-in over Cyrillic text, like a 'READ …' link to another story"
    if _LINK.search(text) and n <= 15:
        return "a short line with a link, e-mail address or social handle"
    if _COPYRIGHT.search(text):
        return "a copyright or reuse notice"
    if _AD_LABEL.match(text):
        return "an advertisement label"
    if _READ_MORE.search(text) and n <= 15:
        return "a 'read more' link"
    if _short_verbless(item, view.seg_lang(item)):
        run = [idx]
        for step in (-1, 1):
            j = idx + step
            while 0 <= j < len(view.items) and view.items[j].seg.paragraph == item.seg.paragraph and \
                    _short_verbless(view.items[j], view.seg_lang(view.items[j])):
                run.append(j)
                j += step
        if len(run) >= 3:
            return "one of a run of short verbless lines, like an author bio or a tag list"
    return ""


def _lead_in_words(lead: str) -> bool:
    """Whether an ALL-CAPS opening is made of ordinary English words ("READ", "ALSO READ", "WATCH"),
    the labels of a link to another story, and not an acronym that is the sentence's subject
    ("HSBC не фабриковал", "NASA сообщило"). Without the en_US dictionary any caps opening counts."""
    words = re.findall(r"[A-Z]+", lead)
    if not hunspell.available("en"):
        return True
    return all(hunspell.known(w.lower(), "en") for w in words)


def _short_verbless(item: SegmentView, lang: str) -> bool:
    toks = tokens(item.seg.text)
    return 0 < len(toks) <= 4 and not any(is_finite_predicate(t.text, lang) for t in toks)


def _body_span(view: DocView) -> tuple[int, int]:
    """Positions of the first and last content segment ((0, 0) when there is none)."""
    content = [i for i, it in enumerate(view.items) if it.seg.role == "content"]
    return (content[0], content[-1]) if content else (0, 0)


def detect(view: DocView, emit: Emitter) -> None:
    first, last = _body_span(view)  # once per document: per segment it made flagging quadratic
    for idx, item in enumerate(view.items):
        seg = item.seg
        body = first < idx < last
        where = "inside the article body" if body else "at the edge of the article"
        if seg.role == "boilerplate":
            rule = IN_BODY if body else ROLE
            if emit.on(rule):
                reason = seg.role_reason or "page furniture"
                emit.flag(rule, seg.id, "source", 0, len(seg.text),
                          f"boilerplate ({reason}) {where}: not part of the article, kept out of translation",
                          confidence=0.6)
        elif emit.on(CUE):
            cue = _cue(view, idx)
            if cue:
                emit.flag(CUE, seg.id, "source", 0, len(seg.text),
                          f"'{short(seg.text)}' looks like boilerplate {where} ({cue}); "
                          "mark it as boilerplate if it is not article text", confidence=0.8 if body else 0.5)
