"""Actions on glossary terms: propose, review (reviewers), edit, and every import of terms.

Rules: anyone who edits may propose; approving and rejecting need `approve_term`, a rejection needs
a comment, and a review names the English it approves (a term changed since the reviewer read it is
refused with both texts). An import by someone who may not approve brings every row in as proposed,
whatever the file says; the author of every change is the acting user, never a name in a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import WorkbenchError
from ..records import TERM_KINDS, Term, User
from . import ActionError, author, can, require

if TYPE_CHECKING:
    from ..store import Store


class GlossaryError(ActionError):
    """A glossary action with bad input."""


class TermChanged(GlossaryError):
    """The term's English changed after the reviewer read it."""


def propose_term(store: Store, user: User | None, lang: str, source: str, english: str, *, note: str = "",
                 kind: str = "term") -> Term:
    """Anyone who edits may propose a term; it waits for a reviewer as `proposed`."""
    who = require(user, "propose_term")
    if kind not in TERM_KINDS:
        raise GlossaryError(f"kind {kind!r}: must be one of {', '.join(TERM_KINDS)}")
    if not source.strip() or not english.strip():
        raise GlossaryError("term: give both the source phrase and its English")
    return store.add_term(Term(None, lang, source.strip(), english.strip(), "proposed", kind, note.strip()),
                          author(who), comment="proposed")


def review_term(store: Store, user: User | None, term_id: int, decision: str, comment: str = "", *,
                seen_english: str | None = None) -> Term:
    """A reviewer approves or rejects a term (a rejection needs a comment saying why).

    `seen_english` is the English the reviewer read; when the term has changed since, nothing is
    done and TermChanged shows both texts (the app always passes it; the CLI with --seen).
    """
    who = require(user, "approve_term")
    if decision not in ("approved", "rejected", "proposed"):
        raise GlossaryError(f"decision {decision!r}: approved, rejected or proposed")
    if decision == "rejected" and not comment.strip():
        raise GlossaryError("reject: say why in the comment (the translator sees it in the term's history)")
    term = store.term(term_id)
    if seen_english is not None and seen_english.strip() != term.english:
        raise TermChanged(f"term {term_id}: changed since you opened it: you read {seen_english.strip()!r}, "
                          f"it now says {term.english!r}; review it again")
    return store.review_term(term_id, decision, author(who), comment.strip())


def edit_term(store: Store, user: User | None, term_id: int, *, english: str | None = None,
              note: str | None = None, comment: str = "") -> Term:
    """Change a term's English or note: reviewers any term, translators only terms still proposed."""
    who = require(user, "propose_term")
    term = store.term(term_id)
    if term.status != "proposed":
        require(who, "approve_term")
    return store.update_term(term_id, author(who), english=english, note=note, comment=comment)


@dataclass
class TermImport:
    """What an import of terms did, per file."""

    file: str
    added: list[Term] = field(default_factory=list)
    updated: int = 0
    unchanged: int = 0
    as_proposed: int = 0  # rows whose approved/rejected status was not kept (the importer may not approve)
    skipped: list[str] = field(default_factory=list)

    def row(self) -> dict[str, object]:
        return {"file": self.file, "added": len(self.added), "updated": self.updated, "unchanged": self.unchanged,
                "as proposed": self.as_proposed}


def import_terms(store: Store, user: User | None, files: list[tuple[str, list[Term]]], *,
                 as_proposed: bool = False, update_status: bool = False,
                 skipped: dict[str, list[str]] | None = None) -> list[TermImport]:
    """Add already-read and checked terms (every file was read before this is called).

    Statuses count only for users who may approve terms; anyone else's rows arrive as proposed. With
    `update_status` a reviewer's file also sets the status of an existing identical entry.
    """
    who = require(user, "propose_term")
    reviewer = can(who, "approve_term")
    name = author(who)
    existing = {(t.lang, t.source, t.english, t.kind): t for t in store.terms()}
    reports = []
    for file, terms in files:
        rep = TermImport(file, skipped=list((skipped or {}).get(file, [])))
        for t in terms:
            status = t.status if reviewer and not as_proposed else "proposed"
            if status != t.status:
                rep.as_proposed += 1
            key = (t.lang, t.source.strip(), t.english.strip(), t.kind)
            old = existing.get(key)
            if old is None:
                new = store.add_term(Term(None, t.lang, t.source, t.english, status, t.kind, t.note), name,
                                     comment=f"imported from {file}")
                existing[key] = new
                rep.added.append(new)
            elif update_status and reviewer and old.status != status:
                existing[key] = store.review_term(old.id or 0, status, name, f"imported from {file}")
                rep.updated += 1
            else:
                rep.unchanged += 1
        reports.append(rep)
    return reports


def read_term_file(path: Path, *, glossary_layout: bool = False) -> tuple[list[Term], list[str]]:
    """(terms, skipped entries) of a TBX or CSV/TSV glossary file, read and checked as a whole.

    `glossary_layout`: a TSV in the `glossaries/` layout (all six columns required).
    """
    from ..exchange import tabular, tbx
    from ..glossary import load_glossary_file

    suffix = path.suffix.lower()
    if glossary_layout:
        return load_glossary_file(path), []
    if suffix in (".csv", ".tsv", ".tab"):
        return [e.term for e in tabular.read_glossary_table(path)], []
    if suffix in (".tbx", ".xml", ".tbxm"):
        entries, skipped = tbx.read_tbx(path)
        return [e.term for e in entries], skipped
    raise WorkbenchError(f"{path}: unknown glossary format (expected .tbx, .csv or .tsv)")


def upload_terms(store: Store, user: User | None, name: str, data: bytes) -> TermImport:
    """Import an uploaded glossary (TSV in the `glossaries/` layout, CSV, or TBX); the whole file is checked first."""
    import tempfile

    require(user, "propose_term")
    safe = Path(name.replace("\\", "/")).name or "glossary.tsv"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        try:
            terms, skipped = read_term_file(path, glossary_layout=path.suffix.lower() == ".tsv")
        except WorkbenchError as exc:  # name the upload, not the temporary copy
            raise GlossaryError(str(exc).replace(str(path), safe)) from exc
    return import_terms(store, user, [(safe, terms)], skipped={safe: skipped})[0]


def import_tsv(store: Store, user: User | None, name: str, data: bytes) -> list[Term]:
    """The terms an uploaded TSV glossary added (see `upload_terms`)."""
    return upload_terms(store, user, name, data).added


def load_starter(store: Store, user: User | None, config: Any) -> list[Term]:
    """Copy the starter glossary (`glossaries/*.tsv`) into the project glossary; terms already there are
    left alone. A reviewer's load keeps the files' statuses; anyone else's arrives as proposed."""
    from ..flags import glossary_files

    require(user, "propose_term")
    files = [(p.name, read_term_file(p, glossary_layout=True)[0]) for p in glossary_files(config)]
    return [t for rep in import_terms(store, user, files) for t in rep.added]
