"""Sign-in, sign-out, throttling, password change and reset."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from kipu.web.audit.models import AuditEvent

from .conftest import PASSWORD


def _login(client: Client, username: str, password: str = PASSWORD):  # noqa: ANN202
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_and_logout(client: Client, partner_a) -> None:  # noqa: ANN001
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()
    response = _login(client, "partner.pa")
    assert response.status_code == 302
    assert client.get("/accounts/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # sign-out is a POST
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/").status_code == 302


def test_wrong_password_is_refused(client: Client, partner_a) -> None:  # noqa: ANN001
    response = _login(client, "partner.pa", "nope")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def test_throttling_locks_then_lets_in_after_the_window(
    client: Client,
    partner_a,
    monkeypatch,  # noqa: ANN001
) -> None:
    clock = Clock(monkeypatch)
    for _ in range(5):
        _login(client, "partner.pa", "wrong-password")
        clock.advance(seconds=10)
    refused = _login(client, "partner.pa")  # the right password, 6th attempt
    assert refused.status_code == 200
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="lock_login").count() == 1
    clock.advance(minutes=14)
    assert _login(client, "partner.pa").status_code == 200  # still locked
    assert "_auth_user_id" not in client.session
    clock.advance(minutes=1, seconds=1)
    assert _login(client, "partner.pa").status_code == 302
    assert "_auth_user_id" in client.session


def test_throttling_is_per_username_and_address(client: Client, partner_a, partner_b) -> None:  # noqa: ANN001
    for _ in range(5):
        _login(client, "partner.pa", "wrong-password")
    assert _login(client, "partner.pb").status_code == 302
    other_host = Client(REMOTE_ADDR="10.0.0.9")
    assert _login(other_host, "partner.pa").status_code == 302


def test_slow_failures_do_not_lock(client: Client, partner_a, monkeypatch) -> None:  # noqa: ANN001
    clock = Clock(monkeypatch)
    for _ in range(6):
        _login(client, "partner.pa", "wrong-password")
        clock.advance(minutes=4)
    assert _login(client, "partner.pa").status_code == 302


def test_success_clears_failures(client: Client, partner_a) -> None:  # noqa: ANN001
    for _ in range(4):
        _login(client, "partner.pa", "wrong-password")
    assert _login(client, "partner.pa").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        _login(client, "partner.pa", "wrong-password")
    assert _login(client, "partner.pa").status_code == 302


def test_password_change(client: Client, viewer) -> None:  # noqa: ANN001
    client.force_login(viewer)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-better-secret-42",
            "new_password2": "a-much-better-secret-42",
        },
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.check_password("a-much-better-secret-42")


def test_weak_password_is_refused(client: Client, viewer) -> None:  # noqa: ANN001
    client.force_login(viewer)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    viewer.refresh_from_db()
    assert viewer.check_password(PASSWORD)


def test_password_reset_by_email(client: Client, partner_a) -> None:  # noqa: ANN001
    response = client.post("/accounts/password/reset/", {"email": "partner.pa@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    new = "another-long-secret-77"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert _login(Client(), "partner.pa", new).status_code == 302


def test_password_reset_for_unknown_email_sends_nothing(client: Client, db) -> None:  # noqa: ANN001
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def _reset(email: str, ip: str = "203.0.113.7") -> int:
    return Client(REMOTE_ADDR=ip).post("/accounts/password/reset/", {"email": email}).status_code


def test_password_reset_mails_are_throttled_per_email(partner_a, partner_b) -> None:  # noqa: ANN001
    statuses = [_reset("Partner.PA@example.org", f"203.0.113.{n}") for n in range(5)]
    assert statuses == [302] * 5  # the same answer every time: nothing is revealed
    assert len(mail.outbox) == 3
    assert _reset("partner.pb@example.org") == 302
    assert len(mail.outbox) == 4  # another e-mail is not held back
    events = AuditEvent.objects.filter(action="throttle_password_reset")
    assert [e.note for e in events] == ["e-mail 'partner.pa@example.org'"]


def test_password_reset_mails_are_throttled_per_address(partner_a, settings) -> None:  # noqa: ANN001
    settings.KIPU_RESET_PER_IP = 2
    for n in range(3):
        assert _reset(f"someone{n}@example.org") == 302
    assert _reset("partner.pa@example.org") == 302
    assert mail.outbox == []  # the address asked too often already
    assert _reset("partner.pa@example.org", ip="198.51.100.1") == 302
    assert len(mail.outbox) == 1


def test_strong_hashing_is_configured() -> None:
    # The settings module itself: the tests' fixture swaps in a fast hasher.
    from kipu.web import settings as configured

    hasher = configured.PASSWORD_HASHERS[0]
    try:
        import argon2  # noqa: F401
    except ImportError:
        assert hasher.endswith("PBKDF2PasswordHasher")
    else:
        assert hasher.endswith("Argon2PasswordHasher")


def test_pages_load_nothing_from_the_internet(client: Client, db) -> None:  # noqa: ANN001
    for url in ("/accounts/login/", "/accounts/password/reset/"):
        html = client.get(url).content.decode()
        assert re.findall(r'(?:src|href)="(https?:)?//', html) == []
