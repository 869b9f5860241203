"""Resolve what a cell says (names, codes, acronyms, translations) to reference keys.

Each function takes one distinct value (or one distinct combination, such as a country and
an admin1) and answers with a `Resolution`; the validation calls them once per distinct
value and joins the answers back onto the rows, so 100,000 rows naming 25 departments cost
25 look-ups. Suggestions come from `text.closest` and are deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from kipu.core.fivew import NUM_SUFFIX
from kipu.core.reference import Indicator, ReferenceData, Sector
from kipu.core.schema import (
    COLUMNS,
    COUNT_COLUMNS,
    DELIVERY_MECHANISM_ALIASES,
    DELIVERY_MECHANISM_ALIASES_ES,
    DELIVERY_MECHANISMS,
    NO_VALUES,
    YES_NO,
    YES_VALUES,
)
from kipu.core.text import closest, normalise

# What files write in admin1 for country-level activities, besides the country's own names.
NATIONAL_WORDS = frozenset(
    {"country level", "nacional", "national", "nivel nacional", "nivel pais", "a nivel nacional"}
)
# Words that mark the multipurpose cash sector, whatever the plan calls it (MPC, CBI…).
_MPC_WORDS = ("multipurpose", "multi purpose", "multiproposito", "multi proposito")
_MPC_CODES = frozenset({"mpc", "mpca", "cbi", "mpcbi"})

_YES = frozenset(normalise(v) for v in YES_VALUES)
_NO = frozenset(normalise(v) for v in NO_VALUES)
_MONTH_NAMES = {
    **dict.fromkeys(("jan", "january", "ene", "enero"), 1),
    **dict.fromkeys(("feb", "february", "febrero"), 2),
    **dict.fromkeys(("mar", "march", "marzo"), 3),
    **dict.fromkeys(("apr", "april", "abr", "abril"), 4),
    **dict.fromkeys(("may", "mayo"), 5),
    **dict.fromkeys(("jun", "june", "junio"), 6),
    **dict.fromkeys(("jul", "july", "julio"), 7),
    **dict.fromkeys(("aug", "august", "ago", "agosto"), 8),
    **dict.fromkeys(("sep", "sept", "september", "set", "septiembre", "setiembre"), 9),
    **dict.fromkeys(("oct", "october", "octubre"), 10),
    **dict.fromkeys(("nov", "november", "noviembre"), 11),
    **dict.fromkeys(("dec", "december", "dic", "diciembre"), 12),
}
_EXCEL_EPOCH = date(1899, 12, 30)
_YES_NO_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == YES_NO)


@dataclass(frozen=True)
class Resolution:
    key: str | None = None
    code: str | None = None  # the issue code when the value does not resolve cleanly
    suggestion: str | None = None
    detail: str = ""


def parse_yes_no(text: str) -> bool | None:
    key = normalise(text)
    return True if key in _YES else False if key in _NO else None


def month_from_serial(number: float) -> str | None:
    """An Excel date serial (days since 1899-12-30) as YYYY-MM."""
    if not 20000 <= number < 80000:
        return None
    day = _EXCEL_EPOCH + timedelta(days=int(number))
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str) -> str | None:
    """YYYY-MM from 2019-11, 2019-11-01, 2019-11-01 00:00:00, 11/2019, 01/11/2019, 201911,
    Nov 2019, noviembre-19, or an Excel serial written as text; None otherwise."""
    tokens = normalise(text).split()
    if not tokens:
        return None
    if all(t.isdigit() for t in tokens):
        year, month = _numeric_month(tokens)
    else:
        year, month = _named_month(tokens)
    if year is None or month is None:
        return None
    if year < 100:
        year += 2000
    if not (1 <= month <= 12 and 1990 <= year <= 2100):
        return None
    return f"{year:04d}-{month:02d}"


def _numeric_month(tokens: list[str]) -> tuple[int | None, int | None]:
    first = tokens[0]
    if len(tokens) == 1:
        if len(first) == 6:
            return int(first[:4]), int(first[4:])
        serial = month_from_serial(float(first)) if len(first) == 5 else None
        return (int(serial[:4]), int(serial[5:])) if serial else (None, None)
    if len(first) == 4:
        return int(first), int(tokens[1])
    if len(tokens) == 2 and len(tokens[1]) == 4:
        return int(tokens[1]), int(first)
    if len(tokens) >= 3 and len(tokens[2]) == 4:
        # Day first, as written in Latin America, unless the second part cannot be a month.
        month = int(first) if int(tokens[1]) > 12 else int(tokens[1])
        return int(tokens[2]), month
    return None, None


def _named_month(tokens: list[str]) -> tuple[int | None, int | None]:
    months = [_MONTH_NAMES[t] for t in tokens if t in _MONTH_NAMES]
    years = [int(t) for t in tokens if t.isdigit() and len(t) in (2, 4)]
    words = [t for t in tokens if not t.isdigit()]
    if len(months) != 1 or len(words) != 1 or not years:
        return None, None
    four = [y for y in years if y >= 1000]
    return (four[0] if four else years[-1]), months[0]


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
        for org in sorted(reference.organisations, key=lambda o: o.key):
            for label in (org.key, *org.labels()):
                self._orgs.setdefault(normalise(label), org.key)
                self._org_names.setdefault(label, org.name)
        self.sectors = {s.code: s for s in reference.plan.sectors}
        self._sector_index: dict[str, str] = {}
        for sector in reference.plan.sectors:
            for label in (sector.code, sector.name, sector.name_es):
                if label:
                    self._sector_index.setdefault(normalise(label), sector.code)
        self.indicators = {i.code: i for i in reference.plan.indicators}
        self._indicator_index: dict[str, list[Indicator]] = {}
        for indicator in reference.plan.indicators:
            for label in {indicator.code, indicator.name, indicator.name_es}:
                if label:
                    self._indicator_index.setdefault(normalise(label), []).append(indicator)
        self._mechanisms = {normalise(m): m for m in DELIVERY_MECHANISMS}
        for alias, target in {
            **DELIVERY_MECHANISM_ALIASES,
            **DELIVERY_MECHANISM_ALIASES_ES,
        }.items():
            self._mechanisms.setdefault(normalise(alias), target)

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
        iso3 = self._countries.get(normalise(text))
        if iso3 and iso3 in self.reference.countries:
            return Resolution(iso3)
        return Resolution(None, "unknown-country", closest(text, self.country_names()))

    def _is_national(self, text: str, country: str) -> bool:
        key = normalise(text)
        return key in NATIONAL_WORDS or self._countries.get(key) == country

    def admin1(self, text: str, country: str | None) -> Resolution:
        if country is None:
            return Resolution()  # the country's own issue says what is wrong
        found = self.gazetteer.find(text, country, 1)
        if found is None and self._is_national(text, country):
            found = self.gazetteer.national(country)
        if found is None:
            elsewhere = self.gazetteer.find_anywhere(text, 1)
            if elsewhere is not None and elsewhere.country != country:
                return Resolution(None, "admin1-not-in-country", detail=elsewhere.country)
            return Resolution(None, "unknown-admin1", self.gazetteer.suggest(text, country, 1))
        if self.scope and found.pcode not in self.scope:
            return Resolution(None, "admin1-outside-scope", detail=found.pcode)
        return Resolution(found.pcode)

    def admin2(self, text: str, country: str | None, admin1: str | None) -> Resolution:
        if country is None:
            return Resolution()
        if admin1 is not None:
            found = self.gazetteer.find(text, country, 2, parent=admin1)
            if found is not None:
                return Resolution(found.pcode)
        found = self.gazetteer.find(text, country, 2)
        if found is not None and admin1 is not None:
            unit = self.gazetteer.get(admin1)
            return Resolution(None, "admin2-not-in-admin1", detail=unit.name if unit else admin1)
        if found is not None:
            return Resolution(found.pcode)
        return Resolution(None, "unknown-admin2", self.gazetteer.suggest(text, country, 2, admin1))

    # --- organisations ------------------------------------------------------------------
    def organisation(self, text: str, code: str = "unknown-organization") -> Resolution:
        key = self._orgs.get(normalise(text))
        if key is not None:
            return Resolution(key)
        label = closest(text, self._org_names)
        return Resolution(None, code, self._org_names[label] if label else None)

    # --- sectors and indicators ---------------------------------------------------------
    def sector_label(self, sector: Sector) -> str:
        return sector.label(self.lang)

    def indicator_label(self, indicator: Indicator) -> str:
        return indicator.label(self.lang)

    def sector(self, text: str) -> Resolution:
        code = self._sector_index.get(normalise(text))
        if code is not None:
            return Resolution(code)
        labels = {self.sector_label(s): s for s in self.sectors.values()}
        return Resolution(None, "unknown-sector", closest(text, labels))

    def related(self, first: str, second: str) -> bool:
        """Same sector, or one is a sub-sector of the other."""
        if first == second:
            return True
        a, b = self.sectors.get(first), self.sectors.get(second)
        return bool((a and a.parent_code == second) or (b and b.parent_code == first))

    def indicator(self, text: str, sector: str | None) -> Resolution:
        candidates = self._indicator_index.get(normalise(text), [])
        if not candidates:
            pool = [
                i
                for i in self.indicators.values()
                if sector and self.related(i.sector_code, sector)
            ]
            labels = [self.indicator_label(i) for i in pool or self.indicators.values()]
            return Resolution(None, "unknown-indicator", closest(text, labels))
        if sector is None:
            return Resolution(candidates[0].code)
        for candidate in candidates:
            if self.related(candidate.sector_code, sector):
                return Resolution(candidate.code)
        own = self.sectors.get(candidates[0].sector_code)
        detail = self.sector_label(own) if own else candidates[0].sector_code
        return Resolution(candidates[0].code, "indicator-not-in-sector", detail, detail)

    def is_multipurpose_cash(self, code: str | None) -> bool:
        sector = self.sectors.get(code or "")
        while sector is not None:
            words = normalise(" ".join((sector.code, sector.name, sector.name_es)))
            if any(w in words for w in _MPC_WORDS) or normalise(sector.code) in _MPC_CODES:
                return True
            sector = self.sectors.get(sector.parent_code) if sector.parent_code else None
        return False

    def mechanism(self, text: str) -> Resolution:
        found = self._mechanisms.get(normalise(text))
        if found is not None:
            return Resolution(found)
        return Resolution(None, "cva-mechanism-invalid", closest(text, DELIVERY_MECHANISMS))


THOUSANDS = {"en": ",", "es": "."}
_GROUPED = {
    "en": re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?"),
    "es": re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?"),
}
_PLAIN = re.compile(r"-?\d+([.,]\d+)?")
_NOISE = re.compile(r"[\s\u00a0']|us\$|usd|\$", re.IGNORECASE)


def parse_number(text: str, lang: str = "en") -> float | None:
    """A number as typed: 1,234 (en) or 1.234 (es) is one thousand two hundred and thirty-four;
    the other reading is a decimal. Currency marks and spaces are ignored. None if not a number.
    """
    cleaned = _NOISE.sub("", text)
    if _GROUPED[lang if lang in _GROUPED else "en"].fullmatch(cleaned):
        cleaned = cleaned.replace(THOUSANDS.get(lang, ","), "")
    elif not _PLAIN.fullmatch(cleaned):
        return None
    return float(cleaned.replace(",", "."))


# --- The prepared frame: raw cells + resolved values, resolution issues and flags ------------

_Lookup = Callable[..., Resolution]


def _apply(f: pl.DataFrame, keys: list[str], name: str, lookup: _Lookup) -> pl.DataFrame:
    """Resolve each distinct combination of `keys` once (the cell's text last) and join back
    r_/e_/s_/d_<name> columns."""
    distinct = f.select(keys).unique().filter(pl.col(keys[-1]).is_not_null())
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


def _map(
    column: str, func: Callable[[str], object], dtype: pl.DataType | type[pl.DataType]
) -> Callable[[pl.DataFrame], pl.Expr]:
    def expr(f: pl.DataFrame) -> pl.Expr:
        mapping = {v: func(v) for v in f[column].unique().drop_nulls().to_list()}
        return pl.col(column).replace_strict(mapping, default=None, return_dtype=dtype)

    return expr


def _places(f: pl.DataFrame, r: Resolver) -> pl.DataFrame:
    f = _apply(f, ["country"], "country", r.country)
    f = _apply(f, ["r_country", "admin1"], "admin1", lambda c, t: r.admin1(t, c))
    return _apply(
        f, ["r_country", "r_admin1", "admin2"], "admin2", lambda c, a, t: r.admin2(t, c, a)
    )


def _plan(f: pl.DataFrame, r: Resolver) -> pl.DataFrame:
    f = _apply(f, ["sector"], "sector", r.sector)
    f = _apply(f, ["r_sector", "indicator"], "indicator", lambda s, t: r.indicator(t, s))
    indicators = r.indicators.values()
    own = {i.code: i.sector_code for i in indicators}
    parent = {s.code: s.parent_code or None for s in r.sectors.values()}
    ind_sector = pl.col("r_indicator").replace_strict(own, default=None, return_dtype=pl.Utf8)
    # A row filed under a parent sector with a sub-sector's indicator is the sub-sector's.
    precise = ind_sector.replace_strict(parent, default=None, return_dtype=pl.Utf8) == pl.col(
        "r_sector"
    )
    f = f.with_columns(
        pl.when(precise.fill_null(False))
        .then(ind_sector)
        .otherwise(pl.col("r_sector"))
        .alias("r_sector_final")
    )
    flags = {
        "k_people": {i.code: i.kind.counts_people for i in indicators},
        "k_reached": {i.code: i.kind.counts_people_reached for i in indicators},
        "k_quantity": {i.code: i.kind.needs_quantity for i in indicators},
        "k_output_only": {i.code: not i.kind.counts_people for i in indicators},
    }
    mpc = {code: r.is_multipurpose_cash(code) for code in r.sectors}
    return f.with_columns(
        *[
            pl.col("r_indicator").replace_strict(m, default=None, return_dtype=pl.Boolean).alias(k)
            for k, m in flags.items()
        ],
        pl.col("r_sector_final")
        .replace_strict(mpc, default=False, return_dtype=pl.Boolean)
        .alias("k_mpc"),
    )


def _numbers(f: pl.DataFrame, lang: str) -> pl.DataFrame:
    names = ("value_usd", *COUNT_COLUMNS)
    values, reasons = [], []
    for name in names:
        numeric = f"{name}{NUM_SUFFIX}"
        has_numeric = numeric in f.columns
        # Text is parsed once per distinct value, and only where the cell was not a number.
        text = pl.col(name).filter(pl.col(numeric).is_null()) if has_numeric else pl.col(name)
        typed = f.select(text.unique().drop_nulls()).to_series()
        mapping = {t: parse_number(t, lang) for t in typed.to_list()}
        parsed = pl.col(name).replace_strict(mapping, default=None, return_dtype=pl.Float64)
        value = pl.coalesce(pl.col(numeric), parsed) if has_numeric else parsed
        values.append(value.alias(f"r_{name}"))
        # The value is computed once above and read back here (it feeds four conditions).
        value = pl.col(f"r_{name}")
        reasons.append(
            pl.when(pl.col(name).is_not_null() & value.is_null())
            .then(pl.lit(_W[lang][0]))
            .when(value < 0)
            .then(pl.lit(_W[lang][1]))
            .when((value != value.floor()) & pl.lit(name != "value_usd"))
            .then(pl.lit(_W[lang][2]))
            .alias(f"e_{name}")
        )
    f = f.with_columns(values).with_columns(reasons)
    return f.with_columns(
        *[
            pl.when(pl.col(f"e_{n}").is_null()).then(pl.col(f"r_{n}").fill_null(0)).alias(f"z_{n}")
            for n in names
        ],
        *[
            pl.when(pl.col(f"e_{n}").is_null()).then(pl.col(f"r_{n}")).alias(f"r_{n}")
            for n in names
        ],
    )


_W = {
    "en": ("not a number", "negative", "not a whole number"),
    "es": ("no es un número", "negativo", "no es un número entero"),
}


def prepare(raw: pl.DataFrame, reference: ReferenceData, lang: str = "en") -> pl.DataFrame:
    """The raw frame with every resolution the rules need (see rules.py for the names)."""
    lang = lang if lang in _W else "en"
    r = Resolver(reference, lang)
    f = raw.with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))
    f = _places(f, r)
    f = _apply(f, ["appealing_org"], "appealing_org", r.organisation)
    f = _apply(
        f,
        ["implementing_partner"],
        "implementing_partner",
        lambda t: r.organisation(t, "unknown-implementing-partner"),
    )
    f = _plan(f, r)
    f = _apply(f, ["delivery_mechanism"], "delivery_mechanism", r.mechanism)
    f = f.with_columns(
        _map("month", parse_month, pl.Utf8)(f).alias("r_month"),
        *[_map(n, parse_yes_no, pl.Boolean)(f).alias(f"r_{n}") for n in _YES_NO_COLUMNS],
    )
    return _numbers(f, lang)
