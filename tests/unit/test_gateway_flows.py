"""The gateway's flows without a trained model: a scripted Rasa, a real database. A change to the
privacy flow, the fallback or the desk is caught here in seconds (issue 15, item 6)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.conversation import Gateway
from bot.facilitators import FacilitatorDesk
from bot.rasa_client import RasaUnavailable
from bot.replies import Chat, Reply
from lotse import catalogue
from lotse.buttons import redeem_token
from lotse.db import session_scope
from lotse.i18n import section
from lotse.models import ConversationSettings
from lotse.protocol import DESK_PREFIX, GATEWAY_PAYLOAD_KEY, LEAVE_CALLBACK, PRIVACY_PREFIX
from lotse.requests import callbacks, registry
from lotse.requests.models import CallbackRequest
from lotse.runtime import migrate
from lotse.settings import load_settings
from tests.conftest import fresh_database_url


class ScriptedRasa:
    """Answers every message with `answer` and the language fact the action server sends; or
    is down. Records what it was sent and which trackers it was asked to erase."""

    def __init__(self, language: str = "de") -> None:
        self.language = language
        self.down = False
        self.sent: list[str] = []
        self.erased: list[str] = []
        self.answer = "Hallo! Ich bin Lotse."

    async def send(self, sender: str, message: str, metadata: dict) -> list[dict]:
        if self.down:
            raise RasaUnavailable("scripted outage")
        self.sent.append(message)
        fact = {GATEWAY_PAYLOAD_KEY: {"language": self.language, "intent": "greet"}}
        return [{"text": self.answer}, {"custom": fact}]

    async def erase_tracker(self, sender: str) -> None:
        self.erased.append(sender)

    def replicas_for(self, sender: str) -> list[str]:
        return ["http://rasa.test"]

    @property
    def replicas(self) -> int:
        return 1


@pytest.fixture()
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = fresh_database_url(tmp_path)
    migrate.upgrade(url)
    with session_scope(url) as s:
        catalogue.import_path(s, catalogue.DEMO_PLACES)
        registry.save_desk(s, "Landkreis Lörrach", -100)
        registry.save_facilitator(s, 501, "Anna", ["Landkreis Lörrach"], ["de", "ar"])
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("LOTSE_DEFAULT_REGION", "Landkreis Lörrach")
    load_settings.cache_clear()
    yield url
    load_settings.cache_clear()


def make_gateway(rasa: ScriptedRasa) -> tuple[Gateway, list[int]]:
    nudges: list[int] = []
    gateway = Gateway(
        rasa,  # type: ignore[arg-type]
        desk=FacilitatorDesk(notify=lambda: nudges.append(1)),
        after_turn=lambda: nudges.append(1),
    )
    return gateway, nudges


def texts(language: str) -> dict:
    return section(language, "lotse_gateway_texts")


def titles(reply: Reply) -> list[str]:
    return [b.title for row in reply.buttons for b in row]


async def payload_of(url: str, chat: Chat, reply: Reply, title: str) -> str:
    token = next(b.token for row in reply.buttons for b in row if b.title == title)
    with session_scope(url) as s:
        button = redeem_token(s, chat.conversation_id, token)
        assert button is not None
        return button.payload


async def test_the_notice_comes_once_in_the_first_messages_language(url: str) -> None:
    rasa = ScriptedRasa(language="ru")
    gateway, _ = make_gateway(rasa)
    chat = Chat("tg:11", language_code="de")  # a German phone, a Russian message
    first = await gateway.on_text(chat, "Здравствуйте")
    russian = texts("ru")
    assert first[0].text.startswith(russian["privacy_notice"].split("{")[0][:20])
    assert titles(first[0]) == [russian["privacy_ok"]]
    assert first[1].text == "Hallo! Ich bin Lotse."
    again = await gateway.on_text(chat, "ещё вопрос")
    assert [r.text for r in again] == ["Hallo! Ich bin Lotse."]  # no second notice
    ok = await payload_of(url, chat, first[0], russian["privacy_ok"])
    assert ok == f"{PRIVACY_PREFIX}ok"
    assert await gateway.on_payload(chat, ok) == []  # consent recorded quietly
    with session_scope(url) as s:
        stored = s.scalar(
            select(ConversationSettings).where(ConversationSettings.conversation_id == "tg:11")
        )
        assert stored is not None and stored.consent_at is not None


async def test_delete_asks_first_then_erases_rows_and_tracker(url: str) -> None:
    rasa = ScriptedRasa()
    gateway, _ = make_gateway(rasa)
    chat = Chat("tg:12", language_code="de")
    await gateway.on_text(chat, "Hallo")
    [question] = await gateway.on_delete_command(chat)
    de = texts("de")
    assert titles(question) == [de["delete_yes"], de["delete_no"]]
    keep = await payload_of(url, chat, question, de["delete_no"])
    assert [r.text for r in await gateway.on_payload(chat, keep)] == [de["delete_kept"]]
    [question] = await gateway.on_delete_command(chat)
    delete = await payload_of(url, chat, question, de["delete_yes"])
    [done] = await gateway.on_payload(chat, delete)
    assert done.text == de["deleted"]
    assert rasa.erased == ["tg:12"]
    with session_scope(url) as s:
        rows = s.scalars(
            select(ConversationSettings).where(ConversationSettings.conversation_id == "tg:12")
        ).all()
        assert rows == []


async def test_rasa_down_still_answers_and_takes_a_callback_request(url: str) -> None:
    rasa = ScriptedRasa()
    gateway, nudges = make_gateway(rasa)
    chat = Chat("tg:13", language_code="de")
    await gateway.on_text(chat, "Hallo")
    rasa.down = True
    [reply] = await gateway.on_text(chat, "Ich suche Arbeit")
    de = texts("de")
    assert reply.text == de["unavailable"] and titles(reply) == [de["leave_callback"]]
    assert await payload_of(url, chat, reply, de["leave_callback"]) == LEAVE_CALLBACK
    [stored] = await gateway.on_payload(chat, LEAVE_CALLBACK)
    with session_scope(url) as s:
        request = callbacks.open_request(s, "tg:13")
        assert request is not None and request.topic == "general"
        assert stored.text == de["callback_stored"].format(reference=request.reference)
    assert nudges  # the desk post goes out now
    await gateway.on_payload(chat, LEAVE_CALLBACK)  # pressed twice: still one request
    with session_scope(url) as s:
        assert len(s.scalars(select(CallbackRequest)).all()) == 1


async def test_rasa_down_an_emergency_still_gets_the_numbers(url: str) -> None:
    rasa = ScriptedRasa()
    rasa.down = True
    gateway, _ = make_gateway(rasa)
    replies = await gateway.on_text(Chat("tg:14", "de"), "Hilfe, mein Mann schlägt mich")
    assert "112" in replies[0].text and "116 016" in replies[0].text  # before the notice
    assert replies[-1].text.startswith(texts("de")["privacy_notice"][:20])


async def test_an_emergency_answer_comes_before_the_privacy_notice(url: str) -> None:
    rasa = ScriptedRasa()
    rasa.answer = "Rufen Sie sofort 112 an."

    async def emergency(sender: str, message: str, metadata: dict) -> list[dict]:
        fact = {GATEWAY_PAYLOAD_KEY: {"language": "de", "intent": "emergency"}}
        return [{"text": rasa.answer}, {"custom": fact}]

    rasa.send = emergency  # type: ignore[method-assign]
    gateway, _ = make_gateway(rasa)
    replies = await gateway.on_text(Chat("tg:17", "de"), "er hat ein Messer")
    assert replies[0].text == "Rufen Sie sofort 112 an." and replies[0].urgent
    assert replies[1].text.startswith(texts("de")["privacy_notice"][:20])


async def test_forged_and_stale_buttons_are_refused(url: str) -> None:
    gateway, _ = make_gateway(ScriptedRasa())
    chat = Chat("tg:15", "de")
    [reply] = await gateway.on_button(chat, "forged-token")
    assert reply.text == texts("de")["button_expired"]
    [desk] = await gateway.on_payload(chat, f"{DESK_PREFIX}take:1")  # a desk payload in a chat
    assert desk.text == texts("de")["button_expired"]


async def test_the_desk_take_has_one_winner_and_strangers_are_refused(url: str) -> None:
    desk = FacilitatorDesk()
    with session_scope(url) as s:
        request = callbacks.book(
            s,
            callbacks.Booking(
                conversation_id="tg:16",
                client_chat_id=16,
                topic="work",
                place="Lörrach",
                language="de",
                preferred_day=date(2026, 12, 8),
                preferred_part="am",
            ),
        )
        request_id = request.id
    stranger = await desk.on_desk_button(999, f"{DESK_PREFIX}take:{request_id}")
    assert stranger.alert  # not registered for the region: an alert only to the presser
    taken = await desk.on_desk_button(501, f"{DESK_PREFIX}take:{request_id}")
    assert not taken.alert
    again = await desk.on_desk_button(501, f"{DESK_PREFIX}take:{request_id}")
    assert again.alert  # already taken (by Anna herself)
    with session_scope(url) as s:
        assert s.get(CallbackRequest, request_id).status == "claimed"


async def test_a_turn_reads_once_and_writes_once(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first contact's offer answer — the desk check, the languages, the notice, the reply
    language and the tokens of every button — costs the database two transactions: one read
    before Rasa, one write after (issue 15, item 4)."""
    from bot import conversation, facilitators, privacy_flow, rasa_turn

    calls: list[str] = []
    real = conversation.in_session

    async def counting(work):  # type: ignore[no-untyped-def]
        calls.append(getattr(work, "__name__", "?"))
        return await real(work)

    for module in (conversation, facilitators, privacy_flow, rasa_turn):
        monkeypatch.setattr(module, "in_session", counting)
    rasa = ScriptedRasa(language="en")

    async def offers(sender: str, message: str, metadata: dict) -> list[dict]:
        card = {"name": "Job centre", "opening": "open now"}
        buttons = [{"title": "More", "payload": "/more_offers"}]
        fact = {GATEWAY_PAYLOAD_KEY: {"language": "en", "intent": "ask_work"}}
        return [
            {"text": "💼 Work · Lörrach"},
            {"custom": {"lotse_card": card, "buttons": buttons}},
            {"custom": fact},
        ]

    rasa.send = offers  # type: ignore[method-assign]
    gateway, _ = make_gateway(rasa)
    chat = Chat("tg:18", "de")
    replies = await gateway.on_text(chat, "I need a job in Lörrach")
    assert calls == ["read", "write"]
    assert titles(replies[0]) == [texts("en")["privacy_ok"]] and titles(replies[-1]) == ["More"]
    assert all(b.token for r in replies for row in r.buttons for b in row)
    more = await payload_of(url, chat, replies[-1], "More")
    assert more == "/more_offers"
    with session_scope(url) as s:
        stored = s.get(ConversationSettings, "tg:18")
        assert stored.reply_language == "en" and stored.privacy_notice_at is not None
