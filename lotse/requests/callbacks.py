"""Callback requests: booking, routing to a region's desk, and their life until closed.

Every state change writes the messages it causes to the outbox in the same transaction
(lotse/requests/outbox.py), so a request is never taken without the client being told, never booked
without reaching its desk. Claims are one conditional UPDATE, so of two facilitators pressing
[Take] at the same moment exactly one wins, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from lotse.catalogue.places import area_chain, holiday_calendar
from lotse.catalogue.schedule import is_holiday
from lotse.db import affected
from lotse.models import utcnow
from lotse.requests import matching
from lotse.requests.desk import (
    facilitator_controls,
    request_values,
    txt,
)
from lotse.requests.handoff import (
    end_request_chat,
    open_request,
    owns,
    tell_client,
    tell_facilitator,
)
from lotse.requests.models import CallbackRequest, Desk, Facilitator
from lotse.requests.outbox import Button, enqueue

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
WORKING_DAYS_OFFERED = 5
OPEN = ("open", "claimed")


@dataclass(frozen=True)
class Booking:
    conversation_id: str
    client_chat_id: int
    topic: str
    place: str
    language: str
    preferred_day: date
    preferred_part: str
    contact_method: str = "telegram"
    phone: str | None = None
    urgent: bool = False


@dataclass(frozen=True)
class ClaimResult:
    won: bool
    request: CallbackRequest
    holder: str = ""


def callback_slots(
    today: date, calendar: str = "DE", days: int = WORKING_DAYS_OFFERED
) -> list[date]:
    """The next working days after today (no weekends, no public holidays of the state)."""
    found: list[date] = []
    day = today
    while len(found) < days:
        day += timedelta(days=1)
        if day.weekday() < 5 and not is_holiday(day, calendar):
            found.append(day)
    return found


def slots_for_place(session: Session, place: str | None, today: date) -> list[date]:
    calendar = holiday_calendar(session, place) if place else "DE"
    return callback_slots(today, calendar)


def any_desk_region(session: Session) -> str | None:
    return session.scalar(select(Desk.region).order_by(Desk.id))


def desk_for(session: Session, place: str) -> Desk | None:
    """The desk of the nearest area around `place` that has one."""
    desks = {d.region: d for d in session.scalars(select(Desk))}
    return next((desks[a.name] for a in area_chain(session, place) if a.name in desks), None)


def _reference(session: Session) -> str:
    while True:
        reference = "R-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(5))
        if (
            session.scalar(select(CallbackRequest.id).where(CallbackRequest.reference == reference))
            is None
        ):
            return reference


def book(session: Session, booking: Booking, to_desk: bool = True) -> CallbackRequest:
    """Store the request and queue its desk post; the caller commits before telling the client.
    `to_desk=False`: no desk post yet (a case's client goes to their own facilitator first,
    lotse/cases/routing.py, which posts it with `post_to_desk` if nobody takes it in time)."""
    desk = desk_for(session, booking.place)
    chain = area_chain(session, booking.place)
    request = CallbackRequest(
        reference=_reference(session),
        conversation_id=booking.conversation_id,
        client_chat_id=booking.client_chat_id,
        topic=booking.topic,
        place=booking.place,
        region=desk.region if desk else (chain[-1].name if chain else booking.place),
        language=booking.language,
        preferred_day=booking.preferred_day,
        preferred_part=booking.preferred_part,
        contact_method=booking.contact_method,
        phone=booking.phone if booking.contact_method == "phone" else None,
        urgent=booking.urgent,
    )
    session.add(request)
    session.flush()
    if desk is not None and to_desk:
        _post_to_desk(session, request, desk)
    return request


def post_to_desk(session: Session, request: CallbackRequest) -> bool:
    """Post a request that was held back (`book(to_desk=False)`) to its region's desk."""
    desk = session.scalar(select(Desk).where(Desk.region == request.region))
    if desk is None:
        return False
    _post_to_desk(session, request, desk)
    return True


