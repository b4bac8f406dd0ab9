"""What people ask and where Lotse fails them: an anonymous question log and its aggregates.

One row per message: day, language, recognised intent and confidence, topic and region — no
conversation id: a keyed hash of it (the key is in `app_secret`, never exported) lets /delete find
the person's rows, nothing else. The text is kept only for questions Lotse did not understand well
(low confidence or fallback, or corrected with "Not what I meant"), masked, for the admins'
review queue, and is removed after the retention period or by /delete. Aggregates never show a
count below five.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import Counter
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

import yaml
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    String,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from lotse.db import Base, affected
from lotse.models import utcnow
from lotse.requests.models import CallbackRequest

LOW_CONFIDENCE = 0.6
MIN_COUNT = 5
REVIEW_TEXT_CHARS = 300


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LONG_NUMBER = re.compile(r"\+?\d(?:[\d\s./()-]*\d){4,}")


def mask(text: str) -> str:
    """E-mail addresses and numbers of five digits or more (phones, dates, file numbers) are
    replaced before a text is stored; "B1", "§24" or "3 Kinder" stay readable."""
    return _LONG_NUMBER.sub("[number]", _EMAIL.sub("[email]", text))


class QuestionLog(Base):
    __tablename__ = "question_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    day: Mapped[date] = mapped_column(Date, index=True)
    language: Mapped[str] = mapped_column(String(8), default="")
    intent: Mapped[str] = mapped_column(String(40), default="")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    topic: Mapped[str] = mapped_column(String(32), default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    low_confidence: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    label: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """The intent an admin gave a misunderstood question (becomes a training example)."""
    conversation_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    """A keyed hash of the conversation id (conversation_key()): what /delete looks for."""


class UnmetQuestion(Base):
    """The gap radar (lotse/partners/gaps.py): a search that found no fitting offer, as its
    fields only — never the text, the day or the person, so nothing here is personal data and
    nothing needs /delete. `kind`: `no_offer` (nothing for this person here), `subtopic` (nothing
    for the subtopic, the topic's offers shown instead), `language` (offers found, none speaks the
    client's language; `service_ids` are the offers shown)."""

    __tablename__ = "unmet_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)
    """`2026-Q3`"""
    region: Mapped[str] = mapped_column(String(120), default="", index=True)
    place: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(String(12))
    topic: Mapped[str] = mapped_column(String(32), default="")
    subtopic: Mapped[str] = mapped_column(String(40), default="")
    residence_status: Mapped[str] = mapped_column(String(32), default="")
    age_group: Mapped[str] = mapped_column(String(16), default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    service_ids: Mapped[list[str]] = mapped_column(JSON, default=list)


UNMET_KINDS = ("no_offer", "subtopic", "language")


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def record_unmet(
    session: Session,
    *,
    kind: str,
    topic: str,
    place: str,
    region: str,
    subtopic: str | None = None,
    residence_status: str | None = None,
    age_group: str | None = None,
    language: str | None = None,
    service_ids: list[str] | None = None,
    now: datetime | None = None,
) -> None:
    """Count one question nothing fitted: the search's fields, nothing about the person."""
    if kind not in UNMET_KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    session.add(
        UnmetQuestion(
            quarter=quarter_of((now or utcnow()).date()),
            region=region[:120],
            place=place[:120],
            kind=kind,
            topic=topic,
            subtopic=subtopic or "",
            residence_status=residence_status or "",
            age_group=age_group or "",
            language=language or "",
            service_ids=list(service_ids or [])[:10],
        )
    )


KEY_NAME = "question_log_key"


class AppSecret(Base):
    """Secrets the application makes itself (migration 0008): the question log's hash key."""

    __tablename__ = "app_secret"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


def conversation_key(session: Session, conversation_id: str) -> str | None:
    """HMAC-SHA256 of the conversation id with the database's own key."""
    if not conversation_id:
        return None
    value = session.connection().scalar(_KEY_SELECT)
    if value is None:  # made by migration 0008; a database made otherwise gets it on first use
        key = AppSecret(name=KEY_NAME, value=secrets.token_hex(32))
        session.add(key)
        session.flush()
        value = key.value
    return hmac.new(value.encode(), conversation_id.encode(), hashlib.sha256).hexdigest()


_KEY_SELECT = select(AppSecret.value).where(AppSecret.name == KEY_NAME)
"""Built once and run on the session's connection: every turn hashes its conversation id, and
the ORM's `session.get` cost seven times the query (issue 15)."""


def erase_conversation(session: Session, conversation_id: str) -> int:
    """/delete: the person's texts and labels go, and the link; the anonymous counts stay."""
    key = conversation_key(session, conversation_id)
    if key is None:
        return 0
    return affected(
        session.execute(
            update(QuestionLog)
            .where(QuestionLog.conversation_key == key)
            .values(text=None, label=None, conversation_key=None)
        )
    )


def record(
    session: Session,
    *,
    text: str,
    intent: str,
    confidence: float,
    language: str,
    topic: str = "",
    region: str = "",
    conversation_id: str = "",
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    unsure = intent == "nlu_fallback" or confidence < LOW_CONFIDENCE
    session.connection().execute(
        _QUESTION_INSERT,
        {
            "at": now,
            "day": now.date(),
            "language": language,
            "intent": intent,
            "confidence": round(confidence, 3),
            "topic": topic or "",
            "region": region or "",
            "low_confidence": unsure,
            "text": mask(text)[:REVIEW_TEXT_CHARS] if unsure and not text.startswith("/") else None,
            "label": None,
            "conversation_key": conversation_key(session, conversation_id),
        },
    )


_QUESTION_INSERT = insert(QuestionLog).inline()
"""One row per turn, written as a prebuilt Core INSERT on the session's connection (its
transaction): through the ORM's unit of work it cost the action server about 0.5 ms a turn.
Nothing here is audited (the audit log records admins' changes) or catalogue data."""


def record_correction(
    session: Session,
    *,
    text: str,
    label: str,
    language: str,
    conversation_id: str = "",
    now: datetime | None = None,
) -> None:
    """A question the client corrected with "Not what I meant": into the review queue, masked,
    already labelled with the topic they chose (an admin confirms it before it is trained on)."""
    now = now or utcnow()
    session.add(
        QuestionLog(
            at=now,
            day=now.date(),
            language=language,
            intent="correction",
            confidence=0.0,
            low_confidence=True,
            text=mask(text)[:REVIEW_TEXT_CHARS],
            label=label,
            conversation_key=conversation_key(session, conversation_id),
        )
    )


def suppressed(counts: Counter[str] | dict[str, int]) -> dict[str, int | None]:
    """Counts below five become None ("fewer than 5"), so no small group can be singled out."""
    return {k: (v if v >= MIN_COUNT else None) for k, v in sorted(counts.items())}


def questions_by(session: Session, field: str, since: date) -> dict[str, int | None]:
    column = getattr(QuestionLog, field)
    rows = session.execute(
        select(column).where(QuestionLog.day >= since, QuestionLog.intent != "")
    ).scalars()
    return suppressed(Counter(str(v or "–") for v in rows))


def questions_per_week(session: Session, since: date) -> dict[str, int | None]:
    days = session.execute(select(QuestionLog.day).where(QuestionLog.day >= since)).scalars()
    return suppressed(Counter(f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in days))


def review_queue(session: Session, limit: int = 50) -> list[QuestionLog]:
    return list(
        session.scalars(
            select(QuestionLog)
            .where(QuestionLog.low_confidence.is_(True), QuestionLog.text.is_not(None))
            .order_by(QuestionLog.label.is_not(None), QuestionLog.at.desc())
            .limit(limit)
        )
    )


def label(session: Session, question_id: int, intent: str) -> None:
    session.execute(update(QuestionLog).where(QuestionLog.id == question_id).values(label=intent))


def training_examples(session: Session) -> str:
    """Labelled questions as Rasa NLU training data (YAML), to add to data/nlu/<lang>.yml."""
    by_intent: dict[str, list[str]] = {}
    for row in session.scalars(
        select(QuestionLog).where(QuestionLog.label.is_not(None), QuestionLog.text.is_not(None))
    ):
        by_intent.setdefault(row.label or "", []).append(row.text or "")
    nlu = [
        {"intent": intent, "examples": "".join(f"- {t}\n" for t in sorted(set(texts)))}
        for intent, texts in sorted(by_intent.items())
    ]
    return yaml.safe_dump({"version": "3.1", "nlu": nlu}, allow_unicode=True, sort_keys=False)


def callback_figures(session: Session, since: datetime) -> dict[str, Any]:
    """Time to take (median minutes per week) and outcomes, suppressed below five."""
    rows = session.scalars(select(CallbackRequest).where(CallbackRequest.created_at >= since)).all()
    waits: dict[str, list[float]] = {}
    for r in rows:
        if r.claimed_at is not None:
            week = f"{r.created_at.isocalendar()[0]}-W{r.created_at.isocalendar()[1]:02d}"
            minutes = (r.claimed_at - r.created_at).total_seconds() / 60
            waits.setdefault(week, []).append(minutes)
    return {
        "median_minutes_to_take": {
            w: (round(median(v), 1) if len(v) >= MIN_COUNT else None)
            for w, v in sorted(waits.items())
        },
        "outcomes": suppressed(Counter(r.outcome or r.status for r in rows)),
    }


def purge_texts(session: Session, now: datetime, days: int) -> int:
    """Retention: review texts older than `days` are removed (the counts stay)."""
    cutoff = (now - timedelta(days=days)).date()
    return affected(
        session.execute(
            update(QuestionLog)
            .where(QuestionLog.day < cutoff, QuestionLog.text.is_not(None))
            .values(text=None, conversation_key=None)
        )
    )
