"""Values as people type them: numbers, months and yes/no, each read as the person meant or
given an issue code that says why it could not be.

**Numbers.** Whether "1,500" is fifteen hundred or one and a half depends on the writer's
convention, not on the language of Kipu's interface (Peru writes 1,500.50 as the United
States do; Spain and most of Latin America 1.500,50). The convention is decided from the
file's own evidence: a value that can only be read one way ("1,500.50", "2,5", "12.75",
"1.234.567") tells which mark is the decimal one, first within its column, then within the
file. A value with one separator followed by exactly three digits ("1,500", "1.500") is read
as a thousands separator when the evidence says the other mark is the decimal one, or when
there is no evidence (counts of people are whole and US dollars have cents: a warning says
so for amounts). When the evidence says that mark is the decimal one (a reading with three
decimals, which no count or dollar amount has) or contradicts itself, it is an error naming
both readings. Spaces, non-breaking spaces and apostrophes between groups of three digits are
thousands separators. US dollar signs (US$, USD, U$S, $) are removed with a warning; another
currency (S/, PEN, €…) in an amount in USD is an error, never silently taken for dollars.

**Months.** ISO (2019-11, 2019-11-01), Excel serials, month names in English, Spanish and
Portuguese ("Noviembre 2019", "nov-19", "1 de noviembre de 2019", "Setiembre"), and numeric
dates. Whether 10/1/2019 is 10 January or 1 October is decided once per file: a first part
above 12 anywhere means day first, a second part above 12 means month first. With no such
evidence the submission's month decides when exactly one reading is that month; otherwise,
or when the file holds both orders, the date is ambiguous and flagged, never filed under a
month the partner may not have meant.

**Yes/no.** Every form Spanish, English and Portuguese Excel and people write: Yes, Sí, Si,
S, Y, No, N, Não, TRUE/FALSE, VERDADERO/FALSO, X, 1/0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from kipu.core.text import closest, normalise

# --- numbers ---------------------------------------------------------------------------------

DOT, COMMA = ".", ","
# Issue codes a number reading may carry (severities are the validation catalogue's).
INVALID = "invalid-number"
AMBIGUOUS = "ambiguous-number"
READ_AS = "number-read-as"
USD_SIGN = "currency-sign"
NOT_USD = "currency-not-usd"
PESO_SIGN = "dollar-sign-ambiguous"
PESO_FORMAT = "dollar-format-ambiguous"  # the same, shown by the cell's number format
# The amount is not stored with these (its row cannot be).
NUMBER_ERRORS = (INVALID, AMBIGUOUS, NOT_USD, PESO_SIGN, PESO_FORMAT)
# Countries whose own currency is written "$" (pesos, Guyana's and Trinidad's dollars): there
# a bare "$" does not say US dollars. Ecuador, Panama and El Salvador use the US dollar.
PESO_DOLLAR_COUNTRIES = ("ARG", "CHL", "COL", "CUB", "DOM", "GUY", "MEX", "TTO", "URY")

# `$us` is how Bolivia writes the US dollar.
_USD_FORMS = r"USD\s?\$|US\s?\$|U\$S|USD|\$\s?USD?|\$"
_USD = re.compile(rf"^(?:{_USD_FORMS})\s*|\s*(?:{_USD_FORMS})$", re.IGNORECASE)
# Other currencies as R4V's partners write them: signs, ISO codes and names of the region's
# currencies (and a few others), longer forms first. Single letters (Q, quetzal; L,
# lempira) only before the number: "5 L" may be litres.
_OTHER_FORMS = (
    r"S\./|S/\.?|PEN|(?:nuevos\s+)?soles?|M\.?N\.?|EUR|euros?|€|Bs\.?\s?[SFD]\.?|Bs\.?|VES|VEF|bol[ií]var(?:es)?|"
    r"COP|CLP|ARS|MXN|UYU|\$U|RD\$|DOP|C\$|NIO|pesos?|BRL|R\$|reales|reais|real|"
    r"Gs\.?|PYG|₲|guaran[ií]es|BOB|GTQ|quetzal(?:es)?|HNL|Lps\.?|lempiras?|CRC|₡|Col\.|"
    r"col[oó]n(?:es)?|"
    r"PAB|B/\.?|balboas?|AWG|ANG|Afl\.?|NAf\.?|ƒ|florin(?:es)?|CUP|TTD|TT\$|GYD|G\$|SRD|"
    r"CAD|AUD|£|GBP|¥|JPY|CNY|₹|INR"
)
_OTHER_CURRENCY = re.compile(
    rf"^(?:(?:{_OTHER_FORMS}|Q|L)\.?|G\.)\s*(?=[\d.,(+-])"
    rf"|\s*(?<![A-Za-z])(?:{_OTHER_FORMS})\.?$",
    re.IGNORECASE,
)
_SPACE_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f\u2009'’]\d{3})+(?:[.,]\d+)?")
_SEPARATORS = re.compile(r"[ \u00a0\u202f\u2009'’]")
_PLAIN = re.compile(r"\d+")
_ONE_MARK = re.compile(r"(\d+)([.,])(\d+)")
_GROUPED = {
    COMMA: re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"),  # commas group: the dot is decimal
    DOT: re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?"),  # dots group: the comma is decimal
}
_SCIENTIFIC = re.compile(r"(\d+)(?:([.,])(\d+))?[eE]([+-]?\d+)")
# What partners write in a cell for "nothing" ("not applicable", "none"): read as empty.
NOTHING = frozenset({"-", "--", "n/a", "na", "n.a.", "no aplica", "ninguno", "ninguna", "nil"})
_NOTHING = NOTHING
# Words that scale the number before them, in the region's languages: "5 M" or "1,5 millones"
# of dollars is not 5 or 1.5, and which power it means differs ("M" is a thousand in Spanish
# accounting, a million in English; "MM" a million). Never read: the whole number is asked for.
SCALE_WORDS = frozenset(
    {"k", "m", "mm", "mn", "mln", "mio", "b", "bn", "mrd", "mil", "miles", "mill", "tsd"}
    | {"millon", "millón", "millones", "million", "millions", "thousand", "thousands"}
    | {"billion", "billions", "billon", "billón", "billones", "mi", "bi", "milhão", "milhões"}
    | {"milhao", "milhoes", "lakh", "lakhs", "crore", "crores"}
)
# Words of a text, as a scale word is written among others ("M USD", "(M)", "mil millones").
_WORD_BREAK = re.compile(r"[\s()\[\]{}/.,;:*+\-]+")
_STUCK_CURRENCY = ("us$", "u$s", "usd", "$")  # "MM$", "MMUSD", "$MM"
_NUMBER_RUN = re.compile(r"[+-]?\d(?:[\d.,\s\u00a0\u202f'’]*\d)?")


@dataclass(frozen=True)
class NumberReading:
    """A number cell's text, read: `value` (None when it cannot be), and the issue code,
    detail and suggestion when the reading needs one."""

    value: float | None
    code: str | None = None
    detail: str | None = None
    suggestion: str | None = None


@dataclass(frozen=True)
class _Shape:
    """A number's text taken apart: its value if unambiguous, or its two readings."""

    value: float | None = None
    decimal: str | None = None  # the decimal mark the text proves, if any
    grouping: float | None = None  # an ambiguous text: read with thousands separators
    fraction: float | None = None  # an ambiguous text: read with a decimal mark
    mark: str | None = None  # the ambiguous separator
    # More than three digits, a mark, three digits ("1500,000"), or both marks and three
    # digits after the last ("2.500,000"): read as a decimal, unless the file writes decimals
    # with the other mark ("5,382.50"): then it is a separator left out or a grouping in
    # either mark (1,500,000; 2,500,000) as much as a decimal (1500; 2500), and ambiguous.
    loose: bool = False


