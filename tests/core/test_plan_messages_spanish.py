"""Every message of the plan loaders (errors and warnings: indicators, sectors, targets,
proportions and the columns of each sheet) holds its Spanish (a `Note`), or is a `Problem`
the web says in the page's language (`kipu.web.reference.fields.PROBLEM_WORDS`). A tester's:
the plan's reload warnings and refusals were English only on the Spanish page."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kipu.core.gazetteer import Gazetteer, bundled_locations
from kipu.core.loaders import Problem
from kipu.core.loaders.plan import load_plan
from kipu.core.phrasing import Note

PERU = Gazetteer(bundled_locations("PE"))
# Cells of each column, good and bad: empty, unknown, repeated, badly written.
CODES = ["PRO-01", "pro-01", "WASH-01", ""]
NAMES = ["People oriented", "people oriented", "Kits", ""]
SECTORS = ["Protection", "Water", "Protección?", ""]
TYPES = ["PiN", "Otro", "Banana", ""]
PLACES = ["Lima", "PE15", "Atlantis", "", "Country level", "Peru", "Chile"]
FIGURES = ["100", "1.000", "-5", "5 M", "abc", "", "12.5"]
SHARES = ["0.25", "25%", "25", "x", "", "0.3"]
POPULATIONS = ["in_destination", "destino", "martians", ""]


@st.composite
def plan_sheets(draw: st.DrawFn) -> dict[str, list[list[str]]]:
    pick = lambda values: draw(st.sampled_from(values))  # noqa: E731
    indicators = [["code", "indicator", "sector", "type", "Notes"]]
    for _ in range(draw(st.integers(1, 4))):
        indicators.append([pick(CODES), pick(NAMES), pick(SECTORS), pick(TYPES), "x"])
    targets = [["sector", "admin1", "people_in_need", "budget_usd", "Meta"]]
    for _ in range(draw(st.integers(0, 4))):
        targets.append([pick(SECTORS), pick(PLACES), pick(FIGURES), pick(FIGURES), ""])
    proportions = [["sector", "admin1", "population_type", "girls", "boys", "women", "men"]]
    for _ in range(draw(st.integers(0, 4))):
        shares = [pick(SHARES) for _ in range(4)]
        proportions.append([pick(SECTORS), pick(PLACES), pick(POPULATIONS), *shares])
    sheets = {"indicators": indicators, "targets": targets, "proportions": proportions}
    if draw(st.booleans()):
        sheets["Metas viejas"] = [["a"], ["b"]]
    return sheets


@settings(max_examples=60, deadline=None)
@given(plan_sheets())
def test_every_message_holds_its_spanish(sheets: dict[str, list[list[str]]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        book = Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        path = Path(folder) / "plan.xlsx"
        book.save(path)
        loaded = load_plan(path, PERU, "PER")
    for said in [*loaded.errors, *loaded.warnings]:
        assert isinstance(said.message, Note | Problem), said
        if isinstance(said.message, Note):
            spanish = said.text("es")
            assert spanish != str(said) or said.message.spanish == str(said.message), said
            assert (", fila " in spanish) == (said.row is not None)
