"""Understanding within a conversation, end to end: a follow-up on a new topic keeps the place,
a residence status stated in passing is not asked again, "Not what I meant" corrects at once and
feeds the review queue (under the emergency answer too), an unsure reading of danger leads to the
whole emergency answer in one tap, and the privacy notice speaks the language of the first message.

Every message here is classified far from any decision boundary (checked in
tests/nlu/test_clear_cut.py against the trained model), so a retrained model cannot flip them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lotse.db import session_scope
from lotse.i18n import section
from lotse.insights import QuestionLog
from tests.e2e.conftest import (
    answer,
    asks_status_or_age,
    button_titles,
    ends_offer_list,
    offer_list,
    replies_until,
    settle,
)

pytestmark = pytest.mark.e2e


def topic(lang: str, name: str) -> str:
    return section(lang, "lotse_topics")[name]


def said(lang: str, name: str) -> str:
    return str(section(lang, "lotse_responses")[name][0]["text"])


def header_of(seen: list[dict]) -> str:
    """The first line of the answer: what Lotse understood ("💼 Work · Mitte")."""
    first = next(m for m in seen if " · " in (m.get("text") or "").split("\n")[0])
    return first["text"].split("\n")[0]


async def test_a_follow_up_on_a_new_topic_keeps_the_place(lotse, new_user) -> None:
    user = new_user("uk")
    await user.send("Шукаю роботу в Шпандау")
    seen = await offer_list(user)
    assert header_of(seen) == f"{topic('uk', 'work')} · Spandau"
    await user.send("а де можна вивчити німецьку мову?")
    seen = await offer_list(user)
    assert header_of(seen) == f"{topic('uk', 'language_course')} · Spandau"


async def test_a_residence_status_stated_in_passing_is_not_asked(lotse, new_user) -> None:
    user = new_user("en")
    await user.send("I'm from Ukraine, I have temporary protection, I'm looking for work in Mitte")
    seen = await replies_until(user, lambda m: ends_offer_list(m) or bool(asks_status_or_age(m)))
    assert not asks_status_or_age(seen[-1]), [m["text"] for m in seen]
    assert header_of(seen) == "💼 Work · Mitte"


async def test_not_what_i_meant_corrects_and_lands_in_the_review_queue(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("Ich suche eine Wohnung in Lörrach, meine Nummer ist 0176 12345678")
    seen = await offer_list(user)
    assert header_of(seen) == "🏠 Wohnen · Lörrach"
    await user.press("🔄 Das meinte ich nicht", message=seen[-1])
    question = await user.wait_for_reply(timeout=30)
    assert question["text"] == "Entschuldigung! Um welches Thema geht es?"
    assert "🩺 Gesundheit" in button_titles(question)
    await user.press("🩺 Gesundheit", message=question)
    seen = await offer_list(user)  # answered at once: the place is kept
    assert header_of(seen) == "🩺 Gesundheit · Lörrach"
    with session_scope(lotse.env["DATABASE_URL"]) as session:
        rows = session.scalars(select(QuestionLog).where(QuestionLog.intent == "correction")).all()
        texts = {(r.text, r.label) for r in rows}
    assert ("Ich suche eine Wohnung in Lörrach, meine Nummer ist [number]", "ask_health") in texts


async def test_the_privacy_notice_speaks_the_first_messages_language(lotse, new_user) -> None:
    user = new_user("de", first_contact=True)  # a German phone, a Russian message
    await user.send("Здравствуйте, я ищу квартиру в Лёррахе")
    replies = await answer(user)
    notice = replies[0]
    russian = section("ru", "lotse_gateway_texts")
    assert notice["text"].startswith(russian["privacy_notice"].split("{")[0][:30])
    assert button_titles(notice)[0] == russian["privacy_ok"]
    await settle(user)


async def test_an_unsure_reading_of_danger_leads_to_the_whole_emergency_answer(lotse, new_user):
    """Below the alarm, the numbers come in one line before the answer; its button gives the
    helplines and a person too (the message is a possible danger by both the classifier and the
    danger model, far from the alarm: tests/nlu/e2e_messages.yml, `possible_danger`)."""
    user = new_user("en")
    await user.send("My friend wrote me goodbye and does not answer the phone")
    replies = await answer(user)
    first = replies[0]
    assert first["text"].startswith(said("en", "utter_danger_hint"))
    assert button_titles(first)[0] == "🆘 I need help now"
    await user.press("🆘 I need help now", message=first)
    reply = await user.wait_for_reply(timeout=30)
    assert reply["text"] == said("en", "utter_emergency")
    assert button_titles(reply) == ["👤 Talk to a person", "🔄 Not what I meant"]


async def test_the_emergency_answer_can_be_corrected_to_a_topic(lotse, new_user) -> None:
    """Someone who got the emergency numbers but asked for something else gets there in two taps,
    and the message goes to the review queue with the topic chosen (an admin decides)."""
    user = new_user("de")
    await user.send("Mein Mann schlägt mich, ich brauche eine eigene Wohnung")
    reply = await user.wait_for_reply(timeout=30)
    assert reply["text"] == said("de", "utter_emergency")
    await user.press("🔄 Das meinte ich nicht", message=reply)
    question = await user.wait_for_reply(timeout=30)
    assert question["text"] == "Entschuldigung! Um welches Thema geht es?"
    await user.press("🏠 Wohnen", message=question)
    where = await user.wait_for_reply(timeout=30)
    assert where["text"].startswith(said("de", "utter_ask_location")[:20])
    await user.send("Lörrach")
    seen = await offer_list(user)
    assert header_of(seen) == "🏠 Wohnen · Lörrach"
    with session_scope(lotse.env["DATABASE_URL"]) as session:
        rows = session.scalars(select(QuestionLog).where(QuestionLog.intent == "correction")).all()
        texts = {(r.text, r.label) for r in rows}
    assert ("Mein Mann schlägt mich, ich brauche eine eigene Wohnung", "ask_housing") in texts


async def test_a_phrase_the_danger_model_doubts_gives_the_answer_with_the_line(lotse, new_user):
    """ "keine Luft bekommen" is an emergency phrase, but in this long message the danger model
    reads an ordinary course question (far below its doubt: tests/nlu/e2e_messages.yml): the
    course answer comes, with the line of numbers and its button before it, not the alarm."""
    user = new_user("de")
    await user.send(
        "Ich möchte einen Deutschkurs in Lörrach machen, damit ich beim Arzt sagen kann, "
        "dass ich keine Luft bekomme, wenn ich jogge"
    )
    seen = await offer_list(user)
    assert seen[0]["text"].startswith(said("de", "utter_danger_hint"))
    assert button_titles(seen[0])[0] == "🆘 Ich brauche jetzt Hilfe"
    assert f"{topic('de', 'language_course')} · Lörrach" in seen[0]["text"].split("\n")
