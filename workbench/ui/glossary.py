"""The glossary page's view: search, history and the TSV download. Changes go through
`workbench.actions.terms`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..glossary import write_glossary_table
from ..records import Term

if TYPE_CHECKING:
    from ..store import Store


def search(store: Store, query: str = "", *, lang: str | None = None, status: str | None = None,
           kind: str | None = None) -> list[Term]:
    return [t for t in store.terms(lang=lang or None, status=status or None, query=query.strip())
            if not kind or t.kind == kind]


def history(store: Store, term_id: int) -> list[dict[str, Any]]:
    return store.term_history(term_id)


def export_tsv(terms: list[Term], *, raw_cells: bool = False) -> bytes:
    """Terms as a TSV file that the glossary upload and `workbench glossary load` read back exactly."""
    return write_glossary_table(terms, raw_cells=raw_cells).encode("utf-8")


def starter_terms(config: Any) -> list[Term]:
    """The starter glossary: the terms of the glossary files (`glossaries/*.tsv`)."""
    from ..flags import file_terms

    return file_terms(config)


def starter_in_use(store: Store, config: Any) -> list[str]:
    """The languages whose flags use the starter glossary (no approved project terms in them yet)."""
    approved = {t.lang for t in store.terms(status="approved")}
    return sorted({t.lang for t in starter_terms(config)} - approved)
