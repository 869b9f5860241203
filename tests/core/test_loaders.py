"""Reference-data loaders: good files load; each bad file gives one clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kipu.core.gazetteer import Gazetteer, bundled_locations
from kipu.core.loaders.locations import load_locations
from kipu.core.loaders.organisations import load_organisations
from kipu.core.loaders.plan import load_plan, sector_code_for
from kipu.core.loaders.statistics import load_statistics


@pytest.fixture(scope="module")
def peru() -> Gazetteer:
    return Gazetteer(bundled_locations("PE"))


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_organisations_load_with_aliases_and_memberships(tmp_path: Path) -> None:
    file = write(
        tmp_path / "orgs.csv",
        "Name,Name_ES,Acronym,Type,ID,Aliases,Member since\n"
        "UN Refugee Agency,ACNUR,UNHCR,UN,ORG001,ACNUR Peru|Agencia de la ONU,2018-09-01\n"
        "Cáritas del Perú,,,Faith based,ORG002,,\n",
    )
    loaded = load_organisations(file)
    assert loaded.ok, loaded.errors
    first, second = loaded.records
    assert (first.external_id, first.acronym, first.aliases) == (
        "ORG001",
        "UNHCR",
        ["ACNUR Peru", "Agencia de la ONU"],
    )
    assert first.member_since is not None and first.member_since.isoformat() == "2018-09-01"
    assert second.org_type == "Faith Based Organization"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Acronym,Type\nUNHCR,UN\n", "missing column(s) name"),
        ("Name,Type\n,UN\n", "no row could be loaded"),
        ("", "the file is empty"),
        ("Name,Type\n", "no data rows"),
    ],
)
def test_bad_organisation_files_name_the_problem(
    tmp_path: Path, content: str, expected: str
) -> None:
    """Only what leaves nothing to load refuses a whole file; bad rows are warnings
    (tests/core/test_r4v_reference_registry.py)."""
    loaded = load_organisations(write(tmp_path / "orgs.csv", content))
    assert not loaded.ok
    assert expected in "\n".join(str(e) for e in loaded.errors)
    assert all(str(e).startswith("orgs.csv") for e in loaded.errors)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Name,ID\nA,ORG1\nB,ORG1\n", "row 3, column 'ID': registry id ORG1 is on row 2"),
        ("Name,Type\nA,Bank\n", "row 2, column 'Type': unknown type 'Bank', kept as written"),
        ("Name,Member since\nA,yesterday\n", "'yesterday' is not a date (YYYY-MM-DD): left"),
    ],
)
def test_bad_organisation_rows_are_warnings(tmp_path: Path, content: str, expected: str) -> None:
    loaded = load_organisations(write(tmp_path / "orgs.csv", content))
    assert loaded.ok and loaded.records
    assert expected in "\n".join(str(e) for e in loaded.warnings)


def test_non_utf8_csv_is_refused_with_advice(tmp_path: Path) -> None:
    loaded = load_organisations(
        write(tmp_path / "orgs.csv", "Name\nAcción contra el Hambre\n", "cp1252")
    )
    assert [str(e) for e in loaded.errors] == [  # the file named once
        "orgs.csv: not UTF-8 text (byte 0xF3 at position 9); save it as 'CSV UTF-8'."
    ]


def test_r4v_indicator_list_csv(tmp_path: Path, peru: Gazetteer) -> None:
    file = write(
        tmp_path / "indicators.csv",
        "sector,indicator,code,type\n"
        "Protection (GBV),# of people reached by GBV services,PR-GBV1,PiN\n"
        "Protection (GBV),# of officials trained,PR-GBV2,People\n"
        "Education,# of schools supported,ED-1,Other\n",
    )
    loaded = load_plan(file, peru, "PER")
    assert loaded.ok, loaded.errors
    content = loaded.records[0]
    assert [s.name for s in content.sectors] == ["Protection (GBV)", "Education"]
    assert (
        content.indicators[0].sector_code == sector_code_for("Protection (GBV)") == "PROTECTION-GBV"
    )
    assert [i.type for i in content.indicators] == ["PiN", "People", "Other"]


def test_plan_workbook_with_sectors_targets_and_sub_sectors(
    tmp_path: Path, peru: Gazetteer
) -> None:
    book = Workbook()
    sectors = book.active
    sectors.title = "Sectors"
    for row in (
        ["code", "name", "name_es", "parent"],
        ["PRO", "Protection", "Protección", ""],
        ["PRO-GBV", "Protection (GBV)", "Protección (VBG)", "PRO"],
    ):
        sectors.append(row)
    indicators = book.create_sheet("Indicators")
    for row in (
        ["code", "indicator", "sector", "type"],
        ["GBV-1", "Survivors assisted", "PRO-GBV", "Direct Assistance"],
    ):
        indicators.append(row)
    targets = book.create_sheet("Targets")
    for row in (
        ["sector", "admin1", "people_in_need", "people_targeted", "budget_usd"],
        ["PRO", "Cuzco", 1000, 500, 20000.5],
        ["PRO", "", 90000, 30000, 1000000],
    ):
        targets.append(row)
    book.save(tmp_path / "plan.xlsx")
    loaded = load_plan(tmp_path / "plan.xlsx", peru, "PER")
    assert loaded.ok, loaded.errors
    content = loaded.records[0]
    assert content.sectors[1].parent_code == "PRO"
    assert [(t.admin1, t.people_in_need) for t in content.targets] == [("PE08", 1000), ("", 90000)]


@pytest.mark.parametrize(
    ("sectors", "expected"),
    [
        # Before, a third level loaded: the dashboard's Protection left out Case management's
        # rows, and Child protection selected read nothing (rolled up to Protection).
        (
            [("PRO", "Protection", ""), ("CP", "Child protection", "PRO"), ("CM", "Case", "CP")],
            "row 4, column 'parent': parent sector 'CP' is itself a sub-sector of 'PRO'",
        ),
        ([("PRO", "Protection", "PRO")], "row 2, column 'parent': sector 'PRO' cannot be"),
        (
            [("A", "Health", "Education"), ("B", "Education", "Health")],
            "row 2, column 'parent': parent sector 'Education' is itself a sub-sector of 'A'",
        ),
    ],
)
def test_a_plan_has_two_levels_of_sectors(
    tmp_path: Path, peru: Gazetteer, sectors: list[tuple[str, str, str]], expected: str
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Sectors"
    for row in [("code", "name", "parent"), *sectors]:
        sheet.append(list(row))
    indicators = book.create_sheet("Indicators")
    for row in (["code", "indicator", "sector", "type"], ["X1", "Kits", sectors[0][0], "Other"]):
        indicators.append(row)
    book.save(tmp_path / "plan.xlsx")
    loaded = load_plan(tmp_path / "plan.xlsx", peru, "PER")
    assert not loaded.ok
    assert expected in "\n".join(str(e) for e in loaded.errors)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("sector,indicator,code\nA,B,C\n", "missing column(s) type"),
        (
            "sector,indicator,code,type\nA,B,C,PiN\nA,D,C,PiN\n",
            "row 3, column 'code': the same indicator code as row 2",
        ),
        # Before, these loaded, and 5W rows naming the second went to the first (a PiN one).
        (
            "sector,indicator,code,type\n"
            "A,Consultas médicas,H3,PiN\nA,Consultas medicas,H4,Other\n",
            "row 3, column 'indicator': the same indicator name as row 2",
        ),
        ("sector,indicator,code,type\nA,B,HE1,PiN\nA,D,he1,PiN\n", "the same indicator code"),
        # Before, the code was followed: NU1 went to Health and "Nutrition" was lost.
        (
            "sector,sector_code,indicator,code,type\nHealth,HEA,B,HE1,PiN\n"
            "Nutrition,NUT,C,NU2,PiN\nNutrition,HEA,D,NU1,PiN\n",
            "row 4, column 'sector_code': sector code 'HEA' is 'Health', not 'Nutrition'",
        ),
        ("sector,indicator,code,type\nA,B  c,X1,PiN\nA,b c,X2,PiN\n", "as row 2"),
        ("sector,indicator,code,type\nA,B,C,Pin people\n", "unknown indicator type 'Pin people'"),
    ],
)
def test_bad_plan_files(tmp_path: Path, peru: Gazetteer, content: str, expected: str) -> None:
    loaded = load_plan(write(tmp_path / "plan.csv", content), peru, "PER")
    assert expected in "\n".join(str(e) for e in loaded.errors)


def test_targets_with_unknown_department_suggest_the_closest(
    tmp_path: Path, peru: Gazetteer
) -> None:
    plan = write(tmp_path / "plan.csv", "sector,indicator,code,type\nHealth,Consultations,H1,PiN\n")
    targets = write(
        tmp_path / "targets.csv",
        "sector,admin1,people_in_need\nHealth,Arequpa,10\nHealth,Lima,-3\n",
    )
    errors = [str(e) for e in load_plan(plan, peru, "PER", targets).errors]
    assert errors == [
        "targets.csv, row 2, column 'admin1': unknown admin1 'Arequpa'; did you mean 'Arequipa'?",
        "targets.csv, row 3, column 'people_in_need': '-3' is negative",
    ]


@pytest.mark.parametrize(
    ("first", "second"), [("Lima", "PE15"), ("", ""), ("Arequipa", "arequipa"), ("PE15", "15")]
)
def test_a_second_target_for_one_place_is_refused(
    tmp_path: Path, peru: Gazetteer, first: str, second: str
) -> None:
    """Before, two whole-country rows were both stored (progress listed the sector twice) and
    Lima beside PE15 stopped the load with a database traceback."""
    plan = write(tmp_path / "plan.csv", "sector,indicator,code,type\nHealth,Consultations,H1,PiN\n")
    targets = write(
        tmp_path / "targets.csv",
        f"sector,admin1,people_in_need\nHealth,{first},1000\nHealth,{second},5000\n",
    )
    errors = [str(e) for e in load_plan(plan, peru, "PER", targets).errors]
    assert len(errors) == 1 and "row 3" in errors[0] and "(row 2 has one)" in errors[0], errors


def _grouped(number: int, mark: str) -> str:
    """A whole number written with `mark` between groups of three digits."""
    return f"{number:,}".replace(",", mark)


@given(
    number=st.integers(1000, 999_999_999),
    mark=st.sampled_from([".", ",", " "]),
    cents=st.integers(1, 99),
)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_target_numbers_are_read_exactly_or_refused(
    tmp_path: Path, peru: Gazetteer, number: int, mark: str, cents: int
) -> None:
    """Before, "420.000" people in need was stored as 420, "300,5" as 3005, "2.500,75" dollars
    as 2.50 and 12.5 people as 12: every text is now its number, or refused at its cell."""
    plan = write(tmp_path / "plan.csv", "sector,indicator,code,type\nHealth,Consultations,H1,PiN\n")
    decimal = "," if mark == "." else "."
    written = {
        "people_in_need": _grouped(number, mark),
        "people_targeted": f"{number}{decimal}5",  # half a person: never whole
        "budget_usd": f"{_grouped(number, mark)}{decimal}{cents:02d}",
    }
    row = ",".join(f'"{text}"' for text in written.values())
    targets = write(
        tmp_path / "targets.csv",
        f"sector,admin1,people_in_need,people_targeted,budget_usd\nHealth,Lima,{row}\n",
    )
    loaded = load_plan(plan, peru, "PER", targets)
    messages = "\n".join(str(e) for e in loaded.errors)
    assert "people_targeted': " in messages and "not a whole number" in messages
    one_group = number < 1_000_000 and mark != " "  # "420.000": 420000 or 420?
    assert ("people_in_need': " in messages) == one_group, messages
    assert not loaded.ok and not (loaded.records and loaded.records[0].targets)
    fixed = write(
        tmp_path / "fixed.csv",
        "sector,admin1,people_in_need,people_targeted,budget_usd\n"
        f'Health,Lima,{number},"{_grouped(number, ",")}","{_grouped(number, ",")}.{cents:02d}"\n',
    )
    read = load_plan(plan, peru, "PER", fixed)
    if number >= 1_000_000:
        assert read.ok, read.errors
        (target,) = read.records[0].targets
        assert (target.people_in_need, target.people_targeted) == (number, number)
        assert round(target.budget_usd * 100) == number * 100 + cents


def test_statistics_like_the_published_figures(tmp_path: Path) -> None:
    file = write(
        tmp_path / "figures.csv",
        "series,period_start,period_end,value,note,source\n"
        'stock,2019-11-30,2019-11-30,862000,"published as ""Above 862,000""",GTRM\n'
        "entries,2018-01-01,2018-12-31,814801,,Migraciones\n",
    )
    loaded = load_statistics(file)
    assert loaded.ok
    assert loaded.records[0].name_en == "Venezuelans living in the country"
    assert int(loaded.records[1].value) == 814801


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("series,period_start,value\nstock,30/11/2019,1\n", "'30/11/2019' is not a date"),
        (
            "series,period_start,period_end,value\nstock,2019-11-30,2019-11-01,1\n",
            "ends before it starts",
        ),
        ("series,period_start,value\nstock,2019-11-30,many\n", "'many' is not a number"),
        # Before, "1.234" and "1.234,5" were stored as 1.23, "12,5" as 125, 0.125 as 0.12,
        # NaN was a traceback and 1e30 broke the statistics API.
        ("series,period_start,value\nstock,2019-11-30,1.234\n", "could be 1234 or 1.234"),
        ("series,period_start,value\nstock,2019-11-30,0.125\n", "more than 2 decimals"),
        ("series,period_start,value\nstock,2019-11-30,NaN\n", "'NaN' is not a number"),
        ("series,period_start,value\nstock,2019-11-30,Infinity\n", "is not a number"),
        ("series,period_start,value\nstock,2019-11-30,1e30\n", "too large"),
        ("series,period_start,value\nstock,2019-11-30,\n", "empty value"),
        (
            "series,period_start,value\nstock,2019-11-30,1\nstock,2019-11-30,2\n",
            "same series and period as row 2",
        ),
        ("period_start,value\n2019-11-30,1\n", "missing column(s) series"),
    ],
)
def test_bad_statistics(tmp_path: Path, content: str, expected: str) -> None:
    loaded = load_statistics(write(tmp_path / "s.csv", content))
    assert expected in "\n".join(str(e) for e in loaded.errors)


