"""Editor: one document, source and English side by side, flags, memory, history, review, find and replace.

The segment editor is a fragment: moving, saving and confirming rerun only it, on a cached view of
the document (keyed by a store change marker, so edits by others show up). Document, segment,
filters and sort live in the address bar too, so a reload or a shared link opens the same place.
Any move with changed English saves it first as a draft (a version, not confirmed): always, for
every kind of move.
"""

import streamlit as st

from workbench import inline
from workbench.actions import can, documents, review, segments, terms
from workbench.actions import flags as flag_actions
from workbench.errors import WorkbenchError
from workbench.store import EditConflict
from workbench.text import words
from workbench.ui import editor, keys
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
by_name = {d.name: d.id for d in docs}
names = {d.id: f"{d.name} ({d.lang}) — {d.title[:60]}" for d in docs}

# --- where we are: this session's state, else the address (a reload, a shared link) --------------
qp = st.query_params
FILTER_KEYS = ("editor_kinds", "editor_status", "editor_sort", "editor_flagged_only", "editor_query")
if "editor_doc" not in state:
    if "editor_keep_doc" in state:  # back from another page (Streamlit forgot the widget)
        state["editor_doc"] = state["editor_keep_doc"]
        for k in FILTER_KEYS:
            if f"editor_keep_{k}" in state:
                state[k] = state[f"editor_keep_{k}"]
    else:
        wanted = qp.get("doc", "")
        state["editor_doc"] = by_name.get(wanted) or next((d.id for d in docs if str(d.id) == wanted), doc_ids[0])
        if qp.get("sort") in editor.SORTS:
            state["editor_sort"] = qp["sort"]
        state["editor_status"] = [s for s in qp.get_all("status") if s in editor.STATUS_ORDER]
        state["editor_kinds"] = qp.get_all("kind")
        state["editor_flagged_only"] = qp.get("flagged") == "1"
        state["editor_query"] = qp.get("q", "")
        if qp.get("seg", "").isdigit():
            state["editor_want_seg"] = int(qp["seg"])
if state["editor_doc"] not in doc_ids:
    state["editor_doc"] = doc_ids[0]

top = st.columns([6, 2, 2, 1.3], vertical_alignment="bottom")
doc_id = top[0].selectbox("Document", doc_ids, format_func=names.get, key="editor_doc")
state["editor_keep_doc"] = doc_id
doc, rows = wa.document_view(store, doc_id)
if not rows:
    st.info("This document has no segments.")
    st.stop()
wa.warm_checks(store)

if "editor_want_seg" in state:  # a segment number from the address
    n = state.pop("editor_want_seg")
    if 1 <= n <= len(rows):
        state["editor_cur"] = rows[n - 1].id

# --- the document: status, review decision, QA ----------------------------------------------------
with top[2]:
    if doc.status != "approved":
        if st.button("Approve document…", key="editor_approve_doc", disabled=not can(user, "approve_document"),
                     help="Reviewers mark a document approved when its English is final; it is then read-only."):
            state["editor_approving"] = doc.id
    elif st.button("Reopen document", key="editor_reopen_doc", disabled=not can(user, "approve_document"),
                   help="An approved document is read-only until a reviewer reopens it."):
        if wa.attempt(documents.approve_document, store, user, doc.id, False) is not None:
            wa.flash(f"{doc.name}: reopened for editing")
            st.rerun()
with top[3]:
    if st.button("Run QA", key="editor_run_qa", help="Run every check on this document now."):
        run = wa.attempt(wa.run_qa, store, user, doc.id)
        if run is not None:
            wa.flash(f"QA: {len(run.flags)} open flag(s) on {run.checked} segments.")
            for note in run.notes:
                wa.flash(note, "info")
            st.rerun()

