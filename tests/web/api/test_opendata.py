"""Figures for the public (published months only), open-data packages of published months,
and `kipu export`."""

from __future__ import annotations

import csv
import io
import json

import frictionless
import hxl
import polars as pl
import pytest
from click.testing import CliRunner

from kipu.cli.export import export
from kipu.core.schema import COLUMNS
from kipu.core.surveys.fivew_disclosure import protect_activities
from kipu.core.validation import validate_file
from kipu.web.api.opendata import FIGURE_COLUMNS
from kipu.web.figures.queries import platform_figures
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.models import Activity
from kipu.web.submissions.months import lock_month, publish_month
from kipu.web.submissions.queries import activity_frame

pytestmark = pytest.mark.django_db


def content(response) -> bytes:  # noqa: ANN001
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- figures ---------------------------------------------------------------------------------


def test_anyone_gets_figures_of_published_months(api, data, platform) -> None:  # noqa: ANN001
    body = api(None).get("/api/v1/figures?platform=gtrm-test").json()
    assert (body["from"], body["to"], body["published_only"]) == ("2019-05", "2019-05", True)
    expected = platform_figures(platform, date_from="2019-05", date_to="2019-05").to_json()
    expected = json.loads(json.dumps(expected, default=str))

    def key(row: dict) -> str:
        return json.dumps(row, sort_keys=True)

    # The engine's nested tables come in no promised order: compare them as sets.
    assert sorted(body["rows"], key=key) == sorted(expected["rows"], key=key)
    for name in ("appealing", "implementing", "union"):
        assert body["partners"][name] == expected["partners"][name]
    assert body["coverage"]["admin1"] == expected["coverage"]["admin1"]
    assert set(body) - {"published_only"} == set(expected)


@pytest.mark.parametrize("actor", ["anonymous", "viewer", "partner_a", "coordinator"])
def test_unpublished_months_are_refused_with_their_names(request, api, data, actor: str) -> None:  # noqa: ANN001
    client = api(request.getfixturevalue(actor))
    response = client.get("/api/v1/figures?from=2019-04&to=2019-06")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "unpublished-months"
    assert error["details"] == {"months": ["2019-04", "2019-06"], "published": ["2019-05"]}
    assert client.get("/api/v1/figures?from=2019-05&to=2019-05").status_code == 200


def test_the_default_period_is_the_last_published_run_of_months(
    api, data, platform, admin, rows, org_b
) -> None:  # noqa: ANN001
    """A month reopened inside the year made the default period (no from, no to) answer 403
    to the public: it now starts after the last month not published."""
    from kipu.web.submissions.months import reopen_month

    rows(platform, org_b, "PRO", "2019-07", 1)
    for month in ("2019-04", "2019-06", "2019-07"):  # the data's months, and one more
        lock_month(platform, month, admin)
        publish_month(platform, month, admin)
    body = api(None).get("/api/v1/figures?platform=gtrm-test").json()
    assert (body["from"], body["to"]) == ("2019-04", "2019-07")
    reopen_month(platform, "2019-05", admin, "a correction")
    body = api(None).get("/api/v1/figures?platform=gtrm-test").json()
    assert (body["from"], body["to"]) == ("2019-06", "2019-07")
    refused = api(None).get("/api/v1/figures?platform=gtrm-test&from=2019-04")
    assert refused.status_code == 403 and refused.json()["error"]["details"]["months"] == [
        "2019-05"
    ]


def test_totals_after_a_reopened_month_say_where_they_start(
    data, platform, admin, rows, org_b, tmp_path
) -> None:  # noqa: ANN001
    """With June reopened, the open data's "Consolidated total" of November counted from July
    only, under the year's label, beside the report's total of the year (a tester): the
    package and the command say where the totals start, and that they are not the year's."""
    from kipu.web.api.datapackage import descriptor
    from kipu.web.submissions.months import reopen_month

    rows(platform, org_b, "PRO", "2019-07", 1)
    for month in ("2019-04", "2019-06", "2019-07"):
        lock_month(platform, month, admin)
        publish_month(platform, month, admin)
    figures = {r["name"]: r for r in descriptor(platform, "2019-07")["resources"]}["figures"]
    # January to March are not published, and hold no row: the totals are the year's.
    assert figures["description"] == "Consolidated totals count from 2019-01 to 2019-07."
    reopen_month(platform, "2019-05", admin, "a correction")
    figures = {r["name"]: r for r in descriptor(platform, "2019-07")["resources"]}["figures"]
    assert "from 2019-06 to 2019-07 only: 2019-05 is not published" in figures["description"]
    said = CliRunner().invoke(
        export, ["--month", "2019-07", "--table", "figures", "-o", str(tmp_path / "f.csv")]
    )
    assert said.exit_code == 0, said.output
    assert "note: Consolidated totals count from 2019-06 to 2019-07 only" in said.output


