"""An HSDS 3.0 package understood as Lotse's records (the files: hsds_read.py; the export:
hsds_export.py).

What Lotse uses becomes records (services with all their locations, phones and schedules of the
service and of its service_at_location rows, service-level languages in ISO 639-1 or 639-3,
weekly schedules with RFC 3339 times, every status of the codelist). What it cannot use is not
refused: the whole package is kept (lotse/catalogue/hsds_kept.py) and the report says what was
kept but not used. Refused, with `file:line: column: reason`, is only what is invalid HSDS or
what Lotse cannot store at all (a service without an organization, an id longer than 64).
Topics come from Lotse's own taxonomy, or from another taxonomy through the mapping
(TaxonomyMapping); a service without either is imported unpublished and reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lotse.catalogue.features import FEATURES
from lotse.catalogue.hsds_read import PackageFiles, PackageRow, read_package_files
from lotse.catalogue.hsds_spec import (
    FEATURE_TAXONOMY,
    GROUP_TAXONOMY,
    IDENTIFIER_TAXONOMY,
    LOTSE_ID_TYPE,
    SOURCE_TAXONOMY,
    STATUS_TAXONOMY,
    TOPIC_TAXONOMY,
    export_id,
    two_letter_language,
)
from lotse.catalogue.hsds_times import Unsupported, schedule_rule
from lotse.catalogue.place_files import check_places
from lotse.catalogue.records import (
    RESIDENCE_STATUSES,
    TARGET_GROUPS,
    CatalogueError,
    Invalid,
    LocationRecord,
    ServiceRecord,
    check_age,
    check_coordinate,
    check_date,
    check_email,
    check_phone,
    check_record,
    check_status,
    check_subtopic,
    check_topic,
    check_url,
    too_long,
)
from lotse.catalogue.taxonomy import load_taxonomy
from lotse.i18n import known_language_codes

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,63}$")
Mapping = Callable[[str, dict[str, str]], tuple[str, str | None] | None]
"""(taxonomy name, term row) → (topic, subtopic) from the admin's mapping, or None."""


@dataclass
class OrganizationRecord:
    id: str
    name: str
    description: str = ""
    email: str = ""
    website: str = ""


@dataclass
class HsdsImport:
    package: PackageFiles
    records: list[ServiceRecord] = field(default_factory=list)
    organizations: list[OrganizationRecord] = field(default_factory=list)
    locations: list[LocationRecord] = field(default_factory=list)
    """Every location of the package, with or without a service."""
    lotse_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    """(table, HSDS id) → Lotse's id, where the package names one (Lotse's own exports)."""
    places: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lotse_id(self, table: str, hsds_id: str) -> str:
        return self.lotse_ids.get((table, hsds_id), hsds_id)


def check_hsds_id(value: str) -> str:
    value = value.strip()
    if not _ID.match(value):
        raise Invalid(f"{value!r} is not a usable id (letters, digits, - . _ : / @; at most 64)")
    return value


def clean_number(value: str) -> str:
    """A phone number as cards show it (`"+44 1234 234567"` in quotes loses them)."""
    return value.strip().strip("\"'").strip()