@pytest.mark.parametrize(
    ("written", "value"),
    [("1.234,5", "1234.50"), ("12,5", "12.50"), ("1,234,567", "1234567.00"), ("-3.25", "-3.25")],
)
def test_statistics_in_either_convention_are_read_exactly(
    tmp_path: Path, written: str, value: str
) -> None:
    loaded = load_statistics(
        write(tmp_path / "s.csv", f'series,period_start,value\nstock,2019-11-30,"{written}"\n')
    )
    assert loaded.ok, loaded.errors
    assert str(loaded.records[0].value) == value


def test_cod_ab_wide_table(tmp_path: Path) -> None:
    file = write(
        tmp_path / "ecu.csv",
        "ADM0_PCODE,ADM1_ES,ADM1_PCODE,ADM2_ES,ADM2_PCODE\n"
        "EC,Pichincha,EC17,Quito,EC1701\nEC,Pichincha,EC17,Cayambe,EC1702\n"
        "EC,Guayas,EC09,Guayaquil,EC0901\n",
    )
    loaded = load_locations(file, "ECU")
    assert loaded.ok, loaded.errors
    places = Gazetteer(loaded.records)
    assert places.get("EC") is not None and places.get("EC").name == "Ecuador"
    assert places.find("quito", "ECU", 2).parent_pcode == "EC17"
    assert places.national("ECU").pcode == "EC00"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # Before, stored under the country itself (no 5W row could place it), or nameless.
        ("ADM1_ES,ADM1_PCODE,ADM2_ES,ADM2_PCODE\n,,Quito,EC1701\n", "EC1701: no admin1 P-code"),
        ("ADM1_ES,ADM1_PCODE\n,EC17\nGuayas,EC09\n", "EC17: no name"),
        ("pcode,name,level,parent_pcode\nEC17,,1,\nEC09,Guayas,1,\n", "EC17: no name"),
        ("pcode,name,level,parent_pcode\nEC17,\u200b\u00ad,1,\nEC09,Guayas,1,\n", "EC17: no name"),
    ],
)
def test_a_unit_without_its_name_or_parent_is_refused(
    tmp_path: Path, content: str, expected: str
) -> None:
    loaded = load_locations(write(tmp_path / "ecu.csv", content), "ECU")
    assert expected in "\n".join(str(e) for e in loaded.errors), loaded.errors
    assert not loaded.records


