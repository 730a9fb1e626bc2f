"""Imports: articles (files or uploads), the translation memory, corrected XLIFF, and glossary files.

Every import is checked as a whole before anything is stored; the acting user is the author of
everything it adds (a name inside a file is kept as a claim in the comment, never as the author).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..records import User
from . import author, can, require
from .terms import TermImport, import_terms, read_term_file

if TYPE_CHECKING:
    from ..config import Config
    from ..ingest import ImportReport
    from ..store import Store


def import_articles(store: Store, config: Config, user: User | None, paths: Iterable[str | Path], *,
                    story: str | None = None) -> ImportReport:
    """`workbench import`: files and directories, one transaction."""
    from ..ingest import import_paths

    who = require(user, "import")
    return import_paths(store, paths, config, story=story, actor=author(who))


def upload(store: Store, config: Config, user: User | None, files: list[tuple[str, bytes]],
           story: str | None = None) -> ImportReport:
    """Uploaded files with the rules of `workbench import`, in one transaction: one bad file (a bad name,
    wrong type, too large, binary, undecodable, empty, an over-long line) adds nothing."""
    from ..ingest import import_uploads

    who = require(user, "import")
    return import_uploads(store, files, config, story=story or None, actor=author(who))


def import_memory(store: Store, user: User | None, path: str | Path) -> Any:
    """A TMX file or a CSV/TSV unit table into the translation memory (one transaction)."""
    from ..exchange import tabular, tmx

    require(user, "import")
    if Path(path).suffix.lower() in (".csv", ".tsv", ".tab"):
        return tabular.import_units_table(store, path)
    return tmx.import_tmx(store, path)


def import_xliff(store: Store, user: User | None, path: str | Path) -> Any:
    """Targets corrected in a CAT tool, applied as the acting user's edits. A `final` state in the file
    approves the segment only for a user who may sign off (`approve_document`: reviewers, admins); a
    translator's file arrives as edits, the approval left to a reviewer (like a term import)."""
    from ..exchange import xliff

    who = require(user, "edit")
    return xliff.import_xliff(store, path, author(who), approve=can(who, "approve_document"))


def import_glossary_files(store: Store, user: User | None, paths: list[Path], *, as_proposed: bool = False,
                          glossary_layout: bool = False, update_status: bool = False) -> list[TermImport]:
    """TBX or CSV/TSV glossary files: all read and checked, then added (a translator's rows as proposed)."""
    require(user, "propose_term")
    read = [(p, read_term_file(p, glossary_layout=glossary_layout)) for p in paths]
    return import_terms(store, user, [(p.name if not glossary_layout else str(p), terms) for p, (terms, _) in read],
                        as_proposed=as_proposed, update_status=update_status,
                        skipped={(p.name if not glossary_layout else str(p)): sk for p, (_, sk) in read})


def may_keep_statuses(user: User | None) -> bool:
    return can(user, "approve_term")


def import_mt(store: Store, config: Config, user: User | None, doc_ref: int | str, path: str | Path, engine: str,
              *, fmt: str | None = None, score: bool = True) -> Any:
    """`workbench import-mt`: another system's English stored as that engine's MT of a document, one
    transaction; token scores added when the configured engine is here."""
    from ..translate.external import import_mt as store_mt

    who = require(user, "import")
    return store_mt(store, config, doc_ref, path, engine, author(who), fmt=fmt, score=score)


def upload_mt(store: Store, config: Config, user: User | None, doc_ref: int | str, name: str, data: bytes,
              engine: str) -> Any:
    """An uploaded MT file of another system for a document, with the rules of `import_mt`."""
    import tempfile

    from ..errors import WorkbenchError
    from ..translate.external import MTImportError

    require(user, "import")
    safe = Path(name.replace("\\", "/")).name or "mt.txt"
    if len(data) > config.max_import_bytes:
        raise MTImportError(f"{safe}: {len(data)} bytes, more than max_import_bytes ({config.max_import_bytes})")
    with tempfile.TemporaryDirectory(prefix="workbench-mt-") as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        try:
            return import_mt(store, config, user, doc_ref, path, engine.strip())
        except WorkbenchError as exc:  # name the upload, not the server's temporary path
            raise type(exc)(str(exc).replace(str(path), safe)) from None


def score_english(store: Store, config: Config, user: User | None, doc_ref: int | str, *,
                  rescore: bool = False) -> Any:
    """`workbench score`: per-token log-probabilities of a document's English by forced decoding."""
    from ..translate.external import score_document

    require(user, "translate")
    return score_document(store, config, doc_ref, rescore=rescore)
