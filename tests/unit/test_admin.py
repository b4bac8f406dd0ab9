"""The admin without a browser: audit log, login, origin check, pages (Starlette's TestClient)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from lotse import catalogue, insights
from lotse.audit import AuditLog, acting_as
from lotse.catalogue.hsds import Service
from lotse.db import session_scope
from lotse.runtime import migrate
from lotse.settings import Settings
from tests.conftest import fresh_database_url
from tests.unit.catalogue_fixtures import write_catalogue

PASSWORD = "richtig-und-lang"


@pytest.fixture()
def url(tmp_path: Path) -> str:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    places, offers = write_catalogue(tmp_path)
    with session_scope(url) as s:
        catalogue.import_path(s, places)
        catalogue.import_path(s, offers)
    return url


def test_changes_in_the_admin_are_audited_with_before_and_after(url: str) -> None:
    with acting_as("Amina"), session_scope(url) as s:
        s.get(Service, "loe-kita").name = "Kita-Büro Lörrach"
    with session_scope(url) as s:  # without an actor nothing is logged
        s.get(Service, "loe-kita").description = "x"
    with session_scope(url) as s:
        entries = s.scalars(select(AuditLog)).all()
        assert len(entries) == 1
        entry = entries[0]
        assert (entry.actor, entry.action, entry.table, entry.row_id) == (
            "Amina",
            "update",
            "service",
            "loe-kita",
        )
        assert entry.changes["name"] == ["Kita-Anmeldung der Stadt Lörrach", "Kita-Büro Lörrach"]


def test_insights_suppress_small_counts_and_export_labels(url: str) -> None:
    with session_scope(url) as s:
        for i in range(6):
            insights.record(
                s,
                text=f"wohnung {i}",
                intent="ask_housing",
                confidence=0.9,
                language="de",
                topic="housing",
                region="Landkreis Lörrach",
            )
        insights.record(
            s, text="wo krieg ich papiere", intent="nlu_fallback", confidence=0.2, language="de"
        )
    with session_scope(url) as s:
        from datetime import date, timedelta

        by_language = insights.questions_by(s, "language", date.today() - timedelta(days=1))
        assert by_language == {"de": 7}
        by_topic = insights.questions_by(s, "topic", date.today() - timedelta(days=1))
        assert by_topic["housing"] == 6 and by_topic["–"] is None  # one: suppressed
        [queued] = insights.review_queue(s)
        assert queued.text == "wo krieg ich papiere"  # only misunderstood texts are kept
        insights.label(s, queued.id, "ask_authorities")
    with session_scope(url) as s:
        assert "- intent: ask_authorities" in insights.training_examples(s)
        assert "wo krieg ich papiere" in insights.training_examples(s)


@pytest.fixture()
def client(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from admin.app import create_app
    from lotse.settings import load_settings

    monkeypatch.setenv("DATABASE_URL", url)  # the admin's pages use the configured database
    load_settings.cache_clear()
    from lotse import admin_accounts

    with session_scope(url) as s:
        admin_accounts.add_account(s, "Amina", PASSWORD)
    app = create_app(Settings(database_url=url))
    yield TestClient(app, base_url="http://admin.test", headers={"Origin": "http://admin.test"})
    load_settings.cache_clear()


def test_login_pages_and_origin_check(client: TestClient) -> None:
    assert client.get("/admin/service/list", follow_redirects=False).status_code == 302
    bad = client.post("/admin/login", data={"username": "a", "password": "falsch"})
    assert "/admin/login" in str(bad.url)
    good = client.post("/admin/login", data={"username": "Amina", "password": PASSWORD})
    assert good.status_code == 200 and "/admin/login" not in str(good.url)
    for path in (
        "/admin/service/list",
        "/admin/freshness",
        "/admin/insights",
        "/admin/catalogue",
        "/admin/audit-log/list",
        "/admin/catalogue?download=xlsx",
    ):
        assert client.get(path).status_code == 200, path
    foreign = client.post(
        "/admin/freshness",
        data={"service": "loe-kita", "action": "valid"},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403


def edit_service(client: TestClient, sid: str, **changes: object) -> str:
    """Post the offer's edit form as the browser would: every field as it is, plus `changes`."""
    import re

    form = client.get(f"/admin/service/edit/{sid}").text
    data: dict[str, object] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or 'type="checkbox"' in tag or 'type="submit"' in tag:
            continue
        data[name.group(1)] = value.group(1) if value else ""
    for area in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form):
        data[area.group(1)] = area.group(2).strip()
    for box in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"', box.group(2))
        chosen = chosen or re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', box.group(2))
        if chosen:
            data[box.group(1)] = chosen.group(1)
    data.update(changes)
    data["save"] = "Save"
    return client.post(f"/admin/service/edit/{sid}", data=data).text


def test_offer_features_are_edited_in_the_admin_and_checked(client: TestClient, url: str) -> None:
    client.post("/admin/login", data={"username": "Amina", "password": PASSWORD})
    form = client.get("/admin/service/edit/loe-kita").text
    assert 'type="checkbox"' in form and "Kinderbetreuung während des Angebots" in form
    edit_service(client, "loe-kita", features=["childcare", "evening"])
    with session_scope(url) as s:
        assert sorted(s.get(Service, "loe-kita").features) == ["childcare", "evening"]
        entry = s.scalars(select(AuditLog).where(AuditLog.row_id == "loe-kita")).all()[-1]
        assert entry.actor == "Amina" and entry.changes["features"][1] == ["childcare", "evening"]
    refused = edit_service(client, "loe-kita", features=["childcare", "sauna"])
    assert "&#39;sauna&#39; is not a valid choice" in refused  # the form again, with the reason
    with session_scope(url) as s:
        assert sorted(s.get(Service, "loe-kita").features) == ["childcare", "evening"]
    edit_service(client, "loe-kita")  # nothing ticked: no features
    with session_scope(url) as s:
        assert s.get(Service, "loe-kita").features == []


def test_the_facilitator_list_shows_who_is_away(client: TestClient, url: str) -> None:
    from datetime import date

    from lotse.requests import registry

    with session_scope(url) as s:
        registry.save_facilitator(s, 4242, "Samira", ["Lörrach"], ["de", "ar"])
        person = registry.facilitators(s)[0]
        person.away_until = date(2026, 12, 24)
    client.post("/admin/login", data={"username": "Amina", "password": PASSWORD})
    page = client.get("/admin/facilitator/list")
    assert page.status_code == 200 and "2026-12-24" in page.text
