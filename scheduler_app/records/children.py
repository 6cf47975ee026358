"""A child's record: fields as a coordinator's spreadsheet has them, and the rules a profile must obey."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler_app.models import DAYS, Child, LeftBehindType, VisitWindow, age_on
from scheduler_app.records.fields import (
    SUBJECTS,
    Choice,
    Choices,
    Date,
    Days,
    Field,
    Flag,
    Grade,
    Intervals,
    Lookups,
    Number,
    RecordSpec,
    Ref,
    Text,
)
from scheduler_app.weekly import Interval, format_days, interval_problems

GENDERS = {"F": _l("female"), "M": _l("male")}
LEFT_BEHIND = {LeftBehindType.BOTH.value: _l("both parents away"), LeftBehindType.FATHER.value: _l("father away"),
               LeftBehindType.MOTHER.value: _l("mother away"),
               LeftBehindType.SINGLE_PARENT.value: _l("single parent away"), LeftBehindType.OTHER.value: _l("other")}
# School starts the September a child is six (grade 1 at 6, grade g at g + 5). Rural children
# often start late or repeat a year, so up to three years older is accepted, one year younger.
SCHOOL_START_AGE = 5
YEARS_YOUNGER_ALLOWED = 1
YEARS_OLDER_ALLOWED = 3
CHILD_AGE_RANGE = (3, 18)

CHILD_FIELDS = (
    Field("code", _l("Code"), Text(64), required=True),
    Field("name", _l("Name"), Text(100), required=True),
    Field("gender", _l("Gender"), Choice(GENDERS)),
    Field("birth_date", _l("Birth date"), Date()),
    Field("grade", _l("Grade"), Grade(1, 12)),
    Field("school", _l("School"), Text(200)),
    Field("village_id", _l("Village"), Ref("village")),
    Field("home_lat", _l("Home latitude"), Number(-90, 90, whole=False)),
    Field("home_lon", _l("Home longitude"), Number(-180, 180, whole=False)),
    Field("guardian_name", _l("Guardian"), Text(100)),
    Field("guardian_relationship", _l("Guardian's relationship"), Text(50)),
    Field("guardian_phone", _l("Guardian's phone"), Text(50)),
    Field("left_behind_type", _l("Left-behind situation"), Choice(LEFT_BEHIND, default=LeftBehindType.BOTH.value)),
    Field("parents_work_place", _l("Parents work in"), Text(200)),
    Field("background", _l("Background"), Text(2000)),
    Field("academic_notes", _l("Academic needs"), Text(2000)),
    Field("site_id", _l("Site"), Ref("site")),
    Field("attends", _l("Attends on"), Days()),
    Field("subjects", _l("Needs help with"), Choices(SUBJECTS)),
    Field("visits_per_week", _l("Visits a week"), Number(0, 7), required=True),
    Field("visit_windows", _l("Visit windows"), Intervals()),
    Field("risk_level", _l("Risk level"), Number(1, 5), required=True),
    Field("needs_trained", _l("Needs a trained visitor"), Flag()),
    Field("primary_volunteer_id", _l("Regular visitor"), Ref("volunteer")),
    Field("active", _l("Active"), Flag()),
)


def read_child(child: Child) -> dict[str, Any]:
    """A child's record as values keyed like the fields."""
    return {
        "code": child.code, "name": child.name, "gender": child.gender or None, "birth_date": child.birth_date,
        "grade": child.grade, "school": child.school, "village_id": child.village_id, "home_lat": child.home_lat,
        "home_lon": child.home_lon, "guardian_name": child.guardian_name,
        "guardian_relationship": child.guardian_relationship, "guardian_phone": child.guardian_phone,
        "left_behind_type": LeftBehindType(child.left_behind_type).value,
        "parents_work_place": child.parents_work_place, "background": child.background,
        "academic_notes": child.academic_notes, "site_id": child.site_id,
        "attends": sorted(DAYS.index(d) for d in child.attends or []),
        "subjects": [s for s in SUBJECTS if s in (child.subjects or [])],
        "visits_per_week": child.visits_per_week,
        "visit_windows": sorted(Interval(w.day_index, w.start, w.end) for w in child.visit_windows),
        "risk_level": child.risk_level, "needs_trained": bool(child.needs_trained),
        "primary_volunteer_id": child.primary_volunteer_id, "active": bool(child.active),
    }


