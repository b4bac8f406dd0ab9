"""Topic + place (+ residence status and age, only when they matter) → local offers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any, ClassVar

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.cards import card_message, list_buttons, understood
from actions.common import in_session, tracker_language
from actions.slots import INTENT_TOPICS, is_new_question, latest_intent
from lotse.catalogue.features import match_features
from lotse.catalogue.hsds import RESIDENCE_STATUSES
from lotse.catalogue.offers import (
    UNKNOWN,
    Offer,
    OfferQuery,
    SearchResult,
    find_offers,
    general_counselling,
    questions_to_ask,
)
from lotse.catalogue.places import covered_regions, is_local, region_of, resolve_place, sub_areas
from lotse.facts import AGE_GROUPS
from lotse.i18n import section
from lotse.insights import record_unmet
from lotse.models import TOPICS, utcnow
from lotse.text import fold, isolate

PAGE_SIZE = 3
MAX_ECHO = 60  # characters of an unknown place name repeated back to the user
MAX_PLACE_BUTTONS = 12


def offer_query(tracker: Tracker, location: str | None = None) -> OfferQuery | None:
    topic = tracker.get_slot("topic")
    place = location or tracker.get_slot("location")
    if topic not in TOPICS or not place:
        return None
    return OfferQuery(
        topic=topic,
        place=place,
        subtopic=tracker.get_slot("subtopic"),
        residence_status=tracker.get_slot("residence_status"),
        age_group=tracker.get_slot("age_group"),
        language=tracker_language(tracker),
        features=asked_features(tracker),
    )


def asked_features(tracker: Tracker, limit: int = 10) -> frozenset[str]:
    """Features (childcare, evening) named in the client's messages since the topic question."""
    found: set[str] = set()
    for event in reversed(tracker.events[-200:]):
        if event.get("event") != "user":
            continue
        found |= match_features(event.get("text") or "")
        limit -= 1
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
        if intent.startswith("ask_") or limit <= 0:
            break
    return frozenset(found)


def _answer_from_title(text: str, section_name: str, allowed: tuple[str, ...]) -> str | None:
    """A typed answer that repeats a button's title, in any language."""
    from lotse import LANGUAGES

    said = fold(text)
    for language in LANGUAGES:
        for code, title in (section(language, section_name) or {}).items():
            if code in allowed and said and said == fold(str(title)):
                return str(code)
    return None


OpenRequestLookup = Callable[[Session, str], object | None]
"""How a booking form finds the client's open request by conversation id."""


