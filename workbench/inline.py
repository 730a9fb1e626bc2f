"""Inline markup of segments: HTML codes kept beside the plain text, and tags in the English.

A segment's text stays the plain text a reader sees: segmentation, language identification, roles,
the aligner, machine translation and every source-side check work on it unchanged (the MT engine
never sees markup, so nothing has to survive decoding). The markup lives beside it, in the segment's
`inline` map: `codes`, a list of inline codes with their position in the plain text (`pos`), the
number translators see (`id`, 1-based in each segment), `kind` (open, close, ph for a standalone
code such as an image or a line break inside a sentence) and the original `markup`; plus `block`
(the HTML element the line came from) and `br` (the line follows a `<br>` in the same element).

The English carries tags as visible tokens, the way Trados and memoQ show them: `<1>` opens code 1,
`</1>` closes it, `<2/>` stands for standalone code 2. A translator can read and type them; the
editor shows them as chips. Machine translation arrives without tags: the store places them as it
saves MT (`place_mt`: by word alignment, else by position), the translator moves what landed wrong
(the editor inserts a missing one at the caret), and the `tags` checks say which are missing, extra
or out of order. For the other English-side checks the tokens are masked character for character
(`mask`), so no check reads "1" in "<1>" as a number and every offset stays valid.

Exchange writes the codes as XLIFF 1.2 `<g>`/`<x/>` (`<bx/>`/`<ex/>` when an English's tags do not
nest), XLIFF 2 `<pc>`/`<ph/>` (`<sc/>`/`<ec/>`), TMX `<bpt>`/`<ept>`/`<ph>`, and HTML export restores
the markup itself.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

OPEN, CLOSE, PH = "open", "close", "ph"
# A tag token of the English: <1>, </1>, <1/>. Numeric names are no HTML or XML element, so a
# token never collides with markup a translator might quote.
TOKEN = re.compile(r"<(/?)([1-9]\d{0,2})(/?)>")


@dataclass(frozen=True)
class Tag:
    """A tag token found in an English: its kind, code id and character span."""

    kind: str
    id: int
    start: int
    end: int


def token(kind: str, cid: int) -> str:
    """The visible token of a code."""
    return f"</{cid}>" if kind == CLOSE else f"<{cid}/>" if kind == PH else f"<{cid}>"


def codes_of(inline: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The inline codes of a segment's map (empty for plain-text imports)."""
    return list((inline or {}).get("codes") or [])


def tagged(text: str, codes: Sequence[dict[str, Any]]) -> str:
    """The plain text with each code's token at its position (the source as a translator sees it)."""
    out, last = [], 0
    for c in sorted(codes, key=_order):
        pos = max(last, min(len(text), int(c["pos"])))
        out.append(text[last:pos])
        out.append(token(c["kind"], int(c["id"])))
        last = pos
    out.append(text[last:])
    return "".join(out)


def _order(c: dict[str, Any]) -> tuple[int, int, int]:
    # At one position: closes first, then standalone codes, then opens, each in document order.
    rank = {CLOSE: 0, PH: 1, OPEN: 2}[c["kind"]]
    return int(c["pos"]), rank, int(c.get("seq", c["id"]))


def parse(english: str) -> list[Tag]:
    """The tag tokens of an English, in order."""
    out = []
    for m in TOKEN.finditer(english):
        kind = CLOSE if m.group(1) else PH if m.group(3) else OPEN
        if m.group(1) and m.group(3):
            continue  # "</1/>" is no token
        out.append(Tag(kind, int(m.group(2)), m.start(), m.end()))
    return out


def plain(english: str) -> str:
    """The English without its tag tokens."""
    return TOKEN.sub("", english)


# Masking maps each character of a token to a private-use character, one for one, so that checks
# see neither digits nor brackets and offsets into the English stay valid; `unmask` reverses it.
_MASKED = "<>/0123456789"
_MASK = {ord(ch): chr(0xE000 + i) for i, ch in enumerate(_MASKED)}
_UNMASK = {0xE000 + i: ch for i, ch in enumerate(_MASKED)}


