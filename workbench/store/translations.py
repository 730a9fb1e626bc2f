"""Machine translations per segment, which double as the translation cache.

Every machine translation is saved through `_add_translations`, so that is where the tags of a
formatted segment go into its MT (`inline.place_mt`): our engines' English, cached copies, MT
imported from another system (`import-mt`), restored from an XLIFF file or saved by a Ray worker.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import inline
from ..records import Translation
from .schema import EditRow, EnglishScoreRow, SegmentRow, TranslationRow


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def translation_record(row: TranslationRow) -> Translation:
    return Translation(
        segment_id=row.segment_id or "", text=row.text, engine=row.engine, model_id=row.model_id,
        model_revision=row.model_revision, options_key=row.options_key, logprob=row.logprob,
        token_logprobs=list(row.token_logprobs or []), tokens=list(row.tokens or []), seconds=row.seconds,
        missing_terms=list(row.missing_terms or []), created_at=row.created_at,
    )


def _formatted_segments(s: Session, ids: Sequence[str]) -> dict[str, tuple[str, str, list[dict]]]:
    """Text, language and inline codes of those segments that have codes (HTML imports)."""
    out: dict[str, tuple[str, str, list[dict]]] = {}
    for i in range(0, len(ids), 500):
        for sid, text, lang, marks in s.execute(select(SegmentRow.id, SegmentRow.text, SegmentRow.lang,
                                                       SegmentRow.inline).where(SegmentRow.id.in_(ids[i:i + 500]))):
            codes = inline.codes_of(marks)
            if codes:
                out[sid] = (text, lang, codes)
    return out


class TranslationStore:
    """Methods of `Store` for machine translations and the token scores of any English."""

    def save_translations(self, items: Iterable[tuple[Translation, str]], *, actor: str = "",
                          event: tuple[str, str, str] | None = None) -> int:
        """Store (translation, source text) pairs in one transaction; returns how many were stored.

        Segments still `new` become `translated`. Called once per batch so that an interrupted run
        keeps every finished batch.
        """
        with self.transaction() as s:
            if event is not None:  # (action, target, detail), logged in the same transaction
                self.log_event(s, actor, *event)  # type: ignore[attr-defined]
            return self._add_translations(s, items)

    def _add_translations(self, s: Session, items: Iterable[tuple[Translation, str]]) -> int:
        items = list(items)
        formatted = _formatted_segments(s, sorted({tr.segment_id for tr, _ in items if tr.segment_id}))
        n = 0
        for tr, source in items:
            text = tr.text
            if tr.segment_id in formatted:
                seg_text, lang, codes = formatted[tr.segment_id]
                text = inline.place_mt(seg_text, lang, codes, text)
            s.add(TranslationRow(
                segment_id=tr.segment_id or None, source_sha=text_sha(source), source_text=source,
                engine=tr.engine, model_id=tr.model_id, model_revision=tr.model_revision,
                options_key=tr.options_key, text=text, logprob=tr.logprob,
                token_logprobs=list(tr.token_logprobs), tokens=list(tr.tokens),
                missing_terms=list(tr.missing_terms), seconds=tr.seconds,
            ))
            if tr.segment_id:
                s.execute(update(SegmentRow).where(SegmentRow.id == tr.segment_id, SegmentRow.status == "new")
                          .values(status="translated"))
            n += 1
        return n

    def save_translations_once(self, items: Iterable[tuple[Translation, str]]) -> int:
        """Like `save_translations`, but idempotent on the translation cache's key: an item whose
        segment's latest translation already has its model and options is skipped.

        For workers that may run a batch twice (a retried task, a restarted actor, a re-run after a
        preempted node): whatever happened before, each segment ends with one translation per key.
        The segments' rows are locked first (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
        writers), so two workers saving the same segment at once cannot both find it untranslated.
        Returns how many were stored.
        """
        items = list(items)
        ids = sorted({tr.segment_id for tr, _ in items if tr.segment_id})
        n = 0
        with self.transaction() as s:
            latest: dict[str, tuple[str, str]] = {}
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                s.execute(select(SegmentRow.id).where(SegmentRow.id.in_(chunk)).order_by(SegmentRow.id)
                          .with_for_update())
                rows = s.execute(select(TranslationRow.segment_id, TranslationRow.model_id, TranslationRow.options_key)
                                 .where(TranslationRow.segment_id.in_(chunk)).order_by(TranslationRow.id))
                for seg_id, model_id, key in rows:
                    latest[seg_id] = (model_id, key)
            fresh = []
            for tr, source in items:
                if tr.segment_id:
                    if latest.get(tr.segment_id) == (tr.model_id, tr.options_key):
                        continue
                    latest[tr.segment_id] = (tr.model_id, tr.options_key)
                fresh.append((tr, source))
            n = self._add_translations(s, fresh)
        return n

    def cached_translations(self, model_id: str, options_key: str,
                            sources: Sequence[str]) -> dict[str, Translation]:
        """Earlier translations of these source texts by the same model and options, by source text."""
        wanted = {text_sha(t): t for t in sources}
        found: dict[str, Translation] = {}
        shas = list(wanted)
        with self.transaction(readonly=True) as s:
            for i in range(0, len(shas), 500):
                rows = s.scalars(select(TranslationRow).where(
                    TranslationRow.model_id == model_id, TranslationRow.options_key == options_key,
                    TranslationRow.source_sha.in_(shas[i:i + 500])).order_by(TranslationRow.id))
                for row in rows:
                    found[wanted[row.source_sha]] = translation_record(row)
        return found

    def translations(self, segment_ids: Sequence[str]) -> dict[str, Translation]:
        """The latest machine translation of each segment that has one."""
        out: dict[str, Translation] = {}
        with self.transaction(readonly=True) as s:
            for i in range(0, len(segment_ids), 500):
                rows = s.scalars(select(TranslationRow).where(
                    TranslationRow.segment_id.in_(segment_ids[i:i + 500])).order_by(TranslationRow.id))
                for row in rows:
                    out[row.segment_id] = translation_record(row)
        return out

    def engine_versions(self, segment_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """Each segment's English from every engine that translated it (its latest per engine):
        segment id -> engine -> text. Several engines' English of one segment (`import-mt --engine`)
        let the risk model see where they disagree."""
        out: dict[str, dict[str, str]] = {}
        with self.transaction(readonly=True) as s:
            for i in range(0, len(segment_ids), 500):
                rows = s.execute(select(TranslationRow.segment_id, TranslationRow.engine, TranslationRow.text).where(
                    TranslationRow.segment_id.in_(segment_ids[i:i + 500])).order_by(TranslationRow.id))
                for seg_id, engine, text in rows:
                    out.setdefault(seg_id, {})[engine] = text
        return out

    def save_english_scores(self, items: Sequence[Translation]) -> int:
        """Store forced-decoding scores (`text`: the English scored; engine/model: the scorer)."""
        with self.transaction() as s:
            for tr in items:
                s.add(EnglishScoreRow(
                    segment_id=tr.segment_id, text_sha=text_sha(tr.text), text=tr.text, engine=tr.engine,
                    model_id=tr.model_id, model_revision=tr.model_revision, logprob=tr.logprob,
                    token_logprobs=list(tr.token_logprobs), tokens=list(tr.tokens),
                ))
        return len(items)

    def token_scores(self, segment_ids: Sequence[str]) -> dict[str, Translation]:
        """Per-token log-probabilities of each segment's current English, where there are any.

        The current English is the latest edit, else the latest machine translation. Its scores are
        the translation's own (a model's output, or imported MT scored on import), else the latest
        forced-decoding scores of exactly that text (`workbench score`). The record's `text` is the
        current English; engine and model name the scorer.
        """
        out: dict[str, Translation] = {}
        with self.transaction(readonly=True) as s:
            for i in range(0, len(segment_ids), 500):
                chunk = list(segment_ids[i:i + 500])
                current: dict[str, str] = {}
                own: dict[str, TranslationRow] = {}
                for t in s.scalars(select(TranslationRow).where(TranslationRow.segment_id.in_(chunk))
                                   .order_by(TranslationRow.id)):
                    own[t.segment_id] = t
                    current[t.segment_id] = t.text
                for e in s.scalars(select(EditRow).where(EditRow.segment_id.in_(chunk)).order_by(EditRow.version)):
                    current[e.segment_id] = e.text
                scored: dict[tuple[str, str], EnglishScoreRow] = {}
                for r in s.scalars(select(EnglishScoreRow).where(EnglishScoreRow.segment_id.in_(chunk))
                                   .order_by(EnglishScoreRow.id)):
                    scored[(r.segment_id, r.text_sha)] = r
                for sid, text in current.items():
                    mt = own.get(sid)
                    if mt is not None and mt.text == text and mt.token_logprobs:
                        out[sid] = translation_record(mt)
                        continue
                    row = scored.get((sid, text_sha(text)))
                    if row is not None:
                        out[sid] = Translation(
                            segment_id=sid, text=row.text, engine=row.engine, model_id=row.model_id,
                            model_revision=row.model_revision, options_key="forced", logprob=row.logprob,
                            token_logprobs=list(row.token_logprobs or []), tokens=list(row.tokens or []),
                            created_at=row.created_at)
        return out