@pytest.mark.parametrize("actor", [None, "partner_a", "admin"])
def test_a_period_across_plan_years_is_refused_and_one_bound_stays_in_its_year(
    request, api, data, platform, admin, rows, org_a, actor: str | None
) -> None:  # noqa: ANN001
    """Before, people reached from one year to the next were the last year's alone (0 with no
    rows); then `from` alone was refused to the public, whose `to` was the last published."""
    rows(platform, org_a, "PRO", "2020-01", 1)
    lock_month(platform, "2020-01", admin)
    publish_month(platform, "2020-01", admin)
    client = api(request.getfixturevalue(actor) if actor else None)
    across = client.get("/api/v1/figures?from=2019-05&to=2020-01")
    assert across.status_code == 400 and "spans two plan years" in across.json()["error"]["message"]
    alone = client.get("/api/v1/figures?from=2019-05")
    assert alone.status_code == 200, alone.json()
    assert alone.json()["to"] <= "2019-12"
    later = client.get("/api/v1/figures?to=2020-01").json()
    assert later["from"] == "2020-01"


def test_the_im_team_computes_any_period_and_with_issues(api, data, admin) -> None:  # noqa: ANN001
    body = api(admin).get("/api/v1/figures?from=2019-05&to=2019-06&include_issues=true").json()
    assert body["published_only"] is False
    assert {r["month"] for r in body["rows"]} == {"2019-05", "2019-06"}


def test_issues_only_for_the_im_team(api, data, viewer) -> None:  # noqa: ANN001
    response = api(viewer).get("/api/v1/figures?include_issues=true")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_nothing_published_yet(api, platform) -> None:  # noqa: ANN001
    response = api(None).get("/api/v1/figures")
    assert response.status_code == 403 and response.json()["error"]["details"]["months"] == []


def test_figures_csv_and_xlsx_with_hxl(api, data, tmp_path) -> None:  # noqa: ANN001
    text = content(api(None).get("/api/v1/figures?format=csv")).decode()
    path = tmp_path / "figures.csv"
    path.write_text(text, encoding="utf-8")
    dataset = hxl.data(str(path), hxl.InputOptions(allow_local=True))
    assert [c.display_tag for c in dataset.columns] == [c.hxl for c in FIGURE_COLUMNS]
    intersector = [r for r in dataset if r.get("#sector+name") == "Intersector"]
    assert intersector and all(r.get("#date+month") == "2019-05" for r in intersector)
    spanish = content(api(None).get("/api/v1/figures?format=csv&lang=es&hxl=0")).decode()
    assert spanish.startswith("Código de país,País") and "#country" not in spanish
    xlsx = api(None).get("/api/v1/figures?format=xlsx")
    assert content(xlsx)[:2] == b"PK"


