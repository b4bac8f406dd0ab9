"""Open Referral HSDS 3.0 tabular package (a folder or .zip of CSV files), read (written by
hsds_export.py).

HSDS files used: organization, service, location, address, service_at_location, phone, schedule,
language, service_area, taxonomy_term, attribute. Lotse's topics, subtopics, residence-status
eligibility and target groups are `attribute` rows pointing at `taxonomy_term` rows of the
taxonomies `lotse`, `lotse_residence_status` and `lotse_target_group`. Extensions: the file
`service_translation.csv`, the column `service.source`, and `area.csv` (the places file, so a
package is complete). See docs/decisions.md.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lotse.catalogue.files import decode, read_csv, read_file, read_zip_csvs
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
    check_id,
    check_languages,
    check_phone,
    check_record,
    check_status,
    check_subtopic,
    check_topic,
    check_url,
    too_long,
)
from lotse.catalogue.schedule import BYDAY, Rule, rule_from_schedule
from lotse.catalogue.taxonomy import load_taxonomy

FILES: dict[str, list[str]] = {
    "organization": ["id", "name", "description", "email", "website"],
    "service": [
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "source",
    ],
    "location": ["id", "organization_id", "location_type", "name", "latitude", "longitude"],
    "address": [
        "id",
        "location_id",
        "address_1",
        "city",
        "postal_code",
        "state_province",
        "country",
        "address_type",
    ],
    "service_at_location": ["id", "service_id", "location_id"],
    "phone": ["id", "service_id", "number", "description"],
    "schedule": ["id", "service_id", "freq", "wkst", "byday", "opens_at", "closes_at"],
    "language": ["id", "service_id", "name", "code"],
    "service_area": ["id", "service_id", "name", "description"],
    "taxonomy_term": ["id", "code", "name", "description", "parent_id", "taxonomy"],
    "attribute": ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "value"],
    "service_translation": ["service_id", "language", "name", "description"],
    "area": ["name", "kind", "parent", "latitude", "longitude", "holidays", "aliases"],
}
REQUIRED_FILES = ("organization", "service")
STATUS_TAXONOMY = "lotse_residence_status"
GROUP_TAXONOMY = "lotse_target_group"


class _Package:
    """Rows of each file, with `file:line` for messages."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tables: dict[str, list[tuple[str, dict[str, str]]]] = {}
        if path.is_dir():
            sources = {
                p.stem: (str(p), read_file(p)) for p in sorted(path.glob("*.csv")) if p.is_file()
            }
        elif zipfile.is_zipfile(path):
            sources = read_zip_csvs(path)
        else:
            raise CatalogueError([f"{path}:1: (file): not an HSDS folder or .zip package"])
        missing = [name for name in REQUIRED_FILES if name not in sources]
        if missing:
            raise CatalogueError(
                [f"{path}/{name}.csv:1: (file): missing from the package" for name in missing]
            )
        for name, (origin, data) in sources.items():
            header, rows = read_csv(origin, decode(data, origin))
            wanted = [c for c in FILES.get(name, [])[:2] if name not in ("area",)]
            lacking = [c for c in wanted if c not in header]
            if lacking:
                raise CatalogueError([f"{origin}:1: {', '.join(lacking)}: missing column"])
            self.tables[name] = [
                (f"{origin}:{line}", {k: v for k, v in row.items() if k}) for line, row in rows
            ]

    def rows(self, name: str) -> list[tuple[str, dict[str, str]]]:
        return self.tables.get(name, [])


def has_places(path: Path) -> bool:
    return (path / "area.csv").exists() if path.is_dir() else False


