"""Text that looks like a formula, written by Kipu and read back by Kipu: exactly the text.

Before, XLSX exports held "'-" and "'+51 999 888 777" (the apostrophe inside the value, shown
by Excel), and a re-import of either export stored the apostrophe as part of the text.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.export import write_csv as export_csv
from kipu.core.export import write_xlsx
from kipu.core.read.textfile import read_text_frame, read_text_rows
from kipu.core.write import formula_like

# Texts partners write that a spreadsheet would take for formulas, and their neighbours.
_STARTS = st.sampled_from(["", "'", "''", "=", "+", "-", "@", "'=", "'-", "''+"])
_TEXTS = st.builds(
    lambda start, rest: start + rest,
    _STARTS,
    st.sampled_from(["", "-", "5", "51 999 888 777", "SUM(A1)", "home visits", "1+1", "'"]),
).filter(lambda text: text.strip() != "")


@given(texts=st.lists(_TEXTS, min_size=1, max_size=12))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_csv_and_xlsx_give_back_every_text(tmp_path: Path, texts: list[str]) -> None:
    rows = [["name", "n"], *([text, 1] for text in texts)]  # two columns: a comma-separated file
    csv_file = tmp_path / "out.csv"
    export_csv(rows, csv_file)
    frame = read_text_frame(csv_file).cells
    assert frame.to_series(0).to_list()[1:] == texts
    assert [row[0] for row in read_text_rows(csv_file)[1:]] == texts
    xlsx_file = tmp_path / "out.xlsx"
    write_xlsx(rows, xlsx_file)
    cells = [row[0] for row in openpyxl.load_workbook(xlsx_file).active.iter_rows(min_row=2)]
    assert [c.value for c in cells] == texts
    assert all(c.data_type == "s" for c in cells)
    assert [bool(c.quotePrefix) for c in cells] == [formula_like(t) for t in texts]


def test_at_real_size_every_text_comes_back(tmp_path: Path) -> None:
    """100,000 rows (past polars' chunk sizes), every 7th text formula-like, some columns
    without any: the CSV read back is what was written."""
    texts = ["-", "'-", "+51 999", "=1+1", "''@x", "ok", "'"]
    rows = [["name", "plain", "n"]]
    rows += [[texts[i % 7] if i % 7 else f"row {i}", f"t{i}", i] for i in range(100_000)]
    path = tmp_path / "big.csv"
    export_csv(rows, path)
    frame = read_text_frame(path).cells
    assert frame.to_series(0).to_list()[1:] == [row[0] for row in rows[1:]]
    assert frame.to_series(1).to_list()[1:] == [row[1] for row in rows[1:]]


def test_an_empty_text_is_a_blank_cell(tmp_path: Path) -> None:
    """The XLSX exports wrote "" as a text cell (a tester): a blank cell, as in the CSV."""
    path = tmp_path / "e.xlsx"
    write_xlsx([["a", "b", "c"], ["x", "", None], ["", 0, "'"]], path)
    sheet = openpyxl.load_workbook(path)["5W"]
    assert [[c.data_type for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["s", "n", "n"],
        ["n", "n", "s"],
    ]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["x", None, None],
        [None, 0, "'"],
    ]
