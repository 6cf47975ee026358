"""Rule family 1 and the tutoring part of shortfall: tutors per session and subjects covered."""

from __future__ import annotations

from collections import defaultdict

from solver.backend import CpSatBackend, MipBackend, Var
from solver.candidates import Candidate
from solver.instance import Instance
from solver.variables import RosterVars

Backend = CpSatBackend | MipBackend


def add_session_rules(m: Backend, xs: RosterVars, instance: Instance,
                      sessions: list[tuple[str, str]]
                      ) -> tuple[dict[tuple[str, str], Var], dict[tuple[str, str, str], Var]]:
    """A tutor staffs a session at most once; a session lacks max(0, required − tutors) tutors,
    and a needed subject is uncovered unless one of its tutors teaches it.

    Returns (missing tutors per (site, day), uncovered literal per (site, day, subject)).
    """
    by_tutor_session: dict[tuple[str, str, str], list[Candidate]] = defaultdict(list)
    by_session: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for c in xs.candidates:
        if c.kind == "tutoring":
            by_tutor_session[(c.volunteer, c.target, c.day)].append(c)
            by_session[(c.target, c.day)].append(c)
    for cands in by_tutor_session.values():
        if len(cands) > 1:
            m.at_most_one([xs.take[c.index] for c in cands])
    missing: dict[tuple[str, str], Var] = {}
    uncovered: dict[tuple[str, str, str], Var] = {}
    for site_id, day in sessions:
        site = instance.site_by_id[site_id]
        need = instance.required_tutors(site, day)
        cands = by_session[(site_id, day)]
        gap = m.int_var(0, need, f"missing_tutors_{site_id}_{day}")
        m.add(gap >= need - xs.taken(cands))
        missing[(site_id, day)] = gap
        for subject in instance.needed_subjects(site, day):
            teachers = [c for c in cands if subject in instance.volunteer_by_id[c.volunteer].subjects]
            lit = m.bool_var(f"uncovered_{site_id}_{day}_{subject}")
            if teachers:
                m.at_least_one([lit, *(xs.take[c.index] for c in teachers)])
            else:
                m.add(lit == 1)
            uncovered[(site_id, day, subject)] = lit
    return missing, uncovered
