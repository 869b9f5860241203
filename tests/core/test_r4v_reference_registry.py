"""R4V's partner registry loads as R4V publishes it (issue 13): R4V's column names and types in
English, Spanish and Portuguese, an id given to two organisations, rows that cannot be loaded
skipped with a warning, rows of other countries left out. Synthetic files of R4V's shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from kipu.core.loaders.organisations import load_organisations, organisation_type
from kipu.core.reference import ORGANISATION_TYPES

HEADER = ["Organization ID", "Organization Name", "Acronym", "Type", "Country"]
ROWS = [
    ["ORG101", "Fundación Esperanza Andina", "FEA", "Faith Based Organizations", "Peru"],
    ["ORG102", "Comercial Los Andes S.A.", "", "Private sector", "Perú"],
    ["ORG103", "Clínica San Martín", "CSM", "Health Facilities", "Peru"],
    ["ORG104", "Colectivo Diverso", "", "Other", "Peru"],
    ["ORG105", "Iglesia Buen Samaritano", "", "Organización basada en la fe", "Peru"],
    ["ORG106", "Ayuda Global", "AG", "ONG internacional", "Peru"],
    ["ORG107", "Manos Unidas Perú", "", "ONG nacional", "Peru"],
    ["ORG108", "Oficina Regional de Asistencia", "ORA", "Agencia de la ONU", "Peru"],
    ["ORG109", "Cruz Roja Sintética", "", "Cruz Roja", "Peru"],
    ["ORG110", "Municipalidad Ficticia", "", "Gobierno", "Peru"],
    ["ORG111", "Universidad del Pacífico Sur", "UPS", "Academia", "Peru"],
    ["ORG112", "Red Vecinal", "", "Sociedad civil", "Peru"],
    ["ORG113", "Empresa Solidária Ltda", "", "Setor privado", "Brasil"],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    lines = [",".join(header), *(",".join(f'"{v}"' for v in row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Partners"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_r4v_types_in_three_languages_load_as_kipu_types(tmp_path: Path, writer) -> None:  # noqa: ANN001
    loaded = load_organisations(writer(tmp_path / f"registry.{writer.__name__[6:]}", HEADER, ROWS))
    assert loaded.ok, loaded.errors
    assert loaded.warnings == []
    types = {r.external_id: r.org_type for r in loaded.records}
    assert types == {
        "ORG101": "Faith Based Organization",
        "ORG102": "Private Sector",
        "ORG103": "Health Facility",
        "ORG104": "Other",
        "ORG105": "Faith Based Organization",
        "ORG106": "INGO",
        "ORG107": "NNGO",
        "ORG108": "UN",
        "ORG109": "Red Cross",
        "ORG110": "Government",
        "ORG111": "Academic",
        "ORG112": "Civil Society",
        "ORG113": "Private Sector",
    }
    first = loaded.records[0]
    assert (first.name, first.acronym, first.countries) == (
        "Fundación Esperanza Andina",
        "FEA",
        ["Peru"],
    )


@pytest.mark.parametrize(
    ("written", "kipu"),
    [
        ("FAITH-BASED ORGANISATION", "Faith Based Organization"),
        ("Organizaciones basadas en la fe", "Faith Based Organization"),
        ("Organizações religiosas", "Faith Based Organization"),
        ("ONGs internacionales", "INGO"),
        ("ONG Nacionales", "NNGO"),
        ("Agencias de las Naciones Unidas", "UN"),
        ("UN Agencies", "UN"),
        ("Gobiernos", "Government"),
        ("Organização da Sociedade Civil", "Civil Society"),
        ("Otros", "Other"),
        ("Donors", "Donor"),
        ("Health facility", "Health Facility"),
        ("Red Cross/Red Crescent Movement", "Red Cross"),
        ("Cruz Roja / Media Luna Roja", "Red Cross"),
    ],
)
def test_type_spellings_plurals_and_case(written: str, kipu: str) -> None:
    assert organisation_type(written) == (kipu, "")


def test_the_r4v_types_are_kipu_types() -> None:
    assert {"Private Sector", "Health Facility", "Other"} <= set(ORGANISATION_TYPES)


def test_an_unknown_type_is_a_warning_and_the_value_is_kept(tmp_path: Path) -> None:
    rows = [["ORG201", "Banco Popular Sintético", "", "Banca", "Peru"], ROWS[0]]
    loaded = load_organisations(write_csv(tmp_path / "registry.csv", HEADER, rows))
    assert loaded.ok
    assert [r.org_type for r in loaded.records] == ["Banca", "Faith Based Organization"]
    (warning,) = loaded.warnings
    assert str(warning).startswith(
        "registry.csv, row 2, column 'Type': unknown type 'Banca', kept as written"
    )


def test_one_id_on_two_organisations_the_first_keeps_it(tmp_path: Path) -> None:
    rows = [
        ["ORG301", "Alianza Sintética", "AS", "NNGO", "Peru"],
        ["ORG301", "Brigada Sintética", "BS", "NNGO", "Peru"],
    ]
    loaded = load_organisations(write_csv(tmp_path / "registry.csv", HEADER, rows))
    assert loaded.ok
    first, second = loaded.records
    assert (first.external_id, second.external_id, second.shared_id) == ("ORG301", "", "ORG301")
    (warning,) = loaded.warnings
    text = str(warning)
    assert text.startswith("registry.csv, row 3, column 'Organization ID': registry id ORG301")
    assert "row 2 ('Alianza Sintética') and row 3 ('Brigada Sintética')" in text
    assert "row 2 keeps it" in text and "row 3 is loaded without a registry id" in text


def test_the_row_naming_the_organisation_kipu_knows_by_the_id_keeps_it(tmp_path: Path) -> None:
    rows = [
        ["ORG301", "Alianza Sintética", "AS", "NNGO", "Peru"],
        ["ORG301", "Brigada Sintética", "BS", "NNGO", "Peru"],
    ]
    known = {"ORG301": {"brigada sintetica", "bs"}}
    loaded = load_organisations(write_csv(tmp_path / "registry.csv", HEADER, rows), known_ids=known)
    first, second = loaded.records
    assert (first.external_id, first.shared_id, second.external_id) == ("", "ORG301", "ORG301")
    assert "row 3 keeps it (Kipu knows the id by its name)" in str(loaded.warnings[0])


def test_an_organisation_listed_once_per_country_is_one_organisation(tmp_path: Path) -> None:
    rows = [
        ["ORG401", "Ayuda Global", "AG", "INGO", "Peru"],
        ["ORG401", "Ayuda Global", "AG", "INGO", "Ecuador"],
        ["", "Red Vecinal", "", "CSO", "Peru"],
        ["", "Red vecinal", "RV", "CSO", "Peru"],
    ]
    loaded = load_organisations(write_csv(tmp_path / "registry.csv", HEADER, rows))
    assert [(r.name, r.countries) for r in loaded.records] == [
        ("Ayuda Global", ["Peru", "Ecuador"]),
        ("Red Vecinal", ["Peru"]),
    ]
    assert loaded.records[1].acronym == "RV"
    (warning,) = loaded.warnings  # only the repeated name without an id says so
    assert "row 5, column 'Organization Name': repeats row 4 ('Red Vecinal')" in str(warning)


def test_a_repeated_organisation_with_another_acronym_or_type_says_so(tmp_path: Path) -> None:
    """Before, the second row's acronym (STC) and type were dropped without a word, and 5W
    rows naming STC were unknown."""
    rows = [
        ["ORG043", "Save the Children", "SCI", "INGO", "Peru"],
        ["ORG043", "Save the Children", "STC", "NNGO", "Ecuador"],
    ]
    loaded = load_organisations(write_csv(tmp_path / "registry.csv", HEADER, rows))
    (record,) = loaded.records
    assert (record.acronym, record.org_type) == ("SCI", "INGO") and "STC" in record.aliases
    said = [str(w) for w in loaded.warnings]
    assert len(said) == 2 and "'STC', where row 2 of the same organisation has 'SCI'" in said[0]


def test_one_file_s_id_with_and_without_leading_zeros_is_one_organisation(tmp_path: Path) -> None:
    """Before, 00410 and 410 of one name made two organisations, and 5W rows naming it were
    ambiguous."""
    rows = [
        ["410", "Fundación Halú", "HALU", "NNGO", "Peru"],
        ["00410", "Fundación Halú", "HALU", "NNGO", "Ecuador"],
    ]
    loaded = load_organisations(write_csv(tmp_path / "registry.csv", HEADER, rows))
    (record,) = loaded.records
    assert record.external_id == "00410" and record.countries == ["Peru", "Ecuador"]


def test_rows_that_cannot_be_loaded_are_skipped_with_file_row_and_column(tmp_path: Path) -> None:
    header = [*HEADER, "Member since"]
    rows = [
        ["ORG501", "", "X", "NNGO", "Peru", ""],
        ["ORG502", "Nombre " + "largo " * 50, "", "NNGO", "Peru", ""],
        ["ORG503", "Socio Con Fecha Rara", "", "NNGO", "Peru", "pronto"],
        ["ORG504-" + "9" * 20, "Socio Con Id Largo", "", "NNGO", "Peru", ""],
        ["ORG505", "Socio Correcto", "SC", "NNGO", "Peru", "2021-01-01"],
    ]
    loaded = load_organisations(write_csv(tmp_path / "registry.csv", header, rows))
    assert loaded.ok
    assert [r.name for r in loaded.records] == [
        "Socio Con Fecha Rara",
        "Socio Con Id Largo",
        "Socio Correcto",
    ]
    assert [r.external_id for r in loaded.records] == ["ORG503", "", "ORG505"]
    assert loaded.records[0].member_since is None
    assert [str(w) for w in loaded.warnings] == [
        "registry.csv, row 2, column 'Organization Name': no name: row skipped",
        "registry.csv, row 3, column 'Organization Name': a name longer than 250 characters: "
        "row skipped",
        "registry.csv, row 4, column 'Member since': 'pronto' is not a date (YYYY-MM-DD): "
        "left as stored (empty if new)",
        "registry.csv, row 5, column 'Organization ID': longer than 20 characters: "
        "left as stored (empty if new)",
    ]


@pytest.mark.parametrize(
    ("header", "rows", "expected"),
    [
        (["Organization ID", "Acronym"], [["ORG1", "A"]], "missing column(s) name"),
        (HEADER, [["ORG1", "", "A", "UN", "Peru"]], "no row could be loaded"),
    ],
)
def test_what_still_refuses_the_whole_registry(
    tmp_path: Path, header: list[str], rows: list[list[str]], expected: str
) -> None:
    loaded = load_organisations(write_csv(tmp_path / "registry.csv", header, rows))
    assert not loaded.ok and not loaded.records
    assert expected in str(loaded.errors[0])


def test_rows_of_other_countries_are_left_out_for_a_national_platform(tmp_path: Path) -> None:
    rows = [
        ["ORG601", "Socio Peruano", "", "NNGO", "Perú"],
        ["ORG602", "Socio Brasileño", "", "Tipo raro", "Brasil"],  # no warning: left out
        ["ORG603", "Socio Chileno", "", "NNGO", "Chile"],
        ["ORG604", "Socio Regional", "", "INGO", "Regional"],
        ["ORG605", "Socio Binacional", "", "INGO", "Ecuador|PER"],
        ["ORG606", "Socio Sin País", "", "INGO", ""],
    ]
    loaded = load_organisations(
        write_csv(tmp_path / "registry.csv", HEADER, rows), countries=["PER"]
    )
    assert [r.external_id for r in loaded.records] == ["ORG601", "ORG604", "ORG605", "ORG606"]
    assert [str(w) for w in loaded.warnings] == [
        "registry.csv, column 'Country': rows of other countries left out: Brazil (1), Chile (1)"
    ]
    everything = load_organisations(tmp_path / "registry.csv")
    assert len(everything.records) == 6  # a regional platform: every row, every warning
    assert [w.row for w in everything.warnings] == [3]


def test_every_type_of_the_synthetic_r4v_registry_is_known() -> None:
    from kipu.core.demo_regional import REGISTRY_TYPES

    assert [organisation_type(t)[1] for t in REGISTRY_TYPES] == [""] * len(REGISTRY_TYPES)
