"""Excel number formats: the text a number cell shows when that is not its number.

A cell formatted `[$S/-280A] #,##0.00` holds 100 and shows `S/ 100.00`; one formatted `0%`
holds 0.05 and shows `5%`. calamine gives the number, so an amount in soles would read as
100 US dollars and a percentage as a count of 0.05. The readers give such cells the text
they show instead (near enough: `S/100`, `5%`), which values read like a CSV's text
(`currency-not-usd`, `invalid-number`). Amounts in US dollars (`US$`, `[$USD]`,
`[$$-409]`) and numbers shown with words (`0 "personas"`) read as their numbers. So do
amounts shown with a `$` alone, which the cell scan marks: a `$` is the dollar of the
locale the file was formatted in, the peso in Colombia (`DOLLAR_FORMAT`). A number shown with
a word that scales it (`#,##0 "M"`: 5 shows `5 M`) reads as that text, which is no number;
a format that divides what it shows (`#,##0,,"M"`) holds the whole number, which is read.
A whole number shown with leading zeros (`000000`: the UBIGEO 010101 typed as 10101) reads
as the digits shown, a code as its writer saw it (a count column reads `012` as 12); one
shown with a code's letters or digits around it (`"PE"00`, `"R4V-"0`) reads as that code.

XLS formats come from xlrd (`kipu.core.read.book_marks`); XLSX formats from the workbook's
styles (`kipu.core.read.shown.xlsx_shown_styles`), for the cell scan
(`kipu.core.read.marks`). The format syntax is ECMA-376 part 1, §18.8.31 (numFmts) and
§18.8.30 (built-in formats).
"""

from __future__ import annotations

import math
import operator
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

from kipu.core.read.values import NOT_USD, read_number, scaled

# Currencies that are the US dollar, as a format or a cell names them: their amounts are
# read as numbers, as a CSV's `$ 100` is.
# `$us` is how Bolivia writes the US dollar.
DOLLARS = frozenset(
    {"$", "US$", "US $", "USD", "U$S", "$US", "$ US", "USD$", "USD $", "$USD", "$ USD"}
)
_ISO_CODE = re.compile("[A-Z]{3}")  # a currency's ISO 4217 code, as a number format shows it
# A `$` tag names the dollar of its locale, by its Windows LCID (`[$$-240A]`, MS-LCID) or,
# in Excel 365, its name (`[$$-es-CO]`): Colombian pesos. The US dollar's locales: en-US,
# es-EC, es-SV, es-PR, es-US, es-PA; no locale is the dollar too.
_DOLLAR_LOCALES = frozenset(
    {"", "409", "300A", "440A", "500A", "540A", "180A"}
    | {"EN-US", "ES-EC", "ES-SV", "ES-PR", "ES-US", "ES-PA", "EN-PR", "EN-EC"}
)
# The ISO 4217 code of the `$` of other locales, shown instead of the `$` (which would read
# as dollars): the peso of R4V's countries, and others a `$` of another locale names.
_LOCAL_DOLLARS = {
    "240A": "COP", "80A": "MXN", "2C0A": "ARS", "340A": "CLP", "380A": "UYU", "1C0A": "DOP",
    "4C0A": "NIO", "5C0A": "CUP", "1009": "CAD", "C0C": "CAD", "C09": "AUD", "1409": "NZD",
    "4809": "SGD", "C04": "HKD", "404": "TWD", "2009": "JMD", "2809": "BZD", "2C09": "TTD",
    "ES-CO": "COP", "ES-MX": "MXN", "ES-AR": "ARS", "ES-CL": "CLP", "ES-UY": "UYU",
    "ES-DO": "DOP", "ES-NI": "NIO", "ES-CU": "CUP", "EN-CA": "CAD", "FR-CA": "CAD",
    "EN-AU": "AUD", "EN-NZ": "NZD", "EN-SG": "SGD", "ZH-HK": "HKD", "ZH-TW": "TWD",
    "EN-JM": "JMD", "EN-BZ": "BZD", "EN-TT": "TTD",
}  # fmt: skip
# Locales of a region, not a country: Spanish (Latin America), `[$$-es-419]` (LCID 580A).
# Their `$` is whichever the file's author meant, as a `$` alone.
_REGION_LOCALES = frozenset({"580A", "ES-419"})
# Characters a format shows as written without quotes (Excel's "display characters"); a
# sign or a bracket is left out (`shown` keeps the number's own sign).
_SHOWN_AS_WRITTEN = frozenset(" $/:!^&'~{}<>=")
# A condition tag (`[<1000]`, `[>=0.5]`, `[<>0]`) and how it compares.
# An elapsed time's tag (`[h]`, `[mm]`, `[ss]`), and a tag of another script's numerals.
_ELAPSED = re.compile(r"(?i)h+|m+|s+")
_NUMERALS = re.compile(r"(?i)DBNum|NatNum")
_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)\s*(-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)\s*\]")
_COMPARE = {
    "<": operator.lt,
    ">": operator.gt,
    "=": operator.eq,
    "<=": operator.le,
    ">=": operator.ge,
    "<>": operator.ne,
}


