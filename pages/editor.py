"""Editor: one document, source and English side by side, flags, history, memory, glossary, find and replace."""

import dataclasses

import streamlit as st

from workbench.actions import can, documents, flags, segments, terms
from workbench.errors import WorkbenchError
from workbench.store import EditConflict
from workbench.text import words
from workbench.ui import editor
from workbench.ui import streamlit_app as wa

user = wa.page_user()
store = wa.store()
state = st.session_state
st.title("Editor")
wa.show_flashes()

docs = store.documents()
if not docs:
    st.info("No documents yet: upload articles on the Corpus page.")
    st.stop()
doc_ids = [d.id for d in docs]
if state.get("editor_doc") not in doc_ids:
    state["editor_doc"] = doc_ids[0]
names = {d.id: f"{d.name} ({d.lang}) — {d.title[:60]}" for d in docs}
top = st.columns([4, 2])
doc_id = top[0].selectbox("Document", doc_ids, format_func=names.get, key="editor_doc")
doc, rows = editor.load_rows(store, doc_id)
by_id = {r.id: r for r in rows}
approved_terms = [t for t in store.terms(lang=doc.lang, status="approved")] if doc.lang in ("ru", "uk") else []

with top[1]:
    st.markdown(f"Document status: **{doc.status}**")
    if doc.status != "approved":
        if st.button("Approve document", key="editor_approve_doc", disabled=not can(user, "approve_document"),
                     help="Reviewers mark a document approved when its English is final."):
            if wa.attempt(documents.approve_document, store, user, doc.id) is not None:
                wa.flash(f"{doc.name}: approved")
                st.rerun()
    elif st.button("Reopen document", key="editor_reopen_doc", disabled=not can(user, "approve_document")):
        if wa.attempt(documents.approve_document, store, user, doc.id, False) is not None:
            st.rerun()

# --- filter, sort and the segment list ---------------------------------------------------------
kinds = sorted({k for r in rows for k in r.kinds})
with st.expander("Filter and sort", expanded=False):
    f1, f2, f3, f4 = st.columns(4)
    want_kinds = f1.multiselect("Flag kind", kinds, key="editor_kinds")
    want_status = f2.multiselect("Status", ["new", "translated", "edited", "approved"], key="editor_status")
    sort = f3.selectbox("Sort by", editor.SORTS, key="editor_sort",
                        format_func={"position": "position", "risk": "risk (highest first)",
                                     "status": "status"}.get)
    flagged_only = f4.toggle("Only flagged", key="editor_flagged_only")
    query = st.text_input("Text contains", key="editor_query")
filtered = wa.attempt(editor.filter_rows, rows, kinds=want_kinds, statuses=want_status, sort=sort,
                      flagged_only=flagged_only, query=query)
if filtered is None:
    filtered = list(rows)
if state.get("editor_cur") not in by_id:
    state["editor_cur"] = (filtered or rows)[0].id
cur_id = state["editor_cur"]


def go(target: str | None) -> None:
    if target:
        state["editor_cur"] = target


table = st.dataframe(editor.overview(filtered), hide_index=True, width="stretch", height=240,
                     on_select="rerun", selection_mode="single-row", key="editor_table")
picked = table.selection.rows if table is not None else []
if picked and state.get("editor_table_seen") != picked and picked[0] < len(filtered):
    state["editor_table_seen"] = picked
    cur_id = filtered[picked[0]].id
    state["editor_cur"] = cur_id
elif not picked:
    state["editor_table_seen"] = []

row = by_id[cur_id]
nav = st.columns(6)
nav[0].button("◀ Previous", key="editor_prev", shortcut="Alt+P", on_click=go, args=(editor.step(filtered, cur_id, -1),))
nav[1].button("Next ▶", key="editor_next", shortcut="Alt+N", on_click=go, args=(editor.step(filtered, cur_id, 1),))
nav[2].button("◀ Flagged", key="editor_prev_flag", shortcut="Alt+K",
              on_click=go, args=(editor.step(filtered, cur_id, -1, flagged=True),))
nav[3].button("Flagged ▶", key="editor_next_flag", shortcut="Alt+J",
              on_click=go, args=(editor.step(filtered, cur_id, 1, flagged=True),))
nav[4].number_input("Go to #", min_value=1, max_value=len(rows), value=row.segment.index + 1, key=f"editor_goto_{cur_id}",
                    on_change=lambda: go(rows[int(state[f"editor_goto_{cur_id}"]) - 1].id), label_visibility="collapsed")
nav[5].caption(f"Segment {row.segment.index + 1} of {len(rows)} · {len(filtered)} shown")

# --- the current segment with its neighbours --------------------------------------------------
before, _, after = editor.window(rows, cur_id)
if before:
    st.html(editor.document_html(store, before, cur_id, approved_terms))
st.html(editor.document_html(store, [row], cur_id, approved_terms))

# The version the person started from: a later save by someone else is a conflict, never overwritten.
bases = state.setdefault("editor_base", {})
base = bases.setdefault(cur_id, row.version)
text_key = f"editor_en_{cur_id}_{base}"
conflict = state.get("editor_conflict")
if row.version > base and not conflict:
    st.warning(f"Someone saved a newer version (v{row.version}) since you opened this segment (v{base}). "
               "If you save, you will see both texts and choose.")


