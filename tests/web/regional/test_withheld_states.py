"""A month a platform published but which is not public (another platform holding rows of its
view there has not published it: `Scope.withheld_months`) showed "published" on the console's
month list, its completeness grid, the report pages and the dashboard: only the console's
publish page said why. Each now says the month is not public, naming whom it waits for, in
English and Spanish."""

from __future__ import annotations

import pytest
from django.test import Client
from release_rows import MONTH, plans, release, store  # noqa: F401 (plans: autouse)
from web_actors import client_for, make_user

from kipu.web.accounts.scope import Scope
from kipu.web.accounts.services import assign_role

pytestmark = pytest.mark.django_db
PERU = "GTRM Peru (gtrm-peru)"


@pytest.fixture
def withheld(region) -> Client:  # noqa: ANN001
    """Tumbes published MONTH; Peru holds rows in Tumbes' area then and has not: the IM team
    of Tumbes, signed in."""
    peru, tumbes = region["peru"], region["tumbes"]
    store(tumbes, "PE24", 7)
    store(peru, "PE24", 100)
    release(tumbes)
    assert Scope(tumbes).withheld_months() == {MONTH: [peru]}
    admin = make_user("admin.tumbes")
    assign_role(admin, tumbes, "admin")
    return client_for(admin)


PAGES = {
    "console": "/console/?platform=gtrm-tumbes&year=2021",
    "completeness": "/console/completeness/?platform=gtrm-tumbes&year=2021",
    "lock": f"/console/months/{MONTH}/lock/?platform=gtrm-tumbes",
    "reports": "/reports/?platform=gtrm-tumbes",
    "report publish": f"/console/reports/gtrm-tumbes/{MONTH}/publish/",
}


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_of_the_month_says_whom_it_waits_for(withheld, page) -> None:  # noqa: ANN001
    html = withheld.get(PAGES[page]).content.decode()
    assert "data-withheld" in html or "data-waiting" in html, page
    if page != "completeness":  # a column's heading: the note is its title
        assert PERU in html, page
    assert "not public" in html, page


def test_the_notes_are_in_spanish(withheld) -> None:  # noqa: ANN001
    withheld.post("/i18n/setlang/", {"language": "es", "next": "/"})
    html = withheld.get(PAGES["console"]).content.decode()
    assert "publicado aquí, no público" in html
    assert f"aún no es público: {PERU}" in html


def test_the_dashboard_tells_the_im_team_only(withheld) -> None:  # noqa: ANN001
    url = f"/dashboard/gtrm-tumbes/?from={MONTH}&to={MONTH}"
    public = Client().get(url).content.decode()
    team = withheld.get(url).content.decode()
    assert PERU not in public and "Not published, so not counted" in public
    assert PERU in team and "is published here, but not public yet" in team


def test_a_public_month_shows_published(region) -> None:  # noqa: ANN001
    peru, tumbes = region["peru"], region["tumbes"]
    store(peru, "PE24", 100)
    release(peru)
    release(tumbes)
    admin = make_user("admin.tumbes")
    assign_role(admin, tumbes, "admin")
    html = client_for(admin).get(PAGES["console"]).content.decode()
    assert "data-withheld" not in html and PERU not in html


def test_the_api_says_a_month_published_here_waits(withheld) -> None:  # noqa: ANN001
    """The API answered "no month of this platform is published yet" of a month Tumbes had
    published (a re-tester's): it now says the month waits for another platform."""
    for query in (f"from={MONTH}&to={MONTH}", ""):
        answer = Client().get(f"/api/v1/figures?platform=gtrm-tumbes&{query}")
        assert answer.status_code == 403
        message = answer.json()["error"]["message"]
        assert f"{MONTH}: published on this platform, public once every platform" in message
