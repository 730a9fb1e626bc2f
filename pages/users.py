"""Users (admins): who may sign in, with which role; the audit log."""

import streamlit as st

from workbench.records import USER_ROLES
from workbench.ui import streamlit_app as wa
from workbench.ui import users as us

user = wa.page_user()
store = wa.store()
st.title("Users")
wa.show_flashes()

rows = wa.attempt(us.users, store, user)
if rows is None:
    st.stop()
st.dataframe(rows, hide_index=True, width="stretch")

c1, c2 = st.columns(2)
with c1.form("users_add", clear_on_submit=True):
    st.markdown("**Add a user**")
    name = st.text_input("User name", key="users_new_name")
    role = st.selectbox("Role", USER_ROLES, key="users_new_role")
    if st.form_submit_button("Add"):
        made = wa.attempt(us.add, store, user, name, role)
        if made is not None:
            st.success(f"Added {made[0].name} ({made[0].role}). Password, shown only now: `{made[1]}`")
with c2:
    st.markdown("**Change a role**")
    who = st.selectbox("User", [r["name"] for r in rows], key="users_who")
    new_role = st.selectbox("New role", USER_ROLES, key="users_role")
    if st.button("Change role", key="users_set_role"):
        if wa.attempt(us.set_role, store, user, who, new_role) is not None:
            wa.flash(f"{who}: {new_role}")
            st.rerun()
    if st.button("Reset password", key="users_reset"):
        pw = wa.attempt(us.reset_password, store, user, who)
        if pw is not None:
            st.success(f"New password for {who}, shown only now: `{pw}`")

with st.expander("Audit log (latest 200 changes)"):
    st.dataframe(wa.attempt(us.recent_events, store, user) or [], hide_index=True, width="stretch")
