"""Numbers of a 5W file: the amount in US dollars and the counts, read from their cells
(`kipu.core.read.values`) and judged (sign, wholeness, size, currency) for the rules.

A number column `n` gets r_n (the value read, null when it cannot be), e_n/d_n/s_n (issue
code, detail, suggestion) and z_n (what a stored row holds).
"""

from __future__ import annotations

import polars as pl

from kipu.core.read.raw_frame import NUM_SUFFIX
from kipu.core.read.values import (
    NUMBER_ERRORS,
    PESO_DOLLAR_COUNTRIES,
    PESO_FORMAT,
    PESO_SIGN,
    USD_SIGN,
    bare_dollar,
    decimal_evidence,
    read_number,
)
from kipu.core.schema import COUNT_COLUMNS

AMOUNT = "value_usd"
MAX_NUMBER = 1e12
NUMBERS = (AMOUNT, *COUNT_COLUMNS)


def _typed_text(f: pl.DataFrame, name: str) -> list[str]:
    """The distinct texts of a number column, where the cell was not a number."""
    numeric = f"{name}{NUM_SUFFIX}"
    text = pl.col(name).filter(pl.col(numeric).is_null()) if numeric in f.columns else pl.col(name)
    return f.select(text.unique().drop_nulls()).to_series().to_list()


def resolve_numbers(f: pl.DataFrame, dollar_formats: list[int]) -> pl.DataFrame:
    """r_/e_/d_/s_/z_ for every number column (see `kipu.core.read.values` for the reading).
    `dollar_formats`: the rows whose amount cell's format shows a "$" alone (`_peso_format`).

    z_ is the value a stored row holds: empty counts are 0; a count that is not whole is
    rounded (half up, the issue's suggestion); a value that cannot be read is null, and such a
    row cannot be stored.
    """
    texts = {name: _typed_text(f, name) for name in NUMBERS}
    evidence = {name: decimal_evidence(found) for name, found in texts.items()}
    in_file = set().union(*evidence.values())
    columns: list[pl.Expr] = []
    for name in NUMBERS:
        readings = {
            t: read_number(t, evidence[name], in_file, amount=name == AMOUNT) for t in texts[name]
        }
        columns += _number_columns(f, name, readings)
    f = f.with_columns(columns)
    if bare := [t for t in texts[AMOUNT] if bare_dollar(t)]:
        f = f.with_columns(_peso_sign(bare))
    if dollar_formats:
        f = f.with_columns(_peso_format(dollar_formats))
    near = _near_whole(f)
    f = f.with_columns(expr for name in NUMBERS for expr in _judged(name, name in near))
    return f.with_columns(expr for name in NUMBERS for expr in _stored(name))


def _peso_sign(bare: list[str]) -> list[pl.Expr]:
    """An amount written with a "$" alone (`bare`: such texts) in a row of a country whose own
    currency is written "$" is an error, not dollars with a warning: "$ 50.000" of a
    Colombian partner was stored as 50,000 US dollars (about 12 are meant)."""
    code = pl.col(f"e_{AMOUNT}")
    peso = (
        pl.col(AMOUNT).is_in(bare)
        & pl.col("r_country").is_in(PESO_DOLLAR_COUNTRIES)
        & (code == USD_SIGN)
        & (pl.col(f"v_{AMOUNT}") != 0)  # nothing to convert
    ).fill_null(False)
    return [
        pl.when(peso).then(pl.lit(PESO_SIGN)).otherwise(code).alias(f"e_{AMOUNT}"),
        pl.when(peso)
        .then(pl.col("r_country"))
        .otherwise(pl.col(f"d_{AMOUNT}"))
        .alias(f"d_{AMOUNT}"),
        pl.when(peso).then(None).otherwise(pl.col(f"s_{AMOUNT}")).alias(f"s_{AMOUNT}"),
    ]


def _peso_format(rows: list[int]) -> list[pl.Expr]:
    """A number whose cell format shows a "$" alone (`rows`: the rows of such amount cells,
    `kipu.core.read.marks.DOLLAR_FORMAT`), in a row of a country whose own currency is
    written "$", is an error: Excel's currency format is the "$" of the computer's locale,
    the peso in Colombia. Elsewhere it is read as US dollars, as before."""
    peso = (
        pl.col("row").is_in(rows)
        & pl.col("r_country").is_in(PESO_DOLLAR_COUNTRIES)
        & pl.col(f"e_{AMOUNT}").is_null()
        & (pl.col(f"v_{AMOUNT}") != 0)  # 0 is 0 in any currency (accounting's "$ -")
    ).fill_null(False)
    return [
        pl.when(peso)
        .then(pl.lit(PESO_FORMAT))
        .otherwise(pl.col(f"e_{AMOUNT}"))
        .alias(f"e_{AMOUNT}"),
        pl.when(peso)
        .then(pl.col("r_country"))
        .otherwise(pl.col(f"d_{AMOUNT}"))
        .alias(f"d_{AMOUNT}"),
    ]


