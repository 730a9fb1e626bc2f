"""The quality page's figures: flags per document by kind and level, segment risks, post-editing scores per document
and day."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import metrics

if TYPE_CHECKING:
    from ..store import Store


def flag_rows(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(flags, segment risks): one row per flag with document, kind, level, severity and status (for
    charts that count them), and one per segment risk estimate with document and risk.

    The risk estimate is a flag only to be stored and ranked like one: every segment has one, so
    counted among the flags it would outnumber all the checks together.
    """
    doc_of: dict[str, str] = {}
    for d in store.documents():
        for s in store.segments(d.id):
            doc_of[s.id] = d.name
    flags: list[dict[str, Any]] = []
    risks: list[dict[str, Any]] = []
    for f in store.flags():
        document = doc_of.get(f.segment_id, "?")
        if f.is_estimate:
            if f.status == "open":
                risks.append({"document": document, "risk": round(f.severity, 3)})
            continue
        flags.append({"document": document, "kind": f.kind, "level": f.level, "severity": round(f.severity, 2),
                      "status": f.status})
    return flags, risks


def likely_wrong(risks: list[dict[str, Any]]) -> int:
    """Segments more likely wrong than right (risk >= 0.5, the line `risk.word` flags are drawn at)."""
    from ..flags.risk import WORD_FLAG

    return sum(1 for r in risks if r["risk"] >= WORD_FLAG)


def edit_rows(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(per document, per day and document) HTER, chrF and BLEU of the post-edited English vs the MT."""
    names = {d.id: d.name for d in store.documents()}
    edits = metrics.post_edits(store)
    per_doc = [{"document": names.get(doc, str(doc)), "segments": s.segments, "changed": s.changed,
                "HTER": s.hter, "chrF": s.chrf, "BLEU": s.bleu} for doc, s in metrics.by_document(edits).items()]
    per_day = [{"day": day.isoformat(), "document": names.get(doc, str(doc)) if doc is not None else "all",
                "segments": s.segments, "HTER": s.hter, "chrF": s.chrf, "BLEU": s.bleu}
               for (day, doc), s in {**metrics.by_day(edits), **metrics.by_day(edits, per_document=True)}.items()]
    return per_doc, per_day


def translated_without_mt(store: Store) -> int:
    """Segments whose English people wrote with no MT to start from (nothing to score against)."""
    ids = [s.id for d in store.documents() for s in store.segments(d.id) if s.role != "boilerplate"]
    english = store.english_for(ids) if ids else {}
    return sum(1 for e in english.values() if e.text and e.origin not in ("mt", "") and not e.mt_text)
