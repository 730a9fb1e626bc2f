"""Explainable mistranslation flags: spans likely to be wrong, each with a reason, ranked for correction.

Detector families, one module each: `glossary` (known bad renderings, missing approved terms),
`artifacts` (source-side MT artifacts), `boilerplate`, `consistency` (source <-> English),
`versions` (aligned ru/uk versions of a story), `qa` (the classic QA checks), `untranslated`
(English words left in ru/uk text, Cyrillic left in the English), `tags` (the inline tags of HTML
imports in the English), `spelling` (non-words), `grammar`
(agreement and government from pymorphy3 parses) and `adequacy` (source <-> English, and source <-> an
English original, by the translation lexicon). Checks that need
something absent (an English, token log-probabilities, a word or sentence alignment) are skipped
with a note; every check can be switched off or given a level through `Config.detectors`.

Public API: `flag_text` (any text, no store), `flag_document` (a stored document; stores the flags),
`risk_score` and `rank_segments`.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import inline
from ..config import Config
from ..glossary import load_glossary_file
from ..records import Flag, Segment, Term
from ..store import Store
from ..store.errors import NotFound
from . import (
    adequacy,
    artifacts,
    boilerplate,
    consistency,
    grammar,
    qa,
    risk,
    spelling,
    tags,
    untranslated,
    versions,
)
from . import glossary as glossary_flags
from .base import CHECKS, Check, Counterpart, DocView, Emitter, RawFlag, SegmentView, has_cyrillic, levels_for

__all__ = ["Flag", "FileFlag", "FlagRun", "CHECKS", "Check", "flag_text", "rank_text", "flag_document", "flag_document_report",
           "flag_segments",
           "risk_score", "rank_segments", "glossary_files", "file_terms"]

FAMILIES = (glossary_flags, artifacts, boilerplate, consistency, versions, qa, untranslated, spelling, grammar,
            adequacy, tags)


@dataclass
class FileFlag:
    """A flag on a plain text: character offsets into the whole text."""

    start: int
    end: int
    kind: str
    severity: float
    message: str
    text: str
    suggestion: str = ""
    detector: str = ""
    level: str = "warning"
    segment: int = 0  # index of the (first) segment

    def as_json(self) -> dict[str, object]:
        """The record `workbench flag FILE --format jsonl` prints."""
        return {"start": self.start, "end": self.end, "kind": self.kind, "severity": self.severity,
                "message": self.message, "text": self.text}


@dataclass
class FlagRun:
    flags: list[Flag]
    notes: list[str] = field(default_factory=list)
    checked: int = 0  # segments looked at


def glossary_files(config: Config) -> list[Path]:
    """The starter glossary files: Config.glossary_dir, else the checkout's glossaries/ folder."""
    folder = config.glossary_dir or Path(__file__).resolve().parents[2] / "glossaries"
    return sorted(folder.glob("*.tsv")) if folder.is_dir() else []


def file_terms(config: Config) -> list[Term]:
    return [t for path in glossary_files(config) for t in load_glossary_file(path)]


def run_checks(view: DocView, config: Config) -> tuple[list[RawFlag], list[str], dict[str, str | None]]:
    """Every check family over a view: the rules' flags with their confidence, notes, the levels."""
    levels = levels_for(config.detectors)
    emit = Emitter(levels)
    for family in FAMILIES:
        family.detect(view, emit)
    return emit.raw, emit.notes, levels


def score_flags(view: DocView, raw: list[RawFlag], notes: list[str], levels: dict[str, str | None]
                ) -> tuple[list[Flag], list[str], list[risk.Estimate]]:
    """The risk model's severities, word and segment estimates (see `workbench.flags.risk`), deduplicated."""
    model, why = risk.load_model()
    scored, estimates = risk.estimate(view, raw, levels, model)
    best: dict[tuple[str, str, int, int, str], Flag] = {}
    for f in scored:
        key = (f.segment_id, f.side, f.start, f.end, f.kind)
        if key not in best or f.severity > best[key].severity:
            best[key] = f
    flags = sorted(best.values(), key=lambda f: (-f.severity, f.segment_id, f.start))
    return flags, notes + ([why] if why else []), estimates


def _run(view: DocView, config: Config) -> tuple[list[Flag], list[str]]:
    raw, notes, levels = run_checks(view, config)
    flags, notes, _ = score_flags(view, raw, notes, levels)
    return flags, notes