@dataclass
class Section:
    """One section of an Excel number format (`pos;neg;zero;text`): the literal text shown
    before and after the digits, the currency of a `[$€-407]` tag, and whether it shows a
    percentage (the value times 100)."""

    before: str = ""
    after: str = ""
    currency: str | None = None
    percent: bool = False
    digits: bool = False
    condition: tuple[str, float] | None = None  # `[<1000]`: the section shows such values
    text: bool = False  # `@`: the section shows a text cell's text
    # A `,` after the last digit (`#,##0,"K"`): Excel shows the number divided by a thousand
    # per comma, so the cell holds the whole number its scale word speaks of.
    scaled: bool = False
    commas: int = 0  # the `,`s after the last digit: shown divided by 1,000 per comma
    # The `,`s right before the decimal point (`#,##0,.00`, `0,.0`): they divide too.
    point_commas: int = 0
    scientific: bool = False  # `0.0E+00`: an exponent, no number divided
    decimals: int = 0  # the placeholders after the decimal point (`0.0,`: one)
    point: bool = False
    # The `0`s of the digits (`00000`: 45 shows `00045`), the least digits shown; they pad
    # a code only when `plain`: one run of placeholders with nothing inside it or after
    # it but text (`00000`, `000 "personas"`), not `00.00`, `0,000`, `00-00`, `00/00`, `0E+00`.
    zeros: int = 0
    plain: bool = True
    dated: bool = False  # a date or time part (`yyyy`, `mm:ss.00`): a date, no padded code
    general: bool = False  # `General`: the number as it is
    # Every text the section shows, in order, its signs and brackets too: of a section with
    # no digits, they are its text (`0;-` shows -12 as "-", as `0;"-"` does).
    written: str = ""

    def add(self, text: str) -> None:
        self.written += text
        if self.digits:
            self.after += text
        else:
            self.before += text

    def placeholder(self, char: str) -> None:
        """A digit placeholder (`0`, `#`, `?`) read."""
        if self.after:
            self.plain = False  # `00/00`, `00"-"00`: not one number
        self.zeros += char == "0"
        self.decimals += self.point
        self.digits, self.scaled, self.commas = True, False, 0


_WIDE = Context(prec=400, rounding=ROUND_HALF_UP)  # any float's digits, rounded as Excel does
# A `,` after a digit placeholder and not before one (`#,##0,`, `0.0,,`), or right before the
# decimal point (`#,##0,.00`): it may divide.
_DIVIDING = re.compile(r"[0#?.],+(?![,0#?])|[0#?],+\.")


# A format of one section with no digit placeholder, `General`, date part or `@` (`n/a`,
# `-`): it hides a number's digits (`hides`). An empty code is General's (`numFmtId` 0).
_NO_DIGITS = re.compile(r"(?i)(?!.*general)[^0#?@yYmMdDhHsS]+")


def may_show_more(code: str) -> bool:
    """Whether a format may show more than digits, leading zeros, or a number divided: a
    cheap test before `sections`."""
    return (
        bool(set(code) & set('%"\\[$;'))
        or not code.isascii()
        or "00" in code
        or _DIVIDING.search(code) is not None
        or _NO_DIGITS.fullmatch(code) is not None
    )


