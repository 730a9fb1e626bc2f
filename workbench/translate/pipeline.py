"""Translating documents in the store: selection, cache, length-sorted batches, glossary, progress.

Which segments: headings and content of the chosen documents (boilerplate only when asked), in
Russian or Ukrainian. A segment whose latest translation has the same model and options is done
already; a segment whose source text was translated elsewhere with the same model and options gets
a copy of that translation. A segment whose MT was imported from another system (`import-mt`)
keeps it. Everything else is translated in length-sorted batches, and every batch
is saved in its own transaction, so an interrupted run loses at most the batch in flight.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .. import inline
from ..config import Config
from ..errors import WorkbenchError
from ..glossary import match_terms
from ..records import Segment, Term, Translation
from .engines import NLLB_CODES, Engine, EngineSpec, engine_spec, load_engine

if TYPE_CHECKING:  # the store is the caller's (SQLAlchemy loads only for commands that use it)
    from ..store import Store

Progress = Callable[[int, int], None]

EXTERNAL_PREFIX = "external:"  # model id prefix of MT imported from another system (import-mt)


def is_external(tr: Translation) -> bool:
    """Whether a stored translation came from another MT system rather than one of our engines."""
    return tr.model_id.startswith(EXTERNAL_PREFIX)


@dataclass
class TranslateReport:
    """What a run did. `missing_terms`: segment id -> approved terms its English lacks."""

    documents: int = 0
    segments: int = 0  # selected for translation (cached + translated)
    translated: int = 0  # decoded by the model in this run
    cached: int = 0  # already translated, or copied from an identical source text
    skipped: int = 0  # boilerplate, other languages, empty
    external: int = 0  # English imported from another MT system (import-mt): kept, not re-translated
    batches: int = 0
    seconds: float = 0.0
    models: dict[str, str] = field(default_factory=dict)  # lang -> model id
    missing_terms: dict[str, list[str]] = field(default_factory=dict)


def select_documents(store: Store, doc_refs: Sequence[int | str] | None, story: str | None,
                     all_docs: bool) -> list[int]:
    """Document ids named by refs, a story or all; in order, without repeats."""
    if not doc_refs and story is None and not all_docs:
        raise WorkbenchError("translate: name documents, a story (--story) or all documents (--all)")
    ids: list[int] = []
    if all_docs:
        ids += [d.id for d in store.documents() if d.id is not None]
    if story is not None:
        ids += store.story(story).doc_ids
    for ref in doc_refs or []:
        doc_id = store.document(ref).id
        if doc_id is not None:
            ids.append(doc_id)
    return list(dict.fromkeys(ids))


def required_terms(text: str, lang: str, terms: list[Term]) -> list[str]:
    """English of the approved glossary terms found in a source text (morphology-aware), unique, in order."""
    terms = [t for t in terms if t.lang == lang]
    if not terms:  # no lemmatising (and no morphology dictionaries to load) without terms
        return []
    return list(dict.fromkeys(m.term.english for m in match_terms(text, lang, terms) if m.term.english.strip()))


def segments_to_translate(store: Store, config: Config, doc_ids: list[int], include_boilerplate: bool,
                          report: TranslateReport) -> dict[str, list[Segment]]:
    """The segments a run translates, by language (counted as skipped or external in `report`): the
    local and the Ray executors select the same way."""
    boilerplate = include_boilerplate or config.translate_boilerplate
    by_lang: dict[str, list[Segment]] = {}
    for doc_id in doc_ids:
        for seg in store.segments(doc_id):
            if (seg.role == "boilerplate" and not boilerplate) or seg.lang not in NLLB_CODES or not seg.text.strip():
                report.skipped += 1
                continue
            by_lang.setdefault(seg.lang, []).append(seg)
    # MT imported from another system stays the segment's MT: translating over it would silently
    # replace what the user brought in.
    latest = store.translations([s.id for segs in by_lang.values() for s in segs])
    for lang in list(by_lang):
        keep = [s for s in by_lang[lang] if s.id not in latest or not is_external(latest[s.id])]
        report.external += len(by_lang[lang]) - len(keep)
        by_lang[lang] = keep
    report.segments = sum(len(v) for v in by_lang.values())
    return by_lang


def batch_size_of(config: Config, batch_size: int | None) -> int:
    """The batch size asked for, or the configured one; at least 1 (local and distributed runs alike)."""
    size = config.batch_size if batch_size is None else batch_size
    if size < 1:
        raise WorkbenchError("batch size: must be at least 1")
    return size


def translate_documents(store: Store, config: Config, doc_refs: list[int | str] | None = None, *,
                        story: str | None = None, all_docs: bool = False, engine: str | None = None,
                        batch_size: int | None = None, include_boilerplate: bool = False,
                        progress: Progress | None = None) -> TranslateReport:
    """Translate the selected documents' segments into English and store the results."""
    started = time.perf_counter()
    size = batch_size_of(config, batch_size)
    doc_ids = select_documents(store, doc_refs, story, all_docs)
    report = TranslateReport(documents=len(doc_ids))
    by_lang = segments_to_translate(store, config, doc_ids, include_boilerplate, report)
    glossary = [t for t in store.terms(status="approved") if t.kind == "term"]
    done = 0
    if progress:
        progress(0, report.segments)
    for lang, segments in by_lang.items():
        spec = engine_spec(config, lang, engine)
        report.models[lang] = spec.model.model_id
        todo = _apply_cache(store, spec, segments, glossary, report)
        done += len(segments) - len(todo)
        if progress:
            progress(done, report.segments)
        if not todo:
            continue
        eng = load_engine(config, lang, engine)
        if eng.spec != spec:  # the engine fell back to other options (no int8 in this torch build)
            before = len(todo)
            todo = _apply_cache(store, eng.spec, [seg for seg, _ in todo], glossary, report)
            done += before - len(todo)
        # Identical sources (repeated lines) are decoded once and saved for every segment.
        unique: dict[tuple[str, tuple[str, ...]], list[Segment]] = {}
        for seg, terms in todo:
            unique.setdefault((seg.text, tuple(terms)), []).append(seg)
        # Length-sorted batches: little padding, and similar inputs decode in similar time.
        work = sorted(unique.items(), key=lambda item: len(item[0][0]))
        for i in range(0, len(work), size):
            batch = work[i:i + size]
            _translate_batch(store, eng, batch, report)
            done += sum(len(segs) for _, segs in batch)
            if progress:
                progress(done, report.segments)
    report.seconds = time.perf_counter() - started
    return report


