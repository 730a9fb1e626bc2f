"""Proposing stories: documents that share named entities, numbers and dates probably tell the same news.

Names are compared through a transliterated stem so that "Путин"/"Путін"/"Путина" coincide.
"""

from __future__ import annotations

import re
from itertools import combinations

from ..records import Document
from ..text import dates, number_value, numbers, translit, words

# Share of features two documents must have in common to be proposed as one story.
STORY_THRESHOLD = 0.22


def features(doc: Document) -> set[str]:
    """Names (capitalised words not opening a sentence), numbers of 2+ digits and day-month dates."""
    feats: set[str] = set()
    content = [s for s in doc.segments if s.role != "boilerplate"] or doc.segments
    for seg in content:
        toks = words(seg.text)
        for i, tok in enumerate(toks):
            if i > 0 and tok.text[:1].isupper() and len(tok.text) > 2 and not tok.text.isupper():
                feats.add("n:" + translit(tok.text)[:5])
            elif tok.text.isupper() and len(tok.text) >= 2:
                feats.add("a:" + translit(tok.text))
        for num in numbers(seg.text):
            value = number_value(num.text)
            if len(re.sub(r"\D", "", value)) >= 2:
                feats.add("d:" + value)
        for _tok, key in dates(seg.text):
            feats.add("t:" + key)
    return feats


def similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b)) * (len(a & b) / len(a | b)) ** 0.5


def propose(documents: list[Document], threshold: float = STORY_THRESHOLD) -> list[list[Document]]:
    """Groups of documents (single-link over the similarity), largest first; singletons included."""
    feats = {id(d): features(d) for d in documents}
    parent = {id(d): id(d) for d in documents}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in combinations(documents, 2):
        if similarity(feats[id(a)], feats[id(b)]) >= threshold:
            parent[root(id(a))] = root(id(b))
    groups: dict[int, list[Document]] = {}
    for d in documents:
        groups.setdefault(root(id(d)), []).append(d)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0].name))


def story_name(group: list[Document]) -> str:
    """A readable proposed name: the first title's first words."""
    first = group[0]
    title = first.title or next((s.text for s in first.segments if s.role == "heading"), first.name)
    head = " ".join(t.text for t in words(title)[:6]) or first.name
    return f"{head} ({first.name})"
