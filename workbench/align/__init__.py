"""Alignment: sentences across language versions of a story, words between a segment and its English.

- `align_segments`, `align_lines`, `align_texts`: the model-free sentence aligner (`sentences`,
  similarity features in `features`), pure functions;
- `align_story`, `align_documents`: the same over stored documents, saved with corrections kept;
- `WordAligner`, `align_words_for_document`: simalign word links between source and English.
"""

from __future__ import annotations

from .sentences import AlignParams, align_texts, link_f1
from .stories import align_documents, align_lines, align_segments, align_story, align_words_for_document
from .words import WordAligner, WordAlignerError

__all__ = [
    "AlignParams",
    "WordAligner",
    "WordAlignerError",
    "align_documents",
    "align_lines",
    "align_segments",
    "align_story",
    "align_texts",
    "align_words_for_document",
    "link_f1",
]
