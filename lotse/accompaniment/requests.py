"""Accompaniment requests: booking, offering to the region, taking, reminders, outcome.

As with callbacks (lotse/requests/callbacks.py), every state change writes the messages it
causes to the outbox in the same transaction, and taking is one conditional UPDATE, so of two
people pressing [Take] at the same moment exactly one wins. A request is offered first to those
of the region who speak the client's language, then to the desk and every volunteer of the
region (lotse/accompaniment/offering.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lotse.accompaniment import offering
from lotse.accompaniment.models import OPEN, Accompaniment, Volunteer
from lotse.accompaniment.texts import client_text, desk_text, details, map_link, values
from lotse.catalogue.places import area_chain
from lotse.db import affected
from lotse.models import utcnow
from lotse.protocol import ACCOMPANY_PREFIX
from lotse.requests import callbacks
from lotse.requests.outbox import Button, enqueue

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REMIND_BEFORE = timedelta(hours=24)
ASK_OUTCOME_AFTER = timedelta(hours=2)


@dataclass(frozen=True)
class Booking:
    conversation_id: str
    client_chat_id: int
    kind: str
    address: str
    appointment_at: datetime
    place: str
    language: str


@dataclass(frozen=True)
class Companion:
    """Who may take a request: a facilitator or a volunteer of its region."""

    telegram_user_id: int
    name: str
    role: str
    ui_language: str


def _reference(session: Session) -> str:
    while True:
        reference = "B-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(5))
        found = session.scalar(select(Accompaniment.id).where(Accompaniment.reference == reference))
        if found is None:
            return reference


def _around(session: Session, request: Accompaniment) -> set[str]:
    return {a.name for a in area_chain(session, request.place)} | {request.region}


def companion(session: Session, user_id: int, request: Accompaniment) -> Companion | None:
    """The facilitator or volunteer `user_id`, if they may see and take this request."""
    person = callbacks.facilitator(session, user_id)
    if person is not None and _around(session, request) & set(person.regions or []):
        return Companion(user_id, person.display_name, "facilitator", person.ui_language)
    volunteer = session.scalar(
        select(Volunteer).where(Volunteer.telegram_user_id == user_id, Volunteer.active.is_(True))
    )
    if volunteer is not None and volunteer in offering.region_volunteers(session, request):
        return Companion(user_id, volunteer.display_name, "volunteer", volunteer.ui_language)
    return None


def _edit_posts(session: Session, request: Accompaniment, key: str, **extra: str) -> None:
    for chat_id, outbox_id in request.posts or []:
        enqueue(
            session,
            chat_id,
            desk_text("de", key, reference=request.reference, **extra),
            edit_of=outbox_id,
        )


def book(session: Session, booking: Booking) -> Accompaniment:
    """Store the request and offer it; the caller commits before telling the client."""
    desk = callbacks.desk_for(session, booking.place)
    chain = area_chain(session, booking.place)
    request = Accompaniment(
        reference=_reference(session),
        conversation_id=booking.conversation_id,
        client_chat_id=booking.client_chat_id,
        kind=booking.kind,
        address=booking.address.strip()[:300],
        appointment_at=booking.appointment_at,
        place=booking.place,
        region=desk.region if desk else (chain[-1].name if chain else booking.place),
        language=booking.language,
    )
    session.add(request)
    session.flush()
    offering.offer(session, request)
    return request


def open_request(session: Session, conversation_id: str) -> Accompaniment | None:
    return session.scalar(
        select(Accompaniment)
        .where(Accompaniment.conversation_id == conversation_id, Accompaniment.status.in_(OPEN))
        .order_by(Accompaniment.appointment_at)
        .limit(1)
    )


def _tell_client(
    session: Session, request: Accompaniment, key: str, cancel: bool = False, **extra: str
) -> None:
    if not request.client_chat_id:
        return
    language = request.language
    body = client_text(language, key, **values(request, language), **extra)
    buttons = (
        [[Button(client_text(language, "cancel"), f"{ACCOMPANY_PREFIX}cancel:{request.id}")]]
        if cancel
        else None
    )
    enqueue(
        session,
        request.client_chat_id,
        body,
        buttons=buttons,
        conversation_id=request.conversation_id,
    )


def _tell_companion(
    session: Session, request: Accompaniment, key: str, buttons: list[list[Button]] | None = None
) -> None:
    if request.companion_telegram_id is None:
        return
    language = _companion_language(session, request)
    body = desk_text(language, key, **details(request, language))
    enqueue(session, request.companion_telegram_id, body, buttons=buttons)


def _companion_language(session: Session, request: Accompaniment) -> str:
    user_id = request.companion_telegram_id or 0
    person = callbacks.facilitator(session, user_id)
    if person is not None:
        return person.ui_language
    volunteer = session.scalar(select(Volunteer).where(Volunteer.telegram_user_id == user_id))
    return volunteer.ui_language if volunteer else "de"


def claim(session: Session, request: Accompaniment, who: Companion) -> bool:
    """Take an open request; of simultaneous presses exactly one wins."""
    won = affected(
        session.execute(
            update(Accompaniment)
            .where(Accompaniment.id == request.id, Accompaniment.status == "open")
            .values(
                status="claimed",
                companion_telegram_id=who.telegram_user_id,
                companion_name=who.name,
                companion_role=who.role,
                claimed_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(request)
    if not won:
        return False
    _edit_posts(session, request, "taken_by", name=who.name)
    _tell_client(session, request, "taken", cancel=True, name=who.name)
    release = f"{ACCOMPANY_PREFIX}release:{request.id}"
    _tell_companion(
        session, request, "you_took", [[Button(desk_text(who.ui_language, "release"), release)]]
    )
    return True


def release(session: Session, request: Accompaniment, user_id: int) -> bool:
    """The companion gives it back: it is offered again."""
    moved = affected(
        session.execute(
            update(Accompaniment)
            .where(
                Accompaniment.id == request.id,
                Accompaniment.status == "claimed",
                Accompaniment.companion_telegram_id == user_id,
            )
            .values(
                status="open",
                companion_telegram_id=None,
                companion_name="",
                companion_role="",
                claimed_at=None,
                reminded_at=None,
            )
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(request)
    if not moved:
        return False
    _edit_posts(session, request, "released")
    _tell_client(session, request, "given_back")
    offering.offer(session, request)
    return True


def give_back_all(session: Session, user_id: int) -> int:
    held = session.scalars(
        select(Accompaniment).where(
            Accompaniment.status == "claimed", Accompaniment.companion_telegram_id == user_id
        )
    ).all()
    return sum(release(session, request, user_id) for request in held)


def cancel_by_client(
    session: Session, conversation_id: str, request_id: int
) -> Accompaniment | None:
    """The client cancels one of their open requests; the companion or the region is told."""
    request = session.get(Accompaniment, request_id)
    if request is None or request.conversation_id != conversation_id:
        return None
    moved = affected(
        session.execute(
            update(Accompaniment)
            .where(Accompaniment.id == request.id, Accompaniment.status.in_(OPEN))
            .values(status="cancelled", closed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(request)
    if not moved:
        return None
    _tell_companion(session, request, "client_cancelled")
    _edit_posts(session, request, "cancelled_by_client")
    return request


def record_outcome(
    session: Session, request: Accompaniment, user_id: int, took_place: bool
) -> bool:
    """After the date, the companion says whether it took place; the request is done."""
    moved = affected(
        session.execute(
            update(Accompaniment)
            .where(
                Accompaniment.id == request.id,
                Accompaniment.status == "claimed",
                Accompaniment.companion_telegram_id == user_id,
            )
            .values(status="done", took_place=took_place, closed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(request)
    return bool(moved)


def _mark_once(session: Session, request: Accompaniment, column: str, now: datetime) -> bool:
    """Claim a reminder before queueing it, so several gateway workers send it once."""
    marked = session.execute(
        update(Accompaniment)
        .where(Accompaniment.id == request.id, getattr(Accompaniment, column).is_(None))
        .values({column: now})
        .execution_options(synchronize_session=False)
    )
    return affected(marked) == 1


def send_due(session: Session, now: datetime) -> int:
    """The day before: a reminder to client and companion (address, map link). Two hours after:
    the companion is asked whether it took place. Returns the messages queued."""
    sent = 0
    claimed = session.scalars(select(Accompaniment).where(Accompaniment.status == "claimed")).all()
    for request in claimed:
        at = request.appointment_at
        at = at if at.tzinfo else at.replace(tzinfo=now.tzinfo)
        if (
            request.reminded_at is None
            and at - REMIND_BEFORE <= now < at
            and _mark_once(session, request, "reminded_at", now)
        ):
            _tell_client(
                session,
                request,
                "reminder",
                cancel=True,
                address=request.address,
                map=map_link(request.address, request.place),
                name=request.companion_name,
            )
            _tell_companion(session, request, "reminder")
            sent += 2
        if (
            request.followup_at is None
            and now >= at + ASK_OUTCOME_AFTER
            and _mark_once(session, request, "followup_at", now)
        ):
            language = _companion_language(session, request)
            prefix = f"{ACCOMPANY_PREFIX}outcome:{request.id}"
            _tell_companion(
                session,
                request,
                "ask_outcome",
                [
                    [
                        Button(desk_text(language, "took_place"), f"{prefix}:yes"),
                        Button(desk_text(language, "did_not_take_place"), f"{prefix}:no"),
                    ]
                ],
            )
            sent += 1
    return sent
