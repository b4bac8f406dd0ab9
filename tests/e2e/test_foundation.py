"""The foundation's promises, end to end: Telegram (fake) → gateway → Rasa → actions → database."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import answer, ends_offer_list, parts, replies_until

pytestmark = pytest.mark.e2e


def is_card(name: str):
    return lambda m: name in (m.get("text") or "")


def buttons(message: dict) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [b["text"] for row in rows for b in row]


async def test_german_housing_question_in_loerrach(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("Ich suche eine Wohnung in Lörrach")
    seen = await replies_until(user, ends_offer_list)
    [answer] = seen  # the header, three cards and the buttons: one Telegram message
    texts = parts(seen)
    assert texts[0] == "🏠 Wohnen · Lörrach\nHier bekommen Sie Hilfe in Lörrach:"
    card = answer
    text = next(t for t in texts if "Fachstelle Wohnen der Stadt Lörrach" in t)
    # name, what they do, address with map link, phone, hours with "open now / next open",
    # languages, from the demo catalogue in the database
    assert "📍 Modellweg 119, 79539 Lörrach" in text
    assert "📞 +49 7621 555 0938" in text
    assert "🕒 Mo–Fr 8:30–12:00; Do 14:00–17:00 · " in text
    assert any(
        w in text
        for w in ("jetzt geöffnet bis", "öffnet heute um", "öffnet morgen um", "öffnet wieder am")
    )
    assert "🗣 Arabisch, Deutsch, Englisch" in text
    entities = {e["type"] for e in card.get("entities") or []}
    assert {"bold", "text_link"} <= entities, card.get("entities")
    assert len(texts) == 4  # a header and three cards
    bold = [e for e in card.get("entities") or [] if e["type"] == "bold"]
    assert len(bold) == 3  # each card's name


async def test_english_question_gets_an_english_answer(lotse, new_user) -> None:
    user = new_user("en")
    await user.send("I am looking for a flat in Loerrach")
    seen = await replies_until(user, ends_offer_list)
    assert parts(seen)[0] == "🏠 Housing · Lörrach\nHere is where you can get help in Lörrach:"


async def test_without_a_place_lotse_asks_then_answers(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("Ich brauche Hilfe bei der Jobsuche")
    question = await user.wait_for_reply(timeout=30)
    assert question["text"] == "In welchem Ort oder Berliner Bezirk wohnen Sie?"
    await user.send("ich wohne in schopfheim")
    # Jobcenter or Agentur für Arbeit: that depends on the residence status, so Lotse asks
    status = await user.wait_for_reply(timeout=30)
    assert status["text"].startswith("Wer hier für Sie zuständig ist")
    assert "Duldung" in buttons(status)
    await user.press("Duldung", message=status)
    seen = await replies_until(user, ends_offer_list)
    assert parts(seen)[0] == "💼 Arbeit · Schopfheim\nHier bekommen Sie Hilfe in Schopfheim:"
    names = " ".join(m["text"] for m in seen)
    assert "Agentur für Arbeit" in names and "Jobcenter" not in names


async def test_unknown_place_is_named_and_asked_again(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("Ich suche einen Deutschkurs")
    assert "wohnen Sie" in (await user.wait_for_reply(timeout=30))["text"]
    await user.send("Atlantis")
    replies = await answer(user, quiet=3)
    assert len(replies) == 1, [r["text"] for r in replies]
    text = replies[0]["text"]
    assert "„Atlantis“ kenne ich leider nicht" in text
    assert "Berlin" in text and "Landkreis Lörrach" in text  # honest about what is covered
    assert buttons(replies[0]) == ["👤 Mit einem Menschen sprechen"]  # and the callback offer
    await user.send("Neukölln")
    seen = await replies_until(user, ends_offer_list)
    assert any("Volkshochschule Neukölln" in m["text"] for m in seen)


async def test_start_buttons_lead_to_offers(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("/start")
    greeting = await user.wait_for_reply(timeout=30)
    assert greeting["text"].startswith("Hallo! Ich bin Lotse.")
    assert "🏠 Wohnen" in buttons(greeting)
    await user.press("🏠 Wohnen")
    question = await user.wait_for_reply(timeout=30)
    assert question["text"] == "In welchem Ort oder Berliner Bezirk wohnen Sie?"
    await user.send("Weil am Rhein")
    seen = await replies_until(user, ends_offer_list)
    assert "Fachstelle Wohnen der Stadt Weil am Rhein" in parts(seen)[1]


async def test_language_command_switches_the_reply_language(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("/language")
    menu = await user.wait_for_reply(timeout=30)
    assert menu["text"] == "Bitte wählen Sie Ihre Sprache:"
    assert buttons(menu) == [
        "Deutsch",
        "English",
        "العربية",
        "Українська",
        "Русский",
        "Türkçe",
        "فارسی / دری",
        "Français",
    ]
    await user.press("Українська")
    confirmation = await user.wait_for_reply(timeout=30)
    assert "українською" in confirmation["text"].lower()
    # the explicit choice wins over the message language and the app language
    await user.send("Ich suche eine Wohnung in Lörrach")
    seen = await replies_until(user, ends_offer_list)
    intro = seen[0]["text"]
    assert "Lörrach" in intro and any("а" <= ch <= "я" for ch in intro.lower()), intro


async def test_non_text_messages_get_a_clear_answer(lotse, new_user) -> None:
    user = new_user("en")
    for send in (user.send_sticker, user.send_voice, user.send_photo, user.send_document):
        await send()
        reply = await user.wait_for_reply(timeout=30)
        assert reply["text"].startswith("Please write your question as text.")


async def test_forged_button_data_is_refused(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("/start")
    greeting = await user.wait_for_reply(timeout=30)
    await user.press(callback_data="/ask_housing", message=greeting)  # a payload, not a token
    reply = await user.wait_for_reply(timeout=30)
    assert (
        reply["text"] == "Dieser Knopf gilt nicht mehr. Bitte schreiben Sie Ihre Frage noch einmal."
    )
    # a token issued to another user is refused just the same
    other = new_user("de")
    await other.send("/start")
    foreign = await other.wait_for_reply(timeout=30)
    token = foreign["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await user.press(callback_data=token, message=greeting)
    assert (await user.wait_for_reply(timeout=30))["text"].startswith("Dieser Knopf gilt nicht")


async def test_unknown_command_and_help(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("/frobnicate")
    assert (await user.wait_for_reply(timeout=30))["text"].startswith("Diesen Befehl kenne ich")
    await user.send("/help")
    assert "/language" in (await user.wait_for_reply(timeout=30))["text"]


async def test_a_4096_character_message_is_answered(lotse, new_user) -> None:
    user = new_user("de")
    await user.send(("Ich suche eine Wohnung in Lörrach. " * 200)[:4096])
    await replies_until(user, ends_offer_list)
