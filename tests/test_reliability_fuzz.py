"""Bad input fuzzing: random bytes and hostile Unicode into decoding, segmentation and import.

Whatever comes in, the importer either returns a result whose offsets slice the text exactly, or
raises a `WorkbenchError` with a one-line message naming the file; it never leaks another exception,
and a refused file leaves the store as it was.
"""

from __future__ import annotations

import codecs
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.config import load_config
from workbench.errors import WorkbenchError
from workbench.ingest import MAX_LINE_CHARS, MAX_SEGMENT_CHARS, IngestError, build_document, import_bytes
from workbench.ingest.readers import decode, decode_named
from workbench.ingest.segment import blocks, sentences
from workbench.records import LANGS, ROLES, Document
from workbench.store import Store

from . import reliability_db

db_url = reliability_db.db_url  # the fixture: SQLite, then PostgreSQL when configured

# Characters that break naive text handling: bidi marks and overrides, no-break and thin spaces,
# combining accents, BOM / zero-width, Unicode line and paragraph separators, C0/C1 controls.
HOSTILE = ["\u200f", "\u200e", "\u202e", "\u202c", "\u2066", "\u00a0", "\u202f", "\u2009", "\u0301", "\u0308",
           "\u0300", "\ufeff", "\u200b", "\u2028", "\u2029", "\x85", "\r", "\n", "\r\n", "\t", "\x0b", "\x0c",
           "\x1c", "\x1e", "\x01", "\x1b", "\x7f", "\ufffd", "ʼ", "’", "«", "»", "—", "…", "?!", "...", "\U0001f600",
           "\ufffe", "\uffff", "\U00017000"]
WORDS = ["Москва", "заявил", "президент", "переговоры", "10 января", "2025 г.", "т.д.", "США", "Київ", "сказав",
         "з’явився", "ґанок", "їжак", "ё", "Reuters", "Read also", "Фото:", "1 234,5", "https://x.ua/a?b=1",
         "<p>", "</div>", "&amp;", "<script>alert(1)</script>", "<nav>", "<title>", "<article>", "<br>", "<!--",
         "-->", "<![CDATA[", "<?xml version='1.0'?>", "<!DOCTYPE html>", "&#0;", "&#1;", "&#x1f;", "&#xfffe;",
         "&#55296;", "&nbsp;", "<html><body>", "<div><div><div>"]
PIECES = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(WORDS), st.text(max_size=12),
                   st.sampled_from([" ", ". ", "! ", "\n\n", "  "]))
# Very long lines without spaces, with and without sentence punctuation.
LONG_LINES = st.tuples(st.sampled_from(["а", "Я.", "x", "ы\u0301", "\u0301", "слово,", "\u200f", "1."]),
                       st.integers(500, 8000)).map(lambda t: t[0] * t[1])
TEXTS = st.one_of(st.lists(PIECES, max_size=120).map("".join), LONG_LINES,
                  st.tuples(st.lists(PIECES, max_size=30).map("".join), LONG_LINES).map("\n".join))
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1251", "koi8-r", "koi8-u", "latin-1"]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


BYTES = st.one_of(
    st.binary(max_size=3000),
    st.tuples(TEXTS, st.sampled_from(ENCODINGS)).map(lambda t: encoded(*t)),
    # a valid text with random bytes spliced in
    st.tuples(TEXTS, st.sampled_from(ENCODINGS), st.binary(min_size=1, max_size=40), st.integers(0, 10_000))
    .map(lambda t: (b := encoded(t[0], t[1]))[: t[3] % (len(b) + 1)] + t[2] + b[t[3] % (len(b) + 1):]),
    st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]).flatmap(
        lambda bom: st.binary(max_size=500).map(lambda b: bom + b)),
)


def check_document(doc: Document, text: str) -> None:
    """Everything downstream relies on: offsets, ids, order, language and role values."""
    assert doc.text == text
    assert doc.segments, "a document that imports has at least one segment"
    assert [s.index for s in doc.segments] == list(range(len(doc.segments)))
    assert len({s.id for s in doc.segments}) == len(doc.segments)
    previous_end = 0
    for seg in doc.segments:
        assert text[seg.start:seg.end] == seg.text
        assert seg.text and seg.text == seg.text.strip()
        assert seg.start >= previous_end
        previous_end = seg.end
        assert seg.lang in LANGS and seg.role in ROLES and seg.role_reason is not None
    assert doc.lang in LANGS


def one_line(exc: WorkbenchError, name: str) -> None:
    message = str(exc)
    assert message and "\n" not in message
    assert message.startswith(name) or name in message


