"""Glossaries out and in: TBX-Basic (martif) and CSV/TSV tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from translate.storage import tbx as tt_tbx

from workbench.exchange.safexml import ExchangeError
from workbench.exchange.tabular import export_glossary_table, import_glossary_table, read_glossary_table
from workbench.exchange.tbx import STATUS_TO_TBX, XML_LANG, export_tbx, import_tbx, read_tbx
from workbench.records import Term
from workbench.store import Store

ROOT = Path(__file__).resolve().parents[1]

TERMS = [
    Term(None, "ru", "шокирующая позиция", "shocking stance", "approved", note="Russian MFA wording"),
    Term(None, "ru", "переговоры по безопасности", "security talks", "proposed"),
    Term(None, "uk", "Міністерство оборони", "Ministry of Defense", "approved"),
    Term(None, "uk", "розвідка", "intellect", "rejected", kind="bad", note="MT error: means intelligence"),
]


def glossary(store: Store) -> list[Term]:
    out = []
    for t in TERMS:
        term = store.add_term(Term(**{**t.__dict__}), "gleb")
        if t.status != "proposed":
            store.review_term(term.id, t.status, "rita", comment="checked against the style guide")
        out.append(store.term(term.id))
    return out


def entries(store: Store) -> set[tuple[str, str, str, str, str, str]]:
    return {(t.lang, t.source, t.english, t.status, t.kind, t.note) for t in store.terms()}


def test_tbx_basic_layout(store: Store, tmp_path: Path) -> None:
    terms = glossary(store)
    out = tmp_path / "g.tbx"
    report = export_tbx(store, out)
    root = etree.parse(str(out)).getroot()
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"
    assert root.find("martifHeader/fileDesc/sourceDesc/p") is not None
    entries_el = root.findall("text/body/termEntry")
    assert report.entries == len(entries_el) == len(terms)
    first = entries_el[0]
    langs = [ls.get(XML_LANG) for ls in first.findall("langSet")]
    assert langs[1] == "en" and langs[0] in ("ru", "uk")
    statuses = {t.english: t.status for t in terms}
    for entry in entries_el:
        en_tig = entry.find("langSet[2]/tig")
        english = en_tig.findtext("term")
        note = en_tig.find("termNote[@type='administrativeStatus']")
        assert note.text == STATUS_TO_TBX[statuses[english]]
    assert {n.text for n in root.iter("termNote")} == {"preferredTerm-admn-sts", "admittedTerm-admn-sts",
                                                       "deprecatedTerm-admn-sts"}
    bad = next(e for e in entries_el if e.find("langSet[2]/tig/term").text == "intellect")
    assert bad.findtext("admin[@type='x-kind']") == "bad"
    grp = bad.findall("transacGrp")
    assert [g.findtext("transac") for g in grp] == ["origination", "modification"]
    assert [g.findtext("transacNote[@type='responsibility']") for g in grp] == ["gleb", "rita"]


def test_translate_toolkit_reads_our_tbx(store: Store, tmp_path: Path) -> None:
    glossary(store)
    out = tmp_path / "g.tbx"
    export_tbx(store, out)
    units = tt_tbx.tbxfile.parsefile(str(out)).units
    assert {(u.source, u.target) for u in units} == {(t.source, t.english) for t in TERMS}


def test_tbx_round_trip_into_an_empty_glossary(store: Store, tmp_path: Path, config) -> None:
    glossary(store)
    out = tmp_path / "g.tbx"
    export_tbx(store, out)
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        report = import_tbx(other, out, "importer")
        assert (report.entries, report.added, report.unchanged) == (4, 4, 0)
        assert entries(other) == entries(store)
        # The importer is the author; the file's responsibility note is a claim kept in the comment only.
        assert {t.created_by for t in other.terms()} == {"importer"}
        assert all("the file names 'gleb' as responsible" in other.term_history(t.id)[0]["comment"]
                   for t in other.terms())
        again = import_tbx(other, out, "importer")
        assert (again.added, again.unchanged) == (0, 4)
        proposed = Store(f"sqlite:///{tmp_path / 'third.db'}")
        try:
            import_tbx(proposed, out, "importer", as_proposed=True)
            assert {t.status for t in proposed.terms()} == {"proposed"}
        finally:
            proposed.close()
    finally:
        other.close()


def test_foreign_tbx_with_regions_ntig_and_short_statuses(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "vendor.tbx"
    out.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en-US"><martifHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc>
</martifHeader><text><body>
<termEntry id="c1">
  <langSet xml:lang="ru-RU"><tig><term>прекращение огня</term></tig></langSet>
  <langSet xml:lang="en-GB">
    <ntig><termGrp><term>ceasefire</term><termNote type="administrativeStatus">preferred</termNote></termGrp></ntig>
    <tig><term>cease fire</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
  </langSet>
</termEntry>
<termEntry id="c2"><langSet xml:lang="de"><tig><term>Waffenruhe</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>truce</term></tig></langSet></termEntry>
</body></text></martif>""", encoding="utf-8")
    report = import_tbx(store, out, "importer")
    assert report.added == 2 and len(report.skipped) == 1 and "c2" in report.skipped[0]
    assert {(t.lang, t.source, t.english, t.status) for t in store.terms()} == {
        ("ru", "прекращение огня", "ceasefire", "approved"), ("ru", "прекращение огня", "cease fire", "rejected")}


