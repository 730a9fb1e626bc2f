"""Files to text: size and binary checks, encoding detection, and article text out of HTML (with the
inline markup of each line kept as codes, see `workbench.inline`)."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes
from lxml import etree, html

from ..errors import WorkbenchError

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm")
# Encodings the importer accepts; detection chooses among these only, so that Cyrillic text never
# comes out as mojibake in some Western code page.
CANDIDATE_ENCODINGS = ("utf_8", "cp1251", "koi8_r", "koi8_u", "utf_16")


class IngestError(WorkbenchError, ValueError):
    """A file cannot be imported. The message is one line: 'FILE: reason'."""


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding name). Raises IngestError with the reason."""
    if not data.strip():
        raise IngestError(f"{name}: empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _checked(data.decode(enc), name), enc
            except UnicodeDecodeError as exc:
                raise IngestError(f"{name}: undecodable {enc} text ({exc.reason} at byte {exc.start})") from exc
    utf16 = _bomless_utf16(data)
    if utf16:
        try:
            return _checked(data.decode(utf16), name), utf16
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise IngestError(f"{name}: binary file (contains NUL bytes)")
    try:
        return _checked(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS[1:4])).best()
    if best is None:
        raise IngestError(f"{name}: undecodable text (not UTF-8, UTF-16, cp1251 or koi8-r)")
    text = str(best)
    return _checked(text, name), best.encoding


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM shows up as a NUL in every other byte of mostly-ASCII/Cyrillic text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    # Cyrillic in UTF-16-LE: high bytes are 0x04
    if odd.count(4) > 0.3 * len(odd) and even.count(4) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(4) > 0.3 * len(even) and odd.count(4) < 0.1 * len(odd):
        return "utf-16-be"
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_INCOMPATIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _checked(text: str, name: str) -> str:
    if not text.strip():
        raise IngestError(f"{name}: empty file")
    # A decoded NUL (e.g. in UTF-16 text) marks binary data, and PostgreSQL cannot store it.
    if "\x00" in text:
        raise IngestError(f"{name}: binary file (contains NUL characters)")
    bad = len(_CONTROL.findall(text))
    if bad > max(3, len(text) // 100):
        raise IngestError(f"{name}: binary file ({bad} control characters)")
    if text.count("\ufffd") > max(3, len(text) // 100):
        raise IngestError(f"{name}: undecodable text (replacement characters)")
    return text


_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button",
         "template", "select", "menu")
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "section", "article",
          "tr", "pre", "dd", "dt", "title", "figure", "ul", "ol", "table", "main", "body"}
# Inline elements kept as codes (see workbench.inline); any other inline element (span, font)
# contributes its text only.
_INLINE = {"b", "strong", "i", "em", "u", "s", "sup", "sub", "a", "mark", "small"}
# A link survives only with a web or mail address or a relative one: an exported page must not
# carry a javascript: or data: URL from an imported one.
_SAFE_HREF = re.compile(r"^(https?:|mailto:|[^:]*$)", re.I)
_SPACES = re.compile(r"[^\S\xa0]+")


@dataclass
class HtmlLine:
    """One line of the article text: the plain text, the block element it came from, whether a
    <br> in the same element precedes it, and its inline codes (positions in `text`)."""

    text: str
    block: str
    br: bool = False
    codes: list[dict[str, Any]] = field(default_factory=list)


