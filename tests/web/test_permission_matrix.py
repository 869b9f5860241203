"""The permission matrix: every URL of the site × role (anonymous, viewer, partner, coordinator,
platform admin) × own / other (the other organisation's object, or the other platform), with
the status each must answer: 200, 302 (to the sign-in page, or after an action), 401 (the API),
403, 404, 405; every action that writes, posted by each role (matrix_rows.MORE); and no answer
ever showing another organisation's unpublished rows, raw survey answers or another platform's
private objects (the markers of matrix_world).

The URL list comes from Django's resolver: a new URL without an entry in MATRIX fails
`test_every_url_is_in_the_matrix`, and one that takes a POST without a POST row fails
`test_a_post_gets_no_more_than_a_get`."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLResolver, get_resolver

sys.path.insert(0, str(Path(__file__).parent / "portal"))
sys.path.insert(0, str(Path(__file__).parent))

from matrix_rows import (  # noqa: E402
    ADMIN,
    ADMIN_NOT_FOUND,
    ADMIN_POST,
    API_ROWS,
    EDITOR,
    JOB_ROWS,
    MORE,
    NOBODY_ELSE,
    OTHER,
    OWN_ONLY,
    PUBLIC,
    READERS,
    SIGNED_IN,
    SURVEY_ROWS,
    UPLOADERS,
    Row,
    T,
    codes,
    same,
)
from matrix_world import SECRET_B, SECRET_ELSEWHERE, SECRET_ROUND, World, body_text  # noqa: E402
from web_actors import *  # noqa: E402, F403
from web_actors import ROLES, client_for, record_5w, write_5w  # noqa: E402

from kipu.web.api.auth import create_token  # noqa: E402
from kipu.web.portal.services import upload_submission  # noqa: E402

DASH = "^dashboard/(?P<platform>[a-z0-9-]+)"
REPORT_FILE = (
    r"^(?P<platform>[a-z0-9-]+)/(?P<month>\d{4}-(0[1-9]|1[0-2]))/(?P<lang>en|es)/v(?P<number>\d+)/"
    r"(?P<name>sitrep\.(html|pdf|docx)|figures\.json|figures/[\w-]+\.(svg|png))$"
)

MATRIX: dict[str, Row] = {
    "": same("/", PUBLIC),
    # --- accounts (kipu.web.accounts) ---
    "accounts/login/": same("/accounts/login/", codes(200, 302, 302, 302, 302)),
    "accounts/logout/": same("/accounts/logout/", codes(405, 405, 405, 405, 405)),
    "accounts/": same("/accounts/", SIGNED_IN),
    "accounts/password/change/": same("/accounts/password/change/", SIGNED_IN),
    "accounts/password/change/done/": same("/accounts/password/change/done/", SIGNED_IN),
    "accounts/password/reset/": same("/accounts/password/reset/", PUBLIC),
    "accounts/password/reset/sent/": same("/accounts/password/reset/sent/", PUBLIC),
    "accounts/password/reset/<uidb64>/<token>/": same(
        "/accounts/password/reset/MQ/bad-token/", PUBLIC
    ),
    "accounts/password/reset/complete/": same("/accounts/password/reset/complete/", PUBLIC),
    "accounts/invitation/<str:token>/": same(
        "/accounts/invitation/not-a-token/", codes(410, 410, 410, 410, 410)
    ),
    "accounts/platform/<slug:platform>/people/": Row(
        "/accounts/platform/gtrm-test/people/",
        ADMIN,
        "/accounts/platform/gtrm-other/people/",
        NOBODY_ELSE,
    ),
    "accounts/platform/<slug:platform>/invite/": Row(
        "/accounts/platform/gtrm-test/invite/",
        ADMIN,
        "/accounts/platform/gtrm-other/invite/",
        NOBODY_ELSE,
    ),
    "accounts/platform/<slug:platform>/roles/<int:role_id>/remove/": Row(
        "/accounts/platform/gtrm-test/roles/{partner_b_role}/remove/",
        ADMIN,
        "/accounts/platform/gtrm-test/roles/{other_role}/remove/",
        ADMIN_NOT_FOUND,
    ),
    "accounts/platform/<slug:platform>/invitations/<int:invitation_id>/cancel/": Row(
        "/accounts/platform/gtrm-test/invitations/{invitation}/cancel/",
        ADMIN,
        "/accounts/platform/gtrm-test/invitations/{invitation_elsewhere}/cancel/",
        ADMIN_NOT_FOUND,
    ),
    "accounts/platform/<slug:platform>/users/<int:user_id>/deactivate/": Row(
        "/accounts/platform/gtrm-test/users/{partner_b_user}/deactivate/",
        ADMIN,
        "/accounts/platform/gtrm-test/users/{other_user}/deactivate/",
        NOBODY_ELSE,
    ),
    "accounts/platform/<slug:platform>/users/<int:user_id>/reactivate/": Row(
        "/accounts/platform/gtrm-test/users/{partner_b_user}/reactivate/",
        ADMIN,
        "/accounts/platform/gtrm-test/users/{other_user}/reactivate/",
        NOBODY_ELSE,
    ),
    "console/audit/": Row(f"/console/audit/{T}", ADMIN, f"/console/audit/{OTHER}", NOBODY_ELSE),
    # --- IM console ---
    "console/": Row(f"/console/{T}", ADMIN, f"/console/{OTHER}", NOBODY_ELSE),
    "console/completeness/": Row(
        f"/console/completeness/{T}", ADMIN, f"/console/completeness/{OTHER}", NOBODY_ELSE
    ),
    "console/reminders/": Row(
        f"/console/reminders/{T}&month=2019-05",
        ADMIN,
        f"/console/reminders/{OTHER}&month=2019-05",
        NOBODY_ELSE,
    ),
    "console/issues/": Row(f"/console/issues/{T}", ADMIN, f"/console/issues/{OTHER}", NOBODY_ELSE),
    "console/schedule/": Row(
        f"/console/schedule/{T}", ADMIN, f"/console/schedule/{OTHER}", NOBODY_ELSE
    ),
    "console/months/<str:month>/lock/": Row(
        f"/console/months/2019-11/lock/{T}",
        ADMIN_POST,
        f"/console/months/2019-11/lock/{OTHER}",
        NOBODY_ELSE,
        "post",
    ),
    "console/months/<str:month>/publish/": Row(
        f"/console/months/2019-11/publish/{T}",
        ADMIN_POST,
        f"/console/months/2019-11/publish/{OTHER}",
        NOBODY_ELSE,
        "post",
    ),
    "console/months/<str:month>/reopen/": Row(
        f"/console/months/2019-11/reopen/{T}",
        ADMIN,
        f"/console/months/2019-11/reopen/{OTHER}",
        NOBODY_ELSE,
    ),
    # --- partner portal ---
    "portal/": Row(f"/portal/{T}", READERS, f"/portal/{OTHER}", NOBODY_ELSE),
    # A partner's `org` is always their own; the IM team may act for any member.
    "portal/template/": Row(
        f"/portal/template/{T}&org={{org_a}}&month=2019-05",
        UPLOADERS,
        f"/portal/template/{T}&org={{org_b}}&month=2019-05",
        UPLOADERS,
    ),
    "portal/upload/": Row(
        f"/portal/upload/{T}&org={{org_a}}",
        UPLOADERS,
        f"/portal/upload/{OTHER}&org={{org_a}}",
        NOBODY_ELSE,
    ),
    "portal/submissions/<int:pk>/": Row(
        f"/portal/submissions/{{sub_a}}/{T}",
        READERS,
        f"/portal/submissions/{{sub_b}}/{T}",
        OWN_ONLY,
    ),
    "portal/submissions/<int:pk>/annotated.xlsx": Row(
        f"/portal/submissions/{{sub_a}}/annotated.xlsx{T}",
        READERS,
        f"/portal/submissions/{{sub_b}}/annotated.xlsx{T}",
        OWN_ONLY,
    ),
    # --- reference data: lists are public, edits for the platform's administrators ---
    "reference/": Row(f"/reference/{T}", PUBLIC, f"/reference/{OTHER}", PUBLIC),
    "reference/organisations/": Row(
        f"/reference/organisations/{T}", PUBLIC, f"/reference/organisations/{OTHER}", PUBLIC
    ),
    "reference/organisations/new/": Row(
        f"/reference/organisations/new/{T}",
        ADMIN,
        f"/reference/organisations/new/{OTHER}",
        NOBODY_ELSE,
    ),
    "reference/organisations/<int:pk>/edit/": Row(
        f"/reference/organisations/{{org_a}}/edit/{T}",
        ADMIN,
        f"/reference/organisations/{{org_elsewhere}}/edit/{T}",
        ADMIN_NOT_FOUND,
    ),
    "reference/plan/": Row(f"/reference/plan/{T}", PUBLIC, f"/reference/plan/{OTHER}", PUBLIC),
    "reference/plan/sectors/<int:pk>/edit/": Row(
        f"/reference/plan/sectors/{{sector}}/edit/{T}",
        ADMIN,
        f"/reference/plan/sectors/{{sector_elsewhere}}/edit/{T}",
        ADMIN_NOT_FOUND,
    ),
    "reference/plan/indicators/<int:pk>/edit/": Row(
        f"/reference/plan/indicators/{{indicator}}/edit/{T}",
        ADMIN,
        f"/reference/plan/indicators/{{indicator_elsewhere}}/edit/{T}",
        ADMIN_NOT_FOUND,
    ),
    "reference/plan/targets/<int:pk>/edit/": Row(
        f"/reference/plan/targets/{{target}}/edit/{T}",
        ADMIN,
        f"/reference/plan/targets/{{target_elsewhere}}/edit/{T}",
        ADMIN_NOT_FOUND,
    ),
    "reference/locations/": Row(
        f"/reference/locations/{T}", PUBLIC, f"/reference/locations/{OTHER}", PUBLIC
    ),
    "reference/statistics/": Row(
        f"/reference/statistics/{T}", PUBLIC, f"/reference/statistics/{OTHER}", PUBLIC
    ),
    "reference/statistics/observations/<int:pk>/edit/": Row(
        f"/reference/statistics/observations/{{observation}}/edit/{T}",
        ADMIN,
        f"/reference/statistics/observations/{{observation_elsewhere}}/edit/{T}",
        ADMIN_NOT_FOUND,
    ),
    "reference/events/": Row(
        f"/reference/events/{T}", PUBLIC, f"/reference/events/{OTHER}", PUBLIC
    ),
    "reference/events/new/": Row(
        f"/reference/events/new/{T}", ADMIN, f"/reference/events/new/{OTHER}", NOBODY_ELSE
    ),
    "reference/events/<int:pk>/edit/": Row(
        f"/reference/events/{{event}}/edit/{T}",
        ADMIN,
        f"/reference/events/{{event_elsewhere}}/edit/{T}",
        ADMIN_NOT_FOUND,
    ),
    "reference/<str:kind>/import/": Row(
        f"/reference/organisations/import/{T}",
        ADMIN,
        f"/reference/plan/import/{OTHER}",
        NOBODY_ELSE,
    ),
    # --- dashboard: public aggregates for everyone (published months only by default) ---
    DASH + "/$": Row("/dashboard/gtrm-test/", PUBLIC, "/dashboard/gtrm-other/", PUBLIC),
    DASH + "/panel/$": Row(
        "/dashboard/gtrm-test/panel/", PUBLIC, "/dashboard/gtrm-other/panel/", PUBLIC
    ),
    DASH + r"/data\.json$": Row(
        "/dashboard/gtrm-test/data.json?view=internal",
        PUBLIC,
        "/dashboard/gtrm-other/data.json",
        PUBLIC,
    ),
    DASH + r"/chart/(?P<name>[a-z-]+)\.(?P<ext>svg|png)$": same(
        "/dashboard/gtrm-test/chart/reached-by-sector.svg", codes(404, 404, 404, 404, 404)
    ),  # nothing published on the test platform: nothing to draw, for anyone
    DASH + r"/table/(?P<name>[a-z0-9-]+)\.(?P<ext>csv|xlsx)$": Row(
        "/dashboard/gtrm-test/table/sectors.csv",
        PUBLIC,
        "/dashboard/gtrm-other/table/admin1.xlsx",
        PUBLIC,
    ),
    # --- the favicon and the open-data page: public (published months only) ---
    "favicon.ico": same("/favicon.ico", PUBLIC),
    "open-data/": same("/open-data/", PUBLIC),
    r"^open-data/(?P<platform>[a-z0-9-]+)/$": Row(
        "/open-data/gtrm-test/", PUBLIC, "/open-data/gtrm-other/", PUBLIC
    ),
    # --- situation reports and their editor ---
    "reports/": same(f"/reports/{T}", PUBLIC),
    "reports/" + REPORT_FILE: same(
        "/reports/gtrm-test/2019-05/en/v1/sitrep.pdf", codes(404, 404, 404, 404, 404)
    ),
    EDITOR + "/$": Row(
        "/console/reports/gtrm-test/2019-05/",
        ADMIN,
        "/console/reports/gtrm-other/2019-05/",
        NOBODY_ELSE,
    ),
    EDITOR + "/preview/$": Row(
        "/console/reports/gtrm-test/2019-05/preview/",
        codes(302, 403, 403, 403, 200),
        "/console/reports/gtrm-other/2019-05/preview/",
        NOBODY_ELSE,
        "post",
    ),
    EDITOR + "/render/$": Row(
        "/console/reports/gtrm-test/2019-05/render/",
        ADMIN_POST,
        "/console/reports/gtrm-other/2019-05/render/",
        NOBODY_ELSE,
        "post",
    ),
    EDITOR + "/publish/$": Row(
        "/console/reports/gtrm-test/2019-05/publish/",
        ADMIN,
        "/console/reports/gtrm-other/2019-05/publish/",
        NOBODY_ELSE,
    ),
    "i18n/setlang/": same("/i18n/setlang/", codes(302, 302, 302, 302, 302)),  # back to "/"
    **API_ROWS,
    **JOB_ROWS,
    **SURVEY_ROWS,
}


def routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from routes(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern)


@pytest.fixture(autouse=True)
def generous_api_rates(settings: Any) -> None:
    # The matrix asks the API a few hundred times a minute from one address.
    settings.KIPU_API_RATE = {"authenticated": "100000/min", "anonymous": "100000/min"}


def test_every_url_is_in_the_matrix() -> None:
    missing = [route for route in routes() if route not in MATRIX]
    assert missing == [], f"add these URLs to MATRIX: {missing}"
    stale = sorted((set(MATRIX) | {route for route, _row in MORE}) - set(routes()))
    assert stale == [], f"MATRIX or MORE names URLs that no longer exist: {stale}"


@pytest.fixture
def world(platform, other_platform, actors, partner_b, rows, tmp_path) -> World:  # noqa: ANN001
    people = {"partner_a": actors["partner"], "partner_b": partner_b, "admin": actors["admin"]}
    return World(platform, other_platform, people, rows, tmp_path)


def shown_secrets(role: str, response: Any) -> list[str]:
    """The markers of matrix_world a response shows that `role` must never read."""
    secrets = [SECRET_ELSEWHERE] + ([] if role == "admin" else [SECRET_B, SECRET_ROUND])
    text = body_text(response)  # reading a streamed body to its end closes it
    return [secret for secret in secrets if secret in text]


def send(client: Client, world: World, row: Row, side: str, token: str | None) -> Any:
    """The row's request on `side` (own or other); a token only where the row asks for one."""
    url = world.url(row.own if side == "own" else row.other)
    headers = {"Authorization": f"Bearer {token}"} if row.token and token else {}
    if row.method == "post":
        return client.post(url, row.body(world, side) or {}, headers=headers)
    return client.get(url, headers=headers)


