"""HTER, chrF and BLEU of post-edited English against the MT, per document and per day."""

from __future__ import annotations

import pytest
from sacrebleu.metrics import TER

from workbench import metrics
from workbench.ingest import build_document
from workbench.records import Translation


def test_score_is_zero_edit_for_accepted_mt_and_grows_with_edits():
    same = metrics.score([("The talks resumed in Geneva.", "The talks resumed in Geneva.")])
    assert same is not None and same.hter == 0 and same.chrf == pytest.approx(100) and same.changed == 0
    light = metrics.score([("The talks was resumed in Geneva.", "The talks were resumed in Geneva.")])
    heavy = metrics.score([("Shocking position of the side.", "The delegation's hard line surprised everyone.")])
    assert 0 < light.hter < heavy.hter
    assert light.chrf > heavy.chrf and light.bleu > heavy.bleu
    # one substitution in six words of the post-edit
    assert light.hter == pytest.approx(100 / 6, abs=0.01)
    assert metrics.score([]) is None and metrics.score([("", "x")]) is None


def test_segment_hter_matches_sacrebleu_ter():
    mt, pe = "He said that prices will rise on next week.", "He said prices would rise next week."
    assert metrics.segment_hter(mt, pe) == pytest.approx(TER().sentence_score(mt, [pe]).score, abs=0.01)


def test_post_edits_per_document_and_day(store):
    (a, _), (b, _) = store.add_documents([
        build_document("Первая новость.\nВторое предложение.\nТретье предложение.\n", "a.txt"),
        build_document("Інша новина.\nДруге речення.\n", "b.txt")])
    sa, sb = store.segments(a.id), store.segments(b.id)
    mts = {sa[0].id: "First news.", sa[1].id: "Second sentence.", sa[2].id: "The third offer.",
           sb[0].id: "Other news.", sb[1].id: "Second sentence."}
    store.save_translations([(Translation(sid, text, "marian", "m"), "src") for sid, text in mts.items()])
    store.save_edit(sa[0].id, "The first news story.", "ann", 0)
    store.save_edit(sa[2].id, "The third sentence.", "ann", 0)
    store.set_segment_status(sa[1].id, "approved", "ann")  # accepted unchanged
    store.save_edit(sb[0].id, "Another story.", "bob", 0)
    # sb[1] untouched: not post-edited, not counted

    edits = metrics.post_edits(store)
    assert {e.segment_id for e in edits} == {sa[0].id, sa[1].id, sa[2].id, sb[0].id}
    accepted = next(e for e in edits if e.segment_id == sa[1].id)
    assert accepted.edited_at is None and accepted.mt == accepted.post_edited

    docs = metrics.by_document(edits)
    assert docs[a.id].segments == 3 and docs[a.id].changed == 2 and docs[b.id].segments == 1
    expected = metrics.score([("First news.", "The first news story."), ("Second sentence.", "Second sentence."),
                              ("The third offer.", "The third sentence.")])
    assert docs[a.id] == expected
    days = metrics.by_day(edits)
    assert list(days) == [(store.history(sa[0].id)[-1].created_at.date(), None)]
    assert sum(s.segments for s in days.values()) == 3  # the accepted-unchanged one has no edit date
    per_doc = metrics.by_day(edits, per_document=True)
    assert {k[1] for k in per_doc} == {a.id, b.id}
    assert metrics.post_edits(store, [b.id])[0].author == "bob"
