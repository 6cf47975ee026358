"""The week page: generate in the background, follow progress, review, publish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from scheduler_app.auth.services import require, roles_required
from scheduler_app.contract.instance import ContractError
from scheduler_app.extensions import db
from scheduler_app.inputs import record_id
from scheduler_app.messages.weektext import week_blocks
from scheduler_app.models import Activity, Assignment, AssignmentKind, Child, Role, Roster, RosterStatus, Volunteer
from scheduler_app.permissions import Permission
from scheduler_app.privacy.services import hidden_child_fields
from scheduler_app.programmes.services import week_activities
from scheduler_app.records.fields import Lookups
from scheduler_app.rosters.changes import Edit, edit_assignment, free_to_take, swap_assignments, who_can_take
from scheduler_app.rosters.forms import (
    AssignmentEditForm,
    ButtonForm,
    GenerateForm,
    PublishForm,
    ReplanForm,
    RuleForm,
)
from scheduler_app.rosters.mapview import day_map
from scheduler_app.rosters.review import DeclineOutcome, decline_outcomes, review, site_sheets
from scheduler_app.rosters.runs import ACTIVE, RunInProgressError, latest_run, run_message, seconds_since
from scheduler_app.rosters.services import (
    RosterError,
    add_rule,
    current_of,
    current_roster,
    declined,
    find_roster,
    publish,
    remove_rule,
    roster_diff,
    roster_rows,
    rosters_of,
    week_of,
    week_rules,
)
from scheduler_app.rosters.solving import replan_absence, replan_cancelled, replan_declines, start_solve
from scheduler_app.schooldays import cancelled_in, week_exceptions
from scheduler_app.schoolyear.attendance import sessions_held
from scheduler_app.tabular import FORMATS, download
from scheduler_app.weekly import day_label, week_start_of

bp = Blueprint("rosters", __name__)

FREE_TO_TAKE_MAX = 600  # assignments up to which the week page says who could take each one over
FIRST_WEEK, LAST_WEEK = dt.date(2000, 1, 3), dt.date(2099, 12, 28)  # weeks outside these are typing mistakes


def _rule_form(organisation_id: int) -> RuleForm:
    form = RuleForm()
    lookups = Lookups.load(organisation_id)
    form.volunteer.choices = [(v.id, f"{v.code} {v.name}") for v in
                              sorted(lookups.volunteers.values(), key=lambda v: v.code) if v.active]
    children = db.session.execute(db.select(Child).where(Child.organisation_id == organisation_id, Child.active)
                                  .order_by(Child.code)).scalars()
    form.target.choices = [(f"site:{s.id}", f"{s.code} {s.name}") for s in
                           sorted(lookups.sites.values(), key=lambda s: s.code) if s.active]
    form.target.choices += [(f"child:{c.id}", f"{c.code} {c.name}") for c in children]
    form.day.choices = [(i, day_label(i)) for i in range(7)]
    return form


def _replan_form(roster) -> ReplanForm:
    form = ReplanForm()
    people = {a.volunteer.id: a.volunteer for a in roster.assignments} if roster is not None else {}
    form.volunteer.choices = [(v.id, f"{v.code} {v.name}") for v in sorted(people.values(), key=lambda v: v.code)]
    form.from_day.choices = [(i, day_label(i)) for i in range(7)]
    return form


def _monday(text: str) -> dt.date:
    """The Monday of the week a URL names; 404 for a date that is none, or one no NGO plans for (the page's
    previous/next weeks of 0001-01-01 or 9999-12-27 do not exist)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        abort(404)
    if not FIRST_WEEK <= day <= LAST_WEEK:
        abort(404)
    return week_start_of(day)


def _start(solve: Callable[[], object], started: str) -> None:
    """Start a background solve and say how it went: started, the records cannot make a week, there is
    nothing to re-plan, or one is already running."""
    try:
        solve()
    except LookupError:
        abort(404)
    except ContractError as exc:
        flash(_("The week cannot be solved as the records stand: %(problem)s", problem=str(exc)), "error")
    except RosterError as exc:
        flash(str(exc), "error")
    except RunInProgressError:
        flash(_("A roster for this week is already being generated."), "error")
    else:
        flash(started, "success")


