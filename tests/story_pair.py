"""A small Russian/Ukrainian story written for these tests, imported and aligned, without English.

The exchange tests of a story's alignment (`test_exchange_story`, the OmegaT round trip) build it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.align import align_story
from workbench.config import Config
from workbench.ingest import import_paths
from workbench.records import Bead, Segment
from workbench.store import Store

RU = """Городской совет Полтавы утвердил новый план ремонта мостов.
Работы начнутся весной и продлятся до конца октября.
Первым отремонтируют мост через реку Ворсклу у центрального рынка.
Мэр города сказал, что движение транспорта будет ограничено только ночью.
Жители северного района просили построить пешеходный переход ещё два года назад.
Теперь переход появится рядом со школой номер 12.
На всё это из бюджета выделили 48 миллионов гривен.
"""

UK = """Міська рада Полтави затвердила новий план ремонту мостів.
Роботи почнуться навесні й триватимуть до кінця жовтня.
Першим відремонтують міст через річку Ворсклу біля центрального ринку.
Мер міста сказав, що рух транспорту обмежать лише вночі.
Мешканці північного району просили збудувати пішохідний перехід ще два роки тому.
Тепер перехід з'явиться поруч зі школою номер 12.
На все це з бюджету виділили 48 мільйонів гривень.
"""


@dataclass
class StoryPair:
    store: Store
    ru_doc: int
    uk_doc: int
    ru: list[Segment]
    uk: list[Segment]
    beads: list[Bead]
    story: str = "bridges"


def write_sources(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    ru, uk = folder / "bridges_ru.txt", folder / "bridges_uk.txt"
    ru.write_text(RU, encoding="utf-8")
    uk.write_text(UK, encoding="utf-8")
    return ru, uk


def build_story_pair(store: Store, config: Config, folder: Path) -> StoryPair:
    """Import both versions as one story and align them (no English anywhere)."""
    ru_path, uk_path = write_sources(folder)
    import_paths(store, [ru_path, uk_path], config, story="bridges")
    [(doc_a, doc_b, beads)] = align_story(store, config, "bridges")
    ru_doc = store.document(ru_path.name)
    uk_doc = store.document(uk_path.name)
    assert (doc_a, doc_b) == (ru_doc.id, uk_doc.id)  # the Russian file was imported first
    return StoryPair(store, ru_doc.id, uk_doc.id, [s for s in ru_doc.segments if s.role != "boilerplate"],
                     [s for s in uk_doc.segments if s.role != "boilerplate"], beads)
