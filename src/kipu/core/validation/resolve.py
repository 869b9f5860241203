"""Resolve what a cell says (names, codes, acronyms, translations) to reference keys.

Each function takes one distinct value (or one distinct combination, such as a country and
an admin1) and answers with a `Resolution`; the validation calls them once per distinct
value and joins the answers back onto the rows, so 100,000 rows naming 25 departments cost
25 look-ups. Suggestions come from `text.closest` and are deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from kipu.core.gazetteer import Location
from kipu.core.read.fivew import NUM_SUFFIX
from kipu.core.read.values import (
    NUMBER_ERRORS,
    PESO_DOLLAR_COUNTRIES,
    PESO_SIGN,
    USD_SIGN,
    bare_dollar,
    decimal_evidence,
    parse_yes_no,
    read_months,
    read_number,
    suggest_yes_no,
)
from kipu.core.reference import ReferenceData, registry_key
from kipu.core.schema import (
    COLUMNS,
    COUNT_COLUMNS,
    DELIVERY_MECHANISMS_ES,
    YES_NO,
    closest_term,
    mechanism_names,
    mechanism_vocabulary,
    term_key,
)
from kipu.core.text import closest, normalise, suggestions_up_to
from kipu.core.validation.places import elsewhere as places_elsewhere
from kipu.core.validation.places import misplaced
from kipu.core.validation.plans import PlanResolvers, resolve_plan
from kipu.core.validation.rules import names_nothing

# What files write in admin1 for country-level activities, besides the country's own names.
NATIONAL_WORDS = frozenset(
    {"country level", "nacional", "national", "nivel nacional", "nivel pais", "a nivel nacional"}
)

_YES_NO_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == YES_NO)


@dataclass(frozen=True)
class Resolution:
    key: str | None = None
    code: str | None = None  # the issue code when the value does not resolve cleanly
    suggestion: str | None = None
    detail: str = ""


class Resolver:
    """Look-ups over one platform's reference data, built once per validation."""

    def __init__(self, reference: ReferenceData, lang: str = "en") -> None:
        self.reference = reference
        self.lang = lang
        self.gazetteer = reference.gazetteer
        self.scope = frozenset(reference.admin1_scope)
        self._countries = self._country_index()
        self._orgs: dict[str, str] = {}
        self._org_names: dict[str, str] = {}
        # A name or acronym of several organisations (CARE Perú and CARE Ecuador's `CARE`)
        # names none of them: normalised label → their keys. A registry id is one's own.
        self._shared_orgs: dict[str, list[str]] = {}
        self._shown_org: dict[str, str] = {}
        keys = {normalise(org.key) for org in reference.organisations}
        for org in sorted(reference.organisations, key=lambda o: o.key):
            shown = org.names.get(lang) or org.name  # suggestions in the user's language
            self._shown_org[org.key] = shown
            for label in (org.key, *org.labels()):
                known = self._orgs.setdefault(normalise(label), org.key)
                if known != org.key and normalise(label) not in keys:
                    named = self._shared_orgs.setdefault(normalise(label), [known])
                    named += [] if org.key in named else [org.key]
                self._org_names.setdefault(label, shown)
            if org.key.isdigit():  # 208 written for the registry id 00208 (Excel drops zeros)
                self._orgs.setdefault(registry_key(org.key), org.key)
        self._mechanisms = mechanism_vocabulary()

    # --- countries and places -----------------------------------------------------------
    def _country_index(self) -> dict[str, str]:
        index = {normalise(iso3): iso3 for iso3 in self.reference.countries}
        for location in self.gazetteer.countries():
            for label in (
                location.pcode,
                location.code,
                location.iso,
                location.name,
                *location.aliases,
            ):
                if label:
                    index.setdefault(normalise(label), location.country)
        return index

    def country_names(self) -> list[str]:
        names = []
        for iso3 in self.reference.countries:
            found = next((c for c in self.gazetteer.countries() if c.country == iso3), None)
            names.append(found.name if found else iso3)
        return names

    def country(self, text: str) -> Resolution:
        """The row's country, if the platform covers it; else `unknown-country`, whose
        detail names the countries the platform covers, in the user's language (a regional
        platform covers the countries it lists and those of its member platforms: the
        caller's `ReferenceData.countries`)."""
        iso3 = self._countries.get(normalise(text))
        if iso3 and iso3 in self.reference.countries:
            return Resolution(iso3)
        from babel import Locale

        names = Locale("es" if self.lang == "es" else "en").territories
        gazetteer = {c.country: c for c in self.gazetteer.countries()}
        covered: list[str] = []
        for code in self.reference.countries:
            found = gazetteer.get(code)
            local = names.get((found.iso or found.pcode).upper()) if found else None
            covered.append(local or (found.name if found else code))
        nothing = "ningún país todavía" if self.lang == "es" else "no country yet"
        detail = ", ".join(covered) or nothing
        return Resolution(None, "unknown-country", closest(text, self.country_names()), detail)

    def _is_national(self, text: str, country: str) -> bool:
        key = normalise(text)
        return key in NATIONAL_WORDS or self._countries.get(key) == country

    def admin1(self, text: str, country: str | None) -> Resolution:
        if country is None:
            return Resolution()  # the country's own issue says what is wrong
        found = self.gazetteer.find(text, country, 1)
        if found is None and self._is_national(text, country):
            found = self.gazetteer.national(country)
        if found is None and (wrong := misplaced(self.gazetteer, text, country, 1, self.lang)):
            return Resolution(None, "admin1-wrong-level", wrong.suggestion, wrong.detail)
        if found is None:
            elsewhere = self.gazetteer.find_anywhere(text, 1)
            if elsewhere is not None and elsewhere.country != country:
                return Resolution(None, "admin1-not-in-country", detail=elsewhere.country)
            return Resolution(None, "unknown-admin1", self.gazetteer.suggest(text, country, 1))
        if self.scope and found.pcode not in self.scope:
            return Resolution(None, "admin1-outside-scope", detail=found.pcode)
        return _unit(text, found)

    def admin2(self, text: str, country: str | None, admin1: str | None) -> Resolution:
        if country is None:
            return Resolution()
        if admin1 is not None:
            found = self.gazetteer.find(text, country, 2, parent=admin1)
            if found is not None:
                return _unit(text, found)
        found = self.gazetteer.find(text, country, 2)
        if found is not None and admin1 is None:
            return _unit(text, found)
        # A district of the row's department first ("Miraflores" in Lima), then a province
        # of another department, then a unit of another level anywhere (places.py).
        inside = None
        if admin1 is not None:
            inside = misplaced(
                self.gazetteer, text, country, 2, self.lang, admin1, within_only=True
            )
        if found is not None and admin1 is not None and inside is None:
            unit = self.gazetteer.get(admin1)
            there = places_elsewhere(self.gazetteer, text, country, 2, self.lang)
            return Resolution(
                None, "admin2-not-in-admin1", detail=(unit.name if unit else admin1) + there
            )
        wrong = inside or misplaced(self.gazetteer, text, country, 2, self.lang, admin1)
        if wrong is not None:
            return Resolution(None, "admin2-wrong-level", wrong.suggestion, wrong.detail)
        return Resolution(None, "unknown-admin2", self.gazetteer.suggest(text, country, 2, admin1))

    # --- organisations ------------------------------------------------------------------
    def organisation(
        self,
        text: str,
        code: str = "unknown-organization",
        shared_code: str = "ambiguous-organization",
    ) -> Resolution:
        """A registered organisation; `code` when none is named, `shared_code` when the text
        names several (their names and ids in the detail)."""
        shared = self._shared_orgs.get(normalise(text))
        if shared is not None:
            named = ", ".join(f"{self._shown_org[key]} ({key})" for key in shared)
            return Resolution(None, shared_code, detail=named)
        key = self._orgs.get(normalise(text))
        if key is None and text.strip().isdigit():
            key = self._orgs.get(registry_key(text.strip()))
        if key is not None:
            return Resolution(key)
        label = closest(text, self._org_names)
        return Resolution(None, code, self._org_names[label] if label else None)

    def partner(self, text: str) -> Resolution:
        """An implementing partner: a registered organisation (even one named `NA`), else
        none when the cell says "nothing" (`-`, `N/A`, `Ninguno`, `0`), else unknown or
        ambiguous: warnings, as the row is stored without a partner either way."""
        found = self.organisation(
            text, "unknown-implementing-partner", "ambiguous-implementing-partner"
        )
        if found.key is None and names_nothing(text):
            return Resolution(None)
        return found

    def mechanism(self, text: str) -> Resolution:
        """The mechanism of the 2025 list a cell names (any accepted name, plurals too); else
        `cva-mechanism-invalid`, suggesting the mechanism whose accepted name, in any
        language, the cell most resembles, named in the user's language."""
        if names_nothing(text):  # "nothing" (`N/A`, `-`): no mechanism, as an empty cell
            return Resolution(None)
        found = self._mechanisms.get(term_key(text))
        if found is not None:
            return Resolution(found)
        near = closest_term(text, mechanism_names())
        if near is None:
            return Resolution(None, "cva-mechanism-invalid")
        suggestion = DELIVERY_MECHANISMS_ES[near[1]] if self.lang == "es" else near[1]
        return Resolution(None, "cva-mechanism-invalid", suggestion)