def _assignment_of(monday: dt.date, assignment_id: int) -> Assignment:
    """An assignment of one of the organisation's rosters of that week; 404 otherwise."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.roster.week.organisation_id != current_user.organisation_id \
            or assignment.roster.week.start_date != monday:
        abort(404)
    return assignment


@bp.route("/")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def index():
    """This week's page."""
    return redirect(url_for("rosters.week", week_start=week_start_of(dt.date.today()).isoformat()))


def _progress_text(run) -> str:  # a SolveRun
    """What a running solve has done so far, in the reader's language."""
    text = _("Generating: %(seconds)d s of at most %(limit)d s.",
             seconds=int(seconds_since(run.started_at)) if run.started_at else 0, limit=run.time_limit_s)
    if run.best_shortfall is not None:
        text += " " + _("Best roster so far leaves a shortfall of %(shortfall)s.",
                        shortfall=format_decimal(run.best_shortfall))
    if run.parts:
        text += " " + _("The week is solved in %(parts)d parts that share no one, on the solve workers.",
                        parts=run.parts)
    return text


@bp.route("/<week_start>/progress.json")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def week_progress(week_start: str):
    """Whether the week's latest solve still runs, and how far it got: the week page polls this instead of
    reloading itself, so a screen reader keeps its place."""
    monday = _monday(week_start)
    run = latest_run(week_of(current_user.organisation_id, monday))
    running = run is not None and run.state in ACTIVE
    return {"running": running, "text": _progress_text(run) if running else ""}


@bp.route("/<week_start>")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def week(week_start: str):
    """The week: its solve in progress (the page refreshes itself), its roster versions and the review of
    the current one (or of ``?roster=ID``)."""
    monday = _monday(week_start)
    if monday.isoformat() != week_start:
        return redirect(url_for("rosters.week", week_start=monday.isoformat()))
    organisation_id = current_user.organisation_id
    the_week = week_of(organisation_id, monday)
    run = latest_run(the_week)
    versions = rosters_of(the_week)
    wanted = request.args.get("roster", type=record_id)
    if wanted:
        shown = find_roster(organisation_id, wanted)
    elif run is not None and run.roster is not None and run.roster.status == RosterStatus.DRAFT:
        shown = run.roster  # what the coordinator just generated is what they want to review
    else:
        shown = current_of(versions)
    if wanted and (shown is None or shown.week_id != getattr(the_week, "id", None)):
        abort(404)
    compare = request.args.get("compare", type=record_id)
    base = find_roster(organisation_id, compare) if compare else None
    if base is None and shown is not None and run is not None and run.roster_id == shown.id and run.replan_of_id:
        base = run.replan_of  # a fresh re-plan is shown with what it changed
    changes = roster_diff(base, shown) if base is not None and shown is not None and base.id != shown.id else None
    current = current_of(versions)
    declines = declined(current)
    # A re-plan of the current roster just made is shown with what it did about each decline.
    outcomes: list[DeclineOutcome] = []
    if declines and shown is not None and current is not None and shown.id != current.id and run is not None \
            and run.roster_id == shown.id and run.replan_of_id == current.id:
        outcomes = decline_outcomes(current, shown)
    # Who could take each assignment over, so re-assigning is not trial and error; a county-size roster skips it
    # (its check takes about 2 ms an assignment), and so does a page refreshing itself while a solve runs.
    can_edit, running = current_user.role == Role.COORDINATOR, run is not None and run.state in ACTIVE
    takers = free_to_take(organisation_id, shown) if can_edit and not running and shown is not None \
        and shown.instance and len(shown.assignments) <= FREE_TO_TAKE_MAX else {}
    return render_template(
        "rosters/week.html", monday=monday, run=run, takers=takers, running=running,
        run_message=run_message(run) if run is not None else "",
        progress=_progress_text(run) if run is not None and run.state in ACTIVE else "",
        versions=versions,
        shown=shown, review=review(shown) if shown is not None and shown.instance else None,
        generate=GenerateForm(), publish_form=PublishForm(), can_edit=can_edit,
        replan=_replan_form(current), current=current, base=base, changes=changes,
        declines=declines, outcomes=outcomes,
        rules=week_rules(the_week),
        rule_form=_rule_form(organisation_id) if current_user.role == Role.COORDINATOR else None,
        button=ButtonForm(),
        previous_week=(monday - dt.timedelta(days=7)).isoformat(),
        next_week=(monday + dt.timedelta(days=7)).isoformat(),
        calendar=week_exceptions(organisation_id, monday),
        held=sessions_held(organisation_id, monday, monday + dt.timedelta(days=6)),
        cancelled=cancelled_in(current) if current is not None and current.status == RosterStatus.PUBLISHED else [])


