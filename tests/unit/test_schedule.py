"""Opening hours: parsing, "open now / next open", midnight and public holidays."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from lotse.catalogue.schedule import (
    BERLIN,
    HoursError,
    Rule,
    format_hours,
    next_opening,
    parse_hours,
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def test_parse_days_ranges_lists_and_several_times() -> None:
    rules = parse_hours("Mo-Fr 09:00-12:00; Th 14:00-18:00, 19:00-20:00; Sa,Su 10:00-11:00")
    assert rules[0] == Rule((0, 1, 2, 3, 4), time(9), time(12))
    assert rules[1].days == (3,) and rules[2].opens == time(19)
    assert rules[3].days == (5, 6)
    assert (
        format_hours(rules)
        == "Mo-Fr 09:00-12:00; Th 14:00-18:00; Th 19:00-20:00; Sa-Su 10:00-11:00"
    )


def test_empty_hours_mean_by_appointment() -> None:
    assert parse_hours("") == []
    assert next_opening([], at("2026-11-23 10:00")) is None


@pytest.mark.parametrize(
    "text", ["Mo-Fr", "Xy 09:00-12:00", "Mo 9-12", "Mo 25:00-26:00", "Mo 09:00-09:00", "Mo 09:00"]
)
def test_bad_hours_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(HoursError):
        parse_hours(text)


def test_open_now_and_next_open_on_an_ordinary_week() -> None:
    rules = parse_hours("Mo-Fr 09:00-12:00; Th 14:00-17:00")
    now = next_opening(rules, at("2026-11-24 10:30"))  # Tuesday
    assert now and now.is_open and now.ends == at("2026-11-24 12:00")
    later = next_opening(rules, at("2026-11-26 12:30"))  # Thursday lunch
    assert later and not later.is_open and later.starts == at("2026-11-26 14:00")
    weekend = next_opening(rules, at("2026-11-28 10:00"))  # Saturday
    assert weekend and weekend.starts == at("2026-11-30 09:00")


def test_an_opening_across_midnight_is_open_after_midnight() -> None:
    rules = parse_hours("Fr,Sa 20:00-02:00")
    late = next_opening(rules, at("2026-11-28 01:30"))  # Saturday night, from Friday
    assert late and late.is_open and late.ends == at("2026-11-28 02:00")
    closed = next_opening(rules, at("2026-11-28 03:00"))
    assert closed and not closed.is_open and closed.starts == at("2026-11-28 20:00")
    assert next_opening(rules, at("2026-11-29 00:30")).is_open  # Saturday's opening


def test_public_holidays_are_closed_per_state() -> None:
    rules = parse_hours("Mo-Fr 09:00-12:00")
    # 2026-12-25 (Friday) is a holiday everywhere: the next opening is Monday the 28th.
    christmas = next_opening(rules, at("2026-12-25 10:00"), "DE-BE")
    assert christmas and christmas.starts == at("2026-12-28 09:00")
    # Epiphany (6 January 2027, Wednesday) is a holiday in Baden-Württemberg, not in Berlin.
    assert not next_opening(rules, at("2027-01-06 10:00"), "DE-BW").is_open
    assert next_opening(rules, at("2027-01-06 10:00"), "DE-BE").is_open
    # International Women's Day (8 March) is a holiday in Berlin only.
    assert not next_opening(rules, at("2027-03-08 10:00"), "DE-BE").is_open
    assert next_opening(rules, at("2027-03-08 10:00"), "DE-BW").is_open


def test_an_evening_before_a_holiday_still_runs_past_midnight() -> None:
    rules = parse_hours("Th 20:00-02:00")
    # Thursday 24 Dec 2026 20:00 to Friday 25 Dec 02:00: started before the holiday.
    assert next_opening(rules, at("2026-12-25 01:00"), "DE-BE").is_open


def test_times_are_local_across_the_daylight_saving_change() -> None:
    rules = parse_hours("Su 09:00-12:00")
    # 29 March 2026: clocks go forward at 02:00; the opening is still at 09:00 local time.
    opening = next_opening(rules, at("2026-03-29 08:00"))
    assert opening and opening.starts.hour == 9 and opening.starts.utcoffset().seconds == 7200
