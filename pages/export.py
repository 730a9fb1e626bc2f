"""Export: TMX, XLIFF and glossary files for other CAT tools."""

import streamlit as st

from workbench.exchange.formats import FORMATS
from workbench.ui import export as ex
from workbench.ui import streamlit_app as wa

user = wa.page_user()
store = wa.store()
st.title("Export")

fmt = st.radio("Format", list(FORMATS), format_func=lambda k: FORMATS[k].label, horizontal=True,
               key="ex_format")
spec = FORMATS[fmt]
scope = st.radio("Export", spec.scopes, horizontal=True, key=f"ex_scope_{fmt}") if len(spec.scopes) > 1 \
    else spec.scopes[0]
options: dict = {}
ref = ""
if scope == "document":
    docs = store.documents()
    names = {str(d.id): f"{d.name} ({d.lang})" for d in docs}
    ref = st.selectbox("Document", list(names), format_func=names.get, key="ex_doc") or ""
elif scope == "story":
    ref = st.selectbox("Story", [s.name for s in store.stories()], key="ex_story") or ""
if scope in ("document", "story"):
    options["status"] = st.selectbox("Which English", ex.STATUS_FILTERS, key="ex_status",
                                     format_func={"all": "everything a person saved or confirmed",
                                                  "edited": "edited or confirmed segments",
                                                  "confirmed": "confirmed segments only"}.get)
if fmt in ("TMX", "CSV"):
    options["include_mt"] = st.checkbox("Include unedited machine translation", key="ex_mt")
    if scope == "story":
        # Russian/Ukrainian beads are exported with or without English; weak ones can be left out.
        min_score = st.slider("Leave out beads the aligner scored below", 0.0, 1.0, 0.0, 0.05, key="ex_min_score")
        options["min_score"] = min_score or None
if fmt == "TMX":
    options["context"] = st.checkbox("Include context (previous and next segment)", key="ex_context")
if fmt == "XLIFF":
    options["xliff_version"] = st.selectbox("XLIFF version", ex.XLIFF_VERSIONS, key="ex_xliff_version")
if fmt in ("TBX", "TSV"):
    options["term_status"] = st.selectbox("Terms", ["", "approved", "proposed", "rejected"], key="ex_term_status",
                                          format_func=lambda x: x or "all")

# A prepared file belongs to the choices it was made with: another format or story drops it.
choice = repr((fmt, scope, ref, sorted(options.items())))
if st.session_state.get("ex_choice") != choice:
    st.session_state.pop("ex_file", None)
    st.session_state.pop("ex_warnings", None)
if st.button("Prepare the file", type="primary", key="ex_prepare", disabled=scope != "glossary" and not ref):
    prepared = wa.attempt(ex.export_file, store, user, fmt, scope, ref, **options)
    if prepared is not None:
        st.session_state["ex_file"] = (prepared.name, prepared.data)
        st.session_state["ex_warnings"] = list(prepared.warnings)
        st.session_state["ex_choice"] = choice
for warning in st.session_state.get("ex_warnings", []):
    st.warning(warning)
made = st.session_state.get("ex_file")
if made:
    name, data = made
    st.download_button(f"Download {name} ({len(data):,} bytes)", data, file_name=name, key="ex_download",
                       mime="application/octet-stream")
