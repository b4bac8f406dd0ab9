"""HSDS 3.0 packages as the specification lays them out, checked with Open Referral's own files
(tests/fixtures/hsds-3.0/, CC BY-SA 4.0, from openreferral/specification branch 3.0): the
official example imports with nothing lost, Lotse's export passes the official datapackage.json
(frictionless) and every row its table's JSON Schema (jsonschema, formats checked), and export →
import into an empty database → export gives the same files."""

from __future__ import annotations

import csv
import filecmp
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import select

from lotse import catalogue
from lotse.catalogue import CatalogueError
from lotse.catalogue.formulas import restore
from lotse.catalogue.hsds import Service
from lotse.catalogue.hsds_kept import HsdsKept
from lotse.catalogue.hsds_spec import tables
from lotse.db import session_scope
from lotse.runtime import migrate
from tests.conftest import fresh_database_url

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hsds-3.0"
EXAMPLE = FIXTURES / "examples" / "csv"
EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"


def database(tmp_path: Path, name: str) -> str:
    url = fresh_database_url(tmp_path, name)
    migrate.upgrade(url)
    return url


@pytest.fixture()
def demo(tmp_path: Path) -> str:
    url = database(tmp_path, "demo")
    with session_scope(url) as session:
        catalogue.load_demo_if_empty(session)
    return url