def probe(
    world: World,
    rows: Iterable[tuple[str, Row]],
    client_of: Callable[[str], Client],
    tokens: dict[str, str],
) -> list[str]:
    """Each row's own and other URL, as each role: the statuses that differ from the row's and
    the secrets shown, one line each."""
    wrong: list[str] = []
    for route, row in rows:
        for side, template, expected in (
            ("own", row.own, row.own_expect),
            ("other", row.other, row.other_expect),
        ):
            url = world.url(template)
            for role in ROLES:
                response = send(client_of(role), world, row, side, tokens.get(role))
                where = f"{row.method.upper()} {url} as {role} ({side}) [{route}]"
                if response.status_code != expected[role]:
                    wrong.append(f"{where}: {response.status_code}, expected {expected[role]}")
                wrong += [f"{where}: shows {secret}" for secret in shown_secrets(role, response)]
    return wrong


def test_permission_matrix(world: World, actors: dict[str, User | None]) -> None:
    clients = {role: client_for(user) for role, user in actors.items()}
    tokens = {role: create_token(user, "matrix") for role, user in actors.items() if user}
    wrong = probe(world, MATRIX.items(), clients.__getitem__, tokens)
    # The writes change the world (a role taken away, a month's schedule): they come last,
    # in MORE's order, each request on a fresh session (one of them signs out).
    wrong += probe(world, MORE, lambda role: client_for(actors[role]), tokens)
    assert wrong == [], "\n" + "\n".join(wrong)


