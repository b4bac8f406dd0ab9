"""Topic + place → local offers from the catalogue."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import in_session, tracker_language
from actions.slots import INTENT_TOPICS, is_new_question, latest_intent
from lotse import LANGUAGE_NAMES
from lotse.models import TOPICS, Offer
from lotse.offers import find_offers
from lotse.places import resolve_place
from lotse.text import isolate

MAX_CARDS = 3
MAX_ECHO = 60  # characters of an unknown place name repeated back to the user


class LotseFormValidation(FormValidationAction):
    """Shared form validation: place names are resolved against the catalogue."""

    def name(self) -> str:  # abstract base: never registered under this name
        return "lotse_form_validation"

    async def validate_location(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = " ".join(slot_value) if isinstance(slot_value, list) else str(slot_value or "")
        candidates = [text, (tracker.latest_message or {}).get("text") or ""]

        def resolve(session: Any) -> list[str]:
            for candidate in candidates:
                if matches := resolve_place(session, candidate):
                    return matches
            return []

        matches = await in_session(resolve)
        if matches:
            return {"location": matches[0]}
        # `text` names no known place (resolved above), so no second lookup is needed
        if latest_intent(tracker) in INTENT_TOPICS and is_new_question(text, names_a_place=False):
            return {"location": None}  # a new question, not a place: the form asks again
        shown = isolate(text.strip()[:MAX_ECHO] or "?", tracker_language(tracker))
        dispatcher.utter_message(response="utter_place_unknown", place=shown)
        return {"location": None}


class ValidateOfferForm(LotseFormValidation):
    def name(self) -> str:
        return "validate_offer_form"


def card_values(offer: Offer, language: str) -> dict[str, str]:
    """Template values of `utter_offer_card`, isolated for right-to-left replies."""
    languages = ", ".join(LANGUAGE_NAMES.get(code, code) for code in offer.languages or [])
    values = {
        "name": offer.name,
        "address": offer.address or "–",
        "phone": offer.phone or "–",
        "hours": offer.opening_hours or "–",
        "languages": languages or "–",
    }
    return {key: isolate(value, language) for key, value in values.items()}


class ActionFindOffers(Action):
    """Answers a topic question for a known place with up to three offer cards."""

    def name(self) -> str:
        return "action_find_offers"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        topic = tracker.get_slot("topic")
        location = tracker.get_slot("location")
        if topic not in TOPICS:
            dispatcher.utter_message(response="utter_which_topic")
            return []
        if not location:
            dispatcher.utter_message(response="utter_ask_location")
            return []
        language = tracker_language(tracker)
        offers = await in_session(
            lambda session: [
                card_values(o, language)
                for o in find_offers(session, topic, location, language)[:MAX_CARDS]
            ]
        )
        if not offers:
            dispatcher.utter_message(
                response="utter_no_offers", location=isolate(location, language)
            )
            return []
        dispatcher.utter_message(
            response="utter_offers_found", location=isolate(location, language)
        )
        for values in offers:
            dispatcher.utter_message(response="utter_offer_card", **values)
        return []
