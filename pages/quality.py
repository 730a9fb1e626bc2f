"""Quality: flags per document by kind and level; post-editing distance from the MT per document and over time."""

import altair as alt
import pandas as pd
import streamlit as st

from workbench.ui import quality
from workbench.ui import streamlit_app as wa

user = wa.page_user()
store = wa.store()
st.title("Quality")

flag_list, risk_list = quality.flag_rows(store)
flags = pd.DataFrame(flag_list)
st.subheader("Flags")
if flags.empty:
    st.info("No flags yet: run the flag stage (Home → Process everything pending).")
else:
    which = st.radio("Show", ["open", "all"], horizontal=True, key="q_flag_status")
    shown = flags[flags.status == "open"] if which == "open" else flags
    c1, c2 = st.columns(2)
    c1.altair_chart(alt.Chart(shown).mark_bar().encode(
        x=alt.X("count():Q", title="flags"), y=alt.Y("document:N", title=None),
        color=alt.Color("kind:N"), tooltip=["document", "kind", "count()"]).properties(title="by kind"),
        width="stretch")
    c2.altair_chart(alt.Chart(shown).mark_bar().encode(
        x=alt.X("count():Q", title="flags"), y=alt.Y("document:N", title=None),
        color=alt.Color("level:N", scale=alt.Scale(domain=["error", "warning", "note"],
                                                   range=["#d93025", "#e8a200", "#4a76d4"])),
        tooltip=["document", "level", "count()", "mean(severity)"]).properties(title="by level"),
        width="stretch")
    st.altair_chart(alt.Chart(shown).mark_boxplot().encode(
        x=alt.X("severity:Q", scale=alt.Scale(domain=[0, 1])), y=alt.Y("kind:N", title=None))
        .properties(title="severity by kind"), width="stretch")
if risk_list:
    risks = pd.DataFrame(risk_list)
    likely = quality.likely_wrong(risk_list)
    st.subheader("Segment risk")
    st.caption(f"The calibrated probability that a segment needs correction (the editor's worst first). "
               f"{likely} of {len(risks)} segment(s) are more likely wrong than right (risk ≥ 0.5).")
    st.altair_chart(alt.Chart(risks).mark_boxplot().encode(
        x=alt.X("risk:Q", scale=alt.Scale(domain=[0, 1])), y=alt.Y("document:N", title=None))
        .properties(title="segment risk by document"), width="stretch")

st.subheader("Post-editing: how far the English moved from the MT")
st.caption("HTER: TER of the MT against the post-edited English (share of words edited, %); chrF and BLEU "
           "score the MT with the post-edit as reference. Segments count once edited or confirmed.")
per_doc, per_day = quality.edit_rows(store)
without_mt = quality.translated_without_mt(store)
if without_mt:
    st.caption(f"{without_mt} segment(s) have English written by people with no MT to start from: they are "
               "not scored here (there is nothing to compare them with).")
if not per_doc:
    st.info("No post-edited MT yet." + (f" ({without_mt} segment(s) translated from scratch.)" if without_mt else ""))
else:
    st.dataframe(per_doc, hide_index=True, width="stretch")
    docs = pd.DataFrame(per_doc).melt(id_vars=["document"], value_vars=["HTER", "chrF", "BLEU"], var_name="metric")
    st.altair_chart(alt.Chart(docs).mark_bar().encode(
        x=alt.X("value:Q"), y=alt.Y("document:N", title=None), color="metric:N", yOffset="metric:N",
        tooltip=["document", "metric", "value"]).properties(title="per document"), width="stretch")
    days = pd.DataFrame(per_day)
    if not days.empty:
        metric = st.radio("Over time", ["HTER", "chrF", "BLEU"], horizontal=True, key="q_metric")
        st.altair_chart(alt.Chart(days).mark_line(point=True).encode(
            x=alt.X("day:T"), y=alt.Y(f"{metric}:Q"), color=alt.Color("document:N"),
            tooltip=["day", "document", "segments", metric]).properties(title=f"{metric} by day of the last edit"),
            width="stretch")
