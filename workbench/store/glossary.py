"""Glossary terms and their review history."""

from __future__ import annotations


class GlossaryStore:
    """Methods of `Store` for this area (filled in by its issue)."""
