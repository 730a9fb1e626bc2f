"""Corpus: upload articles, review segment roles, group documents into stories."""

import streamlit as st

from workbench.actions import documents, imports, segments
from workbench.records import ROLES
from workbench.ui import corpus
from workbench.ui import streamlit_app as wa

user = wa.page_user()
store = wa.store()
st.title("Corpus")
wa.show_flashes()

with st.expander("Upload articles (.txt, .md, .html)", expanded=not store.documents()):
    files = st.file_uploader("Files", accept_multiple_files=True, type=["txt", "md", "html", "htm"],
                             key="corpus_files")
    story = st.text_input("Put them into the story (leave empty to let the importer propose stories)",
                          key="corpus_upload_story")
    if st.button("Import", disabled=not files, key="corpus_import"):
        report = wa.attempt(imports.upload, store, wa.config(), user,
                            [(f.name, f.getvalue()) for f in files or []], story or None)
        if report is not None:
            wa.flash(f"Added {len(report.added)} document(s); {len(report.unchanged)} already there.")
            for name, names in report.proposed_stories.items():
                wa.flash(f"Proposed story {name!r}: {', '.join(names)}", "info")
            st.rerun()

rows = corpus.documents(store)
st.dataframe(rows, hide_index=True, width="stretch")
if not rows:
    st.stop()

st.subheader("Stories")
names = {r["id"]: r["name"] for r in rows}
c1, c2 = st.columns([3, 2])
chosen = c1.multiselect("Documents", list(names), format_func=names.get, key="corpus_group_docs")
story_name = c2.text_input("Story name", key="corpus_group_name")
if st.button("Put into story", key="corpus_group"):
    grouped = wa.attempt(documents.assign_story, store, user, chosen, story_name)
    if grouped is not None:
        wa.flash(f"Story {grouped.name!r}: {', '.join(names[i] for i in grouped.doc_ids)}")
        st.rerun()

st.subheader("Segments and roles")
doc_id = st.selectbox("Document", list(names), format_func=names.get, key="corpus_doc")
segs = corpus.segments(store, doc_id)
st.dataframe([{"#": s.index + 1, "lang": s.lang, "role": s.role, "why": s.role_reason, "text": s.text,
               "id": s.id} for s in segs], hide_index=True, width="stretch")
r1, r2, r3 = st.columns([1, 1, 1])
pos = r1.number_input("Segment #", min_value=1, max_value=len(segs), value=1, key="corpus_seg")
seg = segs[int(pos) - 1]
role = r2.selectbox("Role", ROLES, index=ROLES.index(seg.role), key=f"corpus_role_{seg.id}")
r3.write("")
if r3.button("Change role", key="corpus_set_role", disabled=role == seg.role):
    if wa.attempt(segments.set_role, store, user, seg.id, role) is not None:
        wa.flash(f"Segment {seg.index + 1}: {role}")
        st.rerun()
st.caption(wa.md(seg.text))

with st.expander("Import machine translation from another system (DeepL, Google, ...)"):
    st.caption("One line of English per line of the document (.txt), a segment id / English table (.tsv, .csv), "
               "or a TMX / XLIFF file. Stored as that system's MT (not as edits); nothing changes if the file "
               "does not fit the document.")
    mt_file = st.file_uploader("MT file", type=["txt", "tsv", "csv", "tmx", "xlf", "xliff"], key="corpus_mt_file")
    mt_engine = st.text_input("System name", value="deepl", key="corpus_mt_engine")
    if st.button("Import MT", disabled=mt_file is None, key="corpus_mt_import"):
        mt = wa.attempt(imports.upload_mt, store, wa.config(), user, doc_id, mt_file.name, mt_file.getvalue(),
                        mt_engine)
        if mt is not None:
            wa.flash(f"{mt.imported} segment(s) of {mt.document} now have {mt.engine} MT"
                     + (f"; {mt.scored} scored" if mt.scored else f"; not scored: {mt.score_note}"))
            st.rerun()
