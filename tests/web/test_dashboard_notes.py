"""The dashboard and its downloads carry the notes that qualify their numbers, as the CLI and
the API do (a tester's): progress against an earlier year's plan, or from a month after the
plan year's start; rows stored with accepted errors not counted; the Intersector above the
sum of its sectors; and every other note of `Figures.notes`. And its targets table lists
every row the plan gives a target of any kind ("–" for a value not set), its downloads'
percentages rounded as the page shows them."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.figures.notes import Note, note
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


def target(platform: Platform, code: str = "PRO", **values: Any) -> None:
    sector = Sector.objects.get(plan__platform=platform, code=code)
    Target.objects.create(plan=sector.plan, sector=sector, **values)


def panel(client: Client, query: str, lang: str = "en") -> str:
    """The panel's text, tags removed, entities read, spaces folded."""
    page = client.get(f"{BASE}panel/?{query}", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def download(client: Client, name: str, query: str, lang: str = "en") -> list[list[str]]:
    """A table's CSV download, read as CSV."""
    body = client.get(f"{BASE}table/{name}.csv?{query}", HTTP_ACCEPT_LANGUAGE=lang)
    return list(csv.reader(io.StringIO(body.content.decode())))


def head_notes(table: list[list[str]], lang: str = "en") -> list[str]:
    """The "Note: …" lines above a download's table."""
    word = "Nota: " if lang == "es" else "Note: "
    return [row[0][len(word) :] for row in table if row and row[0].startswith(word)]


PARTIAL = {
    "en": "Progress against the plan’s targets counts the people reached from June 2019 only, "
    "not from the start of the plan year (January 2019): choose “From” January 2019 for the "
    "year’s progress.",
    "es": "El avance respecto a las metas del plan cuenta las personas alcanzadas desde junio "
    "de 2019 solamente, no desde el inicio del año del plan (enero de 2019): elija “Desde” "
    "enero de 2019 para el avance del año.",
}

FROM_MAY = {
    "en": "Progress against the plan’s targets counts the people reached from May 2019 only, "
    "not from the start of the plan year (January 2019).",
    "es": "El avance respecto a las metas del plan cuenta las personas alcanzadas desde mayo "
    "de 2019 solamente, no desde el inicio del año del plan (enero de 2019).",
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_period_after_the_plan_years_start_says_progress_counts_from_it(
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    lang: str,
) -> None:
    """The tester's /?from=2019-11&to=2019-12: "12,592 / 180,000 / 7.0%" with no note, where
    the CLI and the API say progress counts the people reached from 2019-11 only."""
    target(platform, people_targeted=1000, people_in_need=2000)
    rows(platform, org_a, month="2019-05")
    rows(platform, org_a, month="2019-06")
    publish(platform, "2019-05", "2019-06")
    # January not published: the year's progress cannot be asked for, only said to be partial.
    assert FROM_MAY[lang] in panel(client, "from=2019-01&to=2019-06", lang)
    publish(platform, *(f"2019-0{m}" for m in range(1, 5)))  # published, no rows
    query = "from=2019-06&to=2019-06"
    assert PARTIAL[lang] in panel(client, query, lang)
    assert head_notes(download(client, "targets", query, lang), lang) == [PARTIAL[lang]]
    assert head_notes(download(client, "sectors", query, lang), lang) == []  # no targets there
    whole = "from=2019-01&to=2019-06"  # from the plan year's start: nothing to say
    assert "Progress against the plan’s targets counts" not in panel(client, whole)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "There is no plan for 2020: progress is against the 2019 plan’s people in need and "
            "targets.",
        ),
        (
            "es",
            "No hay plan para 2020: el avance se mide con las personas con necesidades y las "
            "metas del plan 2019.",
        ),
    ],
)
def test_progress_against_an_earlier_years_plan_says_so(  # noqa: PLR0913
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    lang: str,
    said: str,
) -> None:
    """The tester's January 2020 before any 2020 plan: "1,234,567 / 150,000 / 823.0%"
    against the 2019 plan, no word."""
    target(platform, people_targeted=1000, people_in_need=2000)
    rows(platform, org_a, month="2020-01")
    publish(platform, "2020-01")
    query = "from=2020-01&to=2020-01"
    data = client.get(f"{BASE}data.json?{query}", HTTP_ACCEPT_LANGUAGE=lang).json()
    assert [r["targeted"] for r in data["targets"]] == [1000]  # the 2019 plan's target …
    assert data["targets_notes"] == [said]  # … said to be it
    assert said in panel(client, query, lang)
    assert said in head_notes(download(client, "targets", query, lang), lang)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "1 stored row with accepted errors not counted"),
        ("es", "1 fila guardada con errores aceptados no se cuenta"),
    ],
)
def test_rows_stored_with_accepted_errors_are_said_not_counted(  # noqa: PLR0913
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    lang: str,
    said: str,
) -> None:
    """The tester's 2020-09: 40 people shown and the 100-person row left out without a word;
    the CLI says "1 stored row with accepted errors not counted"."""
    stored = rows(platform, org_a, month="2019-05", count=2)
    rows(platform, org_a, month="2019-06")
    first = Activity.objects.filter(submission=stored).order_by("row").first()
    assert first is not None
    Activity.objects.filter(pk=first.pk).update(issues=["invalid-number"], has_error=True)
    publish(platform, "2019-05", "2019-06")
    query = "from=2019-05&to=2019-05"
    assert said in panel(client, query, lang)
    for name in ("sectors", "admin1", "breakdown", "targets"):
        assert head_notes(download(client, name, query, lang), lang) == [said], name
    assert said not in panel(client, "from=2019-06&to=2019-06", lang)  # not June's
    # The organisation's own rows: still its row left out.
    assert said in panel(client, f"{query}&org={org_a.key}", lang)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "Above the sum of the sectors: the method rounds each population, age and sex "
            "group to whole people.",
        ),
        (
            "es",
            "Por encima de la suma de los sectores: el método redondea cada grupo de "
            "población, edad y sexo a personas enteras.",
        ),
    ],
)
def test_an_intersector_above_its_sectors_is_said_in_tables_and_downloads(  # noqa: PLR0913
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    lang: str,
    said: str,
) -> None:
    """The tester's sectors.csv "Protection 2 … Total, without double counting 4" and
    breakdown.csv "Girls 2, Boys 2" (1 each reported), printed silently."""
    two = {"total_monthly": 2, "new_beneficiaries": 2, "in_destination": 1, "in_transit": 1}
    Activity.objects.filter(submission=rows(platform, org_a, month="2019-05")).update(
        **two, women=0, girls=1, boys=1
    )
    publish(platform, "2019-05")
    query = "from=2019-05&to=2019-05"
    page = client.get(f"{BASE}panel/?{query}", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    notes = re.findall(r'<p class="muted small figure-note">([^<]*)</p>', page)
    assert [html.unescape(n) for n in notes] == [said, said]  # sectors, breakdown
    for name in ("sectors", "breakdown"):
        assert head_notes(download(client, name, query, lang), lang) == [said], name
    assert head_notes(download(client, "admin1", query, lang), lang) == []
    sector = f"{query}&sector=PRO"  # the sector's own figure: nothing to say
    assert head_notes(download(client, "sectors", sector, lang), lang) == []


# The notes whose text the dashboard shows as the figures give it (the others say how to ask
# for other figures in the page's words: the tests above), with values of each kind.
NOTE_VALUES: dict[str, dict[str, Any]] = {
    "other_years": {"first": "2018-12", "last": "2018-12", "start": "2019-01", "end": "2019-05"},
    "unresolved": {},
    "proportions_missing": {"cells": "PE15 × PRO × in_destination"},
    "unnamed_partners": {},
    "rmrp_unanswered": {},
    "unlisted_indicators": {"people": {"en": "1,200", "es": "1200"}, "codes": "X-01"},
    "area_targets_unknown": {"units": "PE15", "sectors": "PRO"},
    "accepted_errors": {},
}
PROGRESS = {"area_targets_unknown"}


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    drawn=st.dictionaries(st.sampled_from(sorted(NOTE_VALUES)), st.integers(1, 3000)),
    lang=st.sampled_from(["en", "es"]),
)
def test_every_note_of_the_figures_is_on_the_page_and_in_its_tables_downloads(  # noqa: PLR0913
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    monkeypatch: pytest.MonkeyPatch,
    drawn: dict[str, int],
    lang: str,
) -> None:
    """Whatever notes the figures have: each is on the page, in its language, and in the
    downloads of the tables it qualifies (progress notes: the targets table's only)."""
    from kipu.web.site import dashboard as board_data

    board_data._CACHE.clear()
    if not Submission.objects.filter(platform=platform).exists():
        target(platform, people_targeted=1000)
        rows(platform, org_a, month="2019-01")
        publish(platform, "2019-01")
    notes = [note(key, n, **NOTE_VALUES[key]) for key, n in sorted(drawn.items())]
    computed = board_data.compute_figures

    def with_notes(*args: Any, **kwargs: Any) -> Any:
        figures = computed(*args, **kwargs)
        figures.notes = list(notes)
        return figures

    monkeypatch.setattr(board_data, "compute_figures", with_notes)
    query = "from=2019-01&to=2019-01"
    text = panel(client, query, lang)
    general = [n.text(lang) for n in notes if n.key not in PROGRESS]
    progress = [n.text(lang) for n in notes if n.key in PROGRESS]
    for said in general + progress:
        assert re.sub(r"\s+", " ", said) in text
    for name in ("sectors", "admin1", "breakdown"):
        assert head_notes(download(client, name, query, lang), lang) == general, name
    assert head_notes(download(client, "targets", query, lang), lang) == general + progress