def _post_to_desk(session: Session, request: CallbackRequest, desk: Desk) -> None:
    matching.post_to_desk(session, request, desk)  # with who of the team speaks the language


def _edit_desk_post(session: Session, request: CallbackRequest, key: str, **values: str) -> None:
    """The desk post and the private offers of the language round say what became of it."""
    posts = [*(request.private_posts or [])]
    if request.desk_outbox_id is not None and request.desk_chat_id is not None:
        posts.append([request.desk_chat_id, request.desk_outbox_id])
    if not posts:
        return
    desk = session.scalar(select(Desk).where(Desk.region == request.region))
    language = desk.ui_language if desk else "de"
    text = txt(language, key, reference=request.reference, **values)
    for chat_id, outbox_id in posts:
        enqueue(session, chat_id, text, request_id=request.id, edit_of=outbox_id)


def facilitator(session: Session, telegram_user_id: int) -> Facilitator | None:
    return session.scalar(
        select(Facilitator).where(
            Facilitator.telegram_user_id == telegram_user_id, Facilitator.active.is_(True)
        )
    )


def covers(session: Session, person: Facilitator, request: CallbackRequest) -> bool:
    """A facilitator of a region may see and take every request from a place inside it."""
    around = {a.name for a in area_chain(session, request.place)} | {request.region}
    return bool(around & set(person.regions or []))


