"""Hardened XML reading for every exchange format, and the XML character rules for writing.

Files from CAT tools and other people's memories are untrusted. Every parse goes through
`iterparse` with entity resolution, DTD loading and network access off and `huge_tree` off, and a
document that declares entities is refused outright (XXE, billion laughs). Every failure becomes a
one-line `ExchangeError` that names the file and the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import WorkbenchError

# The one place the parser options live: the same for whole-file parses and streaming reads.
PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}

# XML 1.0 Char production: everything else (most C0 controls, lone surrogates, U+FFFE/U+FFFF)
# cannot be written at all, escaped or not.
_FORBIDDEN = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class ExchangeError(WorkbenchError):
    """An exchange file is unreadable, hostile or not the format it claims to be."""


def xml_parser() -> etree.XMLParser:
    """A parser with the hardened options (for callers that parse bytes they produced themselves)."""
    return etree.XMLParser(**PARSER_OPTIONS)


def clean_text(text: str) -> tuple[str, int]:
    """The text without characters XML 1.0 forbids, and how many were removed."""
    cleaned, n = _FORBIDDEN.subn("", text)
    return cleaned, n


def local_name(tag: object) -> str:
    """'{ns}name' -> 'name'; comments and processing instructions give ''."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def namespace(tag: object) -> str:
    return (etree.QName(tag).namespace or "") if isinstance(tag, str) else ""


def _ends_early(path: Path) -> bool:
    """Whether the file is well-formed as far as it goes and only its end is missing.

    Only called on the error path: a push parser is fed the whole file; a truncated document
    raises only when told that no more data is coming, a malformed one while being fed.
    """
    parser = etree.XMLPullParser(events=("end",), **PARSER_OPTIONS)
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                parser.feed(chunk)
                for _event, elem in parser.read_events():
                    release(elem)
    except (etree.XMLSyntaxError, OSError):
        return False
    try:
        parser.close()
    except etree.XMLSyntaxError:
        return True
    return False


def _reason(path: Path, exc: etree.XMLSyntaxError) -> str:
    """libxml2's message reduced to one line a translator can act on."""
    msg = (str(exc).splitlines() or [exc.__class__.__name__])[0]
    msg = re.sub(r",? line \d+, column \d+.*$", "", msg).strip()
    low = msg.lower()
    lineno = getattr(exc, "lineno", None) or 0
    at = f" at line {lineno}" if lineno else ""
    if any(k in low for k in ("invalid bytes in character encoding", "not proper utf-8", "unsupported encoding",
                              "input conversion failed", "encoding error", "document labelled utf-16")):
        return (f"not in the encoding it declares (UTF-8 when it declares none){at} ({msg}); "
                "save it as UTF-8 or declare its encoding")
    if "amplification" in low or ("entity" in low and ("loop" in low or "too many" in low)):
        return f"entity expansion refused{at} (billion-laughs style file)"
    if "no element found" in low or "document is empty" in low or "start tag expected" in low:
        return "empty or not XML"
    if "huge" in low or "excessive depth" in low or "too deep" in low:
        return f"exceeds the parser's size limits{at} ({msg})"
    if "premature end of data" in low or _ends_early(path):
        return f"truncated: the file ends inside the document{at} ({msg})"
    return f"not well-formed XML{at} ({msg})"


def _check_prolog(path: Path, root: etree._Element, roots: tuple[str, ...], what: str) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        names = [e.name for e in dtd.iterentities()]
        if names:
            shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
            raise ExchangeError(f"{path}: declares XML entities ({shown}); entity declarations are refused "
                                "(external entity / entity expansion attack)")
    name = local_name(root.tag)
    if roots and name not in roots:
        want = " or ".join(f"<{r}>" for r in roots)
        raise ExchangeError(f"{path}: root element is <{name}>, expected {want}: not a {what} file")


def iterparse(path: str | Path, *, roots: tuple[str, ...], what: str) -> Iterator[tuple[str, etree._Element]]:
    """Stream ('start' | 'end', element) events of a file, refusing hostile and broken ones.

    The root element and any entity declarations are checked at the first event, before anything
    is read from the body. The caller clears elements it has finished with (`release`).
    """
    p = Path(path)
    if not p.is_file():
        raise ExchangeError(f"{p}: no such file")
    try:
        fh = p.open("rb")
    except OSError as exc:
        raise ExchangeError(f"{p}: cannot read ({exc.strerror or exc.__class__.__name__})") from exc
    with fh:
        try:
            events = etree.iterparse(fh, events=("start", "end"), **PARSER_OPTIONS)
            first = True
            for event, elem in events:
                if first:
                    _check_prolog(p, elem, roots, what)
                    first = False
                yield event, elem
            if first:
                raise ExchangeError(f"{p}: empty or not XML")
        except etree.XMLSyntaxError as exc:
            raise ExchangeError(f"{p}: {_reason(p, exc)}") from None
        except (ValueError, LookupError) as exc:  # e.g. an unknown encoding name in the declaration
            raise ExchangeError(f"{p}: cannot decode ({str(exc).splitlines()[0]})") from None


def parse(path: str | Path, *, roots: tuple[str, ...], what: str) -> etree._Element:
    """The whole document's root element, parsed with the same checks as `iterparse`."""
    root: etree._Element | None = None
    for event, elem in iterparse(path, roots=roots, what=what):
        if event == "end" and elem.getparent() is None:
            root = elem
    if root is None:  # pragma: no cover - iterparse raises first
        raise ExchangeError(f"{path}: empty or not XML")
    return root


def release(elem: etree._Element) -> None:
    """Free a finished element and the siblings before it, so that memory stays flat while streaming."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def flat_text(elem: etree._Element, *, skip: Callable[[str], bool]) -> str:
    """The text of an element with inline markup flattened: children whose local name `skip`
    accepts (native codes, placeholders) contribute only their tail."""
    parts = [elem.text or ""]
    for child in elem:
        if isinstance(child.tag, str) and not skip(local_name(child.tag)):
            parts.append(flat_text(child, skip=skip))
        parts.append(child.tail or "")
    return "".join(parts)
