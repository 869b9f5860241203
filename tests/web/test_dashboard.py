"""The dashboard: public visitors see published months only; filters, downloads, internal view.
The dashboard of a platform with every month published: test_dashboard_published.py."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kipu.web.accounts.services import assign_role

BASE = "/dashboard/gtrm-peru/"


@pytest.fixture(scope="module")
def demo_loaded(demo_loaded: int, module_transaction, publish_demo_months) -> int:  # noqa: ANN001
    """The demonstration (tests/web/conftest.py) with October and November 2019 published."""
    return publish_demo_months(module_transaction, demo_loaded)


def test_public_dashboard_counts_published_months_only(client: Client, demo) -> None:  # noqa: ANN001
    data = client.get(BASE + "data.json").json()
    assert data["months"] == ["2019-10", "2019-11"]
    november = client.get(BASE + "data.json?from=2019-11&to=2019-11").json()
    assert november["key_figures"]["partners"] == 37
    assert november["key_figures"]["admin1_covered"] == 11
    assert november["key_figures"]["admin2_covered"] == 17
    hidden = client.get(BASE + "data.json?from=2019-01&to=2019-09").json()
    assert hidden["months"] == [] and hidden["key_figures"]["people_reached"] is None


def test_internal_view_needs_a_role(client: Client, demo) -> None:  # noqa: ANN001
    anonymous = client.get(BASE + "data.json?view=internal").json()
    assert anonymous["months"] == ["2019-10", "2019-11"]
    admin = User.objects.create_user("im.admin", password="x" * 12)
    assign_role(admin, demo, "admin")
    client.force_login(admin)
    internal = client.get(BASE + "data.json?view=internal").json()
    assert len(internal["months"]) == 12


def test_partner_internal_view_is_own_rows_plus_published(client: Client, demo) -> None:  # noqa: ANN001
    from kipu.web.platforms.models import Organisation

    org = Organisation.objects.get(external_id="ORG032")
    partner = User.objects.create_user("partner.oim", password="x" * 12)
    assign_role(partner, demo, "partner", organisation=org)
    client.force_login(partner)
    september = client.get(BASE + "data.json?view=internal&from=2019-09&to=2019-09").json()
    assert september["key_figures"]["partners"] in (None, 1)  # only the partner's own rows
    november = client.get(BASE + "data.json?view=internal&from=2019-11&to=2019-11").json()
    assert november["key_figures"]["partners"] == 37  # published: everyone's aggregates


def test_page_filters_panel_and_downloads(client: Client, demo) -> None:  # noqa: ANN001
    page = client.get("/").content.decode()
    assert "GTRM Peru (synthetic demonstration)" in page and "Synthetic demonstration data" in page
    panel = client.get(BASE + "panel/?sector=AREA2&admin1=PE24").content.decode()
    assert "<html" not in panel and "Tumbes" in panel
    svg = client.get(BASE + "chart/reached-by-sector.svg")
    assert svg.status_code == 200 and b"<svg" in svg.content[:200]
    assert client.get(BASE + "chart/presence-map.png").content.startswith(b"\x89PNG")
    csv = client.get(BASE + "table/sectors.csv").content.decode()
    assert "Code,Sector or area,People reached,Partners" in csv.splitlines()
    assert client.get(BASE + "table/admin1.xlsx").content.startswith(b"PK")
    assert client.get(BASE + "chart/unknown.svg").status_code == 404


def test_warm_up_builds_the_public_pages_before_anyone_asks(  # noqa: ANN001
    client: Client, demo, monkeypatch
) -> None:
    from kipu.web.site import dashboard as board_data
    from kipu.web.site import views

    board_data._CACHE.clear()
    views.warm_up()

    def no_rendering(*args: object, **kwargs: object) -> str:
        raise AssertionError("the page body should come from the warmed cache")

    monkeypatch.setattr(views, "render_to_string", no_rendering)
    for language in ("en", "es"):
        page = client.get(BASE, HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
    assert "Personas alcanzadas" in page.content.decode()  # the Spanish page, from the cache
    board_data._CACHE.clear()
    with pytest.raises(AssertionError, match="warmed cache"):
        client.get(BASE)  # without the warm-up the page is built on demand


@pytest.mark.parametrize(("setting", "started"), [("1", ["kipu-warm-up"]), ("0", [])])
def test_the_wsgi_application_warms_up_in_the_background(  # noqa: ANN001
    monkeypatch, setting: str, started: list[str]
) -> None:
    import importlib
    import threading

    import kipu.web.wsgi

    threads: list[str] = []

    class Recorder:
        def __init__(self, *, target, name: str, daemon: bool) -> None:  # noqa: ANN001
            assert daemon and callable(target)
            threads.append(name)

        def start(self) -> None:
            pass

    monkeypatch.setattr(threading, "Thread", Recorder)
    monkeypatch.setenv("KIPU_WARM_UP", setting)
    importlib.reload(kipu.web.wsgi)
    assert threads == started


def test_a_cached_value_is_made_once_while_others_wait() -> None:
    import threading
    import time

    from kipu.web.site.dashboard import cached

    made: list[str] = []
    got: dict[str, object] = {}

    def ask(name: str, key: tuple, start: threading.Barrier | None = None) -> None:
        def make() -> str:
            made.append(name)
            time.sleep(0.3)
            if name == "failing":
                raise RuntimeError("broken")
            return name

        if start:
            start.wait()
        try:
            got[name] = cached(key, make)
        except RuntimeError as error:
            got[name] = error

    def run(*calls: tuple) -> None:
        threads = [threading.Thread(target=ask, args=call) for call in calls]
        for thread in threads:
            thread.start()
            time.sleep(0.05)  # in this order
        for thread in threads:
            thread.join()

    key = ("test-once", time.time())
    start = threading.Barrier(3)
    run(*((name, key, start) for name in ("a", "b", "c")))
    assert len(made) == 1 and set(got.values()) == {made[0]}
    # When the maker fails, a thread that was waiting makes the value itself.
    made.clear()
    key = ("test-failing", time.time())
    run(("failing", key), ("second", key))
    assert made == ["failing", "second"]
    assert isinstance(got["failing"], RuntimeError) and got["second"] == "second"
