"""Sentence segmentation with razdel: segments with offsets into the original text and stable ids."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from razdel import sentenize


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
            piece = sent.text.strip()
            if not piece:
                continue
            lead = len(sent.text) - len(sent.text.lstrip())
            start = block.start + sent.start + lead
            spans.append(Span(start, start + len(piece), piece, block.index))
    return spans


def segment_id(doc_sha: str, start: int, text: str) -> str:
    """Stable id: the same document text gives the same ids on every import."""
    return hashlib.sha1(f"{doc_sha}|{start}|{text}".encode()).hexdigest()[:20]
