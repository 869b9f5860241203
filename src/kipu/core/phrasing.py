"""How the situation report writes numbers, in English and Spanish.

Report templates use these functions as filters, so every figure in the narrative is phrased by
the same rules as the key-figure panel. The rules and examples are in docs/number-phrasing.md.

Pure Python on purpose (no Babel, no Django): the Spanish figures follow the RAE/ISO convention
of a (non-breaking) space between thousands, which CLDR's "es" locale (a dot) and "es_PE" (a
comma) do not give, and a hand-written formatter is simpler than patching Babel's patterns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

Number = int | float | Decimal | str
Gender = Literal["m", "f"]

NBSP = "\u00a0"
LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class _Convention:
    group: str
    decimal: str
    # Integer digits from which thousands are grouped: CLDR "es" and the RAE leave four-digit
    # numbers whole ("1500"), English groups them ("1,500").
    min_grouping: int
    percent: str


# NBSP, not a plain space, so that "862 000" never breaks across two lines in HTML, PDF or Word.
_CONVENTIONS = {
    "en": _Convention(group=",", decimal=".", min_grouping=4, percent="%"),
    "es": _Convention(group=NBSP, decimal=",", min_grouping=5, percent=NBSP + "%"),
}


@dataclass(frozen=True)
class RoundingRules:
    """Rounding unit by magnitude, for "Above", "Some", "over" and "more than".

    `units[d - 1]` is the unit for a number with `d` integer digits; past the end of the table
    the unit grows tenfold per extra digit, so the number of significant digits kept stays the
    same. `exact` says what to do when the figure already is a multiple of its unit: "bare"
    drops the qualifier ("Above 862,000" would be false for exactly 862,000), "keep" keeps it
    (for inputs that are themselves published, already-rounded estimates).
    """

    units: tuple[int, ...] = field(
        default=(1, 10, 10, 100, 1_000, 1_000, 10_000, 100_000, 1_000_000)
    )
    exact: Literal["bare", "keep"] = "bare"

    def __post_init__(self) -> None:
        if not self.units or any(u < 1 for u in self.units):
            raise ValueError("rounding units must be positive integers")
        if self.exact not in ("bare", "keep"):
            raise ValueError("exact must be 'bare' or 'keep'")

    def unit(self, value: Number) -> int:
        digits = len(str(int(abs(_decimal(value)))))
        if digits <= len(self.units):
            return self.units[digits - 1]
        return self.units[-1] * 10 ** (digits - len(self.units))


DEFAULT_RULES = RoundingRules()


# Month names, for periods in running text ("in January–November 2019", "en enero de 2019").
MONTHS: dict[str, list[str]] = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],  # fmt: skip
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],  # fmt: skip
}


def language(lang: str) -> str:
    """Primary language subtag: "es-PE", "es_pe" and "ES" all mean Spanish."""
    primary = str(lang or "en").replace("_", "-").split("-")[0].lower()
    if primary not in _CONVENTIONS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    return primary


def _decimal(value: Number) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a figure")
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def _group(digits: str, conv: _Convention, group_four_digits: bool | None) -> str:
    minimum = {None: conv.min_grouping, True: 4, False: 5}[group_four_digits]
    if len(digits) < minimum:
        return digits
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return conv.group.join(parts)


def number(
    n: Number,
    lang: str = "en",
    decimals: int | None = None,
    group_four_digits: bool | None = None,
) -> str:
    """862377 → "862,377" (en) / "862 377" (es, NBSP). Four digits: "1,500" / "1500".

    `decimals=None` prints integers without decimals and anything else with at most two,
    trailing zeros dropped. Rounding is half-up, as people expect. Negative numbers take an
    ASCII hyphen-minus so that figures paste into spreadsheets. `group_four_digits` overrides
    the language's choice, e.g. True to align a Spanish table column.
    """
    conv = _CONVENTIONS[language(lang)]
    value = _decimal(n)
    places = decimals
    if places is None:
        places = 0 if value == value.to_integral_value() else 2
    if places < 0:
        raise ValueError("decimals must be >= 0")
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    if decimals is None:
        fraction = fraction.rstrip("0")
    text = _group(whole, conv, group_four_digits)
    if fraction:
        text += conv.decimal + fraction
    return ("-" if rounded < 0 else "") + text


def signed(n: Number, lang: str = "en") -> str:
    """Net flows in tables: "+12,000", "-12,000", "0"."""
    text = number(n, lang)
    positive = _decimal(n) > 0 and text.strip("0.,") != ""
    return "+" + text if positive else text


def percent(x: Number, lang: str = "en", decimals: int = 0) -> str:
    """A ratio as a percentage: 0.125 → "13%" / "13 %"; with decimals=1 "12.5%" / "12,5 %".

    A share that is not nothing never reads 0, and one short of the whole, or past it, never
    reads 100: 0.004 → "<1%", 0.99999 → ">99%", 1.004 → ">100%" (with decimals=1 "<0.1%",
    ">99.9%", ">100.0%"): 4 people of a target of 48,000 read "0%", like a sector that
    reached no one.
    """
    conv = _CONVENTIONS[language(lang)]
    value = _decimal(x) * 100
    step = Decimal(1).scaleb(-decimals)  # the smallest change the text shows
    shown = value.quantize(step, rounding=ROUND_HALF_UP)
    if value > 0 and shown == 0:
        return "<" + number(step, lang, decimals=decimals) + conv.percent
    if value < 100 and shown >= 100:
        return ">" + number(100 - step, lang, decimals=decimals) + conv.percent
    if value > 100 and shown <= 100:  # 62,830 of 62,800: past the target, not on it
        return ">" + number(100, lang, decimals=decimals) + conv.percent
    return number(value, lang, decimals=decimals) + conv.percent


def _rounded(n: Number, rules: RoundingRules, how: str) -> tuple[Decimal, bool]:
    """(rounded value, whether it equals the input) — refuses negatives: see `net_flow`."""
    value = _decimal(n)
    if value < 0:
        raise ValueError(f"{value} is negative: phrase net flows with net_flow()")
    unit = Decimal(rules.unit(value))
    rounding = ROUND_FLOOR if how == "down" else ROUND_HALF_UP
    result = (value / unit).quantize(Decimal(1), rounding=rounding) * unit
    return result, result == value


def _qualified(n: Number, lang: str, rules: RoundingRules, how: str, prefix: str) -> str:
    result, exact = _rounded(n, rules, how)
    value = _decimal(n)
    if value == value.to_integral_value() and (value < 10 or rules.unit(value) == 1):
        # 0 and single digits, and any whole number whose unit is 1, are not rounded: a
        # qualifier was false of them whatever `exact` says ("Above 0" of a statistic of 0,
        # "Above 7" of 7: `exact="keep"` is for round published estimates only).
        return number(value, lang)
    text = number(result, lang)
    if exact and rules.exact == "bare":
        return text
    return f"{prefix} {text}"


_ABOVE = {"en": "Above", "es": "Más de"}
_OVER = {"en": "over", "es": "más de"}
_MORE_THAN = {"en": "more than", "es": "más de"}
_SOME = {("en", "m"): "Some", ("en", "f"): "Some", ("es", "m"): "Unos", ("es", "f"): "Unas"}


def above(n: Number, lang: str = "en", rules: RoundingRules = DEFAULT_RULES) -> str:
    """Headline figure rounded down: 862377 → "Above 862,000" / "Más de 862 000"."""
    return _qualified(n, lang, rules, "down", _ABOVE[language(lang)])


def some(
    n: Number, lang: str = "en", rules: RoundingRules = DEFAULT_RULES, gender: Gender = "m"
) -> str:
    """Headline figure rounded to nearest: 1532100 → "Some 1,530,000" / "Unos 1 530 000".

    Spanish agrees with the noun that follows: gender="f" gives "Unas 5000 personas".
    """
    return _qualified(n, lang, rules, "nearest", _SOME[(language(lang), gender)])


def over(n: Number, lang: str = "en", rules: RoundingRules = DEFAULT_RULES) -> str:
    """Running text, rounded down: 1532 → "over 1,500" / "más de 1500"."""
    return _qualified(n, lang, rules, "down", _OVER[language(lang)])


def more_than(n: Number, lang: str = "en", rules: RoundingRules = DEFAULT_RULES) -> str:
    """Running text, rounded down: 23 → "more than 20" / "más de 20"."""
    return _qualified(n, lang, rules, "down", _MORE_THAN[language(lang)])


_NET = {
    ("en", 1): "a net inflow of {}",
    ("en", -1): "a net outflow of {}",
    ("en", 0): "no net change",
    ("es", 1): "una entrada neta de {}",
    ("es", -1): "una salida neta de {}",
    ("es", 0): "un saldo neto nulo",
}


def net_flow(n: Number, lang: str = "en", rules: RoundingRules = DEFAULT_RULES) -> str:
    """Arrivals minus departures in running text: -12345 → "a net outflow of over 12,000"."""
    code = language(lang)
    value = _decimal(n)
    sign = (value > 0) - (value < 0)
    if sign == 0:
        return _NET[(code, 0)]
    return _NET[(code, sign)].format(over(abs(value), code, rules))


def capfirst(s: object) -> str:
    """Upper-case the first character only ("más de 20" → "Más de 20"), like Django's."""
    text = "" if s is None else str(s)
    return text[:1].upper() + text[1:]


