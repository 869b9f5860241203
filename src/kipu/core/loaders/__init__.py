"""Loaders of reference-data files (organisations, plan, statistics, locations).

Each loader reads a CSV or XLSX file and returns a `Loaded` result: the records it understood,
the problems it found (`errors`) and what it changed or skipped on the way (`warnings`), each
a `LoadError` naming file, row and column (row None when a warning sums up several rows).
Callers store nothing unless `errors` is empty, so a bad file changes nothing; warnings do not
block, and callers show them beside the result.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Generic, TypeVar

from kipu.core.phrasing import Note, language, note_text
from kipu.core.read import ReadError, Table, read_table
from kipu.core.read.package import column_letters
from kipu.core.text import compact

T = TypeVar("T")


@dataclass(frozen=True)
class LoadError:
    file: str
    row: int | None  # as the spreadsheet shows it; None for file-level problems
    column: str | None
    message: str

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en", message: str | None = None) -> str:
        """As `str`, in `lang` where the message is a `Note` (English and Spanish: the plan
        loaders'), else in English, as a message in one language is not mixed with another's
        "row" and "column"; `message`: the message as the caller put it in `lang`."""
        spanish = language(lang) == "es" and (message is not None or isinstance(self.message, Note))
        said = message if message is not None else note_text(self.message, lang)
        row, column = ("fila", "columna") if spanish else ("row", "column")
        where = self.file
        if self.row is not None:
            where += f", {row} {self.row}"
        if self.column:
            where += f", {column} {self.column!r}"
        return f"{where}: {said}"


class Problem(str):
    """A loader's message about one value, kept also as its rule and the values it names:
    loaders and commands show it as the English text it is; a web form says it in the page's
    language from `rule` and `params` (`kipu.web.reference.fields`), in the same words, so
    an edit and a file are refused alike. `params` hold the values as the text shows them."""

    rule: str
    params: dict[str, str]

    def __new__(cls, rule: str, template: str, **params: str) -> Problem:
        made = super().__new__(cls, template.format(**params))
        made.rule, made.params = rule, params
        return made


# The English of each rule of `reference_number`, `read_date` and `period_problem`, as
# `Problem` templates; the web's words are these, translated (`kipu.web.reference.fields`).
VALUE_RULES = {
    "scaled": "{said} is not a number: write the whole number, without M, K or mil",
    "currency": "{said} is in another currency than the US dollar: convert it",
    "not-a-number": "{said} is not a number",
    "ambiguous": "{said} could be {grouping} or {fraction}: write it without a thousands separator",
    "too-large": "{said} is too large (at most {digits} digits)",
    "negative": "{said} is negative",
    "not-whole": "{said} is not a whole number (people are counted whole)",
    "decimals": "{said} has more than {decimals} decimals, which are not kept",
    "attendance-too-large": "{said} is too large for an attendance",
    "not-a-date": "{said} is not a date (YYYY-MM-DD)",
    "period-reversed": "the period ends before it starts",
}


def _problem(rule: str, **params: str) -> Problem:
    return Problem(rule, VALUE_RULES[rule], **params)


def reference_number(
    text: str,
    *,
    whole: bool,
    decimals: int | None = None,
    negative: bool = False,
    typed: float | None = None,
) -> tuple[float | None, Problem | None]:
    """A number of a reference table (a target, a budget, a statistic): (value, None), or
    (None, why not) in words. An empty text is 0.

    Read as 5W numbers are (`kipu.core.read.values.shape`: "1.234.567", "2.500,75",
    "1,234,567.5" and "12,5" are unambiguous) but a table of targets holds too few numbers to
    prove its decimal mark, so one mark before three digits ("1.234", "420,000") is refused
    naming both readings, never guessed. `whole`: people are counted in whole numbers;
    `decimals`: the most the store keeps (a statistic: 2), more is refused, not cut.
    Finite, and below 10**15 for whole numbers, 10**13 for others: a float holds every cent
    below that (and the store's budget column 14 whole digits).

    `typed`: the number of a spreadsheet's number cell (`Columns.typed`), which is what it
    is, to the 15 significant digits Excel keeps (a formula's 4.749999999999999 is 4.75).
    The web's edit pages read what is typed with this too (`kipu.web.reference.fields`).
    """
    from kipu.core.read.values import NOT_USD, read_number, scaled, shape

    # A cell of 5,000 digits was quoted whole in its error.
    cut = text if len(text) <= 40 else f"{text[:24]}…{text[-8:]} ({len(text)} characters)"
    said = repr(cut)

    if typed is not None:
        value = float(f"{typed:.15g}")
    elif not text.strip():
        return 0.0, None
    elif (read := shape(text)) is None:
        if scaled(text):  # "5 M" of a number formatted `#,##0 "M"` too
            return None, _problem("scaled", said=said)
        if read_number(text, set(), set(), amount=True).code == NOT_USD:  # `[$$-es-CO]`: COP
            return None, _problem("currency", said=said)
        return None, _problem("not-a-number", said=said)
    elif read.value is None:
        grouping, fraction = f"{read.grouping:.0f}", f"{read.fraction:g}"
        return None, _problem("ambiguous", said=said, grouping=grouping, fraction=fraction)
    else:
        value = read.value
    digits = 15 if whole else 13
    if not math.isfinite(value) or abs(value) >= 10**digits:
        return None, _problem("too-large", said=said, digits=str(digits))
    if value < 0 and not negative:
        return None, _problem("negative", said=said)
    if whole and value != round(value):
        return None, _problem("not-whole", said=said)
    if decimals is not None and round(value, decimals) != value:
        return None, _problem("decimals", said=said, decimals=str(decimals))
    return value + 0.0, None


def read_date(text: str) -> tuple[date | None, Problem | None]:
    """`parse_date`'s date of `text`, or (None, why not)."""
    when = parse_date(text)
    return (when, None) if when is not None else (None, _problem("not-a-date", said=repr(text)))


def period_problem(start: date, end: date) -> Problem | None:
    """Why a period from `start` to `end` is none (it ends before it starts), else None."""
    return _problem("period-reversed") if end < start else None


@dataclass
class Loaded(Generic[T]):
    records: list[T] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    warnings: list[LoadError] = field(default_factory=list)  # do not block; show them

    @property
    def ok(self) -> bool:
        return not self.errors


class Columns:
    """Finds the columns a loader knows in a table's header, by any of their accepted names."""

    def __init__(self, table: Table, accepted: Mapping[str, tuple[str, ...]]) -> None:
        by_key = {compact(label): label for label in table.header if label}
        self.table = table
        self.accepted = accepted
        self.found: dict[str, str] = {}
        for name, variants in accepted.items():
            for variant in (name, *variants):
                if compact(variant) in by_key:
                    self.found[name] = by_key[compact(variant)]
                    break
        twice = [self._headed_twice(label) for label in self.found.values()]
        self.twice = [error for error in twice if error is not None]

    def _headed_twice(self, label: str) -> LoadError | None:
        """An error naming two columns of a label this loader reads (letter case, accents and
        spaces aside), else None: a record keeps one cell per label, so a file headed
        `value, value` stored the second column's numbers and lost the first's without a
        word. Columns the loader does not read may share a label (two "Notes")."""
        key = compact(label)
        columns = [
            i for i, other in enumerate(self.table.header) if other and compact(other) == key
        ]
        if len(columns) < 2:
            return None
        named = " and ".join(column_letters(i) for i in columns)
        message = Note(
            f"columns {named} are both headed {label!r}: Kipu cannot tell which to read; "
            "rename or remove one",
            f"las columnas {named.replace(' and ', ' y ')} tienen ambas el encabezado "
            f"{label!r}: Kipu no puede saber cuál leer; cambie el nombre de una o quítela",
        )
        return LoadError(self.table.source, None, label, message)

    def missing(self, required: tuple[str, ...]) -> list[LoadError]:
        """Errors for the `required` columns the header lacks, and for a column read that is
        headed twice (`twice`)."""
        absent = [name for name in required if name not in self.found]
        if not absent:
            return list(self.twice)
        header = ", ".join(h for h in self.table.header if h) or "(none)"
        return [
            *self.twice,
            LoadError(
                self.table.source,
                None,
                None,
                Note(
                    f"missing column(s) {', '.join(absent)}; the header has: {header}",
                    f"falta(n) la(s) columna(s) {', '.join(absent)}; el encabezado tiene: "
                    + header.replace("(none)", "(nada)"),
                ),
            ),
        ]

    def unread(self) -> list[LoadError]:
        """A warning naming the header's columns this loader does not read: their values
        are not stored (a targets file headed "Meta" loaded every target as nothing)."""
        read = set(self.found.values())
        unread = [repr(label) for label in self.table.header if label and label not in read]
        # A column of values under no label (a header cell left blank, values past the
        # header's end) was dropped without a word: a targets file with its admin1 column
        # unlabelled made every department's target the country's.
        unread += [f"{column_letters(i)} (no header)" for i in self.table.unlabelled]
        if not unread:
            return []
        known = ", ".join(self.accepted)
        listed = ", ".join(unread)
        return [
            LoadError(
                self.table.source,
                None,
                None,
                Note(
                    f"column(s) {listed} not read (their values are not stored); "
                    f"the columns read are: {known}",
                    f"columna(s) {listed.replace('(no header)', '(sin encabezado)')} no "
                    "leída(s) (sus valores no se guardan); las columnas que se leen son: "
                    f"{known}",
                ),
            )
        ]

    def hidden(self) -> list[LoadError]:
        """A warning naming the rows the sheet hides (`Table.hidden_rows`): they are loaded,
        as a filter hides rows that are still data, but a partner who hid last year's
        targets instead of deleting them had them loaded without a word."""
        rows = self.table.hidden_rows
        if not rows:
            return []
        shown = ", ".join(map(str, rows[:10])) + (
            f" and {len(rows) - 10} more" if rows[10:] else ""
        )
        one = len(rows) == 1
        message = Note(
            f"{'row' if one else 'rows'} {shown} {'is' if one else 'are'} hidden in the "
            f"sheet: read as any other row; delete {'it' if one else 'them'} if not meant to "
            "be loaded",
            f"{'la fila' if one else 'las filas'} {shown.replace(' and ', ' y ')} "
            f"{'está oculta' if one else 'están ocultas'} en la hoja: se "
            f"{'lee' if one else 'leen'} como cualquier otra; "
            f"{'bórrela' if one else 'bórrelas'} si no se debe cargar",
        )
        return [LoadError(self.table.source, None, None, message)]

    def value(self, record: dict[str, object], name: str) -> str:
        """The cell's text, trimmed; "" for a cell of invisible characters only (a zero-width
        space, a soft hyphen), which is nothing written, as an empty cell: such an acronym
        overwrote a stored one, and such a name made an organisation nobody can see."""
        label = self.found.get(name)
        text = str(record.get(label, "") or "").strip() if label else ""
        return text if any(unicodedata.category(c)[0] not in "CZ" for c in text) else ""

    def typed(self, record: dict[str, object], name: str) -> float | None:
        """The number of a number cell that is not whole (`read_table` keeps it typed: its
        text "862.377" would read as 862,377 or be refused as ambiguous), else None."""
        label = self.found.get(name)
        held = record.get(label) if label else None
        return held if isinstance(held, float) else None

    def shown_with_dollar(self, number: int, name: str) -> bool:
        """Whether the cell of row `number` (as the spreadsheet shows it) is a number its
        format shows with a `$` alone (`Table.dollars`): the peso where the file was
        formatted in Colombia or Mexico."""
        label = self.found.get(name)
        return label is not None and (number, label) in self.table.dollars

    def given(self, record: dict[str, object], name: str) -> str | None:
        """`value`, or None when the table has no such column: an update keeps what is
        stored (a list reloaded without its Spanish names erased them)."""
        return self.value(record, name) if name in self.found else None

    def label(self, name: str) -> str:
        return self.found.get(name, name)

    def copied(self, number: int, name: str) -> LoadError | None:
        """A warning when the `name` cell of row `number` holds a figure given by a merged
        range (`Table.merged`: filled down): a figure merged over two rows was stored for
        each, and the total counted it twice without a word; or when a range of another
        column covers it (`Table.covered`): it reads empty, and a figure merged across
        people in need and people targeted left the second without a target, silently."""
        label = self.found.get(name)
        if label is None:
            return None
        if (across := self.table.covered.get((number, label))) is not None:
            message = Note(
                f"the cell is covered by the merged range {across}, whose value is another "
                "column's: read as empty; unmerge the cells and give each column its own",
                f"la celda está cubierta por el rango combinado {across}, cuyo valor es el de "
                "otra columna: se lee vacía; separe las celdas y dé a cada columna el suyo",
            )
            return LoadError(self.table.source, number, label, message)
        merged = self.table.merged.get((number, label))
        if merged is None:
            return None
        message = Note(
            f"the value is that of the merged range {merged}, copied to each row it covers; "
            "if it is one figure for those rows together, unmerge the cells and give each "
            "row its own",
            f"el valor es el del rango combinado {merged}, copiado a cada fila que cubre; si "
            "es una cifra para esas filas juntas, separe las celdas y dé a cada fila la suya",
        )
        return LoadError(self.table.source, number, label, message)


def open_table(path: Path | str, sheet: str | None = None) -> Table | LoadError:
    """The file's table, or one LoadError saying why it cannot be read."""
    path = Path(path)
    try:
        table = read_table(path, sheet=sheet)
    except ReadError as error:  # its message names the file: LoadError names it once
        return LoadError(path.name, None, None, error.message.removeprefix(f"{path.name}: "))
    # A plan's sheets share row numbers and column names: say which.
    source = path.name if sheet is None else f"{path.name} ({sheet})"
    if not table.records:
        empty = Note(
            "the file has a header but no data rows.",
            "el archivo tiene encabezado pero ninguna fila de datos.",
        )
        return LoadError(source, None, None, empty)
    table.source = source
    return table


_TIME = re.compile(r"[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?")


def parse_date(text: str) -> date | None:
    """An ISO date (YYYY-MM-DD), also with the time part spreadsheets write after a date
    cell's day (its date is meant); None for anything else. The whole text is read: "2019-10-01 -
    2019-11-30" and "2019-11-30 (preliminar)" were read as their first ten characters."""
    text = text.strip()
    day, rest = text[:10], text[10:]
    if rest and not _TIME.fullmatch(rest):
        return None
    try:
        return date.fromisoformat(day) if len(day) == 10 else None
    except ValueError:
        return None


def did_you_mean(text: str, names: Mapping[str, str], lang: str = "en") -> str:
    """The end of a message about a value of a vocabulary (`names`: every accepted name → its
    canonical value): "; did you mean 'Asistencia directa' (Direct Assistance)?", naming the
    accepted name the value most resembles, in whatever language, and its canonical value
    when that differs; "" when no name is close."""
    from kipu.core.schema import closest_term

    near = closest_term(text, names)
    if near is None:
        return ""
    name, canonical = near
    said = f" ({canonical})?" if canonical != name else "?"
    return f"; ¿quiso decir {name!r}{said}" if lang == "es" else f"; did you mean {name!r}{said}"


def split_list(text: str) -> list[str]:
    """Values separated by '|' or ';' in one cell."""
    return [part.strip() for part in text.replace(";", "|").split("|") if part.strip()]
