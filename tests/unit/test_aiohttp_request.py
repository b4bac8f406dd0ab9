"""PTB's Bot over bot/aiohttp_request.py, against the fake Bot API on loopback: messages and
keyboards arrive, and Telegram's errors and transport failures become PTB's own
exceptions (which its retry and rate-limit handling rely on)."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import timedelta

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.aiohttp_request import AiohttpRequest
from tests.e2e.fake_telegram import FakeTelegram
from tests.loopback import serve_app


def bot_for(base_url: str, token: str, **kw) -> Bot:
    return Bot(token, base_url=f"{base_url}/bot", request=AiohttpRequest(**kw))


async def test_messages_and_buttons_arrive() -> None:
    async with FakeTelegram() as fake:
        user = fake.user(5001, language_code="de")
        async with bot_for(fake.base_url, fake.token) as bot:
            assert bot.username == "lotse_test_bot"
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="t1")]])
            await bot.send_message(
                user.id, "Hallo <b>du</b>", parse_mode="HTML", reply_markup=keyboard
            )
            reply = await user.wait_for_reply(timeout=60)
            assert "Hallo" in reply["text"] and user.buttons(reply) == [[("Ja", "t1")]]


async def test_telegram_errors_become_ptb_exceptions() -> None:
    async with FakeTelegram() as fake:
        user = fake.user(5002)
        async with bot_for(fake.base_url, fake.token) as bot:
            fake.fail_next("sendMessage", status=429, retry_after=3)
            with pytest.raises(RetryAfter) as waited:
                await bot.send_message(user.id, "x")
            assert waited.value.retry_after in (3, timedelta(seconds=3))
            fake.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
            with pytest.raises(BadRequest):
                await bot.send_message(user.id, "x")


async def test_unreachable_is_network_error_and_silence_is_timed_out() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    request = AiohttpRequest(read_timeout=0.3)
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{closed}/bot1:x/getMe")

        async def silent(_request: web.Request) -> web.Response:
            await asyncio.sleep(1.5)
            return web.json_response({})

        app = web.Application()
        app.router.add_post("/{tail:.*}", silent)
        runner, url = await serve_app(app)
        try:
            with pytest.raises(TimedOut):
                await request.post(f"{url}/bot1:x/getMe")
        finally:
            await runner.cleanup()
    finally:
        await request.shutdown()


async def test_texts_go_as_json_and_files_as_multipart() -> None:
    """A message's parameters cross as one JSON body (not a urlencoded form, whose percent-
    encoding of every byte of an Arabic or Cyrillic text cost the gateway CPU); the values are
    PTB's JSON-encoded ones, which the Bot API reads as it reads form fields."""
    seen: list[tuple[str, dict]] = []

    async def record(request: web.Request) -> web.Response:
        if request.path.endswith("/getMe"):
            me = {"id": 1, "is_bot": True, "first_name": "Lotse", "username": "lotse_test_bot"}
            return web.json_response({"ok": True, "result": me})
        if request.content_type == "application/json":
            seen.append((request.content_type, await request.json()))
        else:
            seen.append((request.content_type, dict(await request.post())))
        message = {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"}}
        return web.json_response({"ok": True, "result": message})

    app = web.Application()
    app.router.add_post("/{tail:.*}", record)
    runner, url = await serve_app(app)
    try:
        async with bot_for(url, "1:x") as bot:
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("نعم", callback_data="t1")]])
            await bot.send_message(7, "مرحبا <b>بكم</b>", parse_mode="HTML", reply_markup=keyboard)
            await bot.send_document(7, b"%PDF-1.4 plan", filename="plan.pdf")
    finally:
        await runner.cleanup()
    (json_type, sent), (form_type, uploaded) = seen[-2:]
    assert json_type == "application/json" and sent["text"] == "مرحبا <b>بكم</b>"
    assert sent["chat_id"] == "7" and sent["parse_mode"] == "HTML"
    assert json.loads(sent["reply_markup"]) == {
        "inline_keyboard": [[{"text": "نعم", "callback_data": "t1"}]]
    }
    assert form_type == "multipart/form-data" and uploaded["chat_id"] == "7"
