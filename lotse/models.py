"""Database tables. `Offer` holds what an answer needs; the HSDS-shaped catalogue comes later."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lotse.db import Base

TOPICS: tuple[str, ...] = (
    "housing",
    "work",
    "education",
    "language_course",
    "authorities",
    "health",
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Offer(Base):
    """One local offer: who helps with a topic in a municipality, how to reach them."""

    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_topic_municipality", "topic", "municipality"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    topic: Mapped[str] = mapped_column(String(32))
    municipality: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    opening_hours: Mapped[str] = mapped_column(String(200), default="")
    """OpenStreetMap `opening_hours` notation, e.g. `Mo-Fr 09:00-12:00; Th 14:00-18:00`."""
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    """ISO 639-1 codes of the languages spoken there."""
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlaceAlias(Base):
    """Another way people write a place: other scripts (Лёррах, لوراخ), short forms (Weil a. Rh)."""

    __tablename__ = "place_aliases"
    __table_args__ = (UniqueConstraint("place", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place: Mapped[str] = mapped_column(String(120), index=True)
    alias: Mapped[str] = mapped_column(String(120))


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
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
