"""`workbench flag FILE|DOC`, `dismiss` and `resolve` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SEED
from workbench.config import Config, load_config
from workbench.flags import flag_document_report, rank_segments
from workbench.ingest import build_document
from workbench.store import open_store


def test_flag_file_jsonl_offsets_into_the_decoded_text(run_cli, tmp_path: Path) -> None:
    text = ("Новости дня\n\n"
            "Министерство сообщило о новых правилах. для водителей грузовиков.\n\n"
            "READ  Другая новость о транспорте\n\n"
            "Правила вступят в силу с 1 марта, уточнили в ведомстве.\n")
    path = tmp_path / "cp1251.txt"
    path.write_bytes(text.encode("cp1251"))
    res = run_cli("flag", str(path), "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert rows and all(set(r) == {"start", "end", "kind", "severity", "message", "text"} for r in rows)
    for r in rows:
        assert text[r["start"]:r["end"]] == r["text"]
    assert {"broken_sentence", "boilerplate"} <= {r["kind"] for r in rows}
    assert [r["severity"] for r in rows] == sorted((r["severity"] for r in rows), reverse=True)
    assert not (tmp_path / "data").exists()  # flagging a file needs no store


def test_flag_file_rank_lists_every_segment_worst_first(run_cli, store, tmp_path: Path) -> None:
    # --rank on a file used to be ignored (the flags came out instead of the ranking)
    text = ("Правительство объявило о новых мерах поддержки.\n\n"
            "Секретарь транспорта среди отдыхающих вынужден пойти на карантин карантин.\n\n"
            "Министр сказал, что решение было принято вчера днём.\n")
    path = tmp_path / "three.txt"
    path.write_text(text, encoding="utf-8")
    res = run_cli("flag", str(path), "--rank", "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert sorted(r["segment"] for r in rows) == [1, 2, 3]
    assert all(set(r) == {"segment", "risk", "text"} and 0 < r["risk"] <= 1 for r in rows)
    assert [r["risk"] for r in rows] == sorted((r["risk"] for r in rows), reverse=True)
    assert {r["segment"]: r["text"] for r in rows}[2].startswith("Секретарь транспорта")
    # the same risks the library gives for a stored copy of the text (the editor's worst first)
    (doc, _added), = store.add_documents([build_document(text, "three.txt")])
    run = flag_document_report(store, Config(), doc.id)
    index = {s.id: s.index + 1 for s in store.document(doc.id).segments}
    assert [(index[sid], round(score, 4)) for sid, score in rank_segments(run.flags)] == [
        (r["segment"], round(r["risk"], 4)) for r in rows]


def test_flag_seed_file_finds_the_article_5_error(run_cli) -> None:
    res = run_cli("flag", str(SEED["000"]), "--lang", "ru", "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    bad = {r["text"] for r in rows if r["kind"] == "bad_rendering"}
    assert {"шокирующей позиции", "группировки 5-го дивизиона"} <= bad
    text = SEED["000"].read_text(encoding="utf-8")
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)


def test_flag_document_dismiss_and_resolve(run_cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli("import", str(SEED["001"]), data_dir=data).returncode == 0
    res = run_cli("flag", "001", "--format", "jsonl", data_dir=data)
    assert res.returncode == 0, res.stderr
    assert "note: skipped consistency" in res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    text = SEED["001"].read_text(encoding="utf-8")
    for r in rows:
        if r["side"] == "source":
            assert text[r["start"]:r["end"]] == r["text"]
    rep = next(r for r in rows if r["kind"] == "repetition")
    res = run_cli("--user", "ann", "dismiss", str(rep["id"]), "--reason", "the slogan repeats on purpose",
                  data_dir=data)
    assert res.returncode == 0, res.stderr
    again = [json.loads(line) for line in run_cli("flag", "001", "--format", "jsonl", data_dir=data).stdout.splitlines()]
    assert rep["text"] not in {r["text"] for r in again if r["kind"] == "repetition"}
    other = next(r for r in again if r["kind"] == "broken_sentence")
    assert run_cli("resolve", str(other["id"]), data_dir=data).returncode == 0
    store = open_store(load_config(env={"WORKBENCH_DATA_DIR": str(data)}))
    try:
        assert store.flag(rep["id"]).status == "dismissed"
        assert store.flag(other["id"]).status == "resolved"
        assert store.dismissals()[0]["author"] == "ann"
        # segment numbers from 1, as in the app: the stored position plus one
        assert all(r["segment"] == store.segment(r["segment_id"]).index + 1 for r in again)
    finally:
        store.close()
    ranked = [json.loads(line) for line in run_cli("flag", "001", "--rank", "--format", "jsonl",
                                                   data_dir=data).stdout.splitlines()]
    scores = [r["risk"] for r in ranked]
    assert scores and scores == sorted(scores, reverse=True)
    assert min(r["segment"] for r in ranked) >= 1


def test_flag_errors_are_one_line_with_status_2(run_cli, tmp_path: Path) -> None:
    res = run_cli("flag", "nothing-here")
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "neither a file nor a stored document" in res.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    res = run_cli("flag", str(empty))
    assert res.returncode == 2 and "empty" in res.stderr
    res = run_cli("dismiss", "99", "--reason", "x")
    assert res.returncode == 2 and "no such flag" in res.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[detectors]\nqa = "loud"\n', encoding="utf-8")
    res = run_cli("--config", str(bad), "flag", str(SEED["002"]))
    assert res.returncode == 2 and "detectors.qa" in res.stderr


def test_detector_levels_from_the_config_file(run_cli, tmp_path: Path) -> None:
    cfg = tmp_path / "workbench.toml"
    cfg.write_text('[detectors]\nboilerplate = "off"\n"artifacts.cut_off" = "note"\n', encoding="utf-8")
    res = run_cli("--config", str(cfg), "flag", str(SEED["003"]), "--format", "jsonl")
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["kind"] for r in rows] == ["cut_off"] and rows[0]["severity"] < 0.4
    listing = run_cli("--config", str(cfg), "flag", "--checks", "--format", "jsonl")
    levels = {json.loads(line)["check"]: json.loads(line)["level"] for line in listing.stdout.splitlines()}
    assert levels["boilerplate.role"] == levels["boilerplate.in_body"] == "off" and levels["artifacts.cut_off"] == "note"
    assert levels["qa.letter_mixing"] == "error"
