"""Shared fixtures: a real, migrated SQLite database with the demo catalogue per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lotse import catalogue, migrate
from lotse.db import session_scope
from lotse.settings import load_settings


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database, migrated with Alembic and filled with the demo catalogue."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'lotse.db'}"
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
