"""The solver-free checker: every hard rule of the contract, and the four levels that rank rosters.

Used by the tests, by the command line (``python -m solver check``) and by the web app to check
an edit on the spot. It never calls OR-Tools.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from solver.instance import Instance, Interval
from solver.messages import DAY_IDS, Message
from solver.places import Geography, Place
from solver.roster import Roster, TutoringAssignment, Visit
from solver.timeutil import format_hhmm

TRAVEL_TOLERANCE_MIN = 1  # the contract allows 1 minute per leg for rounding
KM_TOLERANCE = 1e-6
SHORTFALL_WEIGHT_TUTOR = 2
LAST_MINUTE = 24 * 60 - 1  # 23:59: an interval ending at midnight is shown as ending then


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: its number in the contract and a message naming what broke it."""

    rule: int
    message: str

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> Message:
        """'rule N: message', translatable."""
        return Message("rule %(rule)d: %(message)s", rule=self.rule, message=self.message)


@dataclass(frozen=True)
class Levels:
    """The four levels of the contract's ranking, lower is better on each."""

    shortfall: float
    continuity: int
    travel_km: float
    fairness: float

    def as_tuple(self) -> tuple[float, int, float, float]:
        """For lexicographic comparison (travel rounded to metres to ignore float noise)."""
        return (self.shortfall, self.continuity, round(self.travel_km, 3), round(self.fairness, 9))


@dataclass(frozen=True)
class Shortfall:
    """What a roster leaves undone, computed from the instance."""

    visits: dict[str, int] = field(default_factory=dict)            # child → missing visits
    tutors: dict[tuple[str, str], int] = field(default_factory=dict)  # (site, day) → missing tutors
    subjects: frozenset[tuple[str, str, str]] = frozenset()          # (site, day, subject)


@dataclass(frozen=True)
class Report:
    """The checker's verdict: broken rules (empty when valid), the levels, and the true shortfall."""

    violations: tuple[Violation, ...]
    levels: Levels
    shortfall: Shortfall

    @property
    def ok(self) -> bool:
        """True when no hard rule is broken."""
        return not self.violations


Activity = TutoringAssignment | Visit


def _activities(roster: Roster) -> tuple[Activity, ...]:
    """The roster's tutoring, then its visits."""
    return (*roster.tutoring, *roster.visits)


def place_of(activity: Activity) -> Place:
    """Where an activity happens."""
    return ("site", activity.site) if isinstance(activity, TutoringAssignment) else ("child", activity.child)


def describe(activity: Activity) -> Message:
    """A short text naming an activity, e.g. 'V3 visit C2 sat 10:15–11:15'."""
    when = {"day": DAY_IDS[activity.day], "start": format_hhmm(activity.start), "end": format_hhmm(activity.end)}
    if isinstance(activity, TutoringAssignment):
        return Message("%(volunteer)s tutoring at %(site)s %(day)s %(start)s–%(end)s", volunteer=activity.volunteer,
                       site=activity.site, **when)
    return Message("%(volunteer)s visit %(child)s %(day)s %(start)s–%(end)s", volunteer=activity.volunteer,
                   child=activity.child, **when)


def holding_interval(intervals: tuple[Interval, ...], day: str, start: int, end: int) -> Interval | None:
    """The first availability interval on that day that contains [start, end)."""
    return next((i for i in intervals if i.day == day and i.contains(start, end)), None)


def runs_of_day(activities: list[Activity], intervals: tuple[Interval, ...]) -> list[tuple[Interval | None,
                                                                                          list[Activity]]]:
    """Split one volunteer's day (sorted by start) into runs: maximal sequences inside one availability interval."""
    runs: list[tuple[Interval | None, list[Activity]]] = []
    for act in activities:
        interval = holding_interval(intervals, act.day, act.start, act.end)
        if runs and runs[-1][0] == interval and interval is not None:
            runs[-1][1].append(act)
        else:
            runs.append((interval, [act]))
    return runs


def trip_km(geo: Geography, home: Place, places: list[Place]) -> float:
    """Road km of a trip: home → places in order → home."""
    stops = [home, *places, home]
    return sum(geo.km(a, b) for a, b in zip(stops, stops[1:], strict=False))


