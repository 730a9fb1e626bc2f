"""External MT as MT (`import-mt`) and token scores for any English (`score`), on tiny real models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.config import Config
from workbench.errors import WorkbenchError
from workbench.ingest import import_paths
from workbench.records import User
from workbench.store import Store
from workbench.translate import load_engine, translate_documents
from workbench.translate.external import MTImportError, import_mt, score_document, spread

from .tiny_mt import build_tiny_marian

# Our own sentences: a heading, a line the importer splits into two segments, another line.
DOC_TEXT = ("Новости региона\n\n"
            "Правительство утвердило новый план развития дорог. Министры обсудят его в среду утром.\n\n"
            "В городе открылась большая выставка современного искусства.\n")
EN_LINES = ["Regional news", "", "The government approved a new road plan. Ministers will discuss it on Wednesday "
            "morning.", "", "A large exhibition of modern art opened in the city."]


@pytest.fixture(scope="module")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-import") / "marian")


@pytest.fixture
def doc(store: Store, config: Config, tmp_path: Path) -> str:
    src = tmp_path / "plan.txt"
    src.write_text(DOC_TEXT, encoding="utf-8")
    import_paths(store, [src], config)
    return "plan.txt"


@pytest.fixture
def mcfg(config: Config, tiny_marian: Path) -> Config:
    m = str(tiny_marian)
    return config.with_overrides(marian_models={"ru": m, "uk": m}, cpu_threads=1, device="cpu", max_output_tokens=12)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def state(store: Store, doc: str) -> tuple:
    """Everything an import may change: translations, current English, statuses, events."""
    ids = [s.id for s in store.segments(doc)]
    return (store.translations(ids), store.english_for(ids), [store.segment(i).status for i in ids],
            len(store.events()))


def test_line_aligned_file_is_stored_as_that_engines_mt(store, doc, config, tmp_path):
    segs = store.segments(doc)
    assert len(segs) == 4 and segs[1].paragraph == segs[2].paragraph  # the importer split line 3
    report = import_mt(store, config, doc, write(tmp_path / "deepl.txt", "\n".join(EN_LINES) + "\n"), "deepl",
                       "ann", score=False)
    assert report.imported == 4 and report.spread == 1 and report.format == "lines"
    stored = store.translations([s.id for s in segs])
    assert [stored[s.id].text for s in segs] == [
        "Regional news", "The government approved a new road plan.",
        "Ministers will discuss it on Wednesday morning.", "A large exhibition of modern art opened in the city."]
    assert {(t.engine, t.model_id) for t in stored.values()} == {("deepl", "external:deepl")}
    english = store.english_for([s.id for s in segs])
    assert all(e.origin == "mt" and e.engine == "deepl" and e.version == 0 for e in english.values())
    assert all(store.history(s.id) == [] for s in segs)  # MT, not edits
    assert all(store.segment(s.id).status == "translated" for s in segs)
    assert store.events(1)[0]["actor"] == "ann" and store.events(1)[0]["action"] == "mt.import"
    # The same English without the blank lines maps the same way.
    import_mt(store, config, doc, write(tmp_path / "g.txt", "\n".join(e for e in EN_LINES if e)), "google", "ann",
              score=False)
    again = store.translations([s.id for s in segs])
    assert [again[s.id].text for s in segs] == [stored[s.id].text for s in segs]
    assert {t.engine for t in again.values()} == {"google"}


def test_spread_keeps_every_sentence_in_order():
    assert spread("One. Two.", ["Раз.", "Два."]) == ["One.", "Two."]
    long_first = spread("A very long first sentence with a great many words in it. Two. Three.",
                        ["Очень длинное первое предложение, в котором много слов.", "Два. Три."])
    assert long_first == ["A very long first sentence with a great many words in it.", "Two. Three."]
    fewer = spread("Only one sentence.", ["Первое.", "Второе.", "Третье."])
    assert [p for p in fewer if p] == ["Only one sentence."] and len(fewer) == 3
    assert spread("Whole line", ["Целая строка"]) == ["Whole line"]


def test_table_tmx_and_xliff_from_other_tools(store, doc, config, tmp_path):
    segs = store.segments(doc)
    table = "segment_id\ten\n" + "".join(f"{s.id}\tEnglish {i}\n" for i, s in enumerate(segs[:2]))
    rep = import_mt(store, config, doc, write(tmp_path / "mt.tsv", table), "inhouse", "ann", score=False)
    assert rep.imported == 2 and rep.format == "table"
    assert store.translations([segs[1].id])[segs[1].id].text == "English 1"
    # TMX: matched by source text (the other tool knows nothing of our ids); other units are counted.
    tus = "".join(f'<tu><tuv xml:lang="ru-RU"><seg>{s.text}</seg></tuv><tuv xml:lang="en-GB"><seg>TMX {i}</seg>'
                  f'</tuv></tu>' for i, s in enumerate(segs))
    tus += '<tu><tuv xml:lang="ru"><seg>Не из этого документа.</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu>'
    tmx = (f'<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="ru" datatype="plaintext" '
           f'segtype="sentence" adminlang="en" o-tmf="x" creationtool="other" creationtoolversion="1"/>'
           f'<body>{tus}</body></tmx>')
    rep = import_mt(store, config, doc, write(tmp_path / "mt.tmx", tmx), "deepl", "ann", score=False)
    assert rep.imported == len(segs) and rep.unmatched == 1
    assert store.translations([segs[3].id])[segs[3].id].text == "TMX 3"
    units = "".join(f'<trans-unit id="u{i}"><source>{s.text}</source><target>XLF {i}</target></trans-unit>'
                    for i, s in enumerate(segs))
    xlf = ('<?xml version="1.0" encoding="UTF-8"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
           f'<file original="plan.txt" source-language="ru" target-language="en" datatype="plaintext"><body>{units}'
           '</body></file></xliff>')
    rep = import_mt(store, config, doc, write(tmp_path / "mt.xlf", xlf), "google", "ann", score=False)
    assert rep.imported == len(segs) and store.english_for([segs[0].id])[segs[0].id].text == "XLF 0"


@pytest.mark.parametrize("name,content,engine,message", [
    ("short.txt", "Only one line\nand another\n", "deepl", "2 lines of English, but plan.txt has 5 lines"),
    ("blank.txt", "a\nb\nc\nd\ne\n", "deepl", "English for an empty line"),
    ("ok.txt", "\n".join(EN_LINES), "marian", "the name of a workbench engine"),
    ("ok2.txt", "\n".join(EN_LINES), "no spaces allowed", "--engine"),
    ("mt.tsv", "segment_id\ten\nnot-a-segment\tHello\n", "deepl", "not a segment of this document"),
    ("cols.csv", "a,b\n1,2\n", "deepl", "needs a segment id column"),
    ("mt.docx", "x", "deepl", "unknown kind of file"),
    ("empty.txt", "", "deepl", "0 lines of English"),
    ("broken.tmx", "<tmx><header/><body><tu>", "deepl", "broken.tmx"),
])
def test_bad_input_is_one_line_and_changes_nothing(store, doc, config, tmp_path, name, content, engine, message):
    before = state(store, doc)
    with pytest.raises(WorkbenchError) as err:
        import_mt(store, config, doc, write(tmp_path / name, content), engine, "ann", score=False)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert state(store, doc) == before


def test_bad_bytes_and_missing_file(store, doc, config, tmp_path):
    before = state(store, doc)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9\n".encode("latin-1") * 5)
    with pytest.raises(MTImportError, match="not UTF-8"):
        import_mt(store, config, doc, tmp_path / "latin1.txt", "deepl", "ann")
    with pytest.raises(MTImportError, match="no such file"):
        import_mt(store, config, doc, tmp_path / "absent.txt", "deepl", "ann")
    assert state(store, doc) == before


def test_import_scores_with_the_configured_model_and_translate_keeps_it(store, doc, mcfg, tmp_path):
    segs = store.segments(doc)
    rep = import_mt(store, mcfg, doc, write(tmp_path / "deepl.txt", "\n".join(EN_LINES)), "deepl", "ann")
    assert rep.scored == rep.imported == 4 and rep.score_note == ""
    stored = store.translations([s.id for s in segs])
    engine = load_engine(mcfg, "ru")
    for s in segs:
        tr = stored[s.id]
        [(tokens, lps)] = engine.score([s.text], [tr.text])
        assert tr.tokens == tokens and tr.token_logprobs == pytest.approx(lps) and tr.tokens[-1] == "</s>"
        assert tr.logprob == pytest.approx(sum(lps)) and "scored=marian" in tr.options_key
    assert store.token_scores([s.id for s in segs]).keys() == {s.id for s in segs}
    # Translating afterwards keeps the imported MT (it is not silently replaced).
    report = translate_documents(store, mcfg, [doc], include_boilerplate=True)
    assert report.external == 4 and report.translated == 0
    assert store.translations([s.id for s in segs]) == stored


def test_without_a_model_the_import_says_so_and_still_stores(store, doc, config, tmp_path, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    cfg = config.with_overrides(marian_models={"ru": "workbench-tests/opus-mt-zz-en", "uk": "x"})
    rep = import_mt(store, cfg, doc, write(tmp_path / "deepl.txt", "\n".join(EN_LINES)), "deepl", "ann")
    assert rep.imported == 4 and rep.scored == 0 and "workbench-tests/opus-mt-zz-en" in rep.score_note
    assert all(not t.token_logprobs for t in store.translations([s.id for s in store.segments(doc)]).values())


def test_score_gives_edited_english_token_scores(store, doc, mcfg, tmp_path):
    from workbench.actions.segments import save_english

    segs = store.segments(doc)
    import_mt(store, mcfg, doc, write(tmp_path / "deepl.txt", "\n".join(EN_LINES)), "deepl", "ann", score=False)
    assert store.token_scores([s.id for s in segs]) == {}
    target = segs[3]
    save_english(store, User("ann", "translator"), target.id, "An exhibition of art opened.", 0)
    report = score_document(store, mcfg, doc)
    assert report.segments == 4 and report.scored == 4 and report.had_scores == 0
    scores = store.token_scores([s.id for s in segs])
    assert scores[target.id].text == "An exhibition of art opened."
    engine = load_engine(mcfg, "ru")
    [(tokens, lps)] = engine.score([target.text], ["An exhibition of art opened."])
    assert scores[target.id].tokens == tokens and scores[target.id].token_logprobs == pytest.approx(lps)
    assert score_document(store, mcfg, doc).scored == 0  # nothing new to score
    # Post-editing distance is measured against the imported MT.
    from workbench.metrics import post_edits, segment_hter

    [pe] = post_edits(store)
    assert pe.segment_id == target.id and pe.mt == EN_LINES[4] and pe.post_edited == "An exhibition of art opened."
    assert segment_hter(pe.mt, pe.post_edited) > 0
    # A further edit makes the old scores stale: that segment is scored again, the others are not.
    save_english(store, User("ann", "translator"), target.id, "An art exhibition opened.", 1)
    assert target.id not in store.token_scores([target.id])
    again = score_document(store, mcfg, doc)
    assert again.scored == 1 and again.had_scores == 3


def test_cli_import_mt_and_score(run_cli, tiny_marian, tmp_path):
    data = tmp_path / "data"
    toml = write(tmp_path / "wb.toml", f'cpu_threads = 1\n[marian_models]\nru = "{tiny_marian}"\nuk = "{tiny_marian}"\n')
    src = write(tmp_path / "plan.txt", DOC_TEXT)
    assert run_cli("import", str(src), data_dir=data).returncode == 0
    ok = run_cli("--config", str(toml), "--user", "ann", "import-mt", "plan", str(write(tmp_path / "d.txt", "\n".join(
        EN_LINES))), "--engine", "deepl", "--format", "jsonl", data_dir=data)
    assert ok.returncode == 0, ok.stderr
    row = json.loads(ok.stdout)
    assert row["imported"] == 4 and row["scored"] == 4 and row["spread"] == 1
    bad = run_cli("--config", str(toml), "import-mt", "plan", str(write(tmp_path / "b.txt", "one\n")), "--engine",
                  "deepl", data_dir=data)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "b.txt" in bad.stderr
    scored = run_cli("--config", str(toml), "score", "plan", "--format", "jsonl", data_dir=data)
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["had_scores"] == 4


def test_corpus_page_uploads_mt_through_the_same_function(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from workbench.auth import hash_password
    from workbench.config import load_config

    from .conftest import ROOT

    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    for var in ("WORKBENCH_DB", "WORKBENCH_ADMIN_PASSWORD", "WORKBENCH_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    cfg = load_config()
    st = Store(cfg.database_url)
    try:
        src = write(tmp_path / "plan.txt", DOC_TEXT)
        import_paths(st, [src], cfg)
        st.add_user("ann", "translator", hash_password("ann-password-1"))
        doc_id = st.document("plan.txt").id
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        at.text_input(key="signin_name").input("ann")
        at.text_input(key="signin_password").input("ann-password-1")
        at.button[0].click().run()
        at.switch_page("pages/corpus.py").run()
        at.selectbox(key="corpus_doc").set_value(doc_id).run()
        at.file_uploader(key="corpus_mt_file").set_value([("short.txt", b"one line\n", "text/plain")]).run()
        at.button(key="corpus_mt_import").click().run()
        assert at.error[0].value.replace("\\", "").startswith("short.txt:") and st.translations([s.id for s in st.segments(doc_id)]) == {}
        lines = "\n".join(EN_LINES).encode()
        at.file_uploader(key="corpus_mt_file").set_value([("deepl.txt", lines, "text/plain")]).run()
        at.button(key="corpus_mt_import").click().run()
        assert not at.exception, [e.value for e in at.exception]
        stored = st.translations([s.id for s in st.segments(doc_id)])
        assert len(stored) == 4 and {t.engine for t in stored.values()} == {"deepl"}
        assert st.events(1)[0]["actor"] == "ann"
    finally:
        st.close()
