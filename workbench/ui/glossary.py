"""The glossary page's actions: search, propose, review (reviewers only), history, import and export."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..auth import can, require
from ..errors import WorkbenchError
from ..glossary import GLOSSARY_COLUMNS, load_glossary_file
from ..records import TERM_KINDS, Term, User

if TYPE_CHECKING:
    from ..store import Store


class GlossaryError(WorkbenchError):
    """A glossary action with bad input."""


def search(store: Store, query: str = "", *, lang: str | None = None, status: str | None = None,
           kind: str | None = None) -> list[Term]:
    return [t for t in store.terms(lang=lang or None, status=status or None, query=query.strip())
            if not kind or t.kind == kind]


def propose_term(store: Store, user: User | None, lang: str, source: str, english: str, *, note: str = "",
                 kind: str = "term") -> Term:
    """Anyone who edits may propose a term; it waits for a reviewer as `proposed`."""
    require(user, "propose_term")
    assert user is not None
    if kind not in TERM_KINDS:
        raise GlossaryError(f"kind {kind!r}: must be one of {', '.join(TERM_KINDS)}")
    if not source.strip() or not english.strip():
        raise GlossaryError("term: give both the source phrase and its English")
    return store.add_term(Term(None, lang, source.strip(), english.strip(), "proposed", kind, note.strip()),
                          user.name, comment="proposed")


def review_term(store: Store, user: User | None, term_id: int, decision: str, comment: str = "") -> Term:
    """A reviewer approves or rejects a term (a rejection needs a comment saying why)."""
    require(user, "approve_term")
    assert user is not None
    if decision not in ("approved", "rejected", "proposed"):
        raise GlossaryError(f"decision {decision!r}: approved, rejected or proposed")
    if decision == "rejected" and not comment.strip():
        raise GlossaryError("reject: say why in the comment (the translator sees it in the term's history)")
    return store.review_term(term_id, decision, user.name, comment.strip())


def edit_term(store: Store, user: User | None, term_id: int, *, english: str | None = None,
              note: str | None = None, comment: str = "") -> Term:
    """Change a term's English or note: reviewers any term, translators only terms still proposed."""
    require(user, "propose_term")
    assert user is not None
    term = store.term(term_id)
    if term.status != "proposed":
        require(user, "approve_term")
    return store.update_term(term_id, user.name, english=english, note=note, comment=comment)


def history(store: Store, term_id: int) -> list[dict[str, Any]]:
    return store.term_history(term_id)


def import_tsv(store: Store, user: User | None, name: str, data: bytes) -> list[Term]:
    """Add the terms of a TSV glossary file (columns as in `glossaries/`); the whole file is checked first.

    Statuses in the file count only for reviewers: a translator's import arrives as proposed terms.
    """
    require(user, "propose_term")
    assert user is not None
    safe = Path(name.replace("\\", "/")).name or "glossary.tsv"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        try:
            terms = load_glossary_file(path)
        except WorkbenchError as exc:  # name the upload, not the temporary copy
            raise GlossaryError(str(exc).replace(str(path), safe)) from exc
    reviewer = can(user, "approve_term")
    added = []
    for t in terms:
        if not reviewer:
            t.status = "proposed"
        added.append(store.add_term(t, user.name, comment=f"imported from {safe}"))
    return added


def export_tsv(terms: list[Term]) -> bytes:
    """Terms as a TSV file that `import_tsv` and `load_glossary_file` read back."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(GLOSSARY_COLUMNS)
    for t in terms:
        writer.writerow([t.lang, t.source, t.english, t.status, t.kind, t.note])
    return buf.getvalue().encode("utf-8")


def starter_terms(config: Any) -> list[Term]:
    """The starter glossary: the terms of the glossary files (`glossaries/*.tsv`)."""
    from ..flags import file_terms

    return file_terms(config)


def starter_in_use(store: Store, config: Any) -> list[str]:
    """The languages whose flags use the starter glossary (no approved project terms in them yet)."""
    approved = {t.lang for t in store.terms(status="approved")}
    return sorted({t.lang for t in starter_terms(config)} - approved)


def load_starter(store: Store, user: User | None, config: Any) -> list[Term]:
    """Copy the starter glossary into the project glossary (terms already there are left alone).
    A reviewer's load keeps the files' statuses; a translator's arrives as proposed terms."""
    require(user, "propose_term")
    assert user is not None
    have = {(t.lang, t.source.casefold(), t.english.casefold()) for t in store.terms()}
    reviewer = can(user, "approve_term")
    added = []
    for t in starter_terms(config):
        if (t.lang, t.source.casefold(), t.english.casefold()) in have:
            continue
        if not reviewer:
            t.status = "proposed"
        added.append(store.add_term(t, user.name, comment="loaded from the starter glossary"))
    return added
