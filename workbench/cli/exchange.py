"""Commands for exchange formats: export (TMX, XLIFF, CSV/TSV, TBX, glossary tables) and the imports.

    workbench export tmx|csv (STORY|DOC) -o FILE [--status confirmed|edited|all] [--include-mt] [--context]
                                                  [--min-score S]
    workbench export xliff DOC -o FILE [--xliff-version 2.0|2.1|1.2] [--status ...]
    workbench export html DOC -o FILE [--status ...]
    workbench export tbx|terms [STORY|DOC] -o FILE [--lang ru|uk] [--term-status ...]
    workbench import-tm FILE.tmx|.csv|.tsv
    workbench import-xliff FILE
    workbench import-tbx FILE.tbx|.csv|.tsv [--as-proposed]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..actions.imports import import_glossary_files, import_memory
from ..actions.imports import import_xliff as apply_xliff
from ..errors import WorkbenchError
from ..exchange import STATUS_ALIASES, STATUS_FILTERS, XLIFF_VERSIONS
from ..records import TERM_STATUSES, Term
from ..store import Store
from .common import Context, add_format, emit, out

if TYPE_CHECKING:
    from ..store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export units, documents or the glossary (TMX, XLIFF, CSV/TSV, TBX)",
                       description="Write a story's or document's translations, or the glossary, for other tools.")
    fmt = p.add_subparsers(dest="export_format", metavar="FORMAT")
    fmt.required = True

    def unit_options(q: argparse.ArgumentParser, include_mt: bool = True) -> None:
        q.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
        q.add_argument("--status", choices=[*STATUS_FILTERS, *STATUS_ALIASES], default="all",
                       help="confirmed: confirmed segments only; edited: edited or confirmed; all (default); "
                            "approved: the same as confirmed (its old name)")
        if include_mt:
            q.add_argument("--include-mt", action="store_true",
                           help="also export unedited machine translation (default: human-confirmed English only)")
            q.add_argument("--min-score", type=float, metavar="S",
                           help="story: leave out ru/uk beads the aligner scored below S (0-1; corrected beads stay)")

    q = fmt.add_parser("tmx", help="TMX 1.4b: a story's ru/uk/en units or a document's source/English units")
    q.add_argument("ref", metavar="STORY|DOC", help="story name or id, or document id/name (story:/doc: to force)")
    unit_options(q)
    q.add_argument("--context", action="store_true",
                   help="add OmegaT context properties (file, id, prev, next): units then match only in context")
    q.set_defaults(func=cmd_export_tmx)

    raw_help = "keep cells starting with = + - @ tab or CR as they are (default: a leading ' so that a spreadsheet " \
               "shows them as text; the workbench's own import removes it)"
    q = fmt.add_parser("csv", help="CSV (or TSV when FILE ends in .tsv): the same units as TMX, as a table")
    q.add_argument("ref", metavar="STORY|DOC")
    unit_options(q)
    q.add_argument("--raw-cells", action="store_true", help=raw_help)
    q.set_defaults(func=cmd_export_csv)

    q = fmt.add_parser("xliff", help="XLIFF 2.0 (default), 2.1 or 1.2 of one document, for a CAT tool")
    q.add_argument("ref", metavar="DOC", help="document id, file name or unique prefix")
    unit_options(q, include_mt=False)
    q.add_argument("--xliff-version", choices=XLIFF_VERSIONS, default="2.0")
    q.set_defaults(func=cmd_export_xliff)

    q = fmt.add_parser("html", help="the document as an HTML page: the English in place of the source, with the "
                                    "links and formatting of an HTML import restored")
    q.add_argument("ref", metavar="DOC", help="document id, file name or unique prefix")
    unit_options(q, include_mt=False)
    q.set_defaults(func=cmd_export_html)

    for name, helptext in (("tbx", "the glossary as TBX-Basic (martif)"),
                           ("terms", "the glossary as CSV/TSV in the glossaries/ column layout")):
        q = fmt.add_parser(name, help=helptext)
        q.add_argument("ref", nargs="?", metavar="STORY|DOC",
                       help="only the terms that occur in this story or document")
        q.add_argument("-o", "--output", required=True, metavar="FILE")
        q.add_argument("--lang", choices=("ru", "uk"))
        q.add_argument("--term-status", choices=TERM_STATUSES)
        if name == "terms":
            q.add_argument("--raw-cells", action="store_true", help=raw_help)
        q.set_defaults(func=cmd_export_tbx if name == "tbx" else cmd_export_terms)

    p = sub.add_parser("import-tm", help="read a TMX (or CSV/TSV unit table) into the translation memory",
                       description="Streams the file; one transaction: a broken file stores nothing.")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_import_tm)

    p = sub.add_parser("import-xliff", help="apply the targets corrected in a CAT tool as edits",
                       description="Units whose source no longer matches, or edited in the workbench since the "
                                   "export, are refused and listed; exit status 1 when any was refused.")
    p.add_argument("file", metavar="FILE")
    add_format(p)
    p.set_defaults(func=cmd_import_xliff)

    p = sub.add_parser("import-tbx", aliases=["import-terms"],
                       help="add glossary terms from TBX (martif) or a CSV/TSV glossary table")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--as-proposed", action="store_true",
                   help="import every term as proposed (for review); always so for users who may not approve terms")
    p.set_defaults(func=cmd_import_tbx)


def _warn(lines: list[str]) -> None:
    for line in lines:
        out(f"workbench: warning: {line}", err=True)


def cmd_export_tmx(ctx: Context, args: argparse.Namespace) -> int:
    from ..exchange import formats

    report = formats.write("TMX", ctx.store, args.ref, args.output, status=args.status, include_mt=args.include_mt,
                           context=args.context, min_score=args.min_score)
    _warn(report.warnings)
    out(f"wrote {report.units} unit(s) to {report.path}")
    return 0


def cmd_export_html(ctx: Context, args: argparse.Namespace) -> int:
    from ..exchange import formats

    report = formats.write("HTML", ctx.store, args.ref, args.output, status=args.status)
    _warn(report.warnings)
    out(f"wrote {report.units} segment(s) in English to {report.path}")
    return 0


def cmd_export_csv(ctx: Context, args: argparse.Namespace) -> int:
    from ..exchange import formats

    report = formats.write("CSV", ctx.store, args.ref, args.output, status=args.status, include_mt=args.include_mt,
                           min_score=args.min_score, raw_cells=args.raw_cells)
    _warn(report.warnings)
    out(f"wrote {report.rows} unit(s) to {report.path}")
    return 0


def cmd_export_xliff(ctx: Context, args: argparse.Namespace) -> int:
    from ..exchange import formats

    report = formats.write("XLIFF", ctx.store, args.ref, args.output, xliff_version=args.xliff_version,
                           status=args.status)
    _warn(report.warnings)
    out(f"wrote {report.units} unit(s) to {report.path} (XLIFF {args.xliff_version})")
    return 0


def _terms_for(store: Store, args: argparse.Namespace) -> list[Term]:
    from ..exchange.collect import resolve
    from ..glossary import match_terms

    terms = store.terms(lang=args.lang, status=args.term_status)
    if not args.ref:
        return terms
    kind, key = resolve(store, args.ref)
    docs = [store.document(i) for i in store.story(key).doc_ids] if kind == "story" else [store.document(key)]
    wanted: dict[int | None, Term] = {}
    for doc in docs:
        for seg in doc.segments:
            for m in match_terms(seg.text, seg.lang, terms):
                wanted[m.term.id] = m.term
    return [t for t in terms if t.id in wanted]


def cmd_export_tbx(ctx: Context, args: argparse.Namespace) -> int:
    from ..exchange import formats

    report = formats.write("TBX", ctx.store, "", args.output, scope="glossary", terms=_terms_for(ctx.store, args))
    out(f"wrote {report.entries} term entr{'y' if report.entries == 1 else 'ies'} to {report.path}")
    return 0


def cmd_export_terms(ctx: Context, args: argparse.Namespace) -> int:
    from ..exchange import formats

    report = formats.write("TSV", ctx.store, "", args.output, scope="glossary", terms=_terms_for(ctx.store, args),
                           raw_cells=args.raw_cells)
    out(f"wrote {report.rows} term(s) to {report.path}")
    return 0


def _suffix(path: str) -> str:
    return Path(path).suffix.lower()


def cmd_import_tm(ctx: Context, args: argparse.Namespace) -> int:

    report = import_memory(ctx.store, ctx.user, args.file)
    out(f"{report.path}: read {report.units_read} unit(s): {report.added} new memory pair(s), "
        f"{report.pairs - report.added} already there, {report.skipped} unit(s) with fewer than two languages")
    return 0


def cmd_import_xliff(ctx: Context, args: argparse.Namespace) -> int:

    report = apply_xliff(ctx.store, ctx.user, args.file)
    rows = [{"unit": r.unit_id, "action": r.action, "detail": r.detail}
            for r in report.results if r.action != "unchanged"]
    emit(rows, args.format, ["unit", "action", "detail"])
    counts = {a: report.count(a) for a in ("edited", "restored", "status", "unchanged", "refused")}
    out(f"{report.path}: " + ", ".join(f"{n} {a}" for a, n in counts.items()), err=True)
    return 1 if report.refused else 0


def cmd_import_tbx(ctx: Context, args: argparse.Namespace) -> int:

    path = Path(args.file)
    if _suffix(args.file) not in (".csv", ".tsv", ".tab", ".tbx", ".xml", ".tbxm"):
        raise WorkbenchError(f"{args.file}: unknown glossary format (expected .tbx, .csv or .tsv)")
    if not path.is_file():
        raise WorkbenchError(f"{args.file}: no such file")
    report = import_glossary_files(ctx.store, ctx.user, [path], as_proposed=args.as_proposed)[0]
    _warn([f"{path}: skipped {s}" for s in report.skipped])
    entries = len(report.added) + report.unchanged
    kept = f" ({report.as_proposed} as proposed: {ctx.user.name} may not approve terms)" if report.as_proposed \
        and not args.as_proposed else ""
    out(f"{path}: {entries} term(s): {len(report.added)} added, {report.unchanged} already there{kept}")
    return 0