def parse_package(path: Path) -> list[ServiceRecord]:
    package = _Package(path)
    problems: list[str] = []

    def check(
        origin: str, column: str, fn: Callable[[str], Any], raw: str, default: Any = None
    ) -> Any:
        try:
            return fn(raw)
        except Invalid as exc:
            problems.append(f"{origin}: {column}: {exc}")
            return default

    organizations = {row["id"]: row for _, row in package.rows("organization")}
    terms = {row["id"]: row for _, row in package.rows("taxonomy_term")}
    by_service: dict[str, dict[str, list[tuple[str, dict[str, str]]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for name in (
        "phone",
        "schedule",
        "language",
        "service_area",
        "service_at_location",
        "service_translation",
    ):
        for origin, row in package.rows(name):
            by_service[row.get("service_id", "")][name].append((origin, row))
    for origin, row in package.rows("attribute"):
        by_service[row.get("link_id", "")]["attribute"].append((origin, row))
    locations = {row["id"]: (origin, row) for origin, row in package.rows("location")}
    addresses = {row.get("location_id", ""): row for _, row in package.rows("address")}

    records: list[ServiceRecord] = []
    seen: set[str] = set()
    for origin, row in package.rows("service"):
        sid = check(origin, "id", check_id, row.get("id", ""), "")
        if sid in seen:
            problems.append(f"{origin}: id: {sid!r} appears twice")
            continue
        seen.add(sid)
        org = organizations.get(row.get("organization_id", ""))
        if org is None:
            problems.append(
                f"{origin}: organization_id: no organization {row.get('organization_id')!r}"
            )
            continue
        children = by_service[sid]
        topic, subtopic, statuses, groups = _attributes(children["attribute"], terms, problems)
        if topic is None:
            problems.append(f"{origin}: (attribute): the service has no topic attribute")
            continue
        record = ServiceRecord(
            id=sid,
            organization_id=org["id"],
            organization=org.get("name", ""),
            organization_website=org.get("website", ""),
            organization_email=org.get("email", ""),
            name=row.get("name", "").strip(),
            topic=topic,
            subtopic=subtopic,
            description=row.get("description", "").strip(),
            status=check(origin, "status", check_status, row.get("status", ""), "active"),
            url=check(origin, "url", check_url, row.get("url", ""), ""),
            email=check(origin, "email", check_email, row.get("email", ""), ""),
            minimum_age=check(origin, "minimum_age", check_age, row.get("minimum_age", "")),
            maximum_age=check(origin, "maximum_age", check_age, row.get("maximum_age", "")),
            assured_date=check(origin, "assured_date", check_date, row.get("assured_date", "")),
            source=row.get("source", "").strip(),
            statuses=statuses,
            target_groups=groups,
            origin=origin,
        )
        if not record.name:
            problems.append(f"{origin}: name: must not be empty")
        for o, r in children["phone"]:
            record.phones += check(o, "number", check_phone, r.get("number", ""), [])
        for o, r in children["language"]:
            record.languages += check(o, "code", check_languages, r.get("code", ""), [])
        record.hours = [h for o, r in children["schedule"] if (h := _rule(o, r, problems))]
        record.areas = [r.get("name", "").strip() for _, r in children["service_area"]]
        record.translations = {
            r["language"]: (r.get("name", ""), r.get("description", ""))
            for _, r in children["service_translation"]
            if r.get("language")
        }
        for o, link in children["service_at_location"][:1]:
            found = locations.get(link.get("location_id", ""))
            if found is None:
                problems.append(f"{o}: location_id: no location {link.get('location_id')!r}")
                continue
            loc_origin, loc = found
            address = addresses.get(loc["id"], {})
            record.location = LocationRecord(
                id=loc["id"],
                name=loc.get("name", ""),
                address_1=address.get("address_1", ""),
                postal_code=address.get("postal_code", ""),
                city=address.get("city", ""),
                latitude=check(
                    loc_origin,
                    "latitude",
                    lambda v: check_coordinate(v, -90, 90),
                    loc.get("latitude", ""),
                ),
                longitude=check(
                    loc_origin,
                    "longitude",
                    lambda v: check_coordinate(v, -180, 180),
                    loc.get("longitude", ""),
                ),
            )
        try:
            check_record(record)
        except Invalid as exc:
            problems.append(f"{origin}: maximum_age: {exc}")
        problems += [f"{origin}: {field}: {reason}" for field, reason in too_long(record)]
        records.append(record)
    if problems:
        raise CatalogueError(problems)
    return records


def _attributes(
    rows: list[tuple[str, dict[str, str]]],
    terms: dict[str, dict[str, str]],
    problems: list[str],
) -> tuple[str | None, str | None, list[str], list[str]]:
    topic = subtopic = None
    statuses: list[str] = []
    groups: list[str] = []
    for origin, row in rows:
        term = terms.get(row.get("taxonomy_term_id", ""))
        if term is None:
            problems.append(
                f"{origin}: taxonomy_term_id: no taxonomy term {row.get('taxonomy_term_id')!r}"
            )
            continue
        code, taxonomy = term.get("code") or term["id"], term.get("taxonomy", "")
        try:
            if taxonomy == STATUS_TAXONOMY:
                if code not in RESIDENCE_STATUSES:
                    raise Invalid(f"unknown residence status {code!r}")
                statuses.append(code)
            elif taxonomy == GROUP_TAXONOMY:
                if code not in TARGET_GROUPS:
                    raise Invalid(f"unknown target group {code!r}")
                groups.append(code)
            elif taxonomy == "lotse":
                known = load_taxonomy().get(code)
                if known is not None and known.parent:
                    subtopic = code
                    topic = topic or known.parent
                else:
                    topic = check_topic(code)
        except Invalid as exc:
            problems.append(f"{origin}: taxonomy_term_id: {exc}")
    if topic and subtopic:
        try:
            check_subtopic(subtopic, topic)
        except Invalid as exc:
            problems.append(f"{rows[0][0]}: taxonomy_term_id: {exc}")
    return topic, subtopic, statuses, groups


def _rule(origin: str, row: dict[str, str], problems: list[str]) -> Rule | None:
    try:
        if (row.get("freq") or "WEEKLY").upper() != "WEEKLY":
            raise Invalid("only weekly schedules (freq WEEKLY) are supported")
        days = [d.strip().upper() for d in row.get("byday", "").split(",") if d.strip()]
        if not days or any(d not in BYDAY for d in days):
            raise Invalid(f"{row.get('byday')!r} is not a list of days like MO,TU")
        return rule_from_schedule(",".join(days), row.get("opens_at", ""), row.get("closes_at", ""))
    except (Invalid, ValueError) as exc:
        problems.append(f"{origin}: byday/opens_at/closes_at: {exc}")
        return None
