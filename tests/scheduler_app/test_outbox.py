"""The phone's outbox and offline reading, through real HTTP: an item is taken once however often it is sent, a
change made meanwhile is a conflict that overwrites nothing, an item without a session waits, only a volunteer's
own pages are marked for keeping, and a session survives the phone's address changing."""

from __future__ import annotations

import datetime as dt

from scheduler_app.extensions import db
from scheduler_app.models import Assignment, AssignmentStatus, DiaryEntry, Organisation, OutboxReceipt, Role
from tests.conftest import csrf_token
from tests.forms import form_data
from tests.scheduler_app.test_me import published_visit

PHONE = {"Peiban-Outbox": "1", "Accept-Language": "en"}


def _volunteer(make_org, make_user, make_volunteer, make_child, login, days_ago: int = 2):
    """A logged-in volunteer mother and a visit of hers that has happened."""
    org = make_org()
    mother = make_volunteer(org, "M1")
    visit = published_visit(org, mother, make_child(org, "C1", name="王欣怡"), days_ago=days_ago)
    client = login(make_user(Role.VOLUNTEER, org=org, volunteer=mother))
    return client, visit.id


def test_a_resent_diary_makes_one_entry(app, make_org, make_user, make_volunteer, make_child, login) -> None:
    """The same outbox item sent three times (the answer lost on the way) is one diary entry; each resend gets
    the first answer back, marked as a duplicate."""
    client, visit_id = _volunteer(make_org, make_user, make_volunteer, make_child, login)
    url = f"/me/assignments/{visit_id}/diary"
    data = form_data(client.get(url).get_data(as_text=True))
    data.update({"what_was_done": ["一起读书"], "send": ["y"], "outbox_id": ["a1b2c3d4e5f60718"]})
    answers = [client.post(url, data=data, headers=PHONE) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.get_json()["duplicate"] for a in answers] == [False, True, True]
    assert {a.get_json()["message"] for a in answers} == {"Handed in. Thank you!"}
    assert db.session.execute(db.select(db.func.count()).select_from(DiaryEntry)).scalar_one() == 1
    assert db.session.execute(db.select(OutboxReceipt.kind, OutboxReceipt.outcome)).all() == [("diary", "done")]


def test_a_diary_changed_elsewhere_is_a_conflict_and_not_overwritten(app, make_org, make_user, make_volunteer,
                                                                     make_child, login) -> None:
    """A diary written offline on a page read before the entry was saved on another phone is answered as a
    conflict (409) with the reason; the saved text stays; a resend gets the same conflict."""
    client, visit_id = _volunteer(make_org, make_user, make_volunteer, make_child, login)
    url = f"/me/assignments/{visit_id}/diary"
    stale = form_data(client.get(url).get_data(as_text=True))
    other = dict(stale, what_was_done=["另一部手机写的"], save=["y"])
    assert client.post(url, data=other).status_code == 302
    stale.update({"what_was_done": ["离线写的"], "send": ["y"], "outbox_id": ["offline-item-0001"]})
    for duplicate in (False, True):
        answer = client.post(url, data=stale, headers=PHONE)
        assert answer.status_code == 409
        assert answer.get_json() | {"next": ""} == {"outcome": "conflict", "duplicate": duplicate, "errors": [],
                                                    "next": "", "message": "This entry was changed elsewhere since "
                                                    "you opened it; open it again."}
    db.session.expire_all()
    entry = db.session.execute(db.select(DiaryEntry)).scalar_one()
    assert entry.what_was_done == "另一部手机写的" and entry.status.value == "draft"


def test_a_refused_diary_is_not_kept_so_a_corrected_resend_passes(app, make_org, make_user, make_volunteer,
                                                                   make_child, login) -> None:
    """A diary whose end is before its start is refused (422, naming why) and changes nothing; the same item
    corrected is then taken."""
    client, visit_id = _volunteer(make_org, make_user, make_volunteer, make_child, login)
    url = f"/me/assignments/{visit_id}/diary"
    data = form_data(client.get(url).get_data(as_text=True))
    data.update({"started_at": ["10:00"], "ended_at": ["09:00"], "send": ["y"], "outbox_id": ["refused-item-01"]})
    refused = client.post(url, data=data, headers=PHONE)
    assert refused.status_code == 422 and refused.get_json()["outcome"] == "refused"
    assert "The end must be after the start." in refused.get_json()["message"]
    assert db.session.execute(db.select(db.func.count()).select_from(DiaryEntry)).scalar_one() == 0
    data["ended_at"] = ["11:00"]
    assert client.post(url, data=data, headers=PHONE).get_json()["outcome"] == "done"
    assert db.session.execute(db.select(DiaryEntry.minutes)).scalar_one() == 60