def _apply_cache(store: Store, spec: EngineSpec, segments: list[Segment], glossary: list[Term],
                 report: TranslateReport) -> list[tuple[Segment, list[str]]]:
    """Count segments already done, copy cached translations of identical sources; return the rest."""
    latest = store.translations([s.id for s in segments])
    wanted: dict[str, list[tuple[Segment, list[str]]]] = {}  # options key -> segments
    for seg in segments:
        terms = required_terms(seg.text, seg.lang, glossary)
        key = spec.options_key(terms)
        prev = latest.get(seg.id)
        if prev is not None and prev.model_id == spec.model.model_id and prev.options_key == key:
            report.cached += 1
            if prev.missing_terms:
                report.missing_terms[seg.id] = list(prev.missing_terms)
            continue
        wanted.setdefault(key, []).append((seg, terms))
    todo: list[tuple[Segment, list[str]]] = []
    copies: list[tuple[Translation, str]] = []
    for key, items in wanted.items():
        found = store.cached_translations(spec.model.model_id, key, [seg.text for seg, _ in items])
        for seg, terms in items:
            hit = found.get(seg.text)
            if hit is None:
                todo.append((seg, terms))
                continue
            # Without the tags the other segment got: the store places this segment's own.
            copies.append((replace(hit, segment_id=seg.id, text=inline.plain(hit.text), seconds=0.0,
                                   created_at=None), seg.text))
            report.cached += 1
            if hit.missing_terms:
                report.missing_terms[seg.id] = list(hit.missing_terms)
    if copies:
        store.save_translations(copies)
    return todo


def decode_batch(engine: Engine, batch: list[tuple[tuple[str, tuple[str, ...]], list[Segment]]],
                 missing_terms: dict[str, list[str]]) -> list[tuple[Translation, str]]:
    """Decode each distinct (source, terms) of a batch once; one (translation, source) per segment
    sharing it. Glossary terms the English lacks go into `missing_terms` by segment. The local and
    the Ray executors both decode through this."""
    results = engine.translate([text for (text, _), _ in batch], [list(terms) for (_, terms), _ in batch],
                               batch_size=len(batch))
    items = []
    for ((text, _), segs), tr in zip(batch, results, strict=True):
        for seg in segs:
            items.append((replace(tr, segment_id=seg.id), text))
            if tr.missing_terms:
                missing_terms[seg.id] = list(tr.missing_terms)
    return items


def _translate_batch(store: Store, engine: Engine, batch: list[tuple[tuple[str, tuple[str, ...]], list[Segment]]],
                     report: TranslateReport) -> None:
    items = decode_batch(engine, batch, report.missing_terms)
    store.save_translations(items)  # one transaction: the batch is all saved or not at all
    report.translated += len(items)
    report.batches += 1
