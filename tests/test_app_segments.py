"""Splitting and merging source segments: ids, order, offsets, history and beads stay sane."""

from __future__ import annotations

import pytest

from workbench.ingest import build_document
from workbench.ingest.segment import segment_id
from workbench.records import Bead, Translation
from workbench.store import StoreError

TEXT_RU = ("Заголовок новости\n"
           "Первое предложение здесь. Второе предложение, которое сегментатор слил: без точки Третье тоже.\n"
           "Последний абзац статьи.\n")
TEXT_UK = ("Заголовок новини\n"
           "Перше речення тут. Друге речення: без крапки Третє теж.\n"
           "Останній абзац статті.\n")


@pytest.fixture
def two_docs(store):
    (ru, _), (uk, _) = store.add_documents([build_document(TEXT_RU, "ru.txt"), build_document(TEXT_UK, "uk.txt")],
                                           story="s", actor="t")
    return store, store.document(ru.id), store.document(uk.id)


def _invariants(store, doc_id):
    doc = store.document(doc_id)
    assert [s.index for s in doc.segments] == list(range(len(doc.segments)))
    for seg in doc.segments:
        assert doc.text[seg.start:seg.end] == seg.text
        assert seg.id == segment_id(doc.sha256, seg.start, seg.text)
    starts = [s.start for s in doc.segments]
    assert starts == sorted(starts)
    return doc


def test_split_keeps_order_offsets_history_and_beads(two_docs):
    store, ru, uk = two_docs
    target = next(s for s in ru.segments if "без точки" in s.text)
    store.save_translations([(Translation(target.id, "Second sentence merged. Third too.", "marian", "m"),
                              target.text)])
    store.save_edit(target.id, "Second sentence, merged: no full stop. Third too.", "ann", 0)
    pairs = [(a.id, b.id) for a, b in zip(ru.segments, uk.segments, strict=False)]
    store.save_alignment(ru.id, uk.id, [Bead([a], [b], 0.9) for a, b in pairs])
    at = target.text.index("Третье")

    first, second = store.split_segment(target.id, at, "ann")

    assert first.text.endswith("без точки") and second.text == "Третье тоже."
    doc = _invariants(store, ru.id)
    assert [s.id for s in doc.segments].index(second.id) == [s.id for s in doc.segments].index(first.id) + 1
    assert len(doc.segments) == len(ru.segments) + 1
    with pytest.raises(StoreError):
        store.segment(target.id)
    # the human English and its history moved to the first part, nothing lost
    hist = store.history(first.id)
    assert [h.text for h in hist] == ["Second sentence, merged: no full stop. Third too."]
    assert target.id in hist[0].comment and hist[0].author == "ann"
    english = store.english_for([first.id, second.id])
    assert english[first.id].version == 1 and english[second.id].text == ""
    # both parts now sit in the bead that held the old segment
    beads = store.alignment(ru.id, uk.id)
    holding = [b for b in beads if first.id in b.src]
    assert len(holding) == 1 and second.id in holding[0].src
    assert not any(target.id in b.src for b in beads)
    # a save on the new first part works with its version (conflict detection intact)
    store.save_edit(first.id, "Second sentence, merged: no full stop.", "ann", 1)


def test_merge_joins_text_english_and_beads(two_docs):
    store, ru, uk = two_docs
    a, b = ru.segments[1], ru.segments[2]
    store.save_translations([(Translation(a.id, "First sentence here.", "marian", "m"), a.text),
                             (Translation(b.id, "Second sentence.", "marian", "m"), b.text)])
    store.save_edit(b.id, "The second sentence.", "bob", 0)
    store.save_alignment(ru.id, uk.id, [Bead([s.id], [t.id], 0.8) for s, t in zip(ru.segments, uk.segments,
                                                                                  strict=False)])

    merged = store.merge_segments(a.id, b.id, "bob")

    assert merged.text == ru.text[a.start:b.end] and merged.index == a.index
    doc = _invariants(store, ru.id)
    assert len(doc.segments) == len(ru.segments) - 1
    hist = store.history(merged.id)
    assert hist[0].text == "The second sentence." and b.id in hist[0].comment
    assert hist[-1].text == "First sentence here. The second sentence." and hist[-1].origin == "merge"
    assert store.english_for([merged.id])[merged.id].version == len(hist)
    beads = store.alignment(ru.id, uk.id)
    holding = [x for x in beads if merged.id in x.src]
    assert len(holding) == 1 and len(holding[0].tgt) == 2 and holding[0].locked
    assert not any({a.id, b.id} & set(x.src) for x in beads)


def test_split_then_merge_restores_the_original_id(two_docs):
    store, ru, _ = two_docs
    seg = ru.segments[1]
    first, second = store.split_segment(seg.id, seg.text.index(" ") + 1, "ann")
    back = store.merge_segments(first.id, second.id, "ann")
    assert back.id == seg.id and back.text == seg.text
    _invariants(store, ru.id)


def test_bad_split_and_merge_change_nothing(two_docs):
    store, ru, uk = two_docs
    seg = ru.segments[1]
    for at in (0, len(seg.text), -3, 10_000):
        with pytest.raises(StoreError, match="position"):
            store.split_segment(seg.id, at, "ann")
    with pytest.raises(StoreError, match="neighbouring"):
        store.merge_segments(ru.segments[0].id, ru.segments[2].id, "ann")
    with pytest.raises(StoreError, match="neighbouring"):
        store.merge_segments(ru.segments[-1].id, uk.segments[0].id, "ann")
    with pytest.raises(StoreError, match="no such segment"):
        store.split_segment("nope", 3, "ann")
    assert store.document(ru.id).segments == ru.segments
