"""The demo catalogue (data/catalogue/): complete, loadable, and answering like the real thing."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from lotse import catalogue
from lotse.catalogue import matrix
from lotse.catalogue.hsds import Service
from lotse.catalogue.offers import OfferQuery, find_offers
from lotse.catalogue.places import known_places, resolve_place
from lotse.catalogue.schedule import BERLIN
from lotse.db import session_scope
from lotse.models import CATALOGUE_TOPICS
from lotse.runtime import migrate
from tests.conftest import fresh_database_url

TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=BERLIN)


def test_demo_load_is_idempotent(tmp_path: Path) -> None:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    with session_scope(url) as s:
        first = catalogue.load_demo_if_empty(s)
    with session_scope(url) as s:
        assert catalogue.load_demo_if_empty(s) is None  # not empty any more: left alone
        again = catalogue.import_path(s, catalogue.DEMO_CATALOGUE)
    assert first and first.created >= 200
    assert (again.created, again.updated) == (0, 0)


def test_demo_contacts_are_plainly_fictional() -> None:
    for record in matrix.parse_matrix(catalogue.DEMO_CATALOGUE):
        assert all(" 555 " in phone for phone in record.phones), record.id
        assert not record.url or "example.org" in record.url, record.id
        assert not record.email or record.email.endswith("example.org"), record.id


def test_every_topic_is_answerable_in_every_demo_place(session) -> None:
    places = known_places(session)
    assert len(places) == 17  # 5 in Landkreis Lörrach, 12 Berlin boroughs
    for place in places:
        for topic in CATALOGUE_TOPICS:
            result = find_offers(session, OfferQuery(topic=topic, place=place))
            assert result.offers, (topic, place)


def test_the_demo_has_the_real_kinds_of_institutions(session) -> None:
    names = " ".join(s.name for s in session.query(Service))
    for kind in (
        "Migrationsberatung",
        "Jugendmigrationsdienst",
        "Jobcenter",
        "Agentur für Arbeit",
        "Anerkennungsberatung",
        "Ausländerbehörde",
        "Bürgeramt",
        "Integrationskurs",
        "Schulsozialarbeit",
        "Kita",
        "Mieterberatung",
        "Gesundheitsamt",
        "Psychosoziale",
        "Integrationsmanagement",
        "Integrationslots",
    ):
        assert kind in names, kind


def test_some_demo_offers_are_stale(session) -> None:
    stale = catalogue.stale_services(session, date(2026, 11, 21))
    assert 5 <= len(stale) <= 20


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("шукаю квартиру в Лёррах", "Lörrach"),
        ("ищу работу в Леррахе", "Lörrach"),  # inflected
        ("أبحث عن شقة في لوراخ", "Lörrach"),
        ("ابحث عن شقه فى لوراخ", "Lörrach"),  # hamza and yeh variants
        ("دنبال خانه در نويكلن هستم", "Neukölln"),  # Arabic keyboard in Persian
        ("Weil a. Rh.", "Weil am Rhein"),
        ("ich wohne in Kreuzberg", "Friedrichshain-Kreuzberg"),
        ("Şpandau da oturuyorum", "Spandau"),
        ("Loerrach", "Lörrach"),
        ("Schopfhiem", "Schopfheim"),
    ],
)
def test_demo_places_in_other_scripts_and_short_forms(session, text: str, expected: str) -> None:
    assert resolve_place(session, text)[0] == expected


@pytest.mark.parametrize(
    "text", ["mitten in der Nacht", "ich brauche Hilfe, weil ich krank bin", "Hamburg"]
)
def test_common_words_are_not_places(session, text: str) -> None:
    assert resolve_place(session, text) == []


def test_arabic_housing_in_neukoelln_lists_arabic_speaking_offers_first(session) -> None:
    offers = find_offers(
        session,
        OfferQuery(topic="housing", place="Neukölln", language="ar", now=TUESDAY_MORNING),
    ).offers
    local = [o for o in offers if o.distance == 0]
    assert "ar" in local[0].service.language_codes
    assert any("ar" not in o.service.language_codes for o in local)


def test_kita_in_loerrach_lists_the_kita_office(session) -> None:
    offers = find_offers(
        session, OfferQuery(topic="education", place="Lörrach", subtopic="kita")
    ).offers
    assert offers and all(o.service.subtopic == "kita" for o in offers)
    assert "Kita" in offers[0].service.name


def test_work_in_loerrach_differs_by_residence_status(session) -> None:
    assert find_offers(session, OfferQuery(topic="work", place="Lörrach")).ask_residence_status
    refugee = find_offers(
        session, OfferQuery(topic="work", place="Lörrach", residence_status="protection_status")
    ).offers
    asylum = find_offers(
        session, OfferQuery(topic="work", place="Lörrach", residence_status="asylum_seeker")
    ).offers
    assert any("Jobcenter" in o.service.name for o in refugee)
    assert not any("Jobcenter" in o.service.name for o in asylum)
    assert any("Agentur für Arbeit" in o.service.name for o in asylum)