# --- cardinal numbers in words -----------------------------------------------------------

_EN_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

_ES_ONES = [
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciséis",
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
    "veintiuno",
    "veintidós",
    "veintitrés",
    "veinticuatro",
    "veinticinco",
    "veintiséis",
    "veintisiete",
    "veintiocho",
    "veintinueve",
]
_ES_TENS = [
    "_",
    "_",
    "_",
    "treinta",
    "cuarenta",
    "cincuenta",
    "sesenta",
    "setenta",
    "ochenta",
    "noventa",
]
_ES_HUNDREDS = [
    "_",
    "ciento",
    "doscientos",
    "trescientos",
    "cuatrocientos",
    "quinientos",
    "seiscientos",
    "setecientos",
    "ochocientos",
    "novecientos",
]
MAX_WORDS = 999_999


def _en_below_100(n: int) -> str:
    if n < 20:
        return _EN_ONES[n]
    tens, ones = divmod(n, 10)
    return _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")


def _en_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return _en_below_100(rest)
    text = f"{_EN_ONES[hundreds]} hundred"
    return f"{text} and {_en_below_100(rest)}" if rest else text


def _words_en(n: int) -> str:
    thousands, rest = divmod(n, 1000)
    if not thousands:
        return _en_below_1000(n)
    text = f"{_en_below_1000(thousands)} thousand"
    if not rest:
        return text
    # British usage, as in UN editorial style: "one thousand and five".
    return f"{text} and {_en_below_100(rest)}" if rest < 100 else f"{text} {_en_below_1000(rest)}"


