"""Months as people type them, each read as the person meant or given an issue code that says
why it could not be.

ISO (2019-11, 2019-11-01), Excel serials, month names in English, Spanish and
Portuguese ("Noviembre 2019", "nov-19", "1 de noviembre de 2019", "Setiembre"), and numeric
dates. Whether 10/1/2019 is 10 January or 1 October is decided once per file: a first part
above 12 anywhere means day first, a second part above 12 means month first, unless the
file's other dates contradict it (`_unless_contradicted`). With no such
evidence the submission's month decides when exactly one reading is that month; otherwise,
or when the file holds both orders, the date is ambiguous and flagged, never filed under a
month the partner may not have meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from kipu.core.text import closest, normalise

INVALID_MONTH = "invalid-month"
AMBIGUOUS_DATE = "ambiguous-date"
_MONTH_NAMES = {
    **dict.fromkeys(("jan", "january", "ene", "enero", "janeiro"), 1),
    **dict.fromkeys(("feb", "february", "febrero", "fev", "fevereiro"), 2),
    **dict.fromkeys(("mar", "march", "marzo", "marco"), 3),
    **dict.fromkeys(("apr", "april", "abr", "abril"), 4),
    **dict.fromkeys(("may", "mayo", "mai", "maio"), 5),
    **dict.fromkeys(("jun", "june", "junio", "junho"), 6),
    **dict.fromkeys(("jul", "july", "julio", "julho"), 7),
    **dict.fromkeys(("aug", "august", "ago", "agosto"), 8),
    **dict.fromkeys(("sep", "sept", "september", "set", "septiembre", "setiembre", "setembro"), 9),
    **dict.fromkeys(("oct", "october", "octubre", "out", "outubro"), 10),
    **dict.fromkeys(("nov", "november", "noviembre", "novembro"), 11),
    **dict.fromkeys(("dec", "december", "dic", "diciembre", "dez", "dezembro"), 12),
}
_FILLER = frozenset({"de", "del", "of", "the", "mes", "month", "do", "da"})
_EXCEL_EPOCH = date(1899, 12, 30)
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|o|a|ro)$")
_DAY_FIRST, _MONTH_FIRST = "dmy", "mdy"
_TIME = re.compile(
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?\s?[Mm]\.?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)$"
)
_SERIAL_FLOAT = re.compile(r"^(\d{5})\.0+$")
# Month name, then a two-digit year joined to it: nov-19, Nov/19, nov'19 (Excel's mmm-yy).
_NAME_YY = re.compile(r"^[^\W\d_]+\.?\s*[-/'’]\s*\d{2}$")
FIRST_YEAR = 2000  # a 5W month before it is a misreading (R4V began in 2018)


@dataclass(frozen=True)
class MonthReading:
    month: str | None  # YYYY-MM
    code: str | None = None
    detail: str | None = None
    suggestion: str | None = None


def month_from_serial(number: float) -> str | None:
    """An Excel date serial (days since 1899-12-30) as YYYY-MM."""
    if not 20000 <= number < 80000:
        return None
    day = _EXCEL_EPOCH + timedelta(days=int(number))
    return _month(day.year, day.month)


def _tokens(text: str) -> list[str]:
    """The words and numbers of a month cell: the time of a date-time removed, an Excel
    serial's ".0" removed, filler words ("de", "of") dropped, ordinals made numbers."""
    text = _TIME.sub("", text.strip())
    text = _SERIAL_FLOAT.sub(r"\1", text)
    tokens = normalise(text)
    found = []
    for token in tokens.split():
        ordinal = _ORDINAL.match(token)
        token = ordinal.group(1) if ordinal else token
        if token not in _FILLER:
            found.append(token)
    return found


def _year(token: str) -> int | None:
    if not token.isdigit() or len(token) not in (2, 4):
        return None
    year = int(token) + (2000 if len(token) == 2 else 0)
    return year if FIRST_YEAR <= year <= 2100 else None


def _month(year: int | None, month: int | None) -> str | None:
    if year is None or month is None or not 1 <= month <= 12 or not FIRST_YEAR <= year <= 2100:
        return None
    return f"{year:04d}-{month:02d}"


