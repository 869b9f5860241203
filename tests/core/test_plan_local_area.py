"""A local platform's plan gives targets and proportions for its own admin1 units only
(docs/figures.md, "Targets of a local platform"): `kipu plan load tumbes_plan.csv --platform
gtrm-tumbes --targets tumbes_targets.csv` stored a Lima target on the Tumbes platform without
a word. A row of another unit, of the country level or of the whole country (a blank admin1)
is an error naming its file, row and column; nothing else of the file changes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kipu.core.gazetteer import Gazetteer, bundled_locations
from kipu.core.loaders.plan import load_plan

PERU = Gazetteer(bundled_locations("PE"))
# How a file may name a place: by name or P-code; "" and "Country level" are the whole country
# and its national unit.
PLACES = {
    "Tumbes": "PE24", "PE24": "PE24", "Lima": "PE15", "Piura": "PE20", "PE20": "PE20",
    "Callao": "PE07", "Country level": "PE00", "": "",
}  # fmt: skip
AREAS = ("PE24", "PE20", "PE15")
SHARES = [0.25, 0.25, 0.25, 0.25]


def _workbook(path: Path, targets: list[str], proportions: list[str]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "indicators"
    sheet.append(["code", "indicator", "sector", "type"])
    sheet.append(["PRO-01", "People oriented", "Protection", "PiN"])
    sheet = book.create_sheet("targets")
    sheet.append(["sector", "admin1", "people_targeted"])
    for number, place in enumerate(targets):
        sheet.append(["Protection", place, 100 + number])
    sheet = book.create_sheet("proportions")
    sheet.append(["sector", "admin1", "population_type", "girls", "boys", "women", "men"])
    for number, place in enumerate(proportions):
        population = ("in_destination", "in_transit", "host_community", "pendular")[number % 4]
        sheet.append(["Protection", place or "Country level", population, *SHARES])
    book.save(path)
    return path


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(AREAS), min_size=1, max_size=3, unique=True),
    st.lists(st.sampled_from(sorted(PLACES)), max_size=6, unique_by=lambda p: PLACES[p]),
    st.lists(st.sampled_from(sorted(PLACES)), max_size=4),
)
def test_rows_outside_the_area_are_errors_at_their_row(
    area: list[str], targets: list[str], proportions: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _workbook(Path(folder) / "plan.xlsx", targets, proportions)
        loaded = load_plan(path, PERU, "PER", area=area)
    content = loaded.records[0]
    wrong = {
        ("targets", number + 2) for number, place in enumerate(targets) if PLACES[place] not in area
    } | {
        ("proportions", number + 2)
        for number, place in enumerate(proportions)
        if PLACES[place or "Country level"] not in area
    }
    outside = [e for e in loaded.errors if "outside this platform's area" in e.message]
    said = {(e.file.removeprefix("plan.xlsx (").removesuffix(")"), e.row) for e in outside}
    assert said == wrong, (outside, wrong)
    assert all(e.column == "admin1" for e in outside)
    assert len(outside) == len(wrong)
    if not wrong:
        assert {t.admin1 for t in content.targets} <= set(area)
        assert {p.admin1 for p in content.proportions} <= set(area)


def test_a_lima_target_on_tumbes_is_refused(tmp_path: Path) -> None:
    """The tester's files: the plan as a list, the targets in their own file."""
    plan = tmp_path / "tumbes_plan.csv"
    plan.write_text("sector,indicator,code,type\nProtection,People oriented,PRO-01,PiN\n")
    targets = tmp_path / "tumbes_targets.csv"
    targets.write_text(
        "sector,admin1,people_targeted\nProtection,Tumbes,5000\nProtection,Lima,99999\n"
    )
    loaded = load_plan(plan, PERU, "PER", targets, area=["PE24"])
    assert [str(e) for e in loaded.errors] == [
        "tumbes_targets.csv, row 3, column 'admin1': Lima (PE15) is outside this platform's "
        "area: a local platform's plan gives targets and proportions for its own admin1 units "
        "only (Tumbes (PE24))"
    ]
    whole = tmp_path / "whole.csv"
    whole.write_text("sector,admin1,people_targeted\nProtection,,5000\n")
    errors = [str(e) for e in load_plan(plan, PERU, "PER", whole, area=["PE24"]).errors]
    assert errors and "the whole country is outside this platform's area" in errors[0]
    assert load_plan(plan, PERU, "PER", whole).ok  # a national platform's whole country