def _es_one(word: str, gender: Gender, apocope: bool) -> str:
    """Agreement of a final "uno": un/una socio(s), veintiún/veintiuna, treinta y un/una."""
    if not word.endswith("uno"):
        return word
    if gender == "f":
        return word[:-1] + "a"
    if apocope:
        return "veintiún" if word == "veintiuno" else word[:-1]
    return word


def _es_below_100(n: int, gender: Gender, apocope: bool) -> str:
    if n < 30:
        word = _ES_ONES[n]
    else:
        tens, ones = divmod(n, 10)
        word = _ES_TENS[tens] + (f" y {_ES_ONES[ones]}" if ones else "")
    return _es_one(word, gender, apocope)


def _es_below_1000(n: int, gender: Gender, apocope: bool) -> str:
    hundreds, rest = divmod(n, 100)
    if n == 100:
        return "cien"
    parts = []
    if hundreds:
        word = _ES_HUNDREDS[hundreds]
        parts.append(word[:-2] + "as" if gender == "f" and hundreds > 1 else word)
    if rest:
        parts.append(_es_below_100(rest, gender, apocope))
    return " ".join(parts)


def _words_es(n: int, gender: Gender, apocope: bool) -> str:
    if n == 0:
        return "cero"
    thousands, rest = divmod(n, 1000)
    parts = []
    if thousands == 1:
        parts.append("mil")
    elif thousands:
        # Before "mil" a final "uno" always shortens in the masculine ("veintiún mil").
        parts.append(_es_below_1000(thousands, gender, apocope=True) + " mil")
    if rest:
        parts.append(_es_below_1000(rest, gender, apocope))
    return " ".join(parts)


def words(
    n: Number,
    lang: str = "en",
    limit: int = 100,
    gender: Gender = "m",
    before_noun: bool = True,
) -> str:
    """Small counts in words: 30 → "thirty" / "treinta"; above `limit`, digits via `number`.

    Spanish defaults suit a count before a masculine noun ("veintiún socios", "un socio");
    gender="f" gives "veintiuna organizaciones", "doscientas personas"; before_noun=False the
    bare count ("veintiuno"). Non-integers and negatives are always written in digits.
    """
    code = language(lang)
    value = _decimal(n)
    integral = value == value.to_integral_value()
    if not integral or value < 0 or value > min(limit, MAX_WORDS):
        return number(value, code)
    count = int(value)
    if code == "en":
        return _words_en(count)
    return _words_es(count, gender, apocope=before_noun)


class Note(str):
    """A text in English and Spanish: the English text is the string itself (what JSON, the
    audit log and the commands hold), the Spanish one `text("es")`. The figures' notes were
    printed in English under `kipu figures --lang es`, and a plan's reload warnings on the
    Spanish page; core stays free of Django's catalogue, as the validation codes do."""

    spanish: str
    # Which of the figures' notes it is (`kipu.core.figures.notes._NOTES`): a page places it
    # beside what it qualifies (the dashboard's progress notes under its targets table); ""
    # for a text made otherwise.
    key: str

    def __new__(cls, english: str, spanish: str, key: str = "") -> Note:
        note = super().__new__(cls, english)
        note.spanish = spanish
        note.key = key
        return note

    def __reduce__(self) -> tuple[Any, ...]:
        return (Note, (str(self), self.spanish, self.key))

    def text(self, lang: str = "en") -> str:
        return self.spanish if language(lang) == "es" else str(self)


def note_text(text: str, lang: str = "en") -> str:
    """A note in `lang` (a plain string is English only)."""
    return text.text(lang) if isinstance(text, Note) else text
