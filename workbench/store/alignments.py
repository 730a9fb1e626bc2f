"""Sentence alignments (beads) of document pairs and word alignments of segments."""

from __future__ import annotations


class AlignmentStore:
    """Methods of `Store` for this area (filled in by its issue)."""
