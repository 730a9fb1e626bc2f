"""What every page shares, and the only module that imports Streamlit: the store and configuration
(opened once per process), the signed-in user, the sign-in form and how errors are shown."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from .. import auth
from ..config import Config, load_config
from ..errors import WorkbenchError
from ..records import User
from ..store import Store
from . import html as h

T = TypeVar("T")


def config() -> Config:
    return load_config()


@st.cache_resource(show_spinner=False)
def _open_store(url: str, admin_password: str) -> Store:
    """One store (one connection pool) per database per process; creates the first admin if needed."""
    store = Store(url)
    first = auth.ensure_admin(store, admin_password)
    if first is not None:
        # The server's terminal is where whoever started it looks; the password is not kept anywhere.
        print(first.message(), file=sys.stderr, flush=True)
    return store


def store() -> Store:
    cfg = config()
    return _open_store(cfg.database_url, cfg.admin_password)


@st.cache_resource(show_spinner="Loading the models (once per server process)…")
def cached(kind: str, _factory: Callable[[], T]) -> T:
    """A heavy resource (a model, an engine) built once per process and shared by every session;
    `kind` names it (e.g. the engine and model id), the factory builds it on first use."""
    return _factory()


def user() -> User | None:
    found = st.session_state.get("wb_user")
    return found if isinstance(found, User) else None


def page_user() -> User:
    """The signed-in user; a page reached without one shows nothing but a pointer to the sign-in form."""
    current = user()
    if current is None:
        # Reached only by addressing a page directly on a server that has not run app.py yet.
        st.warning("Sign in first.")
        st.markdown("[Go to the sign-in form](./)")
        st.stop()
    assert current is not None
    return current


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$])")


def md(text: object) -> str:
    """Text from documents, users or detectors made inert inside Markdown (no emphasis, links or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def show_error(exc: Exception) -> None:
    st.error(str(exc), icon="⚠️")


def attempt(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Run a workbench action; a WorkbenchError (bad input, not allowed, model missing) is shown, not raised."""
    try:
        return fn(*args, **kwargs)
    except WorkbenchError as exc:
        show_error(exc)
        return None


def flash(message: str, kind: str = "success") -> None:
    """A message shown after the next rerun (actions rerun the page to show fresh data)."""
    st.session_state.setdefault("wb_flash", []).append((kind, message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop("wb_flash", []):
        getattr(st, kind)(message)


def css() -> None:
    st.html(h.CSS)


def sign_in_page() -> None:
    """The only thing an unauthenticated browser sees."""
    st.title("Workbench")
    st.caption("Machine translation and alignment of Russian and Ukrainian news")
    cfg = config()
    s = store()
    if cfg.oidc_enabled:
        _oidc_sign_in(s)
    with st.form("sign_in"):
        name = st.text_input("User name", key="signin_name", autocomplete="username")
        password = st.text_input("Password", type="password", key="signin_password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            signed = auth.sign_in(s, name, password)
        except WorkbenchError as exc:
            show_error(exc)
            return
        st.session_state["wb_user"] = signed
        st.rerun()
    st.caption("No account? An admin adds you with `workbench users add NAME --role translator`. "
               "On the first start the server's terminal shows how to sign in as admin.")


def _oidc_sign_in(s: Store) -> None:
    if getattr(st.user, "is_logged_in", False):
        identity = str(st.user.get("email") or st.user.get("name") or "")
        try:
            st.session_state["wb_user"] = auth.oidc_user(s, identity)
        except WorkbenchError as exc:
            show_error(exc)
            st.button("Sign out of the provider", on_click=st.logout)
            return
        st.rerun()
    st.button("Sign in with your organisation's account", on_click=st.login, type="primary")
    st.divider()


def sign_out() -> None:
    st.session_state.pop("wb_user", None)
    if config().oidc_enabled and getattr(st.user, "is_logged_in", False):
        st.logout()