def mask(english: str) -> str:
    """The English with every tag token masked (same length; see the module docstring)."""
    if "<" not in english:
        return english
    return TOKEN.sub(lambda m: m.group().translate(_MASK), english)


def unmask(english: str) -> str:
    """The English as saved, from its masked form."""
    return english.translate(_UNMASK)


@dataclass(frozen=True)
class Problem:
    """A tag problem of an English against its source: what, which code, where in the English."""

    what: str  # missing | extra | unbalanced
    id: int
    kind: str
    start: int
    end: int


def problems(codes: Sequence[dict[str, Any]], english: str) -> list[Problem]:
    """Missing, extra and unbalanced tags of an English against its source's codes.

    Paired tags may move with the words they wrap (translation reorders), but a pair must open
    before it closes and may not cross another pair; every tag must appear exactly once.
    """
    want = {(c["kind"], int(c["id"])) for c in codes}
    tags = parse(english)
    out: list[Problem] = []
    seen: dict[tuple[str, int], int] = {}
    for t in tags:
        key = (t.kind, t.id)
        seen[key] = seen.get(key, 0) + 1
        if key not in want or seen[key] > 1:
            out.append(Problem("extra", t.id, t.kind, t.start, t.end))
    for kind, cid in sorted(want - set(seen), key=lambda k: (k[1], k[0])):
        out.append(Problem("missing", cid, kind, 0, len(english)))
    stack: list[Tag] = []
    for t in tags:
        if (t.kind, t.id) not in want:
            continue
        if t.kind == OPEN:
            stack.append(t)
        elif t.kind == CLOSE:
            if stack and stack[-1].id == t.id:
                stack.pop()
            elif any(s.id == t.id for s in stack):
                out.append(Problem("unbalanced", t.id, t.kind, t.start, t.end))  # crosses another pair
                stack = [s for s in stack if s.id != t.id]
            elif (OPEN, t.id) in seen:
                out.append(Problem("unbalanced", t.id, t.kind, t.start, t.end))  # closes before it opens
    for s in stack:
        if (CLOSE, s.id) in seen:
            continue  # reported at its close
        if (CLOSE, s.id) in want:
            continue  # the missing close is reported as missing
        out.append(Problem("unbalanced", s.id, s.kind, s.start, s.end))
    return out


def next_missing(codes: Sequence[dict[str, Any]], english: str) -> str:
    """The token of the first source code (in source order) the English lacks, or ''."""
    have = {(t.kind, t.id) for t in parse(english)}
    for c in sorted(codes, key=_order):
        if (c["kind"], int(c["id"])) not in have:
            return token(c["kind"], int(c["id"]))
    return ""


def place_by_alignment(source: str, codes: Sequence[dict[str, Any]], english: str,
                       links: Sequence[tuple[int, int]]) -> str:
    """The English with the source's missing paired tags placed by a word alignment: a pair wraps
    the English words linked to the source words it wraps (from the first to the last of them).

    `links` are (source word, English word) indexes over `workbench.text.words` of the plain source
    and of the English (tag tokens hold no letters, so tokens never shift a word's index). A pair
    whose words have no link, or that would cross a pair already there, is left to the translator;
    a pair around the whole source goes around the whole English; a standalone code at the very start or end of the source goes to the same end of the English.
    """
    from .text import words  # the segmenter's word definition, the one the word aligner counts by

    src_words = words(source)
    present = {(t.kind, t.id) for t in parse(english)}
    opens = {int(c["id"]): c for c in codes if c["kind"] == OPEN}
    closes = {int(c["id"]): c for c in codes if c["kind"] == CLOSE}
    pairs = [(cid, int(opens[cid]["pos"]), int(closes[cid]["pos"])) for cid in opens
             if cid in closes and (OPEN, cid) not in present and (CLOSE, cid) not in present]
    # Outer pairs first: an inner pair then lands inside the tokens of the outer one.
    for cid, start, end in sorted(pairs, key=lambda p: (p[1] - p[2], p[1])):
        inside = {i for i, t in enumerate(src_words) if t.start >= start and t.end <= end}
        targets = sorted({e for s, e in links if s in inside})
        en_words = words(english)
        if not targets or targets[-1] >= len(en_words):
            continue
        a, b = en_words[targets[0]].start, en_words[targets[-1]].end
        if not source[:start].strip() and not source[end:].strip():
            a, b = 0, len(english)  # the whole segment is formatted: so is the whole English
        placed = english[:a] + token(OPEN, cid) + english[a:b] + token(CLOSE, cid) + english[b:]
        if not any(p.what == "unbalanced" for p in problems(codes, placed)):
            english = placed
    for c in codes:
        if c["kind"] == PH and (PH, int(c["id"])) not in present:
            if int(c["pos"]) >= len(source):
                english += token(PH, int(c["id"]))
            elif int(c["pos"]) == 0:
                english = token(PH, int(c["id"])) + english
    return english


