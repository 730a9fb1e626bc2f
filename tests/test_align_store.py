"""Aligning stored stories: pairs, saved beads, user corrections kept on re-runs, stored English."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.align import align_story, link_f1
from workbench.errors import WorkbenchError
from workbench.ingest import import_bytes, import_paths
from workbench.records import Bead, Translation

DATA = Path(__file__).parent / "data" / "align_gold"


@pytest.fixture
def gold_story(store, config):
    import_paths(store, [DATA / "uk.txt", DATA / "ru.txt"], config, story="geneva")
    return store


def _indices(store, doc_a, doc_b, beads):
    pos = {s.id: s.index for d in (doc_a, doc_b) for s in store.segments(d)}
    return [([pos[x] for x in b.src], [pos[y] for y in b.tgt]) for b in beads]


def _gold():
    rows = [json.loads(x) for x in (DATA / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    return [(r["src"], r["tgt"]) for r in rows]


def _partition(store, doc_a, doc_b, beads):
    src = sorted(x for b in beads for x in b.src)
    tgt = sorted(y for b in beads for y in b.tgt)
    assert src == sorted(s.id for s in store.segments(doc_a) if s.role != "boilerplate")
    assert tgt == sorted(s.id for s in store.segments(doc_b) if s.role != "boilerplate")


def test_align_story_saves_every_pair(gold_story):
    store = gold_story
    (doc_a, doc_b, beads), = align_story(store, None, "geneva")
    uk, ru = (store.document(d) for d in (doc_a, doc_b))
    assert (uk.name, ru.name) == ("uk.txt", "ru.txt")
    assert store.alignment(doc_a, doc_b) == beads
    assert store.story_alignments("geneva") == [(doc_a, doc_b, beads)]
    _partition(store, doc_a, doc_b, beads)
    found = _indices(store, doc_a, doc_b, beads)
    assert link_f1(found, _gold()) >= 0.9
    # stored in reading order of both sides: 0-1 beads sit where their segment is read in B
    assert [x for src, _ in found for x in src] == list(range(22))
    assert [y for _, tgt in found for y in tgt] == list(range(11)) + [12, 11] + list(range(13, 21))
    assert all(0.0 <= b.score <= 1.0 and not b.locked for b in beads)
    assert any(e["action"] == "alignment.run" and e["detail"] == "model-free" for e in store.events())


def test_three_documents_give_three_pairs(gold_story, config):
    store = gold_story
    extra = "\n".join((DATA / "ru.txt").read_text(encoding="utf-8").splitlines()[:8]) + "\n"
    import_bytes(store, "ru_short.txt", extra.encode(), config, story="geneva")
    results = align_story(store, config, "geneva")
    assert [(a, b) for a, b, _ in results] == [(1, 2), (1, 3), (2, 3)]
    _, _, same = results[2]  # ru.txt against its own first eight lines
    assert [(len(b.src), len(b.tgt)) for b in same[:8]] == [(1, 1)] * 8


def test_rerun_keeps_user_corrections(gold_story):
    store = gold_story
    (doc_a, doc_b, beads), = align_story(store, None, "geneva")
    ones = [b for b in beads if len(b.src) == 1 and len(b.tgt) == 1]
    unlinked, first, second = ones[2], ones[5], ones[6]
    # unlink one bead; merge two neighbouring beads into a 2-2 bead
    store.correct_alignment(doc_a, doc_b, remove=[unlinked],
                            add=[Bead(unlinked.src, [], 1.0), Bead([], unlinked.tgt, 1.0)], actor="ed")
    store.correct_alignment(doc_a, doc_b, remove=[first, second],
                            add=[Bead(first.src + second.src, first.tgt + second.tgt, 1.0)], actor="ed")
    locked_before = [b for b in store.alignment(doc_a, doc_b) if b.locked]
    assert len(locked_before) == 3

    (_, _, again), = align_story(store, None, "geneva", actor="cli")
    locked_after = [b for b in again if b.locked]
    assert sorted((b.src, b.tgt) for b in locked_after) == sorted((b.src, b.tgt) for b in locked_before)
    _partition(store, doc_a, doc_b, again)
    # the aligner did not re-link what the editor unlinked
    assert not any(b.src == unlinked.src and b.tgt for b in again)
    unlocked = [(b.src, b.tgt) for b in again if not b.locked]
    assert (unlinked.src, unlinked.tgt) not in unlocked


def test_unknown_story_is_a_one_line_error(store, config):
    with pytest.raises(WorkbenchError, match="story 'nope'"):
        align_story(store, config, "nope")


RU = "Вчера шёл сильный дождь.\nМой брат опоздал на поезд.\nМагазины закрылись рано.\n"
UK = "Учора падала злива.\nБратик не встиг на потяг.\nКрамниці зачинили зарано.\n"
EN_RU = ["It rained heavily yesterday.", "My brother was late for the train.", "The shops closed early."]
EN_UK = ["Yesterday it was raining heavily.", "My brother missed the train.", "Shops were closed early."]


def test_stored_english_is_used_when_both_sides_have_it(store, config):
    import_bytes(store, "weather_ru.txt", RU.encode(), config, story="weather")
    import_bytes(store, "weather_uk.txt", UK.encode(), config, story="weather")
    (doc_a, doc_b, before), = align_story(store, config, "weather")
    # Without English the paraphrases are linked on position and length only, with a low score.
    assert min(b.score for b in before if b.src and b.tgt) < 0.5

    for doc, english in ((doc_a, EN_RU), (doc_b, EN_UK)):
        segs = store.segments(doc)
        store.save_translations([(Translation(s.id, en, engine="test", model_id="test"), s.text)
                                 for s, en in zip(segs, english, strict=True)])
    (_, _, after), = align_story(store, config, "weather")
    assert _indices(store, doc_a, doc_b, after) == [([0], [0]), ([1], [1]), ([2], [2])]
    assert min(b.score for b in after) > max(min(b.score for b in before if b.src and b.tgt), 0.5)
    assert store.events()[0]["detail"] == "model-free+chrF"
