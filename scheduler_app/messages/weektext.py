"""The published week as text to paste in the WeChat group: one block per site and day (its tutors) and one per
day for the home visits, Chinese first and then English, a child named by her given name and village only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from scheduler_app.messages.events import child_label
from scheduler_app.models import Assignment, AssignmentKind, AssignmentStatus, Roster
from scheduler_app.weekly import day_label

LANGUAGES = ("zh_CN", "en")  # the group reads Chinese; English follows for tutors who read it better


@dataclass(frozen=True)
class CopyBlock:
    """One block of text to copy: its day (0 = Monday), a heading for the page, and the text itself."""

    day_index: int
    heading: str
    text: str

    def __post_init__(self) -> None:
        if not 0 <= self.day_index <= 6 or not self.text.strip():
            raise ValueError("a block is of a day of the week and has text")


def _tutoring(assignments: list[Assignment]) -> str:
    first = assignments[0]
    names = ("、" if get_locale().language == "zh" else ", ").join(sorted({a.volunteer.name for a in assignments}))
    return "\n".join([_("%(day)s %(date)s %(site)s %(start)s–%(end)s", day=day_label(first.day_index),
                        date=f"{first.date:%m-%d}", site=first.tutoring_site.name, start=f"{first.start:%H:%M}",
                        end=f"{first.end:%H:%M}"),
                      _("Tutors: %(names)s", names=names)])


def _visits(assignments: list[Assignment]) -> str:
    first = assignments[0]
    lines = [_("%(day)s %(date)s home visits", day=day_label(first.day_index), date=f"{first.date:%m-%d}")]
    lines += [f"{a.start:%H:%M}–{a.end:%H:%M} {a.volunteer.name} → {child_label(a.visited_child)}" for a in assignments]
    return "\n".join(lines)


def _in_languages(write: Callable[[list[Assignment]], str], assignments: list[Assignment]) -> str:
    texts = []
    for language in LANGUAGES:
        with force_locale(language):
            texts.append(write(assignments))
    return "\n\n".join(texts)


def week_blocks(roster: Roster) -> list[CopyBlock]:
    """The roster's blocks in day order: each site's session with its tutors, then the day's home visits (what
    volunteers declined is left out: the group sees who comes)."""
    kept = [a for a in roster.assignments if a.status != AssignmentStatus.DECLINED]
    blocks = []
    for day, day_group in groupby(sorted(kept, key=lambda a: a.day_index), key=lambda a: a.day_index):
        of_day = list(day_group)
        sessions = sorted((a for a in of_day if a.kind == AssignmentKind.TUTORING),
                          key=lambda a: (a.tutoring_site.code, a.start))
        for _site, site_group in groupby(sessions, key=lambda a: (a.site_id, a.start)):
            at_site = list(site_group)
            blocks.append(CopyBlock(day, f"{day_label(day)} · {at_site[0].tutoring_site.name}",
                                    _in_languages(_tutoring, at_site)))
        visits = sorted((a for a in of_day if a.kind == AssignmentKind.VISIT),
                        key=lambda a: (a.start, a.volunteer.code))
        if visits:
            blocks.append(CopyBlock(day, f"{day_label(day)} · {_('home visits')}", _in_languages(_visits, visits)))
    return blocks
