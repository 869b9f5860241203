"""Statistics and events loaders: one form per series key, one error per problem, every column
read or said, Spanish headers and types, attendance never misread, one row per event."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.gazetteer import Gazetteer, bundled_locations
from kipu.core.loaders.events import load_events
from kipu.core.loaders.statistics import load_statistics
from kipu.core.reference import Organisation

# Hypothesis runs many examples in one test's tmp_path: each writes over the same file.
ONE_DIRECTORY = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def peru() -> Gazetteer:
    return Gazetteer(bundled_locations("PE"))


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def events(path: Path, text: str, gazetteer: Gazetteer):  # noqa: ANN201
    organisations = [Organisation(key="ORG901", name="Partner A", acronym="PA")]
    return load_events(write(path / "e.csv", text), organisations, gazetteer, "PER")


def messages(errors: list) -> str:  # noqa: ANN001
    return "\n".join(str(e) for e in errors)


# 1. One form per series key.


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Stock", "stock"),
        (" STOCK ", "stock"),
        ("Net entries", "net_entries"),
        ("net-entries", "net_entries"),
        ("Net  -  Entries", "net_entries"),
        ("asylum_claims_cumulative", "asylum_claims_cumulative"),
    ],
)
def test_series_keys_have_one_form(tmp_path: Path, written: str, key: str) -> None:
    """Before, "Stock" was stored beside "stock" and the report crashed on the code given
    twice; a known key written otherwise also lost its names."""
    loaded = load_statistics(
        write(tmp_path / "s.csv", f"series,period_start,value\n{written},2019-11-30,1\n")
    )
    assert loaded.ok, loaded.errors
    assert loaded.records[0].series == key
    if key == "stock":
        assert loaded.records[0].name_en == "Venezuelans living in the country"


def test_one_series_written_two_ways_in_one_file_is_one_series(tmp_path: Path) -> None:
    loaded = load_statistics(
        write(
            tmp_path / "s.csv",
            "series,period_start,value\nstock,2019-11-30,1\nStock,2019-11-30,2\n",
        )
    )
    assert "row 3: same series and period as row 2" in messages(loaded.errors)


@pytest.mark.parametrize("written", ["entradas año", "stock.2019", "stock/peru", "x" * 81])
def test_a_key_that_cannot_be_a_key_is_refused(tmp_path: Path, written: str) -> None:
    loaded = load_statistics(
        write(tmp_path / "s.csv", f"series,period_start,value\n{written},2019-11-30,1\n")
    )
    assert "row 2, column 'series'" in messages(loaded.errors), loaded.errors
    assert not loaded.records


# 2. One error per problem.


@pytest.mark.parametrize("start", ["43799", "30/11/2019", "2019-11-30 (preliminar)"])
def test_an_unreadable_start_with_no_end_is_one_error(tmp_path: Path, start: str) -> None:
    """Before, an empty end (meaning: the start) was said not to be a date as well."""
    loaded = load_statistics(
        write(tmp_path / "s.csv", f'series,period_start,period_end,value\nstock,"{start}",,1\n')
    )
    assert [(e.row, e.column) for e in loaded.errors] == [(2, "period_start")], loaded.errors


# 3. Every column read or said; Spanish headers and types.


def test_statistics_columns_not_read_are_warned(tmp_path: Path) -> None:
    loaded = load_statistics(
        write(tmp_path / "s.csv", "series,period_start,value,Observaciones\nstock,2019-11-30,1,x\n")
    )
    assert loaded.ok, loaded.errors
    assert "'Observaciones' not read" in messages(loaded.warnings)


def test_events_columns_not_read_are_warned(tmp_path: Path, peru: Gazetteer) -> None:
    loaded = events(tmp_path, "date,title,Lugar exacto\n2019-05-01,Launch,Lima\n", peru)
    assert loaded.ok, loaded.errors
    assert "'Lugar exacto' not read" in messages(loaded.warnings)


def test_spanish_statistics_headers(tmp_path: Path) -> None:
    for header in (
        "serie,inicio,fin,valor,nota,fuente,unidad",
        "Serie,Fecha inicio,Fecha fin,Valor,Nota,Fuente,Unidad",
        "serie,desde,hasta,valor,nota,fuente,unidad",
    ):
        loaded = load_statistics(
            write(tmp_path / "s.csv", f"{header}\nstock,2019-01-01,2019-01-31,5,n,DS,personas\n")
        )
        assert loaded.ok and not loaded.warnings, (header, loaded.errors, loaded.warnings)
        (record,) = loaded.records
        assert (record.period_end.isoformat(), record.note, record.unit) == (
            "2019-01-31",
            "n",
            "personas",
        )


def test_spanish_events_headers_and_types(tmp_path: Path, peru: Gazetteer) -> None:
    loaded = events(
        tmp_path,
        "fecha,título,tipo de evento,participantes,descripción\n"
        "2019-05-01,Reunión GTRM,Reunión,12,mensual\n"
        "2019-05-02,Taller,TALLER,,\n"
        "2019-05-03,Formación,capacitacion,3,\n"
        "2019-05-04,Lanzamiento,lanzamiento,,\n"
        "2019-05-05,Misión,Mision,,\n"
        "2019-05-06,Otro,otra,,\n",
        peru,
    )
    assert loaded.ok and not loaded.warnings, (loaded.errors, loaded.warnings)
    got = [(r.type, r.attendance, r.description) for r in loaded.records]
    assert got == [
        ("meeting", 12, "mensual"),
        ("workshop", None, ""),
        ("training", 3, ""),
        ("launch", None, ""),
        ("mission", None, ""),
        ("other", None, ""),
    ]


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("reunión", "meeting"),
        ("REUNION", "meeting"),
        ("Capacitación", "training"),
        ("formación", "training"),
        ("taller", "workshop"),
        ("Lanzamiento", "launch"),
        ("misión", "mission"),
        ("otro", "other"),
        ("Otra", "other"),
        ("Training", "training"),
    ],
)
def test_spanish_event_types(tmp_path: Path, peru: Gazetteer, written: str, kind: str) -> None:
    loaded = events(tmp_path, f"date,title,type\n2019-05-01,E,{written}\n", peru)
    assert loaded.ok, loaded.errors
    assert loaded.records[0].type == kind


def test_an_unknown_event_type_is_refused(tmp_path: Path, peru: Gazetteer) -> None:
    loaded = events(tmp_path, "date,title,type\n2019-05-01,E,Reunon\n", peru)
    assert "row 2, column 'type': unknown type 'Reunon'" in messages(loaded.errors)


# 4. Attendance is never misread.


def _grouped(number: int, separator: str) -> str:
    return f"{number:,}".replace(",", separator)


@ONE_DIRECTORY
@given(
    number=st.integers(min_value=0, max_value=10**9),
    separator=st.sampled_from(["", ",", "."]),
)
def test_attendance_is_the_number_written_or_an_error(
    tmp_path: Path, peru: Gazetteer, number: int, separator: str
) -> None:
    """Before, "12,5" was 125 and "1.234" a refusal or a misreading by chance: now every way
    of writing a whole number is read as it, or refused at its row and column."""
    written = _grouped(number, separator)
    loaded = events(tmp_path, f'date,title,attendance\n2019-05-01,E,"{written}"\n', peru)
    if loaded.ok:
        assert loaded.records[0].attendance == number, written
    else:
        assert [(e.row, e.column) for e in loaded.errors] == [(2, "attendance")]
        # Only one mark before three digits may mean two numbers.
        assert written.count(separator) == 1 and len(written.split(separator)[-1]) == 3


@ONE_DIRECTORY
@given(
    whole=st.integers(min_value=0, max_value=10**6),
    fraction=st.integers(min_value=1, max_value=99),
    mark=st.sampled_from([",", "."]),
)
def test_attendance_with_a_fraction_is_refused(
    tmp_path: Path, peru: Gazetteer, whole: int, fraction: int, mark: str
) -> None:
    """ "12,5" was stored as 125 (the comma taken for a thousands separator)."""
    written = f"{whole}{mark}{fraction}"
    loaded = events(tmp_path, f'date,title,attendance\n2019-05-01,E,"{written}"\n', peru)
    assert [(e.row, e.column) for e in loaded.errors] == [(2, "attendance")], written
    assert not loaded.records


@pytest.mark.parametrize("written", ["-3", "many", "1e12", "99999999999"])
def test_attendance_that_is_no_count_is_refused(
    tmp_path: Path, peru: Gazetteer, written: str
) -> None:
    loaded = events(tmp_path, f'date,title,attendance\n2019-05-01,E,"{written}"\n', peru)
    assert [(e.row, e.column) for e in loaded.errors] == [(2, "attendance")], loaded.errors


def test_empty_attendance_is_not_zero(tmp_path: Path, peru: Gazetteer) -> None:
    loaded = events(tmp_path, "date,title,attendance\n2019-05-01,E,\n2019-05-02,F,0\n", peru)
    assert [r.attendance for r in loaded.records] == [None, 0]


# 5. One row per event.


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Reunión GTRM", "REUNIÓN  GTRM"),
        ("Reunión GTRM", " reunión gtrm "),
        ("Reunión GTRM", "Reunio\u0301n GTRM"),  # the accent as a combining character
    ],
)
def test_one_event_on_two_rows_is_refused(
    tmp_path: Path, peru: Gazetteer, first: str, second: str
) -> None:
    """Before, the last row silently won."""
    loaded = events(
        tmp_path,
        f"date,title,attendance\n2019-05-01,{first},10\n2019-05-01,{second},12\n",
        peru,
    )
    assert [(e.row, e.column) for e in loaded.errors] == [(3, "title")], loaded.errors
    assert "same date and title as row 2" in messages(loaded.errors)


def test_events_on_other_days_or_titles_are_others(tmp_path: Path, peru: Gazetteer) -> None:
    loaded = events(
        tmp_path,
        "date,title\n2019-05-01,Reunión GTRM\n2019-05-02,Reunión GTRM\n2019-05-01,Reunión GTRM 2\n",
        peru,
    )
    assert loaded.ok, loaded.errors
    assert len(loaded.records) == 3


def test_a_statistic_merged_over_two_periods_is_said_where_it_was_copied(tmp_path: Path) -> None:
    """A value merged over two months was stored for each month without a word."""
    from openpyxl import Workbook

    book = Workbook()
    for line in [
        ["series", "period_start", "value"],
        ["arrivals", "2019-01-01", 120],
        ["arrivals", "2019-02-01", None],
        ["arrivals", "2019-03-01", 90],
    ]:
        book.active.append(line)
    book.active.merge_cells("C2:C3")
    book.save(tmp_path / "stats.xlsx")
    loaded = load_statistics(tmp_path / "stats.xlsx")
    assert loaded.ok, [str(e) for e in loaded.errors]
    said = [str(w) for w in loaded.warnings if "merged range" in str(w)]
    assert len(said) == 1 and "row 3" in said[0] and "C2:C3" in said[0], said
    assert [r.value for r in loaded.records] == [120, 120, 90]
