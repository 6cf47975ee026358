"""Messages outside the app, through real parts: a local SMTP server (aiosmtpd) and a local webhook receiver
(Apprise json://), the real outbox on SQLite and PostgreSQL, the real `flask send-messages` process."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduler_app.extensions import db
from scheduler_app.me.services import decline, save_diary
from scheduler_app.messages.events import plan_due
from scheduler_app.messages.sender import send_due
from scheduler_app.models import (
    AssignmentStatus,
    Message,
    MessageChannel,
    MessageState,
    Notification,
    Role,
    RosterStatus,
    as_utc,
)
from scheduler_app.rosters.services import publish
from tests.conftest import free_port, post_form
from tests.forms import form_data

ROOT = Path(__file__).resolve().parents[2]
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 12, 7)
SATURDAY = MONDAY + dt.timedelta(days=5)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    """A moment on the organisation's clock (Asia/Shanghai), in UTC."""
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), SHANGHAI).astimezone(dt.UTC)


@pytest.fixture
def world(app, inbox, make_org, make_user, make_volunteer, make_child, make_site, make_channel, reach):
    """An organisation with an e-mail and a webhook channel; 芳 (a volunteer mother, on both) visits 王小红 of
    石桥村 on Saturday; 兰 is free then; a coordinator and a manager on e-mail."""
    from scheduler_app.models import Village
    org = make_org("爱心站")
    email = make_channel(org, "email", smtp_port=inbox.smtp_port)
    group = make_channel(org, "apprise", url=inbox.webhook)
    village = Village(organisation_id=org.id, name="石桥村", lat=30.452, lon=114.879)
    child = make_child(org, "C1", name="王小红", village=village, guardian_name="王奶奶", guardian_phone="13900000000",
                       school="石桥中心小学")
    fang = make_volunteer(org, "M1", name="李芳")
    lan = make_volunteer(org, "M2", name="张兰", max_visits_per_week=3, max_visits_per_day=2)
    site = make_site(org, "S1", name="石桥小学课堂", days=(0,))
    mother = reach(make_user(Role.VOLUNTEER, org=org, volunteer=fang, display_name="李芳"), email, group,
                   email="fang@example.org")
    coordinator = reach(make_user(Role.COORDINATOR, org=org, display_name="协调员"), email, email="co@example.org")
    manager = reach(make_user(Role.MANAGER, org=org, display_name="主任"), email, email="boss@example.org")
    return {"org": org, "email": email, "group": group, "child": child, "fang": fang, "lan": lan, "site": site,
            "mother": mother, "coordinator": coordinator, "manager": manager}


def _saturday_week(make_week, w, status=RosterStatus.PUBLISHED, monday_session=False):
    """芳's week: the Saturday visit to 小红 (and a Monday session at the school when asked)."""
    activities = [(w["fang"], w["child"], 5, "09:00", "10:00", AssignmentStatus.PLANNED)]
    if monday_session:
        activities.append((w["fang"], w["site"], 0, "16:30", "18:00", AssignmentStatus.PLANNED))
    roster = make_week(w["org"], MONDAY, *activities)
    roster.status = status
    db.session.commit()
    return roster


def _messages(**where) -> list[Message]:
    db.session.rollback()
    stmt = db.select(Message).order_by(Message.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Message, key) == value)
    return list(db.session.execute(stmt).scalars())


def test_a_published_week_reaches_each_volunteer_with_her_own_activities_on_her_channels(
        app, world, inbox, make_week, login) -> None:
    roster = _saturday_week(make_week, world, RosterStatus.DRAFT, monday_session=True)
    client = login(world["coordinator"])
    response = post_form(client, f"/rosters/{MONDAY}/rosters/{roster.id}/publish",
                         {"version": str(roster.version_id)}, page=f"/rosters/{MONDAY}")
    assert response.status_code == 302
    assert [m.kind for m in _messages()] == ["week_published", "week_published"]
    done = send_due()
    assert (done.sent, done.retrying, done.failed) == (2, 0, 0)
    (to, subject, text, _id), = inbox.mails
    assert to == "fang@example.org" and "12-07" in subject
    assert "16:30–18:00" in text and "石桥小学课堂" in text
    assert "小红" in text and "石桥村" in text  # her given name and village: what the visit needs
    (path, title, message), = inbox.posts
    assert path == "/peiban" and title == subject and message.startswith("致 李芳")  # a group: whom it is for
    assert db.session.execute(db.select(Notification)).scalar_one().kind == "week_published"  # and in the app


