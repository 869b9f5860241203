"""Every row rule: a failing and a passing case (a passing case has no issue at all)."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from fivew_factories import TODAY, codes, colombia_reference, make_reference, record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.validation import validate_rows
from kipu.core.validation.rules import RULE_CODES


def cva_record(**overrides: Any) -> dict[str, Any]:
    values = {
        "sector": "Multipurpose Cash Assistance (MPC)",
        "indicator": "MPC01",
        "cva": "Yes",
        "value_usd": 150,
        "delivery_mechanism": "Cash in hand",
    }
    return record(**{**values, **overrides})


def output_record(**overrides: Any) -> dict[str, Any]:
    empty = dict.fromkeys(
        (
            "total_monthly",
            "new_beneficiaries",
            "in_destination",
            "in_transit",
            "girls",
            "boys",
            "women",
            "men",
        )
    )
    return record(**{**empty, "indicator": "HE03", "quantity_output": 3, **overrides})


ZEROS = dict.fromkeys(
    (
        "quantity_output",
        "total_monthly",
        "new_beneficiaries",
        "in_destination",
        "in_transit",
        "girls",
        "boys",
        "women",
        "men",
    ),
    0,
)

# code: (failing rows, passing rows, keyword arguments of validate_rows)
CASES: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]] = {
    "missing-value": ([record(admin1=None)], [record()], {}),
    "unknown-country": ([record(country="Narnia")], [record(country="PER")], {}),
    "unknown-admin1": ([record(admin1="Atlantis", admin2=None)], [record(admin1="PE-LIM")], {}),
    "admin1-not-in-country": (
        [record(admin1="Pichincha", admin2=None)],
        [record(admin1="PE15")],
        {},
    ),
    "admin1-wrong-level": (
        [record(admin1="Barranca", admin2=None)],
        [record(admin1="Lima", admin2="Barranca")],
        {},
    ),
    "unknown-admin2": ([record(admin2="Nowhere")], [record(admin2=None)], {}),
    # A department written as a province (test_admin_levels.py covers districts and Spanish).
    "admin2-wrong-level": (
        [record(admin1="Callao", admin2="El Callao")],
        [record(admin1="Callao", admin2="Callao")],
        {},
    ),
    "admin2-not-in-admin1": (
        [record(admin1="Tumbes", admin2="Barranca")],
        [record(admin1="Lima", admin2="Barranca")],
        {},
    ),
    "unknown-organization": ([record(appealing_org="Acme")], [record(appealing_org="ACNUR")], {}),
    "organization-mismatch": ([record()], [record(appealing_org="OIM")], {"org": "ORG002"}),
    "unknown-implementing-partner": (
        [record(implementation="Yes", implementing_partner="Acme")],
        [record(implementation="Yes", implementing_partner="IOM")],
        {},
    ),
    "implementing-partner-missing": (
        [record(implementation="Sí")],
        [record(implementation="Sí", implementing_partner="OIM")],
        {},
    ),
    "implementing-partner-unexpected": (
        [record(implementation="No", implementing_partner="IOM")],
        [record(implementation="N")],
        {},
    ),
    "invalid-month": ([record(month="Marchh")], [record(month="2025-03-01")], {}),
    "ambiguous-date": (
        [record(month="03/02/2025")],
        [record(month="03/02/2025", activity_name="A"), record(month="20/02/2025")],
        {},
    ),
    "month-outside-submission": (
        [record(month="2025-02")],
        [record(month="03/2025")],
        {"month": "2025-03"},
    ),
    "unknown-sector": ([record(sector="Helth")], [record(sector="Salud")], {}),
    "unknown-indicator": ([record(indicator="Nothing")], [record(indicator="HE01")], {}),
    "indicator-not-in-sector": ([record(sector="Education")], [record(sector="HEA")], {}),
    "invalid-yes-no": ([record(rmrp_activity="Maybe")], [record(rmrp_activity="si")], {}),
    "invalid-number": ([record(total_monthly="abc")], [record(total_monthly="1,234")], {}),
    "ambiguous-number": (
        [
            record(total_monthly="1,500", value_usd="2.5", cva="Yes", activity_name="x"),
            record(total_monthly="1.500", value_usd="2,5", cva="Yes"),
        ],
        [cva_record(total_monthly="1.500", value_usd="3,50")],
        {},
    ),
    "number-read-as": (
        [cva_record(value_usd="1,500")],
        [cva_record(value_usd="1500")],
        {},
    ),
    "currency-sign": ([cva_record(value_usd="US$ 150")], [cva_record(value_usd=150)], {}),
    "currency-not-usd": ([cva_record(value_usd="S/ 150")], [cva_record(value_usd=150)], {}),
    "cva-value-missing": ([cva_record(value_usd=None)], [cva_record()], {}),
    "cva-mechanism-missing": ([cva_record(delivery_mechanism=None)], [cva_record()], {}),
    "cva-mechanism-invalid": (
        # Whatever CVA holds: a count shifted into the mechanism with CVA left empty was
        # dropped without a word (test_every_bad_cell).
        [
            cva_record(delivery_mechanism="Bitcoin"),
            record(cva=None, delivery_mechanism="120"),
            record(cva="No", delivery_mechanism="120", activity_name="Shifted"),
        ],
        [cva_record(delivery_mechanism="Tarjeta prepago")],
        {},
    ),
    "cva-fields-unexpected": ([record(value_usd=50)], [record(value_usd=0)], {}),
    "mpc-requires-cva": (
        [cva_record(cva="No", value_usd=None, delivery_mechanism=None)],
        [cva_record()],
        {},
    ),
    "pin-without-beneficiaries": ([record(**{**ZEROS, "quantity_output": 4})], [record()], {}),
    "empty-row-values": ([record(**ZEROS)], [record()], {}),
    "new-exceeds-total": ([record(total_monthly=5)], [record(total_monthly=10)], {}),
    "population-breakdown-mismatch": ([record(in_destination=9)], [record()], {}),
    "agd-breakdown-mismatch": ([record(girls=3)], [record()], {}),
    "quantity-missing": ([cva_record(quantity_output=None)], [cva_record()], {}),
    "beneficiaries-not-applicable": ([output_record(total_monthly=5)], [output_record()], {}),
    "duplicate-row": ([record(), record()], [record(), record(activity_name="Other")], {}),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails_and_passes(code: str) -> None:
    failing, passing, kwargs = CASES[code]
    reference = make_reference()
    assert code in codes(validate_rows(failing, reference, today=TODAY, **kwargs))
    assert codes(validate_rows(passing, reference, today=TODAY, **kwargs)) == []


def test_admin1_outside_scope() -> None:
    local = make_reference(admin1_scope=["PE24"])
    assert "admin1-outside-scope" in codes(validate_rows([record()], local, today=TODAY))
    inside = record(admin1="Tumbes", admin2="Contralmirante Villar")
    assert codes(validate_rows([inside], local, today=TODAY)) == []


def test_future_month_without_submission_month(reference) -> None:
    result = validate_rows([record(month="2025-06")], reference, today=TODAY)
    assert codes(result) == ["month-outside-submission"]
    assert "future" in result.report.issues[0].message


def test_outlier_needs_history(reference) -> None:
    big = record(total_monthly=5000, new_beneficiaries=10)
    assert codes(validate_rows([big], reference, today=TODAY)) == []
    history = pl.DataFrame(
        {
            "appealing_org": ["ORG001"] * 3,
            "indicator": ["HE01"] * 3,
            "total_monthly": [100, 120, 90],
            "new_beneficiaries": [10, 12, 9],
            "quantity_output": [10, 10, 10],
        }
    )
    result = validate_rows([big, record()], reference, today=TODAY, history=history)
    assert codes(result) == ["outlier"]
    assert result.report.issues[0].row == 1


def test_people_indicator_without_total_is_missing_value(reference) -> None:
    result = validate_rows([record(total_monthly=None)], reference, today=TODAY)
    assert ("missing-value", "total_monthly") in [(i.code, i.column) for i in result.report.issues]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_numbers_never_by_interface_language(reference, lang: str) -> None:
    for text in ("1.234", "1,234", "1 234", "1\u00a0234"):
        found = validate_rows([record(total_monthly=text)], reference, today=TODAY, lang=lang)
        assert codes(found) == [] and found.rows["total_monthly"][0] == 1234, text
    negative = validate_rows([record(quantity_output=-3)], reference, today=TODAY, lang=lang)
    assert codes(negative) == ["invalid-number"]
    fraction = validate_rows([record(quantity_output=2.5)], reference, today=TODAY, lang=lang)
    assert codes(fraction) == ["invalid-number"]
    assert fraction.report.issues[0].suggestion == "3"
    assert fraction.rows["quantity_output"][0] == 3  # what --accept-issues stores


def _excel_shows_whole(value: float) -> bool:
    """Excel keeps 15 significant digits ("Excel specifications and limits"), from the
    first that is not 0: 1e-16 people shows as 1E-16, not 0 (a tester's 1e-300 was stored
    as 0 with no word); 0.9999999999999999 shows as 1."""
    return float(f"{value:.15g}").is_integer()


_NEAR_WHOLE = st.tuples(
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from(
        [0.0, 1e-300, 1e-16, 1.1e-16, 4e-15, 2e-14, 1e-13, 1e-12, 1e-10, 1e-9, 1e-6, 0.25]
    ),
    st.sampled_from([1, -1]),
    st.booleans(),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cells=st.lists(_NEAR_WHOLE, min_size=1, max_size=40))
def test_a_count_near_a_whole_number_is_whole_only_as_excel_shows_it(
    reference, cells: list[tuple[int, float, int, bool]]
) -> None:
    """A formula's last-place remainder (3.0000000000000004) is the whole number Excel
    shows; a typed 5.0000000001 or 237.0000000001 is not whole, said at its cell with the
    number as suggestion (an absolute 1e-9 read them as 5 and 237 without a word). The
    reference (read only) is shared by the examples."""
    values = [max(whole + sign * remainder, 0.0) for whole, remainder, sign, _ in cells]
    rows = [
        record(quantity_output=repr(v) if text else v, activity_name=str(i))
        for i, (v, (*_, text)) in enumerate(zip(values, cells, strict=True))
    ]
    found = validate_rows(rows, reference, today=TODAY)
    flagged = {i.row: i for i in found.report.issues}
    assert {i.code for i in flagged.values()} <= {"invalid-number"}
    for number, value in enumerate(values, start=1):
        if _excel_shows_whole(value):
            assert number not in flagged, value
            assert found.rows["quantity_output"][number - 1] == round(value), value
        else:
            assert flagged[number].suggestion == str(int(value + 0.5)), value


@pytest.mark.parametrize(
    "text",
    ["Yes", "yes", "Sí", "SI", "Si", "S", "Y", "True", "TRUE", "VERDADERO", "1", "x", "Sim", "sí."],
)
def test_yes_values(reference, text: str) -> None:
    result = validate_rows([record(rmrp_activity=text)], reference, today=TODAY)
    assert codes(result) == [] and result.rows["rmrp_activity"][0] is True


@pytest.mark.parametrize(
    "text",
    [
        "2025-03",
        "2025-03-01",
        "2025-03-01 00:00:00",
        "03/2025",
        "15/03/2025",
        "202503",
        "Mar 2025",
        "marzo 2025",
        "45731",
    ],
)
def test_month_forms(reference, text: str) -> None:
    result = validate_rows([record(month=text)], reference, today=TODAY)
    assert codes(result) == [] and result.rows["month"][0] == "2025-03"


def test_subsector_indicator_under_parent_sector(reference) -> None:
    row = record(sector="Protection", indicator="Number of GBV survivors assisted")
    result = validate_rows([row], reference, today=TODAY)
    assert codes(result) == []
    assert result.rows["sector"][0] == "PRO-GBV"


def test_national_admin1_aliases(reference) -> None:
    names = ("Nacional", "Peru", "Country level")
    rows = [record(admin1=text, admin2=None, activity_name=text) for text in names]
    result = validate_rows(rows, reference, today=TODAY)
    assert codes(result) == []
    assert result.rows["admin1"].to_list() == ["PE00"] * 3


def test_resolved_frame(reference) -> None:
    result = validate_rows(
        [record(), record(sector="Helth", activity_name="B")], reference, today=TODAY
    )
    rows = result.rows
    assert rows["country"].to_list() == ["PER", "PER"]
    assert rows["appealing_org"].to_list() == ["ORG001", "ORG001"]
    assert rows["sector"].to_list() == ["HEA", None]
    assert rows["has_error"].to_list() == [False, True]
    assert rows["issue_codes"].to_list() == [[], ["unknown-sector"]]


def test_every_rule_code_has_cases() -> None:
    # Codes about cells (marks) and long texts are tested on files in tests/core/read.
    on_files = {"formula-cell", "formula-without-value", "excel-error", "merged-cell"}
    on_files |= {"merged-across", "unreadable-value", "hidden-row", "header-repeated"}
    on_files |= {"merged-number"}
    # Codes needing their own reference data: tests/core/validation/test_nothing_written.py.
    on_files |= {"ambiguous-organization", "ambiguous-implementing-partner"}
    # Codes needing plans by year: tests/core/validation/test_contradicted_conventions.py.
    on_files |= {"month-before-plans"}
    covered = set(CASES) | {"admin1-outside-scope", "outlier", "text-too-long"} | on_files
    assert covered >= RULE_CODES


@pytest.mark.parametrize(
    ("country", "admin1", "admin2", "text", "code", "stored"),
    [
        # Before, a Colombian partner's 50,000 pesos were stored as 50,000 US dollars.
        ("Colombia", "Arauca", "Arauca", "$ 50.000", "dollar-sign-ambiguous", None),
        ("Colombia", "Arauca", "Arauca", "50.000 $", "dollar-sign-ambiguous", None),
        ("Colombia", "Arauca", "Arauca", "US$ 50", "currency-sign", 50.0),
        ("Colombia", "Arauca", "Arauca", "USD 50", "currency-sign", 50.0),
        ("Colombia", "Arauca", "Arauca", "50", None, 50.0),
        ("Colombia", "Arauca", "Arauca", "COP 50.000", "currency-not-usd", None),
        ("Peru", "Lima", "Lima", "$ 50", "currency-sign", 50.0),  # soles are S/
        ("Ecuador", "Pichincha", "Quito", "$ 50", "currency-sign", 50.0),  # the US dollar
    ],
)
def test_a_dollar_sign_alone_is_not_dollars_where_it_is_the_peso(
    country: str, admin1: str, admin2: str, text: str, code: str | None, stored: float | None
) -> None:
    row = cva_record(country=country, admin1=admin1, admin2=admin2, value_usd=text)
    found = validate_rows([row], colombia_reference(), today=TODAY)
    value_issues = [i.code for i in found.report.issues if i.column == "value_usd"]
    assert value_issues == ([code] if code else []), found.report.issues
    assert found.rows["value_usd"][0] == stored


def test_a_dollar_sign_alone_on_zero_is_zero() -> None:
    """0 is 0 in any currency: "$ 0" of a Colombian partner is read (with its warning)."""
    row = cva_record(country="Colombia", admin1="Arauca", admin2="Arauca", value_usd="$ 0")
    found = validate_rows([row], colombia_reference(), today=TODAY)
    value_issues = {i.code for i in found.report.issues if i.column == "value_usd"}
    assert "dollar-sign-ambiguous" not in value_issues and "currency-sign" in value_issues
    assert found.rows["value_usd"][0] == 0


def test_counts_near_whole_numbers_at_real_size(reference) -> None:
    """100,000 rows (polars' chunks): the rows near a whole number are judged wherever they
    are, the rest read as written."""
    rows = [record(activity_name=str(i)) for i in range(100_000)]
    rows[3]["quantity_output"] = 3 * 0.1 * 10  # 3.0000000000000004: whole
    rows[70_001]["quantity_output"] = 5.0000000001  # typed: not whole
    rows[99_998]["quantity_output"] = "237.0000000001"
    found = validate_rows(rows, reference, today=TODAY)
    flagged = {(i.row, i.code, i.suggestion) for i in found.report.issues}
    assert flagged == {(70_002, "invalid-number", "5"), (99_999, "invalid-number", "237")}
    assert found.rows["quantity_output"][3] == 3
