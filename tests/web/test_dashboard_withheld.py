"""The dashboard never prints 0 for what it does not know: provinces withheld by the disclosure
rule (rows with 1 to k-1 people keep their department only) are not "0 provinces covered";
provinces no row names are "not reported"; a published month without rows says that no
activity was reported, and still shows the plan's targets (not "the plan sets no targets")."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from kipu.web.locations.models import Location
from kipu.web.plans.models import Sector, Target
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions.models import Activity, Submission
from kipu.web.submissions.months import lock_month, publish_month

BASE = "/dashboard/gtrm-test/"


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Boards are cached per platform and data version: a test's data is its own."""
    from kipu.web.site import dashboard as board_data

    board_data._CACHE.clear()


def publish(platform: Platform, *months: str) -> None:
    for month in months:
        lock_month(platform, month, "test")
        publish_month(platform, month, "test")


def place(submission: Submission, province: Location, **people: int) -> None:
    """The submission's rows placed in `province` (and its department), with `people`."""
    Activity.objects.filter(submission=submission).update(
        admin1=province.parent, admin2=province, **people
    )


def province_of(department: Location, index: int = 0) -> Location:
    return Location.objects.filter(parent=department, level=2).order_by("pcode")[index]


def card(html: str, name: str) -> tuple[str, str]:
    """(value, note) of a card of the panel, as text."""
    found = re.search(
        rf'data-name="{name}"><div class="value">(.*?)</div><div class="label">[^<]*</div>'
        r'(?:<div class="note[^"]*">([^<]*)</div>)?',
        html,
    )
    assert found, name
    return re.sub(r"<[^>]+>", "", found.group(1)).strip(), (found.group(2) or "").strip()


@pytest.fixture
def department() -> Location:
    return Location.objects.filter(country="PER", level=1, national=False).order_by("pcode")[0]


@pytest.mark.parametrize(
    ("lang", "word", "note"),
    [
        (
            "en",
            "Withheld",
            "Places with small numbers of people are withheld to protect those people.",
        ),
        (
            "es",
            "Reservado",
            "Los lugares con pocas personas se reservan para proteger a esas personas.",
        ),
    ],
)
def test_a_withheld_province_is_not_zero_provinces_covered(  # noqa: PLR0913
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    department: Location,
    lang: str,
    word: str,
    note: str,
) -> None:
    """One organisation, 4 new people in one province: the disclosure rule merges the row
    into its department, so no province is named; the card says the provinces are withheld,
    not 0, and names none of them."""
    province = province_of(department)
    place(rows(platform, org_a, month="2019-05"), province)
    publish(platform, "2019-05")
    html = client.get(BASE + "panel/?from=2019-05&to=2019-05", HTTP_ACCEPT_LANGUAGE=lang)
    text = html.content.decode()
    assert card(text, "admin1_covered")[0] == "1"
    assert card(text, "admin2_covered") == (word, note)
    assert province.pcode not in text and province.name not in text
    data = client.get(BASE + "data.json?from=2019-05&to=2019-05").json()
    assert data["key_figures"]["admin2_covered"] is None  # not 0
    assert data["key_figure_notes"] == {"admin2_covered": "withheld"}


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("en", "Not counting places withheld to protect small numbers of people."),
        ("es", "Sin contar los lugares reservados para proteger a grupos pequeños de personas."),
    ],
)
def test_named_provinces_are_counted_with_a_note_when_others_are_withheld(  # noqa: PLR0913
    client: Client,
    platform: Platform,
    org_a: Organisation,
    org_b: Organisation,
    rows: Callable[..., Submission],
    department: Location,
    lang: str,
    note: str,
) -> None:
    large = {"total_monthly": 50, "new_beneficiaries": 20, "in_destination": 20, "women": 20}
    place(rows(platform, org_a, month="2019-05"), province_of(department, 0), **large)
    place(rows(platform, org_b, month="2019-05"), province_of(department, 1))  # 4 people
    publish(platform, "2019-05")
    html = client.get(BASE + "panel/?from=2019-05&to=2019-05", HTTP_ACCEPT_LANGUAGE=lang)
    assert card(html.content.decode(), "admin2_covered") == ("1", note)
    data = client.get(BASE + "data.json?from=2019-05&to=2019-05").json()
    assert data["key_figures"]["admin2_covered"] == 1
    assert data["key_figure_notes"] == {"admin2_covered": "partly_withheld"}


