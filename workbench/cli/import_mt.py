"""The `import-mt` and `score` commands: MT from another system as MT, and token scores for any English."""

from __future__ import annotations

import argparse

from ..actions import imports
from ..translate.external import FORMATS
from .common import Context, add_format, emit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import-mt", help="store English from another MT system (DeepL, ...) as that engine's MT",
        description="Read English for one document from a line-aligned text file (one line per line of the "
                    "document), a CSV/TSV of segment id and English, or a TMX/XLIFF from another tool, and store "
                    "it as machine translation of engine NAME (not as edits). Scored with the configured "
                    "engine's model when it is on this machine. Bad input changes nothing.",
    )
    p.add_argument("doc", metavar="DOC", help="document id, file name or unique file-name prefix")
    p.add_argument("file", metavar="FILE", help=".txt (line-aligned), .tsv/.csv, .tmx or .xlf/.xliff")
    p.add_argument("--engine", required=True, metavar="NAME", help="the system that produced it, e.g. deepl")
    p.add_argument("--kind", choices=FORMATS, help="kind of FILE (default: from its suffix)")
    p.add_argument("--no-score", action="store_true", help="do not compute token scores now")
    add_format(p)
    p.set_defaults(func=cmd_import_mt)

    s = sub.add_parser(
        "score", help="token scores for edited or imported English, by forced decoding",
        description="Score each segment's current English with the configured engine (forced decoding), where "
                    "it has no per-token log-probabilities yet (edited English, MT imported without scores).",
    )
    s.add_argument("doc", metavar="DOC", help="document id, file name or unique file-name prefix")
    s.add_argument("--rescore", action="store_true", help="score again even where scores exist")
    add_format(s)
    s.set_defaults(func=cmd_score)


def cmd_import_mt(ctx: Context, args: argparse.Namespace) -> int:
    report = imports.import_mt(ctx.store, ctx.config, ctx.user, args.doc, args.file, args.engine, fmt=args.kind,
                               score=not args.no_score)
    row = {"document": report.document, "engine": report.engine, "format": report.format,
           "imported": report.imported, "spread": report.spread, "blank": report.blank,
           "unmatched": report.unmatched, "edited": report.edited, "scored": report.scored,
           "note": report.score_note}
    emit([row], args.format, ["document", "engine", "format", "imported", "spread", "unmatched", "scored"])
    if args.format == "table":
        if report.edited:
            print(f"{report.edited} segment(s) keep their edited English; the imported MT is their MT version")
        if report.score_note:
            print(f"not scored: {report.score_note}")
    return 0


def cmd_score(ctx: Context, args: argparse.Namespace) -> int:
    report = imports.score_english(ctx.store, ctx.config, ctx.user, args.doc, rescore=args.rescore)
    row = {"document": report.document, "segments": report.segments, "had_scores": report.had_scores,
           "scored": report.scored, "note": report.note}
    emit([row], args.format, ["document", "segments", "had_scores", "scored"])
    if args.format == "table" and report.note:
        print(f"not scored: {report.note}")
    return 0
