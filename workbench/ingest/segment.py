"""Sentence segmentation with razdel: segments with offsets into the original text and stable ids.

Two general corrections follow razdel, where its rules join sentences that a reader separates:

- a full stop after a whole word (in the Russian or Ukrainian dictionary, three letters or more,
  not a unit after a number) before a digit-led sentence ("... for a while. 10th of ...") ends
  the sentence; razdel joins every such case because some whole words double as abbreviations;
- a single capital letter and a full stop before a capitalised function word that opens a clause
  (a preposition, conjunction, particle, pronoun or adverb followed by a lower-case word, as in "... in
  section S. In case of ...") end the sentence: such a letter is a label, not an initial (an initial
  is followed by a name or by another initial).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from razdel import sentenize

from .. import morph


@dataclass(frozen=True)
class Block:
    """A line of the original text (news pages put each paragraph, caption or credit on its own line)."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    block: int


_LINE = re.compile(r"[^\r\n]+")


def blocks(text: str) -> list[Block]:
    out = []
    for m in _LINE.finditer(text):
        line = m.group()
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        out.append(Block(len(out), m.start() + lead, m.start() + lead + len(stripped), stripped))
    return out


def sentences(text: str) -> list[Span]:
    """Sentences of every block, offsets into `text`; a sentence never crosses a line break."""
    spans: list[Span] = []
    for block in blocks(text):
        for sent in sentenize(block.text):
            for offset, part in _split_missed(sent.text):
                piece = part.strip()
                if not piece:
                    continue
                lead = len(part) - len(part.lstrip())
                start = block.start + sent.start + offset + lead
                spans.append(Span(start, start + len(piece), piece, block.index))
    return spans


# A full stop and the space after it, with the word before and the text after.
_STOP = re.compile(r"(\w+)\.(\s+)(?=\S)")
_DIGIT_SENTENCE = re.compile(r"\d[\d.,:–-]*(?:-?[^\W\d_]+)?\s+[^\W\d_]")
_NUMBER_BEFORE = re.compile(r"\d\s*$")
_CLAUSE_POS = frozenset({"PREP", "CONJ", "PRCL", "NPRO"})
_NEXT_WORD = re.compile(r"([^\W\d_]+)(\S*)\s+(\S)")


def _is_whole_word(word: str) -> bool:
    """A dictionary word in either language, not an abbreviation (pymorphy3 tags those Abbr)."""
    if len(word) < 3 or not word.isalpha() or not word.islower():
        return False
    for lang in ("ru", "uk"):
        found = morph.parses(word, lang)
        if found and found[0].is_known and "Abbr" not in found[0].tag:
            return True
    return False


def _opens_clause(rest: str) -> bool:
    """`rest` starts with a capitalised function word followed by a lower-case word."""
    m = _NEXT_WORD.match(rest)
    if m is None or not m.group(1)[0].isupper() or m.group(2) not in ("", ","):
        return False
    if not m.group(3).islower():
        return False
    word = m.group(1).lower()
    for lang in ("ru", "uk"):
        found = [p for p in morph.parses(word, lang) if p.is_known]
        # Any reading as a function word ("після": adverb or preposition), or an adverb first.
        if any(p.tag.POS in _CLAUSE_POS for p in found) or (found and found[0].tag.POS == "ADVB"):
            return True
    return False


def _boundary(text: str, m: re.Match[str]) -> bool:
    word, rest = m.group(1), text[m.end():]
    if len(word) == 1 and word.isupper():
        before = text[:m.start()].rstrip()
        # A label after a lower-case word ("section S."), not an initial before a name.
        return bool(before) and before[-1].islower() and _opens_clause(rest)
    return (_DIGIT_SENTENCE.match(rest) is not None and _is_whole_word(word)
            and not _NUMBER_BEFORE.search(text[:m.start()]))


def _split_missed(text: str) -> list[tuple[int, str]]:
    """(offset, part) of one razdel sentence, cut where a sentence boundary was missed."""
    parts: list[tuple[int, str]] = []
    start = 0
    for m in _STOP.finditer(text):
        if _boundary(text, m):
            cut = m.start(2)
            parts.append((start, text[start:cut]))
            start = cut
    parts.append((start, text[start:]))
    return parts


def segment_id(doc_sha: str, start: int, text: str) -> str:
    """Stable id: the same document text gives the same ids on every import."""
    return hashlib.sha1(f"{doc_sha}|{start}|{text}".encode()).hexdigest()[:20]
