"""Factories for the 5W validation tests: a small platform built in code (Peru-like places,
three organisations, a plan with every indicator type) and writers of 5W files."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from kipu.core.gazetteer import Gazetteer, Location
from kipu.core.reference import Indicator, Organisation, Plan, ReferenceData, Sector
from kipu.core.schema import COLUMN_BY_NAME, COLUMN_NAMES, TEMPLATE_LABELS

TODAY = date(2025, 4, 15)


def gazetteer() -> Gazetteer:
    def unit(
        pcode: str,
        level: int,
        name: str,
        country: str = "PER",
        parent: str = "",
        iso: str = "",
        **kw: Any,
    ) -> Location:
        return Location(pcode, level, pcode[2:] or pcode, name, country, parent, iso, **kw)

    return Gazetteer(
        [
            Location("PE", 0, "PER", "Peru", "PER", iso="PE", aliases=("Perú",)),
            Location("EC", 0, "ECU", "Ecuador", "ECU", iso="EC"),
            unit(
                "PE00",
                1,
                "Country level",
                parent="PE",
                national=True,
                aliases=("Nacional", "National"),
            ),
            unit(
                "PE15",
                1,
                "Lima",
                parent="PE",
                iso="PE-LIM",
                aliases=("Lima Metropolitana", "Lima Provincias"),
            ),
            unit("PE07", 1, "Callao", parent="PE", iso="PE-CAL", aliases=("El Callao",)),
            unit("PE24", 1, "Tumbes", parent="PE", iso="PE-TUM"),
            unit("PE1501", 2, "Lima", parent="PE15"),
            unit("PE1502", 2, "Barranca", parent="PE15"),
            unit("PE0701", 2, "Callao", parent="PE07"),
            unit("PE2401", 2, "Tumbes", parent="PE24"),
            unit("PE2402", 2, "Contralmirante Villar", parent="PE24"),
            unit("EC17", 1, "Pichincha", country="ECU", parent="EC", iso="EC-P"),
            unit("EC1701", 2, "Quito", country="ECU", parent="EC17"),
        ]
    )


SECTORS = [
    Sector("HEA", "Health", "Salud"),
    Sector("EDU", "Education", "Educación"),
    Sector("PRO", "Protection", "Protección"),
    Sector("PRO-GBV", "Protection (GBV)", "Protección (VBG)", parent_code="PRO"),
    Sector("MPC", "Multipurpose Cash Assistance (MPC)", "Transferencias multipropósito"),
    Sector("SHE", "Shelter", "Alojamiento"),
]
INDICATORS = [
    Indicator(
        "HE01",
        "Number of people receiving primary health care",
        "HEA",
        "PiN",
        "Personas que reciben atención primaria de salud",
    ),
    Indicator(
        "HE02",
        "Number of health workers trained",
        "HEA",
        "People",
        "Trabajadores de salud capacitados",
    ),
    Indicator(
        "HE03",
        "Number of health facilities supported",
        "HEA",
        "Other",
        "Establecimientos de salud apoyados",
    ),
    Indicator("RE-HE10_PER", "Personas atendidas en salud mental", "HEA", "PiN"),
    Indicator(
        "HE05",
        "# of people reached with health messages",
        "HEA",
        "PiN",
        "# de personas alcanzadas con mensajes de salud",
    ),
    Indicator(
        "GBV01",
        "Number of GBV survivors assisted",
        "PRO-GBV",
        "PiN",
        "Sobrevivientes de VBG asistidas",
    ),
    Indicator(
        "MPC01",
        "Number of people receiving multipurpose cash",
        "MPC",
        "Direct Assistance",
        "Personas que reciben efectivo multipropósito",
    ),
    Indicator(
        "ED01", "Number of teachers trained", "EDU", "Capacity Building", "Docentes capacitados"
    ),
    Indicator(
        "SH01",
        "Number of shelters rehabilitated",
        "SHE",
        "Infrastructure",
        "Albergues rehabilitados",
    ),
]
ORGANISATIONS = [
    Organisation(
        "ORG001",
        "Office of the United Nations High Commissioner for Refugees",
        "UNHCR",
        "UN",
        names={"es": "ACNUR"},
    ),
    Organisation(
        "ORG002",
        "International Organization for Migration",
        "IOM",
        "UN",
        names={"es": "Organización Internacional para las Migraciones"},
        aliases=("OIM",),
    ),
    Organisation(
        "ORG003",
        "Encuentros Servicio Jesuita de la Solidaridad",
        "Encuentros SJS",
        "Faith Based Organization",
    ),
]


def make_reference(**overrides: Any) -> ReferenceData:
    plan = Plan("RMRP 2025", 2025, sectors=list(SECTORS), indicators=list(INDICATORS))
    values: dict[str, Any] = {
        "platform": "peru",
        "countries": ["PER"],
        "organisations": list(ORGANISATIONS),
        "plan": plan,
        "gazetteer": gazetteer(),
    }
    values.update(overrides)
    return ReferenceData(**values)


def colombia_reference() -> ReferenceData:
    """`make_reference` for Peru, Ecuador and Colombia (Arauca, department and municipality):
    a country whose own currency is written "$"."""
    places = [
        *gazetteer().locations.values(),
        Location("CO", 0, "COL", "Colombia", "COL", iso="CO"),
        Location("CO81", 1, "81", "Arauca", "COL", "CO"),
        Location("CO81001", 2, "81001", "Arauca", "COL", "CO81"),
    ]
    return make_reference(countries=["PER", "ECU", "COL"], gazetteer=Gazetteer(places))


def record(**overrides: Any) -> dict[str, Any]:
    """A valid 5W row (PiN indicator, breakdowns adding up to the new beneficiaries)."""
    row: dict[str, Any] = {
        "country": "Peru",
        "admin1": "Lima",
        "admin2": "Lima",
        "appealing_org": "UNHCR",
        "implementation": "No",
        "implementing_partner": None,
        "month": "2025-03",
        "sector": "Health",
        "indicator": "Number of people receiving primary health care",
        "activity_name": "Primary care",
        "activity_description": "Consultations",
        "rmrp_activity": "Yes",
        "cva": "No",
        "quantity_output": 12,
        "total_monthly": 15,
        "new_beneficiaries": 10,
        "in_destination": 8,
        "in_transit": 2,
        "girls": 2,
        "boys": 3,
        "women": 4,
        "men": 1,
    }
    row.update(overrides)
    return row


def labels_for(variant: str, names: Sequence[str]) -> list[str]:
    """Header labels of one template variant; columns it lacks keep their 2025 label."""
    table = TEMPLATE_LABELS[variant]
    return [table[n] or TEMPLATE_LABELS["2025"][n] for n in names]


def write_xlsx(
    path: Path,
    records: list[dict[str, Any]],
    *,
    header: Sequence[str] | None = None,
    names: Sequence[str] = COLUMN_NAMES,
    hxl: bool | str = False,
    sheet: str = "5W",
    before: Callable[[Any], None] | None = None,
) -> Path:
    """Rows into an XLSX; `hxl=True` adds the hashtag row under the labels, "only" instead."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if before:
        before(book)
    labels = list(header) if header else [COLUMN_BY_NAME[n].label_en for n in names]
    tags = [COLUMN_BY_NAME[n].hxl for n in names]
    if hxl != "only":
        ws.append(labels)
    if hxl:
        ws.append(tags)
    for item in records:
        ws.append([item.get(n) for n in names])
    book.save(path)
    return path


def write_csv(
    path: Path,
    records: list[dict[str, Any]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    names: Sequence[str] = COLUMN_NAMES,
    header: Sequence[str] | None = None,
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(list(header) if header else [COLUMN_BY_NAME[n].label_en for n in names])
        for item in records:
            writer.writerow(["" if item.get(n) is None else item.get(n) for n in names])
    return path


def saved_by_excel(path: Path, values: dict[str, str]) -> Path:
    """The workbook as Excel leaves it once opened and saved: formulas keep their computed
    values (`values`: cell reference → cached value) and the recalculate-on-load flag is
    gone. openpyxl cannot write cached values, so the package's XML is edited."""
    import re
    import shutil
    import zipfile

    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            if item.filename.startswith("xl/worksheets/"):
                for cell, value in values.items():
                    pattern = (
                        rb'(<c r="'
                        + cell.encode()
                        + rb'"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*/?>(?:</v>)?'
                    )
                    data = re.sub(pattern, rb"\1<v>" + value.encode() + b"</v>", data)
            target.writestr(item, data)
    shutil.move(temporary, path)
    return path


def codes(result: Any) -> list[str]:
    return [issue.code for issue in result.report.issues]