def compute_shortfall(instance: Instance, roster: Roster) -> Shortfall:
    """What is left undone: missing visits per child, missing tutors and uncovered subjects per session."""
    visits = Counter(v.child for v in roster.visits)
    missing_visits = {c.id: c.visits_per_week - visits[c.id] for c in instance.children
                      if visits[c.id] < c.visits_per_week}
    tutors: dict[tuple[str, str], set[str]] = defaultdict(set)
    for t in roster.tutoring:
        tutors[(t.site, t.day)].add(t.volunteer)
    missing_tutors: dict[tuple[str, str], int] = {}
    uncovered: set[tuple[str, str, str]] = set()
    for site in instance.sites:
        for session in site.sessions:
            need = instance.required_tutors(site, session.day)
            if need == 0:
                continue
            staff = tutors[(site.id, session.day)]
            if len(staff) < need:
                missing_tutors[(site.id, session.day)] = need - len(staff)
            taught = {s for v in staff if v in instance.volunteer_by_id for s in instance.volunteer_by_id[v].subjects}
            uncovered |= {(site.id, session.day, s) for s in instance.needed_subjects(site, session.day)
                          if s not in taught}
    return Shortfall(missing_visits, missing_tutors, frozenset(uncovered))


def shortfall_value(instance: Instance, shortfall: Shortfall) -> float:
    """Level 1: Σ priority × missing visits + 2 × Σ missing tutors + Σ uncovered subjects."""
    return (sum(instance.child_by_id[c].priority * n for c, n in shortfall.visits.items())
            + SHORTFALL_WEIGHT_TUTOR * sum(shortfall.tutors.values()) + len(shortfall.subjects))


def continuity_value(instance: Instance, roster: Roster) -> int:
    """Level 2: visits to a child with a primary volunteer made by someone else, plus pairs of
    ``previous`` (volunteer–site–day for tutoring, volunteer–child for visits) missing now, each once."""
    by_other = sum(1 for v in roster.visits
                   if v.child in instance.child_by_id
                   and instance.child_by_id[v.child].primary_volunteer not in (None, v.volunteer))
    now_tutoring = {(t.volunteer, t.site, t.day) for t in roster.tutoring}
    now_visits = {(v.volunteer, v.child) for v in roster.visits}
    prev_tutoring = {(p.volunteer, p.site, p.day) for p in instance.previous if p.kind == "tutoring"}
    prev_visits = {(p.volunteer, p.child) for p in instance.previous if p.kind == "visit"}
    return by_other + len(prev_tutoring - now_tutoring) + len(prev_visits - now_visits)


def volunteer_days(roster: Roster) -> dict[tuple[str, str], list[Activity]]:
    """Each volunteer's activities per day, sorted by start."""
    days: dict[tuple[str, str], list[Activity]] = defaultdict(list)
    for act in _activities(roster):
        days[(act.volunteer, act.day)].append(act)
    for acts in days.values():
        acts.sort(key=lambda a: (a.start, a.end))
    return days


def travel_value(instance: Instance, roster: Roster, geo: Geography | None = None) -> float:
    """Level 3: total road km, a trip per run: home → activities in time order → home."""
    geo = geo or Geography(instance)
    total = 0.0
    for (vid, _day), acts in volunteer_days(roster).items():
        volunteer = instance.volunteer_by_id.get(vid)
        if volunteer is None:
            continue
        known = [a for a in acts if geo.knows(place_of(a))]  # unknown ids are rule 1's to report
        for _interval, run in runs_of_day(known, volunteer.availability):
            total += trip_km(geo, geo.home(vid), [place_of(a) for a in run])
    return total


def fairness_value(instance: Instance, roster: Roster) -> float:
    """Level 4: the largest load share, (sessions + visits) / (max sessions + max visits) over the roles held."""
    load = Counter(a.volunteer for a in _activities(roster))
    best = 0.0
    for v in instance.volunteers:
        capacity = (v.max_sessions_per_week if v.is_tutor() else 0) + (v.max_visits_per_week if v.is_visitor() else 0)
        if capacity > 0 and load[v.id]:
            best = max(best, load[v.id] / capacity)
    return best


def levels(instance: Instance, roster: Roster, geo: Geography | None = None) -> Levels:
    """All four levels of a roster."""
    return Levels(shortfall=shortfall_value(instance, compute_shortfall(instance, roster)),
                  continuity=continuity_value(instance, roster),
                  travel_km=travel_value(instance, roster, geo), fairness=fairness_value(instance, roster))


