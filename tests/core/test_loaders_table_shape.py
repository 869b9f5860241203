"""What a reference table's shape could hide, found by a tester of the loaders:

- a targets or proportions row without a sector (a totals row `,,2100,1000,35000`) was stored
  as the first sector's target: an empty cell matched a sector without a Spanish name;
- two columns of one label (`value, value`; `Meta, meta`) kept the last column's cells and
  lost the first's without a word;
- a file that cannot be read was named twice in its error ("lat1.csv: lat1.csv: …").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kipu.core.gazetteer import Gazetteer, Location
from kipu.core.loaders import open_table
from kipu.core.loaders.events import load_events
from kipu.core.loaders.organisations import load_organisations
from kipu.core.loaders.plan import load_plan
from kipu.core.loaders.statistics import load_statistics
from kipu.core.read import Table
from kipu.core.text import compact

PERU = Gazetteer(
    [
        Location("PE", 0, "PER", "Peru", "PER", iso="PE"),
        Location("PE15", 1, "15", "Lima", "PER", "PE"),
        Location("PE24", 1, "24", "Tumbes", "PER", "PE"),
    ]
)
INDICATORS = "sector,indicator,code,type\nHealth,Care,HE1,People\nEducation,Enrolled,ED1,People\n"
EMPTY_SECTOR = "no sector: each row names its sector or area (code or name)"


def _plan(tmp_path: Path, targets: str) -> Any:
    (tmp_path / "ind.csv").write_text(INDICATORS, encoding="utf-8")
    (tmp_path / "targets.csv").write_text(targets, encoding="utf-8")
    return load_plan(tmp_path / "ind.csv", PERU, "PER", targets_path=tmp_path / "targets.csv")


def _errors(loaded: Any) -> list[tuple[int | None, str | None, str]]:
    return [(e.row, e.column, e.message) for e in loaded.errors]


@pytest.mark.parametrize("admin1", ["", "Lima", "TOTAL"])
def test_a_targets_row_without_a_sector_is_refused(tmp_path: Path, admin1: str) -> None:
    targets = (
        "sector,admin1,people_in_need,people_targeted,budget_usd\n"
        "Health,Lima,1000,500,20000\n"
        "Education,Tumbes,800,400,10000\n"
        f",{admin1},2100,1000,35000\n"
    )
    loaded = _plan(tmp_path, targets)
    assert (4, "sector", EMPTY_SECTOR) in _errors(loaded)
    assert not loaded.ok  # nothing is stored


def test_a_proportions_row_without_a_sector_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    sheets: dict[str, list[list[Any]]] = {
        "sectors": [["code", "name_en"], ["HEALTH", "Health"]],
        "indicators": [["code", "indicator", "sector", "type"], ["H1", "Care", "Health", "PiN"]],
        "proportions": [
            ["sector", "admin1", "population_type", "girls", "boys", "women", "men"],
            ["", "Lima", "In destination", 0.25, 0.25, 0.25, 0.25],
        ],
    }
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(tmp_path / "plan.xlsx")
    loaded = load_plan(tmp_path / "plan.xlsx", PERU, "PER")
    assert (2, "sector", EMPTY_SECTOR) in _errors(loaded)
    assert not any(p.proportions for p in loaded.records)


def test_the_sector_named_is_still_found(tmp_path: Path) -> None:
    targets = "sector,admin1,people_targeted\nHealth,Lima,500\nED1,Tumbes,400\n"
    assert _errors(_plan(tmp_path, targets)) == [(3, "sector", "unknown sector 'ED1'")]
    loaded = _plan(tmp_path, "sector,admin1,people_targeted\nhealth,Lima,500\n")
    assert loaded.ok, loaded.errors


# --- a label twice ----------------------------------------------------------------------------


def _statistics(path: Path, header: list[str]) -> Any:
    book = openpyxl.Workbook()
    book.active.append(header)
    book.active.append(["arrivals", "2019-11-01", "2019-11-30", 100, 200][: len(header)])
    book.save(path)
    return load_statistics(path)


_LABEL = st.sampled_from(["value", "Value", "VALUE", " value", "Valué", "va lue", "va_lue"])


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=_LABEL, second=_LABEL)
def test_a_label_twice_is_refused_naming_both_columns(
    tmp_path: Path, first: str, second: str
) -> None:
    """However the second is written (case, accents, spaces): the loaders match labels so."""
    assume(compact(first) == compact(second))  # "va_lue" is another label to the loaders
    header = ["series", "period_start", "period_end", first, second]
    loaded = _statistics(tmp_path / "s.xlsx", header)
    assert [(e.row, e.message) for e in loaded.errors] == [
        (
            None,
            f"columns D and E are both headed {second.strip()!r}: Kipu cannot tell which to "
            "read; rename or remove one",
        )
    ]
    assert loaded.records == []


@pytest.mark.parametrize(
    ("loader", "header", "pair"),
    [
        ("statistics", "series,period_start,value,Value", "C and D"),
        ("events", "date,title,Title", "B and C"),
        ("organisations", "name,acronym,Acronym", "B and C"),
    ],
)
def test_every_loader_refuses_a_label_twice(
    tmp_path: Path, loader: str, header: str, pair: str
) -> None:
    path = _write(tmp_path / "t.csv", f"{header}\n" + ",".join(["x"] * header.count(",")) + ",y\n")
    if loader == "events":
        loaded = load_events(path, [], PERU, "PER")
    else:
        loaded = (load_statistics if loader == "statistics" else load_organisations)(path)
    last = header.split(",")[-1]
    assert [e.message for e in loaded.errors] == [
        f"columns {pair} are both headed {last!r}: Kipu cannot tell which to read; "
        "rename or remove one"
    ]


@pytest.mark.parametrize(
    ("loader", "header"),
    [
        ("statistics", "series,period_start,value,Comentario,comentario"),
        ("organisations", "name,Notes,Notes"),
        ("events", "date,title,Notas,Notas"),
    ],
)
def test_a_label_twice_that_no_loader_reads_is_only_not_read(
    tmp_path: Path, loader: str, header: str
) -> None:
    """Two "Notes" columns refused a registry (a re-tester's): only the label's values are
    lost, and the loader reads neither; the usual warning names them."""
    values = {"statistics": "arrivals,2019-11-30,5", "organisations": "Alpha", "events": ""}
    row = values[loader] or "2019-05-01,Meeting"
    path = _write(tmp_path / "t.csv", f"{header}\n{row},a,b\n")
    if loader == "events":
        loaded = load_events(path, [], PERU, "PER")
    else:
        loaded = (load_statistics if loader == "statistics" else load_organisations)(path)
    assert loaded.errors == []
    assert len(loaded.records) == 1
    assert "not read" in " ".join(w.message for w in loaded.warnings)


def test_locations_refuse_a_label_read_twice(tmp_path: Path) -> None:
    from kipu.core.loaders.locations import load_locations

    path = _write(tmp_path / "l.csv", "pcode,name,level,parent_pcode,Name\nPE15,Lima,1,,Lima\n")
    assert [e.message for e in load_locations(path, "PER").errors] == [
        "columns B and E are both headed 'Name': Kipu cannot tell which to read; "
        "rename or remove one"
    ]


def test_labels_that_differ_are_read(tmp_path: Path) -> None:
    table = open_table(_write(tmp_path / "t.csv", "series,period_start,value,value_2\na,b,1,2\n"))
    assert isinstance(table, Table)
    assert table.records == [{"series": "a", "period_start": "b", "value": "1", "value_2": "2"}]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_that_cannot_be_read_is_named_once(tmp_path: Path) -> None:
    path = tmp_path / "lat1.csv"
    path.write_bytes("series,period_start,value\nAñasco,2019-11-30,1\n".encode("latin-1"))
    [error] = load_statistics(path).errors
    assert error.file == "lat1.csv"
    assert not error.message.startswith("lat1.csv")
    assert str(error).count("lat1.csv") == 1
