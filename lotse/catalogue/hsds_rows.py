"""The catalogue as HSDS 3.0 rows: what Lotse's tables say, merged with what a package said that
they do not hold (hsds_kept.py). Used by the export, the import (to decide what to keep) and the
API, so all three say the same.

Ids are UUIDs (hsds_spec.export_id): a package's own kept as they came, Lotse's derived from its
ids and the same in every export; Lotse's ids are kept beside them (organization_identifier,
location.external_identifier, an attribute of the taxonomy `lotse_identifier`). Only HSDS
columns and Lotse's documented extensions are written: nothing else of Lotse's tables (contact
persons of partners, requests) can reach an export or the API through here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lotse.catalogue.features import FEATURES
from lotse.catalogue.hsds import Area, Location, Organization, Service, service_children
from lotse.catalogue.hsds_kept import HsdsKept
from lotse.catalogue.hsds_merge import merge
from lotse.catalogue.hsds_spec import (
    EXTENSIONS,
    FEATURE_TAXONOMY,
    GROUP_TAXONOMY,
    IDENTIFIER_TAXONOMY,
    LOTSE_ID_TYPE,
    LOTSE_TAXONOMIES,
    SOURCE_TAXONOMY,
    STATUS_TAXONOMY,
    TOPIC_TAXONOMY,
    export_id,
    is_uuid,
    tables,
)
from lotse.catalogue.hsds_times import hsds_time
from lotse.catalogue.records import RESIDENCE_STATUSES, TARGET_GROUPS
from lotse.catalogue.schedule import rule_from_schedule
from lotse.catalogue.taxonomy import load_taxonomy
from lotse.i18n import language_name, section

Rows = dict[str, list[dict[str, str]]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


def _row(table: str, **values: Any) -> dict[str, str]:
    columns = tables()[table].columns if table in tables() else EXTENSIONS[table][1]
    return {c: _text(values.get(c)) for c in columns}


def term_id(taxonomy: str, code: str) -> str:
    return export_id("taxonomy_term", f"{taxonomy}:{code}")


def _terms(out: Rows) -> None:
    for name, description in LOTSE_TAXONOMIES.items():
        out["taxonomy"].append(
            _row("taxonomy", id=export_id("taxonomy", name), name=name, description=description)
        )
    for code, term in load_taxonomy().items():
        out["taxonomy_term"].append(
            _row(
                "taxonomy_term",
                id=term_id(TOPIC_TAXONOMY, code),
                code=code,
                name=term.names.get("de") or code,
                description=term.names.get("en") or term.names.get("de") or code,
                parent_id=term_id(TOPIC_TAXONOMY, term.parent) if term.parent else "",
                taxonomy=TOPIC_TAXONOMY,
                language="de",
                taxonomy_id=export_id("taxonomy", TOPIC_TAXONOMY),
            )
        )
    for taxonomy, codes, names in (
        (STATUS_TAXONOMY, RESIDENCE_STATUSES, "lotse_residence_status"),
        (GROUP_TAXONOMY, TARGET_GROUPS, "lotse_target_group"),
        (FEATURE_TAXONOMY, FEATURES, "lotse_feature_note"),
    ):
        german, english = section("de", names) or {}, section("en", names) or {}
        for code in codes:
            out["taxonomy_term"].append(
                _row(
                    "taxonomy_term",
                    id=term_id(taxonomy, code),
                    code=code,
                    name=german.get(code) or code,
                    description=english.get(code) or german.get(code) or code,
                    taxonomy=taxonomy,
                    language="de",
                    taxonomy_id=export_id("taxonomy", taxonomy),
                )
            )
    for taxonomy in (IDENTIFIER_TAXONOMY, SOURCE_TAXONOMY):
        out["taxonomy_term"].append(
            _row(
                "taxonomy_term",
                id=term_id(taxonomy, taxonomy),
                code=taxonomy,
                name=taxonomy,
                description=LOTSE_TAXONOMIES[taxonomy],
                taxonomy=taxonomy,
                taxonomy_id=export_id("taxonomy", taxonomy),
            )
        )


def _state(area: Area | None, areas: dict[int, Area]) -> str:
    while area is not None:
        if area.kind == "state":
            return area.name
        area = areas.get(area.parent_id) if area.parent_id else None
    return ""


def organization_descriptions(session: Session) -> dict[str, str]:
    """The description the export gives an organization that has none (HSDS requires one):
    what it offers, from the catalogue, or its name."""
    offered: dict[str, set[str]] = defaultdict(set)
    for organization_id, name in session.execute(select(Service.organization_id, Service.name)):
        offered[organization_id].add(name)
    return {
        org_id: "Träger von: " + "; ".join(sorted(offered[org_id])) if offered[org_id] else name
        for org_id, name in session.execute(select(Organization.id, Organization.name))
    }


def lotse_rows(session: Session, progress: Callable[[Any], Any] = lambda s: s) -> Rows:
    """Every HSDS and extension row Lotse's own tables give, in a stable order."""
    out: Rows = defaultdict(list)
    areas = {a.id: a for a in session.scalars(select(Area).options(selectinload(Area.aliases)))}
    services = session.scalars(
        select(Service).order_by(Service.id).options(*service_children())
    ).all()
    described = organization_descriptions(session)
    for org in session.scalars(select(Organization).order_by(Organization.id)):
        oid = export_id("organization", org.id)
        description = org.description or described[org.id]
        out["organization"].append(
            _row(
                "organization",
                id=oid,
                name=org.name,
                description=description,
                email=org.email,
                website=org.website,
            )
        )
        if not is_uuid(org.id):
            out["organization_identifier"].append(
                _row(
                    "organization_identifier",
                    id=export_id("organization_identifier", org.id),
                    organization_id=oid,
                    identifier_type=LOTSE_ID_TYPE,
                    identifier=org.id,
                )
            )
    _terms(out)
    for loc in session.scalars(select(Location).order_by(Location.id)):
        lid = export_id("location", loc.id)
        out["location"].append(
            _row(
                "location",
                id=lid,
                location_type="physical",
                organization_id=export_id("organization", loc.organization_id)
                if loc.organization_id
                else "",
                name=loc.name,
                latitude=loc.latitude,
                longitude=loc.longitude,
                external_identifier="" if is_uuid(loc.id) else loc.id,
                external_identifier_type="" if is_uuid(loc.id) else LOTSE_ID_TYPE,
            )
        )
        if loc.address_1 or loc.city or loc.postal_code:
            out["address"].append(
                _row(
                    "address",
                    id=loc.address_id or export_id("address", loc.id),
                    location_id=lid,
                    address_1=loc.address_1,
                    city=loc.city,
                    state_province=_state(areas.get(loc.area_id or -1), areas),
                    postal_code=loc.postal_code,
                    country="DE",
                    address_type="physical",
                )
            )
    for s in progress(services):
        _service_rows(out, s)
    names = {a.id: a.name for a in areas.values()}
    for place in sorted(areas.values(), key=lambda a: a.id):
        out["area"].append(
            _row(
                "area",
                name=place.name,
                kind=place.kind,
                parent=names.get(place.parent_id, "") if place.parent_id else "",
                latitude=place.latitude,
                longitude=place.longitude,
                holidays=place.holidays,
                aliases="|".join(sorted(x.alias for x in place.aliases)),
            )
        )
    return out


