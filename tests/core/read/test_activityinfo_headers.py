"""Column headers as ActivityInfo writes them besides its labels (issue 11, fault 11): its
formula-style labels (`[Appealing Organization].[Name]`) are read; field codes
(`APPEALING_ORG.NAME`) and field IDs (`cgkh1k5kq6k0gsmv`) cannot be matched to a 5W column,
and are said to be what they are, with what to do (activityinfo-R names columns by "code" or
"id" when asked to)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "validation"))
from fivew_factories import (  # noqa: E402
    TODAY,
    codes,
    make_reference,
    record,
    write_csv,
    write_xlsx,
)

from kipu.core.schema import COLUMN_BY_NAME, COLUMN_NAMES, TEMPLATE_LABELS  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402

REFERENCE = make_reference()
WRITERS = {"xlsx": write_xlsx, "csv": write_csv}
NAMES = [n for n in COLUMN_NAMES if n not in ("admin2", "other_under_18", "other_above_18")]

# ActivityInfo's "label" column names for R4V's 2021 form: [Field].[Field of the referenced form].
FORMULA_LABELS = {
    "country": "[Country]",
    "admin1": "[Admin1]",
    "appealing_org": "[Appealing Organization].[Name]",
    "implementation": "[Implementation Set up]",
    "implementing_partner": "[Implementing partner].[Name]",
    "month": "[Reporting Month]",
    "sector": "[Sector / Subsector / WG]",
    "indicator": "[Indicator]",
    "activity_name": "[Activity name]",
    "activity_description": "[Activity description]",
    "rmrp_activity": "[RMRP Activity]",
    "covid19": "[COVID 19 situation]",
    "support_space": "[Support Space activity]",
    "value_usd": "[Value of Transfer in USD]",
    "delivery_mechanism": "[Delivery Mechanism]",
    "quantity_output": "[Quantity of unit measured]",
}
# A field ID per column, as activityinfo-R's "id" column style names them.
FIELD_IDS = {n: f"c{i:02d}k9x{i * 7 % 10}q2m8vw{i % 9}r" for i, n in enumerate(NAMES)}
# Field codes R4V could give its fields; reference fields name the referenced field after a dot.
FIELD_CODES = {
    "country": "COUNTRY.NAME",
    "admin1": "ADMIN1.NAME",
    "appealing_org": "APPEALING_ORG.NAME",
    "implementing_partner": "IMPLEMENTING_PARTNER.NAME",
    "sector": "SECTOR.NAME",
    "indicator": "INDICATOR.CODE",
}


def header(labels: dict[str, str]) -> list[str]:
    """The formula-style labels, the others as "[Total monthly beneficiaries]" (the export's
    labels of 2021, written with spaces)."""
    ai2021 = TEMPLATE_LABELS["ai2021"]
    return [labels.get(n, "[" + ai2021[n].replace(".", " ") + "]") for n in NAMES]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formula_style_labels_are_read(tmp_path: Path, fmt: str) -> None:
    written = header(FORMULA_LABELS)
    assert written[:3] == ["[Country]", "[Admin1]", "[Appealing Organization].[Name]"]
    rows = [record(admin2=None)]
    path = WRITERS[fmt](tmp_path / f"ai.{fmt}", rows, header=written, names=NAMES)
    result = validate_file(path, REFERENCE, today=TODAY)
    assert codes(result) == []
    assert result.columns["appealing_org"] == "[Appealing Organization].[Name]"
    assert result.rows.select("admin1", "appealing_org", "indicator").row(0) == (
        "PE15",
        "ORG001",
        "HE01",
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_field_id_beside_the_labels_is_said_to_be_one(tmp_path: Path, fmt: str) -> None:
    labels = [COLUMN_BY_NAME[n].label_en for n in NAMES]
    path = WRITERS[fmt](
        tmp_path / f"ai.{fmt}", [record(admin2=None)], header=[*labels, "cgkh1k5kq6k0gsmv"],
        names=[*NAMES, "admin2"],
    )  # fmt: skip
    result = validate_file(path, REFERENCE, today=TODAY, lang="es")
    [issue] = result.report.issues
    assert (issue.code, issue.severity, issue.column) == (
        "activityinfo-field-id",
        "warning",
        "cgkh1k5kq6k0gsmv",
    )
    assert issue.message == (
        "La columna “cgkh1k5kq6k0gsmv” lleva el ID de un campo de ActivityInfo, no una "
        "etiqueta; se conserva aparte. Exporte el formulario con las etiquetas de los "
        "campos, o asigne la columna."
    )
    assert result.rows["admin1"].to_list() == ["PE15"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("names", "said"),
    [
        (FIELD_IDS, "its header names columns by ActivityInfo field IDs (“c00k9x0q2m8vw0r”): "
         "export the form with its field labels"),
        (FIELD_CODES, "its header names columns by ActivityInfo field codes (“COUNTRY.NAME”): "
         "export the form with its field labels, or map the columns"),
    ],
    ids=["ids", "codes"],
)  # fmt: skip
def test_a_header_of_field_ids_or_codes_says_what_it_is(
    tmp_path: Path, fmt: str, names: dict[str, str], said: str
) -> None:
    written = [names.get(n, COLUMN_BY_NAME[n].label_en) for n in NAMES]
    path = WRITERS[fmt](tmp_path / f"ai.{fmt}", [record(admin2=None)], header=written, names=NAMES)
    result = validate_file(path, REFERENCE, today=TODAY)
    [issue] = result.report.issues
    assert issue.code == "no-5w-sheet"
    assert issue.message.endswith(f"; {said}).")
    spanish = validate_file(path, REFERENCE, today=TODAY, lang="es").report.issues[0].message
    assert "de campos de ActivityInfo" in spanish and "exporte el formulario" in spanish


def test_a_header_that_is_neither_says_nothing_more(tmp_path: Path) -> None:
    written = [f"Column {i}" for i, _ in enumerate(NAMES)]
    path = write_xlsx(tmp_path / "other.xlsx", [record(admin2=None)], header=written, names=NAMES)
    [issue] = validate_file(path, REFERENCE, today=TODAY).report.issues
    assert issue.message == "No sheet has a 5W header row (other.xlsx: sheets “5W”)."
