"""Privacy: the notice and consent, deletion on request, and retention.

Deletion erases everything Lotse's database holds about a conversation: its settings (language,
consent, a shared phone number), its button tokens, the messages sent to it or relayed from it,
and its callback requests — an open request is withdrawn (its facilitator is told, without
personal data); closed ones are kept for statistics only fully anonymised. Rasa's tracker is
erased by the adapter that talks to Rasa (bot/rasa_client.py). Retention does the same for
conversations and closed requests older than the configured number of days; without consent a
conversation is kept only for a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, or_, select
from sqlalchemy.orm import Session

from lotse import admin_accounts, insights
from lotse.accompaniment.models import OPEN as ACCOMPANIMENT_OPEN
from lotse.accompaniment.models import Accompaniment
from lotse.accompaniment.privacy import erase_accompaniments, purge_accompaniments
from lotse.cases.privacy import erase_cases, purge_cases
from lotse.db import affected
from lotse.models import ButtonPayload, ConversationSettings, utcnow
from lotse.protocol import telegram_chat
from lotse.requests.desk import txt
from lotse.requests.models import CallbackRequest, Facilitator, FacilitatorState, OutboxMessage
from lotse.requests.outbox import enqueue

UNCONSENTED_HOURS = 24
ANONYMOUS = ""


@dataclass(frozen=True)
class Erased:
    requests_withdrawn: int = 0
    requests_anonymised: int = 0
    messages: int = 0
    buttons: int = 0
    settings: int = 0
    questions: int = 0
    """Question-log texts erased (the review queue, lotse/insights.py)."""
    cases: int = 0
    """Cases erased with their assessment, plan and history (lotse/cases/privacy.py)."""
    accompaniments: int = 0
    """Accompaniment requests, and the volunteer registration of this chat (issue 19)."""


def needs_notice(session: Session, conversation_id: str) -> bool:
    settings = session.get(ConversationSettings, conversation_id)
    return settings is None or settings.privacy_notice_at is None


def notice_shown(session: Session, conversation_id: str) -> None:
    settings = session.get(ConversationSettings, conversation_id)
    if settings is None:
        settings = ConversationSettings(conversation_id=conversation_id)
        session.add(settings)
    settings.privacy_notice_at = utcnow()


def give_consent(session: Session, conversation_id: str) -> None:
    settings = session.get(ConversationSettings, conversation_id)
    if settings is None:
        settings = ConversationSettings(conversation_id=conversation_id)
        session.add(settings)
    settings.consent_at = utcnow()


def _anonymise(request: CallbackRequest) -> None:
    """Keep what statistics need (topic, region, language, times, outcome), nothing personal."""
    request.conversation_id = ANONYMOUS
    request.client_chat_id = 0
    request.phone = None
    request.note = ""
    request.handoff_open = False
    request.desk_chat_id = None
    request.private_posts = []


def _client_chat_id(conversation_id: str) -> int | None:
    return telegram_chat(conversation_id)


def erase_conversation(session: Session, conversation_id: str) -> Erased:
    """Erase (or, for closed requests, anonymise) everything stored about one conversation."""
    requests = list(
        session.scalars(
            select(CallbackRequest).where(CallbackRequest.conversation_id == conversation_id)
        )
    )
    request_ids = [r.id for r in requests]
    chat_id = _client_chat_id(conversation_id)
    messages = affected(
        session.execute(
            delete(OutboxMessage).where(
                or_(
                    OutboxMessage.conversation_id == conversation_id,
                    OutboxMessage.request_id.in_(request_ids),
                    *([OutboxMessage.chat_id == chat_id] if chat_id is not None else []),
                )
            )
        )
    )
    withdrawn = 0
    for request in requests:
        for state in session.scalars(
            select(FacilitatorState).where(
                or_(
                    FacilitatorState.chatting_with == request.id,
                    FacilitatorState.note_for == request.id,
                )
            )
        ):
            state.chatting_with = state.note_for = None
        if request.status in ("open", "claimed"):
            withdrawn += 1
            person = request.facilitator
            notify = [(person.telegram_user_id, person.ui_language)] if person else []
            if request.status == "open" and request.desk_chat_id:
                notify.append((request.desk_chat_id, "de"))
            if request.status == "open":  # those it was offered to first, in its language
                for chat, _ in request.private_posts or []:
                    language = session.scalar(
                        select(Facilitator.ui_language).where(Facilitator.telegram_user_id == chat)
                    )
                    notify.append((chat, language or "de"))
            for chat, language in notify:  # no request_id: the notice is not theirs to delete
                enqueue(session, chat, txt(language, "withdrawn", reference=request.reference))
            request.status, request.outcome, request.closed_at = "cancelled", "cancelled", utcnow()
        _anonymise(request)
    buttons = affected(
        session.execute(
            delete(ButtonPayload).where(ButtonPayload.conversation_id == conversation_id)
        )
    )
    settings = affected(
        session.execute(
            delete(ConversationSettings).where(
                ConversationSettings.conversation_id == conversation_id
            )
        )
    )
    questions = insights.erase_conversation(session, conversation_id)
    cases = erase_cases(session, conversation_id)
    accompaniments = erase_accompaniments(session, conversation_id)
    return Erased(
        withdrawn,
        len(requests) - withdrawn,
        messages,
        buttons,
        settings,
        questions,
        cases,
        accompaniments,
    )


def expired_conversations(session: Session, now: datetime, days: int) -> list[str]:
    """Conversations idle for `days` (one day without consent) and without an open request."""
    cutoff = now - timedelta(days=days)
    unconsented_cutoff = now - timedelta(hours=UNCONSENTED_HOURS)
    stale = list(
        session.scalars(
            select(ConversationSettings.conversation_id).where(
                or_(
                    ConversationSettings.updated_at < cutoff,
                    (ConversationSettings.consent_at.is_(None))
                    & (ConversationSettings.updated_at < unconsented_cutoff),
                )
            )
        )
    )
    # a conversation with an open request stays until the request is closed
    busy = set(
        session.scalars(
            select(CallbackRequest.conversation_id).where(
                CallbackRequest.status.in_(("open", "claimed"))
            )
        )
    )
    busy |= set(
        session.scalars(
            select(Accompaniment.conversation_id).where(
                Accompaniment.status.in_(ACCOMPANIMENT_OPEN)
            )
        )
    )
    return [c for c in stale if c not in busy]


def purge_expired(
    session: Session,
    now: datetime | None = None,
    days: int = 90,
    conversations: list[str] | None = None,
) -> dict[str, int]:
    """Retention: remove expired conversations (`conversations`: those of them whose Rasa tracker
    was erased first, see bot/retention.py; None: all of them), delivered messages and button
    tokens older than `days`, ended admin sessions, and anonymise closed requests."""
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    expired = expired_conversations(session, now, days)
    chosen = expired if conversations is None else [c for c in expired if c in set(conversations)]
    for conversation_id in chosen:
        session.execute(
            delete(ButtonPayload).where(ButtonPayload.conversation_id == conversation_id)
        )
        session.execute(
            delete(ConversationSettings).where(
                ConversationSettings.conversation_id == conversation_id
            )
        )
    closed = list(
        session.scalars(
            select(CallbackRequest).where(
                CallbackRequest.status.in_(("closed", "cancelled")),
                CallbackRequest.closed_at < cutoff,
                CallbackRequest.client_chat_id != 0,
            )
        )
    )
    for request in closed:
        _anonymise(request)
    old_ids = [r.id for r in closed]
    messages = affected(
        session.execute(
            delete(OutboxMessage).where(
                or_(
                    OutboxMessage.request_id.in_(old_ids),
                    OutboxMessage.status.in_(("sent", "failed"))
                    & (OutboxMessage.created_at < cutoff),
                )
            )
        )
    )
    buttons = affected(
        session.execute(delete(ButtonPayload).where(ButtonPayload.created_at < cutoff))
    )
    return {
        "conversations": len(chosen),
        "requests_anonymised": len(closed),
        "messages": messages,
        "buttons": buttons,
        "admin_sessions": admin_accounts.purge_sessions(session, now),
        "cases": purge_cases(session, now, days),
        "accompaniments": purge_accompaniments(session, now, days),
    }


def _tracker_engine(url: str) -> Engine:
    """An engine on Rasa's tracker store, through this environment's PostgreSQL driver
    (psycopg 3) whatever driver the URL names."""
    from sqlalchemy.engine import make_url

    from lotse.db import get_engine

    parts = make_url(url)
    if parts.get_backend_name() == "postgresql":
        parts = parts.set(drivername="postgresql+psycopg")
    return get_engine(parts.render_as_string(hide_password=False))


def erase_tracker_events(tracker_store_url: str, conversation_id: str) -> int:
    """Delete a conversation's events from Rasa's SQL tracker store (table `events`); Rasa's
    own API can only append there."""
    from sqlalchemy import text

    with _tracker_engine(tracker_store_url).begin() as conn:
        return affected(
            conn.execute(
                text("DELETE FROM events WHERE sender_id = :sender"), {"sender": conversation_id}
            )
        )


def purge_tracker_events(tracker_store_url: str, now: datetime, days: int) -> int:
    """Retention for Rasa's SQL tracker store: events older than `days`."""
    from sqlalchemy import text

    cutoff = (now - timedelta(days=days)).timestamp()
    with _tracker_engine(tracker_store_url).begin() as conn:
        return affected(
            conn.execute(text("DELETE FROM events WHERE timestamp < :cutoff"), {"cutoff": cutoff})
        )