def test_a_note_keeps_its_key_through_pickling() -> None:
    """Figures are cached between processes: a note read back is still placed by its key."""
    import pickle

    said = note("accepted_errors", 2)
    again = pickle.loads(pickle.dumps(said))
    assert isinstance(again, Note) and again.key == "accepted_errors"
    assert (str(again), again.text("es")) == (str(said), said.text("es"))


def test_every_target_of_the_plan_is_listed_with_dashes_for_values_not_set(
    client: Client, platform: Platform, org_a: Organisation, rows: Callable[..., Submission]
) -> None:
    """The tester's plan with people in need and no people targeted (and 0 and 0 for
    another sector): "The plan sets no targets for these filters"; the API lists them."""
    target(platform, "PRO", people_in_need=500_000)
    target(platform, "WASH", people_in_need=0, people_targeted=0)
    target(platform, "PRO-CP", budget_usd=1000)
    rows(platform, org_a, "PRO+WASH", month="2019-05", count=2)
    publish(platform, "2019-05")
    query = "from=2019-01&to=2019-05"
    text = panel(client, query)
    assert "The plan sets no targets" not in text
    page = client.get(f"{BASE}panel/?{query}").content.decode()
    table = re.search(r'<table class="targets">.*?</table>', page, re.S)
    assert table, "the plan's targets are shown"
    found = {
        code: [re.sub(r"<[^>]+>", "", c).strip() for c in cells]
        for code, cells in (
            (m.group(1), re.findall(r'<td class="num">(.*?)</td>', m.group(2), re.S))
            for m in re.finditer(r'<tr data-code="([^"]*)">(.*?)</tr>', table.group(0), re.S)
        )
    }
    assert found["PRO"] == ["4", "–", "–", "500,000"]  # targeted not set: "–", not 0
    assert found["WASH"] == ["4", "0", "–", "0"]  # set to 0: 0, and no share of 0
    assert found["PRO-CP"] == ["–", "–", "–", "–"]  # a budget only, no row
    data = {r["code"]: r for r in client.get(f"{BASE}data.json?{query}").json()["targets"]}
    assert (data["PRO"]["targeted"], data["PRO"]["in_need"]) == (None, 500_000)
    table_rows = {r[0]: r for r in download(client, "targets", query)[-3:]}
    assert table_rows["PRO"][2:] == ["4", "", "", "500000", "0.0010"]  # 0.0008: `csv_number`


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_target_percentages_are_rounded_as_the_page_shows_them(
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    ext: str,
) -> None:
    """The tester's targets.csv 56.971111111111114: one decimal, as the page; where one
    decimal would read 0 (4 of 48,000: 0.0083), the first decimal that does not."""
    target(platform, people_targeted=7, people_in_need=48_000)
    rows(platform, org_a, month="2019-05")
    publish(platform, "2019-05")
    body = client.get(f"{BASE}table/targets.{ext}?from=2019-01&to=2019-05").content
    if ext == "csv":
        last = list(csv.reader(io.StringIO(body.decode())))[-1]
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body)).active
        assert sheet is not None
        last = [str(c) for c in list(sheet.iter_rows(values_only=True))[-1]]
    assert last[:7] == ["PRO", "Protection", "4", "7", "57.1", "48000", "0.01"]