class LotseFormValidation(FormValidationAction):
    """Shared form validation: places resolved against the catalogue, conditional questions,
    and for the forms that book something (callback, accompaniment) one rule: a client who
    already has an open request is asked nothing (the form's submit says so and offers to
    cancel it)."""

    open_request: ClassVar[OpenRequestLookup | None] = None
    """A booking form's lookup of the client's open request (None: the form books nothing)."""

    def name(self) -> str:  # abstract base: never registered under this name
        return "lotse_form_validation"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Nothing if the client already has an open request of this form's kind, else what
        `slots_to_ask` says."""
        lookup = type(self).open_request
        if lookup is not None and await in_session(
            lambda s: lookup(s, tracker.sender_id) is not None
        ):
            return []
        return await self.slots_to_ask(domain_slots, tracker)

    async def slots_to_ask(self, domain_slots: list[str], tracker: Tracker) -> list[str]:
        """The offer form: residence status or age only when the offers found differ by it."""
        slots = [s for s in domain_slots if s not in ("residence_status", "age_group")]
        query = offer_query(tracker)
        if query is None:
            return slots
        result = await in_session(lambda session: questions_to_ask(session, query))
        if result.ask_residence_status:
            slots.append("residence_status")
        if result.ask_age:
            slots.append("age_group")
        return slots

    async def validate_location(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = " ".join(slot_value) if isinstance(slot_value, list) else str(slot_value or "")
        candidates = [text, (tracker.latest_message or {}).get("text") or ""]

        def resolve(session: Any) -> tuple[list[str], list[str], bool, list[str]]:
            for candidate in candidates:
                if matches := resolve_place(session, candidate):
                    inside = sub_areas(session, matches[0]) if len(matches) == 1 else []
                    return matches, inside, is_local(session, matches[0]), []
            return [], [], False, covered_regions(session)

        matches, inside, local, regions = await in_session(resolve)
        language = tracker_language(tracker)
        if len(matches) > 1:
            return _prompt("choose", options=matches[:MAX_PLACE_BUTTONS])
        if matches and (local or not inside):
            return {"location": matches[0], "place_prompt": None}
        if matches:  # Berlin, Landkreis Lörrach: which part?
            return _prompt("within", place=matches[0], options=inside[:MAX_PLACE_BUTTONS])
        # `text` names no known place (resolved above), so no second lookup is needed
        if latest_intent(tracker) in INTENT_TOPICS and is_new_question(text, names_a_place=False):
            return {"location": None, "place_prompt": None}  # a new question: ask again
        shown = isolate(_as_written(text, tracker)[:MAX_ECHO] or "?", language)
        return _prompt("unknown", place=shown, regions=", ".join(regions))

    async def validate_residence_status(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        allowed = (*RESIDENCE_STATUSES, UNKNOWN)
        value = str(slot_value or "")
        if value not in allowed:
            value = _answer_from_title(value, "lotse_residence_status", allowed) or ""
        return {"residence_status": value or None}

    async def validate_age_group(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        allowed = (*AGE_GROUPS, UNKNOWN)
        value = str(slot_value or "").strip()
        if value.isdigit():  # "24"
            age = int(value)
            value = next((g for g, (lo, hi) in AGE_GROUPS.items() if lo <= age <= hi), "")
        elif value not in allowed:
            value = _answer_from_title(value, "lotse_age_groups", allowed) or ""
        return {"age_group": value or None}


def _as_written(value: str, tracker: Tracker) -> str:
    """The place as the person wrote it ("Hamburg"), not as the NLU normalised it ("hamburg")."""
    message = tracker.latest_message or {}
    original = str(message.get("text_original") or message.get("text") or "")
    found = re.search(re.escape(value.strip()), original, re.IGNORECASE) if value.strip() else None
    return found.group(0) if found else value.strip()


def _prompt(kind: str, **values: Any) -> dict[str, Any]:
    return {"location": None, "place_prompt": {"kind": kind, **values}}


class ValidateOfferForm(LotseFormValidation):
    def name(self) -> str:
        return "validate_offer_form"


class ActionAskLocation(Action):
    """Asks for the place: plainly, or with buttons when the answer was ambiguous or unknown."""

    def name(self) -> str:
        return "action_ask_location"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        prompt = tracker.get_slot("place_prompt") or {}
        kind = prompt.get("kind") if isinstance(prompt, dict) else None
        buttons = (
            [
                {"title": place, "payload": "/inform" + json.dumps({"location": place})}
                for place in prompt.get("options") or []
            ]
            if kind
            else []
        )
        if kind == "choose":
            dispatcher.utter_message(response="utter_choose_place", buttons=buttons)
        elif kind == "within":
            place = isolate(str(prompt.get("place", "")), tracker_language(tracker))
            dispatcher.utter_message(
                response="utter_ask_place_within", place=place, buttons=buttons
            )
        elif kind == "unknown":
            dispatcher.utter_message(
                response="utter_place_not_covered",
                place=prompt.get("place", "?"),
                regions=isolate(str(prompt.get("regions", "")), tracker_language(tracker)),
            )
        else:
            dispatcher.utter_message(response="utter_ask_location")
        return [SlotSet("place_prompt", None)]


class ActionFindOffers(Action):
    """Up to three offer cards, a "more" button for the next three, and a way to a person."""

    def name(self) -> str:
        return "action_find_offers"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        query = offer_query(tracker)
        if query is None:
            topic_known = tracker.get_slot("topic") in TOPICS
            dispatcher.utter_message(
                response="utter_ask_location" if topic_known else "utter_which_topic"
            )
            return []
        more = latest_intent(tracker) == "more_offers"
        page = int(tracker.get_slot("offer_page") or 0) + 1 if more else 0
        now = utcnow()
        query = replace(query, now=now)
        language = query.language or "de"
        status = query.residence_status

        def search(session: Any) -> tuple[list[dict[str, object]], bool, list[dict[str, object]]]:
            result = find_offers(session, query, shared=True)
            offers = result.offers
            if not page:
                count_unmet(session, query, result)
            shown = offers[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
            has_more = len(offers) > (page + 1) * PAGE_SIZE
            general = (
                general_counselling(session, query, shared=True)[:PAGE_SIZE] if not offers else []
            )

            def render(items: list[Offer]) -> list[dict[str, object]]:
                return [card_message(o, language, now, status) for o in items]

            return render(shown), has_more, render(general)

        cards, has_more, general = await in_session(search)
        place = isolate(query.place, language)
        label = understood(query.topic, query.place, language)
        if cards:
            header = "utter_more_offers" if page else "utter_offers_found"
            dispatcher.utter_message(response=header, location=place, understood=label)
            cards[-1]["buttons"] = list_buttons(language, more=has_more)
            for message in cards:
                dispatcher.utter_message(json_message=message)
        elif page:
            dispatcher.utter_message(response="utter_no_more_offers", location=place)
        elif general:
            dispatcher.utter_message(
                response="utter_no_matching_offers", location=place, understood=label
            )
            general[-1]["buttons"] = list_buttons(language, more=False)
            for message in general:
                dispatcher.utter_message(json_message=message)
        else:
            dispatcher.utter_message(response="utter_no_offers_at_all", location=place)
        return [SlotSet("offer_page", page)]


def count_unmet(session: Any, query: OfferQuery, result: SearchResult) -> None:
    """The gap radar (lotse/insights.py): a first page with nothing fitting is counted by its
    search fields only — never the text or the person."""
    offers = result.offers
    if not result.place_known:  # outside the catalogue's regions: no region's gap
        return
    if offers and not result.subtopic_missing and query.language in (None, "de"):
        return
    if offers and not result.subtopic_missing and any(o.speaks_language for o in offers):
        return
    kind = "no_offer" if not offers else "subtopic" if result.subtopic_missing else "language"
    record_unmet(
        session,
        kind=kind,
        topic=query.topic,
        subtopic=query.subtopic,
        place=query.place,
        region=region_of(session, query.place),
        residence_status=query.residence_status,
        age_group=query.age_group,
        language=query.language,
        service_ids=[o.service.id for o in offers[:PAGE_SIZE]] if kind == "language" else [],
        now=query.now,
    )
