"""What a plan file says of its sectors' parents and of its names' language, for a reload
to keep the rest as stored. An indicator list gave no parents, and its reload made every
stored sub-sector a sector; its parent_sector column was accepted and never read. A list in
Spanish only gave its Spanish names as English ones, and they replaced the stored ones."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from kipu.core.gazetteer import Gazetteer, bundled_locations
from kipu.core.loaders import Loaded
from kipu.core.loaders.plan import PlanContent, load_plan


def _load(tmp_path: Path, text: str) -> Loaded[PlanContent]:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    return load_plan(path, Gazetteer(bundled_locations("PE")), "PER")


def _parents(loaded: Loaded[PlanContent]) -> list[tuple[str, str, bool]]:
    return [(s.code, s.parent_code, s.parent_given) for s in loaded.records[0].sectors]


def test_parents_of_a_list(tmp_path: Path) -> None:
    """Without the column, no parents given (a stored one is kept); with it, each sector's
    parent, one the list has no row of added before it, an empty cell a top-level sector."""
    plain = _load(tmp_path, "sector,indicator,code,type\nChild protection,Kids,CP1,People\n")
    assert plain.ok and _parents(plain) == [("CHILD-PROTECTION", "", False)]
    loaded = _load(
        tmp_path,
        "parent_sector,sector,indicator,code,type\n"
        "Protection,Child protection,Kids,CP1,People\nPROTECTION,GBV,Survivors,GBV1,People\n"
        ",Health,Consultations,HE1,People\n,Health,Vaccines,HE2,People\n",
    )
    assert loaded.ok, loaded.errors
    assert not loaded.warnings
    assert _parents(loaded) == [
        ("PROTECTION", "", True),
        ("CHILD-PROTECTION", "PROTECTION", True),
        ("GBV", "PROTECTION", True),
        ("HEALTH", "", True),
    ]
    assert [i.sector_code for i in loaded.records[0].indicators] == [
        "CHILD-PROTECTION", "GBV", "HEALTH", "HEALTH",
    ]  # fmt: skip


def test_parents_of_a_list_are_two_levels_and_one_each(tmp_path: Path) -> None:
    header = "parent_sector,sector,indicator,code,type\n"
    for rows, message in (
        ("Protection,CP,Kids,CP1,People\nCP,Case,Cases,CM1,People\n", "two levels"),
        ("Protection,CP,Kids,CP1,People\nPRO2,Protection,X,X1,People\n", "two levels"),
        ("CP,CP,Kids,CP1,People\n", "two levels"),
        ("Protection,CP,Kids,CP1,People\n,CP,More,CP2,People\n", "another parent"),
    ):
        loaded = _load(tmp_path, header + rows)
        assert not loaded.ok
        assert message in str(loaded.errors[0]), loaded.errors
        assert "column 'parent_sector'" in str(loaded.errors[0])


def test_a_sectors_sheet_without_parents_gives_none(tmp_path: Path) -> None:
    """A workbook whose sectors sheet has no parent column gives no parents (Health's stored
    one is kept); its indicators sheet may, naming the sheet's sectors only."""
    book = openpyxl.Workbook()
    book.active.title = "sectors"
    for row in (
        ["code", "name"],
        ["PRO", "Protection"],
        ["CP", "Child protection"],
        ["HE", "Health"],
    ):
        book.active.append(row)
    indicators = book.create_sheet("indicators")
    indicators.append(["sector", "parent_sector", "code", "indicator", "type"])
    indicators.append(["CP", "Protection", "CP1", "Kids", "People"])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    loaded = load_plan(path, Gazetteer(bundled_locations("PE")), "PER")
    assert loaded.ok, loaded.errors
    assert _parents(loaded) == [("PRO", "", True), ("CP", "PRO", True), ("HE", "", False)]
    indicators.append(["PRO", "Nowhere", "PRO1", "Oriented", "People"])
    book.save(path)
    loaded = load_plan(path, Gazetteer(bundled_locations("PE")), "PER")
    assert "unknown parent sector 'Nowhere'" in str(loaded.errors[0])


def test_a_list_in_spanish_only_has_no_english_names(tmp_path: Path) -> None:
    spanish = _load(tmp_path, "Sector,Indicador,Código,Tipo\nSalud,Consultas,HE1,Personas\n")
    english = _load(tmp_path, "sector,indicator,code,type\nHealth,Consultations,HE1,People\n")
    assert [i.english for i in spanish.records[0].indicators] == [False]
    assert [i.english for i in english.records[0].indicators] == [True]
