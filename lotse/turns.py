"""What one turn of the gateway reads before Rasa and writes after it, in as few statements as
the facts allow: one SELECT before, and after it one UPDATE (an INSERT for a new person) plus
one INSERT for all the answer's buttons.

Why here and not in the modules that own the facts: the desk (lotse/requests) and case work
(lotse/cases) each have a handler that reads a text's whole context, and until the issue-15
bench a client's every turn ran all of them, four queries for what is nearly always "no". The
flags below are each handler's cheap precondition — when one is false, its handler would return
"not mine" — so the gateway runs a handler only when its flag is set. tests/unit/test_turns.py
holds each flag against its handler.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Select, String, bindparam, exists, insert, select, update
from sqlalchemy.orm import Session

from lotse import LANGUAGES
from lotse.cases.models import Case
from lotse.db import affected
from lotse.models import ButtonPayload, ConversationSettings, utcnow
from lotse.requests.models import CallbackRequest, Facilitator

LIVE_CHAT_STATUSES = ("open", "claimed")
"""A request with a live chat is open or claimed (lotse/requests/handoff.py OPEN)."""


@dataclass(frozen=True)
class TurnFacts:
    language: str | None
    """The person's explicit /language choice."""
    reply_language: str | None
    """The language Lotse last answered in."""
    first_contact: bool
    """The privacy notice has not been shown yet."""
    desk_involved: bool
    """A facilitator wrote, or a client in a live chat: the desk's handler decides."""
    case_awaits_field: bool
    """An open case waits for a value the client was asked for (/profile)."""


def _facts_statement() -> Select[tuple[Any, ...]]:
    """The one SELECT, built once (bound parameters `cid` and `uid`): building and keying a
    statement with seven subqueries costs more than running it."""
    cid, uid = bindparam("cid", type_=String), bindparam("uid", type_=BigInteger)
    setting = select(ConversationSettings).where(ConversationSettings.conversation_id == cid)
    return select(
        setting.with_only_columns(ConversationSettings.language).scalar_subquery(),
        setting.with_only_columns(ConversationSettings.reply_language).scalar_subquery(),
        setting.with_only_columns(ConversationSettings.privacy_notice_at).scalar_subquery(),
        setting.with_only_columns(ConversationSettings.conversation_id).scalar_subquery(),
        exists().where(Facilitator.telegram_user_id == uid, Facilitator.active.is_(True)),
        exists().where(
            CallbackRequest.conversation_id == cid,
            CallbackRequest.status.in_(LIVE_CHAT_STATUSES),
            CallbackRequest.handoff_open.is_(True),
        ),
        exists().where(
            Case.conversation_id == cid,
            Case.status == "open",
            Case.editing_field.is_not(None),
        ),
    )


_FACTS = _facts_statement()


def read_turn(session: Session, conversation_id: str, user_id: int | None) -> TurnFacts:
    """The facts of a turn in one statement (a group chat has no user: no facilitator)."""
    row = (
        session.connection()
        .execute(_FACTS, {"cid": conversation_id, "uid": user_id})  # uid NULL: matches none
        .one()
    )
    language, reply_language, notice_at, known, is_facilitator, in_live_chat, awaits = row
    return TurnFacts(
        language=language,
        reply_language=reply_language,
        first_contact=known is None or notice_at is None,
        desk_involved=bool(is_facilitator or in_live_chat),
        case_awaits_field=bool(awaits),
    )


_UPDATE_SETTINGS = update(ConversationSettings).where(
    ConversationSettings.conversation_id == bindparam("cid")
)
_INSERT_SETTINGS = insert(ConversationSettings)
_INSERT_BUTTONS = insert(ButtonPayload)
"""Built once, run on the session's connection (no ORM bookkeeping): the columns they set come
from each execution's parameters."""


def write_turn(
    session: Session, conversation_id: str, reply_language: str | None, notice_shown: bool
) -> None:
    """The reply language Lotse learned (if new) and the privacy notice shown, in one UPDATE,
    or one INSERT for a conversation not seen before."""
    values: dict[str, object] = {}
    if reply_language in LANGUAGES:
        values.update(reply_language=reply_language, updated_at=utcnow())
    if notice_shown:
        values["privacy_notice_at"] = utcnow()
    if not values:
        return
    connection = session.connection()
    if not affected(connection.execute(_UPDATE_SETTINGS, {"cid": conversation_id, **values})):
        connection.execute(_INSERT_SETTINGS, {"conversation_id": conversation_id, **values})


def issue_tokens(
    session: Session, conversation_id: str, buttons: Sequence[tuple[str, str]]
) -> list[str]:
    """A random token (16 URL-safe characters) for each (title, payload), stored in one
    INSERT (lotse/buttons.py issue_token does it for one button)."""
    tokens = [secrets.token_urlsafe(12) for _ in buttons]
    if tokens:
        now = utcnow()
        session.connection().execute(
            _INSERT_BUTTONS,
            [
                {
                    "token": token,
                    "conversation_id": conversation_id,
                    "title": title,
                    "payload": payload,
                    "created_at": now,
                }
                for token, (title, payload) in zip(tokens, buttons, strict=True)
            ],
        )
    return tokens
