"""User text made safe for where it is shown or written: Markdown and HTML (the app), the terminal
(the CLI), spreadsheet cells (CSV/TSV exports), file names (imports). One helper per destination,
used by every page, printer, exporter and importer, so that no copy of a rule can drift.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Bidirectional overrides and isolates: they make a name or a line display as something else.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Invisible characters that make look-alike names ("report.txt" and "re\u200bport.txt").
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad")

# Markdown's inline syntax (emphasis, code, links and images, HTML, tables, strikethrough, maths) and
# Streamlit's directives (":red[...]"), escaped wherever they occur; block markers only at a line start.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>#|~$!^{}])")
_MD_LINE_START = re.compile(r"(?m)^(\s*)(\d+)?([-+=.)])")
# Streamlit's Markdown also turns bare addresses into links (GFM autolink literals: http://, www., e-mail)
# after escapes are resolved; an invisible WORD JOINER inside the marker keeps them text.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto)(?=:)|\b(www)(?=\.)|(?<=[\w.+-])(?=@[\w-]+\.)")
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """Text from documents, users or detectors made inert inside Markdown: no links, images, emphasis,
    headings, lists, HTML or Streamlit directives (their characters are backslash-escaped), and bare
    addresses get a WORD JOINER (U+2060) so that they are not made into links."""
    out = _MD_INLINE.sub(r"\\\1", str(text))
    out = _MD_LINE_START.sub(lambda m: m.group(1) + (m.group(2) or "") + "\\" + m.group(3), out)
    return _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2) or "") + WORD_JOINER, out)


def html_text(text: object) -> str:
    """Text for an HTML element's content or a quoted attribute."""
    return html.escape(str(text), quote=True)


def terminal(text: object, *, keep_newlines: bool = True) -> str:
    """Text for a terminal: control characters (ESC and every other C0/C1 code, DEL) and bidi controls
    removed, so an article or a note cannot move the cursor, recolour the screen or reorder a line."""
    keep = "\n\t" if keep_newlines else ""
    return "".join(c for c in str(text) if c in keep or not (unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS))


# A cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection").
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def spreadsheet_cell(value: str) -> str:
    """A CSV/TSV cell a spreadsheet shows as text: a leading ' before = + - @ tab or CR (and before a
    value that already starts with quotes and one of them, so that `from_spreadsheet_cell` undoes it)."""
    return "'" + value if _FORMULA.match(value) else value


def from_spreadsheet_cell(value: str) -> str:
    """The text `spreadsheet_cell` protected."""
    return value[1:] if value.startswith("'") and _FORMULA.match(value[1:]) else value


def name_problem(name: str) -> str:
    """Why a file name is refused (control, bidi or zero-width characters), or "" when it is usable."""
    for c in name:
        if unicodedata.category(c) == "Cc":
            return f"control character U+{ord(c):04X}"
        if c in BIDI_CONTROLS:
            return f"bidirectional control U+{ord(c):04X} (it makes the name display as another)"
        if c in ZERO_WIDTH:
            return f"invisible character U+{ord(c):04X} (it makes a look-alike of another name)"
    return ""
