"""`workbench align`: presegmented files as JSON lines, stories as tables and JSON, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.align import link_f1
from workbench.cli import main

DATA = Path(__file__).parent / "data" / "align_gold"


def _gold():
    rows = [json.loads(x) for x in (DATA / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    return [(r["src"], r["tgt"]) for r in rows]


def test_presegmented_jsonl(run_cli):
    out = run_cli("align", "--presegmented", str(DATA / "uk.txt"), str(DATA / "ru.txt"), "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert all(set(r) == {"src", "tgt", "score"} for r in rows)
    assert all(isinstance(r["score"], float) and 0.0 <= r["score"] <= 1.0 for r in rows)
    # line numbers from 1, like segment numbers everywhere
    assert sorted(x for r in rows for x in r["src"]) == list(range(1, 23))
    assert sorted(y for r in rows for y in r["tgt"]) == list(range(1, 22))
    assert any(r["src"] and not r["tgt"] for r in rows) and any(r["tgt"] and not r["src"] for r in rows)
    zero_based = [([x - 1 for x in r["src"]], [y - 1 for y in r["tgt"]]) for r in rows]
    assert link_f1(zero_based, _gold()) >= 0.9


def test_presegmented_blank_lines_take_no_part(run_cli, tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("Байден і Путін провели переговори 7 грудня.\n\nРозмова тривала дві години.\n", encoding="utf-8")
    b.write_text("Байден и Путин провели переговоры 7 декабря.\nРазговор длился ровно две часа.\n",
                 encoding="utf-8")
    out = run_cli("align", "--presegmented", str(a), str(b), "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert {"src": [1], "tgt": [1]} in [{"src": r["src"], "tgt": r["tgt"]} for r in rows]
    assert 2 not in [x for r in rows for x in r["src"]]  # the blank second line


def test_presegmented_table(run_cli):
    out = run_cli("align", "--presegmented", str(DATA / "uk.txt"), str(DATA / "ru.txt"))
    assert out.returncode == 0, out.stderr
    header, *lines = out.stdout.splitlines()
    assert header.split()[:4] == ["type", "src", "tgt", "score"]
    assert any(line.startswith("2-1 ") for line in lines) and any(line.startswith("1-0 ") for line in lines)


def _main(capsys, *args):
    """The CLI entry point in this process (the subprocess tests above cover the real command)."""
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_bad_files_are_one_line_errors(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    code, _, err = _main(capsys, "align", "--presegmented", str(tmp_path / "nope.txt"), str(DATA / "ru.txt"))
    assert code == 2 and err.count("\n") == 1 and "nope.txt: no such file" in err
    binary = tmp_path / "bin.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    code, _, err = _main(capsys, "align", "--presegmented", str(DATA / "uk.txt"), str(binary))
    assert code == 2 and "bin.txt" in err and err.count("\n") == 1
    blank = tmp_path / "blank.txt"
    blank.write_text("\n  \n", encoding="utf-8")
    code, _, err = _main(capsys, "align", "--presegmented", str(blank), str(DATA / "ru.txt"))
    assert code == 2 and "blank.txt" in err
    code, _, err = _main(capsys, "align", "--presegmented", str(tmp_path), str(DATA / "ru.txt"))
    assert code == 2 and "is a directory" in err
    code, _, err = _main(capsys, "align", "geneva", "--presegmented", str(DATA / "uk.txt"), str(DATA / "ru.txt"))
    assert code == 2 and "not both" in err
    code, _, err = _main(capsys, "align")
    assert code == 2 and "STORY" in err
    assert not (tmp_path / "data").exists()  # presegmented alignment never opens the store


def test_align_story_table_and_jsonl(run_cli, tmp_path):
    data = tmp_path / "data"
    imported = run_cli("import", str(DATA / "uk.txt"), str(DATA / "ru.txt"), "--story", "geneva", data_dir=data)
    assert imported.returncode == 0, imported.stderr
    table = run_cli("align", "geneva", data_dir=data)
    assert table.returncode == 0, table.stderr
    first, header = table.stdout.splitlines()[:2]
    assert first.startswith("A = uk.txt (uk), B = ru.txt (ru):")
    assert header.split()[:5] == ["type", "a", "b", "score", "locked"]
    first_bead = table.stdout.splitlines()[2]
    assert first_bead.split()[1].startswith("[1")  # segment numbers from 1, as in the app
    assert "[0" not in first_bead
    jsonl = run_cli("align", "geneva", "--format", "jsonl", data_dir=data)
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert {r["doc_a"] for r in rows} == {1} and {r["doc_b"] for r in rows} == {2}
    assert all(set(r) == {"doc_a", "doc_b", "src", "tgt", "score", "locked"} for r in rows)
    unknown = run_cli("align", "nope", data_dir=data)
    assert unknown.returncode == 2 and "nope" in unknown.stderr
