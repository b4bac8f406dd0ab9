"""Registering volunteers: name, languages, regions and what they can do.

A volunteer who leaves is deactivated (their open accompaniments go back to the region); the row
itself is deleted by retention once it has been inactive for the retention period, or at once when
they send /delete themselves (lotse/accompaniment/privacy.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse import LANGUAGES
from lotse.accompaniment.models import SKILLS, Volunteer
from lotse.catalogue.places import get_area
from lotse.i18n import known_language_codes
from lotse.models import utcnow


class VolunteerError(ValueError):
    """A registration that cannot be made, said plainly."""


def _unknown(values: list[str], allowed: frozenset[str] | tuple[str, ...]) -> list[str]:
    return [v for v in values if v not in allowed]


def save_volunteer(
    session: Session,
    telegram_user_id: int,
    display_name: str,
    regions: list[str],
    languages: list[str],
    skills: list[str],
    ui_language: str = "de",
) -> Volunteer:
    """Add a volunteer, or update the one with this Telegram id (and make them active)."""
    if not display_name.strip():
        raise VolunteerError("the name must not be empty")
    if not regions:
        raise VolunteerError("a volunteer needs at least one region")
    if not languages:
        raise VolunteerError("a volunteer needs at least one language")
    if not skills:
        raise VolunteerError(f"say what the volunteer can do ({', '.join(SKILLS)})")
    if bad := [r for r in regions if get_area(session, r) is None]:
        raise VolunteerError(f"unknown region(s): {', '.join(bad)} (use names from places.csv)")
    if bad := _unknown(languages, known_language_codes()):
        raise VolunteerError(f"unknown language code(s): {', '.join(bad)}")
    if bad := _unknown(skills, SKILLS):
        raise VolunteerError(f"unknown skill(s): {', '.join(bad)} (one of {', '.join(SKILLS)})")
    if ui_language not in LANGUAGES:
        raise VolunteerError(f"unknown interface language: {ui_language}")
    person = session.scalar(select(Volunteer).where(Volunteer.telegram_user_id == telegram_user_id))
    if person is None:
        person = Volunteer(telegram_user_id=telegram_user_id)
        session.add(person)
    person.display_name = display_name.strip()[:120]
    person.regions, person.languages = list(dict.fromkeys(regions)), list(dict.fromkeys(languages))
    person.skills, person.ui_language = list(dict.fromkeys(skills)), ui_language
    person.active, person.deactivated_at = True, None
    session.flush()
    return person


def deactivate_volunteer(session: Session, telegram_user_id: int) -> bool:
    """The volunteer leaves: what they took goes back to the region."""
    from lotse.accompaniment import requests  # requests → outbox; this module stays light

    person = session.scalar(select(Volunteer).where(Volunteer.telegram_user_id == telegram_user_id))
    if person is None:
        return False
    person.active, person.deactivated_at = False, utcnow()
    requests.give_back_all(session, telegram_user_id)
    return True


def volunteers(session: Session) -> list[Volunteer]:
    return list(session.scalars(select(Volunteer).order_by(Volunteer.display_name)))


def active_volunteer(session: Session, telegram_user_id: int) -> Volunteer | None:
    return session.scalar(
        select(Volunteer).where(
            Volunteer.telegram_user_id == telegram_user_id, Volunteer.active.is_(True)
        )
    )
