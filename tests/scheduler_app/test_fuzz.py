"""Every form and query parameter, fuzzed (hypothesis): whatever a browser, a script or an attacker sends to any
route, as any role allowed on it, the answer is never a server error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler_app.models import Role
from tests.conftest import PASSWORD, SECURITY_REPORT, csrf_token, post_form
from tests.forms import form_data
from tests.scheduler_app.test_routes_matrix import EXPECTED, _build_world, _url

EXAMPLES_PER_ROUTE = 6
STATUSES: dict[int, int] = {}  # every answer's status, for the report
# Query parameters read outside a form (request.args.get in the views), besides every form field of the pages.
QUERY_PARAMETERS = ("roster", "next", "kind", "resolved", "page", "day", "compare", "by", "status", "q")
# Routes that would end the fuzzing client's own session or are not the app's own code.
SKIPPED = frozenset({"auth.logout", "auth.login", "static", "auth.end_session_of_mine"})
NASTY = ("", "0", "-1", "1e309", "NaN", "18446744073709551617", "2026-02-30", "0001-01-01", "9999-12-31",
         "周六 25:00-26:00", "\x00", "a\r\nb", "１２３", "＝1+1", "=cmd|' /C calc'!A0", "<script>alert(1)</script>",
         "' OR 1=1 --", "../../etc/passwd", "/\t/evil.example", "%00", "x" * 5000, "🙂" * 100, "true", "on")
VALUES = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers().map(str),
                   st.dates().map(lambda d: d.isoformat()))


def _fields(client, urls: list[str]) -> list[str]:
    """Every field name of every form on these pages (as the role sees them)."""
    names: set[str] = set()
    for url in urls:
        html = client.get(url).get_data(as_text=True)
        for index in range(html.count("<form")):
            names.update(form_data(html, index))
    return sorted(names - {"csrf_token"})


def _fuzz(client, role: Role, endpoint: str, method: str, url: str, names: list[str]) -> None:
    """EXAMPLES_PER_ROUTE requests to one route with random values for a random choice of ``names``."""

    @settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(names), VALUES, max_size=6))
    def request_gives_no_server_error(values: dict[str, str]) -> None:
        if method == "GET":
            response = client.get(url, query_string=values)
        else:
            response = client.post(url, data={**values, "csrf_token": csrf_token(client, "/")})
        assert response.status_code < 500, (role, endpoint, values, response.status_code)
        STATUSES[response.status_code] = STATUSES.get(response.status_code, 0) + 1

    request_gives_no_server_error()


def test_no_form_or_query_parameter_gives_a_server_error(app, make_org, make_user, make_child, make_site,
                                                        make_volunteer) -> None:
    """Each route, as a role allowed on it, gets EXAMPLES_PER_ROUTE requests with random values (text, numbers,
    dates, NUL bytes, formulas, huge numbers, CR/LF) for a random choice of the form fields found on the app's
    pages and the views' query parameters; no answer is a 5xx."""
    users, ids = _build_world(make_org, make_user, make_child, make_site, make_volunteer)
    STATUSES.clear()
    routes = [(endpoint, method, allowed) for endpoint, (method, allowed) in EXPECTED.items()
              if endpoint not in SKIPPED]
    sent = 0
    for role in Role:
        mine = [(e, m) for e, m, allowed in routes if (allowed is None or role in allowed)]
        client = app.test_client()
        assert post_form(client, "/auth/login", {"username": users[role].username, "password": PASSWORD}
                         ).status_code == 302
        gets = [_url(app, e, ids) for e, m in mine if m == "GET" and not e.startswith(("calendar.", "me.hours_"))]
        names = [*_fields(client, gets), *QUERY_PARAMETERS]
        for endpoint, method in mine:
            _fuzz(client, role, endpoint, method, _url(app, endpoint, ids), names)
            sent += EXAMPLES_PER_ROUTE
        # Still logged in: the fuzzing reached the routes, not the login page.
        assert client.get("/").status_code == 200, role
    SECURITY_REPORT["fuzz"] = (f"{sent} fuzzed requests (every route × every role allowed on it, random values "
                               f"for the pages' form fields and the views' query parameters): no 5xx; answers "
                               + ", ".join(f"{n} × {code}" for code, n in sorted(STATUSES.items())))
