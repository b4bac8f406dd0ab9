"""A small, hand-made catalogue for unit tests (independent of the demo data)."""

from __future__ import annotations

import csv
from pathlib import Path

from lotse.catalogue.matrix import MATRIX_COLUMNS

PLACES = [
    ("Baden-Württemberg", "state", "", "48.66", "9.35", "DE-BW", ""),
    ("Landkreis Lörrach", "district", "Baden-Württemberg", "47.65", "7.75", "", "Kreis Lörrach"),
    (
        "Lörrach",
        "municipality",
        "Landkreis Lörrach",
        "47.6156",
        "7.6614",
        "",
        "Loerrach|Лёррах|Леррах|لوراخ",
    ),
    ("Weil am Rhein", "municipality", "Landkreis Lörrach", "47.5947", "7.6108", "", "Weil a. Rh."),
    ("Rheinfelden (Baden)", "municipality", "Landkreis Lörrach", "47.56", "7.79", "", ""),
    ("Schopfheim", "municipality", "Landkreis Lörrach", "47.65", "7.8167", "", "Шопфхайм"),
    ("Berlin", "state", "", "52.52", "13.405", "DE-BE", "Берлин|Берлін|برلين"),
    ("Neukölln", "borough", "Berlin", "52.44", "13.45", "", "Нойкельн|نويكولن"),
    ("Mitte", "borough", "Berlin", "52.52", "13.405", "", ""),
    ("Rheinfelden (Aargau)", "municipality", "Baden-Württemberg", "47.55", "7.80", "", ""),
]

ALL_WEEK = "Mo-Fr 09:00-17:00"


def offer(**values: str) -> dict[str, str]:
    row = dict.fromkeys(MATRIX_COLUMNS, "")
    row.update({"hours": ALL_WEEK, "languages": "de", "assured_date": "2026-10-01"})
    row.update(values)
    return row


OFFERS = [
    offer(
        id="loe-jobcenter",
        organization="Jobcenter Landkreis Lörrach",
        name="Jobcenter Lörrach",
        topic="work",
        subtopic="job_placement",
        service_area="Landkreis Lörrach",
        residence_status="protection_status,temporary_protection,settled,eu_citizen",
        address="Musterstraße 1",
        postal_code="79539",
        city="Lörrach",
        latitude="47.61",
        longitude="7.66",
        phone="+49 7621 555 0001",
    ),
    offer(
        id="loe-agentur",
        organization="Agentur für Arbeit Lörrach",
        name="Agentur für Arbeit Lörrach",
        topic="work",
        subtopic="job_placement",
        service_area="Landkreis Lörrach",
        residence_status="asylum_seeker,tolerated,work_or_study_permit,eu_citizen,settled",
    ),
    offer(
        id="loe-iq",
        organization="IQ Netzwerk BW",
        name="IQ Anerkennungsberatung",
        topic="work",
        subtopic="recognition",
        service_area="Baden-Württemberg",
        languages="de,ar,uk",
    ),
    offer(
        id="loe-mbe",
        organization="Caritas Lörrach",
        name="Migrationsberatung für Erwachsene",
        topic="general",
        subtopic="migration_counselling",
        service_area="Landkreis Lörrach",
        min_age="27",
        residence_status="protection_status,temporary_protection,eu_citizen,work_or_study_permit,settled",
    ),
    offer(
        id="loe-jmd",
        organization="Diakonie Lörrach",
        name="Jugendmigrationsdienst",
        topic="general",
        subtopic="migration_counselling",
        service_area="Landkreis Lörrach",
        min_age="12",
        max_age="26",
    ),
    offer(
        id="loe-kita",
        organization="Stadt Lörrach",
        name="Kita-Anmeldung der Stadt Lörrach",
        topic="education",
        subtopic="kita",
        service_area="Lörrach",
        languages="de,uk",
        description="Hilft bei der Anmeldung für einen Kita-Platz.",
        description_uk="Допомагає записати дитину до дитсадка.",
    ),
    offer(
        id="loe-school",
        organization="Stadt Lörrach",
        name="Schulsozialarbeit Lörrach",
        topic="education",
        subtopic="school",
        service_area="Lörrach",
    ),
    offer(
        id="loe-housing-local",
        organization="Stadt Lörrach",
        name="Fachstelle Wohnen Lörrach",
        topic="housing",
        subtopic="housing_office",
        service_area="Lörrach",
        hours="Tu 09:00-12:00",
    ),
    offer(
        id="loe-housing-district",
        organization="Landratsamt Lörrach",
        name="Aaa Wohnberatung im Landkreis",
        topic="housing",
        service_area="Landkreis Lörrach",
        languages="de,ar",
        hours="Mo-Fr 08:00-18:00",
    ),
    offer(
        id="nk-housing-de",
        organization="Bezirksamt Neukölln",
        name="Aaa Wohnungsamt Neukölln",
        topic="housing",
        subtopic="housing_office",
        service_area="Neukölln",
        languages="de,en",
    ),
    offer(
        id="nk-housing-ar",
        organization="Mieterverein Demo",
        name="Mieterberatung Neukölln",
        topic="housing",
        subtopic="tenant_advice",
        service_area="Neukölln",
        languages="de,ar,tr",
    ),
    offer(
        id="ber-housing",
        organization="Land Berlin",
        name="Aaa Berliner Wohnhilfe",
        topic="housing",
        service_area="Berlin",
        languages="de,ar",
    ),
    offer(
        id="ber-closed",
        organization="Land Berlin",
        name="Wohnhilfe am Wochenende",
        topic="housing",
        service_area="Berlin",
        languages="de",
        hours="Sa 10:00-12:00",
    ),
]


def write_catalogue(directory: Path) -> tuple[Path, Path]:
    places = directory / "places.csv"
    with places.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "kind", "parent", "latitude", "longitude", "holidays", "aliases"])
        writer.writerows(PLACES)
    offers = directory / "offers.csv"
    write_matrix(offers, OFFERS)
    return places, offers


def write_matrix(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MATRIX_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