def test_a_post_gets_no_more_than_a_get(world: World, actors: dict[str, User | None]) -> None:
    """A URL without a POST row answers an empty POST as it answers a GET, or 405: a view that
    writes gets a POST row in MORE (an empty POST to it would answer otherwise)."""
    posted = {route for route, row in [*MATRIX.items(), *MORE] if row.method == "post"}
    wrong: list[str] = []
    for route, row in MATRIX.items():
        if route in posted:
            continue
        clients = {role: client_for(user) for role, user in actors.items()}
        for side, template, expected in (
            ("own", row.own, row.own_expect),
            ("other", row.other, row.other_expect),
        ):
            url = world.url(template)
            for role in ROLES:
                response = clients[role].post(url)
                where = f"POST {url} as {role} ({side}) [{route}]"
                if response.status_code not in (expected[role], 405):
                    wrong.append(f"{where}: {response.status_code}, GET gets {expected[role]}")
                wrong += [f"{where}: shows {secret}" for secret in shown_secrets(role, response)]
    assert wrong == [], "\n" + "\n".join(wrong)


def test_a_job_is_seen_by_its_starter_and_its_platforms_im_team_only(
    world: World, actors: dict[str, User | None], partner_b: User
) -> None:
    """Job page, job file and job API; and the job lists: a partner's upload page (their
    imports), the console (every job of the platform, for its IM team)."""
    people = {**actors, "partner_b": partner_b, "outsider": world.outsider}
    jobs = {
        world.job_a: {"partner", "admin"},
        world.job_b: {"partner_b", "admin"},
        world.job_admin: {"admin"},
        world.job_elsewhere: {"outsider"},
    }
    for job, readers in jobs.items():
        for name, user in people.items():
            client = client_for(user)
            urls = (f"/jobs/{job}/", f"/jobs/{job}/files/package.zip", f"/api/v1/jobs/{job}")
            answers = []
            for url in urls:
                response = client.get(url)
                body_text(response)  # read to its end, a streamed file is closed
                answers.append(response.status_code)
            refused = [302, 302, 401] if user is None else [404] * 3
            assert answers == ([200] * 3 if name in readers else refused), (name, job)
    lists = {
        "partner": ("/portal/upload/?platform=gtrm-test", {world.job_a}),
        "partner_b": ("/portal/upload/?platform=gtrm-test", {world.job_b}),
        "admin": ("/console/?platform=gtrm-test", {world.job_a, world.job_b, world.job_admin}),
        "outsider": ("/console/?platform=gtrm-other", {world.job_elsewhere}),
    }
    for name, (url, listed) in lists.items():
        page = client_for(people[name]).get(url)
        assert page.status_code == 200, name
        assert {job for job in jobs if job in page.content.decode()} == listed, name


