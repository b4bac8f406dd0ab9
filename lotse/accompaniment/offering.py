"""Offering an accompaniment request: first, privately, to those of the region who speak the
client's language — volunteers who accompany and facilitators who are not away; if none of
them takes it within LOTSE_LANGUAGE_ROUND_MINUTES (or nobody speaks it, or it is in German),
to the region's desk and every volunteer of the region who accompanies. The desk post says who
of them speaks the language. The round's start is stored (survives restarts); ending it is one
conditional UPDATE (lotse/requests/matching.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.accompaniment.models import Accompaniment, Volunteer
from lotse.accompaniment.texts import DESK, desk_text, values
from lotse.models import utcnow
from lotse.protocol import ACCOMPANY_PREFIX
from lotse.requests import callbacks, matching
from lotse.requests.outbox import Button, enqueue


def region_volunteers(session: Session, request: Accompaniment) -> list[Volunteer]:
    """Active volunteers who accompany, in the request's region."""
    around = matching.areas_around(session, request.place, request.region)
    return [
        v
        for v in session.scalars(
            select(Volunteer).where(Volunteer.active.is_(True)).order_by(Volunteer.display_name)
        )
        if "accompaniment" in (v.skills or []) and around & set(v.regions or [])
    ]


def speakers(session: Session, request: Accompaniment) -> list[tuple[int, str, str]]:
    """(Telegram id, name, interface language) of the present facilitators and the volunteers
    of the region who speak the client's language."""
    today = matching.local_today()
    people = [
        *matching.present_facilitators(session, request.place, request.region, today),
        *region_volunteers(session, request),
    ]
    found = {  # someone registered both ways is offered it once
        p.telegram_user_id: (p.telegram_user_id, p.display_name, p.ui_language)
        for p in reversed(matching.speaking(people, request.language))
    }
    return list(reversed(found.values()))


def _post(session: Session, request: Accompaniment, chat_id: int, body: str, language: str) -> int:
    take = f"{ACCOMPANY_PREFIX}take:{request.id}"
    message = enqueue(session, chat_id, body, buttons=[[Button(desk_text(language, "take"), take)]])
    return message.id


def offer(session: Session, request: Accompaniment) -> None:
    """Offer a new (or given back) request: the language round if anyone speaks it."""
    request.posts = []
    found = speakers(session, request) if matching.needs_round(request.language) else []
    if not found:
        offer_to_all(session, request)
        return
    posts = []
    for chat_id, _name, language in found:
        body = desk_text(language, "new_request", **values(request, language))
        body += matching.first_to_you(request.language, language, DESK)
        posts.append([chat_id, _post(session, request, chat_id, body, language)])
    request.posts = posts
    request.language_round_at = utcnow()


def offer_to_all(session: Session, request: Accompaniment) -> None:
    """The desk (saying who speaks the language) and every volunteer of the region who has not
    had it yet."""
    had = {chat for chat, _ in request.posts or []}
    posts = list(request.posts or [])
    desk = callbacks.desk_for(session, request.place)
    if desk is not None:
        language = desk.ui_language
        names = [name for _, name, _ in speakers(session, request)]
        body = desk_text(language, "new_request", **values(request, language))
        body += matching.speakers_line(names, request.language, language, DESK)
        chat_id = desk.telegram_chat_id
        posts.append([chat_id, _post(session, request, chat_id, body, language)])
    for volunteer in region_volunteers(session, request):
        if volunteer.telegram_user_id in had:
            continue
        language = volunteer.ui_language
        body = desk_text(language, "new_request", **values(request, language))
        chat_id = volunteer.telegram_user_id
        posts.append([chat_id, _post(session, request, chat_id, body, language)])
    request.posts = posts


def post_after_round(session: Session, now: datetime, wait: timedelta) -> int:
    """Requests nobody took in their language round go to the desk and every volunteer."""
    posted = 0
    for request in matching.rounds_over(session, Accompaniment, now, wait):
        if not matching.end_round(session, Accompaniment, request.id):
            continue
        session.refresh(request)
        if request.status == "open":
            offer_to_all(session, request)
            posted += 1
    return posted
