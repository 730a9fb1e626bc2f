"""A story's alignment as a memory: ru/uk units with or without English, score filter, corrected beads,
the reason an export is empty (library, CLI and Export page)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from lxml import etree

from workbench.config import Config
from workbench.exchange.collect import ExchangeError, select_units
from workbench.exchange.tabular import export_units_table, read_units_table
from workbench.exchange.tmx import XML_LANG, export_tmx, import_tmx
from workbench.records import Bead, Translation
from workbench.store import Store

from .story_pair import StoryPair, build_story_pair, write_sources
from .test_exchange_tmx import tmx_dtd


@pytest.fixture
def pair(store: Store, config: Config, tmp_path: Path) -> StoryPair:
    return build_story_pair(store, config, tmp_path / "src")


def props(tu: etree._Element) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in tu.findall("prop"):
        out.setdefault(p.get("type"), []).append(p.text or "")
    return out


def test_every_bead_is_a_unit_without_any_english(pair: StoryPair, tmp_path: Path) -> None:
    out = tmp_path / "bridges.tmx"
    report = export_tmx(pair.store, "bridges", out)
    tree = etree.parse(str(out))
    assert tmx_dtd().validate(tree), tmx_dtd().error_log.filter_from_errors()
    tus = tree.getroot().findall("body/tu")
    assert report.units == len(tus) == len(pair.ru) == 7 and not report.warnings
    for tu, ru, uk in zip(tus, pair.ru, pair.uk, strict=True):
        assert [(v.get(XML_LANG), v.findtext("seg")) for v in tu.findall("tuv")] == [("ru", ru.text), ("uk", uk.text)]
        p = props(tu)
        assert p["x-bead-origin"] == ["aligner"] and 0.5 < float(p["x-bead-score"][0]) <= 1.0
        assert "x-status" not in p  # the status belongs to English, and there is none


def test_status_filters_the_english_not_the_pairing(pair: StoryPair) -> None:
    store = pair.store
    store.save_translations([(Translation(s.id, f"MT {k}", "marian", "m"), s.text) for k, s in enumerate(pair.ru)])
    store.save_edit(pair.ru[1].id, "Work starts in spring.", "anna", 0)
    store.set_segment_status(pair.ru[1].id, "approved", "rita")
    store.save_edit(pair.uk[2].id, "The bridge over the river goes first.", "olena", 0)
    for status, english in (("approved", {1: "Work starts in spring."}),
                            ("edited", {1: "Work starts in spring.", 2: "The bridge over the river goes first."})):
        units = select_units(store, "bridges", status=status).units
        assert len(units) == 7  # every bead, whatever the English
        got = {k: dict(u.variants)["en"] for k, u in enumerate(units) if "en" in dict(u.variants)}
        assert got == english
        assert {u.status for u in units if "en" not in dict(u.variants)} == {""}
    with_mt = select_units(store, "bridges", status="all", include_mt=True).units
    assert dict(with_mt[0].variants)["en"] == "MT 0" and with_mt[0].origin == "mt"


def test_min_score_drops_weak_beads_but_keeps_corrected_ones(pair: StoryPair, tmp_path: Path) -> None:
    store = pair.store
    beads = store.alignment(pair.ru_doc, pair.uk_doc)
    # A person joins the last two Russian sentences with the last Ukrainian one and splits the Ukrainian 6th.
    remove = beads[-2:]
    add = [Bead([pair.ru[5].id, pair.ru[6].id], [pair.uk[6].id], 1.0), Bead([], [pair.uk[5].id], 1.0)]
    store.correct_alignment(pair.ru_doc, pair.uk_doc, remove, add, "rita")
    kept = select_units(store, "bridges", min_score=1.0).units
    assert [u.uid for u in kept] == [f"{pair.ru[5].id}+{pair.ru[6].id}={pair.uk[6].id}"]
    assert kept[0].bead_origin == "corrected"
    everything = select_units(store, "bridges").units
    assert len(everything) == 6 and [u.bead_origin for u in everything] == ["aligner"] * 5 + ["corrected"]
    out = tmp_path / "b.tmx"
    export_tmx(store, "bridges", out, min_score=1.0)
    tree = etree.parse(str(out))
    assert tmx_dtd().validate(tree)
    assert [props(tu)["x-bead-origin"] for tu in tree.getroot().iter("tu")] == [["corrected"]]
    with pytest.raises(ExchangeError, match="--min-score"):
        select_units(store, "bridges", min_score=1.5)


def test_a_story_table_holds_the_same_units_and_memory(pair: StoryPair, tmp_path: Path) -> None:
    table = tmp_path / "bridges.csv"
    report = export_units_table(pair.store, "bridges", table)
    assert report.rows == 7 and not report.warnings
    with table.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["ru"], r["uk"], r["en"], r["bead_origin"]) for r in rows] == \
        [(a.text, b.text, "", "aligner") for a, b in zip(pair.ru, pair.uk, strict=True)]
    assert [dict(u.variants) for u in read_units_table(table)] == \
        [{"ru": a.text, "uk": b.text} for a, b in zip(pair.ru, pair.uk, strict=True)]
    tmx_path = tmp_path / "bridges.tmx"
    export_tmx(pair.store, "bridges", tmx_path)
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        import_tmx(other, tmx_path)
        memory = {(m.src_lang, m.source, m.tgt_lang, m.target) for m in other.tm_units()}
    finally:
        other.close()
    assert memory == {("ru", a.text, "uk", b.text) for a, b in zip(pair.ru, pair.uk, strict=True)}


def test_an_empty_export_says_why(store: Store, config: Config, tmp_path: Path) -> None:
    from workbench.ingest import import_paths

    import_paths(store, list(write_sources(tmp_path / "src")), config, story="bridges")
    out = tmp_path / "e.tmx"
    report = export_tmx(store, "bridges", out)
    assert report.units == 0 and tmx_dtd().validate(etree.parse(str(out)))
    [warning] = report.warnings
    assert "holds no unit" in warning and "workbench align" in warning and "English" in warning
    doc = export_tmx(store, "doc:bridges_ru", tmp_path / "d.tmx", status="approved")
    assert doc.warnings == [f"{tmp_path / 'd.tmx'}: holds no unit: no segment has confirmed English"]


def test_document_export_stays_source_and_english(pair: StoryPair) -> None:
    store = pair.store
    store.save_edit(pair.ru[0].id, "The city council approved a plan.", "anna", 0)
    units = select_units(store, "doc:bridges_ru").units
    assert [u.variants for u in units] == [[("ru", pair.ru[0].text), ("en", "The city council approved a plan.")]]
    assert units[0].bead_origin == "" and units[0].bead_score is None


def test_cli_exports_the_alignment_and_warns_when_empty(run_cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    ru, uk = write_sources(tmp_path / "src")
    assert run_cli("import", str(ru), str(uk), "--story", "bridges", data_dir=data).returncode == 0
    out = tmp_path / "o.tmx"
    before = run_cli("export", "tmx", "bridges", "-o", str(out), data_dir=data)
    assert before.returncode == 0 and "wrote 0 unit(s)" in before.stdout
    assert "warning" in before.stderr and "workbench align" in before.stderr
    assert run_cli("align", "bridges", data_dir=data).returncode == 0
    for fmt, name in (("tmx", "o.tmx"), ("csv", "o.csv")):
        run = run_cli("export", fmt, "bridges", "-o", str(tmp_path / name), "--status", "approved", data_dir=data)
        assert run.returncode == 0, run.stderr
        assert "wrote 7 unit(s)" in run.stdout and not run.stderr
    langs = [[v.get(XML_LANG) for v in tu.findall("tuv")] for tu in etree.parse(str(out)).getroot().iter("tu")]
    assert langs == [["ru", "uk"]] * 7
    weak = run_cli("export", "csv", "bridges", "-o", str(tmp_path / "w.csv"), "--min-score", "1", data_dir=data)
    assert weak.returncode == 0 and "wrote 0 unit(s)" in weak.stdout and "--min-score 1.0" in weak.stderr
