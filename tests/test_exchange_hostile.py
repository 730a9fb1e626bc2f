"""Hostile and broken files: each gives one clear line naming the file and the reason, and the
store is left exactly as it was (TMX, XLIFF, TBX and CSV imports, library calls and the CLI)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from workbench.config import load_config
from workbench.errors import WorkbenchError
from workbench.exchange import safexml
from workbench.exchange.tabular import import_units_table
from workbench.exchange.tbx import import_tbx
from workbench.exchange.tmx import export_tmx, import_tmx
from workbench.exchange.xliff import export_xliff, import_xliff
from workbench.ingest import import_paths
from workbench.records import Term, TMUnit
from workbench.store import Store

from .test_exchange_scenario import build_project

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TMX_HEADER = ('<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" '
              'srclang="ru" datatype="plaintext"/>')
TBX_BODY = ('<termEntry><langSet xml:lang="ru"><tig><term>{text}</term></tig></langSet>'
            '<langSet xml:lang="en"><tig><term>peace</term></tig></langSet></termEntry>')
LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))


def tmx_doc(text: str, doctype: str = "") -> str:
    return (f'<?xml version="1.0"?>{doctype}<tmx version="1.4">{TMX_HEADER}<body><tu><tuv xml:lang="ru"><seg>'
            f'{text}</seg></tuv><tuv xml:lang="en"><seg>peace</seg></tuv></tu></body></tmx>')


def xliff_doc(text: str, doctype: str = "") -> str:
    return (f'<?xml version="1.0"?>{doctype}<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" '
            f'srcLang="ru" trgLang="en"><file id="f"><unit id="0824881280b604102f14"><segment state="translated">'
            f'<source>{text}</source><target>peace</target></segment></unit></file></xliff>')


def tbx_doc(text: str, doctype: str = "") -> str:
    return f'<?xml version="1.0"?>{doctype}<martif type="TBX"><text><body>{TBX_BODY.format(text=text)}' \
           '</body></text></martif>'


FORMATS: dict[str, tuple[Callable[..., str], str, str]] = {
    # name: (document builder, suffix, root element of another format for the wrong-root case)
    "tmx": (tmx_doc, ".tmx", tbx_doc("мир")),
    "xliff": (xliff_doc, ".xlf", tmx_doc("мир")),
    "tbx": (tbx_doc, ".tbx", xliff_doc("мир")),
}


def hostile(fmt: str, kind: str) -> tuple[bytes, str]:
    """The file's bytes and what the one-line error must say."""
    build, _suffix, other = FORMATS[fmt]
    if kind == "xxe":
        return build("&xxe;", '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>').encode(), \
            "declares XML entities (xxe)"
    if kind == "billion-laughs":
        return build("&lol9;", f'<!DOCTYPE r [<!ENTITY lol0 "lol">{LAUGHS}]>').encode(), "entity declarations are refused"
    if kind == "truncated":
        whole = build("мир")
        return whole[: len(whole) * 2 // 3].encode(), "truncated"
    if kind == "wrong-root":
        return other.encode(), "root element is <"
    if kind == "other-encoding":
        return build("мир во всём мире").encode("cp1251"), "not in the encoding it declares"
    raise AssertionError(kind)


KINDS = ["xxe", "billion-laughs", "truncated", "wrong-root", "other-encoding"]


def importer(fmt: str) -> Callable[[Store, Path], object]:
    return {"tmx": lambda st, p: import_tmx(st, p),
            "xliff": lambda st, p: import_xliff(st, p, "mallory"),
            "tbx": lambda st, p: import_tbx(st, p, "mallory")}[fmt]


def snapshot(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return list(con.iterdump())
    finally:
        con.close()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with a translated, edited, aligned story, a glossary and a memory."""
    base = tmp_path_factory.mktemp("hostile")
    cfg = load_config(env={"WORKBENCH_DATA_DIR": str(base / "data")})
    st = Store(cfg.database_url)
    import_paths(st, [CORPUS], cfg)
    build_project(st)
    st.add_term(Term(None, "ru", "мир", "peace", "approved"), "gleb")
    st.add_tm_units([TMUnit("ru", "Мир.", "en", "Peace.", "seed.tmx")])
    st.close()
    return base / "data"


@pytest.fixture
def data_dir(prepared: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(prepared, copy)
    return copy


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_hostile_file_is_refused_with_one_line_and_store_unchanged(data_dir: Path, tmp_path: Path, fmt: str,
                                                                   kind: str) -> None:
    payload, reason = hostile(fmt, kind)
    path = tmp_path / f"{kind}{FORMATS[fmt][1]}"
    path.write_bytes(payload)
    db = data_dir / "workbench.db"
    before = snapshot(db)
    st = Store(f"sqlite:///{db}")
    try:
        with pytest.raises(WorkbenchError) as caught:
            importer(fmt)(st, path)
    finally:
        st.close()
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    assert reason in message
    assert "root:" not in message  # nothing of /etc/passwd leaks into the message
    assert snapshot(db) == before


@pytest.mark.parametrize("kind", KINDS)
def test_cli_import_tm_exits_2_on_hostile_tmx(run_cli, data_dir: Path, tmp_path: Path, kind: str) -> None:
    payload, reason = hostile("tmx", kind)
    path = tmp_path / f"{kind}.tmx"
    path.write_bytes(payload)
    before = snapshot(data_dir / "workbench.db")
    run = run_cli("import-tm", str(path), data_dir=data_dir)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"workbench: {path}: ") and reason in lines[0]
    assert snapshot(data_dir / "workbench.db") == before


@pytest.mark.parametrize("command,fmt,kind", [("import-xliff", "xliff", "xxe"), ("import-tbx", "tbx", "truncated")])
def test_cli_other_imports_exit_2(run_cli, data_dir: Path, tmp_path: Path, command: str, fmt: str,
                                  kind: str) -> None:
    payload, reason = hostile(fmt, kind)
    path = tmp_path / f"{kind}{FORMATS[fmt][1]}"
    path.write_bytes(payload)
    before = snapshot(data_dir / "workbench.db")
    run = run_cli(command, str(path), data_dir=data_dir)
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1 and reason in run.stderr
    assert snapshot(data_dir / "workbench.db") == before


def test_broken_unit_late_in_a_big_tmx_stores_nothing(data_dir: Path, tmp_path: Path) -> None:
    """The import streams in batches; a fault after thousands of good units still rolls everything back."""
    tus = "".join(f'<tu><tuv xml:lang="ru"><seg>Строка {i}</seg></tuv><tuv xml:lang="en"><seg>Line {i}</seg>'
                  "</tuv></tu>" for i in range(5000))
    path = tmp_path / "late.tmx"
    path.write_text(f'<tmx version="1.4">{TMX_HEADER}<body>{tus}<tu><tuv><seg>x</seg></tuv></tu></body></tmx>',
                    encoding="utf-8")
    db = data_dir / "workbench.db"
    before = snapshot(db)
    st = Store(f"sqlite:///{db}")
    try:
        with pytest.raises(WorkbenchError, match=r"late\.tmx: line 1: <tuv> without xml:lang"):
            import_tmx(st, path)
    finally:
        st.close()
    assert snapshot(db) == before


def test_declared_legacy_encoding_is_read(store: Store, tmp_path: Path) -> None:
    """A file in another encoding is fine when it says so; only an undeclared one is refused."""
    path = tmp_path / "cp1251.tmx"
    path.write_bytes(tmx_doc("Мир во всём мире").replace('<?xml version="1.0"?>',
                                                         '<?xml version="1.0" encoding="windows-1251"?>')
                     .encode("cp1251"))
    assert import_tmx(store, path).added == 1
    assert store.tm_units()[0].source == "Мир во всём мире"


@pytest.mark.parametrize("payload,reason", [
    (b"", "empty or not XML"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "empty or not XML"),
    (b"<tmx><header/><body></tmx>", "not well-formed XML at line 1"),
    (b'<?xml version="1.0" encoding="x-klingon"?><tmx/>', "encoding"),
])
def test_other_broken_files(store: Store, tmp_path: Path, payload: bytes, reason: str) -> None:
    path = tmp_path / "broken.tmx"
    path.write_bytes(payload)
    with pytest.raises(safexml.ExchangeError) as caught:
        import_tmx(store, path)
    assert reason in str(caught.value) and "\n" not in str(caught.value)
    assert store.tm_count() == 0


def test_missing_file_and_broken_unit_table(store: Store, tmp_path: Path) -> None:
    with pytest.raises(safexml.ExchangeError, match=r"nothing\.tmx: no such file"):
        import_tmx(store, tmp_path / "nothing.tmx")
    table = tmp_path / "tm.csv"
    table.write_bytes("id,ru,en\n1,Мир,Peace\n".encode("cp1251"))
    with pytest.raises(safexml.ExchangeError, match=r"tm\.csv: not UTF-8"):
        import_units_table(store, table)
    assert store.tm_count() == 0


def test_exports_refuse_unwritable_targets(data_dir: Path, tmp_path: Path) -> None:
    st = Store(f"sqlite:///{data_dir / 'workbench.db'}")
    try:
        with pytest.raises(safexml.ExchangeError, match="cannot write"):
            export_tmx(st, "pair", tmp_path / "no" / "such" / "dir.tmx")
        with pytest.raises(safexml.ExchangeError, match="cannot write"):
            export_xliff(st, "000_", tmp_path / "no" / "such" / "dir.xlf")
    finally:
        st.close()