def sections(code: str) -> list[Section]:
    """An Excel number format's sections, read as Excel shows them: quoted text, escaped
    characters, `[$S/-280A]` currency tags, spaces, `$` and characters outside ASCII (€, £)
    are shown as written, as are the other characters Excel shows unquoted (`/`, `:`);
    `_x` (a space) and `*x` (a fill) are not, nor are other tags (`[Red]`; a condition,
    `[<1000]`, is kept), nor the signs and brackets of a negative section (its text is
    signed)."""
    found, section, at = [], Section(general=not code), 0  # "": General's code
    while at < len(code):
        char = code[at]
        if char == ";":
            found.append(section)
            section = Section()
        elif char == '"':
            close = code.find('"', at + 1) % (len(code) + 1)  # unclosed: to the end
            section.add(code[at + 1 : close])
            at = close
        elif char in "\\_*":
            section.add(code[at + 1 : at + 2] if char == "\\" else "")
            at += 1
        elif char == "[":
            close = code.find("]", at) % (len(code) + 1)
            tag = code[at + 1 : close]
            if tag.startswith("$") and tag[1:].split("-")[0]:
                section.currency = _tag_currency(tag)
                section.add(section.currency)
            elif condition := _CONDITION.fullmatch(code[at : close + 1]):
                section.condition = (condition.group(1), float(condition.group(2)))
            elif _ELAPSED.fullmatch(tag):
                section.dated = True  # `[h]:mm`: elapsed time
            elif _NUMERALS.match(tag):
                section.general = True  # `[DBNum1]`: the number in another script's numerals
            at = close
        elif code[at : at + 7].lower() == "general":
            section.general = True
            at += 6
        elif char == "%":
            section.percent = True
        elif char == "@":
            section.text = section.digits = True  # what follows is shown after the text
        elif char in "0#?":
            section.placeholder(char)
        elif char in "yYmMdDhHsS":
            section.dated = True
        elif char in ".Ee,-+()" and (section.digits or char == "."):
            section.plain = False  # decimals, grouping, an exponent, a sign inside the digits
            # A `,` after the last digit divides; unless a digit follows: then it groups.
            section.scaled = char == "," or section.scaled
            section.commas += char == ","
            section.scientific = section.scientific or char in "Ee"
            if char == "." and not section.point:
                section.point_commas, section.commas = section.commas, 0
            section.point = section.point or char == "."
        elif char in _SHOWN_AS_WRITTEN or ord(char) > 127:
            section.add(char)
        elif char in "-+()":
            section.written += char  # the number's own sign is shown instead (`shown`)
        at += 1
    return [*found, section]


def _tag_currency(tag: str) -> str:
    """The currency a `[$…-LCID]` tag shows: its text; `US$` for a `$` of a US dollar
    locale (`[$$-409]`: chosen as the US dollar, whatever the row's country); for a `$` of
    a locale whose dollar is not the US dollar that currency's ISO code (`COP`), else the
    tag (`[$$-1809]`), neither of which reads as dollars. A `$` without a locale stays `$`."""
    symbol, _, locale = tag[1:].partition("-")
    locale = locale.strip().upper().lstrip("0")
    if symbol.strip() != "$":
        return symbol
    if locale in _DOLLAR_LOCALES:
        return "US$" if locale else "$"
    if locale in _REGION_LOCALES:
        return "$"  # no one country's: as a `$` alone
    return _LOCAL_DOLLARS.get(locale, f"[{tag}]")


def shown(value: float, parts: list[Section]) -> str | None:
    """The text a number cell shows when that is not the number itself: a percentage, or an
    amount in another currency than the US dollar (which values read like a CSV's text);
    None when the cell shows the number, in dollars or with other words (`0 "people"`).
    A negative number keeps its sign, whatever sign or brackets its section shows."""
    section = _section_for(value, parts)
    if value != 0 and _hides(section):  # `"n/a"`: the text alone; `;;;` nothing (`hidden`)
        alone = _alone(section)
        return None if not alone or _a_number(alone) else alone
    number = _plain(value * 100 if section.percent else value)
    whole = value.is_integer() and 0 <= value < 1e15
    if whole and _padded(section):
        number = number.zfill(section.zeros)  # `"ORG"000` shows 7 as `ORG007`
    text = f"{section.before}{number}{'%' if section.percent else ''}{section.after}".strip()
    if _other_than_a_number(section) or (_scale_word(section) and value != 0):
        return text  # 0 is 0 at any scale ("0 M")
    if not whole or _bare_dollar(section):
        return None  # `"$"0000000`: the `$` decides (`shows_bare_dollar`), as unpadded
    if _coded(section):
        return text  # `"PE"00` shows 7 as PE07 and 10 as PE10, `"R4V-"0` 1234 as R4V-1234
    if _padded(section) and number.startswith("0") and len(number) > 1:
        return number  # `000 "personas"` shows a count
    return None


