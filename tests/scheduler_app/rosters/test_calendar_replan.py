"""A closure entered for a week already published: it names the activities it cancels, tells the volunteers
concerned, and the week page offers a re-plan of what is left, which drops them and keeps the rest."""

from __future__ import annotations

import datetime as dt

from scheduler_app.extensions import db
from scheduler_app.models import AssignmentKind, Message, Role, RosterStatus
from tests.conftest import csrf_token, post_form
from tests.scheduler_app.rosters.test_week import (
    EN,
    MONDAY,
    WEEK,
    district,
    finish,
    generate,
    newest_run,
    publish,
    rosters,
)

__all__ = ["district"]  # the fixture, imported for pytest


def test_a_closure_after_publishing_names_what_it_cancels_and_offers_a_replan(app, district, make_user, make_channel,
                                                                             reach) -> None:
    """Wednesday's session of a published week is cancelled by a closure: the coordinator is told which activity
    it cancels, the tutor gets a message, the week page lists it with a re-plan, and the re-plan keeps Monday's
    session and every visit while dropping Wednesday's."""
    client, site, tutor = district["client"], district["site"], district["tutor"]
    roster = finish(generate(client)).roster
    assert publish(client, roster).status_code == 200
    published = next(r for r in rosters() if r.status == RosterStatus.PUBLISHED)
    kept = {(a.kind, a.volunteer_id, a.day_index) for a in published.assignments if a.day_index != 2}
    assert any(a.kind == AssignmentKind.TUTORING and a.day_index == 2 for a in published.assignments)
    group = make_channel(district["org"], "apprise", url="json://127.0.0.1:9/")
    reach(make_user(Role.VOLUNTEER, org=district["org"], volunteer=tutor), group)
    db.session.rollback()
    wednesday = (MONDAY + dt.timedelta(days=2)).isoformat()
    response = post_form(client, "/school-year/closures", {
        "closure-site": site.id, "closure-first_day": wednesday, "closure-last_day": wednesday,
        "closure-reason": "学校停电"}, page="/school-year/", headers=EN, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "This cancels activities already published" in text and tutor.name in text
    messages = db.session.execute(db.select(Message).where(Message.kind == "cancelled")).scalars().all()
    assert len(messages) == 1 and "学校停电" in messages[0].subject
    page = client.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    assert "data-cancelled" in page and "学校停电" in page and "Re-plan what is left" in page
    db.session.rollback()
    assert client.post(f"/rosters/{WEEK}/replan-cancelled", data={
        "time_limit": "10", "csrf_token": csrf_token(client, f"/rosters/{WEEK}")}).status_code == 302
    run = finish(newest_run())
    assert run.roster is not None and run.replan_of_id == published.id
    after = run.roster.assignments
    assert not any(a.kind == AssignmentKind.TUTORING and a.day_index == 2 for a in after)
    assert kept <= {(a.kind, a.volunteer_id, a.day_index) for a in after}
