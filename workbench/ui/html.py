"""HTML for the editor and story view: segments with flags, glossary terms and aligned words marked.

Word hover and selection highlighting is pure CSS: every word is a focusable span numbered like
`workbench.text.words()`, and each segment pair carries `:has()` rules linking the numbers of its
stored word alignment, so hovering or clicking a word lights up its counterpart without scripts.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..text import words

LEVEL_CSS = {"error": "wb-f-error", "warning": "wb-f-warning", "note": "wb-f-note"}

CSS = """
<style>
.wb-pair{display:grid;grid-template-columns:1fr 1fr;gap:.8rem;padding:.35rem .5rem;border-radius:.4rem;
  margin:.15rem 0;line-height:1.55}
.wb-pair.wb-current{background:#fffbea;border:1px solid #f0d98c}
.wb-pair.wb-context{opacity:.72;font-size:.92em}
.wb-src,.wb-en{white-space:pre-wrap;padding:.1rem .5rem;border-left:4px solid transparent}
.wb-en.wb-mt{background:#f1f3f6;border-left-color:#9aa5b1;color:#3d4650;font-style:italic}
.wb-en.wb-human{background:#eefaf1;border-left-color:#2a9d4b}
.wb-en.wb-prop{background:#f4f0ff;border-left-color:#6b4fbb}.wb-badge.wb-b-prop{background:#e2d9fb}
.wb-en.wb-none{color:#999}
.wb-badge{display:inline-block;font-size:.72em;font-style:normal;padding:0 .4em;border-radius:.6em;
  margin-right:.4em;vertical-align:middle;background:#e3e7ec;color:#333}
.wb-badge.wb-b-mt{background:#dfe4ea}.wb-badge.wb-b-human{background:#c9efd4}
.wb-badge.wb-b-approved{background:#cfe3ff}.wb-badge.wb-b-flag{background:#ffd9d4}
.wb-num{color:#999;font-size:.75em;margin-right:.35em}
/* where flags overlap the span carries all their classes: the most severe, declared last, shows */
.wb-f-note{background:#e3ecff;border-bottom:2px dotted #4a76d4;cursor:help}
.wb-f-warning{background:#ffe8b0;border-bottom:2px solid #e8a200;cursor:help}
.wb-f-error{background:#ffc9c2;border-bottom:2px solid #d93025;cursor:help}
.wb-term{border-bottom:2px dashed #6b4fbb;cursor:help}
.wb-pair [data-w]{border-radius:.2em;outline:none}
.wb-pair [data-w]:hover,.wb-pair [data-w]:focus{background:#b7e4ff}
.wb-only{border:2px dashed #d98e04;background:#fff6e0}
.wb-story{display:grid;gap:.6rem;padding:.3rem .4rem;border-bottom:1px solid #eee}
.wb-story .wb-cell{white-space:pre-wrap}
.wb-story .wb-empty{color:#b07000;font-style:italic}
.wb-match{border-left:3px solid #9aa5b1;padding:.1rem .4rem;margin:.1rem 0;font-size:.88em;line-height:1.4}
.wb-match-src{color:#555}.wb-match-en{font-weight:500}
ul.wb-terms{margin:.2rem 0;padding-left:1rem;font-size:.88em}
.wb-match,li.wb-term-use{cursor:pointer}.wb-match:hover,li.wb-term-use:hover{background:#f4f6fb}
ul.wb-flags{margin:.1rem 0 .3rem 0;padding-left:0;list-style:none;font-size:.9em;line-height:1.4}
ul.wb-flags li{margin:.15rem 0}
.wb-lvl{display:inline-block;min-width:1.1em;text-align:center;font-size:.75em;font-weight:700;color:#fff;
  border-radius:.25em;padding:0 .15em}.wb-lvl-error{background:#d93025}.wb-lvl-warning{background:#e8a200}
.wb-lvl-note{background:#4a76d4}details.wb-closed{font-size:.85em;color:#555}
table.wb-conc{font-size:.85em;border-collapse:collapse;width:100%}
table.wb-conc td,table.wb-conc th{border-bottom:1px solid #eee;padding:.15rem .3rem;vertical-align:top;text-align:left}
table.wb-conc mark{background:#ffe27a}
/* the editor fits 1280x800: less empty space above the work */
.stMainBlockContainer{padding-top:3.6rem;padding-bottom:2rem;padding-left:2rem;padding-right:2rem}
h1{font-size:1.5rem !important;padding:0 0 .2rem 0 !important}
section[data-testid="stSidebar"]{width:13rem !important;min-width:13rem !important}
/* the editor's buttons list their shortcuts in the caption and their help: no room for the key badges */
.stMain button kbd{display:none}
.wb-tag{display:inline-block;font-size:.72em;line-height:1.2;padding:0 .3em;margin:0 .05em;border-radius:.5em;
  background:#6b4fbb;color:#fff;font-family:monospace;vertical-align:.1em;cursor:help}
table.wb-list{font-size:.82em;border-collapse:collapse;width:100%;table-layout:fixed}
table.wb-list th{position:sticky;top:0;background:#f6f7f9;text-align:left;font-weight:600}
table.wb-list td,table.wb-list th{border-bottom:1px solid #eee;padding:.1rem .3rem;overflow:hidden;
  white-space:nowrap;text-overflow:ellipsis}
table.wb-list tbody tr{cursor:pointer}table.wb-list tbody tr:hover{background:#f4f6fb}
table.wb-list tr.wb-row-current{background:#fffbea;font-weight:600}
table.wb-list th:nth-child(1){width:3em}table.wb-list th:nth-child(2),table.wb-list th:nth-child(3){width:6.5em}
table.wb-list th:nth-child(4){width:3.5em}table.wb-list th:nth-child(5){width:9em}
.wb-list-box{max-height:230px;overflow-y:auto;border:1px solid #eee;border-radius:.3rem}
del.wb-del{background:#ffd7d5;text-decoration:line-through}ins.wb-ins{background:#c9efd4;text-decoration:none}
</style>
"""


@dataclass(frozen=True)
class Mark:
    """A highlighted span of a text, with the explanation shown on hover."""

    start: int
    end: int
    css: str
    title: str


def render_text(text: str, marks: Sequence[Mark] = (), *, word_numbers: bool = False,
                inserts: Mapping[int, str] | None = None) -> str:
    """Escaped HTML of `text` with marks as spans (overlaps allowed) and, optionally, numbered words;
    `inserts`: HTML to put at character positions (the tag chips of a source's inline codes)."""
    n = len(text)
    marks = [Mark(max(0, m.start), min(n, m.end), m.css, m.title) for m in marks if m.end > m.start]
    marks = [m for m in marks if m.start < m.end]
    toks = words(text) if word_numbers else []
    cuts = {0, n}
    for t in toks:
        cuts.update((t.start, t.end))
    for m in marks:
        cuts.update((m.start, m.end))
    inserts = {max(0, min(n, k)): v for k, v in (inserts or {}).items()}
    cuts.update(inserts)
    points = sorted(cuts)
    out: list[str] = []
    w = 0
    for a, b in zip(points, points[1:], strict=False):
        if a in inserts:
            out.append(inserts[a])
        piece = html.escape(text[a:b])
        while w < len(toks) and toks[w].end <= a:
            w += 1
        in_word = w < len(toks) and toks[w].start <= a and b <= toks[w].end
        covering = [m for m in marks if m.start <= a and b <= m.end]
        if not in_word and not covering:
            out.append(piece)
            continue
        attrs = []
        if covering:
            classes = " ".join(dict.fromkeys(m.css for m in covering))
            title = " | ".join(dict.fromkeys(m.title for m in covering if m.title))
            attrs.append(f'class="{classes}"')
            if title:
                attrs.append(f'title="{html.escape(title)}"')
        if in_word:
            attrs.append(f'data-w="{w}" tabindex="0"')
        out.append(f"<span {' '.join(attrs)}>{piece}</span>")
    if n in inserts:
        out.append(inserts[n])
    return "".join(out)


def tag_chip(token: str, title: str = "") -> str:
    """An inline tag (`workbench.inline` token) as a chip; the title shows the original markup."""
    return f'<span class="wb-tag" title="{html.escape(title)}">{html.escape(token)}</span>'


_ESCAPED_TOKEN = re.compile(r"&lt;/?[1-9]\d{0,2}/?&gt;")


def tag_chips(rendered: str) -> str:
    """Rendered HTML of an English with its tag tokens shown as chips."""
    return _ESCAPED_TOKEN.sub(lambda m: tag_chip(html.unescape(m.group())), rendered)


_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


def pair_class(segment_id: str) -> str:
    return "wb-p-" + _SAFE_ID.sub("", segment_id)


def link_css(segment_id: str, links: Sequence[tuple[int, int]] | None) -> str:
    """CSS that lights up the aligned counterpart of a hovered or focused word of this pair."""
    if not links:
        return ""
    cls = pair_class(segment_id)
    rules = []
    for s, e in links:
        for state in ("hover", "focus"):
            rules.append(f'.{cls}:has(.wb-src [data-w="{s}"]:{state}) .wb-en [data-w="{e}"]')
            rules.append(f'.{cls}:has(.wb-en [data-w="{e}"]:{state}) .wb-src [data-w="{s}"]')
    return "<style>" + ",".join(rules) + "{background:#7cc7ff;box-shadow:0 0 0 2px #7cc7ff}</style>"


def badge(text: str, kind: str = "") -> str:
    return f'<span class="wb-badge wb-b-{kind}">{html.escape(text)}</span>'


_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


def word_diff(old: str, new: str) -> str:
    """Word-level diff of two English texts: removed words struck through, added words marked."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(html.escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f'<del class="wb-del">{html.escape("".join(a[i1:i2]))}</del>')
        if j2 > j1:
            out.append(f'<ins class="wb-ins">{html.escape("".join(b[j1:j2]))}</ins>')
    return "".join(out)