def _service_rows(out: Rows, s: Service) -> None:
    """A service's rows; its children sorted by their HSDS id, so that a package imported
    (where the ids become Lotse's) exports in the same order."""
    mine: Rows = defaultdict(list)
    _one_service(mine, s)
    for table, rows in mine.items():
        if table == "service" or "id" not in rows[0]:
            out[table] += rows
        else:
            out[table] += sorted(rows, key=lambda r: r["id"])


def _one_service(out: Rows, s: Service) -> None:
    sid = export_id("service", s.id)
    out["service"].append(
        _row(
            "service",
            id=sid,
            organization_id=export_id("organization", s.organization_id),
            name=s.name,
            description=s.description,
            url=s.url,
            email=s.email,
            status=s.status,
            minimum_age=s.minimum_age,
            maximum_age=s.maximum_age,
            assured_date=s.assured_date.isoformat() if s.assured_date else "",
        )
    )
    links: list[tuple[str, str, str]] = [(TOPIC_TAXONOMY, s.topic, "")]
    if s.subtopic:
        links.append((TOPIC_TAXONOMY, s.subtopic, ""))
    links += [(STATUS_TAXONOMY, status, "") for status in sorted(s.statuses)]
    links += [(GROUP_TAXONOMY, group, "") for group in s.target_groups or []]
    links += [(FEATURE_TAXONOMY, feature, "") for feature in s.features or []]
    if not is_uuid(s.id):
        links.append((IDENTIFIER_TAXONOMY, IDENTIFIER_TAXONOMY, s.id))
    if s.source:
        links.append((SOURCE_TAXONOMY, SOURCE_TAXONOMY, s.source))
    for taxonomy, code, value in links:
        out["attribute"].append(
            _row(
                "attribute",
                id=export_id("attribute", f"{s.id}:{taxonomy}:{code}"),
                link_id=sid,
                taxonomy_term_id=term_id(taxonomy, code),
                link_entity="service",
                value=value,
            )
        )
    for p in s.phones:
        out["phone"].append(
            _row(
                "phone",
                id=export_id("phone", p.id),
                service_id=sid,
                number=p.number,
                description=p.description,
            )
        )
    for r in s.schedules:
        rule = rule_from_schedule(r.byday, r.opens_at, r.closes_at)
        out["schedule"].append(
            _row(
                "schedule",
                id=export_id("schedule", r.id),
                service_id=sid,
                freq="WEEKLY",
                byday=r.byday,
                opens_at=hsds_time(rule.opens),
                closes_at=hsds_time(rule.closes),
            )
        )
    for lang in s.languages:
        out["language"].append(
            _row(
                "language",
                id=export_id("language", lang.id),
                service_id=sid,
                name=language_name(lang.code, "en"),
                code=lang.code,
            )
        )
    for a in s.areas:
        out["service_area"].append(
            _row(
                "service_area", id=export_id("service_area", a.id), service_id=sid, name=a.area.name
            )
        )
    for link in s.locations:
        out["service_at_location"].append(
            _row(
                "service_at_location",
                id=export_id("service_at_location", link.id),
                service_id=sid,
                location_id=export_id("location", link.location_id),
            )
        )
    for t in s.translations:
        out["service_translation"].append(
            _row(
                "service_translation",
                service_id=sid,
                language=t.language,
                name=t.name,
                description=t.description,
            )
        )


def catalogue_rows(session: Session, progress: Callable[[Any], Any] = lambda s: s) -> Rows:
    """Lotse's rows merged with the kept ones, then the kept rows Lotse does not hold."""
    rows = lotse_rows(session, progress)
    used: dict[tuple[str, str], dict[str, str]] = {}
    unused: Rows = defaultdict(list)
    for kept in session.scalars(select(HsdsKept).order_by(HsdsKept.position, HsdsKept.id)):
        if kept.used:
            used[(kept.hsds_table, kept.row_id)] = dict(kept.data)
        else:
            unused[kept.hsds_table].append(dict(kept.data))
    merged: Rows = defaultdict(list)
    for table, found in rows.items():
        merged[table] = [merge(table, r, used.get((table, r.get("id", "")))) for r in found]
    for table, found in unused.items():
        merged[table] += found
    return merged
