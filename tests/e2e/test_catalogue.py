"""The catalogue in conversation: places Lotse does not cover, more offers, residence status."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import button_titles, ends_offer_list, offer_list, parts, replies_until

pytestmark = pytest.mark.e2e


async def test_a_place_outside_the_catalogue_gets_the_honest_answer(lotse, new_user) -> None:
    user = new_user("en")
    await user.send("I am looking for a flat in Hamburg")
    reply = await user.wait_for_reply(timeout=30)
    assert reply["text"].startswith("Sorry, I don't know “Hamburg”.")
    assert "Berlin" in reply["text"] and "Landkreis Lörrach" in reply["text"]
    assert button_titles(reply) == ["👤 Talk to a person"]


async def test_berlin_alone_asks_which_borough_with_buttons(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("Ich brauche einen Termin beim Gesundheitsamt in Berlin")
    question = await user.wait_for_reply(timeout=30)
    assert question["text"] == "Wo in Berlin wohnen Sie?"
    assert "Neukölln" in button_titles(question) and len(button_titles(question)) == 12
    await user.press("Neukölln", message=question)
    seen = await replies_until(user, ends_offer_list)
    assert any("Gesundheitsamt Neukölln" in m["text"] for m in seen)


async def test_more_offers_shows_the_next_three(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("Ich bin krank und brauche einen Arzt in Neukölln")
    first = await offer_list(user)  # "prefer not to say" if the status is asked
    bold = [e for e in first[-1].get("entities") or [] if e["type"] == "bold"]
    assert len(bold) == 3  # three cards, in the one message with the buttons
    cards = parts(first)[-3:]
    assert "➕ Weitere Angebote" in button_titles(first[-1])
    await user.press("➕ Weitere Angebote", message=first[-1])
    more = parts(await replies_until(user, ends_offer_list))
    assert more[0] == "Weitere Angebote in Neukölln:"
    shown_before = {card.split("\n")[0] for card in cards}
    assert not shown_before & {card.split("\n")[0] for card in more[1:]}


async def test_the_same_question_with_another_status_gives_other_offers(lotse, new_user) -> None:
    async def names(status: str) -> str:
        user = new_user("de")
        await user.send("Ich suche Arbeit in Lörrach")
        seen = await offer_list(user, answer_with=status)
        return " ".join(m["text"] for m in seen)

    asylum = await names("Im Asylverfahren (Aufenthaltsgestattung)")
    ukraine = await names("Aus der Ukraine (§ 24)")
    assert "Agentur für Arbeit" in asylum and "Jobcenter" not in asylum
    assert "Jobcenter" in ukraine and "Agentur für Arbeit Lörrach\n" not in ukraine
