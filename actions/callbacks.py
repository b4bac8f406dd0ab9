"""Booking a callback: a short form (prefilled from the conversation), a summary, then the booking.

The request is committed to the database before Lotse says it is booked
(lotse/requests/callbacks.py).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, TypedDict

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import in_session, tracker_language
from actions.offers import LotseFormValidation
from lotse.cases import routing
from lotse.conversations import pending_phone, take_pending_phone
from lotse.i18n import language_name, section
from lotse.models import TOPICS, utcnow
from lotse.protocol import GATEWAY_PAYLOAD_KEY, REQUEST_CONTACT_KEY, SEND_OUTBOX, telegram_chat
from lotse.requests import callbacks, handoff
from lotse.requests.desk import contact_phrase, slot_title, time_phrase, topic_label
from lotse.requests.models import CONTACT_METHODS, DAY_PARTS
from lotse.text import isolate

CALLBACK_SLOTS = ("callback_time", "contact_method", "phone_shared", "callback_confirmed")


def client_chat_id(tracker: Tracker) -> int:
    """Telegram's chat id from the conversation id (`tg:<chat id>`); 0 for the console."""
    sender = tracker.sender_id or ""
    return telegram_chat(sender) or 0


def parse_time(value: object) -> tuple[date, str] | None:
    """A `callback_time` slot ("2026-12-07:am") as day and part; anything else (None too): None."""
    day, _, part = str(value or "").partition(":")
    try:
        return (date.fromisoformat(day), part) if part in DAY_PARTS else None
    except ValueError:
        return None


def after_emergency(tracker: Tracker) -> bool:
    """Whether this conversation had an emergency message (the request is then urgent)."""
    return any(
        e.get("event") == "user"
        and ((e.get("parse_data") or {}).get("intent") or {}).get("name") == "emergency"
        for e in tracker.events
    )


async def offered_days(tracker: Tracker) -> list[date]:
    place = tracker.get_slot("location")
    today = utcnow().date()
    return await in_session(lambda s: callbacks.slots_for_place(s, place, today))


