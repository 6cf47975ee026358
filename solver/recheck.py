"""After a hand edit: check a roster against every hard rule and restate its unmet and levels exactly."""

from __future__ import annotations

from dataclasses import dataclass, replace

from solver.candidates import build_candidates
from solver.explain import Explainer
from solver.instance import Instance
from solver.places import Geography
from solver.roster import Roster, Unmet
from solver.validate import compute_shortfall, round_km, validate


@dataclass(frozen=True)
class Recheck:
    """The broken hard rules (empty when the roster is valid) and the roster with exact unmet and stats."""

    violations: tuple[str, ...]
    roster: Roster

    @property
    def ok(self) -> bool:
        """True when no hard rule is broken."""
        return not self.violations


def recheck(instance: Instance, roster: Roster) -> Recheck:
    """Whatever ``unmet`` the edited roster states is replaced by the exact, explained one; then every hard
    rule is checked and the four levels are recomputed into ``stats`` (status EDITED)."""
    geo = Geography(instance)
    shortfall = compute_shortfall(instance, roster)
    explainer = Explainer(instance, geo, build_candidates(instance, geo), list(roster.tutoring), list(roster.visits))
    visits, tutors, subjects = explainer.all(shortfall)
    restated = replace(roster, unmet=Unmet(tuple(visits), tuple(tutors), tuple(subjects)))
    report = validate(instance, restated)
    found = report.levels
    stats = {"status": "EDITED", "shortfall": found.shortfall, "continuity": found.continuity,
             "travel_km": round_km(found.travel_km), "fairness": round(found.fairness, 4)}
    return Recheck(violations=tuple(v.text for v in report.violations), roster=replace(restated, stats=stats))
