"""The workbench in the browser: `streamlit run app.py` (or `workbench serve`).

An unauthenticated browser gets only the sign-in form: the other pages are not even registered
with the navigation until someone has signed in, and every page checks again.
"""

from pathlib import Path

import streamlit as st

from workbench.actions import can
from workbench.ui import streamlit_app as wa

# A local icon: a ":material/...:" page icon makes every browser fetch it from fonts.gstatic.com.
st.set_page_config(page_title="Workbench", page_icon=str(Path(__file__).parent / "workbench" / "ui" / "favicon.png"),
                   layout="wide")

user = wa.user()
if user is None:
    st.navigation([st.Page(wa.sign_in_page, title="Sign in", icon=":material/key:", url_path="signin")],
                  position="hidden").run()
    st.stop()

pages = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/corpus.py", title="Corpus", icon=":material/library_books:"),
    st.Page("pages/editor.py", title="Editor", icon=":material/edit_note:"),
    st.Page("pages/story.py", title="Story view", icon=":material/compare_arrows:"),
    st.Page("pages/glossary.py", title="Glossary", icon=":material/menu_book:"),
    st.Page("pages/export.py", title="Export", icon=":material/download:"),
    st.Page("pages/quality.py", title="Quality", icon=":material/monitoring:"),
]
if can(user, "manage_users"):
    pages.append(st.Page("pages/users.py", title="Users", icon=":material/group:"))

with st.sidebar:
    st.markdown(f"Signed in as **{wa.md(user.name)}** ({user.role})")
    st.button("Sign out", on_click=wa.sign_out, key="sign_out")
    wa.session_cookie()

wa.css()
st.navigation(pages, position="top").run()  # the sidebar keeps only who is signed in