@bp.route("/<week_start>/generate", methods=["POST"])
@roles_required(Role.COORDINATOR)
def generate(week_start: str):
    """Start a background solve of the week; the page then follows it."""
    monday = _monday(week_start)
    form = GenerateForm()
    if not form.validate_on_submit():
        flash(_("Choose a time limit."), "error")
    else:
        # A week that already has a roster is re-solved against it, so as little as possible changes.
        current = current_roster(week_of(current_user.organisation_id, monday))
        _start(lambda: start_solve(current_user.organisation_id, monday, current_user.id, form.time_limit.data,
                                   replan_of=current),
               _("Generating the roster. You can leave this page and come back."))
    return redirect(url_for("rosters.week", week_start=monday.isoformat()))


@bp.route("/<week_start>/rosters/<int:roster_id>/publish", methods=["POST"])
@roles_required(Role.COORDINATOR)
def publish_roster(week_start: str, roster_id: int):
    """Publish a draft to the volunteers."""
    monday = _monday(week_start)
    if find_roster(current_user.organisation_id, roster_id) is None:
        abort(404)  # before the form: another organisation's roster id is not found, whatever was posted
    form = PublishForm()
    if not form.validate_on_submit() or not (form.version.data or "").isdigit():
        flash(_("The page was out of date; look at the roster again before publishing."), "error")
        return redirect(url_for("rosters.week", week_start=monday.isoformat()))
    try:
        _roster, notified = publish(current_user.organisation_id, roster_id, int(form.version.data))
    except LookupError:
        abort(404)
    except RosterError as exc:
        flash(str(exc), "error")
    else:
        flash(ngettext("Roster published: %(num)d volunteer was notified in the app.",
                       "Roster published: %(num)d volunteers were notified in the app.", notified), "success")
    return redirect(url_for("rosters.week", week_start=monday.isoformat(), roster=roster_id))


@bp.route("/<week_start>/replan", methods=["POST"])
@roles_required(Role.COORDINATOR)
def replan(week_start: str):
    """A volunteer cannot serve from a day on: record it and re-plan only their activities from then."""
    monday = _monday(week_start)
    form = _replan_form(current_roster(week_of(current_user.organisation_id, monday)))
    if not form.validate_on_submit():
        flash(_("Choose the volunteer and the first day they cannot serve."), "error")
        return redirect(url_for("rosters.week", week_start=monday.isoformat()))
    _start(lambda: replan_absence(current_user.organisation_id, monday, current_user.id, form.volunteer.data,
                                  form.from_day.data, form.time_limit.data),
           _("Re-planning: only that volunteer's activities from that day can change."))
    return redirect(url_for("rosters.week", week_start=monday.isoformat()))


@bp.route("/<week_start>/rules", methods=["POST"])
@roles_required(Role.COORDINATOR)
def add_week_rule(week_start: str):
    """Pin or forbid a volunteer at a site or with a child on a day; the next generation honours it."""
    monday = _monday(week_start)
    form = _rule_form(current_user.organisation_id)
    if not form.validate_on_submit():
        flash(_("Choose the rule, the volunteer, the site or child, and the day."), "error")
    else:
        kind, _sep, target_id = form.target.data.partition(":")
        try:
            add_rule(current_user.organisation_id, monday, form.rule.data, form.volunteer.data, form.day.data,
                     site_id=int(target_id) if kind == "site" else None,
                     child_id=int(target_id) if kind == "child" else None)
        except LookupError:
            abort(404)
        except RosterError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Rule added; generate or re-plan to apply it."), "success")
    return redirect(url_for("rosters.week", week_start=monday.isoformat()))


@bp.route("/<week_start>/assignments/<int:assignment_id>/pin", methods=["POST"])
@roles_required(Role.COORDINATOR)
def pin_assignment(week_start: str, assignment_id: int):
    """Pin an assignment of a roster: the next generation must keep it."""
    monday = _monday(week_start)
    if not ButtonForm().validate_on_submit():
        abort(400)
    assignment = _assignment_of(monday, assignment_id)
    try:
        # An assignment names a site or a child, never both (a check constraint says so).
        add_rule(current_user.organisation_id, monday, "pinned", assignment.volunteer_id, assignment.day_index,
                 site_id=assignment.site_id, child_id=assignment.child_id)
    except RosterError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Pinned; generate again and it stays."), "success")
    return redirect(url_for("rosters.week", week_start=monday.isoformat(), roster=assignment.roster_id))