def test_levels_kipu_does_not_read_are_said(tmp_path: Path) -> None:
    """Before, ADM4 columns were left out, and ADM3 without ADM2 loaded the admin1 only,
    without a word."""
    deep = write(
        tmp_path / "ecu.csv",
        "ADM1_PCODE,ADM1_ES,ADM2_PCODE,ADM2_ES,ADM3_PCODE,ADM3_ES,ADM4_PCODE,ADM4_ES\n"
        "EC17,Pichincha,EC1701,Quito,EC170150,Quito,EC17015001,Centro\n",
    )
    loaded = load_locations(deep, "ECU")
    assert loaded.ok and {u.pcode for u in loaded.records} >= {"EC17", "EC1701", "EC170150"}
    (warning,) = [str(w) for w in loaded.warnings]
    assert "column 'ADM4_PCODE'" in warning and "levels 1 to 3" in warning
    gap = write(tmp_path / "gap.csv", "ADM1_PCODE,ADM1_ES,ADM3_PCODE,ADM3_ES\nEC17,P,EC170150,Q\n")
    (error,) = [str(e) for e in load_locations(gap, "ECU").errors]
    assert "column 'ADM3_PCODE'" in error and "a level below one the file lacks" in error


def test_units_named_alike_in_one_parent_are_said(tmp_path: Path) -> None:
    """Before, "San Pedro" and "San  Pedro" of one department loaded without a word, and 5W
    rows naming the second went to the first."""
    file = write(
        tmp_path / "col.csv",
        "ADM1_ES,ADM1_PCODE,ADM2_ES,ADM2_PCODE\nAntioquia,CO05,San Pedro,CO05002\n"
        "Antioquia,CO05,San  pedro,CO05003\nAntioquia,CO05,Abejorral,CO05004\n"
        "Atlántico,CO08,San Pedro,CO08001\n",
    )
    loaded = load_locations(file, "COL")
    assert loaded.ok, loaded.errors
    (warning,) = [str(w) for w in loaded.warnings]
    assert "CO05003 'San  pedro' is named as CO05002 'San Pedro', in the same CO05" in warning


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "pcode,name,level,parent_pcode\nEC17,Pichincha,1,\nEC1701,Quito,2,EC99\n",
            "unknown parent code 'EC99'",
        ),
        (
            "pcode,name,level,parent_pcode\nEC17,Pichincha,1,\nEC17,Guayas,1,\n",
            "duplicate code 'EC17'",
        ),
        ("ADM1_PCODE,ADM1_ES\nEC17,Pichincha\nEC17,Guayas\n", "EC17 is 'Guayas'"),
        (
            "ADM1_PCODE,ADM1_ES\nEC17,Pichincha\nCO05,Antioquia\n",
            "row 3, column 'ADM1_PCODE': CO05 is not a P-code of Ecuador",
        ),
        ("code,label\n1,x\n", "expected COD-AB columns"),
    ],
)
def test_bad_location_tables(tmp_path: Path, content: str, expected: str) -> None:
    loaded = load_locations(write(tmp_path / "units.csv", content), "ECU")
    assert expected in "\n".join(str(e) for e in loaded.errors)


