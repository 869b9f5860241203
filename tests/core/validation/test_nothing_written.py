"""Cells where partners write "nothing" (`-`, `N/A`, `No aplica`, `Ninguno`, `0`, `$0`) and
cells left empty, in the rules that need a value: a tester's, with R4V's own vocabulary.

Before: CVA = Yes with a value of `-` or `$0` passed with a warning (the value cell's issue
hid `cva-value-missing`); Implementation = Yes with a partner `N/A` passed with a warning
(`-` was a partner, so none was missing); a total of `-` was read as 0 ("10 > 0"); an
empty CVA beside a transfer value passed, and the cash was left out of the CVA figures; an
issue at a column the file lacks named Kipu's key (“total_monthly” is empty); and "0" or
"NA" were answered "Did you mean UNHCR / IOM?" (inside ORG001, inside "International…")."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from fivew_factories import TODAY, make_reference, record, write_xlsx  # noqa: E402

from kipu.core.read.values import NOTHING  # noqa: E402
from kipu.core.schema import COLUMN_BY_NAME, COLUMN_NAMES  # noqa: E402
from kipu.core.validation import validate_file, validate_rows  # noqa: E402

REFERENCE = make_reference()
CASH = {"cva": "Yes", "delivery_mechanism": "Voucher", "value_usd": 150}
# "Nothing" as partners write it: the shared words, in any case and spacing.
NOTHINGS = st.sampled_from(sorted(NOTHING)).flatmap(
    lambda word: st.sampled_from([word, word.upper(), word.title(), f" {word} "])
)


def codes(row: dict[str, object], column: str | None = None, lang: str = "en") -> list[str]:
    result = validate_rows([row], REFERENCE, today=TODAY, lang=lang)
    label = result.columns.get(column or "", column)
    return [i.code for i in result.report.issues if column is None or i.column == label]


@settings(max_examples=40, deadline=None)
@given(nothing=st.one_of(NOTHINGS, st.sampled_from(["$0", "USD 0.00", "0", "US$ 0"])))
def test_cva_yes_with_a_value_of_nothing_is_missing_its_value(nothing: str) -> None:
    assert "cva-value-missing" in codes(record(**{**CASH, "value_usd": nothing}), "value_usd")


@pytest.mark.parametrize("value", ["S/ 100", "abc", "1,500"])
def test_an_error_at_the_value_says_enough(value: str) -> None:
    found = codes(record(**{**CASH, "value_usd": value}), "value_usd")
    assert "cva-value-missing" not in found and found  # currency-not-usd, invalid-number…


@settings(max_examples=40, deadline=None)
@given(nothing=st.one_of(NOTHINGS, st.sampled_from(["0", "None", "Sin socio"])))
def test_a_partner_written_as_nothing_is_no_partner(nothing: str) -> None:
    implemented = record(implementation="Yes", implementing_partner=nothing)
    assert codes(implemented, "implementing_partner") == ["implementing-partner-missing"]
    direct = record(implementation="No", implementing_partner=nothing)
    assert codes(direct) == []


def test_a_real_partner_is_still_checked() -> None:
    found = codes(record(implementation="Yes", implementing_partner="Unknown NGO"))
    assert found == ["unknown-implementing-partner"]
    unexpected = codes(record(implementation="No", implementing_partner="UNHCR"))
    assert unexpected == ["implementing-partner-unexpected"]


@settings(max_examples=30, deadline=None)
@given(nothing=NOTHINGS)
def test_a_total_written_as_nothing_is_missing_not_zero(nothing: str) -> None:
    found = codes(record(total_monthly=nothing))
    assert "missing-value" in found and "new-exceeds-total" not in found


@pytest.mark.parametrize("cva", [None, "No"])
@pytest.mark.parametrize(
    "filled", [{"value_usd": 150}, {"delivery_mechanism": "Voucher"}, CASH], ids=str
)
def test_a_transfer_without_cva_yes_is_flagged(cva: str | None, filled: dict) -> None:
    row = record(**{**filled, "cva": cva})
    assert codes(row, "cva") == ["cva-fields-unexpected"]


def test_a_transfer_in_a_file_without_a_cva_column_is_flagged(tmp_path: Path) -> None:
    names = [n for n in COLUMN_NAMES if n != "cva"]
    path = write_xlsx(tmp_path / "no-cva.xlsx", [record(**CASH)], names=names)
    for lang, label in (("en", "CVA"), ("es", COLUMN_BY_NAME["cva"].label_es)):
        result = validate_file(path, REFERENCE, today=TODAY, lang=lang)
        found = [(i.code, i.column) for i in result.report.issues if i.row == 2]
        assert ("cva-fields-unexpected", label) in found


@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_issue_at_a_column_the_file_lacks_names_its_label(tmp_path: Path, lang: str) -> None:
    names = [n for n in COLUMN_NAMES if n != "total_monthly"]
    path = write_xlsx(tmp_path / "no-total.xlsx", [record()], names=names)
    result = validate_file(path, REFERENCE, today=TODAY, lang=lang)
    label = getattr(COLUMN_BY_NAME["total_monthly"], f"label_{lang}")
    missing = [i for i in result.report.issues if i.code == "missing-value"]
    assert [i.column for i in missing] == [label]
    assert "total_monthly" not in missing[0].message and label in missing[0].message


@pytest.mark.parametrize("written", ["0", "NA", "na", "1", "A"])
def test_a_short_text_is_not_answered_with_a_long_name_holding_it(written: str) -> None:
    result = validate_rows([record(appealing_org=written)], REFERENCE, today=TODAY)
    unknown = [i for i in result.report.issues if i.code == "unknown-organization"]
    assert unknown and unknown[0].suggestion is None, unknown[0].suggestion


def _with_two_cares() -> object:
    from fivew_factories import ORGANISATIONS

    from kipu.core.reference import Organisation

    cares = [
        Organisation("ORG010", "CARE Perú", "CARE", "INGO"),
        Organisation("ORG011", "CARE Ecuador", "CARE", "INGO"),
        Organisation("ORG012", "Asociación Nacional", "ACNUR", "NGO"),  # UNHCR's Spanish name
    ]
    return make_reference(organisations=[*ORGANISATIONS, *cares])


@pytest.mark.parametrize("column", ["appealing_org", "implementing_partner"])
@pytest.mark.parametrize("written", ["CARE", "care ", "ACNUR"])
def test_a_name_of_several_organisations_names_none(column: str, written: str) -> None:
    """Before, it went to the smallest registry id, with no issue. An implementing partner
    that names several is a warning, as one that names none: the row is stored without it."""
    row = record(implementation="Yes", **{column: written})
    result = validate_rows([row], _with_two_cares(), today=TODAY)
    found = [(i.code, i.column, i.severity) for i in result.report.issues]
    if column == "appealing_org":
        assert ("ambiguous-organization", result.columns[column], "error") in found
        assert result.rows["has_error"].to_list() == [True]
    else:
        assert found == [("ambiguous-implementing-partner", result.columns[column], "warning")]
        assert result.rows["has_error"].to_list() == [False]
    assert result.rows[column].to_list() == [None]


@pytest.mark.parametrize(("written", "key"), [("ORG010", "ORG010"), ("CARE Perú", "ORG010")])
def test_a_name_only_one_has_still_names_it(written: str, key: str) -> None:
    row = record(appealing_org=written)
    result = validate_rows([row], _with_two_cares(), today=TODAY)
    assert result.rows["appealing_org"].to_list() == [key] and not result.report.issues


def test_a_registered_organisation_named_like_nothing_is_a_partner() -> None:
    from fivew_factories import ORGANISATIONS

    from kipu.core.reference import Organisation

    named_na = Organisation("ORG020", "Nueva Alianza", "NA", "NGO")
    reference = make_reference(organisations=[*ORGANISATIONS, named_na])
    row = record(implementation="Yes", implementing_partner="NA")
    result = validate_rows([row], reference, today=TODAY)
    assert result.rows["implementing_partner"].to_list() == ["ORG020"]
    assert result.report.issues == []


@settings(max_examples=20, deadline=None)
@given(nothing=NOTHINGS)
def test_a_mechanism_written_as_nothing_is_no_mechanism(nothing: str) -> None:
    assert codes(record(cva="No", delivery_mechanism=nothing)) == []
    found = codes(record(cva="Yes", value_usd=100, delivery_mechanism=nothing))
    assert found == ["cva-mechanism-missing"]


def test_an_ambiguous_organisation_is_named_with_its_candidates() -> None:
    result = validate_rows([record(appealing_org="CARE")], _with_two_cares(), today=TODAY)
    message = next(i.message for i in result.report.issues)
    assert "CARE Perú (ORG010)" in message and "CARE Ecuador (ORG011)" in message


@pytest.mark.parametrize("written", ["208", "0208", "00208", " 208 "])
def test_a_registry_id_without_its_leading_zeros_names_the_organisation(written: str) -> None:
    """Before, a 5W row writing 208 for the registered 00208 (Excel drops the zeros) was an
    unknown organisation."""
    from fivew_factories import ORGANISATIONS

    from kipu.core.reference import Organisation

    halu = Organisation("00208", "Fundación Halú", "HALU", "NNGO")
    row = record(appealing_org=written)
    result = validate_rows([row], make_reference(organisations=[*ORGANISATIONS, halu]), today=TODAY)
    assert result.rows["appealing_org"].to_list() == ["00208"], result.report.issues
