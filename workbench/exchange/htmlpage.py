"""HTML export of a document: the article as a page with the English in place of the source and
the inline markup of an HTML import (links, bold, italics, superscripts, line breaks, non-breaking
spaces) restored from each segment's codes (see `workbench.inline`).

Each line of the document becomes the block element it came from (`<p>`, `<h2>`, `<li>`,
`<figcaption>`…; plain-text imports get `<h1>`/`<h2>` for headings and `<p>` otherwise), lines that
followed a `<br>` join the line before with one. A segment without English that passes the
status filter (boilerplate, untranslated) keeps its source, marked with its language.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from .. import inline
from ..records import Segment
from ..store import Store
from .collect import ExportReport, bcp47, passes

# Block elements written as they were read; any other container (div, section, td) becomes <p>.
_KEEP_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "pre", "dd", "dt"}
# Elements that need a parent of their own in the page.
_WRAP = {"li": "ul", "figcaption": "figure", "dd": "dl", "dt": "dl"}


def _block(seg: Segment, first_heading: bool) -> str:
    name = str(seg.inline.get("block", ""))
    if name in _KEEP_BLOCKS:
        return name
    if seg.role == "heading":
        return "h1" if first_heading else "h2"
    return "p"


def render_html(store: Store, doc_ref: int | str, *, status: str = "all") -> tuple[str, int]:
    """The page as text and the number of segments written in English."""
    passes("new", "human", status, True)  # validates the filter
    doc = store.document(doc_ref)
    english = store.english_for([s.id for s in doc.segments])
    lines: list[tuple[str, bool, list[str]]] = []  # (element, follows a <br>, segment HTML)
    current = -1
    translated = 0
    headings = 0
    title = ""
    for seg in doc.segments:
        codes = inline.codes_of(seg.inline)
        eng = english.get(seg.id)
        use = eng is not None and bool(eng.text.strip()) and passes(seg.status, eng.origin, status, True)
        if use and eng is not None:
            piece = inline.to_html(eng.text, codes)
            translated += 1
            if seg.role == "heading" and not title:
                title = inline.plain(eng.text)
        else:
            piece = f'<span lang="{bcp47(seg.lang)}">{inline.to_html(inline.tagged(seg.text, codes), codes)}</span>'
        if seg.paragraph != current:
            current = seg.paragraph
            name = _block(seg, headings == 0)
            headings += seg.role == "heading" and name.startswith("h")
            lines.append((name, bool(seg.inline.get("br")), [piece]))
        else:
            lines[-1][2].append(piece)
    body: list[str] = []
    wrapper = ""
    for n, (name, br, pieces) in enumerate(lines):
        text = " ".join(pieces)
        if br and n and lines[n - 1][0] == name and body:
            body[-1] = body[-1].removesuffix(f"</{name}>") + f"<br>{text}</{name}>"
            continue
        want = _WRAP.get(name, "")
        if want != wrapper:
            if wrapper:
                body.append(f"</{wrapper}>")
            if want:
                body.append(f"<{want}>")
            wrapper = want
        body.append(f"<{name}>{text}</{name}>")
    if wrapper:
        body.append(f"</{wrapper}>")
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(title or doc.title or doc.name, quote=False)}</title>\n</head>\n<body>\n<article>\n"
            + "\n".join(body) + "\n</article>\n</body>\n</html>\n")
    return page, translated


def export_html(store: Store, doc_ref: int | str, path: str | Path, *, status: str = "all") -> ExportReport:
    """Write a document as an HTML page (see the module docstring)."""
    from .safexml import ExchangeError

    page, translated = render_html(store, doc_ref, status=status)
    out = Path(path)
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise ExchangeError(f"{out}: cannot write ({exc.strerror or exc.__class__.__name__})") from exc
    return ExportReport(out, translated, 0, "no segment has English that passes the status filter")
