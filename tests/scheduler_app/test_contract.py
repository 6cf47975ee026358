"""The database becomes a valid roster-instance/1 for any week."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.contract.instance import ContractError, build_instance
from scheduler_app.extensions import db
from scheduler_app.models import Assignment, AssignmentKind, DateAway, Roster, RosterStatus, Week, WeekRule
from solver import parse_instance

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def week_world(make_org, make_site, make_volunteer, make_child):
    """A site, a tutor, a trained visitor and two children."""
    org = make_org(road_factor=1.4, speed_kmh=18.0, visit_minutes=45)
    site = make_site(org, "S1", days=(0, 2))
    tutor = make_volunteer(org, "T1", roles=("tutor",), availability=((0, "15:30", "19:00"), (2, "15:30", "19:00")),
                           subjects=["math"], max_sessions_per_week=2, max_visits_per_week=3)
    mother = make_volunteer(org, "M1", availability=((1, "18:00", "21:00"), (5, "08:30", "12:00")), trained=True,
                            max_visits_per_week=4, max_visits_per_day=2)
    c1 = make_child(org, "C1", site=site, attends=["mon", "wed"], subjects=["math"], visits_per_week=1,
                    risk_level=4, needs_trained=True, primary_volunteer=mother)
    c2 = make_child(org, "C2", windows=(), visits_per_week=0, home_lat=30.5, home_lon=114.9)
    return org, site, tutor, mother, c1, c2


def test_instance_reflects_the_database(app, week_world) -> None:
    """Settings, sites, children and volunteers appear with the contract's ids, fields and limits."""
    org, site, tutor, mother, c1, c2 = week_world
    doc = build_instance(org.id, MONDAY)
    inst = parse_instance(doc)
    assert doc["settings"] == {"visit_minutes": 45, "speed_kmh": 18.0, "road_factor": 1.4}
    assert [s.id for s in inst.sites] == ["S1"] and inst.sites[0].session_on("wed") is not None
    child = inst.child_by_id["C1"]
    assert child.site == "S1" and child.attends == ("mon", "wed") and child.priority == 4
    assert child.needs_trained and child.primary_volunteer == "M1"
    assert (child.lat, child.lon) == (c1.village.lat, c1.village.lon)  # no precise point: the village's
    assert inst.child_by_id["C2"].lat == 30.5  # a precise home point wins
    t = inst.volunteer_by_id["T1"]
    assert t.roles == ("tutor",) and t.subjects == ("math",) and t.max_sessions_per_week == 2
    assert t.max_visits_per_week == 0  # a tutor-only volunteer makes no visits, whatever the record says
    m = inst.volunteer_by_id["M1"]
    assert m.trained and m.max_visits_per_day == 2 and len(m.availability) == 2


def test_dates_away_remove_that_weeks_availability_only(app, week_world) -> None:
    """A volunteer away on Saturday of this week has no Saturday availability this week, but has it next week."""
    org, site, tutor, mother, c1, c2 = week_world
    mother.dates_away.append(DateAway(first_day=MONDAY + dt.timedelta(days=5), last_day=MONDAY + dt.timedelta(days=6),
                                      reason="探亲"))
    db.session.commit()
    this_week = parse_instance(build_instance(org.id, MONDAY)).volunteer_by_id["M1"]
    next_week = parse_instance(build_instance(org.id, MONDAY + dt.timedelta(days=7))).volunteer_by_id["M1"]
    assert [a.day for a in this_week.availability] == ["tue"]
    assert sorted(a.day for a in next_week.availability) == ["sat", "tue"]


def test_a_stretch_away_removes_only_that_stretch_of_the_day(app, week_world) -> None:
    """Away on Saturday 09:00–10:30 of this week leaves her Saturday 08:30–09:00 and 10:30–12:00; whole days
    away elsewhere still remove the whole day; next week is untouched."""
    org, site, tutor, mother, c1, c2 = week_world
    saturday = MONDAY + dt.timedelta(days=5)
    mother.dates_away.append(DateAway(first_day=saturday, last_day=saturday, start=dt.time(9), end=dt.time(10, 30),
                                      reason="期中考试"))
    mother.dates_away.append(DateAway(first_day=MONDAY + dt.timedelta(days=1), last_day=MONDAY + dt.timedelta(days=1)))
    db.session.commit()
    entry = next(v for v in build_instance(org.id, MONDAY)["volunteers"] if v["id"] == "M1")
    assert entry["availability"] == [{"day": "sat", "start": "08:30", "end": "09:00"},
                                     {"day": "sat", "start": "10:30", "end": "12:00"}]
    next_week = parse_instance(build_instance(org.id, MONDAY + dt.timedelta(days=7))).volunteer_by_id["M1"]
    assert sorted(a.day for a in next_week.availability) == ["sat", "tue"]


