"""The dashboard: public visitors see published months only; filters, downloads, internal view."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kipu.web.accounts.services import assign_role
from kipu.web.site.services import load_demo
from kipu.web.submissions.months import lock_month, publish_month

BASE = "/dashboard/gtrm-peru/"


@pytest.fixture
def demo(db, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    platform = load_demo()
    for month in ("2019-10", "2019-11"):
        lock_month(platform, month, "test")
        publish_month(platform, month, "test")
    return platform


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
    assert september["key_figures"]["partners"] in (0, 1)  # only the partner's own rows
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


# --- issue 14: the public dashboard a platform would show (points 13, 15, 16) -------------


def _text(html: str) -> str:
    import re

    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # NBSP kept


@pytest.fixture
def staged(db, tmp_path, monkeypatch):  # noqa: ANN001
    """January to November 2019 published, as `make demo` leaves them."""
    from kipu.web.site.services import stage_demo

    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    platform = load_demo()
    stage_demo(platform, with_reports=False)
    return platform


@pytest.mark.parametrize(
    ("lang", "month", "count"),
    [("en", "2019-11", 4), ("es", "2019-11", 4), ("en", "2019-10", 1), ("en", "2019-06", 0)],
)
def test_official_key_figures_are_the_reports(client: Client, staged, lang, month, count) -> None:  # noqa: ANN001
    """Each key figure, its label and its source and date read exactly as in the situation
    report of the period's last month (the report's own computation)."""
    from kipu.core.report.view import make_view
    from kipu.web.reports.context import report_context

    report = make_view(report_context(staged, month, lang), {})
    official = [
        k for k in report.key_figures if k.note and "5W" not in report.footnotes[k.note - 1]
    ]
    assert len(official) == count
    html = client.get(f"{BASE}panel/?to={month}", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    shown = _text(html)
    for figure in official:
        footnote = report.footnotes[figure.note - 1]
        assert f"{figure.text} {figure.label} {footnote}" in shown, (figure, footnote)
    assert ('class="key-figures"' in html) == bool(count)
    if (lang, month) == ("en", "2019-11"):
        assert (
            "Above 862,000 Venezuelans living in Peru Source: Migraciones, 30 November 2019."
            in shown
        )
    if (lang, month) == ("en", "2019-10"):
        assert (
            "Above 864,000 Venezuelans living in Peru Source: Migraciones, 31 October 2019."
            in shown
        )
    if lang == "es":
        assert "Más de 862\xa0000" in shown and "30 de noviembre de 2019" in shown


def test_reached_against_the_plans_targets(client: Client, staged) -> None:  # noqa: ANN001
    from kipu.web.plans.models import Target

    data = client.get(BASE + "data.json?sector=AREA2").json()
    target = Target.objects.get(plan__platform=staged, sector__code="AREA2", admin1__isnull=True)
    [row] = data["targets"]
    assert row["code"] == "AREA2" and row["targeted"] == target.people_targeted == 150_000
    assert row["reached"] == data["key_figures"]["people_reached"]  # the card's number
    assert row["pct_targeted"] == round(row["reached"] * 100 / 150_000, 1)
    tumbes = client.get(BASE + "data.json?sector=AREA2&admin1=PE24").json()
    [row] = tumbes["targets"]  # the department's own target, not the country's
    assert row["targeted"] == 12_000 and row["reached"] == tumbes["key_figures"]["people_reached"]
    panel = client.get(BASE + "panel/?sector=AREA2").content.decode()
    assert "Reached against targets" in panel and "150,000" in panel and "<meter" in panel
    one = client.get(BASE + "panel/?org=ORG008").content.decode()
    assert "Targets are set for the whole response" in one and '<table class="targets">' not in one


def test_population_type_and_age_sex_breakdowns(client: Client, staged) -> None:  # noqa: ANN001
    for query in ("", "?sector=AREA1", "?admin1=PE24&from=2019-10&to=2019-11"):
        data = client.get(BASE + "data.json" + query).json()
        reached = data["key_figures"]["people_reached"]
        for part in ("population", "age_sex"):
            assert sum(v or 0 for v in data["breakdown"][part].values()) == reached, (query, part)
    english = _text(client.get(BASE + "panel/").content.decode())
    spanish = _text(client.get(BASE + "panel/", HTTP_ACCEPT_LANGUAGE="es").content.decode())
    assert "Refugees and migrants in destination" in english and "Girls (under 18)" in english
    assert "Refugiados y migrantes en destino" in spanish and "Niñas (menores de 18)" in spanish


def test_the_map_names_each_department_with_its_value(client: Client, staged) -> None:  # noqa: ANN001
    import re

    for lang in ("en", "es"):
        html = client.get(BASE + "panel/?sector=AREA2", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        table = client.get(BASE + "data.json?sector=AREA2").json()["admin1"]
        labels = dict(
            re.findall(
                r'data-pcode="(PE\d\d)"><tspan class="map-name"[^>]*>[^<]*</tspan>'
                r'<tspan class="map-value"[^>]*>([^<]*)</tspan>',
                html,
            )
        )
        assert len(labels) == 25, "every department of Peru is on the map"
        for row in table:
            if row["national"]:
                continue
            assert int(re.sub(r"\D", "", labels[row["pcode"]])) == row["reached"], row
        assert re.search(r'data-pcode="PE24"><tspan class="map-name"[^>]*>Tumbes<', html)
        assert '<svg viewBox="0 0 600 ' in html  # scales with its box: no fixed size
        assert "PE00" not in labels  # the country level has no shape: said under the map
        whole = _text(client.get(BASE + "panel/", HTTP_ACCEPT_LANGUAGE=lang).content.decode())
        aside = {"en": "Country level (not on the map):", "es": "Nivel nacional (fuera del mapa):"}
        assert aside[lang] in whole


def test_filters_are_in_the_alphabetical_order_of_the_language(client: Client, staged) -> None:  # noqa: ANN001
    import re

    from kipu.web.site.panel import collation_key

    def options(html: str, name: str) -> list[str]:
        select = re.search(rf'<select name="{name}">(.*?)</select>', html, re.S)
        assert select, name
        return re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', select.group(1))

    for lang in ("en", "es"):
        html = client.get(BASE, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        sectors = options(html, "sector")
        departments = options(html, "admin1")
        organisations = options(html, "org")
        for listed in (sectors, departments[1:], organisations):
            assert listed == sorted(listed, key=lambda t: collation_key(t, lang)), listed
        assert departments[1:4] == ["Amazonas", "Áncash", "Apurímac"]  # accents ignored
        assert len(departments) == 26  # the country level, then every department
    es = options(client.get(BASE, HTTP_ACCEPT_LANGUAGE="es").content.decode(), "sector")
    assert es == [
        "Asistencia directa de emergencia",
        "Integración socioeconómica y cultural",
        "Protección",
    ]
    assert sorted(["Ñuñoa", "Oxapampa", "Nazca", "nube"], key=lambda t: collation_key(t, "es")) == [
        "Nazca",
        "nube",
        "Ñuñoa",
        "Oxapampa",
    ]


def test_a_filter_value_the_dashboard_cannot_use_is_said(client: Client, staged) -> None:  # noqa: ANN001
    month = _text(client.get(BASE + "panel/?from=2019-13").content.decode())
    assert "“2019-13” is not a month (YYYY-MM): the “From” filter was ignored." in month
    order = client.get(BASE + "data.json?from=2019-11&to=2019-01").json()
    assert order["ignored"] == [{"parameter": "to", "value": "2019-01", "reason": "order"}]
    assert order["period"] == {"from": "2019-11", "to": "2019-11"}
    unknown = client.get(BASE + "panel/?sector=AREA9", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "«AREA9» no es un valor conocido de «Sector o área»" in _text(unknown)
    assert client.get(BASE + "data.json?admin1=Tumbes").json()["unknown"] == [
        {"parameter": "admin1", "value": "Tumbes"}
    ]


TABLE_FILES = {
    "sectors": "reached-by-sector",
    "admin1": "reached-by-department",
    "targets": "reached-against-targets",
    "breakdown": "reached-by-group",
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_download_says_its_filters_period_source_and_that_it_is_synthetic(  # noqa: ANN001
    client: Client, staged, lang
) -> None:
    import csv
    import io

    import openpyxl
    from PIL import Image

    query = "sector=AREA2&admin1=PE24&from=2019-07&to=2019-11"
    words = {
        "en": ("Protection", "Tumbes", "July 2019 – November 2019", "Synthetic demonstration data"),
        "es": ("Protección", "Tumbes", "julio de 2019 – noviembre de 2019", "Datos sintéticos"),
    }[lang]
    source = {"en": "5W reports (published months)", "es": "reportes 5W"}[lang]
    accept = {"HTTP_ACCEPT_LANGUAGE": lang}
    for name, part in TABLE_FILES.items():
        for ext in ("csv", "xlsx"):
            answer = client.get(f"{BASE}table/{name}.{ext}?{query}", **accept)
            assert answer.status_code == 200
            filename = answer["Content-Disposition"].split('filename="')[1].rstrip('"')
            slug = "proteccion" if lang == "es" else "protection"
            assert filename == f"kipu-gtrm-peru-{part}-2019-07-to-2019-11-{slug}-tumbes.{ext}"
            if ext == "csv":
                head = [r[0] for r in csv.reader(io.StringIO(answer.content.decode())) if r][:6]
            else:
                sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
                head = [str(sheet.cell(row, 1).value) for row in range(1, 7)]
            notes = " | ".join(head)
            for word in (*words, source, "2019-07 – 2019-11"):
                assert word in notes, (name, ext, word, notes)
    for chart in ("reached-by-sector", "presence-map", "reached-over-time"):
        svg = client.get(f"{BASE}chart/{chart}.svg?{query}", **accept)
        png = client.get(f"{BASE}chart/{chart}.png?{query}", **accept)
        with Image.open(io.BytesIO(png.content)) as image:
            described = image.text["Description"]  # type: ignore[attr-defined]
        desc = svg.content.decode().split("<desc>")[1].split("</desc>")[0]
        for text in (desc, described):
            for word in words:
                assert word in text.replace("&#8211;", "–"), (chart, word, text)
        assert f"kipu-gtrm-peru-{chart}-2019-07-to-2019-11-" in png["Content-Disposition"]
        assert png["Content-Disposition"].startswith("attachment;")


def test_download_links_on_the_page_carry_the_file_names(client: Client, staged) -> None:  # noqa: ANN001
    html = client.get(BASE + "panel/?from=2019-11&to=2019-11&org=ORG008").content.decode()
    assert 'download="kipu-gtrm-peru-reached-by-sector-2019-11-' in html
    assert 'download="kipu-gtrm-peru-presence-map-2019-11-' in html
    assert "&amp;org=ORG008" in html or "org=ORG008" in html
