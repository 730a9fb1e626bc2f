"""Glossary: term files under `glossaries/`, and morphology-aware matching of terms in text.

A term matches any inflected form: the term and the text are compared lemma by lemma (pymorphy3),
so "шокирующая позиция" is found in "на фоне шокирующей позиции".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import morph
from .errors import WorkbenchError
from .records import TERM_KINDS, TERM_STATUSES, Term
from .text import normalize, words

GLOSSARY_COLUMNS = ("lang", "source", "english", "status", "kind", "note")


@dataclass(frozen=True)
class TermMatch:
    term: Term
    start: int  # character offsets of the matched words in the text
    end: int

    @property
    def text_span(self) -> tuple[int, int]:
        return self.start, self.end


@lru_cache(maxsize=20_000)
def _term_lemmas(source: str, lang: str) -> tuple[str, ...]:
    return tuple(morph.lemma(t.text, lang) for t in words(source))


def match_terms(text: str, lang: str, terms: list[Term]) -> list[TermMatch]:
    """Every occurrence of every term (of this language) in the text, by lemma sequence."""
    toks = words(text)
    if not toks or lang not in ("ru", "uk"):
        return []
    lemmas = [morph.lemma(t.text, lang) for t in toks]
    index: dict[str, list[int]] = {}
    for i, lem in enumerate(lemmas):
        index.setdefault(lem, []).append(i)
    found: list[TermMatch] = []
    for term in terms:
        if term.lang != lang:
            continue
        want = _term_lemmas(term.source, lang)
        if not want:
            continue
        for i in index.get(want[0], []):
            if tuple(lemmas[i:i + len(want)]) == want:
                found.append(TermMatch(term, toks[i].start, toks[i + len(want) - 1].end))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    return found


def english_present(english: str, translation: str) -> bool:
    """Whether an English term occurs in a translation (case-insensitive, whole words, simple plural)."""
    want = [w.text.lower() for w in words(normalize(english))]
    have = [w.text.lower() for w in words(normalize(translation))]
    if not want:
        return True

    def same(a: str, b: str) -> bool:
        return a == b or a.rstrip("s") == b.rstrip("s") or (len(a) > 4 and b.startswith(a[:-1]) and len(b) - len(a) <= 3)

    return any(all(same(w, h) for w, h in zip(want, have[i:i + len(want)], strict=False)) and
               len(have[i:i + len(want)]) == len(want) for i in range(len(have)))


def load_glossary_file(path: Path) -> list[Term]:
    """Read a TSV glossary file (columns GLOSSARY_COLUMNS, a header line, '#' comment lines)."""
    try:
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkbenchError(f"{path}: cannot read glossary ({exc.__class__.__name__})") from exc
    reader = csv.DictReader(lines, delimiter="\t")
    missing = [c for c in GLOSSARY_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise WorkbenchError(f"{path}: missing glossary column(s) {', '.join(missing)}")
    terms = []
    for n, row in enumerate(reader, start=2):
        status, kind = row["status"].strip(), row["kind"].strip()
        if status not in TERM_STATUSES:
            raise WorkbenchError(f"{path}:{n}: status {status!r} is not one of {', '.join(TERM_STATUSES)}")
        if kind not in TERM_KINDS:
            raise WorkbenchError(f"{path}:{n}: kind {kind!r} is not one of {', '.join(TERM_KINDS)}")
        if row["lang"].strip() not in ("ru", "uk"):
            raise WorkbenchError(f"{path}:{n}: lang {row['lang']!r} must be ru or uk")
        terms.append(Term(id=None, lang=row["lang"].strip(), source=row["source"].strip(),
                          english=row["english"].strip(), status=status, kind=kind, note=(row["note"] or "").strip()))
    return terms