if state.get("editor_approving") == doc.id:
    open_errors = [r for r in rows for f in r.open_flags if f.level == "error"]
    untranslated = [r for r in rows if r.segment.role != "boilerplate" and not r.english.strip()]
    unconfirmed = [r for r in rows if r.needs_work]
    with st.container(border=True):
        st.markdown(f"**Approve {wa.md(doc.name)}?** Open errors: **{len(open_errors)}** · untranslated "
                    f"segments: **{len(untranslated)}** · not confirmed: **{len(unconfirmed)}**")
        if untranslated:
            st.caption("Untranslated: " + ", ".join(f"#{r.segment.index + 1}" for r in untranslated[:30]))
        if open_errors:
            st.caption("Open errors on: " + ", ".join(f"#{r.segment.index + 1}" for r in open_errors[:30]))
        a1, a2 = st.columns(2)
        if a1.button("Approve anyway" if open_errors or untranslated else "Approve", type="primary",
                     key="editor_approve_yes"):
            state.pop("editor_approving")
            if wa.attempt(documents.approve_document, store, user, doc.id) is not None:
                wa.flash(f"{doc.name}: approved (read-only until reopened)")
            st.rerun()
        if a2.button("Cancel", key="editor_approve_no"):
            state.pop("editor_approving")
            st.rerun()

# --- filter and sort (full reruns: they change the list) -----------------------------------------
kinds = sorted({k for r in rows for k in r.kinds} | set(state.get("editor_kinds") or []))
state.setdefault("editor_sort", "position")


def sort_changed() -> None:
    state["editor_sort_moved"] = True


filtering = any(state.get(k) for k in ("editor_kinds", "editor_status", "editor_flagged_only", "editor_query")) \
    or state.get("editor_sort") != "position"
with top[1].popover("Filter and sort" + (" ●" if filtering else ""), width="stretch"):
    f1, f2 = st.columns(2)
    f3, f4 = st.columns(2)
    want_kinds = f1.multiselect("Flag kind", kinds, key="editor_kinds")
    want_status = f2.multiselect("Status", list(editor.STATUS_ORDER), key="editor_status",
                                 format_func=editor.status_label)
    sort = f3.selectbox("Sort by", editor.SORTS, key="editor_sort", on_change=sort_changed,
                        format_func={"position": "position", "risk": "risk (highest first)",
                                     "status": "status"}.get)
    flagged_only = f4.toggle("Only flagged", key="editor_flagged_only")
    query = st.text_input("Text contains", key="editor_query")
    st.toggle("Confirming fills the repetitions (same source, no English of a person yet)", value=True,
              key="editor_propagate")
for k in FILTER_KEYS:
    state[f"editor_keep_{k}"] = state.get(k)
filters = {"kinds": tuple(want_kinds), "statuses": tuple(want_status), "sort": sort, "flagged_only": flagged_only,
           "query": query}
read_only = doc.status == "approved"


def write_address(cur_index: int) -> None:
    want = {"doc": doc.name, "seg": str(cur_index + 1)}
    if sort != "position":
        want["sort"] = sort
    if flagged_only:
        want["flagged"] = "1"
    if query:
        want["q"] = query
    lists = {"status": list(want_status), "kind": list(want_kinds)}
    current = {k: qp.get_all(k) if k in lists else qp.get(k) for k in [*want, *lists, "sort", "flagged", "q"]}
    target = {**{k: None for k in ("sort", "flagged", "q")}, **want, **lists}
    if any((current.get(k) or None) != (v or None) for k, v in target.items()):
        qp.from_dict({k: v for k, v in target.items() if v})


LIST_ROWS = 30
FORM_BUTTONS = ("editor_prev", "editor_next", "editor_prev_flag", "editor_next_flag", "editor_save", "editor_confirm")


def rerun_fragment() -> None:
    """Rerun the segment editor only (the whole page when it is being drawn in a full run)."""
    try:
        st.rerun(scope="fragment")
    except st.errors.StreamlitAPIException:
        st.rerun()


def propagate(segment_id: str) -> list[str]:
    """After a confirmation: the same English to the repetitions that need it (the toggle in "Filter
    and sort" turns it off); re-checks those of other documents. Returns the ones in this document."""
    if not state.get("editor_propagate", True):
        return []
    done = wa.attempt(segments.propagate, store, user, segment_id)
    if done is None or not done.changed:
        return []
    state["editor_propagation"] = done
    for other in done.doc_ids:
        if other != doc_id:
            wa.recheck(store, user, other, [p.segment_id for p in done.changed if p.doc_id == other])
    return [p.segment_id for p in done.changed if p.doc_id == doc_id]


