"""Safeguarding pages: the case list and a case (coordinators and managers with the sensitive-data permission),
a concern entered by staff or opened from a warning, the child's timeline, and a volunteer's own concern form."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from scheduler_app.auth.services import require, roles_required
from scheduler_app.cases import alerts
from scheduler_app.cases.forms import (
    ActionForm,
    AnswerForm,
    CaseForm,
    ConcernForm,
    DoneForm,
    PlanForm,
    ReferralForm,
    ReportForm,
    VolunteerConcernForm,
)
from scheduler_app.cases.services import (
    BASES,
    REFERRAL_ROLES,
    SEVERITIES,
    SOURCES,
    STATUSES,
    CaseChange,
    CaseError,
    PlanValues,
    ReferralValues,
    add_action,
    add_plan,
    add_referral,
    answer_referral,
    case_list,
    case_staff,
    children_she_sees,
    complete_action,
    escalate,
    find_action,
    find_case,
    find_referral,
    from_warning,
    local_today,
    my_concerns,
    open_case,
    overdue,
    raise_concern,
    record_report,
    report_due,
    update_case,
    visitors,
    volunteer_concern,
)
from scheduler_app.cases.timeline import child_timeline
from scheduler_app.children.services import open_child
from scheduler_app.database import owned
from scheduler_app.earlywarning.services import find_warning
from scheduler_app.extensions import db
from scheduler_app.messages.services import organisation_zone
from scheduler_app.models import CaseStatus, Child, Role, SafeguardingCase, Severity
from scheduler_app.names import first_name
from scheduler_app.permissions import Permission
from scheduler_app.records.fields import SUBJECTS

bp = Blueprint("cases", __name__)

STAFF = (Role.COORDINATOR, Role.MANAGER)


def _refuse(form: FlaskForm) -> None:
    """Flash each wrong field by its label (nothing was saved)."""
    for name, errors in form.errors.items():
        label = getattr(getattr(form, name, None), "label", None)
        flash(f"{label.text if label else name}: {' '.join(str(e) for e in errors)}", "error")


def _refused(form: FlaskForm, exc: CaseError) -> None:
    field = getattr(form, exc.field, None)
    label = field.label.text if field is not None else ""
    flash(f"{label}: {exc}" if label else str(exc), "error")


def _case_or_404(case_id: int) -> SafeguardingCase:
    """The organisation's case (the user needs the sensitive-data permission: it holds observations)."""
    require(Permission.CHILD_SENSITIVE)
    case = find_case(current_user.organisation_id, case_id)
    if case is None:
        abort(404)
    return case


def _staff_choices(none_label: str) -> list[tuple[int | None, str]]:
    return [(None, none_label)] + [(u.id, u.display_name or u.username)
                                   for u in case_staff(current_user.organisation_id)]


@bp.route("/")
@roles_required(*STAFF)
def index():
    """The cases not closed, urgent and soonest due first, with the user's unread alerts; overdue actions are
    escalated when the page opens (cron does it too)."""
    escalate(current_user.organisation_id)
    return render_template("cases/index.html", cases=case_list(current_user.organisation_id),
                           closed=case_list(current_user.organisation_id, closed=True)[:20],
                           alerts=alerts.unread(current_user), kinds=alerts.KINDS, severities=SEVERITIES,
                           statuses=STATUSES, today=local_today(current_user.organisation_id),
                           report_due=report_due)


def _children_choices() -> list[tuple[int, str]]:
    children = db.session.execute(db.select(Child).where(
        Child.organisation_id == current_user.organisation_id, Child.active).order_by(Child.code)).scalars()
    return [(c.id, f"{c.name} ({c.code})") for c in children]


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    """Enter a concern about a child: it opens her case, or joins the one she has."""
    form = ConcernForm()
    form.child.choices = _children_choices()
    if form.is_submitted():
        if not form.validate():
            _refuse(form)
            return render_template("cases/new.html", form=form), 422
        child = owned(Child, current_user.organisation_id, form.child.data)
        if child is None:
            abort(404)
        try:
            concern = raise_concern(child, Severity(form.severity.data), form.what.data or "", current_user)
        except CaseError as exc:
            _refused(form, exc)
            return render_template("cases/new.html", form=form), 422
        flash(_("Concern recorded on the child's case.") if concern.severity != Severity.URGENT
              else _("Urgent concern recorded; the managers have been alerted."), "success")
        return redirect(url_for("cases.view", case_id=concern.case_id))
    return render_template("cases/new.html", form=form)


