"""The demo's weeks of history: published rosters, answers, diaries and warnings a manager can act on."""

from __future__ import annotations

import datetime as dt

from scheduler_app.extensions import db
from scheduler_app.models import (
    Assignment,
    AssignmentStatus,
    DiaryEntry,
    DiaryStatus,
    EarlyWarning,
    Roster,
    RosterStatus,
    User,
)
from seed.demo import load_demo
from seed.history import HISTORY_WEEKS, load_history

TODAY = dt.date(2026, 11, 25)  # a Wednesday


def test_history_gives_weeks_to_review_and_a_lapsed_child(app) -> None:
    """Six past weeks and this one are published; older diaries are approved, last week's wait for review;
    the warning list holds a child last visited three weeks ago and a child with repeated concerns; the
    demo mother's own week is left for her to answer."""
    org = load_demo(today=TODAY)
    load_history(org, TODAY)
    rosters = db.session.execute(db.select(Roster)).scalars().all()
    assert len(rosters) == HISTORY_WEEKS + 1 and {r.status for r in rosters} == {RosterStatus.PUBLISHED}
    statuses = {s for s, in db.session.execute(db.select(DiaryEntry.status)).all()}
    assert statuses == {DiaryStatus.APPROVED, DiaryStatus.SUBMITTED}
    assert db.session.execute(db.select(DiaryEntry).where(DiaryEntry.served_on > TODAY)).first() is None
    warnings = db.session.execute(db.select(EarlyWarning)).scalars().all()
    lapsed = [w for w in warnings if w.kind == "not_visited" and w.detail["last"]]
    assert lapsed and all(15 <= w.detail["days"] <= 24 for w in lapsed)
    assert any(w.kind == "repeated_concern" for w in warnings)
    mother = db.session.execute(db.select(User).where(User.username == "mother")).scalar_one()
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    current = next(r for r in rosters if r.week.start_date == monday)
    hers = [a for a in current.assignments if a.volunteer_id == mother.volunteer_id]
    assert hers and {a.status for a in hers} == {AssignmentStatus.PLANNED}
    assert db.session.execute(db.select(Assignment).where(Assignment.status == AssignmentStatus.DECLINED)).first()
