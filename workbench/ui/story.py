"""The story view: a story's language versions aligned bead by bead, and alignment corrections."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..actions.documents import correct_alignment
from ..records import Bead, Document, User

if TYPE_CHECKING:
    from ..store import Store


@dataclass
class PairView:
    doc_a: Document
    doc_b: Document
    beads: list[Bead]
    english: dict[str, str]  # segment id -> English shown now

    def text(self, ids: list[str], doc: Document) -> str:
        by_id = {s.id: s.text for s in doc.segments}
        return " ".join(by_id.get(i, "?") for i in ids)

    def en(self, ids: list[str]) -> str:
        return " ".join(self.english.get(i, "") for i in ids if self.english.get(i))

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for n, b in enumerate(self.beads, start=1):
            kind = f"{len(b.src)}-{len(b.tgt)}"
            out.append({"bead": n, "kind": kind, "only in": self.only_in(b), "score": round(b.score, 2),
                        "locked": b.locked, self.doc_a.lang + " (A)": self.text(b.src, self.doc_a),
                        self.doc_b.lang + " (B)": self.text(b.tgt, self.doc_b),
                        "English A": self.en(b.src), "English B": self.en(b.tgt)})
        return out

    def only_in(self, b: Bead) -> str:
        if not b.tgt:
            return self.doc_a.name
        if not b.src:
            return self.doc_b.name
        return ""

    def html(self) -> str:
        """The pair in columns (A | B | English), beads present in one version only marked as such."""
        head = (f'<div class="wb-story" style="grid-template-columns:3em 1fr 1fr 1fr;font-weight:600">'
                f'<div>#</div><div>{html.escape(self.doc_a.name)} ({self.doc_a.lang})</div>'
                f'<div>{html.escape(self.doc_b.name)} ({self.doc_b.lang})</div><div>English</div></div>')
        rows = [head]
        for n, b in enumerate(self.beads, start=1):
            only = self.only_in(b)
            cls = " wb-only" if only else ""
            a = html.escape(self.text(b.src, self.doc_a)) or f'<span class="wb-empty">only in {html.escape(only)}</span>'
            t = html.escape(self.text(b.tgt, self.doc_b)) or f'<span class="wb-empty">only in {html.escape(only)}</span>'
            en = html.escape(self.en(b.src) or self.en(b.tgt))
            lock = " · corrected" if b.locked else ""
            rows.append(f'<div class="wb-story{cls}" style="grid-template-columns:3em 1fr 1fr 1fr">'
                        f'<div class="wb-num">{n} · {len(b.src)}-{len(b.tgt)}{lock}</div>'
                        f'<div class="wb-cell">{a}</div><div class="wb-cell">{t}</div>'
                        f'<div class="wb-cell">{en}</div></div>')
        return "".join(rows)


def pairs(store: Store, story_ref: int | str) -> list[PairView]:
    """Every aligned document pair of the story, ready to show."""
    out = []
    for doc_a, doc_b, beads in store.story_alignments(story_ref):
        a, b = store.document(doc_a), store.document(doc_b)
        english = store.english_for([s.id for s in a.segments + b.segments])
        out.append(PairView(a, b, beads, {k: v.text for k, v in english.items()}))
    return out


def correct(store: Store, user: User | None, view: PairView, action: str, numbers: list[int],
            split_src: int = 1, split_tgt: int = 1) -> list[Bead]:
    """A correction of the shown pair's beads (see `workbench.actions.documents.correct_alignment`)."""
    return correct_alignment(store, user, view.doc_a.id or 0, view.doc_b.id or 0, view.beads, action, numbers,
                             split_src, split_tgt)
