"""The Schaubild of a Schnittstellenpapier, generated from the catalogue: for a region, a grid of
activity area (the taxonomy's subtopics) × residence status, each cell naming the organisations
responsible and the places of the region where nobody is.

A cell is a *gap* when no partner serves the status there at all, and *partial* when some places
of the region have no partner (tolerated people's recognition counselling in Weil am Rhein).
Computed as the bot searches: an offer serves its own area and every area inside it, and counts
for a status when it is not restricted or restricted to include it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lotse.catalogue.hsds import RESIDENCE_STATUSES, Service, ServiceArea
from lotse.catalogue.places import LOCAL_KINDS, area_chain, place_index, region_of
from lotse.catalogue.taxonomy import load_taxonomy
from lotse.i18n import section
from lotse.models import CATALOGUE_TOPICS


@dataclass(frozen=True)
class Partner:
    """An organisation responsible in a cell, with the offers that make it so."""

    organization_id: str
    organization: str
    services: tuple[tuple[str, str], ...]
    """(service id, service name)"""


@dataclass
class Cell:
    partners: list[Partner] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """Places of the region where no partner serves this status in this area."""

    @property
    def gap(self) -> bool:
        return not self.partners

    @property
    def partial(self) -> bool:
        return bool(self.partners) and bool(self.missing)


@dataclass(frozen=True)
class Activity:
    """A row: a subtopic, or a topic's offers without a subtopic ("Arbeit – allgemein")."""

    topic: str
    subtopic: str | None
    label: str


@dataclass
class Schaubild:
    region: str
    places: list[str]
    statuses: list[tuple[str, str]]
    """(code, German label)"""
    activities: list[Activity]
    cells: dict[tuple[int, str], Cell]
    """(activity index, status code) → cell"""
    data_date: date | None
    """The newest `assured_date` of the region's offers: how current the picture is."""

    def cell(self, row: int, status: str) -> Cell:
        return self.cells[(row, status)]

    @property
    def gaps(self) -> list[tuple[Activity, str, list[str]]]:
        """(activity, status, places without a partner) for every gap or partial cell."""
        found = []
        for (row, status), cell in sorted(self.cells.items()):
            if cell.gap:
                found.append((self.activities[row], status, list(self.places)))
            elif cell.partial:
                found.append((self.activities[row], status, list(cell.missing)))
        return found


def regions(session: Session) -> list[str]:
    """Regions a Schaubild can be drawn for: each district, else state, with local places."""
    index = place_index(session)
    return sorted(
        {region_of(session, a.name) for a in index.areas.values() if a.kind in LOCAL_KINDS}
    )


def places_in(session: Session, region: str) -> list[str]:
    """The municipalities or boroughs of a region (the region itself if it is one)."""
    index = place_index(session)
    local = [a.name for a in index.areas.values() if a.kind in LOCAL_KINDS]
    inside = sorted(name for name in local if region in {a.name for a in area_chain(session, name)})
    return inside or ([region] if region in index.by_name else [])


def activities(services: list[Service]) -> list[Activity]:
    """Every subtopic of the taxonomy, topic by topic, plus "– allgemein" where a topic has
    offers without a subtopic: an area nobody serves still gets its (empty) row."""
    terms = load_taxonomy()
    general = {s.topic for s in services if not s.subtopic}
    rows = []
    for topic in CATALOGUE_TOPICS:
        name = terms[topic].names.get("de", topic) if topic in terms else topic
        for term in terms.values():
            if term.parent == topic:
                rows.append(Activity(topic, term.code, term.names.get("de", term.code)))
        if topic in general:
            rows.append(Activity(topic, None, f"{name} – allgemein"))
    return rows


def build(session: Session, region: str) -> Schaubild:
    places = places_in(session, region)
    chains = {place: [a.id for a in area_chain(session, place)] for place in places}
    area_ids = sorted({i for chain in chains.values() for i in chain})
    services = list(
        session.scalars(
            # ids through the areas first: PostgreSQL cannot DISTINCT a row with JSON columns
            select(Service)
            .where(
                Service.id.in_(
                    select(ServiceArea.service_id).where(ServiceArea.area_id.in_(area_ids))
                ),
                Service.status == "active",
            )
            .options(
                selectinload(Service.eligibility),
                selectinload(Service.areas),
                selectinload(Service.organization),
            )
            .order_by(Service.name)
        )
    )
    rows = activities(services)
    row_of = {(a.topic, a.subtopic): i for i, a in enumerate(rows)}
    labels = section("de", "lotse_residence_status") or {}
    statuses = [(code, str(labels.get(code, code))) for code in RESIDENCE_STATUSES]
    serving: dict[tuple[int, str], dict[str, list[Service]]] = {}
    covered: dict[tuple[int, str], set[str]] = {}
    for service in services:
        row = row_of.get((service.topic, service.subtopic))
        if row is None:
            continue
        served = {
            p for p, chain in chains.items() if {a.area_id for a in service.areas} & set(chain)
        }
        for status, _ in statuses:
            if service.statuses and status not in service.statuses:
                continue
            serving.setdefault((row, status), {}).setdefault(service.organization_id, []).append(
                service
            )
            covered.setdefault((row, status), set()).update(served)
    cells: dict[tuple[int, str], Cell] = {}
    for row in range(len(rows)):
        for status, _ in statuses:
            by_org = serving.get((row, status), {})
            partners = [
                Partner(
                    organization_id=org,
                    organization=found[0].organization.name,
                    services=tuple((s.id, s.name) for s in found),
                )
                for org, found in sorted(
                    by_org.items(), key=lambda item: item[1][0].organization.name
                )
            ]
            reached = covered.get((row, status), set())
            missing = [p for p in places if p not in reached] if partners else list(places)
            cells[(row, status)] = Cell(partners=partners, missing=missing)
    dates = [s.assured_date for s in services if s.assured_date]
    return Schaubild(
        region=region,
        places=places,
        statuses=statuses,
        activities=rows,
        cells=cells,
        data_date=max(dates) if dates else None,
    )