def test_a_message_is_in_its_recipients_language(app, world, inbox, make_week) -> None:
    world["mother"].locale = "en"
    db.session.commit()
    roster = _saturday_week(make_week, world, RosterStatus.DRAFT)
    with app.test_request_context():
        publish(world["org"].id, roster.id, roster.version_id)
    send_due()
    (_to, subject, text, _id), = inbox.mails
    assert subject == "Your week from 12-07 is published"
    assert "home visit to 小红 (石桥村)" in text


def test_a_message_is_put_once_per_event_recipient_and_channel(app, world, inbox, make_week) -> None:
    _saturday_week(make_week, world)
    now = at(SATURDAY - dt.timedelta(days=1), "19:30")
    plan_due(now)
    plan_due(now + dt.timedelta(minutes=5))  # cron's next run: nothing new
    assert [(m.kind, m.channel_id) for m in _messages()] == [("reminder", world["email"].id),
                                                            ("reminder", world["group"].id)]
    send_due(now)
    send_due(now + dt.timedelta(minutes=5))
    assert len(inbox.mails) == 1 and len(inbox.posts) == 1


def test_the_evening_before_an_activity_its_volunteer_is_reminded_from_the_organisations_time(
        app, world, inbox, make_week) -> None:
    _saturday_week(make_week, world)
    friday = SATURDAY - dt.timedelta(days=1)
    assert plan_due(at(friday, "18:59")) == 0  # the organisation's reminder time is 19:00
    plan_due(at(friday, "19:00"))
    send_due(at(friday, "19:00"))
    (to, subject, text, _id), = inbox.mails
    assert to == "fang@example.org"
    assert subject == "明天：家访 小红（石桥村） 09:00"
    assert "周六 12-12 09:00–10:00" in text


def test_quiet_hours_hold_a_message_until_they_end(app, world, inbox, make_week, reach) -> None:
    reach(world["mother"], world["email"], email="fang@example.org", quiet=("18:00", "20:30"))
    _saturday_week(make_week, world)
    friday = SATURDAY - dt.timedelta(days=1)
    plan_due(at(friday, "19:05"))
    (message,) = _messages()
    assert as_utc(message.due_at) == at(friday, "20:30")
    assert send_due(at(friday, "20:29")).sent == 0 and inbox.mails == []
    assert send_due(at(friday, "20:30")).sent == 1 and len(inbox.mails) == 1


def test_quiet_hours_across_midnight_end_the_next_morning(app, world, inbox, make_week, reach) -> None:
    reach(world["mother"], world["email"], email="fang@example.org", quiet=("19:00", "07:00"))
    _saturday_week(make_week, world)
    friday = SATURDAY - dt.timedelta(days=1)
    plan_due(at(friday, "19:30"))
    assert send_due(at(friday, "23:59")).sent == 0
    assert send_due(at(SATURDAY, "07:00")).sent == 1


def test_a_diary_missing_a_day_after_the_activity_is_asked_for_once(app, world, inbox, make_week) -> None:
    _saturday_week(make_week, world)
    assert plan_due(at(SATURDAY, "23:00")) == 0
    sunday = SATURDAY + dt.timedelta(days=1)
    plan_due(at(sunday, "09:59"))  # the visit ended at 10:00 on Saturday
    assert not [m for m in _messages() if m.kind == "diary_missing"]
    plan_due(at(sunday, "10:00"))
    plan_due(at(sunday, "20:00"))
    asked = [m for m in _messages() if m.kind == "diary_missing"]
    assert len(asked) == 2  # e-mail and the group, once each: the Saturday visit ended 24 h ago
    send_due(at(sunday, "20:00"))
    assert any("日记" in subject and "小红" in subject for _to, subject, _t, _i in inbox.mails)


