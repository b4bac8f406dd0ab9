"""Conversation tables (buttons, settings). The offer catalogue lives in lotse/catalogue/hsds.py."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lotse.db import Base

TOPICS: tuple[str, ...] = (
    "housing",
    "work",
    "education",
    "language_course",
    "authorities",
    "health",
    "community",
)
"""Topics a client asks about (the NLU's ask_<topic> intents)."""

CATALOGUE_TOPICS: tuple[str, ...] = (*TOPICS, "general")
"""Catalogue topics: `general` is the area's general counselling, offered when nothing fits."""


def utcnow() -> datetime:
    return datetime.now(UTC)


class ButtonPayload(Base):
    """Maps a short token (Telegram's callback_data) to the full payload it stands for.

    Callback data is limited to 64 bytes and comes from the client, so it is never trusted: the
    client only ever sees a random token, valid for the conversation it was issued to.
    """

    __tablename__ = "button_payloads"

    token: Mapped[str] = mapped_column(String(24), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConversationSettings(Base):
    """What a client chose explicitly (so far: the reply language via /language)."""

    __tablename__ = "conversation_settings"

    conversation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    reply_language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    """The language Lotse last answered in (so the gateway's own texts use it too)."""
    awaiting_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    """Lotse asked for the phone number (Telegram's share-contact button) in a callback booking."""
    pending_phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """The number shared for the booking in progress; moved into the request, then cleared."""
    privacy_notice_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """When the person agreed to the privacy notice; without it, retention keeps one day only."""
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