def test_inactive_records_are_left_out(app, week_world) -> None:
    """Inactive volunteers and children are not in the week; a child's regular visitor who left becomes null."""
    org, site, tutor, mother, c1, c2 = week_world
    mother.active = False
    c2.active = False
    db.session.commit()
    inst = parse_instance(build_instance(org.id, MONDAY))
    assert set(inst.volunteer_by_id) == {"T1"} and set(inst.child_by_id) == {"C1"}
    assert inst.child_by_id["C1"].primary_volunteer is None


def test_pins_forbidden_and_previous_week(app, week_world) -> None:
    """The week's pins and forbidden pairs, and last week's published roster, are carried over."""
    org, site, tutor, mother, c1, c2 = week_world
    week = Week(organisation_id=org.id, start_date=MONDAY)
    week.rules = [WeekRule(rule="pinned", kind=AssignmentKind.VISIT, volunteer=mother, child=c1, day_index=5),
                  WeekRule(rule="forbidden", kind=AssignmentKind.TUTORING, volunteer=tutor, site=site, day_index=2)]
    last = Week(organisation_id=org.id, start_date=MONDAY - dt.timedelta(days=7))
    published = Roster(week=last, status=RosterStatus.PUBLISHED)
    published.assignments = [
        Assignment(kind=AssignmentKind.VISIT, volunteer=mother, child=c1, day_index=1,
                   start=dt.time(18, 30), end=dt.time(19, 15)),
        Assignment(kind=AssignmentKind.TUTORING, volunteer=tutor, site=site, day_index=0,
                   start=dt.time(16, 30), end=dt.time(18, 0))]
    draft = Roster(week=last, status=RosterStatus.DRAFT)
    draft.assignments = [Assignment(kind=AssignmentKind.TUTORING, volunteer=tutor, site=site, day_index=2,
                                    start=dt.time(16, 30), end=dt.time(18, 0))]
    db.session.add_all([week, last, published, draft])
    db.session.commit()
    doc = build_instance(org.id, MONDAY)
    assert doc["pinned"] == [{"kind": "visit", "volunteer": "M1", "child": "C1", "day": "sat"}]
    assert doc["forbidden"] == [{"kind": "tutoring", "volunteer": "T1", "site": "S1", "day": "wed"}]
    assert doc["previous"] == [{"kind": "visit", "volunteer": "M1", "child": "C1", "day": "tue"},
                               {"kind": "tutoring", "volunteer": "T1", "site": "S1", "day": "mon"}]


def test_attendance_only_on_days_the_site_holds_sessions(app, week_world) -> None:
    """A child recorded as attending on a day the site is closed does not count for that day."""
    org, site, tutor, mother, c1, c2 = week_world
    c1.attends = ["mon", "fri"]
    db.session.commit()
    assert parse_instance(build_instance(org.id, MONDAY)).child_by_id["C1"].attends == ("mon",)


def test_week_must_start_on_monday(app, week_world) -> None:
    """Asking for a week that does not start on Monday is refused with a clear message."""
    org = week_world[0]
    with pytest.raises(ContractError, match="not a Monday"):
        build_instance(org.id, MONDAY + dt.timedelta(days=1))


def test_child_without_any_home_point_is_named(app, make_org, make_child) -> None:
    """A child with neither a home point nor a village cannot be placed; the error names the child."""
    org = make_org()
    child = make_child(org, "C9", home_lat=None, home_lon=None)
    assert child.village is None
    with pytest.raises(ContractError, match="child C9"):
        build_instance(org.id, MONDAY)


def test_other_organisations_are_not_in_the_week(app, week_world, make_org, make_child) -> None:
    """Only the organisation's own records make up its week."""
    other = make_org(name="另一个机构")
    make_child(other, "X1")
    inst = parse_instance(build_instance(week_world[0].id, MONDAY))
    assert "X1" not in inst.child_by_id
