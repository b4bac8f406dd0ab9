"""Accompaniment end to end (issue 19): an Arabic request goes through the form and is offered
first, privately, to the Arabic-speaking volunteer (not to the one without Arabic, and not yet
to the desk: LOTSE_LANGUAGE_ROUND_MINUTES), she takes it and sees the address, the client is
told, and both are reminded the day before with the address and a map link. Another request is
cancelled by its client, and the volunteer's offer says so. The round's end, the outcome and
retention are covered without a model in tests/unit/test_accompaniment.py.

Needs a model trained with request_accompaniment (data/nlu/<lang>/accompaniment.yml); the first
message is in tests/nlu/e2e_messages.yml."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lotse.accompaniment import requests, volunteers
from lotse.accompaniment.models import Accompaniment
from lotse.accompaniment.texts import client_text, desk_text
from lotse.db import session_scope
from lotse.requests import registry
from tests.e2e.conftest import button_titles

pytestmark = pytest.mark.e2e

_ids = itertools.count(7_100_001)
DESK = -1_000_919
ARABIC_REQUEST = "مرحبا، هل يمكن لأحد أن يرافقني إلى موعدي في الجوب سنتر؟ لا أتكلم الألمانية جيدًا"


@pytest.fixture(scope="module")
def region(lotse, fake_api):
    group = fake_api.group(DESK, "Desk Lörrach (Begleitung)", "supergroup")
    amal = fake_api.user(next(_ids), first_name="Amal")
    bernd = fake_api.user(next(_ids), first_name="Bernd")
    with session_scope(lotse.env["DATABASE_URL"]) as s:
        registry.save_desk(s, "Landkreis Lörrach", DESK)
        volunteers.save_volunteer(s, amal.id, "Amal", ["Lörrach"], ["de", "ar"], ["accompaniment"])
        volunteers.save_volunteer(s, bernd.id, "Bernd", ["Lörrach"], ["de"], ["accompaniment"])
    return group, amal, bernd


async def book(client, language: str = "ar") -> str:
    """The client asks in Arabic and answers the form; returns the request's reference."""
    await client.send(ARABIC_REQUEST)
    question = await client.wait_for_reply(timeout=30)
    assert question["text"] == client_text(language, "ask_kind")
    await client.press(client_text(language, "kind_authority"), message=question)
    question = await client.wait_for_reply(timeout=30)
    assert question["text"] == client_text(language, "ask_address")
    await client.send("Jobcenter Lörrach, Brombacher Straße 2")
    question = await client.wait_for_reply(timeout=30)  # where do you live?
    await client.send("Lörrach")
    question = await client.wait_for_reply(timeout=30)
    assert question["text"] == client_text(language, "ask_day")
    await client.press(button_titles(question)[0], message=question)
    question = await client.wait_for_reply(timeout=30)
    assert question["text"] == client_text(language, "ask_time")
    await client.send("9:30")
    question = await client.wait_for_reply(timeout=30)
    assert question["text"] == client_text(language, "ask_language")
    await client.press(button_titles(question)[0], message=question)  # Arabic comes first
    summary = await client.wait_for_reply(timeout=30)
    assert "09:30" in summary["text"] and "Brombacher" in summary["text"]
    await client.press(client_text(language, "confirm"), message=summary)
    booked = await client.wait_for_reply(timeout=30)
    return re.search(r"B-[A-Z2-9]{5}", booked["text"]).group(0)


def mentioning(fake_api, chat_id: int, reference: str) -> list[dict]:
    return [m for m in fake_api.messages(chat_id) if reference in (m.get("text") or "")]


async def test_an_arabic_request_is_taken_by_an_arabic_speaking_volunteer(
    lotse, fake_api, new_user, region
) -> None:
    group, amal, bernd = region
    client = new_user("ar")
    reference = await book(client)

    offer = await amal.wait_for_reply(timeout=15)  # privately, in her chat with the bot
    assert reference in offer["text"] and "Brombacher" not in offer["text"]
    assert "weil Sie Arabisch sprechen" in offer["text"]  # first to her, and why
    assert not mentioning(fake_api, bernd.id, reference)  # no Arabic: not first
    assert not mentioning(fake_api, group["id"], reference)  # the desk after the round

    await amal.press(desk_text("de", "take"), message=offer)
    details = await amal.wait_for_reply(timeout=15)
    assert "Brombacher" in details["text"] and "openstreetmap.org" in details["text"]
    told = await client.wait_for_reply(timeout=15)
    assert "Amal" in told["text"]

    # the day before (the gateway's job does this by the clock; here the test says when)
    with session_scope(lotse.env["DATABASE_URL"]) as s:
        request = s.scalar(select(Accompaniment).where(Accompaniment.reference == reference))
        requests.send_due(s, request.appointment_at - timedelta(hours=12))
    reminder = await client.wait_for_reply(timeout=15)
    assert "Brombacher" in reminder["text"] and "openstreetmap.org" in reminder["text"]
    assert "Amal" in reminder["text"]
    companion = await amal.wait_for_reply(timeout=15)
    assert reference in companion["text"] and "openstreetmap.org" in companion["text"]
    assert not mentioning(fake_api, bernd.id, reference)


async def test_the_client_cancels_another_request(lotse, fake_api, new_user, region) -> None:
    group, amal, _bernd = region
    client = new_user("ar")
    reference = await book(client)
    offer = await amal.wait_for_reply(timeout=15)
    assert reference in offer["text"]

    await client.send(ARABIC_REQUEST)  # again: the open request, with a button to cancel it
    exists = await client.wait_for_reply(timeout=30)
    assert reference in exists["text"]
    await client.press(client_text("ar", "cancel"), message=exists)
    edited = await amal.wait_for_edit(offer, timeout=15)
    assert reference in edited["text"] and "abgesagt" in edited["text"]
    assert not button_titles(edited)  # nothing to take any more
    with session_scope(lotse.env["DATABASE_URL"]) as s:
        status = s.scalar(select(Accompaniment.status).where(Accompaniment.reference == reference))
    assert status == "cancelled"
    assert not mentioning(fake_api, group["id"], reference)