def flag_text(text: str, lang: str | None, config: Config, *, terms: Sequence[Term] | None = None,
              name: str = "text") -> list[FileFlag]:
    """Flag a plain text without a store: segments and roles from ingestion, then every source check.

    `lang` ('ru' or 'uk') overrides the detected language of the Cyrillic segments. Terms default
    to the glossary files. Returned worst first; consecutive boilerplate segments of the same kind
    come out as one span.
    """
    segs, flags = _flag_file_text(text, lang, config, terms, name)
    out = [FileFlag(segs[f.segment_id].start + f.start, segs[f.segment_id].start + f.end, f.kind, f.severity,
                    f.message, text[segs[f.segment_id].start + f.start:segs[f.segment_id].start + f.end],
                    f.suggestion, f.detector, f.level, segs[f.segment_id].index)
           for f in flags if f.side == "source" and not f.is_estimate]
    out = _merge_boilerplate(out, text)
    return sorted(out, key=lambda f: (-f.severity, f.start))


def rank_text(text: str, lang: str | None, config: Config, *, terms: Sequence[Term] | None = None,
              name: str = "text") -> list[tuple[int, float, str]]:
    """The segments of a plain text by risk, worst first, as `flag_text` reads them: (1-based
    segment number, risk score, segment text), like `rank_segments` for a stored document."""
    segs, flags = _flag_file_text(text, lang, config, terms, name)
    return [(segs[sid].index + 1, score, segs[sid].text) for sid, score in rank_segments(flags)]


def _flag_file_text(text: str, lang: str | None, config: Config, terms: Sequence[Term] | None, name: str
                    ) -> tuple[dict[str, Segment], list[Flag]]:
    """A plain text's segments (by id) and every flag of them, risk estimates included."""
    from ..ingest import build_document  # ingestion imports the store; keep `flags` importable alone

    doc = build_document(text, name)
    if lang:
        doc.lang = lang
        doc.segments = [dataclasses.replace(s, lang=lang) if s.lang in ("ru", "uk", "other") and has_cyrillic(s.text)
                        else s for s in doc.segments]
    view = DocView(doc, [SegmentView(s) for s in doc.segments],
                   terms=list(file_terms(config) if terms is None else terms))
    flags, _notes = _run(view, config)
    return {s.id: s for s in doc.segments}, flags


def _merge_boilerplate(flags: list[FileFlag], text: str) -> list[FileFlag]:
    """Consecutive boilerplate segments with the same reason become one span (an author bio, a form)."""
    plain = [f for f in flags if f.kind != "boilerplate"]
    merged: list[FileFlag] = []
    last_index = -2
    for f in sorted((f for f in flags if f.kind == "boilerplate"), key=lambda f: f.start):
        last = merged[-1] if merged else None
        if last and last.message == f.message and f.segment == last_index + 1 and not text[last.end:f.start].strip():
            merged[-1] = dataclasses.replace(last, end=f.end, text=text[last.start:f.end],
                                             severity=max(last.severity, f.severity))
        else:
            merged.append(f)
        last_index = f.segment
    return plain + merged


def _counterparts(store: Store, doc_id: int, story_id: int | None) -> dict[str, list[tuple[list[str], Counterpart]]]:
    out: dict[str, list[tuple[list[str], Counterpart]]] = defaultdict(list)
    if story_id is None:
        return out
    try:
        pairs = store.story_alignments(story_id)
    except NotFound:
        return out
    for doc_a, doc_b, beads in pairs:
        if doc_id not in (doc_a, doc_b):
            continue
        other_id = doc_b if doc_id == doc_a else doc_a
        other = store.document(other_id)
        texts = {s.id: s for s in other.segments}
        english = store.english_for([s.id for s in other.segments])
        for bead in beads:
            own_ids, other_ids = (bead.src, bead.tgt) if doc_id == doc_a else (bead.tgt, bead.src)
            if not own_ids or not other_ids:
                continue
            segs = [texts[i] for i in other_ids if i in texts]
            if not segs:
                continue
            cp = Counterpart(doc_name=other.name, lang=segs[0].lang if segs[0].lang in ("ru", "uk") else other.lang,
                             text=" ".join(s.text for s in segs),
                             english=" ".join(english[s.id].text for s in segs if s.id in english).strip(),
                             score=bead.score)
            for sid in own_ids:
                out[sid].append((list(own_ids), cp))
    return out


def _scope(segments: Sequence[tuple[str, int, str]], wanted: set[str]) -> list[str]:
    """The segments (id, index, text; in document order) a re-check of `wanted` must look at: those,
    their neighbours (boilerplate runs) and every segment with the same source (consistency checks)."""
    sources = {text.strip() for sid, _, text in segments if sid in wanted}
    near = {j for i, (sid, _, _) in enumerate(segments) if sid in wanted for j in (i - 1, i, i + 1)}
    return [sid for i, (sid, _, text) in enumerate(segments) if i in near or text.strip() in sources]


