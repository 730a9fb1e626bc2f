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


@dataclass(frozen=True)
class Reading:
    """One pymorphy3 parse of a word: dictionary form, part of speech and grammemes."""

    normal_form: str
    pos: str | None
    grammemes: frozenset[str]


@lru_cache(maxsize=200_000)
def readings(word: str, lang: str) -> tuple[Reading, ...]:
    """Every parse of a ru/uk word, most likely first: one dictionary lookup serves the lemma here and
    the part-of-speech tests of the flag detectors (a lookup is the costly step of flagging)."""
    if lang not in ("ru", "uk"):
        return ()
    return tuple(Reading(p.normal_form, str(p.tag.POS) if p.tag.POS else None,
                         frozenset(str(p.tag).replace(" ", ",").split(",")))
                 for p in morph.parses(word, lang))


def lemma(word: str, lang: str) -> str:
    """The same lemma as `workbench.morph.lemma`, from the shared `readings` cache."""
    found = readings(word, lang)
    return found[0].normal_form.replace("ё", "е") if found else normalize(word).lower()


@lru_cache(maxsize=20_000)
def _term_lemmas(source: str, lang: str) -> tuple[str, ...]:
    return tuple(lemma(t.text, lang) for t in words(source))


def match_terms(text: str, lang: str, terms: list[Term]) -> list[TermMatch]:
    """Every occurrence of every term (of this language) in the text, by lemma sequence."""
    toks = words(text)
    if not toks or lang not in ("ru", "uk"):
        return []
    lemmas = [lemma(t.text, lang) for t in toks]
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
    """Read a TSV glossary file (columns GLOSSARY_COLUMNS, a header line, '#' comment lines).

    Every row is checked before any is returned; an error names the file, the line and the field.
    """
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkbenchError(f"{path}: cannot read glossary ({exc.__class__.__name__})") from exc
    numbered = [(n, ln) for n, ln in enumerate(raw.splitlines(), start=1) if ln.strip() and not ln.startswith("#")]
    if not numbered:
        raise WorkbenchError(f"{path}: empty glossary (no header line)")
    reader = csv.DictReader([ln for _, ln in numbered], delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in GLOSSARY_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise WorkbenchError(f"{path}:{numbered[0][0]}: missing glossary column(s) {', '.join(missing)}")
    terms = []
    for (n, _line), row in zip(numbered[1:], reader, strict=True):
        def cell(name: str, row: dict[str, str | None] = row) -> str:
            return (row.get(name) or "").strip()

        status, kind, lang = cell("status"), cell("kind"), cell("lang")
        if lang not in ("ru", "uk"):
            raise WorkbenchError(f"{path}:{n}: lang {lang!r} must be ru or uk")
        if status not in TERM_STATUSES:
            raise WorkbenchError(f"{path}:{n}: status {status!r} is not one of {', '.join(TERM_STATUSES)}")
        if kind not in TERM_KINDS:
            raise WorkbenchError(f"{path}:{n}: kind {kind!r} is not one of {', '.join(TERM_KINDS)}")
        if not cell("source") or not cell("english"):
            raise WorkbenchError(f"{path}:{n}: source and english must not be empty")
        if not words(cell("source")):
            raise WorkbenchError(f"{path}:{n}: source {cell('source')!r} has no words to match")
        terms.append(Term(id=None, lang=lang, source=cell("source"), english=cell("english"), status=status,
                          kind=kind, note=cell("note")))
    return terms


def write_glossary_file(terms: list[Term], path: Path) -> None:
    """Write terms as a TSV glossary file that `load_glossary_file` reads back."""
    def clean(value: str) -> str:
        return " ".join(value.split())  # tabs and line breaks would break the row

    lines = ["\t".join(GLOSSARY_COLUMNS)]
    lines += ["\t".join(clean(v) for v in (t.lang, t.source, t.english, t.status, t.kind, t.note)) for t in terms]
    try:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as exc:
        raise WorkbenchError(f"{path}: cannot write glossary ({exc.__class__.__name__})") from exc
