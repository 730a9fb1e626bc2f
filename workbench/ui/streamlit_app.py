"""What every page shares, and the only module that imports Streamlit: the store and configuration
(opened once per process), the signed-in user, the sign-in form and how errors are shown."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from .. import auth, sessions
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
    """The signed-in user: from this session, else from a valid sign-in cookie (a reload, a new tab)."""
    found = st.session_state.get("wb_user")
    if isinstance(found, User):
        return found
    if st.session_state.get("wb_signed_out"):
        return None  # the browser still sends the old cookie until the page reloads
    token = _cookies().get(sessions.COOKIE, "")
    if token:
        restored = sessions.user_for(store(), sessions.secret(config().data_dir), token)
        if restored is not None:
            st.session_state["wb_user"] = restored
            st.session_state["wb_token"] = token
            return restored
    return None


def _cookies() -> dict[str, str]:
    try:
        return dict(st.context.cookies)
    except Exception:  # noqa: BLE001 - no browser connection (AppTest, bare script run)
        return {}


def session_cookie() -> None:
    """Keep the sign-in in a signed, expiring cookie so that a reload does not sign the user out."""
    token = st.session_state.get("wb_token")
    if not token:
        return
    st.html(f"<script>{_cookie_js(token, sessions.LIFETIME_S)}</script>", unsafe_allow_javascript=True,
            width=1)


def _cookie_js(value: str, max_age: int) -> str:
    # The value is hex, base64url and dots only (sessions.issue), so it needs no escaping.
    return (f"document.cookie = '{sessions.COOKIE}={value}; path=/; max-age={max_age}; SameSite=Strict'"
            " + (location.protocol === 'https:' ? '; Secure' : '');")


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
    if st.session_state.get("wb_signed_out"):
        st.html(f"<script>{_cookie_js('', 0)}</script>", unsafe_allow_javascript=True, width=1)
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
        st.session_state["wb_token"] = sessions.issue(sessions.secret(cfg.data_dir), signed.name)
        st.session_state.pop("wb_signed_out", None)
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
    st.session_state.pop("wb_token", None)
    st.session_state["wb_signed_out"] = True
    if config().oidc_enabled and getattr(st.user, "is_logged_in", False):
        st.logout()


# --- the editor's cached views and live QA ------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _views() -> dict[tuple[str, int], tuple[tuple, Any, list[Any]]]:
    """Per process: (store, document) -> (change marker, document, editor rows). The rows are shared
    by every session and never modified in place (a save builds new rows)."""
    return {}


def document_view(s: Store, doc_id: int) -> tuple[Any, list[Any]]:
    """A document and its editor rows, cached until anything in the store changes (see change_marker)."""
    from . import editor

    marker = editor.change_marker(s)
    hit = _views().get((s.url, doc_id))
    if hit is not None and hit[0] == marker:
        return hit[1], hit[2]
    doc, rows = editor.load_rows(s, doc_id)
    views = _views()
    if len(views) > 32:
        views.clear()
    views[(s.url, doc_id)] = (marker, doc, rows)
    return doc, rows


def view_after_save(s: Store, doc_id: int, segment_ids: list[str], marker_before: tuple) -> None:
    """After this session's save: read again only the saved segments, when the cached view was
    current just before the save (otherwise the next run reloads the whole document)."""
    from . import editor

    hit = _views().get((s.url, doc_id))
    if hit is None or hit[0] != marker_before:
        return
    _views()[(s.url, doc_id)] = (editor.change_marker(s), hit[1], editor.refresh_rows(s, hit[2], segment_ids))


# Memory matches may be a minute old: keyed by the marker they would be recomputed after every save.
@st.cache_data(show_spinner=False, max_entries=2048, ttl=60)
def _tm_suggestions(url: str, segment_id: str, text: str, lang: str, _store: Store) -> list[Any]:
    from ..tm import suggestions

    return list(suggestions(_store, text, lang, limit=5, exclude=[segment_id]))


def tm_suggestions(s: Store, row: Any) -> list[Any]:
    """Memory matches for a segment; a failing memory (e.g. a bad file) shows nothing rather than an error."""
    try:
        return _tm_suggestions(s.url, row.id, row.segment.text, row.segment.lang, s)
    except WorkbenchError as exc:
        show_error(exc)
        return []


@st.cache_data(show_spinner=False, ttl=30)
def _approved_terms(url: str, lang: str, marker: tuple, _store: Store) -> list[Any]:
    return list(_store.terms(lang=lang, status="approved"))


def approved_terms(s: Store, lang: str) -> list[Any]:
    from . import editor

    if lang not in ("ru", "uk"):
        return []
    return _approved_terms(s.url, lang, editor.change_marker(s), s)


def next_run() -> int:
    """A counter that differs on every run of this session (makes a script element run again)."""
    st.session_state["wb_run"] = st.session_state.get("wb_run", 0) + 1
    return st.session_state["wb_run"]


def run_qa(s: Store, who: User | None, doc_id: int) -> Any:
    """Every check on one document, now (the "Run QA" button)."""
    from . import editor

    return editor.run_qa(s, config(), who, doc_id)


def recheck(s: Store, who: User | None, doc_id: int, segment_ids: list[str]) -> None:
    """Re-check saved segments at once (their flags; resolved ones close)."""
    from . import editor

    try:
        editor.recheck_segments(s, config(), who, doc_id, segment_ids)
    except WorkbenchError as exc:
        flash(f"QA after the save failed: {exc}", "warning")
