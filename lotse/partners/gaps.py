"""The gap radar for the Pakt's planning talks: per region and quarter, where people asked and
nothing fitted, and which offers were asked for in languages they do not speak.

Read from `unmet_question` (lotse/insights.py), which holds only a search's fields. Every figure
shown is a count of at least five (insights.MIN_COUNT); smaller ones are left out and only their
number of rows is told, so no single person's question can be picked out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.catalogue.hsds import Service
from lotse.catalogue.taxonomy import load_taxonomy
from lotse.i18n import language_name, section
from lotse.insights import MIN_COUNT, UnmetQuestion

UNMET = ("no_offer", "subtopic")
"""Kinds that mean "nothing fitted" (as opposed to "found, but not in your language")."""


@dataclass
class Radar:
    region: str
    quarter: str
    places: list[tuple[str, str, int]] = field(default_factory=list)
    """(place, activity area, count) where nothing fitted"""
    statuses: list[tuple[str, str, int]] = field(default_factory=list)
    """(residence status, activity area, count) where nothing fitted"""
    ages: list[tuple[str, str, int]] = field(default_factory=list)
    """(age group, activity area, count) where nothing fitted"""
    languages: list[tuple[str, str, int]] = field(default_factory=list)
    """(offer, language, count): found, but not in the asker's language"""
    hidden: int = 0
    """Rows left out because their count was below five."""

    @property
    def empty(self) -> bool:
        return not (self.places or self.statuses or self.ages or self.languages)


def activity_label(topic: str, subtopic: str) -> str:
    terms = load_taxonomy()
    code = subtopic or topic
    term = terms.get(code)
    return term.names.get("de", code) if term else code


def status_label(code: str) -> str:
    if not code:
        return "nicht gefragt"
    labels = section("de", "lotse_residence_status") or {}
    return str(labels.get(code, code))


def age_label(code: str) -> str:
    if not code:
        return "nicht gefragt"
    labels = section("de", "lotse_age_groups") or {}
    return str(labels.get(code, code))


def quarters(session: Session) -> list[str]:
    """Quarters with counts, newest first."""
    found = session.scalars(select(UnmetQuestion.quarter).distinct()).all()
    return sorted(found, reverse=True)


def regions(session: Session) -> list[str]:
    found = session.scalars(select(UnmetQuestion.region).distinct()).all()
    return sorted(r for r in found if r)


def _shown(counts: Counter[tuple[str, str]], radar: Radar) -> list[tuple[str, str, int]]:
    rows = [(a, b, n) for (a, b), n in counts.items() if n >= MIN_COUNT]
    radar.hidden += sum(1 for n in counts.values() if n < MIN_COUNT)
    return sorted(rows, key=lambda row: (-row[2], row[0], row[1]))


def radar(session: Session, region: str, quarter: str) -> Radar:
    rows = session.scalars(
        select(UnmetQuestion).where(
            UnmetQuestion.region == region, UnmetQuestion.quarter == quarter
        )
    ).all()
    result = Radar(region=region, quarter=quarter)
    places: Counter[tuple[str, str]] = Counter()
    statuses: Counter[tuple[str, str]] = Counter()
    ages: Counter[tuple[str, str]] = Counter()
    languages: Counter[tuple[str, str]] = Counter()
    for row in rows:
        activity = activity_label(row.topic, row.subtopic)
        if row.kind in UNMET:
            places[(row.place, activity)] += 1
            statuses[(status_label(row.residence_status), activity)] += 1
            ages[(age_label(row.age_group), activity)] += 1
        else:
            for service_id in row.service_ids or []:
                languages[(service_id, row.language)] += 1
    result.places = _shown(places, result)
    result.statuses = _shown(statuses, result)
    result.ages = _shown(ages, result)
    wanted = {sid for sid, _ in languages}
    names: dict[str, str] = {
        row.id: row.name
        for row in session.execute(select(Service.id, Service.name).where(Service.id.in_(wanted)))
    }
    result.languages = [
        (names.get(sid, sid), language_name(code, "de") if code else "–", n)
        for sid, code, n in _shown(languages, result)
    ]
    return result
