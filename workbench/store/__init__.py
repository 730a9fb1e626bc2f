"""The embedded store: one `Store` object over an SQLAlchemy engine (SQLite by default, any URL works).

The store owns the schema (Alembic migrations are applied on open), transactions and the
conversion between rows and `workbench.records` dataclasses. Its methods are grouped by what they
keep, one module each: documents, edits, translations, alignments, flags, glossary, tm, users.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..config import Config
from .alignments import AlignmentStore
from .documents import DocumentStore
from .edits import EditConflict, EditStore
from .errors import NotFound, StoreError, storage_problem
from .flags import FlagStore
from .glossary import GlossaryStore
from .schema import EventRow, RevisionRow
from .tm import TMStore
from .translations import TranslationStore
from .users import UserStore

__all__ = ["Store", "StoreError", "NotFound", "EditConflict", "open_store"]

_MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration's revision id. Checked against the migration scripts by the tests; kept
# here so that opening an up-to-date store does not import Alembic (a second of every CLI call).
SCHEMA_HEAD = "revision01"


def _alembic_config(url: str):  # noqa: ANN202 - alembic is imported lazily
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # Several processes (app + CLI) share the file: wait for a lock instead of failing at once.
    cursor.execute("PRAGMA busy_timeout=30000")
    # FULL: a committed edit survives a power loss too, not only a process crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
    # Let SQLAlchemy's "begin" listener issue BEGIN instead of pysqlite's implicit one.
    dbapi_connection.isolation_level = None


def _sqlite_begin(conn: Any) -> None:
    readonly = conn.get_execution_options().get("workbench_readonly", False)
    conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


class Store(
    DocumentStore, EditStore, TranslationStore, AlignmentStore, FlagStore, GlossaryStore, TMStore, UserStore
):
    """All persistent state of a project. Every public method is one committed transaction."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30}
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
            # A writing transaction takes the write lock up front (BEGIN IMMEDIATE): a deferred one
            # that reads and then writes can fail at once with "database is locked" under WAL instead
            # of waiting for busy_timeout. Read-only ones use a plain BEGIN and never wait for writers.
            event.listen(self.engine, "begin", _sqlite_begin)

        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.engine.execution_options(workbench_readonly=True),
                                           expire_on_commit=False)
        if migrate:
            self.migrate()

    # --- schema -----------------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the schema to the newest migration (a no-op when it is there already)."""
        with self.engine.connect() as conn:
            current = None
            if inspect(conn).has_table("alembic_version"):
                current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current == SCHEMA_HEAD:
            return
        from alembic import command

        cfg = _alembic_config(self.url)
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    # --- transactions -----------------------------------------------------------------------
    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Session]:
        """A session whose work is committed as one transaction, or rolled back on any error.

        `readonly=True` is for reads only: it does not take SQLite's write lock.
        """
        session = (self._read_sessions if readonly else self._sessions)()
        try:
            with session.begin():
                yield session
                if not readonly:  # last, so that the row is locked only for the commit itself
                    session.execute(update(RevisionRow).where(RevisionRow.id == 1).values(n=RevisionRow.n + 1))
        except SQLAlchemyError as exc:
            raise StoreError(storage_problem(exc)) from exc
        finally:
            session.close()

    def revision(self) -> int:
        """The store's revision: it grows with every committed writing transaction, by any process.
        Equal revisions mean nothing changed in between (one indexed read, whatever the size)."""
        with self.transaction(readonly=True) as s:
            return int(s.scalar(text("SELECT n FROM store_revision WHERE id = 1")) or 0)

    def log_event(self, session: Session, actor: str, action: str, target: str = "", detail: str = "") -> None:
        session.add(EventRow(actor=actor, action=action, target=target, detail=detail))

    def events(self, limit: int = 200, *, actions: tuple[str, ...] = (),
               exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """The latest audit events, newest first; `actions` keeps only those, `exclude` drops those (so
        that a flood of failed sign-ins cannot push the real changes out of view)."""
        from sqlalchemy import select

        with self.transaction(readonly=True) as s:
            q = select(EventRow).order_by(EventRow.id.desc())
            if actions:
                q = q.where(EventRow.action.in_(actions))
            if exclude:
                q = q.where(EventRow.action.not_in(exclude))
            rows = s.scalars(q.limit(limit)).all()
            return [
                {"actor": r.actor, "action": r.action, "target": r.target, "detail": r.detail,
                 "created_at": r.created_at}
                for r in rows
            ]

    def close(self) -> None:
        self.engine.dispose()


def open_store(config: Config) -> Store:
    """The project's store as configured (WORKBENCH_DB / --db, else data_dir/workbench.db)."""
    return Store(config.database_url)
