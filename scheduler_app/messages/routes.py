"""Message pages: the organisation's channels (admins), a person's own choices, the delivery log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from scheduler_app.auth.services import roles_required
from scheduler_app.extensions import db
from scheduler_app.messages.events import KINDS
from scheduler_app.messages.forms import ChannelActionForm, ChannelForm, ChoicesForm, LogFilterForm
from scheduler_app.messages.services import (
    ChannelError,
    ChannelValues,
    Choices,
    channels_of,
    delivery_log,
    find_channel,
    for_staff,
    remove_channel,
    save_channel,
    save_choices,
    send_test,
    state_counts,
)
from scheduler_app.models import ChannelKind, MessageChannel, MessageState, Role

bp = Blueprint("messages", __name__)


def _values(form: ChannelForm) -> ChannelValues:
    return ChannelValues(kind=ChannelKind(form.kind.data), label=form.label.data.strip(),
                         secret=(form.secret.data or "").strip(), secret_env=(form.secret_env.data or "").strip(),
                         smtp_host=(form.smtp_host.data or "").strip(), smtp_port=form.smtp_port.data or 587,
                         smtp_security=form.smtp_security.data, smtp_username=(form.smtp_username.data or "").strip(),
                         sender=(form.sender.data or "").strip(), active=bool(form.active.data))


def _save(form: ChannelForm, channel: MessageChannel | None) -> bool:
    """Save the channel from a valid form; a wrong field gets its reason and nothing is saved."""
    try:
        save_channel(current_user.organisation_id, _values(form), channel)
    except ChannelError as exc:
        db.session.rollback()
        getattr(form, exc.field).errors.append(str(exc))
        return False
    return True


@bp.route("/channels", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def channels():
    """The organisation's channels, each with its secret's last characters only, and a form to add one."""
    form = ChannelForm()
    if form.validate_on_submit() and _save(form, None):
        flash(_("Channel saved. Send a test message to check it."), "success")
        return redirect(url_for("messages.channels"))
    return render_template("messages/channels.html", form=form, channels=channels_of(current_user.organisation_id),
                           action=ChannelActionForm()), 422 if form.errors else 200


def _channel(channel_id: int) -> MessageChannel:
    channel = find_channel(current_user.organisation_id, channel_id)
    if channel is None:
        abort(404)
    return channel


@bp.route("/channels/<int:channel_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_channel(channel_id: int):
    """Change a channel; its secret is not shown, and an empty secret field keeps it."""
    channel = _channel(channel_id)
    form = ChannelForm(obj=channel)
    if request.method == "GET":
        form.kind.data = channel.kind.value
    if form.validate_on_submit() and _save(form, channel):
        flash(_("Channel saved. Send a test message to check it."), "success")
        return redirect(url_for("messages.channels"))
    return render_template("messages/channel.html", form=form, channel=channel), 422 if form.errors else 200


@bp.route("/channels/<int:channel_id>/test", methods=["POST"])
@roles_required(Role.ADMIN)
def test_channel(channel_id: int):
    """Send a test message on the channel now and say whether it went, and why not."""
    if not ChannelActionForm().validate_on_submit():
        abort(400)
    result = send_test(_channel(channel_id), current_user)
    if result.ok:
        flash(_("The test message was sent."), "success")
    else:
        flash(_("The test message was not sent: %(reason)s", reason=result.error), "error")
    return redirect(url_for("messages.channels"))


@bp.route("/channels/<int:channel_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_channel_page(channel_id: int):
    """Remove a channel and its messages."""
    if not ChannelActionForm().validate_on_submit():
        abort(400)
    if not remove_channel(current_user.organisation_id, channel_id):
        abort(404)
    flash(_("Channel removed."), "success")
    return redirect(url_for("messages.channels"))


@bp.route("/mine", methods=["GET", "POST"])
@login_required
def mine():
    """Her own choices: e-mail address, the channels her messages go on, quiet hours."""
    form = ChoicesForm(obj=current_user if request.method == "GET" else None)
    form.channels.choices = [(c.id, c.label) for c in channels_of(current_user.organisation_id)
                             if c.active and for_staff(c)]
    if request.method == "GET":
        form.channels.data = list(current_user.message_channels or [])
    if form.validate_on_submit():
        save_choices(current_user, Choices((form.email.data or "").strip(), tuple(form.channels.data or ()),
                                           form.quiet_from.data, form.quiet_until.data))
        flash(_("Your message choices are saved."), "success")
        return redirect(url_for("messages.mine"))
    return render_template("messages/mine.html", form=form), 422 if form.errors else 200


@bp.route("/log")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def log():
    """The delivery log: the newest messages with their state, tries, and the reason of the last failure."""
    form = LogFilterForm(request.args)
    state = MessageState(form.state.data) if form.validate() and form.state.data else None
    return render_template("messages/log.html", form=form, messages=delivery_log(current_user.organisation_id, state),
                           counts=state_counts(current_user.organisation_id), kinds=KINDS)
