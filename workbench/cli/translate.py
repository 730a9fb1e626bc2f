"""The `translate` command: machine-translate documents, a story or everything into English."""

from __future__ import annotations

import argparse
import sys

from .. import distributed
from ..config import ENGINE_NAMES
from .common import Context, add_format, emit, out


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "translate", help="machine-translate segments into English (cached, resumable)",
        description="Translate headings and content segments into English. Finished batches are saved at "
                    "once: an interrupted run continues where it stopped, and a re-run translates nothing new.",
    )
    p.add_argument("docs", nargs="*", metavar="DOC", help="document id, file name or unique file-name prefix")
    p.add_argument("--story", help="translate every document of this story")
    p.add_argument("--all", action="store_true", dest="all_docs", help="translate every document")
    p.add_argument("--engine", choices=ENGINE_NAMES, help="engine for this run (default: per language, from the configuration)")
    p.add_argument("--batch-size", type=int, metavar="N", help="segments per batch (default: configuration, 16)")
    p.add_argument("--include-boilerplate", action="store_true", help="translate boilerplate segments too")
    distributed.add_executor_options(p)
    add_format(p)
    p.set_defaults(func=cmd_translate)


def cmd_translate(ctx: Context, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    ctx.acting("translate")  # translations are stored
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            # disable=None: a bar on an interactive terminal, nothing in logs and pipes.
            bar = tqdm(total=total, unit="seg", desc="translate", file=sys.stderr, disable=None)
        bar.update(done - bar.n)

    try:
        report = distributed.translate_job(
            ctx.store, ctx.config, distributed.executor_options(args), args.docs, story=args.story,
            all_docs=args.all_docs, engine=args.engine, batch_size=args.batch_size, include_boilerplate=args.include_boilerplate, progress=progress,
        )
    finally:
        if bar is not None:
            bar.close()
    row = {"documents": report.documents, "segments": report.segments, "translated": report.translated,
           "cached": report.cached, "skipped": report.skipped, "external": report.external, "batches": report.batches,
           "seconds": round(report.seconds, 2), "models": report.models, "missing_terms": report.missing_terms}
    emit([row], args.format, ["documents", "segments", "translated", "cached", "skipped", "seconds", "models"])
    if args.format == "table" and report.missing_terms:
        for seg_id, terms in report.missing_terms.items():
            out(f"{seg_id}: glossary term(s) missing from the English: {', '.join(terms)}")
    return 0
