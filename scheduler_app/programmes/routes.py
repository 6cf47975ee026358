"""Programme pages. Activities: the list, planning one, its staff and children, what came of it; a volunteer signs
up. One-on-one support: who holds which child's case; a social worker's case page. Class teachers: each child's
class and teacher, the teachers' home visits. Parenting groups: the groups, their sessions, the handbooks."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler_app.auth.services import roles_required
from scheduler_app.children.services import open_child, sensitive_shown
from scheduler_app.main.services import published_week_for
from scheduler_app.models import Activity, Role
from scheduler_app.programmes.casework import (
    CaseworkError,
    end_support,
    open_case,
    social_workers,
    start_support,
    supported_children,
    unsupported_children,
)
from scheduler_app.programmes.classteachers import (
    ClassTeacherError,
    class_of,
    class_page,
    find_visit,
    record_visit,
    remove_visit,
    save_class,
    teacher_visits,
)
from scheduler_app.programmes.forms import (
    ActivityForm,
    ClassForm,
    GroupForm,
    GroupSessionForm,
    HandbookForm,
    MemberForm,
    OutcomeForm,
    ParticipantForm,
    StaffForm,
    SupportForm,
    TeacherVisitForm,
)
from scheduler_app.programmes.groups import (
    GroupError,
    add_group,
    add_handbook,
    add_member,
    add_session,
    attendee_names,
    find_group,
    handbooks,
    list_groups,
    remove_member,
)
from scheduler_app.programmes.services import (
    ActivityError,
    active_children,
    active_volunteers,
    add_child,
    assign_staff,
    find_activity,
    list_activities,
    participants,
    record_outcome,
    remove_child,
    remove_staff,
    save_activity,
    sign_up,
)
from scheduler_app.rosters.forms import ButtonForm
from scheduler_app.weekly import week_start_of

bp = Blueprint("programmes", __name__)

PLAN_FIELDS = ("title", "place", "held_on", "start", "end", "staff_needed", "trip", "description")


def _activity(activity_id: int) -> Activity:
    """The user's organisation's activity, else 404."""
    activity = find_activity(current_user.organisation_id, activity_id)
    if activity is None:
        abort(404)
    return activity


def _staff_form(activity: Activity, formdata: bool = True) -> StaffForm:
    """The assign form, offering the active volunteers not on the staff yet."""
    form = StaffForm() if formdata else StaffForm(formdata=None)
    taken = {s.volunteer_id for s in activity.staff}
    form.volunteer_id.choices = [(v.id, f"{v.code} {v.name}") for v in active_volunteers(activity.organisation_id)
                                 if v.id not in taken]
    return form


def _participant_form(activity: Activity, formdata: bool = True) -> ParticipantForm:
    """The add-a-child form, offering the active children not taking part yet."""
    form = ParticipantForm() if formdata else ParticipantForm(formdata=None)
    taken = {p.child_id for p in activity.participants}
    form.child_id.choices = [(c.id, f"{c.code} {c.name}") for c in active_children(activity.organisation_id)
                             if c.id not in taken]
    return form


@bp.route("/activities")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def activities():
    """The organisation's activities: those to come, then those past."""
    coming, past = list_activities(current_user.organisation_id)
    return render_template("programmes/activities.html", coming=coming, past=past)


