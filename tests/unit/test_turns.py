"""A turn's database work (lotse/turns.py, issue 15's CPU target): one SELECT before Rasa, at most
three statements after it; the flags that spare a client the desk's and case work's queries agree
with those handlers; the write keeps what the ORM code it replaced did (a reply language only
if it is one of Lotse's, updated_at with it, the notice's time)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.case_flow import CaseFlow
from bot.conversation import Gateway
from bot.facilitators import FacilitatorDesk
from bot.replies import Chat
from lotse.buttons import redeem_token
from lotse.cases.models import Case
from lotse.db import get_engine, session_scope
from lotse.models import ConversationSettings
from lotse.requests.models import CallbackRequest, Facilitator
from lotse.safety import load_phrases
from lotse.turns import issue_tokens, read_turn, write_turn
from tests.unit import test_gateway_flows as flows
from tests.unit.test_gateway_flows import ScriptedRasa, make_gateway

url = flows.url  # the scripted gateway's database: a desk, Anna (501), the demo places
_refs = itertools.count(1)


def request_row(conversation_id: str, status: str, handoff_open: bool) -> CallbackRequest:
    return CallbackRequest(
        reference=f"R-{next(_refs)}",
        conversation_id=conversation_id,
        client_chat_id=int(conversation_id.removeprefix("tg:")),
        topic="general",
        place="Lörrach",
        language="de",
        preferred_day=date(2026, 12, 7),
        preferred_part="am",
        status=status,
        handoff_open=handoff_open,
    )


def case_row(conversation_id: str, status: str, editing_field: str | None) -> Case:
    return Case(
        reference=f"C-{next(_refs)}",
        conversation_id=conversation_id,
        client_chat_id=int(conversation_id.removeprefix("tg:")),
        language="de",
        region="Landkreis Lörrach",
        status=status,
        editing_field=editing_field,
    )


@pytest.fixture()
def statements(url: str) -> Iterator[list[str]]:
    """Every SQL statement the engine runs, first word upper-cased (SELECT, UPDATE …)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    engine = get_engine(url)
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


async def test_a_turn_reads_once_before_rasa_and_writes_in_three_statements_after(
    url: str,
    statements: list[str],
) -> None:
    rasa = ScriptedRasa(language="ar")
    at_rasa: list[list[str]] = []
    send = rasa.send

    async def counted(sender: str, message: str, metadata: dict) -> list[dict]:
        at_rasa.append(list(statements))
        return await send(sender, message, metadata)

    rasa.send = counted  # type: ignore[method-assign]
    gateway, _ = make_gateway(rasa)
    chat = Chat("tg:4101", language_code="de", user_id=4101)
    first = await gateway.on_text(chat, "مرحبا")  # a first contact: notice, language, button
    assert [r.buttons != [] for r in first] == [True, False]
    assert at_rasa[0] == ["SELECT"]
    assert statements[1:] == ["UPDATE", "INSERT", "INSERT"]  # no row yet: the update missed

    statements.clear()
    await gateway.on_text(chat, "شكرا")  # the same language, notice shown: nothing to write
    assert statements == ["SELECT"]


async def test_the_flags_are_set_whenever_the_handlers_would_take_the_text(url: str) -> None:
    """A flag may be set when its handler then says "not mine" (an active facilitator's text
    without a note or a chat); it must never be unset when the handler would take the text."""
    desk, cases = FacilitatorDesk(), CaseFlow(None, load_phrases())  # type: ignore[arg-type]
    with session_scope(url) as s:
        s.add(Facilitator(telegram_user_id=4201, display_name="Ina", active=False))
        s.add_all(
            [
                request_row("tg:4202", "claimed", handoff_open=True),  # a live chat
                request_row("tg:4203", "closed", handoff_open=True),  # ended long ago
                request_row("tg:4204", "open", handoff_open=False),  # booked, no chat
                case_row("tg:4205", "open", "address"),  # /profile asked for a value
                case_row("tg:4206", "proposed", "address"),  # not agreed yet
                case_row("tg:4207", "open", None),
            ]
        )
    people = {"tg:4200": 501, "tg:4201": 4201}  # Anna (active, from the fixture), Ina (not)
    for number in range(4200, 4208):
        cid = f"tg:{number}"
        user = people.get(cid, number)
        with session_scope(url) as s:
            facts = read_turn(s, cid, user)
            taken_by_desk = desk.handle_text(s, user, cid, "ok") is not None
            chat = Chat(cid, "de", user_id=user)
            taken_by_case = cases.handle_text(s, chat, "Hauptstraße 1") is not None
            s.rollback()  # the handlers' work is not what this test is about
        assert facts.desk_involved == (taken_by_desk or cid == "tg:4200"), cid
        assert facts.case_awaits_field == taken_by_case, cid
    with session_scope(url) as s:
        assert read_turn(s, "tg:-100", None).desk_involved is False  # a group: no user


def test_the_write_keeps_the_language_and_notice_semantics(url: str) -> None:
    with session_scope(url) as s:
        facts = read_turn(s, "tg:4301", 4301)
        assert (facts.language, facts.reply_language, facts.first_contact) == (None, None, True)
        write_turn(s, "tg:4301", None, notice_shown=False)  # nothing learned: no row
        write_turn(s, "tg:4302", "xx", notice_shown=False)  # not a language of Lotse
    with session_scope(url) as s:
        assert s.scalars(select(ConversationSettings.conversation_id)).all() == []
        write_turn(s, "tg:4301", "uk", notice_shown=True)
    with session_scope(url) as s:
        row = s.get(ConversationSettings, "tg:4301")
        assert row is not None and row.reply_language == "uk"
        assert row.privacy_notice_at is not None and row.awaiting_contact is False
        first_update = row.updated_at
        write_turn(s, "tg:4301", "fa", notice_shown=False)
    with session_scope(url) as s:
        facts = read_turn(s, "tg:4301", 4301)
        assert (facts.reply_language, facts.first_contact) == ("fa", False)
        row = s.get(ConversationSettings, "tg:4301")
        assert row is not None and row.updated_at >= first_update


def test_tokens_issued_together_each_stand_for_their_own_button(url: str) -> None:
    with session_scope(url) as s:
        assert issue_tokens(s, "tg:4401", []) == []
        tokens = issue_tokens(s, "tg:4401", [("Ja", "/affirm"), ("Nein", "/deny")])
    assert len(set(tokens)) == 2 and all(len(t) == 16 for t in tokens)
    with session_scope(url) as s:
        yes, no = (redeem_token(s, "tg:4401", t) for t in tokens)
        assert yes is not None and (yes.title, yes.payload) == ("Ja", "/affirm")
        assert no is not None and (no.title, no.payload) == ("Nein", "/deny")
        assert redeem_token(s, "tg:4402", tokens[0]) is None  # another conversation's


async def test_without_the_database_the_turn_still_answers(
    url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.conversation as conversation

    def broken(*_args: object) -> None:
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(conversation, "read_turn", broken)
    monkeypatch.setattr(conversation, "write_turn", broken)
    gateway: Gateway = make_gateway(ScriptedRasa())[0]
    replies = await gateway.on_text(Chat("tg:4501", "de", user_id=4501), "Hallo")
    assert [r.text for r in replies] == ["Hallo! Ich bin Lotse."]  # no notice, no buttons lost
