"""The figures behind the dashboard and the funders' report, read from published rosters and diaries.

Counting rules, in words:
- An activity was delivered when it is in a week's published roster, its day has come (up to today) and the
  volunteer did not decline it.
- What was required comes from the instance each published roster was made for: each child's visits a week,
  and the tutors each session needs. Visits are weekly, so a week only partly in the period counts for the
  share of its days that are.
- Hours served are the minutes of approved diary entries only.
- Beside what was planned, what was delivered is counted from facts: a visit delivered is a diary (handed in or
  approved) saying the visit took place; children tutored are those ticked present in a session's attendance;
  a session held counts when its attendance is recorded, and one with none recorded is listed, not counted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from scheduler_app.contract.roster import is_interview, is_interview_entry
from scheduler_app.extensions import db
from scheduler_app.history import Delivered, published_between, published_rosters
from scheduler_app.models import (
    AssignmentKind,
    Attendance,
    DiaryEntry,
    DiaryStatus,
    Roster,
    Site,
    Volunteer,
)
from scheduler_app.outreach import guardians_reached
from scheduler_app.schoolyear.attendance import HeldSession, sessions_held
from scheduler_app.weekly import week_start_of
from solver.instance import parse_instance
from solver.timeutil import DAYS

INACTIVE_WEEKS = 4     # a volunteer with no activity for this many weeks counts as inactive (turnover)
LOAD_WEEKS = 4         # the load chart counts the activities of the last this many weeks
DASHBOARD_WEEKS = 12   # weeks shown on the weekly charts
DASHBOARD_MONTHS = 12  # months shown on the hours chart
TOP_VOLUNTEERS = 15    # volunteers shown on the hours-by-volunteer chart


@dataclass
class Requirement:
    """What the published rosters of a period asked for (fractional where a week is partly in it)."""

    visits: float = 0.0
    interviews: float = 0.0  # social workers' family interviews, apart from the home visits
    tutor_places: int = 0
    primary: dict[str, str] = field(default_factory=dict)  # child code → primary volunteer code


def required(organisation_id: int, first_day: dt.date, last_day: dt.date) -> Requirement:
    """Visits and tutor places required by the published rosters' instances between the two days."""
    need = Requirement()
    first_week = week_start_of(first_day)
    for week_start, roster in published_rosters(organisation_id, first_week, last_day):
        need.visits += _visits_required(roster, week_start, first_day, last_day)
        need.interviews += _visits_required(roster, week_start, first_day, last_day, interviews=True)
        need.tutor_places += _places_required(roster, week_start, first_day, last_day)
    return need


def _days_in(week_start: dt.date, first_day: dt.date, last_day: dt.date) -> list[int]:
    return [i for i in range(7) if first_day <= week_start + dt.timedelta(days=i) <= last_day]


def _visits_required(roster: Roster, week_start: dt.date, first_day: dt.date, last_day: dt.date,
                     interviews: bool = False) -> float:
    share = len(_days_in(week_start, first_day, last_day)) / 7
    return share * sum(c.get("visits_per_week", 0) for c in roster.instance.get("children", [])
                       if is_interview_entry(c.get("id", "")) == interviews)


def _places_required(roster: Roster, week_start: dt.date, first_day: dt.date, last_day: dt.date) -> int:
    if not roster.instance:
        return 0
    instance = parse_instance(roster.instance)
    days = _days_in(week_start, first_day, last_day)
    return sum(instance.required_tutors(site, DAYS[i]) for site in instance.sites for i in days
               if site.session_on(DAYS[i]) is not None)


def delivered(organisation_id: int, first_day: dt.date, last_day: dt.date, today: dt.date) -> list[Delivered]:
    """The activities held between the two days, up to today."""
    last = min(last_day, today)
    if last < first_day:
        return []
    return [d for d in published_between(organisation_id, first_day, last) if d.held]


def approved_minutes(organisation_id: int, first_day: dt.date, last_day: dt.date) -> list[DiaryEntry]:
    """The approved diary entries served between the two days."""
    return list(db.session.execute(
        db.select(DiaryEntry).join(Volunteer, DiaryEntry.volunteer_id == Volunteer.id)
        .where(Volunteer.organisation_id == organisation_id, DiaryEntry.status == DiaryStatus.APPROVED,
               DiaryEntry.served_on >= first_day, DiaryEntry.served_on <= last_day)).scalars())