def _number_text(text: str) -> tuple[str, int]:
    """The text without sign and spaces between digit groups, and the sign (±1)."""
    core = text.strip()
    sign = 1
    if core.startswith("(") and core.endswith(")"):
        core, sign = core[1:-1].strip(), -1
    if core[:1] in ("+", "-"):  # not `in "+-"`: the empty text is in every string
        sign = -1 if core[0] == "-" else sign
        core = core[1:].strip()
    if _SPACE_GROUPED.fullmatch(core):
        core = _SEPARATORS.sub("", core)
    return core, sign


def shape(text: str) -> _Shape | None:
    """The number a text can be, or None when it is not a number."""
    core, sign = _number_text(text)
    if _PLAIN.fullmatch(core):
        return _Shape(value=sign * float(core))
    one = _ONE_MARK.fullmatch(core)
    if one:
        whole, mark, part = one.groups()
        as_decimal = sign * float(f"{whole}.{part}")
        if len(part) != 3 or whole.startswith("0"):
            return _Shape(value=as_decimal, decimal=mark)
        if len(whole) > 3:
            grouped = sign * float(whole + part)
            return _Shape(as_decimal, mark, grouped, as_decimal, mark, loose=True)
        return _Shape(grouping=sign * float(whole + part), fraction=as_decimal, mark=mark)
    for separator, pattern in _GROUPED.items():
        if pattern.fullmatch(core):
            decimal = DOT if separator == COMMA else COMMA
            value = sign * float(core.replace(separator, "").replace(decimal, "."))
            if len(core.rpartition(decimal)[2]) == 3 and decimal in core:
                # "2.500,000": three decimals, or both marks grouping (2,500,000): loose.
                grouped = sign * float(core.replace(separator, "").replace(decimal, ""))
                return _Shape(value, decimal, grouped, value, decimal, loose=True)
            return _Shape(value=value, decimal=decimal)
    scientific = _SCIENTIFIC.fullmatch(core)
    if scientific:
        whole, mark, part, exponent = scientific.groups()
        value = float(f"{whole}.{part or 0}e{exponent}")
        return _Shape(value=sign * value, decimal=mark)
    return None


