"""Global slot mappings, applied after every user message (Rasa's action_validate_slot_mappings)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.common import in_session, message_metadata, tracker_language
from lotse import LANGUAGES, insights
from lotse.catalogue.places import find_places, region_of
from lotse.catalogue.taxonomy import match_subtopic
from lotse.conversations import reply_language
from lotse.i18n import section
from lotse.protocol import GATEWAY_PAYLOAD_KEY
from lotse.text import fold

log = logging.getLogger(__name__)

logging.getLogger("rasa_sdk.forms").setLevel(logging.ERROR)
"""rasa-sdk's form and slot validation warns "Skipping validation for `topic`: there is no
validation method specified" for every extracted slot without a validate_ method, on every call:
the global mappings here extract without validating, and the forms validate only what needs it,
so it was four log lines per turn (and ~9 % of the action server's CPU: formatting, the write to
the log pipe). It is the only warning that module logs (rasa-sdk 3.21)."""

INTENT_TOPICS = {
    "ask_housing": "housing",
    "ask_work": "work",
    "ask_education": "education",
    "ask_language_course": "language_course",
    "ask_authorities": "authorities",
    "ask_health": "health",
    "ask_community": "community",
}


FREE_TEXT_SLOTS = {"acc_address", "acc_time"}
"""Form slots answered with names, addresses or numbers ("Jobcenter Lörrach, Brombacher Straße
2"): such an answer says nothing about the person's language and never changes it."""


def answers_free_text(tracker: Tracker) -> bool:
    return tracker.get_slot("requested_slot") in FREE_TEXT_SLOTS


def message_language(tracker: Tracker) -> str | None:
    """The latest message's language, if nlu/language_id.py could tell it reliably."""
    detected = (tracker.latest_message or {}).get("language") or {}
    code = detected.get("code")
    return code if detected.get("reliable") and code in LANGUAGES else None


def asking_for_location(tracker: Tracker) -> bool:
    return (
        bool(tracker.active_loop.get("name")) and tracker.get_slot("requested_slot") == "location"
    )


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def is_new_question(text: str, names_a_place: bool) -> bool:
    """While Lotse asks for the place, a bare word ("Atlantis", "Lörrach") is an answer to that
    question even if the classifier reads a topic into it; a new question has several words and
    names no known place."""
    return len(text.split()) >= 2 and not names_a_place


CORRECTION_SLOT = "correcting"
"""The message Lotse misread, after "Not what I meant" (actions/understanding.py)."""

MIN_WORDS_BESIDE_PLACE = (
    4  # "Ich suche eine Wohnung in Lörrach" switches; "ich wohne in Lörrach" not
)
MIN_SWITCH_CONFIDENCE = 0.6


def intent_confidence(tracker: Tracker) -> float:
    return float(((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0)


async def is_topic_switch(text: str, confidence: float = 1.0) -> bool:
    """While Lotse asks for the place: a new question (several words, no place), or a whole
    question that also names the place, clearly classified."""
    if len(text.split()) < 2:
        return False

    def place_words(session: object) -> int:
        matches = find_places(session, text)  # type: ignore[arg-type]
        return max((m.length for m in matches), default=0)

    in_place = await in_session(place_words)
    if not in_place:
        return is_new_question(text, names_a_place=False)
    beside = len(fold(text).split()) - in_place
    return beside >= MIN_WORDS_BESIDE_PLACE and confidence >= MIN_SWITCH_CONFIDENCE


class ValidateSlotMappings(ValidationAction):
    """Sets `language` by the reply-language rule and `topic` from the intent."""

    def domain_slots(self, domain: DomainDict) -> list[str]:
        """Every slot with a custom mapping. rasa-sdk leaves out slots that also have a mapping
        conditioned on a form (`topic` is filled by the booking form's buttons too), but the
        topic must still follow every topic question."""
        slots = domain.get("slots", {})
        custom = [
            name
            for name, spec in slots.items()
            if any(m.get("type") == "custom" for m in spec.get("mappings", []))
        ]
        return list(dict.fromkeys([*super().domain_slots(domain), *custom]))

    async def extract_detected_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        code = None if answers_free_text(tracker) else message_language(tracker)
        return {"detected_language": code} if code else {}

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Also tells the gateway the reply language, for the texts it sends itself."""
        metadata = message_metadata(tracker)
        if not metadata:  # e.g. a message injected through Rasa's HTTP API: no gateway facts
            code = message_language(tracker)
            return {"language": code} if code and code != tracker.get_slot("language") else {}
        said = None if answers_free_text(tracker) else message_language(tracker)
        language = reply_language(
            metadata.get("chosen_language"),
            said or tracker.get_slot("detected_language"),
            metadata.get("language_code"),
        )
        # and the intent read, for the gateway's metrics (turns by intent, asked back)
        facts = {"language": language, "intent": latest_intent(tracker)}
        dispatcher.utter_message(json_message={GATEWAY_PAYLOAD_KEY: facts})
        if language == tracker.get_slot("language"):
            return {}
        return {"language": language}

    async def extract_topic(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        topic = INTENT_TOPICS.get(latest_intent(tracker) or "")
        if topic is None or topic == tracker.get_slot("topic"):
            return {}
        text = (tracker.latest_message or {}).get("text") or ""
        if asking_for_location(tracker) and not await is_topic_switch(
            text, intent_confidence(tracker)
        ):
            return {}
        return {"topic": topic}

    async def extract_subtopic(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Kita, recognition of qualifications …: found by keywords in a topic question."""
        topic = INTENT_TOPICS.get(latest_intent(tracker) or "")
        if topic is None:
            return {}
        text = (tracker.latest_message or {}).get("text") or ""
        if asking_for_location(tracker) and not await is_topic_switch(
            text, intent_confidence(tracker)
        ):
            return {}
        subtopic = match_subtopic(text, topic)
        return {} if subtopic == tracker.get_slot("subtopic") else {"subtopic": subtopic}

    async def extract_correcting(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """After "Not what I meant", the topic button pressed next is the right label: the
        misread message goes to the review queue with it. Anything else drops the correction."""
        original = tracker.get_slot(CORRECTION_SLOT)
        if not original:
            return {}
        text = (tracker.latest_message or {}).get("text") or ""
        intent = latest_intent(tracker)
        if text.startswith("/") and intent in INTENT_TOPICS:
            language = tracker.get_slot("language") or ""
            try:
                await in_session(
                    lambda s: insights.record_correction(
                        s,
                        text=str(original),
                        label=str(intent),
                        language=language,
                        conversation_id=tracker.sender_id,
                    )
                )
            except Exception:  # the review queue must never cost an answer
                log.exception("could not record a correction")
        return {CORRECTION_SLOT: None}

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = await super().run(dispatcher, tracker, domain)
        if (tracker.latest_message or {}).get("possible_danger"):
            # an unsure reading of danger (nlu/safety_net.py): the numbers first, then the answer
            dispatcher.messages.insert(0, danger_hint(_language_after(tracker, events)))
        try:
            await in_session(lambda session: _log_question(session, tracker, events))
        except Exception:  # statistics must never cost an answer
            log.exception("could not log the question")
        return events


def danger_hint(language: str) -> dict[str, Any]:
    """The line of emergency numbers before an unsure answer, with one tap to the whole emergency
    answer. Written here, not by name from the domain: Rasa fills a response by the slots as
    they were before this action, so a first message (or one in a new language) got it in
    German."""
    line = section(language, "lotse_responses")["utter_danger_hint"][0]["text"]
    button = {"title": section(language, "lotse_buttons")["emergency"], "payload": "/emergency"}
    rendered = CollectingDispatcher()
    rendered.utter_message(text=line, buttons=[button])
    return rendered.messages[0]


def _language_after(tracker: Tracker, events: list[dict[str, Any]]) -> str:
    """The reply language once this action's slot events apply."""
    chosen = [
        e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == "language"
    ]
    return chosen[-1] if chosen and chosen[-1] in LANGUAGES else tracker_language(tracker)


def _log_question(session: Any, tracker: Tracker, events: list[dict[str, Any]]) -> None:
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    set_now = {e.get("name"): e.get("value") for e in events if e.get("event") == "slot"}
    topic = set_now.get("topic", tracker.get_slot("topic")) or ""
    place = tracker.get_slot("location")
    insights.record(
        session,
        text=message.get("text") or "",
        intent=intent.get("name") or "",
        confidence=float(intent.get("confidence") or 0.0),
        language=set_now.get("language", tracker.get_slot("language")) or "",
        topic=topic if INTENT_TOPICS.get(intent.get("name") or "") else "",
        region=region_of(session, place),
        conversation_id=tracker.sender_id,
    )
