"""Tables of case work: a case with its history, the voluntary assessment, the integration plan
(goals, steps, versions) and the facilitators' web-workspace logins.

Everything here is personal data of one client: `/delete` erases it (lotse/cases/privacy.py),
retention deletes a closed case, and the audit log keeps only who looked at or changed which
case and field, never the content.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lotse.db import Base
from lotse.models import utcnow
from lotse.requests.models import Facilitator

CASE_STATUSES = ("proposed", "open", "closed")
"""`proposed`: the client was asked and has not answered; nothing but the question is kept."""
AREAS = (
    "language",
    "work",
    "housing",
    "school",
    "health",
    "authorities",
    "participation",
)
"""The activity areas (Handlungsfelder) of the Pakt für Integration."""
STEP_STATUSES = ("planned", "in_progress", "done", "dropped")
STEP_WHO = ("client", "facilitator", "partner")
OPEN_STEP = ("planned", "in_progress")


class Case(Base):
    """One client's case with their responsible facilitator; opened only with consent."""

    __tablename__ = "case_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    client_chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(8))
    region: Mapped[str] = mapped_column(String(120))
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilitator.id"), nullable=True, index=True
    )
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    consent_text: Mapped[str] = mapped_column(Text, default="")
    """The question the client agreed to, word for word, in their language."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    next_review_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    review_reminded_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    """The review date the client and facilitator were last reminded of (sent once)."""
    editing_field: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """The assessment field the client was asked to write next (/profile)."""

    facilitator: Mapped[Facilitator | None] = relationship(lazy="joined")


class CaseEvent(Base):
    """The case's history: requests, notes, changes, handovers, reviews."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(120), default="")
    text: Mapped[str] = mapped_column(Text, default="")


class CaseRequest(Base):
    """A callback request of a case's client: sent to their own facilitator first, to the desk
    if not taken in time (`desk_posted_at`, set once)."""

    __tablename__ = "case_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("callback_request.id", ondelete="CASCADE"), unique=True
    )
    routed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    desk_posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AssessmentField(Base):
    """One voluntary answer of the assessment (fields: lotse/cases/assessment.py)."""

    __tablename__ = "assessment_field"
    __table_args__ = (UniqueConstraint("case_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120), default="")


class PlanGoal(Base):
    __tablename__ = "plan_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)


class PlanStep(Base):
    """A concrete measure: a catalogue offer (its card comes with it) or free text."""

    __tablename__ = "plan_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(16))
    offer_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    who: Mapped[str] = mapped_column(String(12), default="client")
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    comment: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_reminded_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    """The due date the client was reminded of (the day before; sent once per date)."""
    overdue_notified_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class PlanVersion(Base):
    """A review (Fortschreibung): the plan as it stood, what changed and why."""

    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    author: Mapped[str] = mapped_column(String(120), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class WorkspaceLogin(Base):
    """A one-time login link for the web workspace (only its SHA-256 is kept)."""

    __tablename__ = "workspace_login"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WorkspaceSession(Base):
    __tablename__ = "workspace_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
