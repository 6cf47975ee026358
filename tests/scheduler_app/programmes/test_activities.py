"""Activities: planned by a coordinator, staffed by sign-up or assignment, children on a trip only with a guardian's
consent to trips, what came of it; shown in the volunteer's week, the printed roster and the calendar feed."""

from __future__ import annotations

import datetime as dt
import html

from icalendar import Calendar

from scheduler_app.extensions import db
from scheduler_app.models import Activity, ActivityChild, ActivityStaff, AuditEvent, Role, StaffWay
from scheduler_app.weekly import week_start_of
from tests.conftest import csrf_token, post_form


def _today() -> dt.date:
    """Today, read when a test runs (not when the module is collected: a suite may cross midnight)."""
    return dt.date.today()


def _monday() -> dt.date:
    """This week's Monday, read when a test runs."""
    return week_start_of(_today())


def _activity(org, day: dt.date | None = None, **fields) -> Activity:
    activity = Activity(organisation_id=org.id, title=fields.pop("title", "县博物馆参观"),
                        place=fields.pop("place", "县博物馆"), held_on=day or _monday() + dt.timedelta(days=5),
                        start=dt.time(9), end=dt.time(11, 30), staff_needed=fields.pop("staff_needed", 2), **fields)
    db.session.add(activity)
    db.session.commit()
    return activity


def _text(response) -> str:
    """The page as its reader sees it (entities such as &#39; decoded)."""
    return html.unescape(response.get_data(as_text=True))


def _plan(**over) -> dict:
    return {"title": "唐诗朗诵比赛", "place": "镇中心小学", "held_on": (_today() + dt.timedelta(days=3)).isoformat(),
            "start": "14:00", "end": "16:00", "staff_needed": "3", "description": "", **over}


def test_a_coordinator_plans_an_activity(app, make_org, make_user, login) -> None:
    """The form saves the activity with its place, day, times and staff needed, audited; it is listed as coming."""
    org = make_org()
    client = login(make_user(Role.COORDINATOR, org=org))
    response = post_form(client, "/programmes/activities/new", _plan(trip="y"))
    assert response.status_code == 302
    activity = db.session.execute(db.select(Activity)).scalar_one()
    assert (activity.title, activity.place, activity.staff_needed, activity.trip, activity.start) == \
        ("唐诗朗诵比赛", "镇中心小学", 3, True, dt.time(14))
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "activity_saved")).scalar_one()
    db.session.rollback()
    assert "唐诗朗诵比赛" in client.get("/programmes/activities").get_data(as_text=True)


def test_an_activity_ending_before_it_starts_is_refused_and_nothing_saved(app, make_org, make_user, login) -> None:
    """An end before the start is refused with a message; no activity is stored."""
    org = make_org()
    client = login(make_user(Role.COORDINATOR, org=org))
    response = post_form(client, "/programmes/activities/new", _plan(start="16:00", end="14:00"),
                         headers={"Accept-Language": "en"})
    assert "The end must be after the start." in _text(response)
    assert db.session.execute(db.select(Activity)).first() is None


def test_an_edit_opened_before_another_change_does_not_overwrite_it(app, make_org, make_user, login) -> None:
    """Saving a form opened at an older version is refused; the change made meanwhile stays."""
    org = make_org()
    activity = _activity(org)
    client = login(make_user(Role.COORDINATOR, org=org))
    page = f"/programmes/activities/{activity.id}/edit"
    token = csrf_token(client, page)
    old = activity.version_id
    activity.place = "市科技馆"
    db.session.commit()
    response = client.post(page, data={**_plan(), "version": str(old), "csrf_token": token},
                           headers={"Accept-Language": "en"})
    assert "changed elsewhere" in _text(response)
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).place == "市科技馆"


