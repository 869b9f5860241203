"""The corpus of quirk files: one generator per kind of messy input that partners and R4V
really produce, with what each cell means.

A generator takes a random source and a `Profile` (the names a platform's reference data
knows) and returns a `QuirkCase`: raw records as a person or a program wrote them, and for
each row what each quirky cell must become, either a value (`Is`) or an issue at that cell
(`Flag`). `write_case` writes a case as XLSX (openpyxl, or xlsxwriter), CSV (any encoding and
delimiter) or ODS, and `check_case` holds the one property of the corpus: every value is read
as meant, or its cell carries an issue that says so.

Used by tests/core/read (every kind, every format, many seeds) and by the CLI, portal and API
tests (one file per kind through each entry point).
"""

from __future__ import annotations

import csv
import random
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from kipu.core.schema import COLUMN_BY_NAME, COLUMNS, COUNT_COLUMNS

FORMATS = ("xlsx", "csv", "ods", "xls")
ERRORS = ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!")


@dataclass(frozen=True)
class Is:
    """The cell must be read as `value` (resolved: P-code, organisation key, YYYY-MM…) with no
    error at it."""

    value: object


@dataclass(frozen=True)
class Flag:
    """The cell must carry an issue with this code."""

    code: str
    suggestion: str | None = None


@dataclass(frozen=True)
class Special:
    """A cell only some formats can hold: an Excel error, a formula (with a cached value as
    Excel saves it, or without, as openpyxl and pandas write it)."""

    kind: str  # "error" | "formula" | "formula-cached"
    text: str
    cached: str | None = None


@dataclass(frozen=True)
class Profile:
    """Names a platform's reference data resolves, and what they resolve to."""

    country: tuple[str, str]
    places: tuple[tuple[str, str], ...]  # (admin1 as written, P-code)
    place_codes: tuple[tuple[str, str], ...]  # (national code without leading zeros, P-code)
    organisation: tuple[str, str]
    sector: tuple[str, str]
    indicator: tuple[str, str]
    hash_indicators: tuple[tuple[str, str], ...]  # indicators named "# of …" / "# de …"
    year: int


# The names the web and CLI suites' platform knows (tests/web/conftest.py, with the "# of"
# indicator PRO-02 that `quirk_platform` fixtures add to its plan).
WEB_PROFILE = Profile(
    country=("Peru", "PER"),
    places=(("Lima", "PE15"), ("Callao", "PE07"), ("Tumbes", "PE24")),
    place_codes=(("7", "PE07"), ("15", "PE15"), ("24", "PE24")),
    organisation=("PA", "ORG901"),
    sector=("Protection", "PRO"),
    indicator=("People oriented", "PRO-01"),
    hash_indicators=(
        ("# of people with legal orientation", "PRO-02"),
        ("# de personas con orientación legal", "PRO-02"),
    ),
    year=2019,
)


def add_hash_indicator(platform: Any) -> Any:
    """The "# of" indicator of WEB_PROFILE, added to a test platform's plan."""
    from kipu.web.plans.models import Indicator

    plan = platform.plans.get()
    Indicator.objects.create(
        plan=plan,
        sector=plan.sectors.get(code="PRO"),
        code="PRO-02",
        name_en="# of people with legal orientation",
        name_es="# de personas con orientación legal",
        type="PiN",
    )
    return platform


def one_case(kind: str, seed: str = "paths") -> QuirkCase:
    """The case of `kind` the entry-point suites use (WEB_PROFILE, a fixed seed)."""
    return GENERATORS[kind](random.Random(f"{kind}-{seed}"), WEB_PROFILE)


@dataclass
class QuirkCase:
    kind: str
    records: list[dict[str, Any]]
    expect: list[dict[str, Is | Flag]]
    formats: tuple[str, ...] = FORMATS
    two_row: bool = False
    hxl: bool = False
    merges: list[tuple[int, int, str]] = field(default_factory=list)  # first, last, column
    month: str | None = None  # the month submitted
    encoding: str = "utf-8"
    delimiter: str = ","
    labels: dict[str, str] = field(default_factory=dict)  # column → header label
    writer: str = "openpyxl"

    @property
    def columns(self) -> list[str]:
        used = {name for row in self.records for name in row}
        return [c.name for c in COLUMNS if c.name in used]


