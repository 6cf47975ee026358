"""A volunteer's record: roles, reach, training, load limits and weekly availability, and its rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler_app.models import Availability, Volunteer
from scheduler_app.records.children import GENDERS
from scheduler_app.records.fields import (
    SUBJECTS,
    Choice,
    Choices,
    Date,
    Field,
    Flag,
    Intervals,
    Lookups,
    Number,
    RecordSpec,
    Ref,
    Text,
)
from scheduler_app.weekly import Interval, interval_problems

ROLES = {"tutor": _l("tutor"), "visitor": _l("home visitor")}
# Reach and load limits a coordinator can set; wider values are typing mistakes, not volunteers.
MAX_REACH_KM = 100
MAX_SESSIONS_PER_WEEK = 7
MAX_VISITS_PER_WEEK = 30
MAX_VISITS_PER_DAY = 10

VOLUNTEER_FIELDS = (
    Field("code", _l("Code"), Text(64), required=True),
    Field("name", _l("Name"), Text(100), required=True),
    Field("gender", _l("Gender"), Choice(GENDERS)),
    Field("phone", _l("Phone"), Text(50)),
    Field("roles", _l("Roles"), Choices(ROLES), required=True),
    Field("affiliation", _l("Affiliation"), Text(200)),
    Field("village_id", _l("Village"), Ref("village")),
    Field("home_lat", _l("Home latitude"), Number(-90, 90, whole=False)),
    Field("home_lon", _l("Home longitude"), Number(-180, 180, whole=False)),
    Field("subjects", _l("Subjects"), Choices(SUBJECTS)),
    Field("trained", _l("Trained"), Flag()),
    Field("trained_since", _l("Trained since"), Date()),
    Field("max_km", _l("Reach (km)"), Number(0, MAX_REACH_KM, whole=False), required=True),
    Field("max_sessions_per_week", _l("Sessions a week at most"), Number(0, MAX_SESSIONS_PER_WEEK)),
    Field("max_visits_per_week", _l("Visits a week at most"), Number(0, MAX_VISITS_PER_WEEK)),
    Field("max_visits_per_day", _l("Visits a day at most"), Number(0, MAX_VISITS_PER_DAY)),
    Field("availability", _l("Availability"), Intervals()),
    Field("active", _l("Active"), Flag()),
)


def read_volunteer(volunteer: Volunteer) -> dict[str, Any]:
    """A volunteer's record as values keyed like the fields."""
    return {
        "code": volunteer.code, "name": volunteer.name, "gender": volunteer.gender or None,
        "phone": volunteer.phone, "roles": volunteer.roles, "affiliation": volunteer.affiliation,
        "village_id": volunteer.village_id, "home_lat": volunteer.home_lat, "home_lon": volunteer.home_lon,
        "subjects": [s for s in SUBJECTS if s in (volunteer.subjects or [])], "trained": bool(volunteer.trained),
        "trained_since": volunteer.trained_since, "max_km": volunteer.max_km,
        "max_sessions_per_week": volunteer.max_sessions_per_week,
        "max_visits_per_week": volunteer.max_visits_per_week, "max_visits_per_day": volunteer.max_visits_per_day,
        "availability": sorted(Interval(a.day_index, a.start, a.end) for a in volunteer.availability),
        "active": bool(volunteer.active),
    }


def volunteer_rules(values: dict[str, Any], lookups: Lookups) -> dict[str, str]:
    """The rules across fields, each stated where it is checked."""
    errors: dict[str, str] = {}
    roles = values.get("roles") or []
    lat, lon = values.get("home_lat"), values.get("home_lon")
    if (lat is None) != (lon is None):
        errors["home_lon" if lon is None else "home_lat"] = _("give both latitude and longitude, or neither")
    elif lat is None and values.get("village_id") is None:
        # Travel is measured from home (or campus): without a point no assignment can be planned.
        errors["village_id"] = _("give a village or a precise home point, so travel can be measured")
    since = values.get("trained_since")
    if since is not None and not values.get("trained"):
        errors["trained_since"] = _("a training date needs “trained” ticked")
    elif since is not None and since > dt.date.today():
        errors["trained_since"] = _("the training date is in the future")
    if "tutor" in roles and not values.get("max_sessions_per_week"):
        errors["max_sessions_per_week"] = _("a tutor needs at least one session a week")
    if "visitor" in roles:
        per_week, per_day = values.get("max_visits_per_week") or 0, values.get("max_visits_per_day") or 0
        if per_week == 0 or per_day == 0:
            errors["max_visits_per_week" if per_week == 0 else "max_visits_per_day"] = \
                _("a home visitor needs at least one visit a week and a day")
        elif per_day > per_week:
            errors["max_visits_per_day"] = _("more visits a day than a week")
    problems = interval_problems(values.get("availability") or [])
    if problems:
        errors["availability"] = "; ".join(problems)
    return errors


def apply_volunteer(volunteer: Volunteer, changes: dict[str, Any], lookups: Lookups) -> None:
    """Write changed values onto the record."""
    for key, value in changes.items():
        if key == "roles":
            volunteer.is_tutor, volunteer.is_visitor = "tutor" in value, "visitor" in value
        elif key == "availability":
            volunteer.availability = [Availability(day_index=i.day_index, start=i.start, end=i.end) for i in value]
        elif key == "gender":
            volunteer.gender = value or ""
        else:
            # An empty limit means none may be given: 0, as the contract reads it.
            setattr(volunteer, key, (value or 0) if key.startswith("max_") else value)


VOLUNTEER = RecordSpec(name="volunteer", fields=VOLUNTEER_FIELDS, natural_key=("code",), read=read_volunteer,
                       rules=volunteer_rules, apply=apply_volunteer, model=Volunteer)
