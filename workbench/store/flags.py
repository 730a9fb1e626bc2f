"""Flags on segments, their resolution and dismissed patterns."""

from __future__ import annotations


class FlagStore:
    """Methods of `Store` for this area (filled in by its issue)."""