# --- rows ------------------------------------------------------------------------------------


def base_record(profile: Profile, index: int, month: str | None = None) -> dict[str, Any]:
    """A valid activity as a partner writes it; `index` makes the activity name unique."""
    return {
        "country": profile.country[0],
        "admin1": profile.places[0][0],
        "appealing_org": profile.organisation[0],
        "implementation": "No",
        "month": month or f"{profile.year}-03",
        "sector": profile.sector[0],
        "indicator": profile.indicator[0],
        "activity_name": f"Activity {index + 1}",
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


def _rows(profile: Profile, count: int, month: str | None = None) -> list[dict[str, Any]]:
    return [base_record(profile, i, month) for i in range(count)]


# --- generators, one per kind ----------------------------------------------------------------


def hash_indicators(rnd: random.Random, profile: Profile) -> QuirkCase:
    """R4V's indicator names start with "# of" / "# de": the first data row is data."""
    count = rnd.randint(1, 6)
    records = _rows(profile, count)
    expect: list[dict[str, Is | Flag]] = []
    for record in records:
        name, code = rnd.choice(profile.hash_indicators)
        record["indicator"] = name
        expect.append({"indicator": Is(code)})
    return QuirkCase("hash-indicators", records, expect, hxl=rnd.random() < 0.3)


def dates(rnd: random.Random, profile: Profile) -> QuirkCase:
    """Numeric dates in one order per file, with or without a day above 12 somewhere, with
    or without the month submitted; month names in three languages."""
    order = rnd.choice(("dmy", "mdy"))
    submitted = rnd.random() < 0.5
    month = rnd.randint(1, 12)
    evidence = rnd.random() < 0.5
    records, meant = [], []
    for i in range(rnd.randint(2, 8)):
        m = month if submitted else rnd.randint(1, 12)
        d = rnd.randint(13, 28) if evidence and i == rnd.randint(0, 1) else rnd.randint(1, 12)
        first, second = (d, m) if order == "dmy" else (m, d)
        separator = rnd.choice("/-.")
        width = rnd.choice(("02d", "d"))
        record = base_record(profile, i)
        record["month"] = f"{first:{width}}{separator}{second:{width}}{separator}{profile.year}"
        records.append(record)
        meant.append((m, d))
    # A proof of the order settles the file unless more rows read, the other way, as the 1st
    # of a month (January's days 2-12 here) than rows prove it (`months._unless_contradicted`).
    doubting = sum(1 for m, d in meant if m == 1 and 1 < d <= 12)
    proving = sum(1 for _, d in meant if d > 12)
    settled = evidence_in(records, order) and doubting <= proving
    expect: list[dict[str, Is | Flag]] = []
    for m, d in meant:
        if settled or submitted or d == m or d > 12:
            expect.append({"month": Is(f"{profile.year}-{m:02d}")})
        else:
            expect.append({"month": Flag("ambiguous-date")})
    if rnd.random() < 0.5:
        number = month if submitted else rnd.randint(1, 12)
        records.append(base_record(profile, len(records)))
        records[-1]["month"] = _month_name(rnd, number, profile.year)
        expect.append({"month": Is(f"{profile.year}-{number:02d}")})
    submission = f"{profile.year}-{month:02d}" if submitted else None
    return QuirkCase("dates", records, expect, month=submission)


def evidence_in(records: Sequence[dict[str, Any]], order: str) -> bool:
    for record in records:
        parts = str(record["month"]).replace("-", "/").replace(".", "/").split("/")
        if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
            first, second = int(parts[0]), int(parts[1])
            if (order == "dmy" and first > 12) or (order == "mdy" and second > 12):
                return True
    return False


_NAMES = {
    1: ("January", "enero", "janeiro", "Jan", "ene"),
    2: ("February", "febrero", "fevereiro", "Feb", "feb"),
    3: ("March", "marzo", "março", "Mar", "mar"),
    4: ("April", "abril", "abril", "Apr", "abr"),
    5: ("May", "mayo", "maio", "May", "may"),
    6: ("June", "junio", "junho", "Jun", "jun"),
    7: ("July", "julio", "julho", "Jul", "jul"),
    8: ("August", "agosto", "agosto", "Aug", "ago"),
    9: ("September", "setiembre", "setembro", "Sept", "set"),
    10: ("October", "octubre", "outubro", "Oct", "oct"),
    11: ("November", "noviembre", "novembro", "Nov", "nov"),
    12: ("December", "diciembre", "dezembro", "Dec", "dic"),
}


def _month_name(rnd: random.Random, month: int, year: int) -> str:
    name = rnd.choice(_NAMES[month])
    name = rnd.choice((name, name.upper(), name.capitalize()))
    forms = (
        f"{name} {year}",
        f"{name}-{str(year)[2:]}",
        f"{name}. {year}",
        f"1 de {name} de {year}",
        f"{name} 1, {year}",
        f"{year}-{name}",
    )
    return rnd.choice(forms)


def excel_errors(rnd: random.Random, profile: Profile) -> QuirkCase:
    """Excel error values in random cells: each is an error at its cell."""
    records = _rows(profile, rnd.randint(1, 5))
    expect: list[dict[str, Is | Flag]] = [{} for _ in records]
    candidates = ("admin1", "indicator", "total_monthly", "new_beneficiaries", "women", "cva")
    for i, record in enumerate(records):
        for column in rnd.sample(candidates, rnd.randint(0, 2)):
            record[column] = Special("error", rnd.choice(ERRORS))
            expect[i][column] = Flag("excel-error")
    return QuirkCase("excel-errors", records, expect)


def formulas(rnd: random.Random, profile: Profile) -> QuirkCase:
    """Formulas as programs write them (no computed value; xlsxwriter's placeholder 0) and
    as Excel saves them (with their value)."""
    writer = rnd.choice(("openpyxl", "xlsxwriter", "excel"))
    records = _rows(profile, rnd.randint(1, 4))
    expect: list[dict[str, Is | Flag]] = [{} for _ in records]
    for i, record in enumerate(records):
        if rnd.random() < 0.7:
            if writer == "excel":
                record["total_monthly"] = Special("formula-cached", "=10+5", "15")
                expect[i]["total_monthly"] = Is(15)
            else:
                record["total_monthly"] = Special("formula", "=10+5")
                expect[i]["total_monthly"] = Flag("formula-without-value")
    formats = ("xlsx",) if writer != "openpyxl" else ("xlsx", "ods")
    return QuirkCase("formulas", records, expect, formats=formats, writer=writer)


def unicode_text(rnd: random.Random, profile: Profile) -> QuirkCase:
    """Excel's "Unicode text" (UTF-16, tab-separated) and other encodings of a CSV."""
    encoding, delimiter = rnd.choice(
        (("utf-16", "\t"), ("utf-16-le", "\t"), ("utf-8-sig", ";"), ("cp1252", ";"))
    )
    records = _rows(profile, rnd.randint(1, 5))
    expect: list[dict[str, Is | Flag]] = []
    for i, record in enumerate(records):
        record["activity_name"] = f"Atención {i} en {rnd.choice(('Tumbes', 'Piura'))}, año ñ"
        expect.append({"activity_name": Is(record["activity_name"])})
    return QuirkCase(
        "unicode-text", records, expect, ("csv",), encoding=encoding, delimiter=delimiter
    )


def numbers(rnd: random.Random, profile: Profile) -> QuirkCase:
    """Counts written with one convention per file (1,500 / 1.500 / 1 500), with or without a
    value that proves the convention, amounts with cents and currency signs."""
    convention = rnd.choice(("en", "es", "space"))
    evidence = rnd.random() < 0.5
    records = _rows(profile, rnd.randint(2, 6))
    expect: list[dict[str, Is | Flag]] = [{} for _ in records]
    for i, record in enumerate(records):
        new = rnd.randint(1000, 999_999)
        record.update(_people(new))
        total = new + rnd.randint(0, 999)
        record["total_monthly"] = _grouped(total, convention)
        record["new_beneficiaries"] = _grouped(new, convention)
        expect[i]["total_monthly"] = Is(total)
        expect[i]["new_beneficiaries"] = Is(new)
    if evidence:
        cents = rnd.randint(1000, 99_999) + 0.5
        records[0].update(cva="Yes", delivery_mechanism="Voucher")
        records[0]["value_usd"] = _grouped(cents, convention)
        expect[0]["value_usd"] = Is(cents)
    last = records[-1]
    sign = rnd.choice(("US$ ", "USD ", "$", "S/ ", "S/. ", "PEN "))
    last.update(cva="Yes", delivery_mechanism="Voucher", value_usd=f"{sign}150")
    usd = sign.strip() in ("US$", "USD", "$")
    expect[-1]["value_usd"] = Is(150.0) if usd else Flag("currency-not-usd")
    return QuirkCase("numbers", records, expect)


def _people(new: int) -> dict[str, Any]:
    half = new // 2
    quarter = new // 4
    return {
        "in_destination": half,
        "in_transit": new - half,
        "girls": quarter,
        "boys": quarter,
        "women": quarter,
        "men": new - 3 * quarter,
    }


def _grouped(value: float, convention: str) -> str:
    text = f"{value:,.2f}" if value != int(value) else f"{int(value):,}"
    if convention == "es":
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    if convention == "space":
        return text.replace(",", "\u00a0")
    return text


def merged_cells(rnd: random.Random, profile: Profile) -> QuirkCase:
    """A department, organisation or sector merged down over several activities."""
    count = rnd.randint(3, 7)
    records = _rows(profile, count)
    expect: list[dict[str, Is | Flag]] = [{} for _ in records]
    column = rnd.choice(("admin1", "appealing_org", "sector"))
    first = rnd.randint(0, count - 2)
    last = rnd.randint(first + 1, count - 1)
    wanted = {
        "admin1": profile.places[-1],
        "appealing_org": profile.organisation,
        "sector": profile.sector,
    }[column]
    for i in range(first, last + 1):
        records[i][column] = wanted[0] if i == first else None
        expect[i][column] = Is(wanted[1])
    return QuirkCase(
        "merged-cells", records, expect, ("xlsx", "ods", "xls"), merges=[(first, last, column)]
    )


def two_row_header(rnd: random.Random, profile: Profile) -> QuirkCase:
    """The 2025 template's header: group labels over field labels."""
    records = _rows(profile, rnd.randint(1, 4))
    expect = [
        {"admin1": Is(profile.places[0][1]), "month": Is(f"{profile.year}-03")} for _ in records
    ]
    return QuirkCase("two-row-header", records, expect, two_row=True)


def decimal_counts(rnd: random.Random, profile: Profile) -> QuirkCase:
    """A count of 8.37 people: an error at the cell, the rounded count as suggestion."""
    records = _rows(profile, rnd.randint(1, 4))
    expect: list[dict[str, Is | Flag]] = [{} for _ in records]
    for i, record in enumerate(records):
        value = round(rnd.uniform(1, 400), rnd.choice((1, 2)))
        if value == int(value):
            value += 0.25
        record["quantity_output"] = value
        rounded = int(value + 0.5)
        expect[i]["quantity_output"] = Flag("invalid-number", str(rounded))
    return QuirkCase("decimal-counts", records, expect)


_YES = ("Yes", "YES", "yes", "Sí", "SI", "si", "S", "Y", "TRUE", "VERDADERO", "x", "1", "Sim")
_NO = ("No", "NO", "no", "N", "FALSE", "FALSO", "0", "Não")
_INVISIBLE = ("\u200b", "\ufeff", "\u00a0", "\u202f", "\u2060", " ")


def typed_values(rnd: random.Random, profile: Profile) -> QuirkCase:
    """Yes/no in every form, codes that lost their leading zeros, invisible characters,
    delivery mechanisms in plural, Spanish or R4V 2021 wording."""
    records = _rows(profile, rnd.randint(1, 5))
    expect: list[dict[str, Is | Flag]] = [{} for _ in records]
    mechanisms = (
        ("Vouchers", "Voucher"),
        ("Cupones", "Voucher"),
        ("Tarjetas prepago", "Prepaid Card"),
        ("Cash in hand", "Direct Cash (Cash in Hand)"),
        ("Mobile Money Transfer", "Mobile Money"),
        ("e-vouchers", "Voucher"),
    )
    for i, record in enumerate(records):
        yes = rnd.random() < 0.5
        record["rmrp_activity"] = rnd.choice(_YES if yes else _NO)
        expect[i]["rmrp_activity"] = Is(yes)
        code, pcode = rnd.choice(profile.place_codes)
        record["admin1"] = int(code) if rnd.random() < 0.5 else code
        expect[i]["admin1"] = Is(pcode)
        junk = rnd.choice(_INVISIBLE)
        record["sector"] = rnd.choice((junk + profile.sector[0], profile.sector[0] + junk))
        expect[i]["sector"] = Is(profile.sector[1])
        written, meant = rnd.choice(mechanisms)
        record.update(cva="Yes", value_usd=100, delivery_mechanism=written)
        expect[i]["delivery_mechanism"] = Is(meant)
    return QuirkCase("typed-values", records, expect)


def kobo_headers(rnd: random.Random, profile: Profile) -> QuirkCase:
    """Kobo/ODK exports name columns group/field."""
    records = _rows(profile, rnd.randint(1, 3))
    groups = ("location", "who", "what", "beneficiaries")
    labels = {c.name: f"{rnd.choice(groups)}/{c.name}" for c in COLUMNS}
    expect = [{"admin1": Is(profile.places[0][1])} for _ in records]
    return QuirkCase("kobo-headers", records, expect, ("csv", "xlsx"), labels=labels)


GENERATORS: dict[str, Callable[[random.Random, Profile], QuirkCase]] = {
    "hash-indicators": hash_indicators,
    "dates": dates,
    "excel-errors": excel_errors,
    "formulas": formulas,
    "unicode-text": unicode_text,
    "numbers": numbers,
    "merged-cells": merged_cells,
    "two-row-header": two_row_header,
    "decimal-counts": decimal_counts,
    "typed-values": typed_values,
    "kobo-headers": kobo_headers,
}


# --- writers ---------------------------------------------------------------------------------

_GROUPS = {
    "country": ("Country", "Country"),
    "admin1": ("Country", "Admin1"),
    "admin2": ("Admin2", "Admin2"),
    "appealing_org": ("Appealing organisation", "Name"),
    "implementation": ("Implementation", "Set up"),
    "implementing_partner": ("Implementing partner", "Name"),
    "sector": ("Indicator", "Sector"),
    "indicator": ("Indicator", "Indicator"),
    "activity_name": ("Activity", "Name"),
    "activity_description": ("Activity", "Description"),
    **{n: ("Population type", COLUMN_BY_NAME[n].label_en) for n in COUNT_COLUMNS[3:8]},
    **{n: ("Age and sex", COLUMN_BY_NAME[n].label_en) for n in COUNT_COLUMNS[8:]},
}


def header_rows(case: QuirkCase) -> list[list[str | None]]:
    """The header as written: one row of labels (+ HXL), or group labels over field labels
    (None under a group that is a whole column: the cell is merged down)."""
    columns = case.columns
    if not case.two_row:
        rows: list[list[str | None]] = [
            [case.labels.get(n, COLUMN_BY_NAME[n].label_en) for n in columns]
        ]
        if case.hxl:
            rows.append([COLUMN_BY_NAME[n].hxl for n in columns])
        return rows
    top = [_GROUPS.get(n, (COLUMN_BY_NAME[n].label_en, None))[0] for n in columns]
    below = [_GROUPS.get(n, ("", None))[1] for n in columns]
    return [list(top), list(below)]


def _header_merges(case: QuirkCase) -> list[tuple[int, int, int, int]]:
    """(first row, first col, last row, last col), 0-based, of the header's merged cells."""
    if not case.two_row:
        return []
    top, below = header_rows(case)
    merges = [(0, i, 1, i) for i, field_label in enumerate(below) if field_label is None]
    start = 0
    for i in range(1, len(top) + 1):
        if i == len(top) or top[i] != top[start] or below[i] is None or below[start] is None:
            if i - start > 1:
                merges.append((0, start, 0, i - 1))
            start = i
    return merges


def _grid(case: QuirkCase, fmt: str) -> list[list[Any]]:
    columns = case.columns
    grid: list[list[Any]] = header_rows(case)
    if case.two_row and fmt == "csv":
        top = grid[0]
        grid[0] = [t if i == 0 or t != top[i - 1] else "" for i, t in enumerate(top)]
    for record in case.records:
        grid.append([record.get(n) for n in columns])
    return grid


def write_case(case: QuirkCase, path: Path, fmt: str) -> Path:
    """The case as a file of format `fmt` ('xlsx', 'csv', 'ods') at `path` (suffix set)."""
    path = path.with_suffix(f".{fmt}")
    if fmt == "csv":
        return _write_csv(case, path)
    if fmt == "ods":
        return _write_ods(case, path)
    if fmt == "xls":
        return _write_xls(case, path)
    if case.writer == "xlsxwriter":
        return _write_xlsxwriter(case, path)
    return _write_xlsx(case, path)


def _body_merges(case: QuirkCase) -> list[tuple[int, int, int, int]]:
    offset = len(header_rows(case))
    columns = case.columns
    return [
        (first + offset, columns.index(name), last + offset, columns.index(name))
        for first, last, name in case.merges
    ]


def _write_xlsx(case: QuirkCase, path: Path) -> Path:
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "5W"
    cached: dict[str, str] = {}
    for r, row in enumerate(_grid(case, "xlsx"), start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, Special):
                cell.value = value.text
                if value.kind == "error":
                    cell.data_type = "e"
                if value.kind == "formula-cached" and value.cached is not None:
                    cached[f"{get_column_letter(c)}{r}"] = value.cached
            elif value is not None:
                cell.value = value
    for r0, c0, r1, c1 in _header_merges(case) + _body_merges(case):
        sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    book.save(path)
    if case.writer == "excel":
        excel_saved(path, cached)
    return path


def excel_saved(path: Path, values: dict[str, str]) -> Path:
    """The workbook as Excel leaves it once opened and saved: formulas keep their computed
    values and the recalculate-on-load flag is gone (openpyxl cannot write cached values)."""
    import re
    import shutil

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


_XLS_ERRORS = {"#NULL!": 0, "#DIV/0!": 7, "#VALUE!": 15, "#REF!": 23, "#NAME?": 29, "#NUM!": 36}


def _write_xls(case: QuirkCase, path: Path) -> Path:
    """Excel 97-2003 (xlwt): values, error cells and merged ranges; no formulas."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("5W")
    grid = _grid(case, "xls")
    anchors = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in _header_merges(case) + _body_merges(case)}
    covered = {
        (r, c)
        for (r0, c0), (r1, c1) in anchors.items()
        for r in range(r0, r1 + 1)
        for c in range(c0, c1 + 1)
    }
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if (r, c) in anchors:
                r1, c1 = anchors[(r, c)]
                sheet.write_merge(r, r1, c, c1, value)
            elif isinstance(value, Special):
                sheet.row(r).set_cell_error(c, _XLS_ERRORS.get(value.text, 42))
            elif value is not None and (r, c) not in covered:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def _write_xlsxwriter(case: QuirkCase, path: Path) -> Path:
    import xlsxwriter

    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("5W")
        for r, row in enumerate(_grid(case, "xlsx")):
            for c, value in enumerate(row):
                if isinstance(value, Special):
                    sheet.write_formula(r, c, value.text)  # cached value: xlsxwriter's 0
                elif value is not None:
                    sheet.write(r, c, value)
    return path


def _write_csv(case: QuirkCase, path: Path) -> Path:
    def text(value: Any) -> str:
        if isinstance(value, Special):
            return value.cached or value.text if value.kind == "formula-cached" else value.text
        return "" if value is None else str(value)

    with path.open("w", encoding=case.encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=case.delimiter)
        for row in _grid(case, "csv"):
            writer.writerow([text(v) for v in row])
    return path


# ODS: the parts of OpenDocument a spreadsheet needs, written by hand (no extra dependency).
_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
    'office:version="1.2"'
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:'
    'tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:'
    'full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods_cell(value: Any, span: str = "") -> str:
    if value is None:
        return f"<table:table-cell{span}/>"
    if isinstance(value, Special):
        if value.kind == "error":  # as LibreOffice saves it: an empty string value
            return (
                f'<table:table-cell{span} table:formula="of:=NA()" office:value-type="string" '
                f'office:string-value="" calcext:value-type="error"><text:p>'
                f"{escape(value.text)}</text:p></table:table-cell>"
            )
        return f'<table:table-cell{span} table:formula="of:{escape(value.text)}"/>'
    if isinstance(value, bool):
        flag = "true" if value else "false"
        return (
            f'<table:table-cell{span} office:value-type="boolean" office:boolean-value="{flag}">'
            f"<text:p>{flag.upper()}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell{span} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, date):
        return (
            f'<table:table-cell{span} office:value-type="date" office:date-value="'
            f'{value.isoformat()}"><text:p>{value.isoformat()}</text:p></table:table-cell>'
        )
    return (
        f'<table:table-cell{span} office:value-type="string"><text:p>{escape(str(value))}'
        "</text:p></table:table-cell>"
    )


def _write_ods(case: QuirkCase, path: Path) -> Path:
    grid = _grid(case, "ods")
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in _header_merges(case) + _body_merges(case):
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    rows = []
    for r, row in enumerate(grid):
        cells = []
        for c, value in enumerate(row):
            if (r, c) in covered:
                cells.append("<table:covered-table-cell/>")
                continue
            span = ""
            if (r, c) in spans:
                down, across = spans[(r, c)]
                span = (
                    f' table:number-rows-spanned="{down}" table:number-columns-spanned="{across}"'
                )
            cells.append(_ods_cell(value, span))
        rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>'
        '<office:body><office:spreadsheet><table:table table:name="5W">'
        f"{''.join(rows)}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
    return path


# --- the property ----------------------------------------------------------------------------


def check_case(case: QuirkCase, result: Any) -> list[str]:
    """What a validation result gets wrong about a case ([] when every quirky cell is read
    as meant or carries the issue that says why)."""
    problems = []
    report = result.report
    failed = [i.message for i in report.issues if i.row is None and i.severity == "error"]
    if failed:
        return [f"file-level errors: {failed}"]
    if report.rows_read != len(case.records):
        problems.append(f"{report.rows_read} rows read, not {len(case.records)}")
        return problems
    names = {label: name for name, label in result.columns.items()}
    numbers = result.rows["row"].to_list()
    at: dict[tuple[int, str], list[Any]] = {}
    for issue in report.issues:
        name = names.get(issue.column or "", issue.column)
        at.setdefault((issue.row, name), []).append(issue)
    for index, wanted in enumerate(case.expect):
        row = numbers[index]
        for column, meaning in wanted.items():
            found = at.get((row, column), [])
            if isinstance(meaning, Flag):
                matching = [i for i in found if i.code == meaning.code]
                if not matching:
                    codes = [i.code for i in found]
                    problems.append(f"row {row} {column}: no {meaning.code} (found {codes})")
                elif meaning.suggestion and matching[0].suggestion != meaning.suggestion:
                    problems.append(
                        f"row {row} {column}: suggestion {matching[0].suggestion!r}, "
                        f"not {meaning.suggestion!r}"
                    )
                continue
            value = result.rows[column][index]
            errors = [i.code for i in found if i.severity == "error"]
            if value != meaning.value or errors:
                problems.append(f"row {row} {column}: {value!r} {errors}, not {meaning.value!r}")
    return problems