def validate(instance: Instance, roster: Roster) -> Report:
    """Check every hard rule of the contract; return the violations, the levels and the true shortfall."""
    geo = Geography(instance)
    out: list[Violation] = []
    if roster.week_start != instance.week_start:
        out.append(Violation(1, Message("roster week %(roster)s is not the instance's week %(instance)s",
                                         roster=roster.week_start, instance=instance.week_start)))
    known = _check_references(instance, roster, out)
    _check_days(instance, known, geo, out)
    _check_distance(instance, known, geo, out)
    _check_load(instance, known, out)
    _check_children(instance, [a for a in known if isinstance(a, Visit)], out)
    _check_pins(instance, roster, out)
    shortfall = compute_shortfall(instance, roster)
    _check_unmet(roster, shortfall, out)
    report_levels = Levels(shortfall=shortfall_value(instance, shortfall),
                           continuity=continuity_value(instance, roster),
                           travel_km=travel_value(instance, roster, geo), fairness=fairness_value(instance, roster))
    return Report(tuple(out), report_levels, shortfall)


def _check_references(instance: Instance, roster: Roster, out: list[Violation]) -> list[Activity]:
    """Rule 1: ids exist, roles fit, tutoring matches a session exactly. Returns the activities that do."""
    known: list[Activity] = []
    for t in roster.tutoring:
        volunteer = instance.volunteer_by_id.get(t.volunteer)
        site = instance.site_by_id.get(t.site)
        if volunteer is None or site is None:
            out.append(Violation(1, Message("%(what)s: unknown volunteer or site", what=describe(t))))
            continue
        if not volunteer.is_tutor():
            out.append(Violation(1, Message("%(what)s: %(volunteer)s is not a tutor", what=describe(t),
                                                 volunteer=t.volunteer)))
            continue
        session = site.session_on(t.day)
        if session is None or (session.start, session.end) != (t.start, t.end):
            out.append(Violation(1, Message("%(what)s: site %(site)s holds no session at that time on %(day)s",
                                                 what=describe(t), site=t.site, day=DAY_IDS[t.day])))
            continue
        known.append(t)
    for v in roster.visits:
        volunteer = instance.volunteer_by_id.get(v.volunteer)
        if volunteer is None or v.child not in instance.child_by_id:
            out.append(Violation(1, Message("%(what)s: unknown volunteer or child", what=describe(v))))
            continue
        if not volunteer.is_visitor():
            out.append(Violation(1, Message("%(what)s: %(volunteer)s does not make home visits", what=describe(v),
                                                 volunteer=v.volunteer)))
            continue
        known.append(v)
    seen = Counter((t.volunteer, t.site, t.day) for t in roster.tutoring)
    out.extend(Violation(1, Message("%(volunteer)s tutors at %(site)s on %(day)s %(n)d times", volunteer=v,
                                           site=s, day=DAY_IDS[d], n=n)) for (v, s, d), n in seen.items() if n > 1)
    return known


def _check_days(instance: Instance, activities: list[Activity], geo: Geography, out: list[Violation]) -> None:
    """Rule 2: inside availability, no overlap, time to travel, leave and return home inside the interval."""
    days: dict[tuple[str, str], list[Activity]] = defaultdict(list)
    for a in activities:
        days[(a.volunteer, a.day)].append(a)
    for (vid, _day), acts in sorted(days.items()):
        acts.sort(key=lambda a: (a.start, a.end))
        volunteer = instance.volunteer_by_id[vid]
        home = geo.home(vid)
        for a in acts:
            if holding_interval(volunteer.availability, a.day, a.start, a.end) is None:
                out.append(Violation(2, Message("%(what)s: outside %(volunteer)s's availability", what=describe(a),
                                                     volunteer=vid)))
        for a, b in zip(acts, acts[1:], strict=False):
            if b.start < a.end:
                out.append(Violation(2, Message("%(a)s overlaps %(b)s", a=describe(a), b=describe(b))))
            elif b.start - a.end + TRAVEL_TOLERANCE_MIN < geo.minutes(place_of(a), place_of(b)):
                out.append(Violation(2, Message("%(a)s → %(b)s: %(minutes)d min of travel do not fit", a=describe(a),
                                                     b=describe(b), minutes=geo.minutes(place_of(a), place_of(b)))))
        for interval, run in runs_of_day(acts, volunteer.availability):
            if interval is None:
                continue
            first, last = run[0], run[-1]
            if first.start - geo.minutes(home, place_of(first)) + TRAVEL_TOLERANCE_MIN < interval.start:
                out.append(Violation(2, Message("%(what)s: %(volunteer)s would leave home before %(time)s",
                                                     what=describe(first), volunteer=vid,
                                                     time=format_hhmm(interval.start))))
            if last.end + geo.minutes(place_of(last), home) - TRAVEL_TOLERANCE_MIN > interval.end:
                out.append(Violation(2, Message("%(what)s: %(volunteer)s would be home after %(time)s",
                                                     what=describe(last), volunteer=vid,
                                                     time=format_hhmm(min(interval.end, LAST_MINUTE)))))