def test_unknown_administrative_status_is_refused_before_anything_is_added(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "odd.tbx"
    good = ('<termEntry><langSet xml:lang="uk"><tig><term>війна</term></tig></langSet>'
            '<langSet xml:lang="en"><tig><term>war</term></tig></langSet></termEntry>')
    out.write_text(f'<martif type="TBX"><text><body>{good}<termEntry id="e2"><langSet xml:lang="uk"><tig>'
                   '<term>мир</term></tig></langSet><langSet xml:lang="en"><tig><term>peace</term><termNote '
                   'type="administrativeStatus">approvedish</termNote></tig></langSet></termEntry>'
                   '</body></text></martif>', encoding="utf-8")
    with pytest.raises(ExchangeError, match=r"odd\.tbx: termEntry e2 \(line 1\): administrativeStatus 'approvedish'"):
        import_tbx(store, out, "importer")
    assert store.terms() == []


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_glossary_table_round_trip(store: Store, tmp_path: Path, suffix: str) -> None:
    glossary(store)
    out = tmp_path / f"g{suffix}"
    assert export_glossary_table(store, out).rows == 4
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == ("\t" if suffix == ".tsv" else ",").join(["lang", "source", "english", "status", "kind", "note"])
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        report = import_glossary_table(other, out, "importer")
        assert report.added == 4
        assert entries(other) == entries(store)
    finally:
        other.close()


def test_glossary_table_errors_name_file_and_line(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "g.csv"
    out.write_text("lang,source,english,status\nru,война,war,approved\nru,мир,peace,final\n", encoding="utf-8")
    with pytest.raises(ExchangeError, match=r"g\.csv:3: status 'final'"):
        import_glossary_table(store, out, "x")
    out.write_text("lang,source\nru,война\n", encoding="utf-8")
    with pytest.raises(ExchangeError, match="missing glossary column.*english"):
        read_glossary_table(out)
    out.write_bytes("lang,source,english\nru,война,war\n".encode("cp1251"))
    with pytest.raises(ExchangeError, match="not UTF-8"):
        read_glossary_table(out)
    assert store.terms() == []


def test_read_tbx_with_comments_and_an_empty_term(tmp_path: Path) -> None:
    out = tmp_path / "c.tbx"
    out.write_text('<martif><text><body><termEntry><!-- reviewed --><langSet xml:lang="uk"><tig><term>'
                   '</term></tig><tig><term>НАТО</term></tig></langSet><langSet xml:lang="en"><tig><term>NATO'
                   '</term></tig></langSet></termEntry></body></text></martif>', encoding="utf-8")
    terms, skipped = read_tbx(out)
    assert [(t.term.source, t.term.english, t.term.status) for t in terms] == [("НАТО", "NATO", "proposed")]
    assert skipped == []


def test_cli_glossary_export_and_import(run_cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    st = Store(f"sqlite:///{(data / 'workbench.db').resolve()}")
    try:
        glossary(st)
    finally:
        st.close()
    tbx_out, tsv_out = tmp_path / "g.tbx", tmp_path / "g.tsv"
    run = run_cli("export", "tbx", "-o", str(tbx_out), "--lang", "ru", data_dir=data)
    assert run.returncode == 0, run.stderr
    assert "wrote 2 term entries" in run.stdout
    run = run_cli("export", "terms", "-o", str(tsv_out), "--term-status", "approved", data_dir=data)
    assert run.returncode == 0 and "wrote 2 term(s)" in run.stdout
    other = tmp_path / "other"
    run = run_cli("import-tbx", str(tbx_out), data_dir=other)
    assert run.returncode == 0, run.stderr
    assert "2 added" in run.stdout
    run = run_cli("import-terms", str(tsv_out), "--as-proposed", data_dir=other)
    assert run.returncode == 0, run.stderr
    assert "1 added, 1 already there" in run.stdout
    run = run_cli("import-tbx", str(tmp_path / "g.txt"), data_dir=other)
    assert run.returncode == 2 and "unknown glossary format" in run.stderr
    # Only the terms that occur in a document: 000 has "шокирующей позиции" and "переговорами по
    # безопасности" (inflected), not the uk terms.
    assert run_cli("import", str(ROOT / "corpus"), data_dir=data).returncode == 0
    doc_tbx = tmp_path / "doc.tbx"
    run = run_cli("export", "tbx", "000_", "-o", str(doc_tbx), data_dir=data)
    assert run.returncode == 0, run.stderr
    terms = {e.findtext("langSet[1]/tig/term") for e in etree.parse(str(doc_tbx)).getroot().iter("termEntry")}
    assert terms == {"шокирующая позиция", "переговоры по безопасности"}