def html_lines(markup: str, name: str) -> tuple[list[HtmlLine], str]:
    """The article of an HTML page as lines with inline codes, and the page title."""
    # lxml refuses control characters in text set from Python (ValueError); in a page they are noise.
    markup = _XML_INCOMPATIBLE.sub(" ", markup)
    try:
        parser = html.HTMLParser(encoding="utf-8", remove_comments=True, no_network=True, huge_tree=False)
        root = html.document_fromstring(markup.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(f"{name}: not readable as HTML ({exc})") from exc
    title_el = root.find(".//title")
    title = " ".join(_XML_INCOMPATIBLE.sub(" ", title_el.text_content() if title_el is not None else "").split())
    # Removed in C, keeping each tail: drop_tree() would join texts in Python, which fails on control
    # characters that character references (&#1;) put into the tree.
    etree.strip_elements(root, *_DROP, with_tail=False)
    # The article element holds the story; pages without one fall back to <main>, then <body>.
    container = next((found[0] for xp in ("//article", "//main", "//body") if (found := root.xpath(xp))), root)
    lines: list[HtmlLine] = []
    current: list[str | dict[str, Any]] = []
    state = {"br": False, "next_id": 1}
    blocks_open: list[str] = ["p"]

    def flush(after_br: bool = False) -> None:
        line = _line(current, blocks_open[-1], state["br"])
        current.clear()
        if line is not None:
            lines.append(line)
        state["br"] = after_br

    def walk(el: html.HtmlElement) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "br":
            flush(after_br=True)
            return
        code = _open_code(el, tag, state) if tag in _INLINE else None
        if tag in _BLOCK:
            flush()
            blocks_open.append(tag)
        if code is not None:
            current.append(code)
        if el.text and tag:
            current.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                current.append(child.tail)
        if code is not None:
            current.append({"kind": "close", "id": code["id"], "markup": code["close"], "name": tag})
        if tag in _BLOCK:
            flush()
            blocks_open.pop()

    walk(container)
    flush()
    return _join_broken_sentences(lines, state["next_id"]), title


# The end of a line of text: a sentence or clause end, with any closing quotes and brackets.
_LINE_END = re.compile(r"[.!?…:;][»”\"')\]]*$")


def _join_broken_sentences(lines: list[HtmlLine], next_id: int) -> list[HtmlLine]:
    """Lines with a `<br>` inside a sentence joined back, the `<br>` kept as a standalone code.

    The rule for a `<br>` inside an element: it separates two lines, and so two segments, where
    the text before it ends a sentence or clause (. ! ? … : ;) or the text after it starts with
    anything but a lower-case letter (a capital, a digit, a dash or quote): the lines of a poem,
    an address, a list made of breaks. Where neither holds, the next line goes on the sentence
    (lower case after no sentence end: a hard wrap in a CMS, a break for layout), and cutting there
    would give two half-sentences to translate; the lines become one, with a space for the break
    and the `<br>` as a standalone code before it (`<1/>` in the editor, `<br>` in the export).
    """
    out: list[HtmlLine] = []
    for line in lines:
        prev = out[-1] if out else None
        if (prev is None or not line.br or prev.block != line.block or _LINE_END.search(prev.text)
                or not line.text[:1].islower()):
            out.append(line)
            continue
        at = len(prev.text)
        codes = [*prev.codes, {"kind": "ph", "id": next_id, "markup": "<br>", "name": "br", "pos": at}]
        codes += [{**c, "pos": int(c["pos"]) + at + 1} for c in line.codes]
        next_id += 1
        out[-1] = HtmlLine(f"{prev.text} {line.text}", prev.block, prev.br,
                           [{**c, "seq": n} for n, c in enumerate(codes)])
    return out


def _open_code(el: html.HtmlElement, tag: str, state: dict[str, Any]) -> dict[str, Any] | None:
    attrs = ""
    if tag == "a":
        href = (el.get("href") or "").strip()
        if not href or not _SAFE_HREF.match(href):
            return None
        attrs = f' href="{escape(href, quote=True)}"'
    cid = state["next_id"]
    state["next_id"] += 1
    return {"kind": "open", "id": cid, "markup": f"<{tag}{attrs}>", "close": f"</{tag}>", "name": tag}


def _line(pieces: list[str | dict[str, Any]], block: str, br: bool) -> HtmlLine | None:
    """Collapse white space (keeping non-breaking spaces) and place the codes in the result."""
    out: list[str] = []
    length = 0
    codes: list[dict[str, Any]] = []
    pending = False
    for piece in pieces:
        if isinstance(piece, dict):
            if piece["kind"] != "close" and pending and length:
                out.append(" ")
                length += 1
                pending = False
            codes.append({**piece, "pos": length, "seq": len(codes)})  # seq: document order
            continue
        for n, run in enumerate(_SPACES.split(_XML_INCOMPATIBLE.sub(" ", piece))):
            if n:
                pending = True  # white space stood between this run and the one before
            if not run:
                continue
            if pending and length:
                out.append(" ")
                length += 1
            pending = False
            out.append(run)
            length += len(run)
    text = "".join(out)
    stripped = text.strip()
    if not stripped:
        return None
    lead = len(text) - len(text.lstrip())
    for c in codes:
        c["pos"] = max(0, min(len(stripped), c["pos"] - lead))
    return HtmlLine(stripped, block, br, codes)


def html_to_text(markup: str, name: str) -> tuple[str, str]:
    """Article text of an HTML page (paragraphs separated by blank lines) and its title."""
    lines, title = html_lines(markup, name)
    text = "\n\n".join(line.text for line in lines)
    if not text.strip():
        raise IngestError(f"{name}: no article text found in the HTML")
    return text, title


def read_text(path: Path, max_bytes: int) -> tuple[str, str, str]:
    """Read a supported file: (decoded text, encoding, title). Raises IngestError on bad input."""
    name = str(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise IngestError(f"{name}: unsupported file type {path.suffix or '(none)'} "
                           f"(use {', '.join(SUPPORTED_SUFFIXES)})")
    return decode_named(read_limited(path, max_bytes), name, path.suffix.lower(), max_bytes)


def read_limited(path: Path, max_bytes: int) -> bytes:
    """A file's bytes, refusing directories, missing or unreadable files and files over the limit."""
    name = str(path)
    try:
        if path.is_dir():
            raise IngestError(f"{name}: is a directory")
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(f"{name}: file is {size} bytes, over the import limit of {max_bytes} bytes")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise IngestError(f"{name}: no such file") from exc
    except PermissionError as exc:
        raise IngestError(f"{name}: permission denied") from exc


def decode_named(data: bytes, name: str, suffix: str, max_bytes: int) -> tuple[str, str, str]:
    """Like `read_text` for bytes already in memory (uploads)."""
    text, encoding, title, _lines = decode_page(data, name, suffix, max_bytes)
    return text, encoding, title


def decode_page(data: bytes, name: str, suffix: str, max_bytes: int
                ) -> tuple[str, str, str, list[HtmlLine] | None]:
    """`decode_named` with the HTML lines and their inline codes (None for plain text)."""
    if len(data) > max_bytes:
        raise IngestError(f"{name}: file is {len(data)} bytes, over the import limit of {max_bytes} bytes")
    text, encoding = decode(data, name)
    title = ""
    lines = None
    if suffix in (".html", ".htm") or re.match(r"\s*(<!doctype html|<html)", text[:200], re.I):
        lines, title = html_lines(text, name)
        text = "\n\n".join(line.text for line in lines)
        if not text.strip():
            raise IngestError(f"{name}: no article text found in the HTML")
    return text, encoding, title, lines


def read_page(path: Path, max_bytes: int) -> tuple[str, str, str, list[HtmlLine] | None]:
    """`read_text` with the HTML lines (see `decode_page`)."""
    name = str(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise IngestError(f"{name}: unsupported file type {path.suffix or '(none)'} "
                           f"(use {', '.join(SUPPORTED_SUFFIXES)})")
    return decode_page(read_limited(path, max_bytes), name, path.suffix.lower(), max_bytes)
