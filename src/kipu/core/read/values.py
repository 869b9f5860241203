"""Values as people type them: numbers and yes/no, each read as the person meant or given an
issue code that says why it could not be (months: `kipu.core.read.months`).

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

**Yes/no.** Every form Spanish, English and Portuguese Excel and people write: Yes, Sí, Si,
S, Y, No, N, Não, TRUE/FALSE, VERDADERO/FALSO, X, 1/0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

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
# A spreadsheet's totals row, by its label (`normalise`d): no organisation, unit or sector.
TOTAL_ROWS = frozenset(
    {"total", "totales", "total general", "grand total", "totals", "suma", "sum"}
)
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