def test_a_handed_in_diary_is_not_asked_for(app, world, inbox, make_week) -> None:
    roster = _saturday_week(make_week, world)
    visit = next(a for a in roster.assignments if a.child_id is not None)
    with app.test_request_context():
        save_diary(world["fang"], visit, _diary_values(concern=False), hand_in=True, version=None, today=SATURDAY)
    plan_due(at(SATURDAY + dt.timedelta(days=2), "12:00"))
    assert not [m for m in _messages() if m.kind == "diary_missing" and m.event_key.endswith(f":{visit.id}")]


def _diary_values(concern: bool) -> dict:
    return {"started_at": dt.time(9), "ended_at": dt.time(10), "activities": ["talk"], "what_was_done": "聊天",
            "gained": "", "observations": {"emotional": "想妈妈"}, "concern": concern}


def test_a_diary_with_a_concern_reaches_the_managers_the_same_day_on_their_own_email_only(
        app, world, inbox, make_week, reach) -> None:
    reach(world["manager"], world["email"], world["group"], email="boss@example.org")
    roster = _saturday_week(make_week, world)
    visit = next(a for a in roster.assignments if a.child_id is not None)
    with app.test_request_context():
        save_diary(world["fang"], visit, _diary_values(concern=True), hand_in=True, version=None, today=SATURDAY)
    assert send_due().sent == 1
    (to, subject, text, _id), = inbox.mails
    assert to == "boss@example.org"
    assert subject == "日记中有担忧：小红（石桥村）"
    assert "想妈妈" not in text  # the observation stays in the app
    assert inbox.posts == []  # not to the group she also reads


def test_a_decline_tells_the_coordinator_at_once_with_the_best_volunteer_free_to_take_it_over(
        app, world, inbox, make_week) -> None:
    app.config["PEIBAN_BASE_URL"] = "https://peiban.ngo.example"
    roster = _saturday_week(make_week, world)
    visit = next(a for a in roster.assignments if a.child_id is not None)
    with app.test_request_context():
        decline(visit, "家里有事")
    send_due()
    (to, subject, text, _id), = inbox.mails
    assert to == "co@example.org"
    assert subject.startswith("李芳不能来：家访 小红（石桥村）")
    assert "张兰（M2）" in text
    assert "家里有事" not in text  # her reason may name a family: it stays in the app
    link = next(line for line in text.splitlines() if line.startswith("https://"))
    assert link == (f"https://peiban.ngo.example/rosters/{MONDAY}/assignments/{visit.id}?to={world['lan'].id}")


def test_the_decline_link_opens_the_assignment_with_the_free_volunteer_chosen(
        app, world, inbox, make_week, login) -> None:
    roster = _saturday_week(make_week, world)
    visit = next(a for a in roster.assignments if a.child_id is not None)
    client = login(world["coordinator"])
    page = client.get(f"/rosters/{MONDAY}/assignments/{visit.id}?to={world['lan'].id}").get_data(as_text=True)
    assert form_data(page)["volunteer"] == [str(world["lan"].id)]  # one tap on Give hands it to 兰


def test_the_daily_digest_counts_the_open_warnings_for_managers_and_coordinators(
        app, world, inbox, make_child) -> None:
    make_child(world["org"], "C2", name="赵小军", risk_level=5, visits_per_week=1)  # high risk, no regular visitor
    today = dt.date(2026, 12, 8)
    assert plan_due(at(today, "07:59")) == 0
    plan_due(at(today, "08:00"))
    plan_due(at(today, "09:00"))
    send_due(at(today, "09:00"))
    assert sorted(to for to, *_rest in inbox.mails) == ["boss@example.org", "co@example.org"]  # once a day each
    for _to, subject, text, _id in inbox.mails:
        assert subject == "陪伴：有 1 条预警要看"
        assert text.splitlines()[0] == "高风险儿童没有固定探访人：1"
        assert "赵小军" not in text and "小军" not in text  # counts only


