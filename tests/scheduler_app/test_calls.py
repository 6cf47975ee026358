"""The family call window through the real forms and database: a site's call room, a child's parents (only with
the guardian's consent for calls), the coordinator planning the week, each call's record."""

from __future__ import annotations

import datetime as dt

from scheduler_app.contract.calls import build_call_instance
from scheduler_app.extensions import db
from scheduler_app.models import CallPlan, CallRoom, FamilyCall, GuardianConsent, ParentContact, Role
from tests.conftest import post_form

EN = {"Accept-Language": "en"}
MONDAY = dt.date(2026, 11, 30)
WITH_CALLS = ("home", "observations", "calls")


def _world(make_org, make_site, make_child, make_volunteer, make_user, login):
    """A site, two sisters with consent for calls, a boy without it, a volunteer there on Wednesday evening."""
    org = make_org()
    site = make_site(org, "S1", name="红旗小学")
    elder = make_child(org, "C1", name="王欣怡", site_id=site.id, consent=WITH_CALLS)
    younger = make_child(org, "C2", name="王欣悦", site_id=site.id, consent=WITH_CALLS)
    boy = make_child(org, "C3", name="李明", site_id=site.id, consent=("home",))
    make_volunteer(org, "M1", name="李春梅", availability=((2, "18:00", "21:00"),), home_lat=30.447,
                   home_lon=114.872)
    coordinator = login(make_user(Role.COORDINATOR, org=org))
    return org, site, (elder, younger, boy), coordinator


def _set_up(client, site, children) -> None:
    room = post_form(client, f"/calls/rooms/{site.id}", {"lines": "1", "hours": "wed 18:30-20:30"}, headers=EN)
    assert room.status_code == 302, room.get_data(as_text=True)
    for child in children[:2]:
        saved = post_form(client, f"/calls/parents/{child.id}",
                          {"family": "WANG", "parent_name": "王建国", "works_at": "深圳 电子厂",
                           "reach": "13800000000", "calls_per_week": "1", "hours": "wed 20:00-22:00"}, headers=EN)
        assert saved.status_code == 302, saved.get_data(as_text=True)


