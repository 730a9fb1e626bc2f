"""Inline tags: the English of a segment with inline codes (links, bold, superscripts of an HTML
import) must carry each of the source's tags once, paired tags opening before they close and not
crossing another pair (see `workbench.inline`). Like Trados' and Xbench's tag checks: missing,
extra, and out-of-order or unbalanced tags.
"""

from __future__ import annotations

from .. import inline
from .base import DocView, Emitter, check

MISSING = check("tags.missing", "missing_tag", "warning",
                "an inline tag of the source (link, bold, superscript…) missing from the English", needs="translation")
EXTRA = check("tags.extra", "extra_tag", "error",
              "a tag in the English the source does not have, or a tag twice", needs="translation")
UNBALANCED = check("tags.unbalanced", "unbalanced_tag", "error",
                   "paired tags in the English that close before they open or cross another pair",
                   needs="translation")

CHECKS = (MISSING, EXTRA, UNBALANCED)
_RULE = {"missing": MISSING, "extra": EXTRA, "unbalanced": UNBALANCED}
_WHAT = {inline.OPEN: "opening tag", inline.CLOSE: "closing tag", inline.PH: "tag"}


def detect(view: DocView, emit: Emitter) -> None:
    if not emit.any_on(CHECKS):
        return
    for item in view.with_english:
        codes = inline.codes_of(item.seg.inline)
        english = inline.unmask(item.english)  # the other checks read the tokens masked
        if not codes and "<" not in english:
            continue
        marks = inline.markup(codes)
        found = inline.problems(codes, english)
        missing = [p for p in found if p.what == "missing"]
        for p in found:
            rule = _RULE[p.what]
            if not emit.on(rule) or (p.what == "missing" and p is not missing[0]):
                continue
            token = inline.token(p.kind, p.id)
            original = marks.get((p.kind, p.id), "")
            if p.what == "missing":
                tokens = ", ".join(inline.token(m.kind, m.id) for m in missing)
                message = (f"{len(missing)} tag(s) of the source missing from the English: {tokens} "
                           f"(first: {original or token}); place them around the words they belong to")
                emit.flag(rule, item.seg.id, "target", 0, len(english), message, confidence=0.9,
                          suggestion=inline.tagged(item.seg.text, codes))
            elif p.what == "extra":
                emit.flag(rule, item.seg.id, "target", p.start, p.end,
                          f"{_WHAT[p.kind]} {token} is not in the source or appears twice: remove it", confidence=0.9)
            else:
                emit.flag(rule, item.seg.id, "target", p.start, p.end,
                          f"{_WHAT[p.kind]} {token} ({original}) is out of order: a pair must open before it "
                          "closes and may not cross another pair", confidence=0.8)