@dataclass(frozen=True)
class Facts:
    """What was delivered in a period, from the records of what happened (diaries and attendance)."""

    visits_took_place: int
    visits_not_held: int
    children_visited: int
    children_attended: int
    sessions_recorded: int
    unrecorded: tuple[HeldSession, ...]  # sessions held with no attendance recorded: listed, not counted

    def __post_init__(self) -> None:
        if min(self.visits_took_place, self.visits_not_held, self.children_visited, self.children_attended,
               self.sessions_recorded) < 0:
            raise ValueError("counts are never negative")


def facts(organisation_id: int, first_day: dt.date, last_day: dt.date, today: dt.date) -> Facts:
    """Visits that took place (by the diaries), children who came and sessions with attendance recorded (by the
    attendance rows), and the sessions held whose attendance is missing, between the two days up to today."""
    last = min(last_day, today)
    diaries = db.session.execute(
        db.select(DiaryEntry.child_id, DiaryEntry.took_place).join(Volunteer, DiaryEntry.volunteer_id == Volunteer.id)
        .where(Volunteer.organisation_id == organisation_id, DiaryEntry.child_id.is_not(None),
               DiaryEntry.status.in_([DiaryStatus.SUBMITTED, DiaryStatus.APPROVED]),
               DiaryEntry.served_on >= first_day, DiaryEntry.served_on <= last)).all()
    came = db.session.execute(
        db.select(Attendance.child_id).join(Site, Attendance.site_id == Site.id)
        .where(Site.organisation_id == organisation_id, Attendance.present, Attendance.held_on >= first_day,
               Attendance.held_on <= last)).scalars().all()
    held = sessions_held(organisation_id, first_day, last, today) if last >= first_day else []
    return Facts(visits_took_place=sum(1 for _, took in diaries if took),
                 visits_not_held=sum(1 for _, took in diaries if not took),
                 children_visited=len({child for child, took in diaries if took}),
                 children_attended=len(set(came)), sessions_recorded=sum(1 for h in held if h.recorded),
                 unrecorded=tuple(h for h in held if not h.recorded))


@dataclass(frozen=True)
class SiteLine:
    """One site's classroom in the period."""

    name: str
    sessions: int
    tutor_places: int
    children: int


@dataclass(frozen=True)
class Report:
    """What the organisation delivered in a period, for funders."""

    first_day: dt.date
    last_day: dt.date
    counted_to: dt.date  # activities after this day (today) have not happened yet
    children_visited: int
    visits_made: int
    visits_required: float
    children_tutored: int
    sessions_held: int
    tutor_places_staffed: int
    tutor_places_required: int
    volunteers_serving: int
    minutes_approved: int
    minutes_tutoring: int
    minutes_visits: int
    sites: list[SiteLine]
    delivered: Facts
    guardians_reached: int = 0  # guardians who came to a parenting-group session in the period
    # Social workers' family interviews, counted apart from the home visits above.
    interviews_made: int = 0
    interviews_required: float = 0.0
    children_interviewed: int = 0

    @property
    def visit_coverage(self) -> float | None:
        """Visits made over visits required."""
        return self.visits_made / self.visits_required if self.visits_required else None

    @property
    def interview_coverage(self) -> float | None:
        """Family interviews made over interviews required."""
        return self.interviews_made / self.interviews_required if self.interviews_required else None

    @property
    def tutor_coverage(self) -> float | None:
        """Tutor places staffed over places required."""
        return self.tutor_places_staffed / self.tutor_places_required if self.tutor_places_required else None


