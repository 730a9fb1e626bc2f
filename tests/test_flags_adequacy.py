"""The adequacy family: words one side has that the other does not render, by the shipped lexicon."""

from __future__ import annotations

from workbench.config import Config
from workbench.flags import adequacy
from workbench.flags.base import Counterpart, DocView, Emitter, SegmentView, levels_for
from workbench.records import Document, Segment, Translation


def _view(text: str, lang: str, english: str = "", original: str | None = None) -> DocView:
    seg = Segment(id="s1", doc_id=1, index=0, start=0, end=len(text), text=text, lang=lang)
    doc = Document(id=1, name="article.txt", sha256="x", text=text, lang=lang, encoding="utf-8", segments=[seg])
    counterparts = {}
    if original is not None:
        counterparts = {"s1": [(["s1"], Counterpart(doc_name="original.txt", lang="en", text=original,
                                                    english="", score=0.9))]}
    return DocView(doc, [SegmentView(seg, english)], counterparts=counterparts, has_alignment=bool(counterparts))


def _flags(view: DocView, detectors: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    emit = Emitter(levels_for(detectors or {}))
    adequacy.detect(view, emit)
    texts = {"source": view.items[0].seg.text, "target": view.items[0].english}
    return [(f.detector, f.side, texts[f.side][f.start:f.end]) for f in emit.flags]


RU = "Вчера в городе открылась новая больница"
UK = "Президент підписав новий закон"


def test_faithful_russian_translation_raises_nothing():
    assert _flags(_view(RU, "ru", "A new hospital opened in the city yesterday")) == []


def test_russian_word_missing_from_the_english_is_flagged():
    found = _flags(_view(RU, "ru", "A hospital opened in the city"))
    assert ("adequacy.omission", "source", "Вчера") in found
    assert ("adequacy.omission", "source", "новая") in found
    assert not any(text in ("больница", "городе") for _, _, text in found)


def test_english_word_without_source_is_flagged_as_addition():
    found = _flags(_view(RU, "ru", "A new hospital for soldiers opened in the city yesterday"))
    assert found == [("adequacy.addition", "target", "soldiers")]


def test_ukrainian_omission_and_faithful_translation():
    assert _flags(_view(UK, "uk", "The president signed a new law")) == []
    found = _flags(_view(UK, "uk", "The president signed a law"))
    assert ("adequacy.omission", "source", "новий") in found
    assert not any(text in ("Президент", "закон") for _, _, text in found)


def test_source_against_the_english_original():
    # the Russian was translated from this English: the original has nothing for "Вчера"
    found = _flags(_view(RU, "ru", original="A new hospital opened in the city"))
    assert ("adequacy.original", "source", "Вчера") in found
    assert _flags(_view(RU, "ru", original="Yesterday a new hospital opened in the city")) == []


def test_names_numbers_and_function_words_are_left_to_other_checks():
    text = "Иванов сказал, что в 2024 году больница откроется"
    found = _flags(_view(text, "ru", "A hospital will open, he said"))
    flagged = {t for _, _, t in found}
    assert "Иванов" not in flagged and "2024" not in flagged and "что" not in flagged
    assert "году" not in flagged  # after a number: rendered by the number's form


def test_levels_and_switching_off():
    view = _view(RU, "ru", "A hospital opened in the city")
    assert _flags(view, {"adequacy": "off"}) == []
    emit = Emitter(levels_for({"adequacy.omission": "error"}))
    adequacy.detect(view, emit)
    assert emit.flags and all(0.7 <= f.severity <= 1.0 and f.level == "error" for f in emit.flags)


def test_flag_text_runs_the_family_without_english():
    from workbench.flags import flag_text

    flags = flag_text(RU + ".\n", "ru", Config(), terms=[])
    assert not any(f.detector.startswith("adequacy.") for f in flags)


def test_english_original_in_a_story_is_aligned_and_checked(store):
    from workbench.align.stories import align_story
    from workbench.flags import flag_document_report
    from workbench.ingest import build_document

    ru_text = "Вчера в городе открылась новая больница.\n\nВрачи начали работу утром.\n"
    en_text = "A new hospital opened in the city.\n\nDoctors started work in the morning.\n"
    (ru, _), = store.add_documents([build_document(ru_text, "ru.txt")], story="clinic")
    (en, _), = store.add_documents([build_document(en_text, "en.txt")], story="clinic")
    assert store.document(en.id).lang == "en"
    # the Russian's own English (an MT engine's) lets the aligner link its sentences to the original
    segs = store.document(ru.id).segments
    store.save_translations([(Translation(segment_id=s.id, text=t, engine="test", model_id="hand"), s.text)
                             for s, t in zip(segs, ["Yesterday a new hospital opened in the city.",
                                                    "Doctors started work in the morning."], strict=True)])
    align_story(store, Config(), "clinic")
    run = flag_document_report(store, Config(), ru.id)
    doc = store.document(ru.id)
    texts = {s.id: s.text for s in doc.segments}
    original = [texts[f.segment_id][f.start:f.end] for f in run.flags if f.detector == "adequacy.original"]
    assert original == ["Вчера"]