# --- a second platform's administrator, and a coordinator on a multi-sector submission ----


def test_another_platforms_admin_is_a_stranger_here(world: World) -> None:
    """An administrator of gtrm-other has no role on gtrm-test: every gtrm-test page and action
    answers them as it answers a signed-in viewer (never as an administrator), and shows them
    none of gtrm-test's unpublished rows, raw answers or jobs."""
    token = create_token(world.outsider, "matrix")
    wrong = []
    for route, row in [*MATRIX.items(), *MORE]:
        if "gtrm-other" in row.own or "_elsewhere}" in row.own:
            continue  # their own platform, their own objects
        response = send(client_for(world.outsider), world, row, "own", token)
        status, expected = response.status_code, row.own_expect["viewer"]
        where = f"{row.method.upper()} {world.url(row.own)} [{route}]"
        if status != expected and not (expected == 200 and route.startswith("accounts/")):
            wrong.append(f"{where}: {status}, expected {expected}")
        wrong += [f"{where}: shows {secret}" for secret in shown_secrets("outsider", response)]
    assert wrong == [], "\n" + "\n".join(wrong)


@pytest.fixture
def mixed(platform, org_b, tmp_path) -> int:  # noqa: ANN001
    """Partner B's June upload: one protection row (a coordinator's sector) and two WASH rows,
    one of them with an error, stored by the IM team with issues accepted."""
    path = write_5w(
        platform,
        tmp_path / "mixed.xlsx",
        [
            record_5w("ORG902", month="2019-06", activity_name="Legal aid"),
            record_5w("ORG902", month="2019-06", sector="WASH", indicator="WASH-01",
                      activity_name="Kits"),
            record_5w("ORG902", month="2019-06", sector="WASH", indicator="WASH-01",
                      activity_name="Hidden WASH", women=3),
        ],
    )  # fmt: skip
    return upload_submission(
        platform, org_b, "2019-06", path, None, accept_issues=True
    ).submission.pk


def test_a_multi_sector_submission_is_scoped_to_the_coordinator(
    world: World, mixed: int, actors: dict[str, User | None]
) -> None:
    expected = {"anonymous": 302, "viewer": 403, "partner": 404, "coordinator": 200, "admin": 200}
    for role, user in actors.items():
        client = client_for(user)
        page = client.get(f"/portal/submissions/{mixed}/{T}")
        assert page.status_code == expected[role], role
        annotated = client.get(f"/portal/submissions/{mixed}/annotated.xlsx{T}")
        assert annotated.status_code == expected[role], role
        if user is not None and role in ("coordinator", "admin"):
            token = create_token(user, "matrix")
            api = client.get(f"/api/v1/submissions/{mixed}", HTTP_AUTHORIZATION=f"Bearer {token}")
            rows = {i["row"] for i in api.json()["report"]["issues"] if i["row"]}
            assert rows == (set() if role == "coordinator" else {5}), role  # labels, HXL, rows
            book = openpyxl.load_workbook(io.BytesIO(annotated.content))
            values = {c.value for sheet in book for line in sheet.iter_rows() for c in line}
            assert "Legal aid" in values, role
            assert ("Hidden WASH" in values) == (role == "admin"), role
