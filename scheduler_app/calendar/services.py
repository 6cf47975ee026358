"""Calendar links (create, revoke) and the feed of a volunteer's published assignments."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event

from scheduler_app import audit
from scheduler_app.auth.services import link_qr_svg
from scheduler_app.extensions import db
from scheduler_app.models import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Organisation,
    Roster,
    RosterStatus,
    User,
    Volunteer,
    Week,
    utcnow,
)
from scheduler_app.names import first_name
from scheduler_app.programmes.services import activities_of
from scheduler_app.weekly import week_start_of

FEED_WEEKS_BACK = 4     # recent weeks stay in the calendar, for writing diaries
FEED_WEEKS_AHEAD = 8
DEFAULT_LANGUAGE = "zh_CN"


def new_calendar_link(volunteer: Volunteer) -> str:
    """Give the volunteer a new secret calendar token (the old link stops working); returns it."""
    volunteer.calendar_token = secrets.token_urlsafe(32)
    audit.record("calendar_link_created", "volunteer", volunteer.id)
    db.session.commit()
    return volunteer.calendar_token


def revoke_calendar_link(volunteer: Volunteer) -> None:
    """Stop the volunteer's calendar link from working."""
    volunteer.calendar_token = None
    audit.record("calendar_link_revoked", "volunteer", volunteer.id)
    db.session.commit()


def change_calendar_link(volunteer: Volunteer, revoke: bool) -> str:
    """Revoke the volunteer's calendar link, or make a new one (the old one stops working); returns what to
    tell the person who asked."""
    if revoke:
        revoke_calendar_link(volunteer)
        return _("Calendar link revoked: the old link no longer works.")
    new_calendar_link(volunteer)
    return _("New calendar link made; any old link no longer works.")


def calendar_feed(token: str, today: dt.date | None = None) -> bytes | None:
    """The iCalendar of the volunteer holding this token, or None for an unknown (or revoked) token: their
    assignments in published rosters from a few weeks back to a few weeks ahead, in their language. It shows
    what her own pages show and no more (the feed is fetched without a login and synced by outside calendar
    services): not the activities she declined, and a child by her given name only. The one-off activities she
    staffs are in it too."""
    if not token:
        return None
    volunteer = db.session.execute(db.select(Volunteer).where(Volunteer.calendar_token == token,
                                                              Volunteer.active)).scalar_one_or_none()
    if volunteer is None:
        return None
    # The feed follows her account: once it is disabled (she left, her phone was lost) the link stops too.
    user = db.session.execute(db.select(User).where(User.volunteer_id == volunteer.id)).scalar_one_or_none()
    if user is not None and not user.active:
        return None
    today = today or dt.date.today()
    monday = week_start_of(today)
    rows = db.session.execute(
        db.select(Assignment, Week.start_date).join(Roster, Assignment.roster_id == Roster.id)
        .join(Week, Roster.week_id == Week.id)
        .where(Assignment.volunteer_id == volunteer.id, Roster.status == RosterStatus.PUBLISHED,
               Assignment.status != AssignmentStatus.DECLINED,
               Week.start_date >= monday - dt.timedelta(weeks=FEED_WEEKS_BACK),
               Week.start_date <= monday + dt.timedelta(weeks=FEED_WEEKS_AHEAD))
        .order_by(Week.start_date, Assignment.day_index, Assignment.start)).all()
    organisation = db.session.get_one(Organisation, volunteer.organisation_id)
    zone = ZoneInfo(organisation.time_zone)
    calendar = Calendar()
    calendar.add("prodid", "-//Peiban//roster//EN")
    calendar.add("version", "2.0")
    with force_locale((user.locale if user is not None else None) or DEFAULT_LANGUAGE):
        calendar.add("x-wr-calname", _("Peiban: %(name)s", name=volunteer.name))
        for assignment, week_start in rows:
            day = week_start + dt.timedelta(days=assignment.day_index)
            event = Event()
            event.add("uid", f"peiban-assignment-{assignment.id}@{volunteer.organisation_id}")
            event.add("dtstamp", utcnow())
            event.add("dtstart", dt.datetime.combine(day, assignment.start, zone))
            event.add("dtend", dt.datetime.combine(day, assignment.end, zone))
            if assignment.kind == AssignmentKind.TUTORING:
                event.add("summary", _("Tutoring at %(site)s", site=assignment.site.name))
                event.add("location", assignment.site.name)
            else:
                child = assignment.child
                # Only what the visit needs: the child's given name (as My week says it) and village, not her
                # full name or the exact home point.
                event.add("summary", _("Home visit: %(name)s", name=first_name(child.name)))
                if child.village is not None:
                    event.add("location", child.village.label)
            event.add_component(_evening_before(event, day, assignment.start, organisation.reminder_at))
            calendar.add_component(event)
        # The activities she staffs (a museum visit, a competition), over the same weeks.
        for activity in activities_of(volunteer, monday - dt.timedelta(weeks=FEED_WEEKS_BACK),
                                      monday + dt.timedelta(weeks=FEED_WEEKS_AHEAD, days=6)):
            event = Event()
            event.add("uid", f"peiban-activity-{activity.id}@{volunteer.organisation_id}")
            event.add("dtstamp", utcnow())
            event.add("dtstart", dt.datetime.combine(activity.held_on, activity.start, zone))
            event.add("dtend", dt.datetime.combine(activity.held_on, activity.end, zone))
            event.add("summary", _("Activity: %(title)s", title=activity.title))
            event.add("location", activity.place)
            event.add_component(_evening_before(event, activity.held_on, activity.start, organisation.reminder_at))
            calendar.add_component(event)
    calendar.add_missing_timezones()  # a VTIMEZONE for Asia/Shanghai: calendars that lack the zone need it
    return calendar.to_ical()


def _evening_before(event: Event, day: dt.date, start: dt.time, reminder_at: dt.time) -> Alarm:
    """A reminder on her phone the evening before, at the organisation's reminder time (as the message is sent)."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event["summary"])
    before = dt.datetime.combine(day, start) - dt.datetime.combine(day - dt.timedelta(days=1), reminder_at)
    alarm.add("trigger", -before)
    return alarm


@dataclass(frozen=True)
class FeedLinks:
    """A volunteer's private calendar feed, three ways: the web address, the same as webcal: (a phone's
    calendar subscribes to it in one tap) and a QR code of it (scanned from the coordinator's screen)."""

    https: str
    webcal: str
    qr_svg: str  # segno's SVG: paths only


def feed_links(volunteer: Volunteer) -> FeedLinks | None:
    """The links of the volunteer's calendar feed, or None when she has none (in a request: the server's own
    address is part of them)."""
    if not volunteer.calendar_token:
        return None
    address = url_for("calendar.feed", token=volunteer.calendar_token, _external=True)
    return FeedLinks(address, "webcal://" + address.split("://", 1)[1], link_qr_svg(address))
