"""Issue 14 (points 13, 15, 16): the public dashboard a platform would show, with January to
November 2019 published: the report's official key figures, targets, breakdowns, the map,
filters in the language's order, and downloads that say what they hold; the readable open data
page it links to, and dates written unambiguously on every public page."""

from __future__ import annotations

import re

import polars as pl
import pytest
from django.test import Client

from kipu.web.platforms.models import Platform
from kipu.web.site.services import stage_demo

BASE = "/dashboard/gtrm-peru/"


def _text(html: str) -> str:
    import re

    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # NBSP kept


@pytest.fixture(scope="module")
def demo_loaded(demo_loaded: int, module_transaction) -> int:  # noqa: ANN001
    """The demonstration (tests/web/conftest.py) with January to November 2019 published, as
    `make demo` leaves them (without the reports)."""
    with module_transaction.unblock():
        stage_demo(Platform.objects.get(pk=demo_loaded), with_reports=False)
    return demo_loaded


@pytest.fixture
def staged(demo):  # noqa: ANN001
    return demo


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
    assert row["pct_targeted"] == row["reached"] * 100 / 150_000  # unrounded in the data
    assert row["pct_targeted_text"] == f"{row['reached'] * 100 / 150_000:.1f}%"
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


@pytest.mark.parametrize("query", ["from=2019-10&to=2020-01", "to=2020-06"])
def test_a_period_across_years_is_never_shown_as_one(client: Client, staged, query: str) -> None:  # noqa: ANN001
    """Before, people reached from October 2019 to January 2020 (or to June 2020) showed 0:
    the running sums restart each year, and 2020 had no rows."""
    found = client.get(f"{BASE}data.json?{query}").json()
    assert found["period"]["from"] == "2020-01"
    assert found["key_figures"]["people_reached"] is None
    if "from" in query:
        assert found["ignored"] == [{"parameter": "from", "value": "2019-10", "reason": "years"}]
    for lang, said in (("en", "is in an earlier year than “To”"), ("es", "es de un año anterior")):
        page = client.get(f"{BASE}panel/?{query}", HTTP_ACCEPT_LANGUAGE=lang)
        panel = _text(page.content.decode())
        assert (said in panel) == ("from" in query)
    year = client.get(f"{BASE}data.json?to=2019-11").json()
    assert year["period"]["from"] == "2019-01" and year["key_figures"]["people_reached"] > 0


def test_a_year_without_data_is_that_year_empty(client: Client, staged) -> None:  # noqa: ANN001
    """A From in 2018 showed 2019's 108,741 people under "no period (2018-01 – None)"."""
    found = client.get(f"{BASE}data.json?from=2018-01").json()
    assert found["period"] == {"from": "2018-01", "to": "2018-12"}
    assert found["key_figures"]["people_reached"] is None and found["months"] == []
    panel = _text(client.get(f"{BASE}panel/?from=2018-01").content.decode())
    assert "January 2018 – December 2018" in panel and "Not published, so not counted" in panel


def graphics_months(platform: Platform, query: str) -> list[str]:
    """The months of the public dashboard's chart of new people per month."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict

    from kipu.web.accounts.scope import Scope
    from kipu.web.site.board_tables import monthly_series
    from kipu.web.site.dashboard import Filters, dashboard

    scope = Scope.for_user(AnonymousUser(), platform)
    board = dashboard(scope, Filters.from_query(QueryDict(query)), "en")
    return [day.isoformat()[:7] for day, _ in monthly_series(board)]


def test_months_not_published_are_said_and_never_shown_as_counted(client: Client, staged) -> None:  # noqa: ANN001
    """December asked for while unpublished was labelled "January – December" over
    January–November's figures and plotted as 0 new people; a month reopened inside the
    period was left out under the period's name."""
    from kipu.web.figures.queries import platform_figures
    from kipu.web.submissions.months import reopen_month

    december = client.get(f"{BASE}data.json?to=2019-12").json()
    assert december["period"] == {"from": "2019-01", "to": "2019-11"}
    assert december["unpublished"] == ["2019-12"]
    assert graphics_months(staged, "to=2019-12")[-1] == "2019-11"
    year = platform_figures(staged, date_from="2019-01", date_to="2019-11")
    assert december["key_figures"]["people_reached"] == year.reached()
    for lang, said in (("en", "Not published, so not counted: December 2019."),
                       ("es", "No publicado, por eso no contado: diciembre de 2019.")):  # fmt: skip
        page = client.get(f"{BASE}panel/?to=2019-12", HTTP_ACCEPT_LANGUAGE=lang)
        assert said in _text(page.content.decode())
    reopen_month(staged, "2019-06", "test", "a correction")
    holed = client.get(f"{BASE}data.json?from=2019-01&to=2019-11").json()
    assert holed["period"] == {"from": "2019-01", "to": "2019-11"}
    assert holed["unpublished"] == ["2019-06"]
    # The chart of new people per month leaves June out, not 0.
    series = graphics_months(staged, "from=2019-01&to=2019-11")
    assert "2019-06" not in series and "2019-05" in series and "2019-07" in series
    panel = _text(client.get(f"{BASE}panel/?from=2019-01&to=2019-11").content.decode())
    assert "Not published, so not counted: June 2019." in panel


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


