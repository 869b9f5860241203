"""Header detection: HXL hashtags as libhxl reads them, two-row headers, hints."""

from __future__ import annotations

import hxl.model
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kipu.core.read.header import closest_label, is_hashtag, is_hxl_row, two_row_labels

SAMPLES = [
    "#org+name", "#adm1 +code", "#date+reported", "# of people", "#N/A", "#REF!", "#of",
    "#Sector", "#reached+f+adults", "#x+", "#", "##org", "#org+", "#1abc", "#org+name+i_es",
    "#org +", "# de personas", "#value+transfer+c_usd",
]  # fmt: skip


@pytest.mark.parametrize("text", SAMPLES)
def test_hashtags_are_what_libhxl_parses(text: str) -> None:
    assert is_hashtag(text) == bool(hxl.model.Column.parse(text, use_exception=False))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="#+ _aZ9.-!/", min_size=1, max_size=12))
def test_hashtags_agree_with_libhxl_on_any_text(text: str) -> None:
    parsed = hxl.model.Column.parse(text.strip(), use_exception=False)
    assert is_hashtag(text.strip()) == bool(parsed)


def test_a_row_is_hxl_only_when_hashtags_fill_most_cells() -> None:
    assert is_hxl_row(["#country+name", "#adm1+code", "#org+prog", ""])
    assert not is_hxl_row(["Peru", "Lima", "UNHCR", "# of people reached", "#people"])
    assert not is_hxl_row(["#org", "Lima", "UNHCR"])


def test_two_row_labels() -> None:
    group = ["Country", "", "Appealing organisation", "Month", "Indicator", ""]
    fields = ["Country", "Admin1", "Name", "", "Sector", "Indicator"]
    assert two_row_labels(group, fields) == [
        "Country", "Country Admin1", "Appealing organisation Name", "Month",
        "Indicator Sector", "Indicator",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "hint"),
    [("Total monthly beneficiary", "Total monthly beneficiaries"),
     ("benef/new_beneficiary", "New beneficiaries of the month"),
     ("Comments", None), ("Departamento", None), ("grp_benef/total_mensual", None)],
)  # fmt: skip
def test_hints_for_unknown_columns(label: str, hint: str | None) -> None:
    assert closest_label(label) == hint