def test_a_totals_row_and_spanish_membership_columns(tmp_path: Path) -> None:
    """Before, a totals row became an organisation named "Total" (listed among the platform's
    partners) and "Miembro desde" was ignored without a word (members counted in every past
    month's report)."""
    file = write(
        tmp_path / "orgs.csv",
        "Name,Acronym,Miembro desde,Grupos de trabajo,Observaciones\n"
        "UN Refugee Agency,UNHCR,2019-11-04,Protección,ok\n"
        "Total,,,,\n",
    )
    loaded = load_organisations(file)
    assert [r.name for r in loaded.records] == ["UN Refugee Agency"]
    assert str(loaded.records[0].member_since) == "2019-11-04"
    assert loaded.records[0].sub_working_groups == ["Protección"]
    said = "\n".join(str(w) for w in loaded.warnings)
    assert "'Total' is a totals row, not an organisation: row skipped" in said
    assert "column(s) 'Observaciones' not read" in said


@pytest.mark.parametrize(
    "text",
    ["2019-10-01 - 2019-11-30", "2019-11-30 (preliminar)", "2019-11-05 y 2019-11-06", "2019-11-3"],
)
def test_a_date_cell_is_read_whole(tmp_path: Path, text: str) -> None:
    """Before, the first ten characters were read: a range became its first day, and
    "(preliminar)" was dropped, without a word."""
    file = write(tmp_path / "stats.csv", f"series,period_start,value\nentries,{text},21292\n")
    loaded = load_statistics(file)
    assert not loaded.ok and "is not a date" in str(loaded.errors[0])
    for written in ("2019-11-30", "2019-11-30 00:00:00", "2019-11-30T10:30"):
        file.write_text(f"series,period_start,value\nentries,{written},21292\n")
        assert str(load_statistics(file).records[0].period_start) == "2019-11-30"


