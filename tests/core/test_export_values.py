"""What an export writes reads back as what was stored, or shows where it could not.

Amounts in a CSV export read back as the amounts stored.

A tester's: an export whose amounts were 12.345 and 2.675 USD (as a partner typed them) could
not be imported back: "12.345" may be twelve thousand with a `.` grouping thousands, and the
reader asked which (`ambiguous-number`); whole amounts were written "5246.0", tiny ones
"1e-07". Numbers are now written as their digits (`write.csv_number`), a fourth decimal
on three below 1,000 ("12.3450").

A control character (which XLSX cannot hold) was removed from the XLSX export with no mark
("ctl\x01char" read back "ctlchar", a tester's): it is the replacement character, which
shows, and reads back with `replaced-character`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "validation"))
from fivew_factories import TODAY, make_reference, record  # noqa: E402

from kipu.core.export import table_rows, write_csv, write_xlsx  # noqa: E402
from kipu.core.validation import validate_file, validate_rows  # noqa: E402
from kipu.core.write import csv_number, neutralise_frame  # noqa: E402

REFERENCE = make_reference()
CVA = {
    "sector": "Multipurpose Cash Assistance (MPC)",
    "indicator": "MPC01",
    "cva": "Yes",
    "delivery_mechanism": "Cash in hand",
}
# An amount as typed: whole dollars, cents, or more decimals (a rate applied), up to 1e9.
AMOUNTS = st.builds(
    lambda units, places: units / 10**places,
    st.integers(1, 10**9),  # 0 is no amount (`cva-value-missing`)
    st.integers(0, 7),
)


@pytest.mark.parametrize(
    ("value", "written"),
    [(12.345, "12.3450"), (5246.0, "5246"), (1e-7, "0.0000001"), (1234.567, "1234.567"),
     (999.999, "999.9990"), (0.0, "0"), (12.3, "12.3"), (1e16, "10000000000000000")],
)  # fmt: skip
def test_a_number_is_written_as_its_digits(value: float, written: str) -> None:
    assert csv_number(value) == written


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(amounts=st.lists(AMOUNTS, min_size=1, max_size=4))
def test_amounts_exported_alone_read_back_as_stored(tmp_path_factory, amounts: list[float]) -> None:  # noqa: ANN001
    """The rows of one partner, as they would filter the export: no other amount in the
    file tells how its separators read."""
    records = [record(**CVA, value_usd=a, activity_name=str(n)) for n, a in enumerate(amounts)]
    stored = validate_rows(records, REFERENCE, today=TODAY).rows
    assert stored["value_usd"].to_list() == amounts
    path = tmp_path_factory.mktemp("export") / "export.csv"
    write_csv(table_rows(stored, REFERENCE), path)
    again = validate_file(path, REFERENCE, today=TODAY)
    assert [i.code for i in again.report.issues if i.column and "USD" in i.column] == []
    assert again.rows["value_usd"].to_list() == amounts


def test_a_frame_is_written_by_the_same_rule() -> None:
    """The streamed exports write frames (`neutralise_frame`): the same digits."""
    import polars as pl

    frame = pl.DataFrame(
        {"value_usd": [12.345, 5246.0, None, 1e-7], "name": ["=1", "a", None, "b"]}
    )
    written = neutralise_frame(frame)
    assert written["value_usd"].to_list() == ["12.3450", "5246", None, "0.0000001"]
    assert written["name"].to_list() == ["'=1", "a", None, "b"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12),
    control=st.sampled_from(
        [chr(c) for c in [*range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]]
    ),
    at=st.integers(0, 12),
)
def test_a_control_character_in_an_xlsx_export_shows(
    tmp_path_factory,
    text: str,
    control: str,
    at: int,  # noqa: ANN001
) -> None:
    """Rows stored before the reading showed such a character (`raw_frame`) hold it."""
    import polars as pl

    name = "Kits " + text[:at] + control + text[at:]
    stored = validate_rows([record()], REFERENCE, today=TODAY).rows
    stored = stored.with_columns(pl.lit(name).alias("activity_name"))
    path = tmp_path_factory.mktemp("export") / "export.xlsx"
    write_xlsx(table_rows(stored, REFERENCE), path)
    again = validate_file(path, REFERENCE, today=TODAY)
    read = again.rows["activity_name"].item()
    assert "\ufffd" in read
    assert "replaced-character" in {i.code for i in again.report.issues}