def hidden(value: float, parts: list[Section]) -> str | None:
    """What a cell holding `value` shows in place of its digits, when its number is read
    all the same: "" when it shows nothing (`;;;` hides every number, `0;;` negatives: the
    cell looks empty), or a text alone that reads as another number (-12 formatted `0;"0"`
    shows 0: read as that text, a negative count passed as 0 with no word). None when the
    cell shows its digits, or a text read instead (`shown`: `"n/a"`). 0 is left out:
    formats hide zeros on purpose (`0;-0;;@`), and an empty zero is a zero."""
    if value == 0 or not math.isfinite(value):
        return None
    section = _section_for(value, parts)
    alone = _alone(section)
    if not _hides(section) or not alone:
        return "" if _hides(section) else None
    # A text read instead (`shown`), or the number itself (`"12"` of a 12): nothing to say.
    return alone if _a_number(alone, value) else None


def held_under(value: float, parts: list[Section]) -> str | None:
    """The number a cell holds (its digits: "12") when its format shows a text alone in its
    place (`shown` gives that text, which is read: `"n/a"`, `0;-`); None otherwise. The
    number is what formulas and R4V's scripts read, so the cell says it holds one."""
    if value == 0 or not math.isfinite(value) or not _hides(_section_for(value, parts)):
        return None
    return _plain(value)


def _a_number(text: str, other_than: float | None = None) -> bool:
    """Whether a text a format shows alone reads as a number (`"0"`, `"1,000"`); with
    `other_than`, as a number other than that one (`"12"` shows 12 as it is)."""
    number = read_number(text, set(), set(), amount=True).value
    return number is not None and (other_than is None or number != other_than)


def hides(parts: list[Section]) -> bool:
    """Whether the format hides the digits of some number other than 0 (`_hides`): a
    section of the positive or negative numbers, or one with a condition."""
    parts = [part for part in parts if not part.text]
    if not any(part.condition is not None for part in parts):
        parts = parts[:2]  # the third shows 0 (`"-"` in accounting formats), the fourth text
    return any(map(_hides, parts))


def text_shown(parts: list[Section]) -> str | None:
    """What the format shows in place of a text cell's text: its fourth section's (the
    text's) own text when it has no `@`: "" for nothing (`;;;`, `0;-0;0;`: the cell looks
    empty), "n/a" for `;;;"n/a"`; None when the text is shown."""
    return _alone(parts[3]) if len(parts) > 3 and not parts[3].text else None


def _alone(section: Section) -> str:
    """The text a section of no digits shows, its signs and brackets included (`-`: a
    re-tester's `0;-` was said to show nothing), stripped; "" when it shows nothing visible
    (a tester's `"\u200b"`: its text was read, then cleaned away, a count read 0)."""
    return visible(section.written)


def visible(text: str) -> str:
    """`text` stripped, or "" when all it holds are spaces and Unicode format characters
    (Cf: zero-width spaces and joiners, soft hyphens, marks of direction)."""
    text = text.strip()
    if text.isascii():
        return text
    return text if any(unicodedata.category(c) != "Cf" for c in text.strip()) else ""


def _hides(section: Section) -> bool:
    """A section that shows no digits of its number: empty (`;;;`) or of text alone
    (`"n/a"`); not `General`, a date or time, another script's numerals, or a text's `@`."""
    shown = section.digits or section.general or section.dated or section.text
    # A sign alone (`%`, `.`, `,`) shows the sign: no warning, whatever Excel shows there.
    return not (shown or section.percent or section.point or section.commas)


