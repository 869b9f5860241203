"""Stored activities read back exactly as written (on PostgreSQL they travel through COPY as
CSV), and the reference columns the database does not check as foreign keys are checked and
held by the import itself."""

from __future__ import annotations

import threading

import polars as pl
import psycopg
import pytest
from django.db import connection, transaction
from django.db.models import ProtectedError

from kipu.core.export import table_rows, write_xlsx
from kipu.core.frame import activity_frame
from kipu.web.plans.models import Indicator
from kipu.web.platforms.models import Organisation
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions import services
from kipu.web.submissions.imports import import_file
from kipu.web.submissions.models import REFERENCE_COLUMNS, Activity

BASE = {
    "row": 1,
    "country": "PER",
    "admin1": "PE15",
    "appealing_org": "ORG901",
    "month": "2019-11",
    "sector": "PRO",
    "indicator": "PRO-01",
}

AWKWARD = [
    {
        **BASE,
        "row": 7,
        "admin2": "PE1501",
        "implementation": True,
        "implementing_partner": "ORG902",
        "activity_name": 'Kits "básicos", fase 2; Lima\\Callao',
        "activity_description": "línea uno\nlínea dos\ttab, coma\r\n=SUM(A1) ¿ñ? 😀",
        "rmrp_activity": True,
        "covid19": False,
        "value_usd": 1234.56,
        "delivery_mechanism": "Cash",
        "total_monthly": 9_000_000_000,
        "girls": 1,
    },
    {
        **BASE,
        "row": 8,
        "activity_name": "",
        "activity_description": None,
        "implementation": None,
        "value_usd": 0.1,
        "delivery_mechanism": None,
    },
    {**BASE, "row": 9, "activity_name": "NULL", "activity_description": "\\N", "value_usd": None},
]

STORED_FIELDS = (
    "row",
    "admin2__pcode",
    "implementation",
    "implementing_partner__external_id",
    "activity_name",
    "activity_description",
    "rmrp_activity",
    "covid19",
    "support_space",
    "value_usd",
    "delivery_mechanism",
    "total_monthly",
    "girls",
    "issues",
)


@pytest.mark.django_db
def test_awkward_values_read_back_exactly(make_platform) -> None:  # noqa: ANN001
    platform = make_platform()
    org = Organisation.objects.get(external_id="ORG901")
    submission = services.store_submission(platform, org, "2019-11", activity_frame(AWKWARD))
    stored = list(
        Activity.objects.filter(submission=submission).order_by("row").values(*STORED_FIELDS)
    )
    assert stored == [
        {
            "row": 7,
            "admin2__pcode": "PE1501",
            "implementation": True,
            "implementing_partner__external_id": "ORG902",
            "activity_name": 'Kits "básicos", fase 2; Lima\\Callao',
            "activity_description": "línea uno\nlínea dos\ttab, coma\r\n=SUM(A1) ¿ñ? 😀",
            "rmrp_activity": True,
            "covid19": False,
            "support_space": None,
            "value_usd": 1234.56,
            "delivery_mechanism": "Cash",
            "total_monthly": 9_000_000_000,
            "girls": 1,
            "issues": [],
        },
        {
            "row": 8,
            "admin2__pcode": None,
            "implementation": None,
            "implementing_partner__external_id": None,
            "activity_name": "",
            "activity_description": "",
            "rmrp_activity": None,
            "covid19": None,
            "support_space": None,
            "value_usd": 0.1,
            "delivery_mechanism": "",
            "total_monthly": 0,
            "girls": 0,
            "issues": [],
        },
        {
            "row": 9,
            "admin2__pcode": None,
            "implementation": None,
            "implementing_partner__external_id": None,
            "activity_name": "NULL",
            "activity_description": "\\N",
            "rmrp_activity": None,
            "covid19": None,
            "support_space": None,
            "value_usd": None,
            "delivery_mechanism": "",
            "total_monthly": 0,
            "girls": 0,
            "issues": [],
        },
    ]


@pytest.mark.django_db
def test_accepted_issue_codes_are_stored_per_row(make_platform) -> None:  # noqa: ANN001
    platform = make_platform()
    org = Organisation.objects.get(external_id="ORG901")
    rows = activity_frame(AWKWARD[:2]).with_columns(
        issue_codes=pl.Series([["sum-mismatch", "age-gender"], []])
    )
    submission = services.store_submission(platform, org, "2019-11", rows, accepted_issues=True)
    assert list(submission.activities.order_by("row").values_list("issues", flat=True)) == [
        ["sum-mismatch", "age-gender"],
        [],
    ]