def propagation_notice() -> None:
    """What the last confirmation propagated, with one button that takes it all back."""
    done = state.get("editor_propagation")
    if done is None:
        return
    here = [p.index + 1 for p in done.changed if p.doc_id == doc_id]
    elsewhere = len(done.changed) - len(here)
    where = ", ".join(f"#{n}" for n in here[:12]) + ("…" if len(here) > 12 else "")
    p1, p2, p3 = st.columns([6, 1.6, 0.6], vertical_alignment="center")
    parts = ([f"{where} here"] if here else []) + ([f"{elsewhere} in other documents"] if elsewhere else [])
    p1.caption(f"Propagated “{wa.md(done.english[:60])}” to {len(done.changed)} repetition(s) "
               f"({'; '.join(parts)}), marked for review")
    if p2.button("Undo propagation", key="editor_undo_propagation", width="stretch"):
        restored = wa.attempt(segments.undo_propagation, store, user, done)
        state.pop("editor_propagation", None)
        if restored is not None:
            for other in sorted({p.doc_id for p in done.changed}):
                wa.recheck(store, user, other, [p.segment_id for p in done.changed if p.doc_id == other])
            kept = len(done.changed) - len(restored)
            wa.flash(f"Propagation undone: {len(restored)} repetition(s) have their earlier English again"
                     + (f"; {kept} changed since kept theirs" if kept else ""))
        rerun_fragment()
    if p3.button("✕", key="editor_propagation_ok", help="Keep it and hide this note"):
        state.pop("editor_propagation", None)
        rerun_fragment()


