"""What every page shares, and the only module that imports Streamlit: the store and configuration
(opened once per process), the signed-in user (re-checked on every run), the sign-in form and how
errors and user text are shown (always escaped with `workbench.safetext.md`).

The store and the models live in a process cache of this module, not in Streamlit's resource
cache: any browser can ask Streamlit to clear that one, and only an admin may clear this one.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from .. import safetext, sessions
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
        _MEMORY.clear()
    st.cache_data.clear()
    return len(keys)


def user() -> User | None:
    """The signed-in user, re-read from the store on every run: a changed role or password, a disabled or
    deleted user, or an idle or too old session signs the tab out at once. A reload (a new tab session)
    is signed in again from the signed, expiring cookie (`workbench.sessions`) when it is still valid."""
    session = st.session_state.get("wb_session")
    if not isinstance(session, user_actions.Session):
        session = None if st.session_state.get("wb_signed_out") else _session_from_cookie()
        if session is None:
            return None
    cfg = config()
    try:
        session = user_actions.check_session(store(), session, idle_seconds=cfg.session_idle_minutes * 60,
                                             max_seconds=cfg.session_max_hours * 3600)
    except WorkbenchError as exc:
        st.session_state.clear()
        st.session_state["wb_signed_out"] = True  # and forget the cookie (sign_in_page)
        flash(str(exc), "warning")
        return None
    st.session_state["wb_session"] = session
    return session.actor


def _session_from_cookie() -> user_actions.Session | None:
    """The session a valid cookie stands for. The token carries the credentials counter seen at sign-in,
    so a password reset (or a role change, checked by check_session) ends cookie sign-ins too."""
    from ..store.errors import NotFound

    token = _cookies().get(sessions.COOKIE, "")
    subject = sessions.verify(sessions.secret(config().data_dir), token) if token else None
    if not subject or ":" not in subject:
        return None
    counter, name = subject.split(":", 1)
    try:
        account = store().user_account(name)
    except NotFound:
        return None
    if account.disabled or str(account.credentials) != counter:
        return None
    session = user_actions.open_session(store(), Actor(account.user.name, account.user.role, "password"))
    st.session_state["wb_token"] = token
    return session


def _start_session(actor: Actor) -> None:
    st.session_state.clear()  # nothing of an earlier user survives in this tab
    session = user_actions.open_session(store(), actor)
    st.session_state["wb_session"] = session
    st.session_state["wb_token"] = sessions.issue(sessions.secret(config().data_dir),
                                                  f"{session.credentials}:{actor.name}")


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
    if st.session_state.get("wb_signed_out"):
        st.html(f"<script>{_cookie_js('', 0)}</script>", unsafe_allow_javascript=True, width=1)
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
    """Forget everything this tab held (the user, prepared downloads, form values) and the cookie."""
    current = st.session_state.get("wb_session")
    st.session_state.clear()
    st.session_state["wb_signed_out"] = True
    if isinstance(current, user_actions.Session):
        s = store()
        with s.transaction() as tx:
            s.log_event(tx, current.actor.name, "user.signout", f"user:{current.actor.name}")
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
# A plain process cache (not st.cache_data) so that the prefetch thread can fill it too.
_MEMORY: dict[tuple[str, str, str, str], tuple[float, list[Any]]] = {}
_MEMORY_RUNNING: dict[tuple[str, str, str, str], threading.Event] = {}
_MEMORY_TTL_S = 60.0
_MEMORY_MAX = 2048


def _memory_lookup(s: Store, segment_id: str, text: str, lang: str) -> list[Any]:
    import time

    from ..tm import suggestions

    key = (s.url, segment_id, text, lang)
    with _CACHE_LOCK:
        running = _MEMORY_RUNNING.get(key)
    if running is not None:  # the prefetch is on it: wait for its answer rather than compute it twice
        running.wait(timeout=5)
    now = time.monotonic()
    with _CACHE_LOCK:
        hit = _MEMORY.get(key)
        if hit is not None and now - hit[0] < _MEMORY_TTL_S:
            return hit[1]
        done = _MEMORY_RUNNING.setdefault(key, threading.Event())
    try:
        found = list(suggestions(s, text, lang, limit=5, exclude=[segment_id]))
        with _CACHE_LOCK:
            if len(_MEMORY) >= _MEMORY_MAX:
                _MEMORY.clear()
            _MEMORY[key] = (now, found)
        return found
    finally:
        with _CACHE_LOCK:
            _MEMORY_RUNNING.pop(key, None)
        done.set()


def tm_suggestions(s: Store, row: Any) -> list[Any]:
    """Memory matches for a segment; a failing memory (e.g. a bad file) shows nothing rather than an error."""
    try:
        return _memory_lookup(s, row.id, row.segment.text, row.segment.lang)
    except WorkbenchError as exc:
        show_error(exc)
        return []


def prefetch_memory(s: Store, rows: list[Any]) -> None:
    """Look up the memory matches of the segments a translator is likely to open next, in the
    background while they read the current one, so that the move itself finds them ready."""
    def run() -> None:
        for row in rows:
            try:
                _memory_lookup(s, row.id, row.segment.text, row.segment.lang)
            except Exception:  # noqa: BLE001, S112 - a failed prefetch only means the move looks it up itself
                continue

    if rows:
        threading.Thread(target=run, name="prefetch-memory", daemon=True).start()


@st.cache_data(show_spinner=False, ttl=30)
def _approved_terms(url: str, lang: str, marker: tuple, _store: Store) -> list[Any]:
    return list(_store.terms(lang=lang, status="approved"))


def view_marker(s: Store, doc_id: int) -> tuple | None:
    """The change marker the cached view of a document was read at (None before its first read)."""
    hit = _views().get((s.url, doc_id))
    return hit[0] if hit is not None else None


def approved_terms(s: Store, lang: str, marker: tuple | None = None) -> list[Any]:
    """The approved terms of a language; `marker`: a change marker just read (saves reading another)."""
    from . import editor

    if lang not in ("ru", "uk"):
        return []
    return _approved_terms(s.url, lang, marker or editor.change_marker(s), s)


def next_run() -> int:
    """A counter that differs on every run of this session (makes a script element run again)."""
    st.session_state["wb_run"] = st.session_state.get("wb_run", 0) + 1
    return st.session_state["wb_run"]


def run_qa(s: Store, who: User | None, doc_id: int) -> Any:
    """Every check on one document, now (the "Run QA" button)."""
    from . import editor

    return editor.run_qa(s, config(), who, doc_id)


def warm_checks(s: Store) -> None:
    """Load what the flag checks need (dictionaries, the risk model) once per process, in the
    background, as soon as someone signed in reaches Home or the Editor: otherwise the first save of
    a fresh server waits for it in its re-check (16-18 s on a 2-core machine). It prints a line to
    the server's log when done (the latency benchmark waits for it: while it loads, it competes with
    every page for the interpreter)."""
    with _CACHE_LOCK:
        if "warm" in _CACHE:
            return
        _CACHE["warm"] = True
    samples: dict[str, str] = {}
    for d in s.documents():
        if d.lang in ("ru", "uk") and d.lang not in samples:
            samples[d.lang] = "\n".join(seg.text for seg in s.segments(d.id)[:20])

    def load() -> None:
        import time

        from .. import hunspell
        from ..flags import flag_text

        t0 = time.perf_counter()
        try:
            hunspell.dictionary("en")  # the English-side spelling check
            for lang, sample in samples.items():
                flag_text(sample, lang, config())
        except Exception as exc:  # noqa: BLE001 - a failed warm-up only means the first save pays
            print(f"workbench: warming the checks failed ({exc})", file=sys.stderr, flush=True)
            return
        # The dictionaries, lexicon and model are millions of long-lived objects: moved out of the
        # collector's reach, a full collection no longer walks them (it took ~0.4-0.8 s in the middle
        # of an editor run, now and then).
        gc.collect()
        gc.freeze()
        print(f"workbench: the checks are loaded ({time.perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True)

    threading.Thread(target=load, name="warm-checks", daemon=True).start()


def recheck(s: Store, who: User | None, doc_id: int, segment_ids: list[str]) -> None:
    """Re-check saved segments at once (their flags; resolved ones close)."""
    from . import editor

    try:
        editor.recheck_segments(s, config(), who, doc_id, segment_ids)
    except WorkbenchError as exc:
        flash(f"QA after the save failed: {exc}", "warning")
