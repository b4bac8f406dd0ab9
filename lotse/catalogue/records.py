"""Format-neutral catalogue records: what the matrix and HSDS readers produce and the store writes.

Every value is checked here, with a message a regional administrator understands; the reader
attaches `file:line: column:` so an error can be found in the spreadsheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lotse import LANGUAGES
from lotse.catalogue.hsds import (
    RESIDENCE_STATUSES,
    TARGET_GROUPS,
    Location,
    Organization,
    Service,
    ServiceTranslation,
)
from lotse.catalogue.schedule import HoursError, Rule, parse_hours
from lotse.catalogue.taxonomy import load_taxonomy
from lotse.i18n import known_language_codes
from lotse.models import CATALOGUE_TOPICS

_ID = re.compile(r"^[a-z0-9][a-z0-9._:/-]{0,63}$")
_PHONE = re.compile(r"^\+?[0-9 ()/.-]{6,40}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
MAX_ERRORS = 50


class CatalogueError(ValueError):
    """An import that cannot be made; each line of the message reads `file:line: column: reason`."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_ERRORS]
        more = len(problems) - len(shown)
        super().__init__("\n".join(shown) + (f"\n… and {more} more" if more > 0 else ""))


class Invalid(ValueError):
    """One bad value; the reader adds where it is."""


@dataclass
class LocationRecord:
    id: str
    name: str = ""
    address_1: str = ""
    postal_code: str = ""
    city: str = ""
    area: str = ""
    latitude: float | None = None
    longitude: float | None = None
    organization_id: str | None = None
    """None: the service's organization (the matrix); "" none; else the location's own."""
    address_id: str | None = None
    """The HSDS id of the address folded in (packages only)."""


@dataclass
class ServiceRecord:
    id: str
    organization_id: str
    organization: str
    name: str
    topic: str
    description: str = ""
    subtopic: str | None = None
    status: str = "active"
    url: str = ""
    email: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    target_groups: list[str] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    assured_date: date | None = None
    source: str = ""
    statuses: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    hours: list[Rule] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    location: LocationRecord | None = None
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)
    organization_website: str = ""
    organization_email: str = ""
    origin: str = ""
    """`file:line` of the row, for errors found when the record is stored."""
    more_locations: list[LocationRecord] = field(default_factory=list)
    """Further locations (HSDS: one service at several locations)."""
    child_ids: dict[str, list[str]] = field(default_factory=dict)
    """HSDS ids of the phones, schedules, languages, service areas and service_at_location rows,
    in the order of their lists (packages only; the matrix's rows get ids from the offer's)."""
    status_set: bool = False
    """The file says the status (an HSDS package): an import sets it. The matrix has no status
    column, so an offer the admin unpublished stays unpublished."""
    unknown_areas_kept: bool = False
    """A service area that is no known place is kept as text, not refused (HSDS: free text)."""

    @property
    def all_locations(self) -> list[LocationRecord]:
        return ([self.location] if self.location else []) + self.more_locations


def slug(text: str) -> str:
    """A stable id from a name (for organizations and locations the matrix does not number)."""
    from lotse.text import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text).replace(" ", "-")).strip("-")[:64] or "x"


def check_id(value: str) -> str:
    value = value.strip()
    if not _ID.match(value):
        raise Invalid(
            f"{value!r} is not a usable id (lowercase letters, digits and - . _ : /, at most 64)"
        )
    return value


def check_topic(value: str) -> str:
    value = value.strip()
    if value not in CATALOGUE_TOPICS:
        raise Invalid(f"unknown topic {value!r} (one of {', '.join(CATALOGUE_TOPICS)})")
    return value


