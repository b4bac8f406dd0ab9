"""Tables of accompaniment: volunteers and the requests to be accompanied."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lotse.db import Base
from lotse.models import utcnow

SKILLS = ("accompaniment", "language_cafe", "mentoring")
"""What a volunteer can do."""
KINDS = ("authority", "doctor", "school", "counselling", "other")
"""Where the client needs to go (what the desk sees; the address only the companion)."""
STATUSES = ("open", "claimed", "done", "cancelled")
OPEN = ("open", "claimed")


class Volunteer(Base):
    """A registered volunteer: takes accompaniment requests of their regions in Telegram."""

    __tablename__ = "volunteer"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    ui_language: Mapped[str] = mapped_column(String(8), default="de")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    def __str__(self) -> str:
        return self.display_name


class Accompaniment(Base):
    """A client's wish to be accompanied; committed before the client is told."""

    __tablename__ = "accompaniment"
    __table_args__ = (Index("ix_accompaniment_status_at", "status", "appointment_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    client_chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(300), default="")
    """Where to go, as the client wrote it: shown only to the companion."""
    appointment_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    place: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="open")
    companion_telegram_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    companion_name: Mapped[str] = mapped_column(String(120), default="")
    companion_role: Mapped[str] = mapped_column(String(16), default="")
    """`facilitator` or `volunteer`."""
    took_place: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    posts: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    """[[chat id, outbox id], …] of the offers posted (desk and volunteers), edited when taken."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    followup_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    language_round_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    """When it was offered privately to those who speak the client's language; cleared once it
    is offered to the desk and every companion of the region (lotse/accompaniment/offering.py)."""
