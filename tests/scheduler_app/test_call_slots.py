"""The week's call times sent to the parents through the outbox, with real parts: the coordinator's button, a local
SMTP server and webhook receiver (the ``inbox`` fixture, which also checks that no message holds a child's full
name or sensitive field), the real sender, SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduler_app.calls.services import CallsError, ParentsMessages, save_parents
from scheduler_app.extensions import db
from scheduler_app.messages.sender import send_due
from scheduler_app.models import FamilyCall, GuardianConsent, Message, MessageState, ParentContact, Role, as_utc
from tests.conftest import post_form

EN = {"Accept-Language": "en"}
MONDAY = dt.date(2026, 11, 30)
WEEK_PAGE = "/calls/?week=2026-11-30"
WITH_CALLS = ("home", "observations", "calls")


@pytest.fixture
def family(app, inbox, make_org, make_site, make_child, make_volunteer, make_user, make_channel, login):
    """Two sisters with consent for calls at one site, their parents on e-mail (one address for both), the room
    open on Wednesday evening with a volunteer there, an SMS gateway and a group robot; the coordinator logged
    in."""
    org = make_org()
    site = make_site(org, "S1", name="红旗小学")
    elder = make_child(org, "C1", name="王欣怡", site_id=site.id, consent=WITH_CALLS, school="红旗中心小学")
    younger = make_child(org, "C2", name="王欣悦", site_id=site.id, consent=WITH_CALLS)
    make_volunteer(org, "M1", name="李春梅", availability=((2, "18:00", "21:00"),), home_lat=30.447, home_lon=114.872)
    email = make_channel(org, "email", smtp_port=inbox.smtp_port)
    sms = make_channel(org, "apprise", url=inbox.webhook.rsplit("/", 1)[0] + "/sms/{address}", label="短信网关")
    group = make_channel(org, "apprise", url=inbox.webhook)
    client = login(make_user(Role.COORDINATOR, org=org))
    room = post_form(client, f"/calls/rooms/{site.id}", {"lines": "1", "hours": "wed 18:30-20:30"}, headers=EN)
    assert room.status_code == 302
    return {"org": org, "site": site, "children": (elder, younger), "email": email, "sms": sms, "group": group,
            "client": client}


def _parents(f, child, agreed=True, channel="email", address="wang.jianguo@example.org", locale="zh_CN",
             hours="wed 20:00-22:00"):
    """Save a child's parents through their form, with how the call times reach them."""
    chosen = f[channel].id if channel else 0
    response = post_form(f["client"], f"/calls/parents/{child.id}",
                         {"family": "WANG", "parent_name": "王建国", "works_at": "深圳 电子厂", "reach": "13800000000",
                          "calls_per_week": "1", "hours": hours, "channel_id": str(chosen), "address": address,
                          "locale": locale, **({"messages_agreed": "y"} if agreed else {})}, headers=EN)
    assert response.status_code == 302, response.get_data(as_text=True)


def _plan(f) -> None:
    done = post_form(f["client"], "/calls/plan", {"week": MONDAY.isoformat()}, page=WEEK_PAGE, headers=EN)
    assert done.status_code == 302


def _send(f, lang=EN) -> str:
    """Press "Send slots to parents"; the page it leads to."""
    return post_form(f["client"], "/calls/send", {"week": MONDAY.isoformat()}, page=WEEK_PAGE, headers=lang,
                     follow_redirects=True).get_data(as_text=True)


def _messages() -> list[Message]:
    db.session.rollback()
    return list(db.session.execute(db.select(Message).order_by(Message.id)).scalars())


