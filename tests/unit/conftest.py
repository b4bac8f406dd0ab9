"""Unit-test fixtures: a small hand-made catalogue (tests/unit/catalogue_fixtures.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lotse import catalogue
from lotse.db import session_scope
from lotse.runtime import migrate
from lotse.settings import load_settings
from tests.conftest import fresh_database_url
from tests.unit.catalogue_fixtures import write_catalogue


@pytest.fixture(scope="module")
def small_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    directory = tmp_path_factory.mktemp("small")
    url = fresh_database_url(directory)
    migrate.upgrade(url)
    places, offers = write_catalogue(directory)
    with session_scope(url) as session:
        catalogue.import_path(session, places)
        catalogue.import_path(session, offers)
    return url


@pytest.fixture()
def small_db(small_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Actions and the gateway use the small catalogue."""
    monkeypatch.setenv("DATABASE_URL", small_url)
    load_settings.cache_clear()
    yield small_url
    load_settings.cache_clear()
