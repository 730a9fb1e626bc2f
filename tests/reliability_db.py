"""The databases the reliability tests run on: the test's SQLite file, and PostgreSQL when available.

`WORKBENCH_TEST_PG_URL` names a PostgreSQL server where the tests may create databases (test.sh
starts a throwaway one through scripts/postgres.sh); each test gets a fresh database, dropped after.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from workbench.config import Config


def pg_database() -> Iterator[str]:
    """A fresh database on the server of WORKBENCH_TEST_PG_URL, dropped afterwards; yields its URL."""
    base = os.environ.get("WORKBENCH_TEST_PG_URL")
    if not base:
        pytest.skip("WORKBENCH_TEST_PG_URL is not set (test.sh starts a PostgreSQL server when run as root)")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"workbench_test_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, config: Config) -> Iterator[str]:
    """The URL of an empty store: SQLite in the test's data directory, then PostgreSQL (or skipped)."""
    if request.param == "sqlite":
        yield config.database_url
    else:
        yield from pg_database()
