"""Fixtures shared by the app's tests beyond one module: a Saturday whose day map can be fitted."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
from redis import Redis
from redis.exceptions import RedisError

from scheduler_app.jobqueue import solve_queue
from scheduler_app.models import Village

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

MONDAY = dt.date(2026, 11, 30)
SITES = {"S1": (30.447, 114.872), "S2": (30.480, 114.930)}
HOME = (30.470, 114.915)      # the child's house, about 2.5 km from her village's point
VILLAGE = (30.452, 114.894)


@pytest.fixture
def saturday_with_a_visit(make_org, make_site, make_volunteer, make_child, make_week):
    """Builder: a published Saturday with tutoring at the two sites and a visit to C1, whose house is at HOME and
    whose village is at VILLAGE (``consent`` as make_child takes it); returns the organisation."""
    def build(**consent):
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


@pytest.fixture
def queued(app):
    """The app sending solves (rosters and call plans) to a queue of its own on the test Redis (skipped when none
    answers); the queue and its jobs are deleted afterwards."""
    try:
        Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except RedisError as exc:
        pytest.skip(f"no Redis at {REDIS}: {exc}")
    app.config.update(REDIS_URL=REDIS, PEIBAN_SOLVE_QUEUE=f"peiban-test-{uuid.uuid4().hex[:8]}")
    yield app
    solve_queue(app).delete(delete_jobs=True)
