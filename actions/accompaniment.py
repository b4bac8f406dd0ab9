"""Asking to be accompanied to an office or practice: a short form (where, the address, the
place, the day and time, the language), a summary, then the request, committed before Lotse says
it is sent (lotse/accompaniment/requests.py). The place is validated as in every form
(actions/offers.py LotseFormValidation)."""

from __future__ import annotations

import json
import re
from abc import ABCMeta, abstractmethod
from datetime import date, datetime, time, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.callbacks import client_chat_id
from actions.common import in_session, tracker_language
from actions.offers import LotseFormValidation
from lotse import LANGUAGES
from lotse.accompaniment import requests
from lotse.accompaniment.models import KINDS
from lotse.accompaniment.texts import client_text, kind_label, when_phrase
from lotse.catalogue.schedule import BERLIN
from lotse.i18n import language_name, section
from lotse.models import utcnow
from lotse.protocol import ACCOMPANY_PREFIX, GATEWAY_PAYLOAD_KEY, SEND_OUTBOX
from lotse.text import isolate

SLOTS = ("acc_kind", "acc_address", "acc_day", "acc_time", "acc_language", "acc_confirmed")
DAYS_OFFERED = 14
TIME = re.compile(r"^\D*?(\d{1,2})(?:\s*[:.hH]\s*(\d{2}))?\D*$")
DAY = re.compile(r"^\D*?(\d{1,2})\.(\d{1,2})\.?(\d{2,4})?\D*$")


def offered_days(today: date) -> list[date]:
    """The next two weeks without Sundays (offices and practices are closed)."""
    days = [today + timedelta(days=n) for n in range(1, DAYS_OFFERED + 1)]
    return [d for d in days if d.weekday() != 6]


def parse_day(value: str, today: date) -> date | None:
    """An ISO date from a button, or a typed "8.12." / "08.12.2026"."""
    text = str(value or "").strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    found = DAY.match(text)
    if not found:
        return None
    day, month, year = found.groups()
    year_value = int(year) + (2000 if year and len(year) == 2 else 0) if year else today.year
    try:
        parsed = date(year_value, int(month), int(day))
    except ValueError:
        return None
    if not year and parsed < today:
        parsed = parsed.replace(year=today.year + 1)
    return parsed


def parse_time(value: str) -> str | None:
    """ "9", "9:30", "14.00", "14 Uhr" → "09:00", "09:30", "14:00" (7:00 to 20:59 only)."""
    found = TIME.match(str(value or "").strip())
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if not (7 <= hour <= 20 and 0 <= minute < 60):
        return None
    return f"{hour:02d}:{minute:02d}"


def appointment(day: str, at: str) -> datetime | None:
    parsed_day, parsed_time = parse_day(day, utcnow().date()), parse_time(at)
    if parsed_day is None or parsed_time is None:
        return None
    return datetime.combine(parsed_day, time.fromisoformat(parsed_time), BERLIN)


def _button(title: str, slot: str, value: str) -> dict[str, str]:
    return {"title": title, "payload": "/inform" + json.dumps({slot: value})}


