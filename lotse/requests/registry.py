"""Facilitators and desks: who takes callback requests, and where requests are posted."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse import LANGUAGES
from lotse.catalogue.places import get_area
from lotse.models import CATALOGUE_TOPICS
from lotse.requests.models import Desk, Facilitator


class RegistryError(ValueError):
    """A registry change that cannot be made, said plainly."""


def _check_regions(session: Session, regions: list[str]) -> list[str]:
    unknown = [r for r in regions if get_area(session, r) is None]
    if unknown:
        raise RegistryError(f"unknown region(s): {', '.join(unknown)} (use names from places.csv)")
    return regions


def _check_codes(values: list[str], allowed: tuple[str, ...], what: str) -> list[str]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise RegistryError(f"unknown {what}: {', '.join(unknown)} (one of {', '.join(allowed)})")
    return values


def save_facilitator(
    session: Session,
    telegram_user_id: int,
    display_name: str,
    regions: list[str],
    languages: list[str],
    topics: list[str] | None = None,
    ui_language: str = "de",
) -> Facilitator:
    """Add a facilitator, or update the one with this Telegram id."""
    if not display_name.strip():
        raise RegistryError("the display name must not be empty")
    if not regions:
        raise RegistryError("a facilitator needs at least one region")
    _check_regions(session, regions)
    _check_codes([ui_language], LANGUAGES, "interface language")
    _check_codes(topics or [], CATALOGUE_TOPICS, "topic")
    person = session.scalar(
        select(Facilitator).where(Facilitator.telegram_user_id == telegram_user_id)
    )
    if person is None:
        person = Facilitator(telegram_user_id=telegram_user_id)
        session.add(person)
    person.display_name = display_name.strip()
    person.regions, person.languages = list(regions), list(languages)
    person.topics, person.ui_language, person.active = list(topics or []), ui_language, True
    session.flush()
    return person


def deactivate_facilitator(session: Session, telegram_user_id: int) -> bool:
    person = session.scalar(
        select(Facilitator).where(Facilitator.telegram_user_id == telegram_user_id)
    )
    if person is None:
        return False
    person.active = False
    end_duties(session, person)
    return True


def end_duties(session: Session, person: Facilitator) -> int:
    """A facilitator leaves: their live chats end (the client is told and Lotse answers again)
    and every request they hold goes back to its desk. Returns the requests given back."""
    from lotse.requests import (
        callbacks,  # callbacks → handoff → outbox; registry stays importable alone
    )

    held = callbacks.claimed_by(session, person)
    for request in held:
        callbacks.release(session, request, person)  # ends the chat, posts to the desk again
    return len(held)


def save_desk(
    session: Session,
    region: str,
    telegram_chat_id: int,
    coordinator_telegram_id: int | None = None,
    ui_language: str = "de",
) -> Desk:
    """Add the desk of a region, or update it."""
    _check_regions(session, [region])
    _check_codes([ui_language], LANGUAGES, "interface language")
    desk = session.scalar(select(Desk).where(Desk.region == region))
    if desk is None:
        desk = Desk(region=region, telegram_chat_id=telegram_chat_id)
        session.add(desk)
    desk.telegram_chat_id, desk.coordinator_telegram_id = telegram_chat_id, coordinator_telegram_id
    desk.ui_language = ui_language
    session.flush()
    return desk


def facilitators(session: Session) -> list[Facilitator]:
    return list(session.scalars(select(Facilitator).order_by(Facilitator.display_name)))


def desks(session: Session) -> list[Desk]:
    return list(session.scalars(select(Desk).order_by(Desk.region)))
