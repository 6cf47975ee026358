"""Diary review through the real forms: only approved hours count; approve is all or none; return with a
comment sends an entry back to its volunteer."""

from __future__ import annotations

import datetime as dt

from scheduler_app.extensions import db
from scheduler_app.models import AuditEvent, DiaryEntry, DiaryStatus, Role
from tests.conftest import csrf_token
from tests.forms import form_data

EN = {"Accept-Language": "en"}
DAY = dt.date(2026, 11, 7)


def test_manager_approves_ticked_entries_and_only_approved_hours_count(app, make_org, make_user, make_volunteer,
                                                                       make_child, make_diary, login) -> None:
    """Two entries ticked and approved become approved hours on the volunteer's page; the one left
    unticked still waits. Entries with a concern come first, and reading the list is logged."""
    org = make_org()
    mother = make_volunteer(org, "M1", name="李春梅")
    child = make_child(org, "C1", name="王欣怡")
    first = make_diary(mother, child, DAY, 90)
    worried = make_diary(mother, child, DAY + dt.timedelta(days=1), 60, concern=True)
    later = make_diary(mother, child, DAY + dt.timedelta(days=7), 45)
    ids = [first.id, worried.id, later.id]
    manager = login(make_user(Role.MANAGER, org=org))
    page = manager.get("/diaries/", headers=EN).get_data(as_text=True)
    assert page.index("Nov 8, 2026") < page.index("Nov 7, 2026") < page.index("Nov 14, 2026")  # concern first
    assert "3 entries, 3.2 hours." in page
    data = form_data(page, form_index=1)
    data["entry"] = [f"{ids[0]}:1", f"{ids[1]}:1"]
    assert manager.post("/diaries/approve", data=data).status_code == 302
    db.session.expire_all()
    states = [db.session.get(DiaryEntry, i).status for i in ids]
    assert states == [DiaryStatus.APPROVED, DiaryStatus.APPROVED, DiaryStatus.SUBMITTED]
    events = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "diaries_listed")).scalars().all()
    assert events and events[0].detail["children"] == [child.id]
    db.session.rollback()
    manager.post("/auth/logout", data={"csrf_token": csrf_token(manager, "/")})
    volunteer = login(make_user(Role.VOLUNTEER, org=org, volunteer=mother))
    hours = volunteer.get("/me/hours", headers=EN).get_data(as_text=True)
    assert "<span class=\"num\">2.5</span> hours approved" in hours
    assert "<span class=\"num\">0.8</span> hours waiting for approval" in hours