def _check_distance(instance: Instance, activities: list[Activity], geo: Geography, out: list[Violation]) -> None:
    """Rule 3: every activity is within the volunteer's max_km of home."""
    for a in activities:
        volunteer = instance.volunteer_by_id[a.volunteer]
        km = geo.km(geo.home(a.volunteer), place_of(a))
        if km > volunteer.max_km + KM_TOLERANCE:
            out.append(Violation(3, Message("%(what)s: %(km).2f km from home, more than %(limit)s km",
                                                 what=describe(a), km=km, limit=f"{volunteer.max_km:g}")))


def _check_load(instance: Instance, activities: list[Activity], out: list[Violation]) -> None:
    """Rule 4: sessions per week, visits per week and visits per day within each volunteer's limits."""
    sessions = Counter(a.volunteer for a in activities if isinstance(a, TutoringAssignment))
    visits = Counter(a.volunteer for a in activities if isinstance(a, Visit))
    per_day = Counter((a.volunteer, a.day) for a in activities if isinstance(a, Visit))
    for vid, n in sorted(sessions.items()):
        cap = instance.volunteer_by_id[vid].max_sessions_per_week
        if n > cap:
            out.append(Violation(4, Message("%(volunteer)s has %(n)d sessions, more than max_sessions_per_week %(cap)d",
                                                 volunteer=vid, n=n, cap=cap)))
    for vid, n in sorted(visits.items()):
        cap = instance.volunteer_by_id[vid].max_visits_per_week
        if n > cap:
            out.append(Violation(4, Message("%(volunteer)s has %(n)d visits, more than max_visits_per_week %(cap)d",
                                                 volunteer=vid, n=n, cap=cap)))
    for (vid, day), n in sorted(per_day.items()):
        cap = instance.volunteer_by_id[vid].max_visits_per_day
        if n > cap:
            out.append(Violation(4, Message("%(volunteer)s has %(n)d visits on %(day)s, more than max_visits_per_day "
                                                 "%(cap)d", volunteer=vid, n=n, day=DAY_IDS[day], cap=cap)))


def _check_children(instance: Instance, visits: list[Visit], out: list[Violation]) -> None:
    """Rule 5: one visit per child a day, no more than needed, inside a window, the right length, trained if needed."""
    minutes = instance.settings.visit_minutes
    per_day = Counter((v.child, v.day) for v in visits)
    out.extend(Violation(5, Message("child %(child)s has %(n)d visits on %(day)s", child=c, n=n,
                                           day=DAY_IDS[d])) for (c, d), n in sorted(per_day.items()) if n > 1)
    per_week = Counter(v.child for v in visits)
    for cid, n in sorted(per_week.items()):
        need = instance.child_by_id[cid].visits_per_week
        if n > need:
            out.append(Violation(5, Message("child %(child)s has %(n)d visits, more than visits_per_week %(need)d",
                                                 child=cid, n=n, need=need)))
    for v in visits:
        child = instance.child_by_id[v.child]
        if v.end - v.start != minutes:
            out.append(Violation(5, Message("%(what)s: lasts %(length)d min, not %(minutes)d", what=describe(v),
                                                 length=v.end - v.start, minutes=minutes)))
        if holding_interval(child.visit_windows, v.day, v.start, v.end) is None:
            out.append(Violation(5, Message("%(what)s: outside child %(child)s's visit windows", what=describe(v),
                                                 child=v.child)))
        if child.needs_trained and not instance.volunteer_by_id[v.volunteer].trained:
            out.append(Violation(5, Message("%(what)s: child %(child)s needs a trained visitor", what=describe(v),
                                                 child=v.child)))


