"""The corpus page's view: documents and segments. Changes go through `workbench.actions`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..records import Segment

if TYPE_CHECKING:
    from ..store import Store


def documents(store: Store) -> list[dict[str, Any]]:
    stories = {s.id: s.name for s in store.stories()}
    counts = store.segment_counts()
    return [{"id": d.id, "name": d.name, "lang": d.lang, "title": d.title, "encoding": d.encoding,
             "story": stories.get(d.story_id, ""), "segments": counts.get(d.id, {}).get("total", 0),
             "boilerplate": counts.get(d.id, {}).get("boilerplate", 0), "status": d.status}
            for d in store.documents()]


def segments(store: Store, doc_ref: int | str) -> list[Segment]:
    return store.segments(doc_ref)