@bp.route("/from-warning/<int:warning_id>", methods=["POST"])
@roles_required(*STAFF)
def open_from_warning(warning_id: int):
    """A warning about a child opens (or joins) her case."""
    warning = find_warning(current_user.organisation_id, warning_id)
    if warning is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        flash(_("The form could not be accepted; try again."), "error")
        return redirect(url_for("earlywarning.index"))
    try:
        concern = from_warning(warning, current_user)
    except CaseError as exc:
        flash(str(exc), "error")
        return redirect(url_for("earlywarning.index"))
    flash(_("The warning is on the child's case."), "success")
    return redirect(url_for("cases.view", case_id=concern.case_id))


@bp.route("/<int:case_id>")
@roles_required(*STAFF)
def view(case_id: int):
    """A case: its concerns, actions, referrals, mandatory report and plans, with the forms to work it; the
    opening is audited."""
    case = _case_or_404(case_id)
    open_case(case, current_user)
    today = local_today(case.organisation_id)
    owner_choices = _staff_choices(_("nobody yet"))
    case_form = CaseForm(formdata=None, prefix="case", version=case.version_id, status=case.status.value,
                         severity=case.severity.value, owner=case.owner_id, due_on=case.due_on, outcome=case.outcome)
    case_form.owner.choices = owner_choices
    action_form = ActionForm(formdata=None, prefix="action", owner=current_user.id, due_on=today)
    action_form.owner.choices = owner_choices[1:]
    plan_form = PlanForm(formdata=None, prefix="plan", first_day=today, last_day=today + dt.timedelta(weeks=4))
    plan_form.regular_visitor.choices = [(None, _("as in the child's profile"))] + [
        (v.id, v.name) for v in visitors(case.organisation_id)]
    zone = organisation_zone(case.organisation_id)
    return render_template(
        "cases/view.html", case=case, case_form=case_form, action_form=action_form, plan_form=plan_form,
        done_form=DoneForm(formdata=None, done_on=today), answer_form=AnswerForm(formdata=None, answered_on=today),
        referral_form=ReferralForm(formdata=None, prefix="referral", referred_on=today),
        report_form=ReportForm(formdata=None, prefix="report", reported_on=today,
                               reported_time=dt.datetime.now(zone).time().replace(second=0, microsecond=0)),
        severities=SEVERITIES, statuses=STATUSES, sources=SOURCES, roles=REFERRAL_ROLES, bases=BASES,
        subjects=SUBJECTS, today=today, overdue=overdue, report_due=report_due(case), zone=zone)


def _back(case: SafeguardingCase, anchor: str = ""):
    return redirect(url_for("cases.view", case_id=case.id) + (f"#{anchor}" if anchor else ""))


@bp.route("/<int:case_id>/edit", methods=["POST"])
@roles_required(*STAFF)
def edit(case_id: int):
    """Change the case's status, severity, owner or due date, or close it with its outcome."""
    case = _case_or_404(case_id)
    form = CaseForm(prefix="case")
    form.owner.choices = _staff_choices("")
    if not form.validate_on_submit() or not (form.version.data or "").isdigit():
        _refuse(form)
        return _back(case, "case")
    try:
        update_case(case, current_user, int(form.version.data), CaseChange(
            status=CaseStatus(form.status.data), severity=Severity(form.severity.data), owner_id=form.owner.data,
            due_on=form.due_on.data, outcome=form.outcome.data or ""))
    except CaseError as exc:
        _refused(form, exc)
        return _back(case, "case")
    flash(_("Case closed.") if form.status.data == CaseStatus.CLOSED.value else _("Case saved."), "success")
    return _back(case)


@bp.route("/<int:case_id>/actions", methods=["POST"])
@roles_required(*STAFF)
def new_action(case_id: int):
    """Add an action to the case."""
    case = _case_or_404(case_id)
    form = ActionForm(prefix="action")
    if not form.validate_on_submit():
        _refuse(form)
        return _back(case, "actions")
    try:
        add_action(case, current_user, form.what.data or "", form.owner.data or current_user.id, form.due_on.data)
    except CaseError as exc:
        _refused(form, exc)
        return _back(case, "actions")
    flash(_("Action added."), "success")
    return _back(case, "actions")


@bp.route("/<int:case_id>/actions/<int:action_id>/done", methods=["POST"])
@roles_required(*STAFF)
def action_done(case_id: int, action_id: int):
    """Mark an action of the case done."""
    case = _case_or_404(case_id)
    action = find_action(case, action_id)
    if action is None:
        abort(404)
    form = DoneForm()
    if not form.validate_on_submit():
        _refuse(form)
        return _back(case, "actions")
    try:
        complete_action(action, current_user, form.done_on.data, form.note.data or "")
    except CaseError as exc:
        _refused(form, exc)
        return _back(case, "actions")
    flash(_("Action done."), "success")
    return _back(case, "actions")


