"""Reasons a coordinator can act on, for every child and session the roster leaves short."""

from __future__ import annotations

from collections import Counter, defaultdict

from solver.candidates import Candidate
from solver.instance import Instance
from solver.places import Geography
from solver.roster import TutoringAssignment, UnmetSubject, UnmetTutors, UnmetVisits, Visit
from solver.timeutil import format_hhmm
from solver.validate import Shortfall

DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
             "sat": "Saturday", "sun": "Sunday"}
MAX_NAMED = 4


def _names(ids: list[str]) -> str:
    ids = sorted(ids)
    shown = ", ".join(ids[:MAX_NAMED])
    return shown + (f" and {len(ids) - MAX_NAMED} more" if len(ids) > MAX_NAMED else "")


class Explainer:
    """Explains shortfall from the unpruned candidates and the roster's loads."""

    def __init__(self, instance: Instance, geo: Geography, candidates: list[Candidate],
                 tutoring: list[TutoringAssignment], visits: list[Visit]):
        self.instance, self.geo = instance, geo
        self.by_target: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        for c in candidates:
            self.by_target[(c.kind, c.target)].append(c)
        self.sessions = Counter(t.volunteer for t in tutoring)
        self.visits = Counter(v.volunteer for v in visits)
        self.visits_day = Counter((v.volunteer, v.day) for v in visits)
        self.tutors_at = defaultdict(set)
        for t in tutoring:
            self.tutors_at[(t.site, t.day)].add(t.volunteer)

    def _state(self, c: Candidate) -> str:
        v = self.instance.volunteer_by_id[c.volunteer]
        if c.kind == "visit":
            if self.visits[v.id] >= v.max_visits_per_week:
                return "weekly limit"
            if self.visits_day[(v.id, c.day)] >= v.max_visits_per_day:
                return f"daily limit on {DAY_NAMES[c.day]}"
        elif self.sessions[v.id] >= v.max_sessions_per_week:
            return "weekly limit"
        return "busy"

    def _blocked(self, cands: list[Candidate]) -> str:
        groups: dict[str, set[str]] = defaultdict(set)
        for c in cands:
            groups[self._state(c)].add(c.volunteer)
        parts = []
        for state, vids in sorted(groups.items(), key=lambda kv: kv[0]):
            verb = "is" if len(vids) == 1 else "are"
            if state == "busy":
                parts.append(f"{_names(list(vids))} {verb} already booked at those times")
            else:
                parts.append(f"{_names(list(vids))} {verb} at their {state}")
        return "; ".join(parts)

    def _nearest(self, role: str, point, trained_only: bool = False) -> str:
        best = None
        for v in self.instance.volunteers:
            if role not in v.roles or (trained_only and not v.trained):
                continue
            km = self.geo.km(self.geo.home(v.id), point)
            if best is None or km < best[0]:
                best = (km, v)
        if best is None:
            return ""
        km, v = best
        return f" (nearest: {v.id}, {km:.1f} km away, reach {v.max_km:g} km)"

    def child(self, child_id: str, missing: int) -> UnmetVisits:
        """Why a child misses visits."""
        child = self.instance.child_by_id[child_id]
        cands = self.by_target[("visit", child_id)]
        windows = ", ".join(f"{w.day} {format_hhmm(w.start)}–{format_hhmm(w.end)}" for w in child.visit_windows)
        point = ("child", child_id)
        kind = "trained visitor" if child.needs_trained else "visitor"
        if not child.visit_windows:
            reason = "the child has no visit windows"
        elif not cands:
            in_reach = [v for v in self.instance.volunteers if v.is_visitor()
                        and (v.trained or not child.needs_trained)
                        and self.geo.km(self.geo.home(v.id), point) <= v.max_km]
            if not in_reach:
                reason = f"no {kind} lives within reach of the child's home" + self._nearest(
                    "visitor", point, child.needs_trained)
            else:
                reason = (f"no {kind} within reach ({_names([v.id for v in in_reach])}) is free "
                          f"during the child's visit windows ({windows})")
        else:
            days = sorted({c.day for c in cands}, key=lambda d: list(DAY_NAMES).index(d))
            reason = (f"{kind}s who could come on {', '.join(DAY_NAMES[d] for d in days)}: "
                      + self._blocked(cands))
        return UnmetVisits(child=child_id, missing=missing, reason=reason)

    def session(self, site_id: str, day: str, missing: int) -> UnmetTutors:
        """Why a session lacks tutors."""
        site = self.instance.site_by_id[site_id]
        need = self.instance.required_tutors(site, day)
        attending = len(self.instance.attending(site, day))
        cands = [c for c in self.by_target[("tutoring", site_id)] if c.day == day]
        head = f"{attending} children need {need} tutor{'s' if need > 1 else ''}"
        if not cands:
            reason = f"{head}; no tutor can be at the site in time on {DAY_NAMES[day]}" + self._nearest(
                "tutor", ("site", site_id))
        else:
            here = self.tutors_at[(site_id, day)]
            others = [c for c in cands if c.volunteer not in here]
            if here and not others:
                only = "is the only tutor" if len(here) == 1 else "are the only tutors"
                reason = f"{head}; {_names(list(here))} {only} available on {DAY_NAMES[day]}"
            else:
                reason = f"{head}; other tutors who could come: " + self._blocked(others)
        return UnmetTutors(site=site_id, day=day, missing=missing, reason=reason)

    def subject(self, site_id: str, day: str, subject: str) -> UnmetSubject:
        """Why a needed subject is not covered at a session."""
        cands = [c for c in self.by_target[("tutoring", site_id)]
                 if c.day == day and subject in self.instance.volunteer_by_id[c.volunteer].subjects]
        if not cands:
            reason = f"no tutor who teaches {subject} is available on {DAY_NAMES[day]} within reach of the site"
        else:
            reason = f"tutors who teach {subject} and could come: " + self._blocked(cands)
        return UnmetSubject(site=site_id, day=day, subject=subject, reason=reason)

    def all(self, shortfall: Shortfall) -> tuple[list, list, list]:
        """Explained unmet entries, in a stable order."""
        visits = [self.child(cid, n) for cid, n in sorted(shortfall.visits.items())]
        tutors = [self.session(s, d, n) for (s, d), n in sorted(shortfall.tutors.items())]
        subjects = [self.subject(s, d, subj) for s, d, subj in sorted(shortfall.subjects)]
        return visits, tutors, subjects