def _is_day(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


# Excel writes the number 2019.10 (October) as "2019.1" in a CSV, as it writes January
# (and as "2019,1" where the decimal mark is a comma).
_YEAR_DOT_ONE = re.compile(r"\s*(\d{4})[.,]1\s*")


def _numeric_dates(tokens: list[str]) -> tuple[int, int, int] | None:
    """(first, second, year) of a day/month/year or month/day/year date, else None."""
    if len(tokens) != 3 or len(tokens[2]) not in (2, 4) or len(tokens[0]) > 2:
        return None
    if len(tokens[1]) > 2:
        return None
    year = _year(tokens[2])
    if year is None:
        return None
    return int(tokens[0]), int(tokens[1]), year


def _plain_month(tokens: list[str], raw: str, submission: str | None) -> str | None:
    """Months that are the same in any order: ISO, YYYYMM, MM/YYYY, serials, names."""
    if all(t.isdigit() for t in tokens):
        first = tokens[0]
        if len(tokens) == 1:
            if len(first) == 6:
                return _month(int(first[:4]), int(first[4:]))
            if len(first) == 8:  # YYYYMMDD, of a day that exists
                year, month, day = int(first[:4]), int(first[4:6]), int(first[6:])
                return _month(year, month) if _is_day(year, month, day) else None
            return month_from_serial(float(first)) if len(first) == 5 else None
        if len(first) == 4:  # year, month and perhaps a day that exists: nothing after it
            if len(tokens) == 3 and not _is_day(int(first), int(tokens[1]), int(tokens[2])):
                return None  # 2019-12-32: no such day (a slip, not December)
            return _month(int(first), int(tokens[1])) if len(tokens) <= 3 else None
        if len(tokens) == 2 and len(tokens[1]) == 4:
            return _month(int(tokens[1]), int(first))
        return None
    months = [_MONTH_NAMES[t] for t in tokens if t in _MONTH_NAMES]
    words = [t for t in tokens if not t.isdigit()]
    if len(months) != 1 or len(words) != 1:
        return None
    four = [int(t) for t in tokens if t.isdigit() and len(t) == 4]
    days = [int(t) for t in tokens if t.isdigit() and len(t) <= 2]
    if len(four) > 1 or len(days) > 1:
        return None  # "noviembre 2019 2020": which year?
    if four:  # with a day, one that exists: "32 de noviembre de 2019" is none
        if days and not _is_day(four[0], months[0], days[0]):
            return None
        return _month(four[0], months[0])
    # Two digits are a year only joined after the name (nov-19); "15-mar", "12 March" and
    # "March 12" are days of a month whose year the cell does not say.
    if len(tokens) == 2 and _NAME_YY.match(raw.strip()) and tokens[1].isdigit():
        return _month(_year(tokens[1]), months[0])
    if submission and int(submission[5:]) == months[0]:
        if days and not _is_day(int(submission[:4]), months[0], days[0]):
            return None  # "31 de noviembre"
        return submission  # "Noviembre" (or "15 de noviembre") in a November submission
    return None


def date_order(texts: Iterable[str]) -> set[str]:
    """The orders ('dmy', 'mdy') that the file's numeric dates prove."""
    found = set()
    for text in texts:
        parts = _numeric_dates(_tokens(text))
        if parts:
            first, second, year = parts
            # Only a date that exists proves an order: "01/60/2021", a slip, proved nothing.
            if first > 12 >= second and _is_day(year, second, first):
                found.add(_DAY_FIRST)
            elif second > 12 >= first and _is_day(year, first, second):
                found.add(_MONTH_FIRST)
    return found


def read_months(
    texts: Iterable[str], submission: str | None = None, counts: Mapping[str, int] | None = None
) -> dict[str, MonthReading]:
    """Each distinct month text of a file, read with the file's day/month order.

    `submission` (YYYY-MM) is the month the file is submitted for, if any: it settles
    numeric dates that no other evidence settles. `counts`: the rows of each text, which
    weigh the dates that prove an order against those that doubt it (one each without).
    """
    distinct = list(dict.fromkeys(texts))  # read in the order given (`suggestions_up_to`)
    orders = _unless_contradicted(date_order(sorted(distinct)), distinct, counts)
    if not orders and submission:
        orders = _order_of_submission(sorted(distinct), submission)
    return {text: _read_month(text, orders, submission) for text in distinct}


def _unless_contradicted(
    orders: set[str], texts: list[str], counts: Mapping[str, int] | None
) -> set[str]:
    """`orders`, or none when more rows (`counts` by text; one each without) read, the
    other way, as the 1st of a month (as a month is written as a date), and not so by the
    one order proven, than rows prove that order. 100,000 rows of "01/06/2019" (the 1st of
    each month) and one late "06/15/2019" put every row in January, in a file found valid;
    a January file of activity dates ("05/01/2021" beside as many "15/01/2021") keeps its
    order."""
    if len(orders) != 1:
        return orders
    proven = next(iter(orders))
    proving = doubtful = 0
    for text in texts:
        parts = _numeric_dates(_tokens(text))
        if parts is None:
            continue
        first, second, year = parts
        month, day, other_day = (
            (second, first, second) if proven == _DAY_FIRST else (first, second, first)
        )
        rows = counts.get(text, 1) if counts is not None else 1
        if max(first, second) > 12:
            proving += rows if month <= 12 and _is_day(year, month, day) else 0
        elif first != second and other_day == 1 and day != 1:
            doubtful += rows
    return set() if doubtful > proving else orders


def _order_of_submission(texts: list[str], submission: str) -> set[str]:
    """With no date above 12, the order under which more of the file's dates fall in the
    month submitted (one order for the whole file; a tie settles nothing)."""
    day_first = month_first = 0
    for text in texts:
        parts = _numeric_dates(_tokens(text))
        if parts and parts[0] != parts[1]:
            first, second, year = parts
            day_first += _month(year, second) == submission
            month_first += _month(year, first) == submission
    if day_first == month_first:
        return set()
    return {_DAY_FIRST if day_first > month_first else _MONTH_FIRST}


def _read_month(text: str, orders: set[str], submission: str | None = None) -> MonthReading:
    tokens = _tokens(text)
    if not tokens:
        return MonthReading(None, INVALID_MONTH)
    dot_one = _YEAR_DOT_ONE.fullmatch(text)
    if dot_one:
        january, october = _month(int(dot_one[1]), 1), _month(int(dot_one[1]), 10)
        if submission in (january, october):
            return MonthReading(submission)
        if january and october:
            return MonthReading(None, AMBIGUOUS_DATE, f"{january} / {october}")
    plain = _plain_month(tokens, _TIME.sub("", text.strip()), submission)
    if plain is not None:
        return MonthReading(plain)
    parts = _numeric_dates(tokens)
    if parts is None:
        return MonthReading(None, INVALID_MONTH, suggestion=_suggest_month(tokens, submission))
    first, second, year = parts
    day_first = _month(year, second) if _is_day(year, second, first) else None
    month_first = _month(year, first) if _is_day(year, first, second) else None
    if day_first is None and month_first is None:
        return MonthReading(None, INVALID_MONTH)  # 31/11/2019: no such day either way
    if first > 31 or second > 31 or (first > 12 and second > 12):
        return MonthReading(None, INVALID_MONTH)
    if day_first is None or month_first is None or day_first == month_first:
        return MonthReading(day_first or month_first)
    if orders == {_DAY_FIRST}:
        return MonthReading(day_first)
    if orders == {_MONTH_FIRST}:
        return MonthReading(month_first)
    return MonthReading(None, AMBIGUOUS_DATE, f"{day_first} / {month_first}")


def _suggest_month(tokens: list[str], submission: str | None) -> str | None:
    words = [t for t in tokens if not t.isdigit()]
    if len(words) == 1:
        name = closest(words[0], _MONTH_NAMES, cutoff=0.7)
        years = [int(t) for t in tokens if t.isdigit() and len(t) == 4]
        year = years[0] if years else int(submission[:4]) if submission else None
        if name is not None and year is not None:
            return _month(year, _MONTH_NAMES[name])
    return submission
