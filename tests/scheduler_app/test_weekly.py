"""Weekly intervals and day lists as coordinators write them, in Chinese or English."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.weekly import Interval, format_intervals, interval_problems, parse_days, parse_intervals


def t(hhmm: str) -> dt.time:
    """A time from HH:MM."""
    return dt.time.fromisoformat(hhmm)


def test_intervals_are_read_in_chinese_and_english(in_request) -> None:
    """“周六 09:00-12:00；sun 14:00～17:00” and full-width colons read as two intervals in week order."""
    assert parse_intervals("sun 14:00～17:00；周六 09:00-12:00\n星期一 8：30至9：15") == [
        Interval(0, t("08:30"), t("09:15")), Interval(5, t("09:00"), t("12:00")), Interval(6, t("14:00"), t("17:00"))]


def test_a_bad_interval_is_named(in_request) -> None:
    """Text that is not a day and two times is refused with the offending part in the message."""
    with pytest.raises(ValueError, match="Saturday morning"):
        parse_intervals("sat 09:00-12:00; Saturday morning")
    with pytest.raises(ValueError, match="周八"):
        parse_intervals("周八 09:00-12:00")


def test_formatted_intervals_read_back(in_request) -> None:
    """What is written for a spreadsheet reads back to the same intervals."""
    intervals = [Interval(2, t("16:30"), t("18:00")), Interval(5, t("09:00"), t("11:30"))]
    assert parse_intervals(format_intervals(intervals)) == intervals


def test_days_are_read_in_either_language(in_request) -> None:
    """“周一、wed, Friday” is Monday, Wednesday and Friday."""
    assert parse_days("周一、wed, Friday") == [0, 2, 4]


def test_interval_problems(in_request) -> None:
    """Reversed, outside 06:00–22:00, overlapping on a day, and (for sessions) two on a day are reported."""
    assert interval_problems([Interval(0, t("10:00"), t("09:00"))])
    assert interval_problems([Interval(0, t("05:00"), t("07:00"))])
    assert interval_problems([Interval(1, t("09:00"), t("11:00")), Interval(1, t("10:30"), t("12:00"))])
    two = [Interval(1, t("09:00"), t("10:00")), Interval(1, t("15:00"), t("16:00"))]
    assert interval_problems(two) == []
    assert interval_problems(two, one_per_day=True)
