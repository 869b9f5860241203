"""A data row repeating the header (two exports joined): named, with the columns it moves.
A tester's 100,000-row file repeated the header at row 60,003 with Women and Men under 18
swapped: the row read as 26 bad values with no word of a header, and deleting it, the
obvious fix, left girls and boys swapped in the 40,000 rows below, in a file found valid."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from fivew_factories import TODAY, make_reference, record, write_csv  # noqa: E402

from kipu.core.read.package import column_letters  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402

REFERENCE = make_reference()


def _joined(tmp_path: Path, rows: int, at: int, order: list[int] | None) -> tuple[Path, list[str]]:
    """A 5W CSV of `rows` rows with the header repeated before data row `at` (0-based), its
    columns in `order` (indexes into the header; None: the header's own)."""
    base = write_csv(tmp_path / "base.csv", [record(activity_name=f"A{i}") for i in range(rows)])
    lines = base.read_text("utf-8").splitlines()
    header = next(csv.reader([lines[0]]))
    again = [header[i] for i in order] if order is not None else header
    written = io.StringIO()
    csv.writer(written, lineterminator="").writerow(again)
    path = tmp_path / "joined.csv"
    path.write_text("\n".join([*lines[: 1 + at], written.getvalue(), *lines[1 + at :]]) + "\n")
    return path, header


def _repeated(path: Path) -> list[tuple[int | None, str]]:
    result = validate_file(path, REFERENCE, today=TODAY)
    return [(i.row, i.message) for i in result.report.issues if i.code == "header-repeated"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), rows=st.integers(1, 30))
def test_a_repeated_header_is_named_with_the_columns_it_moves(
    tmp_path: Path, data: st.DataObject, rows: int
) -> None:
    at = data.draw(st.integers(0, rows))
    path, header = _joined(tmp_path, rows, at, None)
    count = len(header)
    first, second = data.draw(
        st.lists(st.integers(0, count - 1), min_size=2, max_size=2, unique=True)
    )
    swap = data.draw(st.booleans())
    order = list(range(count))
    if swap:
        order[first], order[second] = order[second], order[first]
    path, _ = _joined(tmp_path, rows, at, order)
    found = _repeated(path)
    assert [row for row, _ in found] == [at + 2]  # the header is line 1
    message = found[0][1]
    if swap:
        for moved, there in ((first, second), (second, first)):
            if header[moved] != header[there]:
                assert f"“{header[moved]}” in column {column_letters(there)}" in message
        assert "another order" in message
    else:
        assert message == f"Row {at + 2} repeats the header: delete it."


def test_a_file_without_a_repeated_header_has_none(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "one.csv", [record(activity_name=f"A{i}") for i in range(5)])
    assert _repeated(path) == []


def test_a_header_repeated_late_in_100000_rows(tmp_path: Path) -> None:
    path, header = _joined(tmp_path, 100_000, 60_001, None)
    women, men = header.index("Women under 18"), header.index("Men under 18")
    order = list(range(len(header)))
    order[women], order[men] = men, women
    path, _ = _joined(tmp_path, 100_000, 60_001, order)
    found = _repeated(path)
    assert [row for row, _ in found] == [60_003]
    assert (
        f"“Men under 18” in column {column_letters(women)}, not {column_letters(men)}"
        in found[0][1]
    )


def test_a_header_repeated_in_another_templates_labels(tmp_path: Path) -> None:
    """A re-tester's: the second header in other labels (here Kipu's Spanish ones) matched
    one cell of the first's exactly, and went unnamed."""
    from kipu.core.schema import COLUMN_BY_NAME, COLUMN_NAMES

    path, header = _joined(tmp_path, 6, 3, None)
    lines = path.read_text("utf-8").splitlines()
    spanish = [COLUMN_BY_NAME[n].label_es or COLUMN_BY_NAME[n].label_en for n in COLUMN_NAMES]
    women, men = COLUMN_NAMES.index("women"), COLUMN_NAMES.index("men")
    spanish[women], spanish[men] = spanish[men], spanish[women]
    written = io.StringIO()
    csv.writer(written, lineterminator="").writerow(spanish[: len(header)])
    lines[4] = written.getvalue()
    path.write_text("\n".join(lines) + "\n", "utf-8")
    found = _repeated(path)
    assert [row for row, _ in found] == [5]
    assert "another order" in found[0][1] and column_letters(women) in found[0][1]
