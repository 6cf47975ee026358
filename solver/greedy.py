"""The greedy baseline: what a coordinator does by hand. Most urgent child first, nearest free volunteer.

Also used to give CP-SAT a first feasible roster to improve on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from solver.candidates import Candidate
from solver.columns import RouteKey
from solver.instance import AssignmentRef, Child, Instance, Site
from solver.places import Geography
from solver.schedule import insert_into_run

Groups = dict[tuple[str, str, str], list[Candidate]]  # (kind, target, day) → candidates, nearest first


@dataclass
class GreedyState:
    """The roster being built: runs per (volunteer, interval) with their times, and the counts that limit it."""

    runs: dict[RouteKey, list[Candidate]] = field(default_factory=dict)
    times: dict[RouteKey, list[int]] = field(default_factory=dict)
    sessions: Counter[str] = field(default_factory=Counter)  # volunteer → sessions taken
    visits: Counter[str] = field(default_factory=Counter)  # volunteer → visits taken
    visits_day: Counter[tuple[str, str]] = field(default_factory=Counter)  # (volunteer, day) → visits
    child_days: set[tuple[str, str]] = field(default_factory=set)  # (child, day) visited
    child_visits: Counter[str] = field(default_factory=Counter)  # child → visits
    tutors: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))  # (site, day) → tutors

    def chosen(self) -> list[tuple[Candidate, int]]:
        """Every taken candidate with its start time."""
        return [(c, t) for key, run in self.runs.items() for c, t in zip(run, self.times[key], strict=True)]


def _fits_limits(instance: Instance, state: GreedyState, c: Candidate) -> bool:
    v = instance.volunteer_by_id[c.volunteer]
    if c.kind == "tutoring":
        return state.sessions[v.id] < v.max_sessions_per_week and v.id not in state.tutors[(c.target, c.day)]
    return (state.visits[v.id] < v.max_visits_per_week and state.visits_day[(v.id, c.day)] < v.max_visits_per_day
            and (c.target, c.day) not in state.child_days
            and state.child_visits[c.target] < instance.child_by_id[c.target].visits_per_week)


def try_take(instance: Instance, geo: Geography, state: GreedyState, c: Candidate) -> bool:
    """Take candidate c if the limits allow and it fits into the volunteer's run; True when taken."""
    if not _fits_limits(instance, state, c):
        return False
    key = (c.volunteer, c.interval)
    placed = insert_into_run(geo, geo.home(c.volunteer), state.runs.get(key, []), c)
    if placed is None:
        return False
    state.runs[key], state.times[key] = placed
    _count(state, c)
    return True


def state_of(chosen: Sequence[tuple[Candidate, int]]) -> GreedyState:
    """The greedy state of a roster already made (each run's activities with their starts)."""
    state = GreedyState()
    for c, t in sorted(chosen, key=lambda item: item[1]):
        key = (c.volunteer, c.interval)
        state.runs.setdefault(key, []).append(c)
        state.times.setdefault(key, []).append(t)
        _count(state, c)
    return state


def _count(state: GreedyState, c: Candidate) -> None:
    if c.kind == "tutoring":
        state.sessions[c.volunteer] += 1
        state.tutors[(c.target, c.day)].add(c.volunteer)
    else:
        state.visits[c.volunteer] += 1
        state.visits_day[(c.volunteer, c.day)] += 1
        state.child_days.add((c.target, c.day))
        state.child_visits[c.target] += 1


def greedy_roster(instance: Instance, geo: Geography, candidates: list[Candidate],
                  pins: tuple[AssignmentRef, ...] = (), preferred: Sequence[Candidate] = (),
                  start: GreedyState | None = None) -> GreedyState:
    """From ``start`` (a roster already made, or nothing): pins first; then last week's assignments that still fit
    (as a coordinator re-plans by hand); then the ``preferred`` candidates in their order (e.g. those an LP
    relaxation likes most); then children by priority (most urgent first) and sessions, nearest volunteer first."""
    state = start or GreedyState()
    by_group: Groups = defaultdict(list)
    for c in candidates:
        by_group[(c.kind, c.target, c.day)].append(c)
    for group in by_group.values():
        group.sort(key=lambda c: c.km_from_home)
    for ref in (*pins, *instance.previous):
        for c in by_group.get((ref.kind, ref.target, ref.day), []):
            if c.volunteer == ref.volunteer and try_take(instance, geo, state, c):
                break
    for c in preferred:
        try_take(instance, geo, state, c)
    urgent = sorted((c for c in instance.children if c.visits_per_week),
                    key=lambda c: (-c.priority, -c.visits_per_week, c.id))
    sessions = [(s, sess.day) for s in instance.sites for sess in s.sessions if instance.required_tutors(s, sess.day)]
    # Children at risk first, then the 4:30 classroom (a missing tutor weighs 2), then the others.
    for child in (c for c in urgent if c.priority >= 3):
        _visit_child(instance, geo, state, by_group, child)
    for site, day in sessions:
        _staff_session(instance, geo, state, by_group, site, day)
    for child in (c for c in urgent if c.priority < 3):
        _visit_child(instance, geo, state, by_group, child)
    return state


def _visit_child(instance: Instance, geo: Geography, state: GreedyState, by_group: Groups, child: Child) -> None:
    days = sorted({w.day for w in child.visit_windows})
    for day in days:
        if state.child_visits[child.id] >= child.visits_per_week:
            return
        for c in by_group.get(("visit", child.id, day), []):
            if try_take(instance, geo, state, c):
                break


def _staff_session(instance: Instance, geo: Geography, state: GreedyState, by_group: Groups, site: Site,
                   day: str) -> None:
    cands = by_group.get(("tutoring", site.id, day), [])
    need = instance.required_tutors(site, day)
    for subject in instance.needed_subjects(site, day):
        taught = {s for vid in state.tutors[(site.id, day)] for s in instance.volunteer_by_id[vid].subjects}
        if subject in taught:
            continue
        for c in cands:
            if subject in instance.volunteer_by_id[c.volunteer].subjects and try_take(instance, geo, state, c):
                break
    for c in cands:
        if len(state.tutors[(site.id, day)]) >= need:
            break
        try_take(instance, geo, state, c)
