"""Write checked records and places into the database: upsert by stable id, all or nothing.

The caller's session is one transaction: any problem raises CatalogueError before commit, so the
database stays exactly as it was. A record equal to what is stored is left untouched (same
`updated_at`), so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, object_session

from lotse.catalogue.hsds import (
    Area,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceEligibility,
    ServiceTranslation,
    service_children,
)
from lotse.catalogue.place_files import (
    PLACE_COLUMNS,
    read_places,
    store_places,
)
from lotse.catalogue.records import (
    CatalogueError,
    LocationRecord,
    ServiceRecord,
)
from lotse.catalogue.schedule import Rule, rule_from_schedule, rules_to_byday
from lotse.catalogue.taxonomy import sync_terms
from lotse.models import utcnow


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: tuple[str, ...] = ()
    """What was kept but not used, or imported unpublished (HSDS packages)."""


def _snapshot(service: Service) -> dict[str, Any]:
    """What an import sets on a stored service, for comparison with a record."""
    return {
        "organization_id": service.organization_id,
        "name": service.name,
        "description": service.description,
        "topic": service.topic,
        "subtopic": service.subtopic,
        "url": service.url,
        "email": service.email,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "target_groups": sorted(service.target_groups or []),
        "features": sorted(service.features or []),
        "assured_date": service.assured_date,
        "source": service.source,
        "statuses": sorted(service.statuses),
        "languages": sorted(service.language_codes),
        "phones": sorted(p.number for p in service.phones),
        "hours": sorted(
            (rule_from_schedule(s.byday, s.opens_at, s.closes_at) for s in service.schedules),
            key=repr,
        ),
        "areas": sorted(a.area_id for a in service.areas),
        "locations": [link.location_id for link in service.locations],
        "translations": {t.language: (t.name, t.description) for t in service.translations},
        "status": service.status,
    }


def _wanted(record: ServiceRecord, area_ids: list[int], stored: Service) -> dict[str, Any]:
    return {
        "organization_id": record.organization_id,
        "name": record.name,
        "description": record.description,
        "topic": record.topic,
        "subtopic": record.subtopic,
        "url": record.url,
        "email": record.email,
        "minimum_age": record.minimum_age,
        "maximum_age": record.maximum_age,
        "target_groups": sorted(record.target_groups),
        "features": sorted(set(record.features)),
        "assured_date": record.assured_date,
        "source": record.source,
        "statuses": sorted(set(record.statuses)),
        "languages": sorted(record.languages),
        "phones": sorted(record.phones),
        "hours": sorted(record.hours, key=repr),
        "areas": sorted(set(area_ids)),
        "locations": [location.id for location in record.all_locations],
        "translations": dict(record.translations),
        "status": record.status if record.status_set else stored.status,
    }


def _apply(service: Service, record: ServiceRecord, area_ids: list[int]) -> None:
    for key in (
        "organization_id",
        "name",
        "description",
        "topic",
        "subtopic",
        "url",
        "email",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "source",
    ):
        setattr(service, key, getattr(record, key))
    service.target_groups = list(record.target_groups)
    service.features = sorted(set(record.features))
    if record.status_set:
        service.status = record.status
    sid = service.id
    session = object_session(service)
    if session is not None and inspect(service).persistent and record.child_ids:
        # rows with new ids replace old ones with the same (service, code): delete them first
        service.languages, service.phones, service.schedules = [], [], []
        service.areas, service.locations = [], []
        session.flush()

    def ids(kind: str, default: list[str]) -> list[str]:
        given = record.child_ids.get(kind, [])
        return given if len(given) == len(default) else default

    service.eligibility = [
        ServiceEligibility(residence_status=s) for s in sorted(set(record.statuses))
    ]
    codes = record.languages
    service.languages = [
        Language(id=i, code=c)
        for i, c in zip(ids("language", [f"{sid}/language/{c}" for c in codes]), codes, strict=True)
    ]
    numbers = record.phones
    service.phones = [
        Phone(id=i, number=number)
        for i, number in zip(
            ids("phone", [f"{sid}/phone/{n}" for n in range(1, len(numbers) + 1)]),
            numbers,
            strict=True,
        )
    ]
    schedule_ids = ids("schedule", [f"{sid}/schedule/{n}" for n in range(1, len(record.hours) + 1)])
    service.schedules = [
        _schedule(i, rule) for i, rule in zip(schedule_ids, record.hours, strict=True)
    ]
    area_ids = list(dict.fromkeys(area_ids))
    service.areas = [
        ServiceArea(id=i, area_id=area_id)
        for i, area_id in zip(
            ids("service_area", [f"{sid}/area/{a}" for a in area_ids]), area_ids, strict=True
        )
    ]
    places = record.all_locations
    service.locations = [
        ServiceAtLocation(id=i, location_id=location.id)
        for i, location in zip(
            ids("service_at_location", [f"{sid}@{loc.id}" for loc in places]), places, strict=True
        )
    ]
    service.translations = [
        ServiceTranslation(language=lang, name=name, description=description)
        for lang, (name, description) in sorted(record.translations.items())
    ]
    service.updated_at = utcnow()


def _schedule(schedule_id: str, rule: Rule) -> Schedule:
    return Schedule(
        id=schedule_id,
        byday=rules_to_byday(rule),
        opens_at=f"{rule.opens.hour:02d}:{rule.opens.minute:02d}",
        closes_at=f"{rule.closes.hour:02d}:{rule.closes.minute:02d}",
    )


def store_records(
    session: Session,
    records: list[ServiceRecord],
    progress: Callable[[Iterable[ServiceRecord]], Iterable[ServiceRecord]] = lambda r: r,
) -> ImportResult:
    """Upsert services with their organizations and locations. Raises CatalogueError (and writes
    nothing the caller will commit) if a record names an unknown place."""
    sync_terms(session)
    areas = {a.name: a for a in session.scalars(select(Area))}
    problems = [
        f"{r.origin}: service_area: {name!r} is not a known place (see the places file)"
        for r in records
        for name in r.areas
        if name not in areas and not r.unknown_areas_kept
    ]
    if problems:
        raise CatalogueError(problems)
    notes: list[str] = []
    for r in records:
        if not r.unknown_areas_kept:
            continue
        known = [(i, n) for i, n in zip(_area_ids(r), r.areas, strict=True) if n in areas]
        for name in r.areas:
            if name not in areas:
                notes.append(f"{r.origin}: service_area: {name[:60]!r} is no known place: kept")
        if not known:
            notes.append(f"{r.origin}: no service area Lotse knows: clients will not find it")
        r.child_ids["service_area"] = [i for i, _ in known]
        r.areas = [n for _, n in known]
    _store_organizations(session, records)
    _store_locations(session, records, areas)
    existing = (
        {
            s.id: s
            for s in session.scalars(
                select(Service)
                .where(Service.id.in_([r.id for r in records]))
                .options(*service_children())
            )
        }
        if len(records) <= 30_000
        else {s.id: s for s in session.scalars(select(Service))}
    )
    created = updated = unchanged = 0
    for record in progress(records):
        area_ids = [areas[name].id for name in record.areas]
        service = existing.get(record.id)
        if service is None:
            service = Service(id=record.id, status=record.status)
            session.add(service)
            _apply(service, record, area_ids)
            created += 1
        elif _snapshot(service) == _wanted(record, area_ids, service):
            unchanged += 1
        else:
            _apply(service, record, area_ids)
            updated += 1
    session.flush()
    return ImportResult(created=created, updated=updated, unchanged=unchanged, notes=tuple(notes))


def _area_ids(record: ServiceRecord) -> list[str]:
    given = record.child_ids.get("service_area", [])
    return given if len(given) == len(record.areas) else [""] * len(record.areas)


def _store_organizations(session: Session, records: list[ServiceRecord]) -> None:
    existing = {o.id: o for o in session.scalars(select(Organization))}
    for record in records:
        org = existing.get(record.organization_id)
        wanted = {
            "name": record.organization,
            "website": record.organization_website or (org.website if org else ""),
            "email": record.organization_email or (org.email if org else ""),
        }
        if org is None:
            org = Organization(id=record.organization_id, description="", **wanted)
            session.add(org)
            existing[org.id] = org
        elif any(getattr(org, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(org, k, v)
    session.flush()


def _store_locations(
    session: Session, records: list[ServiceRecord], areas: dict[str, Area]
) -> None:
    existing = {loc.id: loc for loc in session.scalars(select(Location))}
    for record in records:
        for wanted_location in record.all_locations:
            _store_location(session, existing, wanted_location, record, areas)
    session.flush()


def _store_location(
    session: Session,
    existing: dict[str, Location],
    wanted_location: LocationRecord,
    record: ServiceRecord | None,
    areas: dict[str, Area],
) -> None:
    area = areas.get(wanted_location.area) or areas.get(wanted_location.city)
    if area is None and record is not None and record.areas:
        area = areas.get(record.areas[0])
    owner = wanted_location.organization_id
    if owner is None:
        owner = record.organization_id if record is not None else ""
    wanted = {
        "organization_id": owner or None,
        "address_id": wanted_location.address_id,
        "name": wanted_location.name,
        "address_1": wanted_location.address_1,
        "postal_code": wanted_location.postal_code,
        "city": wanted_location.city,
        "area_id": area.id if area else None,
        "latitude": wanted_location.latitude,
        "longitude": wanted_location.longitude,
    }
    location = existing.get(wanted_location.id)
    if location is None:
        location = Location(id=wanted_location.id, **wanted)
        session.add(location)
        existing[location.id] = location
    elif any(getattr(location, k) != v for k, v in wanted.items()):
        for k, v in wanted.items():
            setattr(location, k, v)


def store_locations(session: Session, locations: list[LocationRecord]) -> None:
    """Locations of a package that no service uses (kept, so that nothing is lost)."""
    areas = {a.name: a for a in session.scalars(select(Area))}
    existing = {loc.id: loc for loc in session.scalars(select(Location))}
    for location in locations:
        _store_location(session, existing, location, None, areas)
    session.flush()


__all__ = ["PLACE_COLUMNS", "ImportResult", "read_places", "store_places", "store_records"]
