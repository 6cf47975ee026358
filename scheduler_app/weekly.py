"""Weekly intervals and day lists as people write them: "周六 09:00-12:00; sun 14:00-17:00", "周一、周三"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

from scheduler_app.models import DAYS

# A visit, session or availability must fall inside the waking day: nobody is sent to a
# child's home at midnight, and an interval never crosses midnight.
DAY_OPENS = dt.time(6, 0)
DAY_CLOSES = dt.time(22, 0)

_ZH_DAYS = ("一", "二", "三", "四", "五", "六", "日")
_EN_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_ALIASES: dict[str, int] = {}
for _i, (_key, _long) in enumerate(zip(DAYS, _EN_DAYS, strict=True)):
    DAY_ALIASES.update({_key: _i, _long: _i, str(_i + 1): _i})
    for _prefix in ("周", "星期", "礼拜"):
        DAY_ALIASES[_prefix + _ZH_DAYS[_i]] = _i
DAY_ALIASES.update({"周天": 6, "星期天": 6, "礼拜天": 6})


def week_start_of(day: dt.date) -> dt.date:
    """The Monday of the week holding that day."""
    return day - dt.timedelta(days=day.weekday())


def minutes_between(start: dt.time, end: dt.time) -> int:
    """Minutes from one time of day to a later one on the same day."""
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


LIST_SEPARATORS = re.compile(r"[;；,，、\n]+")
_INTERVAL = re.compile(r"^(?P<day>\S+?)\s*(?P<start>\d{1,2}[:：]\d{2})\s*[-–—~～至到]\s*(?P<end>\d{1,2}[:：]\d{2})$")


@dataclass(frozen=True, order=True)
class Interval:
    """A weekly interval: a day of the week (0 = Monday) and a start and end time on that day."""

    day_index: int
    start: dt.time
    end: dt.time

    @property
    def day(self) -> str:
        """The contract's day name."""
        return DAYS[self.day_index]


def day_label(day_index: int) -> str:
    """The day's short name in the user's language."""
    return (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))[day_index]


def parse_day(text: str) -> int:
    """A day index from a name in English or Chinese ("sat", "Saturday", "周六", "星期六"); ValueError if unknown."""
    key = text.strip().lower()
    if key not in DAY_ALIASES:
        raise ValueError(_("“%(text)s” is not a day of the week", text=text.strip()))
    return DAY_ALIASES[key]


def parse_days(text: str) -> list[int]:
    """Day indexes from a list such as "mon, wed" or "周一、周三", in week order, without repeats."""
    return sorted({parse_day(part) for part in LIST_SEPARATORS.split(text or "") if part.strip()})


def format_days(days: Iterable[int]) -> str:
    """Day indexes as a list in the user's language, e.g. "周一、周三" or "Mon, Wed"."""
    return _(", ").join(day_label(d) for d in sorted(days))


def parse_time(text: str) -> dt.time:
    """A time of day written HH:MM (a full-width colon is accepted); ValueError if not."""
    try:
        hours, minutes = text.replace("：", ":").split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(_("“%(text)s” is not a time (HH:MM)", text=text)) from None


def parse_intervals(text: str) -> list[Interval]:
    """Intervals from text such as "sat 09:00-12:00; 周日 14:00-17:00"; ValueError naming the bad part."""
    intervals = []
    for part in LIST_SEPARATORS.split(text or ""):
        part = part.strip()
        if not part:
            continue
        match = _INTERVAL.match(part)
        if match is None:
            raise ValueError(_("“%(part)s” is not a day and times such as “sat 09:00-12:00”", part=part))
        intervals.append(Interval(parse_day(match["day"]), parse_time(match["start"]), parse_time(match["end"])))
    return sorted(intervals)


def format_intervals(intervals: Iterable[Interval]) -> str:
    """Intervals as text in the user's language that ``parse_intervals`` reads back."""
    return "; ".join(f"{day_label(i.day_index)} {i.start:%H:%M}-{i.end:%H:%M}" for i in sorted(intervals))


def interval_problems(intervals: Iterable[Interval], one_per_day: bool = False) -> list[str]:
    """What is wrong with a set of weekly intervals: empty or reversed, outside the waking day, overlapping
    another interval on the same day, or (when ``one_per_day``) a second interval on a day."""
    problems = []
    by_day: dict[int, list[Interval]] = {}
    for interval in sorted(intervals):
        text = f"{day_label(interval.day_index)} {interval.start:%H:%M}-{interval.end:%H:%M}"
        if interval.start >= interval.end:
            problems.append(_("%(interval)s: the end must be after the start", interval=text))
        elif interval.start < DAY_OPENS or interval.end > DAY_CLOSES:
            problems.append(_("%(interval)s: must lie between %(opens)s and %(closes)s", interval=text,
                              opens=f"{DAY_OPENS:%H:%M}", closes=f"{DAY_CLOSES:%H:%M}"))
        same_day = by_day.setdefault(interval.day_index, [])
        if same_day and one_per_day:
            problems.append(_("%(interval)s: only one per day", interval=text))
        elif same_day and same_day[-1].end > interval.start:
            problems.append(_("%(interval)s: overlaps another interval that day", interval=text))
        same_day.append(interval)
    return problems
