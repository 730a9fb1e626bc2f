"""Glossary: term files under `glossaries/`, and morphology-aware matching of terms in text.

A term matches any inflected form: the term and the text are compared lemma by lemma (pymorphy3),
so "шокирующая позиция" is found in "на фоне шокирующей позиции".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import morph
from .errors import WorkbenchError
from .records import TERM_KINDS, TERM_STATUSES, Term
from .safetext import from_spreadsheet_cell, spreadsheet_cell
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


def read_glossary_table(text: str, name: str, *, delimiter: str = "\t",
                        required: tuple[str, ...] = GLOSSARY_COLUMNS) -> list[Term]:
    """Terms of a glossary table (a header line naming the columns, '#' comment lines; quoted cells may
    hold tabs, line breaks and quotes). The one reader of every glossary table: the `glossaries/` files,
    uploads, `import-terms`. Status and kind default to proposed and term when they are not required.

    Every row is checked before any is returned; an error names the file, the line and the field.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, strict=True)
    header: list[str] | None = None
    terms: list[Term] = []
    try:
        for row in reader:
            n = reader.line_num
            if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [c.strip() for c in row]
                missing = [c for c in required if c not in header]
                if missing:
                    raise WorkbenchError(f"{name}:{n}: missing glossary column(s) {', '.join(missing)} "
                                         f"(found: {', '.join(header)})")
                continue
            if len(row) > len(header):
                raise WorkbenchError(f"{name}:{n}: more cells than columns")
            cells = dict(zip(header, (from_spreadsheet_cell(c) for c in row), strict=False))

            def cell(key: str, default: str = "", cells: dict[str, str] = cells) -> str:
                return (cells.get(key) or "").strip() or default

            lang = cell("lang").replace("_", "-").split("-")[0].lower()
            status, kind = cell("status", "proposed"), cell("kind", "term")
            if lang not in ("ru", "uk"):
                raise WorkbenchError(f"{name}:{n}: lang {cell('lang')!r} must be ru or uk")
            if status not in TERM_STATUSES:
                raise WorkbenchError(f"{name}:{n}: status {status!r} is not one of {', '.join(TERM_STATUSES)}")
            if kind not in TERM_KINDS:
                raise WorkbenchError(f"{name}:{n}: kind {kind!r} is not one of {', '.join(TERM_KINDS)}")
            if not cell("source") or not cell("english"):
                raise WorkbenchError(f"{name}:{n}: source and english must not be empty")
            if not words(cell("source")):
                raise WorkbenchError(f"{name}:{n}: source {cell('source')!r} has no words to match")
            terms.append(Term(id=None, lang=lang, source=cell("source"), english=cell("english"), status=status,
                              kind=kind, note=cell("note")))
    except csv.Error as exc:
        raise WorkbenchError(f"{name}:{reader.line_num}: {exc}") from None
    if header is None:
        raise WorkbenchError(f"{name}: empty glossary (no header line)")
    return terms


def write_glossary_table(terms: list[Term], *, delimiter: str = "\t", raw_cells: bool = False) -> str:
    """Terms as a glossary table that `read_glossary_table` reads back exactly (any text: tabs, line breaks,
    quotes). Cells a spreadsheet would take for a formula get a leading ' unless `raw_cells`."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(GLOSSARY_COLUMNS)
    for t in terms:
        cells = [t.lang, t.source, t.english, t.status, t.kind, t.note]
        writer.writerow(cells if raw_cells else [spreadsheet_cell(c) for c in cells])
    return buf.getvalue()


def table_delimiter(path: Path) -> str:
    return "," if path.suffix.lower() == ".csv" else "\t"


def load_glossary_file(path: Path, required: tuple[str, ...] = GLOSSARY_COLUMNS) -> list[Term]:
    """Read a glossary table file (TSV, or CSV when it ends in .csv); see `read_glossary_table`."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkbenchError(f"{path}: cannot read glossary ({exc.__class__.__name__})") from exc
    return read_glossary_table(raw, str(path), delimiter=table_delimiter(path), required=required)


def write_glossary_file(terms: list[Term], path: Path, *, raw_cells: bool = False) -> None:
    """Write terms as a glossary table file (TSV, or CSV when it ends in .csv) that `load_glossary_file` reads back."""
    try:
        path.write_text(write_glossary_table(terms, delimiter=table_delimiter(path), raw_cells=raw_cells),
                        encoding="utf-8", newline="")
    except OSError as exc:
        raise WorkbenchError(f"{path}: cannot write glossary ({exc.strerror or exc.__class__.__name__})") from exc
