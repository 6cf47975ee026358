"""The day's route map does not give away a child's home: fitting its projection to two sites (whose points the
coordinator may see) recovers the house only for a reader allowed to see it, and the village for anyone else."""

from __future__ import annotations

import math
import re

from scheduler_app.models import Role
from tests.conftest import csrf_token
from tests.scheduler_app.conftest import HOME, MONDAY, SITES, VILLAGE


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 111_320
    dx = (a[1] - b[1]) * 111_320 * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


def _home_as_fitted(svg: str) -> tuple[float, float]:
    """The child's point as an attacker reads it: the two site triangles' centres fix the projection's scale
    and offset on each axis (x is longitude, y latitude), which then maps the visit's circle back."""
    triangles = [tuple(map(float, m)) for m in re.findall(r'<polygon points="([\d.]+),([\d.]+) ', svg)]
    (x1, apex1), (x2, apex2) = triangles[0], triangles[1]
    y1, y2 = apex1 + 7, apex2 + 7  # the apex is 7 units above the site's point
    (lat1, lon1), (lat2, lon2) = SITES["S1"], SITES["S2"]
    cx, cy = map(float, re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg).groups())
    lon = lon1 + (cx - x1) * (lon2 - lon1) / (x2 - x1)
    lat = lat1 + (cy - y1) * (lat2 - lat1) / (y2 - y1)
    return lat, lon


def test_the_map_shows_a_childs_home_only_to_who_may_see_it(app, make_user, saturday_with_a_visit, login) -> None:
    """With the sensitive-data permission and the guardian's consent the fitted point is the house (within
    50 m); a coordinator without the permission, or any reader of a child without consent, gets a point no
    nearer than 500 m to the house: the village's."""
    org = saturday_with_a_visit()
    url = f"/rosters/{MONDAY.isoformat()}/map?day=5"
    allowed = login(make_user(Role.COORDINATOR, org=org, permissions=["child_sensitive"]))
    assert _metres(_home_as_fitted(allowed.get(url).get_data(as_text=True)), HOME) < 50  # the fit works
    allowed.post("/auth/logout", data={"csrf_token": csrf_token(allowed, "/")})
    refused = login(make_user(Role.COORDINATOR, org=org, permissions=[]))
    fitted = _home_as_fitted(refused.get(url).get_data(as_text=True))
    assert _metres(fitted, HOME) > 500 and _metres(fitted, VILLAGE) < 50


def test_a_child_without_consent_is_drawn_at_her_village(app, make_user, saturday_with_a_visit, login) -> None:
    """Even for a coordinator with the sensitive-data permission, a child whose guardian gave no consent for
    her home point is drawn at her village."""
    org = saturday_with_a_visit(consent=())
    client = login(make_user(Role.COORDINATOR, org=org, permissions=["child_sensitive"]))
    fitted = _home_as_fitted(client.get(f"/rosters/{MONDAY.isoformat()}/map?day=5").get_data(as_text=True))
    assert _metres(fitted, HOME) > 500
