"""The message pages in chromium, on a 360 px phone and a 1280 px desktop, in Chinese and English: an admin adds
a WeCom-style channel (a local webhook), sends a test message and sees only the secret's last four characters;
a coordinator reads the delivery log of a decline sent on it and of a channel that refuses."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scheduler_app.extensions import db
from scheduler_app.models import Assignment, AssignmentStatus, MessageChannel, Roster, RosterStatus, User
from tests.browser.conftest import log_in
from tests.conftest import free_port

SHOTS = "issue23"


class _Receiver(BaseHTTPRequestHandler):
    posts: list[dict] = []

    def do_POST(self) -> None:
        _Receiver.posts.append(json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0)))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def webhook():
    """A local webhook receiver; its json:// Apprise URL."""
    _Receiver.posts = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"json://127.0.0.1:{server.server_address[1]}/wecom-robot-key-a1b2"
    server.shutdown()
    server.server_close()


def _decline_and_send(app, channel_label: str, dead_label: str) -> None:
    """The coordinator receives on both channels; the demo mother declines one of her activities; the sender
    runs once (the decline goes out on the working channel and waits on the refusing one)."""
    from scheduler_app.me.services import decline
    from scheduler_app.messages.sender import send_due
    from scheduler_app.messages.services import Choices, save_choices
    with app.test_request_context():
        channels = db.session.execute(db.select(MessageChannel)).scalars().all()
        chosen = tuple(c.id for c in channels if c.label in (channel_label, dead_label))
        coordinator = db.session.execute(db.select(User).where(User.username == "coordinator")).scalar_one()
        save_choices(coordinator, Choices("", chosen, None, None))
        mother = db.session.execute(db.select(User).where(User.username == "mother")).scalar_one()
        assignment = db.session.execute(
            db.select(Assignment).join(Roster).where(Assignment.volunteer_id == mother.volunteer_id,
                                                     Roster.status == RosterStatus.PUBLISHED,
                                                     Assignment.status != AssignmentStatus.DECLINED)
            .order_by(Roster.id.desc(), Assignment.day_index)).scalars().first()
        decline(assignment, "家里有事", free_then=True)
        send_due()
        db.session.remove()


@pytest.mark.parametrize("phone", [True, False], ids=["360px", "1280px"])
@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_an_admin_adds_a_channel_tests_it_and_a_coordinator_reads_the_delivery_log(
        serve, journey, webhook, language, phone) -> None:
    server = serve()
    walk = journey(language, f"{SHOTS}/{'phone' if phone else 'desktop'}", phone=phone)
    page = walk.page
    log_in(walk, server, "admin")
    walk.menu("/messages/channels")
    page.fill("#label", "协调员企业微信群")
    page.select_option("#kind", "apprise")
    page.fill("#secret", webhook)
    page.click("#submit")
    walk.flash()
    page.fill("#label", "坏的群")
    page.fill("#secret", f"json://127.0.0.1:{free_port()}/gone")
    page.click("#submit")
    walk.flash()
    row = page.locator("tr", has_text="协调员企业微信群").first
    row.get_by_role("button", name="发测试消息" if language == "zh_CN" else "Send a test message").click()
    assert ("测试消息已发出" if language == "zh_CN" else "The test message was sent") in walk.flash()
    assert len(_Receiver.posts) == 1
    html = page.content()
    assert "••••a1b2" in html and "wecom-robot-key" not in html
    walk.look("channels")
    page.click("text=" + ("修改" if language == "zh_CN" else "Change"))
    walk.look("channel")
    _decline_and_send(server.app, "协调员企业微信群", "坏的群")
    assert len(_Receiver.posts) == 2 and "不能来" in _Receiver.posts[1]["title"]  # the coordinator reads Chinese
    page.goto(server.url + "/auth/login")
    walk.page.context.clear_cookies()
    log_in(walk, server, "coordinator")
    walk.menu("/messages/log")
    text = page.inner_text("main")
    assert ("已发送" if language == "zh_CN" else "Sent") in text
    assert ("等待发送" if language == "zh_CN" else "Waiting") in text
    walk.look("delivery-log")
    walk.menu("/messages/mine")
    walk.look("my-messages")
    walk.assert_clean()
