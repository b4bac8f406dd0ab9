"""The community topic (issue 19): meeting people, volunteers, clubs, language cafés."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.slots import INTENT_TOPICS, ValidateSlotMappings
from lotse import LANGUAGES
from lotse.catalogue.offers import OfferQuery, find_offers
from lotse.catalogue.taxonomy import match_subtopic, subtopics
from lotse.i18n import section
from lotse.models import TOPICS
from tests.unit.test_actions import run, tracker

LOERRACH_QUESTION = (
    "Gibt es in Lörrach Ehrenamtliche oder einen Verein, wo ich Leute kennenlernen kann?"
)


def test_community_is_a_topic_with_its_intent_and_subtopics() -> None:
    assert "community" in TOPICS
    assert INTENT_TOPICS["ask_community"] == "community"
    assert set(subtopics("community")) == {"volunteering", "meeting_place", "clubs"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_topic_has_a_button_title_in_every_language(lang: str) -> None:
    assert section(lang, "lotse_topics")["community"].startswith("🤝")


@pytest.mark.parametrize(
    ("text", "subtopic"),
    [
        ("Ich möchte mich ehrenamtlich engagieren", "volunteering"),
        ("шукаю мовне кафе в Берліні", "meeting_place"),
        ("Ich suche einen Sportverein für meinen Sohn", "clubs"),
        ("je cherche un parrain ou une marraine", "volunteering"),
        ("أبحث عن مقهى اللغة في لوراخ", "meeting_place"),
        ("Spandau'da bir futbol kulübü var mı", "clubs"),
        ("Ich suche eine Wohnung", None),
    ],
)
def test_subtopics_are_found_by_keyword(text: str, subtopic: str | None) -> None:
    assert match_subtopic(text, "community") == subtopic


@pytest.mark.parametrize(
    "place", ["Lörrach", "Schopfheim", "Grenzach-Wyhlen", "Neukölln", "Pankow"]
)
def test_community_offers_exist_in_both_demo_regions(session, place: str) -> None:
    offers = find_offers(session, OfferQuery(topic="community", place=place)).offers
    assert offers
    assert all(o.service.topic == "community" for o in offers)


def test_the_loerrach_question_gets_volunteers_and_meeting_places(session) -> None:
    subtopic = match_subtopic(LOERRACH_QUESTION, "community")
    offers = find_offers(
        session, OfferQuery(topic="community", place="Lörrach", subtopic=subtopic)
    ).offers
    names = " ".join(o.service.name for o in offers)
    assert "Mehrgenerationenhaus Lörrach" in names or "Sprachcafé Lörrach" in names
    everything = find_offers(session, OfferQuery(topic="community", place="Lörrach")).offers
    all_names = " ".join(o.service.name for o in everything)
    for expected in ("Freundeskreis Asyl Lörrach", "Integration durch Sport", "Sprachcafé"):
        assert expected in all_names


async def test_a_community_question_sets_the_topic_and_subtopic(db) -> None:
    t = tracker(text=LOERRACH_QUESTION, intent="ask_community")
    _, events = await run(ValidateSlotMappings(), t)
    assert SlotSet("topic", "community") in events
    assert SlotSet("subtopic", "meeting_place") in events