def test_the_internal_view_of_the_im_team_names_every_province(
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    department: Location,
    admin,  # noqa: ANN001
) -> None:
    place(rows(platform, org_a, month="2019-05"), province_of(department))
    publish(platform, "2019-05")
    client.force_login(admin)
    html = client.get(BASE + "panel/?from=2019-05&to=2019-05&view=internal").content.decode()
    assert card(html, "admin2_covered") == ("1", "")


@pytest.mark.parametrize(("lang", "word"), [("en", "Not reported"), ("es", "No reportado")])
def test_provinces_no_row_names_are_not_reported(
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    lang: str,
    word: str,
) -> None:
    submission = rows(platform, org_a, month="2019-05", count=2)
    department = Location.objects.filter(country="PER", level=1, national=False).first()
    Activity.objects.filter(submission=submission).update(admin1=department)  # no province
    publish(platform, "2019-05")
    html = client.get(BASE + "panel/?from=2019-05&to=2019-05", HTTP_ACCEPT_LANGUAGE=lang)
    assert card(html.content.decode(), "admin2_covered") == (word, "")
    data = client.get(BASE + "data.json?from=2019-05&to=2019-05").json()
    assert data["key_figures"]["admin2_covered"] is None
    assert data["key_figures"]["admin1_covered"] == 1
    assert data["key_figure_notes"] == {"admin2_covered": "not_reported"}


@pytest.mark.parametrize(
    ("lang", "said", "targets_note"),
    [
        (
            "en",
            "No activities were reported in this period.",
            "The plan’s targets are shown without people reached.",
        ),
        (
            "es",
            "No se reportaron actividades en este periodo.",
            "Las metas del plan se muestran sin personas alcanzadas.",
        ),
    ],
)
def test_a_published_month_without_rows_keeps_the_plans_targets(  # noqa: PLR0913
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    lang: str,
    said: str,
    targets_note: str,
) -> None:
    protection = Sector.objects.get(plan__platform=platform, code="PRO")
    Target.objects.create(
        plan=protection.plan, sector=protection, people_targeted=1000, people_in_need=2000
    )
    rows(platform, org_a, month="2019-05")
    publish(platform, "2019-05", "2019-06")  # June: published, no rows
    html = client.get(BASE + "panel/?from=2019-06&to=2019-06", HTTP_ACCEPT_LANGUAGE=lang)
    text = html.content.decode()
    assert "The plan sets no targets" not in text and "El plan no fija metas" not in text
    assert said in text and targets_note in text
    targets = re.search(r'<table class="targets">.*?</table>', text, re.S)
    assert targets, "the plan's targets are shown"
    cells = re.findall(r'<td class="num">([^<]*)', targets.group(0))
    assert cells[:2] == ["–", "1,000" if lang == "en" else "1\xa0000"]  # reached unknown, not 0
    assert "No published data for these filters yet" not in text  # June is published
    data = client.get(BASE + "data.json?from=2019-06&to=2019-06").json()
    [row] = data["targets"]
    assert (row["reached"], row["targeted"], row["pct_targeted"]) == (None, 1000, None)
    csv = client.get(BASE + "table/targets.csv?from=2019-06&to=2019-06").content.decode()
    assert "PRO,Protection,,1000,,2000," in csv  # empty, not 0


def test_a_sector_with_a_target_and_no_row_reads_unknown_not_zero(
    client: Client, platform: Platform, org_a: Organisation, rows: Callable[..., Submission]
) -> None:
    """Rows of another sector, and WASH's target with no row: WASH read 0 people reached and
    0.0 % of its target, where the report says "none reported" (a tester)."""
    for code in ("PRO", "WASH"):
        sector = Sector.objects.get(plan__platform=platform, code=code)
        Target.objects.create(
            plan=sector.plan, sector=sector, people_targeted=1000, people_in_need=2000
        )
    rows(platform, org_a, "PRO", month="2019-05")
    publish(platform, "2019-05")
    data = client.get(BASE + "data.json?from=2019-05&to=2019-05").json()
    found = {r["code"]: r for r in data["targets"]}
    wash, pro = found["WASH"], found["PRO"]
    assert (wash["reached"], wash["pct_targeted"], wash["pct_need"]) == (None, None, None)
    assert wash["targeted"] == 1000 and wash["only_targeted"] is False
    assert pro["reached"] is not None and pro["pct_targeted"] is not None
    csv = client.get(BASE + "table/targets.csv?from=2019-05&to=2019-05").content.decode()
    assert 'WASH,"Water, sanitation, hygiene",,1000,,2000,' in csv  # empty, not 0


