"""XLIFF 2.0/2.1 and 1.2: export of a document, and re-import of targets corrected in a CAT tool."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from translate.storage import xliff as tt_xliff
from translate.storage import xliff2 as tt_xliff2

from workbench.config import load_config
from workbench.exchange.safexml import ExchangeError
from workbench.exchange.xliff import (
    CTR_NS,
    MDA_NS,
    XLIFF2_NS,
    XLIFF12_NS,
    export_xliff,
    import_xliff,
    read_xliff,
)
from workbench.ingest import import_paths
from workbench.records import Flag
from workbench.store import Store

from .test_exchange_scenario import ENGINE, Project, build_project, mt_text

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
X2 = {"x": XLIFF2_NS, "mda": MDA_NS, "ctr": CTR_NS}
X1 = {"x": XLIFF12_NS}



@pytest.fixture
def project(seeded: Store) -> Project:
    return build_project(seeded)

def flag_project(project: Project) -> Flag:
    seg = project.ru[3]
    english = project.store.english_for([seg.id])[seg.id].text
    [stored] = project.store.replace_flags({seg.id: (seg.text, english)}, [Flag(
        segment_id=seg.id, side="target", start=0, end=5, kind="number", severity=0.9,
        message="number 5 is missing in the English", level="error", detector="numbers")])
    return stored


def edit_target(path: Path, unit_id: str, text: str, *, version: str = "2") -> None:
    """What a translator does in a CAT tool: change one target, leave everything else alone."""
    tree = etree.parse(str(path))
    if version.startswith("2"):
        target = tree.find(f".//x:unit[@id='{unit_id}']/x:segment/x:target", X2)
    else:
        target = tree.find(f".//x:trans-unit[@id='{unit_id}']/x:target", X1)
    target.text = text
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def fresh_store(tmp_path: Path, name: str) -> Store:
    cfg = load_config(env={"WORKBENCH_DATA_DIR": str(tmp_path / name)})
    st = Store(cfg.database_url)
    import_paths(st, [CORPUS], cfg)
    return st


def test_xliff2_structure_state_and_notes(project: Project, tmp_path: Path) -> None:
    flag = flag_project(project)
    out = tmp_path / "ru.xlf"
    report = export_xliff(project.store, "000_", out)
    root = etree.parse(str(out)).getroot()
    assert root.tag == f"{{{XLIFF2_NS}}}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "ru", "en")
    [file_el] = root.findall("x:file", X2)
    assert file_el.get("id") and file_el.get("original") == "000_610044b63f9e47d7.txt"
    units = root.findall(".//x:unit", X2)
    doc = project.store.document("000_")
    assert report.units == len(units) == len(doc.segments)
    assert [u.get("id") for u in units] == [s.id for s in doc.segments]
    states = {u.get("id"): u.find("x:segment", X2).get("state") for u in units}
    assert states[project.ru[0].id] == "reviewed"  # edited
    assert states[project.ru[1].id] == "translated"  # machine translation
    assert states[project.ru[3].id] == "final"  # approved
    boiler = next(s for s in doc.segments if s.role == "boilerplate")
    unit = root.find(f".//x:unit[@id='{boiler.id}']", X2)
    assert unit.get("translate") == "no" and states[boiler.id] == "initial"
    assert unit.find("x:segment/x:target", X2) is None
    flagged = root.find(f".//x:unit[@id='{project.ru[3].id}']", X2)
    [note] = flagged.findall("x:notes/x:note", X2)
    assert note.get("category") == "flag:number" and note.get("appliesTo") == "target"
    assert note.get("priority") == "1" and note.get("id") == f"f{flag.id}"
    assert "number 5 is missing" in note.text
    revisions = flagged.findall(".//ctr:revision", X2)
    assert [r.get("version") for r in revisions] == ["v0", "v1"]
    assert revisions[1].get("author") == "anna"


def test_xliff21_on_request_and_12(project: Project, tmp_path: Path) -> None:
    out21 = tmp_path / "ru21.xlf"
    export_xliff(project.store, "000_", out21, version="2.1")
    root = etree.parse(str(out21)).getroot()
    assert root.get("version") == "2.1" and root.tag == f"{{{XLIFF2_NS}}}xliff"
    out12 = tmp_path / "ru12.xlf"
    export_xliff(project.store, "000_", out12, version="1.2")
    root = etree.parse(str(out12)).getroot()
    assert root.tag == f"{{{XLIFF12_NS}}}xliff" and root.get("version") == "1.2"
    file_el = root.find("x:file", X1)
    assert (file_el.get("source-language"), file_el.get("target-language"), file_el.get("datatype")) == \
        ("ru", "en", "plaintext")
    tus = root.findall(".//x:trans-unit", X1)
    assert all(tu.get("id") for tu in tus)
    by_id = {tu.get("id"): tu for tu in tus}
    assert by_id[project.ru[0].id].find("x:target", X1).get("state") == "signed-off"
    assert by_id[project.ru[3].id].get("approved") == "yes"
    assert by_id[project.ru[3].id].find("x:target", X1).get("state") == "final"
    with pytest.raises(ExchangeError, match="--xliff-version"):
        export_xliff(project.store, "000_", out12, version="3.0")


def test_translate_toolkit_reads_our_xliff(project: Project, tmp_path: Path) -> None:
    out2, out12 = tmp_path / "a.xlf", tmp_path / "b.xlf"
    export_xliff(project.store, "000_", out2)
    export_xliff(project.store, "000_", out12, version="1.2")
    units2 = {u.getid(): u for u in tt_xliff2.Xliff2File.parsefile(str(out2)).units}
    units12 = {u.getid().split("\x04")[-1]: u for u in tt_xliff.xlifffile.parsefile(str(out12)).units}
    first = project.ru[0]
    for units in (units2, units12):
        assert units[first.id].source == first.text
        assert units[first.id].target.startswith("The United States said")
    assert units2[project.ru[3].id].istranslated()
    assert units12[project.ru[3].id].isapproved()
    assert not units12[project.ru[1].id].isapproved()  # MT is not approved


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_unchanged_file_imports_as_no_change(project: Project, tmp_path: Path, version: str) -> None:
    out = tmp_path / "ru.xlf"
    export_xliff(project.store, "000_", out, version=version)
    before = project.store.history(project.ru[0].id)
    report = import_xliff(project.store, out, "carl")
    assert {r.action for r in report.results} == {"unchanged"}
    assert project.store.history(project.ru[0].id) == before


@pytest.mark.parametrize("version", ["2.0", "2.1", "1.2"])
def test_changed_target_becomes_an_edit_with_history(project: Project, tmp_path: Path, version: str) -> None:
    store = project.store
    seg = project.ru[1]
    out = tmp_path / "ru.xlf"
    export_xliff(store, "000_", out, version=version)
    edit_target(out, seg.id, "WASHINGTON —", version=version)
    report = import_xliff(store, out, "carl")
    [changed] = [r for r in report.results if r.action != "unchanged"]
    assert (changed.unit_id, changed.action) == (seg.id, "edited")
    [edit] = store.history(seg.id)
    assert (edit.version, edit.text, edit.author, edit.origin) == (1, "WASHINGTON —", "carl", "import")
    assert "ru.xlf" in edit.comment
    assert store.segment(seg.id).status == "edited"
    # Importing the same file again changes nothing more.
    again = import_xliff(store, out, "carl")
    assert {r.action for r in again.results} == {"unchanged"}
    assert len(store.history(seg.id)) == 1


def test_units_whose_source_no_longer_matches_are_refused(project: Project, tmp_path: Path) -> None:
    store = project.store
    out = tmp_path / "ru.xlf"
    export_xliff(store, "000_", out)
    tree = etree.parse(str(out))
    unit = tree.find(f".//x:unit[@id='{project.ru[1].id}']", X2)
    unit.find("x:segment/x:source", X2).text = "ВАШИНГТОН, округ Колумбия."
    unit.find("x:segment/x:target", X2).text = "WASHINGTON, D.C."
    tree.find(f".//x:unit[@id='{project.ru[2].id}']/x:segment/x:target", X2).text = "Changed as well."
    ghost = etree.fromstring(etree.tostring(tree.find(f".//x:unit[@id='{project.ru[4].id}']", X2)))
    ghost.set("id", "ffffffffffffffffffff")
    tree.find("x:file", X2).append(ghost)
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    report = import_xliff(store, out, "carl")
    refused = {r.unit_id: r.detail for r in report.refused}
    assert refused == {project.ru[1].id: "source no longer matches the segment",
                       "ffffffffffffffffffff": "no such segment in this project"}
    assert store.history(project.ru[1].id) == []
    # The other changed unit was applied.
    assert store.history(project.ru[2].id)[-1].text == "Changed as well."


def test_reflowed_whitespace_in_the_source_still_matches(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "ru.xlf"
    export_xliff(project.store, "000_", out)
    tree = etree.parse(str(out))
    unit = tree.find(f".//x:unit[@id='{project.ru[4].id}']", X2)
    src = unit.find("x:segment/x:source", X2)
    src.text = "  " + src.text.replace(" ", "\n   ", 2) + " "
    unit.find("x:segment/x:target", X2).text = "Reflowed but the same sentence."
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    report = import_xliff(project.store, out, "carl")
    assert not report.refused
    assert project.store.history(project.ru[4].id)[-1].text == "Reflowed but the same sentence."


def test_edit_saved_in_the_workbench_since_export_is_not_overwritten(project: Project, tmp_path: Path) -> None:
    store = project.store
    seg = project.ru[0]
    out = tmp_path / "ru.xlf"
    export_xliff(store, "000_", out)
    store.save_edit(seg.id, "Edited in the workbench meanwhile.", "dana", 2)
    edit_target(out, seg.id, "Edited in the CAT tool.")
    report = import_xliff(store, out, "carl")
    [refused] = report.refused
    assert refused.unit_id == seg.id and "since the export (version 2 -> 3)" in refused.detail
    assert store.english_for([seg.id])[seg.id].text == "Edited in the workbench meanwhile."


def test_state_final_approves_and_lower_state_withdraws_approval(project: Project, tmp_path: Path) -> None:
    store = project.store
    out = tmp_path / "ru.xlf"
    export_xliff(store, "000_", out)
    tree = etree.parse(str(out))
    tree.find(f".//x:unit[@id='{project.ru[0].id}']/x:segment", X2).set("state", "final")
    tree.find(f".//x:unit[@id='{project.ru[3].id}']/x:segment", X2).set("state", "reviewed")
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    report = import_xliff(store, out, "rita")
    actions = {r.unit_id: r.action for r in report.results if r.action != "unchanged"}
    assert actions == {project.ru[0].id: "status", project.ru[3].id: "status"}
    assert store.segment(project.ru[0].id).status == "approved"
    assert store.segment(project.ru[3].id).status == "edited"


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_round_trip_into_another_project_keeps_text_status_and_history(project: Project, tmp_path: Path,
                                                                       version: str) -> None:
    """Export -> import into a project with the same documents gives the same segments, statuses
    and history fields (version, text, origin); the importer is the author of the replayed versions."""
    src = project.store
    out = tmp_path / "ru.xlf"
    export_xliff(src, "000_", out, version=version)
    dst = fresh_store(tmp_path, "other")
    try:
        report = import_xliff(dst, out, "importer")
        assert not report.refused
        ids = [s.id for s in src.document("000_").segments]
        a, b = src.english_for(ids), dst.english_for(ids)
        for sid in ids:
            assert (b[sid].text, b[sid].origin, b[sid].version) == (a[sid].text, a[sid].origin, a[sid].version)
            assert dst.segment(sid).status == src.segment(sid).status
            ha, hb = src.history(sid), dst.history(sid)
            assert [(e.version, e.text, e.origin) for e in hb] == [(e.version, e.text, e.origin) for e in ha]
            assert all(e.author == "importer" for e in hb)
            assert all(f"the file names {e.author!r} as author" in f.comment for e, f in zip(ha, hb, strict=True))
        mt = dst.translations([project.ru[1].id])[project.ru[1].id]
        assert (mt.text, mt.engine) == (mt_text(project.ru[1]), ENGINE)
    finally:
        dst.close()


def test_read_xliff_rejects_wrong_language_and_duplicate_ids(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "ru.xlf"
    export_xliff(project.store, "000_", out)
    raw = out.read_text(encoding="utf-8")
    bad = tmp_path / "de.xlf"
    bad.write_text(raw.replace('trgLang="en"', 'trgLang="de"'), encoding="utf-8")
    with pytest.raises(ExchangeError, match=r"de\.xlf: target language is 'de'"):
        read_xliff(bad)
    tree = etree.parse(str(out))
    file_el = tree.find("x:file", X2)
    file_el.append(etree.fromstring(etree.tostring(file_el.find("x:unit", X2))))
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    with pytest.raises(ExchangeError, match="appears twice"):
        read_xliff(out)


def test_cli_export_and_import_xliff(run_cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli("import", str(CORPUS), data_dir=data).returncode == 0
    st = Store(f"sqlite:///{(data / 'workbench.db').resolve()}")
    try:
        proj = build_project(st)
    finally:
        st.close()
    out = tmp_path / "ru.xlf"
    run = run_cli("export", "xliff", "000_", "-o", str(out), "--xliff-version", "2.1", data_dir=data)
    assert run.returncode == 0, run.stderr
    assert "XLIFF 2.1" in run.stdout
    edit_target(out, proj.ru[1].id, "WASHINGTON —")
    tree = etree.parse(str(out))
    tree.find(f".//x:unit[@id='{proj.ru[2].id}']/x:segment/x:source", X2).text = "Другой текст."
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    run = run_cli("--user", "carl", "import-xliff", str(out), data_dir=data)
    assert run.returncode == 1  # one unit refused
    assert proj.ru[1].id in run.stdout and "edited" in run.stdout
    assert "source no longer matches" in run.stdout
    assert "1 edited" in run.stderr and "1 refused" in run.stderr


def test_unit_split_into_segments_by_a_cat_tool_is_joined(project: Project, tmp_path: Path) -> None:
    """Some tools resegment a unit; the sources (with the ignorable space) still make up the segment."""
    seg = project.ru[4]
    out = tmp_path / "ru.xlf"
    export_xliff(project.store, "000_", out)
    tree = etree.parse(str(out))
    unit = tree.find(f".//x:unit[@id='{seg.id}']", X2)
    old = unit.find("x:segment", X2)
    head, tail = seg.text.split(" ", 1)
    parts = [("segment", head, "First half,"), ("ignorable", " ", None), ("segment", tail, "second half.")]
    for kind, source, target in parts:
        el = etree.SubElement(unit, f"{{{XLIFF2_NS}}}{kind}", state="translated") if kind == "segment" else \
            etree.SubElement(unit, f"{{{XLIFF2_NS}}}{kind}")
        etree.SubElement(el, f"{{{XLIFF2_NS}}}source").text = source
        if target:
            etree.SubElement(el, f"{{{XLIFF2_NS}}}target").text = target
    unit.remove(old)
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    report = import_xliff(project.store, out, "carl")
    assert not report.refused
    assert project.store.history(seg.id)[-1].text == "First half, second half."
