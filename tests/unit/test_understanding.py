"""Understanding within the conversation: facts stated in passing, asking instead of guessing,
one-tap correction into the review queue, and the look-alikes the emergency net must not take."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.slots import ValidateSlotMappings
from actions.understanding import ActionOfferCorrection, ActionSuggestTopics
from lotse.db import session_scope
from lotse.facts import age_group, find_age, find_residence_status
from lotse.insights import QuestionLog, mask, review_queue
from lotse.safety import find_phrase, load_phrases

PHRASES = load_phrases()


@pytest.mark.parametrize(
    ("text", "status"),
    [
        (
            "I'm from Ukraine, I have temporary protection, I'm looking for work in Mitte",
            "temporary_protection",
        ),
        ("hab §24 und suche Wohnung", "temporary_protection"),
        ("маю тимчасовий захист, шукаю роботу", "temporary_protection"),
        ("у меня параграф 24", "temporary_protection"),
        ("ich habe eine Duldung, darf ich arbeiten", "tolerated"),
        ("عندي إقامة دائمة وبدي شغل", "settled"),
        ("دولدونگ دارم", "tolerated"),
        ("j'ai le statut de réfugié", "protection_status"),
        ("mavi kart ile çalışıyorum", "work_or_study_permit"),
        ("Aufenthaltsgestattung, wo lerne ich Deutsch", "asylum_seeker"),
        ("ich suche eine Wohnung in Lörrach", None),
        ("Duldung oder Aufenthaltsgestattung, was ist besser", None),  # two named: not a statement
    ],
)
def test_a_residence_status_is_found_in_any_of_the_languages(text: str, status: str | None) -> None:
    assert find_residence_status(text) == status


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("ich bin 17 und suche eine Ausbildung", 17),
        ("I'm 24 years old", 24),
        ("мені 17 років", 17),
        ("мне 30 лет", 30),
        ("17 yaşındayım", 17),
        ("j'ai 19 ans", 19),
        ("عمري 16 سنة", 16),
        ("mein Sohn ist 5 Jahre alt", None),  # a child's age
        ("ich wohne seit 3 Jahren in Berlin", None),  # years in Germany
        ("ich bin 30 Minuten zu spät", None),
    ],
)
def test_only_the_persons_own_age_is_taken(text: str, age: int | None) -> None:
    assert find_age(text) == age


def test_an_age_falls_into_the_offer_age_groups() -> None:
    assert [age_group(a) for a in (17, 18, 26, 27)] == ["under_18", "18_26", "18_26", "27_plus"]


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to live in this camp any more, how do I get a flat",
        "je ne veux plus vivre dans ce camp",
        "не хочу больше жить в общежитии",
        "bu kampta artık yaşamak istemiyorum",
    ],
)
def test_not_wanting_to_live_somewhere_is_a_housing_question(text: str) -> None:
    assert find_phrase(text, PHRASES) is None


@pytest.mark.parametrize(
    "text", ["I don't want to live anymore", "je ne veux plus vivre", "не хочу больше жить"]
)
def test_not_wanting_to_live_is_still_an_emergency(text: str) -> None:
    assert find_phrase(text, PHRASES) is not None


def test_a_look_alike_does_not_hide_a_danger_beside_it() -> None:
    text = "I don't want to live in this camp, someone is threatening me with a knife"
    assert find_phrase(text, PHRASES) is not None


def test_numbers_and_addresses_are_masked_before_storing() -> None:
    text = "ruf mich an: 0176 1234 5678 oder max@example.org, B1-Kurs, §24, 3 Kinder"
    assert mask(text) == "ruf mich an: [number] oder [email], B1-Kurs, §24, 3 Kinder"


def tracker(
    text: str = "", intent: str = "ask_work", ranking=None, slots=None, events=None
) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "tg:42",
            "slots": {"language": "en", "correcting": None, **(slots or {})},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 0.5},
                "intent_ranking": ranking or [],
                "entities": [],
                "metadata": {},
            },
            "events": events or [],
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


DOMAIN: dict[str, Any] = {
    "slots": {"correcting": {"type": "text", "mappings": [{"type": "custom"}]}},
    "forms": {},
}


async def test_unsure_lotse_offers_the_likely_topics() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.7},
        {"name": "ask_work", "confidence": 0.45},
        {"name": "greet", "confidence": 0.2},
        {"name": "ask_language_course", "confidence": 0.3},
        {"name": "ask_health", "confidence": 0.01},
    ]
    dispatcher = CollectingDispatcher()
    await ActionSuggestTopics().run(dispatcher, tracker(ranking=ranking), DOMAIN)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_did_you_mean"
    assert [b["payload"] for b in message["buttons"]] == [
        "/ask_work",
        "/ask_language_course",
        "/request_callback",
    ]
    assert message["buttons"][0]["title"] == "💼 Work"


async def test_with_no_likely_topic_lotse_shows_all_topics() -> None:
    dispatcher = CollectingDispatcher()
    ranking = [{"name": "nlu_fallback", "confidence": 0.7}, {"name": "greet", "confidence": 0.3}]
    await ActionSuggestTopics().run(dispatcher, tracker(ranking=ranking), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_ask_rephrase"


def user_event(text: str, intent: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


async def test_not_what_i_meant_keeps_the_misread_message() -> None:
    events = [
        user_event("where can I learn German in Berlin, call 0176 12345678", "ask_work"),
        user_event("/correct_topic", "correct_topic"),
    ]
    dispatcher = CollectingDispatcher()
    result = await ActionOfferCorrection().run(
        dispatcher, tracker("/correct_topic", "correct_topic", events=events), DOMAIN
    )
    assert dispatcher.messages[0]["response"] == "utter_which_topic_instead"
    assert SlotSet("correcting", "where can I learn German in Berlin, call 0176 12345678") in result


async def test_the_topic_pressed_next_labels_the_message_in_the_review_queue(db) -> None:
    misread = "where can I learn German in Berlin, call 0176 12345678"
    t = tracker("/ask_language_course", "ask_language_course", slots={"correcting": misread})
    result = await ValidateSlotMappings().extract_correcting(CollectingDispatcher(), t, DOMAIN)
    assert result == {"correcting": None}
    with session_scope(db) as session:
        (row,) = session.scalars(select(QuestionLog).where(QuestionLog.intent == "correction"))
        assert (row.text, row.label, row.language) == (
            "where can I learn German in Berlin, call [number]",
            "ask_language_course",
            "en",
        )
        assert row in review_queue(session)


async def test_a_typed_message_after_the_correction_drops_it(db) -> None:
    t = tracker("I need a doctor", "ask_health", slots={"correcting": "some misread text"})
    result = await ValidateSlotMappings().extract_correcting(CollectingDispatcher(), t, DOMAIN)
    assert result == {"correcting": None}
    with session_scope(db) as session:
        stored = session.scalars(select(QuestionLog.text).where(QuestionLog.intent == "correction"))
        assert "some misread text" not in list(stored)


async def test_an_unsure_reading_of_danger_puts_the_numbers_before_the_answer(db) -> None:
    """nlu/safety_net.py marks `possible_danger` (Rasa's unsure emergency reading or the danger
    model's, session 12): the emergency numbers come first, the answer still follows."""
    unsure = tracker("my brother gave me his watch and says goodbye", "ask_work")
    unsure.latest_message["possible_danger"] = True
    dispatcher = CollectingDispatcher()
    await ValidateSlotMappings().run(dispatcher, unsure, DOMAIN)
    first = dispatcher.messages[0]
    assert (
        first["text"]
        == "If you are in danger right now: police 110, ambulance and fire brigade 112."
    )
    assert first["buttons"] == [{"title": "🆘 I need help now", "payload": "/emergency"}]

    calm = CollectingDispatcher()
    await ValidateSlotMappings().run(calm, tracker("I need a job in Mitte", "ask_work"), DOMAIN)
    assert not [m for m in calm.messages if m.get("text")]


async def test_the_unsure_line_speaks_the_language_of_a_first_message(db) -> None:
    """Rasa would fill a response by the slots before this action: German (the slot's initial
    value) for a new user."""
    unsure = tracker(
        "mon ami m'a écrit adieu et ne répond plus", "nlu_fallback", slots={"language": "de"}
    )
    unsure.latest_message["possible_danger"] = True
    unsure.latest_message["language"] = {"code": "fr", "reliable": True}
    dispatcher = CollectingDispatcher()
    language_slot = {"language": {"type": "categorical", "mappings": [{"type": "custom"}]}}
    domain = {**DOMAIN, "slots": {**DOMAIN["slots"], **language_slot}}
    await ValidateSlotMappings().run(dispatcher, unsure, domain)
    assert dispatcher.messages[0]["text"].startswith("Si vous êtes en danger en ce moment")
    assert dispatcher.messages[0]["buttons"][0]["title"] == "🆘 J’ai besoin d’aide maintenant"


def compiled_responses() -> dict[str, list[dict[str, Any]]]:
    from nlu.responses import compile_domain, load_sources

    return compile_domain(load_sources())["responses"]


def payloads(variation: dict[str, Any]) -> list[str]:
    return [b["payload"] for b in variation.get("buttons") or []]


def test_the_emergency_answer_can_be_corrected_like_any_answer() -> None:
    variations = compiled_responses()["utter_emergency"]
    assert all(payloads(v) == ["/request_callback", "/correct_topic"] for v in variations)


async def test_a_false_alarm_corrected_goes_to_the_review_queue_with_its_topic(db) -> None:
    """Read as an emergency, meant as a housing question: "Not what I meant" under the emergency
    answer keeps the message, and the topic pressed next labels it for the review queue."""
    misread = "I don't want to live in this camp any more, it kills me"
    events = [
        user_event("I need a flat in Lörrach", "ask_housing"),
        user_event(misread, "emergency"),
        user_event("/correct_topic", "correct_topic"),
    ]
    dispatcher = CollectingDispatcher()
    result = await ActionOfferCorrection().run(
        dispatcher, tracker("/correct_topic", "correct_topic", events=events), DOMAIN
    )
    assert SlotSet("correcting", misread) in result

    t = tracker("/ask_housing", "ask_housing", slots={"correcting": misread})
    await ValidateSlotMappings().extract_correcting(CollectingDispatcher(), t, DOMAIN)
    with session_scope(db) as session:
        labels = session.scalars(select(QuestionLog.label).where(QuestionLog.text == misread))
        assert list(labels) == ["ask_housing"]