@pytest.mark.django_db
def test_rows_naming_unknown_reference_data_store_nothing(make_platform) -> None:  # noqa: ANN001
    platform = make_platform()
    org = Organisation.objects.get(external_id="ORG901")
    for wrong in ({"indicator": "NOPE-99"}, {"appealing_org": "ORG999"}, {"admin1": "XX99"}):
        with pytest.raises(ValueError, match="not in the platform's reference data"):
            services.store_submission(platform, org, "2019-11", activity_frame([{**BASE, **wrong}]))
    assert not Activity.objects.exists()
    assert not org.submissions.exists()


@pytest.mark.django_db
def test_reference_rows_that_activities_name_cannot_be_deleted(make_platform) -> None:  # noqa: ANN001
    platform = make_platform()
    org = Organisation.objects.get(external_id="ORG901")
    services.store_submission(platform, org, "2019-11", activity_frame([BASE]))
    indicator = Indicator.objects.get(code="PRO-01")
    with pytest.raises(ProtectedError):
        indicator.delete()
    assert Indicator.objects.filter(pk=indicator.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_holds_the_reference_rows_it_names(make_platform) -> None:  # noqa: ANN001
    """While an import's transaction is open, another connection cannot delete an organisation
    its rows name (what a foreign key's row lock would do)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections are a PostgreSQL matter")
    platform = make_platform()
    org = Organisation.objects.get(external_id="ORG901")
    partner = Organisation.objects.get(external_id="ORG902")
    settings = connection.settings_dict
    outcome: list[str] = []

    def delete_partner() -> None:
        with psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            autocommit=True,
        ) as other:
            other.execute("SET lock_timeout = '300ms'")
            try:
                other.execute("DELETE FROM platforms_organisation WHERE id = %s", [partner.pk])
                outcome.append("deleted")
            except psycopg.errors.LockNotAvailable:
                outcome.append("waited")
            except psycopg.errors.IntegrityError:
                outcome.append("refused")  # no lock: only its memberships kept it

    with transaction.atomic():
        services.store_submission(
            platform,
            org,
            "2019-11",
            activity_frame([{**BASE, "implementation": True, "implementing_partner": "ORG902"}]),
        )
        other = threading.Thread(target=delete_partner)
        other.start()
        other.join()
    assert outcome == ["waited"]
    assert Organisation.objects.filter(pk=partner.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_reference_row_gone_before_the_lock_stops_the_import(make_platform) -> None:  # noqa: ANN001
    if connection.vendor != "postgresql":
        pytest.skip("the bulk key check runs on PostgreSQL")
    platform = make_platform()
    indicator = Indicator.objects.get(code="PRO-01")
    resolved = pl.DataFrame(
        {
            "admin1": [1],
            "admin2": [None],
            "appealing_org": [-5],  # no such organisation (any more)
            "implementing_partner": [None],
            "sector": [indicator.sector_id],
            "indicator": [indicator.pk],
        },
        schema={name: pl.Int64 for name in REFERENCE_COLUMNS},
    )
    with pytest.raises(ValueError, match="deleted meanwhile"):
        services.lock_reference_rows(platform, resolved)


@pytest.mark.django_db
def test_an_import_reports_its_progress_batch_by_batch(  # noqa: ANN001
    make_platform, tmp_path, monkeypatch
) -> None:
    platform = make_platform()
    rows = [
        {**BASE, "month": month, "activity_name": f"row {i}", "total_monthly": 1}
        for month, count in (("2019-10", 130), ("2019-11", 120))
        for i in range(count)
    ]
    path = tmp_path / "year.xlsx"
    write_xlsx(table_rows(activity_frame(rows), reference_data(platform, 2019)), path)
    monkeypatch.setattr(services, "BATCH_ROWS", 100)
    told: list[tuple[str, int, int | None]] = []
    result = import_file(platform, path, progress=lambda *step: told.append(step))
    assert result.ok and len(result.stored) == 2
    assert told == [
        ("read", 0, None),
        ("check", 250, None),  # the rows read, told before they are validated
        ("store", 0, None),
        ("store", 100, 250),
        ("store", 200, 250),
        ("store", 250, 250),
    ]