@bp.route("/<week_start>/rules/<int:rule_id>/remove", methods=["POST"])
@roles_required(Role.COORDINATOR)
def remove_week_rule(week_start: str, rule_id: int):
    """Remove a pin or a forbidden pair."""
    monday = _monday(week_start)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not remove_rule(current_user.organisation_id, rule_id):
        abort(404)
    flash(_("Rule removed."), "success")
    return redirect(url_for("rosters.week", week_start=monday.isoformat()))


def _roster_for(monday: dt.date) -> Roster:
    """The roster named by ``?roster=``, else the week's current one; 404 when there is none."""
    organisation_id = current_user.organisation_id
    wanted = request.args.get("roster", type=record_id)
    roster = find_roster(organisation_id, wanted) if wanted else current_roster(week_of(organisation_id, monday))
    if roster is None or roster.week.start_date != monday:
        abort(404)
    return roster


@bp.route("/<week_start>/print")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def print_roster(week_start: str):
    """A4 sheets to print: one per site (``by=site``) or one per volunteer (``by=volunteer``)."""
    monday = _monday(week_start)
    roster = _roster_for(monday)
    by = "volunteer" if request.args.get("by") == "volunteer" else "site"
    activities = week_activities(current_user.organisation_id, monday)
    if by == "site":
        return render_template("rosters/print.html", roster=roster, monday=monday, by=by, activities=activities,
                               sites=site_sheets(roster) if roster.instance else [])
    groups: dict[str, list[Assignment]] = {}
    for a in sorted(roster.assignments, key=lambda a: (a.day_index, a.start, a.volunteer.code)):
        groups.setdefault(f"{a.volunteer.name} ({a.volunteer.code})", []).append(a)
    # Each volunteer's sheet lists the activities she staffs that week too (a sheet for her if she has only those).
    staffing: dict[str, list[Activity]] = {}
    for activity in activities:
        for staff in activity.staff:
            title = f"{staff.volunteer.name} ({staff.volunteer.code})"
            groups.setdefault(title, [])
            staffing.setdefault(title, []).append(activity)
    return render_template("rosters/print.html", roster=roster, monday=monday, by=by, groups=sorted(groups.items()),
                           activities=activities, staffing=staffing)


@bp.route("/<week_start>/copy")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def copy_text(week_start: str):
    """The week as text to paste in the WeChat group, per site and day, Chinese first."""
    monday = _monday(week_start)
    roster = _roster_for(monday)
    return render_template("rosters/copy.html", roster=roster, monday=monday, blocks=week_blocks(roster))


@bp.route("/<week_start>/export.<fmt>")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def export_roster(week_start: str, fmt: str):
    """The roster as CSV or XLSX, in the user's language, formula-safe; needs the export permission."""
    require(Permission.EXPORT)
    monday = _monday(week_start)
    if fmt not in FORMATS:
        abort(404)
    roster = _roster_for(monday)
    header, rows = roster_rows(roster)
    return download(fmt, header, rows, monday.isoformat(), f"peiban-roster-{monday.isoformat()}-{roster.id}")


