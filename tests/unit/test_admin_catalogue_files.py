"""The admin's catalogue files (issue 14, item 10): a bad upload gets the import's report and not
a 500, every export (ours and sqladmin's table export) is neutralised against formula
injection, and no download leaves a temporary folder behind."""

from __future__ import annotations

import csv
import html
import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from lotse.audit import acting_as
from lotse.catalogue.formulas import TRIGGERS
from lotse.catalogue.hsds import Service
from lotse.db import session_scope
from tests.unit.test_admin import PASSWORD, client, url  # noqa: F401  (fixtures)
from tests.unit.test_catalogue_files import BAD_FILES, EVIL, zip_bomb
from tests.unit.test_catalogue_import import dump


def logged_in(browser: TestClient) -> TestClient:
    answer = browser.post("/admin/login", data={"username": "Amina", "password": PASSWORD})
    assert answer.status_code == 200 and "/admin/login" not in str(answer.url)
    return browser


def upload(browser: TestClient, name: str, data: bytes) -> str:
    answer = browser.post("/admin/catalogue", files={"file": (name, data)})
    assert answer.status_code == 200, name
    return html.unescape(answer.text)


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_malformed_upload_gets_the_report_and_changes_nothing(
    client: TestClient,  # noqa: F811
    url: str,  # noqa: F811
    case: str,
) -> None:
    data, message = BAD_FILES[case]
    before = dump(url)
    page = upload(logged_in(client), f"{case}.csv", data)
    assert "Nichts wurde geändert." in page
    assert f"{case}.csv:{message}" in page
    assert "/upload.csv" not in page  # the server's temporary path is not shown
    assert dump(url) == before


def test_a_form_without_a_file_asks_for_one(client: TestClient, url: str) -> None:  # noqa: F811
    """No file, an empty file name, or "file" sent as a plain text field: the page asks for a
    file and imports nothing (the upload is checked to be a file, not assumed)."""
    browser = logged_in(client)
    before = dump(url)
    for answer in (
        browser.post("/admin/catalogue", data={"other": "x"}),
        browser.post("/admin/catalogue", data={"file": "service.csv"}),
        browser.post("/admin/catalogue", files={"file": ("", b"id,name")}),
    ):
        assert answer.status_code == 200
        assert "Bitte wählen Sie eine Datei aus." in html.unescape(answer.text)
    assert dump(url) == before


def test_a_zip_bomb_and_broken_workbooks_uploaded_get_the_report(
    client: TestClient,  # noqa: F811
    url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    logged_in(client)
    before = dump(url)
    bomb = zip_bomb(tmp_path / "bomb.zip", 20).read_bytes()
    assert "bomb.zip/service.csv:1: (file): would expand 1," in upload(client, "bomb.zip", bomb)
    page = upload(client, "fake.xlsx", b"not a workbook at all")
    assert "fake.xlsx:1: (file): not a readable XLSX workbook" in page
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "no workbook here")
    page = upload(client, "other.xlsx", other.getvalue())
    assert "other.xlsx:1: (file): not a readable XLSX workbook" in page
    assert dump(url) == before


def test_sqladmin_table_exports_are_neutralised(client: TestClient, url: str) -> None:  # noqa: F811
    with acting_as("Amina"), session_scope(url) as session:
        session.get(Service, "loe-kita").name = EVIL
    logged_in(client)
    exported = client.get("/admin/service/export/csv")
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert next(r for r in rows if r["id"] == "loe-kita")["name"] == "'" + EVIL
    for row in rows:
        for value in row.values():
            assert not value.startswith(tuple(TRIGGERS)), value
    items = client.get("/admin/service/export/json").json()
    assert next(i for i in items if i["id"] == "loe-kita")["name"] == "'" + EVIL
    audit = client.get("/admin/audit-log/export/json").json()
    change = next(i for i in audit if i["row_id"] == "loe-kita")
    assert change["changes"]["name"][1] == "'" + EVIL  # inside the changes too
    assert "=HYPERLINK" not in client.get("/admin/audit-log/export/csv").text.replace(
        "'=HYPERLINK", ""
    )


def test_admin_downloads_leave_no_temporary_folder(
    client: TestClient,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logged_in(client)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    for kind, start in (("xlsx", b"PK"), ("csv", b"id,organization"), ("zip", b"PK")):
        answer = client.get(f"/admin/catalogue?download={kind}")
        assert answer.status_code == 200 and answer.content.startswith(start), kind
        assert "attachment" in answer.headers["content-disposition"]
        assert list(temporary.iterdir()) == [], kind
    assert zipfile.ZipFile(io.BytesIO(answer.content)).testzip() is None