def test_the_page_counts_as_the_api_with_the_plans_proportions(
    client: Client, platform: Platform, org_a: Organisation, rows: Callable[..., Submission]
) -> None:
    """Max-cell splits rows without an age/sex breakdown with the plan's proportions: the
    API, report and open data did, the dashboard did not (its Intersector differed)."""
    from kipu.web.figures.queries import platform_figures
    from kipu.web.locations.models import Location
    from kipu.web.plans.models import Proportion

    stored = rows(platform, org_a, "PRO-CP+WASH", month="2019-05", count=2)
    Activity.objects.filter(submission=stored).update(women=0)  # no age/sex breakdown
    admin1 = Location.objects.filter(country="PER", level=1).order_by("pcode").first()
    for code, shares in (("PRO-CP", (0.5, 0.5, 0, 0)), ("WASH", (0, 0, 0.5, 0.5))):
        sector = Sector.objects.get(plan__platform=platform, code=code)
        girls, boys, women, men = shares
        Proportion.objects.create(plan=sector.plan, sector=sector, admin1=admin1,
                                  population_type="in_destination", girls=girls, boys=boys,
                                  women=women, men=men)  # fmt: skip
    publish(platform, "2019-05")
    expected = platform_figures(platform, date_from="2019-05", date_to="2019-05").reached()
    data = client.get(f"{BASE}data.json?from=2019-05&to=2019-05").json()
    assert expected == 8  # each sector's 4 people in cells the other's has none of
    assert data["key_figures"]["people_reached"] == expected, data["key_figures"]


