"""`workbench glossary list|add|approve|reject|load|export|history`: the project glossary.

The command acts as `--user NAME`. Approving and rejecting (and loading a file's approved or
rejected rows as such) need a user of the store whose role allows `approve_term` (reviewer, admin),
checked with `workbench.auth.require`. Proposing needs `propose_term`; on a store that has no users
yet (a single-user installation) anyone may propose.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..auth import can, require
from ..errors import WorkbenchError
from ..glossary import load_glossary_file, write_glossary_file
from ..records import TERM_KINDS, TERM_STATUSES, Term, User
from .common import Context, add_format, emit

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
    a.set_defaults(func=cmd_export)

    a = gsub.add_parser("history", help="who proposed, approved, rejected or edited a term, and when")
    a.add_argument("term_id", type=int, metavar="TERM_ID")
    add_format(a)
    a.set_defaults(func=cmd_history)


def acting_user(ctx: Context) -> User | None:
    """The store's user named by --user, or None."""
    return next((u for u in ctx.store.users() if u.name == ctx.actor), None)


def _may_propose(ctx: Context) -> None:
    users = ctx.store.users()
    if users:
        require(next((u for u in users if u.name == ctx.actor), None), "propose_term")


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    terms = [t for t in ctx.store.terms(lang=args.lang, status=args.status, query=args.query)
             if not args.kind or t.kind == args.kind]
    emit(terms, args.format, COLUMNS)  # type: ignore[arg-type]
    return 0


def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    _may_propose(ctx)
    term = ctx.store.add_term(Term(id=None, lang=args.lang, source=args.source, english=args.english,
                                   status="proposed", kind=args.kind, note=args.note), ctx.actor)
    emit([term], args.format, COLUMNS)  # type: ignore[list-item]
    return 0


def cmd_review(ctx: Context, args: argparse.Namespace) -> int:
    require(acting_user(ctx), "approve_term")
    for term_id in args.term_ids:
        ctx.store.term(term_id)  # every id must exist before any is changed
    done = [ctx.store.review_term(term_id, args.status, ctx.actor, args.comment) for term_id in args.term_ids]
    emit(done, args.format, COLUMNS)  # type: ignore[arg-type]
    return 0


def cmd_load(ctx: Context, args: argparse.Namespace) -> int:
    from ..flags import glossary_files

    paths = [Path(f) for f in args.files] or glossary_files(ctx.config)
    if not paths:
        raise WorkbenchError("glossary load: no files named and no glossaries/*.tsv found")
    loaded = [(p, load_glossary_file(p)) for p in paths]  # every file is checked before anything is stored
    _may_propose(ctx)
    reviewer = can(acting_user(ctx), "approve_term")
    existing = {(t.lang, t.source, t.english, t.kind): t for t in ctx.store.terms()}
    rows = []
    for path, terms in loaded:
        counts = {"added": 0, "updated": 0, "unchanged": 0, "as proposed": 0}
        for t in terms:
            status = t.status if reviewer else "proposed"
            if status != t.status:
                counts["as proposed"] += 1
            old = existing.get((t.lang, t.source, t.english, t.kind))
            if old is None:
                new = ctx.store.add_term(Term(None, t.lang, t.source, t.english, status, t.kind, t.note), ctx.actor,
                                         comment=f"loaded from {path.name}")
                existing[(t.lang, t.source, t.english, t.kind)] = new
                counts["added"] += 1
            elif reviewer and old.status != status:
                ctx.store.review_term(old.id or 0, status, ctx.actor, f"loaded from {path.name}")
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        rows.append({"file": str(path), **counts})
    emit(rows, args.format, ["file", "added", "updated", "unchanged", "as proposed"])
    if not reviewer and any(r["as proposed"] for r in rows) and args.format == "table":
        print(f"{ctx.actor} may not approve terms: approved/rejected rows were loaded as proposed "
              "(load as a reviewer, e.g. --user NAME of a reviewer, to keep the files' statuses)")
    return 0


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    terms = ctx.store.terms(lang=args.lang, status=args.status)
    write_glossary_file(terms, Path(args.file))
    print(f"{len(terms)} terms written to {args.file}")
    return 0


def cmd_history(ctx: Context, args: argparse.Namespace) -> int:
    ctx.store.term(args.term_id)
    emit(ctx.store.term_history(args.term_id), args.format, ["action", "author", "comment", "created_at"])
    return 0
