"""Commands for alignment: `align STORY`, `align --presegmented A B`, `align-words DOC`."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import distributed
from ..errors import WorkbenchError
from .common import Context, add_format, emit, out

# The ingest readers (lxml, charset detection) and language detection load inside the commands
# that use them: start-up is paid by every call of a batch.


class AlignInputError(WorkbenchError):
    """Bad arguments or files for `workbench align`."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("align", help="align the documents of a story sentence by sentence",
                       description="Align every pair of a story's documents into beads (1-1, 1-2, 2-1, 2-2, "
                                   "1-0, 0-1) and store them; beads corrected by a user are kept. With "
                                   "--presegmented, align two plain files with one segment per line and "
                                   "print the beads (0-based line indices) without touching the store.")
    p.add_argument("story", nargs="?", metavar="STORY", help="story name or id")
    p.add_argument("--presegmented", nargs=2, metavar=("A", "B"), help="two UTF-8 files, one segment per line")
    p.add_argument("--lang-a", choices=("ru", "uk", "en", "other"), help="language of A (default: detected)")
    p.add_argument("--lang-b", choices=("ru", "uk", "en", "other"), help="language of B (default: detected)")
    p.add_argument("--all", action="store_true", dest="all_stories",
                   help="align every story of two or more documents (a summary per story)")
    distributed.add_executor_options(p)
    add_format(p)
    p.set_defaults(func=cmd_align)

    p = sub.add_parser("align-words", help="word-align a document's segments with their English (simalign)",
                       description="Link the words of each segment that has English to the words of its "
                                   "English (model: WORKBENCH_WORD_ALIGNER_MODEL) and store the links.")
    p.add_argument("doc", metavar="DOC", help="document id, file name or unique file-name prefix")
    p.add_argument("--force", action="store_true", help="re-align segments whose links are up to date")
    p.set_defaults(func=cmd_align_words)


def _read_lines(path: str, max_bytes: int) -> list[str]:
    from ..ingest.readers import decode, read_limited

    text, _encoding = decode(read_limited(Path(path), max_bytes), path)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise AlignInputError(f"{path}: no segments (every line is blank)")
    return lines


def _lang(lines: list[str], given: str | None) -> str:
    if given:
        return given
    from ..ingest import langid

    return langid.detect_document([line for line in lines if line.strip()])


def cmd_align(ctx: Context, args: argparse.Namespace) -> int:
    if args.all_stories:
        return _align_all(ctx, args)
    if args.executor != "local":
        raise AlignInputError("align: --executor ray runs --all; one story is aligned here")
    if args.presegmented and args.story:
        raise AlignInputError("align: give a STORY or --presegmented A B, not both")
    # The aligner (NumPy, SciPy) and the word aligner (simalign, torch) load only when used.
    from ..align import align_lines, align_story

    if args.presegmented:
        path_a, path_b = args.presegmented
        lines_a = _read_lines(path_a, ctx.config.max_import_bytes)
        lines_b = _read_lines(path_b, ctx.config.max_import_bytes)
        beads = align_lines(lines_a, lines_b, _lang(lines_a, args.lang_a), _lang(lines_b, args.lang_b))
        # Line numbers from 1 (as an editor shows them, and as segments are numbered everywhere).
        if args.format == "jsonl":
            emit(({"src": [k + 1 for k in s], "tgt": [k + 1 for k in t], "score": sc} for s, t, sc in beads),
                 "jsonl", ["src", "tgt", "score"])
        else:
            rows = [{"type": f"{len(s)}-{len(t)}", "src": [k + 1 for k in s], "tgt": [k + 1 for k in t],
                     "score": f"{sc:.2f}",
                     "text_a": " ".join(lines_a[k] for k in s), "text_b": " ".join(lines_b[k] for k in t)}
                    for s, t, sc in beads]
            emit(rows, "table", ["type", "src", "tgt", "score", "text_a", "text_b"])
        return 0
    if not args.story:
        raise AlignInputError("align: give a STORY (see `workbench stories`) or --presegmented A B")
    ctx.acting("align")
    results = align_story(ctx.store, ctx.config, args.story, actor=ctx.actor)
    if not results and args.format == "table":
        out(f"story {args.story!r}: fewer than two documents, nothing to align")
        return 0
    docs = {d.id: d for d in ctx.store.documents()}
    for doc_a, doc_b, beads in results:
        segs = {s.id: s for d in (doc_a, doc_b) for s in ctx.store.segments(d)}
        if args.format == "jsonl":
            emit(({"doc_a": doc_a, "doc_b": doc_b, "src": b.src, "tgt": b.tgt, "score": b.score,
                   "locked": b.locked} for b in beads), "jsonl", [])
            continue
        da, db = docs[doc_a], docs[doc_b]
        linked = sum(1 for b in beads if b.src and b.tgt)
        out(f"A = {da.name} ({da.lang}), B = {db.name} ({db.lang}): {len(beads)} beads, {linked} linked")
        # Segment numbers from 1, as in the app and `workbench segments`.
        emit(({"type": f"{len(b.src)}-{len(b.tgt)}", "a": [segs[x].index + 1 for x in b.src],
               "b": [segs[x].index + 1 for x in b.tgt], "score": f"{b.score:.2f}", "locked": "yes" if b.locked else "",
               "text_a": " ".join(segs[x].text for x in b.src)[:48],
               "text_b": " ".join(segs[x].text for x in b.tgt)[:48]} for b in beads),
             "table", ["type", "a", "b", "score", "locked", "text_a", "text_b"])
    return 0


def _align_all(ctx: Context, args: argparse.Namespace) -> int:
    if args.story or args.presegmented:
        raise AlignInputError("align: --all aligns every story; give no STORY or --presegmented with it")
    opts = distributed.executor_options(args)
    stories = [s.id for s in ctx.store.stories() if s.id is not None and len(s.doc_ids) >= 2]
    progress, close = distributed.console_progress("align")
    try:
        done = distributed.align_stories(ctx.store, ctx.config, stories, opts, actor=ctx.actor, progress=progress)
    finally:
        close()
    emit([{"story": r.story, "pairs": r.pairs, "beads": r.beads, "linked": r.linked} for r in done], args.format,
         ["story", "pairs", "beads", "linked"])
    return 0


def cmd_align_words(ctx: Context, args: argparse.Namespace) -> int:
    from ..align import align_words_for_document

    ctx.acting("align")
    count = align_words_for_document(ctx.store, ctx.config, args.doc, force=args.force)
    out(f"{args.doc}: word-aligned {count} segment(s)")
    return 0
