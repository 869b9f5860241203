"""The permission matrix: every URL of the site × role (anonymous, viewer, partner, coordinator,
platform admin) × own / other (the other organisation's object, or the other platform), with
the status each must answer: 200, 302 (to the sign-in page, or after an action), 403, 404, 405.

The URL list comes from Django's resolver: a new URL without an entry in MATRIX (or a prefix in
PENDING, for pages whose owners have not written their rows yet) fails `test_every_url_is_in
_the_matrix`."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.urls import URLResolver, get_resolver

sys.path.insert(0, str(Path(__file__).parent / "portal"))

from web_actors import *  # noqa: E402, F403
from web_actors import ROLES, client_for, make_user, record_5w, write_5w  # noqa: E402

from kipu.web.accounts.services import assign_role, invite_user  # noqa: E402
from kipu.web.platforms.models import Event, Membership, Organisation  # noqa: E402
from kipu.web.portal.services import upload_submission  # noqa: E402
from kipu.web.stats.models import Observation, Series  # noqa: E402

# URLs whose role × URL matrix lives in their own tests.
PENDING = {
    "api/": "the API: role × endpoint tests of its own in tests/web/api",
}

Expect = dict[str, int]


def codes(anonymous: int, viewer: int, partner: int, coordinator: int, admin: int) -> Expect:
    return dict(zip(ROLES, (anonymous, viewer, partner, coordinator, admin), strict=True))


PUBLIC = codes(200, 200, 200, 200, 200)
SIGNED_IN = codes(302, 200, 200, 200, 200)
READERS = codes(302, 403, 200, 200, 200)  # view_unpublished
UPLOADERS = codes(302, 403, 200, 403, 200)  # upload
ADMIN = codes(302, 403, 403, 403, 200)  # manage_platform
ADMIN_POST = codes(302, 403, 403, 403, 302)  # an admin action answers with a redirect
NOBODY_ELSE = codes(302, 403, 403, 403, 403)  # manage_platform on a platform one has no role on
OWN_ONLY = codes(302, 403, 404, 404, 200)  # another organisation's object
ADMIN_NOT_FOUND = codes(302, 403, 403, 403, 404)  # another platform's row, asked on one's own


@dataclass
class Row:
    own: str  # URL template, formatted with the World's attributes
    own_expect: Expect
    other: str
    other_expect: Expect
    method: str = "get"


def same(url: str, expect: Expect, method: str = "get") -> Row:
    return Row(url, expect, url, expect, method)


T = "?platform=gtrm-test"
DASH = "^dashboard/(?P<platform>[a-z0-9-]+)"
EDITOR = r"console/reports/^(?P<platform>[a-z0-9-]+)/(?P<month>\d{4}-(0[1-9]|1[0-2]))"
REPORT_FILE = (
    r"^(?P<platform>[a-z0-9-]+)/(?P<month>\d{4}-(0[1-9]|1[0-2]))/(?P<lang>en|es)/v(?P<number>\d+)/"
    r"(?P<name>sitrep\.(html|pdf|docx)|figures\.json|figures/[\w-]+\.(svg|png))$"
)
OTHER = "?platform=gtrm-other"

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
    EDITOR + r"/v(?P<number>\d+)/publish/$": Row(
        "/console/reports/gtrm-test/2019-05/v99/publish/",
        ADMIN_NOT_FOUND,
        "/console/reports/gtrm-other/2019-05/v1/publish/",
        NOBODY_ELSE,
        "post",
    ),
    "i18n/setlang/": same("/i18n/setlang/", codes(302, 302, 302, 302, 302)),  # back to "/"
}


def routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from routes(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern)


def test_every_url_is_in_the_matrix() -> None:
    missing = [
        route
        for route in routes()
        if route not in MATRIX and not any(route.startswith(p) for p in PENDING)
    ]
    assert missing == [], f"add these URLs to MATRIX: {missing}"
    stale = sorted(set(MATRIX) - set(routes()))
    assert stale == [], f"MATRIX names URLs that no longer exist: {stale}"


class World:
    """Objects of both sides, by the names the URL templates use."""

    def __init__(self, platform: Any, other_platform: Any, org_a: Any, org_b: Any, tmp: Path):
        self.org_a, self.org_b = org_a.pk, org_b.pk
        a = write_5w(platform, tmp / "a.xlsx", [record_5w()])
        b = write_5w(
            platform, tmp / "b.xlsx", [record_5w("ORG902", sector="WASH", indicator="WASH-01")]
        )
        self.sub_a = upload_submission(platform, org_a, "2019-05", a, None).submission.pk
        self.sub_b = upload_submission(platform, org_b, "2019-05", b, None).submission.pk
        elsewhere = Organisation.objects.create(name_en="Elsewhere", acronym="EW")
        Membership.objects.create(platform=other_platform, organisation=elsewhere)
        self.org_elsewhere = elsewhere.pk
        for name, plat in (("", platform), ("_elsewhere", other_platform)):
            plan = plat.plans.get()
            sector = plan.sectors.get(code="PRO")
            target = sector.targets.create(plan=plan, people_in_need=1)
            series = Series.objects.create(platform=plat, key="stock")
            observation = Observation.objects.create(
                series=series, period_start="2019-01-01", period_end="2019-01-31", value=1
            )
            event = Event.objects.create(platform=plat, date="2019-05-01", title_en="Meeting")
            setattr(self, f"sector{name}", sector.pk)
            setattr(self, f"indicator{name}", plan.indicators.get(code="PRO-01").pk)
            setattr(self, f"target{name}", target.pk)
            setattr(self, f"observation{name}", observation.pk)
            setattr(self, f"event{name}", event.pk)
        stranger = make_user("stranger")
        self.other_role = assign_role(stranger, other_platform, "viewer").pk
        self.other_user = stranger.pk
        for name, plat in (("", platform), ("_elsewhere", other_platform)):
            invited = invite_user(plat, f"new{name}@example.org", "viewer", accept_url=str)
            setattr(self, f"invitation{name}", invited.pk)

    def url(self, template: str) -> str:
        return template.format(**vars(self))


@pytest.fixture
def world(platform, other_platform, org_a, org_b, actors, partner_b, tmp_path) -> World:  # noqa: ANN001
    made = World(platform, other_platform, org_a, org_b, tmp_path)
    made.partner_b_user = partner_b.pk  # type: ignore[attr-defined]
    made.partner_b_role = partner_b.kipu_roles.get(platform=platform).pk  # type: ignore[attr-defined]
    return made


def test_permission_matrix(world: World, actors: dict[str, User | None]) -> None:
    clients = {role: client_for(user) for role, user in actors.items()}
    wrong: list[str] = []
    for route, row in MATRIX.items():
        for side, template, expected in (
            ("own", row.own, row.own_expect),
            ("other", row.other, row.other_expect),
        ):
            url = world.url(template)
            for role in ROLES:
                send: Callable[..., Any] = getattr(clients[role], row.method)
                status = send(url).status_code
                if status != expected[role]:
                    wrong.append(
                        f"{row.method.upper()} {url} as {role} ({side}): "
                        f"{status}, expected {expected[role]} [{route}]"
                    )
    assert wrong == [], "\n" + "\n".join(wrong)


# --- a second platform's administrator, and a coordinator on a multi-sector submission ----


def test_another_platforms_admin_is_a_stranger_here(world: World, other_platform) -> None:  # noqa: ANN001
    """An administrator of gtrm-other has no role on gtrm-test: every gtrm-test page answers
    them as it answers a signed-in viewer (never as an administrator)."""
    from kipu.web.accounts.services import assign_role as grant

    outsider = make_user("admin.of.other")
    grant(outsider, other_platform, "admin")
    client = client_for(outsider)
    wrong = []
    for route, row in MATRIX.items():
        if "gtrm-other" in row.own or "platform=gtrm-other" in row.own:
            continue
        url = world.url(row.own)
        status = getattr(client, row.method)(url).status_code
        expected = row.own_expect["viewer"]
        if status != expected and not (expected == 200 and route.startswith("accounts/")):
            wrong.append(f"{row.method.upper()} {url}: {status}, expected {expected} [{route}]")
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
    from kipu.web.api.auth import create_token

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
