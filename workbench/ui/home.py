"""The home page: stories and documents with their progress, and the run over everything pending."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..actions import require
from ..config import Config
from ..errors import WorkbenchError
from ..records import User

if TYPE_CHECKING:
    from ..store import Store


def share(n: int, total: int) -> float:
    """A percentage for the progress columns: one decimal below 1 % (5 of 593 is 0.8 %, not 0 %)."""
    if not total:
        return 0.0
    p = 100 * n / total
    return round(p, 1) if p < 1 else float(round(p))


@dataclass
class DocProgress:
    id: int
    name: str
    title: str
    lang: str
    story: str
    status: str
    segments: int  # all segments, as the editor counts them
    boilerplate: int
    translated: int  # has English (MT or people's), boilerplate left out
    edited: int
    approved: int  # confirmed by a translator (stored status "approved")
    open_flags: int
    words: int = 0  # source words of the non-boilerplate segments
    by_status: dict[str, int] = field(default_factory=dict)  # new / MT / edited / confirmed, boilerplate apart

    @property
    def work(self) -> int:
        return self.segments - self.boilerplate

    def row(self) -> dict[str, Any]:
        from .editor import STATUS_LABELS

        out: dict[str, Any] = {"id": self.id, "document": self.name, "status": self.status, "lang": self.lang,
                               "segments": self.segments, "words": self.words,
                               "translated %": share(self.translated, self.work),
                               "edited %": share(self.edited, self.work),
                               "confirmed %": share(self.approved, self.work), "open flags": self.open_flags}
        for label in STATUS_LABELS.values():
            out[label] = self.by_status.get(label, 0)
        out["boilerplate"] = self.boilerplate
        out["story"], out["title"] = self.story, self.title
        return out


def progress(store: Store) -> list[DocProgress]:
    """Per document: segments and words per status, counted as the editor counts them."""
    from ..text import words
    from .editor import status_label

    stories = {s.id: s.name for s in store.stories()}
    open_flags: dict[str, int] = {}
    for f in store.flags(status="open"):
        if not f.is_estimate:
            open_flags[f.segment_id] = open_flags.get(f.segment_id, 0) + 1
    out = []
    for d in store.documents():
        segs = store.segments(d.id)
        main = [s for s in segs if s.role != "boilerplate"]
        english = store.english_for([s.id for s in main])
        by_status: dict[str, int] = {}
        for s in main:
            by_status[status_label(s.status)] = by_status.get(status_label(s.status), 0) + 1
        out.append(DocProgress(
            id=d.id, name=d.name, title=d.title, lang=d.lang, story=stories.get(d.story_id, ""), status=d.status,
            segments=len(segs), boilerplate=len(segs) - len(main),
            translated=sum(1 for s in main if english[s.id].text),
            edited=sum(1 for s in main if english[s.id].origin not in ("mt", "")),
            approved=sum(1 for s in main if s.status == "approved"),
            open_flags=sum(open_flags.get(s.id, 0) for s in segs),
            words=sum(len(words(s.text)) for s in main), by_status=by_status))
    return out


def story_rows(store: Store, docs: list[DocProgress]) -> list[dict[str, Any]]:
    by_story: dict[str, list[DocProgress]] = {}
    for d in docs:
        by_story.setdefault(d.story or "(no story)", []).append(d)
    proposed = {s.name for s in store.stories() if s.proposed}
    return [{"story": name, "proposed": name in proposed, "documents": len(ds),
             "languages": ", ".join(sorted({d.lang for d in ds})), "segments": sum(d.segments for d in ds),
             "edited": sum(d.edited for d in ds), "open flags": sum(d.open_flags for d in ds)}
            for name, ds in by_story.items()]


@dataclass
class PipelineReport:
    translated: Any = None
    aligned: list[str] = field(default_factory=list)
    flagged: dict[str, int] = field(default_factory=dict)
    word_aligned: int = 0
    word_alignment_error: str = ""  # word links are an extra: a missing aligner model stops nothing else
    skipped: dict[str, str] = field(default_factory=dict)  # stage -> why it did not run (the others did)


def pending_languages(store: Store) -> list[str]:
    """Source languages of the segments that still need a machine translation."""
    langs = set()
    for d in store.documents():
        segs = [s for s in store.segments(d.id) if s.role != "boilerplate" and s.lang in ("ru", "uk")]
        english = store.english_for([s.id for s in segs])
        langs.update(s.lang for s in segs if not english[s.id].text)
    return sorted(langs)


def load_models(config: Config, langs: list[str]) -> dict[str, Any]:
    """The translation engines for these languages (the app keeps them for the whole process)."""
    from ..translate import load_engine

    return {lang: load_engine(config, lang) for lang in langs}


def process_pending(store: Store, config: Config, user: User | None,
                    report: Callable[[str, float], None] = lambda stage, share: None) -> PipelineReport:
    """Translate every untranslated segment, align every story with two or more versions, flag every
    document, then word-align the segments (for the editor's word highlighting). `report(stage,
    share_done)` drives a progress bar. The stages' own errors (e.g. ModelUnavailable, with its
    one-line advice) pass unchanged, except the word aligner's, which is noted in the report."""
    for action in ("translate", "align", "flag"):
        require(user, action)
    assert user is not None
    from ..align import align_story, align_words_for_document
    from ..flags import flag_document
    from ..translate import translate_documents

    out = PipelineReport()
    # Each stage runs whatever the one before did: without a translation model the source checks
    # and the sentence alignment still run, and the report says what was skipped and why.
    report("translate", 0.0)
    try:
        out.translated = translate_documents(store, config, all_docs=True,
                                             progress=lambda done, total: report("translate", done / max(total, 1)))
    except WorkbenchError as exc:
        out.skipped["translate"] = str(exc)
    stories = [s for s in store.stories() if len(s.doc_ids) >= 2]
    try:
        for n, story in enumerate(stories, start=1):
            align_story(store, config, story.name, user.name)
            out.aligned.append(story.name)
            report("align", n / len(stories))
    except WorkbenchError as exc:
        out.skipped["align"] = str(exc)
    docs = store.documents()
    try:
        for n, doc in enumerate(docs, start=1):
            out.flagged[doc.name] = len(flag_document(store, config, doc.id))
            report("flag", n / len(docs))
    except WorkbenchError as exc:
        out.skipped["flag"] = str(exc)
    try:
        for n, doc in enumerate(docs, start=1):
            out.word_aligned += align_words_for_document(store, config, doc.id)
            report("word alignment", n / len(docs))
    except WorkbenchError as exc:
        out.word_alignment_error = str(exc)
    return out
