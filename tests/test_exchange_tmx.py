"""TMX 1.4b export (DTD-valid, translate-toolkit readable) and streaming import into the memory."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from translate.storage import tmx as tt_tmx

from workbench.exchange import safexml
from workbench.exchange.collect import select_units
from workbench.exchange.tabular import export_units_table, import_units_table, read_units_table
from workbench.exchange.tmx import (
    CONTEXT_PROPS,
    XML_LANG,
    export_tmx,
    import_tmx,
    parse_tmx_date,
    read_tmx,
    tmx_date,
    write_tmx,
)
from workbench.store import Store

from .test_exchange_scenario import Project, build_project

ROOT = Path(__file__).resolve().parents[1]



@pytest.fixture
def project(seeded: Store) -> Project:
    return build_project(seeded)

def tmx_dtd() -> etree.DTD:
    shared = ROOT.parent / "shared" / "spec" / "tmx14.dtd"
    path = shared if shared.is_file() else ROOT / "tests" / "data" / "tmx14.dtd"
    return etree.DTD(str(path))


def test_story_export_validates_against_the_tmx14_dtd(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "pair.tmx"
    report = export_tmx(project.store, "pair", out, include_mt=True)
    tree = etree.parse(str(out))
    dtd = tmx_dtd()
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    assert tree.docinfo.doctype == '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
    assert report.units == len(tree.findall(".//tu")) > 5


def test_header_and_unit_fields(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "pair.tmx"
    export_tmx(project.store, "pair", out, include_mt=True)
    root = etree.parse(str(out)).getroot()
    header = root.find("header")
    assert root.get("version") == "1.4"
    assert header.get("creationtool") == "workbench" and header.get("creationtoolversion")
    assert (header.get("segtype"), header.get("o-tmf"), header.get("adminlang"), header.get("datatype")) == \
        ("sentence", "workbench", "en", "plaintext")
    assert header.get("srclang") == "ru"  # the story's first document, not *all*
    assert parse_tmx_date(header.get("creationdate")) is not None
    first = root.find("body/tu")
    assert first.get("tuid") == f"{project.ru[0].id}={project.uk[0].id}"
    assert (first.get("creationid"), first.get("changeid")) == ("mt:marian", "bob")
    assert first.get("creationdate") <= first.get("changedate")
    props = {(p.get("type"), p.text) for p in first.findall("prop")}
    assert {("x-story", "pair"), ("x-status", "edited"), ("x-engine", "marian"),
            ("x-document", "000_610044b63f9e47d7.txt"), ("x-document", "001_020b06da08245c8e.txt")} <= props
    assert [tuv.get(XML_LANG) for tuv in first.findall("tuv")] == ["ru", "uk", "en"]
    # Languages are two-letter codes everywhere; no OmegaT context properties unless asked for.
    assert {tuv.get(XML_LANG) for tuv in root.iter("tuv")} == {"ru", "uk", "en"}
    assert not {p.get("type") for p in root.iter("prop")} & set(CONTEXT_PROPS)
    assert all(p.get("type").startswith("x-") for p in root.iter("prop"))
    # A uk unit in a ru-first story names its own srclang.
    uk_units = [tu for tu in root.iter("tu") if tu.find("tuv").get(XML_LANG) == "uk"]
    assert uk_units and all(tu.get("srclang") == "uk" for tu in uk_units)


def test_context_properties_only_on_request(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "ctx.tmx"
    export_tmx(project.store, "doc:000_", out, include_mt=True, context=True)
    tree = etree.parse(str(out))
    assert tmx_dtd().validate(tree)
    tu = tree.getroot().find("body/tu")
    props = {p.get("type"): p.text or "" for p in tu.findall("prop")}
    assert props["file"] == "000_610044b63f9e47d7.txt" and props["id"] == project.ru[0].id
    assert props["prev"] == "" and props["next"] == project.ru[1].text


def test_document_export_gives_bilingual_units_with_srclang_of_the_document(project: Project,
                                                                           tmp_path: Path) -> None:
    out = tmp_path / "uk.tmx"
    export_tmx(project.store, "doc:001_", out, include_mt=True)
    root = etree.parse(str(out)).getroot()
    assert root.find("header").get("srclang") == "uk"
    assert {tuple(t.get(XML_LANG) for t in tu.findall("tuv")) for tu in root.iter("tu")} == {("uk", "en")}
    assert len(root.findall("body/tu")) == len(project.uk)


def test_forbidden_characters_are_removed_and_counted(project: Project, tmp_path: Path) -> None:
    store = project.store
    seg = project.ru[1]
    store.save_edit(seg.id, "Washington\x01 \x08said\uffff.", "anna", 0)
    out = tmp_path / "ctl.tmx"
    report = export_tmx(store, "doc:000_", out)
    assert report.removed_chars == 3
    assert report.warnings == [f"{out}: removed 3 character(s) that XML does not allow"]
    texts = [tu.findall("tuv")[1].findtext("seg") for tu in etree.parse(str(out)).getroot().iter("tu")]
    assert "Washington said." in texts


def test_markup_characters_are_escaped_by_the_xml_library(project: Project, tmp_path: Path) -> None:
    store = project.store
    tricky = 'AT&T said "<b>no</b>" & left ]]> the room'
    store.save_edit(project.ru[1].id, tricky, "anna", 0)
    out = tmp_path / "esc.tmx"
    export_tmx(store, "doc:000_", out)
    raw = out.read_text(encoding="utf-8")
    assert "AT&amp;T" in raw and "&lt;b&gt;" in raw
    assert any(u.variants[-1][1] == tricky for u in read_tmx(out))


def test_translate_toolkit_reads_our_tmx(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "pair.tmx"
    export_tmx(project.store, "pair", out, include_mt=True)
    store = tt_tmx.tmxfile.parsefile(str(out))
    units = store.units
    assert len(units) == len(select_units(project.store, "pair", include_mt=True).units)
    first = units[0]
    assert first.source == project.ru[0].text
    assert first.getid() == f"{project.ru[0].id}={project.uk[0].id}"
    # translate-toolkit reads the first variant as source, the second as target.
    assert first.target == project.uk[0].text


def test_round_trip_export_import_keeps_text_status_and_history_fields(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "pair.tmx"
    export_tmx(project.store, "pair", out, include_mt=True)
    units = select_units(project.store, "pair", include_mt=True).units
    report = import_tmx(project.store, out)
    assert report.units_read == len(units) and report.skipped == 0
    memory = project.store.tm_units(tgt_lang="en")
    by_key = {(m.src_lang, m.source): m for m in memory}
    for u in units:
        src_lang, source = u.variants[0]
        m = by_key[(src_lang, source)]
        assert m.target == u.variants[-1][1]
        assert m.tuid == u.uid and m.origin == "pair.tmx"
        assert m.props["x-status"] == [u.status]
        assert m.props["x-segment"] == u.segment_ids
        assert (m.creation_id, m.change_id) == (u.created_by, u.changed_by)
        # TMX dates have second precision.
        assert m.creation_date == u.created_at.replace(microsecond=0)
        assert m.change_date == u.changed_at.replace(microsecond=0)
    # A multilingual unit gives ru->en, uk->en and ru->uk.
    first = units[0]
    assert project.store.tm_units("ru", tgt_lang="uk")[0].target == first.variants[1][1]
    assert any(m.src_lang == "uk" and m.source == first.variants[1][1] for m in memory)
    # Importing the same file again adds nothing.
    again = import_tmx(project.store, out)
    assert again.added == 0 and again.pairs == report.pairs


def test_import_reads_foreign_tmx_with_regions_inline_codes_and_old_lang(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "vendor.tmx"
    out.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
        '<tmx version="1.4"><header creationtool="Other" creationtoolversion="9" segtype="sentence" '
        'o-tmf="x" adminlang="en-US" srclang="ru-RU" datatype="html"/><body>'
        '<tu tuid="7" changedate="20240102T030405Z" changeid="vera">'
        '<tuv xml:lang="ru-RU"><seg>Цены на <bpt i="1">&lt;b&gt;</bpt>газ<ept i="1">&lt;/b&gt;</ept> '
        'выросли.</seg></tuv><tuv xml:lang="EN-US"><seg>Gas <ph>&lt;br/&gt;</ph>prices rose.</seg></tuv></tu>'
        '<tu><tuv lang="uk"><seg>Лише одна мова</seg></tuv></tu>'
        '</body></tmx>', encoding="utf-8")
    report = import_tmx(store, out)
    assert (report.units_read, report.added, report.skipped) == (2, 1, 1)
    [unit] = store.tm_units()
    assert (unit.src_lang, unit.source, unit.tgt_lang, unit.target) == ("ru", "Цены на газ выросли.", "en",
                                                                        "Gas prices rose.")
    assert unit.change_id == "vera" and unit.change_date == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_reading_releases_finished_units(tmp_path: Path) -> None:
    """Streaming: while a large file is read, finished <tu> elements do not pile up in the tree."""
    out = tmp_path / "big.tmx"
    tus = "".join(f'<tu tuid="{i}"><tuv xml:lang="ru"><seg>Строка {i}</seg></tuv>'
                  f'<tuv xml:lang="en"><seg>Line {i}</seg></tuv></tu>' for i in range(3000))
    out.write_text('<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" '
                   f'o-tmf="t" adminlang="en" srclang="ru" datatype="plaintext"/><body>{tus}</body></tmx>',
                   encoding="utf-8")
    widest = 0
    for event, elem in safexml.iterparse(out, roots=("tmx",), what="TMX"):
        if event == "end" and elem.tag == "tu":
            # The parser may have read ahead; what matters is that nothing before this unit remains.
            widest = max(widest, elem.getparent().index(elem))
            safexml.release(elem)
    assert widest <= 1
    units = list(read_tmx(out))
    assert len(units) == 3000 and units[-1].variants == [("ru", "Строка 2999"), ("en", "Line 2999")]


def test_dates_are_iso_basic_utc() -> None:
    when = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert tmx_date(when) == "20250304T050607Z"
    assert parse_tmx_date("20250304T050607Z") == when
    assert parse_tmx_date("2025-03-04T05:06:07Z") == when
    assert parse_tmx_date("yesterday") is None


def test_empty_selection_still_writes_a_valid_file(seeded: Store, tmp_path: Path) -> None:
    out = tmp_path / "empty.tmx"
    report = write_tmx(select_units(seeded, "doc:002_"), out)  # nothing translated yet
    assert report.units == 0
    assert tmx_dtd().validate(etree.parse(str(out)))


@pytest.mark.parametrize("status,expected", [("confirmed", {"approved"}), ("approved", {"approved"}),
                                             ("edited", {"edited", "approved"})])
def test_cli_export_tmx_with_status(run_cli, tmp_path: Path, status: str, expected: set[str]) -> None:
    data = tmp_path / "data"
    run = run_cli("import", str(ROOT / "corpus"), data_dir=data)
    assert run.returncode == 0, run.stderr
    st = Store(f"sqlite:///{(data / 'workbench.db').resolve()}")
    try:
        build_project(st)
    finally:
        st.close()
    out = tmp_path / "o.tmx"
    run = run_cli("export", "tmx", "pair", "-o", str(out), "--status", status, data_dir=data)
    assert run.returncode == 0, run.stderr
    assert "unit(s)" in run.stdout
    statuses = {p.text for p in etree.parse(str(out)).getroot().iter("prop") if p.get("type") == "x-status"}
    assert statuses == expected
    run = run_cli("import-tm", str(out), data_dir=data)
    assert run.returncode == 0, run.stderr
    assert "new memory pair" in run.stdout
    table = tmp_path / "o.tsv"
    run = run_cli("export", "csv", "pair", "-o", str(table), "--status", status, data_dir=data)
    assert run.returncode == 0, run.stderr
    run = run_cli("import-tm", str(table), data_dir=data)
    assert run.returncode == 0, run.stderr
    assert " 0 new memory pair(s)" in run.stdout  # the same units as the TMX


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_unit_table_holds_the_same_units_and_reads_into_the_same_memory(project: Project, tmp_path: Path,
                                                                         suffix: str) -> None:
    store = project.store
    table = tmp_path / f"pair{suffix}"
    report = export_units_table(store, "pair", table, include_mt=True)
    units = select_units(store, "pair", include_mt=True).units
    assert report.rows == len(units)
    header = table.read_text(encoding="utf-8").splitlines()[0]
    assert header.split("\t" if suffix == ".tsv" else ",")[:6] == ["id", "status", "origin", "ru", "uk", "en"]
    rows = list(read_units_table(table))
    assert [r.tuid for r in rows] == [u.uid for u in units]
    assert [dict(r.variants) for r in rows] == [dict(u.variants) for u in units]
    assert [r.change_id for r in rows] == [u.changed_by for u in units]
    # The table and the TMX give the same memory.
    tmx_path = tmp_path / "pair.tmx"
    export_tmx(store, "pair", tmx_path, include_mt=True)
    import_units_table(store, table)
    from_table = {(m.src_lang, m.source, m.tgt_lang, m.target) for m in store.tm_units()}
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        import_tmx(other, tmx_path)
        assert {(m.src_lang, m.source, m.tgt_lang, m.target) for m in other.tm_units()} == from_table
    finally:
        other.close()
