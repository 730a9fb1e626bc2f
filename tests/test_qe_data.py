"""The evaluation's readers of public QE data (`benchmarks/qe_data.py`) on small files written here:
which document order DA's SID counts in, system names as the DA files write them, and a flag cache
that never serves one data folder's flags for another's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import qe_data  # noqa: E402

SYSTEMS = ("NVIDIA-NeMo", "Online-B")
# document "b" comes first in the file and has three sentences, "a" second with two
DOCS = (("b", ["Первое.", "Второе.", "Третье."]), ("a", ["Четвёртое.", "Пятое."]))


def write_set(folder: Path, scored: dict[str, list[int]]) -> tuple[Path, Path]:
    def segs(texts: list[str], tag: str) -> str:
        return "".join(f'<seg id="{i + 1}">{tag}{t}</seg>' for i, t in enumerate(texts))

    docs = "".join(
        f'<doc origlang="ru" id="{did}"><src lang="ru"><p>{segs(texts, "")}</p></src>'
        f'<ref lang="en" translator="A"><p>{segs(texts, "ref ")}</p></ref>'
        + "".join(f'<hyp lang="en" system="{s}"><p>{segs(texts, s + " ")}</p></hyp>' for s in SYSTEMS)
        + "</doc>" for did, texts in DOCS)
    folder.mkdir(parents=True, exist_ok=True)
    xml = folder / "newstest2030.ru-en.all.xml"
    xml.write_text(f"<?xml version='1.0' encoding='utf-8'?><dataset id='t'>{docs}</dataset>", encoding="utf-8")
    scores = folder / "ad-seg-scores-ru-en.csv"
    rows = [f"{name} {sid} {60 + sid} 0.{sid} 1" for name, sids in scored.items() for sid in sids]
    scores.write_text("SYS SID RAW.SCR Z.SCR N\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return xml, scores


@pytest.mark.parametrize(("scored", "order", "first_sid"), [
    # sorted by id: "a" is SIDs 1-2, "b" 3-5; each system's scores cover whole documents only so
    ({"Nemo.3": [1, 2], "Online-B.4": [3, 4, 5]}, "documents sorted by id", 3),
    # the file's order: "b" is SIDs 1-3, "a" 4-5
    ({"Nemo.3": [1, 2, 3], "Online-B.4": [4, 5]}, "xml/txt line order", 1),
])
def test_sid_is_read_in_the_order_that_puts_scores_on_whole_documents(tmp_path, scored, order, first_sid):
    xml, scores = write_set(tmp_path / "news", scored)
    assert qe_data.news_sets(tmp_path) == [("ru", xml, scores)]
    ns = qe_data.news_to_english(xml, scores, "ru")
    assert ns.order == order and ns.sid_check[order] == 1.0 and ns.sid_check[next(
        k for k in ns.sid_check if k != order)] < 1.0
    assert ns.name == "w30" and ns.systems == sorted(SYSTEMS)
    first = ns.by_sys["Online-B"][0].items[0]  # "Первое.", the first sentence of document "b"
    assert (first.text, first.english, first.meta["sid"], first.meta["ref"]) == (
        "Первое.", "Online-B Первое.", first_sid, "ref Первое.")
    # "Nemo.3" in the DA file is the xml's "NVIDIA-NeMo"; every score lands on a stored output
    assert set(ns.da) == {(("NVIDIA-NeMo" if n.startswith("Nemo") else "Online-B"), sid)
                          for n, sids in scored.items() for sid in sids}
    keys = {(s, it.meta["sid"]) for s in ns.systems for doc in ns.by_sys[s] for it in doc.items}
    assert set(ns.da) <= keys


def test_system_names_match_exactly_or_by_one_containing_name():
    names = qe_data.match_systems({"Nemo", "Online-B", "HUMAN", "Online", "afrl"},
                                  ["AFRL", "NVIDIA-NeMo", "Online-A", "Online-B"])
    # "HUMAN" names no system, "Online" several: their scores are left out rather than guessed
    assert names == {"Nemo": "NVIDIA-NeMo", "Online-B": "Online-B", "afrl": "AFRL"}


def test_cached_flags_are_keyed_by_the_data_not_only_the_set_name():
    one = [qe_data.Doc("x", [qe_data.Item("s1", "Первое предложение.", english="First sentence.")])]
    same = [qe_data.Doc("x", [qe_data.Item("s1", "Первое предложение.", english="First sentence.")])]
    other = [qe_data.Doc("x", [qe_data.Item("s1", "Другое предложение.", english="First sentence.")])]
    assert qe_data.content_key(one) == qe_data.content_key(same) != qe_data.content_key(other)
    other[0].items[0].text = one[0].items[0].text
    other[0].items[0].english = "Another sentence."
    assert qe_data.content_key(other) != qe_data.content_key(one)
