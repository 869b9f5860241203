"""Every row of a locations file is a unit or an error at that row (docs/reference-data.md,
"Locations").

A tester's: a COD-AB row naming an admin2 without its P-code was left out ("4 units added",
Tulcán missing), where the same at admin1, or in the long layout, is an error; a "Total" row
was left out without a word; and EC3 was stored beside EC01 and EC04 (a 5W row writing EC03
did not find it)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.gazetteer import NATIONAL_NAMES, Location
from kipu.core.loaders.locations import load_locations, short_codes
from kipu.core.text import normalise

HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Not a name of the country level ("National", "Nacional"): such a row is read as the country
# level, whatever its P-code (test_a_unit_named_national_is_said_to_be_the_country_level).
NAME = (
    st.text(alphabet="abcdefghilmnoprstuvzáéíñ", min_size=3, max_size=10)
    .map(str.title)
    .filter(lambda name: normalise(name) not in {normalise(n) for n in NATIONAL_NAMES})
)
TOTALS = st.sampled_from(["Total", "TOTAL", "Totales", "Grand total", "Total general", "Suma"])


@st.composite
def cod_ab(
    draw: st.DrawFn, least: int = 1, numbers: st.SearchStrategy[list[int]] | None = None
) -> list[list[str]]:
    """Rows of a wide Ecuadorian COD-AB table of 1 to 3 levels: one row per lowest unit, its
    admin1 numbered 1, 2, … or by `numbers`."""
    depth = draw(st.integers(1, 3))
    count = draw(st.integers(least, 6))
    rows = []
    for n in draw(numbers) if numbers is not None else range(1, count + 1):
        # Units numbered apart: a unit per row at each level (parents repeat in real files;
        # one row per unit keeps the unit a change touches its row's own).
        codes = [f"EC{n:02d}", f"EC{n:02d}01", f"EC{n:02d}0101"]
        rows.append([x for level in range(depth) for x in (draw(NAME), codes[level])])
    return rows


def _header(depth: int) -> list[str]:
    return [x for level in range(1, depth + 1) for x in (f"ADM{level}_ES", f"ADM{level}_PCODE")]


def _write(tmp_path: Path, rows: list[list[str]], header: list[str]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([header, *rows])
    path = tmp_path / "ecuador.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@given(rows=cod_ab(), data=st.data())
@HYPOTHESIS
def test_a_unit_named_without_its_p_code_is_an_error_at_its_row(
    tmp_path: Path, rows: list[list[str]], data: st.DataObject
) -> None:
    depth = len(rows[0]) // 2
    assert load_locations(_write(tmp_path, rows, _header(depth)), "ECU").ok
    row = data.draw(st.integers(0, len(rows) - 1))
    level = data.draw(st.integers(1, depth))
    name = rows[row][2 * level - 2]
    rows[row][2 * level - 1] = ""
    loaded = load_locations(_write(tmp_path, rows, _header(depth)), "ECU")
    assert not loaded.ok and not loaded.records
    assert any(e.row == row + 2 and e.message == f"{name!r}: no P-code" for e in loaded.errors), (
        loaded.errors
    )


@given(rows=cod_ab(), data=st.data(), label=TOTALS)
@HYPOTHESIS
def test_a_totals_row_is_an_error_at_its_row(
    tmp_path: Path, rows: list[list[str]], data: st.DataObject, label: str
) -> None:
    depth = len(rows[0]) // 2
    at = data.draw(st.integers(0, len(rows)))
    column = data.draw(st.integers(0, 2 * depth - 1))
    totals = [""] * (2 * depth)
    totals[column] = label
    if column != len(totals) - 1 and data.draw(st.booleans()):
        totals[-1] = "123"  # a count beside it, as a table of units per level has
    rows.insert(at, totals)
    loaded = load_locations(_write(tmp_path, rows, _header(depth)), "ECU")
    assert not loaded.ok and not loaded.records
    assert [e.row for e in loaded.errors] == [at + 2]
    assert f"{label!r}: a totals row, not a unit" in loaded.errors[0].message


@given(label=TOTALS)
@HYPOTHESIS
def test_a_totals_row_of_the_long_layout_says_so(tmp_path: Path, label: str) -> None:
    text = f"pcode,name,level,parent_pcode\nBO01,Chuquisaca,1,\n{label},,,\n"
    path = tmp_path / "bolivia.csv"
    path.write_text(text, encoding="utf-8")
    loaded = load_locations(path, "BOL")
    assert [(e.row, e.message[: len(label) + 2]) for e in loaded.errors] == [(3, repr(label))]


def test_a_row_giving_no_unit_is_an_error(tmp_path: Path) -> None:
    text = "ADM0_ES,ADM1_ES,ADM1_PCODE\nEcuador,Azuay,EC01\nEcuador,,\n"
    path = tmp_path / "ecuador.csv"
    path.write_text(text, encoding="utf-8")
    loaded = load_locations(path, "ECU")
    assert [(e.row, e.message) for e in loaded.errors] == [
        (3, "no unit: the row gives no P-code or name of any level (Ecuador)")
    ]


@given(rows=cod_ab(least=2), data=st.data())
@HYPOTHESIS
def test_a_p_code_shorter_than_its_siblings_is_an_error_suggesting_the_padded_one(
    tmp_path: Path, rows: list[list[str]], data: st.DataObject
) -> None:
    depth = len(rows[0]) // 2
    row = data.draw(st.integers(0, len(rows) - 1))
    written = rows[row][1]  # the admin1 code: EC0n, its children's codes start with it
    rows[row][1] = written[:2] + written[2:].lstrip("0")
    for level in range(2, depth + 1):
        rows[row][2 * level - 1] = rows[row][1] + rows[row][2 * level - 1][4:]
    loaded = load_locations(_write(tmp_path, rows, _header(depth)), "ECU")
    assert not loaded.ok
    short = [e for e in loaded.errors if "digit(s) where the other units" in e.message]
    assert short and short[0].row == row + 2, loaded.errors
    assert short[0].message.startswith(f"{rows[row][1]} ")
    assert f"write {written} " in short[0].message


# Admin1 numbers of which at least two are below 10 and one is not: a spreadsheet reading the
# codes as numbers drops the zero of every one below 10 (EC1, EC5 beside EC12).
SPREADSHEET_NUMBERS = (
    st.lists(st.integers(1, 24), min_size=3, max_size=7, unique=True)
    .filter(lambda ns: sum(n < 10 for n in ns) >= 2 and any(n >= 10 for n in ns))
    .flatmap(st.permutations)
)


@given(rows=cod_ab(numbers=SPREADSHEET_NUMBERS))
@HYPOTHESIS
def test_every_code_a_spreadsheet_shortened_is_an_error_suggesting_the_padded_one(
    tmp_path: Path, rows: list[list[str]]
) -> None:
    """A tester's: CO5 and CO8 beside CO11, CO13, CO91 (every code below 10 without its zero)
    were stored, "8 units added", where CO5 alone was refused: the siblings of CO5 were not
    all of one width, and so said nothing. Each shortened code is an error at its row."""
    depth = len(rows[0]) // 2
    written = {}
    for row, cells in enumerate(rows):
        if cells[1][2] == "0":
            written[row + 2] = cells[1]
            cells[1] = cells[1][:2] + cells[1][2:].lstrip("0")
            for level in range(2, depth + 1):
                cells[2 * level - 1] = cells[1] + cells[2 * level - 1][4:]
    loaded = load_locations(_write(tmp_path, rows, _header(depth)), "ECU")
    assert not loaded.ok and not loaded.records
    short = {
        e.row: e.message for e in loaded.errors if "digit(s) where the other units" in e.message
    }
    assert sorted(short) == sorted(written), loaded.errors
    for row, code in written.items():
        assert short[row].startswith(f"{code[:2]}{code[2:].lstrip('0')} "), short[row]
        assert f"write {code} " in short[row], short[row]


def test_codes_shortened_beside_codes_of_another_width_are_errors() -> None:
    """The tester's files: CO5 and CO8 beside CO11, CO91; EC2 and EC3 beside EC01."""
    co = [Location(f"CO{n}", 1, str(n), f"U{n}", "COL", "CO") for n in ("91", "5", "8", "11", "13")]
    assert [(u.pcode, t.split(": ")[-1]) for u, t in short_codes(co, co)] == [
        ("CO5", "write CO05 (a spreadsheet drops the leading zeros of a number)"),
        ("CO8", "write CO08 (a spreadsheet drops the leading zeros of a number)"),
    ]
    ec = [Location(f"EC{n}", 1, n, f"U{n}", "ECU", "EC") for n in ("01", "2", "3")]
    assert [u.pcode for u, _ in short_codes(ec, ec)] == ["EC2", "EC3"]
    # Padded, a short code would be a sibling's (EC1 beside EC01): no dropped zero to restore.
    clash = [Location(f"EC{n}", 1, n, f"U{n}", "ECU", "EC") for n in ("01", "1", "2")]
    assert [u.pcode for u, _ in short_codes(clash, clash)] == []


