"""Matching by language: a request in a language other than German goes first, privately, to
the facilitators of its region who speak it (and are not away); if none of them takes it within
a configurable time (LOTSE_LANGUAGE_ROUND_MINUTES), the gateway's reminder job posts it to the
whole desk, and the desk post says who of the team speaks the language.

The round's start is a column (`language_round_at`), so a restart loses nothing: the next run of
the job finds it. Ending a round is one conditional UPDATE, so two gateway workers post it once.
German requests skip the round (every desk speaks German), and so do urgent ones.

Absences: a facilitator with `away_until` on or after today gets nothing routed to them
(lotse/absence.py sets it)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lotse import DEFAULT_LANGUAGE
from lotse.catalogue.places import area_chain
from lotse.catalogue.schedule import BERLIN
from lotse.db import affected
from lotse.i18n import language_name, text
from lotse.models import utcnow
from lotse.requests.desk import desk_post
from lotse.requests.models import CallbackRequest, Desk, Facilitator
from lotse.requests.outbox import enqueue

OFFICE_LANGUAGE = DEFAULT_LANGUAGE
"""Spoken at every desk: requests in it go to the whole desk at once."""


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(BERLIN).date()


def is_away(person: Facilitator, today: date) -> bool:
    """Away through `away_until` (inclusive); back the day after."""
    return person.away_until is not None and today <= person.away_until


def areas_around(session: Session, place: str, region: str) -> set[str]:
    return {a.name for a in area_chain(session, place)} | {region}


def present_facilitators(
    session: Session, place: str, region: str, today: date
) -> list[Facilitator]:
    """Active facilitators whose regions cover the place and who are not away."""
    around = areas_around(session, place, region)
    return [
        p
        for p in session.scalars(
            select(Facilitator)
            .where(Facilitator.active.is_(True))
            .order_by(Facilitator.display_name)
        )
        if around & set(p.regions or []) and not is_away(p, today)
    ]


def speaking(people: list[Any], language: str) -> list[Any]:
    """Those of `people` (facilitators or volunteers) who speak `language`."""
    return [p for p in people if language in (p.languages or [])]


def needs_round(language: str, urgent: bool = False) -> bool:
    return language != OFFICE_LANGUAGE and not urgent


def speakers_line(names: list[str], language: str, reader: str, section: str) -> str:
    """ "🗣 Arabisch sprechen: Amina, Amal" under a desk post; nothing for German."""
    if language == OFFICE_LANGUAGE:
        return ""
    name = language_name(language, reader)
    if names:
        return "\n" + text(reader, section, "speakers").format(
            language=name, names=", ".join(names)
        )
    return "\n" + text(reader, section, "no_speakers").format(language=name)


def first_to_you(language: str, reader: str, section: str) -> str:
    """Under a private offer: why it came to you first."""
    return "\n\n" + text(reader, section, "first_to_you").format(
        language=language_name(language, reader)
    )


def post_to_desk(session: Session, request: CallbackRequest, desk: Desk) -> None:
    """The desk post with [Take] and the line saying who of the team speaks the language."""
    body, buttons = desk_post(request, desk.ui_language)
    names = [
        p.display_name
        for p in speaking(
            present_facilitators(session, request.place, request.region, local_today()),
            request.language,
        )
    ]
    body += speakers_line(names, request.language, desk.ui_language, "lotse_desk")
    message = enqueue(session, desk.telegram_chat_id, body, buttons=buttons, request_id=request.id)
    request.desk_chat_id, request.desk_outbox_id = desk.telegram_chat_id, message.id


def offer_privately(session: Session, request: CallbackRequest, today: date) -> bool:
    """Offer a callback request to the region's present facilitators who speak its language.
    False (nothing sent) for German or urgent requests, or when nobody speaks it."""
    if not needs_round(request.language, request.urgent):
        return False
    people = speaking(
        present_facilitators(session, request.place, request.region, today), request.language
    )
    if not people:
        return False
    posts = []
    for person in people:
        body, buttons = desk_post(request, person.ui_language)
        body += first_to_you(request.language, person.ui_language, "lotse_desk")
        message = enqueue(
            session, person.telegram_user_id, body, buttons=buttons, request_id=request.id
        )
        posts.append([person.telegram_user_id, message.id])
    request.private_posts = posts
    request.language_round_at = utcnow()
    return True


def end_round(session: Session, table: Any, row_id: int) -> bool:
    """Clear a request's round once (of two gateway workers exactly one gets True); `table`
    is CallbackRequest or Accompaniment."""
    return (
        affected(
            session.execute(
                update(table)
                .where(table.id == row_id, table.language_round_at.is_not(None))
                .values(language_round_at=None)
                .execution_options(synchronize_session=False)
            )
        )
        == 1
    )


def rounds_over(session: Session, table: Any, now: datetime, wait: timedelta) -> list[Any]:
    """Open requests of `table` whose private round started `wait` or longer ago."""
    return list(
        session.scalars(
            select(table).where(
                table.status == "open",
                table.language_round_at.is_not(None),
                table.language_round_at <= now - wait,
            )
        )
    )


def post_after_round(session: Session, now: datetime, wait: timedelta) -> int:
    """Callback requests nobody took in their round go to the whole desk. Returns the posts."""
    posted = 0
    for request in rounds_over(session, CallbackRequest, now, wait):
        if not end_round(session, CallbackRequest, request.id):
            continue
        session.refresh(request)
        desk = session.scalar(select(Desk).where(Desk.region == request.region))
        if desk is not None and request.status == "open":
            post_to_desk(session, request, desk)
            posted += 1
    return posted