def decimal_evidence(texts: Iterable[str]) -> set[str]:
    """The decimal marks that texts prove ({'.'}, {','}, both, or none). A loose text
    ("1500,000": `_Shape.loose`) proves its mark only where no other text proves one: beside
    "5,382.50" it contradicts the file, and is ambiguous (`read_number`), not evidence."""
    found: set[str] = set()
    loose: set[str] = set()
    for text in texts:
        read = shape(_without_currency(text)[0])
        if read is not None and read.decimal:
            (loose if read.loose else found).add(read.decimal)
    return found or loose


def _without_currency(text: str) -> tuple[str, str | None, bool]:
    """The text without a currency sign, the sign, and whether the sign is the US dollar."""
    stripped = text.strip()
    # Other currencies first: `$U` (Uruguay), `RD$` hold a `$` the dollar's forms would take.
    other = _OTHER_CURRENCY.search(stripped)
    if other:
        return _OTHER_CURRENCY.sub("", stripped).strip(), other.group(0).strip(), False
    usd = _USD.search(stripped)
    if usd:
        return _USD.sub("", stripped).strip(), usd.group(0).strip(), True
    return stripped, None, True


def bare_dollar(text: str) -> bool:
    """Whether the currency of `text` is a "$" alone (not US$, USD, U$S, RD$, $U…)."""
    _, sign, is_usd = _without_currency(text)
    return is_usd and sign is not None and sign.strip() == "$"


def scale_word(word: str) -> bool:
    """Whether a word scales the number beside it (`SCALE_WORDS`), also with a dollar sign
    or code stuck to it ("MM$", "MMUSD")."""
    word = word.casefold().strip(".")
    if word in SCALE_WORDS:
        return True
    for affix in _STUCK_CURRENCY:
        if word.endswith(affix) and word[: -len(affix)] in SCALE_WORDS:
            return True
        if word.startswith(affix) and word[len(affix) :] in SCALE_WORDS:
            return True
    return False


