"""Official statistics file: one observation per row.

Columns: series (key), period_start, period_end (YYYY-MM-DD), value, note, source; optional
name_en, name_es, unit, url to describe a new series (known keys have default names). Spanish
headers are read too (serie, inicio, fin, valor, nota, fuente, unidad).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from kipu.core.loaders import (
    Columns,
    Loaded,
    LoadError,
    Problem,
    open_table,
    period_problem,
    read_date,
    reference_number,
)

ACCEPTED = {
    "series": ("key", "indicator", "serie"),
    "period_start": ("start", "from", "date", "inicio", "fecha_inicio", "desde", "fecha"),
    "period_end": ("end", "to", "fin", "fecha_fin", "hasta"),
    "value": ("valor",),
    "note": ("notes", "comment", "nota"),
    "source": ("fuente",),
    "name_en": ("name",),
    "name_es": ("nombre",),
    "unit": ("unidad",),
    "url": (),
}
KEY_LENGTH = 80  # the store's Series.key
_KEY_SEPARATORS = re.compile(r"[\s\-]+")
_KEY = re.compile(r"[a-z0-9_]+")

# Names for the series the demonstration and the seed report use.
KNOWN_SERIES: dict[str, tuple[str, str]] = {
    "entries": ("Arrivals of Venezuelans", "Entradas de venezolanos"),
    "exits": ("Departures of Venezuelans", "Salidas de venezolanos"),
    "net_entries": ("Net entries of Venezuelans", "Entradas netas de venezolanos"),
    "stock": ("Venezuelans living in the country", "Venezolanos que viven en el país"),
    "asylum_claims_cumulative": ("Asylum claims", "Solicitudes de refugio"),
    "ptp_applications_cumulative": (
        "Applications (granted and in process) to the PTP (Permiso Temporal de Permanencia)",
        "Solicitudes (otorgadas y en trámite) del PTP (Permiso Temporal de Permanencia)",
    ),
    "arrivals_since_2016_cumulative": (
        "Venezuelans arrived in or transited through the country since 2016",
        "Venezolanos que llegaron o transitaron por el país desde 2016",
    ),
}


def series_key(text: str) -> tuple[str, str | None]:
    """The key a series is written as, in its one form: (key, None), or ("", why not). Case
    does not matter and spaces or hyphens are "_" ("Net entries", "net-entries" are
    net_entries): "Stock" was stored beside "stock" and the report crashed on the code given
    twice. Any other character is refused, not dropped or folded: a key is a name reports use."""
    key = _KEY_SEPARATORS.sub("_", text.strip().casefold())
    if not key:
        return "", "empty series key"
    if not _KEY.fullmatch(key):
        return "", f"{text!r} is not a series key: write it with letters a-z, digits and '_'"
    if len(key) > KEY_LENGTH:
        return "", f"{text!r} is longer than {KEY_LENGTH} characters"
    return key, None


@dataclass
class ObservationRecord:
    series: str  # as `series_key` gives it
    period_start: date
    period_end: date
    value: Decimal
    note: str = ""
    source: str = ""
    name_en: str = ""
    name_es: str = ""
    unit: str = ""
    url: str = ""
    # The columns the file has: a stored observation keeps its note and source when the file
    # has no such column (a corrected value erased the report's footnote).
    given: frozenset[str] = frozenset(("note", "source"))
    # The series' fields the row writes (its names, unit, url): the others hold defaults for a
    # new series (a known key's names, else the key) and leave a stored series as it is (a
    # file without a name column renamed "Arrivals in Lima" back to "arrivals_lima").
    described: frozenset[str] = frozenset()


def observation_period(
    start_text: str, end_text: str
) -> tuple[date | None, date | None, list[tuple[str, Problem]]]:
    """The period of an observation (an empty end is the start's), and the problems of its
    column ("period_start", "period_end"): a file's row and the web's edit page read it so."""
    problems: list[tuple[str, Problem]] = []
    start, problem = read_date(start_text)
    if problem:
        problems.append(("period_start", problem))
    end, problem = read_date(end_text) if end_text else (start, None)
    # An empty end is the start's: its problem is said once, at the start.
    if problem is None and start is not None and end is not None:
        problem = period_problem(start, end)
    if problem:
        problems.append(("period_end", problem))
    return start, end, problems


def observation_value(text: str, typed: float | None = None) -> tuple[float | None, Problem | None]:
    """An observation's value (`reference_number`: two decimals kept; a net flow may be
    negative), for a file's row and the web's edit page alike."""
    return reference_number(text, whole=False, decimals=2, negative=True, typed=typed)


def load_statistics(path: Path | str) -> Loaded[ObservationRecord]:
    result: Loaded[ObservationRecord] = Loaded()
    table = open_table(path)
    if isinstance(table, LoadError):
        result.errors.append(table)
        return result
    columns = Columns(table, ACCEPTED)
    if missing := columns.missing(("series", "period_start", "value")):
        result.errors.extend(missing)
        return result
    result.warnings.extend([*columns.unread(), *columns.hidden()])
    seen: dict[tuple[str, date, date], int] = {}
    for number, record in zip(table.row_numbers, table.records, strict=True):
        row = _observation(columns, number, record, result.errors)
        if row is None:
            continue
        key = (row.series, row.period_start, row.period_end)
        if key in seen:
            result.errors.append(
                LoadError(table.source, number, None, f"same series and period as row {seen[key]}")
            )
            continue
        seen[key] = number
        if (copied := columns.copied(number, "value")) is not None:
            result.warnings.append(copied)  # a statistic merged over two periods
        result.records.append(row)
    return result


def _observation(
    columns: Columns, number: int, record: dict[str, object], errors: list[LoadError]
) -> ObservationRecord | None:
    source = columns.table.source
    before = len(errors)

    def fail(column: str, message: str) -> None:
        errors.append(LoadError(source, number, columns.label(column), message))

    series, problem = series_key(columns.value(record, "series"))
    if problem:
        fail("series", problem)
    start, end, problems = observation_period(
        columns.value(record, "period_start"), columns.value(record, "period_end")
    )
    for column, problem in problems:
        fail(column, problem)
    value_text = columns.value(record, "value")
    read, problem = (
        observation_value(value_text, columns.typed(record, "value"))
        if value_text.strip()
        else (None, "empty value")
    )
    if problem:
        fail("value", problem)
    if len(errors) > before or start is None or end is None or read is None:
        return None
    value = Decimal(f"{read:.2f}")
    names = KNOWN_SERIES.get(series, ("", ""))
    return ObservationRecord(
        series=series,
        period_start=start,
        period_end=end,
        value=value,
        note=columns.value(record, "note"),
        source=columns.value(record, "source"),
        name_en=columns.value(record, "name_en") or names[0] or series,
        name_es=columns.value(record, "name_es") or names[1],
        unit=columns.value(record, "unit"),
        url=columns.value(record, "url"),
        given=frozenset(columns.found),
        described=frozenset(
            f for f in ("name_en", "name_es", "unit", "url") if columns.value(record, f)
        ),
    )
