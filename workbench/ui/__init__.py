"""What the app's pages show and do, assembled without Streamlit so that it can be tested directly.

One module per page (home, corpus, editor, story, glossary, export, quality, users); `html` renders
segments with inline highlights; `streamlit_app` is the only module that imports Streamlit (the
cached store, the sign-in gate and error display shared by every page).
"""