def test_a_month_with_rows_and_no_targets_still_says_so(
    client: Client, platform: Platform, org_a: Organisation, rows: Callable[..., Submission]
) -> None:
    rows(platform, org_a, month="2019-05")
    publish(platform, "2019-05")
    text = client.get(BASE + "panel/?from=2019-05&to=2019-05").content.decode()
    assert "The plan sets no targets for these filters." in text
    assert "No activities were reported" not in text


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "No activities were reported for these filters in this period."),
        ("es", "No se reportaron actividades para estos filtros en este periodo."),
    ],
)
def test_filters_matching_no_rows_say_no_activities_were_reported(
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    lang: str,
    said: str,
) -> None:
    rows(platform, org_a, month="2019-05")
    publish(platform, "2019-05")
    html = client.get(
        BASE + "panel/?from=2019-05&to=2019-05&sector=WASH", HTTP_ACCEPT_LANGUAGE=lang
    )
    assert said in html.content.decode()


@pytest.mark.parametrize(("lang", "word"), [("en", "Not reported"), ("es", "No reportado")])
def test_country_level_rows_only_are_no_zero_departments(
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    lang: str,
    word: str,
) -> None:
    """A re-tester's: rows of the national pseudo-unit only read "0 Departments covered"."""
    national = Location.objects.get(country="PER", level=1, national=True)
    Activity.objects.filter(submission=rows(platform, org_a, month="2019-05")).update(
        admin1=national
    )
    publish(platform, "2019-05")
    html = client.get(BASE + "panel/?from=2019-05&to=2019-05", HTTP_ACCEPT_LANGUAGE=lang)
    assert card(html.content.decode(), "admin1_covered") == (word, "")
    data = client.get(BASE + "data.json?from=2019-05&to=2019-05").json()
    assert data["key_figures"]["admin1_covered"] is None
    assert data["key_figures"]["people_reached"] == 4


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("en", "Above the sum of the sectors: the method rounds each population, age and sex"),
        ("es", "Por encima de la suma de los sectores: el método redondea cada grupo de"),
    ],
)
def test_an_intersector_above_its_sectors_says_why(  # noqa: PLR0913
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    lang: str,
    note: str,
) -> None:
    """A re-tester's: 2 people (1 in destination, 1 in transit; 1 girl, 1 boy) in one sector
    read "4 People reached" beside "Protection 2", without a word (max-cell rounds each
    population × age/sex cell, as R4V's script does)."""
    two = {"total_monthly": 2, "new_beneficiaries": 2, "in_destination": 1, "in_transit": 1}
    Activity.objects.filter(submission=rows(platform, org_a, month="2019-05")).update(
        **two, women=0, girls=1, boys=1
    )
    publish(platform, "2019-05")
    html = client.get(BASE + "panel/?from=2019-05&to=2019-05", HTTP_ACCEPT_LANGUAGE=lang)
    value, said = card(html.content.decode(), "people_reached")
    assert value == "4" and said.startswith(note)
    data = client.get(BASE + "data.json?from=2019-05&to=2019-05").json()
    assert data["key_figure_notes"]["people_reached"] == "above_sectors"
    # A sector chosen: its own figure, no note.
    sector = client.get(BASE + "data.json?from=2019-05&to=2019-05&sector=PRO").json()
    assert "people_reached" not in sector["key_figure_notes"]


def test_a_sector_whose_rows_count_no_people_reads_zero_in_both_tables(
    client: Client, platform: Platform, org_a: Organisation, rows: Callable[..., Submission]
) -> None:
    """A tester's: a sector whose only row was of a "People" indicator (which does not count
    towards people reached) read 0 in the sector table and "–" (none reported) in the
    targets table, in the same download."""
    sector = Sector.objects.get(plan__platform=platform, code="WASH")
    Target.objects.create(plan=sector.plan, sector=sector, people_targeted=1000)
    sector.indicators.update(type="People")
    rows(platform, org_a, "WASH", month="2019-05")
    publish(platform, "2019-05")
    data = client.get(BASE + "data.json?from=2019-05&to=2019-05").json()
    [wash] = [r for r in data["targets"] if r["code"] == "WASH"]
    [listed] = [r for r in data["sectors"] if r["code"] == "WASH"]
    assert listed["reached"] == 0 and wash["reached"] == 0
    assert wash["pct_targeted"] == 0.0