def check_subtopic(value: str, topic: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    term = load_taxonomy().get(value)
    if term is None or term.parent is None:
        known = ", ".join(sorted(c for c, t in load_taxonomy().items() if t.parent == topic))
        raise Invalid(f"unknown subtopic {value!r} (for {topic}: {known})")
    if term.parent != topic:
        raise Invalid(f"subtopic {value!r} belongs to topic {term.parent!r}, not {topic!r}")
    return value


def split_list(value: str, separator: str = ",") -> list[str]:
    return [part.strip() for part in (value or "").split(separator) if part.strip()]


def check_choices(value: str, allowed: tuple[str, ...], what: str) -> list[str]:
    items = split_list(value)
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise Invalid(f"unknown {what} {', '.join(unknown)} (one of {', '.join(allowed)})")
    return items


def check_languages(value: str) -> list[str]:
    codes = [code.lower() for code in split_list(value)]
    bad = [code for code in codes if not _LANGUAGE.match(code)]
    if bad:
        raise Invalid(f"not two-letter language codes (ISO 639-1): {', '.join(bad)}")
    # Cards name the languages in the reader's language; a code without names would show bare.
    unnamed = [code for code in codes if code not in known_language_codes()]
    if unnamed:
        raise Invalid(
            f"no name for language codes {', '.join(unnamed)} "
            "(add them to lotse_language_names in domain/responses/<lang>.yml)"
        )
    return list(dict.fromkeys(codes))


def check_age(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) > 120:
        raise Invalid(f"{value!r} is not an age in years (0–120)")
    return int(value)


def check_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise Invalid(f"{value!r} is not a date like 2026-05-31") from None


def check_phone(value: str) -> list[str]:
    numbers = split_list(value, "|")
    for number in numbers:
        if not _PHONE.match(number) or sum(c.isdigit() for c in number) < 6:
            raise Invalid(f"{number!r} is not a phone number like +49 7621 555 0123")
    return numbers


def check_email(value: str) -> str:
    value = value.strip()
    if value and not _EMAIL.match(value):
        raise Invalid(f"{value!r} is not an e-mail address")
    return value


def check_url(value: str) -> str:
    value = value.strip()
    if value and not value.startswith(("https://", "http://")):
        raise Invalid(f"{value!r} is not a web address starting with https://")
    return value


def check_coordinate(value: str, low: float, high: float) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise Invalid(f"{value!r} is not a number") from None
    if not low <= number <= high:
        raise Invalid(f"{value} is out of range ({low} to {high})")
    return number


def check_hours(value: str) -> list[Rule]:
    try:
        return parse_hours(value)
    except HoursError as exc:
        raise Invalid(str(exc)) from None


HSDS_STATUSES = ("active", "inactive", "defunct", "temporarily closed")


def check_status(value: str) -> str:
    """Lotse's status for an HSDS status: published (`active`) or not (`inactive`)."""
    value = value.strip() or "active"
    if value not in HSDS_STATUSES:
        raise Invalid(f"{value!r} is not a status ({', '.join(HSDS_STATUSES)})")
    return "active" if value == "active" else "inactive"


def check_record(record: ServiceRecord) -> None:
    """Checks across columns."""
    if (
        record.minimum_age is not None
        and record.maximum_age is not None
        and record.minimum_age > record.maximum_age
    ):
        raise Invalid("min_age is higher than max_age")


def _length(column: Any) -> int:
    return int(column.property.columns[0].type.length)


def too_long(record: ServiceRecord) -> list[tuple[str, str]]:
    """(field, reason) for each value longer than its database column: PostgreSQL would refuse
    the whole import with an error, SQLite would keep it; the import reports it like any cell."""
    values: list[tuple[str, str, Any]] = [
        ("organization_id", record.organization_id, Organization.id),
        ("organization", record.organization, Organization.name),
        ("organization_website", record.organization_website, Organization.website),
        ("organization_email", record.organization_email, Organization.email),
        ("name", record.name, Service.name),
        ("url", record.url, Service.url),
        ("email", record.email, Service.email),
        ("source", record.source, Service.source),
    ]
    for location in record.all_locations:
        values += [
            ("location_id", location.id, Location.id),
            ("location_name", location.name, Location.name),
            ("address", location.address_1, Location.address_1),
            ("postal_code", location.postal_code, Location.postal_code),
            ("city", location.city, Location.city),
        ]
    for language, (name, _) in record.translations.items():
        values += [
            ("language", language, ServiceTranslation.language),
            (f"name_{language}", name, ServiceTranslation.name),
        ]
    return [
        (field, f"longer than {limit} characters ({len(value)})")
        for field, value, column in values
        if len(value) > (limit := _length(column))
    ]


__all__ = [
    "LANGUAGES",
    "RESIDENCE_STATUSES",
    "TARGET_GROUPS",
    "CatalogueError",
    "Invalid",
    "LocationRecord",
    "ServiceRecord",
]