def test_a_targets_column_named_by_the_countrys_admin1_word(tmp_path: Path) -> None:
    """Before, Ecuador's "Provincia" column was not read (only warned) and its targets were
    stored as whole-country ones."""
    from kipu.core.gazetteer import Location

    places = Gazetteer(
        [
            Location("EC", 0, "ECU", "Ecuador", "ECU", iso="EC"),
            Location("EC17", 1, "17", "Pichincha", "ECU", "EC"),
            Location("EC09", 1, "09", "Guayas", "ECU", "EC"),
        ]
    )
    plan = write(tmp_path / "plan.csv", "sector,indicator,code,type\nHealth,Consultations,H1,PiN\n")
    targets = write(tmp_path / "t.csv", "Sector,Provincia,Meta\nHealth,Pichincha,50000\n")
    loaded = load_plan(plan, places, "ECU", targets)
    assert loaded.ok and not loaded.warnings, (loaded.errors, loaded.warnings)
    assert [(t.admin1, t.people_targeted) for t in loaded.records[0].targets] == [("EC17", 50000)]


def test_targets_given_twice_are_refused(tmp_path: Path, peru: Gazetteer) -> None:
    """Before, a workbook's "Metas" sheet was left out when --targets was given, and of two
    targets sheets ("Metas", "Objetivos") the second."""
    book = Workbook()
    book.active.title = "Indicadores"
    book.active.append(["sector", "indicator", "code", "type"])
    book.active.append(["Health", "Consultations", "H1", "PiN"])
    for title in ("Metas", "Objetivos"):
        sheet = book.create_sheet(title)
        sheet.append(["sector", "admin1", "people_targeted"])
        sheet.append(["Health", "Lima", 100])
    book.save(tmp_path / "plan.xlsx")
    loaded = load_plan(tmp_path / "plan.xlsx", peru, "PER")
    assert "sheets 'Metas' and 'Objetivos' are both the plan's targets" in str(loaded.errors)
    del book["Objetivos"]
    book.save(tmp_path / "plan.xlsx")
    other = write(tmp_path / "t.csv", "sector,admin1,people_targeted\nHealth,Tumbes,5\n")
    loaded = load_plan(tmp_path / "plan.xlsx", peru, "PER", other)
    assert "a sheet 'Metas' and --targets is given" in str(loaded.errors)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(
    ("header", "rows", "named"),
    [
        # The admin1 column left unlabelled: every department's target read as the country's.
        (["sector", "", "people_in_need"], [["Health", "Lima", 10]], ["B (no header)"]),
        # Values past the header's last label, a row longer than the header.
        (["sector", "people_in_need"], [["Health", 10, "", 7]], ["D (no header)"]),
        # Two unlabelled columns, one labelled one not read.
        (
            ["sector", "", "people_in_need", "", "Notas"],
            [["Health", "x", 10, "", "ok"], ["Education", "", 5, "y", ""]],
            ["'Notas'", "B (no header)", "D (no header)"],
        ),
        # An unlabelled column without values: nothing to say.
        (["sector", "", "people_in_need"], [["Health", "", 10]], []),
    ],
)
def test_values_under_no_header_are_named_not_read(
    peru: Gazetteer, tmp_path: Path, header: list, rows: list, named: list, suffix: str
) -> None:
    """A column of values under no label was dropped without a word, whatever the table
    (here a plan's targets): each is named by its letter among the columns not read."""
    path = tmp_path / f"targets{suffix}"
    if suffix == ".csv":
        lines = [header, *rows]
        path.write_text("\n".join(",".join(str(c) for c in line) for line in lines) + "\n")
    else:
        book = Workbook()
        for line in [header, *rows]:
            book.active.append([None if c == "" else c for c in line])
        book.save(path)
    plan = write(tmp_path / "plan.csv", "sector,indicator,code,type\nHealth,Care,HE1,People\n"
                 "Education,Schools,ED1,People\n")  # fmt: skip
    loaded = load_plan(plan, peru, ["PER"], path)
    said = [str(w) for w in loaded.warnings if "not read" in str(w)]
    if not named:
        assert said == []
    else:
        assert len(said) == 1 and f"column(s) {', '.join(named)} not read" in said[0], said