_UNIT = re.compile(r"\w+")  # words and numbers: what a position is counted in when nothing is aligned
_PUNCT = re.compile(r"[^\w\s<]*")


def place_by_position(source: str, codes: Sequence[dict[str, Any]], english: str) -> str:
    """The English with the source's missing tags placed where they stand in the source, in
    proportion: the fallback when no word links tell where a tagged word went.

    Positions are counted in words and numbers (`\\w+`), never characters, so a tag always lands
    between English words. A pair wrapping source words a..b wraps English words from
    round(a·m/n) to round((b+1)·m/n) − 1 (at least one word; n, m the words of each side); a pair
    that opens before the first source word or closes after the last does the same in the
    English, punctuation included (a wholly bold sentence stays wholly bold). A standalone code
    goes to the English word boundary in the same proportion (the start or the end at the ends),
    after the punctuation that follows the word when it follows punctuation in the source.
    Pairs go in outer first, so an inner pair lands inside its outer one; a pair that would
    cross a tag already placed is left to the translator (the `tags` check then says so).
    """
    present = {(t.kind, t.id) for t in parse(english)}
    src = list(_UNIT.finditer(source))
    if not src or not _UNIT.search(mask(english)):
        return english
    n = len(src)
    opens = {int(c["id"]): c for c in codes if c["kind"] == OPEN}
    closes = {int(c["id"]): c for c in codes if c["kind"] == CLOSE}
    pairs = [(cid, int(opens[cid]["pos"]), int(closes[cid]["pos"])) for cid in opens
             if cid in closes and (OPEN, cid) not in present and (CLOSE, cid) not in present]
    for cid, start, end in sorted(pairs, key=lambda p: (p[1] - p[2], p[1])):
        inside = [i for i, u in enumerate(src) if u.start() >= start and u.end() <= end]
        if not inside:
            continue
        en = list(_UNIT.finditer(mask(english)))
        m = len(en)
        ja = min(m - 1, int(inside[0] * m / n + 0.5))
        jb = max(ja, min(m - 1, int((inside[-1] + 1) * m / n + 0.5) - 1))
        a = en[ja].start() if source[:start].strip() else 0  # after any tag opened there: inside it
        b = en[jb].end() if source[end:].strip() else len(english)
        placed = english[:a] + token(OPEN, cid) + english[a:b] + token(CLOSE, cid) + english[b:]
        if not any(p.what == "unbalanced" for p in problems(codes, placed)):
            english = placed
    for c in sorted(codes, key=_order):
        if c["kind"] != PH or (PH, int(c["id"])) in present:
            continue
        pos = int(c["pos"])
        en = list(_UNIT.finditer(mask(english)))
        if not source[:pos].strip():
            at = 0
        elif not source[pos:].strip():
            at = len(english)
        else:
            before = [u for u in src if u.end() <= pos]
            j = min(len(en), int(len(before) * len(en) / n + 0.5))
            at = en[j - 1].end() if j > 0 else en[0].start()
            if j > 0 and before and source[before[-1].end():pos].strip():
                punct = _PUNCT.match(english, at)  # after the comma as in the source: "дождь,<1/> а"
                at = punct.end() if punct else at
        english = english[:at] + token(PH, int(c["id"])) + english[at:]
    return english