def test_a_decline_of_a_moved_activity_is_a_conflict(app, make_org, make_user, make_volunteer, make_child,
                                                     login) -> None:
    """A decline written on a page showing 09:00–10:00 reaches an activity the coordinator moved to 14:00: it is
    a conflict naming the new time, and the activity stays planned; with the page's own times it is taken."""
    client, visit_id = _volunteer(make_org, make_user, make_volunteer, make_child, login, days_ago=-2)
    url = f"/me/assignments/{visit_id}/decline"
    data = form_data(client.get(url).get_data(as_text=True))
    seen = data["seen"]
    assignment = db.session.get(Assignment, visit_id)
    assignment.start, assignment.end = dt.time(14), dt.time(15)
    db.session.commit()
    data.update({"reason": ["孩子生病"], "outbox_id": ["decline-item-01"]})
    answer = client.post(url, data=data, headers=PHONE)
    assert answer.status_code == 409 and "14:00–15:00" in answer.get_json()["message"]
    db.session.expire_all()
    assert db.session.get(Assignment, visit_id).status == AssignmentStatus.PLANNED
    fresh = form_data(client.get(url).get_data(as_text=True))
    assert fresh["seen"] != seen
    fresh.update({"reason": ["孩子生病"], "outbox_id": ["decline-item-02"]})
    assert client.post(url, data=fresh, headers=PHONE).get_json()["outcome"] == "done"
    db.session.expire_all()
    declined = db.session.get(Assignment, visit_id)
    assert (declined.status, declined.decline_reason) == (AssignmentStatus.DECLINED, "孩子生病")


def test_an_answer_to_someone_elses_activity_is_a_conflict(app, make_org, make_user, make_volunteer, make_child,
                                                           login) -> None:
    """A confirmation of an activity given to another volunteer meanwhile is a conflict for the phone (404 for a
    plain form post), and the activity is not touched."""
    client, visit_id = _volunteer(make_org, make_user, make_volunteer, make_child, login, days_ago=-2)
    data = form_data(client.get("/").get_data(as_text=True), form_index=-1)
    assignment = db.session.get(Assignment, visit_id)
    assignment.volunteer = make_volunteer(db.session.get(Organisation, assignment.volunteer.organisation_id), "M2")
    db.session.commit()
    url = f"/me/assignments/{visit_id}/confirm"
    answer = client.post(url, data={**data, "outbox_id": "confirm-item-01"}, headers=PHONE)
    assert answer.status_code == 409 and "no longer in your week" in answer.get_json()["message"]
    assert client.post(url, data=data).status_code == 404
    db.session.expire_all()
    assert db.session.get(Assignment, visit_id).status == AssignmentStatus.PLANNED


def test_an_item_sent_without_a_session_waits_for_the_login(app, client, make_org, make_user, make_volunteer,
                                                            make_child) -> None:
    """With no session the phone is told to log in (401 in JSON, not a redirect to follow); nothing is taken."""
    org = make_org()
    visit = published_visit(org, make_volunteer(org, "M1"), make_child(org, "C1"))
    token = csrf_token(client)  # the phone's page had one: the session cookie outlives the login
    answer = client.post(f"/me/assignments/{visit.id}/confirm", data={"outbox_id": "waiting-item-01",
                                                                      "csrf_token": token}, headers=PHONE)
    assert answer.status_code == 401 and answer.get_json()["outcome"] == "login"
    assert db.session.execute(db.select(db.func.count()).select_from(OutboxReceipt)).scalar_one() == 0