def claim(session: Session, request_id: int, person: Facilitator) -> ClaimResult:
    """Take an open request; of simultaneous claims exactly one wins (one conditional UPDATE)."""
    now = utcnow()
    won = affected(
        session.execute(
            update(CallbackRequest)
            .where(CallbackRequest.id == request_id, CallbackRequest.status == "open")
            .values(status="claimed", facilitator_id=person.id, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    request = session.get(CallbackRequest, request_id, populate_existing=True)
    assert request is not None
    if not won:
        holder = request.facilitator.display_name if request.facilitator else ""
        return ClaimResult(False, request, holder)
    _edit_desk_post(session, request, "taken_by", name=person.display_name)
    when = request_values(request, request.language)["time"]
    tell_client(
        session,
        request,
        "request_taken",
        name=person.display_name,
        reference=request.reference,
        time=when,
    )
    text, buttons = facilitator_controls(request, person.ui_language)
    enqueue(session, person.telegram_user_id, text, buttons=buttons, request_id=request.id)
    return ClaimResult(True, request, person.display_name)


def _transition(
    session: Session,
    request: CallbackRequest,
    from_states: tuple[str, ...],
    owner: Facilitator | None,
    **values: object,
) -> bool:
    """Move a request on in one conditional UPDATE, as `claim` does: from one of `from_states`
    and, with `owner`, only while they hold it. Of two transitions racing on one request (a
    client's cancel and a facilitator's release), exactly one takes effect; the other changes
    nothing and reports False. The request object is refreshed either way."""
    conditions = [CallbackRequest.id == request.id, CallbackRequest.status.in_(from_states)]
    if owner is not None:
        conditions.append(CallbackRequest.facilitator_id == owner.id)
    moved = affected(
        session.execute(
            update(CallbackRequest)
            .where(*conditions)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(request)
    return moved == 1


def release(session: Session, request: CallbackRequest, person: Facilitator) -> bool:
    """Give a claimed request back to the desk (a fresh post with [Take])."""
    if not owns(request, person):
        return False
    if not _transition(
        session, request, ("claimed",), person, status="open", facilitator_id=None, claimed_at=None
    ):
        return False
    end_request_chat(session, request, person)
    tell_facilitator(session, request, person, "released", reference=request.reference)
    desk = session.scalar(select(Desk).where(Desk.region == request.region))
    if desk is not None:
        _post_to_desk(session, request, desk)
    return True


def close(
    session: Session, request: CallbackRequest, person: Facilitator, outcome: str, note: str = ""
) -> bool:
    if not owns(request, person):
        return False
    if not _transition(
        session,
        request,
        ("claimed",),
        person,
        status="closed",
        outcome=outcome,
        note=note[:500],
        closed_at=utcnow(),
    ):
        return False
    end_request_chat(session, request, person)
    _edit_desk_post(
        session, request, "closed", outcome=txt(person.ui_language, f"outcome_{outcome}")
    )
    tell_client(session, request, "request_closed", reference=request.reference)
    return True


def cancel_by_client(session: Session, conversation_id: str) -> CallbackRequest | None:
    request = open_request(session, conversation_id)
    if request is None:
        return None
    held_by = request.facilitator
    # only in the state just read: a release or close in between makes this change nothing
    if not _transition(
        session,
        request,
        (request.status,),
        held_by,
        status="cancelled",
        closed_at=utcnow(),
        outcome="cancelled",
    ):
        return None
    if held_by is not None:
        end_request_chat(session, request, held_by, notify_client=False)
        tell_facilitator(session, request, held_by, "client_cancelled", reference=request.reference)
    _edit_desk_post(session, request, "cancelled_by_client")
    return request


def visible_to(
    session: Session, person: Facilitator, statuses: tuple[str, ...] = ("open",)
) -> list[CallbackRequest]:
    """Requests of the facilitator's regions (urgent first, then oldest)."""
    rows = session.scalars(
        select(CallbackRequest)
        .where(CallbackRequest.status.in_(statuses))
        .order_by(CallbackRequest.urgent.desc(), CallbackRequest.created_at)
    ).all()
    return [r for r in rows if covers(session, person, r)]


def claimed_by(session: Session, person: Facilitator) -> list[CallbackRequest]:
    return list(
        session.scalars(
            select(CallbackRequest)
            .where(CallbackRequest.status == "claimed", CallbackRequest.facilitator_id == person.id)
            .order_by(CallbackRequest.claimed_at)
        )
    )


def _mark_once(session: Session, request: CallbackRequest, column: str, now: datetime) -> bool:
    """Set a reminder timestamp unless another gateway worker already did (one conditional
    UPDATE: on PostgreSQL the second waits for the first's commit and then matches nothing)."""
    marked = session.execute(
        update(CallbackRequest)
        .where(CallbackRequest.id == request.id, getattr(CallbackRequest, column).is_(None))
        .values({column: now})
        .execution_options(synchronize_session=False)
    )
    if affected(marked) != 1:
        return False
    set_committed_value(request, column, now)
    return True


def send_reminders(
    session: Session, now: datetime, remind_after: timedelta, escalate_after: timedelta
) -> int:
    """Remind the desk of a request nobody took, then the coordinator; urgent ones 4× sooner.
    Safe with several gateway workers: each reminder is claimed before it is queued."""
    sent = 0
    waiting = select(CallbackRequest).where(
        CallbackRequest.status == "open", CallbackRequest.language_round_at.is_(None)
    )  # not while it is still offered privately to those who speak the language
    for request in session.scalars(waiting):
        factor = 4 if request.urgent else 1
        waited = now - request.created_at.replace(tzinfo=request.created_at.tzinfo or now.tzinfo)
        desk = session.scalar(select(Desk).where(Desk.region == request.region))
        if desk is None:
            continue
        minutes = str(int(waited.total_seconds() // 60))
        if (
            request.reminded_at is None
            and waited >= remind_after / factor
            and _mark_once(session, request, "reminded_at", now)
        ):
            enqueue(
                session,
                desk.telegram_chat_id,
                txt(desk.ui_language, "reminder", reference=request.reference, minutes=minutes),
                request_id=request.id,
            )
            sent += 1
        if (
            request.escalated_at is None
            and desk.coordinator_telegram_id
            and waited >= escalate_after / factor
            and _mark_once(session, request, "escalated_at", now)
        ):
            enqueue(
                session,
                desk.coordinator_telegram_id,
                txt(
                    desk.ui_language,
                    "escalation",
                    reference=request.reference,
                    region=request.region,
                    minutes=minutes,
                ),
                request_id=request.id,
            )
            sent += 1
    return sent


__all__ = ["Booking", "Button", "ClaimResult", "book", "claim", "close", "release"]