def scaled(text: str) -> bool:
    """Whether `text` is a number with a word that scales it, among any others ("5 M",
    "1,5 millones de USD", "20k", "MM$ 2", "5 (M)"): `scale_readings`."""
    return bool(scale_readings(text))


def scale_readings(text: str) -> set[float]:
    """The numbers a scaled text ("US$ 1,5 M") shows beside its scale word, with either
    decimal mark ({1.5, 15.0}); empty when it shows no number or no scale word."""
    found = _NUMBER_RUN.search(text)
    if found is None:
        return set()
    rest = f"{text[: found.start()]} {text[found.end() :]}"
    if not any(scale_word(w) for w in _WORD_BREAK.split(rest) if w):
        return set()
    digits = _SEPARATORS.sub("", found.group())
    readings = set()
    for decimal, group in ((DOT, COMMA), (COMMA, DOT)):
        try:
            readings.add(float(digits.replace(group, "").replace(decimal, ".")))
        except ValueError:
            continue
    return readings


def _show(value: float) -> str:
    """A number without thousands separators, "." as decimal mark: 1500, 1.5."""
    return f"{value:.0f}" if value == int(value) else f"{value:.6f}".rstrip("0")


def read_number(
    text: str, column: set[str], file: set[str], *, amount: bool = False
) -> NumberReading:
    """One number cell's text, read with the evidence of its column and its file.

    `amount` is True for an amount of money in USD (currency signs, decimals allowed);
    False for a count. Wholeness and sign are judged by the caller.
    """
    core, sign_text, is_usd = _without_currency(text)
    if core.casefold() in _NOTHING:
        return NumberReading(None, READ_AS, "∅")
    if sign_text is not None and not amount:
        return NumberReading(None, INVALID, "currency")
    read = shape(core)
    if read is None:
        return NumberReading(None, INVALID, "scale" if scaled(core) else "text")
    if sign_text is not None and not is_usd:
        return NumberReading(None, NOT_USD, sign_text)
    if read.loose and (column | file) - {read.mark}:  # the file proves the other convention
        assert read.fraction is not None and read.grouping is not None
        both = f"{_show(read.fraction)}|{_show(read.grouping)}"
        return NumberReading(None, AMBIGUOUS, both, _show(read.grouping))
    if read.value is not None:
        return _with_sign(NumberReading(read.value), sign_text)
    assert read.grouping is not None and read.fraction is not None and read.mark
    evidence = column if len(column) == 1 else file if len(file) == 1 else None
    both = f"{_show(read.fraction)}|{_show(read.grouping)}"  # the rule words both readings
    if evidence is None and (len(column) > 1 or len(file) > 1):
        return NumberReading(None, AMBIGUOUS, both, _show(read.grouping))
    if evidence is None:  # no evidence: counts are whole, dollars have cents at most
        reading = NumberReading(read.grouping, READ_AS if amount else None, _show(read.grouping))
        return _with_sign(reading, sign_text)
    if read.mark in evidence:  # the file writes decimals with this mark, yet three decimals
        # are no count of people (whole) and no amount in dollars (cents): "1,000" is
        # one thousand written in the other convention as often as it is one.
        return NumberReading(None, AMBIGUOUS, both, _show(read.grouping))
    return _with_sign(NumberReading(read.grouping), sign_text)


def _with_sign(reading: NumberReading, sign_text: str | None) -> NumberReading:
    """A reading of a text that had a US dollar sign: the warning says the number read."""
    if sign_text is None or reading.value is None or reading.code not in (None, READ_AS):
        return reading
    return NumberReading(reading.value, USD_SIGN, _show(reading.value))


