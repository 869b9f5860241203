"""The rule catalogue against R4V's current rules (issue 13): a Direct Assistance row without
quantity of output is accepted with a warning; every code documents its source; and
`unknown-country` says which countries the platform covers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fivew_factories import TODAY, codes, make_reference, record

from kipu.core.validation import validate_rows
from kipu.core.validation.issues import CATALOGUE, WARNING

DOCS = Path(__file__).parents[3] / "docs" / "validation-codes.md"
SECTION = re.compile(r"^### `([a-z0-9-]+)`( \*\(Kipu\)\*)?\n(.*?)(?=^### |\Z)", re.M | re.S)


def direct_assistance(**overrides: object) -> dict:
    values = {
        "sector": "Multipurpose Cash Assistance (MPC)",
        "indicator": "MPC01",  # a Direct Assistance indicator
        "cva": "Yes",
        "value_usd": 150,
        "delivery_mechanism": "Cash in hand",
    }
    return record(**{**values, **overrides})


@pytest.mark.parametrize("quantity", [None, 0])
def test_direct_assistance_without_quantity_is_accepted_with_a_warning(quantity) -> None:  # noqa: ANN001
    result = validate_rows(
        [direct_assistance(quantity_output=quantity)], make_reference(), today=TODAY
    )
    assert codes(result) == ["quantity-missing"]
    assert result.report.valid and result.report.rows_with_errors == 0
    assert result.report.issues[0].severity == WARNING
    assert result.rows["has_error"].to_list() == [False]  # stored like any valid row


def test_every_code_documents_its_source() -> None:
    sections = {m[1]: (bool(m[2]), m[3]) for m in SECTION.finditer(DOCS.read_text("utf-8"))}
    assert set(CATALOGUE) <= set(sections)
    for code, (kipu, body) in sections.items():
        source = re.search(r"^- \*\*Source:\*\* (.+)$", body, re.M)
        assert source, f"{code}: no Source line"
        expected = "Kipu addition" if kipu else "R4V 5W standard ("
        assert source[1].startswith(expected), (code, source[1])
        severity = re.search(r"^- \*\*Severity:\*\* (\w+)$", body, re.M)
        assert severity and code in CATALOGUE and severity[1] == CATALOGUE[code].severity, code


@pytest.mark.parametrize(
    ("lang", "countries", "expected"),
    [
        (
            "en",
            ["PER"],
            "Country “Narnia” is not covered by this platform, which covers Peru; a regional "
            "platform covers the countries it lists and those of its member platforms.",
        ),
        (
            "es",
            ["PER", "ECU"],
            "El país “Narnia” no está cubierto por esta plataforma, que cubre Perú, Ecuador; una "
            "plataforma regional cubre los países que enumera y los de sus plataformas miembro.",
        ),
        (
            "en",
            [],
            "Country “Narnia” is not covered by this platform, which covers no country yet; a "
            "regional platform covers the countries it lists and those of its member platforms.",
        ),
    ],
)
def test_unknown_country_names_the_countries_covered(
    lang: str, countries: list[str], expected: str
) -> None:
    reference = make_reference(countries=countries)
    result = validate_rows([record(country="Narnia")], reference, today=TODAY, lang=lang)
    (issue,) = [i for i in result.report.issues if i.code == "unknown-country"]
    assert issue.message == expected


def test_a_regional_platform_without_countries_refuses_peru_and_says_why() -> None:
    result = validate_rows([record()], make_reference(countries=[]), today=TODAY)
    (issue,) = [i for i in result.report.issues if i.code == "unknown-country"]
    assert "which covers no country yet" in issue.message
