"""Sites and villages: lists, new and edit."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from scheduler_app.auth.services import roles_required
from scheduler_app.models import Role
from scheduler_app.places.services import list_sites, list_villages
from scheduler_app.records.places import SITE, VILLAGE
from scheduler_app.records.views import edit_record

bp = Blueprint("places", __name__)

SITE_SECTIONS = [
    (_l("Site"), ("code", "name", "active")),
    (_l("Place"), ("village_id", "lat", "lon")),
    (_l("Sessions and staffing"), ("sessions", "children_per_tutor", "min_tutors")),
]
VILLAGE_SECTIONS = [(_l("Village"), ("township", "name", "lat", "lon"))]


@bp.route("/")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def index():
    """The organisation's sites with their sessions, and its villages."""
    return render_template("places/index.html", sites=list_sites(current_user.organisation_id),
                           villages=list_villages(current_user.organisation_id))


@bp.route("/sites/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def new_site():
    """Add a site."""
    return edit_record(SITE, None, sections=SITE_SECTIONS, title=_("New site"),
                       done=lambda s: url_for("places.index"), cancel=url_for("places.index"))


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def edit_site(site_id: int):
    """Edit a site and its weekly sessions."""
    return edit_record(SITE, site_id, sections=SITE_SECTIONS, title=_("Edit site"),
                       done=lambda s: url_for("places.index"), cancel=url_for("places.index"))


@bp.route("/villages/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def new_village():
    """Add a village with its reference point."""
    return edit_record(VILLAGE, None, sections=VILLAGE_SECTIONS, title=_("New village"),
                       done=lambda v: url_for("places.index", _anchor="villages"), cancel=url_for("places.index"))


@bp.route("/villages/<int:village_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def edit_village(village_id: int):
    """Edit a village's name or point (homes placed at the village move with it)."""
    return edit_record(VILLAGE, village_id, sections=VILLAGE_SECTIONS, title=_("Edit village"),
                       done=lambda v: url_for("places.index", _anchor="villages"), cancel=url_for("places.index"))
