"""The HSDS 3.0 API (admin/hsds_api.py) on the demo catalogue: every answer validates against the
schema schema/openapi.json names for it (tests/fixtures/hsds-3.0/, CC BY-SA 4.0, Open Referral),
paging is complete and stable, filters work, only active services, no contact person, read-only."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import select
from starlette.testclient import TestClient

from lotse import catalogue
from lotse.catalogue.contacts import PartnerContact
from lotse.catalogue.hsds import Service
from lotse.catalogue.hsds_spec import export_id
from lotse.db import session_scope
from lotse.runtime import migrate
from lotse.settings import Settings, load_settings
from tests.conftest import fresh_database_url

SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "hsds-3.0" / "schema"
CONTACT = {"name": "Zofia Wiśniewska-Kurt", "phone": "+49 761 99887766", "email": "zofia@x.test"}


@cache
def schema(name: str) -> dict[str, Any]:
    path = SCHEMA / name
    if path.suffix == ".gz":
        return dict(json.loads(gzip.open(path).read()))
    return dict(json.loads(path.read_text()))


def check(instance: Any, name: str) -> None:
    validator = Draft202012Validator(schema(name), format_checker=FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
    assert not errors, errors[:5]


def check_page(body: dict[str, Any], item_schema: str) -> None:
    page_schema = schema("openapi.json")["components"]["schemas"]["Page"]
    errors = list(Draft202012Validator(page_schema).iter_errors(body))
    assert not errors, errors[:3]
    for key in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page"):
        assert key in body
    assert body["size"] == len(body["contents"])
    for item in body["contents"]:
        check(item, item_schema)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from admin.app import create_app

    url = fresh_database_url(tmp_path_factory.mktemp("hsds_api"), "api")
    migrate.upgrade(url)
    with session_scope(url) as session:
        catalogue.load_demo_if_empty(session)
        services = session.scalars(select(Service).order_by(Service.id)).all()
        services[0].status = "inactive"
        session.add(
            PartnerContact(
                organization_id=services[1].organization_id, **CONTACT, function="Leitung"
            )
        )
    mp = pytest.MonkeyPatch()
    mp.setenv("DATABASE_URL", url)
    load_settings.cache_clear()
    yield TestClient(create_app(Settings(database_url=url)), base_url="http://admin.test")
    mp.undo()
    load_settings.cache_clear()


def all_pages(client: TestClient, path: str, per_page: int, **params: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    number = 1
    while True:
        body = client.get(path, params={**params, "page": number, "per_page": per_page}).json()
        assert body["page_number"] == number and body["first_page"] == (number == 1)
        found += body["contents"]
        if body["last_page"]:
            assert number == max(body["total_pages"], 1)
            assert len(found) == body["total_items"]
            return found
        number += 1


def test_the_root_says_what_the_api_is(client: TestClient) -> None:
    answer = client.get("/hsds/")
    assert answer.status_code == 200
    body = answer.json()
    meta = schema("openapi.json")["paths"]["/"]["get"]["responses"]["200"]["content"]
    check_page_free = Draft202012Validator(
        meta["application/json"]["schema"], format_checker=FormatChecker()
    )
    assert not list(check_page_free.iter_errors(body))
    assert body["version"] == "3.0" and body["openapi_url"].endswith("openapi.json")


def test_every_endpoint_validates_against_its_schema(client: TestClient) -> None:
    listed = client.get("/hsds/services", params={"per_page": 500}).json()
    check_page(listed, "compiled/service_list.json")
    assert listed["total_items"] > 3
    for item in listed["contents"]:
        full = client.get(f"/hsds/services/{item['id']}")
        assert full.status_code == 200
        check(full.json(), "compiled/service.json.gz")
    check_page(client.get("/hsds/services?full=true&per_page=5").json(), "compiled/service.json.gz")
    check_page(client.get("/hsds/services?minimal=true").json(), "compiled/service_list.json")
    organizations = client.get("/hsds/organizations", params={"per_page": 500}).json()
    check_page(organizations, "compiled/organization_list.json")
    check_page(client.get("/hsds/organizations?full=true").json(), "compiled/organization.json.gz")
    for org in organizations["contents"][:5]:
        check(
            client.get(f"/hsds/organizations/{org['id']}").json(), "compiled/organization.json.gz"
        )
        nested = client.get(f"/hsds/organizations/{org['id']}?full_service=true").json()
        check(nested, "compiled/organization.json.gz")
    taxonomies = client.get("/hsds/taxonomies").json()
    check_page(taxonomies, "taxonomy.json")
    check(client.get(f"/hsds/taxonomies/{taxonomies['contents'][0]['id']}").json(), "taxonomy.json")
    terms = client.get("/hsds/taxonomy_terms?per_page=500").json()
    check_page(terms, "taxonomy_term.json")
    check(
        client.get(f"/hsds/taxonomy_terms/{terms['contents'][0]['id']}").json(),
        "taxonomy_term.json",
    )
    links = client.get("/hsds/service_at_locations?per_page=500").json()
    check_page(links, "compiled/service_at_location_list.json")
    assert links["total_items"] > 0
    one = client.get(f"/hsds/service_at_locations/{links['contents'][0]['id']}")
    check(one.json(), "compiled/service_at_location.json.gz")
    full_links = client.get("/hsds/service_at_locations?full=true&per_page=3").json()
    check_page(full_links, "compiled/service_at_location.json.gz")


def test_a_full_service_has_its_nested_objects(client: TestClient) -> None:
    first = client.get("/hsds/services?per_page=500").json()["contents"]
    nested = [client.get(f"/hsds/services/{s['id']}").json() for s in first]
    assert all(s["organization"]["id"] == s["organization_id"] for s in nested)
    assert any(s["phones"] for s in nested) and any(s["schedules"] for s in nested)
    assert any(s["languages"] for s in nested) and any(s["service_at_locations"] for s in nested)
    assert any(
        a.get("location", {}).get("addresses") for s in nested for a in s["service_at_locations"]
    )
    topics = [a["taxonomy_term"] for s in nested for a in s["attributes"]]
    assert any(t.get("taxonomy") == "lotse" for t in topics)


def test_paging_is_complete_and_stable(client: TestClient) -> None:
    everything = client.get("/hsds/services?per_page=500").json()["contents"]
    ids = [s["id"] for s in everything]
    for per_page in (1, 3, 7):
        paged = [s["id"] for s in all_pages(client, "/hsds/services", per_page)]
        assert paged == ids  # complete, no duplicates, the same order
    assert [s["id"] for s in all_pages(client, "/hsds/services", 3)] == ids
    beyond = client.get("/hsds/services", params={"page": len(ids) + 5, "per_page": 1}).json()
    assert beyond["empty"] and beyond["size"] == 0 and beyond["contents"] == []
    assert len(all_pages(client, "/hsds/taxonomy_terms", 4)) == len(
        client.get("/hsds/taxonomy_terms?per_page=500").json()["contents"]
    )


def test_only_active_services(client: TestClient) -> None:
    url = load_settings().database_url
    with session_scope(url) as session:
        statuses = dict(session.execute(select(Service.id, Service.status)).all())
    hidden = {export_id("service", sid) for sid, status in statuses.items() if status != "active"}
    assert hidden
    shown = {s["id"] for s in client.get("/hsds/services?per_page=500").json()["contents"]}
    assert not hidden & shown
    assert len(shown) == len(statuses) - len(hidden)
    gone = hidden.pop()
    assert client.get(f"/hsds/services/{gone}").status_code == 404
    links = client.get("/hsds/service_at_locations?per_page=500").json()["contents"]
    assert all(link["service_id"] != gone for link in links)


def test_filters(client: TestClient) -> None:
    everything = client.get("/hsds/services?per_page=500").json()["contents"]
    some = everything[2]
    org = some["organization_id"]
    by_org = client.get("/hsds/services", params={"organization_id": org, "per_page": 500}).json()
    assert by_org["contents"] and all(s["organization_id"] == org for s in by_org["contents"])
    assert {s["id"] for s in by_org["contents"]} == {
        s["id"] for s in everything if s["organization_id"] == org
    }
    word = some["name"].split()[0]
    found = client.get("/hsds/services", params={"search": word, "per_page": 500}).json()
    assert some["id"] in {s["id"] for s in found["contents"]}
    assert found["total_items"] < len(everything) or len(everything) == 1
    assert client.get("/hsds/services?search=qqqxxzz").json()["empty"] is True
    attributes = client.get(f"/hsds/services/{some['id']}").json()["attributes"]
    term = next(a["taxonomy_term"] for a in attributes if a["taxonomy_term"]["taxonomy"] == "lotse")
    by_term = client.get(
        "/hsds/services", params={"taxonomy_term_id": term["id"], "per_page": 500}
    ).json()["contents"]
    assert some["id"] in {s["id"] for s in by_term} and len(by_term) < len(everything)
    by_taxonomy = client.get(
        "/hsds/services", params={"taxonomy_id": term["taxonomy_id"], "per_page": 500}
    ).json()
    assert by_taxonomy["total_items"] == len(everything)  # every service has a Lotse topic
    stamps = sorted(s["last_modified"] for s in everything)
    assert client.get("/hsds/services", params={"modified_after": stamps[0]}).json()[
        "total_items"
    ] == len(everything)
    future = client.get("/hsds/services", params={"modified_after": "2999-01-01T00:00:00Z"})
    assert future.json()["empty"] is True
    minimal = client.get("/hsds/services?minimal=true&per_page=500").json()["contents"]
    assert set(minimal[0]) == {"id", "name", "status", "last_modified"}
    top = client.get("/hsds/taxonomy_terms?top_only=true&per_page=500").json()["contents"]
    assert top and all("parent_id" not in t for t in top)
    parent = top[0]["id"]
    children = client.get(f"/hsds/taxonomy_terms?parent_id={parent}&per_page=500").json()
    assert all(t["parent_id"] == parent for t in children["contents"])
    links = client.get(
        "/hsds/service_at_locations", params={"organization_id": org, "per_page": 500}
    ).json()["contents"]
    assert all(link["service"]["organization_id"] == org for link in links)


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=x",
        "per_page=100000",
        "full=maybe",
        "modified_after=yesterday",
        "format=xml",
    ],
)
def test_bad_parameters_get_a_clear_400(client: TestClient, query: str) -> None:
    answer = client.get(f"/hsds/services?{query}")
    assert answer.status_code == 400
    assert query.split("=")[0] in answer.json()["error"]


def test_unknown_ids_are_404_json(client: TestClient) -> None:
    for path in (
        "/hsds/services/nope",
        "/hsds/organizations/nope",
        "/hsds/taxonomies/nope",
        "/hsds/taxonomy_terms/nope",
        "/hsds/service_at_locations/nope",
        "/hsds/no_such_endpoint",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "error" in answer.json()


def test_read_only(client: TestClient) -> None:
    sid = client.get("/hsds/services").json()["contents"][0]["id"]
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for path in ("/hsds/services", f"/hsds/services/{sid}", "/hsds/"):
            answer = client.request(method, path, json={"name": "x"})
            assert answer.status_code == 405, (method, path)
            assert "error" in answer.json()
    assert client.get(f"/hsds/services/{sid}").status_code == 200  # nothing changed


def test_no_contact_person_and_no_metadata_in_any_answer(client: TestClient) -> None:
    paths = ["/hsds/", "/hsds/services?full=true&per_page=500", "/hsds/taxonomy_terms?per_page=500"]
    paths += ["/hsds/organizations?full_service=true&per_page=500"]
    paths += ["/hsds/service_at_locations?full=true&per_page=500", "/hsds/taxonomies"]
    services = client.get("/hsds/services?per_page=500").json()["contents"]
    paths += [f"/hsds/services/{s['id']}" for s in services]
    paths += [f"/hsds/organizations/{s['organization_id']}" for s in services]
    for path in paths:
        text = client.get(path).text
        for value in CONTACT.values():
            assert value not in text, path
        assert "Wiśniewska" not in text and "99887766" not in text
        assert '"contacts"' not in text and '"metadata"' not in text
