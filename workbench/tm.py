"""Translation-memory lookups for the editor: fuzzy-match suggestions and concordance.

Both search the translation memory (imported TMX/CSV units with English targets) and the
project's own segments that have English. Sources are kept in an in-memory index per store and
language, rebuilt only when units or documents are added (`Store.tm_revision`); the English and
status of project segments are read fresh for the few hits, so an edit shows up at once.

Suggestions: an inverted index of word stems picks the few hundred units that share the most
rare stems with the query (and whose length allows the minimum score), then rapidfuzz's
normalized Indel similarity on the whitespace-normalized texts gives the score (0-100, 100 for an
identical source), like the fuzzy-match percentage of CAT tools. This keeps a lookup in the
milliseconds on ~100k units (`benchmarks/tm_lookup.py`).

Concordance: where a phrase occurred and how it was translated, matching inflected forms through
the glossary's lemma matcher (`glossary.match_terms`) after a cheap substring prefilter on stems.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from rapidfuzz import fuzz, process

from .glossary import match_terms
from .records import SEGMENT_STATUSES, Term
from .store import Store
from .text import normalize, words

_RANK = {s: i for i, s in enumerate(SEGMENT_STATUSES)}
_STEM = 5  # characters of a word that key the index: "переговорами" and "переговоры" share "перег"
_CANDIDATES = 1000  # units rescored per lookup (rapidfuzz scores them in C++)


@dataclass(frozen=True)
class Suggestion:
    """A fuzzy match: an earlier source like the query and its English."""

    source: str
    target: str
    score: float  # 0-100: similarity of the sources (100: identical)
    origin: str  # the memory file, or the document of a project segment
    kind: str = "tm"  # "tm" (translation memory) | "segment" (this project)
    segment_id: str = ""
    status: str = ""  # the segment's status, or the status the memory file recorded
    author: str = ""  # who last changed the English, where known
    date: datetime | None = None


@dataclass(frozen=True)
class ConcordanceHit:
    """One occurrence of a phrase and the translation it got."""

    source: str
    target: str  # "" when the segment has no English yet
    lang: str  # language of `source`
    origin: str
    start: int  # where the phrase is: in `source`, or in `target` for an English search
    end: int
    kind: str = "tm"
    segment_id: str = ""
    status: str = ""


@dataclass
class _Entry:
    text: str
    target: str  # "" for project segments: their English is read at lookup time
    origin: str
    kind: str
    segment_id: str = ""
    status: str = ""
    author: str = ""
    date: datetime | None = None


def _ws(text: str) -> str:
    # Whitespace only: this runs over every unit when the index is built (normalize() costs 3x).
    return " ".join(text.split())


def _keys(norm: str) -> set[str]:
    return {w[:_STEM] for w in re.findall(r"\w+", norm) if len(w) > 1 or w.isdigit()}


@dataclass
class _LangIndex:
    entries: list[_Entry]
    texts: list[str] = field(default_factory=list)  # whitespace-normalized, for scoring
    norm: list[str] = field(default_factory=list)  # and lower-cased, for keys and concordance
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    postings: dict[str, np.ndarray] = field(default_factory=dict)
    exact: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.texts = [_ws(e.text) for e in self.entries]
        self.norm = [t.lower() for t in self.texts]
        self.lengths = np.fromiter((len(n) for n in self.norm), dtype=np.int32, count=len(self.norm))
        lists: dict[str, list[int]] = {}
        for i, n in enumerate(self.norm):
            self.exact.setdefault(n, []).append(i)
            for k in _keys(n):
                lists.setdefault(k, []).append(i)
        self.postings = {k: np.asarray(v, dtype=np.int32) for k, v in lists.items()}

    def candidates(self, query_norm: str, min_score: float, k: int = _CANDIDATES) -> list[int]:
        """Units that share the most rare stems with the query and could reach `min_score`."""
        n = len(self.entries)
        arrays = [self.postings[key] for key in _keys(query_norm) if key in self.postings]
        found = set(self.exact.get(query_norm, []))
        if not arrays or n == 0:
            return sorted(found)
        # Stems in a tenth of all units (function words) would make everything a candidate; the
        # others count by rarity (idf), so that sharing a rare name outweighs sharing "сказал".
        common = max(50, n // 10)
        rare = [a for a in arrays if len(a) <= common] or sorted(arrays, key=len)[:2]
        weights = np.concatenate([np.full(len(a), np.log(n / len(a)) + 1.0) for a in rare])
        counts = np.bincount(np.concatenate(rare), weights=weights, minlength=n)
        # Indel similarity >= m needs the shorter text to be at least m/(200-m) of the longer one.
        m = min(max(min_score, 1.0), 100.0)
        q = len(query_norm)
        mask = (counts > 0) & (self.lengths >= q * m / (200 - m)) & (self.lengths <= q * (200 - m) / m)
        idx = np.nonzero(mask)[0]
        if len(idx) > k:
            idx = idx[np.argpartition(-counts[idx], k)[:k]]
        return sorted(found | {int(i) for i in idx})


class _Cached:
    def __init__(self, revision: tuple[int, ...]) -> None:
        self.revision = revision
        self.by_lang: dict[str, _LangIndex] = {}


_CACHE: weakref.WeakKeyDictionary[Store, _Cached] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _index(store: Store, lang: str) -> _LangIndex:
    revision = store.tm_revision()
    with _LOCK:
        cached = _CACHE.get(store)
        if cached is None or cached.revision != revision:
            cached = _Cached(revision)
            _CACHE[store] = cached
        index = cached.by_lang.get(lang)
    if index is not None:
        return index
    entries = [_Entry(source, target, origin, "tm", author=author, date=date)
               for source, target, origin, author, date in store.tm_lookup_rows(lang, "en")]
    entries += [_Entry(s.text, "", s.doc_name, "segment", segment_id=s.segment_id, status=s.status)
                for s in store.tm_segment_sources(lang)]
    index = _LangIndex(entries)
    with _LOCK:
        if _CACHE.get(store) is cached:
            cached.by_lang[lang] = index
    return index


def suggestions(store: Store, text: str, src_lang: str, limit: int = 5, min_score: float = 50.0, *,
                exclude: tuple[str, ...] | list[str] | set[str] = ()) -> list[Suggestion]:
    """The best fuzzy matches for a source sentence, best first.

    `exclude` names segments not to suggest (the editor passes the segment being edited).
    """
    query = _ws(text)
    if not query or limit <= 0:
        return []
    index = _index(store, src_lang)
    cands = [i for i in index.candidates(query.lower(), min_score)
             if not (index.entries[i].segment_id and index.entries[i].segment_id in exclude)]
    matches = process.extract(query, [index.texts[i] for i in cands], scorer=fuzz.ratio,
                              score_cutoff=min_score, limit=None)
    scored = sorted(((round(float(score), 1), cands[pos]) for _text, score, pos in matches), key=lambda x: -x[0])
    # Project segments need their English (read now: it changes with every edit); fetch in rounds
    # until `limit` suggestions are found, since some candidates have no English yet.
    out: list[Suggestion] = []
    seen: set[tuple[str, str]] = set()
    pos = 0
    while pos < len(scored) and len(out) < limit:
        batch = scored[pos:pos + max(limit * 4, 20)]
        pos += len(batch)
        seg_ids = [index.entries[i].segment_id for _, i in batch if index.entries[i].kind == "segment"]
        english = store.english_for(seg_ids) if seg_ids else {}
        statuses = store.segment_statuses(seg_ids) if seg_ids else {}
        found: list[Suggestion] = []
        for score, i in batch:
            e = index.entries[i]
            if e.kind == "segment":
                en = english.get(e.segment_id)
                if en is None or not en.text.strip():
                    continue
                author, date = f"mt:{en.engine}", None
                if en.origin != "mt":
                    last = store.history(e.segment_id)[-1:]
                    author, date = (last[0].author, last[0].created_at) if last else ("", None)
                found.append(Suggestion(e.text, en.text, score, e.origin, "segment", e.segment_id,
                                        statuses.get(e.segment_id, e.status), author=author, date=date))
            else:
                found.append(Suggestion(e.text, e.target, score, e.origin, "tm", status=e.status, author=e.author,
                                        date=e.date))
        # Same score: confirmed human English before machine translation, the project before the memory.
        found.sort(key=lambda s: (-s.score, -_RANK.get(s.status, 1), s.author.startswith("mt:"), s.kind != "segment"))
        for s in found:
            key = (_ws(s.source), _ws(s.target))
            if key in seen:
                continue
            seen.add(key)
            out.append(s)
    out.sort(key=lambda s: (-s.score, -_RANK.get(s.status, 1), s.author.startswith("mt:"), s.kind != "segment"))
    return out[:limit]


# --- concordance ----------------------------------------------------------------------------------
def _stems(phrase: str) -> list[str]:
    """Lower-case word beginnings that every inflected form of the phrase contains."""
    return [w.text.lower()[:max(3, len(w.text) - 3)] for w in words(normalize(phrase))]


def _find(text: str, phrase: str, lang: str, term: Term | None) -> tuple[int, int] | None:
    if term is not None:
        hits = match_terms(text, lang, [term])
        if hits:
            return hits[0].start, hits[0].end
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(p) for p in phrase.split()) + r"(?!\w)"
    m = re.search(pattern, normalize(text), flags=re.IGNORECASE)
    return (m.start(), m.end()) if m else None


def concordance(store: Store, phrase: str, lang: str, limit: int = 50) -> list[ConcordanceHit]:
    """Where a phrase occurred (any inflected form for ru/uk) and how it was translated.

    With lang "en" the English side is searched and the hits show the sources it translated.
    """
    phrase = _ws(phrase)
    stems = _stems(phrase)
    if not stems or limit <= 0:
        return []
    hits: list[ConcordanceHit] = []
    if lang == "en":
        for src_lang in ("ru", "uk"):
            hits += _concordance_en(store, phrase, stems, src_lang)
    else:
        term = Term(id=None, lang=lang, source=phrase, english="") if lang in ("ru", "uk") else None
        index = _index(store, lang)
        matched: list[tuple[_Entry, tuple[int, int]]] = []
        for i, n in enumerate(index.norm):
            if all(s in n for s in stems):
                where = _find(index.entries[i].text, phrase, lang, term)
                if where is not None:
                    matched.append((index.entries[i], where))
        seg_ids = [e.segment_id for e, _ in matched if e.kind == "segment"]
        english = store.english_for(seg_ids) if seg_ids else {}
        statuses = store.segment_statuses(seg_ids) if seg_ids else {}
        for e, (start, end) in matched:
            if e.kind == "segment":
                en = english.get(e.segment_id)
                hits.append(ConcordanceHit(e.text, en.text if en else "", lang, e.origin, start, end, "segment",
                                           e.segment_id, statuses.get(e.segment_id, e.status)))
            else:
                hits.append(ConcordanceHit(e.text, e.target, lang, e.origin, start, end, "tm", status=e.status))
    # Translated and confirmed occurrences first; the project's own before the memory's.
    hits.sort(key=lambda h: (not h.target, -_RANK.get(h.status, 1), h.kind != "segment"))
    return hits[:limit]


def _concordance_en(store: Store, phrase: str, stems: list[str], src_lang: str) -> list[ConcordanceHit]:
    index = _index(store, src_lang)
    out: list[ConcordanceHit] = []
    seg_ids = [e.segment_id for e in index.entries if e.kind == "segment"]
    english = store.english_for(seg_ids) if seg_ids else {}
    statuses = store.segment_statuses(seg_ids) if seg_ids else {}
    for e in index.entries:
        target = e.target
        if e.kind == "segment":
            en = english.get(e.segment_id)
            target = en.text if en else ""
        low = target.lower()
        if not target or not all(s in low for s in stems):
            continue
        where = _find(target, phrase, "en", None)
        if where is not None:
            out.append(ConcordanceHit(e.text, target, src_lang, e.origin, where[0], where[1], e.kind, e.segment_id,
                                      statuses.get(e.segment_id, e.status)))
    return out
