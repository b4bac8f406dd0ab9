"""Catalogue files from outside (issue 14, item 10): zip bombs, malformed CSV and workbooks,
formula injection in exports. Every bad file gets a `file:line: column: reason` line, in the core
and in `lotse catalogue validate/import`, and nothing is imported."""

from __future__ import annotations

import csv
import io
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lotse import catalogue
from lotse.catalogue import CatalogueError, files
from lotse.catalogue.formulas import TRIGGERS, neutralise, restore
from lotse.catalogue.hsds import Service
from lotse.db import session_scope
from lotse.runtime import migrate
from tests.conftest import fresh_database_url
from tests.unit.catalogue_fixtures import OFFERS, offer, write_catalogue, write_matrix
from tests.unit.test_catalogue_import import dump

MiB = 1024 * 1024


@pytest.fixture()
def loaded(tmp_path: Path) -> tuple[str, Path]:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    places, offers = write_catalogue(tmp_path)
    with session_scope(url) as session:
        catalogue.import_path(session, places)
        catalogue.import_path(session, offers)
    return url, tmp_path


def refused(url: str, path: Path) -> str:
    """The report of an import that must fail, after checking that it changed nothing."""
    before = dump(url)
    with pytest.raises(CatalogueError) as error, session_scope(url) as session:
        catalogue.import_path(session, path)
    assert dump(url) == before
    return str(error.value)


# --- zip bombs ---------------------------------------------------------------------------------


