"""The vocabulary of the permission matrix (tests/web/test_permission_matrix.py): the statuses
each role (anonymous, viewer, partner of organisation A, protection coordinator, platform
admin) must get, a row (one URL on the actor's side, one on the other side), and the rows of the
API, the background jobs, the surveys and every action that writes (POST)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

sys.path.insert(0, str(Path(__file__).parent / "portal"))

from web_actors import ROLES  # noqa: E402

Expect = dict[str, int]
Body = Callable[[Any], dict[str, Any]] | None  # a POST body, made from the World


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
POST_ONLY = codes(302, 403, 403, 403, 405)  # an IM action asked for with GET
NOT_FOUND = codes(404, 404, 404, 404, 404)
IM_ONLY_FOUND = codes(404, 404, 404, 404, 200)  # unpublished: only the IM team finds it
API_SIGNED_IN = codes(401, 200, 200, 200, 200)  # the API answers 401, never a redirect
STARTER = codes(302, 404, 200, 404, 200)  # a job of partner A: them and the IM team
STARTER_API = codes(401, 404, 200, 404, 200)


@dataclass
class Row:
    own: str  # URL template, formatted with the World's attributes
    own_expect: Expect
    other: str
    other_expect: Expect
    method: str = "get"
    data: Body = None  # made for each request: an uploaded file is read once
    token: bool = False  # sent with the role's API token (the API's writes), not the session
    other_data: Body = None  # when the other side posts something else

    def body(self, world: Any, side: str) -> dict[str, Any] | None:
        make = self.other_data if side == "other" and self.other_data else self.data
        return make(world) if make else None


def same(url: str, expect: Expect, method: str = "get", **more: Any) -> Row:
    return Row(url, expect, url, expect, method, **more)


T = "?platform=gtrm-test"
OTHER = "?platform=gtrm-other"


def upload(path: Path, **fields: str) -> dict[str, Any]:
    return {**fields, "file": SimpleUploadedFile(path.name, path.read_bytes())}


# --- the API (session reads; an anonymous caller gets 401, not the sign-in page) -------------

API = "/api/v1"
SURVEY_API = API + "/surveys/{survey}"
OPEN_DATA = "api/v1/opendata/<slug:platform>/<str:month>/"


def _open_data(name: str) -> Row:
    return Row(
        f"{API}/opendata/gtrm-test/2019-05/{name}",
        NOT_FOUND,
        f"{API}/opendata/gtrm-other/2020-05/{name}",
        NOT_FOUND,
    )  # no month is published: no open data, for anyone


def _public(path: str) -> Row:
    return Row(f"{API}/{path}{T}", PUBLIC, f"{API}/{path}{OTHER}", PUBLIC)


API_ROWS: dict[str, Row] = {
    "api/v1/docs/": same(f"{API}/docs/", PUBLIC),
    "api/v1/docs": same(f"{API}/docs", codes(301, 301, 301, 301, 301)),
    "api/v1/": same(f"{API}/", PUBLIC),
    "api/v1/openapi.json": same(f"{API}/openapi.json", PUBLIC),
    "api/v1/platforms": same(f"{API}/platforms", PUBLIC),
    "api/v1/platforms/<slug:platform>": Row(
        f"{API}/platforms/gtrm-test", PUBLIC, f"{API}/platforms/gtrm-other", PUBLIC
    ),
    "api/v1/organisations": _public("organisations"),
    "api/v1/plan": _public("plan"),
    "api/v1/locations": _public("locations"),
    "api/v1/statistics": _public("statistics"),
    "api/v1/reports": _public("reports"),
    "api/v1/surveys": _public("surveys"),
    "api/v1/activities": Row(
        f"{API}/activities{T}", API_SIGNED_IN, f"{API}/activities{OTHER}", API_SIGNED_IN
    ),
    # Figures of unpublished months: the IM team's only.
    "api/v1/figures": Row(
        f"{API}/figures{T}",
        codes(403, 403, 403, 403, 200),
        f"{API}/figures{OTHER}",
        codes(*[403] * 5),
    ),
    "api/v1/submissions": Row(
        f"{API}/submissions{T}", API_SIGNED_IN, f"{API}/submissions{OTHER}", API_SIGNED_IN
    ),
    "api/v1/submissions/<int:id>": Row(
        f"{API}/submissions/{{sub_a}}",
        codes(401, 404, 200, 200, 200),
        f"{API}/submissions/{{sub_b}}",
        codes(401, 404, 404, 404, 200),
    ),
    "api/v1/jobs/<str:id>": Row(
        f"{API}/jobs/{{job_a}}",
        STARTER_API,
        f"{API}/jobs/{{job_b}}",
        codes(401, 404, 404, 404, 200),
    ),
    "api/v1/opendata/<slug:platform>": Row(
        f"{API}/opendata/gtrm-test", PUBLIC, f"{API}/opendata/gtrm-other", PUBLIC
    ),
    OPEN_DATA + "datapackage.json": _open_data("datapackage.json"),
    OPEN_DATA + "activities.csv": _open_data("activities.csv"),
    OPEN_DATA + "figures.csv": _open_data("figures.csv"),
    "api/v1/surveys/<slug:survey>": Row(f"{SURVEY_API}{T}", PUBLIC, f"{SURVEY_API}{OTHER}", PUBLIC),
    # The only round of each platform is unpublished.
    "api/v1/surveys/<slug:survey>/results": Row(
        f"{SURVEY_API}/results{T}&month=2019-05",
        IM_ONLY_FOUND,
        f"{SURVEY_API}/results{OTHER}&month=2020-05",
        NOT_FOUND,
    ),
    # Raw answers: the platform's IM team only, published or not.
    "api/v1/surveys/<slug:survey>/answers": Row(
        f"{SURVEY_API}/answers{T}&month=2019-05",
        codes(401, 403, 403, 403, 200),
        f"{SURVEY_API}/answers{OTHER}&month=2020-05",
        codes(401, 403, 403, 403, 403),
    ),
    "api/v1/^.*$": same(f"{API}/no-such-endpoint", NOT_FOUND),
    "api/tokens/": same("/api/tokens/", SIGNED_IN),
    "api/tokens/<int:pk>/revoke/": Row(
        "/api/tokens/{token_a}/revoke/",
        codes(302, 405, 405, 405, 405),
        "/api/tokens/{token_elsewhere}/revoke/",
        codes(302, 405, 405, 405, 405),
    ),
}

# --- background jobs: the starter and the IM team of the job's platform ---------------------

JOB_ROWS: dict[str, Row] = {
    "jobs/<uuid:pk>/": Row(
        "/jobs/{job_a}/", STARTER, "/jobs/{job_b}/", codes(302, 404, 404, 404, 200)
    ),
    "jobs/<uuid:pk>/files/<str:name>": Row(
        "/jobs/{job_a}/files/package.zip",
        STARTER,
        "/jobs/{job_b}/files/package.zip",
        codes(302, 404, 404, 404, 200),
    ),
    "jobs/start/<str:kind>/": Row(
        f"/jobs/start/snapshot/{T}", POST_ONLY, f"/jobs/start/snapshot/{OTHER}", NOBODY_ELSE
    ),
}

# --- surveys: results of published rounds for everyone, the rest for the IM team ------------

SURVEYS = "surveys/^(?P<platform>[a-z0-9-]+)"
SURVEY_ROUND = SURVEYS + r"/(?P<survey>[a-z0-9][a-z0-9-]*)/(?P<month>\d{4}-\d{2})"


def _round_file(name: str) -> Row:
    return Row(
        f"/surveys/gtrm-test/{{survey}}/2019-05/{name}",
        IM_ONLY_FOUND,
        f"/surveys/gtrm-other/{{survey}}/2020-05/{name}",
        NOT_FOUND,
    )


SURVEY_ROWS: dict[str, Row] = {
    SURVEYS + "/$": Row("/surveys/gtrm-test/", PUBLIC, "/surveys/gtrm-other/", PUBLIC),
    SURVEYS + "/section/$": Row(
        "/surveys/gtrm-test/section/", PUBLIC, "/surveys/gtrm-other/section/", PUBLIC
    ),
    SURVEY_ROUND + r"/chart\.svg$": _round_file("chart.svg"),
    SURVEY_ROUND + r"/results\.csv$": _round_file("results.csv"),
    SURVEYS + "/manage/$": Row(
        "/surveys/gtrm-test/manage/", ADMIN, "/surveys/gtrm-other/manage/", NOBODY_ELSE
    ),
    SURVEYS + r"/manage/rounds/(?P<pk>\d+)/$": Row(
        "/surveys/gtrm-test/manage/rounds/{round}/",
        ADMIN,
        "/surveys/gtrm-test/manage/rounds/{round_elsewhere}/",
        ADMIN_NOT_FOUND,
    ),
}

# --- every action that writes (POST, with a body that would succeed, or an empty one where the
# form's errors show the role got through), and objects of a third party; they run in this
# order, after the GET rows, each role on a fresh session --------------------------------

EDITOR = r"console/reports/^(?P<platform>[a-z0-9-]+)/(?P<month>\d{4}-(0[1-9]|1[0-2]))"
PEOPLE = "accounts/platform/<slug:platform>/"
MONTHS = "console/months/<str:month>/"
IM_FORM = codes(302, 403, 403, 403, 200)  # the IM team's form, shown again (nothing to do)
FORM_ERRORS = codes(302, 403, 403, 403, 400)  # the IM team's form, posted empty


def _post(
    route: str,
    own: str,
    own_expect: Expect,
    other: str,
    other_expect: Expect,
    data: Body = None,
    **more: Any,
) -> tuple[str, Row]:
    return route, Row(own, own_expect, other, other_expect, "post", data, **more)


def _admin_post(route: str, url: str, data: Body = None) -> tuple[str, Row]:
    """An IM action on the test platform; the same on the other platform is nobody's."""
    return _post(route, f"{url}{T}", ADMIN_POST, f"{url}{OTHER}", NOBODY_ELSE, data)


