"""The two readings of an XLSX 5W sheet side by side: the columnar one must equal the cell by
cell one (kipu.core.read.columns), used by test_columns and test_census_proof."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from polars.testing import assert_frame_equal

from kipu.core.read import fivew, read_5w
from kipu.core.read.fivew import FiveWTable
from kipu.core.schema import COLUMNS

LABELS = [c.label_en for c in COLUMNS]


def both(path: Path, monkeypatch: pytest.MonkeyPatch) -> FiveWTable:
    """The columnar reading of `path`, after checking it equals the cell by cell one."""
    columnar = read_5w(path)
    with monkeypatch.context() as patch:
        patch.setattr(fivew, "COLUMNAR", False)
        cells = read_5w(path)
    assert cells.source == "cells"
    assert (columnar.sheet, columnar.hidden) == (cells.sheet, cells.hidden)
    assert columnar.header == cells.header
    assert_frame_equal(columnar.frame, cells.frame)
    assert_frame_equal(columnar.extra, cells.extra)
    assert_frame_equal(columnar.marks, cells.marks)
    assert columnar.hidden_rows.to_list() == cells.hidden_rows.to_list()
    assert columnar.hidden_columns == cells.hidden_columns
    return columnar


def plain_row(i: int) -> list[Any]:
    return ["Peru", "Lima", "UNHCR", "No", "", "2024-03", "Health",
            "Number of people receiving primary health care", f"Activity {i}", "Desc", "Yes",
            "No", "No", "", "", 3, 10, 8, 4, 4, 0, 0, 0, 2, 2, 2, 2]  # fmt: skip
