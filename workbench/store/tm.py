"""The translation memory: imported and confirmed source/English pairs."""

from __future__ import annotations


class TMStore:
    """Methods of `Store` for the translation memory."""