def test_a_month_not_published_is_not_said_unreported(
    client: Client, platform: Platform, org_a: Organisation, rows: Callable[..., Submission]
) -> None:
    """The public view leaves out a month not published ("not counted"): no row of it is in
    the figures, which said "No rows were reported for 2019-06" of a month with rows."""
    for month in ("2019-05", "2019-06", "2019-07"):
        rows(platform, org_a, month=month)
    publish(platform, "2019-05", "2019-07")
    text = panel(client, "from=2019-05&to=2019-07")
    assert "No rows were reported" not in text
    Submission.objects.filter(month="2019-06").delete()
    publish(platform, "2019-06")
    from kipu.web.site import dashboard as board_data

    board_data._CACHE.clear()
    assert "No rows were reported for 2019-06" in panel(client, "from=2019-05&to=2019-07")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Not published, so not counted: June 2019."),
        ("es", "No publicado, por eso no contado: junio de 2019."),
    ],
)
def test_a_download_says_the_months_it_leaves_out(  # noqa: PLR0913
    client: Client,
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., Submission],
    lang: str,
    said: str,
) -> None:
    """The page said "Not published, so not counted: February 2020"; its downloads gave the
    period's totals without February and no word (a re-tester's)."""
    for month in ("2019-05", "2019-06", "2019-07"):
        rows(platform, org_a, month=month)
    publish(platform, "2019-05", "2019-07")
    for name in ("sectors", "targets"):
        assert said in head_notes(download(client, name, "from=2019-05&to=2019-07", lang), lang)
        assert said in head_notes(download(client, name, "from=2019-06&to=2019-06", lang), lang)