class ValidateCallbackForm(LotseFormValidation):
    def name(self) -> str:
        return "validate_callback_form"

    open_request = handoff.open_request

    async def slots_to_ask(self, domain_slots: list[str], tracker: Tracker) -> list[str]:
        """Only what is missing (the phone only for a phone call)."""
        slots = ["topic", "location", "callback_language", "callback_time", "contact_method"]
        if tracker.get_slot("contact_method") == "phone":
            slots.append("phone_shared")
        return [*slots, "callback_confirmed"]

    async def extract_callback_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Prefilled with the conversation's language."""
        if tracker.get_slot("callback_language"):
            return {}
        return {"callback_language": tracker_language(tracker)}

    async def validate_topic(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return {"topic": slot_value if slot_value in TOPICS else None}

    async def validate_callback_time(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        parsed = parse_time(slot_value)
        ok = parsed is not None and parsed[0] in await offered_days(tracker)
        return {"callback_time": slot_value if ok else None}

    async def validate_contact_method(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return {"contact_method": slot_value if slot_value in CONTACT_METHODS else None}

    async def validate_phone_shared(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """True only if the gateway really received the client's own number."""
        shared = await in_session(lambda s: pending_phone(s, tracker.sender_id) is not None)
        return {"phone_shared": True if shared else None}

    async def validate_callback_confirmed(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return {"callback_confirmed": slot_value if slot_value in ("yes", "no") else None}


class ActionAskCallbackTime(Action):
    """The next five working days, morning or afternoon, as buttons."""

    def name(self) -> str:
        return "action_ask_callback_time"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = tracker_language(tracker)
        buttons = [
            {
                "title": slot_title(day, part, language),
                "payload": "/inform" + json.dumps({"callback_time": f"{day.isoformat()}:{part}"}),
            }
            for day in await offered_days(tracker)
            for part in DAY_PARTS
        ]
        dispatcher.utter_message(response="utter_ask_callback_time", buttons=buttons)
        return []


class ActionAskPhoneShared(Action):
    """Asks for the number through Telegram's share-contact button (with the consent line)."""

    def name(self) -> str:
        return "action_ask_phone_shared"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = tracker_language(tracker)
        text = section(language, "lotse_responses")["utter_ask_phone"][0]["text"]
        button = section(language, "lotse_callback")["share_number"]
        dispatcher.utter_message(
            json_message={REQUEST_CONTACT_KEY: {"text": text, "button": button}}
        )
        return []


class SummaryValues(TypedDict):
    """The placeholders of `utter_callback_summary` (passed to utter_message as keywords)."""

    topic: str
    place: str
    language: str
    time: str
    contact: str


def summary_values(tracker: Tracker, language: str) -> SummaryValues:
    parsed = parse_time(tracker.get_slot("callback_time")) or (utcnow().date(), "am")
    return {
        "topic": topic_label(tracker.get_slot("topic") or "", language),
        "place": isolate(tracker.get_slot("location") or "", language),
        "language": language_name(tracker.get_slot("callback_language") or language, language),
        "time": time_phrase(parsed[0], parsed[1], language),
        "contact": contact_phrase(tracker.get_slot("contact_method") or "telegram", language),
    }


class ActionAskCallbackConfirmed(Action):
    def name(self) -> str:
        return "action_ask_callback_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = tracker_language(tracker)
        texts = section(language, "lotse_callback")
        buttons = [
            {"title": texts["confirm"], "payload": '/inform{"callback_confirmed": "yes"}'},
            {"title": texts["cancel"], "payload": '/inform{"callback_confirmed": "no"}'},
        ]
        dispatcher.utter_message(
            response="utter_callback_summary", buttons=buttons, **summary_values(tracker, language)
        )
        return []


class ActionSubmitCallback(Action):
    """Books the request (committed first), then tells the client; clears the form's answers."""

    def name(self) -> str:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = tracker_language(tracker)
        reset = [SlotSet(slot, None) for slot in (*CALLBACK_SLOTS, "callback_language")]
        try:
            existing = await in_session(lambda s: handoff.open_request(s, tracker.sender_id))
        except Exception:
            dispatcher.utter_message(response="utter_callback_failed")
            return reset
        if existing is not None:
            dispatcher.utter_message(response="utter_callback_exists", reference=existing.reference)
            return reset
        if tracker.get_slot("callback_confirmed") != "yes":
            dispatcher.utter_message(response="utter_callback_not_booked")
            await in_session(lambda s: take_pending_phone(s, tracker.sender_id))
            return reset
        parsed = parse_time(tracker.get_slot("callback_time"))
        if parsed is None:
            dispatcher.utter_message(response="utter_callback_failed")
            return reset

        def book(session: Any) -> str:
            method = tracker.get_slot("contact_method") or "telegram"
            phone = take_pending_phone(session, tracker.sender_id)
            request = routing.book(  # a case's client goes to their own facilitator first
                session,
                callbacks.Booking(
                    conversation_id=tracker.sender_id,
                    client_chat_id=client_chat_id(tracker),
                    topic=tracker.get_slot("topic") or "authorities",
                    place=tracker.get_slot("location") or "",
                    language=tracker.get_slot("callback_language") or language,
                    preferred_day=parsed[0],
                    preferred_part=parsed[1],
                    contact_method=method,
                    phone=phone if method == "phone" else None,
                    urgent=after_emergency(tracker),
                ),
            )
            return request.reference

        try:
            reference = await in_session(book)  # committed when this returns
        except Exception:
            dispatcher.utter_message(response="utter_callback_failed")
            return reset
        dispatcher.utter_message(json_message={GATEWAY_PAYLOAD_KEY: {SEND_OUTBOX: True}})
        contact = contact_phrase(tracker.get_slot("contact_method") or "telegram", language)
        dispatcher.utter_message(
            response="utter_callback_booked", reference=reference, contact=contact
        )
        return reset


class ActionAskTopic(Action):
    """The booking form's question for the topic (with the topics as buttons)."""

    def name(self) -> str:
        return "action_ask_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_ask_callback_topic")
        return []