@FUZZ
@given(data=BYTES)
def test_decode_random_bytes_gives_text_or_a_clear_error(data: bytes):
    try:
        text, encoding = decode(data, "fuzz.txt")
    except IngestError as exc:
        one_line(exc, "fuzz.txt")
        return
    assert isinstance(text, str) and text.strip() and encoding
    text.encode("utf-8")  # no lone surrogates: the store and the segment ids need encodable text
    try:
        doc = build_document(text, "fuzz.txt", encoding=encoding)
    except IngestError as exc:
        one_line(exc, "fuzz.txt")
        return
    check_document(doc, text)


@FUZZ
@given(data=BYTES, suffix=st.sampled_from([".html", ".htm", ".txt", ".md"]))
def test_decode_named_handles_any_markup(data: bytes, suffix: str):
    name = f"page{suffix}"
    try:
        text, _encoding, title = decode_named(data, name, suffix, 1_000_000)
    except IngestError as exc:
        one_line(exc, name)
        return
    assert isinstance(title, str) and "\n" not in title
    try:
        check_document(build_document(text, name), text)
    except IngestError as exc:
        one_line(exc, name)


@FUZZ
@given(text=TEXTS)
def test_segmentation_offsets_slice_the_text(text: str):
    for block in blocks(text):
        assert text[block.start:block.end] == block.text and block.text.strip() == block.text
    spans = sentences(text)
    for span in spans:
        assert text[span.start:span.end] == span.text and span.text
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
    try:
        doc = build_document(text, "fuzz.md")
    except IngestError as exc:
        one_line(exc, "fuzz.md")
        too_long = any(len(line) > MAX_LINE_CHARS for line in text.split("\n")) or \
            any(len(span.text) > MAX_SEGMENT_CHARS for span in spans)
        assert not spans or too_long, "text with sentences must import, unless a line or sentence is over the limits"
        return
    check_document(doc, text)
    assert [(s.start, s.end) for s in doc.segments] == [(s.start, s.end) for s in spans]


NAMES = st.one_of(
    st.text(max_size=40).map(lambda s: s + ".txt"),
    st.sampled_from(["../../etc/passwd.txt", "/etc/shadow.txt", "..\\..\\win.ini.txt", "a\x00b.txt", "..",
                     ".", "", ".txt", "C:\\x\\y.md", "dir/page.html", "x.exe", "noext", "\u202etxt.exe",
                     "\u202egpj.txt", "a" * 300 + ".txt", "tab\there.md", "line\nbreak.txt"]),
)


@pytest.fixture(scope="module")
def fuzz_store():
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(env={"WORKBENCH_DATA_DIR": str(Path(tmp) / "data"),
                                  "WORKBENCH_MAX_IMPORT_BYTES": "20000"})
        store = Store(config.database_url)
        yield store, config, Path(tmp)
        store.close()


@FUZZ
@given(name=NAMES, data=BYTES)
def test_import_bytes_imports_or_refuses_without_partial_change(fuzz_store, name: str, data: bytes):
    store, config, tmp = fuzz_store
    before = {d.id for d in store.documents()}
    events_before = len(store.events(limit=100_000))
    try:
        report = import_bytes(store, name, data, config)
    except WorkbenchError as exc:
        assert str(exc) and "\n" not in str(exc)
        assert {d.id for d in store.documents()} == before
        assert len(store.events(limit=100_000)) == events_before
        return
    assert len(report.added) + len(report.unchanged) == 1
    stored = store.document((report.added or report.unchanged)[0].id)
    # Only a base name is kept: nothing of a directory, drive or parent reference.
    assert "/" not in stored.name and "\\" not in stored.name and stored.name not in ("", ".", "..")
    assert not any(unicodedata.category(c) == "Cc" for c in stored.name) and "\u202e" not in stored.name
    check_document(stored, stored.text)
    # Nothing was written next to the store (an upload is never saved under its own name).
    assert sorted(p.name for p in tmp.rglob("*") if p.is_file() and "workbench.db" not in p.name) == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_decoded_nul_characters_are_refused_on_every_database(db_url: str, config, encoding: str):
    """UTF-16 text may decode to U+0000, which PostgreSQL cannot store: refused as binary, up front."""
    store = Store(db_url)
    text = "Президент заявил о переговорах в Женеве.\x00 Встреча пройдет 10 января, сообщили в Кремле."
    with pytest.raises(IngestError) as err:
        import_bytes(store, "nul.txt", text.encode(encoding), config)
    assert str(err.value) == "nul.txt: binary file (contains NUL characters)"
    assert store.documents() == []
    # The same text without the NUL imports on the same database.
    report = import_bytes(store, "clean.txt", text.replace("\x00", "").encode(encoding), config)
    check_document(store.document(report.added[0].id), text.replace("\x00", ""))
    store.close()
