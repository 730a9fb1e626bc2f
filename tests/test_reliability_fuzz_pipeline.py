"""Bad input fuzzing across modules: hostile Unicode into flagging, alignment and TMX/XLIFF export.

Whatever text comes in (control characters, bidi marks, NBSP, combining marks, very long lines
without spaces, lone surrogates, characters XML forbids), flagging returns flags whose offsets
slice the text, the aligner puts every line or segment in exactly one bead, and the exporters
write a TMX that validates against the TMX 1.4 DTD and XLIFF that translate-toolkit reads, with
only the XML-forbidden characters missing (and counted). Anything refused is a `WorkbenchError`.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from translate.storage import tmx as tt_tmx
from translate.storage import xliff as tt_xliff
from translate.storage import xliff2 as tt_xliff2

from workbench.align import align_lines, align_segments
from workbench.config import load_config
from workbench.errors import WorkbenchError
from workbench.exchange.collect import select_units
from workbench.exchange.safexml import clean_text
from workbench.exchange.tmx import export_tmx, import_tmx, read_tmx
from workbench.exchange.xliff import export_xliff, read_xliff
from workbench.flags import flag_text
from workbench.ingest import IngestError, build_document, import_bytes
from workbench.records import Translation
from workbench.store import Store

from .test_reliability_fuzz import BYTES, HOSTILE, TEXTS, WORDS, check_document

ROOT = Path(__file__).resolve().parents[1]
TMX_DTD = etree.DTD(str(ROOT / "tests" / "data" / "tmx14.dtd"))

# Beyond the shared strategies: lone surrogates (a Python str may hold them; no encoder takes
# them) and the C0 controls and non-characters XML 1.0 cannot represent, escaped or not.
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d"]
XML_FORBIDDEN = ["\x01", "\x02", "\x08", "\x0b", "\x0c", "\x0e", "\x1a", "\x1f", "\ufffe", "\uffff"]
EXTRA = st.sampled_from(SURROGATES + XML_FORBIDDEN)
ANY_CHAR_TEXT = st.text(st.characters(codec=None, categories=None, exclude_categories=()), max_size=20)
PIECES = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(WORDS), EXTRA, ANY_CHAR_TEXT,
                   st.sampled_from([" ", ". ", "! ", "\n", "\n\n", "  "]))
FUZZ_TEXTS = st.one_of(TEXTS, st.lists(PIECES, max_size=80).map("".join))
# Text a segment can be built from (no lone surrogates, which ingestion refuses), XML-forbidden
# characters included: what reaches the store and then the exporters.
STORABLE = st.lists(st.one_of(st.sampled_from(HOSTILE), st.sampled_from(WORDS), st.sampled_from(XML_FORBIDDEN),
                              st.text(max_size=12), st.sampled_from([" ", ". ", "\n", "\n\n"]),
                              st.sampled_from(["Посол заявил о переговорах 10 января. ", "Київ відповів. "])),
                    min_size=1, max_size=50).map("".join)
ENGLISH = st.one_of(st.lists(st.one_of(st.sampled_from(XML_FORBIDDEN + HOSTILE), st.text(max_size=15),
                                       st.sampled_from(["The president said", " ", "&amp;", "<b>", "]]>"])),
                             max_size=12).map("".join),
                    st.tuples(st.sampled_from(["x", "\x01", "ab\u0301"]), st.integers(100, 3000)).map(
                        lambda t: t[0] * t[1]))

CONFIG = load_config(env={})
FLAG_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ALIGN_FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXPORT_FUZZ = settings(max_examples=120, deadline=None,
                       suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def clear_error(exc: WorkbenchError) -> None:
    assert str(exc) and "\n" not in str(exc)


# --- flagging -------------------------------------------------------------------------------------
@FLAG_FUZZ
@given(text=FUZZ_TEXTS, lang=st.sampled_from([None, "ru", "uk"]))
def test_flag_text_offsets_slice_the_text(text: str, lang: str | None):
    try:
        flags = flag_text(text, lang, CONFIG, name="fuzz.txt")
    except WorkbenchError as exc:
        clear_error(exc)
        event("refused")
        return
    event("flagged" if flags else "no flags")
    for f in flags:
        assert 0 <= f.start <= f.end <= len(text), f
        assert text[f.start:f.end] == f.text, f
        assert 0.0 <= f.severity <= 1.0 and f.kind and f.message and "\n" not in f.message


def test_flag_text_reads_letters_without_a_unicode_name():
    # pymorphy3 raises ValueError on letters unicodedata cannot name (here a Tangut ideograph).
    text = "Москва0\U00017000 заявила о переговорах. Київ1\U00017001 відповів."
    for lang in ("ru", "uk"):
        for f in flag_text(text, lang, CONFIG, name="fuzz.txt"):
            assert text[f.start:f.end] == f.text


def test_flag_text_refuses_lone_surrogates_with_a_clear_error():
    with pytest.raises(WorkbenchError) as err:
        flag_text("Президент заявил \ud800 о переговорах.", "ru", CONFIG, name="fuzz.txt")
    assert str(err.value).startswith("fuzz.txt: ")


# --- alignment ------------------------------------------------------------------------------------
LINES = st.lists(st.one_of(FUZZ_TEXTS.map(lambda t: t.replace("\n", " ")), st.sampled_from(["", "  ", "\u200b"])),
                 max_size=25)


@ALIGN_FUZZ
@given(lines_a=LINES, lines_b=LINES)
def test_align_lines_puts_every_line_in_exactly_one_bead(lines_a: list[str], lines_b: list[str]):
    try:
        beads = align_lines(lines_a, lines_b, "ru", "uk")
    except WorkbenchError as exc:
        clear_error(exc)
        return
    for src, tgt, score in beads:
        assert src or tgt
        assert 0.0 <= score <= 1.0
    for lines, side in ((lines_a, 0), (lines_b, 1)):
        used = sorted(k for bead in beads for k in bead[side])
        # Blank lines take no part; every other line is in exactly one bead.
        assert used == [k for k, line in enumerate(lines) if line.strip()]


@ALIGN_FUZZ
@given(text_a=FUZZ_TEXTS, text_b=FUZZ_TEXTS)
def test_align_segments_covers_every_segment_once(text_a: str, text_b: str):
    try:
        doc_a, doc_b = build_document(text_a, "a.txt"), build_document(text_b, "b.txt")
    except IngestError as exc:
        clear_error(exc)
        return
    check_document(doc_a, text_a)
    check_document(doc_b, text_b)
    english = {s.id: s.text[::-1] for s in doc_a.segments[::2] + doc_b.segments[::2]}
    for kwargs in ({}, {"english_a": english, "english_b": english}):
        beads = align_segments(doc_a.segments, doc_b.segments, **kwargs)
        for bead in beads:
            assert bead.src or bead.tgt
            assert 0.0 <= bead.score <= 1.0
        for doc, side in ((doc_a, "src"), (doc_b, "tgt")):
            used = sorted(sid for bead in beads for sid in getattr(bead, side))
            # Boilerplate takes no part; every other segment is in exactly one bead.
            assert used == sorted(s.id for s in doc.segments if s.role != "boilerplate")


# --- TMX / XLIFF export ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def export_env():
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(env={"WORKBENCH_DATA_DIR": str(Path(tmp) / "data")})
        store = Store(config.database_url)
        yield store, config, Path(tmp), itertools.count()
        store.close()


@pytest.mark.parametrize("bad", ["\x00", "\ud800", "\udfff"])
def test_save_edit_refuses_english_no_database_can_hold(store: Store, bad: str):
    [(doc, _added)] = store.add_documents([build_document("Посол заявил о переговорах 10 января.", "one.txt")])
    sid = store.document(doc.id).segments[0].id
    with pytest.raises(WorkbenchError) as err:
        store.save_edit(sid, f"The ambassador{bad} spoke.", "tester", 0)
    assert str(err.value).startswith(f"segment {sid}: ") and "\n" not in str(err.value)
    assert store.history(sid) == [] and store.segment(sid).status == "new"
    assert store.save_edit(sid, "The ambassador spoke.", "tester", 0).version == 1


def _forbidden(text: str) -> int:
    return clean_text(text)[1]


@EXPORT_FUZZ
@given(text=STORABLE, data=st.one_of(st.none(), st.none(), BYTES), english=st.lists(ENGLISH, min_size=1, max_size=6),
       edit_every=st.integers(1, 3), unstorable=st.sampled_from(["", "\x00", *SURROGATES]))
def test_export_of_fuzzed_documents_validates_and_round_trips(export_env, text: str, data: bytes | None,
                                                               english: list[str], edit_every: int,
                                                               unstorable: str):
    store, config, tmp, counter = export_env
    n = next(counter)
    name = f"fuzz{n}.txt"
    try:
        if data is None:
            [(doc, _added)] = store.add_documents([build_document(text, name)])
        else:
            report = import_bytes(store, name, data, config)
            doc = (report.added or report.unchanged)[0]
    except WorkbenchError as exc:
        clear_error(exc)
        event("import refused")
        return
    doc = store.document(doc.id)
    # Fuzzed English for some segments: machine translation for all of them, edits on some.
    pairs = list(zip(doc.segments, english, strict=False))  # as many as the shorter list
    store.save_translations([(Translation(s.id, en, "fuzz", "fuzz-model"), s.text) for s, en in pairs])
    current = store.english_for([s.id for s, _en in pairs])
    for k, (s, en) in enumerate(pairs):
        if k % edit_every == 0:
            store.save_edit(s.id, en[::-1].replace("\x00", ""), "tester", current[s.id].version)
        elif unstorable:
            # Text no database holds is refused in one line, and the history stays as it was.
            history = store.history(s.id)
            with pytest.raises(WorkbenchError) as err:
                store.save_edit(s.id, en[:3] + unstorable + en[3:], "tester", current[s.id].version)
            clear_error(err.value)
            assert store.history(s.id) == history

    ref = f"doc:{doc.id}"
    selection = select_units(store, ref, include_mt=True)
    out = tmp / f"{n}.tmx"
    report = export_tmx(store, ref, out, include_mt=True)
    assert report.units == len(selection.units)
    tree = etree.parse(str(out))
    assert TMX_DTD.validate(tree), TMX_DTD.error_log.filter_from_errors()
    assert len(tt_tmx.tmxfile.parsefile(str(out)).units) == report.units
    # The exporter counts exactly the characters it had to drop.
    expected_removed = sum(_forbidden(t) for u in selection.units for _lang, t in u.variants)
    expected_removed += sum(_forbidden(u.uid) + sum(_forbidden(d) for d in u.documents) for u in selection.units)
    assert report.removed_chars == expected_removed
    assert bool(report.warnings) == bool(expected_removed or not report.units)  # or: the file holds no unit
    event(f"exported {min(report.units, 3)}+ units, {'some' if expected_removed else 'no'} characters removed")
    # Re-reading gives the exported texts back, less the forbidden characters.
    read = list(read_tmx(out))
    assert [u.tuid for u in read] == [u.uid for u in selection.units]
    for unit, back in zip(selection.units, read, strict=True):
        assert back.variants == [(lang, clean_text(t)[0].strip()) for lang, t in unit.variants]
    tm = import_tmx(store, out)
    assert tm.units_read == report.units

    for version in ("2.0", "1.2"):
        xout = tmp / f"{n}-{version}.xlf"
        xreport = export_xliff(store, str(doc.id), xout, version=version)
        assert xreport.units == len(doc.segments)
        parsed = (tt_xliff2.Xliff2File if version == "2.0" else tt_xliff.xlifffile).parsefile(str(xout))
        assert len(parsed.units) == xreport.units
        units = {u.id: u for u in read_xliff(xout).units}
        english_now = store.english_for([s.id for s in doc.segments])
        for s in doc.segments:
            assert units[s.id].source == clean_text(s.text)[0]
            en = english_now.get(s.id)
            if en is not None and en.text:
                assert units[s.id].target == clean_text(en.text)[0]


def test_markup_debris_without_words_is_not_a_cut_off_sentence(config):
    # Found by the fuzzer: a segment ending in "-" with no words crashed the cut-off check.
    from workbench.flags import flag_text

    flags = flag_text("<!--", "ru", config)
    assert all(f.kind != "cut_off" for f in flags)
