"""Early warnings on hand-built histories: each sign is raised when it holds and only then; people
acknowledge and resolve them with a note; a resolved warning stays quiet; a cleared sign resolves itself."""

from __future__ import annotations

import datetime as dt
import re

from scheduler_app.earlywarning.services import act_today, scan, signs
from scheduler_app.extensions import db
from scheduler_app.models import AssignmentStatus, Child, EarlyWarning, Role, WarningState
from tests.conftest import csrf_token

EN = {"Accept-Language": "en"}
def _today() -> dt.date:
    """Today, read when a test runs (not when the module is collected: a suite may cross midnight)."""
    return dt.date.today()


def _monday() -> dt.date:
    """This week's Monday, read when a test runs."""
    return _today() - dt.timedelta(days=_today().weekday())



def backdate(*records) -> None:
    """Registered two months ago (the scan counts an unvisited child from registration)."""
    for record in records:
        record.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=60)
    db.session.commit()


def test_child_not_visited_for_three_weeks_is_warned(app, make_org, make_volunteer, make_child, make_week) -> None:
    """A child last visited three weeks ago is warned about with the days since; a child visited last week
    is not; a child whose visit this week was declined counts from the visit before; a child without home
    visits never is; the threshold is the organisation's setting."""
    org = make_org()
    mother = make_volunteer(org, "M1", max_visits_per_week=5, max_visits_per_day=3)
    lapsed, fine, declined = make_child(org, "C1"), make_child(org, "C2"), make_child(org, "C3")
    no_visits = make_child(org, "C4", visits_per_week=0, windows=())
    backdate(lapsed, fine, declined, no_visits)
    three_weeks_ago = _monday() - dt.timedelta(weeks=3)
    make_week(org, three_weeks_ago, (mother, lapsed, 5, "09:00", "10:00"), (mother, declined, 5, "10:00", "11:00"))
    make_week(org, _monday() - dt.timedelta(weeks=1), (mother, fine, 5, "09:00", "10:00"),
              (mother, declined, 5, "10:00", "11:00", AssignmentStatus.DECLINED))
    found = {k: v for k, v in signs(org.id, _today()).items() if k[0] == "not_visited"}
    visit_day = three_weeks_ago + dt.timedelta(days=5)
    days = (_today() - visit_day).days
    assert found == {("not_visited", lapsed.id, None): {"days": days, "last": visit_day.isoformat()},
                     ("not_visited", declined.id, None): {"days": days, "last": visit_day.isoformat()}}
    org.warn_after_days = days
    db.session.commit()
    assert not [k for k in signs(org.id, _today()) if k[0] == "not_visited"]


def test_concerns_missing_regular_visitor_and_declines(app, make_org, make_volunteer, make_child, make_site,
                                                       make_week, make_diary) -> None:
    """Two concern flags about one child within eight weeks raise a warning, one does not, nor do two far
    apart; a risk-4 child with visits and no regular visitor is warned about, a risk-3 one is not; three
    declines within four weeks are a warning, two are not."""
    org = make_org()
    mother, other = make_volunteer(org, "M1"), make_volunteer(org, "M2")
    worried, once, long_ago = make_child(org, "C1"), make_child(org, "C2"), make_child(org, "C3")
    high = make_child(org, "C4", risk_level=4)
    medium = make_child(org, "C5", risk_level=3)
    regular = make_child(org, "C6", risk_level=5, primary_volunteer=mother)
    make_diary(mother, worried, _today() - dt.timedelta(days=20), 60, concern=True)
    make_diary(other, worried, _today() - dt.timedelta(days=3), 60, concern=True)
    make_diary(mother, once, _today() - dt.timedelta(days=3), 60, concern=True)
    make_diary(mother, long_ago, _today() - dt.timedelta(weeks=12), 60, concern=True)
    make_diary(mother, long_ago, _today() - dt.timedelta(days=1), 60, concern=True, status="draft")
    no = AssignmentStatus.DECLINED
    make_week(org, _monday() - dt.timedelta(weeks=2), (mother, worried, 5, "09:00", "10:00", no),
              (other, once, 5, "09:00", "10:00", no))
    make_week(org, _monday() - dt.timedelta(weeks=1), (mother, once, 5, "09:00", "10:00", no),
              (mother, regular, 6, "09:00", "10:00", no), (other, high, 5, "09:00", "10:00"))
    found = {k: v for k, v in signs(org.id, _today()).items() if k[0] != "not_visited"}
    assert found == {
        ("repeated_concern", worried.id, None): {"count": 2, "last": (_today() - dt.timedelta(days=3)).isoformat()},
        ("no_regular_visitor", high.id, None): {"risk": 4},
        ("declines", None, mother.id): {"count": 3, "weeks": 4},
    }
    assert medium.id not in {k[1] for k in found}


