"""Per-conversation settings a client chose explicitly."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lotse import LANGUAGES
from lotse.models import ConversationSettings, utcnow


def chosen_language(session: Session, conversation_id: str) -> str | None:
    settings = session.get(ConversationSettings, conversation_id)
    return settings.language if settings else None


def known_languages(session: Session, conversation_id: str) -> tuple[str | None, str | None]:
    """(explicit choice, language Lotse last answered in) for a conversation."""
    settings = session.get(ConversationSettings, conversation_id)
    return (settings.language, settings.reply_language) if settings else (None, None)


def choose_language(session: Session, conversation_id: str, language: str) -> None:
    """Remember an explicit /language choice; it wins over every detected language."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    settings = session.get(ConversationSettings, conversation_id)
    if settings is None:
        session.add(ConversationSettings(conversation_id=conversation_id, language=language))
    else:
        settings.language = language
        settings.updated_at = utcnow()


def reply_language(
    chosen: str | None, detected: str | None, client_language_code: str | None
) -> str:
    """The reply-language rule: explicit choice, then the messages' language, then the client's
    app language, then German."""
    for candidate in (chosen, detected, (client_language_code or "")[:2].lower()):
        if candidate in LANGUAGES:
            return candidate
    return "de"


def _settings(session: Session, conversation_id: str) -> ConversationSettings:
    settings = session.get(ConversationSettings, conversation_id)
    if settings is None:
        settings = ConversationSettings(conversation_id=conversation_id)
        session.add(settings)
    return settings


def expect_contact(session: Session, conversation_id: str) -> None:
    """Lotse has just asked for the number: a shared contact is accepted once."""
    _settings(session, conversation_id).awaiting_contact = True


def store_shared_phone(session: Session, conversation_id: str, phone: str) -> bool:
    """Keep the client's own number for the booking in progress, if Lotse asked for it."""
    settings = session.get(ConversationSettings, conversation_id)
    if settings is None or not settings.awaiting_contact:
        return False
    settings.awaiting_contact, settings.pending_phone = False, phone[:40]
    return True


def pending_phone(session: Session, conversation_id: str) -> str | None:
    settings = session.get(ConversationSettings, conversation_id)
    return settings.pending_phone if settings else None


def take_pending_phone(session: Session, conversation_id: str) -> str | None:
    """The shared number, removed from the settings (it moves into the request or is dropped)."""
    settings = session.get(ConversationSettings, conversation_id)
    if settings is None:
        return None
    phone, settings.pending_phone, settings.awaiting_contact = settings.pending_phone, None, False
    return phone