def zip_bomb(path: Path, megabytes: int) -> Path:
    """A valid-looking HSDS package whose service.csv expands to `megabytes` of zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organization.csv", "id,name\norg,Org\n")
        with archive.open("service.csv", "w") as member:
            member.write(b"id,organization_id,name\n")
            for _ in range(megabytes):
                member.write(b"0" * MiB)
    return path


def test_a_zip_bomb_is_refused_before_anything_is_expanded(loaded) -> None:
    url, directory = loaded
    bomb = zip_bomb(directory / "bomb.zip", 256)
    assert bomb.stat().st_size < MiB // 2  # 0.3 MB that would expand to 256 MB
    tracemalloc.start()
    try:
        report = refused(url, bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (
        f"{bomb}/service.csv:1: (file): would expand to 256.0 MB, more than the 100.0 MB "
        "a file may have (refused as a zip bomb)"
    ) in report
    assert peak < 20 * MiB  # nothing was expanded


def test_a_member_that_expands_a_thousand_times_is_refused(loaded) -> None:
    url, directory = loaded
    bomb = zip_bomb(directory / "small-bomb.zip", 20)
    report = refused(url, bomb)
    assert f"{bomb}/service.csv:1: (file): would expand 1," in report
    assert "times (at most 100; refused as a zip bomb)" in report


def test_many_members_together_are_capped(loaded, monkeypatch: pytest.MonkeyPatch) -> None:
    url, directory = loaded
    with session_scope(url) as session:
        catalogue.export_path(session, directory / "good.zip")
    with zipfile.ZipFile(directory / "good.zip") as archive:
        total = sum(info.file_size for info in archive.infolist())
    monkeypatch.setattr(files, "MAX_TOTAL_BYTES", total - 1)  # every member is small
    report = refused(url, directory / "good.zip")
    assert f"{directory / 'good.zip'}:1: (file): would expand to " in report
    assert "in all, more than" in report and "(refused as a zip bomb)" in report


def lie_about_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with `member`'s uncompressed size in both headers replaced by `size`."""
    patched = bytearray(data)
    name = member.encode()
    local = patched.find(b"PK\x03\x04")
    while local != -1:
        name_length = struct.unpack_from("<H", patched, local + 26)[0]
        if patched[local + 30 : local + 30 + name_length] == name:
            struct.pack_into("<I", patched, local + 22, size)
        local = patched.find(b"PK\x03\x04", local + 4)
    central = patched.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", patched, central + 28)[0]
        if patched[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<I", patched, central + 24, size)
        central = patched.find(b"PK\x01\x02", central + 4)
    return bytes(patched)


def test_a_member_whose_header_lies_about_its_size_is_refused(loaded) -> None:
    url, directory = loaded
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organization.csv", "id,name\norg,Org\n")
        archive.writestr("service.csv", b"id,organization_id,name\n" + b"0" * (8 * MiB))
    liar = directory / "liar.zip"
    liar.write_bytes(lie_about_size(buffer.getvalue(), "service.csv", 100))
    assert zipfile.ZipFile(liar).getinfo("service.csv").file_size == 100
    report = refused(url, liar)
    assert f"{liar}/service.csv:1: (file): damaged, or its header does not match" in report


def test_members_are_read_with_a_hard_cap_whatever_zipfile_returns(tmp_path: Path) -> None:
    """The streaming cap holds even if the zip reader delivered more than the header says."""
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("service.csv", b"x" * 100)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("service.csv")
        archive.open = lambda _info: io.BytesIO(b"x" * (10 * MiB))  # type: ignore[method-assign]
        with pytest.raises(CatalogueError) as error:
            files.read_member(archive, info, "p.zip", budget=files.MAX_TOTAL_BYTES)
        assert "p.zip/service.csv:1: (file): holds more than the 100 bytes its header says" in str(
            error.value
        )
    with zipfile.ZipFile(path) as archive:
        with pytest.raises(CatalogueError) as error:
            files.read_member(archive, archive.getinfo("service.csv"), "p.zip", budget=10)
        assert "expands beyond the archive's cap" in str(error.value)


def test_an_xlsx_bomb_is_refused_before_openpyxl_opens_it(loaded) -> None:
    url, directory = loaded
    bomb = directory / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/sharedStrings.xml", "w") as member:
            for _ in range(120):
                member.write(b" " * MiB)
    report = refused(url, bomb)
    assert f"{bomb}/xl/sharedStrings.xml:1: (file): would expand to 120.0 MB" in report


# --- malformed files ---------------------------------------------------------------------------


def matrix_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def new_offer(**change: str) -> dict[str, str]:
    row = offer(id="new-offer", organization="Neu e.V.", name="Neu", topic="work")
    row["service_area"] = "Lörrach"
    row.update(change)
    return row


ALL_REQUIRED = "id, organization, name, topic, service_area"
GOOD = [OFFERS[0], new_offer()]  # a file whose first row would change nothing, line 3 is new


def _bad_files() -> dict[str, tuple[bytes, str]]:
    good = matrix_text(GOOD)
    lines = good.splitlines(keepends=True)
    unterminated = lines[0] + lines[1] + lines[2].replace(",Neu,", ',"Neu,', 1)
    return {
        "nul-byte": (good.replace("Neu e.V.", "Neu\x00e.V.").encode(), "3: (file): contains a NUL"),
        "unterminated-quote": (
            unterminated.encode(),
            '3: (row): a quoted cell starting here is never closed (a " is missing)',
        ),
        "stray-quote": (
            good.replace("Neu e.V.", '"Neu" e.V.').encode(),
            '3: (row): a " inside a quoted cell must be doubled ("")',
        ),
        "latin-1": (
            good.encode("utf-8").replace("Lörrach".encode(), "Lörrach".encode("latin-1")),
            "2: (file): not UTF-8 text (byte 0xf6)",
        ),
        "utf-16": (good.encode("utf-16"), "1: (file): not UTF-8 text but UTF-16"),
        "huge-field": (
            good.replace("Neu e.V.", "N" * 200_000).encode(),
            "3: (row): a cell longer than 131,072 characters",
        ),
        "control-character": (
            good.replace("Neu e.V.", "Neu\x0be.V.").encode(),
            "3: organization: contains the control character U+000B",
        ),
        "too-long-name": (
            good.replace(",Neu,", "," + "N" * 300 + ",", 1).encode(),
            "3: name: longer than 200 characters (300)",  # PostgreSQL refused the import: a 500
        ),
        "png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "1: (file): not UTF-8 text (byte 0x89)"),
        "json": (b'{"offers": []}\n', f"1: {ALL_REQUIRED}: missing column"),
        "empty": (b"", f"1: {ALL_REQUIRED}: missing column"),
    }


BAD_FILES = _bad_files()


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_malformed_csv_gets_a_report_line_and_nothing_is_imported(loaded, case: str) -> None:
    url, directory = loaded
    data, message = BAD_FILES[case]
    path = directory / f"{case}.csv"
    path.write_bytes(data)
    assert f"{path}:{message}" in refused(url, path)


def test_broken_workbooks_get_a_report_line(loaded) -> None:
    url, directory = loaded
    not_a_zip = directory / "fake.xlsx"
    not_a_zip.write_bytes(b"id,name\nx,y\n")
    a_zip = directory / "other.xlsx"
    with zipfile.ZipFile(a_zip, "w") as archive:
        archive.writestr("readme.txt", "no workbook here")
    assert f"{not_a_zip}:1: (file): not a readable XLSX workbook" in refused(url, not_a_zip)
    assert f"{a_zip}:1: (file): not a readable XLSX workbook" in refused(url, a_zip)


def test_malformed_places_and_hsds_members_are_reported(loaded) -> None:
    url, directory = loaded
    places = directory / "places-bad.csv"
    places.write_text('name,kind,parent\n"Lörrach,municipality,\n', encoding="utf-8")
    assert f"{places}:2: (row): a quoted cell starting here is never closed" in refused(url, places)
    long_name = directory / "places-long.csv"
    long_name.write_text(f"name,kind,parent\n{'L' * 130},municipality,\n", encoding="utf-8")
    assert f"{long_name}:2: name: longer than 120 characters" in refused(url, long_name)
    with session_scope(url) as session:
        catalogue.export_path(session, directory / "pkg.zip")
    with zipfile.ZipFile(directory / "pkg.zip") as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["phones.csv"] += b"x\x00,y\n"
    with zipfile.ZipFile(directory / "bad-pkg.zip", "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    report = refused(url, directory / "bad-pkg.zip")
    assert f"{directory / 'bad-pkg.zip'}/phones.csv:" in report and "contains a NUL byte" in report


@pytest.mark.parametrize("command", ["validate", "import"])
def test_the_cli_reports_every_bad_file(loaded, monkeypatch, capsys, command: str) -> None:
    from lotse.runtime.cli import main
    from lotse.settings import load_settings

    url, directory = loaded
    monkeypatch.setenv("DATABASE_URL", url)
    load_settings.cache_clear()
    bomb = zip_bomb(directory / "bomb.zip", 20)
    cases = {bomb: "refused as a zip bomb"}
    for case, (data, message) in BAD_FILES.items():
        path = directory / f"{case}.csv"
        path.write_bytes(data)
        cases[path] = f"{path}:{message}"
    before = dump(url)
    try:
        for path, message in cases.items():
            assert main(["catalogue", command, str(path)]) == 2, path
            err = capsys.readouterr().err
            assert message in err and "Traceback" not in err, path
    finally:
        load_settings.cache_clear()
    assert dump(url) == before


# --- formula injection -------------------------------------------------------------------------

EVIL = '=HYPERLINK("http://evil","click")'


def test_neutralise_and_restore_round_trip() -> None:
    values = [
        "",
        "Beratung",
        EVIL,
        "+49 7621 555 0001",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "\t=1",
        "\r=1",
        "'=1",
        "''=1",
        "'quoted'",
        "''Mama lernt Deutsch''",
        "-12.5",
        "+3",
        "'-12.5",
        "-1e5",
    ]
    for value in values:
        written = neutralise(value)
        assert restore(written) == value, value
        assert not written.startswith(tuple(TRIGGERS)) or value in ("-12.5", "+3"), value
    assert neutralise(EVIL) == "'" + EVIL
    assert neutralise("-12.5") == "-12.5"  # a plain number is no formula
    assert restore("'-12.5") == "-12.5"  # another tool's quoted number reads as the number


def test_a_formula_from_a_partners_sheet_is_neutralised_and_round_trips(loaded) -> None:
    url, directory = loaded
    sheet = directory / "partner.csv"
    evil = new_offer(
        name=EVIL,
        description="@SUM(1+1) and more",
        source="-2+3+cmd|' /C calc'!A0",
        address="Hauptstraße 1",
        city="Lörrach",
        latitude="47.61",
        longitude="-7.66",
    )
    write_matrix(sheet, [*OFFERS, evil])
    with session_scope(url) as session:
        catalogue.import_path(session, sheet)
    with session_scope(url) as session:
        stored = session.get(Service, "new-offer")
        assert stored is not None and stored.name == EVIL  # imported as written
        catalogue.export_path(session, directory / "out.csv")
        catalogue.export_path(session, directory / "out.xlsx")
        catalogue.export_path(session, directory / "out.zip")
    exported = list(csv.DictReader((directory / "out.csv").open(encoding="utf-8")))
    row = next(r for r in exported if r["id"] == "new-offer")
    assert row["name"] == "'" + EVIL
    assert row["description"] == "'@SUM(1+1) and more"
    assert row["longitude"] == "-7.66"  # a number stays a number
    jobcenter = next(r for r in exported if r["id"] == "loe-jobcenter")
    assert jobcenter["phone"] == "'+49 7621 555 0001"
    for cells in exported:
        for value in cells.values():
            assert not value.startswith(tuple(TRIGGERS)) or value == "-7.66", value
    sheet_xlsx = load_workbook(directory / "out.xlsx").worksheets[0]
    header = [c.value for c in sheet_xlsx[1]]
    rows = list(sheet_xlsx.iter_rows(min_row=2))
    name_cell = next(r[header.index("name")] for r in rows if r[0].value == "new-offer")
    assert name_cell.data_type == "s" and name_cell.value == "'" + EVIL
    assert "f" not in {c.data_type for r in rows for c in r}  # no formula anywhere
    with zipfile.ZipFile(directory / "out.zip") as package:
        services = list(csv.DictReader(io.StringIO(package.read("services.csv").decode())))
    assert "'" + EVIL in {s["name"] for s in services}  # ids are UUIDs in HSDS
    before = dump(url)
    for path in (directory / "out.csv", directory / "out.xlsx", directory / "out.zip"):
        with session_scope(url) as session:
            result = catalogue.import_path(session, path)
        assert (result.created, result.updated) == (0, 0), path
        with session_scope(url) as session:
            assert session.scalar(select(Service.name).where(Service.id == "new-offer")) == EVIL
    assert dump(url) == before