class ValidateAccompanimentForm(LotseFormValidation):
    def name(self) -> str:
        return "validate_accompaniment_form"

    open_request = requests.open_request

    async def slots_to_ask(self, domain_slots: list[str], tracker: Tracker) -> list[str]:
        return ["acc_kind", "acc_address", "location", "acc_day", "acc_time", "acc_language",
                "acc_confirmed"]  # fmt: skip

    async def validate_acc_kind(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return {"acc_kind": slot_value if slot_value in KINDS else None}

    async def validate_acc_address(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = " ".join(str(slot_value or "").split())
        return {"acc_address": text[:300] if len(text) >= 3 else None}

    async def validate_acc_day(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        today = utcnow().astimezone(BERLIN).date()
        day = parse_day(str(slot_value or ""), today)
        ok = day is not None and today < day <= today + timedelta(days=90)
        return {"acc_day": day.isoformat() if ok and day else None}

    async def validate_acc_time(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        parsed = parse_time(str(slot_value or ""))
        if parsed is None:
            language = tracker_language(tracker)
            dispatcher.utter_message(text=client_text(language, "bad_time"))
        return {"acc_time": parsed}

    async def validate_acc_language(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return {"acc_language": slot_value if slot_value in LANGUAGES else None}

    async def validate_acc_confirmed(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return {"acc_confirmed": slot_value if slot_value in ("yes", "no") else None}


class AskAccompaniment(Action, metaclass=ABCMeta):
    """The accompaniment form's question for one slot: a text and buttons that answer with
    the slot's value. Rasa needs one class per action name, so each slot is a subclass that
    names its slot and question (and overrides `buttons` or `question` where it has them)."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The form slot asked for (`acc_kind` → the action `action_ask_acc_kind`)."""

    key: str = ""
    """The question's key in `lotse_accompaniment`."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def question(self, tracker: Tracker, language: str) -> str:
        return client_text(language, self.key)

    def buttons(self, tracker: Tracker, language: str) -> list[tuple[str, str]]:
        """(title, slot value) of the answers offered as buttons."""
        return []

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = tracker_language(tracker)
        buttons = [_button(title, self.slot, v) for title, v in self.buttons(tracker, language)]
        dispatcher.utter_message(text=self.question(tracker, language), buttons=buttons)
        return []


class ActionAskAccKind(AskAccompaniment):
    slot, key = "acc_kind", "ask_kind"

    def buttons(self, tracker: Tracker, language: str) -> list[tuple[str, str]]:
        return [(kind_label(k, language), k) for k in KINDS]


class ActionAskAccAddress(AskAccompaniment):
    slot, key = "acc_address", "ask_address"


class ActionAskAccDay(AskAccompaniment):
    slot, key = "acc_day", "ask_day"

    def buttons(self, tracker: Tracker, language: str) -> list[tuple[str, str]]:
        short = section(language, "lotse_weekdays_short")
        return [
            (f"{short[d.weekday()]} {d:%d.%m.}", d.isoformat())
            for d in offered_days(utcnow().astimezone(BERLIN).date())
        ]


class ActionAskAccTime(AskAccompaniment):
    slot, key = "acc_time", "ask_time"


class ActionAskAccLanguage(AskAccompaniment):
    slot, key = "acc_language", "ask_language"

    def buttons(self, tracker: Tracker, language: str) -> list[tuple[str, str]]:
        order = [language, *[code for code in LANGUAGES if code != language]]
        return [(language_name(c, c), c) for c in order]


def summary(tracker: Tracker, language: str) -> str:
    at = appointment(tracker.get_slot("acc_day") or "", tracker.get_slot("acc_time") or "")
    return client_text(
        language,
        "summary",
        kind=kind_label(tracker.get_slot("acc_kind") or "other", language),
        address=isolate(tracker.get_slot("acc_address") or "", language),
        place=isolate(tracker.get_slot("location") or "", language),
        time=when_phrase(at, language) if at else "?",
        language=language_name(tracker.get_slot("acc_language") or language, language),
    )


class ActionAskAccConfirmed(AskAccompaniment):
    """The summary of the answers, to send or not."""

    slot = "acc_confirmed"

    def question(self, tracker: Tracker, language: str) -> str:
        return summary(tracker, language)

    def buttons(self, tracker: Tracker, language: str) -> list[tuple[str, str]]:
        return [
            (client_text(language, "confirm"), "yes"),
            (client_text(language, "dont_send"), "no"),
        ]


class ActionSubmitAccompaniment(Action):
    """Books the request (committed first), then tells the client; clears the form's answers."""

    def name(self) -> str:
        return "action_submit_accompaniment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = tracker_language(tracker)
        reset = [SlotSet(slot, None) for slot in SLOTS]

        def say(key: str, **values: object) -> None:
            dispatcher.utter_message(text=client_text(language, key, **values))

        try:
            existing = await in_session(lambda s: requests.open_request(s, tracker.sender_id))
        except Exception:
            say("failed")
            return reset
        if existing is not None:
            cancel = {
                "title": client_text(language, "cancel"),
                "payload": f"{ACCOMPANY_PREFIX}cancel:{existing.id}",
            }
            dispatcher.utter_message(
                text=client_text(
                    language,
                    "exists",
                    reference=existing.reference,
                    time=when_phrase(existing.appointment_at, language),
                ),
                buttons=[cancel],
            )
            return reset
        if tracker.get_slot("acc_confirmed") != "yes":
            say("not_booked")
            return reset
        at = appointment(tracker.get_slot("acc_day") or "", tracker.get_slot("acc_time") or "")
        kind = tracker.get_slot("acc_kind")
        if at is None or kind not in KINDS or not tracker.get_slot("location"):
            say("failed")
            return reset
        booking = requests.Booking(
            conversation_id=tracker.sender_id,
            client_chat_id=client_chat_id(tracker),
            kind=str(kind),
            address=tracker.get_slot("acc_address") or "",
            appointment_at=at,
            place=tracker.get_slot("location") or "",
            language=tracker.get_slot("acc_language") or language,
        )
        try:
            reference = await in_session(lambda s: requests.book(s, booking).reference)
        except Exception:
            say("failed")
            return reset
        dispatcher.utter_message(json_message={GATEWAY_PAYLOAD_KEY: {SEND_OUTBOX: True}})
        say("booked", reference=reference)
        return reset