def period_report(organisation_id: int, first_day: dt.date, last_day: dt.date, today: dt.date | None = None
                  ) -> Report:
    """The report of a period: children served by programme, sessions held, visits made, approved hours and
    coverage (what was delivered over what the published rosters required, both counted up to today)."""
    today = today or dt.date.today()
    counted_to = min(last_day, today)
    held = delivered(organisation_id, first_day, last_day, today)
    need = required(organisation_id, first_day, counted_to) if counted_to >= first_day else Requirement()
    interviews = [d for d in held if is_interview(d.assignment)]
    visits = [d for d in held if d.assignment.kind == AssignmentKind.VISIT and not is_interview(d.assignment)]
    tutoring = [d for d in held if d.assignment.kind == AssignmentKind.TUTORING]
    sessions = {(d.assignment.site_id, d.day) for d in tutoring}
    # Children tutored: those attending a site on a day it held a session, per the roster's instance.
    tutored: set[str] = set()
    per_site: dict[int, dict] = defaultdict(lambda: {"name": "", "sessions": set(), "places": 0, "children": set()})
    instances: dict[dt.date, dict[str, list[dict]]] = {}
    for d in tutoring:
        site = d.assignment.site
        if site is None:  # a tutoring assignment always has its site
            continue
        line = per_site[site.id]
        line["name"], line["places"] = site.name, line["places"] + 1
        line["sessions"].add(d.day)
        if d.week_start not in instances:
            instances[d.week_start] = {"children": d.assignment.roster.instance.get("children", [])}
        for child in instances[d.week_start]["children"]:
            if child.get("site") == site.code and DAYS[d.assignment.day_index] in child.get("attends", []):
                tutored.add(child["id"])
                line["children"].add(child["id"])
    entries = approved_minutes(organisation_id, first_day, last_day)
    return Report(
        first_day=first_day, last_day=last_day, counted_to=counted_to,
        children_visited=len({d.assignment.child_id for d in visits}), visits_made=len(visits),
        visits_required=round(need.visits, 1), children_tutored=len(tutored), sessions_held=len(sessions),
        tutor_places_staffed=len(tutoring), tutor_places_required=need.tutor_places,
        guardians_reached=guardians_reached(organisation_id, first_day, counted_to),
        interviews_made=len(interviews), interviews_required=round(need.interviews, 1),
        children_interviewed=len({d.assignment.child_id for d in interviews}),
        volunteers_serving=len({d.assignment.volunteer_id for d in held}),
        minutes_approved=sum(e.minutes for e in entries),
        minutes_tutoring=sum(e.minutes for e in entries if e.child_id is None),
        minutes_visits=sum(e.minutes for e in entries if e.child_id is not None),
        sites=sorted((SiteLine(v["name"], len(v["sessions"]), v["places"], len(v["children"]))
                      for v in per_site.values()), key=lambda s: s.name),
        delivered=facts(organisation_id, first_day, last_day, today))