def test_only_a_volunteers_own_pages_are_kept_on_the_phone(app, make_org, make_user, make_volunteer, make_child,
                                                           login) -> None:
    """My week, an activity's diary and decline pages and My hours carry the keep header; a coordinator's home,
    a login page and a refused form never do."""
    client, visit_id = _volunteer(make_org, make_user, make_volunteer, make_child, login)
    for path in ("/", f"/me/assignments/{visit_id}/diary", f"/me/assignments/{visit_id}/decline", "/me/hours"):
        response = client.get(path)
        assert response.status_code == 200 and response.headers.get("Peiban-Offline") == "keep", path
    data = form_data(client.get(f"/me/assignments/{visit_id}/decline").get_data(as_text=True))
    refused = client.post(f"/me/assignments/{visit_id}/decline", data={**data, "reason": ""})
    assert refused.status_code == 422 and "Peiban-Offline" not in refused.headers
    client.post("/auth/logout", data=data)
    login_page = client.get("/auth/login")
    assert "Peiban-Offline" not in login_page.headers and 'data-wipe="all"' in login_page.get_data(as_text=True)
    coordinator = app.test_client()
    from tests.conftest import PASSWORD, post_form
    post_form(coordinator, "/auth/login", {"username": make_user(Role.COORDINATOR).username, "password": PASSWORD})
    home = coordinator.get("/")
    assert home.status_code == 200 and "Peiban-Offline" not in home.headers


def test_a_session_survives_the_phones_address_changing(app, make_org, make_user, make_volunteer, make_child,
                                                         login) -> None:
    """School Wi-Fi to 4G: the same session cookie from another address and the page still opens."""
    client, _visit = _volunteer(make_org, make_user, make_volunteer, make_child, login)
    assert client.get("/", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/", environ_base={"REMOTE_ADDR": "100.64.9.9"}).status_code == 200


def test_the_app_is_installable(app, client) -> None:
    """The manifest names the app in the browser's language with its icons; the worker is allowed the whole
    site and is never cached by the browser."""
    zh = client.get("/manifest.webmanifest", headers={"Accept-Language": "zh-CN"}).get_json(force=True)
    en = client.get("/manifest.webmanifest", headers={"Accept-Language": "en"}).get_json(force=True)
    assert (zh["name"], en["name"]) == ("陪伴", "Peiban")
    assert {i["sizes"] for i in en["icons"]} == {"192x192", "512x512"} and en["display"] == "standalone"
    for icon in en["icons"]:
        assert client.get(icon["src"]).status_code == 200
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.headers["Service-Worker-Allowed"] == "/"
    assert worker.headers["Cache-Control"] == "no-cache" and "Peiban-Offline" in worker.get_data(as_text=True)


def test_a_confirmation_queued_before_a_decline_made_elsewhere_is_a_conflict(app, make_org, make_user,
                                                                            make_volunteer, make_child,
                                                                            login) -> None:
    """She confirms offline, then declines on another page with signal; the confirmation that arrives afterwards
    is a conflict and the decline stands."""
    client, visit_id = _volunteer(make_org, make_user, make_volunteer, make_child, login, days_ago=-2)
    confirm = form_data(client.get("/").get_data(as_text=True), form_index=-1)
    decline = form_data(client.get(f"/me/assignments/{visit_id}/decline").get_data(as_text=True))
    decline["reason"] = ["那天要去医院"]
    assert client.post(f"/me/assignments/{visit_id}/decline", data=decline).status_code == 302
    answer = client.post(f"/me/assignments/{visit_id}/confirm", data={**confirm, "outbox_id": "late-confirm-01"},
                         headers=PHONE)
    assert answer.status_code == 409 and "answered this activity meanwhile" in answer.get_json()["message"]
    db.session.expire_all()
    assert db.session.get(Assignment, visit_id).status == AssignmentStatus.DECLINED


def test_only_logging_out_on_purpose_wipes_the_phones_outbox(app, make_org, make_user, make_volunteer,
                                                              make_child, login) -> None:
    """After a session ran out the login page wipes only the kept pages (her unsent items wait for her login);
    after she logs out it wipes the outbox too."""
    from scheduler_app.auth.services import SESSION_SEEN
    client, _visit = _volunteer(make_org, make_user, make_volunteer, make_child, login)
    with client.session_transaction() as session:
        session[SESSION_SEEN] = 1.0  # long ago (0 would read as "never seen")
    assert client.get("/").status_code == 302
    assert 'data-wipe="pages"' in client.get("/auth/login").get_data(as_text=True)
    user = make_user(Role.VOLUNTEER)
    login(user)
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    assert 'data-wipe="all"' in client.get("/auth/login").get_data(as_text=True)
