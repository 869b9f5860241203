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
from kipu.core.read.months import read_months
from kipu.core.read.raw_frame import NUM_SUFFIX
from kipu.core.read.values import parse_yes_no, suggest_yes_no
from kipu.core.reference import ReferenceData, registry_key
from kipu.core.schema import (
    COLUMNS,
    DELIVERY_MECHANISMS_ES,
    YES_NO,
    closest_term,
    mechanism_names,
    mechanism_vocabulary,
    term_key,
)
from kipu.core.text import closest, normalise, suggestions_up_to
from kipu.core.validation.numbers import resolve_numbers
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


def _most_frequent_first(f: pl.DataFrame, keys: list[str], counted: bool = False) -> pl.DataFrame:
    """The distinct combinations of `keys`, the most frequent first, then in sorted order;
    with `counted`, their rows in "_n"."""
    found = (
        f.group_by(keys)
        .len("_n")
        .sort(["_n", *keys], descending=[True] + [False] * len(keys), nulls_last=True)
    )
    return found if counted else found.drop("_n")


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


def prepare(
    raw: pl.DataFrame,
    reference: ReferenceData,
    lang: str = "en",
    month: str | None = None,
    dollar_formats: list[int] | None = None,
) -> pl.DataFrame:
    """The raw frame with every resolution the rules need (see rules.py for the names).
    `dollar_formats`: the rows whose amount cell's number format shows a "$" alone.

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
    return resolve_numbers(f, dollar_formats or [])


def _months(f: pl.DataFrame, submission: str | None) -> pl.DataFrame:
    counted = _most_frequent_first(f, ["month"], counted=True).drop_nulls("month")
    months = counted["month"].to_list()
    counts = dict(counted.select("month", "_n").iter_rows())
    with suggestions_up_to(SUGGESTED):  # month names: see `apply`
        readings = read_months(months, submission, counts)

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
