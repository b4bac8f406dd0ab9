"""A logged-in admin (Starlette's TestClient) on the demo catalogue, for the partner pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from lotse.db import session_scope
from lotse.settings import Settings, load_settings

PASSWORD = "richtig-und-lang"


@pytest.fixture()
def admin_client(db: str) -> Iterator[TestClient]:
    from admin.app import create_app
    from lotse import admin_accounts
    from lotse.admin_accounts import AdminAccount

    with session_scope(db) as s:
        if s.query(AdminAccount).filter_by(name="Amina").first() is None:
            admin_accounts.add_account(s, "Amina", PASSWORD)
    client = TestClient(
        create_app(Settings(database_url=db)),
        base_url="http://admin.test",
        headers={"Origin": "http://admin.test"},
    )
    good = client.post("/admin/login", data={"username": "Amina", "password": PASSWORD})
    assert "/admin/login" not in str(good.url)
    yield client
    load_settings.cache_clear()
