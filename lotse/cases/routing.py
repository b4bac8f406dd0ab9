"""Who a callback request goes to first. A case's client asks again: their request goes to
their own facilitator first, and to the region's desk if it is not taken in time (or at once when
urgent, or when nobody holds the case; when their facilitator is away, the client is told who
covers). Any other request in a language other than German goes first to the region's
facilitators who speak it (lotse/requests/matching.py), then to the desk.

`book` wraps lotse/requests/callbacks.book for every caller that books (the action server, the
gateway's fallback). `fall_back_to_desk` runs with the gateway's reminders; each fallback is
claimed with one conditional UPDATE, so two gateway workers post it once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lotse.cases.cases import case_of, link_request, log_event, staff_text
from lotse.cases.models import CaseRequest
from lotse.db import affected
from lotse.protocol import DESK_PREFIX
from lotse.requests import callbacks, matching
from lotse.requests.desk import request_values, txt
from lotse.requests.models import CallbackRequest, Facilitator
from lotse.requests.outbox import Button, enqueue


def book(session: Session, booking: callbacks.Booking) -> CallbackRequest:
    """Book a callback; a client with an open case reaches their own facilitator first."""
    case = case_of(session, booking.conversation_id, ("open",))
    person = case.facilitator if case is not None else None
    today = matching.local_today()
    away = person is not None and matching.is_away(person, today)
    direct = person is not None and person.active and not away and not booking.urgent
    request = callbacks.book(session, booking, to_desk=False)
    if not direct and not matching.offer_privately(session, request, today):
        callbacks.post_to_desk(session, request)  # German, urgent, or nobody speaks it
    if case is None:
        return request
    link_request(session, case, request, posted=not direct)
    if person is not None and away:  # nothing routed to them; the client is told who covers
        tell_client_away(session, request, person, today)
    elif person is not None and person.active:
        language = person.ui_language
        key = "own_client_request" if direct else "own_client_urgent"
        enqueue(
            session,
            person.telegram_user_id,
            staff_text(language, key, case=case.reference, **request_values(request, language)),
            buttons=[
                [
                    Button(
                        staff_text(language, "take"),
                        f"{DESK_PREFIX}take:{request.id}",
                    )
                ]
            ]
            if direct
            else None,
            request_id=request.id,
        )
    return request


def tell_client_away(
    session: Session, request: CallbackRequest, person: Facilitator, today: date
) -> None:
    """ "Amina is away until 24.12.; Karim covers; you will hear who takes your request." """
    language = request.language
    enqueue(
        session,
        request.client_chat_id,
        txt(
            language,
            "away_request",
            section="lotse_gateway_texts",
            name=person.display_name,
            date=person.away_until.strftime("%d.%m.") if person.away_until else "",
            reference=request.reference,
            cover=cover_phrase(session, request.place, request.region, language, person, today),
        ),
        conversation_id=request.conversation_id,
        request_id=request.id,
    )


def cover_phrase(
    session: Session, place: str, region: str, language: str, absent: Facilitator, today: date
) -> str:
    """Who covers for an absent facilitator, in the client's language: up to two present
    colleagues of the region, those who speak the client's language first; else "the team"."""
    present = [
        p for p in matching.present_facilitators(session, place, region, today) if p.id != absent.id
    ]
    names = [p.display_name for p in (matching.speaking(present, language) or present)[:2]]
    return ", ".join(names) or txt(language, "cover_team", section="lotse_gateway_texts")


def post_after_language_round(session: Session, now: datetime, wait: timedelta) -> int:
    """Requests nobody who speaks the language took within `wait` go to the whole desk."""
    return matching.post_after_round(session, now, wait)


def fall_back_to_desk(session: Session, now: datetime, wait: timedelta) -> int:
    """Requests their own facilitator did not take within `wait` go to the desk, once."""
    posted = 0
    rows = session.scalars(
        select(CaseRequest).where(
            CaseRequest.desk_posted_at.is_(None), CaseRequest.routed_at <= now - wait
        )
    ).all()
    for row in rows:
        request = session.get(CallbackRequest, row.request_id)
        claimed = affected(
            session.execute(
                update(CaseRequest)
                .where(CaseRequest.id == row.id, CaseRequest.desk_posted_at.is_(None))
                .values(desk_posted_at=now)
                .execution_options(synchronize_session=False)
            )
        )
        if not claimed or request is None or request.status != "open":
            continue
        if callbacks.post_to_desk(session, request):
            posted += 1
            from lotse.cases.models import Case

            case = session.get(Case, row.case_id)
            if case is not None:
                log_event(session, case, "to_desk", "", request.reference)
    return posted