# --- the public pages around it: the open data page, dates (from tests/web/test_site.py) -----


@pytest.fixture
def published(demo):  # noqa: ANN001
    return demo


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_readable_open_data_page_linked_from_the_dashboard(
    client: Client, published, lang
) -> None:  # noqa: ANN001
    accept = {"HTTP_ACCEPT_LANGUAGE": lang}
    dashboard = client.get("/", **accept).content.decode()
    assert 'href="/open-data/gtrm-peru/"' in dashboard
    answer = client.get("/open-data/gtrm-peru/", **accept)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/html")
    html = answer.content.decode()
    months = re.findall(r'<tr data-month="(\d{4}-\d{2})">', html)
    assert months == [f"2019-{m:02d}" for m in range(11, 0, -1)]  # published, newest first
    for name in ("activities.csv", "figures.csv", "datapackage.json"):
        link = f"/api/v1/opendata/gtrm-peru/2019-11/{name}"
        assert f'href="{link}"' in html and client.get(link).status_code == 200
    assert ("November 2019" if lang == "en" else "noviembre de 2019") in html
    assert ("Open data" if lang == "en" else "Datos abiertos") in html
    assert "#adm1+code" in html  # the columns, with their HXL hashtags
    assert client.get("/open-data/").status_code == 200
    assert client.get("/open-data/nowhere/").status_code == 404


US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_public_pages_write_dates_unambiguously(client: Client, published, lang) -> None:  # noqa: ANN001
    accept = {"HTTP_ACCEPT_LANGUAGE": lang}
    for url in (
        "/",
        "/open-data/gtrm-peru/",
        "/api/v1/docs/",
        "/dashboard/gtrm-peru/panel/?to=2019-11",
    ):
        html = client.get(url, **accept).content.decode()
        assert US_DATE.findall(re.sub(r"<[^>]+>", " ", html)) == [], url
    panel = client.get("/dashboard/gtrm-peru/panel/?to=2019-11", **accept).content.decode()
    assert ("30 November 2019" if lang == "en" else "30 de noviembre de 2019") in panel
    csv = client.get("/dashboard/gtrm-peru/table/sectors.csv", **accept).content.decode()
    downloaded = re.search(r"(?:Downloaded on|Descargado el) (\d{1,2} \w{3} \d{4})", csv)
    assert downloaded, csv[:400]


def test_provinces_covered_name_none_the_open_data_withholds(client: Client, staged) -> None:  # noqa: ANN001
    """ "Provinces covered" for one organisation in one department counted every row's
    province: 49 such cards of the demo month named provinces that `activities.csv` withholds
    (a row with 1 to k-1 people in a group keeps its department only). The public card counts
    the rows as the open data shows them; the IM team's internal view counts every row."""
    from django.contrib.auth.models import User

    from kipu.core.surveys.fivew_disclosure import protect_activities
    from kipu.web.accounts.services import assign_role
    from kipu.web.platforms.models import Organisation
    from kipu.web.submissions.queries import activity_frame

    rows = activity_frame(staged, month_from="2019-11", month_to="2019-11", with_issues=False)
    shown = protect_activities(rows, 5)

    def provinces(frame, org: str, admin1: str) -> int:  # noqa: ANN001
        mine = (pl.col("appealing_org") == org) | (pl.col("implementing_partner") == org)
        found = frame.filter(mine.fill_null(False), pl.col("admin1") == admin1)
        return found["admin2"].drop_nulls().n_unique()

    pairs = rows.select("appealing_org", "admin1").unique().sort("appealing_org", "admin1")
    differ = [
        (org, admin1)
        for org, admin1 in pairs.iter_rows()
        if provinces(shown, org, admin1) != provinces(rows, org, admin1)
    ][:3]
    assert differ  # the demo month has such cards
    user = User.objects.create_user("im-officer", password="x" * 12)
    assign_role(user, staged, "admin")
    officer = Client()
    officer.force_login(user)
    # A partner's internal view holds every organisation's published rows: it counts them as
    # the open data shows them (31 organisations read fuller there than in public).
    partner = User.objects.create_user("partner-x", password="x" * 12)
    assign_role(
        partner, staged, "partner", organisation=Organisation.objects.get(external_id=differ[0][0])
    )
    own = Client()
    own.force_login(partner)
    for org, admin1 in differ:
        query = f"data.json?org={org}&admin1={admin1}&from=2019-11&to=2019-11"
        answer = client.get(BASE + query).json()
        public = answer["key_figures"]["admin2_covered"]
        # Every province withheld reads as no number with its note, never as 0.
        assert public == (provinces(shown, org, admin1) or None)
        note = "partly_withheld" if public else "withheld"
        # (People reached may carry its own note: above the sum of sectors, R4V's rounding.)
        assert answer["key_figure_notes"]["admin2_covered"] == note
        assert set(answer["key_figure_notes"]) <= {"admin2_covered", "people_reached"}
        internal = officer.get(BASE + query + "&view=internal").json()["key_figures"]
        assert internal["admin2_covered"] == provinces(rows, org, admin1)
        theirs = own.get(BASE + query + "&view=internal").json()["key_figures"]
        assert theirs["admin2_covered"] == public
    # A threshold changed is used at once (the cached figures kept the old one).
    from kipu.web.surveys.services import set_disclosure_k

    set_disclosure_k(staged, 20)
    strict = protect_activities(rows, 20)["admin2"].drop_nulls().n_unique()
    query = "data.json?from=2019-11&to=2019-11"
    assert client.get(BASE + query).json()["key_figures"]["admin2_covered"] == strict


