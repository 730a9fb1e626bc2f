"""One contract for every registered exchange format (`workbench.exchange.formats.FORMATS`).

Each format, for each scope it declares: the file is written where asked, a standard reader parses
it, the confirmed English (or the approved term) is in it as text, an unwritable target is refused
with one line and nothing left behind. A new format joins these tests by registering itself; one
without a reader below fails `test_every_format_has_a_reader`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree, html

from workbench.errors import WorkbenchError
from workbench.exchange import formats
from workbench.records import Term
from workbench.store import Store

from .test_exchange_scenario import build_project

CONFIRMED = "The United States said there were no firm commitments ahead of security talks with Russia."
TERM_SOURCE, TERM_ENGLISH = "переговоры о безопасности", "security talks"


def _xml_text(path: Path) -> str:
    return " ".join(etree.parse(str(path)).getroot().itertext())


def _xliff_text(path: Path) -> str:
    from translate.storage.xliff2 import Xliff2File

    with path.open("rb") as fh:
        store = Xliff2File.parsefile(fh)
    return " ".join(str(u.target or "") for u in store.units)


def _table_text(path: Path) -> str:
    delimiter = "\t" if path.suffix == ".tsv" else ","
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return " ".join(cell for row in csv.reader(fh, delimiter=delimiter) for cell in row)


def _html_text(path: Path) -> str:
    return html.parse(str(path)).getroot().text_content()


READERS: dict[str, Callable[[Path], str]] = {
    ".tmx": _xml_text, ".tbx": _xml_text, ".xlf": _xliff_text, ".csv": _table_text, ".tsv": _table_text,
    ".html": _html_text,
}
CASES = [(name, scope) for name, f in formats.FORMATS.items() for scope in f.scopes]


def _ref(store: Store, scope: str) -> str:
    return {"document": "000_", "story": "pair", "glossary": ""}[scope]


@pytest.fixture
def project_store(seeded: Store) -> Store:
    build_project(seeded)
    seeded.add_term(Term(None, "ru", TERM_SOURCE, TERM_ENGLISH, status="approved"), "tester")
    return seeded


def _normal(text: str) -> str:
    return " ".join(text.split())


def test_every_format_has_a_reader() -> None:
    assert {f.suffix for f in formats.FORMATS.values()} <= set(READERS)
    assert all(set(f.scopes) <= set(formats.SCOPES) for f in formats.FORMATS.values())


@pytest.mark.parametrize(("name", "scope"), CASES)
def test_format_writes_a_readable_file_with_the_confirmed_text(project_store: Store, tmp_path: Path, name: str,
                                                               scope: str) -> None:
    f = formats.FORMATS[name]
    path = tmp_path / f"out{f.suffix}"
    report = formats.write(name, project_store, _ref(project_store, scope), path, scope=scope)
    assert Path(report.path) == path and path.stat().st_size > 0
    text = _normal(READERS[f.suffix](path))
    assert (TERM_ENGLISH if scope == "glossary" else CONFIRMED) in text


@pytest.mark.parametrize(("name", "scope"), CASES)
def test_format_refuses_an_unwritable_target_and_leaves_nothing(project_store: Store, tmp_path: Path, name: str,
                                                                scope: str) -> None:
    f = formats.FORMATS[name]
    target = tmp_path / "no" / "such" / f"dir{f.suffix}"
    with pytest.raises(WorkbenchError) as err:
        formats.write(name, project_store, _ref(project_store, scope), target, scope=scope)
    assert "\n" not in str(err.value) and str(target.parent) in str(err.value)
    assert not target.parent.exists()


def test_unknown_format_and_scope_are_refused_in_one_line() -> None:
    with pytest.raises(WorkbenchError, match="one of TMX"):
        formats.get("docx")
    with pytest.raises(WorkbenchError, match="not a story"):
        formats.get("xliff", "story")


FORMATTED_PAGE = ("<html><body><article><h1>Заголовок страницы</h1><p>Город получит <b>новый мост</b> через "
                  "<a href=\"/river\">реку</a> к осени.</p></article></body></html>")
FORMATTED_EN = "The city will get a <1>new bridge</1> across the <2>river</2> by autumn."


@pytest.mark.parametrize("name", [n for n, f in formats.FORMATS.items() if "document" in f.scopes])
def test_no_format_leaks_the_tag_tokens_of_a_formatted_segment(store: Store, config, tmp_path: Path,
                                                               name: str) -> None:
    from workbench import inline
    from workbench.ingest import import_paths

    page = tmp_path / "bridge.html"
    page.write_text(FORMATTED_PAGE, encoding="utf-8")
    import_paths(store, [page], config)
    seg = next(s for s in store.segments("bridge.html") if "мост" in s.text)
    store.save_edit(seg.id, FORMATTED_EN, "anna", 0)
    f = formats.FORMATS[name]
    path = tmp_path / f"out{f.suffix}"
    formats.write(name, store, "bridge.html", path, scope="document")
    text = _normal(READERS[f.suffix](path))
    # the tokens are the workbench's own: a file carries the codes as its format writes them, or none
    assert not inline.TOKEN.search(text), text
    assert all(w in text.split() or w + "." in text.split() for w in inline.plain(FORMATTED_EN).rstrip(".").split())
