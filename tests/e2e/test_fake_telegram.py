"""Checks the fake Bot API against a real python-telegram-bot 22 Application.

Why: the e2e suite is only as trustworthy as the fake; these tests prove that PTB parses
everything the fake sends and that the fake's polling, errors and fault injection behave like
Telegram. No fixed sleeps: every wait is event-driven with a timeout.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from tests.e2e.fake_telegram import FakeTelegram

Context = ContextTypes.DEFAULT_TYPE


class Recorder:
    """What the bot's handlers saw, so tests can assert on the bot side too."""

    def __init__(self) -> None:
        self.update_ids: list[int] = []
        self.errors: list[BaseException] = []
        self.error_seen = asyncio.Event()


def build_app(fake: FakeTelegram, seen: Recorder) -> Application:
    api = fake.base_url
    app = (
        Application.builder()
        .token(fake.token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .build()
    )

    async def record(update: Update, context: Context) -> None:
        seen.update_ids.append(update.update_id)

    async def start(update: Update, context: Context) -> None:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Ja", callback_data="yes"),
                    InlineKeyboardButton("Nein", callback_data="no"),
                ]
            ]
        )
        await update.effective_message.reply_text("Willkommen!", reply_markup=keyboard)

    async def edited(update: Update, context: Context) -> None:
        await update.effective_message.reply_text(f"edited: {update.effective_message.text}")

    async def echo(update: Update, context: Context) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    async def button(update: Update, context: Context) -> None:
        query = update.callback_query
        await query.answer(f"got {query.data}")
        await query.edit_message_text(f"chosen: {query.data}")

    def reply_kind(kind: str, message_filter: filters.BaseFilter) -> MessageHandler:
        async def reply(update: Update, context: Context) -> None:
            await update.effective_message.reply_text(kind)

        return MessageHandler(message_filter, reply)

    async def on_error(update: object, context: Context) -> None:
        seen.errors.append(context.error)
        seen.error_seen.set()

    app.add_handler(TypeHandler(Update, record), group=-1)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))
    kinds = {
        "sticker": filters.Sticker.ALL,
        "voice": filters.VOICE,
        "photo": filters.PHOTO,
        "document": filters.Document.ALL,
        "contact": filters.CONTACT,
        "location": filters.LOCATION,
    }
    for kind, message_filter in kinds.items():
        app.add_handler(reply_kind(kind, message_filter))
    app.add_error_handler(on_error)
    return app


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server
    assert server.unknown_methods == [], "the bot called Bot API methods the fake lacks"


@pytest.fixture
def seen() -> Recorder:
    return Recorder()


@pytest.fixture
async def app(fake: FakeTelegram, seen: Recorder) -> AsyncIterator[Application]:
    application = build_app(fake, seen)
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


async def test_start_shows_keyboard_and_press_edits(fake: FakeTelegram, app: Application) -> None:
    user = fake.user(1001, first_name="Anna")
    await user.send("/start")
    reply = await user.wait_for_reply()
    assert reply["text"] == "Willkommen!"
    assert reply["from"]["is_bot"]
    assert isinstance(reply["date"], int)
    assert user.buttons(reply) == [[("Ja", "yes"), ("Nein", "no")]]

    query = await user.press("Nein")
    assert query["data"] == "no"
    assert query["chat_instance"]
    edited = await user.wait_for_edit(reply)
    assert edited["text"] == "chosen: no"
    assert "reply_markup" not in edited
    assert [a["text"] for a in fake.callback_answers] == ["got no"]
    assert user.messages == [edited]

    await user.press(callback_data="forged")  # keyboard is gone, data is forged
    assert (await user.wait_for_edit(edited))["text"] == "chosen: forged"
    assert user.unread == []  # edits are not new messages


async def test_text_echo_and_edit(fake: FakeTelegram, app: Application) -> None:
    user = fake.user(1002)
    sent = await user.send("Hallo Lotse")
    assert (await user.wait_for_reply())["text"] == "Hallo Lotse"
    await user.edit(sent, "Hallo nochmal")
    assert (await user.wait_for_reply())["text"] == "edited: Hallo nochmal"


async def test_media_kinds_reach_their_handlers(fake: FakeTelegram, app: Application) -> None:
    user = fake.user(1003)
    await user.send_sticker()
    await user.send_voice()
    await user.send_photo(caption="Bild")
    await user.send_document()
    await user.send_contact("+491701234567")
    await user.send_location(52.52, 13.40)
    replies = await user.wait_for_messages(6)
    assert sorted(m["text"] for m in replies) == sorted(
        ["sticker", "voice", "photo", "document", "contact", "location"]
    )


async def test_group_chat(fake: FakeTelegram, app: Application) -> None:
    group = fake.group(-100123, "Lotsen")
    user = fake.user(1004)
    await user.send("/start", chat=group)
    await user.send("hallo gruppe", chat=group)
    first, second = await user.wait_for_messages(2, chat=group)
    assert first["chat"] == group
    assert second["text"] == "hallo gruppe"
    assert user.messages == []  # nothing went to the private chat


# PTB 22.8 itself warns when building RetryAfter unless PTB_TIMEDELTA=1 is set.
@pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
async def test_retry_after_is_visible_to_bot(
    fake: FakeTelegram, app: Application, seen: Recorder
) -> None:
    user = fake.user(1005)
    fake.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter, match=r"Retry in (3 seconds|0:00:03)"):
        await app.bot.send_message(user.id, "direct")

    fake.fail_next("sendMessage", status=429, retry_after=1)
    await user.send("wird gedrosselt")
    await asyncio.wait_for(seen.error_seen.wait(), timeout=5)
    assert isinstance(seen.errors[0], RetryAfter)
    assert fake.messages(user.id) == []  # failed calls store nothing

    await user.send("jetzt klappt es")
    assert (await user.wait_for_reply())["text"] == "jetzt klappt es"


