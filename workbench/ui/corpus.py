"""The corpus page's view: documents and segments. Changes go through `workbench.actions` (the names
below stay for the branches that still import them from here)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..actions.documents import assign_story as group  # noqa: F401
from ..actions.documents import remove_from_story as ungroup  # noqa: F401
from ..actions.imports import upload  # noqa: F401
from ..actions.segments import set_role  # noqa: F401
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


