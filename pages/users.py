"""Users (admins): who may sign in, with which role; disable, delete, reset; the audit log."""

import streamlit as st

from workbench.actions import users as actions
from workbench.auth import new_password
from workbench.records import USER_ROLES
from workbench.ui import streamlit_app as wa

user = wa.page_user()
store = wa.store()
st.title("Users")
wa.show_flashes()

rows = wa.attempt(actions.list_users, store, user)
if rows is None:
    st.stop()
st.dataframe(rows, hide_index=True, width="stretch")

c1, c2 = st.columns(2)
with c1.form("users_add", clear_on_submit=True):
    st.markdown("**Add a user**")
    name = st.text_input("User name", key="users_new_name")
    role = st.selectbox("Role", USER_ROLES, key="users_new_role")
    if st.form_submit_button("Add"):
        password = new_password()
        made = wa.attempt(actions.add_user, store, user, name, role, password)
        if made is not None:
            st.success(wa.md(f"Added {made.name} ({made.role}). Password, shown only now:"))
            st.code(password, language=None)
with c2:
    st.markdown("**Change a user**")
    who = st.selectbox("User", [r["name"] for r in rows], key="users_who")
    new_role = st.selectbox("New role", USER_ROLES, key="users_role")
    b1, b2 = st.columns(2)
    if b1.button("Change role", key="users_set_role"):
        if wa.succeeded(actions.change_role, store, user, who, new_role):
            wa.flash(f"{who}: {new_role}")
            st.rerun()
    if b2.button("Reset password", key="users_reset"):
        pw = new_password()
        if wa.succeeded(actions.change_password, store, user, who, pw):
            st.success(wa.md(f"New password for {who}, shown only now (their open sessions have ended):"))
            st.code(pw, language=None)
    disabled = next((r["disabled"] for r in rows if r["name"] == who), False)
    b3, b4 = st.columns(2)
    if b3.button("Enable" if disabled else "Disable", key="users_disable"):
        if wa.succeeded(actions.set_disabled, store, user, who, not disabled):
            wa.flash(f"{who}: {'enabled' if disabled else 'disabled (their open sessions have ended)'}")
            st.rerun()
    confirm = b4.checkbox("Really delete", key="users_delete_confirm")
    if b4.button("Delete", key="users_delete", disabled=not confirm):
        if wa.succeeded(actions.delete_user, store, user, who):
            wa.flash(f"{who}: deleted")
            st.rerun()

with st.expander("Audit log (latest 200)"):
    f1, f2 = st.columns(2)
    failed = f1.toggle("Show failed sign-ins", key="users_log_failed",
                       help="Hidden by default, so that a flood of them cannot push real changes out of view")
    only = f2.text_input("Only this action (e.g. user.role, user.signin_throttled)", key="users_log_action")
    st.dataframe(wa.attempt(actions.audit_log, store, user, 200, include_failed_sign_ins=failed,
                            action=only.strip()) or [], hide_index=True, width="stretch")

with st.expander("Server"):
    st.caption("Models are loaded once per server process and kept; clearing them frees memory, and the next "
               "use loads them again.")
    if st.button("Clear cached models", key="users_clear_cache"):
        dropped = wa.attempt(wa.clear_cached, user)
        if dropped is not None:
            wa.flash(f"Cleared {dropped} cached model(s)")
            st.rerun()
