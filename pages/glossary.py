"""Glossary: search, propose, review (reviewers), history, import and export."""

import streamlit as st

from workbench.actions import can
from workbench.actions import terms as actions
from workbench.errors import WorkbenchError
from workbench.records import TERM_KINDS, TERM_STATUSES
from workbench.ui import glossary as gl
from workbench.ui import streamlit_app as wa

user = wa.page_user()
store = wa.store()
st.title("Glossary")
wa.show_flashes()
reviewer = can(user, "approve_term")

f1, f2, f3, f4 = st.columns([3, 1, 1, 1])
query = f1.text_input("Search", key="gl_query")
lang = f2.selectbox("Language", ["", "ru", "uk"], key="gl_lang", format_func=lambda x: x or "all")
status = f3.selectbox("Status", ["", *TERM_STATUSES], key="gl_status", format_func=lambda x: x or "all")
kind = f4.selectbox("Kind", ["", *TERM_KINDS], key="gl_kind", format_func=lambda x: x or "all")
terms = gl.search(store, query, lang=lang, status=status, kind=kind)
st.dataframe([{"id": t.id, "lang": t.lang, "source": t.source, "English": t.english, "status": t.status,
               "kind": t.kind, "note": t.note, "by": t.created_by} for t in terms], hide_index=True, width="stretch")

with st.form("gl_propose", clear_on_submit=True):
    st.markdown("**Propose a term**")
    p1, p2, p3, p4 = st.columns([1, 3, 3, 1])
    p_lang = p1.selectbox("Language", ["ru", "uk"], key="gl_p_lang")
    p_src = p2.text_input("Source", key="gl_p_src")
    p_en = p3.text_input("English", key="gl_p_en")
    p_kind = p4.selectbox("Kind", TERM_KINDS, key="gl_p_kind", help="bad: a known wrong rendering")
    p_note = st.text_input("Note", key="gl_p_note")
    if st.form_submit_button("Propose"):
        term = wa.attempt(actions.propose_term, store, user, p_lang, p_src, p_en, note=p_note, kind=p_kind)
        if term is not None:
            wa.flash(f"Proposed {term.source} → {term.english}")
            st.rerun()

if terms:
    st.subheader("Review and history")
    ids = [t.id for t in terms]
    by_id = {t.id: t for t in terms}
    pending = [t.id for t in terms if t.status == "proposed"]
    tid = st.selectbox("Term", ids, index=ids.index(pending[0]) if pending else 0, key="gl_term",
                       format_func=lambda i: f"#{i} {by_id[i].source} → {by_id[i].english}")
    term = by_id[tid]
    st.markdown(f"Status: **{term.status}** · proposed by {wa.md(term.created_by or '?')} · English: "
                f"{wa.md(term.english)}")
    comment = st.text_input("Comment (required to reject)", key=f"gl_comment_{tid}")

    def review(term_id: int, decision: str, seen: str, label: str) -> None:
        """Runs on the click, with the English the reviewer saw when the button was drawn (callbacks run
        before the page, so the user is checked again here)."""
        who = wa.user()
        if who is None:
            return
        try:
            done = actions.review_term(store, who, term_id, decision,
                                       st.session_state.get(f"gl_comment_{term_id}", ""), seen_english=seen)
        except WorkbenchError as exc:
            wa.flash(str(exc), "error")
        else:
            wa.flash(f"{label}: {done.source} → {done.english}")

    r1, r2, r3 = st.columns(3)
    r1.button("Approve", key="gl_approve", type="primary", disabled=not reviewer or term.status == "approved",
              help=None if reviewer else "Only reviewers approve terms", on_click=review,
              args=(tid, "approved", term.english, "Approved"))
    r2.button("Reject", key="gl_reject", disabled=not reviewer or term.status == "rejected",
              help=None if reviewer else "Only reviewers reject terms", on_click=review,
              args=(tid, "rejected", term.english, "Rejected"))
    with r3.popover("Edit"):
        new_en = st.text_input("English", value=term.english, key=f"gl_edit_en_{tid}")
        new_note = st.text_input("Note", value=term.note, key=f"gl_edit_note_{tid}")
        if st.button("Save term", key="gl_edit_save"):
            if wa.attempt(actions.edit_term, store, user, tid, english=new_en, note=new_note, comment=comment):
                st.rerun()
    st.dataframe(gl.history(store, tid), hide_index=True, width="stretch")

st.subheader("Starter terms")
cfg = wa.config()
starter = gl.starter_terms(cfg)
using = gl.starter_in_use(store, cfg)
st.caption(f"{len(starter)} terms in the glossary files shipped with the workbench. "
           + (f"The flags use them for {', '.join(using)} until the project glossary has approved terms in "
              "that language." if using else "The project glossary has approved terms in every language of "
              "the files, so the flags use only the project glossary."))
s1, s2 = st.columns([4, 1], vertical_alignment="top")
with s1.expander(f"Show the starter glossary ({len(starter)} terms)"):
    st.dataframe([{"lang": t.lang, "source": t.source, "English": t.english, "kind": t.kind, "note": t.note}
                   for t in starter], hide_index=True, width="stretch")
if s2.button("Load the starter glossary", key="gl_load_starter", disabled=not starter,
             help="Copies the files' terms into the project glossary (reviewers: as approved)."):
    added = wa.attempt(actions.load_starter, store, user, cfg)
    if added is not None:
        wa.flash(f"Loaded {len(added)} starter term(s)" + ("" if reviewer else " as proposed"))
        st.rerun()

st.subheader("Import and export")
i1, i2 = st.columns(2)
with i1:
    upload = st.file_uploader("Import a TSV glossary (lang, source, english, status, kind, note)", type=["tsv"],
                              key="gl_upload")
    if upload is not None and st.button("Import terms", key="gl_import"):
        done = wa.attempt(actions.upload_terms, store, user, upload.name, upload.getvalue())
        if done is not None:
            wa.flash(f"Imported {len(done.added)} term(s), {done.unchanged} already there"
                     + ("" if reviewer else " (as proposed)"))
            st.rerun()
with i2:
    st.download_button("Download these terms (TSV)", gl.export_tsv(terms), file_name="glossary.tsv",
                       mime="text/tab-separated-values", key="gl_download")