@pytest.mark.parametrize("query", ["sector=AREA9", "from=2018-01", "org=AVSI"])
def test_nothing_found_reads_as_no_number_not_zero(client: Client, staged, query: str) -> None:  # noqa: ANN001
    """An unknown filter value or a period without data showed partners 0, departments 0
    and every area at "0 / 180,000 / 0.0%" against its target."""
    data = client.get(f"{BASE}data.json?{query}").json()
    assert set(data["key_figures"].values()) == {None}
    assert data["targets"] == []
    assert data["total"] == {"reached": None, "partners": None}  # was 0 and 0
    for table in ("sectors", "admin1"):
        answer = client.get(f"{BASE}table/{table}.csv?{query}")
        body = answer.content.decode()
        assert answer.status_code == 200 and "People reached" in body, body
        assert "Total, without double counting" not in body
    panel = client.get(f"{BASE}panel/?{query}").content.decode()
    assert '<table class="targets">' not in panel and "0.0%" not in panel


def test_the_map_of_one_department_leaves_the_others_out(client: Client, staged) -> None:  # noqa: ANN001
    """With Tumbes selected, Lima read "Lima: 0 people reached, 0 partners"."""
    panel = client.get(f"{BASE}panel/?admin1=PE24").content.decode()
    assert "<title>Lima: not in the selection</title>" in panel
    assert "<title>Lima: 0 people" not in panel
    lima = re.search(r'data-pcode="PE15">(.*?)</text>', panel).group(1)
    assert '<tspan class="map-value"' in lima and lima.endswith("–</tspan>")
    tumbes = re.search(r"<title>Tumbes: ([\d,]+) people reached", panel)
    reached = client.get(f"{BASE}data.json?admin1=PE24").json()["key_figures"]["people_reached"]
    assert tumbes and int(tumbes.group(1).replace(",", "")) == reached
    spanish = client.get(f"{BASE}panel/?admin1=PE24", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<title>Lima: fuera de la selección</title>" in spanish


def test_the_presence_map_of_one_department_draws_that_department(client: Client, staged) -> None:  # noqa: ANN001
    """The presence map image drew every other department as "0 partners" under a
    department filter: it now draws the selected department alone (none for Country level)."""
    whole = client.get(f"{BASE}chart/presence-map.svg").content.decode()
    tumbes = client.get(f"{BASE}chart/presence-map.svg?admin1=PE24")
    lima = client.get(f"{BASE}chart/presence-map.svg?admin1=PE15")  # with the Lima inset
    assert tumbes.status_code == lima.status_code == 200
    assert len(tumbes.content) < len(whole) / 3  # one outline, not the country's
    assert client.get(f"{BASE}chart/presence-map.svg?admin1=PE00").status_code == 404


def test_a_department_nobody_reported_on_is_no_zero_on_the_map(client: Client, staged) -> None:  # noqa: ANN001
    """A re-tester's: "Amazonas: 0 people reached, 0 partners" for every department without
    a row; it is "no activities reported", its label a dash."""
    reached = {r["pcode"] for r in client.get(f"{BASE}data.json").json()["admin1"]}
    panel = client.get(f"{BASE}panel/").content.decode()
    titles = dict(
        re.findall(r'<path class="map-unit[^"]*" d="[^"]*"><title>([^:<]+): ([^<]*)<', panel)
    )
    labels = dict(re.findall(r'data-pcode="(\w+)">.*?class="map-value"[^>]*>([^<]*)<', panel))
    silent = {p: v for p, v in labels.items() if p not in reached}
    assert silent and set(silent.values()) == {"–"}
    assert "no activities reported" in titles.values()
    assert not [t for t in titles.values() if t.startswith("0 people reached, 0 partners")]
    spanish = client.get(f"{BASE}panel/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert ": sin actividades reportadas</title>" in spanish
