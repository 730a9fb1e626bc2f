"""A translated, edited and aligned story that the exchange tests export; and the unit selection itself.

The other exchange test modules import `build_project` / the `project` fixture from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from workbench.exchange.collect import ExchangeError, select_units
from workbench.records import Bead, Segment, Translation
from workbench.store import Store

ENGINE, MODEL = "marian", "test-model"


@dataclass
class Project:
    store: Store
    ru_doc: int
    uk_doc: int
    ru: list[Segment]  # non-boilerplate segments of the ru document (000)
    uk: list[Segment]  # and of the uk document (001)
    story: str = "pair"


def mt_text(seg: Segment) -> str:
    return f"MT {seg.text[:30]}"


def build_project(store: Store) -> Project:
    ru_doc = store.document("000_")
    uk_doc = store.document("001_")
    store.assign_story([ru_doc.id, uk_doc.id], "pair", "tester")
    ru = [s for s in ru_doc.segments if s.role != "boilerplate"]
    uk = [s for s in uk_doc.segments if s.role != "boilerplate"]
    store.save_translations([(Translation(s.id, mt_text(s), ENGINE, MODEL), s.text) for s in ru + uk])
    store.save_edit(ru[0].id, "The US said there are no firm commitments before security talks with Russia.",
                    "anna", 0)
    store.save_edit(ru[0].id, "The United States said there were no firm commitments ahead of security talks "
                    "with Russia.", "bob", 1)
    store.save_edit(uk[1].id, "Over the past few months Russia has massed troops near the border.", "olena", 0)
    store.set_segment_status(ru[2].id, "approved", "rita")  # machine translation approved as it was
    store.save_edit(ru[3].id, "Talks between Washington and Moscow took place.", "anna", 0)
    store.set_segment_status(ru[3].id, "approved", "rita")
    beads = [Bead([ru[i].id], [uk[i].id], 0.9) for i in range(4)]
    beads.append(Bead([ru[4].id, ru[5].id], [uk[4].id], 0.7))  # a 2-1 bead
    beads.append(Bead([ru[6].id], [], 0.0))  # a 1-0 bead: ru[6] stays bilingual
    store.save_alignment(ru_doc.id, uk_doc.id, beads, method="test")
    return Project(store, ru_doc.id, uk_doc.id, ru, uk)


@pytest.fixture
def project(seeded: Store) -> Project:
    return build_project(seeded)


def test_story_gives_multilingual_units_for_beads_and_bilingual_for_the_rest(project: Project) -> None:
    sel = select_units(project.store, "pair", include_mt=True)
    assert sel.kind == "story" and sel.srclang == "ru"
    multi = [u for u in sel.units if len(u.variants) == 3]
    assert [[lang for lang, _ in u.variants] for u in multi] == [["ru", "uk", "en"]] * 5
    two_one = multi[4]
    assert two_one.variants[0][1] == f"{project.ru[4].text} {project.ru[5].text}"
    assert two_one.segment_ids == [project.ru[4].id, project.ru[5].id, project.uk[4].id]
    # Segments of beads are not repeated; the 1-0 bead's segment becomes a bilingual unit.
    covered = {sid for u in multi for sid in u.segment_ids}
    bilingual = [u for u in sel.units if len(u.variants) == 2]
    assert not covered & {sid for u in bilingual for sid in u.segment_ids}
    assert any(u.segment_ids == [project.ru[6].id] for u in bilingual)
    assert {u.srclang for u in bilingual} == {"ru", "uk"}


def test_unit_takes_english_status_and_history_of_the_better_side(project: Project) -> None:
    sel = select_units(project.store, "pair", include_mt=True)
    first, second = sel.units[0], sel.units[1]
    assert first.variants[-1][1].startswith("The United States said")
    assert (first.status, first.origin, first.created_by, first.changed_by) == ("edited", "human", "mt:marian", "bob")
    assert first.created_at <= first.changed_at
    # Bead 2: ru is MT (translated), uk was edited by olena: the edited side's English wins.
    assert second.variants[-1] == ("en", "Over the past few months Russia has massed troops near the border.")
    assert second.changed_by == "olena"


def test_status_filters_and_machine_translation(project: Project) -> None:
    store = project.store
    every = select_units(store, "doc:000_", include_mt=True).units
    human = select_units(store, "doc:000_").units
    approved = select_units(store, "doc:000_", status="approved").units
    assert len(every) == len(project.ru)
    # Without --include-mt: edited segments and approved ones (also the approved MT).
    assert [u.segment_ids[0] for u in human] == [project.ru[0].id, project.ru[2].id, project.ru[3].id]
    assert [u.segment_ids[0] for u in approved] == [project.ru[2].id, project.ru[3].id]
    assert {u.status for u in select_units(store, "doc:000_", status="edited").units} == {"edited", "approved"}


def test_unknown_or_ambiguous_reference_is_refused(project: Project) -> None:
    with pytest.raises(ExchangeError, match="no such story or document"):
        select_units(project.store, "nothing-like-this")
    with pytest.raises(ExchangeError, match="names both story"):
        select_units(project.store, "1")  # story 1 and document 1 both exist
    with pytest.raises(ExchangeError, match="--status"):
        select_units(project.store, "pair", status="final")