def test_a_volunteer_signs_up_until_the_staff_is_complete(app, make_org, make_user, login) -> None:
    """A volunteer sees an activity needing people on her home page and signs up; once it has all the staff it
    needs, another volunteer's sign-up is refused and she is not added."""
    org = make_org()
    activity = _activity(org, staff_needed=1)
    first, second = make_user(Role.VOLUNTEER, org=org), make_user(Role.VOLUNTEER, org=org)
    client = login(first)
    assert "县博物馆参观" in client.get("/").get_data(as_text=True)
    assert post_form(client, f"/programmes/activities/{activity.id}/sign-up", {}, page="/").status_code == 302
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    client = login(second)
    response = post_form(client, f"/programmes/activities/{activity.id}/sign-up", {}, page="/",
                         headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "all the staff it needs" in _text(response)
    staff = db.session.execute(db.select(ActivityStaff)).scalars().all()
    assert [(s.volunteer_id, s.way) for s in staff] == [(first.volunteer_id, StaffWay.SIGNED_UP)]


def test_a_volunteer_cannot_sign_up_for_an_activity_that_is_over(app, make_org, make_user, login) -> None:
    """Yesterday's activity takes no sign-up."""
    org = make_org()
    activity = _activity(org, day=_today() - dt.timedelta(days=1))
    client = login(make_user(Role.VOLUNTEER, org=org))
    post_form(client, f"/programmes/activities/{activity.id}/sign-up", {}, page="/")
    assert db.session.execute(db.select(ActivityStaff)).first() is None


def test_a_volunteer_withdraws_herself(app, make_org, make_user, login) -> None:
    """She takes herself off an activity's staff from her home page."""
    org = make_org()
    activity = _activity(org)
    user = make_user(Role.VOLUNTEER, org=org)
    db.session.add(ActivityStaff(activity=activity, volunteer_id=user.volunteer_id, way=StaffWay.ASSIGNED))
    db.session.commit()
    client = login(user)
    assert post_form(client, f"/programmes/activities/{activity.id}/withdraw", {}, page="/").status_code == 302
    assert db.session.execute(db.select(ActivityStaff)).first() is None


def test_a_coordinator_assigns_staff_of_her_organisation_only(app, make_org, make_user, make_volunteer,
                                                              login) -> None:
    """An assigned volunteer is on the staff as assigned; another organisation's volunteer is refused."""
    org, other = make_org(), make_org()
    activity = _activity(org)
    mine, theirs = make_volunteer(org, "M1"), make_volunteer(other, "M9")
    client = login(make_user(Role.COORDINATOR, org=org))
    page = f"/programmes/activities/{activity.id}"
    post_form(client, f"{page}/staff", {"volunteer_id": str(mine.id)}, page=page)
    post_form(client, f"{page}/staff", {"volunteer_id": str(theirs.id)}, page=page)
    staff = db.session.execute(db.select(ActivityStaff)).scalars().all()
    assert [(s.volunteer_id, s.way) for s in staff] == [(mine.id, StaffWay.ASSIGNED)]
    assert post_form(client, f"{page}/staff/{mine.id}/remove", {}, page=page).status_code == 302
    assert db.session.execute(db.select(ActivityStaff)).first() is None


def test_a_child_goes_on_a_trip_only_with_a_guardians_trip_consent(app, make_org, make_user, make_child,
                                                                    login) -> None:
    """On a trip, a child whose guardian consented to trips is added; one with only the home and observations
    consents is refused with her name, and not added. An activity at the site takes her without it."""
    org = make_org()
    trip = _activity(org, trip=True)
    at_site = _activity(org, title="书法课", trip=False)
    allowed = make_child(org, "C1", name="王欣怡", consent=("home", "trip"))
    refused = make_child(org, "C2", name="李浩然")
    client = login(make_user(Role.COORDINATOR, org=org))
    page = f"/programmes/activities/{trip.id}"
    post_form(client, f"{page}/children", {"child_id": str(allowed.id)}, page=page)
    response = post_form(client, f"{page}/children", {"child_id": str(refused.id)}, page=page,
                         headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "李浩然 has no guardian's consent to trips" in _text(response)
    rows = db.session.execute(db.select(ActivityChild.activity_id, ActivityChild.child_id)).all()
    assert rows == [(trip.id, allowed.id)]
    page = f"/programmes/activities/{at_site.id}"
    post_form(client, f"{page}/children", {"child_id": str(refused.id)}, page=page)
    assert db.session.execute(db.select(ActivityChild).where(ActivityChild.activity_id == at_site.id)
                              ).scalar_one().child_id == refused.id


def test_an_activity_with_a_child_lacking_trip_consent_cannot_become_a_trip(app, make_org, make_user, make_child,
                                                                             login) -> None:
    """Turning an activity into a trip is refused while a child taking part has no trip consent."""
    org = make_org()
    activity = _activity(org)
    child = make_child(org, "C2", name="李浩然")
    db.session.add(ActivityChild(activity=activity, child=child))
    db.session.commit()
    client = login(make_user(Role.COORDINATOR, org=org))
    page = f"/programmes/activities/{activity.id}/edit"
    response = post_form(client, page, {**_plan(held_on=activity.held_on.isoformat()), "trip": "y",
                                        "version": str(activity.version_id)}, headers={"Accept-Language": "en"})
    assert "No guardian's consent to trips on that day for: 李浩然" in _text(response)
    db.session.expire_all()
    assert not db.session.get(Activity, activity.id).trip


def test_what_came_of_it_is_recorded(app, make_org, make_user, login) -> None:
    """The coordinator writes the outcome; a manager reads it on the activity's page."""
    org = make_org()
    activity = _activity(org)
    client = login(make_user(Role.COORDINATOR, org=org))
    page = f"/programmes/activities/{activity.id}"
    post_form(client, f"{page}/outcome", {"outcome": "三名孩子获奖"}, page=page)
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).outcome == "三名孩子获奖"
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    client = login(make_user(Role.MANAGER, org=org))
    assert "三名孩子获奖" in client.get(page).get_data(as_text=True)


def test_an_activity_appears_in_the_week_the_print_and_the_feed(app, make_org, make_user, make_week,
                                                               login) -> None:
    """The activity a volunteer staffs is in her week on the home page, on her printed sheet and on the week's
    activities sheet, and in her calendar feed at its local time."""
    org = make_org()
    user = make_user(Role.VOLUNTEER, org=org)
    user.volunteer.calendar_token = "activity-feed-token".ljust(43, "x")
    activity = _activity(org, title="书法比赛")
    db.session.add(ActivityStaff(activity=activity, volunteer_id=user.volunteer_id, way=StaffWay.ASSIGNED))
    db.session.commit()
    make_week(org, _monday())
    client = login(user)
    assert "书法比赛" in client.get("/").get_data(as_text=True)
    feed = client.get(f"/calendar/{user.volunteer.calendar_token}.ics")
    events = [e for e in Calendar.from_ical(feed.data).walk("VEVENT") if "书法比赛" in str(e["summary"])]
    assert len(events) == 1 and events[0].decoded("dtstart").hour == 9
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    client = login(make_user(Role.COORDINATOR, org=org))
    for by in ("site", "volunteer"):
        sheet = client.get(f"/rosters/{_monday().isoformat()}/print?by={by}").get_data(as_text=True)
        assert "书法比赛" in sheet, by
