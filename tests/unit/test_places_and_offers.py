from __future__ import annotations

import pytest

from lotse.offers import find_offers
from lotse.places import resolve_place
from lotse.text import fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich suche eine Wohnung in Lörrach", "Lörrach"),
        ("loerrach", "Lörrach"),
        ("LORRACH!!", "Lörrach"),
        ("ich wohne in weil am rhein", "Weil am Rhein"),
        ("Rheinfelden", "Rheinfelden (Baden)"),
        ("Rheinfelden (Baden)", "Rheinfelden (Baden)"),
        ("grenzach wyhlen", "Grenzach-Wyhlen"),
        ("Berlin Neukoelln bitte", "Neukölln"),
        ("tempelhof-schoeneberg", "Tempelhof-Schöneberg"),
    ],
)
def test_resolve_place_tolerates_spelling(session, text: str, expected: str) -> None:
    assert resolve_place(session, text)[0] == expected


@pytest.mark.parametrize("text", ["", "   ", "Hamburg", "Weil", "Wohnung", "<script>"])
def test_unknown_places_resolve_to_nothing(session, text: str) -> None:
    assert resolve_place(session, text) == []


def test_fold_is_symmetric_for_umlaut_spellings() -> None:
    assert fold("Lörrach") == fold("Loerrach") == fold("LORRACH")
    assert fold("Straße") == fold("strasse")


def test_find_offers_returns_the_topic_in_the_place(session) -> None:
    offers = find_offers(session, "housing", "Lörrach")
    assert offers, "the demo catalogue covers housing in Lörrach"
    assert {o.municipality for o in offers} == {"Lörrach"}
    assert {o.topic for o in offers} == {"housing"}


def test_find_offers_puts_the_clients_language_first(session) -> None:
    offers = find_offers(session, "housing", "Neukölln", language="ar")
    assert "ar" in offers[0].languages
    assert offers[-1].languages  # the others are still listed


def test_find_offers_rejects_unknown_topics(session) -> None:
    with pytest.raises(ValueError):
        find_offers(session, "weather", "Lörrach")


def test_every_topic_is_covered_in_every_demo_place(session) -> None:
    from lotse.models import TOPICS
    from lotse.places import known_places

    for place in known_places(session):
        for topic in TOPICS:
            assert find_offers(session, topic, place), (topic, place)


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
    ],
)
def test_places_in_other_scripts_and_short_forms(session, text: str, expected: str) -> None:
    assert resolve_place(session, text)[0] == expected


@pytest.mark.parametrize("text", ["mitten in der Nacht", "ich brauche Hilfe, weil ich krank bin"])
def test_common_words_are_not_places(session, text: str) -> None:
    assert resolve_place(session, text) == []


def test_a_place_added_to_the_database_is_found_at_once(session) -> None:
    from lotse.models import Offer, PlaceAlias

    session.add(
        Offer(
            external_id="new-1",
            topic="work",
            municipality="Kandern",
            name="Jobcenter",
            address="",
            phone="",
            opening_hours="",
            languages=["de"],
        )
    )
    session.add(PlaceAlias(place="Kandern", alias="Кандерн"))
    session.flush()
    assert resolve_place(session, "Arbeit in kandern") == ["Kandern"]
    assert resolve_place(session, "робота в Кандерні") == ["Kandern"]
    session.rollback()
