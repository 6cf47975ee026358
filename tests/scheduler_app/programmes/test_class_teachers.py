"""Class teachers: each child's class and class teacher, the teacher's home visits, and the warning raised when a
whole semester passed without one."""

from __future__ import annotations

import datetime as dt
import html

from scheduler_app.earlywarning.services import scan
from scheduler_app.extensions import db
from scheduler_app.models import AuditEvent, ChildClass, EarlyWarning, Role, SchoolTerm, TeacherVisit, WarningState
from scheduler_app.semesters import Semesters
from tests.conftest import post_form


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


AUTUMN = (dt.date(2026, 9, 1), dt.date(2027, 1, 16), "2026秋季学期")
SPRING = (dt.date(2027, 2, 20), dt.date(2027, 7, 5), "2027春季学期")


def test_without_recorded_terms_semesters_are_spring_and_autumn() -> None:
    """Spring runs February to July; autumn from August to the next January, named by the year it starts."""
    months = Semesters()
    assert months.of(dt.date(2026, 3, 9)).label == "2026-spring"
    assert (months.of(dt.date(2026, 7, 31)).last_day, months.of(dt.date(2026, 8, 1)).label) == \
        (dt.date(2026, 7, 31), "2026-autumn")
    january = months.of(dt.date(2027, 1, 20))
    assert (january.label, january.first_day, january.last_day) == ("2026-autumn", dt.date(2026, 8, 1),
                                                                    dt.date(2027, 1, 31))
    assert months.before(january).label == "2026-spring"


def test_recorded_terms_start_the_semesters_and_keep_the_holiday_after_them() -> None:
    """A recorded term's first day starts its semester, which runs until the next one starts (the winter holiday
    is the autumn term's); the month boundaries near a recorded term give way to it, those far from every term
    still count."""
    terms = Semesters((AUTUMN, SPRING))
    winter = terms.of(dt.date(2027, 1, 25))
    assert (winter.label, winter.first_day, winter.last_day) == ("2026秋季学期", dt.date(2026, 9, 1),
                                                                 dt.date(2027, 2, 19))
    assert terms.before(terms.of(dt.date(2027, 3, 1))) == winter
    summer_before = terms.of(dt.date(2026, 8, 20))  # 1 August gave way to 1 September; 1 February did not
    assert (summer_before.label, summer_before.first_day, summer_before.last_day) == \
        ("2026-spring", dt.date(2026, 2, 1), dt.date(2026, 8, 31))
    after = terms.of(dt.date(2027, 8, 10))  # no autumn 2027 recorded: the months again
    assert (after.label, after.first_day) == ("2027-autumn", dt.date(2027, 8, 1))
    assert terms.of(dt.date(2027, 7, 20)).first_day == dt.date(2027, 2, 20)


def test_terms_starting_close_together_start_one_semester_and_a_long_term_keeps_the_months() -> None:
    """Two schools' autumn terms a week apart, or a summer term seven weeks before autumn, start one semester at
    the first of them (no week-long semester to warn about); a term of a whole year still has the months' boundaries
    inside it, and a day long after the last term has its semester."""
    schools = Semesters(((dt.date(2026, 8, 25), dt.date(2027, 1, 10), "城区秋季学期"), AUTUMN, SPRING))
    autumn = schools.of(dt.date(2026, 10, 1))
    assert (autumn.label, autumn.first_day, autumn.last_day) == ("城区秋季学期", dt.date(2026, 8, 25),
                                                                 dt.date(2027, 2, 19))
    summer = Semesters(((dt.date(2026, 7, 10), dt.date(2026, 8, 20), "暑期班"), AUTUMN))
    assert summer.of(dt.date(2026, 10, 1)).first_day == dt.date(2026, 7, 10)
    year = Semesters(((dt.date(2026, 9, 1), dt.date(2027, 8, 20), "全年"),))
    assert [year.of(dt.date(2026, 12, 15)).first_day, year.of(dt.date(2027, 3, 1)).first_day] == \
        [dt.date(2026, 9, 1), dt.date(2027, 2, 1)]
    late = Semesters(((dt.date(2026, 12, 1), dt.date(2027, 11, 30), "全年"),))  # the last start of all
    assert late.of(dt.date(2026, 12, 15)).first_day == dt.date(2026, 12, 1)
    assert late.of(dt.date(2031, 5, 1)).label == "2031-spring"


