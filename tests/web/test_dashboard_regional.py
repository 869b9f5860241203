"""A regional dashboard (R4V: several countries, no admin2 in its exports): admin1 units are
named with their country (every country has a "Country level", Bolivia and Argentina each a
"Santa Cruz"); people reached against targets say they count only the countries with a
target; admin2 units no row names are "not reported", not "0 covered"."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kipu.core.gazetteer import Location as Unit
from kipu.core.loaders.organisations import OrganisationRecord
from kipu.core.loaders.plan import IndicatorRecord, PlanContent, SectorRecord
from kipu.web.locations.models import Location
from kipu.web.plans.models import Target
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions.models import Activity, Submission
from kipu.web.submissions.months import lock_month, publish_month

BASE = "/dashboard/r4v/"
UNITS = [
    Unit("BO", 0, "BOL", "Bolivia", "BOL", iso="BO"),
    Unit("BO00", 1, "00", "Country level", "BOL", "BO", national=True),
    Unit("BO07", 1, "07", "Santa Cruz", "BOL", "BO"),
    Unit("AR", 0, "ARG", "Argentina", "ARG", iso="AR"),
    Unit("AR00", 1, "00", "Country level", "ARG", "AR", national=True),
    Unit("AR78", 1, "78", "Santa Cruz", "ARG", "AR"),
]


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    from kipu.web.site import dashboard as board_data

    board_data._CACHE.clear()


@pytest.fixture
def r4v(db) -> Platform:  # noqa: ANN001
    """R4V with Bolivia and Argentina; Protection targeted in Bolivia only (1,000 people);
    2021-03 published: 100 people in each Santa Cruz and 10 at each country level."""
    from kipu.web.locations.services import load_locations
    from kipu.web.plans.services import load_plan
    from kipu.web.platforms.services import add_platform, load_organisations

    load_locations(UNITS)
    platform = add_platform("r4v", "R4V", level="regional", countries=["ARG", "BOL"])
    load_organisations(
        platform, [OrganisationRecord("Partner A", acronym="PA", org_type="INGO", external_id="O1")]
    )
    load_plan(
        platform,
        2021,
        PlanContent(
            sectors=[SectorRecord("PRO", "Protection", "Protección")],
            indicators=[IndicatorRecord("PRO21", "People oriented", "PRO", "PiN")],
        ),
    )
    sector = platform.plans.get().sectors.get(code="PRO")
    Target.objects.create(
        plan=sector.plan,
        sector=sector,
        admin1=Location.objects.get(pcode="BO00"),
        people_targeted=1000,
        people_in_need=2000,
    )
    organisation = Organisation.objects.get(external_id="O1")
    submission = Submission.objects.create(
        platform=platform,
        organisation=organisation,
        month="2021-03",
        status=Submission.Status.CURRENT,
        row_count=4,
    )
    for number, (country, pcode, people) in enumerate(
        [("BOL", "BO07", 100), ("BOL", "BO00", 10), ("ARG", "AR78", 100), ("ARG", "AR00", 10)]
    ):
        Activity.objects.create(
            submission=submission,
            platform=platform,
            row=number + 1,
            country=country,
            admin1=Location.objects.get(pcode=pcode),
            appealing_org=organisation,
            implementation=False,
            month="2021-03",
            sector=sector,
            indicator=sector.indicators.first(),
            activity_name=f"Aid {pcode}",
            rmrp_activity=True,
            cva=False,
            total_monthly=people,
            new_beneficiaries=people,
            in_destination=people,
            women=people,
        )
    lock_month(platform, "2021-03", "test")
    publish_month(platform, "2021-03", "test")
    return platform


def _cells(html: str, table: str) -> list[list[str]]:
    found = re.search(rf'<table class="{table}">(.*?)</table>', html, re.S)
    assert found, table
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        (
            "en",
            {
                "Santa Cruz (Bolivia)",
                "Santa Cruz (Argentina)",
                "Country level (Bolivia)",
                "Country level (Argentina)",
            },
        ),
        (
            "es",
            {
                "Santa Cruz (Bolivia)",
                "Santa Cruz (Argentina)",
                "Nivel nacional (Bolivia)",
                "Nivel nacional (Argentina)",
            },
        ),
    ],
)
def test_admin1_units_are_named_with_their_country(
    client: Client, r4v: Platform, lang: str, labels: set[str]
) -> None:
    html = client.get(BASE, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    table = _cells(html, "admin1")
    assert {row[0] for row in table[1:-1]} == labels  # between the header and the total
    options = set(re.findall(r'<option value="(?:BO|AR)\d\d"[^>]*>([^<]*)</option>', html))
    assert options == labels  # the filter names them alike
    csv = client.get(BASE + "table/admin1.csv", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert all(label in csv for label in labels)
    one = client.get(BASE + "table/admin1.csv?admin1=AR00", HTTP_ACCEPT_LANGUAGE=lang)
    assert (sorted(labels)[0] if lang == "en" else "Nivel nacional (Argentina)") in (
        one.content.decode().splitlines()[2]
    )  # the filter line names the country too


@pytest.mark.parametrize(
    ("lang", "reached", "everywhere", "note"),
    [
        (
            "en",
            "People reached where targeted",
            "People reached, all places",
            "counts only the places for which the plan sets a target",
        ),
        (
            "es",
            "Personas alcanzadas donde hay metas",
            "Personas alcanzadas, todos los lugares",
            "cuenta solo los lugares para los que el plan fija una meta",
        ),
    ],
)
def test_reached_against_targets_says_it_counts_targeted_countries_only(  # noqa: PLR0913
    client: Client, r4v: Platform, lang: str, reached: str, everywhere: str, note: str
) -> None:
    html = client.get(BASE, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    sectors = _cells(html, "sectors")
    assert sectors[1][:2] == ["Protection" if lang == "en" else "Protección", "220"]
    targets = _cells(html, "targets")
    assert targets[0][1] == reached and targets[0][-1] == everywhere
    assert targets[1][1] == "110" and targets[1][-1] == "220"  # Bolivia only; every country
    assert note in html
    data = client.get(BASE + "data.json").json()
    [row] = data["targets"]
    assert (row["reached"], row["reached_everywhere"], row["only_targeted"]) == (110, 220, True)
    csv = client.get(BASE + "table/targets.csv", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert reached in csv and everywhere in csv


@pytest.mark.parametrize(("lang", "word"), [("en", "Not reported"), ("es", "No reportado")])
def test_admin2_units_no_row_names_are_not_reported(
    client: Client, r4v: Platform, lang: str, word: str
) -> None:
    html = client.get(BASE, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    card = re.search(r'data-name="admin2_covered"><div class="value">(.*?)</div>', html)
    assert card and re.sub(r"<[^>]+>", "", card.group(1)) == word
    assert client.get(BASE + "data.json").json()["key_figures"]["admin2_covered"] is None
