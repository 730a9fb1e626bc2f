"""`workbench glossary list|add|approve|reject|load|export|history`: the project glossary.

Changes go through `workbench.actions.terms` as the verified acting user (see `workbench.cli`).
Approving and rejecting (and loading a file's approved or rejected rows as such) need a role that
allows `approve_term` (reviewer, admin); anyone else's loaded rows arrive as proposed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..actions import can
from ..actions.imports import import_glossary_files
from ..actions.terms import propose_term, review_term
from ..errors import WorkbenchError
from ..glossary import write_glossary_file
from ..records import TERM_KINDS, TERM_STATUSES
from .common import Context, add_format, emit, out

COLUMNS = ["id", "lang", "source", "english", "status", "kind", "note"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("glossary", help="list, propose, approve, reject, load and export glossary terms",
                       description="Approve/reject need --user NAME of a reviewer or admin in the store "
                                   "(see `workbench users`).")
    gsub = p.add_subparsers(dest="glossary_command", metavar="ACTION")
    gsub.required = True

    a = gsub.add_parser("list", help="list terms")
    a.add_argument("--lang", choices=("ru", "uk"))
    a.add_argument("--status", choices=TERM_STATUSES)
    a.add_argument("--kind", choices=TERM_KINDS)
    a.add_argument("--query", default="", help="substring of the source, English or note")
    add_format(a)
    a.set_defaults(func=cmd_list)

    a = gsub.add_parser("add", help="propose a term (or a known bad rendering with --kind bad)")
    a.add_argument("lang", choices=("ru", "uk"))
    a.add_argument("source", metavar="SOURCE")
    a.add_argument("english", metavar="ENGLISH", help="the required English (for --kind bad: what it should say)")
    a.add_argument("--kind", choices=TERM_KINDS, default="term")
    a.add_argument("--note", default="")
    add_format(a)
    a.set_defaults(func=cmd_add)

    for action, status in (("approve", "approved"), ("reject", "rejected")):
        a = gsub.add_parser(action, help=f"{action} a term (reviewer or admin)")
        a.add_argument("term_ids", nargs="+", type=int, metavar="TERM_ID")
        a.add_argument("--comment", default="")
        a.add_argument("--seen", metavar="ENGLISH",
                       help="the English you reviewed: refused if the term (one TERM_ID) now says something else")
        add_format(a)
        a.set_defaults(func=cmd_review, status=status)

    a = gsub.add_parser("load", help="load glossary TSV files into the store (default: the glossaries/ files)")
    a.add_argument("files", nargs="*", metavar="FILE")
    add_format(a)
    a.set_defaults(func=cmd_load)

    a = gsub.add_parser("export", help="write terms to a TSV glossary file")
    a.add_argument("file", metavar="FILE")
    a.add_argument("--lang", choices=("ru", "uk"))
    a.add_argument("--status", choices=TERM_STATUSES)
    a.add_argument("--raw-cells", action="store_true",
                   help="keep cells starting with = + - @ as they are (default: prefixed with ' for spreadsheets)")
    a.set_defaults(func=cmd_export)

    a = gsub.add_parser("history", help="who proposed, approved, rejected or edited a term, and when")
    a.add_argument("term_id", type=int, metavar="TERM_ID")
    add_format(a)
    a.set_defaults(func=cmd_history)


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    terms = [t for t in ctx.store.terms(lang=args.lang, status=args.status, query=args.query)
             if not args.kind or t.kind == args.kind]
    emit(terms, args.format, COLUMNS)  # type: ignore[arg-type]
    return 0


def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    term = propose_term(ctx.store, ctx.user, args.lang, args.source, args.english, note=args.note, kind=args.kind)
    emit([term], args.format, COLUMNS)  # type: ignore[list-item]
    return 0


def cmd_review(ctx: Context, args: argparse.Namespace) -> int:
    if args.seen is not None and len(args.term_ids) != 1:
        raise WorkbenchError("--seen: name exactly one TERM_ID")
    for term_id in args.term_ids:
        ctx.store.term(term_id)  # every id must exist before any is changed
    done = [review_term(ctx.store, ctx.user, term_id, args.status, args.comment, seen_english=args.seen)
            for term_id in args.term_ids]
    emit(done, args.format, COLUMNS)  # type: ignore[arg-type]
    return 0


def cmd_load(ctx: Context, args: argparse.Namespace) -> int:

    from ..flags import glossary_files  # the checks load dictionaries: only when needed

    paths = [Path(f) for f in args.files] or glossary_files(ctx.config)
    if not paths:
        raise WorkbenchError("glossary load: no files named and no glossaries/*.tsv found")
    reports = import_glossary_files(ctx.store, ctx.user, paths, glossary_layout=True, update_status=True)
    rows = [r.row() for r in reports]
    emit(rows, args.format, ["file", "added", "updated", "unchanged", "as proposed"])
    if not can(ctx.user, "approve_term") and any(r.as_proposed for r in reports) and args.format == "table":
        out(f"{ctx.user.name} may not approve terms: approved/rejected rows were loaded as proposed "
            "(load as a reviewer to keep the files' statuses)")
    return 0


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    terms = ctx.store.terms(lang=args.lang, status=args.status)
    write_glossary_file(terms, Path(args.file), raw_cells=args.raw_cells)
    out(f"{len(terms)} terms written to {args.file}")
    return 0


def cmd_history(ctx: Context, args: argparse.Namespace) -> int:
    ctx.store.term(args.term_id)
    emit(ctx.store.term_history(args.term_id), args.format, ["action", "author", "comment", "created_at"])
    return 0