def _check_pins(instance: Instance, roster: Roster, out: list[Violation]) -> None:
    """Rule 6: every pin is in the roster; nothing forbidden is."""
    tutoring = {(t.volunteer, t.site, t.day) for t in roster.tutoring}
    visits = {(v.volunteer, v.child, v.day) for v in roster.visits}
    for ref in instance.pinned:
        present = (ref.volunteer, ref.target, ref.day) in (tutoring if ref.kind == "tutoring" else visits)
        if not present:
            out.append(Violation(6, Message("pinned %(what)s is not in the roster", what=ref.describe())))
    for ref in instance.forbidden:
        present = (ref.volunteer, ref.target, ref.day) in (tutoring if ref.kind == "tutoring" else visits)
        if present:
            out.append(Violation(6, Message("forbidden %(what)s is in the roster", what=ref.describe())))


def _check_unmet(roster: Roster, truth: Shortfall, out: list[Violation]) -> None:
    """Rule 7: unmet lists exactly what is left undone, nothing more, nothing less."""
    said_visits = {u.child: u.missing for u in roster.unmet.visits}
    said_tutors = {(u.site, u.day): u.missing for u in roster.unmet.tutors}
    said_subjects = {(u.site, u.day, u.subject) for u in roster.unmet.subjects}
    if len(said_visits) != len(roster.unmet.visits) or len(said_tutors) != len(roster.unmet.tutors):
        out.append(Violation(7, "unmet lists the same child or session twice"))
    for child in sorted(set(said_visits) | set(truth.visits)):
        if said_visits.get(child) != truth.visits.get(child):
            out.append(Violation(7, f"unmet visits for child {child}: says {said_visits.get(child, 0)}, "
                                    f"missing {truth.visits.get(child, 0)}"))
    for session in sorted(set(said_tutors) | set(truth.tutors)):
        if said_tutors.get(session) != truth.tutors.get(session):
            out.append(Violation(7, f"unmet tutors at {session[0]} on {session[1]}: says "
                                    f"{said_tutors.get(session, 0)}, missing {truth.tutors.get(session, 0)}"))
    for subject in sorted(said_subjects ^ set(truth.subjects)):
        state = "is covered" if subject in said_subjects else "is not listed"
        out.append(Violation(7, f"subject {subject[2]} at {subject[0]} on {subject[1]} {state}"))


def taking_over(instance: Instance, roster: Roster, activity: Activity,
                geo: Geography | None = None) -> dict[str, tuple[Violation, ...]]:
    """For every other volunteer of the activity's kind (tutor or visitor): the hard rules they would break by
    taking the activity over, with the rest of the roster as it is; an empty tuple means they can take it.

    Only the rules about the volunteer are checked (role, time, travel, reach, load, training); the roster's
    other rules do not change when only the volunteer does, and the edit itself is checked in full."""
    geo = geo or Geography(instance)
    tutoring = isinstance(activity, TutoringAssignment)
    theirs: dict[str, list[Activity]] = defaultdict(list)
    for a in _activities(roster):
        theirs[a.volunteer].append(a)
    verdicts: dict[str, tuple[Violation, ...]] = {}
    for volunteer in instance.volunteers:
        if volunteer.id == activity.volunteer or not (volunteer.is_tutor() if tutoring else volunteer.is_visitor()):
            continue
        moved = replace(activity, volunteer=volunteer.id)
        mine = [*theirs[volunteer.id], moved]
        alone = Roster(week_start=roster.week_start,
                       tutoring=tuple(a for a in mine if isinstance(a, TutoringAssignment)),
                       visits=tuple(a for a in mine if isinstance(a, Visit)))
        found: list[Violation] = []
        known = _check_references(instance, alone, found)
        _check_days(instance, known, geo, found)
        _check_distance(instance, [moved], geo, found)
        _check_load(instance, known, found)
        if isinstance(moved, Visit):  # not tutoring
            _check_children(instance, [moved], found)
        verdicts[volunteer.id] = tuple(found)
    return verdicts


def round_km(km: float) -> float:
    """Kilometres as reported in stats: two decimals."""
    return math.floor(km * 100 + 0.5) / 100
