"""Alignment: sentences across language versions of a story, words between a segment and its English."""

from __future__ import annotations

from .sentences import AlignParams, align_texts, link_f1

__all__ = ["AlignParams", "align_texts", "link_f1"]