def test_a_coordinator_plans_the_weeks_calls_and_siblings_call_together(app, make_org, make_site, make_child,
                                                                        make_volunteer, make_user, login) -> None:
    """The two sisters share one call on Wednesday inside both the parents' and the room's hours, with the
    volunteer; the page shows it per site and day with the text for the parents; the boy without consent for
    calls is not in the plan."""
    _org, site, children, client = _world(make_org, make_site, make_child, make_volunteer, make_user, login)
    _set_up(client, site, children)
    done = post_form(client, "/calls/plan", {"week": MONDAY.isoformat()}, page="/calls/?week=2026-11-30",
                     headers=EN, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "Planned 1 calls; 0 children short of their calls, 0 not in the plan." in page
    [call] = db.session.execute(db.select(FamilyCall)).scalars()
    assert sorted(call.child_ids) == sorted(c.id for c in children[:2])
    assert call.day == "wed" and call.start >= dt.time(20) and call.end <= dt.time(20, 30)
    assert call.supervisor.code == "M1" and call.line == 1
    assert "王欣怡, 王欣悦" in page and "will call you on Wed 2026-12-02" in page and "13800000000" in page
    assert "李明" not in page


def test_parents_details_are_neither_shown_nor_used_without_consent_for_calls(app, make_org, make_site, make_child,
                                                                            make_volunteer, make_user,
                                                                            login) -> None:
    """The boy's guardian consented to home visits only: his parents' page says so (403) and saves nothing."""
    _org, _site, (_a, _b, boy), client = _world(make_org, make_site, make_child, make_volunteer, make_user, login)
    page = client.get(f"/calls/parents/{boy.id}", headers=EN)
    assert page.status_code == 403 and "no guardian’s consent for family calls" in page.get_data(as_text=True)
    refused = post_form(client, f"/calls/parents/{boy.id}", {"family": "LI", "hours": "wed 20:00-22:00"},
                        page="/calls/", headers=EN)
    assert refused.status_code == 403
    assert db.session.execute(db.select(ParentContact)).first() is None


def test_a_consent_withdrawn_takes_the_family_out_of_the_plan(app, make_org, make_site, make_child, make_volunteer,
                                                             make_user, login) -> None:
    """Parents saved while the consent held; withdrawn before the week: the instance leaves both sisters out."""
    org, site, children, client = _world(make_org, make_site, make_child, make_volunteer, make_user, login)
    _set_up(client, site, children)
    for consent in db.session.execute(db.select(GuardianConsent)).scalars():
        consent.withdrawn_on = MONDAY - dt.timedelta(days=1)
    db.session.commit()
    world = build_call_instance(org.id, MONDAY)
    assert world.document["children"] == [] and set(world.left_out.values()) == {"consent"}


def test_bad_room_hours_are_refused_naming_the_field_and_nothing_changes(app, make_org, make_site, make_child,
                                                                        make_volunteer, make_user, login) -> None:
    """Hours ending before they start, or no lines, are refused with the field's message; no room is saved."""
    _org, site, _children, client = _world(make_org, make_site, make_child, make_volunteer, make_user, login)
    bad = post_form(client, f"/calls/rooms/{site.id}", {"lines": "1", "hours": "wed 20:30-18:30"}, headers=EN)
    assert bad.status_code == 422 and "the end must be after the start" in bad.get_data(as_text=True)
    none = post_form(client, f"/calls/rooms/{site.id}", {"lines": "0", "hours": "wed 18:30-20:30"}, headers=EN)
    assert none.status_code == 422
    assert db.session.execute(db.select(CallRoom)).first() is None



def test_a_room_open_on_two_evenings_shows_both_when_opened_again(app, make_org, make_site, make_child,
                                                                  make_volunteer, make_user, login) -> None:
    """Edge case: the room's page reads back several stored hours, in the week's order, as its field's text."""
    _org, site, _children, client = _world(make_org, make_site, make_child, make_volunteer, make_user, login)
    saved = post_form(client, f"/calls/rooms/{site.id}", {"lines": "2", "hours": "fri 18:30-20:30; wed 18:30-20:30"},
                      headers=EN)
    assert saved.status_code == 302
    page = client.get(f"/calls/rooms/{site.id}", headers=EN).get_data(as_text=True)
    assert "Wed 18:30-20:30; Fri 18:30-20:30" in page

def test_a_call_is_recorded_and_a_conflict_flagged_for_the_social_worker(app, make_org, make_site, make_child,
                                                                        make_volunteer, make_user, login) -> None:
    """A call that took place needs its minutes; recorded with notes and the conflict flag, the week shows it,
    and the week can no longer be planned again over it."""
    _org, site, children, client = _world(make_org, make_site, make_child, make_volunteer, make_user, login)
    _set_up(client, site, children)
    post_form(client, "/calls/plan", {"week": MONDAY.isoformat()}, page="/calls/?week=2026-11-30")
    [call] = db.session.execute(db.select(FamilyCall)).scalars()
    path = f"/calls/{call.id}/record"
    missing = post_form(client, path, {"took_place": "y", "minutes": "", "notes": ""}, headers=EN)
    assert missing.status_code == 422 and "Minutes must be" in missing.get_data(as_text=True)
    done = post_form(client, path, {"took_place": "y", "minutes": "18", "notes": "妈妈哭了", "conflict": "y"},
                     headers=EN, follow_redirects=True)
    assert "took place, 18 min" in done.get_data(as_text=True)
    assert "conflict: social worker told" in done.get_data(as_text=True)
    db.session.refresh(call)
    assert (call.took_place, call.minutes, call.notes, call.conflict) == (True, 18, "妈妈哭了", True)
    again = post_form(client, "/calls/plan", {"week": MONDAY.isoformat()}, page="/calls/?week=2026-11-30",
                      headers=EN, follow_redirects=True)
    assert "already recorded" in again.get_data(as_text=True)
    assert len(db.session.execute(db.select(CallPlan)).scalars().all()) == 1


def test_a_child_short_of_her_call_is_listed_with_the_reason(app, make_org, make_site, make_child, make_volunteer,
                                                            make_user, login) -> None:
    """Parents free only after the room closes: the plan holds no call, and the page gives the reason."""
    _org, site, children, client = _world(make_org, make_site, make_child, make_volunteer, make_user, login)
    post_form(client, f"/calls/rooms/{site.id}", {"lines": "1", "hours": "wed 18:30-19:30"})
    post_form(client, f"/calls/parents/{children[0].id}", {"family": "WANG", "calls_per_week": "1",
                                                          "hours": "wed 20:00-22:00"})
    page = post_form(client, "/calls/plan", {"week": MONDAY.isoformat()}, page="/calls/?week=2026-11-30",
                     headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "王欣怡: 1 call missing; her parents&#39; hours never meet the call room&#39;s hours at 红旗小学" in page


def test_siblings_at_two_sites_are_refused_naming_the_child_and_nothing_is_planned(app, make_org, make_site,
                                                                                 make_child, make_volunteer,
                                                                                 make_user, login) -> None:
    """One family's children call together, so they must call from one site: planning says which child is
    elsewhere, and no plan is stored."""
    _org, site, children, client = _world(make_org, make_site, make_child, make_volunteer, make_user, login)
    _set_up(client, site, children)
    other = make_site(_org, "S2", name="白果小学")
    post_form(client, f"/calls/rooms/{other.id}", {"lines": "1", "hours": "wed 18:30-20:30"})
    children[1].site_id = other.id
    db.session.commit()
    page = post_form(client, "/calls/plan", {"week": MONDAY.isoformat()}, page="/calls/?week=2026-11-30",
                     headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "child C2: family WANG calls from the site of C1" in page
    assert db.session.execute(db.select(CallPlan)).first() is None


def test_a_guardians_request_shows_the_parents_and_calls_and_anonymising_removes_them(
        app, make_org, make_site, make_child, make_volunteer, make_user, login) -> None:
    """The child's data download holds her parents' details and her calls; anonymising her deletes the parents'
    details and empties the calls' notes."""
    from scheduler_app.privacy.services import anonymise, child_data
    _org, site, children, client = _world(make_org, make_site, make_child, make_volunteer, make_user, login)
    _set_up(client, site, children)
    post_form(client, "/calls/plan", {"week": MONDAY.isoformat()}, page="/calls/?week=2026-11-30")
    [call] = db.session.execute(db.select(FamilyCall)).scalars()
    call.notes = "王建国说起离婚"
    db.session.commit()
    data = child_data(children[0])
    assert data["parents_for_calls"]["reach"] == "13800000000" and data["family_calls"][0]["notes"] == call.notes
    assert data["parents_for_calls"]["call_times_by_message"] is False  # how their call times reach them, too
    anonymise(children[0])
    db.session.commit()
    assert db.session.execute(db.select(ParentContact).where(ParentContact.child_id == children[0].id)).first() is None
    db.session.refresh(call)
    assert call.notes == ""
