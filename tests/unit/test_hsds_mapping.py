"""The foreign-taxonomy mapping: edited in the admin, used by the HSDS import; a service that no
rule maps is imported unpublished and reported, then published by importing again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from lotse import catalogue
from lotse.catalogue import CatalogueError
from lotse.catalogue.hsds import Service
from lotse.catalogue.hsds_kept import TaxonomyMapping
from lotse.db import session_scope
from lotse.runtime import migrate
from lotse.settings import Settings
from tests.conftest import fresh_database_url

PASSWORD = "richtig-und-lang"
SERVICE = "0f5c2a5e-4b7e-4d0a-9a39-5d0d3c1a2b01"


def partner_package(directory: Path) -> Path:
    """A package categorised with another taxonomy (Open Eligibility's `Counseling`)."""
    directory.mkdir()
    org = "0f5c2a5e-4b7e-4d0a-9a39-5d0d3c1a2b00"
    files = {
        "organizations.csv": f"id,name,description\n{org},Verein,Ein Verein\n",
        "services.csv": f"id,organization_id,name,status\n{SERVICE},{org},Beratung,active\n",
        "taxonomies.csv": "id,name,description\n0f5c2a5e-4b7e-4d0a-9a39-5d0d3c1a2b02,"
        "open_eligibility,Open Eligibility\n",
        "taxonomy_terms.csv": "id,code,name,description,taxonomy_id\n"
        "0f5c2a5e-4b7e-4d0a-9a39-5d0d3c1a2b03,1102,Counseling,Counseling,"
        "0f5c2a5e-4b7e-4d0a-9a39-5d0d3c1a2b02\n",
        "attributes.csv": "id,link_id,taxonomy_term_id,link_entity\n"
        f"0f5c2a5e-4b7e-4d0a-9a39-5d0d3c1a2b04,{SERVICE},"
        "0f5c2a5e-4b7e-4d0a-9a39-5d0d3c1a2b03,service\n",
        "service_areas.csv": f"id,service_id,name\n0f5c2a5e-4b7e-4d0a-9a39-5d0d3c1a2b05,"
        f"{SERVICE},Lörrach\n",
    }
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.fixture()
def url(tmp_path: Path) -> str:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    with session_scope(url) as session:
        catalogue.import_path(session, catalogue.DEMO_PLACES)
    return url


@pytest.fixture()
def client(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from admin.app import create_app
    from lotse import admin_accounts
    from lotse.settings import load_settings

    monkeypatch.setenv("DATABASE_URL", url)
    load_settings.cache_clear()
    with session_scope(url) as s:
        admin_accounts.add_account(s, "Amina", PASSWORD)
    app = create_app(Settings(database_url=url))
    client = TestClient(app, base_url="http://admin.test", headers={"Origin": "http://admin.test"})
    client.post("/admin/login", data={"username": "Amina", "password": PASSWORD})
    yield client
    load_settings.cache_clear()


def test_unmapped_then_mapped_in_the_admin(url: str, client: TestClient, tmp_path: Path) -> None:
    package = partner_package(tmp_path / "partner")
    with session_scope(url) as session:
        result = catalogue.import_path(session, package)
    assert any("imported unpublished" in note for note in result.notes)
    with session_scope(url) as session:
        service = session.get(Service, SERVICE)
        assert service is not None and service.status == "inactive"
    refused = client.post(
        "/admin/taxonomy-mapping/create",
        data={"taxonomy": "open_eligibility", "term": "Counseling", "topic": "weather"},
    )
    assert "unknown topic" in refused.text
    created = client.post(
        "/admin/taxonomy-mapping/create",
        data={"taxonomy": "open_eligibility", "term": "counseling", "topic": "health"},
        follow_redirects=False,
    )
    assert created.status_code == 302
    with session_scope(url) as session:
        assert session.scalar(select(TaxonomyMapping.topic)) == "health"
        again = catalogue.import_path(session, package)
    assert again.updated == 1 and not any("unpublished" in n for n in again.notes)
    with session_scope(url) as session:
        service = session.get(Service, SERVICE)
        assert service is not None and (service.status, service.topic) == ("active", "health")


def test_a_mapping_file_is_checked_and_imported(url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("taxonomy,term,topic,subtopic\nx,y,health,kita\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as error, session_scope(url) as session:
        catalogue.import_path(session, bad)
    assert f"{bad}:2: topic/subtopic: subtopic 'kita'" in str(error.value)
    good = tmp_path / "good.csv"
    good.write_text("taxonomy,term,topic,subtopic\n,1102,health,\n", encoding="utf-8")
    with session_scope(url) as session:
        assert catalogue.import_path(session, good).created == 1
    with session_scope(url) as session:
        assert catalogue.import_path(session, good).created == 0  # the same again: unchanged
        result = catalogue.import_path(session, partner_package(tmp_path / "partner"))
    assert result.created == 1 and not any("unpublished" in n for n in result.notes)


def test_the_admin_import_shows_what_was_kept(client: TestClient, tmp_path: Path) -> None:
    import zipfile

    package = partner_package(tmp_path / "partner")
    archive = tmp_path / "partner.zip"
    with zipfile.ZipFile(archive, "w") as target:
        for path in package.iterdir():
            target.write(path, path.name)
    page = client.post(
        "/admin/catalogue",
        files={"file": ("partner.zip", archive.read_bytes(), "application/zip")},
    )
    assert 'id="import-notes"' in page.text and "imported unpublished" in page.text