def test_a_published_month_without_rows_says_its_zeros_count_nobody(
    api, data, platform, admin, tmp_path
) -> None:  # noqa: ANN001
    """July published with no submission: its figures.csv rows had monthly total 0 and new 0
    with nothing said, read as "0 reached". The rows' checks, the package's descriptions, the
    API's CSV and the command say no rows were reported; the cumulative stays carried."""
    from kipu.web.api.datapackage import descriptor

    for month in ("2019-04", "2019-06", "2019-07"):
        lock_month(platform, month, admin)
        publish_month(platform, month, admin)
    package = api(None).get("/api/v1/opendata/gtrm-test/2019-07/figures.csv")
    rows = list(csv.DictReader(io.StringIO(content(package).decode())))[1:]  # after HXL
    assert rows and all(r["Checks"].endswith("no rows reported this month") for r in rows)
    assert all(r["Monthly total beneficiaries"] == "0" for r in rows)
    assert any(int(r["Consolidated total"]) > 0 for r in rows)  # carried forward
    june = content(api(None).get("/api/v1/opendata/gtrm-test/2019-06/figures.csv")).decode()
    assert "no rows reported" not in june
    said = "No rows were reported for 2019-07: its monthly values are 0 because nothing was"
    made = descriptor(platform, "2019-07")
    assert said in made["description"]
    resources = {r["name"]: r["description"] for r in made["resources"]}
    assert (
        said in resources["figures"]
        and "No activities were reported for 2019-07" in (resources["activities"])
    )
    assert said not in descriptor(platform, "2019-06")["description"]
    spanish = content(
        api(None).get("/api/v1/figures?format=csv&lang=es&from=2019-06&to=2019-07&hxl=0")
    ).decode()
    july = [r for r in csv.DictReader(io.StringIO(spanish)) if r["Mes"] == "2019-07"]
    assert july and all("no se reportaron filas este mes" in r["Verificaciones"] for r in july)
    note = CliRunner().invoke(export, ["--month", "2019-07", "--table", "figures", "--lang",
                                       "es", "-o", str(tmp_path / "f.csv")])  # fmt: skip
    assert "nota: No se reportaron filas para 2019-07" in note.output, note.output


def test_spanish_figures_name_sectors_country_and_checks_in_spanish(
    api, data, platform, tmp_path
) -> None:  # noqa: ANN001
    """The API's and `kipu export`'s Spanish figures had Spanish headers over "Protection",
    "Peru" and "Intersector": the plan's Spanish names, the country's, "Intersectorial" (a
    sector without a Spanish name keeps its own: WASH)."""
    import openpyxl

    spanish = content(api(None).get("/api/v1/figures?format=csv&lang=es&hxl=0")).decode()
    rows = list(csv.reader(io.StringIO(spanish)))[1:]
    assert {r[6] for r in rows} == {"Protección", "Water, sanitation, hygiene", "Intersectorial"}
    assert {r[1] for r in rows} == {"Perú"}
    assert "Protection" not in spanish and "Intersector," not in spanish
    english = content(api(None).get("/api/v1/figures?format=csv&hxl=0")).decode()
    assert "Protection" in english and "Peru" in english and "Intersector" in english
    book = content(api(None).get("/api/v1/figures?format=xlsx&lang=es"))
    (tmp_path / "f.xlsx").write_bytes(book)
    cells = {c for r in openpyxl.load_workbook(tmp_path / "f.xlsx").active.iter_rows(
        values_only=True) for c in r}  # fmt: skip
    assert {"Protección", "Perú", "Intersectorial"} <= cells and "Protection" not in cells
    written = CliRunner().invoke(export, ["--month", "2019-05", "--table", "figures", "--lang",
                                          "es", "-o", str(tmp_path / "f.csv")])  # fmt: skip
    assert written.exit_code == 0, written.output
    assert (tmp_path / "f.csv").read_text(encoding="utf-8").count("Protección") == spanish.count(
        "Protección"
    )


# --- data packages ---------------------------------------------------------------------------


def test_packages_exist_for_published_months_only(api, data, admin) -> None:  # noqa: ANN001
    listing = api(None).get("/api/v1/opendata/gtrm-test").json()
    assert [p["month"] for p in listing["results"]] == ["2019-05"]
    for name in ("datapackage.json", "activities.csv", "figures.csv"):
        response = api(admin).get(f"/api/v1/opendata/gtrm-test/2019-06/{name}")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not-published"
    assert api(None).get("/api/v1/opendata/nope/2019-05/datapackage.json").status_code == 404


def test_served_package_validates_with_frictionless(api, data, tmp_path) -> None:  # noqa: ANN001
    client = api(None)
    base = "/api/v1/opendata/gtrm-test/2019-05/"
    descriptor = client.get(base + "datapackage.json").json()
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0" and descriptor["sources"]
    # An Admin2 withheld by the disclosure rule is said, not left to read as never given.
    activities = descriptor["resources"][0]
    (admin2,) = [f for f in activities["schema"]["fields"] if f["title"] == "admin2"]
    assert "withheld" in admin2["description"] and "withheld" in activities["description"]
    for name in ("datapackage.json", "activities.csv", "figures.csv"):
        (tmp_path / name).write_bytes(content(client.get(base + name)))
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldNumber", "type", "note"])[:5]
    rows = (tmp_path / "activities.csv").read_text().splitlines()
    assert len(rows) == 2 + 5 and "PB WASH" in "".join(rows)  # May only, every organisation


