"""The partner's 5W template: an XLSX with drop-down lists, input help and a hidden HXL row.

Drop-downs come from a hidden "Lists" sheet: indicators are filtered by the chosen sector and
admin2 by the chosen admin1 through INDIRECT on one named range per sector / admin1 (the
classic dependent-list technique, which works in Excel and LibreOffice). Organisation,
country and month can be pre-filled; rows holding only those are ignored by the reader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from kipu.core import admin_levels
from kipu.core.gazetteer import Location, countries
from kipu.core.reference import Organisation, ReferenceData
from kipu.core.schema import (
    COLUMNS,
    DELIVERY_MECHANISMS,
    DELIVERY_MECHANISMS_ES,
    INTEGER,
    MECHANISM,
    NUMBER,
    YES_NO,
    Column,
)
from kipu.core.text import normalise
from kipu.core.write import XlsxText

TEMPLATE_COLUMNS: tuple[Column, ...] = tuple(
    c for c in COLUMNS if c.name not in ("covid19", "support_space")
)
FIRST_DATA_ROW = 2  # 0-based: labels on row 1, hidden HXL row 2, data from row 3
DEFAULT_ROWS = 500
# The national pseudo admin1 as the template offers it (the help text says the same word).
NATIONAL_NAME = {"en": "Country level", "es": "Nacional"}
_WORDS = {"lists": {"en": "Lists", "es": "Listas"}, "help": {"en": "Help", "es": "Ayuda"}}
_HELP = {
    "en": {
        "country": "Country of the activity.",
        # {Admin1} / {Admin2}: the level's word in the platform's country (admin_levels).
        "admin1": f"{{Admin1}} (or '{NATIONAL_NAME['en']}' for national activities).",
        "admin2": "{Admin2}, optional; the list follows the admin1.",
        "appealing_org": "Your organisation, as registered on the platform.",
        "implementation": "Yes if a partner implements the activity.",
        "implementing_partner": "The implementing partner, only when Implementation is Yes.",
        "month": "The reporting month, written YYYY-MM.",
        "sector": "Sector of the indicator.",
        "indicator": "Indicator; the list follows the sector.",
        "cva": "Yes for cash and voucher assistance.",
        "value_usd": "Value transferred in USD (CVA only).",
        "delivery_mechanism": "How the cash or voucher was delivered (CVA only).",
        "new_beneficiaries": "People reached for the first time this month; breakdowns add up "
        "to this number.",
        "total_monthly": "Everyone served this month, new or not.",
    },
    "es": {
        "country": "País de la actividad.",
        "admin1": f"{{Admin1}} (o '{NATIONAL_NAME['es']}' para actividades nacionales).",
        "admin2": "{Admin2}, opcional; la lista depende del admin1.",
        "appealing_org": "Su organización, tal como está registrada.",
        "implementation": "Sí si un socio implementa la actividad.",
        "implementing_partner": "El socio implementador, solo si Implementación es Sí.",
        "month": "Mes reportado, en formato AAAA-MM.",
        "sector": "Sector del indicador.",
        "indicator": "Indicador; la lista depende del sector.",
        "cva": "Sí para transferencias monetarias o cupones.",
        "value_usd": "Valor transferido en USD (solo CVA).",
        "delivery_mechanism": "Modalidad de entrega (solo CVA).",
        "new_beneficiaries": "Personas alcanzadas por primera vez este mes; los desgloses "
        "suman este número.",
        "total_monthly": "Todas las personas atendidas este mes, nuevas o no.",
    },
}


def help_texts(lang: str, country: str | None) -> dict[str, str]:
    """The input help of each column in `lang`, the admin levels in the words of `country`
    (ISO3; None or "" for several countries: "Admin1 unit")."""
    words = {}
    for level in (1, 2):
        one = admin_levels.words(country, level).singular(lang)
        words[f"Admin{level}"] = one[0].upper() + one[1:]
    texts = _HELP.get(lang, _HELP["en"])
    return {name: text.format(**words) for name, text in texts.items()}


def _country(reference: ReferenceData) -> str | None:
    """The platform's one country, or None for a regional platform."""
    return reference.countries[0] if len(reference.countries) == 1 else None