def parse_package(path: Path, mapping: Mapping | None = None) -> HsdsImport:
    package = read_package_files(path)
    result = HsdsImport(package)
    problems: list[str] = []
    result.notes += package.ignored

    def check(origin: str, column: str, fn: Callable[[str], Any], raw: str, default: Any) -> Any:
        try:
            return fn(raw)
        except Invalid as exc:
            problems.append(f"{origin}: {column}: {exc}")
            return default

    for row in package.of("organization_identifier"):
        if row.data.get("identifier_type") == LOTSE_ID_TYPE and row.data.get("identifier"):
            result.lotse_ids[("organization", row.data.get("organization_id", ""))] = row.data[
                "identifier"
            ]
    for row in package.of("location"):
        if row.data.get("external_identifier_type") == LOTSE_ID_TYPE:
            result.lotse_ids[("location", row.data["id"])] = row.data.get("external_identifier", "")
    taxonomies = {r.data.get("id", ""): r.data.get("name", "") for r in package.of("taxonomy")}
    terms = {r.data.get("id", ""): r.data for r in package.of("taxonomy_term")}

    def taxonomy_of(term: dict[str, str]) -> str:
        return term.get("taxonomy") or taxonomies.get(term.get("taxonomy_id", ""), "")

    attributes: dict[str, list[PackageRow]] = defaultdict(list)
    for row in package.of("attribute"):
        attributes[row.data.get("link_id", "")].append(row)
        term = terms.get(row.data.get("taxonomy_term_id", ""), {})
        if taxonomy_of(term) == IDENTIFIER_TAXONOMY and row.data.get("value"):
            result.lotse_ids[("service", row.data.get("link_id", ""))] = row.data["value"]

    organizations: dict[str, OrganizationRecord] = {}
    for row in package.of("organization"):
        o, d = row.origin, row.data
        org = OrganizationRecord(
            id=check(o, "id", check_hsds_id, result.lotse_id("organization", d.get("id", "")), ""),
            name=d.get("name", "").strip(),
            description=d.get("description", "").strip(),
            email=check(o, "email", check_email, d.get("email", ""), ""),
            website=check(o, "website", check_url, d.get("website", ""), ""),
        )
        if not org.name:
            problems.append(f"{o}: name: must not be empty")
        organizations[d.get("id", "")] = org
    result.organizations = list(organizations.values())

    addresses: dict[str, list[PackageRow]] = defaultdict(list)
    for row in package.of("address"):
        addresses[row.data.get("location_id", "")].append(row)
    locations: dict[str, LocationRecord] = {}
    for row in package.of("location"):
        o, d = row.origin, row.data
        found = addresses.get(d.get("id", ""), [])
        physical = [a for a in found if a.data.get("address_type", "physical") == "physical"]
        a = (physical or found)[0].data if found else {}
        owner = organizations.get(d.get("organization_id", ""))
        location = LocationRecord(
            id=check(o, "id", check_hsds_id, result.lotse_id("location", d.get("id", "")), ""),
            name=d.get("name", "").strip(),
            address_1=" ".join(x for x in (a.get("address_1", ""), a.get("address_2", "")) if x),
            postal_code=a.get("postal_code", "").strip(),
            city=a.get("city", "").strip(),
            latitude=_coordinate(d.get("latitude", ""), 90),
            longitude=_coordinate(d.get("longitude", ""), 180),
            organization_id=owner.id if owner else "",
            address_id=a.get("id") or None,
        )
        if location.address_id == export_id("address", location.id):
            location.address_id = None  # Lotse's own: derived again on export
        if a.get("address_2"):
            location.address_1 = a.get("address_1", "").strip()
        locations[d.get("id", "")] = location
    result.locations = list(locations.values())

    by_service: dict[str, dict[str, list[PackageRow]]] = defaultdict(lambda: defaultdict(list))
    links = {
        r.data.get("id", ""): r.data.get("service_id", "")
        for r in package.of("service_at_location")
    }
    for row in package.of("service_at_location"):
        by_service[row.data.get("service_id", "")]["service_at_location"].append(row)
    for table in ("phone", "schedule"):
        for row in package.of(table):
            sid = row.data.get("service_id") or links.get(
                row.data.get("service_at_location_id", "")
            )
            if sid:
                by_service[sid][table].append(row)
    for table in ("language", "service_area", "service_translation"):
        for row in package.of(table):
            by_service[row.data.get("service_id", "")][table].append(row)

    seen: set[str] = set()
    for row in package.of("service"):
        o, d = row.origin, row.data
        hsds_id = d.get("id", "")
        sid = check(o, "id", check_hsds_id, result.lotse_id("service", hsds_id), "")
        if sid in seen:
            problems.append(f"{o}: id: {sid!r} appears twice")
            continue
        seen.add(sid)
        provider = organizations.get(d.get("organization_id", ""))
        if provider is None:
            problems.append(f"{o}: organization_id: no organization {d.get('organization_id')!r}")
            continue
        record = ServiceRecord(
            id=sid,
            organization_id=provider.id,
            organization=provider.name,
            organization_website=provider.website,
            organization_email=provider.email,
            name=d.get("name", "").strip(),
            topic="general",
            description=d.get("description", "").strip(),
            status=check(o, "status", check_status, d.get("status", ""), "active"),
            url=check(o, "url", check_url, d.get("url", ""), ""),
            email=check(o, "email", check_email, d.get("email", ""), ""),
            minimum_age=check(o, "minimum_age", _age, d.get("minimum_age", ""), None),
            maximum_age=check(o, "maximum_age", _age, d.get("maximum_age", ""), None),
            assured_date=check(o, "assured_date", check_date, d.get("assured_date", ""), None),
            origin=o,
            status_set=True,
            unknown_areas_kept=True,
        )
        if not record.name:
            problems.append(f"{o}: name: must not be empty")
        has_topic, classify_problems = _classify(
            record, attributes.get(hsds_id, []), terms, taxonomy_of, mapping
        )
        problems += classify_problems
        if not has_topic:
            record.status = "inactive"
            result.notes.append(
                f"{o}: (attribute): no Lotse topic and no mapping for its taxonomy terms: "
                "imported unpublished (add a mapping in the admin, then import again)"
            )
        children = by_service[hsds_id]
        ids: dict[str, list[str]] = defaultdict(list)
        for p in children["phone"]:
            try:
                record.phones += check_phone(clean_number(p.data.get("number", "")))
                ids["phone"].append(p.data.get("id", ""))
            except Invalid as exc:
                result.notes.append(f"{p.origin}: number: kept, not shown ({exc})")
        for s in children["schedule"]:
            try:
                record.hours.append(schedule_rule(s.data))
                ids["schedule"].append(s.data.get("id", ""))
            except Unsupported as exc:
                result.notes.append(f"{s.origin}: kept, not shown on cards ({exc})")
            except Invalid as exc:
                problems.append(f"{s.origin}: opens_at: {exc}")
        for lang in children["language"]:
            code = two_letter_language(lang.data.get("code", "") or lang.data.get("name", ""))
            if code in known_language_codes() and code not in record.languages:
                record.languages.append(code)
                ids["language"].append(lang.data.get("id", ""))
            else:
                result.notes.append(
                    f"{lang.origin}: code: {lang.data.get('code')!r} kept, not shown "
                    "(a language Lotse cannot name, or named twice)"
                )
        for area in children["service_area"]:
            record.areas.append(area.data.get("name", "").strip())
            ids["service_area"].append(area.data.get("id", ""))
        record.translations = {
            t.data["language"]: (t.data.get("name", ""), t.data.get("description", ""))
            for t in children["service_translation"]
            if t.data.get("language")
        }
        for link in children["service_at_location"]:
            place = locations.get(link.data.get("location_id", ""))
            if place is None:
                problems.append(
                    f"{link.origin}: location_id: no location {link.data.get('location_id')!r}"
                )
                continue
            ids["service_at_location"].append(link.data.get("id", ""))
            if record.location is None:
                record.location = place
            else:
                record.more_locations.append(place)
        record.child_ids = dict(ids)
        try:
            check_record(record)
        except Invalid as exc:
            problems.append(f"{o}: maximum_age: {exc}")
        problems += [f"{o}: {column}: {reason}" for column, reason in too_long(record)]
        result.records.append(record)
    areas = package.of("area")
    if areas:
        origin = areas[0].origin.rsplit(":", 1)[0]
        header = list(areas[0].data)
        result.places = check_places(
            origin, header, [(int(r.origin.rsplit(":", 1)[1]), r.data) for r in areas]
        )
    if problems:
        raise CatalogueError(problems)
    return result