@bp.route("/<week_start>/assignments/<int:assignment_id>", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def edit_assignment_page(week_start: str, assignment_id: int):
    """One assignment: give it to another volunteer or remove it; the hard rules are checked on the spot
    and a broken one is named. A published roster is not changed: the edit makes a new draft."""
    monday = _monday(week_start)
    assignment = _assignment_of(monday, assignment_id)
    roster = assignment.roster
    form = AssignmentEditForm()
    role = Volunteer.is_tutor if assignment.kind == AssignmentKind.TUTORING else Volunteer.is_visitor
    others = db.session.execute(db.select(Volunteer).where(Volunteer.organisation_id == current_user.organisation_id,
                                                           Volunteer.active, role,
                                                           Volunteer.id != assignment.volunteer_id)
                                .order_by(Volunteer.code)).scalars().all()
    verdicts = who_can_take(current_user.organisation_id, assignment)
    able = [(v.id, f"{v.code} {v.name}") for v in others if v.code in verdicts and not verdicts[v.code]]
    unable = [(v.id, f"{v.code} {v.name}") for v in others if v.code not in verdicts or verdicts[v.code]]
    # Those who can take it over come first; the others stay choosable, and the edit names what they break.
    # Without verdicts (the week's records cannot be built into an instance) the list is not split.
    form.volunteer.choices = ({str(_("Free to take it")): able, str(_("Would break a rule")): unable} if verdicts
                              else [(v.id, f"{v.code} {v.name}") for v in others])
    same_day = sorted((a for a in roster.assignments if a.kind == assignment.kind and a.day_index ==
                       assignment.day_index and a.volunteer_id != assignment.volunteer_id),
                      key=lambda a: (a.start, a.volunteer.code))
    form.swap_with.choices = [(0, "—")] + [
        (a.id, f"{a.start:%H:%M} {a.volunteer.name}: {a.place.name}") for a in same_day]
    form.move_day.choices = [("", "—")] + [(str(i), day_label(i)) for i in range(7)]
    if request.method == "GET":
        form.version.data = str(roster.version_id)
        # A decline's message links here with the volunteer free to take it over: one tap on Give to hand it on.
        offered = request.args.get("to", type=int)
        if offered in {v.id for v in others}:
            form.volunteer.data = offered
    elif form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else -1
        move_day = int(form.move_day.data) if (form.move_day.data or "").isdigit() else None
        if form.reassign.data and not form.volunteer.data or form.swap.data and not form.swap_with.data \
                or form.move.data and move_day is None and form.move_start.data is None:
            flash(_("Choose the volunteer to give it to, the day or time to move to, or the assignment to "
                    "swap with."), "error")
        else:
            try:
                if form.swap.data:
                    edited = swap_assignments(current_user.organisation_id, roster.id, version, assignment.id,
                                              form.swap_with.data, current_user.id)
                else:
                    edit = (Edit(volunteer_id=form.volunteer.data) if form.reassign.data else
                            Edit(day_index=move_day, start=form.move_start.data) if form.move.data else None)
                    edited = edit_assignment(current_user.organisation_id, roster.id, version, assignment.id,
                                             current_user.id, edit)
            except LookupError:
                abort(404)
            except RosterError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Changed in roster %(id)d (a draft: publish it when ready).", id=edited.id), "success")
                return redirect(url_for("rosters.week", week_start=monday.isoformat(), roster=edited.id))
    return render_template("rosters/assignment.html", assignment=assignment, roster=roster, form=form,
                           monday=monday), 200 if request.method == "GET" else 422


@bp.route("/<week_start>/map")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def day_map_page(week_start: str):
    """The routes of one day of a roster, drawn from the coordinates (no map tiles needed)."""
    monday = _monday(week_start)
    roster = _roster_for(monday)
    day = request.args.get("day", default=5, type=int)
    if not 0 <= day <= 6:
        abort(404)
    children = [a.child_id for a in roster.assignments if a.child_id is not None and a.day_index == day]
    hidden = {cid for cid, fields in hidden_child_fields(current_user, children).items() if "home_lat" in fields}
    return render_template("rosters/map.html", roster=roster, monday=monday, day=day,
                           plan=day_map(roster, day, homes_hidden=hidden), dt=dt)


@bp.route("/<week_start>/replan-cancelled", methods=["POST"])
@roles_required(Role.COORDINATOR)
def replan_calendar(week_start: str):
    """Re-plan what is left after a closure or a child's absence cancelled published activities."""
    monday = _monday(week_start)
    form = GenerateForm()
    if not form.validate_on_submit():
        flash(_("Choose a time limit."), "error")
        return redirect(url_for("rosters.week", week_start=monday.isoformat()))
    _start(lambda: replan_cancelled(current_user.organisation_id, monday, current_user.id, form.time_limit.data),
           _("Re-planning what is left; the cancelled activities are dropped and everything else stays."))
    return redirect(url_for("rosters.week", week_start=monday.isoformat()))


@bp.route("/<week_start>/replan-declines", methods=["POST"])
@roles_required(Role.COORDINATOR)
def replan_declined(week_start: str):
    """Find someone else for what volunteers declined, keeping the rest of the week as it is."""
    monday = _monday(week_start)
    form = GenerateForm()
    if not form.validate_on_submit():
        flash(_("Choose a time limit."), "error")
        return redirect(url_for("rosters.week", week_start=monday.isoformat()))
    _start(lambda: replan_declines(current_user.organisation_id, monday, current_user.id, form.time_limit.data),
           _("Re-planning the declined assignments; everything else stays."))
    return redirect(url_for("rosters.week", week_start=monday.isoformat()))
