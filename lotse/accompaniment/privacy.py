"""Erasing accompaniment data: on `/delete` and by retention.

A client's /delete removes their accompaniment requests (an open or taken one is withdrawn: the
companion or the region is told its reference only). A volunteer's /delete in their own chat
removes their registration; what they had taken goes back to the region first. Retention
deletes requests closed (or past their date) longer than the retention period ago, and
volunteers inactive that long."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from lotse.accompaniment import requests
from lotse.accompaniment.models import OPEN, Accompaniment, Volunteer
from lotse.accompaniment.texts import desk_text
from lotse.db import affected
from lotse.protocol import telegram_chat
from lotse.requests.models import OutboxMessage
from lotse.requests.outbox import enqueue


def erase_accompaniments(session: Session, conversation_id: str) -> int:
    """Every accompaniment request of the conversation, and the volunteer whose chat it is.
    Returns the rows removed."""
    removed = 0
    for request in session.scalars(
        select(Accompaniment).where(Accompaniment.conversation_id == conversation_id)
    ).all():
        if request.status in OPEN:
            notify = [request.companion_telegram_id] if request.companion_telegram_id else []
            notify += [chat for chat, _ in request.posts or []] if request.status == "open" else []
            for chat_id in notify:  # no personal data: the reference only
                enqueue(session, chat_id, desk_text("de", "withdrawn", reference=request.reference))
        session.execute(
            delete(OutboxMessage).where(OutboxMessage.conversation_id == conversation_id)
        )
        session.delete(request)
        removed += 1
    own_chat = telegram_chat(conversation_id)
    if own_chat is not None:
        volunteer = session.scalar(select(Volunteer).where(Volunteer.telegram_user_id == own_chat))
        if volunteer is not None:
            requests.give_back_all(session, own_chat)
            for taken in session.scalars(
                select(Accompaniment).where(Accompaniment.companion_telegram_id == own_chat)
            ):
                taken.companion_telegram_id, taken.companion_name = None, ""
            session.delete(volunteer)
            removed += 1
    session.flush()
    return removed


def purge_accompaniments(session: Session, now: datetime, days: int) -> int:
    """Requests closed, or whose date passed, more than `days` ago; volunteers inactive as long."""
    cutoff = now - timedelta(days=days)
    gone = affected(
        session.execute(
            delete(Accompaniment).where(
                or_(
                    Accompaniment.closed_at < cutoff,
                    Accompaniment.appointment_at < cutoff,
                )
            )
        )
    )
    gone += affected(
        session.execute(
            delete(Volunteer).where(Volunteer.active.is_(False), Volunteer.deactivated_at < cutoff)
        )
    )
    return gone