@st.fragment
def segment_editor() -> None:
    """Moving, saving, confirming, flags and the memory panel: rerun on their own."""
    wa.show_flashes()
    doc, rows = wa.document_view(store, doc_id)
    by_id = {r.id: r for r in rows}
    filtered = wa.attempt(editor.filter_rows, rows, **filters)
    if filtered is None:
        filtered = list(rows)
    if state.pop("editor_sort_moved", False) and filtered:
        state["editor_cur"] = filtered[0].id  # a new order starts at its top, so Next walks it
    if state.get("editor_cur") not in by_id:
        first = editor.step(filtered or rows, None, 1, skip_boilerplate=True)
        state["editor_cur"] = first or (filtered or rows)[0].id
    cur_id = state["editor_cur"]
    row = by_id[cur_id]
    write_address(row.segment.index)
    approved_terms = wa.approved_terms(store, doc.lang, wa.view_marker(store, doc_id))

    # The version the person started from: a later save by someone else is a conflict, never overwritten.
    bases = state.setdefault("editor_base", {})
    base = bases.setdefault(cur_id, row.version)
    # Keys per segment, not per version: a save must not replace the box (and lose the caret).
    text_key = f"editor_en_{cur_id}"
    form_key = f"editor_form_{cur_id}"
    conflict = state.get("editor_conflict")

    def go(target: str | None) -> None:
        if target:
            state["editor_cur"] = target

    def flush() -> bool:
        """Save changed English of the segment shown before moving away (a draft: not confirmed).
        False when the save met a conflict (then nothing moves)."""
        text = state.get(text_key)
        if text is None or read_only or not text.strip() or text.strip() == (state.get("editor_known", {})
                                                                              .get(cur_id, row.english)).strip():
            return True
        return save(text, accept=False, quiet=True)

    def save(text: str, accept: bool, quiet: bool = False) -> bool:
        marker_before = editor.change_marker(store)
        try:
            if accept:
                edit = segments.accept_segment(store, user, cur_id, text, base)
            else:
                edit = segments.save_english(store, user, cur_id, text, base)
        except EditConflict as exc:
            state["editor_conflict"] = {"segment_id": cur_id, "mine": text, "theirs": exc.current.text,
                                        "version": exc.current.version, "author": exc.current.author}
            return False
        except WorkbenchError as exc:
            wa.flash(str(exc), "error")
            return False
        if edit is not None:
            bases[cur_id] = edit.version
        state.setdefault("editor_known", {})[cur_id] = text
        spread = propagate(cur_id) if accept else []
        wa.recheck(store, user, doc.id, [cur_id, *spread])
        wa.view_after_save(store, doc.id, [cur_id, *spread], marker_before)
        n = row.segment.index + 1
        if accept:
            wa.flash(f"Segment {n}: confirmed" + (f" (saved as v{edit.version})" if edit else ""))
        elif not quiet:
            wa.flash(f"Segment {n}: saved as v{edit.version}")
        else:
            wa.flash(f"Segment {n}: your text was kept as a draft (v{edit.version}, not confirmed)", "info")
        return True

    def move(how: str) -> None:
        if not flush():
            return
        target = {"next": lambda: editor.step(filtered, cur_id, 1, skip_boilerplate=True),
                  "prev": lambda: editor.step(filtered, cur_id, -1, skip_boilerplate=True),
                  "next_flag": lambda: editor.step_flagged(filtered, cur_id, 1),
                  "prev_flag": lambda: editor.step_flagged(filtered, cur_id, -1)}[how]()
        go(target)

    def submit(accept: bool) -> None:
        text = state.get(text_key, row.english)
        if read_only:
            wa.flash(f"{doc.name} is approved and read-only; a reviewer reopens it to edit.", "warning")
            return
        if not accept and text.strip() == row.english.strip() and state.get("editor_known", {}).get(cur_id) in (
                None, text):
            wa.flash(f"Segment {row.segment.index + 1}: nothing changed", "info")
            return
        if save(text, accept) and accept:
            # Ctrl+Enter moves to the next segment that needs work: not boilerplate, not confirmed.
            go(editor.after_confirm(filtered, cur_id))

    def goto() -> None:
        if any(state.get(k) for k in FORM_BUTTONS):
            # A button of the segment's form was pressed in the same request: the number came along
            # from a browser that had not yet drawn the current segment's number (a stale value), and
            # the button says what the person wants.
            return
        n = int(state["editor_goto"])
        if 1 <= n <= len(rows) and rows[n - 1].id != cur_id and flush():
            go(rows[n - 1].id)

    # --- the current segment, the English box, the flags and the memory ------------------------
    before, _, after = editor.window(rows, cur_id, before=1, after=2)
    counts = editor.status_counts(rows)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        if before:
            st.html(editor.document_html(store, before, cur_id, approved_terms))
        if conflict and conflict["segment_id"] == cur_id:
            st.html(editor.document_html(store, [row], cur_id, approved_terms))
            conflict_panel(conflict, row, bases, text_key)
        else:
            with st.form(form_key, border=False, enter_to_submit=False):
                nav = st.columns([1, 1, 1, 1, 2], vertical_alignment="center")
                nav[0].form_submit_button("◀ Prev", key="editor_prev", shortcut="Alt+P", on_click=move,
                                          args=("prev",), width="stretch", help="Alt+P: previous segment")
                nav[1].form_submit_button("Next ▶", key="editor_next", shortcut="Alt+N", on_click=move,
                                          args=("next",), width="stretch", help="Alt+N: next (boilerplate skipped)")
                nav[2].form_submit_button("◀ Flag", key="editor_prev_flag", shortcut="Alt+K", on_click=move,
                                          args=("prev_flag",), width="stretch", help="Alt+K: previous flagged")
                nav[3].form_submit_button("Flag ▶", key="editor_next_flag", shortcut="Alt+J", on_click=move,
                                          args=("next_flag",), width="stretch",
                                          help="Alt+J: the next worst open error or warning")
                nav[4].caption(f"Segment **{row.segment.index + 1}** of {len(rows)} · {len(filtered)} shown · "
                               f"{counts['confirmed']} confirmed")
                st.html(editor.document_html(store, [row], cur_id, approved_terms))
                st.text_area("English", value=row.english, key=text_key, height=96, disabled=read_only,
                             label_visibility="collapsed", placeholder=keys.placeholder(row.segment.index + 1),
                             help="Ctrl+Enter confirms and moves on; Alt+S saves")
                tags_bar(row, text_key, read_only)
                fc = st.columns([1, 1.3, 3], vertical_alignment="center")
                fc[0].form_submit_button("Save", key="editor_save", shortcut="Alt+S", on_click=submit, args=(False,),
                                         disabled=read_only, width="stretch")
                fc[1].form_submit_button("Confirm ▶", key="editor_confirm", type="primary", shortcut="Ctrl+Enter", on_click=submit,
                                         args=(True,), disabled=read_only, width="stretch")
                fc[2].caption("Ctrl+Enter confirm · Alt+S save · Alt+N/P next/prev · Alt+J/K flagged · "
                              "Alt+1…5 memory match · Alt+Shift+1… term · Alt+I copy source")
            if row.version > base:
                st.warning(f"Someone saved a newer version (v{row.version}) since you opened this segment "
                           f"(v{base}). If you save, you will see both texts and choose.")
        if after:
            st.html(editor.document_html(store, after, cur_id, approved_terms))
    with right:
        propagation_notice()
        flags_panel(row)
        memory_panel(row, approved_terms, text_key)
    if read_only:
        st.info(f"{doc.name} is approved: read-only until a reviewer reopens it.")
    st.html(keys.script(cur_id, row.segment.index + 1, wa.next_run()), unsafe_allow_javascript=True, width=1)

    # --- the segment list and the rest ----------------------------------------------------------
    g1, g2 = st.columns([1, 5], vertical_alignment="center")
    # One widget for every segment (a new key per segment made the browser send the old box's number).
    state["editor_goto"] = row.segment.index + 1
    g1.number_input("Go to #", min_value=1, max_value=len(rows), key="editor_goto", on_change=goto)
    g2.caption(" · ".join(f"{k}: {v}" for k, v in counts.items()) + " — the list sorts and shows the same risk.")
    # A window of the list around the current segment: sending all rows of a long document on every
    # move cost more than the rest of the editor together.
    lo, hi = editor.list_window(filtered, cur_id, LIST_ROWS)
    shown = filtered[lo:hi]
    if len(shown) < len(filtered):
        st.caption(f"List: rows {lo + 1}–{hi} of {len(filtered)} around the current segment "
                   "(Go to # or the filters reach the others).")
    st.html(editor.list_html(shown, cur_id))
    tools_panel(row, rows, bases)
    # What Next and Ctrl+Enter open next: their memory matches are looked up while this one is read.
    wa.prefetch_memory(store, editor.ahead(filtered, cur_id))


