"""A synthetic regional response shaped like R4V's files: seventeen countries, the partner
registry, an admin1 list with R4V's quirks, indicator lists of three plan years, and a 5W
export. Every name and number is invented; the shapes are R4V's.

Used by the regional end-to-end tests (tests/cli/test_regional_end_to_end.py) and the
benchmarks (bench/): one generator, so the tests and the measures see the same files.

The quirks kept on purpose: Bolivia's list names its own country-level unit (BO00 "Bolivia");
Chile's P-codes start with CH, not CL; eight countries have no admin1 unit (one row naming the
country); Bolivia and Argentina both have a "Santa Cruz"; the registry types are R4V's
("Faith Based Organizations", "Private sector", "Health Facilities", Spanish forms) and one
registry id names two organisations; indicator names start with "# of"; about a fifth of the
export's rows repeat another row and about one in eight has an age/sex breakdown that does not
add up.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kipu.core.schema import COLUMN_BY_NAME, TEMPLATE_LABELS

# ISO3, ISO2, the name R4V's files use, and admin1 units (name, P-code) as R4V lists them.
COUNTRIES: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    ("ARG", "AR", "Argentina", (("Buenos Aires", "AR02"), ("Córdoba", "AR14"),
                                ("Mendoza", "AR50"), ("Santa Cruz", "AR78"))),
    ("BOL", "BO", "Bolivia", (("Bolivia", "BO00"), ("La Paz", "BO02"), ("Cochabamba", "BO03"),
                              ("Santa Cruz", "BO07"))),
    ("BRA", "BR", "Brasil", (("Roraima", "BR14"), ("Amazonas", "BR13"), ("São Paulo", "BR35"))),
    ("CHL", "CL", "Chile", (("Tarapacá", "CH01"), ("Antofagasta", "CH02"),
                            ("Región Metropolitana de Santiago", "CH13"))),
    ("COL", "CO", "Colombia", (("La Guajira", "CO44"), ("Norte de Santander", "CO54"),
                               ("Bogotá, D.C.", "CO11"), ("Nariño", "CO52"))),
    ("ECU", "EC", "Ecuador", (("Pichincha", "EC17"), ("Guayas", "EC09"), ("Carchi", "EC04"))),
    ("PRY", "PY", "Paraguay", (("Asunción", "PY01"), ("Central", "PY11"))),
    ("URY", "UY", "Uruguay", (("Montevideo", "UY10"), ("Rivera", "UY13"))),
    ("ABW", "AW", "Aruba", ()),
    ("CRI", "CR", "Costa Rica", ()),
    ("CUW", "CW", "Curazao", ()),
    ("DOM", "DO", "República Dominicana", ()),
    ("GUY", "GY", "Guyana", ()),
    ("MEX", "MX", "México", ()),
    ("PAN", "PA", "Panamá", ()),
    ("TTO", "TT", "Trinidad and Tobago", ()),
)  # fmt: skip
PERU = ("PER", "PE", "Peru", (("Lima", "PE15"), ("Tumbes", "PE24"), ("Tacna", "PE23")))
ALL_COUNTRIES = (*COUNTRIES, PERU)
SECTORS = ("Protection", "Health", "Food Security", "Shelter", "Education", "Integration")
# R4V's types, as its registry writes them, in English and Spanish.
REGISTRY_TYPES = (
    "UN Agency", "International NGO", "National NGO", "Faith Based Organizations",
    "Private sector", "Health Facilities", "Other", "ONG nacional", "Organización basada en la fe",
    "Red Cross/Red Crescent Movement", "Civil Society", "Academia",
)  # fmt: skip
YEARS = (2021, 2022, 2025)
_TYPES = {2021: ("PiN", "PiN", "People", "Other"), 2022: ("PiN", "PiN", "People", "Other"),
          2025: ("Direct Assistance", "Direct Assistance", "Capacity Building", "Other")}  # fmt: skip


def admin1_list_csv() -> str:
    """R4V's admin1 list of the sixteen countries besides Peru (bundled with Kipu)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Country", "Admin1 Name", "Admin1 P-code"])
    for _, _, name, units in COUNTRIES:
        if not units:
            writer.writerow([name, name, ""])  # a country without admin1: the country itself
        for unit, pcode in units:
            writer.writerow([name, unit, pcode])
    return out.getvalue()


def organisation_ids(count: int = 60) -> list[str]:
    return [f"ORG{n:03d}" for n in range(1, count + 1)]


def registry_csv(count: int = 60) -> str:
    """R4V's partner registry; ORG013 is given to two organisations, as in R4V's file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Organization ID", "Organization Name", "Acronym", "Type", "Country"])
    for n, key in enumerate(organisation_ids(count), start=1):
        country = ALL_COUNTRIES[n % len(ALL_COUNTRIES)][2]
        kind = REGISTRY_TYPES[n % len(REGISTRY_TYPES)]
        writer.writerow([key, f"Synthetic partner {n}", f"SP{n}", kind, country])
    writer.writerow(["ORG013", "Another synthetic partner", "ASP", "National NGO", "Chile"])
    return out.getvalue()


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    sector: str
    type: str


def indicators(year: int) -> list[Indicator]:
    """The plan of `year`: four indicators per sector, codes and names of that year."""
    found = []
    for s, sector in enumerate(SECTORS):
        for n, kind in enumerate(_TYPES[year]):
            code = f"{sector[:3].upper()}{n + 1:02d}-{year % 100}"
            name = f"# of people receiving {sector.lower()} support {n + 1} ({year})"
            found.append(Indicator(code, name, sector, kind if s or n else _TYPES[year][0]))
    return found


def plan_csv(year: int) -> str:
    """R4V's indicator list of `year` (sector, indicator, code, type)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["sector", "indicator", "code", "type"])
    for i in indicators(year):
        writer.writerow([i.sector, i.name, i.code, i.type])
    return out.getvalue()


