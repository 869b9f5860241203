"""`kipu plan load` as IM officers write plans: Spanish headers and sheet names, empty cells,
columns and sheets Kipu does not read. Before, a targets file headed "Meta" loaded every
target as 0, a workbook's "Metas" sheet was left out (the old targets stayed), an empty
budget read 0, and a list reloaded without its Spanish names erased them, all without a word.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from kipu.web.plans.models import Indicator, Sector, Target

INDICATORS = "sector,sector_code,indicator,code,type\nProtection,PRO,People oriented,PRO-01,PiN\n"


@pytest.fixture
def platform(make_platform):  # noqa: ANN001
    return make_platform()


def _targets(platform) -> dict[str, tuple]:  # noqa: ANN001
    rows = Target.objects.filter(plan__platform=platform, plan__year=2019)
    return {
        (t.admin1.pcode if t.admin1 else ""): (
            t.people_in_need,
            t.people_targeted,
            None if t.budget_usd is None else float(t.budget_usd),
        )
        for t in rows.select_related("admin1")
    }


def test_spanish_target_headers_are_read_and_other_columns_said(
    kipu, platform, tmp_path: Path
) -> None:  # noqa: ANN001
    plan, targets = tmp_path / "plan.csv", tmp_path / "metas.csv"
    plan.write_text(INDICATORS)
    targets.write_text(
        "Sector;Departamento;Personas en necesidad;Meta;Presupuesto (USD);Notas\n"
        "Protection;Lima;420000;180000;28000000;revisado\n"
        "Protection;;900000;;;\n",
        encoding="utf-8",
    )
    done = kipu("plan", "load", str(plan), "--year", "2019", "--targets", str(targets))
    assert done.exit_code == 0, done.output
    assert "'Notas' not read" in done.output
    assert _targets(platform) == {
        "PE15": (420000, 180000, 28000000.0),
        "": (900000, None, None),  # empty cells: no target, not 0
    }
    found = json.loads(kipu("figures", "--format", "json").output)
    country = [r for r in found["progress"] if r["admin1"] is None and r["sector_code"] == "PRO"]
    assert country[0]["people_targeted"] is None and country[0]["budget_usd"] is None
    assert country[0]["pct_of_targeted"] is None


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        ("Sector,Departamento,Objetivo anual", "Protection,Lima,5000", "no target column"),
        ("sector,admin1,people_targeted,budget_usd", "Protection,Lima,,", "no target given"),
    ],
)
def test_targets_that_give_nothing_are_refused_and_change_nothing(
    kipu, platform, tmp_path: Path, header: str, row: str, expected: str
) -> None:  # noqa: ANN001
    plan, targets = tmp_path / "plan.csv", tmp_path / "targets.csv"
    plan.write_text(INDICATORS)
    first = tmp_path / "first.csv"
    first.write_text("sector,admin1,people_targeted\nProtection,Lima,150000\n")
    assert kipu("plan", "load", str(plan), "--year", "2019", "--targets", str(first)).exit_code == 0
    targets.write_text(f"{header}\n{row}\n")
    refused = kipu("plan", "load", str(plan), "--year", "2019", "--targets", str(targets))
    assert refused.exit_code != 0 and expected in refused.output, refused.output
    assert _targets(platform) == {"PE15": (None, 150000, None)}
    # A list without targets keeps them, and says so ("0 targets" read as none left).
    done = kipu("plan", "load", str(plan), "--year", "2019")
    assert "gives no targets: the 1 stored target is kept" in done.output, done.output
    assert _targets(platform) == {"PE15": (None, 150000, None)}


def test_spanish_sheet_names_are_read_and_other_sheets_said(kipu, platform, tmp_path: Path) -> None:  # noqa: ANN001
    book = openpyxl.Workbook()
    book.active.title = "Indicadores"
    book.active.append(["sector", "sector_code", "indicator", "code", "type"])
    book.active.append(["Protection", "PRO", "People oriented", "PRO-01", "PiN"])
    metas = book.create_sheet("Metas")
    metas.append(["sector", "admin1", "people_targeted"])
    metas.append(["Protection", "Lima", 200000])
    book.create_sheet("Notas").append(["revisar con el sector"])
    book.save(tmp_path / "plan.xlsx")
    done = kipu("plan", "load", str(tmp_path / "plan.xlsx"), "--year", "2019")
    assert done.exit_code == 0, done.output
    assert "sheet(s) 'Notas' not read" in done.output
    assert _targets(platform) == {"PE15": (None, 200000, None)}


def test_a_list_loaded_again_without_spanish_names_or_units_keeps_them(
    kipu, platform, tmp_path: Path
) -> None:  # noqa: ANN001
    full = tmp_path / "full.csv"
    full.write_text(
        "sector,sector_code,sector_es,indicator,indicator_es,code,type,unit\n"
        "Protection,PRO,Protección,People oriented,Personas orientadas,PRO-01,PiN,personas\n"
    )
    assert kipu("plan", "load", str(full), "--year", "2019").exit_code == 0
    short = tmp_path / "short.csv"
    short.write_text(INDICATORS.replace("People oriented", "People advised"))
    assert kipu("plan", "load", str(short), "--year", "2019").exit_code == 0
    indicator = Indicator.objects.get(plan__platform=platform, code="PRO-01")
    assert (indicator.name_en, indicator.name_es, indicator.unit) == (
        "People advised",
        "Personas orientadas",
        "personas",
    )
    assert Sector.objects.get(plan__platform=platform, code="PRO").name_es == "Protección"
    # An empty cell in a column the file has is what it says: no Spanish name.
    full.write_text(full.read_text().replace("Personas orientadas", ""))
    assert kipu("plan", "load", str(full), "--year", "2019").exit_code == 0
    assert Indicator.objects.get(plan__platform=platform, code="PRO-01").name_es == ""


@pytest.mark.parametrize("country", ["COL", "Colombia", "co"])
def test_figures_from_files_of_a_country_without_a_gazetteer_is_a_usage_error(
    kipu, tmp_path: Path, country: str
) -> None:  # noqa: ANN001
    """Before, every row was unknown-country, the figures read "no data" and the exit status
    was 0."""
    plan, rows = tmp_path / "plan.csv", tmp_path / "5w.csv"
    plan.write_text(INDICATORS)
    rows.write_text("Country,Admin1,Month\nColombia,Arauca,2025-03\n")
    done = kipu("figures", "--input", str(rows), "--plan", str(plan), "--country", country)
    assert done.exit_code == 2 and "no bundled gazetteer" in done.output, done.output
    peru = kipu("figures", "--input", str(rows), "--plan", str(plan), "--country", "PER")
    assert "no bundled gazetteer" not in peru.output


def test_a_list_naming_its_sectors_in_spanish_finds_the_stored_sectors(
    kipu, platform, tmp_path: Path
) -> None:  # noqa: ANN001
    """Before, "Protección" without a code made a sector PROTECCION beside the stored PRO
    (Protección in Spanish): the report listed the area twice, once with 0 partners."""
    spanish = tmp_path / "es.csv"
    spanish.write_text(
        "Sector,Indicator,Código,Tipo\nProtección,Personas orientadas,PRO-01,PiN\n",
        encoding="utf-8",
    )
    done = kipu("plan", "load", str(spanish), "--year", "2019")
    assert done.exit_code == 0, done.output
    sectors = Sector.objects.filter(plan__platform=platform, plan__year=2019)
    assert [(s.code, s.name_en, s.name_es) for s in sectors] == [
        ("PRO", "Protection", "Protección")
    ]
    assert Indicator.objects.get(plan__platform=platform, code="PRO-01").sector.code == "PRO"
    assert sectors.get().name_es == "Protección"
    upper = tmp_path / "upper.csv"  # a Spanish name found the sector: its names stay
    upper.write_text(spanish.read_text().replace("Protección", "PROTECCIÓN"), encoding="utf-8")
    assert kipu("plan", "load", str(upper), "--year", "2019").exit_code == 0
    assert (sectors.get().name_en, sectors.get().name_es) == ("Protection", "Protección")
    english = tmp_path / "en.csv"
    english.write_text("sector,indicator,code,type\nProtection,People oriented,PRO-01,PiN\n")
    assert kipu("plan", "load", str(english), "--year", "2019").exit_code == 0
    assert sectors.count() == 1
