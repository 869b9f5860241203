"""A text cell of an XLSX holds the index of its text in the workbook's shared strings
(`<c t="s"><v>3</v></c>`). calamine reads an index that is not plain digits (`3 `, ` 3`,
`+3`, `3.0`, `1e1`) as index 0, with no complaint: the first shared string, a header label
("Country"), in place of the partner's text. A tester's. No spreadsheet program writes such
an index; a script may. Both readings give the cell no value and an `unreadable-value` mark,
as for the other values calamine misreads (`test_coded_values`)."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "validation"))
from fivew_factories import TODAY, make_reference  # noqa: E402
from test_census_proof import SHEET, _base  # noqa: E402
from test_coded_values import NAME, _marked, _saved  # noqa: E402
from test_marks_scan import _put_raw  # noqa: E402
from two_readings import both  # noqa: E402

from kipu.core.read import chunks  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402

STRINGS = ["Shared zero", "Shared one", "Shared two", "Shared three", "Shared four"]
# Index forms: (form, whether calamine misreads it). `{}` is the index.
FORMS = {
    "{} ": True, " {}": True, "{}.0": True, "+{}": True, "{}\n": True, "\t{}": True,
    "{}\u00a0": True, "-{}": True, "{}e0": True, "{},": True, "": True, " ": True,
    "{}": False, "0{}": False, "00{}": False,
    # Past 64 bits: read as index 0 (a helper's); 21 digits of a small index are not.
    "18446744073709551616": True, "99999999999999999999999": True,
    "00000000000000000000{}": False,
}  # fmt: skip
TEXT_COLUMNS = ["J", "K", "B"]


# The shared strings part, as a workbook declares it: the end tag it goes before, and what.
_DECLARED = {
    "[Content_Types].xml": (
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>',
    ),
    "xl/_rels/workbook.xml.rels": (
        b"</Relationships>",
        b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>',
    ),
}


def with_shared_strings(path: Path, out: Path, cells: dict[str, str]) -> Path:
    """A copy of `path` (inline strings only) with a shared strings part of `STRINGS` and
    `cells` (reference → the `<v>` text) made shared-string cells."""
    table = "".join(f"<si><t>{escape(s)}</t></si>" for s in STRINGS)
    part = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
        f'openxmlformats.org/spreadsheetml/2006/main" count="{len(STRINGS)}" '
        f'uniqueCount="{len(STRINGS)}">{table}</sst>'
    ).encode()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as to:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == SHEET:
                for ref, value in cells.items():
                    cell = f'<c r="{ref}" t="s"><v>{escape(value)}</v></c>'
                    data = _put_raw(data, ref, cell)
            elif info.filename in _DECLARED:
                end, declared = _DECLARED[info.filename]
                data = data.replace(end, declared + end)
            to.writestr(info.filename, data)
        to.writestr("xl/sharedStrings.xml", part)
    return out


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _saved(_base(tmp_path_factory.mktemp("shared") / "base.xlsx", 120))


def _written(form: str, index: int) -> str:
    return form.replace("{}", str(index))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.tuples(
            st.sampled_from(sorted(FORMS)),
            st.integers(1, len(STRINGS) - 1),
            st.sampled_from(TEXT_COLUMNS),
            st.integers(2, 121),
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda c: (c[2], c[3]),
    ),
    chunk=st.sampled_from([1 << 20, 8 << 10, 600]),
)
def test_an_index_that_is_not_plain_digits_is_unknown_in_both_readings(
    base: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cells: list[tuple[str, int, str, int]],
    chunk: int,
) -> None:
    monkeypatch.setattr(chunks, "CHUNK", chunk)
    written = {f"{letter}{row}": _written(form, i) for form, i, letter, row in cells}
    table = both(with_shared_strings(base, tmp_path / "shared.xlsx", written), monkeypatch)
    unknown = {(row, NAME[letter]) for form, _, letter, row in cells if FORMS[form]}
    assert _marked(table) == unknown
    for form, index, letter, row in cells:
        value = table.frame.filter(pl.col("row") == row)[NAME[letter]].item()
        assert value == (None if FORMS[form] else STRINGS[index]), (form, index, value)


def test_the_validation_reports_it_at_its_cell(base: Path, tmp_path: Path) -> None:
    path = with_shared_strings(base, tmp_path / "v.xlsx", {"J40": "3 ", "J41": "3"})
    result = validate_file(path, make_reference(), today=TODAY)
    found = [(i.code, i.row) for i in result.report.issues if i.row in (40, 41)]
    assert ("unreadable-value", 40) in found
    assert not [code for code, row in found if row == 41 and code == "unreadable-value"]
    names = result.rows.filter(pl.col("row").is_in([40, 41]))["activity_name"].to_list()
    assert names == [None, "Shared three"]


@pytest.mark.slow
def test_one_such_index_near_the_end_of_a_large_sheet(tmp_path: Path) -> None:
    """At real size: 100,000 rows, one shared string of them with an index `2 `."""
    path = _saved(_base(tmp_path / "large.xlsx", 100_000))
    one = with_shared_strings(path, tmp_path / "one.xlsx", {"J99990": "2 ", "K5": "1"})
    from kipu.core.read import read_5w

    table = read_5w(one)
    assert _marked(table) == {(99_990, NAME["J"])}
    assert table.frame.filter(pl.col("row") == 5)[NAME["K"]].item() == STRINGS[1]
    assert table.frame.filter(pl.col("row") == 6)[NAME["J"]].item() == "Desc"  # the base's