def test_someone_with_no_address_gets_the_app_notice_only(app, world, inbox, make_week, reach) -> None:
    reach(world["mother"], world["email"], email="")  # e-mail chosen, but no address
    roster = _saturday_week(make_week, world, RosterStatus.DRAFT)
    with app.test_request_context():
        publish(world["org"].id, roster.id, roster.version_id)
    assert _messages() == []
    assert db.session.execute(db.select(Notification)).scalar_one().volunteer_id == world["fang"].id


def test_a_channel_that_refuses_connections_keeps_its_messages_for_later_while_others_go_on(
        app, world, inbox, make_week, make_channel, reach, login) -> None:
    app.config.update(PEIBAN_MESSAGE_ATTEMPTS=3, PEIBAN_MESSAGE_RETRY_SECONDS=60.0)
    dead = make_channel(world["org"], "apprise", url=f"json://127.0.0.1:{free_port()}/hook", label="坏的群")
    reach(world["mother"], world["email"], dead, email="fang@example.org")
    _saturday_week(make_week, world)
    now = at(SATURDAY - dt.timedelta(days=1), "19:10")
    plan_due(now)
    first = send_due(now)
    assert (first.sent, first.retrying) == (1, 1)
    assert len(inbox.mails) == 1
    (waiting,) = _messages(channel_id=dead.id)
    assert waiting.state == MessageState.QUEUED and waiting.attempts == 1
    assert waiting.last_error == "A Connection error occurred sending JSON notification to 127.0.0.1."
    delays = [waiting.due_at]
    assert send_due(now + dt.timedelta(seconds=59)).retrying == 0  # not due yet
    second = send_due(now + dt.timedelta(seconds=60))
    assert second.retrying == 1
    delays.append(_messages(channel_id=dead.id)[0].due_at)
    assert delays[1] - delays[0] >= dt.timedelta(seconds=119)  # the delay doubles
    third = send_due(now + dt.timedelta(hours=1))
    assert third.failed == 1
    (given_up,) = _messages(channel_id=dead.id)
    assert given_up.state == MessageState.FAILED and given_up.attempts == 3
    html = login(world["coordinator"]).get("/messages/log?state=failed").get_data(as_text=True)
    assert "已放弃" in html and "坏的群" in html and given_up.last_error[:20].replace("'", "&#39;") in html