def test_approval_is_all_or_none(app, make_org, make_user, make_volunteer, make_child, make_diary, login) -> None:
    """If one ticked entry changed since the list was opened, nothing is approved and the message names it."""
    org = make_org()
    mother = make_volunteer(org, "M1", name="李春梅")
    child = make_child(org, "C1")
    one, two = make_diary(mother, child, DAY, 60), make_diary(mother, child, DAY + dt.timedelta(days=1), 60)
    manager = login(make_user(Role.MANAGER, org=org))
    data = form_data(manager.get("/diaries/").get_data(as_text=True), form_index=1)
    two.what_was_done = "改过"  # the volunteer edits it meanwhile (her version moves on)
    db.session.commit()
    data["entry"] = [f"{one.id}:1", f"{two.id}:1"]
    page = manager.post("/diaries/approve", data=data, headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "李春梅, 2026-11-08 was changed since the list was opened; nothing was approved." in page
    db.session.expire_all()
    assert {e.status for e in db.session.execute(db.select(DiaryEntry)).scalars()} == {DiaryStatus.SUBMITTED}


def test_returned_entry_goes_back_to_its_volunteer(app, make_org, make_user, make_volunteer, make_child,
                                                   login) -> None:
    """A returned entry carries the comment to the volunteer, who changes it and hands it in again; an
    approved entry can no longer be returned."""
    from tests.scheduler_app.test_me import published_visit
    org = make_org()
    mother = make_volunteer(org, "M1")
    visit_id = published_visit(org, mother, make_child(org, "C1"), days_ago=2).id
    volunteer_account = make_user(Role.VOLUNTEER, org=org, volunteer=mother)
    manager_account = make_user(Role.MANAGER, org=org)
    client = login(volunteer_account)
    url = f"/me/assignments/{visit_id}/diary"
    data = form_data(client.get(url).get_data(as_text=True))
    data["send"] = ["y"]
    assert client.post(url, data=data).status_code == 302
    entry_id = db.session.execute(db.select(DiaryEntry.id)).scalar_one()
    db.session.rollback()
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    login(manager_account)
    assert client.post(f"/diaries/{entry_id}/return", data=form_data(
        client.get(f"/diaries/{entry_id}/return").get_data(as_text=True))).status_code == 422  # comment required
    data = form_data(client.get(f"/diaries/{entry_id}/return").get_data(as_text=True))
    data["comment"] = ["请写明孩子的情绪情况"]
    assert client.post(f"/diaries/{entry_id}/return", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(DiaryEntry, entry_id).status == DiaryStatus.RETURNED
    db.session.rollback()
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    login(volunteer_account)
    page = client.get(url).get_data(as_text=True)
    assert "请写明孩子的情绪情况" in page
    data = form_data(page)
    data.update({"emotional": ["开心了一些"], "send": ["y"]})
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(DiaryEntry, entry_id).status == DiaryStatus.SUBMITTED


def test_queue_filters(app, make_org, make_user, make_volunteer, make_child, make_site, make_diary, login) -> None:
    """The queue filters by volunteer, by site (its sessions and its children's visits), by week and by
    concern; drafts never show."""
    org = make_org()
    site = make_site(org, name="堵城小学")
    one, two = make_volunteer(org, "M1", name="甲"), make_volunteer(org, "M2", name="乙")
    at_site = make_child(org, "C1", name="王欣怡", site=site)
    elsewhere = make_child(org, "C2", name="陈子轩")
    a = make_diary(one, at_site, DAY, 60, concern=True)
    b = make_diary(two, elsewhere, DAY + dt.timedelta(days=7), 60)
    c = make_diary(two, site, DAY - dt.timedelta(days=2), 60)
    make_diary(one, elsewhere, DAY, 60, status="draft")
    manager = login(make_user(Role.MANAGER, org=org))

    def shown(query: str) -> set[int]:
        page = manager.get("/diaries/?" + query).get_data(as_text=True)
        return {e for e in (a.id, b.id, c.id) if f'value="{e}:1"' in page}

    assert shown("") == {a.id, b.id, c.id}
    assert shown(f"volunteer={two.id}&status=submitted") == {b.id, c.id}
    assert shown(f"site={site.id}&status=submitted") == {a.id, c.id}
    assert shown("week=2026-11-04&status=submitted") == {a.id, c.id}
    assert shown("concern=y&status=submitted") == {a.id}


def test_the_queue_shows_a_page_at_a_time_with_the_totals_of_all(app, make_org, make_user, make_volunteer,
                                                                 make_child, make_diary, login) -> None:
    """With 23 entries waiting, page 1 shows the first 20 (the worried one first), page 2 the last 3; both say
    23 entries and their hours, and only the children whose entries are shown are logged as read."""
    from scheduler_app.diaries.services import PAGE_SIZE
    org = make_org()
    mother = make_volunteer(org, "M1", name="李春梅")
    children = [make_child(org, f"C{i:02d}") for i in range(23)]
    for i, child in enumerate(children):
        make_diary(mother, child, DAY + dt.timedelta(days=i), 60, concern=i == 22)
    manager = login(make_user(Role.MANAGER, org=org))
    first = manager.get("/diaries/", headers=EN).get_data(as_text=True)
    second = manager.get("/diaries/?status=submitted&page=2", headers=EN).get_data(as_text=True)
    assert PAGE_SIZE == 20
    for page in (first, second):
        assert "23 entries, 23.0 hours." in page
    assert first.count('name="entry"') == 20 and second.count('name="entry"') == 3
    assert first.index("Nov 29, 2026") < first.index("Nov 7, 2026")  # the concern (the last day) leads page 1
    assert "Page 1 of 2." in first and 'href="/diaries/?page=2"' in first
    assert "Page 2 of 2." in second and '<span aria-current="page" class="current">2</span>' in second
    events = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "diaries_listed")
                                .order_by(AuditEvent.id)).scalars().all()
    assert [len(e.detail["children"]) for e in events] == [20, 3]
    assert set(events[0].detail["children"]).isdisjoint(events[1].detail["children"])


def test_a_social_workers_interview_diary_is_reviewed_in_the_same_queue(app, make_org, make_user, make_child,
                                                                        login) -> None:
    """The diary a social worker hands in about her family interview waits in the managers' queue, named as an
    interview; approved there, it counts in her approved hours."""
    from tests.scheduler_app.test_me import published_visit
    org = make_org()
    worker = make_user(Role.SOCIAL_WORKER, org=org, display_name="张社工")
    child = make_child(org, "C1", name="王欣怡")
    child.social_worker_id = worker.volunteer_id
    db.session.commit()
    interview = published_visit(org, worker.volunteer, child, days_ago=2).id
    manager_account = make_user(Role.MANAGER, org=org)
    client = login(worker)
    url = f"/me/assignments/{interview}/diary"
    data = form_data(client.get(url).get_data(as_text=True))
    data.update({"what_was_done": ["与奶奶面谈"], "send": ["y"]})
    assert client.post(url, data=data).status_code == 302
    entry_id = db.session.execute(db.select(DiaryEntry.id)).scalar_one()
    db.session.rollback()
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    login(manager_account)
    page = client.get("/diaries/", headers=EN).get_data(as_text=True)
    assert f'value="{entry_id}:' in page and "1 entry, 1.0 hours." in page
    assert "Family interview: 王欣怡" in page and "Home visit" not in page
    data = form_data(page, form_index=1)
    data["entry"] = [f"{entry_id}:1"]
    assert client.post("/diaries/approve", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(DiaryEntry, entry_id).status == DiaryStatus.APPROVED
    db.session.rollback()
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    login(worker)
    hours = client.get("/me/hours", headers=EN).get_data(as_text=True)
    assert '<span class="num">1.0</span> hours approved' in hours
    assert '<span class="num">0.0</span> hours waiting for approval' in hours
