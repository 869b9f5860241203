"""Where people go: each role lands on its home after signing in, the menu offers only what
the role may open (by the views' own guards), and every error page is styled, translated and
offers a way back."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django.urls import path

from kipu.web.accounts.navigation import API_DOCS, CONSOLE, DASHBOARD, PORTAL, REPORTS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_after() -> None:
    """Requests in Spanish leave Spanish active in this thread: later tests expect English."""
    from django.utils import translation

    yield
    translation.activate("en")


PASSWORD = "correct-horse-battery-staple"
HOMES = {"admin": CONSOLE, "coordinator": PORTAL, "partner": PORTAL, "viewer": DASHBOARD}


def _sign_in(user, **extra: str):  # noqa: ANN001, ANN202
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD, **extra}
    )
    return client, response


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_role_lands_on_its_home(actors, role: str) -> None:  # noqa: ANN001
    client, response = _sign_in(actors[role])
    assert response.status_code == 302
    assert response["Location"] == HOMES[role]
    assert client.get(response["Location"]).status_code == 200


def test_a_page_asked_for_still_wins_but_the_front_page_does_not(partner_a) -> None:  # noqa: ANN001
    _, response = _sign_in(partner_a, next="/reports/")
    assert response["Location"] == "/reports/"
    _, response = _sign_in(partner_a, next="/")
    assert response["Location"] == PORTAL


def test_a_user_without_a_role_lands_on_the_dashboard(platform) -> None:  # noqa: ANN001
    from django.contrib.auth.models import User

    nobody = User.objects.create_user("nobody", "nobody@example.org", PASSWORD)
    _, response = _sign_in(nobody)
    assert response["Location"] == DASHBOARD


def _menu(client: Client, url: str = "/reports/") -> list[str]:
    page = client.get(url).content.decode()
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S)
    assert nav, page
    return re.findall(r'href="([^"]+)"', nav.group(1))


ALL_LINKS = (DASHBOARD, REPORTS, PORTAL, CONSOLE, API_DOCS)


@pytest.mark.parametrize("role", ["anonymous", "viewer", "partner", "coordinator", "admin"])
def test_the_menu_shows_exactly_the_links_the_role_may_open(actors, role: str) -> None:  # noqa: ANN001
    client = Client()
    if actors[role] is not None:
        client.force_login(actors[role])
    shown = _menu(client)
    for url in ALL_LINKS:
        status = client.get(url).status_code
        if url in shown:
            assert status == 200, (role, url, status)
        else:  # a hidden link is one the role could not open
            assert status in (302, 403), (role, url, status)
    expected = {
        "anonymous": [DASHBOARD, REPORTS, API_DOCS],
        "viewer": [DASHBOARD, REPORTS, API_DOCS],
        "partner": [DASHBOARD, REPORTS, PORTAL, API_DOCS],
        "coordinator": [DASHBOARD, REPORTS, PORTAL, API_DOCS],
        "admin": list(ALL_LINKS),
    }
    assert shown == expected[role]


def test_a_partner_sees_my_submissions_and_the_current_section(partner_a, admin) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(partner_a)
    page = client.get(PORTAL).content.decode()
    assert '<a href="/portal/" aria-current="page">My submissions</a>' in page
    assert "IM console" not in page
    client.force_login(admin)
    assert ">Submissions</a>" in client.get(PORTAL).content.decode()


def _assert_error_page(page: str, status: int, title: str) -> None:
    assert 'rel="stylesheet" href="/static/kipu/kipu.css"' in page  # the site's layout
    assert f"Error {status}" in page or f"Error {status}".replace("Error", "Error") in page
    assert title in page
    assert 'class="button" href="' in page  # a way on


def test_a_forbidden_page_is_the_styled_403_with_a_way_home(partner_a) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(partner_a)
    response = client.get(CONSOLE)
    assert response.status_code == 403
    page = response.content.decode()
    _assert_error_page(page, 403, "You cannot open this page")
    assert '<a class="button" href="/portal/">Go to your home page</a>' in page
    assert "Sign in as someone else" in page
    assert "IM console" not in page  # the menu does not offer it either


def test_the_403_in_spanish(partner_a) -> None:  # noqa: ANN001
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(partner_a)
    page = client.get(CONSOLE).content.decode()
    assert '<html lang="es">' in page
    assert "No puede abrir esta página" in page and "Error 403" in page
    assert "Ir a su página de inicio" in page


def test_a_missing_page_is_the_styled_404(platform) -> None:  # noqa: ANN001
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    _assert_error_page(page, 404, "Page not found")
    assert '<a class="button" href="/">Go to the dashboard</a>' in page
    assert "/accounts/login/?next=/no/such/page/" in page
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es").get("/no/such/page/").content.decode()
    assert "Página no encontrada" in spanish


def test_a_refused_form_is_the_styled_csrf_page(partner_a) -> None:  # noqa: ANN001
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_a)
    response = client.post("/portal/upload/", {"month": "2019-05"})
    assert response.status_code == 403
    page = response.content.decode()
    _assert_error_page(page, 403, "This form has expired")
    assert "Reload the form" in page
    spanish = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="es")
    assert "Este formulario ha caducado" in spanish.post("/accounts/login/").content.decode()


def _boom(request):  # noqa: ANN001, ANN202
    raise RuntimeError("a bug")


def _bad(request):  # noqa: ANN001, ANN202
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("odd")


def _site_urls() -> list:
    from kipu.web.urls import urlpatterns as site

    return list(site)


urlpatterns = [path("boom/", _boom), path("bad/", _bad), *_site_urls()]
handler400 = "kipu.web.site.errors.bad_request"
handler500 = "kipu.web.site.errors.server_error"


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_500_and_400_are_styled_and_translated(lang: str, platform) -> None:  # noqa: ANN001
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=lang)
    crashed = client.get("/boom/")
    assert crashed.status_code == 500
    page = crashed.content.decode()
    assert "/static/kipu/kipu.css" in page and "Error 500" in page
    assert ("Something went wrong" if lang == "en" else "Algo salió mal") in page
    bad = client.get("/bad/")
    assert bad.status_code == 400
    assert ("Bad request" if lang == "en" else "Solicitud incorrecta") in bad.content.decode()


def test_the_urlconf_installs_the_error_handlers() -> None:
    from kipu.web import urls

    for code in (400, 403, 404, 500):
        assert getattr(urls, f"handler{code}").startswith("kipu.web.site.errors.")


def test_api_addresses_keep_their_json_errors(platform) -> None:  # noqa: ANN001
    response = Client().get("/api/v1/platforms/a%0Ab")  # no route matches a newline
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not-found"


def test_the_im_team_sets_the_contact_partners_are_shown(admin, partner_a, platform) -> None:  # noqa: ANN001
    from kipu.web.audit.models import AuditEvent
    from kipu.web.submissions.months import lock_month

    people = f"/accounts/platform/{platform.slug}/people/"
    client = Client()
    client.force_login(admin)
    assert 'name="im_email"' in client.get(people).content.decode()
    assert client.post(people, {"im_email": "not an address"}).status_code == 400
    assert client.post(people, {"im_email": "IM@GTRM.example.org"}).status_code == 302
    platform.refresh_from_db()
    assert platform.im_email == "im@gtrm.example.org"
    event = AuditEvent.objects.get(action="set_im_email")
    assert (event.actor, event.before, event.after) == (
        admin,
        {"im_email": ""},
        {"im_email": "im@gtrm.example.org"},
    )
    lock_month(platform, "2019-11", admin)
    partner = Client()
    partner.force_login(partner_a)
    page = partner.get(f"/portal/upload/?platform={platform.slug}&month=2019-11").content.decode()
    assert "mailto:im@gtrm.example.org" in page and "im.admin@example.org" not in page
    assert partner.post(people, {"im_email": "x@example.org"}).status_code == 403