@pytest.mark.parametrize("merged", ["C2:C3", "C2:C4", "D3:D4"])
def test_a_target_figure_merged_over_rows_is_said_at_each_row_it_is_copied_to(
    peru: Gazetteer, tmp_path: Path, merged: str
) -> None:
    """A people-in-need cell merged over two targets was stored for each, and the total
    counted it twice, without a word (sector and admin1 cells merged over their rows are
    meant for each, and go without a word)."""
    book = Workbook()
    sheet = book.active
    for line in [
        ["sector", "admin1", "people_in_need", "people_targeted"],
        ["Health", "Lima", 10, 5],
        ["Education", "Lima", None, 4],
        ["Protection", "Lima", None if merged == "C2:C4" else 7, None],
    ]:
        sheet.append(line)
    sheet.merge_cells(merged)
    sheet.merge_cells("B2:B4")  # admin1 for each: nothing to say
    path = tmp_path / "targets.xlsx"
    book.save(path)
    plan = write(tmp_path / "plan.csv", "sector,indicator,code,type\nHealth,Care,HE1,People\n"
                 "Education,Schools,ED1,People\nProtection,Cases,PR1,People\n")  # fmt: skip
    loaded = load_plan(plan, peru, ["PER"], path)
    assert loaded.ok, [str(e) for e in loaded.errors]
    said = [str(w) for w in loaded.warnings if "merged range" in str(w)]
    column = merged[0]
    covered = range(int(merged[1]) + 1, int(merged[-1]) + 1)
    label = {"C": "people_in_need", "D": "people_targeted"}[column]
    assert len(said) == len(covered)
    for row, text in zip(covered, said, strict=True):
        assert f"row {row}" in text and label in text and f"merged range {merged}" in text