@dataclass(frozen=True)
class WeekFigures:
    """One published week on the dashboard."""

    week_start: dt.date
    visits_required: int
    visits_made: int
    places_required: int
    places_staffed: int
    continuity: float | None  # share of visits made by the child's regular visitor
    visits_delivered: int = 0  # by the diaries saying the visit took place
    sessions_recorded: int = 0  # sessions whose attendance is recorded
    sessions_unrecorded: int = 0


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard draws."""

    weeks: list[WeekFigures]
    hours_by_month: list[tuple[str, float]]
    hours_by_volunteer: list[tuple[str, float]]
    load: list[tuple[str, int]]  # activities in the last LOAD_WEEKS weeks → how many volunteers
    inactive: list[tuple[Volunteer, dt.date | None]]  # active volunteers idle for INACTIVE_WEEKS weeks


def weekly_figures(organisation_id: int, today: dt.date, weeks: int = DASHBOARD_WEEKS) -> list[WeekFigures]:
    """Visits and tutor places required vs delivered, and continuity, for each published week up to this one."""
    monday = week_start_of(today)
    first = monday - dt.timedelta(weeks=weeks - 1)
    held = delivered(organisation_id, first, monday + dt.timedelta(days=6), today)
    by_week: dict[dt.date, list[Delivered]] = defaultdict(list)
    for d in held:
        by_week[d.week_start].append(d)
    figures = []
    for week_start, roster in published_rosters(organisation_id, first, monday):
        last = min(week_start + dt.timedelta(days=6), today)
        primary = {c["id"]: c.get("primary_volunteer") for c in roster.instance.get("children", [])}
        visits = [d for d in by_week[week_start]  # the interviews apart, as the required visits leave them out
                  if d.assignment.kind == AssignmentKind.VISIT and not is_interview(d.assignment)]
        regular = sum(1 for d in visits if d.assignment.child is not None  # a visit always has its child
                      and primary.get(d.assignment.child.code) == d.assignment.volunteer.code)
        done = facts(organisation_id, week_start, last, today)
        figures.append(WeekFigures(
            week_start=week_start, visits_required=round(_visits_required(roster, week_start, week_start, last)),
            visits_made=len(visits), places_required=_places_required(roster, week_start, week_start, last),
            places_staffed=sum(1 for d in by_week[week_start] if d.assignment.kind == AssignmentKind.TUTORING),
            continuity=regular / len(visits) if visits else None, visits_delivered=done.visits_took_place,
            sessions_recorded=done.sessions_recorded, sessions_unrecorded=len(done.unrecorded)))
    return figures


def dashboard(organisation_id: int, today: dt.date | None = None) -> Dashboard:
    """The dashboard's figures: weekly coverage and continuity, approved hours by month and by volunteer,
    the spread of load across volunteers, and who has gone quiet."""
    today = today or dt.date.today()
    month_start = dt.date(today.year, today.month, 1)
    index = month_start.year * 12 + month_start.month - 1 - (DASHBOARD_MONTHS - 1)
    first_month = dt.date(index // 12, index % 12 + 1, 1)
    entries = approved_minutes(organisation_id, first_month, today)
    by_month: Counter[str] = Counter()
    by_volunteer: Counter[str] = Counter()
    for e in entries:
        by_month[f"{e.served_on:%Y-%m}"] += e.minutes
        by_volunteer[e.volunteer.name] += e.minutes
    months = []
    cursor = first_month
    while cursor <= month_start:
        months.append((f"{cursor:%Y-%m}", round(by_month[f"{cursor:%Y-%m}"] / 60, 1)))
        cursor = dt.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    volunteers = list(db.session.execute(db.select(Volunteer).where(
        Volunteer.organisation_id == organisation_id, Volunteer.active).order_by(Volunteer.code)).scalars())
    monday = week_start_of(today)
    recent = delivered(organisation_id, monday - dt.timedelta(weeks=LOAD_WEEKS - 1), today, today)
    per_volunteer = Counter(d.assignment.volunteer_id for d in recent)
    spread = Counter(min(per_volunteer[v.id], 8) for v in volunteers)
    load = [(str(n) if n < 8 else "8+", spread[n]) for n in range(9)]
    return Dashboard(
        weeks=weekly_figures(organisation_id, today),
        hours_by_month=months,
        hours_by_volunteer=[(name, round(m / 60, 1)) for name, m in by_volunteer.most_common(TOP_VOLUNTEERS)],
        load=load, inactive=inactive_volunteers(organisation_id, today, volunteers))


def inactive_volunteers(organisation_id: int, today: dt.date, volunteers: list[Volunteer]
                        ) -> list[tuple[Volunteer, dt.date | None]]:
    """Active volunteers with no activity held and no diary for INACTIVE_WEEKS weeks, with their last day of
    service (None if never), longest idle first."""
    last: dict[int, dt.date] = {}
    oldest = today - dt.timedelta(weeks=52)
    for d in delivered(organisation_id, oldest, today, today):
        last[d.assignment.volunteer_id] = max(d.day, last.get(d.assignment.volunteer_id, d.day))
    rows = db.session.execute(db.select(DiaryEntry.volunteer_id, db.func.max(DiaryEntry.served_on))
                              .join(Volunteer, DiaryEntry.volunteer_id == Volunteer.id)
                              .where(Volunteer.organisation_id == organisation_id)
                              .group_by(DiaryEntry.volunteer_id)).all()
    for volunteer_id, day in rows:
        last[volunteer_id] = max(day, last.get(volunteer_id, day))
    cutoff = today - dt.timedelta(weeks=INACTIVE_WEEKS)
    idle = [(v, last.get(v.id)) for v in volunteers if last.get(v.id) is None or last[v.id] < cutoff]
    return sorted(idle, key=lambda pair: pair[1] or dt.date.min)
