"""The day's route map does not give away a child's home: fitting its projection to two sites (whose points the
coordinator may see) recovers the house only for a reader allowed to see it, and the village for anyone else."""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest

from scheduler_app.models import Role, Village
from tests.conftest import csrf_token

MONDAY = dt.date(2026, 11, 30)
SITES = {"S1": (30.447, 114.872), "S2": (30.480, 114.930)}
HOME = (30.470, 114.915)      # the child's house, about 2.5 km from her village's point
VILLAGE = (30.452, 114.894)


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


@pytest.fixture
def saturday_with_a_visit(make_org, make_site, make_volunteer, make_child, make_week):
    """Builder: a published Saturday with tutoring at the two sites and a visit to C1, whose house is at HOME and
    whose village is at VILLAGE (``consent`` as make_child takes it); returns the organisation."""
    def build(**consent):  # noqa: ANN003, ANN202
        org = make_org()
        s1 = make_site(org, "S1", days=(5,), lat=SITES["S1"][0], lon=SITES["S1"][1])
        s2 = make_site(org, "S2", days=(5,), lat=SITES["S2"][0], lon=SITES["S2"][1])
        tutor = make_volunteer(org, "T1", roles=("tutor",), availability=((5, "08:00", "19:00"),))
        other = make_volunteer(org, "T2", roles=("tutor",), availability=((5, "08:00", "19:00"),))
        village = Village(organisation_id=org.id, name="幸福村", lat=VILLAGE[0], lon=VILLAGE[1])
        child = make_child(org, "C1", village=village, home_lat=HOME[0], home_lon=HOME[1], **consent)
        make_week(org, MONDAY, (tutor, s1, 5, "16:30", "18:00"), (other, s2, 5, "16:30", "18:00"),
                  (make_volunteer(org, "M1"), child, 5, "09:00", "10:00"))
        return org
    return build


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
