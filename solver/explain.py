"""Reasons a coordinator can act on, for every child and session the roster leaves short."""

from __future__ import annotations

from collections import Counter, defaultdict

from solver.candidates import Candidate
from solver.instance import Instance
from solver.messages import DAY_IDS, DAY_NAMES, Message, day_list, joined, listing, names
from solver.places import Geography, Place
from solver.roster import TutoringAssignment, UnmetSubject, UnmetTutors, UnmetVisits, Visit
from solver.timeutil import format_hhmm
from solver.validate import Shortfall

SUBJECTS = {"chinese": Message("chinese"), "math": Message("math"), "english": Message("english")}


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
        self.child_days = defaultdict(set)  # the days each child is visited on (at most one visit a day)
        for v in visits:
            self.child_days[v.child].add(v.day)
        self.tutors_at = defaultdict(set)
        for t in tutoring:
            self.tutors_at[(t.site, t.day)].add(t.volunteer)
        self.forbidden = {f.slot for f in instance.forbidden}

    def _state(self, c: Candidate) -> tuple[str, str]:
        """Why a candidate was not used: (sort key, day) with key busy, daily or weekly."""
        v = self.instance.volunteer_by_id[c.volunteer]
        if c.kind == "visit":
            if self.visits[v.id] >= v.max_visits_per_week:
                return "weekly", ""
            if self.visits_day[(v.id, c.day)] >= v.max_visits_per_day:
                return "daily", c.day
        elif self.sessions[v.id] >= v.max_sessions_per_week:
            return "weekly", ""
        return "busy", ""

    def _blocked(self, cands: list[Candidate]) -> Message:
        """The candidates grouped by what keeps them away: booked already, or at a weekly or daily limit."""
        groups: dict[tuple[str, str], set[str]] = defaultdict(set)
        for c in cands:
            groups[self._state(c)].add(c.volunteer)
        parts = []
        for (state, day), vids in sorted(groups.items()):
            who, one = names(vids), len(vids) == 1
            if state == "busy":
                parts.append(Message("%(who)s is already booked at those times", who=who) if one else
                             Message("%(who)s are already booked at those times", who=who))
            elif state == "weekly":
                parts.append(Message("%(who)s is at their weekly limit", who=who) if one else
                             Message("%(who)s are at their weekly limit", who=who))
            else:
                parts.append(Message("%(who)s is at their daily limit on %(day)s", who=who, day=DAY_NAMES[day])
                             if one else
                             Message("%(who)s are at their daily limit on %(day)s", who=who, day=DAY_NAMES[day]))
        return joined(parts)

    def _kept_out(self, kind: str, groups: dict[str, list[str]]) -> Message:
        """Volunteers within reach who still cannot come, grouped by why: not free then, a weekly limit of zero,
        or a forbidden pair (the coordinator's own settings, named so she does not look for a free afternoon)."""
        parts = []
        if ids := groups.get("free"):
            parts.append(Message("%(who)s is not free then", who=names(ids)) if len(ids) == 1 else
                         Message("%(who)s are not free then", who=names(ids)))
        if (ids := groups.get("none")) and kind == "visit":
            parts.append(Message("%(who)s takes no visits this week", who=names(ids)) if len(ids) == 1 else
                         Message("%(who)s take no visits this week", who=names(ids)))
        elif ids:
            parts.append(Message("%(who)s takes no sessions this week", who=names(ids)) if len(ids) == 1 else
                         Message("%(who)s take no sessions this week", who=names(ids)))
        if ids := groups.get("barred"):
            parts.append(Message("%(who)s is ruled out here (declined, or kept apart by the coordinator)",
                                 who=names(ids)) if len(ids) == 1 else
                         Message("%(who)s are ruled out here (declined, or kept apart by the coordinator)",
                                 who=names(ids)))
        return joined(parts)

    def _nearest(self, role: str, point: Place, trained_only: bool = False) -> Message | None:
        """The nearest volunteer of a role to a place, with the distance and their reach."""
        best = None
        for v in self.instance.volunteers:
            if role not in v.roles or (trained_only and not v.trained):
                continue
            km = self.geo.km(self.geo.home(v.id), point)
            if best is None or km < best[0]:
                best = (km, v)
        if best is None:
            return None
        km, v = best
        return Message("nearest: %(volunteer)s, %(km).1f km away, reach %(reach)s km", volunteer=v.id, km=km,
                       reach=f"{v.max_km:g}")

    def child(self, child_id: str, missing: int) -> UnmetVisits:
        """Why a child misses visits: no windows, nobody within reach, nobody free then, or who could come
        and what keeps each of them away."""
        child = self.instance.child_by_id[child_id]
        cands = self.by_target[("visit", child_id)]
        windows = listing(Message("%(day)s %(start)s–%(end)s", day=DAY_IDS[w.day], start=format_hhmm(w.start),
                                  end=format_hhmm(w.end)) for w in child.visit_windows) if child.visit_windows else ""
        point = ("child", child_id)
        if not child.visit_windows:
            reason = Message("the child has no visit windows")
        elif not cands:
            in_reach = [v for v in self.instance.volunteers if v.is_visitor()
                        and (v.trained or not child.needs_trained)
                        and self.geo.km(self.geo.home(v.id), point) <= v.max_km]
            if not in_reach:
                nearest = self._nearest("visitor", point, child.needs_trained)
                reason = (Message("no trained visitor lives within reach of the child's home") if child.needs_trained
                          else Message("no visitor lives within reach of the child's home"))
                if nearest is not None:
                    reason = Message("%(reason)s (%(nearest)s)", reason=reason, nearest=nearest)
            else:
                window_days = {w.day for w in child.visit_windows}
                groups: dict[str, list[str]] = defaultdict(list)
                for v in in_reach:
                    if v.max_visits_per_week == 0 or v.max_visits_per_day == 0:
                        groups["none"].append(v.id)
                    elif all(("visit", v.id, child_id, day) in self.forbidden for day in window_days):
                        groups["barred"].append(v.id)
                    else:
                        groups["free"].append(v.id)
                if set(groups) == {"free"}:
                    who = names(v.id for v in in_reach)
                    reason = (Message("no trained visitor within reach (%(who)s) is free during the child's "
                                      "visit windows (%(windows)s)", who=who, windows=windows)
                              if child.needs_trained else
                              Message("no visitor within reach (%(who)s) is free during the child's visit windows "
                                      "(%(windows)s)", who=who, windows=windows))
                else:
                    why = self._kept_out("visit", groups)
                    reason = (Message("trained visitors within reach cannot come during the child's visit windows "
                                      "(%(windows)s): %(why)s", windows=windows, why=why) if child.needs_trained else
                              Message("visitors within reach cannot come during the child's visit windows "
                                      "(%(windows)s): %(why)s", windows=windows, why=why))
        elif not (free_days := [c for c in cands if c.day not in self.child_days[child_id]]):
            # Every day someone could come already has the child's one visit of the day.
            visited = day_list(sorted(self.child_days[child_id], key=list(DAY_NAMES).index))
            reason = Message("the child already has a visit on %(days)s, and a child is visited at most once a "
                             "day", days=visited)
        else:
            days = day_list(sorted({c.day for c in free_days}, key=list(DAY_NAMES).index))
            blocked = self._blocked(free_days)
            reason = (Message("trained visitors who could come on %(days)s: %(blocked)s", days=days, blocked=blocked)
                      if child.needs_trained else
                      Message("visitors who could come on %(days)s: %(blocked)s", days=days, blocked=blocked))
        return UnmetVisits(child=child_id, missing=missing, reason=reason)

    def session(self, site_id: str, day: str, missing: int) -> UnmetTutors:
        """Why a session lacks tutors: nobody can be there in time, the tutors there are the only ones free,
        or who else could come and what keeps each of them away."""
        site = self.instance.site_by_id[site_id]
        need = self.instance.required_tutors(site, day)
        attending = len(self.instance.attending(site, day))
        cands = [c for c in self.by_target[("tutoring", site_id)] if c.day == day]
        if attending == 1 and need == 1:
            head = Message("1 child needs a tutor")
        else:
            head = (Message("%(children)d children need %(need)d tutor", children=attending, need=need) if need == 1
                    else Message("%(children)d children need %(need)d tutors", children=attending, need=need))
        groups: dict[str, list[str]] = defaultdict(list)
        if not cands:
            for v in self.instance.volunteers:
                if not v.is_tutor() or self.geo.km(self.geo.home(v.id), ("site", site_id)) > v.max_km:
                    continue
                if v.max_sessions_per_week == 0:
                    groups["none"].append(v.id)
                elif ("tutoring", v.id, site_id, day) in self.forbidden:
                    groups["barred"].append(v.id)
        if not cands and groups:
            # Not "in time": tutors within reach are kept away by the coordinator's own settings.
            reason = Message("%(head)s; tutors within reach cannot come on %(day)s: %(why)s", head=head,
                             day=DAY_NAMES[day], why=self._kept_out("tutoring", groups))
        elif not cands:
            reason = Message("%(head)s; no tutor can be at the site in time on %(day)s", head=head,
                             day=DAY_NAMES[day])
            nearest = self._nearest("tutor", ("site", site_id))
            if nearest is not None:
                reason = Message("%(reason)s (%(nearest)s)", reason=reason, nearest=nearest)
        else:
            here = self.tutors_at[(site_id, day)]
            others = [c for c in cands if c.volunteer not in here]
            if here and not others:
                reason = (Message("%(head)s; %(who)s is the only tutor available on %(day)s", head=head,
                                  who=names(here), day=DAY_NAMES[day]) if len(here) == 1 else
                          Message("%(head)s; %(who)s are the only tutors available on %(day)s", head=head,
                                  who=names(here), day=DAY_NAMES[day]))
            else:
                reason = Message("%(head)s; other tutors who could come: %(blocked)s", head=head,
                                 blocked=self._blocked(others))
        return UnmetTutors(site=site_id, day=day, missing=missing, reason=reason)

    def subject(self, site_id: str, day: str, subject: str) -> UnmetSubject:
        """Why a needed subject is not covered at a session: nobody who teaches it is free and within
        reach, or who could and what keeps each of them away."""
        cands = [c for c in self.by_target[("tutoring", site_id)]
                 if c.day == day and subject in self.instance.volunteer_by_id[c.volunteer].subjects]
        if not cands:
            reason = Message("no tutor who teaches %(subject)s is available on %(day)s within reach of the site",
                             subject=SUBJECTS.get(subject, subject), day=DAY_NAMES[day])
        else:
            reason = Message("tutors who teach %(subject)s and could come: %(blocked)s",
                             subject=SUBJECTS.get(subject, subject), blocked=self._blocked(cands))
        return UnmetSubject(site=site_id, day=day, subject=subject, reason=reason)

    def all(self, shortfall: Shortfall) -> tuple[list[UnmetVisits], list[UnmetTutors], list[UnmetSubject]]:
        """Explained unmet entries, in a stable order."""
        visits = [self.child(cid, n) for cid, n in sorted(shortfall.visits.items())]
        tutors = [self.session(s, d, n) for (s, d), n in sorted(shortfall.tutors.items())]
        subjects = [self.subject(s, d, subj) for s, d, subj in sorted(shortfall.subjects)]
        return visits, tutors, subjects
