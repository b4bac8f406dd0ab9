"""Shared fixtures: a real, migrated SQLite database with the demo catalogue per test module."""

from __future__ import annotations

import os
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from lotse import catalogue
from lotse.db import session_scope
from lotse.runtime import migrate
from lotse.settings import load_settings

POSTGRES = os.environ.get("LOTSE_TEST_POSTGRES", "")
"""An admin URL of a PostgreSQL server (`make test-postgres`): every test database is then a
fresh PostgreSQL database instead of an SQLite file."""


def fresh_database_url(directory: Path, name: str = "lotse") -> str:
    """A new, empty database for one test or module: SQLite by default, PostgreSQL on demand."""
    if not POSTGRES:
        return f"sqlite:///{directory / f'{name}.db'}"
    from sqlalchemy import create_engine, text

    database = f"lotse_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    _created.append(database)
    return POSTGRES.rsplit("/", 1)[0] + f"/{database}"


_created: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """PostgreSQL test databases are dropped at the end of the run."""
    yield
    if not _created:
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for database in _created:
            for attempt in range(30):
                try:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                    break
                except DBAPIError as error:
                    # An autovacuum worker in the database cannot be ended by this role where
                    # scripts/start-postgres could not grant pg_signal_backend; it finishes soon.
                    if attempt == 29:
                        warnings.warn(f"{database} left behind: {error}", stacklevel=1)
                    else:
                        time.sleep(1)
    admin.dispose()


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database, migrated with Alembic and filled with the demo catalogue."""
    url = fresh_database_url(tmp_path_factory.mktemp("db"))
    migrate.upgrade(url)
    with session_scope(url) as session:
        catalogue.load_demo_if_empty(session)
    yield url


@pytest.fixture()
def db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the process-wide settings (used by actions and the gateway) at the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    load_settings.cache_clear()
    yield database_url
    load_settings.cache_clear()


@pytest.fixture()
def session(database_url: str):
    with session_scope(database_url) as s:
        yield s


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent
