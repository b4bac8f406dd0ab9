"""The two booking forms (callback, accompaniment) share one rule in the form-validation base
(actions/offers.py LotseFormValidation): a client with an open request of the form's kind is
asked nothing. And the accompaniment form's questions, one parameterised ask action."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.accompaniment import (
    ActionAskAccAddress,
    ActionAskAccConfirmed,
    ActionAskAccDay,
    ActionAskAccKind,
    ActionAskAccLanguage,
    ActionAskAccTime,
    AskAccompaniment,
    ValidateAccompanimentForm,
)
from actions.callbacks import ValidateCallbackForm
from actions.offers import LotseFormValidation
from lotse import LANGUAGES
from lotse.accompaniment import requests
from lotse.accompaniment.models import KINDS
from lotse.accompaniment.texts import client_text
from lotse.catalogue.schedule import BERLIN
from lotse.db import session_scope
from lotse.requests import callbacks
from tests.unit.test_actions import DOMAIN, run, tracker

CALLBACK_SLOTS = ["topic", "location", "callback_language", "callback_time", "contact_method",
                  "callback_confirmed"]  # fmt: skip
ACCOMPANIMENT_SLOTS = ["acc_kind", "acc_address", "location", "acc_day", "acc_time",
                       "acc_language", "acc_confirmed"]  # fmt: skip


def book_callback(session: Session, conversation: str) -> None:
    callbacks.book(
        session,
        callbacks.Booking(
            conversation_id=conversation,
            client_chat_id=0,
            topic="housing",
            place="Lörrach",
            language="de",
            preferred_day=date(2026, 12, 8),
            preferred_part="am",
        ),
    )


def book_accompaniment(session: Session, conversation: str) -> None:
    requests.book(
        session,
        requests.Booking(
            conversation_id=conversation,
            client_chat_id=0,
            kind="doctor",
            address="Praxis, Hauptstraße 1",
            appointment_at=datetime(2026, 12, 8, 9, 0, tzinfo=BERLIN),
            place="Lörrach",
            language="de",
        ),
    )


FORMS = [
    (ValidateCallbackForm, book_callback, CALLBACK_SLOTS),
    (ValidateAccompanimentForm, book_accompaniment, ACCOMPANIMENT_SLOTS),
]


async def required(form: LotseFormValidation, conversation: str) -> list[str]:
    t = tracker({"topic": "housing", "location": "Lörrach"})
    t.sender_id = conversation
    return await form.required_slots(["location"], CollectingDispatcher(), t, DOMAIN)


@pytest.mark.parametrize(("form", "book", "slots"), FORMS)
async def test_a_booking_form_asks_nothing_while_a_request_of_its_kind_is_open(
    db: str,
    form: type[LotseFormValidation],
    book: Callable[[Session, str], None],
    slots: list[str],
) -> None:
    conversation = f"tg:{form.__name__}"
    assert await required(form(), conversation) == slots
    with session_scope(db) as session:
        book(session, conversation)
    assert await required(form(), conversation) == []
    # the other form's kind of request does not count
    other = next(f for f, _, _ in FORMS if f is not form)
    assert await required(other(), conversation) != []


def test_the_rule_lives_in_the_base_once() -> None:
    for form in (ValidateCallbackForm, ValidateAccompanimentForm):
        assert "required_slots" not in vars(form)
        assert form.open_request is not None
    assert LotseFormValidation.open_request is None


def payloads(message: dict[str, Any], slot: str) -> list[str]:
    return [json.loads(b["payload"].removeprefix("/inform"))[slot] for b in message["buttons"]]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_each_question_of_the_accompaniment_form(language: str) -> None:
    slots = {"language": language, "acc_kind": "doctor", "acc_address": "Praxis, Hauptstraße 1",
             "location": "Lörrach", "acc_day": "2026-12-08", "acc_time": "09:30",
             "acc_language": "ar"}  # fmt: skip
    t = tracker(slots, active_loop="accompaniment_form")
    asked = {}
    for action in (ActionAskAccKind, ActionAskAccAddress, ActionAskAccDay, ActionAskAccTime,
                   ActionAskAccLanguage, ActionAskAccConfirmed):  # fmt: skip
        assert issubclass(action, AskAccompaniment)
        dispatcher, events = await run(action(), t)
        assert events == [] and len(dispatcher.messages) == 1
        asked[action().name()] = dispatcher.messages[0]
    kind = asked["action_ask_acc_kind"]
    assert kind["text"] == client_text(language, "ask_kind")
    assert payloads(kind, "acc_kind") == list(KINDS)
    for name, key in (
        ("action_ask_acc_address", "ask_address"),
        ("action_ask_acc_time", "ask_time"),
    ):
        assert asked[name]["text"] == client_text(language, key) and asked[name]["buttons"] == []
    days = payloads(asked["action_ask_acc_day"], "acc_day")
    assert len(days) == 12 and all(date.fromisoformat(d).weekday() != 6 for d in days)
    assert date.fromisoformat(days[0]) > datetime.now(BERLIN).date() - timedelta(days=1)
    assert payloads(asked["action_ask_acc_language"], "acc_language")[0] == language
    summary = asked["action_ask_acc_confirmed"]
    assert "09:30" in summary["text"] and "Hauptstraße 1" in summary["text"]
    assert payloads(summary, "acc_confirmed") == ["yes", "no"]