@pytest.mark.parametrize("hide", [[3], [2, 4], []])
@pytest.mark.parametrize("kind", ["targets", "organisations", "statistics"])
def test_rows_hidden_in_a_reference_sheet_are_named(
    peru: Gazetteer, tmp_path: Path, kind: str, hide: list[int]
) -> None:
    """A row hidden in a reference sheet (last year's targets hidden instead of deleted) was
    loaded without a word: it is loaded still, as a 5W file's, and named."""
    tables = {
        "targets": [["sector", "admin1", "people_in_need"], ["Health", "Lima", 10],
                    ["Health", "Tumbes", 20], ["Education", "Lima", 30]],
        "organisations": [["name", "acronym"], ["Acción Contra el Hambre", "ACH"],
                          ["Cáritas del Perú", "CARITAS"], ["Plan International", "PLAN"]],
        "statistics": [["series", "period_start", "value"], ["arrivals", "2019-01-01", 1],
                       ["arrivals", "2019-02-01", 2], ["arrivals", "2019-03-01", 3]],
    }  # fmt: skip
    book = Workbook()
    for line in tables[kind]:
        book.active.append(line)
    for row in hide:
        book.active.row_dimensions[row].hidden = True
    path = tmp_path / f"{kind}.xlsx"
    book.save(path)
    if kind == "targets":
        plan = write(tmp_path / "plan.csv", "sector,indicator,code,type\nHealth,Care,HE1,People\n"
                     "Education,Schools,ED1,People\n")  # fmt: skip
        loaded = load_plan(plan, peru, ["PER"], path)
        count = len(loaded.records[0].targets)
    elif kind == "organisations":
        loaded = load_organisations(path)
        count = len(loaded.records)
    else:
        loaded = load_statistics(path)
        count = len(loaded.records)
    assert loaded.ok, [str(e) for e in loaded.errors]
    assert count == 3  # read all the same
    said = [str(w) for w in loaded.warnings if "hidden in the sheet" in str(w)]
    if not hide:
        assert said == []
    else:
        rows = ", ".join(map(str, hide))
        assert len(said) == 1 and f"{'row' if len(hide) == 1 else 'rows'} {rows} " in said[0]