def test_overload_is_more_than_the_limit_or_eight_hours(app, make_org, make_volunteer, make_child, make_week) -> None:
    """A volunteer given more visits than her weekly limit in two of the last four weeks is warned about;
    one week over is not enough; being at the limit is not overload."""
    org = make_org()
    busy = make_volunteer(org, "M1", max_visits_per_week=1, max_visits_per_day=2)
    steady = make_volunteer(org, "M2", max_visits_per_week=1, max_visits_per_day=2)
    a, b = make_child(org, "C1"), make_child(org, "C2")
    for weeks_ago in (1, 2):
        make_week(org, _monday() - dt.timedelta(weeks=weeks_ago), (busy, a, 5, "09:00", "10:00"),
                  (busy, b, 5, "10:00", "11:00"), (steady, a, 6, "09:00", "10:00"))
    found = {k: v for k, v in signs(org.id, _today()).items() if k[0] == "overloaded"}
    assert found == {("overloaded", None, busy.id): {"weeks": 2, "of": 4}}


def test_warning_list_acknowledge_resolve_and_quiet(app, make_org, make_user, make_volunteer, make_child,
                                                    make_week, login) -> None:
    """The manager finds the lapsed child on the list (and in the menu badge), acknowledges the warning,
    cannot resolve it without a note, resolves it with one; the next scan does not raise it again though the
    child is still unvisited. A sign that clears resolves its warning by itself."""
    org = make_org()
    mother = make_volunteer(org, "M1")
    lapsed = make_child(org, "C1", name="王欣怡")
    gap = make_child(org, "C2", name="陈子轩", risk_level=4)
    backdate(lapsed, gap)
    make_week(org, _monday() - dt.timedelta(weeks=3), (mother, lapsed, 5, "09:00", "10:00"),
              (mother, gap, 6, "09:00", "10:00"))
    client = login(make_user(Role.MANAGER, org=org))
    page = client.get("/warnings/", headers=EN).get_data(as_text=True)
    assert "王欣怡" in page and "No home visit for" in page and 'class="badge"' in page
    warning = db.session.execute(db.select(EarlyWarning).where(EarlyWarning.child_id == lapsed.id,
                                                               EarlyWarning.kind == "not_visited")).scalar_one()
    url = f"/warnings/{warning.id}"
    token = csrf_token(client, "/warnings/")
    assert client.post(url, data={"csrf_token": token, "version": "1", "acknowledge": "y"}).status_code == 302
    page = client.post(url, data={"csrf_token": token, "version": "2", "resolve": "y"}, headers=EN,
                       follow_redirects=True).get_data(as_text=True)
    assert "Say in the note what was done" in page
    db.session.expire_all()
    assert db.session.get(EarlyWarning, warning.id).state == WarningState.ACKNOWLEDGED
    db.session.rollback()
    stale = client.post(url, data={"csrf_token": token, "version": "1", "resolve": "y", "note": "x"},
                        headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "Someone else handled this warning meanwhile" in stale
    client.post(url, data={"csrf_token": token, "version": "2", "resolve": "y", "note": "孩子随奶奶回老家两周"})
    db.session.expire_all()
    handled = db.session.get(EarlyWarning, warning.id)
    assert (handled.state, handled.note) == (WarningState.RESOLVED, "孩子随奶奶回老家两周")
    db.session.rollback()
    assert scan(org.id) == 0
    unresolved = db.session.execute(db.select(EarlyWarning).where(EarlyWarning.child_id == lapsed.id,
                                                                  EarlyWarning.state != WarningState.RESOLVED))
    assert unresolved.first() is None
    gap_warning = db.session.execute(db.select(EarlyWarning).where(EarlyWarning.child_id == gap.id,
                                                                   EarlyWarning.kind == "no_regular_visitor")
                                     ).scalar_one()
    db.session.get(type(gap), gap.id).primary_volunteer_id = mother.id
    db.session.commit()
    scan(org.id)
    db.session.expire_all()
    cleared = db.session.get(EarlyWarning, gap_warning.id)
    assert cleared.state == WarningState.RESOLVED and cleared.detail.get("cleared") is True


def test_scan_command_raises_warnings(app, make_org, make_volunteer, make_child, make_week) -> None:
    """`flask scan-warnings` scans every organisation and says how many warnings it raised."""
    org = make_org(name="甲机构")
    lapsed = make_child(org, "C1")
    backdate(lapsed)
    make_week(org, _monday() - dt.timedelta(weeks=3), (make_volunteer(org, "M1", max_visits_per_week=2,
                                                                   max_visits_per_day=1), lapsed, 5, "09:00", "10:00"))
    result = app.test_cli_runner().invoke(args=["scan-warnings"])
    assert result.exit_code == 0 and "甲机构: 1 new warnings" in result.output
    assert app.test_cli_runner().invoke(args=["scan-warnings"]).output.strip().splitlines() == [
        "甲机构: 0 new warnings", "0 case escalations (overdue actions, missing mandatory reports)"]


def test_warnings_are_ordered_by_risk_and_the_long_tail_is_grouped(app, make_org, make_user, make_volunteer,
                                                                   make_child, make_week, login) -> None:
    """A risk-5 child unvisited for 57 days comes before a risk-2 child unvisited for longer and before a
    volunteer who declines often; the first screen holds only the open warnings about high-risk children, the
    rest are grouped by kind, smallest group first; dates read as dates in the reader's language."""
    org = make_org()
    mother = make_volunteer(org, "M1", name="刘桂芳")
    urgent = make_child(org, "C1", name="高风险", risk_level=5, primary_volunteer=mother)
    older = make_child(org, "C2", name="低风险久", risk_level=2)
    tail = [make_child(org, f"C{i}", name=f"低风险{i}", risk_level=1) for i in range(3, 6)]
    backdate(urgent, older, *tail)
    fifty_seven = _today() - dt.timedelta(days=57)
    make_week(org, fifty_seven - dt.timedelta(days=fifty_seven.weekday()),
              (mother, urgent, fifty_seven.weekday(), "09:00", "10:00"))
    for weeks_ago in (1, 2, 3):  # three declines in four weeks: the volunteer is warned about
        make_week(org, _monday() - dt.timedelta(weeks=weeks_ago),
                  (mother, tail[0], 5, "09:00", "10:00", AssignmentStatus.DECLINED))
    client = login(make_user(Role.MANAGER, org=org))
    page = client.get("/warnings/", headers=EN).get_data(as_text=True)
    today, _sep, rest = page.partition('class="card warning-group"')
    assert "高风险" in today and "低风险久" not in today and "刘桂芳" not in today
    assert "No home visit for 57 days; the last was on " + fifty_seven.strftime("%b %-d, %Y") in today
    groups = re.findall(r"<summary>([^<(]+) \((\d+)\)</summary>", rest)
    assert groups == [("Declines often", "1"), ("Not visited for too long", "4")]
    not_visited = rest[rest.index("Not visited for too long ("):]
    assert not_visited.index("低风险久") < not_visited.index("低风险3")  # risk 2 before risk 1
    chinese = client.get("/warnings/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert f"{fifty_seven.year}年{fifty_seven.month}月{fifty_seven.day}日" in chinese


def test_repeated_worries_are_acted_on_today_whatever_the_risk_level() -> None:
    """An open warning that volunteers worried more than once about a risk-1 child is on the first screen; an
    open one that a risk-3 child was not visited is not; one someone is on already is not, even at risk 5."""
    def warning(kind: str, risk: int, state: WarningState = WarningState.OPEN) -> EarlyWarning:
        return EarlyWarning(kind=kind, state=state, child=Child(risk_level=risk), detail={})
    assert act_today(warning("repeated_concern", 1))
    assert not act_today(warning("not_visited", 3))
    assert act_today(warning("not_visited", 4))
    assert not act_today(warning("not_visited", 5, WarningState.ACKNOWLEDGED))