def test_the_warning_reads_the_organisations_own_terms(app, make_org, make_child) -> None:
    """With the terms recorded, a visit in the summer holiday before the autumn term does not count for it (by the
    months it would), one in the winter holiday after it does; the warning names the recorded term."""
    org = make_org()
    summer, winter = make_child(org, "C1"), make_child(org, "C2")
    for child in (summer, winter):
        child.created_at = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
        db.session.add(ChildClass(child_id=child.id, teacher_name="刘老师"))
    db.session.add_all([SchoolTerm(organisation_id=org.id, name=name, first_day=first, last_day=last)
                        for first, last, name in (AUTUMN, SPRING)])
    db.session.add_all([TeacherVisit(child_id=summer.id, visited_on=dt.date(2026, 8, 20), teacher_name="刘老师"),
                        TeacherVisit(child_id=winter.id, visited_on=dt.date(2027, 1, 25), teacher_name="刘老师")])
    db.session.commit()
    scan(org.id, dt.date(2027, 3, 1))
    warnings = db.session.execute(db.select(EarlyWarning).where(EarlyWarning.kind == "no_teacher_visit")
                                  ).scalars().all()
    assert [(w.child_id, w.detail) for w in warnings] == [(summer.id, {"semester": "2026秋季学期",
                                                                       "last": "2026-08-20"})]


def test_the_class_page_names_the_semester_of_the_recorded_terms(app, make_org, make_user, make_child,
                                                                 login) -> None:
    """The class-teachers page counts visits in the term covering today and names it; without terms, the
    semester by the months."""
    org = make_org()
    make_child(org, "C1")
    client = login(make_user(Role.COORDINATOR, org=org))
    today = dt.date.today()
    season = "Spring" if 2 <= today.month < 8 else "Autumn"
    assert f"This semester: {season} semester" in _text(client.get("/programmes/classes",
                                                                   headers={"Accept-Language": "en"}))
    db.session.add(SchoolTerm(organisation_id=org.id, name="本学期", first_day=today - dt.timedelta(days=10),
                              last_day=today + dt.timedelta(days=60)))
    db.session.commit()
    assert "This semester: 本学期" in _text(client.get("/programmes/classes", headers={"Accept-Language": "en"}))


def test_a_teachers_visit_entered_in_error_is_taken_back(app, make_org, make_user, make_child, sign_in) -> None:
    """A coordinator removes a visit entered in error: it no longer counts, the audit log keeps its date and
    teacher; a manager may not, and another organisation's coordinator gets 404."""
    org, other = make_org(), make_org("Other")
    child = make_child(org, "C1")
    visit = TeacherVisit(child_id=child.id, visited_on=dt.date.today(), teacher_name="刘老师")
    db.session.add(visit)
    db.session.commit()
    visit_id = visit.id
    page, action = f"/programmes/children/{child.id}/school", f"/programmes/teacher-visits/{visit_id}/remove"
    manager = sign_in(make_user(Role.MANAGER, org=org))
    assert post_form(manager, action, {}, page="/auth/password").status_code == 403
    stranger = sign_in(make_user(Role.COORDINATOR, org=other))
    assert post_form(stranger, action, {}, page="/auth/password").status_code == 404
    assert post_form(sign_in(make_user(Role.COORDINATOR, org=org)), action, {}, page=page).status_code == 302
    assert db.session.execute(db.select(TeacherVisit)).first() is None
    assert db.session.execute(db.select(AuditEvent.detail).where(
        AuditEvent.action == "teacher_visit_removed")).scalar_one() == {
            "visit_id": visit_id, "visited_on": dt.date.today().isoformat(), "teacher_name": "刘老师"}


