"""Header detection: HXL hashtags as libhxl reads them, two-row headers, hints."""

from __future__ import annotations

import hxl.model
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kipu.core.read.header import (
    closest_label,
    is_activityinfo_id,
    is_hashtag,
    is_hxl_row,
    match_cell,
    match_row,
    two_row_labels,
)
from kipu.core.schema import COLUMNS, COUNT_COLUMNS

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
     ("Comments", None), ("Departamento", None), ("grp_benef/total_mensual", None),
     # ActivityInfo field codes: the field's code, then a field of the form it references
     ("APPEALING_ORG.NAME", "Appealing organisation Name"), ("admin1.name", "Country Admin1"),
     ("Implementing_partner.Acronym", "Implementing partner Name"),
     ("New_beneficiaries.value", "New beneficiaries of the month"),
     ("comments.text", None), ("cgkh1k5kq6k0gsmv", None)],
)  # fmt: skip
def test_hints_for_unknown_columns(label: str, hint: str | None) -> None:
    assert closest_label(label) == hint


@pytest.mark.parametrize(
    ("label", "is_id"),
    [("cgkh1k5kq6k0gsmv", True), ("c12c92vi5olfmn7khb4", True),
     ("c12c92vi5olfmn7khb4.c13cmf6la3lfmn7khb5", True), ("i0000012345", True),
     ("comentarios", False), ("covid19situation", False), ("Admin1", False),
     ("c12", False), ("coordinates", False), ("country.name", False), ("_id", False),
     ("c12c92vi5olfmn7khb4.name", False)],
)  # fmt: skip
def test_activityinfo_field_ids(label: str, is_id: bool) -> None:
    assert is_activityinfo_id(label) is is_id


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        [(c.name, label) for c in COLUMNS for label in {c.label_en, c.label_es, *c.labels} if label]
    ),
    st.sampled_from(
        ["{}*", "*{}", "{} *", "{} (*)", "¿{}?", "{}?", "{} (#)", "{} ( # )", "{}!", "¡{}!", "{}**"]
    ),
)
def test_a_label_marked_as_templates_mark_it_is_its_column(
    labelled: tuple[str, str], mark: str
) -> None:
    """ "Admin2*" (a required field's asterisk), "¿Actividad RMRP?", "Quantity of output
    (#)": an optional column so headed was kept aside as unknown, and the figures counted
    its units as none, without an error."""
    name, label = labelled
    marked = mark.format(label)
    if is_hashtag(marked):
        return  # an HXL hashtag ("#sector"), read as one
    assert match_cell(label, {}) == name
    if "#" in mark and name not in COUNT_COLUMNS:
        assert match_cell(marked, {}) is None  # "Indicator (#)" numbers the rows
    else:
        assert match_cell(marked, {}) == name


@pytest.mark.parametrize(
    "label",
    [
        "Indicator #",
        "Sector #",
        "Admin1 #",
        "Month #",
        "Country #",
        "Mes #",
        "Value #",
        "# Indicator",
        "Indicator (#)",
        "(#) Indicator",
        "Sector (#)",
        "Month (#)",
    ],
)
def test_a_numbering_column_is_not_the_column_it_numbers(label: str) -> None:
    """ "Indicator #" numbers the rows (1, 2, 3): read as the indicators, it made a valid
    file invalid (and "Value #" a count read as dollars)."""
    assert match_cell(label, {}) is None


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # A marked label beside the same column's plain one is kept aside, not a second
        # column of that name (an error).
        (["Quantity of output", "Quantity of output (#)"], {0: "quantity_output"}),
        (["Admin2*", "Admin2"], {1: "admin2"}),
        (["Admin2*", "Country"], {0: "admin2", 1: "country"}),
    ],
)
def test_a_marked_label_gives_way_to_the_plain_one(cells: list[str], expected: dict) -> None:
    assert match_row(cells, {}) == expected