def write_template(
    reference: ReferenceData,
    out_path: Path | str,
    *,
    org: str | None = None,
    month: str | None = None,
    lang: str = "en",
    rows: int = DEFAULT_ROWS,
) -> Path:
    """Write the template for `reference`'s platform; `org` is an organisation key."""
    out = Path(out_path)
    book = xlsxwriter.Workbook(str(out))
    try:
        sheet = book.add_worksheet("5W")
        lists = _Lists(book, reference, lang)
        _header(book, sheet, lang)
        texts = help_texts(lang, _country(reference))
        _validations(sheet, lists, rows, lang, texts)
        _prefill(book, sheet, reference, rows, org=org, month=month, lists=lists)
        _help_sheet(book, lang, texts)
    finally:
        book.close()
    return out


def _label(column: Column, lang: str) -> str:
    return column.label_es if lang == "es" else column.label_en


def _index(name: str) -> int:
    return next(i for i, c in enumerate(TEMPLATE_COLUMNS) if c.name == name)


def _header(book: Any, sheet: Any, lang: str) -> None:
    bold = book.add_format(
        {"bold": True, "text_wrap": True, "bg_color": "#DDEBF7", "border": 1, "valign": "top"}
    )
    for i, column in enumerate(TEMPLATE_COLUMNS):
        sheet.write_string(0, i, _label(column, lang), bold)
        sheet.write_string(1, i, column.hxl)
        sheet.set_column(i, i, 22 if column.kind != INTEGER else 12)
    sheet.set_row(0, 45)
    sheet.set_row(1, None, None, {"hidden": True})
    sheet.freeze_panes(FIRST_DATA_ROW, 0)


def _country_name(country: Location, lang: str) -> str:
    """The country's name in `lang` when the gazetteer knows it by that name (the validation
    reads the cell with the gazetteer), else its gazetteer name."""
    known = countries().get(country.country)
    local = known.names.get(lang) if known is not None and lang != "en" else None
    spellings = {normalise(x) for x in (country.name, *country.aliases)}
    return local if local and normalise(local) in spellings else country.name


def _admin1_name(unit: Location, lang: str) -> str:
    """The unit's name; the national pseudo-unit in the template's words ("Nacional"),
    which the validation reads as such (resolve.NATIONAL_WORDS)."""
    return NATIONAL_NAME.get(lang, unit.name) if unit.national else unit.name


def _org_name(organisation: Organisation, lang: str) -> str:
    return organisation.names.get(lang) or organisation.name


class _Lists:
    """The hidden sheet of drop-down values, one column per list, and its named ranges. Every
    value is in the template's language and is one the validation accepts."""

    def __init__(self, book: Any, reference: ReferenceData, lang: str) -> None:
        sheet_name = _WORDS["lists"]["es" if lang == "es" else "en"]
        self.book, self.sheet, self.column = book, book.add_worksheet(sheet_name), 0
        self.cells = XlsxText(book)  # names of the platform's records: text, quote-prefixed
        self.sheet_name = sheet_name
        self.sheet.hide()
        self.lang = lang
        gazetteer = reference.gazetteer
        countries = [c for c in gazetteer.countries() if c.country in reference.countries]
        self.country_names = [_country_name(c, lang) for c in countries]
        self.countries = self.add(self.country_names or list(reference.countries))
        admin1 = [
            u
            for c in countries
            for u in gazetteer.units(c.country, 1)
            if not reference.admin1_scope or u.pcode in reference.admin1_scope
        ]
        organisations = reference.organisations
        self.organisations = self.add(sorted(_org_name(o, lang) for o in organisations))
        self.org_names = {o.key: _org_name(o, lang) for o in organisations}
        self.admin1 = self.add([_admin1_name(u, lang) for u in admin1])
        self.admin1_table = self.dependent(
            [
                (_admin1_name(u, lang), [x.name for x in gazetteer.children(u.pcode)])
                for u in admin1
            ],
            "ADM2",
        )
        sectors = reference.plan.sectors
        self.sectors = self.add([s.label(lang) for s in sectors])
        by_sector = [
            (
                s.label(lang),
                [i.label(lang) for i in reference.plan.indicators if i.sector_code == s.code],
            )
            for s in sectors
        ]
        self.sector_table = self.dependent(by_sector, "IND")
        self.yes_no = self.add(["Sí", "No"] if lang == "es" else ["Yes", "No"])
        mechanisms = [DELIVERY_MECHANISMS_ES[m] if lang == "es" else m for m in DELIVERY_MECHANISMS]
        self.mechanisms = self.add(mechanisms)

    def add(self, values: list[str]) -> str:
        """Write one list in the next column; its absolute range."""
        col = self.column
        self.column += 1
        for row, value in enumerate(values or [""]):
            self.cells.write(self.sheet, row, col, value)
        letter = xl_col_to_name(col)
        return f"={self.sheet_name}!${letter}$1:${letter}${max(len(values), 1)}"

    def dependent(self, groups: list[tuple[str, list[str]]], prefix: str) -> str:
        """One named range per group, and a two-column table group label → range name."""
        keys, names = self.column, self.column + 1
        self.column += 2
        for row, (label, values) in enumerate(groups):
            name = f"{prefix}_{row + 1}"
            self.book.define_name(name, self.add(values))
            self.cells.write(self.sheet, row, keys, label)
            self.sheet.write_string(row, names, name)
        first, last = xl_col_to_name(keys), xl_col_to_name(names)
        return f"{self.sheet_name}!${first}$1:${last}${max(len(groups), 1)}"