def copy_source() -> None:
    state[text_key] = row.segment.text


def use_text(text: str) -> None:
    state[text_key] = text


def save(text: str, accept: bool) -> None:
    try:
        if accept:
            edit = segments.accept_segment(store, user, cur_id, text, base)
        else:
            edit = segments.save_english(store, user, cur_id, text, base)
    except EditConflict as exc:
        state["editor_conflict"] = {"segment_id": cur_id, "mine": text, "theirs": exc.current.text,
                                    "version": exc.current.version, "author": exc.current.author}
        return
    except WorkbenchError as exc:
        wa.flash(str(exc), "error")
        return
    if edit is not None:
        bases[cur_id] = edit.version
    wa.flash(f"Segment {row.segment.index + 1}: " + ("accepted" if accept else f"saved as v{edit.version}"))
    if accept:
        go(editor.step(filtered, cur_id, 1))


if conflict and conflict["segment_id"] == cur_id:
    st.error(f"{wa.md(conflict['author'])} saved this segment (v{conflict['version']}) after you opened it. "
             "Nothing was overwritten: choose which English to keep.")
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("**Your text**")
        st.text(conflict["mine"])
    with c2:
        st.markdown(f"**{wa.md(conflict['author'])}'s text (v{conflict['version']})**")
        st.text(conflict["theirs"])
    b1, b2, b3 = st.columns(3)
    if b1.button("Keep mine", key="editor_keep_mine", type="primary"):
        try:
            edit = segments.resolve_conflict(store, user, cur_id, "mine", conflict["mine"], conflict["version"])
        except EditConflict as exc:
            state["editor_conflict"] = {**conflict, "theirs": exc.current.text, "version": exc.current.version,
                                        "author": exc.current.author}
        else:
            bases[cur_id] = edit.version
            state.pop("editor_conflict")
            wa.flash(f"Kept your text as v{edit.version}; v{conflict['version']} stays in the history.")
        st.rerun()
    if b2.button("Keep theirs", key="editor_keep_theirs"):
        bases[cur_id] = conflict["version"]
        state.pop("editor_conflict")
        st.rerun()
    if b3.button("Edit mine further", key="editor_merge"):
        bases[cur_id] = conflict["version"]
        state[f"editor_en_{cur_id}_{conflict['version']}"] = conflict["mine"]
        state.pop("editor_conflict")
        st.rerun()
else:
    with st.form(f"editor_form_{cur_id}_{base}", border=False):
        text = st.text_area("English", value=row.english, key=text_key, height=110,
                            help="Alt+S saves, Alt+A saves and accepts and moves on")
        fc = st.columns([1, 1, 3])
        saved = fc[0].form_submit_button("Save", type="primary", shortcut="Alt+S")
        accepted = fc[1].form_submit_button("Accept ▶", shortcut="Alt+A")
        fc[2].caption("Shortcuts: Alt+N / Alt+P next / previous, Alt+J / Alt+K next / previous flagged, "
                      "Alt+I copy the source.")
    if saved or accepted:
        save(text, accepted)
        st.rerun()
    st.button("Copy source to target", key="editor_copy_source", shortcut="Alt+I", on_click=copy_source)

if after:
    st.html(editor.document_html(store, after, cur_id, approved_terms))

# --- flags -------------------------------------------------------------------------------------
if row.flags:
    st.subheader("Flags")
for f in row.open_flags:
    icon = {"error": ":red[:material/error:]", "warning": ":orange[:material/warning:]",
            "note": ":blue[:material/info:]"}.get(f.level, ":material/flag:")
    st.markdown(f"{icon} **{wa.md(f.kind)}** ({f.side}, severity {f.severity:.2f}): {wa.md(f.message)}"
                + (f"  \nSuggestion: *{wa.md(f.suggestion)}*" if f.suggestion else ""))
    fc1, fc2, fc3 = st.columns([1, 3, 1])
    if fc1.button("Resolved", key=f"editor_resolve_{f.id}"):
        if wa.attempt(flags.resolve_flag, store, user, f.id) is not None:
            st.rerun()
    reason = fc2.text_input("Reason to dismiss", key=f"editor_reason_{f.id}", label_visibility="collapsed",
                            placeholder="why this is not a problem (required to dismiss)")
    if fc3.button("Dismiss", key=f"editor_dismiss_{f.id}"):
        if wa.attempt(flags.dismiss_flag, store, user, f.id, reason) is not None:
            st.rerun()
closed = [f for f in row.flags if f.status != "open"]
if closed:
    with st.expander(f"Closed flags ({len(closed)})"):
        for f in closed:
            st.markdown(f"~~{wa.md(f.kind)}~~: {wa.md(f.message)} — **{f.status}**"
                        + (f" ({wa.md(f.reason)})" if f.reason else ""))

