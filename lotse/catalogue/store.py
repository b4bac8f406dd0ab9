"""Write checked records and places into the database: upsert by stable id, all or nothing.

The caller's session is one transaction: any problem raises CatalogueError before commit, so the
database stays exactly as it was. A record equal to what is stored is left untouched (same
`updated_at`), so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lotse.catalogue.files import read_csv_file
from lotse.catalogue.hsds import (
    AREA_KINDS,
    Area,
    AreaAlias,
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
from lotse.catalogue.records import (
    CatalogueError,
    Invalid,
    ServiceRecord,
    check_coordinate,
)
from lotse.catalogue.schedule import Rule, rule_from_schedule, rules_to_byday
from lotse.catalogue.taxonomy import sync_terms
from lotse.models import utcnow

_AREA_NAME: int = Area.__table__.c.name.type.length  # type: ignore[attr-defined]
_HOLIDAYS: int = Area.__table__.c.holidays.type.length  # type: ignore[attr-defined]
_ALIAS: int = AreaAlias.__table__.c.alias.type.length  # type: ignore[attr-defined]
PLACE_COLUMNS = ("name", "kind", "parent", "latitude", "longitude", "holidays", "aliases")


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def read_places(path: Path) -> list[dict[str, Any]]:
    """Rows of a places file, checked (parents must exist in the file or be named before)."""
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    header, found = read_csv_file(path, delimiter=",")
    missing = [c for c in ("name", "kind", "parent") if c not in header]
    if missing:
        raise CatalogueError([f"{path}:1: {', '.join(missing)}: missing column"])
    for line, row in found:
        name, kind = (row.get("name") or "").strip(), (row.get("kind") or "").strip()
        if not name:
            problems.append(f"{path}:{line}: name: must not be empty")
            continue
        if kind not in AREA_KINDS:
            problems.append(f"{path}:{line}: kind: {kind!r} is not one of {', '.join(AREA_KINDS)}")
        for column, value, limit in (
            ("name", name, _AREA_NAME),
            ("holidays", (row.get("holidays") or "").strip(), _HOLIDAYS),
            *(("aliases", a.strip(), _ALIAS) for a in (row.get("aliases") or "").split("|")),
        ):
            if len(value) > limit:  # PostgreSQL would refuse the import with an error
                problems.append(f"{path}:{line}: {column}: longer than {limit} characters")
        coordinates = []
        for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            try:
                coordinates.append(check_coordinate(row.get(column) or "", low, high))
            except Invalid as exc:
                problems.append(f"{path}:{line}: {column}: {exc}")
        rows.append(
            {
                "line": line,
                "name": name,
                "kind": kind,
                "parent": (row.get("parent") or "").strip(),
                "latitude": coordinates[0] if len(coordinates) == 2 else None,
                "longitude": coordinates[1] if len(coordinates) == 2 else None,
                "holidays": (row.get("holidays") or "").strip(),
                "aliases": sorted(
                    {a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()}
                ),
            }
        )
    names = [r["name"] for r in rows]
    for row in rows:
        if names.count(row["name"]) > 1 and names.index(row["name"]) != rows.index(row):
            problems.append(f"{path}:{row['line']}: name: {row['name']!r} appears twice")
        if row["parent"] and row["parent"] not in names:
            problems.append(
                f"{path}:{row['line']}: parent: {row['parent']!r} is not a place in this file"
            )
    if problems:
        raise CatalogueError(problems)
    return rows


def store_places(session: Session, rows: list[dict[str, Any]]) -> int:
    """Upsert areas and their aliases; returns how many areas were created or changed."""
    existing = {
        a.name: a for a in session.scalars(select(Area).options(selectinload(Area.aliases)))
    }
    changed = 0
    for row in rows:
        area = existing.get(row["name"])
        if area is None:
            area = Area(name=row["name"], kind=row["kind"])
            session.add(area)
            existing[row["name"]] = area
            changed += 1
        fields = {k: row[k] for k in ("kind", "latitude", "longitude", "holidays")}
        if any(getattr(area, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(area, k, v)
            changed += 1
    session.flush()
    for row in rows:
        area = existing[row["name"]]
        parent_id = existing[row["parent"]].id if row["parent"] else None
        if area.parent_id != parent_id:
            area.parent_id = parent_id
        have = {a.alias for a in area.aliases}
        for alias in row["aliases"]:
            if alias not in have and alias != area.name:
                area.aliases.append(AreaAlias(alias=alias))
    session.flush()
    return changed


def _snapshot(service: Service) -> dict[str, Any]:
    """What an import sets on a stored service, for comparison with a record."""
    location = service.locations[0].location if service.locations else None
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
        "target_groups": list(service.target_groups or []),
        "assured_date": service.assured_date,
        "source": service.source,
        "statuses": sorted(service.statuses),
        "languages": sorted(service.language_codes),
        "phones": [p.number for p in service.phones],
        "hours": [rule_from_schedule(s.byday, s.opens_at, s.closes_at) for s in service.schedules],
        "areas": sorted(a.area_id for a in service.areas),
        "location": location.id if location else None,
        "translations": {t.language: (t.name, t.description) for t in service.translations},
    }


def _wanted(record: ServiceRecord, area_ids: list[int]) -> dict[str, Any]:
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
        "target_groups": list(record.target_groups),
        "assured_date": record.assured_date,
        "source": record.source,
        "statuses": sorted(set(record.statuses)),
        "languages": sorted(record.languages),
        "phones": list(record.phones),
        "hours": list(record.hours),
        "areas": sorted(set(area_ids)),
        "location": record.location.id if record.location else None,
        "translations": dict(record.translations),
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
    sid = service.id
    service.eligibility = [
        ServiceEligibility(residence_status=s) for s in sorted(set(record.statuses))
    ]
    service.languages = [Language(id=f"{sid}/language/{c}", code=c) for c in record.languages]
    service.phones = [
        Phone(id=f"{sid}/phone/{n}", number=number) for n, number in enumerate(record.phones, 1)
    ]
    service.schedules = [_schedule(sid, n, rule) for n, rule in enumerate(record.hours, 1)]
    service.areas = [
        ServiceArea(id=f"{sid}/area/{area_id}", area_id=area_id)
        for area_id in sorted(set(area_ids))
    ]
    service.locations = (
        [ServiceAtLocation(id=f"{sid}@{record.location.id}", location_id=record.location.id)]
        if record.location
        else []
    )
    service.translations = [
        ServiceTranslation(language=lang, name=name, description=description)
        for lang, (name, description) in sorted(record.translations.items())
    ]
    service.updated_at = utcnow()


def _schedule(service_id: str, n: int, rule: Rule) -> Schedule:
    return Schedule(
        id=f"{service_id}/schedule/{n}",
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
        if name not in areas
    ]
    if problems:
        raise CatalogueError(problems)
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
        elif _snapshot(service) == _wanted(record, area_ids):
            unchanged += 1
        else:
            _apply(service, record, area_ids)
            updated += 1
    session.flush()
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


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
        wanted_location = record.location
        if wanted_location is None:
            continue
        area = areas.get(wanted_location.area) or areas.get(wanted_location.city)
        if area is None and record.areas:
            area = areas[record.areas[0]]
        wanted = {
            "organization_id": record.organization_id,
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
    session.flush()


__all__ = ["PLACE_COLUMNS", "ImportResult", "read_places", "store_places", "store_records"]
