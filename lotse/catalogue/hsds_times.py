"""HSDS schedules and Lotse's weekly opening hours: RFC 3339 times, which rows Lotse can show.

A time may come as `10:00`, `10:00:00`, `10:00:00.5`, `10:00Z` or `10:00:00+01:00`. Times with a
UTC offset are turned into Europe/Berlin time as of the schedule's `dtstart` or `valid_from`
(else 1 January 2026, winter time); the package's own value is kept and exported again. Lotse
shows weekly rules (`freq` WEEKLY or empty, `interval` 1, `byday` and both times); every other
schedule (MONTHLY, by month day or week number, every second week, or only a description) is
kept as it came and named in the import report.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from lotse.catalogue.records import Invalid
from lotse.catalogue.schedule import BERLIN, BYDAY, Rule

_TIME = re.compile(
    r"^([01]\d|2[0-4]):([0-5]\d)(?::([0-5]\d)(?:\.\d+)?)?(Z|z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$"
)
REFERENCE_DAY = date(2026, 1, 1)


class Unsupported(Invalid):
    """Valid HSDS that Lotse cannot show (kept and reported, not refused)."""


def parse_time(value: str, on: date = REFERENCE_DAY) -> time:
    """Local (Europe/Berlin) wall-clock time of an RFC 3339 / ISO 8601 time."""
    match = _TIME.match(value.strip())
    if not match:
        raise Invalid(f"{value.strip()!r} is not a time like 10:00:00 or 10:00Z")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour == 24:
        if minute or second:
            raise Invalid(f"{value.strip()!r} is not a time like 10:00:00")
        hour = 0
    zone = match[4]
    if not zone:
        return time(hour, minute)
    if zone in ("Z", "z"):
        offset = timedelta(0)
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    moment = datetime.combine(on, time(hour, minute), timezone(offset)).astimezone(BERLIN)
    return time(moment.hour, moment.minute)


def hsds_time(value: time) -> str:
    """A time as the HSDS data package's `time` type wants it: `08:00:00`."""
    return f"{value.hour:02d}:{value.minute:02d}:00"


def _day(data: dict[str, str]) -> date:
    for column in ("dtstart", "valid_from"):
        try:
            return date.fromisoformat(data.get(column, "").strip()[:10])
        except ValueError:
            continue
    return REFERENCE_DAY


def schedule_rule(data: dict[str, str]) -> Rule:
    """The weekly rule a schedule row says, or Invalid with why Lotse cannot show it."""
    freq = data.get("freq", "").strip().upper()
    if freq not in ("", "WEEKLY"):
        raise Unsupported(f"freq {freq}: Lotse shows weekly opening hours only")
    if data.get("interval", "").strip() not in ("", "1", "1.0"):
        raise Unsupported(f"every {data['interval'].strip()} weeks: Lotse shows weekly hours only")
    for column in ("bymonthday", "byweekno", "byyearday"):
        if data.get(column, "").strip():
            raise Unsupported(f"{column}: Lotse shows weekly opening hours only")
    days = [d.strip().upper() for d in data.get("byday", "").split(",") if d.strip()]
    if not days:
        raise Unsupported("no byday: Lotse shows weekly opening hours only")
    bad = [d for d in days if d not in BYDAY]
    if bad:
        raise Invalid(f"byday {', '.join(bad)} is not a day like MO or TU")
    if not data.get("opens_at", "").strip() or not data.get("closes_at", "").strip():
        raise Unsupported("no opens_at/closes_at")
    on = _day(data)
    rule = Rule(
        tuple(sorted({BYDAY.index(d) for d in days})),
        parse_time(data["opens_at"], on),
        parse_time(data["closes_at"], on),
    )
    if rule.opens == rule.closes:
        raise Invalid("opens and closes at the same time")
    return rule