def _validations(
    sheet: Any, lists: _Lists, rows: int, lang: str, help_text: dict[str, str]
) -> None:
    last = FIRST_DATA_ROW + rows - 1
    sector_cell = xl_rowcol_to_cell(FIRST_DATA_ROW, _index("sector"), col_abs=True)
    admin1_cell = xl_rowcol_to_cell(FIRST_DATA_ROW, _index("admin1"), col_abs=True)
    sources = {
        "country": lists.countries,
        "admin1": lists.admin1,
        "admin2": f"=INDIRECT(VLOOKUP({admin1_cell},{lists.admin1_table},2,FALSE))",
        "appealing_org": lists.organisations,
        "implementing_partner": lists.organisations,
        "sector": lists.sectors,
        "indicator": f"=INDIRECT(VLOOKUP({sector_cell},{lists.sector_table},2,FALSE))",
        "delivery_mechanism": lists.mechanisms,
    }
    for i, column in enumerate(TEMPLATE_COLUMNS):
        rule: dict[str, Any]
        if column.name in sources:
            rule = {"validate": "list", "source": sources[column.name]}
        elif column.kind == YES_NO:
            rule = {"validate": "list", "source": lists.yes_no}
        elif column.kind in (INTEGER, NUMBER):
            rule = {
                "validate": "integer" if column.kind == INTEGER else "decimal",
                "criteria": ">=",
                "value": 0,
            }
        else:
            rule = {"validate": "any"}
        if column.kind == MECHANISM or column.name == "implementing_partner":
            rule["error_type"] = "warning"  # an unregistered partner is a warning, not a block
        message = help_text.get(column.name)
        if message:
            rule.update(input_title=_label(column, lang)[:32], input_message=message[:255])
        sheet.data_validation(FIRST_DATA_ROW, i, last, i, rule)


def _prefill(
    book: Any,
    sheet: Any,
    reference: ReferenceData,
    rows: int,
    *,
    org: str | None,
    month: str | None,
    lists: _Lists,
) -> None:
    text = book.add_format({"num_format": "@"})
    sheet.set_column(
        _index("month"), _index("month"), 12, text
    )  # keep 2025-03 from becoming a date
    values = {
        "country": lists.country_names[0] if len(lists.country_names) == 1 else None,
        "appealing_org": lists.org_names.get(org, org) if org else None,
        "month": month,
    }
    for name, value in values.items():
        if value:
            for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + rows):
                if name == "month":
                    sheet.write_string(row, _index(name), value, text)
                else:  # an organisation named "=HYPERLINK(…)" is text, and stays so once edited
                    lists.cells.write(sheet, row, _index(name), value)


def _help_sheet(book: Any, lang: str, help_text: dict[str, str]) -> None:
    sheet = book.add_worksheet(_WORDS["help"]["es" if lang == "es" else "en"])
    bold = book.add_format({"bold": True})
    heads = (
        ("Columna", "Etiqueta HXL", "Obligatoria", "Ayuda")
        if lang == "es"
        else ("Column", "HXL tag", "Required", "Help")
    )
    sheet.write_row(0, 0, heads, bold)
    yes = "Sí" if lang == "es" else "Yes"
    for row, column in enumerate(TEMPLATE_COLUMNS, start=1):
        sheet.write_row(
            row,
            0,
            (
                _label(column, lang),
                column.hxl,
                yes if column.required else "",
                help_text.get(column.name, ""),
            ),
        )
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 28)
    sheet.set_column(3, 3, 90)