# --- history -----------------------------------------------------------------------------------
hist = editor.history(store, row)
with st.expander(f"History ({len(hist)} versions)", expanded=False):
    for v in hist:
        when = v["when"].strftime("%Y-%m-%d %H:%M UTC") if v["when"] else ""
        st.markdown(f"**v{v['version']}** · {wa.md(v['origin'])} · {wa.md(v['author'])} · {when}"
                    + (f" · _{wa.md(v['comment'])}_" if v["comment"] else ""))
        st.html(f'<div class="wb-src">{v["diff"]}</div>')
    if row.version > 0 and st.button("Undo the last version", key="editor_undo"):
        try:
            edit = segments.undo(store, user, cur_id, base)
        except EditConflict as exc:
            wa.flash(f"Not undone: {exc}", "error")
        else:
            bases[cur_id] = edit.version
            wa.flash(f"Undone: v{edit.version} brings back the earlier text")
        st.rerun()

# --- translation memory, glossary, concordance -------------------------------------------------
tm_col, term_col = st.columns(2)
with tm_col:
    st.subheader("Translation memory")
    if st.toggle("Show suggestions for this segment", key="editor_tm"):
        found = wa.attempt(editor.tm_suggestions, store, row) or []
        if not found:
            st.caption("No similar earlier segments.")
        for n, sug in enumerate(found):
            st.markdown(f"**{sug.score:.0f}%** · {wa.md(sug.origin)}")
            st.text(f"{sug.source}\n→ {sug.target}")
            st.button("Use this", key=f"editor_use_tm_{n}", on_click=use_text, args=(sug.target,))
    phrase = st.text_input("Concordance: where did this phrase occur, and how was it translated?",
                           key="editor_conc")
    if st.button("Search", key="editor_conc_go") and phrase.strip():
        hits = wa.attempt(editor.concordance, store, phrase, row.segment.lang) or []
        st.dataframe([dataclasses.asdict(x) if dataclasses.is_dataclass(x) else x for x in hits],
                     hide_index=True, width="stretch")

with term_col:
    st.subheader("Propose a glossary term")
    toks = words(row.segment.text)

    def pick_words() -> None:
        chosen = sorted(state.get(f"editor_pick_{cur_id}") or [])
        if chosen:
            state["editor_term_src"] = row.segment.text[toks[chosen[0]].start:toks[chosen[-1]].end]

    st.pills("Select the source words", list(range(len(toks))), selection_mode="multi",
             format_func=lambda i: toks[i].text, key=f"editor_pick_{cur_id}", on_change=pick_words)
    with st.form("editor_term_form", clear_on_submit=True):
        src = st.text_input("Source phrase", key="editor_term_src")
        eng = st.text_input("English", key="editor_term_en")
        note = st.text_input("Note", key="editor_term_note")
        if st.form_submit_button("Propose term"):
            term = wa.attempt(terms.propose_term, store, user, row.segment.lang, src, eng, note=note)
            if term is not None:
                st.success(wa.md(f"Proposed: {term.source} → {term.english} (waits for a reviewer)"))

# --- find and replace, split and merge --------------------------------------------------------
with st.expander("Find and replace in this document's English"):
    r1, r2 = st.columns(2)
    pattern = r1.text_input("Find (regular expression)", key="editor_find")
    repl = r2.text_input("Replace with (\\1 for groups)", key="editor_repl")
    o1, o2, o3, o4 = st.columns(4)
    regex = o1.checkbox("Regular expression", value=True, key="editor_regex")
    case = o2.checkbox("Match case", value=True, key="editor_case")
    preview = o3.button("Preview", key="editor_find_preview")
    apply = o4.button("Replace all", key="editor_replace_all")
    if preview or apply:
        report = wa.attempt(segments.find_replace, store, user, doc.id, pattern, repl, regex=regex,
                            case_sensitive=case, apply=apply)
        if report is not None:
            if apply:
                for c in report.conflicts:
                    wa.flash(f"Skipped: {c}", "warning")
                bases.clear()
                wa.flash(f"Replaced {report.count} occurrence(s) in {len(report.saved)} segment(s).")
                st.rerun()
            st.caption(f"{report.count} occurrence(s) in {len(report.planned)} segment(s)")
            for p in report.planned:
                st.html(f'<div class="wb-src"><span class="wb-num">{p.index + 1}</span>'
                        f'{editor.h.word_diff(p.before, p.after)}</div>')

with st.expander("Split or merge source segments"):
    seg_text = row.segment.text
    if len(seg_text) > 1:
        at = st.slider("Split before character", 1, len(seg_text) - 1, value=max(1, len(seg_text) // 2),
                       key=f"editor_split_at_{cur_id}")
        st.text(f"{seg_text[:at]} ‖ {seg_text[at:]}")
        if st.button("Split here", key="editor_split"):
            parts = wa.attempt(segments.split_segment, store, user, cur_id, int(at))
            if parts is not None:
                state["editor_cur"] = parts[0].id
                st.rerun()
    nxt = rows[row.segment.index + 1] if row.segment.index + 1 < len(rows) else None
    if nxt is not None and st.button("Merge with the next segment", key="editor_merge_next"):
        merged = wa.attempt(segments.merge_segments, store, user, cur_id, nxt.id)
        if merged is not None:
            state["editor_cur"] = merged.id
            st.rerun()
