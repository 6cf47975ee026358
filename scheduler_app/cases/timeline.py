"""A child's timeline for those allowed to see sensitive data: visits and sessions, the diaries' observations in
five dimensions (as a small chart over the last months, and each entry), concerns, case actions, referrals, the
mandatory report and case plans, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from scheduler_app.cases.services import REFERRAL_ROLES, SEVERITIES, SOURCES
from scheduler_app.children.services import child_history, child_observations, sensitive_shown
from scheduler_app.extensions import db
from scheduler_app.me.forms import DIMENSIONS
from scheduler_app.models import AssignmentKind, CaseConcern, Child, SafeguardingCase, as_utc
from scheduler_app.reports.charts import Series, bar_chart

CHART_MONTHS = 3  # the chart compares the last three months (three colours in the stylesheet)
SERIES_CSS = ("s2", "s3", "s1")  # oldest pale, newest the brand's colour
# The dimensions as the chart's category labels: a long English word is broken over two lines to fit its group.
CHART_LABELS = {"psychological": _l("Psycho-\nlogical"), "emotional": _l("Emotional"),
                "behavioural": _l("Behav-\nioural"), "health": _l("Health"), "social": _l("Social")}


@dataclass(frozen=True)
class TimelineItem:
    """One thing that happened to or for the child, on a day."""

    day: dt.date
    kind: str  # visit | tutoring | observation | concern | action | referral | report | plan | case
    title: str
    text: str = ""
    case_id: int | None = None


@dataclass(frozen=True)
class Timeline:
    """The child's timeline, newest first, and the chart of the five dimensions (None without the guardian's
    consent to observations)."""

    items: list[TimelineItem]
    chart: Markup | None
    observations_shown: bool


def _months_back(today: dt.date, count: int) -> list[tuple[int, int]]:
    year, month = today.year, today.month
    months = []
    for _step in range(count):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def dimensions_chart(entries: list, today: dt.date) -> Markup:
    """Per dimension, how many handed-in diary entries noted something about it in each of the last months."""
    months = _months_back(today, CHART_MONTHS)
    series = []
    for (year, month), css in zip(months, SERIES_CSS, strict=True):
        counts = [sum(1 for e in entries if (e.served_on.year, e.served_on.month) == (year, month)
                      and (e.observations or {}).get(key)) for key in DIMENSIONS]
        series.append(Series(f"{year}-{month:02d}", counts, css))
    return bar_chart(_("Observations noted per dimension, by month"), [str(CHART_LABELS[k]) for k in DIMENSIONS],
                     series, whole=True)


def child_timeline(child: Child, user: object, today: dt.date) -> Timeline:
    """Everything on the child's timeline that this user may see (observations only with a guardian's consent)."""
    items: list[TimelineItem] = []
    for served in child_history(child, today):
        items.append(TimelineItem(served.day, served.kind.value,
                                  _("Home visit") if served.kind == AssignmentKind.VISIT else _("Tutoring session"),
                                  ", ".join(served.volunteers)))
    shown = sensitive_shown(user, child, today)
    entries = child_observations(child) if shown.observations else []
    for entry in entries:
        noted = "; ".join(f"{DIMENSIONS[k]}: {v}" for k, v in (entry.observations or {}).items() if k in DIMENSIONS)
        if noted:
            items.append(TimelineItem(entry.served_on, "observation",
                                      _("Observations by %(volunteer)s", volunteer=entry.volunteer.name), noted))
    concerns = db.session.execute(db.select(CaseConcern).where(CaseConcern.child_id == child.id)).scalars()
    for concern in concerns:
        items.append(TimelineItem(as_utc(concern.raised_at).date(), "concern",
                                  _("Concern (%(severity)s), from %(source)s", severity=SEVERITIES[concern.severity],
                                    source=SOURCES[concern.source]), concern.what, concern.case_id))
    cases = db.session.execute(db.select(SafeguardingCase).where(SafeguardingCase.child_id == child.id)).scalars()
    for case in cases:
        items.append(TimelineItem(as_utc(case.opened_at).date(), "case", _("Case opened"), "", case.id))
        if case.closed_at is not None:
            items.append(TimelineItem(as_utc(case.closed_at).date(), "case", _("Case closed"), case.outcome, case.id))
        if case.reported_at is not None:
            items.append(TimelineItem(as_utc(case.reported_at).date(), "report", _("Mandatory report made"),
                                      _("to %(whom)s", whom=case.reported_to), case.id))
        for action in case.actions:
            items.append(TimelineItem(action.done_on or action.due_on, "action",
                                      _("Action done") if action.done_on else _("Action due"),
                                      action.what + (f" — {action.note}" if action.note else ""), case.id))
        for referral in case.referrals:
            items.append(TimelineItem(referral.referred_on, "referral",
                                      _("Referred to %(role)s", role=REFERRAL_ROLES.get(referral.to_role, "")),
                                      referral.contact, case.id))
            if referral.answered_on is not None:
                items.append(TimelineItem(referral.answered_on, "referral", _("Answer received"), referral.answer,
                                          case.id))
        for plan in case.plans:
            items.append(TimelineItem(plan.first_day, "plan",
                                      _("Case plan until %(day)s", day=plan.last_day.isoformat()), plan.goals,
                                      case.id))
    items.sort(key=lambda item: item.day, reverse=True)
    return Timeline(items=items, chart=dimensions_chart(entries, today) if shown.observations else None,
                    observations_shown=shown.observations)