def test_package_leaves_out_rows_stored_with_accepted_errors(api, data) -> None:  # noqa: ANN001
    """As figures do: a row with an accepted error is left out, a row with warnings only is
    counted (it was left out of activities.csv while figures.csv counted it)."""
    month = Activity.objects.filter(month="2019-05")
    month.filter(activity_name="PA PRO 0").update(issues=["invalid-number"], has_error=True)
    month.filter(activity_name="PA PRO 1").update(issues=["code-zeros-restored"])
    text = content(api(None).get("/api/v1/opendata/gtrm-test/2019-05/activities.csv")).decode()
    assert "PA PRO 0" not in text and "PA PRO 1" in text


def test_export_command(data, platform, tmp_path) -> None:  # noqa: ANN001
    runner = CliRunner()
    refused = runner.invoke(export, ["--month", "2019-06", "--format", "datapackage",
                                     "-o", str(tmp_path / "p")])  # fmt: skip
    assert refused.exit_code == 1 and "not published" in refused.output
    made = runner.invoke(export, ["--month", "2019-05", "--format", "datapackage",
                                  "-o", str(tmp_path / "pkg")])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert frictionless.validate(str(tmp_path / "pkg" / "datapackage.json")).valid
    for fmt, lang in (("csv", "es"), ("xlsx", "en")):
        result = runner.invoke(export, ["--month", "2019-06", "--format", fmt, "--lang", lang,
                                        "-o", str(tmp_path / f"june.{fmt}")])  # fmt: skip
        assert result.exit_code == 0 and "4 activities written" in result.output
    assert (tmp_path / "june.csv").read_text().startswith(COLUMNS[0].label_es)
    assert (tmp_path / "june.xlsx").read_bytes().startswith(b"PK")
    figures = runner.invoke(export, ["--month", "2019-05", "--table", "figures",
                                     "-o", str(tmp_path / "fig.csv")])  # fmt: skip
    assert figures.exit_code == 0 and (tmp_path / "fig.csv").exists()


