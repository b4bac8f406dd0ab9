"""Bad or unusual input end to end: it gets a clear answer and loses no other user's message."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.conftest import answer, ends_offer_list, offer_list, replies_until, settle

pytestmark = pytest.mark.e2e


def has(name: str):
    return lambda m: name in (m.get("text") or "")


async def test_an_edited_message_is_answered_as_corrected(lotse, new_user) -> None:
    user = new_user("de")
    sent = await user.send("Ich suche eine Wohnung in Lörrach")
    await replies_until(user, ends_offer_list)
    await settle(user)
    await user.edit(sent, "Ich suche eine Wohnung in Schopfheim")
    await replies_until(user, has("Fachstelle Wohnen der Stadt Schopfheim"))


async def test_a_flood_is_slowed_down_and_its_last_message_answered(lotse, new_user) -> None:
    flooder, bystander = new_user("en"), new_user("de")
    for i in range(11):
        await flooder.send(f"hello {i}")
    await flooder.send("I am looking for a job in Schopfheim")
    await bystander.send("Ich suche eine Wohnung in Lörrach")
    # the bystander is answered, whatever the flood
    await replies_until(bystander, ends_offer_list, timeout=60)
    seen = await offer_list(flooder, timeout=60)
    texts = [m["text"] for m in seen]
    slow_down = [t for t in texts if t.startswith("You're sending a lot of messages")]
    assert len(slow_down) == 1, texts
    # the held-back last question is answered after the "please wait", nothing after it is lost
    assert texts.index(slow_down[0]) < len(texts) - 1
    await asyncio.sleep(0)  # let the loop deliver anything stray before the next test


async def test_commands_and_buttons_count_against_the_flood_limit(lotse, new_user) -> None:
    """/language writes eight button tokens each time: a burst of them gets one "please wait"
    and no more menus than the limit allows (issue 14, item 12)."""
    user = new_user("en")
    for _ in range(30):
        await user.send("/language")
    texts = [m["text"] for m in await answer(user, quiet=3)]
    menus = [t for t in texts if t.startswith("Please choose your language")]
    waits = [t for t in texts if t.startswith("That was a lot at once")]
    assert len(menus) == 24 and len(waits) == 1, texts  # LOTSE_FLOOD_MAX_UPDATES


@pytest.mark.parametrize(
    "text",
    [
        "🙏🙏🙏",
        "\u202eIch suche eine Wohnung\u202c",  # right-to-left override
        "x\x00\x07\x1b[31m y",  # control characters and an ANSI escape
        "<b>Wohnung</b><script>alert(1)</script>",
        "'; DROP TABLE offers; --",
        "ש" * 50 + " Я ищу квартиру",  # an unsupported script mixed in
    ],
)
async def test_strange_text_gets_an_answer_and_breaks_nothing(lotse, new_user, text) -> None:
    user = new_user("de")
    await user.send(text)
    replies = await answer(user)  # every message gets an answer
    assert all(r.get("text") for r in replies)
    # and the catalogue is intact: the next question is answered from the database
    await user.send("Ich suche eine Wohnung in Lörrach")
    seen = await offer_list(user)
    assert any("Fachstelle Wohnen der Stadt Lörrach" in m["text"] for m in seen)


async def test_a_contact_gets_a_clear_answer(lotse, new_user) -> None:
    user = new_user("en")
    await user.send_contact("+49 170 0000000")
    assert (await user.wait_for_reply(timeout=30))["text"].startswith("Please write your question")


async def test_a_shared_location_answers_the_place_question(lotse, new_user) -> None:
    user = new_user("en")
    await user.send("I need help with housing")
    assert "town" in (await user.wait_for_reply(timeout=30))["text"]
    await user.send_location(47.6140, 7.6650)  # in Lörrach
    seen = await replies_until(user, ends_offer_list)
    assert seen[0]["text"].startswith(
        "🏠 Housing · Lörrach\nHere is where you can get help in Lörrach:\n\n"
    )  # the header and the cards in one message
    await user.send_location(53.55, 9.99)  # Hamburg: outside the catalogue
    reply = await user.wait_for_reply(timeout=30)
    assert reply["text"].startswith("Thanks for your location. It is outside the area")
    assert "Landkreis Lörrach" in reply["text"]
