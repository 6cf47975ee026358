"""Sites (with their weekly sessions) and villages (with their reference points), and their rules."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler_app.models import Site, SiteSession, Village
from scheduler_app.records.fields import Field, Flag, Intervals, Lookups, Number, RecordSpec, Ref, Text
from scheduler_app.weekly import Interval, interval_problems

MAX_CHILDREN_PER_TUTOR = 50
MAX_MIN_TUTORS = 20

SITE_FIELDS = (
    Field("code", _l("Code"), Text(64), required=True),
    Field("name", _l("Site name"), Text(200), required=True),
    Field("village_id", _l("Village"), Ref("village")),
    Field("lat", _l("Latitude"), Number(-90, 90, whole=False)),
    Field("lon", _l("Longitude"), Number(-180, 180, whole=False)),
    Field("sessions", _l("Sessions"), Intervals()),
    Field("children_per_tutor", _l("Children per tutor"), Number(1, MAX_CHILDREN_PER_TUTOR), required=True),
    Field("min_tutors", _l("Minimum tutors"), Number(0, MAX_MIN_TUTORS), required=True),
    Field("active", _l("Active"), Flag()),
)

VILLAGE_FIELDS = (
    Field("township", _l("Township"), Text(100)),
    Field("name", _l("Village name"), Text(100), required=True),
    Field("lat", _l("Latitude"), Number(-90, 90, whole=False), required=True),
    Field("lon", _l("Longitude"), Number(-180, 180, whole=False), required=True),
)


def read_site(site: Site) -> dict[str, Any]:
    """A site's record as values keyed like the fields."""
    return {"code": site.code, "name": site.name, "village_id": site.village_id, "lat": site.lat, "lon": site.lon,
            "sessions": sorted(Interval(s.day_index, s.start, s.end) for s in site.sessions),
            "children_per_tutor": site.children_per_tutor, "min_tutors": site.min_tutors,
            "active": bool(site.active)}


def site_rules(values: dict[str, Any], lookups: Lookups) -> dict[str, str]:
    """A site needs a point (its own, or its village's) and at most one session a day, inside the waking day."""
    errors: dict[str, str] = {}
    lat, lon = values.get("lat"), values.get("lon")
    if (lat is None) != (lon is None):
        errors["lon" if lon is None else "lat"] = _("give both latitude and longitude, or neither")
    elif lat is None and values.get("village_id") is None:
        errors["lat"] = _("give the site's point or its village, so travel can be measured")
    problems = interval_problems(values.get("sessions") or [], one_per_day=True)
    if problems:
        errors["sessions"] = "; ".join(problems)
    return errors


def apply_site(site: Site, changes: dict[str, Any], lookups: Lookups) -> None:
    """Write changed values; a site without its own point takes its village's."""
    for key, value in changes.items():
        if key == "sessions":
            # Keep the rows of days that stay, so nothing that refers to them is orphaned.
            by_day = {s.day_index: s for s in site.sessions}
            kept = []
            for interval in value:
                session = by_day.get(interval.day_index) or SiteSession(day_index=interval.day_index)
                session.start, session.end = interval.start, interval.end
                kept.append(session)
            site.sessions = kept
        else:
            setattr(site, key, value)
    if site.lat is None and site.village_id in lookups.villages:
        village = lookups.villages[site.village_id]
        site.lat, site.lon = village.lat, village.lon


def read_village(village: Village) -> dict[str, Any]:
    """A village's record as values keyed like the fields."""
    return {"township": village.township, "name": village.name, "lat": village.lat, "lon": village.lon}


def village_rules(values: dict[str, Any], lookups: Lookups) -> dict[str, str]:
    """Nothing beyond each field's own range: a village is a name and a point."""
    return {}


def apply_village(village: Village, changes: dict[str, Any], lookups: Lookups) -> None:
    """Write changed values onto the record."""
    for key, value in changes.items():
        setattr(village, key, value)


SITE = RecordSpec(name="site", fields=SITE_FIELDS, natural_key=("code",), read=read_site, rules=site_rules,
                  apply=apply_site, model=Site)
VILLAGE = RecordSpec(name="village", fields=VILLAGE_FIELDS, natural_key=("township", "name"), read=read_village,
                     rules=village_rules, apply=apply_village, model=Village)