def test_a_package_that_cannot_be_finished_leaves_the_folder_as_it_was(
    data,  # noqa: ANN001
    platform,  # noqa: ANN001
    tmp_path,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """All three files or none: a full disk after activities.csv used to leave it beside
    last month's figures.csv and datapackage.json."""
    from kipu.web.api import datapackage

    folder = tmp_path / "out" / "open-data"
    assert datapackage.write_package(platform, "2019-05", folder) == folder / "datapackage.json"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert sorted(before) == ["activities.csv", "datapackage.json", "figures.csv"]

    def disk_full(*_: object) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(datapackage, "figures_csv", disk_full)
    with pytest.raises(OSError, match="No space"):
        datapackage.write_package(platform, "2019-06", folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in folder.parent.iterdir()] == ["open-data"]


# --- the demonstration platform --------------------------------------------------------------


@pytest.fixture
def demo_platform(db, tmp_path, monkeypatch):  # noqa: ANN001
    from kipu.web.site.services import load_demo

    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    platform = load_demo()
    for number in range(1, 12):
        lock_month(platform, f"2019-{number:02d}", "test")
        publish_month(platform, f"2019-{number:02d}", "test")
    return platform


@pytest.mark.slow
def test_demo_figures_open_data_and_round_trip(api, demo_platform, tmp_path) -> None:  # noqa: ANN001
    client = api(None)
    body = client.get("/api/v1/figures?platform=gtrm-peru&from=2019-01&to=2019-11").json()
    expected = platform_figures(demo_platform, date_from="2019-01", date_to="2019-11")
    assert body["partners"]["appealing"] == expected.to_json()["partners"]["appealing"]
    assert len(body["rows"]) == expected.rows.height
    base = "/api/v1/opendata/gtrm-peru/2019-11/"
    for name in ("datapackage.json", "activities.csv", "figures.csv"):
        (tmp_path / name).write_bytes(content(client.get(base + name)))
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldNumber", "type", "note"])[:5]
    # The month's open data read back through the 5W reader equal the store.
    read = validate_file(tmp_path / "activities.csv", reference_data(demo_platform, 2019))
    assert not read.report.errors
    names = [c.name for c in COLUMNS]
    text = [c for c in names if read.rows.schema[c] == pl.Utf8]
    order = ["appealing_org", "admin1", "admin2", "indicator", "activity_name", "total_monthly"]
    got = read.rows.select(names).with_columns(pl.col(text).fill_null("")).sort(order)
    stored = activity_frame(
        demo_platform, month_from="2019-11", month_to="2019-11", with_issues=False
    )
    # …under the disclosure rule: rows of 1-4 people in a province at department level.
    stored = protect_activities(stored, 5)
    want = stored.select(names).with_columns(pl.col(text).fill_null("")).sort(order)
    assert got.equals(want)


@pytest.mark.slow
def test_public_figures_name_no_province_the_open_data_withholds(api, demo_platform) -> None:  # noqa: ANN001
    """Partners by province and the provinces reached, in the public figures of a month, are
    those of the rows as `activities.csv` shows them: from every row, they named the province
    of rows whose Admin2 the disclosure rule withholds."""
    body = api(None).get("/api/v1/figures?platform=gtrm-peru&from=2019-11&to=2019-11").json()
    rows = activity_frame(demo_platform, month_from="2019-11", month_to="2019-11")
    shown = protect_activities(rows, 5).filter(pl.col("admin2").is_not_null())
    counts = shown.group_by("admin2").agg(pl.col("appealing_org").n_unique())
    expected = dict(counts.iter_rows())
    got = {r["admin2"]: r["appealing"] for r in body["partners"]["by_admin2"] if r["appealing"]}
    assert got == expected
    assert body["coverage"]["admin2_units"] == sorted(expected)
    assert body["coverage"]["admin2"] == len(expected)
    # The IM team's figures count every row's province.
    whole = platform_figures(demo_platform, date_from="2019-11", date_to="2019-11")
    every = {r["admin2"]: r["appealing"] for r in whole.partners["by_admin2"].iter_rows(named=True)}
    assert {k: v for k, v in every.items() if v} != got  # the rule left some out


@pytest.mark.slow
def test_activities_outside_the_callers_remit_are_as_the_open_data_shows_them(
    api, demo_platform
) -> None:  # noqa: ANN001
    """Every token holder got the province of all 93 rows activities.csv withholds in the
    demo month. Now a viewer gets them as the open data does, a partner its own rows in full
    and the others' as the open data does, the IM team every row."""
    from django.contrib.auth.models import User

    from kipu.web.accounts.services import assign_role
    from kipu.web.platforms.models import Organisation

    rows = activity_frame(demo_platform, month_from="2019-11", month_to="2019-11")
    shown = protect_activities(rows, 5)
    withheld = rows.height - shown["admin2"].count() - rows["admin2"].null_count()
    assert withheld > 0
    # An organisation some of whose own rows the open data withholds (the first row's, as
    # PostgreSQL returned them, was not always one: the test failed there once).
    keys = sorted(set(rows["appealing_org"].drop_nulls().to_list()))
    key = next(
        k for k in keys
        if protect_activities(rows, 5, pl.col("appealing_org") == k)["admin2"].count()
        > shown["admin2"].count()
    )  # fmt: skip
    own = Organisation.objects.get(external_id=key)
    users = {}
    for role in ("viewer", "partner", "admin"):
        users[role] = User.objects.create_user(f"api-{role}", password="x" * 12)
        extra = {"organisation": own} if role == "partner" else {}
        assign_role(users[role], demo_platform, role, **extra)
    query = "/api/v1/activities?platform=gtrm-peru&from=2019-11&to=2019-11"
    mine = pl.col("appealing_org") == own.key
    expected = {
        "viewer": shown["admin2"].count(),
        "partner": protect_activities(rows, 5, mine)["admin2"].count(),
        "admin": rows["admin2"].count(),
    }
    assert expected["viewer"] < expected["partner"] <= expected["admin"]
    for role, count in expected.items():
        client = api(users[role])
        csv_rows = pl.read_csv(content(client.get(query + "&format=csv&hxl=false")))
        placed = [r for r in client.get(query + "&page_size=1000").json()["results"]]
        assert sum(r["admin2"] is not None for r in placed) == count, role
        assert csv_rows.height == rows.height
        assert csv_rows[next(c for c in csv_rows.columns if "Admin2" in c)].count() == count