@pytest.mark.parametrize(
    ("sheets", "read", "said"),
    [
        # An instructions sheet before the targets: it was read, and refused as "a header but
        # no data rows".
        ({"Instrucciones": [["Llene la hoja Metas"]], "Metas": None}, True, None),
        ({"Read me": [["Fill in"], ["the next sheet"]], "Targets": None}, True, None),
        # No sheet named as targets are: the first is read, and the warning names it.
        ({"Hoja1": None, "Hoja2": [["x"], ["y"]]}, True, "'Hoja1'"),
        ({"Hoja1": None}, True, None),
        # "Metas 2021" and "Metas 2022": no sheet is chosen by a part of its name (the first
        # matching one was last year's); the first is read, and said.
        ({"Metas 2021": None, "Metas 2022": [["x"], ["y"]]}, True, "'Metas 2021'"),
    ],
)
def test_a_separate_targets_workbook_is_read_at_its_targets_sheet(
    peru: Gazetteer, tmp_path: Path, sheets: dict, read: bool, said: str | None
) -> None:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows or [["sector", "admin1", "people_in_need"], ["Health", "Lima", 10]]:
            sheet.append(row)
    path = tmp_path / "targets.xlsx"
    book.save(path)
    plan = write(tmp_path / "plan.csv", "sector,indicator,code,type\nHealth,Care,HE1,People\n")
    loaded = load_plan(plan, peru, ["PER"], path)
    assert loaded.ok, [str(e) for e in loaded.errors]
    assert [t.people_in_need for t in loaded.records[0].targets] == [10]
    first = [str(w) for w in loaded.warnings if "first sheet" in str(w)]
    assert first == (
        []
        if said is None
        else [
            f"targets.xlsx: targets read from the first sheet, {said}: no sheet is named 'targets'"
        ]
    )


@pytest.mark.parametrize("text", ["9" * 5000, "abc" * 1000, "1" * 41])
def test_a_long_cell_is_quoted_shortened_in_its_error(text: str) -> None:
    """A cell of 5,000 digits was quoted whole in its error."""
    from kipu.core.loaders import reference_number

    value, why = reference_number(text, whole=True)
    assert value is None and why is not None
    assert len(why) < 120 and f"({len(text)} characters)" in why and text[:24] in why


def test_a_target_figure_merged_across_two_columns_says_the_other_reads_empty(
    peru: Gazetteer, tmp_path: Path
) -> None:
    """People in need merged across people targeted: the targeted cell read empty (no
    target) without a word."""
    book = Workbook()
    for line in [
        ["sector", "admin1", "people_in_need", "people_targeted"],
        ["Health", "Lima", 10, None],
        ["Education", "Lima", 7, 4],
    ]:
        book.active.append(line)
    book.active.merge_cells("C2:D2")
    path = tmp_path / "targets.xlsx"
    book.save(path)
    plan = write(tmp_path / "plan.csv", "sector,indicator,code,type\nHealth,Care,HE1,People\n"
                 "Education,Schools,ED1,People\n")  # fmt: skip
    loaded = load_plan(plan, peru, ["PER"], path)
    assert loaded.ok, [str(e) for e in loaded.errors]
    targets = {t.sector_code: t for t in loaded.records[0].targets}
    assert targets["HEALTH"].people_targeted is None
    said = [str(w) for w in loaded.warnings if "merged range" in str(w)]
    assert len(said) == 1 and "row 2" in said[0] and "people_targeted" in said[0]
    assert "C2:D2" in said[0] and "read as empty" in said[0]


def test_a_targets_sheet_without_rows_is_named_in_its_error(
    peru: Gazetteer, tmp_path: Path
) -> None:
    """ "the file has a header but no data rows" named the workbook only: which sheet was read
    could not be told (an instructions sheet read in place of the targets)."""
    book = Workbook()
    book.active.title = "Instrucciones"
    book.active.append(["Llene la hoja de metas"])
    book.create_sheet("Hoja2").append(["x"])
    path = tmp_path / "targets.xlsx"
    book.save(path)
    plan = write(tmp_path / "plan.csv", "sector,indicator,code,type\nHealth,Care,HE1,People\n")
    loaded = load_plan(plan, peru, ["PER"], path)
    assert [str(e) for e in loaded.errors] == [
        "targets.xlsx (Instrucciones): the file has a header but no data rows."
    ]


def test_a_filter_hiding_most_of_a_large_list_is_read_whole(tmp_path: Path) -> None:
    """An organisations list of 50,000 rows filtered to one in five: every row is loaded and
    the hidden ones are named (each row was tested against every hidden range: 77 s)."""
    import xlsxwriter

    path = tmp_path / "orgs.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("orgs")
        sheet.write_row(0, 0, ["name", "acronym"])
        for row in range(1, 50_001):
            sheet.write_row(row, 0, [f"Organisation {row}", f"ORG{row}"])
            if row % 5:
                sheet.set_row(row, None, None, {"hidden": True})
    loaded = load_organisations(path)
    assert loaded.ok and len(loaded.records) == 50_000
    said = [str(w) for w in loaded.warnings if "hidden in the sheet" in str(w)]
    assert len(said) == 1 and "rows 2, 3, 4, 5, 7, 8, 9, 10, 12, 13 and 39990 more" in said[0]
