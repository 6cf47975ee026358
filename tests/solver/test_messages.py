"""Messages: the English text the contract carries, with the template and values kept for translation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from solver import parse_instance
from solver.messages import DAY_NAMES, Message, names
from solver.recheck import recheck
from solver.roster import parse_roster
from solver.settings import SolverSettings
from solver.solve import solve

ROOT = Path(__file__).resolve().parents[2]


def mark(template: str) -> str:
    """A stand-in catalogue: each template comes back in «», so the test sees which ones were translated."""
    return f"«{template}»"


def test_a_message_is_its_english_text_and_renders_nested_templates_through_translate() -> None:
    """A Message equals its English text; render passes each template (outer and nested) through the
    translate function and keeps the values."""
    who = names(["V3", "V1", "V2", "V5", "V4", "V6"])
    message = Message("%(who)s is at their daily limit on %(day)s", who=who, day=DAY_NAMES["sat"])
    assert message == "V1, V2, V3, V4 and 2 more is at their daily limit on Saturday"
    # The ids are listed one by one ("%(a)s, %(b)s"), so a language joins them its own way.
    assert message.render(mark) == "«««««V1, V2», V3», V4» and 2 more» is at their daily limit on «Saturday»»"
    assert message.render(lambda t: {"Saturday": "星期六"}.get(t, t)).endswith("on 星期六")


def test_render_names_each_id_the_message_holds() -> None:
    """Given a naming function, every plain value (each id of a list too) is passed through it; templates and
    numbers are not; the English text of the message itself keeps the ids."""
    message = Message("%(who)s are at their weekly limit", who=names(["M2", "M1"]))
    chinese = {"%(a)s, %(b)s": "%(a)s、%(b)s", "%(who)s are at their weekly limit": "%(who)s 已达每周上限"}
    named = message.render(lambda t: chinese.get(t, t), {"M1": "陈春梅", "M2": "宋秀兰"}.get)
    assert named == "陈春梅、宋秀兰 已达每周上限" and message == "M1, M2 are at their weekly limit"


def test_a_message_survives_json_with_its_structure() -> None:
    """to_json then from_json gives the same text and the same rendering."""
    message = Message("%(head)s; %(who)s is the only tutor available on %(day)s",
                      head=Message("%(children)d children need %(need)d tutors", children=5, need=2),
                      who="V1", day=DAY_NAMES["mon"])
    again = Message.from_json(json.loads(json.dumps(message.to_json())))
    assert again == message and again.render(mark) == message.render(mark)


def test_every_unmet_reason_of_a_solve_is_a_message_in_the_order_of_unmet(tiny_doc) -> None:
    """The solver's reasons_json lists one message per unmet entry, in order, each rendering back to the
    contract's English reason."""
    roster = solve(parse_instance(tiny_doc()), SolverSettings(time_limit_s=5)).roster
    kept = roster.unmet.reasons_json()
    written = roster.unmet.to_json()
    for kind in ("visits", "tutors", "subjects"):
        assert len(kept[kind]) == len(written[kind]) > 0
        for stored, entry in zip(kept[kind], written[kind], strict=True):
            assert Message.from_json(stored).render(lambda t: t) == entry["reason"]


def test_a_broken_rule_after_an_edit_is_a_translatable_message(tiny_doc, tiny_roster_doc) -> None:
    """Giving V1's Monday session to a volunteer who is not a tutor is refused with a message whose
    templates all reach the translate function."""
    doc = tiny_roster_doc()
    doc["tutoring"][0]["volunteer"] = "V3"
    checked = recheck(parse_instance(tiny_doc()), parse_roster(doc))
    assert not checked.ok
    violation = checked.violations[0]
    assert isinstance(violation, Message) and violation.startswith("rule ")
    rendered = violation.render(mark)
    assert rendered == "«rule 1: ««V3 tutoring at S1 «mon» 16:30–18:00»: V3 is not a tutor»»"
    assert rendered.replace("«", "").replace("»", "") == violation


def test_the_command_line_writes_the_reasons_beside_the_roster(tmp_path, tiny_doc) -> None:
    """python -m solver solve --reasons FILE writes the messages; the roster file is the contract's alone."""
    source, target, reasons = tmp_path / "in.json", tmp_path / "out.json", tmp_path / "reasons.json"
    source.write_text(json.dumps(tiny_doc()))
    done = subprocess.run([sys.executable, "-m", "solver", "solve", str(source), "-o", str(target),  # noqa: S603
                           "--time-limit", "5", "--reasons", str(reasons)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    roster, kept = json.loads(target.read_text()), json.loads(reasons.read_text())
    assert [Message.from_json(m) for m in kept["visits"]] == [u["reason"] for u in roster["unmet"]["visits"]]
    assert all(set(u) == {"child", "missing", "reason"} for u in roster["unmet"]["visits"])  # the contract's keys
