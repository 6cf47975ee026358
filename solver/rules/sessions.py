"""Rule family 1 and the tutoring part of shortfall: tutors per session and subjects covered."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from solver.instance import Instance
from solver.variables import RosterVars


def add_session_rules(model: cp_model.CpModel, xs: RosterVars, instance: Instance,
                      sessions: list[tuple[str, str]]) -> tuple[dict, dict]:
    """A tutor staffs a session at most once; a session lacks max(0, required − tutors) tutors,
    and a needed subject is uncovered unless one of its tutors teaches it.

    Returns (missing tutors per (site, day), uncovered literal per (site, day, subject)).
    """
    by_tutor_session: dict[tuple[str, str, str], list] = defaultdict(list)
    by_session: dict[tuple[str, str], list] = defaultdict(list)
    for c in xs.candidates:
        if c.kind == "tutoring":
            by_tutor_session[(c.volunteer, c.target, c.day)].append(c)
            by_session[(c.target, c.day)].append(c)
    for cands in by_tutor_session.values():
        if len(cands) > 1:
            model.AddAtMostOne(xs.take[c.index] for c in cands)
    missing: dict[tuple[str, str], cp_model.IntVar] = {}
    uncovered: dict[tuple[str, str, str], cp_model.IntVar] = {}
    for site_id, day in sessions:
        site = instance.site_by_id[site_id]
        need = instance.required_tutors(site, day)
        cands = by_session[(site_id, day)]
        gap = model.NewIntVar(0, need, f"missing_tutors_{site_id}_{day}")
        model.Add(gap >= need - xs.taken(cands))
        missing[(site_id, day)] = gap
        for subject in instance.needed_subjects(site, day):
            teachers = [c for c in cands if subject in instance.volunteer_by_id[c.volunteer].subjects]
            lit = model.NewBoolVar(f"uncovered_{site_id}_{day}_{subject}")
            if teachers:
                model.AddBoolOr([lit, *(xs.take[c.index] for c in teachers)])
            else:
                model.Add(lit == 1)
            uncovered[(site_id, day, subject)] = lit
    return missing, uncovered
