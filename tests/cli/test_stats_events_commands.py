"""`kipu stats load` and `kipu events load` print the loader's warnings: a column the file has
and the loader does not read was said nowhere."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("command", "text", "column"),
    [
        (
            "stats",
            "series,period_start,value,Observaciones\nstock,2019-11-30,1,x\n",
            "Observaciones",
        ),
        ("events", "date,title,Lugar exacto\n2019-05-01,Launch,Lima\n", "Lugar exacto"),
    ],
)
def test_columns_not_read_are_printed(  # noqa: ANN001
    kipu, make_platform, tmp_path: Path, command: str, text: str, column: str
) -> None:
    make_platform()
    path = tmp_path / "file.csv"
    path.write_text(text, encoding="utf-8")
    result = kipu(command, "load", str(path))
    assert result.exit_code == 0, result.output
    assert f"warning: file.csv: column(s) {column!r} not read" in result.output