@bp.route("/activities/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def new_activity():
    """Plan an activity."""
    form = ActivityForm()
    if request.method == "GET":
        form.held_on.data = dt.date.today() + dt.timedelta(days=7)
    if form.validate_on_submit():
        try:
            activity = save_activity(current_user.organisation_id, None, {f: form[f].data for f in PLAN_FIELDS})
        except ActivityError as error:
            flash(str(error), "error")
        else:
            flash(_("Activity saved."), "success")
            return redirect(url_for("programmes.activity", activity_id=activity.id))
    return render_template("programmes/edit.html", form=form, title=_("New activity"),
                           cancel=url_for("programmes.activities")), 422 if form.errors else 200


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def edit_activity(activity_id: int):
    """Change an activity's plan (at the version the form was opened at)."""
    activity = _activity(activity_id)
    form = ActivityForm(obj=activity) if request.method == "GET" else ActivityForm()
    if request.method == "GET":
        form.version.data = str(activity.version_id)
    if form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        try:
            save_activity(current_user.organisation_id, activity, {f: form[f].data for f in PLAN_FIELDS}, version)
        except ActivityError as error:
            flash(str(error), "error")
        else:
            flash(_("Activity saved."), "success")
            return redirect(url_for("programmes.activity", activity_id=activity.id))
    return render_template("programmes/edit.html", form=form, title=_("Edit activity"),
                           cancel=url_for("programmes.activity", activity_id=activity.id)), \
        422 if form.errors else 200


@bp.route("/activities/<int:activity_id>")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def activity(activity_id: int):
    """One activity: its plan, staff, the children taking part (with their trip consent) and what came of it."""
    activity = _activity(activity_id)
    return render_template("programmes/activity.html", activity=activity, participants=participants(activity),
                           staff_form=_staff_form(activity, formdata=False),
                           participant_form=_participant_form(activity, formdata=False),
                           outcome_form=OutcomeForm(formdata=None, outcome=activity.outcome),
                           button=ButtonForm(formdata=None))


def _back(activity: Activity, done: str | None):
    """Flash what was done (or nothing) and go back to the activity's page."""
    if done:
        flash(done, "success")
    return redirect(url_for("programmes.activity", activity_id=activity.id))


@bp.route("/activities/<int:activity_id>/staff", methods=["POST"])
@roles_required(Role.COORDINATOR)
def assign(activity_id: int):
    """Put a volunteer on the activity's staff."""
    activity = _activity(activity_id)
    form = _staff_form(activity)
    if not form.validate_on_submit():
        flash(_("Volunteer: choose one of the organisation's active volunteers."), "error")
        return _back(activity, None)
    try:
        assign_staff(activity, form.volunteer_id.data)
    except ActivityError as error:
        flash(str(error), "error")
        return _back(activity, None)
    return _back(activity, _("Volunteer assigned."))


@bp.route("/activities/<int:activity_id>/staff/<int:volunteer_id>/remove", methods=["POST"])
@roles_required(Role.COORDINATOR)
def unassign(activity_id: int, volunteer_id: int):
    """Take a volunteer off the activity's staff."""
    activity = _activity(activity_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        remove_staff(activity, volunteer_id)
    except ActivityError:
        abort(404)
    return _back(activity, _("Volunteer taken off the staff."))


@bp.route("/activities/<int:activity_id>/children", methods=["POST"])
@roles_required(Role.COORDINATOR)
def add_participant(activity_id: int):
    """A child takes part (on a trip, only with a guardian's consent to trips in force that day)."""
    activity = _activity(activity_id)
    form = _participant_form(activity)
    if not form.validate_on_submit():
        flash(_("Child: choose one of the organisation's children."), "error")
        return _back(activity, None)
    try:
        add_child(activity, form.child_id.data)
    except ActivityError as error:
        flash(str(error), "error")
        return _back(activity, None)
    return _back(activity, _("Child added."))


@bp.route("/activities/<int:activity_id>/children/<int:child_id>/remove", methods=["POST"])
@roles_required(Role.COORDINATOR)
def remove_participant(activity_id: int, child_id: int):
    """A child no longer takes part."""
    activity = _activity(activity_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        remove_child(activity, child_id)
    except ActivityError:
        abort(404)
    return _back(activity, _("Child taken off the list."))


@bp.route("/activities/<int:activity_id>/outcome", methods=["POST"])
@roles_required(Role.COORDINATOR)
def outcome(activity_id: int):
    """Write what came of the activity."""
    activity = _activity(activity_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        flash(_("What came of it: at most 4,000 characters."), "error")
        return _back(activity, None)
    try:
        record_outcome(activity, (form.outcome.data or "").strip())
    except ActivityError as error:
        flash(str(error), "error")
        return _back(activity, None)
    return _back(activity, _("Saved what came of it."))


@bp.route("/activities/<int:activity_id>/sign-up", methods=["POST"])
@roles_required(Role.VOLUNTEER)
def volunteer_sign_up(activity_id: int):
    """The volunteer signs up to staff an activity that needs more people."""
    activity = _activity(activity_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        sign_up(activity, current_user.volunteer)
    except ActivityError as error:
        flash(str(error), "error")
    else:
        flash(_("You are on the staff of %(title)s.", title=activity.title), "success")
    return redirect(url_for("main.home"))


@bp.route("/activities/<int:activity_id>/withdraw", methods=["POST"])
@roles_required(Role.VOLUNTEER)
def volunteer_withdraw(activity_id: int):
    """The volunteer takes herself off an activity's staff."""
    activity = _activity(activity_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        remove_staff(activity, current_user.volunteer.id)
    except ActivityError as error:
        flash(str(error), "error")
    else:
        flash(_("You are no longer on the staff of %(title)s.", title=activity.title), "success")
    return redirect(url_for("main.home"))


def _support_form(formdata: bool = True) -> SupportForm:
    """The form that puts a child under one-on-one support, offering the children not under it and the social
    workers."""
    form = SupportForm() if formdata else SupportForm(formdata=None)
    organisation_id = current_user.organisation_id
    form.child_id.choices = [(c.id, f"{c.code} {c.name}") for c in unsupported_children(organisation_id)]
    form.social_worker_id.choices = [(v.id, f"{v.code} {v.name}") for v in social_workers(organisation_id)]
    return form


@bp.route("/support", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.MANAGER)
def support():
    """The children under one-on-one support and their social workers; a coordinator starts a child's support."""
    form = _support_form()
    status = 200
    if request.method == "POST":
        if current_user.role != Role.COORDINATOR:
            abort(403)
        if form.validate_on_submit():
            try:
                child = start_support(current_user.organisation_id, form.child_id.data, form.social_worker_id.data)
            except CaseworkError as error:
                flash(str(error), "error")
            else:
                flash(_("%(name)s is under one-on-one support: one family interview a week from the next roster.",
                        name=child.name), "success")
                return redirect(url_for("programmes.support"))
        status = 422
    return render_template("programmes/support.html", form=form, button=ButtonForm(formdata=None),
                           children=supported_children(current_user.organisation_id)), status


@bp.route("/support/<int:child_id>/end", methods=["POST"])
@roles_required(Role.COORDINATOR)
def stop_support(child_id: int):
    """End a child's one-on-one support."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        child = end_support(current_user.organisation_id, child_id)
    except CaseworkError as error:
        flash(str(error), "error")
        return redirect(url_for("programmes.support"))
    if child is None:
        abort(404)
    flash(_("One-on-one support of %(name)s ended.", name=child.name), "success")
    return redirect(url_for("programmes.support"))


@bp.route("/my-cases")
@roles_required(Role.SOCIAL_WORKER)
def my_cases():
    """The children whose case the social worker holds (a page her phone never keeps)."""
    return render_template("programmes/my_cases.html",
                           cases=supported_children(current_user.organisation_id, current_user.volunteer_id))


@bp.route("/cases/<int:child_id>")
@roles_required(Role.SOCIAL_WORKER)
def case(child_id: int):
    """A child whose case the social worker holds: the record with the sensitive parts a guardian's consent
    covers, and her interviews planned this week and next."""
    child = open_case(current_user, child_id)
    if child is None:
        abort(404)
    monday = week_start_of(dt.date.today())
    worker = current_user.volunteer
    interviews = [a for start in (monday, monday + dt.timedelta(days=7))
                  for a in published_week_for(worker, start) if a.child_id == child.id]
    return render_template("programmes/case.html", child=child, interviews=interviews,
                           shown=sensitive_shown(current_user, child, dt.date.today()))


@bp.route("/classes")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def classes():
    """Every child's class and class teacher, and whether the teacher visited her at home this semester."""
    return render_template("programmes/classes.html", page=class_page(current_user.organisation_id))


def _school_page(child, class_form: ClassForm | None = None, visit_form: TeacherVisitForm | None = None,
                 status: int = 200):
    """A child's class, class teacher and the teachers' home visits, with the forms to change them."""
    record = class_of(child)
    if class_form is None:
        class_form = ClassForm(formdata=None, obj=record)
    if visit_form is None:
        visit_form = TeacherVisitForm(formdata=None, visited_on=dt.date.today(),
                                      teacher_name=record.teacher_name if record else "")
    return render_template("programmes/school.html", child=child, record=record, visits=teacher_visits(child),
                           button=ButtonForm(formdata=None),
                           class_form=class_form, visit_form=visit_form), status


@bp.route("/children/<int:child_id>/school", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.MANAGER)
def school(child_id: int):
    """A child's class and class teacher (a coordinator changes them here) and the teachers' home visits."""
    child = open_child(current_user.organisation_id, child_id)
    if child is None:
        abort(404)
    if request.method == "GET":
        return _school_page(child)
    if current_user.role != Role.COORDINATOR:
        abort(403)
    form = ClassForm()
    if not form.validate_on_submit():
        return _school_page(child, class_form=form, status=422)
    save_class(child, (form.class_name.data or "").strip(), (form.teacher_name.data or "").strip(),
               (form.teacher_phone.data or "").strip())
    flash(_("Class saved."), "success")
    return redirect(url_for("programmes.school", child_id=child.id))


@bp.route("/children/<int:child_id>/teacher-visits", methods=["POST"])
@roles_required(Role.COORDINATOR)
def add_teacher_visit(child_id: int):
    """Record a class teacher's home visit to the child."""
    child = open_child(current_user.organisation_id, child_id)
    if child is None:
        abort(404)
    form = TeacherVisitForm()
    if not form.validate_on_submit():
        return _school_page(child, visit_form=form, status=422)
    try:
        record_visit(child, form.visited_on.data, form.teacher_name.data.strip(), (form.notes.data or "").strip(),
                     current_user)
    except ClassTeacherError as error:
        form.visited_on.errors = [str(error)]
        return _school_page(child, visit_form=form, status=422)
    flash(_("Teacher's home visit recorded."), "success")
    return redirect(url_for("programmes.school", child_id=child.id))


@bp.route("/teacher-visits/<int:visit_id>/remove", methods=["POST"])
@roles_required(Role.COORDINATOR)
def remove_teacher_visit(visit_id: int):
    """Take back a teacher's visit entered in error (the audit log keeps what it said)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    visit = find_visit(current_user.organisation_id, visit_id)
    if visit is None:
        abort(404)
    child_id = visit.child_id
    remove_visit(visit)
    flash(_("Teacher's home visit removed."), "success")
    return redirect(url_for("programmes.school", child_id=child_id))


@bp.route("/groups", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.MANAGER)
def groups():
    """The parenting-education groups; a coordinator starts one here."""
    form = GroupForm()
    status = 200
    if request.method == "POST":
        if current_user.role != Role.COORDINATOR:
            abort(403)
        if form.validate_on_submit():
            try:
                group = add_group(current_user.organisation_id, form.name.data.strip(),
                                  (form.notes.data or "").strip())
            except GroupError as error:
                form.name.errors = [str(error)]
            else:
                flash(_("Group started."), "success")
                return redirect(url_for("programmes.group", group_id=group.id))
        status = 422
    return render_template("programmes/groups.html", groups=list_groups(current_user.organisation_id),
                           form=form), status


def _member_form(group, formdata: bool = True) -> MemberForm:
    """The form adding a guardian, offering the children whose guardian is not in the group yet."""
    form = MemberForm() if formdata else MemberForm(formdata=None)
    taken = {m.child_id for m in group.members}
    form.child_id.choices = [(c.id, f"{c.code} {c.name}" + (f" · {c.guardian_name}" if c.guardian_name else ""))
                             for c in active_children(group.organisation_id) if c.id not in taken]
    return form


def _session_form(group, formdata: bool = True) -> GroupSessionForm:
    """The form recording a session, offering the group's members and the library's handbooks."""
    form = GroupSessionForm() if formdata else GroupSessionForm(formdata=None, held_on=dt.date.today())
    form.attended.choices = [(m.child_id, m.child.guardian_name or m.child.name) for m in group.members]
    form.handbooks.choices = [(b.id, b.title) for b in handbooks(group.organisation_id)]
    return form


def _group_page(group, member_form: MemberForm | None = None, session_form: GroupSessionForm | None = None,
                status: int = 200):
    """A group's members and sessions, with the forms to add to them."""
    books = {b.id: b.title for b in handbooks(group.organisation_id)}
    return render_template("programmes/group.html", group=group, books=books, names=attendee_names(group),
                           button=ButtonForm(formdata=None),
                           member_form=member_form or _member_form(group, formdata=False),
                           session_form=session_form or _session_form(group, formdata=False)), status


@bp.route("/groups/<int:group_id>")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def group(group_id: int):
    """One parenting group: its guardians and its sessions."""
    found = find_group(current_user.organisation_id, group_id)
    if found is None:
        abort(404)
    return _group_page(found)


@bp.route("/groups/<int:group_id>/members", methods=["POST"])
@roles_required(Role.COORDINATOR)
def add_group_member(group_id: int):
    """A guardian joins the group."""
    found = find_group(current_user.organisation_id, group_id)
    if found is None:
        abort(404)
    form = _member_form(found)
    if not form.validate_on_submit():
        return _group_page(found, member_form=form, status=422)
    try:
        add_member(found, form.child_id.data)
    except GroupError as error:
        form.child_id.errors = [str(error)]
        return _group_page(found, member_form=form, status=422)
    flash(_("Guardian added."), "success")
    return redirect(url_for("programmes.group", group_id=found.id))


@bp.route("/groups/<int:group_id>/members/<int:child_id>/remove", methods=["POST"])
@roles_required(Role.COORDINATOR)
def remove_group_member(group_id: int, child_id: int):
    """A guardian leaves the group (the sessions she or he came to still count)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    found = find_group(current_user.organisation_id, group_id)
    if found is None or not remove_member(found, child_id):
        abort(404)
    flash(_("Guardian taken off the group."), "success")
    return redirect(url_for("programmes.group", group_id=found.id))


@bp.route("/groups/<int:group_id>/sessions", methods=["POST"])
@roles_required(Role.COORDINATOR)
def add_group_session(group_id: int):
    """Record a session the group held."""
    found = find_group(current_user.organisation_id, group_id)
    if found is None:
        abort(404)
    form = _session_form(found)
    if not form.validate_on_submit():
        return _group_page(found, session_form=form, status=422)
    try:
        add_session(found, {"held_on": form.held_on.data, "place": form.place.data.strip(),
                            "facilitator": form.facilitator.data.strip(), "notes": (form.notes.data or "").strip(),
                            "attended": form.attended.data or [], "handbooks": form.handbooks.data or []})
    except GroupError as error:
        form.held_on.errors = [str(error)]
        return _group_page(found, session_form=form, status=422)
    flash(_("Session recorded."), "success")
    return redirect(url_for("programmes.group", group_id=found.id))


@bp.route("/handbooks", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.MANAGER)
def library():
    """The small library of handbooks given at sessions; a coordinator adds one here."""
    form = HandbookForm()
    status = 200
    if request.method == "POST":
        if current_user.role != Role.COORDINATOR:
            abort(403)
        if form.validate_on_submit():
            try:
                add_handbook(current_user.organisation_id, form.title.data.strip(),
                             (form.description.data or "").strip())
            except GroupError as error:
                form.title.errors = [str(error)]
            else:
                flash(_("Handbook added."), "success")
                return redirect(url_for("programmes.library"))
        status = 422
    return render_template("programmes/handbooks.html", books=handbooks(current_user.organisation_id),
                           form=form), status
