"""Place codes whose leading zeros Excel removed (issue 11, fault 11): Peru's UBIGEO codes typed
as numbers (the district 010101 as 10101, the province 0101 as 101, the department 01 as 1),
in XLSX number cells and in CSV text. Each is read as the code meant, with a warning naming
the unit, or flagged; never another place. Checked over every department, province and
district of the bundled Peru gazetteer (the tests' database holds the same)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fivew_factories import TODAY, make_reference, record, write_csv, write_xlsx

from kipu.core.gazetteer import Gazetteer, Location, bundled_locations
from kipu.core.validation import ValidationResult, validate_file

PERU = Gazetteer(bundled_locations("PE"))
REFERENCE = make_reference(gazetteer=PERU)
WRITERS = {"xlsx": write_xlsx, "csv": write_csv}


def units(level: int) -> list[Location]:
    return [u for u in PERU.units("PER", level) if not u.national]


def department(unit: Location) -> Location:
    found = unit
    while found.level > 1:
        parent = PERU.get(found.parent_pcode)
        assert parent is not None
        found = parent
    return found


def as_excel_keeps_it(code: str) -> int:
    """A code typed into a General cell: Excel stores the number, without leading zeros."""
    return int(code)


def validate(tmp_path: Path, fmt: str, places: list[tuple[object, object]]) -> ValidationResult:
    rows = [
        record(admin1=admin1, admin2=admin2, activity_name=f"Activity {i}")
        for i, (admin1, admin2) in enumerate(places)
    ]
    return validate_file(WRITERS[fmt](tmp_path / f"5w.{fmt}", rows), REFERENCE, today=TODAY)


def at(result: ValidationResult, column: str) -> dict[int, list[tuple[str, str, str | None]]]:
    """Row → (code, message, suggestion) of the issues at the Admin1 or Admin2 column."""
    label = {"admin1": "Country Admin1", "admin2": "Admin2 Admin2"}[column]
    found: dict[int, list[tuple[str, str, str | None]]] = {}
    for issue in result.report.issues:
        if issue.column == label and issue.row is not None:
            found.setdefault(issue.row, []).append((issue.code, issue.message, issue.suggestion))
    return found


def restored(value: object, unit: Location) -> list[tuple[str, str, str | None]]:
    return [
        (
            "code-zeros-restored",
            f"“{value}” was read as the code {unit.code} ({unit.name}): Excel drops the leading "
            "zeros of a code typed as a number.",
            None,
        )
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_province_codes_typed_as_numbers_are_read_with_their_zeros(
    tmp_path: Path, fmt: str
) -> None:
    provinces = units(2)
    typed = [(as_excel_keeps_it(department(p).code), as_excel_keeps_it(p.code)) for p in provinces]
    result = validate(tmp_path, fmt, typed)
    assert result.rows["admin1"].to_list() == [department(p).pcode for p in provinces]
    assert result.rows["admin2"].to_list() == [p.pcode for p in provinces]
    assert result.report.valid and result.report.rows_with_errors == 0
    admin1, admin2 = at(result, "admin1"), at(result, "admin2")
    pairs = zip(provinces, typed, strict=True)
    for row, (province, (dept_typed, typed_code)) in enumerate(pairs, start=2):
        dept = department(province)
        assert admin1.get(row, []) == (
            restored(dept_typed, dept) if dept.code.startswith("0") else []
        ), row
        assert admin2.get(row, []) == (
            restored(typed_code, province) if province.code.startswith("0") else []
        ), row
    assert sum(1 for p in provinces if p.code.startswith("0")) == len(admin2) > 50


def test_codes_that_kept_their_zeros_need_no_warning(tmp_path: Path) -> None:
    provinces = [p for p in units(2) if p.code.startswith("0")]
    result = validate(tmp_path, "csv", [(department(p).code, p.code) for p in provinces])
    assert result.rows["admin2"].to_list() == [p.pcode for p in provinces]
    assert [i.code for i in result.report.issues] == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_district_codes_typed_as_numbers_are_flagged_never_another_place(
    tmp_path: Path, fmt: str
) -> None:
    """Kipu's Admin2 is the province: a district's UBIGEO (6 digits, 5 once Excel dropped
    the zero) is never read as a province, nor as another district: it is an error naming
    the district's province, suggested."""
    districts = units(3)
    typed = [(as_excel_keeps_it(department(d).code), as_excel_keeps_it(d.code)) for d in districts]
    result = validate(tmp_path, fmt, typed)
    assert result.rows["admin2"].null_count() == len(districts)
    assert result.rows["admin1"].to_list() == [department(d).pcode for d in districts]
    admin2 = at(result, "admin2")
    for row, (district, (_, code)) in enumerate(zip(districts, typed, strict=True), start=2):
        province = PERU.get(district.parent_pcode)
        assert province is not None
        [(issue, message, suggestion)] = admin2[row]
        assert (issue, suggestion) == ("admin2-wrong-level", province.name), (row, code)
        assert message.startswith(f"Admin2 “{code}” is a district (admin3) of {province.name}")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_code_without_zeros_of_another_department_is_flagged(tmp_path: Path, fmt: str) -> None:
    """Province 0101 (Chachapoyas, Amazonas) typed as 101 on a row of Lima."""
    result = validate(tmp_path, fmt, [("Lima", 101), (15, 101)])
    assert result.rows["admin2"].to_list() == [None, None]
    assert [issue[0] for row in (2, 3) for issue in at(result, "admin2")[row]] == [
        "admin2-not-in-admin1",
        "admin2-not-in-admin1",
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("zero", [0, "0", "000", 0.0])
def test_a_zero_is_no_code_not_country_level(tmp_path: Path, fmt: str, zero: object) -> None:
    """A link to an empty cell (=Datos!B7) shows 0: read as "00", Country level, with a
    warning only, it counted a row without a place nationally (a tester's, at row 99,999)."""
    result = validate(tmp_path, fmt, [(zero, None), ("Lima", zero)])
    assert result.rows["admin1"].to_list() == [None, "PE15"]
    assert result.rows["admin2"].to_list() == [None, None]
    assert [i[0] for i in at(result, "admin1")[2]] == ["unknown-admin1"]
    assert [i[0] for i in at(result, "admin2")[3]] == ["unknown-admin2"]
    assert not result.report.valid


def test_the_national_code_written_whole_is_country_level(tmp_path: Path) -> None:
    result = validate(tmp_path, "csv", [("00", None)])
    assert result.rows["admin1"].to_list() == ["PE00"]
    assert at(result, "admin1") == {}
