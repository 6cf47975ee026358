"""Load a roster-instance/1 document (e.g. a generated prefecture) into the database as one organisation, so the
app's own path (build the week, queue it, split it, store the roster) can be measured at any size."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scheduler_app.extensions import db
from scheduler_app.models import (
    DAYS,
    Availability,
    Child,
    Organisation,
    Site,
    SiteSession,
    VisitWindow,
    Volunteer,
)


def _times(interval: dict[str, str]) -> dict[str, Any]:
    return {"day_index": DAYS.index(interval["day"]), "start": dt.time.fromisoformat(interval["start"]),
            "end": dt.time.fromisoformat(interval["end"])}


def load_instance(document: dict[str, Any], organisation_name: str) -> Organisation:
    """Create an organisation holding the document's settings, sites, volunteers and children (pins, forbidden
    pairs and the previous week are not records, and are left out); committed in one transaction."""
    settings = document["settings"]
    org = Organisation(name=organisation_name, visit_minutes=settings["visit_minutes"],
                       speed_kmh=settings["speed_kmh"], road_factor=settings["road_factor"])
    db.session.add(org)
    db.session.flush()
    sites = {}
    for s in document["sites"]:
        sites[s["id"]] = Site(organisation_id=org.id, code=s["id"], name=s["name"], lat=s["lat"], lon=s["lon"],
                              children_per_tutor=s["children_per_tutor"], min_tutors=s["min_tutors"],
                              sessions=[SiteSession(**_times(i)) for i in s["sessions"]])
    volunteers = {}
    for v in document["volunteers"]:
        volunteers[v["id"]] = Volunteer(
            organisation_id=org.id, code=v["id"], name=v["name"], is_tutor="tutor" in v["roles"],
            is_visitor="visitor" in v["roles"], home_lat=v["lat"], home_lon=v["lon"], subjects=list(v["subjects"]),
            trained=v["trained"], max_km=v["max_km"], max_sessions_per_week=v["max_sessions_per_week"],
            max_visits_per_week=v["max_visits_per_week"], max_visits_per_day=v["max_visits_per_day"],
            availability=[Availability(**_times(i)) for i in v["availability"]])
    children = [Child(organisation_id=org.id, code=c["id"], name=c["name"], grade=c.get("grade"),
                      home_lat=c["lat"], home_lon=c["lon"], site=sites.get(c["site"]) if c["site"] else None,
                      attends=list(c["attends"]), subjects=list(c["subjects"]),
                      visits_per_week=c["visits_per_week"], risk_level=c["priority"],
                      needs_trained=c["needs_trained"],
                      primary_volunteer=volunteers.get(c["primary_volunteer"]) if c["primary_volunteer"] else None,
                      visit_windows=[VisitWindow(**_times(i)) for i in c["visit_windows"]])
                for c in document["children"]]
    db.session.add_all([*sites.values(), *volunteers.values(), *children])
    db.session.commit()
    return org
