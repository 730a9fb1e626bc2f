"""Round trip through a real CAT tool: OmegaT applies the story TMX we export to the Russian text.

OmegaT (Debian package `omegat`, installed by scripts/system-deps.sh) runs in console mode on a
project whose source is the Russian version and whose `tm/auto/` holds our TMX: for every aligned
sentence it must write the Ukrainian of the bead into the translated file, and leave a sentence
the memory does not know in Russian.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from workbench.config import Config
from workbench.exchange.tmx import export_tmx
from workbench.store import Store

from .story_pair import build_story_pair

OMEGAT = shutil.which("omegat")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(OMEGAT is None or shutil.which("java") is None,
                       reason="OmegaT is not installed (apt-get install omegat; scripts/system-deps.sh does it)"),
]

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>ru</source_lang>
    <target_lang>uk</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneRussianTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneUkrainianTokenizer</target_tok>
    <sentence_seg>true</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""
UNKNOWN = "Этого предложения в памяти нет совсем."


def test_omegat_fills_the_ukrainian_of_aligned_sentences_from_our_tmx(store: Store, config: Config,
                                                                      tmp_path: Path) -> None:
    pair = build_story_pair(store, config, tmp_path / "src")
    project = tmp_path / "omegat-project"
    for sub in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (project / sub).mkdir(parents=True)
    (project / "omegat.project").write_text(PROJECT, encoding="utf-8")
    report = export_tmx(store, "bridges", project / "tm" / "auto" / "bridges.tmx")
    assert report.units == len(pair.ru)
    # One paragraph per sentence, plus one sentence the memory has never seen.
    source = [s.text for s in pair.ru] + [UNKNOWN]
    (project / "source" / "bridges_ru.txt").write_text("\n\n".join(source) + "\n", encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    run = subprocess.run([OMEGAT, str(project), "--mode=console-translate"], capture_output=True, text=True,
                         timeout=300, env={**os.environ, "HOME": str(home)}, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    target = project / "target" / "bridges_ru.txt"
    assert target.is_file(), run.stdout[-2000:]
    paragraphs = [p.strip() for p in target.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    assert paragraphs == [s.text for s in pair.uk] + [UNKNOWN]
