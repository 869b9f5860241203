"""Tokens (hashed at rest, revocable, audited, managed in the web UI), the one error shape,
and rate limiting."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from kipu.web.api.auth import create_token, revoke_token
from kipu.web.api.errors import ERROR_CODES, ApiError
from kipu.web.api.models import ApiToken
from kipu.web.api.ratelimit import parse_rate
from kipu.web.api.schema import ENDPOINTS
from kipu.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str | None = None) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["details"], dict) and body["error"]["message"]
    assert body["error"]["code"] in ERROR_CODES
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_tokens_are_stored_as_sha256_digests_only(admin) -> None:  # noqa: ANN001
    secret = create_token(admin, "script")
    token = ApiToken.objects.get()
    assert secret.startswith("kipu_") and len(secret) > 40
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    stored = " ".join(str(v) for v in ApiToken.objects.values_list().get())
    assert secret not in stored and secret[12:] not in stored
    event = AuditEvent.objects.get(action="create_api_token")
    assert secret not in str(event.after) and event.actor == admin


def test_a_valid_token_authenticates_and_records_last_use(admin, data) -> None:  # noqa: ANN001
    client = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(admin, 't')}")
    assert client.get("/api/v1/activities").status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer kipu_not-a-token", "Basic dXNlcjpwYXNz", "Bearer", "Token kipu_x", "kipu_x"],
)
def test_bad_tokens_answer_401(header: str, platform) -> None:  # noqa: ANN001
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/platforms")
    error = assert_error(response, 401, "invalid-token")
    assert error and response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_tokens_and_inactive_users_are_refused(admin, data) -> None:  # noqa: ANN001
    secret = create_token(admin, "t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/activities").status_code == 200
    ApiToken.objects.update(revoked_at="2020-01-01T00:00Z")
    assert_error(client.get("/api/v1/activities"), 401, "invalid-token")
    other = create_token(admin, "u")
    admin.is_active = False
    admin.save()
    assert_error(Client(HTTP_AUTHORIZATION=f"Bearer {other}").get("/api/v1/platforms"), 401)


def test_token_ui_creates_shows_once_and_revokes(partner_a) -> None:  # noqa: ANN001
    client = Client()
    assert client.get("/api/tokens/").status_code == 302  # login required
    client.force_login(partner_a)
    page = client.post("/api/tokens/", {"name": "upload script"})
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    secret = page.context["secret"]
    assert secret.startswith("kipu_") and secret in page.content.decode()
    listing = client.get("/api/tokens/").content.decode()
    assert secret not in listing and "upload script" in listing and secret[:12] in listing
    token = ApiToken.objects.get(user=partner_a)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="revoke_api_token", actor=partner_a).exists()
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert_error(bearer.get("/api/v1/submissions"), 401, "invalid-token")


def test_nobody_revokes_another_persons_token(partner_a, partner_b) -> None:  # noqa: ANN001
    create_token(partner_a, "mine")
    token = ApiToken.objects.get()
    client = Client()
    client.force_login(partner_b)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_browser_session_reads_but_never_writes(partner_a, data) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(partner_a)
    assert client.get("/api/v1/activities").status_code == 200
    response = client.post(
        "/api/v1/submissions?month=2019-06", {"rows": []}, content_type="application/json"
    )
    assert_error(response, 401, "unauthenticated")


def test_errors_share_one_shape(api, admin, platform) -> None:  # noqa: ANN001
    client = api(admin)
    assert_error(client.get("/api/v1/no/such/endpoint"), 404, "not-found")
    assert_error(client.get("/api/v1/platforms/nope"), 404, "not-found")
    assert_error(client.get("/api/v1/organisations?platform=nope"), 404, "not-found")
    assert_error(client.get("/api/v1/submissions/999999"), 404, "not-found")
    error = assert_error(client.delete("/api/v1/platforms"), 405, "method-not-allowed")
    assert error["details"]["allowed"] == ["GET"]
    assert client.put("/api/v1/submissions").headers["Allow"] == "GET, POST"
    error = assert_error(client.get("/api/v1/activities?from=2019-13&page=0"), 400)
    assert error["code"] == "invalid-parameter"
    assert set(error["details"]["parameters"]) == {"from", "page"}
    assert_error(client.get("/api/v1/activities?from=2019-06&to=2019-01"), 400)
    assert_error(client.get("/api/v1/activities?page_size=1001"), 400)
    assert_error(client.get("/api/v1/figures?model=nope"), 400)
    assert_error(api(None).get("/api/v1/activities"), 401, "unauthenticated")


def test_unexpected_failures_answer_500_without_details(api, admin, platform, monkeypatch) -> None:  # noqa: ANN001
    import kipu.web.api.views as views

    monkeypatch.setattr(views, "list_platforms", lambda: 1 / 0)
    error = assert_error(api(admin).get("/api/v1/platforms"), 500, "server-error")
    assert "ZeroDivision" not in error["message"]


def test_rate_limit_answers_429_with_retry_after(settings, api, admin, platform) -> None:  # noqa: ANN001
    settings.KIPU_API_RATE = {"authenticated": "3/min", "anonymous": "2/min"}
    anonymous = Client(REMOTE_ADDR="10.0.0.1")
    assert [anonymous.get("/api/v1/platforms").status_code for _ in range(2)] == [200, 200]
    response = anonymous.get("/api/v1/platforms")
    error = assert_error(response, 429, "rate-limited")
    assert 1 <= int(response["Retry-After"]) <= 60 and error["details"]["limit"] == 2
    # Another address has its own counter; a token its own, with its own limit.
    assert Client(REMOTE_ADDR="10.0.0.2").get("/api/v1/platforms").status_code == 200
    client = api(admin)
    codes = [client.get("/api/v1/platforms").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/api/v1/platforms")["X-RateLimit-Remaining"] == "0"


def test_bad_tokens_count_against_the_address(settings, platform) -> None:  # noqa: ANN001
    settings.KIPU_API_RATE = {"authenticated": "100/min", "anonymous": "2/min"}
    guesser = Client(REMOTE_ADDR="10.0.0.9", HTTP_AUTHORIZATION="Bearer kipu_guess")
    codes = [guesser.get("/api/v1/platforms").status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_rates_parse() -> None:
    assert parse_rate("600/min").limit == 600 and parse_rate("5/hour").seconds == 3600
    with pytest.raises(ValueError):
        parse_rate("many")


def test_token_events_are_recorded_on_the_owners_platforms(  # noqa: ANN001
    admin, platform, other_platform
) -> None:
    from kipu.web.accounts.services import assign_role

    assign_role(admin, other_platform, "viewer")
    create_token(admin, "script")
    token = ApiToken.objects.get()
    revoke_token(token, admin)
    for action in ("create_api_token", "revoke_api_token"):
        events = AuditEvent.objects.filter(action=action)
        assert sorted(e.platform.slug for e in events) == ["gtrm-other", "gtrm-test"]
        assert {e.object_id for e in events} == {str(token.pk)}
    # Each platform's audit log page shows them.
    client = Client()
    client.force_login(admin)
    log = client.get("/console/audit/?platform=gtrm-test").content.decode()
    assert "create_api_token" in log and "revoke_api_token" in log


def test_token_events_of_a_superuser_are_global(platform) -> None:  # noqa: ANN001
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root", "root@example.org", "x-long-password-1")
    create_token(root, "ops")
    event = AuditEvent.objects.get(action="create_api_token")
    assert event.platform is None and event.actor == root


def test_deactivation_revokes_tokens_for_good(admin, partner_a, data) -> None:  # noqa: ANN001
    """A token made before a deactivation never works again, even after reactivation."""
    secret = create_token(partner_a, "upload script")
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert bearer.get("/api/v1/submissions").status_code == 200
    people = Client()
    people.force_login(admin)
    base = f"/accounts/platform/gtrm-test/users/{partner_a.pk}"
    assert people.post(f"{base}/deactivate/", {"reason": "left"}).status_code == 302
    token = ApiToken.objects.get(user=partner_a)
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="revoke_api_token")
    assert event.actor == admin and event.platform == partner_a.kipu_roles.get().platform
    assert "left" in event.note
    assert_error(bearer.get("/api/v1/submissions"), 401, "invalid-token")
    assert people.post(f"{base}/reactivate/", {"reason": "back"}).status_code == 302
    partner_a.refresh_from_db()
    assert partner_a.is_active
    assert_error(bearer.get("/api/v1/submissions"), 401, "invalid-token")
    # New tokens work: the account is back, its old tokens are not.
    fresh = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(partner_a, 'new')}")
    assert fresh.get("/api/v1/submissions").status_code == 200


def test_deactivation_outside_the_people_page_revokes_tokens_too(partner_a, data) -> None:  # noqa: ANN001
    secret = create_token(partner_a, "t")
    partner_a.is_active = False
    partner_a.save()
    partner_a.is_active = True
    partner_a.save()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/submissions")
    assert_error(response, 401, "invalid-token")
    assert AuditEvent.objects.filter(action="revoke_api_token", actor=None).count() == 1


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_every_endpoint_refuses_a_parameter_it_does_not_take(endpoint) -> None:  # noqa: ANN001
    # `?month=` where an endpoint filters by `from`/`to` must not answer every month.
    taken = {p.name for p in endpoint.params if p.location == "query"}
    stranger = next(n for n in ("month", "mes", "organization") if n not in taken)
    with pytest.raises(ApiError) as refused:
        endpoint.parse_query({stranger: "2021-03"})
    assert refused.value.status == 400
    assert stranger in refused.value.details["parameters"]
    assert all(name in refused.value.details["parameters"][stranger] for name in taken)
    try:  # a client's cache-buster is left alone (required parameters may still be missing)
        endpoint.parse_query({"_": "1700000000"})
    except ApiError as missing:
        assert "_" not in missing.details["parameters"]


def test_an_unknown_parameter_answers_400_naming_it(admin, data) -> None:  # noqa: ANN001
    client = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(admin, 't')}")
    error = assert_error(client.get("/api/v1/activities?month=2019-11"), 400, "invalid-parameter")
    assert "month" in error["details"]["parameters"] and "from" in error["message"] + str(
        error["details"]
    )
    assert client.get("/api/v1/activities?from=2019-11&to=2019-11&_=1").status_code == 200
