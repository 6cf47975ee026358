"""The checker: for each rule family a feasible case, an infeasible-by-one case and an edge case."""

from __future__ import annotations

import pytest

from solver import parse_instance, parse_roster
from solver.validate import validate


@pytest.fixture
def check(tiny_doc, tiny_roster_doc):
    """Builder: check the tiny example after edits of the instance and roster JSON; returns the report."""
    def run(edit_instance=None, edit_roster=None):
        inst, ros = tiny_doc(), tiny_roster_doc()
        if edit_instance:
            edit_instance(inst)
        if edit_roster:
            edit_roster(ros)
        return validate(parse_instance(inst), parse_roster(ros))
    return run


def rules(report) -> list[int]:
    """The rule numbers broken, sorted."""
    return sorted({v.rule for v in report.violations})


def test_contract_example_roster_is_valid_with_its_levels(check) -> None:
    """The contract's example roster passes every rule and has the levels it states."""
    report = check()
    assert report.ok, report.violations
    assert report.levels.shortfall == 4 and report.levels.continuity == 0
    assert round(report.levels.travel_km, 2) == 24.61 and report.levels.fairness == 1.0


def _visit(ros: dict, n: int, **fields) -> None:
    ros["visits"][n].update(fields)


# Rule 1: references and roles
def test_rule1_tutoring_must_match_the_session_times(check) -> None:
    """A tutoring assignment one minute off the session's times breaks rule 1."""
    report = check(edit_roster=lambda r: r["tutoring"][0].update(start="16:31"))
    assert 1 in rules(report)


def test_rule1_visit_by_a_tutor_only_volunteer(check) -> None:
    """A visit made by a volunteer without the visitor role breaks rule 1."""
    report = check(edit_roster=lambda r: _visit(r, 0, volunteer="V1"))
    assert rules(report)[0] == 1


def test_rule1_unknown_site_is_reported_not_crashed_on(check) -> None:
    """An id that does not exist is a violation with a message, not an exception."""
    report = check(edit_roster=lambda r: r["tutoring"][0].update(site="S9"))
    assert any("unknown volunteer or site" in v.message for v in report.violations)


# Rule 2: availability and travel
def test_rule2_travel_between_visits_with_one_minute_tolerance(check) -> None:
    """C1 → C2 takes 8 min: starting C2 at 10:07 is allowed (1 min tolerance), at 10:06 it is not."""
    ok = check(edit_roster=lambda r: _visit(r, 2, start="10:07", end="11:07"))
    assert 2 not in rules(ok)
    late = check(edit_roster=lambda r: _visit(r, 2, start="10:06", end="11:06"))
    assert 2 in rules(late)
    assert any("travel" in v.message for v in late.violations)


def test_rule2_back_home_inside_availability(check) -> None:
    """A Tuesday visit ending at 20:30 leaves time to get home by 21:00; one ending at 20:59 does not."""
    fine = check(edit_roster=lambda r: _visit(r, 0, start="19:30", end="20:30"))
    assert 2 not in rules(fine)
    late = check(edit_roster=lambda r: _visit(r, 0, start="19:29", end="20:29"),
                 edit_instance=lambda i: i["volunteers"][2]["availability"][0].update(end="20:30"))
    assert 2 in rules(late) and any("home after" in v.message for v in late.violations)


def test_rule2_overlapping_activities(check) -> None:
    """Two visits of one volunteer that overlap break rule 2."""
    report = check(edit_roster=lambda r: _visit(r, 2, start="09:30", end="10:30"))
    assert any("overlaps" in v.message for v in report.violations)


# Rule 3: distance
def test_rule3_reach_is_a_hard_limit(check) -> None:
    """V3 lives 1.498 road km from C2: a reach of 1.5 km is enough, 1.49 km is not."""
    ok = check(edit_instance=lambda i: i["volunteers"][2].update(max_km=1.5))
    assert 3 not in rules(ok)
    short = check(edit_instance=lambda i: i["volunteers"][2].update(max_km=1.49))
    assert 3 in rules(short)


# Rule 4: load
def test_rule4_daily_visit_limit(check) -> None:
    """Two Saturday visits are fine with a daily limit of 2 and break it at 1."""
    assert 4 not in rules(check())
    report = check(edit_instance=lambda i: i["volunteers"][2].update(max_visits_per_day=1))
    assert rules(report) == [4]


def test_rule4_absent_limit_counts_as_zero(check) -> None:
    """A tutor whose max_sessions_per_week is absent may staff no session."""
    report = check(edit_instance=lambda i: i["volunteers"][0].pop("max_sessions_per_week"))
    assert 4 in rules(report)


# Rule 5: children
def test_rule5_one_visit_per_child_per_day(check) -> None:
    """Two visits to C2 on the same day break rule 5."""
    report = check(edit_roster=lambda r: _visit(r, 0, day="sat", start="11:00", end="12:00"))
    assert 5 in rules(report)


def test_rule5_visit_length_and_window(check) -> None:
    """A visit of 59 minutes, or one starting before the window opens, breaks rule 5."""
    short = check(edit_roster=lambda r: _visit(r, 1, end="09:59"))
    assert any("lasts 59 min" in v.message for v in short.violations)
    early = check(edit_roster=lambda r: _visit(r, 1, start="08:59", end="09:59"))
    assert any("outside child C1's visit windows" in v.message for v in early.violations)


def test_rule5_needs_trained(check) -> None:
    """C2 needs a trained visitor: V3 untrained breaks rule 5."""
    report = check(edit_instance=lambda i: i["volunteers"][2].update(trained=False))
    assert any("needs a trained visitor" in v.message for v in report.violations)


# Rule 6: pins and forbidden
def test_rule6_pins_and_forbidden(check) -> None:
    """A pin that is in the roster is fine; a missing pin or a present forbidden pair breaks rule 6."""
    kept = check(edit_instance=lambda i: i["pinned"].append({"kind": "visit", "volunteer": "V3", "child": "C1",
                                                               "day": "sat"}))
    assert kept.ok
    missing = check(edit_instance=lambda i: i["pinned"].append({"kind": "visit", "volunteer": "V3", "child": "C1",
                                                                  "day": "tue"}))
    assert rules(missing) == [6]
    forbidden = check(edit_instance=lambda i: i["forbidden"].append({"kind": "tutoring", "volunteer": "V1",
                                                                       "site": "S1", "day": "wed"}))
    assert rules(forbidden) == [6]


# Rule 7: honest shortfall
def test_rule7_unmet_must_be_exact(check) -> None:
    """unmet saying 2 missing where 1 is, leaving an entry out, or adding one, each break rule 7."""
    wrong = check(edit_roster=lambda r: r["unmet"]["visits"][0].update(missing=2))
    assert rules(wrong) == [7]
    left_out = check(edit_roster=lambda r: r["unmet"]["subjects"].clear())
    assert rules(left_out) == [7]
    extra = check(edit_roster=lambda r: r["unmet"]["tutors"].append({"site": "S1", "day": "wed", "missing": 1}))
    assert rules(extra) == [7]


def test_levels_count_continuity(check) -> None:
    """A visit to C1 by someone other than its primary volunteer, and a lost previous pair, each count 1."""
    report = check(edit_instance=lambda i: (i["children"][0].update(primary_volunteer="V4"),
                                            i["previous"].append({"kind": "tutoring", "volunteer": "V2",
                                                                  "site": "S1", "day": "wed"})))
    assert report.levels.continuity == 2
