"""What the users do during the load benchmark: volunteers read their week and hand in diaries, coordinators
search, open records and edit volunteers. Each outcome is written down for the reconciliation afterwards."""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import uuid

from locust import HttpUser, between, events, task

from tests.forms import csrf_token_in, form_data

ACCOUNTS = json.loads(open(os.environ["LOADTEST_ACCOUNTS"], encoding="utf-8").read())  # noqa: SIM115
_next_volunteer = itertools.count()
_lock = threading.Lock()
OUTCOMES: dict[str, list] = {"diaries": [], "edits": [], "conflicts": 0}


def _csrf(html: str) -> str:
    """The page's CSRF token, or "" for a page without a form (the server answered an error under load)."""
    try:
        return csrf_token_in(html)
    except LookupError:
        return ""


def _login(user: HttpUser, username: str) -> None:
    """Log in through the form; a failed attempt (the server answered an error) is tried again, as a person
    would."""
    for _attempt in range(3):
        page = user.client.get("/auth/login", name="/auth/login").text
        response = user.client.post("/auth/login", data={"username": username, "password": ACCOUNTS["password"],
                                                         "csrf_token": _csrf(page)}, name="/auth/login [POST]")
        if response.ok and "/auth/login" not in response.url:
            return


class Volunteer(HttpUser):
    """A volunteer on a phone: her week, her hours, a diary after an activity."""

    weight = 8
    wait_time = between(1, 4)

    def on_start(self) -> None:
        """Log in as the next volunteer account."""
        accounts = ACCOUNTS["volunteers"]
        self.account = accounts[next(_next_volunteer) % len(accounts)]
        _login(self, self.account["username"])

    @task(6)
    def week(self) -> None:
        """Her week (the home page)."""
        self.client.get("/", name="/ (volunteer week)")

    @task(2)
    def hours(self) -> None:
        """Her served hours."""
        self.client.get("/me/hours", name="/me/hours")

    @task(3)
    def diary(self) -> None:
        """Hand in (or rewrite) the diary of one of her past activities, with a text unique to this post."""
        assignment = random.choice(self.account["assignments"])  # noqa: S311 - load mix, not security
        url = f"/me/assignments/{assignment}/diary"
        page = self.client.get(url, name="/me/assignments/[id]/diary").text
        data = form_data(page)
        text = f"load {uuid.uuid4().hex}"
        data.update({"what_was_done": [text], "send": ["1"]})
        data.pop("save", None)
        with self.client.post(url, data=data, name="/me/assignments/[id]/diary [POST]", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code == 302 and "/auth/login" in response.headers.get("Location", ""):
                response.failure("diary post sent to the login page (the session was lost)")
            elif response.status_code == 302:
                with _lock:  # the version the form was opened at orders the saves of one activity
                    OUTCOMES["diaries"].append([assignment, int((data.get("version") or ["0"])[0] or 0), text])
            elif response.status_code == 422 and ("approved" in response.text or "已审核" in response.text):
                response.success()  # an approved entry is final: refused by design
            else:
                response.failure(f"diary answered {response.status_code}")


class Coordinator(HttpUser):
    """A coordinator at a desk: searches, opens children and volunteers, edits a volunteer."""

    weight = 2
    wait_time = between(1, 4)

    def on_start(self) -> None:
        """Log in as one of the coordinator accounts."""
        _login(self, random.choice(ACCOUNTS["coordinators"]))  # noqa: S311

    @task(4)
    def search(self) -> None:
        """Search children by a village's name."""
        self.client.get("/children/", params={"q": random.choice(ACCOUNTS["villages"])},  # noqa: S311
                        name="/children/?q=")

    @task(3)
    def child(self) -> None:
        """Open a child's profile (audited)."""
        self.client.get(f"/children/{random.choice(ACCOUNTS['children'])}", name="/children/[id]")  # noqa: S311

    @task(2)
    def volunteer(self) -> None:
        """Open a volunteer's page."""
        self.client.get(f"/volunteers/{random.choice(ACCOUNTS['edited'])}", name="/volunteers/[id]")  # noqa: S311

    @task(2)
    def edit(self) -> None:
        """Change a volunteer's travel limit; another coordinator may have saved first (a 409, by design)."""
        volunteer = random.choice(ACCOUNTS["edited"])  # noqa: S311
        url = f"/volunteers/{volunteer}/edit"
        data = form_data(self.client.get(url, name="/volunteers/[id]/edit").text)
        current = float((data.get("max_km") or ["0"])[0] or 0)
        # Always a different value: a save that changes nothing writes nothing, and the reconciliation counts
        # every 302 as one new version.
        data["max_km"] = [str(random.choice([k for k in range(5, 26) if k != current]))]  # noqa: S311
        with self.client.post(url, data=data, name="/volunteers/[id]/edit [POST]", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code == 302 and "/auth/login" in response.headers.get("Location", ""):
                response.failure("edit sent to the login page (the session was lost)")
            elif response.status_code == 302:
                with _lock:
                    OUTCOMES["edits"].append(volunteer)
            elif response.status_code == 409:
                response.success()
                with _lock:
                    OUTCOMES["conflicts"] += 1
            else:
                response.failure(f"edit answered {response.status_code}")


@events.test_stop.add_listener
def _write_outcomes(**_kwargs) -> None:  # locust's event signature
    """Leave what the users saw succeed, for the reconciliation."""
    with open(os.environ["LOADTEST_RESULTS"], "w", encoding="utf-8") as handle:
        json.dump(OUTCOMES, handle)
