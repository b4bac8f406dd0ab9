"""The outbox: messages to clients, facilitators and desks, written with the change they report.

A sender (bot/outbox_sender.py) takes due rows one by one with an atomic status change, so two
gateway workers never send the same row; it records Telegram's message id on success, waits
`retry_after` on 429, backs off on network errors and 5xx, and gives up only on a permanent refusal
(the user blocked the bot, a chat that does not exist).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from lotse.db import affected
from lotse.logs import redact
from lotse.models import utcnow
from lotse.protocol import telegram_conversation
from lotse.requests.models import OutboxMessage

MAX_BACKOFF_SECONDS = 300
STALE_SENDING = timedelta(minutes=2)
"""A row left `sending` this long (its sender died mid-call) is offered again."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


def enqueue(
    session: Session,
    chat_id: int,
    text: str,
    *,
    buttons: list[list[Button]] | None = None,
    html: bool = False,
    conversation_id: str = "",
    request_id: int | None = None,
    edit_of: int | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        chat_id=chat_id,
        conversation_id=conversation_id or telegram_conversation(chat_id),
        method="edit" if edit_of else "send",
        edit_of=edit_of,
        text=text,
        html=html,
        buttons=[[{"title": b.title, "payload": b.payload} for b in row] for row in buttons or []],
        request_id=request_id,
        next_attempt_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return message


def _due(now: datetime) -> ColumnElement[bool]:
    """Pending and due, or left `sending` by a sender that died."""
    return ((OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now)) | (
        (OutboxMessage.status == "sending") & (OutboxMessage.next_attempt_at <= now - STALE_SENDING)
    )


def take_due(
    session: Session, now: datetime | None = None, limit: int = 20, claim: int | None = None
) -> list[int]:
    """Ids of rows due now (of the oldest `limit`, at most `claim`), each switched to `sending`
    by this caller alone.

    The switch repeats the due condition in its WHERE clause, so of two senders racing for a
    row exactly one changes it. An `edit` waits until the message it edits has been sent. The
    gateway claims one row right before sending it (`claim=1`), so a row counts as abandoned
    only STALE_SENDING after its own send began, never while a live sender still holds it."""
    now = now or utcnow()
    candidates = session.scalars(
        select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(limit)
    ).all()
    first_unsent = _first_unsent_per_chat(session, candidates)
    taken = []
    for message_id in candidates:
        row = session.get(OutboxMessage, message_id)
        if row is None:
            continue
        if row.method == "send" and first_unsent.get(row.chat_id, message_id) < message_id:
            continue  # an earlier message to this person waits for its retry: keep the order
        if row.method == "edit":
            original = session.get(OutboxMessage, row.edit_of) if row.edit_of else None
            if original is None or original.status == "failed":
                row.status, row.last_error = "failed", "the message to edit was never sent"
                continue
            if original.telegram_message_id is None:
                continue  # not sent yet: try again on the next round
        claimed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _due(now))
            .values(status="sending", next_attempt_at=now, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if affected(claimed):
            taken.append(message_id)
            if claim is not None and len(taken) >= claim:
                break
    session.flush()
    return taken


def _first_unsent_per_chat(session: Session, candidates: Sequence[int]) -> dict[int, int]:
    """Per private chat of the candidates, the oldest message still to be sent: what a person
    reads goes out in the order it was written, even when the first needs a retry. Groups (the
    desks, negative ids) are left out: each desk post stands alone, and one post waiting for its
    retry must not hold up the others."""
    if not candidates:
        return {}
    chats = select(OutboxMessage.chat_id).where(
        OutboxMessage.id.in_(candidates), OutboxMessage.chat_id > 0
    )
    rows = session.execute(
        select(OutboxMessage.chat_id, func.min(OutboxMessage.id))
        .where(
            OutboxMessage.method == "send",
            OutboxMessage.status.in_(("pending", "sending")),
            OutboxMessage.chat_id.in_(chats),
        )
        .group_by(OutboxMessage.chat_id)
    ).all()
    return {chat_id: first for chat_id, first in rows}


def mark_sent(session: Session, message_id: int, telegram_message_id: int | None) -> None:
    row = session.get(OutboxMessage, message_id)
    if row is None:
        return
    row.status, row.sent_at, row.last_error = "sent", utcnow(), ""
    row.telegram_message_id = telegram_message_id


def backoff_seconds(attempts: int) -> float:
    return float(min(MAX_BACKOFF_SECONDS, 2 ** max(0, attempts - 1)))


def mark_retry(
    session: Session, message_id: int, error: str, retry_after: float | None = None
) -> None:
    row = session.get(OutboxMessage, message_id)
    if row is None:
        return
    delay = retry_after if retry_after is not None else backoff_seconds(row.attempts)
    row.status, row.last_error = "pending", redact(error)[:300]
    row.next_attempt_at = utcnow() + timedelta(seconds=delay)


def mark_failed(session: Session, message_id: int, error: str) -> None:
    row = session.get(OutboxMessage, message_id)
    if row is not None:
        row.status, row.last_error = "failed", redact(error)[:300]


def pending_count(session: Session) -> int:
    return len(
        session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.status.in_(("pending", "sending")))
        ).all()
    )
