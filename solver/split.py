"""Splitting a roster-instance/1 into parts that share nothing, to be solved apart (on different workers), and
merging their roster/1 documents back into one roster of the whole instance."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from solver.candidates import build_candidates
from solver.disjoint import DisjointSets
from solver.instance import Instance, parse_instance
from solver.places import Geography
from solver.roster import SCHEMA as ROSTER_SCHEMA
from solver.roster import parse_roster
from solver.validate import Report, round_km, validate

Node = tuple[str, str]  # ("volunteer" | "child" | "site", id)


def _components(instance: Instance) -> tuple[list[list[Node]], dict[Node, int]]:
    """Groups of volunteers, children and sites that no rule links across: a volunteer is linked to every child
    she could visit and every site she could tutor at (by the candidates, so reach and availability count), a
    child to her site and her regular visitor, and a pin, forbidden pair or previous assignment to both ends.
    Also each node's weight (its candidates), for balancing."""
    sets = DisjointSets([*(("volunteer", v.id) for v in instance.volunteers),
                         *(("child", c.id) for c in instance.children), *(("site", s.id) for s in instance.sites)])
    union = sets.union
    weight: dict[Node, int] = defaultdict(int)
    for c in build_candidates(instance, Geography(instance)):
        volunteer = ("volunteer", c.volunteer)
        union(volunteer, ("child" if c.kind == "visit" else "site", c.target))
        weight[volunteer] += 1
    for child in instance.children:
        if child.site:
            union(("child", child.id), ("site", child.site))
        if child.primary_volunteer:
            union(("child", child.id), ("volunteer", child.primary_volunteer))
    for ref in (*instance.pinned, *instance.forbidden, *instance.previous):
        union(("volunteer", ref.volunteer), ("child", ref.child) if ref.child else ("site", ref.target))
    return sets.groups(), dict(weight)


def split_instance(document: dict[str, Any], parts: int) -> list[dict[str, Any]]:
    """At most ``parts`` roster-instance/1 documents that together hold every volunteer, child and site of the
    document exactly once, with no candidate, site, regular visitor or rule linking two of them; independent
    groups are packed largest first into the lightest part, by their number of candidates."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    instance = parse_instance(document)
    groups, weight = _components(instance)
    groups.sort(key=lambda g: (-sum(weight.get(n, 0) + 1 for n in g), min(g)))
    bins: list[set[Node]] = [set() for _ in range(min(parts, len(groups)) or 1)]
    loads = [0] * len(bins)
    for group in groups:
        lightest = loads.index(min(loads))
        bins[lightest].update(group)
        loads[lightest] += sum(weight.get(n, 0) + 1 for n in group)
    documents: list[dict[str, Any]] = []
    for members in bins:
        ids = {kind: {i for k, i in members if k == kind} for kind in ("volunteer", "child", "site")}
        documents.append({
            **{k: v for k, v in document.items() if k not in ("sites", "children", "volunteers", "pinned",
                                                              "forbidden", "previous")},
            "name": f"{document.get('name', '')} (part {len(documents) + 1} of {len(bins)})".strip(),
            "sites": [s for s in document["sites"] if s["id"] in ids["site"]],
            "children": [c for c in document["children"] if c["id"] in ids["child"]],
            "volunteers": [v for v in document["volunteers"] if v["id"] in ids["volunteer"]],
            **{key: [r for r in document.get(key, []) if r["volunteer"] in ids["volunteer"]]
               for key in ("pinned", "forbidden", "previous")},
        })
    return documents


def merge_rosters(document: dict[str, Any], rosters: list[dict[str, Any]]) -> dict[str, Any]:
    """One roster/1 of the whole instance from the rosters of its parts: their activities and what each left
    undone, side by side; the figures are summed where they add up (the caller recomputes the levels)."""
    unmet: dict[str, list[dict[str, Any]]] = {"visits": [], "tutors": [], "subjects": []}
    for roster in rosters:
        for key in unmet:
            unmet[key].extend(roster.get("unmet", {}).get(key, []))
    statuses = [r.get("stats", {}).get("status", "") for r in rosters]
    stats = {"status": "OPTIMAL" if statuses and all(s == "OPTIMAL" for s in statuses) else
             ("GREEDY" if "GREEDY" in statuses else "FEASIBLE"),
             "parts_solved_apart": len(rosters),
             "shortfall_bound": sum(r.get("stats", {}).get("shortfall_bound", 0) or 0 for r in rosters),
             "solve_seconds": max((r.get("stats", {}).get("solve_seconds", 0) for r in rosters), default=0)}
    return {"schema": ROSTER_SCHEMA, "week_start": document["week_start"],
            "tutoring": [a for r in rosters for a in r.get("tutoring", [])],
            "visits": [v for r in rosters for v in r.get("visits", [])], "unmet": unmet, "stats": stats}


def merge_and_check(document: dict[str, Any], rosters: list[dict[str, Any]]) -> tuple[dict[str, Any], Report]:
    """The merged roster/1 of the whole instance with its levels recomputed by the checker (fairness and the
    volunteers' loads do not add up part by part), and the checker's report on it."""
    merged = merge_rosters(document, rosters)
    report = validate(parse_instance(document), parse_roster(merged))
    found = report.levels
    merged["stats"].update(shortfall=found.shortfall, continuity=found.continuity,
                           travel_km=round_km(found.travel_km), fairness=round(found.fairness, 4))
    return merged, report