def _classify(
    record: ServiceRecord,
    rows: list[PackageRow],
    terms: dict[str, dict[str, str]],
    taxonomy_of: Callable[[dict[str, str]], str],
    mapping: Mapping | None,
) -> tuple[bool, list[str]]:
    """Topic, subtopic, residence statuses, target groups and source from the service's
    attributes; returns whether a topic was found, and the problems."""
    problems: list[str] = []
    found: tuple[str, str | None] | None = None
    mapped: tuple[str, str | None] | None = None
    for row in rows:
        if row.data.get("link_entity", "service") not in ("service", ""):
            continue
        term = terms.get(row.data.get("taxonomy_term_id", ""))
        if term is None:
            continue  # a term the package does not define: kept with the attribute
        code, taxonomy = term.get("code") or term.get("id", ""), taxonomy_of(term)
        try:
            if taxonomy == STATUS_TAXONOMY:
                if code not in RESIDENCE_STATUSES:
                    raise Invalid(f"unknown residence status {code!r}")
                record.statuses.append(code)
            elif taxonomy == GROUP_TAXONOMY:
                if code not in TARGET_GROUPS:
                    raise Invalid(f"unknown target group {code!r}")
                record.target_groups.append(code)
            elif taxonomy == FEATURE_TAXONOMY:
                if code not in FEATURES:
                    raise Invalid(f"unknown feature {code!r}")
                record.features.append(code)
            elif taxonomy == SOURCE_TAXONOMY:
                record.source = row.data.get("value", "").strip()
            elif taxonomy == IDENTIFIER_TAXONOMY:
                continue
            elif taxonomy == TOPIC_TAXONOMY:
                known = load_taxonomy().get(code)
                if known is not None and known.parent:
                    found = (known.parent, code)
                elif found is None:
                    found = (check_topic(code), None)
            elif mapping is not None and mapped is None:
                mapped = mapping(taxonomy, term)
        except Invalid as exc:
            problems.append(f"{row.origin}: taxonomy_term_id: {exc}")
    if found is None and mapped is None and mapping is not None:
        mapped = mapping("", {})  # the package-wide fallback (`*`), if there is one
    chosen = found or mapped
    if chosen is not None:
        record.topic, record.subtopic = chosen
        if record.subtopic:
            try:
                check_subtopic(record.subtopic, record.topic)
            except Invalid as exc:
                problems.append(f"{record.origin}: (attribute): {exc}")
    return chosen is not None, problems


def _age(value: str) -> int | None:
    value = value.strip()
    if value.endswith(".0"):
        value = value[:-2]
    return check_age(value)


def _coordinate(value: str, limit: float) -> float | None:
    """A usable coordinate, else None (the package's value is kept and written again)."""
    try:
        return check_coordinate(value, -limit, limit)
    except Invalid:
        return None