def test_consenting_parents_get_their_call_time_once_and_a_resend_sends_nothing_more(app, family, inbox) -> None:
    """Sisters whose parents share an address: one message naming both by given name, in Chinese, with the
    Wednesday time; pressing the button again puts nothing more in and the inbox still holds one mail."""
    for child in family["children"]:
        _parents(family, child)
    _plan(family)
    page = _send(family)
    assert "Call times to the families: sent for the first time 1, sent as an update 0, already known 0." in page
    (message,) = _messages()
    assert (message.kind, message.user_id, message.address) == ("call_slots", None, "wang.jianguo@example.org")
    assert send_due().sent == 1
    (to, subject, text, _id), = inbox.mails
    [call] = db.session.execute(db.select(FamilyCall)).scalars()
    assert to == "wang.jianguo@example.org" and subject == "和欣怡, 欣悦的通话时间（2026-11-30 这一周）"
    assert f"欣怡, 欣悦将在 周三 2026-12-02 {call.start:%H:%M}–{call.end:%H:%M} 给您打电话。" in text
    assert "王欣怡" not in text and "红旗" not in text  # given names only, and neither school nor site
    again = _send(family)
    assert "Call times to the families: sent for the first time 0, sent as an update 0, already known 1." in again
    assert len(_messages()) == 1 and send_due().sent == 0 and len(inbox.mails) == 1


def test_a_slot_that_moved_sends_the_parents_an_update_and_moved_back_another(app, family, inbox) -> None:
    """Re-planned after the parents' hours changed, the call moves: sending tells them the new time, as an
    update; moved back to the first time, they are told again (they were last told the other)."""
    elder, younger = family["children"]
    for child in family["children"]:
        _parents(family, child)
    _plan(family)
    _send(family)
    first = db.session.execute(db.select(FamilyCall)).scalar_one().start
    for child in family["children"]:
        _parents(family, child, hours="wed 18:30-19:30")
    _plan(family)
    db.session.rollback()
    moved = db.session.execute(db.select(FamilyCall)).scalar_one().start
    assert moved != first
    page = _send(family)
    assert "Call times to the families: sent for the first time 0, sent as an update 1, already known 0." in page
    assert [m.kind for m in _messages()] == ["call_slots", "call_slots_changed"]
    send_due()
    subjects = [subject for _to, subject, _t, _i in inbox.mails]
    assert subjects[1].startswith("和欣怡, 欣悦的通话时间有变") and f"{moved:%H:%M}" in inbox.mails[1][2]
    for child in family["children"]:
        _parents(family, child, hours="wed 20:00-22:00")
    _plan(family)
    _send(family)
    assert [m.kind for m in _messages()] == ["call_slots", "call_slots_changed", "call_slots_changed"]


def test_parents_who_did_not_agree_get_nothing_and_the_page_says_so(app, family, inbox) -> None:
    """Parents saved without their agreement to messages: nothing is put in the outbox, the button's page names
    the children whose parents were not sent, and the week page says it beside the call."""
    for child in family["children"]:
        _parents(family, child, agreed=False)
    _plan(family)
    page = _send(family)
    assert "Not sent to the parents of 王欣怡, 王欣悦: they did not agree to messages" in page
    assert "Not sent by message to the parents of 王欣怡: they did not agree" in page
    assert _messages() == [] and send_due().sent == 0 and inbox.mails == []


def test_a_consent_for_calls_withdrawn_after_planning_stops_the_message(app, family, inbox) -> None:
    """The parents agreed, but the guardian withdrew the consent for calls once the week was planned: the
    planned call is kept for the record, and no message goes."""
    for child in family["children"]:
        _parents(family, child)
    _plan(family)
    for consent in db.session.execute(db.select(GuardianConsent)).scalars():
        consent.withdrawn_on = dt.date.today()
    db.session.commit()
    page = _send(family)
    assert "Call times to the families: sent for the first time 0," in page
    assert "Not sent to the parents of 王欣怡, 王欣悦" in page
    assert _messages() == []


def test_an_sms_gateway_takes_the_parents_number_and_their_language(app, family, inbox) -> None:
    """Parents on the SMS gateway (an Apprise URL holding {address}) who read English: the gateway is called at
    their number, in English; each sister's parents here have their own number, so each gets her own."""
    elder, younger = family["children"]
    _parents(family, elder, channel="sms", address="+8613800000000", locale="en")
    _parents(family, younger, channel="sms", address="+8613900000000", locale="en")
    _plan(family)
    _send(family)
    assert send_due().sent == 2
    posts = sorted(inbox.posts)
    assert [p[0] for p in posts] == ["/sms/+8613800000000", "/sms/+8613900000000"]
    assert posts[0][1] == "Call times with 欣怡, week of 2026-11-30"
    assert posts[0][2].startswith("欣怡 will call you on Wed 2026-12-02, ")