def other_versions(english: str, by_engine: dict[str, str]) -> tuple[str, ...]:
    """The other engines' English of a segment: every engine's latest text but the current English
    (an edit counts as its own version, so an edited segment is compared with all engines)."""
    own = english.strip()
    texts = [t for _, t in sorted(by_engine.items()) if t.strip()]
    if own in (t.strip() for t in texts):
        texts.remove(next(t for t in texts if t.strip() == own))
    return tuple(texts)


def flag_segments(store: Store, config: Config, doc_ref: int | str, segment_ids: Iterable[str]) -> FlagRun:
    """Re-check some segments of a stored document after an edit (the editor's live QA): every check
    runs on them with the neighbours and same-text segments they are compared with, and only their
    flags are replaced (flags no longer raised close). Much cheaper than the whole document."""
    return flag_document_report(store, config, doc_ref, only=set(segment_ids))


def flag_document_report(store: Store, config: Config, doc_ref: int | str, *,
                         only: set[str] | None = None) -> FlagRun:
    """Run every check that can run on a stored document, store the flags, and say what was skipped.
    `only`: re-check just these segments (see `flag_segments`)."""
    if only is None:
        doc = store.document(doc_ref)
    else:
        doc = store.document_part(doc_ref, lambda light: _scope(light, only))
    segments = doc.segments
    ids = [s.id for s in segments]
    english = store.english_for(ids)
    translations = store.translations(ids)
    engines = store.engine_versions(ids)
    items = []
    found = store.word_alignments({sid: e.text for sid, e in english.items() if e.text.strip()})
    for seg in segments:
        en = english[seg.id].text if seg.id in english else ""
        links = found.get(seg.id) if en.strip() else None
        # Tag tokens masked one for one: no check reads "<1>" as a number or bracket (offsets hold).
        items.append(SegmentView(seg, inline.mask(en), translations.get(seg.id), links,
                                 other_versions(en, engines.get(seg.id, {}))))
    notes: list[str] = []
    terms = store.terms()
    # The starter glossary files stand in for a language until the project has approved terms of
    # its own in that language (a proposed term alone must not switch them off).
    approved_langs = {t.lang for t in terms if t.status == "approved"}
    starter = [t for t in file_terms(config) if t.lang == doc.lang and t.lang not in approved_langs]
    if starter:
        terms = [*terms, *starter]
        notes.append(f"no approved project terms in {doc.lang}: using the starter glossary files "
                     f"({', '.join(p.name for p in glossary_files(config))}); load them with `workbench glossary load`")
    counterparts = _counterparts(store, doc.id or 0, doc.story_id)
    view = DocView(doc, items, terms=terms, counterparts=counterparts, has_alignment=bool(counterparts))
    flags, run_notes = _run(view, config)
    if only is not None:
        items = [i for i in items if i.seg.id in only]
        flags = [f for f in flags if f.segment_id in only]
    stored = store.replace_flags({i.seg.id: (i.seg.text, inline.unmask(i.english)) for i in items}, flags)
    stored.sort(key=lambda f: (-f.severity, f.id or 0))
    return FlagRun(stored, notes + run_notes, len(items))


def flag_document(store: Store, config: Config, doc_ref: int | str) -> list[Flag]:
    """Flag a stored document (see `flag_document_report`); the stored open flags, worst first."""
    return flag_document_report(store, config, doc_ref).flags


def risk_score(flags: Iterable[Flag | FileFlag]) -> float:
    """How likely a segment is to need correction: the risk model's estimate (its open `risk.segment`
    flag) when there is one, else, from its open flags, 1 - prod(1 - severity)."""
    keep = 1.0
    open_flags = [f for f in flags if getattr(f, "status", "open") == "open"]
    for f in open_flags:
        if f.detector == risk.SEGMENT.name:
            return round(max(0.0, min(1.0, f.severity)), 4)
    for f in open_flags:
        keep *= 1.0 - max(0.0, min(1.0, f.severity))
    return round(1.0 - keep, 4)


def rank_segments(flags: Iterable[Flag]) -> list[tuple[str, float]]:
    """Segments by risk score, worst first (ties: the segment with more flags first). With the risk
    model every segment carries an estimate, so every segment is ranked and ties are rare."""
    by_seg: dict[str, list[Flag]] = defaultdict(list)
    for f in flags:
        by_seg[f.segment_id].append(f)
    scored = [(sid, risk_score(fs), len(fs)) for sid, fs in by_seg.items()]
    return [(sid, score) for sid, score, _ in sorted(scored, key=lambda x: (-x[1], -x[2], x[0])) if score > 0]
