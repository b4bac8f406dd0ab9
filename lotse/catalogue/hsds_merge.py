"""One row from Lotse's tables and its kept copy from a package (hsds_kept.py), merged.

Lotse's value wins in the columns it holds (the admin may have changed them), unless the kept
value says the same in the package's own notation (`urd` for `ur`, `10:00Z`, `"+44 …"` in
quotes, a trailing space), so a partner gets back what it wrote. Every other column of the kept
row is written as it came.
"""

from __future__ import annotations

from lotse.catalogue.hsds_spec import two_letter_language
from lotse.catalogue.hsds_times import hsds_time

AUTHORITATIVE: dict[str, tuple[str, ...]] = {
    "organization": ("name", "description", "email", "website"),
    "service": (
        "name",
        "description",
        "url",
        "email",
        "status",
        "minimum_age",
        "maximum_age",
        "assured_date",
    ),
    "location": ("name", "latitude", "longitude"),
    "address": ("address_1", "city", "postal_code"),
    "phone": ("number",),
    "schedule": ("byday", "opens_at", "closes_at"),
    "language": ("code",),
    "service_area": ("name",),
}
"""Columns whose value Lotse holds (the admin may change it): Lotse's value is written unless the
kept one says the same in another notation (`urd` for `ur`, `10:00Z`). Every other column of a
kept row is written as it came."""


def _normalised(table: str, column: str, value: str, row: dict[str, str]) -> str:
    """What Lotse would write for a package's value once imported ("" when it cannot use it)."""
    from lotse.catalogue.hsds_package import clean_number
    from lotse.catalogue.hsds_times import schedule_rule
    from lotse.catalogue.records import Invalid, check_coordinate, check_status
    from lotse.catalogue.schedule import rules_to_byday

    value = value.strip()
    try:
        if (table, column) == ("service", "status"):
            return check_status(value)
        if column in ("minimum_age", "maximum_age"):
            return str(int(float(value))) if value else ""
        if column in ("latitude", "longitude"):
            limit = 90 if column == "latitude" else 180
            number = check_coordinate(value, -limit, limit)
            return "" if number is None else str(number)
        if (table, column) == ("phone", "number"):
            return clean_number(value)
        if (table, column) == ("language", "code"):
            return two_letter_language(value)
        if table == "schedule":
            rule = schedule_rule(row)
            return {
                "byday": rules_to_byday(rule),
                "opens_at": hsds_time(rule.opens),
                "closes_at": hsds_time(rule.closes),
            }[column]
    except (Invalid, ValueError):
        return ""
    return value


def merge(table: str, generated: dict[str, str], kept: dict[str, str] | None) -> dict[str, str]:
    if kept is None:
        return generated
    merged = dict(generated)
    authoritative = AUTHORITATIVE.get(table, ())
    for column, value in kept.items():
        if column in authoritative:
            if _normalised(table, column, value, kept) == generated.get(column, ""):
                merged[column] = value
        elif value != "" or column not in generated:
            merged[column] = value
    return merged
