"""Home: stories and documents with their progress; run everything pending."""

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.ui import home
from workbench.ui import streamlit_app as wa

user = wa.page_user()
store = wa.store()
wa.warm_checks(store)  # in the background: the first save in the editor does not wait for it
st.title("Home")
wa.show_flashes()

docs = home.progress(store)
if not docs:
    st.info("No documents yet: upload articles on the Corpus page (or run `workbench import corpus/`).")

st.subheader("Stories")
st.dataframe(home.story_rows(store, docs), hide_index=True, width="stretch")

st.subheader("Documents")
st.caption("Segments per status as the editor counts them (confirmed: by a translator; a reviewer approves "
           "the document). The percentages leave boilerplate out.")
st.dataframe([d.row() for d in docs], hide_index=True, width="stretch",
             column_config={"id": None,
                            **{f"{k} %": st.column_config.ProgressColumn(f"{k} %", min_value=0, max_value=100,
                                                                         format="%g%%", width="small")
                               for k in ("translated", "edited", "confirmed")}})
cols = st.columns([3, 1])
choice = cols[0].selectbox("Open a document in the editor", [d.id for d in docs], key="home_doc",
                           format_func=lambda i: next(f"{d.name} — {d.title[:60]}" for d in docs if d.id == i))
if cols[1].button("Open in editor", disabled=not docs, key="home_open"):
    st.session_state["editor_doc"] = choice
    st.switch_page("pages/editor.py")

st.subheader("Translate, align and flag")
st.caption("Translates every segment without English, aligns every story with two or more versions and "
           "flags every document. Finished batches are saved as they go. Each stage runs even when one before "
           "it cannot (e.g. no translation model): what was skipped is said.")
if st.button("Process everything pending", type="primary", key="home_process"):
    bar = st.progress(0.0, text="starting…")

    def report(stage: str, share: float) -> None:
        bar.progress(min(max(share, 0.0), 1.0), text=f"{stage}: {share:.0%}")

    cfg = wa.config()
    langs = home.pending_languages(store)
    # A missing translation model skips only the translation: alignment and the flags still run.
    models = {}
    if langs:
        try:
            models = wa.cached(f"mt:{sorted(cfg.engines.items())}:{langs}", lambda: home.load_models(cfg, langs))
        except WorkbenchError as exc:
            models = None
            model_error = str(exc)
    result = wa.attempt(home.process_pending, store, cfg, user, report)
    if result is not None:
        if models is None:
            result.skipped.setdefault("translate", model_error)
        wa.flash(f"Done: aligned {len(result.aligned)} stories, flagged {len(result.flagged)} documents, "
                 f"word-aligned {result.word_aligned} segments.")
        for stage, why in result.skipped.items():
            wa.flash(f"Skipped {stage}: {why} — the other stages ran"
                     + (" (the source-side checks and the alignment need no translation)." if stage == "translate"
                        else "."), "warning")
        if result.word_alignment_error:
            wa.flash(f"Word alignment skipped: {result.word_alignment_error}", "warning")
        st.rerun()
