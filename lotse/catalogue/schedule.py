"""Opening hours: parse the short notation a workshop writes, and say "open now" or "next open".

Notation (a subset of OpenStreetMap's `opening_hours`): `Mo-Fr 09:00-12:00; Th 14:00-18:00,
19:00-20:00`. Rules are separated by `;`, days are `Mo Tu We Th Fr Sa Su` with `-` ranges and `,`
lists, times are local (Europe/Berlin). A closing time at or before the opening time means the
opening ends after midnight (`Fr 20:00-02:00`). Offers are closed on public holidays of their state;
an opening that starts the evening before a holiday is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_calendars

BERLIN = ZoneInfo("Europe/Berlin")
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # HSDS / iCalendar day codes
LOOKAHEAD_DAYS = 15

_TIME = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


class HoursError(ValueError):
    """Opening hours that cannot be read; the message says what is wrong, in plain words."""


@dataclass(frozen=True)
class Rule:
    """Open on `days` (0 = Monday) from `opens` to `closes` (after midnight if not later)."""

    days: tuple[int, ...]
    opens: time
    closes: time

    @property
    def crosses_midnight(self) -> bool:
        return self.closes <= self.opens


@dataclass(frozen=True)
class Opening:
    """The current or next opening: `is_open` now (until `ends`) or opening at `starts`."""

    is_open: bool
    starts: datetime
    ends: datetime


def _parse_time(text: str) -> time:
    match = _TIME.match(text.strip())
    if not match:
        raise HoursError(f"{text.strip()!r} is not a time like 09:00")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour == 24:
        if minute:
            raise HoursError(f"{text.strip()!r} is not a time like 09:00")
        return time(0, 0)
    return time(hour, minute)


def _parse_days(text: str) -> tuple[int, ...]:
    days: list[int] = []
    for part in text.split(","):
        bounds = [b.strip().capitalize() for b in part.split("-")]
        unknown = [b for b in bounds if b not in DAYS]
        if unknown or len(bounds) > 2:
            raise HoursError(f"{part.strip()!r} is not a day like Mo, Mo-Fr or Mo,We")
        first, last = DAYS.index(bounds[0]), DAYS.index(bounds[-1])
        span = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        days.extend(d for d in span if d not in days)
    return tuple(sorted(days))


def parse_hours(text: str) -> list[Rule]:
    """Rules from the notation above; empty text means "by appointment" (no rules)."""
    rules: list[Rule] = []
    for chunk in (c.strip() for c in (text or "").split(";")):
        if not chunk:
            continue
        head, _, ranges = chunk.partition(" ")
        if not ranges.strip():
            raise HoursError(f"{chunk!r} needs days and times, like Mo-Fr 09:00-12:00")
        days = _parse_days(head)
        for span in ranges.split(","):
            opens, dash, closes = span.strip().partition("-")
            if not dash:
                raise HoursError(f"{span.strip()!r} is not a time range like 09:00-12:00")
            rule = Rule(days, _parse_time(opens), _parse_time(closes))
            if rule.opens == rule.closes:
                raise HoursError(f"{span.strip()!r} opens and closes at the same time")
            rules.append(rule)
    return rules


def format_hours(rules: list[Rule], day_names: list[str] | tuple[str, ...] = DAYS) -> str:
    """Rules back in the notation (with `day_names` for display in a client's language)."""
    parts = []
    for rule in rules:
        parts.append(f"{format_days(rule.days, day_names)} {_hm(rule.opens)}-{_hm(rule.closes)}")
    return "; ".join(parts)


def format_days(
    days: tuple[int, ...],
    names: list[str] | tuple[str, ...] = DAYS,
    to: str = "-",
    then: str = ",",
) -> str:
    """`Mo-Fr,Su`: runs of days joined by `to`, separate ones by `then`."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return then.join(
        names[r[0]] if len(r) == 1 else f"{names[r[0]]}{to}{names[r[-1]]}" for r in runs
    )


def _hm(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def rules_to_byday(rule: Rule) -> str:
    return ",".join(BYDAY[d] for d in rule.days)


def rule_from_schedule(byday: str, opens_at: str, closes_at: str) -> Rule:
    days = tuple(sorted(BYDAY.index(code.strip().upper()) for code in byday.split(",")))
    return Rule(days, _parse_time(opens_at), _parse_time(closes_at))


@lru_cache(maxsize=64)
def _holidays(calendar: str, year: int) -> frozenset[date]:
    """Public holidays of `calendar` (`DE-BW`, `DE-BE`, or `DE` for the nationwide ones)."""
    country, _, subdivision = calendar.partition("-")
    table = holiday_calendars.country_holidays(country, subdiv=subdivision or None, years=year)
    return frozenset(table)


def is_holiday(day: date, calendar: str) -> bool:
    return bool(calendar) and day in _holidays(calendar, day.year)


def next_opening(rules: list[Rule], now: datetime, calendar: str = "DE") -> Opening | None:
    """The opening going on at `now`, else the next one within two weeks; None if none."""
    local = now.astimezone(BERLIN)
    best: Opening | None = None
    for offset in range(-1, LOOKAHEAD_DAYS):
        day = local.date() + timedelta(days=offset)
        if is_holiday(day, calendar):
            continue
        for rule in rules:
            if day.weekday() not in rule.days:
                continue
            starts = datetime.combine(day, rule.opens, BERLIN)
            end_day = day + timedelta(days=1) if rule.crosses_midnight else day
            ends = datetime.combine(end_day, rule.closes, BERLIN)
            if starts <= local < ends:
                return Opening(True, starts, ends)
            if starts > local and (best is None or starts < best.starts):
                best = Opening(False, starts, ends)
    return best
