"""Import, export and validation: all or nothing, stable ids, every error class explained."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from lotse import catalogue
from lotse.catalogue import CatalogueError
from lotse.catalogue.hsds import CATALOGUE_TABLES, Service
from lotse.db import session_scope
from lotse.runtime import migrate
from tests.conftest import fresh_database_url
from tests.unit.catalogue_fixtures import OFFERS, offer, write_catalogue, write_matrix


@pytest.fixture()
def loaded(tmp_path: Path) -> tuple[str, Path]:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    places, offers = write_catalogue(tmp_path)
    with session_scope(url) as session:
        catalogue.import_path(session, places)
        catalogue.import_path(session, offers)
    return url, tmp_path


def dump(url: str) -> dict[str, list[tuple]]:
    """Every row of every catalogue table (the 'database exactly as it was' check)."""
    with session_scope(url) as session:
        return {
            t.__tablename__: sorted(
                tuple(map(str, row))
                for row in session.execute(text(f"SELECT * FROM {t.__tablename__}"))
            )
            for t in CATALOGUE_TABLES
        }


def test_reimporting_the_same_file_changes_nothing(loaded) -> None:
    url, directory = loaded
    before = dump(url)
    with session_scope(url) as session:
        result = catalogue.import_path(session, directory / "offers.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(OFFERS))
    assert dump(url) == before


def test_a_changed_row_updates_only_that_offer(loaded) -> None:
    url, directory = loaded
    rows = [dict(r) for r in OFFERS]
    rows[0]["hours"] = "Mo 10:00-11:00"
    write_matrix(directory / "changed.csv", rows)
    with session_scope(url) as session:
        result = catalogue.import_path(session, directory / "changed.csv")
    assert (result.created, result.updated) == (0, 1)
    with session_scope(url) as session:
        service = session.get(Service, rows[0]["id"])
        assert [(s.byday, s.opens_at) for s in service.schedules] == [("MO", "10:00")]


BAD_ROWS = {
    "empty name": ({"name": ""}, "name: must not be empty"),
    "unknown topic": ({"topic": "weather"}, "topic: unknown topic 'weather'"),
    "subtopic of another topic": (
        {"subtopic": "kita"},
        "subtopic: subtopic 'kita' belongs to topic 'education'",
    ),
    "unknown place": (
        {"service_area": "Atlantis"},
        "service_area: 'Atlantis' is not a known place",
    ),
    "bad hours": ({"hours": "Mo-Fr 9-12"}, "hours: '9' is not a time like 09:00"),
    "bad language": ({"languages": "de,arabic"}, "languages: not two-letter language codes"),
    "bad status": (
        {"residence_status": "refugee"},
        "residence_status: unknown residence status refugee",
    ),
    "bad age": ({"min_age": "twelve"}, "min_age: 'twelve' is not an age"),
    "ages reversed": (
        {"min_age": "30", "max_age": "20"},
        "max_age: min_age is higher than max_age",
    ),
    "bad date": ({"assured_date": "31.05.2026"}, "assured_date: '31.05.2026' is not a date"),
    "bad phone": ({"phone": "call us"}, "phone: 'call us' is not a phone number"),
    "bad email": (
        {"email": "info at example.org"},
        "email: 'info at example.org' is not an e-mail",
    ),
    "bad website": ({"website": "example.org"}, "website: 'example.org' is not a web address"),
    "bad coordinate": ({"latitude": "147.6", "address": "X 1"}, "latitude: 147.6 is out of range"),
    "bad id": ({"id": "Jobcenter Lörrach!"}, "id: 'Jobcenter Lörrach!' is not a usable id"),
    "bad target group": ({"target_groups": "men"}, "target_groups: unknown target group men"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_every_error_class_names_the_cell_and_leaves_the_database_unchanged(
    loaded, case: str
) -> None:
    url, directory = loaded
    change, message = BAD_ROWS[case]
    rows = [dict(r) for r in OFFERS]
    rows.append(
        offer(
            id="new-offer",
            organization="Neu e.V.",
            name="Neues Angebot",
            topic="work",
            service_area="Lörrach",
        )
    )
    rows[-1].update(change)
    rows[0]["name"] = "Renamed in the same file"  # a good change that must not land either
    path = directory / "bad.csv"
    write_matrix(path, rows)
    before = dump(url)
    with pytest.raises(CatalogueError) as error, session_scope(url) as session:
        catalogue.import_path(session, path)
    line = len(rows) + 1  # header is line 1
    assert f"{path}:{line}: {message}" in str(error.value)
    assert dump(url) == before


def test_a_duplicate_id_and_broken_files_are_refused(loaded) -> None:
    url, directory = loaded
    before = dump(url)
    duplicate = directory / "dup.csv"
    write_matrix(duplicate, [OFFERS[0], OFFERS[0]])
    missing = directory / "missing.csv"
    missing.write_text("id,name\nx,y\n", encoding="utf-8")
    binary = directory / "broken.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage\x00\x81")
    not_xlsx = directory / "fake.xlsx"
    not_xlsx.write_text("this is not a workbook", encoding="utf-8")
    ragged = directory / "ragged.csv"
    ragged.write_text(
        duplicate.read_text(encoding="utf-8").splitlines()[0] + "\n" + "a," * 80 + "\n"
    )
    expectations = {
        duplicate: "dup.csv:3: id: 'loe-jobcenter' is already used on line 2",
        missing: "missing.csv:1: organization, topic, service_area: missing column",
        binary: "broken.csv:1: (file): not",
        not_xlsx: "fake.xlsx:1: (file): not a readable XLSX workbook",
        ragged: "ragged.csv:2: (row): more cells than the header has columns",
        directory / "absent.csv": "absent.csv:1: (file): no such file",
    }
    for path, message in expectations.items():
        with pytest.raises(CatalogueError) as error, session_scope(url) as session:
            catalogue.import_path(session, path)
        assert message in str(error.value), path
    assert dump(url) == before


def test_all_problems_are_reported_together(loaded) -> None:
    _, directory = loaded
    rows = [
        offer(id=f"x{i}", organization="O", name="N", topic="weather", service_area="Lörrach")
        for i in range(3)
    ]
    write_matrix(directory / "many.csv", rows)
    with pytest.raises(CatalogueError) as error:
        catalogue.parse(directory / "many.csv")
    assert len(error.value.problems) == 3


def test_hsds_package_round_trip_as_folder_and_zip(loaded, tmp_path: Path) -> None:
    url, _ = loaded
    with session_scope(url) as session:
        assert catalogue.export_path(session, tmp_path / "hsds") == len(OFFERS)
        catalogue.export_path(session, tmp_path / "hsds.zip")
    names = {p.name for p in (tmp_path / "hsds").iterdir()}
    assert {
        "datapackage.json",
        "organizations.csv",
        "services.csv",
        "locations.csv",
        "addresses.csv",
        "phones.csv",
        "schedules.csv",
        "languages.csv",
        "service_areas.csv",
        "taxonomy_terms.csv",
        "attributes.csv",
        "service_at_location.csv",
        "lotse_areas.csv",
        "lotse_service_translations.csv",
    } <= names
    assert "services.csv" in zipfile.ZipFile(tmp_path / "hsds.zip").namelist()
    before = dump(url)
    for package in (tmp_path / "hsds", tmp_path / "hsds.zip"):
        with session_scope(url) as session:
            result = catalogue.import_path(session, package)
        assert result.unchanged == len(OFFERS) and result.updated == result.created == 0
    assert dump(url) == before
    fresh = fresh_database_url(tmp_path, "fresh")
    migrate.upgrade(fresh)
    with session_scope(fresh) as session:
        assert catalogue.import_path(session, tmp_path / "hsds").created == len(OFFERS)
    assert dump(fresh)["service"] == before["service"] or len(dump(fresh)["service"]) == len(OFFERS)


def test_a_broken_hsds_package_is_refused(loaded, tmp_path: Path) -> None:
    url, _ = loaded
    with session_scope(url) as session:
        catalogue.export_path(session, tmp_path / "pkg")
    schedule = tmp_path / "pkg" / "schedules.csv"
    import csv

    rows = list(csv.DictReader(schedule.open(encoding="utf-8")))
    rows[0]["opens_at"] = "8 Uhr"
    with schedule.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = dump(url)
    with pytest.raises(CatalogueError) as error, session_scope(url) as session:
        catalogue.import_path(session, tmp_path / "pkg")
    assert "schedules.csv:2: opens_at: '8 Uhr' is not a time like 10:00:00" in str(error.value)
    assert dump(url) == before


def test_matrix_export_and_xlsx_import_round_trip(loaded, tmp_path: Path) -> None:
    url, _ = loaded
    with session_scope(url) as session:
        catalogue.export_path(session, tmp_path / "matrix.xlsx")
        catalogue.export_path(session, tmp_path / "matrix.csv")
    before = dump(url)
    for path in (tmp_path / "matrix.xlsx", tmp_path / "matrix.csv"):
        with session_scope(url) as session:
            result = catalogue.import_path(session, path)
        assert result.unchanged == len(OFFERS), path
    assert dump(url) == before


def test_semicolon_csv_from_excel_is_read(loaded, tmp_path: Path) -> None:
    url, directory = loaded
    source = (directory / "offers.csv").read_text(encoding="utf-8")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(source)))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    path = tmp_path / "excel.csv"
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    with session_scope(url) as session:
        assert catalogue.import_path(session, path).unchanged == len(OFFERS)


def test_stale_lists_offers_not_checked_for_six_months(loaded) -> None:
    url, directory = loaded
    rows = [dict(r) for r in OFFERS]
    rows[0]["assured_date"] = "2026-01-15"
    rows[1]["assured_date"] = ""
    write_matrix(directory / "stale.csv", rows)
    with session_scope(url) as session:
        catalogue.import_path(session, directory / "stale.csv")
        stale = catalogue.stale_services(session, date(2026, 11, 21))
        assert [s.id for s in stale] == [rows[1]["id"], rows[0]["id"]]  # never checked first
        assert catalogue.stale_services(session, date(2026, 7, 1)) == [stale[0]]


def test_places_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "places.csv"
    bad.write_text(
        "name,kind,parent\nA,state,\nB,village,A\nC,municipality,Nowhere\n", encoding="utf-8"
    )
    with pytest.raises(CatalogueError) as error:
        catalogue.parse(bad)
    assert f"{bad}:3: kind: 'village' is not one of" in str(error.value)
    assert f"{bad}:4: parent: 'Nowhere' is not a place in this file" in str(error.value)


def test_cli_validate_import_export_stale(loaded, tmp_path: Path, monkeypatch, capsys) -> None:
    from lotse.runtime.cli import main
    from lotse.settings import load_settings

    url, directory = loaded
    monkeypatch.setenv("DATABASE_URL", url)
    load_settings.cache_clear()
    try:
        assert main(["catalogue", "validate", str(directory / "offers.csv")]) == 0
        assert main(["catalogue", "import", str(directory / "offers.csv")]) == 0
        assert f"0 created, 0 updated, {len(OFFERS)} unchanged" in capsys.readouterr().out
        assert main(["catalogue", "export", str(tmp_path / "out.zip")]) == 0
        assert main(["catalogue", "stale", "--today", "2027-06-01"]) == 0
        assert "loe-jobcenter" in capsys.readouterr().out
        write_matrix(
            tmp_path / "bad.csv",
            [offer(id="x", organization="O", name="N", topic="weather", service_area="Lörrach")],
        )
        assert main(["catalogue", "import", str(tmp_path / "bad.csv")]) == 2
        assert "nothing was changed" in capsys.readouterr().err
    finally:
        load_settings.cache_clear()
    with session_scope(url) as session:
        assert session.scalar(select(Service).where(Service.id == "x")) is None