def test_a_coordinator_records_the_class_and_a_teachers_visit(app, make_org, make_user, make_child, login) -> None:
    """The class and teacher are saved for the child; a visit is recorded; one dated in the future is refused
    with the field named and nothing stored."""
    org = make_org()
    child = make_child(org, "C1", school="陶店乡小学")
    client = login(make_user(Role.COORDINATOR, org=org))
    page = f"/programmes/children/{child.id}/school"
    assert post_form(client, page, {"class_name": "三年级二班", "teacher_name": "刘老师",
                                    "teacher_phone": "13800001111"}).status_code == 302
    record = db.session.execute(db.select(ChildClass)).scalar_one()
    assert (record.child_id, record.class_name, record.teacher_name) == (child.id, "三年级二班", "刘老师")
    db.session.rollback()
    visits = f"/programmes/children/{child.id}/teacher-visits"
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = post_form(client, visits, {"visited_on": future, "teacher_name": "刘老师"}, page=page,
                         headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "it is in the future" in _text(response)
    assert db.session.execute(db.select(TeacherVisit)).first() is None
    assert post_form(client, visits, {"visited_on": dt.date.today().isoformat(), "teacher_name": "刘老师",
                                      "notes": "家里很整洁"}, page=page).status_code == 302
    assert db.session.execute(db.select(TeacherVisit.notes)).scalar_one() == "家里很整洁"
    db.session.rollback()
    assert "刘老师" in _text(client.get("/programmes/classes"))


def test_a_semester_without_a_teachers_visit_raises_a_warning(app, make_org, make_child) -> None:
    """In the autumn, a child with a class teacher and no visit in the spring semester is warned about; one
    visited in the spring is not, nor one without a class teacher on record; a visit recorded later clears it."""
    org = make_org()
    unvisited, visited, unknown = (make_child(org, code) for code in ("C1", "C2", "C3"))
    for child in (unvisited, visited, unknown):
        child.created_at = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    db.session.add_all([ChildClass(child_id=unvisited.id, teacher_name="刘老师"),
                        ChildClass(child_id=visited.id, teacher_name="王老师"),
                        TeacherVisit(child_id=visited.id, visited_on=dt.date(2026, 5, 12), teacher_name="王老师"),
                        TeacherVisit(child_id=unvisited.id, visited_on=dt.date(2025, 11, 2), teacher_name="刘老师")])
    db.session.commit()
    today = dt.date(2026, 9, 14)
    scan(org.id, today)
    warnings = db.session.execute(db.select(EarlyWarning).where(EarlyWarning.kind == "no_teacher_visit")
                                  ).scalars().all()
    assert [(w.child_id, w.detail) for w in warnings] == [(unvisited.id, {"semester": "2026-spring",
                                                                          "last": "2025-11-02"})]
    db.session.add(TeacherVisit(child_id=unvisited.id, visited_on=dt.date(2026, 6, 30), teacher_name="刘老师"))
    db.session.commit()
    scan(org.id, today)
    db.session.expire_all()
    assert db.session.get(EarlyWarning, warnings[0].id).state == WarningState.RESOLVED


def test_the_warning_reads_in_the_warnings_list(app, make_org, make_user, make_child, login) -> None:
    """The warnings page (which scans first) says a child with a class teacher went a semester without a visit."""
    org = make_org()
    child = make_child(org, "C1")
    child.created_at = dt.datetime(2020, 1, 6, tzinfo=dt.UTC)  # registered long before the last semester
    db.session.add(ChildClass(child_id=child.id, teacher_name="刘老师"))
    db.session.commit()
    client = login(make_user(Role.MANAGER, org=org))
    assert "No class teacher visited her at home last semester, nor ever before." in \
        _text(client.get("/warnings/", headers={"Accept-Language": "en"}))
