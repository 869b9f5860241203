"""The notes of the figures in the summary's language: `kipu figures --lang es` printed every
note in English ("1 stored row with accepted errors not counted") under a Spanish summary."""

from __future__ import annotations

import json
import pickle

import polars as pl
from figures_factories import LIMA, activity, base_rows, compute

from kipu.core.figures.notes import Note, note, note_text


def people(month: str, new: int, **values: object) -> dict:
    return activity(month=month, new_beneficiaries=new, pop=(new,), agd=(new,), **values)


def spanish_only(figures, *spanish: str) -> None:  # noqa: ANN001
    """Every note is in the Spanish summary in Spanish, none in English."""
    text = figures.to_text("es")
    for words in spanish:
        assert words in text, text
    for english in figures.notes:
        assert english not in text
        assert english in figures.to_text("en")  # the English summary as before


def test_rows_left_out_are_said_in_spanish() -> None:
    figures = compute(people("2019-01", 10), people("2019-01", 5, admin1=None))
    assert figures.notes == ["1 rows without country, admin1, month or sector were left out"]
    spanish_only(figures, "1 fila sin país, admin1, mes o sector quedó fuera")


def test_rows_of_other_plan_years_are_said_in_spanish() -> None:
    figures = compute(people("2019-11", 4), people("2020-01", 3))
    assert figures.notes[0].startswith("1 rows of other plan years (2019-11 to 2019-11)")
    spanish_only(
        figures,
        "1 fila de otro año del plan (2019-11) no está en estas cifras",
        "aquí 2020-01 a 2020-01; pida el otro año con --from/--to",
    )


def test_unnamed_partners_are_said_in_spanish() -> None:
    rows = [
        activity(implementation=True, implementing_partner=None),
        activity(implementation=True, implementing_partner=None, month="2019-02"),
    ]
    figures = compute(*rows, date_to="2019-02")
    spanish_only(
        figures,
        "2 filas se ejecutaron a través de un socio implementador que no nombra a ninguna "
        "organización registrada",
    )


def test_cells_without_proportions_are_said_in_spanish() -> None:
    proportions = pl.DataFrame(
        [
            {"admin1": LIMA, "sector": "EDU", "population_type": "in_destination", "girls": 1.0,
             "boys": 1.0, "women": 1.0, "men": 1.0}
        ]
    )  # fmt: skip
    figures = compute(*base_rows(), proportions=proportions)
    spanish_only(
        figures,
        "max-cell: la tabla de proporciones no tiene porcentajes para 3 celdas de admin1",
        "Peru / Lima / Food Security / en tránsito (2 personas)",
        "Peru / Lima / Health / comunidad de acogida (3 personas)",
    )


def test_a_note_is_its_english_text_in_json_and_keeps_its_spanish_when_copied() -> None:
    said = note("accepted_errors", 1)
    assert said == "1 stored row with accepted errors not counted"
    assert note_text(said, "es") == "1 fila guardada con errores aceptados no se cuenta"
    assert note_text(note("accepted_errors", 3), "es") == (
        "3 filas guardadas con errores aceptados no se cuentan"
    )
    assert note("accepted_errors", 3) == "3 stored rows with accepted errors not counted"
    assert json.loads(json.dumps([said])) == [str(said)]
    copied = pickle.loads(pickle.dumps(said))
    assert isinstance(copied, Note) and copied.text("es") == said.text("es")
    assert note_text("plain", "es") == "plain"  # a plain string: English only


def test_figures_without_people_keep_their_notes() -> None:
    """ "No people-reached data." was all the summary said when every row was left out."""
    figures = compute(people("2019-01", 5, admin1=None), people("2019-01", 5, sector=None))
    assert figures.rows.is_empty()
    assert figures.to_text() == (
        "No people-reached data.\n2 rows without country, admin1, month or sector were left out"
    )
    assert figures.to_text("es") == (
        "No hay datos de personas alcanzadas.\n"
        "2 filas sin país, admin1, mes o sector quedaron fuera"
    )


def test_progress_of_a_period_after_the_plan_years_start_is_said() -> None:
    """`kipu figures --from 2019-02` set February's people beside the year's targets: a
    sector reported in January read 0.0 % with no word."""
    rows = [people("2019-01", 50), people("2019-02", 0, total_monthly=0)]
    year = compute(*rows, date_from="2019-01", date_to="2019-02")
    assert not [n for n in year.notes if "progress" in n]
    later = compute(*rows, date_from="2019-02", date_to="2019-02")
    [said] = [n for n in later.notes if "progress" in n]
    assert said.startswith("progress against the plan's targets counts the people reached")
    assert "from 2019-02 only, not from the plan year's start (2019-01)" in said
    spanish_only(later, "el avance respecto a las metas del plan cuenta las personas")
