"""An HSDS package into the database: places, organizations, services, the locations no service
uses, and what Lotse keeps as it came (hsds_kept.py), with the report of what was kept.

A row is kept only when Lotse's export would not write it the same by itself, so Lotse's own
package imports without a kept row and a foreign one keeps exactly what Lotse cannot hold.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.catalogue.hsds import Organization, Service
from lotse.catalogue.hsds_kept import HsdsKept
from lotse.catalogue.hsds_package import HsdsImport, OrganizationRecord
from lotse.catalogue.hsds_rows import lotse_rows, organization_descriptions
from lotse.catalogue.hsds_spec import tables
from lotse.catalogue.records import ServiceRecord
from lotse.catalogue.store import ImportResult, store_locations, store_places, store_records


def import_package(
    session: Session,
    parsed: HsdsImport,
    progress: Callable[[Iterable[ServiceRecord]], Iterable[ServiceRecord]] = lambda r: r,
) -> ImportResult:
    if parsed.places:
        store_places(session, parsed.places)
    store_organizations(session, parsed.organizations)
    result = store_records(session, parsed.records, progress)
    linked = {loc.id for record in parsed.records for loc in record.all_locations}
    store_locations(session, [loc for loc in parsed.locations if loc.id not in linked])
    kept = store_kept(session, parsed)
    return replace(result, notes=(*parsed.notes, *result.notes, *kept))


def store_organizations(session: Session, organizations: list[OrganizationRecord]) -> None:
    existing = {o.id: o for o in session.scalars(select(Organization))}
    described = organization_descriptions(session)
    for record in organizations:
        org = existing.get(record.id)
        description = record.description
        if org is not None and not org.description and description == described.get(org.id):
            description = ""  # the text Lotse's export writes for an organization without one
        wanted = {
            "name": record.name,
            "description": description,
            "email": record.email,
            "website": record.website,
        }
        if org is None:
            org = Organization(id=record.id, **wanted)
            session.add(org)
            existing[org.id] = org
        elif any(getattr(org, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(org, k, v)
    session.flush()


def _owner(table: str, data: dict[str, str], parsed: HsdsImport, links: dict[str, str]) -> str:
    """The HSDS id of the service a row belongs to, if any (its kept copy goes with it)."""
    if table == "service":
        return data.get("id", "")
    if table == "attribute" and data.get("link_entity", "service") == "service":
        return data.get("link_id", "")
    return data.get("service_id") or links.get(data.get("service_at_location_id", ""), "")


def store_kept(session: Session, parsed: HsdsImport) -> list[str]:
    """Keep every package row that Lotse's export would not write the same; returns the notes."""
    session.flush()
    generated = {
        (table, row["id"]): row
        for table, rows in lotse_rows(session).items()
        for row in rows
        if row.get("id")
    }
    existing = {(k.hsds_table, k.row_id): k for k in session.scalars(select(HsdsKept))}
    services = set(session.scalars(select(Service.id)))
    links = {
        r.data.get("id", ""): r.data.get("service_id", "")
        for r in parsed.package.of("service_at_location")
    }
    unused: Counter[str] = Counter()
    differing: dict[str, set[str]] = defaultdict(set)
    for row in parsed.package.all_rows():
        rid = row.data.get("id", "")
        if row.table not in tables() or not rid:
            continue
        key = (row.table, rid)
        mine = generated.get(key)
        if mine is not None and all(v == mine.get(c, "") for c, v in row.data.items()):
            if key in existing:
                session.delete(existing.pop(key))
            continue
        if mine is None:
            unused[row.table] += 1
        else:
            differing[row.table] |= {c for c, v in row.data.items() if v != mine.get(c, "")}
        owner = parsed.lotse_id("service", _owner(row.table, row.data, parsed, links))
        values = {
            "service_id": owner if owner in services else None,
            "used": mine is not None,
            "position": row.position,
            "data": dict(row.data),
        }
        kept = existing.get(key)
        if kept is None:
            session.add(HsdsKept(hsds_table=row.table, row_id=rid, **values))
        elif any(getattr(kept, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(kept, k, v)
    session.flush()
    notes = []
    for table, count in sorted(unused.items()):
        private = (
            " (never shown to clients, not in the API)" if table in ("contact", "metadata") else ""
        )
        notes.append(
            f"{tables()[table].path}: {count} row(s) Lotse does not use kept as they came, "
            f"and exported again{private}"
        )
    for table, columns in sorted(differing.items()):
        notes.append(
            f"{tables()[table].path}: values kept as they came and exported again (not used by "
            f"Lotse, or used in its own notation): "
            f"{', '.join(sorted(columns))}"
        )
    return notes
