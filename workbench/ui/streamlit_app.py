"""What every page shares, and the only module that imports Streamlit: the store and configuration
(opened once per process), the signed-in user (re-checked on every run), the sign-in form and how
errors and user text are shown (always escaped with `workbench.safetext.md`).

The store and the models live in a process cache of this module, not in Streamlit's resource
cache: any browser can ask Streamlit to clear that one, and only an admin may clear this one.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from .. import safetext
from ..actions import Actor, require
from ..actions import users as user_actions
from ..config import Config, load_config
from ..errors import WorkbenchError
from ..records import User
from ..store import Store
from . import html as h

T = TypeVar("T")


def config() -> Config:
    return load_config()


_CACHE: dict[str, Any] = {}
_CACHE_LOCK = threading.Lock()
_BUILDING: dict[str, threading.Lock] = {}


def _cached(key: str, factory: Callable[[], T]) -> T:
    """Build a resource once per process (concurrent first uses wait for one build)."""
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        lock = _BUILDING.setdefault(key, threading.Lock())
    with lock:
        with _CACHE_LOCK:
            if key in _CACHE:
                return _CACHE[key]
        value = factory()
        with _CACHE_LOCK:
            _CACHE[key] = value
        return value


def _open_store(url: str, admin_password: str) -> Store:
    """One store (one connection pool) per database per process; creates the first admin if needed."""
    store = Store(url)
    first = user_actions.ensure_admin(store, admin_password)
    if first is not None:
        # The server's terminal is where whoever started it looks; the password is not kept anywhere.
        print(first.message(), file=sys.stderr, flush=True)
    return store


def store() -> Store:
    cfg = config()
    return _cached(f"store:{cfg.database_url}", lambda: _open_store(cfg.database_url, cfg.admin_password))


def cached(kind: str, _factory: Callable[[], T]) -> T:
    """A heavy resource (a model, an engine) built once per process and shared by every session;
    `kind` names it (e.g. the engine and model id), the factory builds it on first use."""
    if f"res:{kind}" not in _CACHE:
        with st.spinner("Loading the models (once per server process)…"):
            return _cached(f"res:{kind}", _factory)
    return _cached(f"res:{kind}", _factory)


def clear_cached(by: User | None) -> int:
    """Drop the cached models (admins only): the next use loads them again. Returns how many were dropped."""
    require(by, "manage_users")
    with _CACHE_LOCK:
        keys = [k for k in _CACHE if k.startswith("res:")]
        for k in keys:
            _CACHE.pop(k)
    st.cache_data.clear()
    return len(keys)


def user() -> User | None:
    """The signed-in user, re-read from the store on every run: a changed role or password, a disabled or
    deleted user, or an idle or too old session signs the tab out at once."""
    session = st.session_state.get("wb_session")
    if not isinstance(session, user_actions.Session):
        return None
    cfg = config()
    try:
        session = user_actions.check_session(store(), session, idle_seconds=cfg.session_idle_minutes * 60,
                                             max_seconds=cfg.session_max_hours * 3600)
    except WorkbenchError as exc:
        st.session_state.clear()
        flash(str(exc), "warning")
        return None
    st.session_state["wb_session"] = session
    return session.actor


def _start_session(actor: Actor) -> None:
    st.session_state.clear()  # nothing of an earlier user survives in this tab
    st.session_state["wb_session"] = user_actions.open_session(store(), actor)


def page_user() -> User:
    """The signed-in user; a page reached without one shows nothing but a pointer to the sign-in form."""
    current = user()
    if current is None:
        # Reached by addressing a page directly on a server that has not run app.py yet, or when the
        # session has just ended (the flash says why).
        show_flashes()
        st.warning("Sign in first.")
        st.markdown("[Go to the sign-in form](./)")
        st.stop()
    assert current is not None
    return current


def md(text: object) -> str:
    """Text from documents, users or detectors made inert inside Markdown (see `workbench.safetext.md`)."""
    return safetext.md(text)


def show_error(exc: Exception) -> None:
    st.error(md(exc), icon="⚠️")


def attempt(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Run a workbench action; a WorkbenchError (bad input, not allowed, model missing) is shown, not raised."""
    try:
        return fn(*args, **kwargs)
    except WorkbenchError as exc:
        show_error(exc)
        return None


def succeeded(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
    """Run an action that returns nothing; True when it succeeded (a WorkbenchError is shown)."""
    try:
        fn(*args, **kwargs)
    except WorkbenchError as exc:
        show_error(exc)
        return False
    return True


def flash(message: str, kind: str = "success") -> None:
    """A plain-text message shown after the next rerun (actions rerun the page to show fresh data)."""
    st.session_state.setdefault("wb_flash", []).append((kind, message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop("wb_flash", []):
        getattr(st, kind)(md(message))


def css() -> None:
    st.html(h.CSS)


def sign_in_page() -> None:
    """The only thing an unauthenticated browser sees."""
    st.title("Workbench")
    st.caption("Machine translation and alignment of Russian and Ukrainian news")
    show_flashes()
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
            signed = user_actions.sign_in(s, name, password, client=_client_address())
        except WorkbenchError as exc:
            show_error(exc)
            return
        _start_session(signed)
        st.rerun()
    st.caption("No account? An admin adds you with `workbench users add NAME --role translator`. "
               "On the first start the server's terminal shows how to sign in as admin.")


def _client_address() -> str:
    """The browser's address for sign-in throttling ("localhost" when Streamlit has none, as for local use)."""
    ip = st.context.ip_address
    return ip if isinstance(ip, str) and ip else "localhost"


def _oidc_sign_in(s: Store) -> None:
    if getattr(st.user, "is_logged_in", False):
        identity = str(st.user.get("email") or st.user.get("name") or "")
        try:
            _start_session(user_actions.oidc_user(s, identity))
        except WorkbenchError as exc:
            show_error(exc)
            st.button("Sign out of the provider", on_click=st.logout)
            return
        st.rerun()
    st.button("Sign in with your organisation's account", on_click=st.login, type="primary")
    st.divider()


def sign_out() -> None:
    """Forget everything this tab held (the user, prepared downloads, form values)."""
    current = st.session_state.get("wb_session")
    st.session_state.clear()
    if isinstance(current, user_actions.Session):
        s = store()
        with s.transaction() as tx:
            s.log_event(tx, current.actor.name, "user.signout", f"user:{current.actor.name}")
    if config().oidc_enabled and getattr(st.user, "is_logged_in", False):
        st.logout()
