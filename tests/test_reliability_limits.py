"""Limits: files over the import size limit, a document of 50,000 segments, empty and one-document stories.

Times and memory of the big document are measured in benchmarks/limits_bench.py, not here; this
test only proves that the import completes within a memory cap and keeps every segment.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.config import DEFAULT_MAX_IMPORT_BYTES, load_config
from workbench.ingest import IngestError, import_bytes, import_paths
from workbench.records import Bead
from workbench.store import NotFound, Store

from .conftest import ROOT, SEED


def _benchmark_module():
    """benchmarks/limits_bench.py: the test builds the same document the benchmark measures."""
    spec = importlib.util.spec_from_file_location("limits_bench", ROOT / "benchmarks" / "limits_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BIG_SEGMENTS = 50_000
MEMORY_CAP = 2 * 2**30  # address space allowed to the importing process (it peaks near 350 MiB RSS)


def test_documented_limit_is_ten_mib():
    assert DEFAULT_MAX_IMPORT_BYTES == 10 * 2**20 == load_config(env={}).max_import_bytes
    assert "10 MiB per file (`WORKBENCH_MAX_IMPORT_BYTES`)" in (ROOT / "README.md").read_text("utf-8")


def test_file_over_the_default_limit_is_refused_in_one_line(tmp_path: Path, run_cli):
    big = tmp_path / "huge.txt"
    with big.open("wb") as f:  # sparse: the size check comes before any read
        f.truncate(DEFAULT_MAX_IMPORT_BYTES + 1)
    done = run_cli("import", str(SEED["000"]), str(big))
    assert done.returncode == 2
    assert done.stderr == (f"workbench: {big}: file is {DEFAULT_MAX_IMPORT_BYTES + 1} bytes, over the import "
                           f"limit of {DEFAULT_MAX_IMPORT_BYTES} bytes\n")
    # One bad file aborts the whole import: the good file next to it is not imported either.
    docs = run_cli("docs", "--format", "jsonl")
    assert docs.returncode == 0 and docs.stdout == ""


def test_limit_is_exact_and_configurable(tmp_path: Path, store: Store):
    config = load_config(env={"WORKBENCH_DATA_DIR": str(tmp_path / "d"), "WORKBENCH_MAX_IMPORT_BYTES": "4000"})
    text = SEED["000"].read_bytes()
    at_limit = text[:4000].decode("utf-8", errors="ignore").encode("utf-8")
    at_limit += b" " * (4000 - len(at_limit))
    assert len(at_limit) == 4000
    import_bytes(store, "at-limit.txt", at_limit, config)
    with pytest.raises(IngestError) as err:
        import_bytes(store, "over.txt", at_limit + b".", config)
    assert str(err.value) == "over.txt: file is 4001 bytes, over the import limit of 4000 bytes"
    (tmp_path / "over.md").write_bytes(at_limit + b".")
    with pytest.raises(IngestError, match=r"over\.md: file is 4001 bytes, over the import limit of 4000 bytes"):
        import_paths(store, [tmp_path / "over.md"], config)
    assert [d.name for d in store.documents()] == ["at-limit.txt"]


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.mark.slow
def test_document_of_50000_segments_imports_within_a_memory_cap(tmp_path: Path, config):
    path = tmp_path / "big.txt"
    text = _benchmark_module().big_text(BIG_SEGMENTS)
    path.write_text(text, encoding="utf-8")
    assert len(text.encode("utf-8")) < DEFAULT_MAX_IMPORT_BYTES
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_DATA_DIR": str(config.data_dir)}
    env.pop("WORKBENCH_DB", None)
    done = subprocess.run([sys.executable, "-m", "workbench", "import", str(path), "--format", "jsonl"],
                          env=env, cwd=ROOT, capture_output=True, text=True, preexec_fn=_cap_memory, timeout=1800)
    assert done.returncode == 0, done.stderr
    store = Store(config.database_url)
    [doc] = store.documents()
    segments = store.segments(doc.id)
    assert len(segments) == BIG_SEGMENTS + 1  # the title line and 50,000 sentences
    assert all(doc_text_slice == s.text for s, doc_text_slice in
               ((s, text[s.start:s.end]) for s in segments))
    assert store.segment_counts()[doc.id]["total"] == BIG_SEGMENTS + 1
    english = store.english_for([s.id for s in segments])
    assert len(english) == BIG_SEGMENTS + 1 and all(e.version == 0 for e in english.values())
    store.close()


def test_empty_story(seeded: Store):
    empty = seeded.assign_story([], "nothing yet", "anna")
    assert (empty.name, empty.doc_ids) == ("nothing yet", [])
    assert seeded.story("nothing yet").doc_ids == []
    assert seeded.story_alignments("nothing yet") == []
    assert "nothing yet" in [s.name for s in seeded.stories()]
    with pytest.raises(NotFound, match="no such story"):
        seeded.story_alignments("never created")


def test_story_with_one_document(seeded: Store):
    doc = seeded.document("000")
    solo = seeded.assign_story([doc.id], "solo", "anna")
    assert solo.doc_ids == [doc.id]
    assert seeded.story_alignments("solo") == []  # nothing to align with
    # A pair aligned earlier stops being part of the story when the other document leaves it.
    other = seeded.document("002")
    seeded.assign_story([other.id], "solo", "anna")
    bead = Bead([doc.segments[1].id], [other.segments[1].id], 0.9)
    seeded.save_alignment(doc.id, other.id, [bead], method="test")
    assert [(a, b, len(beads)) for a, b, beads in seeded.story_alignments("solo")] == [(doc.id, other.id, 1)]
    seeded.remove_from_story(other.id, "anna")
    assert seeded.story("solo").doc_ids == [doc.id]
    assert seeded.story_alignments("solo") == []