# The export's columns, in ActivityInfo 2021's labels (R4V's regional export).
EXPORT_COLUMNS = (
    "country", "admin1", "appealing_org", "implementation", "implementing_partner", "month",
    "sector", "indicator", "activity_name", "activity_description", "rmrp_activity", "covid19",
    "cva", "value_usd", "delivery_mechanism", "quantity_output", "total_monthly",
    "new_beneficiaries", "in_destination", "in_transit", "host_community", "pendular",
    "returnees", "girls", "boys", "women", "men",
)  # fmt: skip


def export_header() -> list[str]:
    labels = TEMPLATE_LABELS["ai2021"]
    return [labels[n] or COLUMN_BY_NAME[n].label_en for n in EXPORT_COLUMNS]


def export_rows(count: int, year: int = 2021, seed: int = 13) -> Iterator[list[object]]:
    """`count` rows of the regional 5W export of `year`, R4V-shaped (see the module doc)."""
    rnd = random.Random(seed)
    orgs = organisation_ids()
    plan = [i for i in indicators(year) if i.type != "Other"]
    made: list[list[object]] = []
    for n in range(count):
        if made and rnd.random() < 0.2:
            made.append(list(rnd.choice(made)))  # R4V's exports repeat rows
            yield made[-1]
            continue
        row = _row(rnd, n, orgs, plan, year)
        if rnd.random() < 0.125:  # a breakdown that does not add up
            women = EXPORT_COLUMNS.index("women")
            row[women] = int(str(row[women])) + 1
        made.append(row)
        yield row


def _row(
    rnd: random.Random, n: int, orgs: list[str], plan: list[Indicator], year: int
) -> list[object]:
    _, _, country, units = rnd.choice(ALL_COUNTRIES)
    admin1 = rnd.choice(units)[0] if units else "Country level"
    indicator = rnd.choice(plan)
    new = rnd.randint(1, 400)
    half, quarter = new // 2, new // 4
    month = f"{year}-{rnd.randint(1, 12):02d}"
    values: dict[str, object] = {
        "country": country, "admin1": admin1, "appealing_org": rnd.choice(orgs),
        "implementation": "No", "implementing_partner": "", "month": month,
        "sector": indicator.sector, "indicator": indicator.name,
        "activity_name": f"Activity {n} — {indicator.sector} in {admin1}",
        "activity_description": "Orientación y acompañamiento " * rnd.randint(1, 6),
        "rmrp_activity": "Yes", "covid19": rnd.choice(("Yes", "No")), "cva": "No",
        "value_usd": "", "delivery_mechanism": "", "quantity_output": rnd.randint(1, 50),
        "total_monthly": new + rnd.randint(0, 40), "new_beneficiaries": new,
        "in_destination": half, "in_transit": new - half, "host_community": 0, "pendular": 0,
        "returnees": 0, "girls": quarter, "boys": quarter, "women": quarter,
        "men": new - 3 * quarter,
    }  # fmt: skip
    if indicator.type in ("People", "Capacity Building"):
        values.update(in_destination=0, in_transit=0)
    return [values[name] for name in EXPORT_COLUMNS]


def write_export(
    path: Path, count: int, year: int = 2021, seed: int = 13, *, formulas: bool = False
) -> Path:
    """The export as R4V publishes it: an XLSX workbook (or CSV, by the suffix). With
    `formulas`, each row's total and new beneficiaries are formulas summing its age and sex
    breakdown, their values cached as Excel saves them (as partners build their sheets)."""
    if path.suffix.lower() == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(export_header())
            writer.writerows(export_rows(count, year, seed))
        return path
    import xlsxwriter

    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        sheet = book.add_worksheet("Data")
        sheet.write_row(0, 0, export_header())
        summed = [EXPORT_COLUMNS.index(n) for n in ("total_monthly", "new_beneficiaries")]
        first, last = (EXPORT_COLUMNS.index(n) for n in ("girls", "men"))
        for number, row in enumerate(export_rows(count, year, seed), start=1):
            sheet.write_row(number, 0, row)
            for col in summed if formulas else ():
                cells = f"{_letters(first)}{number + 1}:{_letters(last)}{number + 1}"
                sheet.write_formula(number, col, f"=SUM({cells})", None, row[col])
    if formulas:
        _as_excel_saves(path)
    return path


def _as_excel_saves(path: Path) -> None:
    """Without xlsxwriter's `fullCalcOnLoad`, which Excel drops when it saves the workbook:
    with it, the cached values are not read (`package.recalculated_on_load`)."""
    import zipfile

    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            target.writestr(info, data)


def _letters(col: int) -> str:
    from kipu.core.read.package import column_letters

    return column_letters(col)
