"""Story view: the language versions of a story aligned in columns; alignment corrections."""

import streamlit as st

from workbench.actions import documents
from workbench.ui import story as sv
from workbench.ui import streamlit_app as wa

user = wa.page_user()
store = wa.store()
st.title("Story view")
wa.show_flashes()

stories = store.stories()
if not stories:
    st.info("No stories yet: group documents on the Corpus page (the importer proposes groupings).")
    st.stop()
names = [s.name for s in stories]
c1, c2 = st.columns([3, 1])
story = c1.selectbox("Story", names, key="story_name",
                     format_func=lambda n: n + (" (proposed)" if next(s for s in stories if s.name == n).proposed
                                                else ""))
c2.write("")
if c2.button("Align this story", key="story_align", help="Runs the sentence aligner; your corrections are kept."):
    with st.spinner("Aligning…"):
        done = wa.attempt(documents.align_story, store, wa.config(), user, story)
    if done is not None:
        wa.flash(f"Aligned {len(done)} document pair(s)")
        st.rerun()

views = sv.pairs(store, story)
if not views:
    st.info("This story is not aligned yet.")
    st.stop()
labels = [f"{v.doc_a.name} ({v.doc_a.lang}) ↔ {v.doc_b.name} ({v.doc_b.lang})" for v in views]
pick = st.selectbox("Versions", range(len(views)), format_func=labels.__getitem__, key="story_pair") \
    if len(views) > 1 else 0
view = views[pick]
only = sum(1 for b in view.beads if not b.src or not b.tgt)
st.caption(f"{len(view.beads)} beads; {only} only in one version (dashed); 'corrected': set by a person, "
           "kept when the aligner runs again")
st.html(view.html())

st.subheader("Correct the alignment")
st.caption("Link joins beads (a 1-0 and a 0-1 become 1-1; neighbours merge); unlink breaks a bead into "
           "'only in A' and 'only in B'; split cuts a bead in two.")
a1, a2, a3, a4 = st.columns([1, 2, 1, 1])
action = a1.selectbox("Action", ["link", "unlink", "split"], key="story_action")
numbers = a2.multiselect("Beads (numbers as shown)", list(range(1, len(view.beads) + 1)), key="story_beads")
cut_a = a3.number_input("Split after A segments", min_value=0, value=1, key="story_cut_a",
                        disabled=action != "split")
cut_b = a4.number_input("… and B segments", min_value=0, value=1, key="story_cut_b", disabled=action != "split")
if st.button("Apply", key="story_apply", type="primary"):
    if wa.attempt(documents.correct_alignment, store, user, view.doc_a.id, view.doc_b.id, view.beads, action,
                  numbers, int(cut_a), int(cut_b)) is not None:
        wa.flash(f"{action}: done")
        st.rerun()
