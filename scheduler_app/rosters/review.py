"""What a coordinator reads off a roster: sessions staffed per site and day, each volunteer's week, and
what is left undone with the solver's reasons."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from scheduler_app.models import DAYS, Assignment, AssignmentKind, AssignmentStatus, Roster
from scheduler_app.solver_text import Naming, naming, say_stored
from solver.instance import parse_instance


@dataclass
class SessionCell:
    """One session of one site: tutors staffed against required, subjects needed and not covered."""

    staffed: int
    required: int
    tutors: list[str]
    children: int
    subjects_missing: list[str] = field(default_factory=list)

    @property
    def short(self) -> bool:
        """Fewer tutors than needed, or a subject nobody covers."""
        return self.staffed < self.required or bool(self.subjects_missing)


@dataclass(frozen=True)
class SiteRow:
    """A site with a cell for each day of the week (None where it holds no session)."""

    code: str
    name: str
    cells: list[SessionCell | None]


@dataclass(frozen=True)
class Unmet:
    """Something the roster leaves undone, with what is missing and the solver's reason."""

    what: str       # "visit" | "tutors" | "subject"
    target: str     # child or site name
    day: int | None
    missing: int
    subject: str
    reason: str


@dataclass(frozen=True)
class Certificate:
    """One level of a roster against what the solver proved no roster can beat (its bound, when it has one)."""

    value: float
    bound: float | None
    tolerance: float = 0.0  # km are rounded: a gap this small is no gap

    @property
    def gap(self) -> float | None:
        """How far the level is from the best possible; None without a bound."""
        if self.bound is None:
            return None
        gap = self.value - self.bound
        return 0.0 if gap <= self.tolerance else gap

    @property
    def best(self) -> bool:
        """True when no roster can do better on this level (given the levels before it)."""
        return self.gap == 0.0


@dataclass(frozen=True)
class Quality:
    """How good the roster is, level by level, in the solver's own proofs; ``kept_greedy`` lists why the
    optimiser kept its starting roster, when it did."""

    shortfall: Certificate | None
    continuity: Certificate | None
    travel: Certificate | None
    kept_greedy: tuple[str, ...] = ()


def quality(stats: dict) -> Quality:
    """The certificates a roster's stats hold: shortfall against its bound, continuity against the bound at that
    shortfall, travel against the bound at that continuity."""
    def certificate(value: str, bound: str, tolerance: float = 0.0) -> Certificate | None:
        if stats.get(value) is None:
            return None
        return Certificate(float(stats[value]), None if stats.get(bound) is None else float(stats[bound]), tolerance)

    return Quality(shortfall=certificate("shortfall", "shortfall_bound"),
                   continuity=certificate("continuity", "continuity_bound"),
                   travel=certificate("travel_km", "travel_km_bound", tolerance=0.5),
                   kept_greedy=tuple(stats.get("greedy_reasons") or ()))


@dataclass(frozen=True)
class Review:
    """A roster as the review page shows it."""

    days: list[int]
    sites: list[SiteRow]
    volunteers: list[tuple[str, str, list[Assignment]]]
    unmet: list[Unmet]
    visits: int
    visits_needed: int
    visit_days: list[int]
    children: list[tuple[str, str, int, list[Assignment]]]  # code, name, visits needed, visits planned
    quality: Quality


def review(roster: Roster) -> Review:
    """Build the review of a roster from its assignments and the instance it was made for."""
    instance = parse_instance(roster.instance)
    tutors: dict[tuple[str, int], list[str]] = defaultdict(list)  # by site code and day
    by_volunteer: dict[int, list[Assignment]] = defaultdict(list)
    for a in sorted(roster.assignments, key=lambda a: (a.day_index, a.start)):
        by_volunteer[a.volunteer_id].append(a)
        if a.kind == AssignmentKind.TUTORING and a.status != AssignmentStatus.DECLINED:  # she will not come
            tutors[(a.tutoring_site.code, a.day_index)].append(a.volunteer.name)
    missing_subjects = defaultdict(list)
    for item in roster.unmet.get("subjects", []):
        missing_subjects[(item["site"], item["day"])].append(item["subject"])
    rows = []
    days = sorted({DAYS.index(s.day) for site in instance.sites for s in site.sessions})
    for site in instance.sites:
        cells: list[SessionCell | None] = []
        for day_index in days:
            day = DAYS[day_index]
            if site.session_on(day) is None:
                cells.append(None)
                continue
            staffed_by = tutors.get((site.id, day_index), [])
            cells.append(SessionCell(staffed=len(staffed_by), required=instance.required_tutors(site, day),
                                     tutors=staffed_by,
                                     children=len(instance.attending(site, day)),
                                     subjects_missing=missing_subjects.get((site.id, day), [])))
        rows.append(SiteRow(site.id, site.name, cells))
    names = {c.id: c.name for c in instance.children} | {s.id: s.name for s in instance.sites}
    name, short = naming(roster.instance or {}), roster.unmet

    def why(kind: str, i: int, item: dict) -> str:
        return unmet_reason(roster, kind, i, item["reason"], name)

    unmet = [Unmet("visit", names.get(u["child"], u["child"]), None, u["missing"], "", why("visits", i, u))
             for i, u in enumerate(short.get("visits", []))]
    unmet += [Unmet("tutors", names.get(u["site"], u["site"]), DAYS.index(u["day"]), u["missing"], "",
                    why("tutors", i, u)) for i, u in enumerate(short.get("tutors", []))]
    unmet += [Unmet("subject", names.get(u["site"], u["site"]), DAYS.index(u["day"]), 0, u["subject"],
                    why("subjects", i, u)) for i, u in enumerate(short.get("subjects", []))]
    volunteers = sorted(((items[0].volunteer.code, items[0].volunteer.name, items)
                         for items in by_volunteer.values()), key=lambda row: row[0])
    visits = sum(1 for a in roster.assignments if a.kind == AssignmentKind.VISIT)
    planned: dict[str, list[Assignment]] = defaultdict(list)
    for a in sorted(roster.assignments, key=lambda a: (a.day_index, a.start)):
        if a.kind == AssignmentKind.VISIT:
            planned[a.visited_child.code].append(a)
    children = [(c.id, c.name, c.visits_per_week, planned.get(c.id, [])) for c in instance.children
                if c.visits_per_week or c.id in planned]
    return Review(days=days, sites=rows, volunteers=volunteers, unmet=unmet, visits=visits,
                  visits_needed=sum(c.visits_per_week for c in instance.children),
                  visit_days=sorted({a.day_index for a in roster.assignments if a.kind == AssignmentKind.VISIT}),
                  children=children, quality=quality(roster.stats or {}))