def export(url: str, target: Path) -> list[str]:
    warnings: list[str] = []
    with session_scope(url) as session:
        catalogue.export_path(session, target, warnings=warnings)
    return warnings


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: restore(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def frictionless_errors(folder: Path, descriptor: Path) -> list[str]:
    limit = csv.field_size_limit()  # frictionless lifts the csv module's cell limit globally
    try:
        from frictionless import Package

        copy = folder / "official-datapackage.json"
        shutil.copy(descriptor, copy)
        report = Package(str(copy)).validate()
        copy.unlink()
    finally:
        csv.field_size_limit(limit)  # the import's own limit (files.py) is tested elsewhere
    return sorted(  # positions differ: Lotse writes its own rows first
        re.sub(r'position "\d+"', "position", f"{task.name}: {e.type}: {e.message}")
        for task in report.tasks
        for e in task.errors
    )


def json_rows(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every row of every HSDS file as the JSON object its schema describes (numbers as
    numbers, empty cells left out)."""
    found = []
    for name, table in tables().items():
        for row in rows(folder / table.path):
            obj: dict[str, Any] = {}
            for column, value in row.items():
                if value == "":
                    continue
                obj[column] = float(value) if table.types.get(column) == "number" else value
            found.append((name, obj))
    return found


def test_the_demo_export_passes_the_official_datapackage_and_every_schema(
    demo: str, tmp_path: Path
) -> None:
    assert export(demo, tmp_path / "pkg") == []  # every required field filled
    assert frictionless_errors(tmp_path / "pkg", FIXTURES / "datapackage.json") == []
    assert frictionless_errors(tmp_path / "pkg", tmp_path / "pkg" / "datapackage.json") == []
    checked = 0
    for name, obj in json_rows(tmp_path / "pkg"):
        schema = json.loads((FIXTURES / "schema" / f"{name}.json").read_text(encoding="utf-8"))
        errors = list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(obj))
        assert not errors, (name, obj, [e.message for e in errors])
        checked += 1
    assert checked > 2000
    services = rows(tmp_path / "pkg" / "services.csv")
    assert len(services) == 269 and all(len(s["id"]) == 36 for s in services)
    schedules = rows(tmp_path / "pkg" / "schedules.csv")
    assert all(s["opens_at"].count(":") == 2 for s in schedules)  # 08:00:00, the package's time
    attributes = rows(tmp_path / "pkg" / "attributes.csv")
    assert "loe-mbe-caritas" in {a["value"] for a in attributes}  # Lotse's id kept beside the UUID
    descriptor = json.loads((tmp_path / "pkg" / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["path"] for r in descriptor["resources"]}
    assert {"lotse_areas.csv", "lotse_service_translations.csv", "services.csv"} <= paths
    assert {p.name for p in (tmp_path / "pkg").iterdir()} == paths | {"datapackage.json"}


def test_export_import_into_an_empty_database_export_is_identical(
    demo: str, tmp_path: Path
) -> None:
    export(demo, tmp_path / "one")
    export(demo, tmp_path / "one.zip")
    for source, name in ((tmp_path / "one", "folder"), (tmp_path / "one.zip", "zip")):
        fresh = database(tmp_path, name)
        with session_scope(fresh) as session:
            result = catalogue.import_path(session, source)
        assert result.created == 269 and result.notes == ()
        with session_scope(fresh) as session:
            assert session.scalar(select(HsdsKept.id)) is None  # Lotse's own package: all held
            assert session.get(Service, "loe-mbe-caritas") is not None  # the slug, not the UUID
        export(fresh, tmp_path / f"two-{name}")
        export(fresh, tmp_path / f"two-{name}.zip")
        compared = filecmp.dircmp(tmp_path / "one", tmp_path / f"two-{name}")
        assert (compared.diff_files, compared.left_only, compared.right_only) == ([], [], [])
        assert (tmp_path / "one.zip").read_bytes() == (tmp_path / f"two-{name}.zip").read_bytes()
    with session_scope(demo) as session:  # and into the same database: nothing changes
        again = catalogue.import_path(session, tmp_path / "one.zip")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 269)


def mapped(tmp_path: Path, url: str, lines: str) -> None:
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("taxonomy,term,topic,subtopic\n" + lines, encoding="utf-8")
    with session_scope(url) as session:
        catalogue.import_path(session, mapping)


def test_the_official_example_imports_with_nothing_lost(tmp_path: Path) -> None:
    url = database(tmp_path, "example")
    mapped(tmp_path, url, ",*,health,\n")  # every service of the package: health
    with session_scope(url) as session:
        result = catalogue.import_path(session, EXAMPLE)
    assert result.created == 1
    notes = "\n".join(result.notes)
    assert "schedules.csv:2: kept, not shown on cards (bymonthday" in notes
    assert "contacts.csv: 1 row(s) Lotse does not use kept as they came" in notes
    assert "never shown to clients, not in the API" in notes
    assert "services.csv: values kept as they came" in notes and "fees_description" in notes
    with session_scope(url) as session:
        service = session.get(Service, EXAMPLE_SERVICE)
        assert service is not None and service.status == "active" and service.topic == "health"
        assert service.language_codes == ["ur"]
        assert [p.number for p in service.phones] == ["+44 1234 234567"]
        assert service.organization.description.startswith("Example Org is a non-profit")
        assert service.minimum_age == 12 and service.maximum_age == 100
    assert export(url, tmp_path / "out") == []
    for source in sorted(EXAMPLE.glob("*.csv")):
        exported = {r["id"]: r for r in rows(tmp_path / "out" / source.name)}
        for row in rows(source):
            assert row["id"] in exported, (source.name, row["id"])
            got = exported[row["id"]]
            assert {c: got.get(c) for c in row} == row, source.name
    # the export is as valid as the example: only the example's own dangling references remain
    own = frictionless_errors(EXAMPLE, FIXTURES / "datapackage.json")
    ours = frictionless_errors(tmp_path / "out", FIXTURES / "datapackage.json")
    assert ours == own and all("foreign-key" in e for e in own)
    with session_scope(url) as session:  # again: nothing changes
        again = catalogue.import_path(session, EXAMPLE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_what_partners_write_differently_is_read(tmp_path: Path) -> None:
    """Upper-case UUIDs, RFC 3339 times with and without seconds or zone, ISO 639-3, every status,
    MONTHLY, optional columns left out, several locations: imported, nothing refused."""
    package = tmp_path / "partner"
    package.mkdir()
    org, svc = "D9D5E0F5-D3CE-4F73-9A2F-4DD0ECC6C610", "AC148810-D857-441C-9679-408F346DE14B"
    loc1, loc2 = "3A19FF88-4620-4D17-9830-AC1D859EB5D5", "4A19FF88-4620-4D17-9830-AC1D859EB5D5"
    files = {
        "organizations.csv": f"id,name,description\n{org},Beratung e.V.,Ein Verein\n",
        "services.csv": (
            "id,organization_id,name,status\n"
            f"{svc},{org},Beratung,temporarily closed\n"
            f"{svc[:-1]}C,{org},Alt,defunct\n"
        ),
        "locations.csv": f"id,location_type,name\n{loc1},physical,A\n{loc2},physical,B\n",
        "service_at_location.csv": (
            f"id,service_id,location_id\n{loc1[:-1]}0,{svc},{loc1}\n{loc2[:-1]}0,{svc},{loc2}\n"
        ),
        "schedules.csv": (
            "id,service_id,service_at_location_id,freq,byday,opens_at,closes_at\n"
            f'{svc[:-1]}1,{svc},,WEEKLY,"MO,TU",10:00:00,12:00:00\n'
            f"{svc[:-1]}2,,{loc1[:-1]}0,WEEKLY,WE,10:00Z,12:30+01:00\n"
            f"{svc[:-1]}3,{svc},,MONTHLY,MO,09:00,10:00\n"
        ),
        "languages.csv": f"id,service_id,code\n{svc[:-1]}4,{svc},urd\n{svc[:-1]}5,{svc},xyz\n",
        "service_areas.csv": f"id,service_id,name\n{svc[:-1]}6,{svc},Lörrach\n",
    }
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")
    url = database(tmp_path, "partner")
    with session_scope(url) as session:
        catalogue.import_path(session, catalogue.DEMO_PLACES)
    with session_scope(url) as session:
        _, checked = catalogue.validate_path(session, package)
    assert checked.created == 2
    with session_scope(url) as session:
        assert session.scalar(select(Service.id)) is None  # validate wrote nothing
        result = catalogue.import_path(session, package)
    notes = "\n".join(result.notes)
    assert "imported unpublished" in notes  # no taxonomy, no mapping
    assert "freq MONTHLY" in notes and "'xyz' kept" in notes
    with session_scope(url) as session:
        service = session.get(Service, svc)
        assert service is not None and service.status == "inactive"
        assert [link.location_id for link in service.locations] == [loc1, loc2]
        hours = sorted((s.byday, s.opens_at, s.closes_at) for s in service.schedules)
        assert hours == [("MO,TU", "10:00", "12:00"), ("WE", "11:00", "12:30")]
        assert service.language_codes == ["ur"]
        assert [a.area.name for a in service.areas] == ["Lörrach"]
    export(url, tmp_path / "out")
    schedules = {r["id"]: r for r in rows(tmp_path / "out" / "schedules.csv")}
    assert schedules[f"{svc[:-1]}2"]["opens_at"] == "10:00Z"  # the partner's own notation
    assert schedules[f"{svc[:-1]}3"]["freq"] == "MONTHLY"
    statuses = {r["id"]: r["status"] for r in rows(tmp_path / "out" / "services.csv")}
    assert statuses[f"{svc[:-1]}C"] == "defunct"
    assert {r["code"] for r in rows(tmp_path / "out" / "languages.csv")} == {"urd", "xyz"}


def test_validate_checks_places_like_import(demo: str, tmp_path: Path) -> None:
    export(demo, tmp_path / "pkg")
    areas = tmp_path / "pkg" / "lotse_areas.csv"
    text = areas.read_text(encoding="utf-8").replace(",Landkreis Lörrach,", ",Nirgendwo,", 1)
    areas.write_text(text, encoding="utf-8")
    fresh = database(tmp_path, "fresh")
    for run in (catalogue.validate_path, catalogue.import_path):
        with pytest.raises(CatalogueError) as error, session_scope(fresh) as session:
            run(session, tmp_path / "pkg")
        assert "lotse_areas.csv" in str(error.value) and "'Nirgendwo' is not a place" in str(
            error.value
        )


def test_a_broken_schedule_time_is_refused_with_its_line(demo: str, tmp_path: Path) -> None:
    export(demo, tmp_path / "pkg")
    path = tmp_path / "pkg" / "schedules.csv"
    found = rows(path)
    found[0]["opens_at"] = "8 Uhr"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(found[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(found)
    with pytest.raises(CatalogueError) as error, session_scope(demo) as session:
        catalogue.validate_path(session, tmp_path / "pkg")
    assert "schedules.csv:2: opens_at: '8 Uhr' is not a time" in str(error.value)
