"""Action tests as in Rasa's reference assistants: Tracker.from_dict + CollectingDispatcher."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.offers import ValidateOfferForm
from actions.slots import ValidateSlotMappings

DOMAIN: dict[str, Any] = {
    "slots": {
        "language": {"type": "categorical", "mappings": [{"type": "custom"}]},
        "detected_language": {"type": "categorical", "mappings": [{"type": "custom"}]},
        "topic": {
            "type": "categorical",
            "mappings": [
                {"type": "custom"},
                {
                    "type": "from_entity",
                    "entity": "topic",
                    "conditions": [{"active_loop": "callback_form"}],
                },
            ],
        },
        "subtopic": {"type": "text", "mappings": [{"type": "custom"}]},
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


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Ich suche eine Wohnung in Lörrach", "ask_housing"),
        ("I need a job in Neukölln now", "ask_work"),
    ],
)
async def test_a_whole_new_question_naming_a_place_changes_the_topic(db, text, intent) -> None:
    _, events = await run(ValidateSlotMappings(), asking_for_place(text, intent))
    assert SlotSet("topic", {"ask_housing": "housing", "ask_work": "work"}[intent]) in events


async def test_a_new_question_while_asked_for_the_place_changes_the_topic(db) -> None:
    t = asking_for_place("eigentlich suche ich Arbeit", "ask_work")
    _, events = await run(ValidateSlotMappings(), t)
    assert events == [SlotSet("topic", "work")]
    dispatcher = CollectingDispatcher()
    result = await ValidateOfferForm().validate_location(
        t.latest_message["text"], dispatcher, t, DOMAIN
    )
    assert result == {"location": None, "place_prompt": None}  # no "unknown place" prompt
    assert dispatcher.messages == []


async def test_extracting_slots_logs_no_warning_per_slot(db, caplog) -> None:
    """rasa-sdk warned once per extracted slot without a validate_ method, on every turn (issue
    15: four log lines per turn, ~9 % of the action server's CPU); the slots are still set."""
    t = tracker(
        text="Ich suche eine Wohnung",
        metadata={"chosen_language": "uk", "language_code": "de"},
        intent="ask_housing",
    )
    t.latest_message["language"] = detection("de")
    with caplog.at_level("WARNING"):
        _, events = await run(ValidateSlotMappings(), t)
    assert {e["name"] for e in events} >= {"language", "detected_language", "topic"}
    assert not [r for r in caplog.records if r.name.startswith("rasa_sdk")]