def test_a_p_code_shorter_than_stored_siblings_is_found_when_storing() -> None:
    stored = [
        Location("EC01", 1, "01", "Azuay", "ECU", "EC"),
        Location("EC02", 1, "02", "Bolívar", "ECU", "EC"),
    ]
    new = [Location("EC3", 1, "3", "Cañar", "ECU", "EC")]
    [(unit, text)] = short_codes(new, stored)
    assert unit.pcode == "EC3"
    assert text == (
        "EC3 'Cañar' has 1 digit(s) where the other units of EC at its level have 2 (EC01, "
        "EC02): write EC03 (a spreadsheet drops the leading zeros of a number)"
    )
    # Codes of one width, or of widths that differ among the siblings themselves, say nothing.
    assert short_codes([Location("EC03", 1, "03", "Cañar", "ECU", "EC")], stored) == []
    mixed = [*stored, Location("EC117", 1, "117", "X", "ECU", "EC")]
    assert short_codes(new, mixed) == []
    assert short_codes(mixed, mixed) == []


@given(
    parent=st.integers(1, 24).map(lambda n: f"EC{n:02d}"),
    width=st.integers(2, 3),
    numbers=st.sets(st.integers(1, 99), min_size=1, max_size=4),
    digits=st.text(alphabet="0123456789", min_size=1, max_size=4),
)
@HYPOTHESIS
def test_a_padded_code_suggested_stays_under_its_parent(
    parent: str, width: int, numbers: set[int], digits: str
) -> None:
    """A tester's: EC041 under EC04, beside EC0401, was told to write EC0041, a code outside
    EC04. A code suggested starts with its parent's, has its siblings' length, and is no
    sibling's; one is suggested whenever the written code is its parent's and digits."""
    siblings = [Location(f"{parent}{n:0{width}d}", 2, "", f"U{n}", "ECU", parent) for n in numbers]
    unit = Location(f"EC{digits}", 2, "", "Nueva", "ECU", parent)
    if len(digits) >= 2 + width:
        return  # not shorter than its siblings
    [(_, text)] = short_codes([unit], siblings)
    codes = {s.pcode for s in siblings}
    suggested = re.search(r": write (\S+) ", text)
    if suggested:
        code = suggested[1]
        assert code.startswith(parent) and len(code) == len(parent) + width
        assert code not in codes
        assert code[len(parent) :].lstrip("0") == unit.pcode[len(parent) :].lstrip("0")
    elif unit.pcode.startswith(parent) and unit.pcode != parent:
        padded = parent + unit.pcode[len(parent) :].zfill(width)
        assert padded in codes and f"{padded} is another unit's code" in text
    else:  # outside its parent's code, or its parent's code itself
        assert f"check its code, which should be {parent} followed by {width} digits" in text


@given(
    rows=cod_ab(least=2),
    data=st.data(),
    national=st.sampled_from([*NATIONAL_NAMES, *(n.upper() for n in NATIONAL_NAMES)]),
)
@HYPOTHESIS
def test_a_unit_named_national_is_said_to_be_the_country_level(
    tmp_path: Path, rows: list[list[str]], data: st.DataObject, national: str
) -> None:
    """A row "National, EC02" was read as the country level (EC00) without a word: 5W rows
    writing EC02 then went to the country level. It still is (R4V's lists write their
    country-level row so), and a warning at its row says so."""
    row = data.draw(st.integers(0, len(rows) - 1))
    rows[row][0] = national
    written = rows[row][1]
    loaded = load_locations(_write(tmp_path, rows, _header(len(rows[0]) // 2)), "ECU")
    said = [w for w in loaded.warnings if "is read as the country level" in w.message]
    assert [(w.row, w.message.split(" ")[0]) for w in said] == [(row + 2, written)]
    assert written not in {unit.pcode for unit in loaded.records}