# --- months ----------------------------------------------------------------------------------

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
            first, second, _ = parts
            if first > 12 >= second:
                found.add(_DAY_FIRST)
            elif second > 12 >= first:
                found.add(_MONTH_FIRST)
    return found


def read_months(texts: Iterable[str], submission: str | None = None) -> dict[str, MonthReading]:
    """Each distinct month text of a file, read with the file's day/month order.

    `submission` (YYYY-MM) is the month the file is submitted for, if any: it settles
    numeric dates that no other evidence settles.
    """
    distinct = list(dict.fromkeys(texts))  # read in the order given (`suggestions_up_to`)
    orders = _unless_contradicted(date_order(sorted(distinct)), distinct)
    if not orders and submission:
        orders = _order_of_submission(sorted(distinct), submission)
    return {text: _read_month(text, orders, submission) for text in distinct}


def _unless_contradicted(orders: set[str], texts: list[str]) -> set[str]:
    """`orders`, or none when the file's other dates contradict the one order proven: dates
    that, read the other way, are the 1st of a month (as a month is written as a date), and
    read by the proven order fall in a month no proving date is in, as many as the proving
    dates or more (or, in any month, more than twice as many). 100,000 rows of "01/06/2019"
    (the 1st of each month) and one late "06/15/2019" put every row in January, in a file
    found valid; a January file of activity dates ("05/01/2021" beside "15/01/2021") keeps
    its order."""
    if len(orders) != 1:
        return orders
    proven = next(iter(orders))
    proofs: set[str] = set()  # the months the proving dates are in, read as they prove
    proving = 0  # the proving dates (distinct texts)
    doubtful: list[str] = []  # the months of the dates that read as the other order's 1st
    for text in texts:
        parts = _numeric_dates(_tokens(text))
        if parts is None:
            continue
        first, second, year = parts
        month, day, other_day = (
            (second, first, second) if proven == _DAY_FIRST else (first, second, first)
        )
        if max(first, second) > 12:
            if month <= 12 and (found := _month(year, month)):
                proofs.add(found)
                proving += 1
        elif first != second and other_day == 1 and day != 1:
            doubtful.append(_month(year, month) or "")
    # Such dates are always January's read by the proven order: the proving dates of other
    # months do not vouch for them, and a few proving dates among many of them prove little.
    against = sum(1 for month in doubtful if month not in proofs)
    return set() if (against and against >= proving) or len(doubtful) > 2 * proving else orders


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


# --- yes/no ----------------------------------------------------------------------------------

YES_VALUES = (
    "yes", "y", "si", "sí", "s", "sim", "true", "verdadero", "vrai", "1", "x", "✓", "✔", "ok",
)  # fmt: skip
NO_VALUES = ("no", "n", "nao", "não", "false", "falso", "0", "none", "ninguno")
_YES = frozenset(normalise(v) for v in YES_VALUES)
_NO = frozenset(normalise(v) for v in NO_VALUES)


def parse_yes_no(text: str) -> bool | None:
    """True, False, or None when the text is neither a yes nor a no. A number is a yes or a
    no only as 1 or 0: punctuation is folded away, and "-1" read as Yes, "1.5" as neither
    only by luck."""
    if any(c.isdigit() for c in text) and text.strip() not in ("1", "0"):
        return None
    key = normalise(text).rstrip(".")
    return True if key in _YES else False if key in _NO else None


def suggest_yes_no(text: str, lang: str = "en") -> str | None:
    """The closest of Yes/No for an unreadable yes/no cell (in the user's language)."""
    yes, no = ("Sí", "No") if lang == "es" else ("Yes", "No")
    # Similarity only: "si" and "no" are inside many words (Asistencia, Noviembre).
    yes_no = ["yes", "si", "no", "true", "false", "verdadero", "falso"]
    found = closest(text, yes_no, 0.5, contained=False)
    if found is None:
        return None
    return yes if found in ("yes", "si", "true", "verdadero") else no
