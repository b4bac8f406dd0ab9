"""A facilitator's absence: `/away until 2026-12-24` (through that day); `/back` (or
`/away off`) ends it early.

While away, nothing is routed to them: no private offers of the language round, no callback of
their own case clients (those go to the team and the client is told who covers), no
accompaniment offers (lotse/requests/matching.py checks `away_until`). Setting an absence hands
back what they hold: their callback requests go back to the desk and their accompaniments up to
the last day away are offered again; the clients of those requests and of their open cases are
told, in their own language, who covers. The absence ends by itself the day after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.accompaniment import requests as accompaniments
from lotse.accompaniment.models import Accompaniment
from lotse.accompaniment.texts import local
from lotse.cases.models import Case
from lotse.cases.routing import cover_phrase, tell_client_away
from lotse.requests import callbacks
from lotse.requests.desk import txt
from lotse.requests.models import Facilitator
from lotse.requests.outbox import enqueue

MAX_AHEAD = timedelta(days=366)
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
GERMAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
OFF = frozenset({"off", "aus", "back", "zurück"})
FILLER = frozenset({"until", "bis", "to", "till"})


class AbsenceError(ValueError):
    """An absence that cannot be set: `key` is its text in `lotse_desk`, `values` fill it."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True)
class Handover:
    requests: int
    """Callback requests and accompaniments given back."""
    clients: int
    """Clients told who covers."""


def parse_until(arguments: str) -> date | None:
    """`until 2026-12-24`, `2026-12-24`, `bis 24.12.2026` → the last day away; `off` → None.
    Raises AbsenceError for anything else."""
    words = [w for w in arguments.lower().split() if w not in FILLER]
    if len(words) == 1 and words[0] in OFF:
        return None
    if len(words) != 1:
        raise AbsenceError("away_usage")
    found = ISO.match(words[0])
    parts = found.groups() if found else None
    if parts is None and (german := GERMAN.match(words[0])):
        day, month, year = german.groups()
        parts = (year, month, day)
    try:
        if parts is None:
            raise ValueError(words[0])
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise AbsenceError("away_bad_date", value=arguments.strip()[:40]) from None


def set_away(session: Session, person: Facilitator, until: date, today: date) -> Handover:
    """Record the absence and hand back what the facilitator holds."""
    if until < today:
        raise AbsenceError("away_past_date", date=f"{until:%d.%m.%Y}")
    if until > today + MAX_AHEAD:
        raise AbsenceError("away_too_far", date=f"{today + MAX_AHEAD:%d.%m.%Y}")
    person.away_until = until
    session.flush()
    told: set[str] = set()
    handed = 0
    for request in callbacks.claimed_by(session, person):
        if callbacks.release(session, request, person):  # back to the desk, chat ended
            handed += 1
            tell_client_away(session, request, person, today)
            told.add(request.conversation_id)
    held = session.scalars(
        select(Accompaniment).where(
            Accompaniment.status == "claimed",
            Accompaniment.companion_telegram_id == person.telegram_user_id,
        )
    ).all()
    for accompaniment in held:
        if local(accompaniment.appointment_at).date() <= until and accompaniments.release(
            session, accompaniment, person.telegram_user_id
        ):  # offered again; the client is told someone else is sought
            handed += 1
    for case in session.scalars(
        select(Case).where(Case.facilitator_id == person.id, Case.status == "open")
    ):
        if case.conversation_id in told or not case.client_chat_id:
            continue
        cover = cover_phrase(session, case.region, case.region, case.language, person, today)
        enqueue(
            session,
            case.client_chat_id,
            txt(
                case.language,
                "away_case",
                section="lotse_gateway_texts",
                name=person.display_name,
                date=f"{until:%d.%m.}",
                cover=cover,
            ),
            conversation_id=case.conversation_id,
        )
        told.add(case.conversation_id)
    return Handover(requests=handed, clients=len(told))


def back(session: Session, person: Facilitator) -> bool:
    """End an absence early; False if there was none."""
    was = person.away_until is not None
    person.away_until = None
    session.flush()
    return was


def away_command(session: Session, person: Facilitator, arguments: str, today: date) -> str:
    """The answer to `/away …` in the facilitator's language (refusals say how to write it)."""
    language = person.ui_language
    try:
        if not arguments.strip():
            if person.away_until is not None and person.away_until >= today:
                return txt(language, "away_status", date=f"{person.away_until:%d.%m.%Y}")
            return txt(language, "away_usage")
        until = parse_until(arguments)
        if until is None:
            return txt(language, "away_off" if back(session, person) else "not_away")
        handover = set_away(session, person, until, today)
    except AbsenceError as refused:
        return txt(language, refused.key, **refused.values)
    return txt(
        language,
        "away_set",
        date=f"{until:%d.%m.%Y}",
        handed=str(handover.requests),
        clients=str(handover.clients),
    )
