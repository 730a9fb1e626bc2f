"""The flagger against a hand-labelled gold set of the five seed articles (tests/data/flags_gold/).

Reports precision and recall per kind (run with -s to see the table) and asserts recall >= 0.8 on
surface errors and on boilerplate, and precision >= 0.8 over every flag raised. Semantic
mistranslations are labelled too and their recall is reported: finding them needs the English and
a model (the consistency checks), not the source alone.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SEED
from workbench.config import Config
from workbench.flags import FileFlag, file_terms, flag_text
from workbench.text import normalize

GOLD = Path(__file__).parent / "data" / "flags_gold"


@dataclass(frozen=True)
class GoldSpan:
    doc: str
    group: str
    kind: str
    start: int
    end: int
    snippet: str


def load_gold(prefix: str, text: str) -> list[GoldSpan]:
    view = normalize(text)
    assert len(view) == len(text), "the seed must be NFC so that offsets survive normalization"
    spans = []
    with (GOLD / f"{prefix}.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            want, at = normalize(row["snippet"]), -1
            for _ in range(int(row["occurrence"])):
                at = view.find(want, at + 1)
                assert at >= 0, f"{prefix}: gold snippet not in the text: {row['snippet']!r}"
            spans.append(GoldSpan(prefix, row["group"], row["kind"], at, at + len(want), row["snippet"]))
    return spans


def overlaps(a: GoldSpan, f: FileFlag) -> bool:
    return a.kind == f.kind and a.start < f.end and f.start < a.end


@pytest.fixture(scope="module")
def runs() -> dict[str, tuple[list[GoldSpan], list[FileFlag]]]:
    config = Config()
    terms = file_terms(config)
    out = {}
    for prefix, path in SEED.items():
        text = path.read_text(encoding="utf-8")
        out[prefix] = (load_gold(prefix, text), flag_text(text, None, config, terms=terms))
    return out


def scores(runs: dict[str, tuple[list[GoldSpan], list[FileFlag]]], groups: set[str],
           exclude_kinds: frozenset[str] = frozenset()) -> dict[str, tuple[int, int, int, int]]:
    """kind -> (gold found, gold total, flags correct, flags raised)."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for gold, flags in runs.values():
        for g in gold:
            if g.group in groups and g.kind not in exclude_kinds:
                table[g.kind][1] += 1
                table[g.kind][0] += any(overlaps(g, f) for f in flags)
        for f in flags:
            if f.kind in exclude_kinds:
                continue
            table[f.kind][3] += 1
            table[f.kind][2] += any(overlaps(g, f) for g in gold)
    return {k: (v[0], v[1], v[2], v[3]) for k, v in table.items()}


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def test_gold_labels_point_into_the_seeds(runs: dict) -> None:
    gold = [g for spans, _ in runs.values() for g in spans]
    assert {g.doc for g in gold} == set(SEED)
    assert sum(g.group == "error" for g in gold) >= 15
    assert sum(g.group == "boilerplate" for g in gold) >= 30
    for g in gold:
        text = SEED[g.doc].read_text(encoding="utf-8")
        assert normalize(text[g.start:g.end]) == normalize(g.snippet)


def test_precision_and_recall_per_kind(runs: dict) -> None:
    table = scores(runs, {"error", "boilerplate", "semantic"})
    print("\nkind                  recall        precision")
    for kind, (found, total, correct, raised) in sorted(table.items()):
        print(f"{kind:20s}  {found:2d}/{total:2d} {ratio(found, total):5.2f}  {correct:2d}/{raised:2d} "
              f"{ratio(correct, raised):5.2f}")

    def recall(group: str, exclude: frozenset[str] = frozenset()) -> float:
        t = scores(runs, {group}, exclude)
        return ratio(sum(v[0] for v in t.values()), sum(v[1] for v in t.values()))

    raised = sum(v[3] for v in table.values())
    precision = ratio(sum(v[2] for v in table.values()), raised)
    without_glossary = recall("error", frozenset({"bad_rendering"}))
    print(f"recall: errors {recall('error'):.2f} (without the glossary's bad renderings {without_glossary:.2f}), "
          f"boilerplate {recall('boilerplate'):.2f}, semantic {recall('semantic'):.2f}; "
          f"precision {precision:.2f} over {raised} flags")
    assert recall("error") >= 0.8
    assert without_glossary >= 0.8
    assert recall("boilerplate") >= 0.8
    assert precision >= 0.8


def test_native_articles_are_mostly_clean(runs: dict) -> None:
    """002-004 are native news: besides boilerplate, at most a couple of (true) flags each."""
    for prefix in ("002", "003", "004"):
        gold, flags = runs[prefix]
        errors = [f for f in flags if f.kind != "boilerplate"]
        assert len(errors) <= 2, [(f.kind, f.text) for f in errors]
        assert all(any(overlaps(g, f) for g in gold) for f in errors)
