"""Write the catalogue as an HSDS 3.0 tabular package (a folder or .zip of CSV files).

The files and their columns are hsds_package.FILES, which the import reads back. Cells that a
spreadsheet would take for a formula are neutralised (lotse/catalogue/formulas.py).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lotse.catalogue.formulas import neutralise_any
from lotse.catalogue.hsds import Area, Location, Organization, Service, service_children
from lotse.catalogue.hsds_package import FILES, GROUP_TAXONOMY, STATUS_TAXONOMY
from lotse.catalogue.records import RESIDENCE_STATUSES, TARGET_GROUPS
from lotse.catalogue.taxonomy import load_taxonomy


def write_package(
    session: Session,
    target: Path,
    progress: Callable[[Iterable[Service]], Iterable[Service]] = lambda s: s,
) -> int:
    """Write the whole catalogue as an HSDS package folder (or .zip); returns the service count."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in FILES}
    for org in session.scalars(select(Organization).order_by(Organization.id)):
        out["organization"].append(
            {
                "id": org.id,
                "name": org.name,
                "description": org.description,
                "email": org.email,
                "website": org.website,
            }
        )
    for code, term in load_taxonomy().items():
        out["taxonomy_term"].append(
            {
                "id": code,
                "code": code,
                "name": term.names.get("de", code),
                "description": term.names.get("en", ""),
                "parent_id": term.parent or "",
                "taxonomy": "lotse",
            }
        )
    for code in RESIDENCE_STATUSES:
        out["taxonomy_term"].append(
            {
                "id": f"{STATUS_TAXONOMY}:{code}",
                "code": code,
                "name": code,
                "description": "",
                "parent_id": "",
                "taxonomy": STATUS_TAXONOMY,
            }
        )
    for code in TARGET_GROUPS:
        out["taxonomy_term"].append(
            {
                "id": f"{GROUP_TAXONOMY}:{code}",
                "code": code,
                "name": code,
                "description": "",
                "parent_id": "",
                "taxonomy": GROUP_TAXONOMY,
            }
        )
    for loc in session.scalars(select(Location).order_by(Location.id)):
        out["location"].append(
            {
                "id": loc.id,
                "organization_id": loc.organization_id or "",
                "location_type": "physical",
                "name": loc.name,
                "latitude": loc.latitude if loc.latitude is not None else "",
                "longitude": loc.longitude if loc.longitude is not None else "",
            }
        )
        out["address"].append(
            {
                "id": f"{loc.id}/address",
                "location_id": loc.id,
                "address_1": loc.address_1,
                "city": loc.city,
                "postal_code": loc.postal_code,
                "state_province": "",
                "country": "DE",
                "address_type": "physical",
            }
        )
    services = session.scalars(
        select(Service).order_by(Service.id).options(*service_children())
    ).all()
    for s in progress(services):
        out["service"].append(
            {
                "id": s.id,
                "organization_id": s.organization_id,
                "name": s.name,
                "description": s.description,
                "url": s.url,
                "email": s.email,
                "status": s.status,
                "minimum_age": s.minimum_age if s.minimum_age is not None else "",
                "maximum_age": s.maximum_age if s.maximum_age is not None else "",
                "assured_date": s.assured_date.isoformat() if s.assured_date else "",
                "source": s.source,
            }
        )
        links = [("lotse", s.topic)] + ([("lotse", s.subtopic)] if s.subtopic else [])
        links += [(STATUS_TAXONOMY, f"{STATUS_TAXONOMY}:{st}") for st in sorted(s.statuses)]
        links += [(GROUP_TAXONOMY, f"{GROUP_TAXONOMY}:{g}") for g in s.target_groups or []]
        for n, (_, term_id) in enumerate(links, 1):
            out["attribute"].append(
                {
                    "id": f"{s.id}/attribute/{n}",
                    "link_id": s.id,
                    "link_type": "service",
                    "link_entity": "service",
                    "taxonomy_term_id": term_id,
                    "value": "",
                }
            )
        for p in s.phones:
            out["phone"].append(
                {"id": p.id, "service_id": s.id, "number": p.number, "description": p.description}
            )
        for r in s.schedules:
            out["schedule"].append(
                {
                    "id": r.id,
                    "service_id": s.id,
                    "freq": r.freq,
                    "wkst": "MO",
                    "byday": r.byday,
                    "opens_at": r.opens_at,
                    "closes_at": r.closes_at,
                }
            )
        for lang in s.languages:
            out["language"].append(
                {"id": lang.id, "service_id": s.id, "name": "", "code": lang.code}
            )
        for a in s.areas:
            out["service_area"].append(
                {"id": a.id, "service_id": s.id, "name": a.area.name, "description": a.area.kind}
            )
        for link in s.locations:
            out["service_at_location"].append(
                {"id": link.id, "service_id": s.id, "location_id": link.location_id}
            )
        for t in s.translations:
            out["service_translation"].append(
                {
                    "service_id": s.id,
                    "language": t.language,
                    "name": t.name,
                    "description": t.description,
                }
            )
    areas = session.scalars(
        select(Area).options(selectinload(Area.aliases)).order_by(Area.id)
    ).all()
    names = {area.id: area.name for area in areas}
    for place in areas:
        out["area"].append(
            {
                "name": place.name,
                "kind": place.kind,
                "parent": names.get(place.parent_id, "") if place.parent_id else "",
                "latitude": place.latitude if place.latitude is not None else "",
                "longitude": place.longitude if place.longitude is not None else "",
                "holidays": place.holidays,
                "aliases": "|".join(sorted(x.alias for x in place.aliases)),
            }
        )
    texts = {}
    for name, rows in out.items():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FILES[name], lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: neutralise_any(v) for k, v in row.items()} for row in rows)
        texts[f"{name}.csv"] = buffer.getvalue()
    if target.suffix.lower() == ".zip":
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for filename, text in texts.items():
                archive.writestr(filename, text)
    else:
        target.mkdir(parents=True, exist_ok=True)
        for filename, text in texts.items():
            (target / filename).write_text(text, encoding="utf-8")
    return len(services)