TOOLS = {"review": "Review", "history": "History", "term": "Propose a term", "split": "Split or merge"}


def tools_panel(row: editor.EditorRow, rows: list, bases: dict) -> None:
    """Review, history, term proposal, split and merge: only the one picked is drawn (an expander's
    content is sent on every move even when closed). The pick stays from segment to segment."""
    notes = review.comments(store, [row.id])
    still_open = sum(c.status == "open" for c in notes)
    labels = {**TOOLS, "review": f"Review ({still_open} open)" if still_open else "Review"}
    tool = st.segmented_control("Tools", list(TOOLS), key="editor_tool", format_func=labels.get,
                                label_visibility="collapsed")
    if tool is None and still_open:
        tool = "review"  # open comments are shown without asking
    if tool == "review":
        review_panel(row, notes)
    elif tool == "history":
        history_panel(row, bases)
    elif tool == "term":
        propose_panel(row)
    elif tool == "split":
        split_panel(row, rows)


def tags_bar(row: editor.EditorRow, text_key: str, read_only: bool) -> None:
    """For a segment with inline tags (links, bold… of an HTML import): the tags the English still
    lacks and a button that adds the next one at the end of the English box (Alt+T inserts it at the
    caret instead, in the page: `workbench.ui.keys`)."""
    codes = inline.codes_of(row.segment.inline)
    if not codes:
        return
    english = state.get(text_key, row.english) or ""
    missing = [p for p in inline.problems(codes, english) if p.what == "missing"]
    links = store.word_alignment(row.id, row.english) if row.english and missing else None
    t1, t2, t3 = st.columns([1, 1, 3], vertical_alignment="center")
    t1.form_submit_button("Insert tag", key="editor_insert_tag", shortcut="Alt+T", disabled=read_only or not missing,
                          on_click=lambda: state.__setitem__(text_key, editor.insert_next_tag(
                              row.segment, state.get(text_key, "") or "")),
                          width="stretch", help="Alt+T: insert the next missing tag at the caret (selected words: "
                                                "wrap them in the pair); the button adds it at the end")
    t2.form_submit_button("Place tags", key="editor_place_tags", shortcut="Alt+G", disabled=read_only or not links,
                          on_click=lambda: state.__setitem__(text_key, editor.place_tags(
                              row.segment, row.english, state.get(text_key, "") or "", links or [])),
                          width="stretch", help="Alt+G: place the missing tags around the English words the word "
                                                "alignment links to the words they wrap (run the word aligner first)")
    t3.caption("Tags to place: " + (" ".join(f"`{inline.token(p.kind, p.id)}`" for p in missing) if missing
                                    else "none") + " — type them as shown, e.g. `<1>words</1>`")


