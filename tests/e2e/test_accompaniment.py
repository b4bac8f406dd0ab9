"""Accompaniment end to end (issue 19): an Arabic request goes through the form, is offered to
the desk and privately to the Arabic-speaking volunteer (not to the one without Arabic), the
volunteer takes it and sees the address, the client is told and cancels. Reminders, the outcome
and retention are covered without a model in tests/unit/test_accompaniment.py.

Needs a model trained with request_accompaniment (data/nlu/<lang>/accompaniment.yml); the first
message is in tests/nlu/e2e_messages.yml."""

from __future__ import annotations

import itertools
import re

import pytest

from lotse.accompaniment import volunteers
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


async def test_an_arabic_request_is_taken_by_an_arabic_speaking_volunteer(
    lotse, fake_api, new_user, region
) -> None:
    group, amal, bernd = region
    client = new_user("ar")
    await client.send(ARABIC_REQUEST)
    question = await client.wait_for_reply(timeout=30)
    assert question["text"] == client_text("ar", "ask_kind")
    await client.press(client_text("ar", "kind_authority"), message=question)
    question = await client.wait_for_reply(timeout=30)
    assert question["text"] == client_text("ar", "ask_address")
    await client.send("Jobcenter Lörrach, Brombacher Straße 2")
    question = await client.wait_for_reply(timeout=30)  # where do you live?
    await client.send("Lörrach")
    question = await client.wait_for_reply(timeout=30)
    assert question["text"] == client_text("ar", "ask_day")
    await client.press(button_titles(question)[0], message=question)
    question = await client.wait_for_reply(timeout=30)
    assert question["text"] == client_text("ar", "ask_time")
    await client.send("9:30")
    question = await client.wait_for_reply(timeout=30)
    assert question["text"] == client_text("ar", "ask_language")
    await client.press(button_titles(question)[0], message=question)  # Arabic comes first
    summary = await client.wait_for_reply(timeout=30)
    assert "09:30" in summary["text"] and "Brombacher" in summary["text"]
    await client.press(client_text("ar", "confirm"), message=summary)
    booked = await client.wait_for_reply(timeout=30)
    reference = re.search(r"B-[A-Z2-9]{5}", booked["text"]).group(0)

    offer = await amal.wait_for_reply(timeout=15)  # privately, in her chat with the bot
    assert reference in offer["text"] and "Brombacher" not in offer["text"]
    desk_post = await amal.wait_for_reply(chat=group, timeout=15)
    assert reference in desk_post["text"]
    assert not [m for m in fake_api.messages(bernd.id) if reference in (m.get("text") or "")]

    await amal.press(desk_text("de", "take"), message=offer)
    details = await amal.wait_for_reply(timeout=15)
    assert "Brombacher" in details["text"] and "openstreetmap.org" in details["text"]
    told = await client.wait_for_reply(timeout=15)
    assert "Amal" in told["text"]

    await client.press(client_text("ar", "cancel"), message=told)
    cancelled = await amal.wait_for_reply(timeout=15)
    assert reference in cancelled["text"]
