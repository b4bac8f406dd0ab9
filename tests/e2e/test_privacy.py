"""Privacy end to end: the notice at first contact, deletion that leaves nothing behind."""

from __future__ import annotations

import httpx
import pytest

from lotse.db import session_scope
from lotse.requests import registry
from tests.cells import cells_mentioning
from tests.e2e.conftest import answer, button_titles, settle

pytestmark = pytest.mark.e2e


async def test_the_privacy_notice_comes_once_at_first_contact(lotse, new_user) -> None:
    user = new_user("de", first_contact=True)
    await user.send("Hallo")
    [notice] = await answer(user)  # the notice opens the answer, in one message
    assert notice["text"].startswith("Bevor es losgeht, zu Ihren Daten:")
    assert "90 Tage" in notice["text"] and "/delete" in notice["text"]
    assert "\n\nHallo! Ich bin Lotse." in notice["text"]
    assert button_titles(notice)[0] == "✅ Einverstanden"
    await user.press("✅ Einverstanden", message=notice)
    await user.send("Ich suche eine Wohnung in Lörrach")
    again = await user.wait_for_reply(timeout=30)
    assert again["text"].startswith(
        "🏠 Wohnen · Lörrach\nHier bekommen Sie Hilfe in Lörrach:"
    )  # no second notice
    await settle(user)


async def test_delete_erases_every_row_and_tracker_event(lotse, fake_api, new_user) -> None:
    url = lotse.env["DATABASE_URL"]
    desk_chat = -1_000_999
    fake_api.group(desk_chat, "Desk Berlin")
    with session_scope(url) as s:
        registry.save_desk(s, "Berlin", desk_chat)
    user = new_user("de", first_contact=True)
    ids = {f"tg:{user.id}", str(user.id)}
    await user.send("Ich suche eine Wohnung in Neukölln")
    await answer(user)
    await user.send("/language")
    menu = await user.wait_for_reply(timeout=30)
    await user.press("English", message=menu)
    await user.wait_for_reply(timeout=30)
    await user.send("I want to talk to a person")
    question = await user.wait_for_reply(timeout=30)
    while "suits you" not in question["text"]:  # topic and place may be asked
        if button_titles(question):
            await user.press(button_titles(question)[0], message=question)
        else:
            await user.send("Neukölln")
        question = await user.wait_for_reply(timeout=30)
    await user.press(button_titles(question)[0], message=question)
    how = await user.wait_for_reply(timeout=30)
    await user.press("💬 Answer here in Telegram", message=how)
    summary = await user.wait_for_reply(timeout=30)
    await user.press("✅ Send", message=summary)
    booked = await user.wait_for_reply(timeout=30)
    assert booked["text"].startswith("Done")
    post = await user.wait_for_reply(chat=fake_api._chats[desk_chat], timeout=15)
    assert cells_mentioning(url, ids), "the conversation left rows before deletion"

    await user.send("Please delete my data")
    confirm = await user.wait_for_reply(timeout=30)
    assert confirm["text"].startswith("Shall I delete everything")
    await user.press("🗑 Yes, delete everything", message=confirm)
    done = await user.wait_for_reply(timeout=30)
    assert done["text"] == "Done. Everything Lotse had stored about you has been deleted."
    assert cells_mentioning(url, ids) == []
    async with httpx.AsyncClient(timeout=30) as http:
        token = {"token": lotse.env["LOTSE_SERVICE_TOKEN"]}
        path = f"{lotse.rasa_url}/conversations/tg:{user.id}/tracker"
        tracker = (await http.get(path, params=token)).json()
    assert tracker["events"] == [] or all(e["event"] != "user" for e in tracker["events"])
    await fake_api.wait_until(
        lambda: any("zurückgezogen" in m["text"] for m in fake_api.messages(desk_chat)), 15
    )  # the desk learns the request was withdrawn, without personal data
    assert post["text"] in [m["text"] for m in fake_api.messages(desk_chat)]


async def test_delete_can_be_declined(lotse, new_user) -> None:
    user = new_user("de")
    await user.send("/delete")
    confirm = await user.wait_for_reply(timeout=30)
    assert confirm["text"].startswith("Soll ich alles löschen")
    await user.press("✖️ Nein", message=confirm)
    assert (await user.wait_for_reply(timeout=30))[
        "text"
    ] == "In Ordnung, es wurde nichts gelöscht."


async def test_retention_erases_the_tracker_in_rasas_memory(lotse, new_user, monkeypatch) -> None:
    """An unconsented conversation is gone after a day from the database and from Rasa's
    tracker too (issue 14, item 2), with the clock moved on; the real Rasa's tracker store
    (in memory here, SQL on the scale-out stack)."""
    from datetime import timedelta

    from bot import retention
    from bot.rasa_client import RasaClient
    from lotse.models import ConversationSettings, utcnow
    from lotse.settings import load_settings

    user = new_user("de", first_contact=True)  # the notice is shown; no consent is given
    await user.send("Ich suche eine Wohnung in Lörrach")
    await answer(user)
    for name in ("DATABASE_URL", "LOTSE_TRACKER_STORE_URL", "LOTSE_RETENTION_DAYS"):
        if name in lotse.env:
            monkeypatch.setenv(name, lotse.env[name])
    load_settings.cache_clear()
    token = lotse.env["LOTSE_SERVICE_TOKEN"]
    rasa = RasaClient(lotse.rasa_url, token=token)
    try:
        done = await retention.purge(load_settings(), rasa, utcnow() + timedelta(days=2))
    finally:
        await rasa.close()
        load_settings.cache_clear()
    assert done["trackers"] >= 1
    with session_scope(lotse.env["DATABASE_URL"]) as s:
        assert s.get(ConversationSettings, f"tg:{user.id}") is None
    async with httpx.AsyncClient(timeout=30) as http:
        path = f"{lotse.rasa_url}/conversations/tg:{user.id}/tracker"
        tracker = (await http.get(path, params={"token": token})).json()
    assert not [e for e in tracker["events"] if e["event"] == "user"]
