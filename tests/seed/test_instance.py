"""Loading a roster-instance/1 document into the database: the week the app builds from it is the document."""

from __future__ import annotations

import datetime as dt

from scheduler_app.contract.instance import build_instance
from seed.instance import load_instance
from solver.bench.generate import generate


def _ordered(document: dict) -> dict:
    """The document's people and places by id, subjects in order (the app keeps them as a set), without the
    document's name."""
    return {key: sorted(({**item, **({"subjects": sorted(item["subjects"])} if "subjects" in item else {})}
                         for item in document[key]), key=lambda item: item["id"])
            for key in ("sites", "children", "volunteers")}


def test_a_loaded_instance_builds_back_into_the_same_week(app) -> None:
    """Every site, child and volunteer of a generated district comes back from the database, field for field,
    when the app builds that week's instance, with the same settings."""
    document = generate("small", seed=4)
    org = load_instance(document, "生成的区")
    built = build_instance(org.id, dt.date.fromisoformat(document["week_start"]))
    assert built["settings"] == document["settings"]
    assert _ordered(built) == _ordered(document)
