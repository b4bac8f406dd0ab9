"""The Telegram handlers with updates that lack what PTB's types allow to be missing (no
message, no location, no contact, no pressed button, no job queue): each is checked and the
handler returns, instead of failing on None (issue 15, mypy --strict on bot/)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from telegram import CallbackQuery, Chat, Contact, Message, Update, User

from bot import jobs, request_handlers, telegram_app
from bot.flood import FloodLimit
from bot.replies import Chat as LotseChat
from bot.replies import Reply
from bot.telegram_app import HeldMessage

WHEN = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
PRIVATE = Chat(id=42, type="private")
ANNA = User(id=42, first_name="Anna", is_bot=False)


class FakeGateway:
    """Records what reached the gateway; answers every text with "ok"."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    async def on_location(self, chat: LotseChat, lat: float, lon: float) -> list[Reply]:
        self.calls.append(("location", (lat, lon)))
        return [Reply("place")]

    async def on_text(self, chat: LotseChat, text: str) -> list[Reply]:
        self.calls.append(("text", text))
        return [Reply("ok")]

    async def text_reply(self, chat: LotseChat, key: str) -> Reply:
        self.calls.append(("text_reply", key))
        return Reply(key)

    async def on_contact(self, chat: LotseChat, phone: str, own: bool) -> list[Reply]:
        self.calls.append(("contact", (phone, own)))
        return [Reply("thanks")]

    async def redeem(self, chat: LotseChat, token: str) -> str | None:
        self.calls.append(("redeem", token))
        return "/greet"


class FakeBot:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str, **_: object) -> None:
        self.sent.append((chat_id, text))


def context(job_queue: object = None, job: object = None, **bot_data: object) -> Any:
    gateway = FakeGateway()
    data: dict[str, object] = {"gateway": gateway, **bot_data}
    return SimpleNamespace(
        application=SimpleNamespace(bot_data=data),
        bot=FakeBot(),
        job_queue=job_queue,
        job=job,
    )


def message(**fields: object) -> Message:
    return Message(1, date=WHEN, chat=PRIVATE, from_user=ANNA, **fields)  # type: ignore[arg-type]


async def test_an_edited_message_without_a_location_is_not_taken_for_one() -> None:
    ctx = context()
    await telegram_app.on_location(Update(1, edited_message=message(text="hi")), ctx)
    assert ctx.application.bot_data["gateway"].calls == [] and ctx.bot.sent == []


async def test_a_location_still_reaches_the_gateway() -> None:
    from telegram import Location

    ctx = context()
    update = Update(1, message=message(location=Location(longitude=7.66, latitude=47.61)))
    await telegram_app.on_location(update, ctx)
    assert ctx.application.bot_data["gateway"].calls == [("location", (47.61, 7.66))]
    assert ctx.bot.sent == [(42, "place")]


async def test_a_contact_update_without_a_contact_is_ignored() -> None:
    ctx = context()
    await request_handlers.on_contact(Update(1, message=message(text="0176")), ctx)
    assert ctx.application.bot_data["gateway"].calls == [] and ctx.bot.sent == []


async def test_a_shared_contact_is_the_clients_own_only_with_the_same_user() -> None:
    ctx = context()
    contact = Contact(phone_number="+49 176 1", first_name="Anna", user_id=42)
    await request_handlers.on_contact(Update(1, message=message(contact=contact)), ctx)
    assert ctx.application.bot_data["gateway"].calls == [("contact", ("+49 176 1", True))]


async def test_a_desk_press_without_a_query_is_ignored() -> None:
    ctx = context()
    await request_handlers.on_desk_button(Update(1, message=message(text="x")), ctx, "d:take:1")
    assert ctx.bot.sent == []


async def test_an_update_without_a_pressed_button_is_not_redeemed() -> None:
    ctx = context()
    await telegram_app.on_button(Update(1, message=message(text="x")), ctx)
    assert ctx.application.bot_data["gateway"].calls == [] and ctx.bot.sent == []


async def test_a_press_without_a_chat_is_not_redeemed() -> None:
    ctx = context()
    query = CallbackQuery("q", from_user=ANNA, chat_instance="c", data="token")
    await telegram_app.on_button(Update(1, callback_query=query), ctx)
    assert ctx.application.bot_data["gateway"].calls == []


async def test_a_flood_warning_without_a_job_queue_still_warns() -> None:
    """Without PTB's job queue the burst's last message cannot be answered later; the warning
    still goes, and the handler does not fail."""
    ctx = context(flood=FloodLimit(max_messages=0, clock=lambda: 0.0))
    await telegram_app.on_text(Update(1, message=message(text="hallo")), ctx)
    assert ctx.application.bot_data["gateway"].calls == [("text_reply", "slow_down")]
    assert ctx.bot.sent == [(42, "slow_down")]


async def test_a_flood_warning_schedules_the_held_answer() -> None:
    scheduled: list[tuple[object, float, object]] = []
    queue = SimpleNamespace(run_once=lambda cb, when, data: scheduled.append((cb, when, data)))
    ctx = context(job_queue=queue, flood=FloodLimit(max_messages=0, clock=lambda: 0.0))
    await telegram_app.on_text(Update(1, message=message(text="hallo")), ctx)
    [(callback, _, data)] = scheduled
    assert callback is telegram_app.answer_held
    assert data == HeldMessage(LotseChat("tg:42", None, 42), 42)


async def test_the_held_answer_goes_to_its_chat() -> None:
    flood = FloodLimit(max_messages=0, clock=lambda: 0.0)
    flood.check("tg:42", "the last one")
    held = HeldMessage(LotseChat("tg:42", None, 42), 42)
    ctx = context(job=SimpleNamespace(data=held), flood=flood)
    await telegram_app.answer_held(ctx)
    assert ctx.application.bot_data["gateway"].calls == [("text", "the last one")]
    assert ctx.bot.sent == [(42, "ok")]


async def test_a_job_without_its_held_message_answers_nobody() -> None:
    ctx = context(job=SimpleNamespace(data=("tg:42", 42)), flood=FloodLimit())
    await telegram_app.answer_held(ctx)
    ctx = context(job=None, flood=FloodLimit())
    await telegram_app.answer_held(ctx)
    assert ctx.application.bot_data["gateway"].calls == [] and ctx.bot.sent == []


def test_the_repeating_jobs_need_ptbs_job_queue() -> None:
    """Without it nothing would ever send the outbox: the gateway refuses to start, and says
    what is missing."""
    application: Any = SimpleNamespace(job_queue=None, bot_data={"outbox": object()})
    with pytest.raises(RuntimeError, match=r"job-queue"):
        jobs.start(application, SimpleNamespace(outbox_interval_seconds=0.5))  # type: ignore[arg-type]
