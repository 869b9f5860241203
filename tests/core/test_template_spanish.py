"""The Spanish 5W template is Spanish throughout (issue 14, point 13): every header, help text,
drop-down value and sheet name, with proper accents, no English word of the English template
left; and every value its lists offer is one the validation accepts. The annotated workbook's
sheet is Spanish too."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent / "validation"))

from fivew_factories import TODAY, make_reference, record  # noqa: E402

from kipu.core.gazetteer import Gazetteer, bundled_locations  # noqa: E402
from kipu.core.template import TEMPLATE_COLUMNS, write_template  # noqa: E402
from kipu.core.validation import validate_rows  # noqa: E402
from kipu.core.validation.annotate import annotate_workbook  # noqa: E402

# Words the two languages write alike: codes and acronyms of the 5W standard, "no", and
# the month in a date pattern (YYYY-MM, AAAA-MM).
SHARED_WORDS = {
    "5w",
    "mm",
    "admin1",
    "admin2",
    "cva",
    "rmrp",
    "usd",
    "hxl",
    "no",
    "sector",
    "total",
}
# Spanish words a half-translated template misspells (R4V's 2022 headers): never written.
UNACCENTED = {"ninas", "ninos", "pais", "metodo", "implementacion", "descripcion", "transito"}


def texts(path: Path) -> dict[str, list[str]]:
    """Every text a partner reads in the workbook, by where it is, HXL tags and the names
    Excel uses internally (named ranges) left out."""
    book = openpyxl.load_workbook(path)
    sheet = book["5W"]
    found: dict[str, list[str]] = {
        "sheet names": list(book.sheetnames),
        "headers": [str(c.value) for c in sheet[1] if c.value],
        "prompts": [
            str(text)
            for dv in sheet.data_validations.dataValidation
            for text in (dv.prompt, dv.promptTitle)
            if text
        ],
    }
    lists = book.worksheets[book.sheetnames.index("5W") + 1]
    found["lists"] = [
        str(c.value)
        for row in lists.iter_rows()
        for c in row
        if c.value and not re.fullmatch(r"(IND|ADM2)_\d+", str(c.value))
    ]
    help_sheet = book.worksheets[-1]
    found["help"] = [
        str(c.value)
        for row in help_sheet.iter_rows()
        for c in row
        if c.value and not str(c.value).startswith("#")
    ]
    return found


def words(values: list[str]) -> set[str]:
    found = {w.casefold() for text in values for w in re.findall(r"[^\W_]+", text)}
    return {w for w in found if not w.isdigit()}


def proper_names(reference) -> set[str]:  # noqa: ANN001
    """Place names: written alike in both templates, and no English."""
    return words([u.name for u in reference.gazetteer.locations.values() if not u.national])


@pytest.fixture(params=["factory", "bundled"])
def reference(request):  # noqa: ANN001, ANN201
    if request.param == "factory":
        return make_reference()
    return make_reference(gazetteer=Gazetteer(bundled_locations("PE")))


@pytest.fixture
def workbooks(reference, tmp_path: Path) -> dict[str, Path]:  # noqa: ANN001
    return {
        lang: write_template(
            reference, tmp_path / f"{lang}.xlsx", org="ORG002", month="2025-03", lang=lang
        )
        for lang in ("en", "es")
    }


def test_no_english_word_of_the_english_template_remains(
    reference,  # noqa: ANN001
    workbooks,  # noqa: ANN001
) -> None:
    english, spanish = texts(workbooks["en"]), texts(workbooks["es"])
    # A list value written alike in both that the platform names in one language only (an
    # organisation or indicator without a Spanish name) is its data, not the template's words;
    # the template's own vocabularies (yes/no, mechanisms, national level) are all checked.
    data = {o.name for o in reference.organisations}
    data |= {x.label("en") for x in (*reference.plan.sectors, *reference.plan.indicators)}
    english["lists"] = [v for v in english["lists"] if not (v in data and v in spanish["lists"])]
    english_only = words([t for part in english.values() for t in part])
    english_only -= SHARED_WORDS | proper_names(reference)
    for part, values in spanish.items():
        left = words(values) & english_only
        assert not left, (part, sorted(left))
        assert not words(values) & UNACCENTED, (part, sorted(words(values) & UNACCENTED))


def test_headers_sheets_and_lists_are_spanish_with_accents(workbooks) -> None:  # noqa: ANN001
    spanish = texts(workbooks["es"])
    assert spanish["sheet names"] == ["5W", "Listas", "Ayuda"]
    headers = spanish["headers"]
    assert len(headers) == len(TEMPLATE_COLUMNS)
    for expected in (
        "País",
        "Método de implementación",
        "Descripción de la actividad",
        "Niñas y adolescentes menores de 18",
        "Niños y adolescentes menores de 18",
        "Refugiados y migrantes EN TRÁNSITO",
    ):
        assert expected in headers, expected
    assert "Nacional" in spanish["lists"] and "Country level" not in spanish["lists"]
    assert any("'Nacional'" in text for text in spanish["help"])  # the help says what it offers
    assert {"Sí", "No", "Cupón", "Dinero móvil", "Perú"} <= set(spanish["lists"])


def test_the_prefilled_cells_are_spanish(workbooks) -> None:  # noqa: ANN001
    sheet = openpyxl.load_workbook(workbooks["es"])["5W"]
    assert sheet["A3"].value == "Perú"
    org = [c.value for c in sheet[3] if c.value and "Migraciones" in str(c.value)]
    assert org == ["Organización Internacional para las Migraciones"]


# Which resolution each list feeds: a value offered but refused would be an issue of these.
REFUSED = {
    "unknown-country",
    "unknown-admin1",
    "admin1-wrong-level",
    "unknown-admin2",
    "admin2-not-in-admin1",
    "admin2-wrong-level",
    "unknown-organization",
    "ambiguous-organization",
    "unknown-implementing-partner",
    "ambiguous-implementing-partner",
    "unknown-sector",
    "unknown-indicator",
    "indicator-not-in-sector",
    "invalid-yes-no",
    "cva-mechanism-invalid",
}


def rows_from_lists(path: Path) -> list[dict[str, object]]:
    """One 5W row per value a list offers, the rest of the row valid (in Spanish)."""
    book = openpyxl.load_workbook(path)
    lists = book["Listas"]

    def column(letter: str) -> list[str]:
        return [str(c.value) for c in lists[letter] if c.value]

    def named(name: str) -> list[str]:
        target = book.defined_names[name].attr_text  # Listas!$H$1:$H$3
        letter = re.search(r"\$([A-Z]+)\$", target).group(1)  # type: ignore[union-attr]
        return column(letter)

    sheet = book["5W"]
    sources = {
        sheet.cell(row=1, column=next(iter(dv.sqref.ranges)).min_col).value: dv.formula1
        for dv in sheet.data_validations.dataValidation
        if dv.type == "list"
    }
    base = record(
        country="Perú",
        admin1="Lima",
        admin2=None,
        appealing_org="ACNUR",
        sector="Salud",
        indicator="Personas que reciben atención primaria de salud",
        implementation="No",
        rmrp_activity="Sí",
        cva="No",
    )
    letter = lambda label: re.search(r"\$([A-Z]+)\$1", sources[label]).group(1)  # type: ignore[union-attr]  # noqa: E731
    rows = [dict(base, country=v) for v in column(letter("País"))]
    rows += [dict(base, appealing_org=v) for v in column(letter("Socio principal Nombre"))]
    rows += [
        dict(base, implementation="Sí", implementing_partner=v)
        for v in column(letter("Socio Implementador Nombre"))
    ]
    rows += [dict(base, rmrp_activity=v) for v in column(letter("Actividad RMRP"))]
    # Admin1 with each of its provinces; sector with each of its indicators (dependent lists).
    for label, group in _groups(lists, "ADM2"):
        rows.append(dict(base, admin1=label, admin2=None))
        rows += [dict(base, admin1=label, admin2=a2) for a2 in named(group)]
    for label, group in _groups(lists, "IND"):
        rows += [dict(base, sector=label, indicator=ind) for ind in named(group)]
    mechanisms = column(letter("Modalidad de entrega"))
    rows += [
        dict(
            base,
            sector="Transferencias multipropósito",
            indicator="Personas que reciben efectivo multipropósito",
            quantity_output=10,
            cva="Sí",
            value_usd=100,
            delivery_mechanism=m,
        )
        for m in mechanisms
    ]
    assert mechanisms and len(rows) > 20
    return rows


def _groups(sheet, prefix: str) -> list[tuple[str, str]]:  # noqa: ANN001
    """(group label, range name) pairs of a dependent-list table (label column beside names)."""
    found = []
    for row in sheet.iter_rows():
        for left, right in zip(row, row[1:], strict=False):
            if left.value and re.fullmatch(rf"{prefix}_\d+", str(right.value or "")):
                found.append((str(left.value), str(right.value)))
    return found


def test_every_spanish_list_value_is_accepted_by_the_validation(
    reference,  # noqa: ANN001
    workbooks,  # noqa: ANN001
) -> None:
    rows = rows_from_lists(workbooks["es"])
    result = validate_rows(rows, reference, today=TODAY, lang="es", month="2025-03")
    refused = [(i.code, i.value) for i in result.report.issues if i.code in REFUSED]
    assert refused == []


def test_the_annotated_workbook_is_spanish(tmp_path: Path) -> None:
    reference = make_reference()
    path = write_template(reference, tmp_path / "t.xlsx", org="ORG002", month="2025-03", lang="es")
    result = validate_rows(
        [record(admin1="Atlantis", admin2=None)], reference, lang="es", today=TODAY
    )
    out = annotate_workbook(path, result.report, tmp_path / "checked.xlsx", lang="es")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Errores"
    assert [c.value for c in book["Errores"][1]][:2] == ["Gravedad", "Código"]
    assert "no existe" in str(book["Errores"]["G2"].value)
