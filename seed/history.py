"""Some weeks of past service for the demo: published rosters, answers, diaries and a few signs to act on.

The past rosters are made by the optimiser's greedy baseline (a fraction of a second a week, where a full
solve takes seconds): history only needs to be plausible. Everything is drawn from one seeded generator.
"""

from __future__ import annotations

import datetime as dt
import random

from scheduler_app.cases.services import raise_concern
from scheduler_app.contract.instance import build_instance
from scheduler_app.earlywarning.services import scan
from scheduler_app.extensions import db
from scheduler_app.models import (
    AssignmentKind,
    AssignmentStatus,
    Child,
    DiaryEntry,
    DiaryStatus,
    Organisation,
    Role,
    RosterStatus,
    Severity,
    User,
    Volunteer,
    Week,
)
from scheduler_app.rosters.services import store_roster
from scheduler_app.weekly import minutes_between, week_start_of
from seed.demo import load_demo
from solver.instance import parse_instance
from solver.solve import greedy_only

SEED = 20261124
HISTORY_WEEKS = 6       # weeks of history before the current week
DECLINE_SHARE = 0.04    # of past assignments, declined
DIARY_SHARE = 0.9       # of activities held, with a diary entry
CONCERN_SHARE = 0.02    # of visit diaries, flagged with a concern
UNVISITED_WEEKS = 3     # the demo's child whose visits were declined for the last weeks
DECLINE_REASONS = ["家里有事", "孩子生病", "下雨路不好走", "学校考试"]
DONE = {"visit": (["talk", "care", "homework"], "聊天，检查作业，看了孩子的房间和学习用品"),
        "tutoring": (["homework", "reading"], "辅导数学和语文作业，读了一篇课文")}
OBSERVATIONS = {"emotional": "这周情绪平稳", "social": "和同学相处不错"}
WORRY = {"emotional": "提到想妈妈时哭了，最近睡不好", "health": "咳嗽一周了，奶奶没带去看病"}


def load_demo_with_history(today: dt.date | None = None) -> Organisation:
    """The demo organisation as of ``today`` (default: the real today), with its weeks of history."""

    today = today or dt.date.today()
    org = load_demo(today=today)
    load_history(org, today)
    return org


def load_history(org: Organisation, today: dt.date, weeks: int = HISTORY_WEEKS) -> None:
    """Publish a roster for each of the last ``weeks`` weeks and this one, with answers and diaries; then
    scan for warnings. The demo mother's current week stays unanswered, for her to answer."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    monday = week_start_of(today)
    start = monday - dt.timedelta(weeks=weeks)
    _backdate(org, start)
    manager = db.session.execute(db.select(User).where(User.organisation_id == org.id,
                                                       User.role == Role.MANAGER)).scalars().first()
    mother = db.session.execute(db.select(User.volunteer_id).where(User.organisation_id == org.id,
                                                                  User.username == "mother")).scalar()
    unvisited = worried = None
    worries = 0
    for k in range(weeks, -1, -1):
        week_start = monday - dt.timedelta(weeks=k)
        week = Week(organisation_id=org.id, start_date=week_start)
        db.session.add(week)
        instance = build_instance(org.id, week_start)
        made = greedy_only(parse_instance(instance))
        roster = store_roster(week, instance, made.to_json(), None, reasons=made.unmet.reasons_json())
        roster.status, roster.published_at = RosterStatus.PUBLISHED, dt.datetime.combine(
            week_start - dt.timedelta(days=3), dt.time(10), dt.UTC)
        visited = sorted((a.child for a in roster.assignments if a.kind == AssignmentKind.VISIT),
                         key=lambda c: c.code)
        if k == UNVISITED_WEEKS and visited:
            # The child whose visits lapse: visited this week by their regular visitor, then declined.
            unvisited = next((c.id for c in visited if c.primary_volunteer_id), visited[0].id)
            worried = next((c.id for c in visited if c.id != unvisited and c.visits_per_week == 2), None)
        for a in roster.assignments:
            day = week_start + dt.timedelta(days=a.day_index)
            if k == 0 and a.volunteer_id == mother:
                continue  # the demo mother answers her own week
            if a.kind == AssignmentKind.VISIT and a.child_id == unvisited and k < UNVISITED_WEEKS:
                a.status, a.decline_reason = AssignmentStatus.DECLINED, "孩子跟奶奶回老家了"
                continue
            if rng.random() < DECLINE_SHARE:
                a.status, a.decline_reason = AssignmentStatus.DECLINED, rng.choice(DECLINE_REASONS)
                continue
            a.status = AssignmentStatus.CONFIRMED
            if day < today and rng.random() < DIARY_SHARE and not (a.volunteer_id == mother and k <= 1):
                concern = a.kind == AssignmentKind.VISIT and (
                    (a.child_id == worried and k < UNVISITED_WEEKS and worries < 2) or rng.random() < CONCERN_SHARE)
                worries += concern and a.child_id == worried
                _diary(a, day, rng, concern, approved_by=manager if k >= 2 else None)
        db.session.flush()
    db.session.commit()
    scan(org.id, today)
    if worried is not None and manager is not None:
        # The child volunteers worried about twice has a safeguarding case, entered by the manager.
        child = db.session.get_one(Child, worried)
        raise_concern(child, Severity.HIGH, "两次家访都说想妈妈、不愿说话，奶奶说最近常常一个人哭。", manager)


def _backdate(org: Organisation, start: dt.date) -> None:
    """The records were made before the history began (the warning scan counts from registration)."""
    moment = dt.datetime.combine(start - dt.timedelta(days=14), dt.time(9), dt.UTC)
    for model in (Child, Volunteer):
        db.session.execute(db.update(model).where(model.organisation_id == org.id).values(created_at=moment))


def _diary(a, day: dt.date, rng: random.Random, concern: bool, approved_by: User | None) -> None:
    """The volunteer's diary of an activity held: approved for older weeks, waiting for review for recent."""
    kind = "visit" if a.kind == AssignmentKind.VISIT else "tutoring"
    activities, text = DONE[kind]
    extra = rng.choice([-10, 0, 0, 0, 10, 15])
    end = (dt.datetime.combine(day, a.end) + dt.timedelta(minutes=extra)).time()
    if end <= a.start:
        end = a.end
    minutes = minutes_between(a.start, end)
    observations = (WORRY if concern else OBSERVATIONS) if kind == "visit" else {}
    db.session.add(DiaryEntry(
        volunteer_id=a.volunteer_id, assignment_id=a.id, child_id=a.child_id, site_id=a.site_id, served_on=day,
        started_at=a.start, ended_at=end, minutes=minutes, activities=activities, what_was_done=text,
        observations=observations, concern=concern, gained=rng.choice(["", "更有耐心了", "学会倾听"]),
        status=DiaryStatus.APPROVED if approved_by else DiaryStatus.SUBMITTED,
        reviewed_by_id=approved_by.id if approved_by else None,
        reviewed_at=dt.datetime.combine(day + dt.timedelta(days=3), dt.time(9), dt.UTC) if approved_by else None))
