"""Auto-propagation of repetitions: a confirmed English goes to the same source elsewhere in the
project (only where no person wrote English and nothing is confirmed), marked "propagated", and one
undo takes it all back."""

from __future__ import annotations

import pytest

from workbench.actions import PermissionDenied, documents, segments
from workbench.ingest import build_document
from workbench.records import Translation, User

ANN, RITA = User("ann", "translator"), User("rita", "reviewer")

LINES = ["Заседание совета прошло во вторник.", "Решение отложили до осени.", "Депутаты спорили два часа."]


def add(store, name: str, lines: list[str], mt: list[str] | None = None):
    (d, _), = store.add_documents([build_document("\n".join(lines) + "\n", name)])
    segs = store.segments(d.id)
    if mt:
        store.save_translations([(Translation(s.id, t, "marian", "m"), s.text) for s, t in zip(segs, mt, strict=True)])
    return segs


def english(store, seg) -> tuple[str, str]:
    en = store.english_for([seg.id])[seg.id]
    return en.text, en.origin


def test_a_confirmed_english_fills_the_repetitions_that_need_it_and_one_undo_restores_them(store):
    first = add(store, "a.txt", LINES, ["The council met on Tuesday.", "The decision was put off.", "Two hours."])
    # the same sentences elsewhere: with MT, with a person's English, confirmed, without any English,
    # and with other spacing (a repetition still)
    mt_copy = add(store, "b.txt", [LINES[0], LINES[2]], ["Council session took place Tuesday.", "MT."])
    human = add(store, "c.txt", [LINES[0], "Третий документ."], ["A machine's English.", "Third."])
    store.save_edit(human[0].id, "Rita's own English.", "rita", 0)
    confirmed = add(store, "d.txt", [LINES[0], "Четвертый документ."], ["Confirmed English.", "Fourth."])
    store.set_segment_status(confirmed[0].id, "approved", "rita")
    bare = add(store, "e.txt", ["Заседание  совета прошло во вторник.", "Другое предложение."])
    other = add(store, "f.txt", ["Заседание совета прошло в среду."], ["Wednesday."])

    segments.save_english(store, ANN, first[0].id, "The council met on Tuesday evening.", 0)
    segments.accept_segment(store, ANN, first[0].id)
    done = segments.propagate(store, ANN, first[0].id)

    assert sorted(p.segment_id for p in done.changed) == sorted([mt_copy[0].id, bare[0].id])
    assert english(store, mt_copy[0]) == ("The council met on Tuesday evening.", "propagated")
    assert english(store, bare[0]) == ("The council met on Tuesday evening.", "propagated")
    assert store.segment(mt_copy[0].id).status == "edited"  # offered, not confirmed
    assert english(store, human[0]) == ("Rita's own English.", "human")
    assert english(store, confirmed[0])[0] == "Confirmed English."
    assert english(store, other[0])[0] == "Wednesday."
    assert english(store, mt_copy[1])[0] == "MT."  # another sentence of the same document
    hist = store.history(mt_copy[0].id)
    assert hist[-1].author == "ann" and "segment 1 of a.txt" in hist[-1].comment

    # a second confirmation of the same source replaces an earlier propagation (not a person's text)
    segments.save_english(store, ANN, first[0].id, "The council sat on Tuesday.", 1)
    again = segments.propagate(store, ANN, first[0].id)
    assert sorted(p.segment_id for p in again.changed) == sorted([mt_copy[0].id, bare[0].id])

    # someone edits one repetition after the propagation: the undo keeps their text
    store.save_edit(bare[0].id, "Bare, by hand.", "rita", store.english_for([bare[0].id])[bare[0].id].version)
    restored = segments.undo_propagation(store, ANN, again)
    assert [e.segment_id for e in restored] == [mt_copy[0].id]
    assert english(store, mt_copy[0])[0] == "The council met on Tuesday evening."  # its previous English
    assert english(store, bare[0])[0] == "Bare, by hand."
    # an older propagation is not undone over what came after it
    assert segments.undo_propagation(store, ANN, done) == []
    assert english(store, mt_copy[0])[0] == "The council met on Tuesday evening."


def test_undo_brings_back_the_machine_translation(store):
    first = add(store, "a.txt", LINES, ["One.", "Two.", "Three."])
    copy = add(store, "b.txt", [LINES[2], "Ещё одно."], ["Deputies argued (MT).", "More."])
    segments.accept_segment(store, ANN, first[2].id, "Deputies argued for two hours.")
    done = segments.propagate(store, ANN, first[2].id)
    assert english(store, copy[0]) == ("Deputies argued for two hours.", "propagated")
    (back,) = segments.undo_propagation(store, ANN, done)
    assert back.text == "Deputies argued (MT)." and english(store, copy[0])[0] == "Deputies argued (MT)."


def test_propagation_needs_the_edit_right_and_skips_approved_documents(store):
    first = add(store, "a.txt", LINES, ["One.", "Two.", "Three."])
    locked = add(store, "locked.txt", [LINES[1]], ["Locked MT."])
    documents.approve_document(store, RITA, locked[0].doc_id)
    open_doc = add(store, "open.txt", [LINES[1], "Пятый документ."], ["Open MT.", "Fifth."])
    with pytest.raises(PermissionDenied):
        segments.propagate(store, None, first[1].id)
    with pytest.raises(PermissionDenied):
        segments.propagate(store, User("val", "viewer"), first[1].id)
    done = segments.propagate(store, ANN, first[1].id)
    assert [p.segment_id for p in done.changed] == [open_doc[0].id] and done.doc_ids == [open_doc[0].doc_id]
    assert english(store, locked[0])[0] == "Locked MT."
    # nothing to give: a segment without English propagates nothing
    empty = add(store, "g.txt", ["Совсем новое предложение без перевода."])
    add(store, "h.txt", ["Совсем новое предложение без перевода."], ["Some MT."])
    assert segments.propagate(store, ANN, empty[0].id).changed == []


def test_repetitions_are_the_same_normalised_source_in_the_same_language(store):
    a = add(store, "a.txt", ["Власти  города объявили о ремонте моста."])
    b = add(store, "b.txt", ["Власти города объявили о ремонте моста."])
    add(store, "c.txt", ["Власти города объявили о ремонте моста!"])  # other punctuation: not the same
    add(store, "d.txt", ["ВЛАСТИ ГОРОДА ОБЪЯВИЛИ О РЕМОНТЕ МОСТА."])  # case counts
    assert [s.id for s in segments.repetitions(store, a[0].id)] == [b[0].id]
    assert segments.repetition_key("Обʼєкт  з'явився ") == segments.repetition_key("Обʼєкт з’явився")


# --- split at word boundaries (the same action module) -------------------------------------------
def test_split_points_are_word_boundaries_with_opening_quotes_kept_with_their_word(store):
    text = "Мэр сказал: «Мост откроют» (в мае)."
    points = segments.split_points(text)
    assert [text[p:p + 3] for p in points] == ["ска", "«Мо", "отк", "(в ", "мае"]
    seg = add(store, "split.txt", ["Заголовок новости.", text])[1]
    with pytest.raises(segments.EditError, match="not between two words"):
        segments.split_segment(store, ANN, seg.id, text.index("ост"))  # inside "Мост"
    with pytest.raises(PermissionDenied):
        segments.split_segment(store, None, seg.id, points[1])
    first, second = segments.split_segment(store, ANN, seg.id, points[1] - 1)  # the space before works too
    assert (first.text, second.text) == ("Мэр сказал:", "«Мост откроют» (в мае).")
    assert segments.split_points("Слово.") == []