def test_a_group_robot_is_never_a_channel_for_the_parents(app, family) -> None:
    """A group's members would all read the message: the parents' form does not offer the robot, and the
    service refuses it naming the field."""
    elder, _younger = family["children"]
    page = family["client"].get(f"/calls/parents/{elder.id}", headers=EN).get_data(as_text=True)
    assert "短信网关" in page and "企业微信群" not in page
    with app.test_request_context(), pytest.raises(CallsError) as refused:
        save_parents(elder, family="WANG", parent_name="", works_at="", reach="", calls_per_week=1, hours="",
                     messages=ParentsMessages(True, family["group"].id, "13800000000"))
    assert refused.value.field == "channel_id"
    assert db.session.execute(db.select(ParentContact)).first() is None


def test_the_parents_quiet_hours_hold_their_message_until_they_end(app, family, inbox) -> None:
    """Parents on night shifts asleep now: the call times wait in the outbox until their quiet hours end."""
    for child in family["children"]:
        _parents(family, child)
    zone = ZoneInfo("Asia/Shanghai")
    now = dt.datetime.now(zone)
    until = (now + dt.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    for contact in db.session.execute(db.select(ParentContact)).scalars():
        contact.quiet_from, contact.quiet_until = (now - dt.timedelta(hours=1)).time().replace(microsecond=0), until
    db.session.commit()
    _plan(family)
    _send(family)
    (message,) = _messages()
    due = as_utc(message.due_at).astimezone(zone)
    assert due.time() == until and due > now
    assert send_due().sent == 0 and inbox.mails == []


def test_the_delivery_log_shows_the_parents_messages(app, family, inbox) -> None:
    """The log names the recipient as the family's parents (no account), with its state."""
    for child in family["children"]:
        _parents(family, child)
    _plan(family)
    _send(family)
    send_due()
    html = family["client"].get("/messages/log").get_data(as_text=True)
    assert "父母（家庭 WANG）" in html and "给父母的通话时间" in html and html.count("status-sent") == 1


def test_parents_who_withdraw_before_their_message_goes_are_not_sent_it(app, family, inbox) -> None:
    """The call times wait in the outbox (quiet hours, a retry); the parents withdraw their agreement meanwhile:
    the sender does not send it, and the delivery log says why; the same for a consent for calls withdrawn."""
    for child in family["children"]:
        _parents(family, child)
    _plan(family)
    _send(family)
    for child in family["children"]:
        _parents(family, child, agreed=False)
    assert send_due().sent == 0 and inbox.mails == []
    (message,) = _messages()
    assert message.state == MessageState.FAILED and message.last_error  # the reason, in the log
    for child in family["children"]:
        _parents(family, child)
    # the one given up told them nothing
    assert "Call times to the families: sent for the first time 1," in _send(family)
    for consent in db.session.execute(db.select(GuardianConsent)).scalars():
        consent.withdrawn_on = dt.date.today()
    db.session.commit()
    assert send_due().sent == 0 and inbox.mails == []


def test_a_new_address_gets_the_call_times_the_old_one_was_to_get(app, family, inbox) -> None:
    """The parents change their address before the message went: it does not go to the old one; sending again
    puts the times for the new address, which gets them."""
    for child in family["children"]:
        _parents(family, child)
    _plan(family)
    _send(family)
    for child in family["children"]:
        _parents(family, child, address="wang.new@example.org")
    assert send_due().sent == 0
    assert "sent for the first time 1, sent as an update 0" in _send(family)
    assert send_due().sent == 1
    assert [to for to, _s, _t, _i in inbox.mails] == ["wang.new@example.org"]


def test_times_given_up_on_are_sent_again(app, family, inbox) -> None:
    """A message that was given up (a wrong number after every retry) told the parents nothing: the next press
    sends the same times again rather than saying they already have them."""
    for child in family["children"]:
        _parents(family, child)
    _plan(family)
    _send(family)
    (message,) = _messages()
    message.state = MessageState.FAILED
    db.session.commit()
    assert "sent for the first time 1, sent as an update 0, already known 0." in _send(family)
    assert [m.state for m in _messages()] == [MessageState.FAILED, MessageState.QUEUED]
