"""The demo data: loads into an empty database, is deterministic and yields a valid week."""

from __future__ import annotations

import datetime as dt

from scheduler_app.contract.instance import build_instance
from scheduler_app.extensions import db
from scheduler_app.models import Child, Role, Site, User, Volunteer
from seed.demo import DEMO_PASSWORD, load_demo
from solver import parse_instance
from tests.conftest import post_form

MONDAY = dt.date(2026, 11, 23)


def test_demo_loads_a_realistic_district(app) -> None:
    """The demo has 5 sites, 120 children, 25 tutors, 20 volunteer mothers, a social worker and one login per
    role."""
    org = load_demo()
    count = lambda stmt: len(db.session.execute(stmt).scalars().all())  # noqa: E731
    assert count(db.select(Site)) == 5
    assert count(db.select(Child)) == 120
    assert count(db.select(Volunteer).where(Volunteer.is_tutor)) == 25
    assert count(db.select(Volunteer).where(Volunteer.is_visitor, Volunteer.is_social_worker.is_(False))) == 20
    assert count(db.select(Volunteer).where(Volunteer.is_social_worker)) == 1
    roles = {u.role for u in db.session.execute(db.select(User)).scalars()}
    assert roles == set(Role)
    assert org.name.startswith("黄州区")


def test_demo_yields_a_valid_contract_instance(app) -> None:
    """The demo week builds and parses; high-risk children need trained visitors who exist."""
    org = load_demo()
    inst = parse_instance(build_instance(org.id, MONDAY))
    # Five of the children are under one-on-one support: each has her weekly interview as a child of its own.
    assert len(inst.children) == 125 and len(inst.volunteers) == 46
    assert any(c.needs_trained for c in inst.children)
    assert any(v.trained for v in inst.volunteers if v.is_visitor())
    assert all(c.attends for c in inst.children if c.site)
    assert sum(inst.required_tutors(s, d) for s in inst.sites for d in ("mon", "tue", "wed")) > 0


def test_demo_is_deterministic(app) -> None:
    """Two loads give identical weeks (same children, homes, volunteers and windows)."""
    org = load_demo()
    first = build_instance(org.id, MONDAY)
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    db.session.expunge_all()  # ids are reused after the delete; forget the old objects
    org = load_demo()
    assert build_instance(org.id, MONDAY) == first


def test_every_demo_login_works(app) -> None:
    """Each documented demo account logs in with the demo password."""
    load_demo()
    for username in ("admin", "manager", "coordinator", "tutor", "mother", "social"):
        client = app.test_client()
        response = post_form(client, "/auth/login", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200


def test_seed_command_refuses_a_database_with_data(app) -> None:
    """`python -m seed demo` loads into an empty database and refuses to load twice."""
    from seed.__main__ import cli
    runner = app.test_cli_runner()
    assert runner.invoke(cli, args=["demo"]).exit_code == 0
    second = runner.invoke(cli, args=["demo"])
    assert second.exit_code != 0 and "already holds data" in second.output
    assert len(db.session.execute(db.select(Child)).scalars().all()) == 120