@bp.route("/<int:case_id>/referrals", methods=["POST"])
@roles_required(*STAFF)
def new_referral(case_id: int):
    """Record a referral of the case."""
    case = _case_or_404(case_id)
    form = ReferralForm(prefix="referral")
    if not form.validate_on_submit():
        _refuse(form)
        return _back(case, "referrals")
    try:
        add_referral(case, current_user, ReferralValues(
            to_role=form.to_role.data, contact=form.contact.data or "", referred_on=form.referred_on.data,
            shared=form.shared.data or "", basis=form.basis.data, basis_note=form.basis_note.data or ""))
    except CaseError as exc:
        _refused(form, exc)
        return _back(case, "referrals")
    flash(_("Referral recorded."), "success")
    return _back(case, "referrals")


@bp.route("/<int:case_id>/referrals/<int:referral_id>/answer", methods=["POST"])
@roles_required(*STAFF)
def referral_answer(case_id: int, referral_id: int):
    """Record the answer a referral received."""
    case = _case_or_404(case_id)
    referral = find_referral(case, referral_id)
    if referral is None:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        _refuse(form)
        return _back(case, "referrals")
    try:
        answer_referral(referral, current_user, form.answer.data or "", form.answered_on.data)
    except CaseError as exc:
        _refused(form, exc)
        return _back(case, "referrals")
    flash(_("Answer recorded."), "success")
    return _back(case, "referrals")


@bp.route("/<int:case_id>/report", methods=["POST"])
@roles_required(*STAFF)
def mandatory_report(case_id: int):
    """Record that the mandatory report was made, to whom and when (the organisation's clock)."""
    case = _case_or_404(case_id)
    form = ReportForm(prefix="report")
    if not form.validate_on_submit():
        _refuse(form)
        return _back(case, "report")
    at = dt.datetime.combine(form.reported_on.data, form.reported_time.data,
                             organisation_zone(case.organisation_id)).astimezone(dt.UTC)
    try:
        record_report(case, current_user, form.reported_to.data or "", at)
    except CaseError as exc:
        _refused(form, exc)
        return _back(case, "report")
    flash(_("Mandatory report recorded."), "success")
    return _back(case, "report")


@bp.route("/<int:case_id>/plans", methods=["POST"])
@roles_required(*STAFF)
def new_plan(case_id: int):
    """Add a case plan: the next rosters follow it in the weeks it covers."""
    case = _case_or_404(case_id)
    form = PlanForm(prefix="plan")
    if not form.validate_on_submit():
        _refuse(form)
        return _back(case, "plans")
    try:
        add_plan(case, current_user, PlanValues(
            first_day=form.first_day.data, last_day=form.last_day.data, goals=form.goals.data or "",
            visits_per_week=form.visits_per_week.data, needs_trained=bool(form.needs_trained.data),
            regular_visitor_id=form.regular_visitor.data, subjects=tuple(form.subjects.data or ())))
    except CaseError as exc:
        _refused(form, exc)
        return _back(case, "plans")
    flash(_("Case plan added; the next rosters follow it."), "success")
    return _back(case, "plans")


@bp.route("/children/<int:child_id>/timeline")
@roles_required(*STAFF)
def timeline(child_id: int):
    """The child's timeline (sensitive data: needs the permission; the opening is audited)."""
    require(Permission.CHILD_SENSITIVE)
    child = open_child(current_user.organisation_id, child_id)
    if child is None:
        abort(404)
    today = local_today(child.organisation_id)
    return render_template("cases/timeline.html", child=child, timeline=child_timeline(child, current_user, today))


@bp.route("/concern", methods=["GET", "POST"])
@roles_required(Role.VOLUNTEER)
def volunteer_concern_page():
    """A volunteer raises a concern about a child she visits, and sees her earlier ones were received."""
    form = VolunteerConcernForm()
    volunteer = current_user.volunteer
    # A volunteer knows a child by her given name only (scheduler_app.names).
    form.child.choices = [(c.id, first_name(c.name)) for c in children_she_sees(volunteer)] if volunteer else []
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                volunteer_concern(current_user, form.child.data, form.what.data or "", bool(form.urgent.data))
            except CaseError as exc:
                _refused(form, exc)
                status = 422
            else:
                flash(_("Thank you: your concern was received. The coordinator will act on it."), "success")
                return redirect(url_for("cases.volunteer_concern_page"))
        else:
            _refuse(form)
            status = 422
    return render_template("cases/concern.html", form=form, mine=my_concerns(current_user)), status