def _unit(text: str, found: Location) -> Resolution:
    """The unit a place cell names; with `code-zeros-restored` when the cell is the unit's
    numeric code without the leading zeros Excel removed (10101 for the UBIGEO 010101), so
    the reading is said and can be checked (`Gazetteer.find` restores the zeros)."""
    code = found.code
    if text.isdigit() and len(text) < len(code) and code == text.zfill(len(code)):
        return Resolution(found.pcode, "code-zeros-restored", detail=f"{code} ({found.name})")
    return Resolution(found.pcode)


# --- The prepared frame: raw cells + resolved values, resolution issues and flags ------------

_Lookup = Callable[..., Resolution]
# Distinct values of a column a validation looks suggestions for: far more than a partner
# misspells, and 0.2 to 2 s of similarity search at most.
SUGGESTED = 200


def apply(f: pl.DataFrame, keys: list[str], name: str, lookup: _Lookup) -> pl.DataFrame:
    """Resolve each distinct combination of `keys` once (the cell's text last) and join back
    r_/e_/s_/d_<name> columns.

    Suggestions ("did you mean") are looked for the SUGGESTED most frequent unknown values
    only (then in sorted order): every value is resolved and every unknown one reported at
    its cell, but past those the issue has no suggestion (`text.suggestions_up_to`).
    """
    distinct = _most_frequent_first(f, keys).filter(pl.col(keys[-1]).is_not_null())
    with suggestions_up_to(SUGGESTED):
        answers = [lookup(*combo) for combo in distinct.iter_rows()]
    table = distinct.with_columns(
        pl.Series(f"r_{name}", [a.key for a in answers], dtype=pl.Utf8),
        pl.Series(f"e_{name}", [a.code for a in answers], dtype=pl.Utf8),
        pl.Series(f"s_{name}", [a.suggestion for a in answers], dtype=pl.Utf8),
        pl.Series(f"d_{name}", [a.detail or None for a in answers], dtype=pl.Utf8),
    )
    # Joined on the key columns only, then put beside the frame: a join gathers every column
    # it carries, and the frame has dozens.
    answers_by_row = f.select(keys).join(
        table, on=keys, how="left", nulls_equal=True, maintain_order="left"
    )
    return f.hstack(answers_by_row.drop(keys))


