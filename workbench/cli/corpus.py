"""Commands for the corpus: import, docs, segments, stories, role."""

from __future__ import annotations

import argparse

from ..actions.documents import assign_story
from ..actions.imports import import_articles
from ..errors import WorkbenchError
from .common import Context, add_format, emit, out


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import .txt/.md/.html articles (files or directories)",
                       description="Import articles in one transaction: a bad file aborts the whole import.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--story", help="put the documents into this story (default: propose stories)")
    add_format(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("docs", help="list documents")
    add_format(p)
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("segments", help="list the segments of a document (numbered from 1, as in the app)")
    p.add_argument("doc", metavar="DOC", help="document id, file name or unique file-name prefix")
    p.add_argument("--role", choices=("heading", "content", "boilerplate"), help="only segments of this role")
    add_format(p)
    p.set_defaults(func=cmd_segments)

    p = sub.add_parser("stories", help="list stories (proposed groupings are marked)")
    p.add_argument("--assign", nargs="+", metavar="DOC", help="put these documents into the story --name")
    p.add_argument("--name", help="story name for --assign")
    add_format(p)
    p.set_defaults(func=cmd_stories)

    p = sub.add_parser("role", help="change the role of a segment")
    p.add_argument("segment", metavar="SEGMENT_ID")
    p.add_argument("role", choices=("heading", "content", "boilerplate"))
    p.set_defaults(func=cmd_role)


def cmd_import(ctx: Context, args: argparse.Namespace) -> int:

    report = import_articles(ctx.store, ctx.config, ctx.user, args.paths, story=args.story)
    rows = [{"status": "added", "id": d.id, "name": d.name, "lang": d.lang, "segments": len(d.segments),
             "encoding": d.encoding} for d in report.added]
    rows += [{"status": "unchanged", "id": d.id, "name": d.name, "lang": d.lang, "segments": "",
              "encoding": d.encoding} for d in report.unchanged]
    emit(rows, args.format, ["status", "id", "name", "lang", "segments", "encoding"])
    if args.format == "table":
        for name, docs in report.proposed_stories.items():
            out(f"proposed story {name!r}: {', '.join(docs)}")
    return 0


def cmd_docs(ctx: Context, args: argparse.Namespace) -> int:
    from ..listing import read_listing, store_listing

    # Straight from an up-to-date SQLite file when possible (no SQLAlchemy to load), else the store.
    listing = read_listing(ctx.config.database_url) or store_listing(ctx.store)
    rows = []
    for d in listing.documents:
        c = listing.counts.get(d.id, {})
        rows.append({"id": d.id, "name": d.name, "lang": d.lang, "segments": c.get("total", 0),
                     "content": c.get("content", 0) + c.get("heading", 0), "boilerplate": c.get("boilerplate", 0),
                     "translated": c.get("translated", 0), "edited": c.get("edited", 0),
                     "story": listing.story_names.get(d.story_id, "") if d.story_id is not None else "",
                     "title": d.title})
    emit(rows, args.format, ["id", "name", "lang", "segments", "boilerplate", "translated", "edited", "story"])
    return 0


def cmd_segments(ctx: Context, args: argparse.Namespace) -> int:
    segs = [s for s in ctx.store.segments(args.doc) if not args.role or s.role == args.role]
    # Segments are numbered from 1 on every screen (the app, the CLI); positions stay 0-based inside.
    emit(({"segment": s.index + 1, "id": s.id, "lang": s.lang, "role": s.role, "start": s.start, "end": s.end,
           "text": s.text} for s in segs), args.format, ["segment", "id", "lang", "role", "start", "end", "text"])
    return 0


def cmd_stories(ctx: Context, args: argparse.Namespace) -> int:
    if args.assign:
        if not args.name:
            raise WorkbenchError("stories --assign: --name is required")
        assign_story(ctx.store, ctx.user, args.assign, args.name)
    names = {d.id: d.name for d in ctx.store.documents()}
    rows = [{"id": s.id, "name": s.name, "proposed": s.proposed, "documents": [names[i] for i in s.doc_ids]}
            for s in ctx.store.stories()]
    emit(rows, args.format, ["id", "name", "proposed", "documents"])
    return 0


def cmd_role(ctx: Context, args: argparse.Namespace) -> int:
    from ..actions.segments import set_role  # loads the store; `docs` does without it

    seg = set_role(ctx.store, ctx.user, args.segment, args.role)
    out(f"{seg.id}: {seg.role}")
    return 0
