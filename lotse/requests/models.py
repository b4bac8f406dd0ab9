"""Tables of the callback desk: facilitators, desks, callback requests and the message outbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lotse.db import Base
from lotse.models import utcnow

REQUEST_STATUSES = ("open", "claimed", "closed", "cancelled")
OUTCOMES = ("reached", "not_reached", "referred", "cancelled")
CONTACT_METHODS = ("telegram", "phone")
DAY_PARTS = ("am", "pm")


class Facilitator(Base):
    """A human integration facilitator who takes callback requests in Telegram."""

    __tablename__ = "facilitator"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Area names (a district or state covers every place inside it)."""
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    ui_language: Mapped[str] = mapped_column(String(8), default="de")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    away_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    """Absent through this day (`/away until …`): nothing is routed to them meanwhile."""

    def __str__(self) -> str:
        return self.display_name


class Desk(Base):
    """A region's Telegram group where new requests are posted, and its coordinator."""

    __tablename__ = "desk"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(120), unique=True)
    telegram_chat_id: Mapped[int] = mapped_column(BigInteger)
    coordinator_telegram_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    ui_language: Mapped[str] = mapped_column(String(8), default="de")

    def __str__(self) -> str:
        return self.region


class CallbackRequest(Base):
    """A client's wish to be contacted by a person; committed before the client is told."""

    __tablename__ = "callback_request"
    __table_args__ = (Index("ix_callback_request_status_region", "status", "region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    client_chat_id: Mapped[int] = mapped_column(BigInteger)
    topic: Mapped[str] = mapped_column(String(32))
    place: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(120), default="")
    """The desk's region the request is routed to (nearest enclosing area with a desk)."""
    language: Mapped[str] = mapped_column(String(8))
    preferred_day: Mapped[date] = mapped_column(Date)
    preferred_part: Mapped[str] = mapped_column(String(2))
    contact_method: Mapped[str] = mapped_column(String(16), default="telegram")
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilitator.id"), nullable=True, index=True
    )
    handoff_open: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    desk_chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    desk_outbox_id: Mapped[int | None] = mapped_column(nullable=True)
    """The outbox row of the desk post (its Telegram message id arrives when it is sent)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    language_round_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    """When it was offered privately to those of the region who speak the client's language;
    cleared once it is posted to the whole desk (lotse/requests/matching.py)."""
    private_posts: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    """[[chat id, outbox id], …] of those private offers, edited when it is taken."""

    facilitator: Mapped[Facilitator | None] = relationship(lazy="joined")


class FacilitatorState(Base):
    """What a facilitator's private chat is doing: a live chat with a client, or a note to write."""

    __tablename__ = "facilitator_state"

    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id"), primary_key=True)
    chatting_with: Mapped[int | None] = mapped_column(
        ForeignKey("callback_request.id"), nullable=True
    )
    note_for: Mapped[int | None] = mapped_column(ForeignKey("callback_request.id"), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)


class OutboxMessage(Base):
    """A message to a client, facilitator or desk, sent by the gateway's sender job.

    Written in the same transaction as the change it reports, so nothing is lost; the sender
    retries until Telegram accepts it and records the message id, so nothing is sent twice.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    conversation_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    """For button tokens: the conversation the buttons are bound to."""
    method: Mapped[str] = mapped_column(String(16), default="send")
    """`send`, or `edit` of the message another outbox row sent (`edit_of`)."""
    edit_of: Mapped[int | None] = mapped_column(nullable=True)
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[bool] = mapped_column(Boolean, default=False)
    buttons: Mapped[list[list[dict[str, str]]]] = mapped_column(JSON, default=list)
    """Rows of `{"title", "payload"}`; payloads become server-side tokens when sent."""
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("callback_request.id", ondelete="SET NULL"), nullable=True, index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