def place_mt(source: str, lang: str, codes: Sequence[dict[str, Any]], english: str,
             links: Sequence[tuple[int, int]] | None = None) -> str:
    """Machine translation with the source's tags placed, as a CAT tool does when MT arrives.

    The engine translates the plain source, so its English has no tags; left so, every MT
    segment of a formatted article would begin with a "missing tag" flag. The tags go around the
    English words aligned to the words they wrap in the source: by `links` when given (the BERT
    word aligner's, `workbench align-words`), else by the lexicon's word alignment (ru, uk; see
    `Lexicon.links`). What no link places goes in by position (`place_by_position`). Tags the
    English has already (a file from another CAT tool) stay where they are; tokens that name no
    code of the segment are dropped, so a stored MT never carries another segment's tags.
    """
    if not codes:
        return english
    wanted = {(c["kind"], int(c["id"])) for c in codes}
    english = TOKEN.sub(lambda m: m.group() if _key(m) in wanted else "", english)
    if links is None and lang in ("ru", "uk"):
        from .lexicon import load_lexicon
        from .text import words

        lexicon = load_lexicon(f"{lang}-en")
        if lexicon is not None:
            links = lexicon.links([t.text for t in words(source)], [t.text for t in words(english)])
    if links:
        english = place_by_alignment(source, codes, english, links)
    return place_by_position(source, codes, english)


def _key(m: re.Match[str]) -> tuple[str, int]:
    if m.group(1) and m.group(3):
        return "", 0  # "</1/>" is no token
    return (CLOSE if m.group(1) else PH if m.group(3) else OPEN), int(m.group(2))


# --- from markup to segments -----------------------------------------------------------------
def assign(block_codes: Sequence[dict[str, Any]], spans: Sequence[tuple[int, int]]) -> list[list[dict[str, Any]]]:
    """Split a line's codes (positions in the line) among its sentences (spans in the line).

    An open or standalone code goes to the sentence that starts at or after it, a close to the
    sentence it ends; a pair that runs over a sentence end is closed there and opened again in the
    next sentence, with the same markup. Ids are renumbered 1.. in each segment.
    """
    per: list[list[dict[str, Any]]] = [[] for _ in spans]
    if not spans:
        return per

    def home(c: dict[str, Any]) -> int:
        p = int(c["pos"])
        if c["kind"] == CLOSE:
            return next((i for i in range(len(spans) - 1, -1, -1) if spans[i][0] < p), 0)
        return next((i for i, (_s, e) in enumerate(spans) if e > p), len(spans) - 1)

    open_now: list[dict[str, Any]] = []  # original codes open at the current sentence
    cursor = 0
    for c in sorted(block_codes, key=_order):
        target = home(c)
        while cursor < target:
            _carry_over(per, spans, cursor, open_now)
            cursor += 1
        start, end = spans[cursor]
        rel = max(0, min(end - start, int(c["pos"]) - start))
        per[cursor].append({**c, "pos": rel, "orig": c["id"]})
        if c["kind"] == OPEN:
            open_now.append(c)
        elif c["kind"] == CLOSE:
            open_now = [o for o in open_now if o["id"] != c["id"]]
    while cursor < len(spans) - 1:
        _carry_over(per, spans, cursor, open_now)
        cursor += 1
    return [_renumber(codes) for codes in per]


def _carry_over(per: list[list[dict[str, Any]]], spans: Sequence[tuple[int, int]], i: int,
                open_now: list[dict[str, Any]]) -> None:
    """Close the pairs still open at the end of sentence i and reopen them at the start of i + 1."""
    length = spans[i][1] - spans[i][0]
    for o in reversed(open_now):
        per[i].append({"kind": CLOSE, "pos": length, "markup": o["close"], "name": o["name"], "orig": o["id"],
                       "id": o["id"]})
    for o in open_now:
        per[i + 1].append({**o, "pos": 0, "orig": o["id"]})