def _people(path: str, own: str, other: str, other_expect: Expect, **data: str) -> tuple[str, Row]:
    url = "/accounts/platform/gtrm-test/"
    return _post(PEOPLE + path, url + own, ADMIN_POST, url + other, other_expect, lambda w: data)


def _editor(path: str, expect: Expect, method: str = "post") -> tuple[str, Row]:
    url = "/console/reports/gtrm-{}/2019-05/" + path
    return EDITOR + f"/{path}$", Row(
        url.format("test"), expect, url.format("other"), NOBODY_ELSE, method
    )


def _reference(route: str, own: str, other: str, other_expect: Expect) -> tuple[str, Row]:
    url = "/reference/"
    return _post("reference/" + route, url + own, FORM_ERRORS, url + other, other_expect)


CHECKED = "0" * 64  # no file was checked under this hash

MORE: list[tuple[str, Row]] = [
    ("accounts/logout/", same("/accounts/logout/", codes(*[302] * 5), "post")),
    _post(PEOPLE + "people/", "/accounts/platform/gtrm-test/people/", ADMIN_POST,
          "/accounts/platform/gtrm-other/people/", NOBODY_ELSE,
          lambda w: {"im_email": "im@example.org"}),
    _post(PEOPLE + "invite/", "/accounts/platform/gtrm-test/invite/", ADMIN_POST,
          "/accounts/platform/gtrm-other/invite/", NOBODY_ELSE,
          lambda w: {"email": "invited@example.org", "role": "viewer"}),
    # Deactivate partner B, reactivate them, then take their role away.
    _people("users/<int:user_id>/deactivate/", "users/{partner_b_user}/deactivate/",
            "users/{other_user}/deactivate/", NOBODY_ELSE, reason="left"),
    _people("users/<int:user_id>/reactivate/", "users/{partner_b_user}/reactivate/",
            "users/{other_user}/reactivate/", NOBODY_ELSE, reason="back"),
    _people("roles/<int:role_id>/remove/", "roles/{partner_b_role}/remove/",
            "roles/{other_role}/remove/", ADMIN_NOT_FOUND, reason="gone"),
    _people("invitations/<int:invitation_id>/cancel/", "invitations/{invitation}/cancel/",
            "invitations/{invitation_elsewhere}/cancel/", ADMIN_NOT_FOUND, reason="typo"),
    # The console: each month change shows its summary first (GET), then acts (POST).
    (MONTHS + "lock/", Row(f"/console/months/2019-11/lock/{T}", ADMIN,
                           f"/console/months/2019-11/lock/{OTHER}", NOBODY_ELSE)),
    (MONTHS + "publish/", Row(f"/console/months/2019-11/publish/{T}", ADMIN,
                              f"/console/months/2019-11/publish/{OTHER}", NOBODY_ELSE)),
    _admin_post(MONTHS + "reopen/", "/console/months/2019-11/reopen/", lambda w: {"reason": "x"}),
    _post("console/reminders/", f"/console/reminders/{T}&month=2019-05", ADMIN_POST,
          f"/console/reminders/{OTHER}&month=2019-05", NOBODY_ELSE, lambda w: {"all": "1"}),
    _admin_post("console/schedule/", "/console/schedule/",
                lambda w: {"deadline_day": "10", "before": "5", "after": "2"}),
    # The portal: check only, submit the checked file, submit.
    _post("portal/upload/", "/portal/upload/" + T + "&org={org_a}", UPLOADERS,
          "/portal/upload/" + OTHER + "&org={org_a}", NOBODY_ELSE,
          lambda w: upload(w.file_a, action="check", month="2019-05")),
    _post("portal/upload/", "/portal/upload/" + T + "&org={org_a}", codes(302, 403, 302, 403, 302),
          "/portal/upload/" + OTHER + "&org={org_a}", NOBODY_ELSE,
          lambda w: {"action": "submit_checked", "month": "2019-05", "checked": CHECKED}),
    _post("portal/upload/", "/portal/upload/" + T + "&org={org_a}", codes(302, 403, 302, 403, 302),
          "/portal/upload/" + OTHER + "&org={org_a}", NOBODY_ELSE,
          lambda w: upload(w.file_a, month="2019-05")),
    # The report editor: save, preview and render are POSTs; publish shows what is ready.
    _editor("", ADMIN_POST),
    _editor("preview/", POST_ONLY, "get"),
    _editor("render/", POST_ONLY, "get"),
    _editor("publish/", IM_FORM),
    # Jobs: the IM team starts them; anyone sees only their own, or their platform's (IM).
    _admin_post("jobs/start/<str:kind>/", "/jobs/start/snapshot/",
                lambda w: {"next": "/console/?platform=gtrm-test"}),
    ("jobs/<uuid:pk>/", same("/jobs/{job_admin}/", codes(302, 404, 404, 404, 200))),
    ("jobs/<uuid:pk>/", same("/jobs/{job_elsewhere}/", codes(302, 404, 404, 404, 404))),
    ("jobs/<uuid:pk>/files/<str:name>",
     same("/jobs/{job_elsewhere}/files/package.zip", codes(302, 404, 404, 404, 404))),
    ("api/v1/jobs/<str:id>", same(API + "/jobs/{job_admin}", codes(401, 404, 404, 404, 200))),
    ("api/v1/jobs/<str:id>", same(API + "/jobs/{job_elsewhere}", codes(401, 404, 404, 404, 404))),
    # Surveys: the IM team's forms (nothing posted: the forms come back).
    _post(SURVEYS + "/manage/$", "/surveys/gtrm-test/manage/", IM_FORM,
          "/surveys/gtrm-other/manage/", NOBODY_ELSE),
    # Reference data: each form posted empty (its errors say the role got through; nothing
    # is written), on the platform's own objects and on the other platform's.
    _reference("organisations/new/", "organisations/new/" + T, "organisations/new/" + OTHER,
               NOBODY_ELSE),
    _reference("organisations/<int:pk>/edit/", "organisations/{org_a}/edit/" + T,
               "organisations/{org_elsewhere}/edit/" + T, ADMIN_NOT_FOUND),
    _reference("plan/sectors/<int:pk>/edit/", "plan/sectors/{sector}/edit/" + T,
               "plan/sectors/{sector_elsewhere}/edit/" + T, ADMIN_NOT_FOUND),
    _reference("plan/indicators/<int:pk>/edit/", "plan/indicators/{indicator}/edit/" + T,
               "plan/indicators/{indicator_elsewhere}/edit/" + T, ADMIN_NOT_FOUND),
    _reference("plan/targets/<int:pk>/edit/", "plan/targets/{target}/edit/" + T,
               "plan/targets/{target_elsewhere}/edit/" + T, ADMIN_NOT_FOUND),
    _reference("statistics/observations/<int:pk>/edit/",
               "statistics/observations/{observation}/edit/" + T,
               "statistics/observations/{observation_elsewhere}/edit/" + T, ADMIN_NOT_FOUND),
    _reference("events/new/", "events/new/" + T, "events/new/" + OTHER, NOBODY_ELSE),
    _reference("events/<int:pk>/edit/", "events/{event}/edit/" + T,
               "events/{event_elsewhere}/edit/" + T, ADMIN_NOT_FOUND),
    _reference("<str:kind>/import/", "organisations/import/" + T, "plan/import/" + OTHER,
               NOBODY_ELSE),
    # API tokens: one's own only; the API's writes need a token, never the session.
    ("api/tokens/", same("/api/tokens/", codes(302, 200, 200, 200, 200), "post",
                         data=lambda w: {"name": "script"})),
    _post("api/tokens/<int:pk>/revoke/", "/api/tokens/{token_a}/revoke/",
          codes(302, 404, 302, 404, 404), "/api/tokens/{token_elsewhere}/revoke/",
          codes(302, 404, 404, 404, 404)),
    _post("api/v1/submissions", f"{API}/submissions{T}&month=2019-05&organisation=ORG901",
          codes(401, 403, 200, 403, 200),
          f"{API}/submissions{T}&month=2019-05&organisation=ORG902",
          codes(401, 403, 403, 403, 200),
          lambda w: upload(w.file_a), token=True, other_data=lambda w: upload(w.file_b)),
]  # fmt: skip
