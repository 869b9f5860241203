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


def test_password_spraying_locks_the_address(
    client: Client,
    partner_a,  # noqa: ANN001
    settings,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
) -> None:
    """Many usernames, one password, one address: each username fails once only (the per-user
    lock never triggers), but the address is locked, audited once, until the lockout ends."""
    clock = Clock(monkeypatch)
    assert settings.KIPU_LOGIN_MAX_FAILURES_PER_ADDRESS == 20  # the documented default
    for n in range(20):
        assert _login(client, f"user{n}", "Summer2024!").status_code == 200
        clock.advance(seconds=5)
    events = AuditEvent.objects.filter(action="lock_login_address")
    assert [(e.note, e.ip) for e in events] == [("address 127.0.0.1", "127.0.0.1")]
    assert not AuditEvent.objects.filter(action="lock_login").exists()
    refused = _login(client, "partner.pa")  # a real account, the right password
    assert refused.status_code == 200
    assert "from your network address" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    for n in range(5):  # refused attempts are not counted: the lock is not prolonged
        _login(client, f"other{n}", "Summer2024!")
    assert events.count() == 1
    # Another address is not held back.
    assert _login(Client(REMOTE_ADDR="10.0.0.9"), "partner.pa").status_code == 302
    clock.advance(minutes=15, seconds=1)
    assert _login(client, "partner.pa").status_code == 302


def test_the_address_limit_is_a_setting(client: Client, partner_a, settings) -> None:  # noqa: ANN001
    settings.KIPU_LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    for name in ("a", "b", "c"):
        _login(client, name, "wrong-password")
    assert "from your network address" in _login(client, "partner.pa").content.decode()


def test_behind_a_proxy_the_address_is_the_clients(partner_a, settings) -> None:  # noqa: ANN001
    """Behind the TLS proxy every request comes from its address: the lock holds the client
    the proxy names last in X-Forwarded-For, not everyone."""
    settings.KIPU_BEHIND_PROXY = True
    settings.KIPU_LOGIN_MAX_FAILURES_PER_ADDRESS = 3

    def through_proxy(forwarded_for: str) -> Client:
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    for n in range(3):  # the first entry is the client's own claim; the proxy adds the last
        _login(through_proxy(f"192.0.2.{n}, 203.0.113.66"), f"user{n}", "wrong-password")
    event = AuditEvent.objects.get(action="lock_login_address")
    assert event.ip == "203.0.113.66"
    refused = _login(through_proxy("203.0.113.66"), "partner.pa")
    assert "from your network address" in refused.content.decode()
    assert _login(through_proxy("203.0.113.99"), "partner.pa").status_code == 302


def test_forwarded_for_is_ignored_without_a_proxy(partner_a, settings) -> None:  # noqa: ANN001
    settings.KIPU_LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    for n in range(3):
        spoofing = Client(REMOTE_ADDR="198.51.100.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        _login(spoofing, f"user{n}", "wrong-password")
    again = Client(REMOTE_ADDR="198.51.100.5", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert "from your network address" in _login(again, "partner.pa").content.decode()


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