def _renumber(codes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Codes of one segment with ids 1.. in order of their opening (a close gets its open's id);
    pairs that enclose no text are dropped (an empty link is no tag to place)."""
    ordered = sorted(codes, key=lambda c: (int(c["pos"]), {CLOSE: 0, PH: 1, OPEN: 2}[c["kind"]]))
    opens = {c["orig"]: c for c in ordered if c["kind"] == OPEN}
    closes = {c["orig"]: c for c in ordered if c["kind"] == CLOSE}
    empty = {k for k in opens if k in closes and closes[k]["pos"] <= opens[k]["pos"]}
    ids: dict[Any, int] = {}
    out = []
    for seq, c in enumerate(ordered):
        if c["orig"] in empty and c["kind"] != PH:
            continue
        key = (c["orig"], "pair") if c["kind"] != PH else (c["orig"], "ph")
        if key not in ids:
            ids[key] = len(ids) + 1
        item = {k: v for k, v in c.items() if k not in ("orig", "seq")}
        item.update(id=ids[key], seq=seq)
        out.append(item)
    # A close whose open is in this segment keeps the open's markup partner; the open needs `close`
    # only while lines are being split, not in the stored map.
    for item in out:
        item.pop("close", None)
    return out


def shift(codes: Iterable[dict[str, Any]], offset: int, first_id: int) -> list[dict[str, Any]]:
    """Codes moved by `offset` characters with ids from `first_id` (joining two segments)."""
    codes = list(codes)
    base = min((int(c["id"]) for c in codes), default=1)
    return [{**c, "pos": int(c["pos"]) + offset, "id": int(c["id"]) - base + first_id} for c in codes]


def shift_tokens(english: str, by: int) -> str:
    """An English with its tag numbers raised by `by` (its segment joined after another)."""
    if not by:
        return english
    return TOKEN.sub(lambda m: f"<{m.group(1)}{int(m.group(2)) + by}{m.group(3)}>", english)


def split(codes: Sequence[dict[str, Any]], first_end: int, second_start: int, length: int
          ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The codes of a segment cut in two: the first part is text[:first_end], the second
    text[second_start:length]; positions of the second part count from its start."""
    line = [{**c, "close": _close_markup(codes, c)} for c in codes]
    first, second = assign(line, [(0, first_end), (second_start, length)])
    return first, second


def _close_markup(codes: Sequence[dict[str, Any]], c: dict[str, Any]) -> str:
    if c["kind"] != OPEN:
        return ""
    return next((x["markup"] for x in codes if x["kind"] == CLOSE and x["id"] == c["id"]), f"</{c.get('name', '')}>")


# --- back to markup ----------------------------------------------------------------------------
def markup(codes: Sequence[dict[str, Any]]) -> dict[tuple[str, int], str]:
    """(kind, id) -> original markup."""
    return {(c["kind"], int(c["id"])): str(c.get("markup", "")) for c in codes}


def balanced(tags: Sequence[Tag]) -> bool:
    """True when the paired tags nest (each close matches the latest open) and appear once each."""
    stack: list[int] = []
    seen: set[tuple[str, int]] = set()
    for t in tags:
        if (t.kind, t.id) in seen:
            return False
        seen.add((t.kind, t.id))
        if t.kind == OPEN:
            stack.append(t.id)
        elif t.kind == CLOSE:
            if not stack or stack[-1] != t.id:
                return False
            stack.pop()
    return not stack


def to_html(english: str, codes: Sequence[dict[str, Any]]) -> str:
    """An English (or a tagged source) as HTML: text escaped, non-breaking spaces as &nbsp;, each
    tag token replaced by its original markup. Tokens without a code, or that would leave the
    markup unbalanced, are dropped, so the result always nests."""
    marks = markup(codes)
    tags = parse(english)
    keep: set[int] = set()  # indexes of kept tags
    stack: list[int] = []
    for i, t in enumerate(tags):
        if (t.kind, t.id) not in marks:
            continue
        if t.kind == PH:
            keep.add(i)
        elif t.kind == OPEN:
            stack.append(i)
        elif stack and tags[stack[-1]].id == t.id:
            keep.update((stack.pop(), i))
    out, last = [], 0
    for i, t in enumerate(tags):
        out.append(_text_html(english[last:t.start]))
        if i in keep:
            out.append(marks[(t.kind, t.id)])
        last = t.end
    out.append(_text_html(english[last:]))
    return "".join(out)


def _text_html(text: str) -> str:
    return html.escape(text, quote=False).replace("\xa0", "&nbsp;")
