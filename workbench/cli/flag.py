"""Commands for flags: `flag` (a stored document or any text file), `dismiss`, `resolve`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import distributed
from ..actions.flags import dismiss_flag, resolve_flag
from ..errors import WorkbenchError
from ..ingest.readers import read_text
from ..store.errors import NotFound
from .common import Context, add_format, emit, out


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "flag", help="flag likely mistranslations in a stored document or in a text file",
        description="TARGET is a file (flagged on its own, no store needed) or a stored document (id, name or "
                    "name prefix; the flags are stored). Flags come worst first; notes about checks that could not "
                    "run go to stderr.")
    p.add_argument("target", nargs="?", metavar="DOC|FILE")
    p.add_argument("--lang", choices=("ru", "uk"), help="language of a FILE's Cyrillic text (default: detected)")
    p.add_argument("--doc", action="store_true", help="treat TARGET as a stored document even if a file has that name")
    p.add_argument("--rank", action="store_true", help="list segments by risk score instead of flags")
    p.add_argument("--checks", action="store_true", help="list the checks with the project's levels and exit")
    p.add_argument("--all", action="store_true", dest="all_docs", help="flag every stored document (a summary per document)")
    p.add_argument("--story", help="flag every document of this story (a summary per document)")
    distributed.add_executor_options(p)
    add_format(p)
    p.set_defaults(func=cmd_flag)

    p = sub.add_parser("dismiss", help="dismiss a flag with a reason; the same pattern is not flagged again")
    p.add_argument("flag_id", type=int, metavar="FLAG_ID")
    p.add_argument("--reason", required=True, help="why the flag is wrong (kept with the dismissal)")
    p.set_defaults(func=cmd_dismiss)

    p = sub.add_parser("resolve", help="mark a flag as resolved")
    p.add_argument("flag_id", type=int, metavar="FLAG_ID")
    p.add_argument("--reason", default="fixed by an edit")
    p.set_defaults(func=cmd_resolve)


def cmd_flag(ctx: Context, args: argparse.Namespace) -> int:
    # The checks (and their dictionaries) load only for this command.
    from ..flags import CHECKS, flag_document_report, flag_text, rank_segments, rank_text
    from ..flags.base import levels_for

    if args.checks:
        levels = levels_for(ctx.config.detectors)
        emit([{"check": c.name, "kind": c.kind, "level": levels[c.name] or "off", "needs": c.needs or "-",
               "about": c.about} for c in CHECKS.values()], args.format, ["check", "kind", "level", "needs", "about"])
        return 0
    if args.all_docs or args.story:
        return _flag_many(ctx, args)
    if args.executor != "local":
        raise WorkbenchError("flag: --executor ray runs --all or --story; one document or file is flagged here")
    if not args.target:
        raise WorkbenchError("flag: name a stored document or a text file (or use --checks)")
    path = Path(args.target)
    if path.is_file() and not args.doc:
        text, _encoding, _title = read_text(path, ctx.config.max_import_bytes)
        if args.rank:
            emit([{"segment": n, "risk": score, "text": seg} for n, score, seg in
                  rank_text(text, args.lang, ctx.config, name=path.name)], args.format, ["segment", "risk", "text"])
            return 0
        flags = flag_text(text, args.lang, ctx.config, name=path.name)
        if args.format == "jsonl":
            emit([f.as_json() for f in flags], "jsonl", [])
        else:
            emit([{"start": f.start, "end": f.end, "kind": f.kind, "level": f.level, "severity": f.severity,
                   "text": f.text, "message": f.message, "suggestion": f.suggestion} for f in flags], "table",
                 ["start", "end", "kind", "level", "severity", "text", "message"])
        return 0
    if args.lang:
        raise WorkbenchError("flag: --lang applies to a FILE; a stored document keeps its detected languages")
    ctx.acting("flag")  # the flags are stored
    try:
        run = flag_document_report(ctx.store, ctx.config, args.target)
    except NotFound as exc:
        if args.doc:
            raise
        raise NotFound(f"{args.target}: neither a file nor a stored document") from exc
    doc = ctx.store.document(args.target)
    segs = {s.id: s for s in doc.segments}
    for note in run.notes:
        out(f"note: {note}", err=True)
    if args.rank:
        emit([{"segment": segs[sid].index + 1, "segment_id": sid, "risk": score, "text": segs[sid].text}
              for sid, score in rank_segments(run.flags)], args.format, ["segment", "risk", "segment_id", "text"])
        return 0
    english = ctx.store.english_for(list(segs))
    rows = []
    for f in run.flags:
        if f.is_estimate:
            continue  # as for a FILE: the segments' risks are what --rank lists
        seg = segs[f.segment_id]
        on_source = f.side == "source"
        base = seg.start if on_source else 0
        text = (seg.text if on_source else english[f.segment_id].text)[f.start:f.end]
        rows.append({"start": base + f.start, "end": base + f.end, "kind": f.kind, "severity": f.severity,
                     "message": f.message, "text": text, "id": f.id, "segment": seg.index + 1, "segment_id": seg.id,
                     "side": f.side, "level": f.level, "detector": f.detector, "suggestion": f.suggestion})
    emit(rows, args.format, ["id", "segment", "side", "kind", "level", "severity", "text", "message"])
    return 0


def _flag_many(ctx: Context, args: argparse.Namespace) -> int:
    if args.target or args.rank or args.lang:
        raise WorkbenchError("flag: --all/--story flag stored documents; give no TARGET, --rank or --lang with them")
    opts = distributed.executor_options(args)
    doc_ids = [d.id for d in ctx.store.documents() if d.id is not None] if args.all_docs else \
        ctx.store.story(args.story).doc_ids
    progress, close = distributed.console_progress("flag")
    try:
        runs = distributed.flag_documents(ctx.store, ctx.config, doc_ids, opts, progress)
    finally:
        close()
    for run in runs:
        for note in run.notes:
            print(f"note: {run.name}: {note}", file=sys.stderr)
    emit([{"doc": r.doc_id, "name": r.name, "segments": r.checked, "flags": r.flags} for r in runs], args.format,
         ["doc", "name", "segments", "flags"])
    return 0


def cmd_dismiss(ctx: Context, args: argparse.Namespace) -> int:
    f = dismiss_flag(ctx.store, ctx.user, args.flag_id, args.reason)
    out(f"flag {f.id} dismissed: '{f.kind}' on this text is not flagged again")
    return 0


def cmd_resolve(ctx: Context, args: argparse.Namespace) -> int:
    f = resolve_flag(ctx.store, ctx.user, args.flag_id, args.reason)
    out(f"flag {f.id} resolved")
    return 0
