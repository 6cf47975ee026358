"""The managers' dashboard and the funders' report (page, print, CSV/XLSX)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_skeleton
from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from scheduler_app import audit, tabular
from scheduler_app.auth.services import require, roles_required
from scheduler_app.extensions import db
from scheduler_app.models import Role
from scheduler_app.permissions import Permission
from scheduler_app.reports.charts import Series, bar_chart, row_chart
from scheduler_app.reports.forms import ReportPeriodForm
from scheduler_app.reports.services import INACTIVE_WEEKS, LOAD_WEEKS, Report, dashboard, period_report
from scheduler_app.weekly import week_start_of

bp = Blueprint("reports", __name__)


@bp.route("/dashboard")
@roles_required(Role.MANAGER)
def dashboard_page():
    """Charts of coverage, continuity, hours and load, and the volunteers who have gone quiet."""
    figures = dashboard(current_user.organisation_id)
    locale = get_locale()
    weeks = [format_skeleton("Md", w.week_start, locale=locale) for w in figures.weeks]
    # This week is not over: its bars are drawn pale, so a short week is not read as a bad one.
    partial = next((i for i, w in enumerate(figures.weeks) if w.week_start == week_start_of(dt.date.today())), None)
    so_far = {"partial": partial, "partial_label": _("this week so far")}
    months = [dt.date(int(m[:4]), int(m[5:]), 1) for m, _h in figures.hours_by_month]
    month_labels = [format_date(d, "LLL", locale=locale) + ("\n" + format_skeleton("y", d, locale=locale)
                                                            if i == 0 or d.month == 1 else "")
                    for i, d in enumerate(months)]
    charts = {
        "visits": bar_chart(_("Home visits: required and made"), weeks, [
            Series(_("needed"), [w.visits_required for w in figures.weeks], "s2"),
            Series(_("made"), [w.visits_made for w in figures.weeks], "s1"),
            Series(_("took place (diaries)"), [w.visits_delivered for w in figures.weeks], "s3")], **so_far),
        "places": bar_chart(_("Tutor places: required and staffed"), weeks, [
            Series(_("needed"), [w.places_required for w in figures.weeks], "s2"),
            Series(_("staffed"), [w.places_staffed for w in figures.weeks], "s1")], **so_far),
        "continuity": bar_chart(_("Visits by the child's regular visitor (%)"), weeks, [
            Series(_("share of visits"), [round(w.continuity * 100) if w.continuity is not None else None
                                          for w in figures.weeks], "s3")], unit="%", **so_far),
        "months": bar_chart(_("Approved hours by month"), month_labels, [
            Series(_("hours"), [h for _m, h in figures.hours_by_month], "s1")], whole=False),
        "volunteers": row_chart(_("Approved hours by volunteer"), figures.hours_by_volunteer, unit=" h"),
        "load": bar_chart(_("Volunteers by number of activities in the last %(weeks)d weeks", weeks=LOAD_WEEKS),
                          [n for n, _c in figures.load], [Series(_("volunteers"), [c for _n, c in figures.load],
                                                                 "s3")],
                          x_title=_("activities in %(weeks)d weeks", weeks=LOAD_WEEKS)),
    }
    return render_template("reports/dashboard.html", charts=charts, figures=figures, inactive_weeks=INACTIVE_WEEKS)


def _period() -> ReportPeriodForm:
    """The report's period from the query string; this month so far by default."""
    form = ReportPeriodForm(request.args)
    if not request.args:
        today = dt.date.today()
        form.first_day.data, form.last_day.data = today.replace(day=1), today
    return form


def _presets(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """This month, last month and the school term (autumn: September to January; spring: February to July)."""
    this_month = today.replace(day=1)
    last_month_end = this_month - dt.timedelta(days=1)
    if today.month >= 9 or today.month == 1:
        year = today.year if today.month >= 9 else today.year - 1
        term = (dt.date(year, 9, 1), dt.date(year + 1, 1, 31))
    else:
        term = (dt.date(today.year, 2, 1), dt.date(today.year, 7, 31))
    return [(_("This month"), this_month, today), (_("Last month"), last_month_end.replace(day=1), last_month_end),
            (_("This term"), term[0], term[1])]


@bp.route("/")
@roles_required(Role.MANAGER)
def report():
    """The report of a period, on screen and ready to print."""
    form = _period()
    if not form.validate():
        return render_template("reports/report.html", form=form, report=None,
                               presets=_presets(dt.date.today())), 422
    found = period_report(current_user.organisation_id, form.first_day.data, form.last_day.data)
    return render_template("reports/report.html", form=form, report=found, presets=_presets(dt.date.today()))


def report_rows(found: Report) -> list[list[object]]:
    """The report as rows of (measure, value), then one row per site, in the user's language."""
    def share(value: float | None) -> tabular.Share | str:
        return tabular.Share(value) if value is not None else ""
    rows: list[list[object]] = [
        [_("Period"), f"{found.first_day.isoformat()} – {found.last_day.isoformat()}"],
        [_("Counted up to"), found.counted_to.isoformat()],
        [_("Children visited at home"), found.children_visited],
        [_("Home visits made"), found.visits_made],
        [_("Home visits required"), found.visits_required],
        [_("Home visit coverage"), share(found.visit_coverage)],
        [_("Children interviewed by a social worker"), found.children_interviewed],
        [_("Family interviews made"), found.interviews_made],
        [_("Family interviews required"), found.interviews_required],
        [_("Family interview coverage"), share(found.interview_coverage)],
        [_("Children in the 4:30 classroom"), found.children_tutored],
        [_("Sessions held"), found.sessions_held],
        [_("Tutor places staffed"), found.tutor_places_staffed],
        [_("Tutor places required"), found.tutor_places_required],
        [_("Tutor coverage"), share(found.tutor_coverage)],
        [_("Volunteers serving"), found.volunteers_serving],
        [_("Guardians reached by parenting groups"), found.guardians_reached],
        [_("Approved hours"), round(found.minutes_approved / 60, 1)],
        [_("of which 4:30 classroom"), round(found.minutes_tutoring / 60, 1)],
        [_("of which home visits"), round(found.minutes_visits / 60, 1)],
        [_("Home visits that took place (diaries)"), found.delivered.visits_took_place],
        [_("Children visited at home (diaries)"), found.delivered.children_visited],
        [_("Sessions with attendance recorded"), found.delivered.sessions_recorded],
        [_("Sessions without attendance (not counted)"), len(found.delivered.unrecorded)],
        [_("Children who came to the 4:30 classroom (attendance)"), found.delivered.children_attended],
        [],
        [_("Site"), _("Sessions held"), _("Tutor places staffed"), _("Children in the 4:30 classroom")],
    ]
    rows += [[s.name, s.sessions, s.tutor_places, s.children] for s in found.sites]
    return rows


@bp.route("/export.<fmt>")
@roles_required(Role.MANAGER)
def export(fmt: str):
    """The report of a period as a spreadsheet; needs the export permission."""
    require(Permission.EXPORT)
    if fmt not in tabular.FORMATS:
        abort(404)
    form = _period()
    if not form.validate():
        abort(400)
    found = period_report(current_user.organisation_id, form.first_day.data, form.last_day.data)
    audit.record("report_exported", "organisation", current_user.organisation_id,
                 first_day=found.first_day.isoformat(), last_day=found.last_day.isoformat())
    db.session.commit()
    rows = report_rows(found)
    return tabular.download(fmt, [_("Measure"), _("Value")], rows, title=_("Report"),
                            stem=f"report-{found.first_day:%Y%m%d}-{found.last_day:%Y%m%d}")