def unmet_reason(roster: Roster, kind: str, i: int, english: str, name: Naming | None = None) -> str:
    """The i-th unmet reason of a kind ("visits", "tutors", "subjects") in the reader's language, with names
    for codes (``name``, else the roster's own), or the stored English when the roster kept no reasons."""
    stored = (roster.unmet_reasons or {}).get(kind) or []
    return say_stored(stored[i] if i < len(stored) else None, english, name or naming(roster.instance or {}))


@dataclass(frozen=True)
class DeclineOutcome:
    """What a re-plan did with one declined assignment: who took the need over, or why nobody did."""

    declined: Assignment
    taken_by: tuple[Assignment, ...]  # the re-plan's new assignments meeting the same need
    reason: str                       # the solver's reason it stays undone, when nobody took it

    @property
    def covered(self) -> bool:
        """Someone else took the declined need over."""
        return bool(self.taken_by)


def decline_outcomes(base: Roster, replanned: Roster) -> list[DeclineOutcome]:
    """For each assignment declined in ``base``, what ``replanned`` (a re-plan of it) did: the session's new
    tutors that day, or the child's new visits that week (a visit may move to another day or time); when there
    are none, the solver's reason the session or the child stays short (empty when the need is met anyway)."""
    before = {(a.kind, a.volunteer_id, a.site_id, a.child_id, a.day_index) for a in base.assignments}
    new = [a for a in replanned.assignments if (a.kind, a.volunteer_id, a.site_id, a.child_id, a.day_index)
           not in before]
    unmet, name = replanned.unmet or {}, naming(replanned.instance or {})
    outcomes = []
    declined = (a for a in base.assignments if a.status == AssignmentStatus.DECLINED)
    for d in sorted(declined, key=lambda a: (a.day_index, a.start)):
        if d.kind == AssignmentKind.TUTORING:
            taken = tuple(a for a in new if a.site_id == d.site_id and a.day_index == d.day_index)
            kind, match = "tutors", {"site": d.tutoring_site.code, "day": DAYS[d.day_index]}
        else:
            taken = tuple(a for a in new if a.child_id == d.child_id)
            kind, match = "visits", {"child": d.visited_child.code}
        why = next((unmet_reason(replanned, kind, i, u["reason"], name) for i, u in enumerate(unmet.get(kind, []))
                    if all(u.get(k) == v for k, v in match.items())), "")
        outcomes.append(DeclineOutcome(d, taken, "" if taken else why))
    return outcomes


@dataclass(frozen=True)
class SheetSession:
    """One session on a site's printed sheet: its date and times, and who comes (none: the site should know)."""

    day: dt.date
    times: str
    cell: SessionCell


@dataclass(frozen=True)
class SiteSheet:
    """A site's printed sheet: every session of its week, staffed or not."""

    name: str
    sessions: list[SheetSession]


def site_sheets(roster: Roster) -> list[SiteSheet]:
    """The sheet of each site of the roster's week, with the sessions nobody comes to (the site learns of them)."""
    seen = review(roster)
    monday = roster.week.start_date
    times = {(s["id"], x["day"]): f"{x['start']}–{x['end']}" for s in roster.instance.get("sites", [])
             for x in s["sessions"]}
    return [SiteSheet(row.name, [SheetSession(monday + dt.timedelta(days=d), times.get((row.code, DAYS[d]), ""), cell)
                                 for d, cell in zip(seen.days, row.cells, strict=True) if cell is not None])
            for row in seen.sites]
