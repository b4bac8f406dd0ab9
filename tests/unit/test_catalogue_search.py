"""Search on a small hand-made catalogue: eligibility, nesting, ranking, places across scripts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from lotse.catalogue.offers import OfferQuery, find_offers, general_counselling, questions_to_ask
from lotse.catalogue.places import area_chain, covered_regions, nearest_place, resolve_place
from lotse.catalogue.schedule import BERLIN
from lotse.db import session_scope

TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=BERLIN)


@pytest.fixture()
def s(small_url: str) -> Iterator:
    with session_scope(small_url) as session:
        yield session


def ids(session, **query) -> list[str]:
    query.setdefault("now", TUESDAY_MORNING)
    return [o.service.id for o in find_offers(session, OfferQuery(**query)).offers]


# -- eligibility ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("temporary_protection", {"loe-jobcenter", "loe-iq"}),
        ("protection_status", {"loe-jobcenter", "loe-iq"}),
        ("asylum_seeker", {"loe-agentur", "loe-iq"}),
        ("tolerated", {"loe-agentur", "loe-iq"}),
        ("eu_citizen", {"loe-jobcenter", "loe-agentur", "loe-iq"}),
        ("unknown", {"loe-jobcenter", "loe-agentur", "loe-iq"}),
    ],
)
def test_same_question_different_status_different_offers(s, status: str, expected: set) -> None:
    assert set(ids(s, topic="work", place="Lörrach", residence_status=status)) == expected


def test_residence_status_is_asked_only_when_it_matters(s) -> None:
    work = find_offers(s, OfferQuery(topic="work", place="Lörrach"))
    assert work.ask_residence_status and not work.ask_age
    housing = find_offers(s, OfferQuery(topic="housing", place="Lörrach"))
    assert not housing.ask_residence_status and not housing.ask_age
    answered = find_offers(
        s, OfferQuery(topic="work", place="Lörrach", residence_status="tolerated")
    )
    assert not answered.ask_residence_status


@pytest.mark.parametrize(
    "query",
    [
        {"topic": "work", "place": "Lörrach"},
        {"topic": "work", "place": "Lörrach", "residence_status": "tolerated"},
        {"topic": "housing", "place": "Lörrach"},
        {"topic": "general", "place": "Lörrach", "residence_status": "settled"},
        {"topic": "general", "place": "Lörrach", "age_group": "18_26"},
        {"topic": "work", "place": "Atlantis"},
    ],
)
def test_questions_to_ask_agrees_with_the_full_search(s, query: dict) -> None:
    """The dialogue decides what to ask with the light query; it must match the search."""
    full, light = find_offers(s, OfferQuery(**query)), questions_to_ask(s, OfferQuery(**query))
    assert (light.ask_residence_status, light.ask_age, light.place_known) == (
        full.ask_residence_status,
        full.ask_age,
        full.place_known,
    )


def test_age_is_asked_when_offers_differ_by_age_and_filters(s) -> None:
    general = find_offers(
        s, OfferQuery(topic="general", place="Lörrach", residence_status="settled")
    )
    assert general.ask_age
    young = ids(s, topic="general", place="Lörrach", residence_status="settled", age_group="18_26")
    older = ids(
        s, topic="general", place="Lörrach", residence_status="settled", age_group="27_plus"
    )
    assert young == ["loe-jmd"] and older == ["loe-mbe"]
    # a tolerated person of 30 is eligible for neither: general counselling is empty, never wrong
    assert (
        ids(s, topic="general", place="Lörrach", residence_status="tolerated", age_group="27_plus")
        == []
    )


# -- nesting and ranking --------------------------------------------------------------------------
def test_areas_nest_municipality_district_state(s) -> None:
    assert [a.name for a in area_chain(s, "Lörrach")] == [
        "Lörrach",
        "Landkreis Lörrach",
        "Baden-Württemberg",
    ]
    assert [a.name for a in area_chain(s, "Neukölln")] == ["Neukölln", "Berlin"]
    # the state-wide recognition counselling serves Schopfheim too
    assert "loe-iq" in ids(s, topic="work", place="Schopfheim", residence_status="unknown")


def test_nearest_area_first_then_language_then_open_soonest(s) -> None:
    # Lörrach's own housing office (German only) before the district's Arabic-speaking one
    assert ids(s, topic="housing", place="Lörrach", language="ar") == [
        "loe-housing-local",
        "loe-housing-district",
    ]
    # within Neukölln the Arabic-speaking offer first, then Berlin-wide ones, open ones first
    assert ids(s, topic="housing", place="Neukölln", language="ar") == [
        "nk-housing-ar",
        "nk-housing-de",
        "ber-housing",
        "ber-closed",
    ]
    assert ids(s, topic="housing", place="Neukölln", language="en")[0] == "nk-housing-de"


def test_subtopic_narrows_and_falls_back_to_the_topic(s) -> None:
    assert ids(s, topic="education", place="Lörrach", subtopic="kita") == ["loe-kita"]
    both = ids(s, topic="education", place="Lörrach", subtopic="vocational_training")
    assert set(both) == {"loe-kita", "loe-school"}


def test_general_counselling_is_the_fallback(s) -> None:
    query = OfferQuery(
        topic="language_course",
        place="Lörrach",
        residence_status="settled",
        age_group="27_plus",
        now=TUESDAY_MORNING,
    )
    assert find_offers(s, query).offers == []
    assert [o.service.id for o in general_counselling(s, query)] == ["loe-mbe"]


def test_unknown_place_is_reported(s) -> None:
    result = find_offers(s, OfferQuery(topic="housing", place="Hamburg"))
    assert not result.place_known and result.offers == []


def test_opening_is_computed_for_each_offer(s) -> None:
    offers = find_offers(
        s, OfferQuery(topic="housing", place="Lörrach", now=TUESDAY_MORNING)
    ).offers
    assert offers[0].opening.is_open  # Tuesday 9–12


# -- places -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich suche eine Wohnung in Lörrach", ["Lörrach"]),
        ("loerrach", ["Lörrach"]),
        ("Я живу в Леррахе", ["Lörrach"]),
        ("Лёррах", ["Lörrach"]),
        ("أعيش في لوراخ", ["Lörrach"]),
        ("Weil a. Rh.", ["Weil am Rhein"]),
        ("weil am rhein", ["Weil am Rhein"]),
        ("Schopfhiem", ["Schopfheim"]),  # one letter swapped
        ("Schopfeim", ["Schopfheim"]),  # one letter missing
        ("в Нойкельне", ["Neukölln"]),
        ("Kreis Lörrach", ["Landkreis Lörrach"]),  # the longer name wins over the town inside it
        ("Берлин", ["Berlin"]),
        ("Rheinfelden", ["Rheinfelden (Aargau)", "Rheinfelden (Baden)"]),  # ambiguous
    ],
)
def test_places_resolve_across_scripts_and_spellings(s, text: str, expected: list[str]) -> None:
    assert resolve_place(s, text) == expected


@pytest.mark.parametrize("text", ["", "Hamburg", "Wohnung", "Mitten", "<script>", "weil ich"])
def test_other_words_are_not_places(s, text: str) -> None:
    assert resolve_place(s, text) == []


def test_a_place_added_to_the_catalogue_is_known_at_once(small_url: str) -> None:
    from lotse.catalogue.hsds import Area, AreaAlias

    with session_scope(small_url) as s:
        assert resolve_place(s, "Kandern") == []
        district = s.query(Area).filter_by(name="Landkreis Lörrach").one()
        s.add(Area(name="Kandern", kind="municipality", parent_id=district.id))
    with session_scope(small_url) as s:
        assert resolve_place(s, "ich wohne in kandern") == ["Kandern"]
        area = s.query(Area).filter_by(name="Kandern").one()
        s.add(AreaAlias(area_id=area.id, alias="Кандерн"))
    with session_scope(small_url) as s:
        assert resolve_place(s, "Кандерн") == ["Kandern"]


def test_a_shared_location_resolves_to_the_nearest_municipality(s) -> None:
    assert nearest_place(s, 47.6140, 7.6650) == "Lörrach"
    assert nearest_place(s, 52.4410, 13.4520) == "Neukölln"
    assert nearest_place(s, 53.55, 9.99) is None  # Hamburg is outside the catalogue


def test_covered_regions_name_districts_and_city_states(s) -> None:
    assert covered_regions(s) == ["Baden-Württemberg", "Berlin", "Landkreis Lörrach"]
