"""The Schaubild generated from the catalogue: partners per residence status and activity area,
gaps visible, and its SVG and A3 PDF downloads in the admin."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from lotse import catalogue
from lotse.catalogue.hsds import Service
from lotse.db import session_scope
from lotse.partners import schaubild
from lotse.runtime import migrate
from tests.conftest import fresh_database_url
from tests.unit.catalogue_fixtures import offer, write_catalogue, write_matrix
from tests.unit.partner_fixtures import admin_client

__all__ = ["admin_client"]


def _row(grid: schaubild.Schaubild, subtopic: str) -> int:
    return next(i for i, a in enumerate(grid.activities) if a.subtopic == subtopic)


def test_the_demo_regions_and_their_places(session: Session) -> None:
    assert schaubild.regions(session) == ["Berlin", "Landkreis Lörrach"]
    assert "Weil am Rhein" in schaubild.places_in(session, "Landkreis Lörrach")
    assert len(schaubild.places_in(session, "Berlin")) == 12
    assert schaubild.places_in(session, "Weil am Rhein") == ["Weil am Rhein"]


@pytest.fixture(scope="module")
def weil_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Recognition counselling by IQ everywhere but Weil am Rhein, where the town's own
    counselling is open to some residence statuses only: the issue's gap."""
    directory = tmp_path_factory.mktemp("weil")
    url = fresh_database_url(directory)
    migrate.upgrade(url)
    places, _ = write_catalogue(directory)
    offers = directory / "weil.csv"
    common = {"topic": "work", "subtopic": "recognition"}
    write_matrix(
        offers,
        [
            offer(
                id="iq",
                organization="IQ Netzwerk",
                name="IQ Anerkennungsberatung",
                service_area="Lörrach|Rheinfelden (Baden)|Schopfheim",
                **common,
            ),
            offer(
                id="weil-welcome",
                organization="Stadt Weil am Rhein",
                name="Welcome Center Weil",
                service_area="Weil am Rhein",
                residence_status="protection_status,eu_citizen,work_or_study_permit,settled",
                assured_date="2026-11-02",
                **common,
            ),
        ],
    )
    with session_scope(url) as s:
        catalogue.import_path(s, places)
        catalogue.import_path(s, offers)
    return url


def test_recognition_for_tolerated_people_is_missing_in_weil_am_rhein(weil_url: str) -> None:
    with session_scope(weil_url) as session:
        grid = schaubild.build(session, "Landkreis Lörrach")
        assert grid.places == ["Lörrach", "Rheinfelden (Baden)", "Schopfheim", "Weil am Rhein"]
        assert grid.data_date == date(2026, 11, 2)
        row = _row(grid, "recognition")
        tolerated = grid.cell(row, "tolerated")
        assert tolerated.partial and tolerated.missing == ["Weil am Rhein"]
        assert [p.organization for p in tolerated.partners] == ["IQ Netzwerk"]
        settled = grid.cell(row, "settled")
        assert not settled.missing
        assert [p.organization for p in settled.partners] == ["IQ Netzwerk", "Stadt Weil am Rhein"]
        assert settled.partners[1].services == (("weil-welcome", "Welcome Center Weil"),)
        assert ("tolerated", ["Weil am Rhein"]) in [
            (s, places) for a, s, places in grid.gaps if a.subtopic == "recognition"
        ]
        # nobody at all for housing: a whole gap, the row still shown
        assert grid.cell(_row(grid, "tenant_advice"), "settled").gap
        # a municipality alone: there the missing counselling is a whole gap
        weil = schaubild.build(session, "Weil am Rhein")
        assert weil.cell(_row(weil, "recognition"), "tolerated").gap


def test_the_demo_shows_its_known_gaps(session: Session) -> None:
    grid = schaubild.build(session, "Landkreis Lörrach")
    psz = _row(grid, "mental_health")
    assert [p.organization for p in grid.cell(psz, "asylum_seeker").partners] == [
        "Psychosoziales Zentrum Demo-Südbaden e.V."
    ]
    assert grid.cell(psz, "settled").gap  # the PSZ is for refugees only
    recognition = grid.cell(_row(grid, "recognition"), "tolerated")
    assert "IQ Netzwerk Demo-Baden-Württemberg" in [p.organization for p in recognition.partners]


def test_an_offer_changed_in_the_catalogue_changes_the_schaubild(database_url: str) -> None:
    with session_scope(database_url) as s:
        s.get(Service, "loe-psz").status = "inactive"
    try:
        with session_scope(database_url) as s:
            grid = schaubild.build(s, "Landkreis Lörrach")
            assert grid.cell(_row(grid, "mental_health"), "asylum_seeker").gap
    finally:
        with session_scope(database_url) as s:
            s.get(Service, "loe-psz").status = "active"


def test_an_unknown_region_has_no_places(session: Session) -> None:
    grid = schaubild.build(session, "Atlantis")
    assert grid.places == [] and all(c.gap for c in grid.cells.values())


def test_the_admin_shows_and_downloads_the_schaubild(admin_client: TestClient) -> None:
    from pypdf import PdfReader

    page = admin_client.get("/admin/schaubild", params={"region": "Landkreis Lörrach"})
    assert page.status_code == 200
    assert "IQ Netzwerk Demo-Baden-Württemberg" in page.text
    assert "Psychosoziales Zentrum Demo-Südbaden e.V." in page.text
    assert 'class="gap"' in page.text
    assert "/admin/service/details/loe-psz" in page.text
    svg = admin_client.get(
        "/admin/schaubild", params={"region": "Landkreis Lörrach", "format": "svg"}
    )
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "Schaubild Landkreis Lörrach" in svg.text and "keine Zuständigkeit" in svg.text
    pdf = admin_client.get("/admin/schaubild", params={"region": "Berlin", "format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    assert "schaubild-Berlin.pdf" in pdf.headers["content-disposition"]
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (1191, 842)  # A3 landscape
    text = reader.pages[0].extract_text()
    assert "Schaubild Berlin" in text and "Stand der Daten" in text
    assert reader.metadata is not None and reader.metadata.title == "Schaubild Berlin"


def test_the_admin_refuses_an_unknown_region_or_format(admin_client: TestClient) -> None:
    assert admin_client.get("/admin/schaubild", params={"region": "Atlantis"}).status_code == 404
    bad = admin_client.get("/admin/schaubild", params={"region": "Berlin", "format": "doc"})
    assert bad.status_code == 404