def _sender(app, **settings: str) -> subprocess.Popen:
    """`flask send-messages` in its own process, on the test's database."""
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "PEIBAN_SECRET_KEY": "test-secret",
           "FLASK_APP": "scheduler_app:create_app()", "REDIS_URL": "", **settings}
    return subprocess.Popen([sys.executable, "-m", "flask", "send-messages"], env=env, cwd=ROOT,  # noqa: S603
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_a_sender_killed_mid_batch_and_run_again_sends_each_message_exactly_once(
        app, world, inbox, make_volunteer, make_user, make_week, reach) -> None:
    volunteers = [world["fang"]] + [make_volunteer(world["org"], f"M{n}", name=f"志愿者{n}") for n in range(3, 7)]
    for n, volunteer in enumerate(volunteers[1:], start=3):
        reach(make_user(Role.VOLUNTEER, org=world["org"], volunteer=volunteer), world["email"],
              email=f"v{n}@example.org")
    reach(world["mother"], world["email"], email="fang@example.org")
    roster = make_week(world["org"], MONDAY, *[(v, world["child"] if i == 0 else world["site"], i % 7, "16:30",
                                               "18:00", AssignmentStatus.PLANNED) for i, v in enumerate(volunteers)])
    roster.status = RosterStatus.DRAFT
    db.session.commit()
    with app.test_request_context():
        publish(world["org"].id, roster.id, roster.version_id)
    assert len(_messages()) == 5
    inbox.stall_at = 3
    db.session.close()  # the test holds no transaction while the sender runs
    sender = _sender(app, PEIBAN_MESSAGE_LEASE_SECONDS="10")
    assert inbox.stalled.wait(60), sender.communicate(timeout=5)[0]
    os.killpg(sender.pid, signal.SIGKILL)  # killed while the third e-mail waits for the server's answer
    sender.wait(timeout=10)
    inbox.release.set()
    assert len(inbox.mails) == 2
    claimed = [m for m in _messages() if m.state == MessageState.QUEUED]
    assert len(claimed) == 3 and all(m.claim for m in claimed)
    lease_ends = max(as_utc(m.claimed_until) for m in claimed)
    db.session.close()
    again = _sender(app)
    output = again.communicate(timeout=60)[0]
    if dt.datetime.now(dt.UTC) < lease_ends:  # (a machine slow enough to start it after the lease says nothing)
        assert output.startswith("0 sent"), output  # the dead sender's claim still holds
    time.sleep(max(0.0, (lease_ends - dt.datetime.now(dt.UTC)).total_seconds()) + 0.2)
    db.session.close()
    last = _sender(app)
    output = last.communicate(timeout=60)[0]
    assert output.startswith("3 sent"), output
    addresses = sorted(to for to, *_rest in inbox.mails)
    assert addresses == sorted({"fang@example.org", *(f"v{n}@example.org" for n in range(3, 7))})
    assert len({message_id for *_rest, message_id in inbox.mails}) == 5
    assert all(m.state == MessageState.SENT and m.claim is None for m in _messages())


def test_channel_secrets_are_stored_sealed_and_shown_back_only_by_their_last_four(
        app, world, make_user, login) -> None:
    admin = make_user(Role.ADMIN, org=world["org"])
    client = login(admin)
    url = "wecombot://0123456789abcdef-robot-key-wxyz"
    response = post_form(client, "/messages/channels", {"kind": "apprise", "label": "志愿者企业微信群", "secret": url,
                                                         "smtp_port": "587", "smtp_security": "starttls",
                                                         "active": "y"})
    assert response.status_code == 302
    stored = db.session.execute(db.select(MessageChannel).where(MessageChannel.label == "志愿者企业微信群")
                                ).scalar_one()
    assert url not in stored.secret_sealed and "robot-key" not in stored.secret_sealed
    html = client.get("/messages/channels").get_data(as_text=True)
    assert "••••wxyz" in html and url not in html and "robot-key" not in html
    edit = client.get(f"/messages/channels/{stored.id}").get_data(as_text=True)
    assert "robot-key" not in edit and "••••wxyz" in edit
    # Saved again without a secret: the stored one is kept.
    post_form(client, f"/messages/channels/{stored.id}", {"kind": "apprise", "label": "群", "smtp_port": "587",
                                                            "smtp_security": "starttls", "active": "y"})
    db.session.rollback()
    from scheduler_app.messages.sealing import unseal
    assert unseal(db.session.get(MessageChannel, stored.id).secret_sealed) == url


def test_bad_channel_input_names_the_field_and_changes_nothing(app, world, make_user, login) -> None:
    client = login(make_user(Role.ADMIN, org=world["org"]))
    before = len(db.session.execute(db.select(MessageChannel)).scalars().all())
    for data, field_text in (({"kind": "apprise", "label": "群", "secret": "not a url"}, "Apprise 地址以类型开头"),
                             ({"kind": "apprise", "label": "群", "secret_env": "DATABASE_URL"}, "PEIBAN_CHANNEL_"),
                             ({"kind": "apprise", "label": "群", "secret_env": "PEIBAN_CHANNEL_NOT_SET"}, "没有设置"),
                             ({"kind": "email", "label": "邮件", "sender": "peiban@ngo.example"}, "SMTP 服务器的地址")):
        response = post_form(client, "/messages/channels", {"smtp_port": "587", "smtp_security": "starttls", **data},
                             headers={"Accept-Language": "zh-CN"})
        assert response.status_code == 422, data
        assert field_text in response.get_data(as_text=True), data
    db.session.rollback()
    assert len(db.session.execute(db.select(MessageChannel)).scalars().all()) == before


def test_the_test_button_sends_a_test_message_on_the_channel_and_says_why_not(
        app, world, inbox, make_user, make_channel, login, reach) -> None:
    admin = reach(make_user(Role.ADMIN, org=world["org"]), email="admin@example.org")
    client = login(admin)
    response = post_form(client, f"/messages/channels/{world['group'].id}/test", {}, page="/messages/channels",
                         follow_redirects=True)
    assert "测试消息已发出" in response.get_data(as_text=True)
    assert inbox.posts and "测试" in inbox.posts[0][1]
    post_form(client, f"/messages/channels/{world['email'].id}/test", {}, page="/messages/channels")
    assert inbox.mails[-1][0] == "admin@example.org"
    dead = make_channel(world["org"], "apprise", url=f"json://127.0.0.1:{free_port()}/x", label="坏的")
    response = post_form(client, f"/messages/channels/{dead.id}/test", {}, page="/messages/channels",
                         follow_redirects=True)
    assert "测试消息没有发出" in response.get_data(as_text=True)


def test_a_person_chooses_her_channels_address_and_quiet_hours(app, world, login) -> None:
    client = login(world["mother"])
    html = client.get("/messages/mine").get_data(as_text=True)
    assert "邮件" in html and "企业微信群" in html
    response = post_form(client, "/messages/mine", {"email": "new@example.org", "channels": [str(world["group"].id)],
                                                     "quiet_from": "21:30", "quiet_until": ""})
    assert response.status_code == 422 and "安静时段" in response.get_data(as_text=True)
    response = post_form(client, "/messages/mine", {"email": "new@example.org", "channels": [str(world["group"].id)],
                                                     "quiet_from": "21:30", "quiet_until": "07:00"})
    assert response.status_code == 302
    db.session.rollback()
    user = db.session.get(type(world["mother"]), world["mother"].id)
    assert (user.email, user.message_channels, user.quiet_from, user.quiet_until) == \
        ("new@example.org", [world["group"].id], dt.time(21, 30), dt.time(7))


def test_the_organisation_sets_its_reminder_and_digest_times(app, world, make_user, login) -> None:
    from tests.forms import form_data
    client = login(make_user(Role.ADMIN, org=world["org"]))
    data = form_data(client.get("/admin/organisation").get_data(as_text=True))
    assert data["reminder_at"] == ["19:00"] and data["digest_at"] == ["08:00"]
    response = post_form(client, "/admin/organisation", {**data, "reminder_at": "18:30"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(type(world["org"]), world["org"].id).reminder_at == dt.time(18, 30)


def test_with_a_job_queue_a_message_is_sent_by_a_worker_as_soon_as_it_is_put_in(
        app, world, inbox, make_week) -> None:
    import uuid

    from redis import Redis
    from redis.exceptions import RedisError

    from scheduler_app.messages.jobs import message_queue
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except RedisError as exc:
        pytest.skip(f"no Redis at {redis_url}: {exc}")
    queue_name = f"peiban-test-messages-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=redis_url, PEIBAN_MESSAGE_QUEUE=queue_name)
    try:
        roster = _saturday_week(make_week, world, RosterStatus.DRAFT)
        with app.test_request_context():
            publish(world["org"].id, roster.id, roster.version_id)  # its commit queues a sender job
        assert message_queue(app).count == 1
        db.session.close()
        env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": redis_url,
               "PEIBAN_MESSAGE_QUEUE": queue_name, "PEIBAN_SECRET_KEY": "test-secret",
               "FLASK_APP": "scheduler_app:create_app()"}
        worker = subprocess.run([sys.executable, "-m", "flask", "message-worker", "--burst"], env=env, cwd=ROOT,  # noqa: S603
                                capture_output=True, text=True, timeout=120, check=False)
        assert worker.returncode == 0, worker.stdout + worker.stderr
        assert len(inbox.mails) == 1 and len(inbox.posts) == 1
    finally:
        message_queue(app).delete(delete_jobs=True)


def test_the_delivery_log_shows_each_messages_state_tries_and_reason(app, world, inbox, make_week, login) -> None:
    roster = _saturday_week(make_week, world, RosterStatus.DRAFT)
    with app.test_request_context():
        publish(world["org"].id, roster.id, roster.version_id)
    send_due()
    client = login(world["coordinator"])
    html = client.get("/messages/log").get_data(as_text=True)
    assert "等待发送：0 · 已发送：2 · 已放弃：0" in html
    assert html.count("status-sent") == 2
    en = client.get("/messages/log", headers={"Accept-Language": "en"})
    assert en.status_code == 200


def test_the_week_as_text_for_the_wechat_group_is_per_site_and_day_chinese_first(
        app, world, make_week, make_volunteer, login) -> None:
    tutor = make_volunteer(world["org"], "T1", name="周老师", roles=("tutor",))
    roster = make_week(world["org"], MONDAY, (world["fang"], world["child"], 5, "09:00", "10:00"),
                       (world["lan"], world["child"], 6, "09:00", "10:00", AssignmentStatus.DECLINED),
                       (tutor, world["site"], 0, "16:30", "18:00"), (world["fang"], world["site"], 0, "16:30", "18:00"))
    client = login(world["coordinator"])
    week_page = client.get(f"/rosters/{MONDAY}?roster={roster.id}").get_data(as_text=True)
    assert f"/rosters/{MONDAY}/copy?roster={roster.id}" in week_page
    html = client.get(f"/rosters/{MONDAY}/copy?roster={roster.id}").get_data(as_text=True)
    import re
    from html import unescape
    texts = [unescape(t) for t in re.findall(r'<textarea[^>]*class="copy-text"[^>]*>(.*?)</textarea>', html, re.S)]
    assert len(texts) == 2  # Monday at the school; Saturday's visits (Sunday's was declined: not shown)
    monday, saturday = texts
    assert monday.startswith("周一 12-07 石桥小学课堂 16:30–18:00\n辅导志愿者：周老师、李芳")
    assert "\n\nMon 12-07 石桥小学课堂 16:30–18:00\nTutors: 周老师, 李芳" in monday  # then English
    assert saturday.splitlines()[:2] == ["周六 12-12 家访", "09:00–10:00 李芳 → 小红（石桥村）"]
    assert "张兰" not in html and "王小红" not in html


def test_a_changed_week_reaches_only_the_volunteers_whose_week_changed(
        app, world, inbox, make_week, make_user, make_volunteer, reach) -> None:
    from scheduler_app.rosters.changes import Edit, edit_assignment
    lan = reach(make_user(Role.VOLUNTEER, org=world["org"], volunteer=world["lan"], display_name="张兰"),
                world["email"], email="lan@example.org")
    other = make_volunteer(world["org"], "T9", name="何梅", roles=("tutor",), availability=((0, "16:00", "18:30"),),
                           max_sessions_per_week=2)
    reach(make_user(Role.VOLUNTEER, org=world["org"], volunteer=other), world["email"], email="mei@example.org")
    roster = make_week(world["org"], MONDAY, (world["fang"], world["child"], 5, "09:00", "10:00"),
                       (other, world["site"], 0, "16:30", "18:00"))
    visit = next(a for a in roster.assignments if a.volunteer_id == world["fang"].id)
    with app.test_request_context():
        draft = edit_assignment(world["org"].id, roster.id, roster.version_id, visit.id, lan.id,
                                Edit(volunteer_id=world["lan"].id))
        publish(world["org"].id, draft.id, draft.version_id)
    send_due()
    got = {to: (subject, text) for to, subject, text, _id in inbox.mails}
    assert sorted(got) == ["fang@example.org", "lan@example.org"]  # 何梅's week is as it was
    assert got["lan@example.org"][0] == "您 12-07 起这一周的安排有变"
    assert "周六 12-12 09:00–10:00 家访 小红（石桥村）" in got["lan@example.org"][1]
    assert "您这一周没有活动。" in got["fang@example.org"][1]
