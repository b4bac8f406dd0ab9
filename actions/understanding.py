"""Asking instead of guessing, and one-tap correction.

When the classifier is unsure or torn between two intents (FallbackClassifier → `nlu_fallback`),
Lotse offers the two or three likely topics as buttons rather than answer a question the person
did not ask. Under every offer answer, "Not what I meant" shows the topics; the topic pressed
then is answered at once (the place is kept), and the misread message goes, masked and with the
corrected label, to the admins' review queue (recorded in actions/slots.py). The emergency answer
carries the same button, so a false alarm costs a tap rather than the answer.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import tracker_language
from actions.slots import CORRECTION_SLOT, INTENT_TOPICS
from lotse.i18n import section

MAX_SUGGESTIONS = 3
MIN_SUGGESTION_CONFIDENCE = 0.05


def likely_topics(tracker: Tracker) -> list[str]:
    """The topic intents among the classifier's best guesses, most likely first."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    return [
        r["name"]
        for r in ranking
        if r.get("name") in INTENT_TOPICS
        and float(r.get("confidence") or 0) >= MIN_SUGGESTION_CONFIDENCE
    ][:MAX_SUGGESTIONS]


CORRECTABLE = {*INTENT_TOPICS, "emergency"}
"""What "Not what I meant" corrects: a topic answer, or the emergency answer (a false alarm)."""


def answered_question(tracker: Tracker) -> str | None:
    """The text of the last typed message that Lotse read as a topic question or an emergency."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        text = str(event.get("text") or "")
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if text and not text.startswith("/") and intent in CORRECTABLE:
            return text
    return None


class ActionSuggestTopics(Action):
    """Unsure: the likely topics as buttons (all topics when none is likely)."""

    def name(self) -> str:
        return "action_suggest_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        intents = likely_topics(tracker)
        if not intents:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        language = tracker_language(tracker)
        titles = section(language, "lotse_topics")
        buttons = [
            {"title": titles[INTENT_TOPICS[intent]], "payload": f"/{intent}"} for intent in intents
        ]
        buttons.append(
            {
                "title": section(language, "lotse_buttons")["callback"],
                "payload": "/request_callback",
            }
        )
        dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
        return []


class ActionOfferCorrection(Action):
    """ "Not what I meant": the topics, and the misread message kept for the review queue."""

    def name(self) -> str:
        return "action_offer_correction"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_which_topic_instead")
        return [SlotSet(CORRECTION_SLOT, answered_question(tracker)), SlotSet("subtopic", None)]
