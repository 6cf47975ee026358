"""Home page per role, and the language switch."""

from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, abort, current_app, redirect, render_template, send_from_directory, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from scheduler_app.auth.services import roles_required, safe_next
from scheduler_app.i18n import SESSION_KEY
from scheduler_app.main.forms import LanguageForm, ReadForm
from scheduler_app.main.services import (
    mark_notifications_read,
    organisation_overview,
    published_week_for,
    unread_notifications,
    users_by_role,
)
from scheduler_app.me.forms import ConfirmForm
from scheduler_app.me.services import diaries_due, my_week
from scheduler_app.models import Role
from scheduler_app.offline import kept_on_phone
from scheduler_app.programmes.casework import supported_children
from scheduler_app.programmes.services import activities_of, open_for_sign_up
from scheduler_app.roles import SELF_SERVICE_ROLES
from scheduler_app.rosters.forms import ButtonForm
from scheduler_app.schoolyear.attendance import attendance_due
from scheduler_app.weekly import week_start_of

bp = Blueprint("main", __name__)

ICON_SIZES = (192, 512)  # what Android asks for: the home-screen icon and the splash screen
THEME_COLOUR = "#0b6e4f"  # the top bar's colour in peiban.css


@bp.route("/")
@login_required
def home():
    """Each role lands on the page it needs first."""
    today = dt.date.today()
    week_start = week_start_of(today)
    if current_user.role == Role.VOLUNTEER:
        volunteer = current_user.volunteer
        next_week = week_start + dt.timedelta(days=7)
        this = my_week(volunteer, published_week_for(volunteer, week_start))
        later = my_week(volunteer, published_week_for(volunteer, next_week))
        # Today's and tomorrow's activities come first, on their own; the weeks list the other days.
        soon_days = (today, today + dt.timedelta(days=1))
        soon = [i for i in this + later if i.assignment.date in soon_days]
        return kept_on_phone(render_template(
            "main/home_volunteer.html", volunteer=volunteer, week_start=week_start, soon=soon,
            this_total=len(this), next_total=len(later),
            assignments=[i for i in this if i not in soon], next_week=next_week,
            next_assignments=[i for i in later if i not in soon],
            notifications=unread_notifications(volunteer), read_form=ReadForm(), due=diaries_due(volunteer, today),
            confirm_form=ConfirmForm(), today=today, attendance=attendance_due(volunteer.id, today),
            button=ButtonForm(formdata=None), open_activities=open_for_sign_up(volunteer),
            activities={start: activities_of(volunteer, start, start + dt.timedelta(days=6))
                        for start in (week_start, next_week)}))
    if current_user.role == Role.SOCIAL_WORKER:
        # Her interviews are answered and written up on the volunteer's own pages (scheduler_app.me), as visits are.
        worker = current_user.volunteer
        return kept_on_phone(render_template(
            "main/home_social_worker.html", week_start=week_start,
            cases=supported_children(current_user.organisation_id, worker.id),  # counted only: the page is kept
            weeks=[(start, my_week(worker, published_week_for(worker, start)),
                    activities_of(worker, start, start + dt.timedelta(days=6)))
                   for start in (week_start, week_start + dt.timedelta(days=7))],
            notifications=unread_notifications(worker), read_form=ReadForm(), due=diaries_due(worker, today),
            confirm_form=ConfirmForm(), today=today))
    overview = organisation_overview(current_user.organisation_id)
    if current_user.role == Role.ADMIN:
        return render_template("main/home_admin.html", overview=overview,
                               users=users_by_role(current_user.organisation_id))
    template = "main/home_manager.html" if current_user.role == Role.MANAGER else "main/home_coordinator.html"
    return render_template(template, overview=overview, week_start=week_start)


@bp.route("/sw.js")
def service_worker():
    """The service worker, served from the root so that it may look after every page of the site."""
    response = send_from_directory(current_app.static_folder, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"  # a new release's worker is found on the next page
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest: the name in the browser's language, the icons, the colours, where it starts."""
    icons = [{"src": url_for("static", filename=f"icons/icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any maskable"} for size in ICON_SIZES]
    body = {"name": _("Peiban"), "short_name": _("Peiban"), "lang": str(get_locale()).replace("_", "-"),
            "description": _("The week and the service diary of the volunteers of left-behind children"),
            "start_url": url_for("main.home"), "scope": "/", "display": "standalone",
            "background_color": "#f5f7fa", "theme_color": THEME_COLOUR, "icons": icons}
    return current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")


@bp.route("/offline")
def offline():
    """What the phone shows offline for a page it has not kept (kept itself when the worker is installed)."""
    return kept_on_phone(render_template("main/offline.html"))


@bp.route("/language", methods=["POST"])
def set_language():
    """Remember the chosen language for this browser session; no login needed (the login page has it too)."""
    form = LanguageForm()
    if form.validate_on_submit():
        session[SESSION_KEY] = form.lang.data
    return redirect(safe_next(form.next.data))


@bp.route("/notifications/read", methods=["POST"])
@roles_required(*SELF_SERVICE_ROLES)
def read_notifications():
    """The volunteer (or social worker) has seen their notifications."""
    if not ReadForm().validate_on_submit():
        abort(400)
    mark_notifications_read(current_user.volunteer)
    return redirect(url_for("main.home"))
