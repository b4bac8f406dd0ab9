"""What an operator watches in the database: the outbox's backlog and the callback requests that
wait, counted in one query, and whether the database answers at all.

Plain queries and numbers; the adapters turn them into Prometheus gauges (bot/metrics.py) and
health answers. Nothing here names a person: only counts and ages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, ScalarSelect, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from lotse.models import utcnow
from lotse.requests.callbacks import OPEN
from lotse.requests.models import CallbackRequest, OutboxMessage

WAITING = ("pending", "sending")
"""Outbox rows Telegram has not accepted yet."""


@dataclass(frozen=True)
class Backlog:
    """Counts at one moment; ages in seconds (0 when nothing waits)."""

    outbox_waiting: int
    """Messages not yet accepted by Telegram (pending or being sent)."""
    outbox_retrying: int
    """... of them, those waiting after a failed attempt."""
    outbox_failed: int
    """Messages Telegram refused for good (blocked bot, unknown chat), kept until retention."""
    outbox_oldest_seconds: float
    requests_open: int
    """Callback requests not closed or cancelled (unclaimed or claimed)."""
    requests_unclaimed: int
    requests_unclaimed_urgent: int
    requests_oldest_unclaimed_seconds: float


def _count(table: type, condition: ColumnElement[bool]) -> ScalarSelect[int]:
    return select(func.count()).select_from(table).where(condition).scalar_subquery()


def _oldest(
    column: ColumnElement[datetime] | InstrumentedAttribute[datetime],
    condition: ColumnElement[bool],
) -> ScalarSelect[datetime]:
    return select(func.min(column)).where(condition).scalar_subquery()


def _age(since: datetime | str | None, now: datetime) -> float:
    if since is None:
        return 0.0
    if isinstance(since, str):  # a driver that returns the raw text
        since = datetime.fromisoformat(since)
    if since.tzinfo is None:  # SQLite keeps UTC without the zone
        since = since.replace(tzinfo=UTC)
    return max(0.0, (now - since).total_seconds())


def count_backlog(session: Session, now: datetime | None = None) -> Backlog:
    """One SELECT of scalar subqueries over the two tables' status indexes (cheap enough to
    run at every scrape)."""
    now = now or utcnow()
    outbox, request = OutboxMessage, CallbackRequest
    waiting = outbox.status.in_(WAITING)
    unclaimed = request.status == "open"
    row = session.execute(
        select(
            _count(outbox, waiting),
            _count(outbox, (outbox.status == "pending") & (outbox.attempts > 0)),
            _count(outbox, outbox.status == "failed"),
            _oldest(outbox.created_at, waiting),
            _count(request, request.status.in_(OPEN)),
            _count(request, unclaimed),
            _count(request, unclaimed & request.urgent.is_(True)),
            _oldest(request.created_at, unclaimed),
        )
    ).one()
    return Backlog(
        outbox_waiting=int(row[0] or 0),
        outbox_retrying=int(row[1] or 0),
        outbox_failed=int(row[2] or 0),
        outbox_oldest_seconds=_age(row[3], now),
        requests_open=int(row[4] or 0),
        requests_unclaimed=int(row[5] or 0),
        requests_unclaimed_urgent=int(row[6] or 0),
        requests_oldest_unclaimed_seconds=_age(row[7], now),
    )


def ping(session: Session) -> None:
    """Raises unless the database answers a trivial query (for health checks)."""
    session.execute(select(1)).one()
