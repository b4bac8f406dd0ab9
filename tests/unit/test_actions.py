"""Action tests as in Rasa's reference assistants: Tracker.from_dict + CollectingDispatcher."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.offers import ActionFindOffers, ValidateOfferForm
from actions.slots import ValidateSlotMappings

DOMAIN: dict[str, Any] = {
    "slots": {
        "language": {"type": "categorical", "mappings": [{"type": "custom"}]},
        "detected_language": {"type": "categorical", "mappings": [{"type": "custom"}]},
        "topic": {"type": "categorical", "mappings": [{"type": "custom"}]},
        "location": {"type": "text", "mappings": []},
    },
    "forms": {"offer_form": {"required_slots": ["location"]}},
}


def tracker(
    slots: dict[str, Any] | None = None,
    text: str = "",
    metadata=None,
    intent: str = "ask_housing",
    active_loop: str | None = None,
) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "tg:42",
            "slots": {
                "language": "de",
                "detected_language": None,
                "topic": None,
                "location": None,
                **(slots or {}),
            },
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 0.9},
                "entities": [],
                "metadata": metadata or {},
            },
            "events": [],
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


async def run(action, t: Tracker) -> tuple[CollectingDispatcher, list]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, DOMAIN)
    return dispatcher, events


async def test_find_offers_answers_with_cards_from_the_database(db) -> None:
    dispatcher, events = await run(
        ActionFindOffers(), tracker({"topic": "housing", "location": "Lörrach"})
    )
    responses = [m["response"] for m in dispatcher.messages]
    assert responses[0] == "utter_offers_found"
    assert responses.count("utter_offer_card") == 2  # both demo housing offers in Lörrach
    card = dispatcher.messages[1]
    assert card["name"] == "Fachstelle Wohnen der Stadt Lörrach"
    assert card["phone"].startswith("+49 7621")
    assert "Deutsch" in card["languages"]
    assert events == []


async def test_find_offers_caps_at_three_cards(db, session) -> None:
    from lotse.models import Offer

    for i in range(4):
        session.add(
            Offer(
                external_id=f"extra-{i}",
                topic="health",
                municipality="Schopfheim",
                name=f"Praxis {i}",
                address="",
                phone="",
                opening_hours="",
                languages=["de"],
            )
        )
    session.commit()
    dispatcher, _ = await run(
        ActionFindOffers(), tracker({"topic": "health", "location": "Schopfheim"})
    )
    assert [m["response"] for m in dispatcher.messages].count("utter_offer_card") == 3


async def test_find_offers_without_offers_says_so(db) -> None:
    dispatcher, _ = await run(
        ActionFindOffers(), tracker({"topic": "housing", "location": "Atlantis"})
    )
    assert dispatcher.messages[0]["response"] == "utter_no_offers"
    assert dispatcher.messages[0]["location"] == "Atlantis"


async def test_find_offers_without_a_topic_asks_for_one(db) -> None:
    dispatcher, _ = await run(ActionFindOffers(), tracker({"location": "Lörrach"}))
    assert dispatcher.messages[0]["response"] == "utter_which_topic"


@pytest.mark.parametrize(
    ("value", "text", "expected"),
    [
        ("loerrach", "wohnung in loerrach", "Lörrach"),
        ("ich wohne in Weil am Rhein", "ich wohne in Weil am Rhein", "Weil am Rhein"),
        (["Berlin", "Neukölln"], "Berlin Neukölln", "Neukölln"),
    ],
)
async def test_form_resolves_places_against_the_catalogue(db, value, text, expected) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateOfferForm().validate_location(
        value, dispatcher, tracker(text=text, active_loop="offer_form"), DOMAIN
    )
    assert result == {"location": expected}
    assert dispatcher.messages == []


async def test_form_rejects_unknown_places_and_says_which(db) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateOfferForm().validate_location(
        "Hamburg", dispatcher, tracker(text="Hamburg"), DOMAIN
    )
    assert result == {"location": None}
    assert dispatcher.messages[0]["response"] == "utter_place_unknown"
    assert dispatcher.messages[0]["place"] == "Hamburg"


def detection(code: str, reliable: bool = True) -> dict:
    return {"code": code, "confidence": 0.9, "reliable": reliable, "words": 5}


def language_events(events: list) -> list:
    chosen = [e for e in events if e.get("name") in ("language", "detected_language")]
    return sorted(chosen, key=lambda e: e["name"])


@pytest.mark.parametrize(
    ("metadata", "detected", "slots", "expected"),
    [
        # explicit choice beats everything
        (
            {"chosen_language": "uk", "language_code": "de"},
            detection("ar"),
            {},
            [SlotSet("detected_language", "ar"), SlotSet("language", "uk")],
        ),
        # the message's language beats the app language
        (
            {"chosen_language": None, "language_code": "de"},
            detection("ar"),
            {},
            [SlotSet("detected_language", "ar"), SlotSet("language", "ar")],
        ),
        # an unreliable detection ("ok") keeps the last reliable one
        (
            {"chosen_language": None, "language_code": "de"},
            detection("en", reliable=False),
            {"language": "uk", "detected_language": "uk"},
            [],
        ),
        # nothing detected yet: the app language, then German
        ({"chosen_language": None, "language_code": "en"}, None, {}, [SlotSet("language", "en")]),
        (
            {"chosen_language": None, "language_code": "zz"},
            None,
            {"language": "en"},
            [SlotSet("language", "de")],
        ),
        # no gateway metadata (Rasa's HTTP API): only a reliable detection changes anything
        ({}, None, {"language": "fr"}, []),
    ],
)
async def test_language_slot_follows_the_rule(db, metadata, detected, slots, expected) -> None:
    t = tracker({"language": "de", **slots}, metadata=metadata, intent="greet")
    if detected:
        t.latest_message["language"] = detected
    dispatcher, events = await run(ValidateSlotMappings(), t)
    assert language_events(events) == expected
    if metadata:  # the gateway learns the reply language of every turn
        (payload,) = [m["custom"] for m in dispatcher.messages if m.get("custom")]
        assert payload["lotse"]["language"] in ("uk", "ar", "en", "de")


def asking_for_place(text: str, intent: str) -> Tracker:
    return tracker(
        {"topic": "language_course", "requested_slot": "location"},
        text=text,
        intent=intent,
        active_loop="offer_form",
    )


async def test_topic_follows_a_topic_question(db) -> None:
    _, events = await run(ValidateSlotMappings(), tracker(text="Wohnung?", intent="ask_housing"))
    assert events == [SlotSet("topic", "housing")]


@pytest.mark.parametrize("text", ["Atlantis", "Lörrach", "in Lörrach bitte"])
async def test_a_place_answer_never_changes_the_topic(db, text) -> None:
    """While Lotse asks for the place, a misread place name keeps the topic."""
    _, events = await run(ValidateSlotMappings(), asking_for_place(text, "ask_authorities"))
    assert events == []


async def test_a_new_question_while_asked_for_the_place_changes_the_topic(db) -> None:
    t = asking_for_place("eigentlich suche ich Arbeit", "ask_work")
    _, events = await run(ValidateSlotMappings(), t)
    assert events == [SlotSet("topic", "work")]
    dispatcher = CollectingDispatcher()
    result = await ValidateOfferForm().validate_location(
        t.latest_message["text"], dispatcher, t, DOMAIN
    )
    assert result == {"location": None}
    assert dispatcher.messages == []  # no "I don't know the place 'eigentlich suche ...'"


async def test_cards_in_arabic_isolate_latin_values(db) -> None:
    """Right-to-left replies keep phone numbers, times and Latin names in their own order."""
    dispatcher, _ = await run(
        ActionFindOffers(),
        tracker({"topic": "housing", "location": "Neukölln", "language": "ar"}),
    )
    intro, card = dispatcher.messages[0], dispatcher.messages[1]
    assert intro["location"] == "\u2068Neukölln\u2069"
    assert card["phone"].startswith("\u2068+49 30") and card["phone"].endswith("\u2069")
    assert "العربية" in card["languages"]  # Arabic-speaking offers come first


async def test_cards_in_german_are_not_isolated(db) -> None:
    dispatcher, _ = await run(
        ActionFindOffers(), tracker({"topic": "housing", "location": "Neukölln"})
    )
    assert "\u2068" not in dispatcher.messages[1]["phone"]