def _number_columns(f: pl.DataFrame, name: str, readings: dict) -> list[pl.Expr]:
    def lookup(attribute: str, dtype: type[pl.DataType]) -> pl.Expr:
        mapping = {t: getattr(r, attribute) for t, r in readings.items()}
        return pl.col(name).replace_strict(mapping, default=None, return_dtype=dtype)

    numeric = f"{name}{NUM_SUFFIX}"
    typed = pl.col(numeric).is_not_null() if numeric in f.columns else pl.lit(False)
    value = (
        pl.coalesce(pl.col(numeric), lookup("value", pl.Float64))
        if numeric in f.columns
        else lookup("value", pl.Float64)
    )
    unless_typed = lambda e: pl.when(typed).then(None).otherwise(e)  # noqa: E731
    return [
        value.alias(f"v_{name}"),
        unless_typed(lookup("code", pl.Utf8)).alias(f"e_{name}"),
        unless_typed(lookup("detail", pl.Utf8)).alias(f"d_{name}"),
        unless_typed(lookup("suggestion", pl.Utf8)).alias(f"s_{name}"),
    ]


# The widest margin of `_judged`'s wholeness rule below MAX_NUMBER: half a unit of the 15th
# digit of a 12-digit number.
_MARGIN = 0.5e-3


def _fraction(name: str) -> pl.Expr:
    value = pl.col(f"v_{name}")
    return (value - value.round(0)).abs()


def _near_whole(f: pl.DataFrame) -> set[str]:
    """The number columns with a value within `_MARGIN` of a whole number and not whole: only
    they need `_judged`'s precise rule (about 0.1 s over 100,000 rows of 17 columns, where
    the column's values are whole or plainly not, as nearly always, is saved)."""
    fractions = [_fraction(name) for name in NUMBERS]
    near = f.select(((x > 0) & (x <= _MARGIN)).any().alias(str(i)) for i, x in enumerate(fractions))
    return {name for name, found in zip(NUMBERS, near.row(0), strict=True) if found}


def _judged(name: str, near: bool) -> list[pl.Expr]:
    """Sign and wholeness: a negative number, or a count that is not whole, is invalid.
    Every reading with a value is judged, a warned one too: `$-5`, `(5) USD` and `-1,500`
    (read with a warning: `currency-sign`, `number-read-as`) were stored as negative.
    `near`: the column has values near a whole number (`_near_whole`)."""
    value, code = pl.col(f"v_{name}"), pl.col(f"e_{name}")
    read = value.is_not_null()
    # Beyond this a count or an amount is a typing slip (and beyond 9.2e18 it fits no
    # 64-bit integer): the largest R4V regional year counts a few million people.
    too_large = read & (value.is_nan() | (value.abs() >= MAX_NUMBER))
    negative = read & ~too_large & (value < 0)
    # Whole when Excel shows it whole: Excel keeps 15 significant digits ("Excel
    # specifications and limits": number precision), so a formula's last-place remainder
    # (3 × 0.1 × 10 = 3.0000000000000004, 1234567.8 − 0.8 = 1234567.0000000002) is within
    # half a unit of the 15th digit; a typed 5.0000000001 or 237.0000000001 is not (an
    # absolute 1e-9 read them as 5 and 237 without a word).
    fraction = _fraction(name) > 0
    if near:
        # The integer part's digits less one, counted by comparisons (up to MAX_NUMBER's
        # 12): polars' log10(1000000000.000001) floors to 8. Below 1, Excel's digits start
        # after the point: 0.999999999999996 shows so; and a number nearer 0 than 1 shows
        # as itself (1E-15), never 0 (a tester's 1e-300 people were stored as 0).
        above = pl.sum_horizontal(value.abs() >= 10.0**k for k in range(1, 13)).cast(pl.Int32)
        digits = above - (value.abs() < 1).cast(pl.Int32)
        fraction = (_fraction(name) > pl.lit(10.0).pow(digits - 14) * 0.5) | (
            (value.abs() < 0.5) & (value != 0)
        )
    not_whole = read & ~too_large & fraction & pl.lit(name != AMOUNT)
    rounded = (value + 0.5).floor()
    return [
        pl.when(negative | not_whole | too_large)
        .then(pl.lit("invalid-number"))
        .otherwise(code)
        .alias(f"e_{name}"),
        pl.when(too_large)
        .then(pl.lit("too-large"))
        .when(negative)
        .then(pl.lit("negative"))
        .when(not_whole)
        .then(pl.lit("not-whole"))
        .otherwise(pl.col(f"d_{name}"))
        .alias(f"d_{name}"),
        pl.when(not_whole)
        .then(rounded.cast(pl.Int64, strict=False).cast(pl.Utf8))
        .otherwise(pl.col(f"s_{name}"))
        .alias(f"s_{name}"),
    ]


def _stored(name: str) -> list[pl.Expr]:
    value, code, detail = pl.col(f"v_{name}"), pl.col(f"e_{name}"), pl.col(f"d_{name}")
    failed = code.is_in(list(NUMBER_ERRORS)).fill_null(False)
    value = value + 0.0  # -0 (`-0`, `(0)`, a cell of -0.0) is 0: never printed "-0.0"
    if name == AMOUNT:
        return [
            pl.when(failed).then(None).otherwise(value).alias(f"r_{name}"),
            pl.when(failed).then(None).otherwise(value.fill_null(0)).alias(f"z_{name}"),
        ]
    whole = pl.when(detail == "not-whole").then((value + 0.5).floor()).otherwise(value.round(0))
    usable = ~failed | (detail == "not-whole").fill_null(False)
    return [
        pl.when(failed).then(None).otherwise(value).alias(f"r_{name}"),
        pl.when(usable).then(whole.fill_null(0).cast(pl.Int64, strict=False)).alias(f"z_{name}"),
    ]