def child_rules(values: dict[str, Any], lookups: Lookups) -> dict[str, str]:
    """The rules across fields, each stated where it is checked."""
    errors: dict[str, str] = {}
    today = dt.date.today()
    birth, grade = values.get("birth_date"), values.get("grade")
    if birth is not None:
        age = age_on(birth, today)
        if birth > today:
            errors["birth_date"] = _("the birth date is in the future")
        elif not CHILD_AGE_RANGE[0] <= age <= CHILD_AGE_RANGE[1]:
            errors["birth_date"] = _("a child of %(age)d is outside the ages served (%(low)d to %(high)d)",
                                     age=age, low=CHILD_AGE_RANGE[0], high=CHILD_AGE_RANGE[1])
        elif grade is not None:
            # Grade g expects age g + 5 on 1 September of the current school year.
            school_year = today.year if today.month >= 9 else today.year - 1
            age_sept = age_on(birth, dt.date(school_year, 9, 1))
            low = grade + SCHOOL_START_AGE - YEARS_YOUNGER_ALLOWED
            high = grade + SCHOOL_START_AGE + YEARS_OLDER_ALLOWED
            if not low <= age_sept <= high:
                errors["grade"] = _("grade %(grade)d does not fit the birth date: the child was %(age)d on "
                                    "1 September, grade %(grade)d is for ages %(low)d to %(high)d",
                                    grade=grade, age=age_sept, low=low, high=high)
    lat, lon = values.get("home_lat"), values.get("home_lon")
    if (lat is None) != (lon is None):
        errors["home_lon" if lon is None else "home_lat"] = _("give both latitude and longitude, or neither")
    elif lat is None and values.get("village_id") is None:
        errors["village_id"] = _("give a village or a precise home point, so visits can be planned")
    site_id, attends = values.get("site_id"), values.get("attends") or []
    if attends and site_id is None:
        errors["attends"] = _("attendance days need a site")
    elif attends and site_id in lookups.sites:
        held = {s.day_index for s in lookups.sites[site_id].sessions}
        missing = [d for d in attends if d not in held]
        if missing:
            errors["attends"] = _("the site holds no session on %(days)s (it meets on %(held)s)",
                                  days=format_days(missing), held=format_days(held) or "—")
    windows = values.get("visit_windows") or []
    problems = interval_problems(windows)
    visits = values.get("visits_per_week") or 0
    if problems:
        errors["visit_windows"] = "; ".join(problems)
    elif visits > len({w.day_index for w in windows}):
        # The contract allows one visit per child a day, so each visit needs a window on its own day.
        errors["visit_windows"] = _("%(visits)d visits a week need visit windows on at least %(visits)d days",
                                    visits=visits)
    primary = values.get("primary_volunteer_id")
    if primary is not None and primary in lookups.volunteers:
        volunteer = lookups.volunteers[primary]
        if not volunteer.is_visitor or not volunteer.active:
            errors["primary_volunteer_id"] = _("%(code)s is not an active home visitor", code=volunteer.code)
        elif values.get("needs_trained") and not volunteer.trained:
            errors["primary_volunteer_id"] = _("this child needs a trained visitor; %(code)s is not trained",
                                               code=volunteer.code)
    return errors


def apply_child(child: Child, changes: dict[str, Any], lookups: Lookups) -> None:
    """Write changed values onto the record."""
    for key, value in changes.items():
        if key == "attends":
            child.attends = [DAYS[d] for d in sorted(value)]
        elif key == "visit_windows":
            child.visit_windows = [VisitWindow(day_index=i.day_index, start=i.start, end=i.end) for i in value]
        elif key == "left_behind_type":
            child.left_behind_type = LeftBehindType(value)
        elif key == "gender":
            child.gender = value or ""
        else:
            setattr(child, key, value)


CHILD = RecordSpec(name="child", fields=CHILD_FIELDS, natural_key=("code",), read=read_child, rules=child_rules,
                   apply=apply_child, model=Child)
