"""Per-conversation settings a client chose explicitly."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lotse import LANGUAGES
from lotse.models import ConversationSettings, utcnow

GATEWAY_PAYLOAD_KEY = "lotse"
CARD_KEY = "lotse_card"
"""Custom payload key of an offer card (`{"text", "html"}` plus optional `buttons`)."""
"""Custom payloads under this key carry facts for the gateway (the reply language), not text."""


def chosen_language(session: Session, conversation_id: str) -> str | None:
    settings = session.get(ConversationSettings, conversation_id)
    return settings.language if settings else None


def known_languages(session: Session, conversation_id: str) -> tuple[str | None, str | None]:
    """(explicit choice, language Lotse last answered in) for a conversation."""
    settings = session.get(ConversationSettings, conversation_id)
    return (settings.language, settings.reply_language) if settings else (None, None)


def remember_reply_language(session: Session, conversation_id: str, language: str) -> None:
    """The language Lotse answered in last, so texts the gateway sends itself match it."""
    if language not in LANGUAGES:
        return
    settings = session.get(ConversationSettings, conversation_id)
    if settings is None:
        session.add(ConversationSettings(conversation_id=conversation_id, reply_language=language))
    elif settings.reply_language != language:
        settings.reply_language = language
        settings.updated_at = utcnow()


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