async def test_unknown_method_fails_loudly(fake: FakeTelegram, app: Application) -> None:
    user = fake.user(1006)
    with pytest.raises(TelegramError, match="does not implement sendDice"):
        await app.bot.send_dice(user.id)
    assert fake.unknown_methods == ["sendDice"]
    fake.unknown_methods.clear()  # expected here; the fixture asserts it stays empty elsewhere


async def test_updates_are_delivered_once(
    fake: FakeTelegram, app: Application, seen: Recorder
) -> None:
    user = fake.user(1007)
    texts = [f"nachricht {i}" for i in range(5)]
    for text in texts:
        await user.send(text)
    replies = await user.wait_for_messages(5)
    assert [m["text"] for m in replies] == texts
    assert sorted(seen.update_ids) == [u["update_id"] for _, u in fake.updates]
    assert not [i for i, n in Counter(seen.update_ids).items() if n > 1]
    assert not [i for i, n in Counter(fake.delivered).items() if n > 1]
    latency = fake.sent[-1].at - fake.updates[-1][0]
    assert 0 < latency < 5


async def test_wait_timeout_names_what_arrived(fake: FakeTelegram, app: Application) -> None:
    user = fake.user(1008)
    await user.send("eins")
    with pytest.raises(TimeoutError, match=r"2 new bot message\(s\).*'eins'"):
        await user.wait_for_messages(2, timeout=0.5)
    assert [m["text"] for m in user.unread] == ["eins"]  # a failed wait keeps the cursor


async def test_html_is_rendered_and_validated(fake: FakeTelegram, app: Application) -> None:
    user = fake.user(1009)
    message = await app.bot.send_message(user.id, "<b>Hi</b> &amp; du", parse_mode="HTML")
    assert message.text == "Hi & du"
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await app.bot.send_message(user.id, "a<br>b", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await app.bot.send_message(424242, "niemand")
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await app.bot.edit_message_text("Hi & du", chat_id=user.id, message_id=message.message_id)


async def test_raw_http_protocol(fake: FakeTelegram) -> None:
    """Without PTB: token check, body formats, offset confirmation, long-poll wake-up."""
    user = fake.user(1010)
    api = f"{fake.base_url}/bot{fake.token}"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{fake.base_url}/bot1:WRONG/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with http.post(f"{api}/getme") as response:  # method names are case-insensitive
            assert (await response.json())["result"]["is_bot"] is True

        markup = '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'
        async with http.post(
            f"{api}/sendMessage",
            data={"chat_id": str(user.id), "text": "form", "reply_markup": markup},
        ) as response:
            assert (await response.json())["result"]["reply_markup"]["inline_keyboard"]
        async with http.post(
            f"{api}/sendMessage", json={"chat_id": user.id, "text": "json"}
        ) as response:
            assert (await response.json())["result"]["message_id"] == 2

        await user.send("a")
        await user.send("b")
        async with http.get(f"{api}/getUpdates", params={"limit": "1"}) as response:
            first = (await response.json())["result"]
        assert len(first) == 1
        offset = first[0]["update_id"] + 1
        async with http.post(f"{api}/getUpdates", json={"offset": offset}) as response:
            rest = (await response.json())["result"]
        assert [u["message"]["text"] for u in rest] == ["b"]

        poll = asyncio.create_task(
            http.post(f"{api}/getUpdates", json={"offset": offset + 1, "timeout": 5})
        )
        await fake.wait_until(lambda: sum(m == "getUpdates" for m, _ in fake.calls) == 3)
        started = time.monotonic()
        await user.send("c")
        async with await poll as response:
            woke = (await response.json())["result"]
        assert [u["message"]["text"] for u in woke] == ["c"]
        assert time.monotonic() - started < 2

        fake.fail_next("getMe", status=500)
        async with http.post(f"{api}/getMe") as response:
            assert response.status == 500
            assert (await response.json())["error_code"] == 500
        async with http.post(f"{api}/getChat") as response:
            body = await response.json()
    assert body == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: fake Bot API does not implement getChat",
    }
    fake.unknown_methods.clear()


async def test_other_methods_parse_in_ptb(fake: FakeTelegram, app: Application) -> None:
    """Every remaining implemented method answers something PTB accepts."""
    bot, user = app.bot, fake.user(1011)
    await bot.set_my_commands([("start", "Los geht's")], language_code="de")
    assert [c.command for c in await bot.get_my_commands(language_code="de")] == ["start"]
    assert await bot.get_my_commands() == ()
    assert await bot.delete_my_commands(language_code="de")
    assert await bot.send_chat_action(user.id, "typing")
    assert fake.chat_actions == [{"chat_id": user.id, "action": "typing"}]

    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    message = await bot.send_message(user.id, "mit Knopf", reply_markup=keyboard)
    edited = await message.edit_reply_markup(reply_markup=None)
    assert edited.reply_markup is None
    assert await bot.edit_message_text("inline", inline_message_id="abc") is True
    assert await message.delete()
    assert user.messages == []
    assert fake.deleted == [(user.id, message.message_id)]

    assert (await bot.get_webhook_info()).url == ""
    assert await bot.set_webhook("https://example.invalid/hook")
    assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
    assert await bot.delete_webhook()