def conflict_panel(conflict: dict, row: editor.EditorRow, bases: dict, text_key: str) -> None:
    cur_id = row.id
    st.error(f"{conflict['author']} saved this segment (v{conflict['version']}) after you opened it. "
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
        rerun_fragment()
    if b2.button("Keep theirs", key="editor_keep_theirs"):
        bases[cur_id] = conflict["version"]
        state[text_key] = conflict["theirs"]
        state.pop("editor_conflict")
        rerun_fragment()
    if b3.button("Edit mine further", key="editor_merge"):
        bases[cur_id] = conflict["version"]
        state[text_key] = conflict["mine"]
        state.pop("editor_conflict")
        rerun_fragment()


def flags_panel(row: editor.EditorRow) -> None:
    """The flags as one HTML block and one picker to resolve or dismiss them: a row of buttons per flag
    was most of what every move sent to the browser."""
    st.html(editor.flags_html(row))
    opened = row.open_flags
    if not opened:
        return
    by_id = {f.id: (n, f) for n, f in enumerate(opened, start=1)}
    fc1, fc2, fc3 = st.columns([5, 1.4, 1.4], vertical_alignment="bottom", gap="small")
    picked = fc1.selectbox("Flag", list(by_id), key=f"editor_flag_pick_{row.id}", label_visibility="collapsed",
                           format_func=lambda i: f"{by_id[i][0]}. {by_id[i][1].kind} ({by_id[i][1].side})")
    if fc2.button(":material/check:", key="editor_flag_resolve", help="The picked flag is resolved",
                  width="stretch"):
        if wa.attempt(flag_actions.resolve_flag, store, user, picked) is not None:
            rerun_fragment()
    with fc3.popover("✕", help="Dismiss the picked flag with a reason", width="stretch"):
        reason = st.text_input("Reason to dismiss", key="editor_flag_reason",
                               placeholder="why it is fine (kept with the flag)")
        if st.button("Dismiss", key="editor_flag_dismiss"):
            if wa.attempt(flag_actions.dismiss_flag, store, user, picked, reason) is not None:
                rerun_fragment()


def memory_panel(row: editor.EditorRow, approved_terms: list, text_key: str) -> None:
    """Memory matches (the difference from this source marked; Alt+1…5 or a click uses one), the
    approved terms found in the segment (Alt+Shift+1… or a click inserts one at the caret), and
    concordance with the hit marked. Matches and terms are HTML the editor's script acts on: no
    widgets to send on every move, no round trip to use one."""
    found = wa.tm_suggestions(store, row)
    if found:
        st.html(editor.memory_html(found, row.segment.text))
    else:
        st.caption("Memory: no similar earlier segments.")
    terms_here = editor.terms_in_segment(row, approved_terms)
    if terms_here:
        st.html(editor.terms_html(terms_here))
    c1, c2, c3 = st.columns([3, 1.4, 1.9], vertical_alignment="bottom")
    phrase = c1.text_input("Concordance", key="editor_conc", placeholder="a phrase to look up")
    go = c2.button("Search", key="editor_conc_go")
    c3.button("Copy source", key="editor_copy_source", shortcut="Alt+I", help="Alt+I: the source into the box",
              on_click=lambda: state.__setitem__(text_key, editor.tagged_source(row.segment)))
    if go and phrase.strip():
        hits = wa.attempt(editor.concordance, store, phrase, row.segment.lang) or []
        if not hits:
            st.caption("Not found in the memory or the project.")
        else:
            st.html(editor.concordance_html(hits))


def review_panel(row: editor.EditorRow, notes: list) -> None:
    """Comments (everyone), error annotations and send back (reviewers), the errors as a TSV."""
    errors = review.annotations(store, [row.id])
    still_open = sum(c.status == "open" for c in notes)
    with st.container(border=True):
        st.caption(f"Review: {still_open} open comment(s), {len(errors)} error(s) on this segment")
        for c in notes:
            c1, c2 = st.columns([6, 1], vertical_alignment="center")
            mark = "" if c.status == "open" else " — *resolved*"
            c1.markdown(f"**{wa.md(c.author)}**: {wa.md(c.text)}{mark}")
            if c.status == "open" and c2.button("Resolve", key=f"editor_comment_resolve_{c.id}"):
                if wa.attempt(review.resolve_comment, store, user, c.id) is not None:
                    rerun_fragment()
        with st.form(f"editor_comment_form_{row.id}", clear_on_submit=True, border=False):
            k1, k2 = st.columns([6, 1], vertical_alignment="bottom")
            text = k1.text_input("Comment", key="editor_comment_text", placeholder="a question or a note on "
                                 "this segment, for the translator or the reviewer")
            if k2.form_submit_button("Add", width="stretch"):
                if wa.attempt(review.add_comment, store, user, row.id, text) is not None:
                    rerun_fragment()
        for a in errors:
            e1, e2 = st.columns([6, 1], vertical_alignment="center")
            e1.markdown(f":red[**{a.severity}**] {a.category}: “{wa.md(a.span)}”"
                        + (f" — {wa.md(a.note)}" if a.note else "") + f" · {wa.md(a.author)}")
            if can(user, "approve_document") and e2.button("Delete", key=f"editor_err_del_{a.id}"):
                if wa.attempt(review.delete_annotation, store, user, a.id) is not None:
                    rerun_fragment()
        if can(user, "approve_document") and row.english.strip():
            with st.form(f"editor_err_form_{row.id}", clear_on_submit=True, border=False):
                a1, a2, a3 = st.columns([3, 2, 1])
                span = a1.text_input("Error on (words of the English)", key="editor_err_span")
                category = a2.selectbox("MQM category", review.MQM_CATEGORIES, key="editor_err_cat")
                severity = a3.selectbox("Severity", review.MQM_SEVERITIES, index=1, key="editor_err_sev")
                b1, b2 = st.columns([6, 1], vertical_alignment="bottom")
                note = b1.text_input("Note", key="editor_err_note")
                if b2.form_submit_button("Mark error", width="stretch"):
                    if wa.attempt(review.annotate, store, user, row.id, row.english, span, category, severity,
                                  note) is not None:
                        rerun_fragment()
            if row.segment.status == "approved":
                s1, s2 = st.columns([6, 1], vertical_alignment="bottom")
                reason = s1.text_input("Send back to the translator: what to change", key="editor_back_reason")
                if s2.button("Send back", key="editor_send_back", width="stretch"):
                    if wa.attempt(review.send_back, store, user, row.id, reason) is not None:
                        wa.flash(f"Segment {row.segment.index + 1}: sent back to the translator")
                        rerun_fragment()


def history_panel(row: editor.EditorRow, bases: dict) -> None:
    hist = editor.history(store, row)
    label = "1 version" if len(hist) == 1 else f"{len(hist)} versions"
    with st.container(border=True):
        st.caption(f"History ({label})")
        for v in hist:
            when = v["when"].strftime("%Y-%m-%d %H:%M UTC") if v["when"] else ""
            st.markdown(f"**v{v['version']}** · {v['origin']} · {wa.md(v['author'])} · {when}"
                        + (f" · _{wa.md(v['comment'])}_" if v["comment"] else ""))
            st.html(f'<div class="wb-src">{v["diff"]}</div>')
        if row.version > 0 and st.button("Undo the last version", key="editor_undo", disabled=read_only):
            try:
                edit = segments.undo(store, user, row.id, bases.get(row.id, row.version))
            except EditConflict as exc:
                wa.flash(f"Not undone: {exc}", "error")
            else:
                bases[row.id] = edit.version
                state[f"editor_en_{row.id}"] = edit.text
                wa.flash(f"Undone: v{edit.version} brings back the earlier text")
            rerun_fragment()


def propose_panel(row: editor.EditorRow) -> None:
    cur_id = row.id
    with st.container(border=True):
        toks = words(row.segment.text)

        def pick_words() -> None:
            chosen = sorted(state.get(f"editor_pick_{cur_id}") or [])
            if chosen:
                state["editor_term_src"] = row.segment.text[toks[chosen[0]].start:toks[chosen[-1]].end]

        st.pills("Select the source words", list(range(len(toks))), selection_mode="multi",
                 format_func=lambda i: toks[i].text, key=f"editor_pick_{cur_id}", on_change=pick_words)
        with st.form("editor_term_form", clear_on_submit=True):
            t1, t2, t3 = st.columns(3)
            src = t1.text_input("Source phrase", key="editor_term_src")
            eng = t2.text_input("English", key="editor_term_en")
            note = t3.text_input("Note", key="editor_term_note")
            if st.form_submit_button("Propose term"):
                term = wa.attempt(terms.propose_term, store, user, row.segment.lang, src, eng, note=note)
                if term is not None:
                    st.success(f"Proposed: {term.source} → {term.english} (waits for a reviewer)")


def split_panel(row: editor.EditorRow, rows: list) -> None:
    """Split between two words (a list of the word boundaries: arrow keys step word by word), or merge."""
    with st.container(border=True):
        seg_text = row.segment.text
        points = segments.split_points(seg_text)
        if points:
            at = st.select_slider("Split before the word", points, value=points[len(points) // 2],
                                  key=f"editor_split_at_{row.id}", format_func=lambda p: editor.split_label(seg_text, p))
            st.html(f'<div class="wb-src">{editor.h.html.escape(seg_text[:at].rstrip())} <b>‖</b> '
                    f'{editor.h.html.escape(seg_text[at:])}</div>')
            if st.button("Split here", key="editor_split", disabled=read_only):
                parts = wa.attempt(segments.split_segment, store, user, row.id, int(at))
                if parts is not None:
                    state["editor_cur"] = parts[0].id
                    st.rerun()
        else:
            st.caption("One word: nothing to split.")
        nxt = rows[row.segment.index + 1] if row.segment.index + 1 < len(rows) else None
        if nxt is not None and st.button("Merge with the next segment", key="editor_merge_next", disabled=read_only):
            merged = wa.attempt(segments.merge_segments, store, user, row.id, nxt.id)
            if merged is not None:
                state["editor_cur"] = merged.id
                st.rerun()


st.html(keys.install(), unsafe_allow_javascript=True, width=1)
segment_editor()

# --- find and replace, split and merge (whole-document changes: full reruns) -------------------
with st.expander("Find and replace in this document's English"):
    r1, r2 = st.columns(2)
    pattern = r1.text_input("Find (regular expression)", key="editor_find")
    repl = r2.text_input("Replace with (\\1 for groups)", key="editor_repl")
    o1, o2, o3, o4 = st.columns(4)
    regex = o1.checkbox("Regular expression", value=True, key="editor_regex")
    case = o2.checkbox("Match case", value=True, key="editor_case")
    preview = o3.button("Preview", key="editor_find_preview")
    apply = o4.button("Replace all", key="editor_replace_all", disabled=read_only)
    if preview or apply:
        report = wa.attempt(segments.find_replace, store, user, doc.id, pattern, repl, regex=regex,
                            case_sensitive=case, apply=apply)
        if report is not None:
            if apply:
                for c in report.conflicts:
                    wa.flash(f"Skipped: {c}", "warning")
                state.setdefault("editor_base", {}).clear()
                for k in [k for k in state if str(k).startswith("editor_en_")]:
                    del state[k]  # the boxes show the replaced English
                wa.flash(f"Replaced {report.count} occurrence(s) in {len(report.saved)} segment(s).")
                wa.recheck(store, user, doc.id, [e.segment_id for e in report.saved])
                st.rerun()
            st.caption(f"{report.count} occurrence(s) in {len(report.planned)} segment(s)")
            for p in report.planned:
                st.html(f'<div class="wb-src"><span class="wb-num">{p.index + 1}</span>'
                        f'{editor.h.word_diff(p.before, p.after)}</div>')

with st.expander("Error annotations of this document"):
    st.caption("Every error reviewers marked, with the span, MQM category and severity (one row each).")
    st.download_button("Download the error annotations (TSV)", review.annotations_tsv(store, doc.id),
                       file_name=f"{doc.name}.errors.tsv", mime="text/tab-separated-values", key="editor_errors_tsv")