def shows_bare_dollar(value: float, parts: list[Section]) -> bool:
    """Whether the cell shows `value` with a `$` alone (`"$"#,##0`, `[$$]`, Excel's
    accounting format `_("$"* #,##0_)`): the currency sign of the locale the file was
    formatted in, which in Colombia or Mexico is the peso. `US$`, `[$$-409]` (chosen as the
    US dollar) and `[$USD]` are not. Such a cell reads as its number; the row's country
    decides whether it is dollars (`kipu.core.read.marks.DOLLAR_FORMAT`)."""
    section = _section_for(value, parts)
    return _bare_dollar(section)


def divided(value: float, parts: list[Section]) -> str | None:
    """The number a cell holding `value` shows when its format divides it by a thousand per
    `,` after the digits (`#,##0,`: 12000 shows `12`; `0.0,,`: 1500000 shows `1.5`), with
    no word saying so (`#,##0,"K"` shows `12K`: the scale is seen, `_scale_word`); None
    for any other cell, and for 0 (0 at any scale). The number is written as Excel rounds
    it (half away from zero), with the section's decimals and its own sign, no grouping:
    `12`, `-1.5`."""
    if value == 0 or not math.isfinite(value):
        return None
    section = _section_for(value, parts)
    if not _divides(section):
        return None
    commas = section.commas + section.point_commas
    if value.is_integer() and not section.decimals and abs(value) < 1e15:
        whole, rest = divmod(abs(int(value)), 1000**commas)
        number = str(whole + (2 * rest >= 1000**commas))
    else:
        exact = Decimal(repr(abs(value))).scaleb(-3 * commas)
        number = str(exact.quantize(Decimal(1).scaleb(-section.decimals), context=_WIDE))
    return f"-{number}" if value < 0 and number.strip("0.") else number


def divides(parts: list[Section]) -> bool:
    """Whether a section of the format shows numbers divided without a word (`divided`)."""
    return any(map(_divides, parts))


def _divides(section: Section) -> bool:
    """A section that shows its number divided by a thousand per `,` after its digits,
    with nothing shown that says so (a scale word: `#,##0,"K"`, `0.0,, "millones"`), nor a
    percentage, another currency or a text (read as their text: `shown`)."""
    after_digits = section.scaled and section.commas
    if not (after_digits or section.point_commas) or not section.digits or section.text:
        return False
    if section.percent or section.dated or section.scientific or _other_than_a_number(section):
        return False
    words = (section.after.strip(), section.before.strip())
    return not any(scaled(f"1 {w}") or scaled(f"{w} 1") for w in words if w)


def shows_text_with_bare_dollar(parts: list[Section]) -> bool:
    """Whether a text cell of the format shows its text with a `$` alone (`"$"@`, a fourth
    section `"$"@`): "50000" typed as text in such a cell shows "$50000"."""
    return any(part.text and _bare_dollar(part) for part in parts)


def shows_text(parts: list[Section]) -> bool:
    """Whether a section of the format may show a text to read instead of the number
    (`shown`): a percentage, another currency than the dollar, leading zeros, a text alone
    (`hides`)."""
    found = any(_not_a_number(part) or _padded(part) or _coded(part) for part in parts)
    return found or hides(parts)


def _code_around(section: Section) -> bool:
    """Whether the text shown around a padded number is part of a code: letters or digits
    before it (`"PE"00`, `"0"0000`, `"ID-"000`) or digits after it (`0000"00"`); not words
    after it (`000 "personas"`), nor a dollar (`"US$ "0000`)."""
    before = section.before.strip()
    if before.upper() in DOLLARS:
        return False
    return any(c.isalnum() for c in before) or any(c.isdigit() for c in section.after)


def _coded(section: Section) -> bool:
    """Whether a section shows a whole number as part of a code: one run of digits with a
    code's letters or digits around it (`_code_around`), whether zeros pad it or not."""
    odd = section.percent or section.scaled or section.text or section.dated
    return section.digits and section.plain and not odd and _code_around(section)


def _padded(section: Section) -> bool:
    """Whether a section shows whole numbers with leading zeros (`00000`: 45 shows `00045`,
    the UBIGEO `010101` typed as a number): the digits shown are what is meant, a code as
    its writer saw it. A number column reads `00045` as 45 all the same."""
    odd = section.percent or section.scaled or section.text or section.dated
    return section.zeros > 1 and section.plain and not odd


