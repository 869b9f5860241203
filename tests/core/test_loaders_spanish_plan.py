"""A plan written in Spanish only ("Código; Nombre; Padre" sectors, "Indicador" indicators)
loads, its Spanish names used in English too and said so; it was refused as missing the
columns name and indicator. A statistics file dated by "Fecha" alone loads too."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from kipu.core.gazetteer import Gazetteer, bundled_locations
from kipu.core.loaders.plan import load_plan
from kipu.core.loaders.statistics import load_statistics


def test_a_plan_in_spanish_only(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    sectors = book.create_sheet("Sectores")
    for row in (["Código", "Nombre", "Padre"], ["PROT", "Protección", ""],
                ["CP", "Protección de la niñez", "PROT"]):  # fmt: skip
        sectors.append(row)
    indicators = book.create_sheet("Indicadores")
    indicators.append(["Código", "Indicador", "Sector", "Tipo"])
    indicators.append(["CP1", "Niños atendidos", "Protección de la niñez", "Personas en necesidad"])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    loaded = load_plan(path, Gazetteer(bundled_locations("PE")), "PER")
    assert loaded.ok, loaded.errors
    (content,) = loaded.records
    assert [(s.code, s.name, s.name_es, s.parent_code) for s in content.sectors] == [
        ("PROT", "Protección", "Protección", ""),
        ("CP", "Protección de la niñez", "Protección de la niñez", "PROT"),
    ]
    (indicator,) = content.indicators
    assert (indicator.name, indicator.name_es, indicator.sector_code) == (
        "Niños atendidos", "Niños atendidos", "CP",
    )  # fmt: skip
    warned = " | ".join(w.message for w in loaded.warnings)
    assert "no English name column: the Spanish ones ('Nombre')" in warned
    assert "no English indicator column: the Spanish ones ('Indicador')" in warned


def test_statistics_dated_by_fecha(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("Serie;Fecha;Valor\nstock;2019-11-30;862\n", encoding="utf-8")
    loaded = load_statistics(path)
    assert loaded.ok and not loaded.warnings, (loaded.errors, loaded.warnings)
    assert loaded.records[0].period_start.isoformat() == "2019-11-30"


def test_two_sectors_of_one_name_are_refused(tmp_path: Path) -> None:
    """An indicator or a 5W row naming "Protección" went to the first of two such sectors."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    sectors = book.create_sheet("Sectores")
    for row in (["Código", "Nombre"], ["PROT", "Protección"], ["CP", "PROTECCION"]):
        sectors.append(row)
    path = tmp_path / "plan.xlsx"
    book.save(path)
    loaded = load_plan(path, Gazetteer(bundled_locations("PE")), "PER")
    error = loaded.errors[0]  # (and: no indicators sheet)
    assert (error.row, error.message) == (
        3,
        "the same sector name as 'PROT' (letter case and accents aside): 5W rows naming it "
        "could not tell them apart",
    )