def _most_frequent_first(f: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """The distinct combinations of `keys`, the most frequent first, then in sorted order."""
    return (
        f.group_by(keys)
        .len("_n")
        .sort(["_n", *keys], descending=[True] + [False] * len(keys), nulls_last=True)
        .drop("_n")
    )


def _map(
    column: str, func: Callable[[str], object], dtype: pl.DataType | type[pl.DataType]
) -> Callable[[pl.DataFrame], pl.Expr]:
    def expr(f: pl.DataFrame) -> pl.Expr:
        values = _most_frequent_first(f, [column])[column].drop_nulls().to_list()
        with suggestions_up_to(SUGGESTED):  # suggest_yes_no: see `apply`
            mapping = {v: func(v) for v in values}
        return pl.col(column).replace_strict(mapping, default=None, return_dtype=dtype)

    return expr


def _places(f: pl.DataFrame, r: Resolver) -> pl.DataFrame:
    f = apply(f, ["country"], "country", r.country)
    f = apply(f, ["r_country", "admin1"], "admin1", lambda c, t: r.admin1(t, c))
    return apply(
        f, ["r_country", "r_admin1", "admin2"], "admin2", lambda c, a, t: r.admin2(t, c, a)
    )


AMOUNT = "value_usd"
MAX_NUMBER = 1e12
NUMBERS = (AMOUNT, *COUNT_COLUMNS)


def _typed_text(f: pl.DataFrame, name: str) -> list[str]:
    """The distinct texts of a number column, where the cell was not a number."""
    numeric = f"{name}{NUM_SUFFIX}"
    text = pl.col(name).filter(pl.col(numeric).is_null()) if numeric in f.columns else pl.col(name)
    return f.select(text.unique().drop_nulls()).to_series().to_list()


def _numbers(f: pl.DataFrame) -> pl.DataFrame:
    """r_/e_/d_/s_/z_ for every number column (see `kipu.core.read.values` for the reading).

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
    ).fill_null(False)
    return [
        pl.when(peso).then(pl.lit(PESO_SIGN)).otherwise(code).alias(f"e_{AMOUNT}"),
        pl.when(peso)
        .then(pl.col("r_country"))
        .otherwise(pl.col(f"d_{AMOUNT}"))
        .alias(f"d_{AMOUNT}"),
        pl.when(peso).then(None).otherwise(pl.col(f"s_{AMOUNT}")).alias(f"s_{AMOUNT}"),
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
        # 12): polars' log10(1000000000.000001) floors to 8.
        digits = pl.sum_horizontal(value.abs() >= 10.0**k for k in range(1, 13)).cast(pl.Int32)
        fraction = _fraction(name) > pl.lit(10.0).pow(digits - 14) * 0.5
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


def prepare(
    raw: pl.DataFrame, reference: ReferenceData, lang: str = "en", month: str | None = None
) -> pl.DataFrame:
    """The raw frame with every resolution the rules need (see rules.py for the names).

    `month` is the month being submitted (YYYY-MM), if any: it settles numeric dates whose
    day/month order nothing else in the file settles. Sectors and indicators are resolved
    against the plan of each row's own year (`ReferenceData.plans`), so a file of several
    years is checked against each year's plan.
    """
    lang = lang if lang in ("en", "es") else "en"
    r = Resolver(reference, lang)
    f = raw.with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))
    f = _places(f, r)
    f = apply(f, ["appealing_org"], "appealing_org", r.organisation)
    f = apply(
        f,
        ["implementing_partner"],
        "implementing_partner",
        lambda t: r.partner(t),
    )
    f = _months(f, month)
    f = resolve_plan(f, PlanResolvers(reference, lang))
    f = apply(f, ["delivery_mechanism"], "delivery_mechanism", r.mechanism)
    f = f.with_columns(
        *[_map(n, parse_yes_no, pl.Boolean)(f).alias(f"r_{n}") for n in _YES_NO_COLUMNS],
        *[
            _map(n, lambda t: suggest_yes_no(t, lang), pl.Utf8)(f).alias(f"s_{n}")
            for n in _YES_NO_COLUMNS
        ],
    )
    return _numbers(f)


def _months(f: pl.DataFrame, submission: str | None) -> pl.DataFrame:
    months = _most_frequent_first(f, ["month"])["month"].drop_nulls().to_list()
    with suggestions_up_to(SUGGESTED):  # month names: see `apply`
        readings = read_months(months, submission)

    def lookup(attribute: str) -> pl.Expr:
        mapping = {t: getattr(r, attribute) for t, r in readings.items()}
        return pl.col("month").replace_strict(mapping, default=None, return_dtype=pl.Utf8)

    # A number cell that is not whole (2025.1, Excel's 2025.10) is no date serial and no
    # YYYYMM: its digits cannot be trusted to say the month.
    numeric = f"month{NUM_SUFFIX}"
    fraction = (
        (pl.col(numeric) != pl.col(numeric).floor()).fill_null(False)
        if numeric in f.columns
        else pl.lit(False)
    )
    return f.with_columns(
        pl.when(fraction).then(None).otherwise(lookup("month")).alias("r_month"),
        pl.when(fraction).then(pl.lit("invalid-month")).otherwise(lookup("code")).alias("e_month"),
        lookup("detail").alias("d_month"),
        lookup("suggestion").alias("s_month"),
    )