def _bare_dollar(section: Section) -> bool:
    """A `$` alone among the words a section shows (`"$"#,##0" por persona"`, `$#,##0 "M"`),
    none of which names the US dollar (`"$ USD"`)."""
    if section.percent or section.currency not in (None, "$"):
        return False
    words = [w.strip("-+()*/.,:;") for w in f"{section.before} {section.after}".split()]
    named = {w.upper() for w in words} & (DOLLARS - {"$"})
    return "$" in words and not named


def _section_for(value: float, parts: list[Section]) -> Section:
    """The section that shows `value`: by the sections' conditions when a section has one
    (the first whose condition holds, or without one), else by its sign (`pos;neg;zero`).
    A text section (`@`) shows text cells only: a number of a format of none other shows
    as it is (a plain section)."""
    parts = [part for part in parts if not part.text]
    if not parts:
        return Section(general=True)  # `@`: a number shows as General
    if any(part.condition is not None for part in parts):
        for part in parts:
            if part.condition is None or _COMPARE[part.condition[0]](value, part.condition[1]):
                return part
        return parts[-1]
    if value < 0 and len(parts) > 1:
        return parts[1]
    if value == 0 and len(parts) > 2:
        return parts[2]
    return parts[0]


def _not_a_number(section: Section) -> bool:
    """Whether a section shows a percentage, an amount in another currency than the
    dollar, or a number with a word that scales it (`_scale_word`)."""
    return _other_than_a_number(section) or _scale_word(section)


def _other_than_a_number(section: Section) -> bool:
    """Whether a section shows a percentage or an amount in another currency than the
    dollar."""
    if section.percent:
        return True
    if section.currency is not None and section.currency.strip().upper() not in DOLLARS:
        return True
    return _other_currency(section.before, "{}1") or _other_currency(section.after, "1{}")


def _scale_word(section: Section) -> bool:
    """Whether a section shows the number with a word that scales it (`#,##0 "M"`, `0.0
    "millones"`: `values.SCALE_WORDS`) without dividing it (`#,##0,,"M"` shows 5,000,000 as
    5 M: the cell holds what is meant). "5 M" of a cell holding 5 is read as that text,
    which is no number: 5 or 5,000,000 is the writer's to say."""
    if section.scaled or section.point_commas or not section.digits:
        return False
    return scaled(f"1 {section.after.strip()}") or scaled(f"1 {section.before.strip()}")


def _other_currency(written: str, number: str) -> bool:
    """Whether text a format shows by the digits names another currency than the US dollar:
    one the values know (`S/`, `soles`: `S/ 1` is `currency-not-usd` in a CSV), a currency
    sign (`¥`, `RD$`, `$U`) or an ISO code (`UYU`); not `$`, `US$`, `USD`, nor words (`0
    "personas"`), with which the cell shows its number."""
    written = written.strip(" -+()")  # a zero section's dash (`"$"* "-"??`) is no currency
    if not written or written.upper() in DOLLARS or scaled(f"1 {written}"):
        return False  # `MIL`, `MN`: a scale (`_scale_word`), no currency code
    if any(unicodedata.category(c) == "Sc" for c in written):
        return True
    # Any word a currency (`Nuevos Soles`, `COP.`, `Lps.`): words beside it do not make it
    # a number (`S/ 100 pers.` is no number either).
    if _ISO_CODE.fullmatch(written.rstrip(".")):  # any code, known or not: `UYU`, `COP.`
        return True
    words = [written, *written.split()]
    return any(
        read_number(number.format(word), set(), set(), amount=True).code == NOT_USD
        for word in words
    )


def _plain(number: float) -> str:
    """A number as Python writes it shortest, without a needless `.0` (5, 0.05, 1e+20)."""
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def _shows_more(section: Section) -> bool:
    """Whether a section shows a cell otherwise than its number, with leading zeros, with
    a `$` alone, or divided (`divided`)."""
    return (
        _not_a_number(section)
        or _padded(section)
        or _coded(section)
        or _bare_dollar(section)
        or _divides(section)
    )


def shows_more(parts: list[Section]) -> bool:
    """Whether the format shows some number otherwise than as its digits (`_shows_more`),
    or hides it (`hides`): its cells are read by `shown.Shown`."""
    return any(map(_shows_more, parts)) or hides(parts) or text_shown(parts) is not None
