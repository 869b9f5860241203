"""The dashboard's numbers for one visitor and one set of filters: one computation feeds every
number of the page (cards, tables, charts, map, downloads).

Rows come from the cached activity frame, narrowed by the visitor's scope (published months
only, unless an authorised user asks for the internal view), then by the filters; figures
come from the one engine. Results are cached per data version, scope and filters, so twenty
visitors looking at the same page cost one computation.

The rules that keep the page consistent with itself (issue 14, point 2):
- The headline measure is the selected sector's own figure when a sector is selected (its
  consolidated total, as in its table row), else the Intersector. Under max-cell the
  Intersector of a single sector is not that sector's total: each population type × age/sex
  cell is rounded, so "35,911" on the card beside "35,918" in the table.
- With an organisation selected, its rows include those where it is the implementing partner
  of another appealing organisation; partners are then counted among the selected
  organisation only (in either role), never the other appealing organisations of those rows.
- The period is the one asked for; a bound not given is the first or last visible month
  (published, or in the user's remit) of the other bound's plan year, never the first month
  in which the filtered rows happen to have data. A period across plan years is not shown:
  its "from" is dropped, with a notice (people reached restart each year).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from kipu.core.figures import FigureOptions, Figures, compute_figures
from kipu.core.figures.notes import note
from kipu.core.figures.partners import count_partners, national_units
from kipu.core.figures.periods import plan_year_start
from kipu.core.reference import ReferenceData
from kipu.web.accounts.scope import Scope
from kipu.web.figures.queries import cached_left_out_frame as left_out_frame
from kipu.web.figures.queries import cached_reference_data, cached_view_frame, proportions_frame
from kipu.web.site.periods import period_of, published_period
from kipu.web.surveys.queries import rows_disclosure_k

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CACHE_SIZE = 256


@dataclass(frozen=True)
class Filters:
    """The visitor's filters. `rejected` lists (parameter, value, reason) the dashboard could
    not use — "month" (not YYYY-MM), "order" (`to` before `from`) or "years" (`from` in an
    earlier plan year than `to`) — so the page says what it ignored instead of silently
    showing something else."""

    date_from: str | None = None
    date_to: str | None = None
    sector: str | None = None
    admin1: str | None = None
    organisation: str | None = None
    internal: bool = False
    country: str | None = None  # a regional platform's one country (ISO3)
    rejected: tuple[tuple[str, str, str], ...] = ()

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        rejected: list[tuple[str, str, str]] = []

        def month(name: str) -> str | None:
            value = (query.get(name) or "").strip() or None
            if value and not MONTH.match(value):
                rejected.append((name, value, "month"))
                return None
            return value

        start, end = month("from"), month("to")
        if start and end and start > end:
            rejected.append(("to", end, "order"))
            end = None
        if start and end and plan_year_start(start) != plan_year_start(end):
            rejected.append(("from", start, "years"))  # people reached restart each year
            start = None
        return cls(
            start,
            end,
            query.get("sector") or None,
            query.get("admin1") or None,
            query.get("org") or None,
            query.get("view") == "internal",
            (query.get("country") or "").upper() or None,
            tuple(rejected),
        )

    def pairs(self) -> dict[str, str]:
        """The filters as query parameters (those set only)."""
        pairs = {
            "from": self.date_from,
            "to": self.date_to,
            "sector": self.sector,
            "admin1": self.admin1,
            "org": self.organisation,
            "view": "internal" if self.internal else None,
            "country": self.country,
        }
        return {k: v for k, v in pairs.items() if v}

    def query(self) -> str:
        from urllib.parse import urlencode

        return urlencode(self.pairs())


@dataclass
class Dashboard:
    """One visitor's dashboard: `figures` of the filtered rows; `period` (first, last month)
    as asked, bounds not given taken from the visible months; `months` the months with data
    in the filtered rows; `measure` the sector whose figures are the headline (None: the
    Intersector); `organisations` the engine's organisation places, narrowed to the selected
    organisation; `unknown` the filter values naming nothing (parameter, value);
    `unpublished` the months asked for that the public view leaves out (`published_period`);
    `admin2` whether the rows name admin2 units, and whether some are withheld
    (`admin2_state`)."""

    scope: Scope
    filters: Filters
    figures: Figures
    months: list[str]
    lang: str
    key: tuple[Any, ...] = ()  # the cache key of `figures`, for what is derived from them
    period: tuple[str | None, str | None] = (None, None)
    measure: str | None = None
    organisations: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)
    unknown: tuple[tuple[str, str], ...] = ()
    unpublished: tuple[str, ...] = ()  # months of the period asked that are not published
    admin2: str = "named"  # how the rows name admin2 units: `admin2_state`

    @property
    def platform(self) -> Any:
        return self.scope.platform

    @property
    def reference(self) -> ReferenceData:
        assert self.figures.reference is not None
        return self.figures.reference

    @property
    def has_data(self) -> bool:
        return bool(self.months)

    @property
    def nothing_reported(self) -> bool:
        """Whether no activity was reported for the filters in a period whose every month
        is shown (a published month without rows): not when months of the period are not
        published ("not counted"), nor when a filter names nothing."""
        return (
            not self.months and bool(self.period[1]) and not self.unpublished and not self.unknown
        )

    def reached(self, admin1: str | None = None, country: str | None = None) -> int:
        """People reached by the measure, at the end of the period (country level unless
        `admin1`); the one number behind every people-reached value of the page."""
        return self.figures.reached(sector=self.measure, admin1=admin1, country=country)

    def value(self, column: str) -> int | None:
        """A consolidated column (population type, age/sex group) of the measure."""
        return self.figures.value(column, sector=self.measure)

    def partners(self, by: list[str]) -> pl.DataFrame:
        """Distinct organisations per `by` group, column `partners`: appealing organisations,
        or the selected organisation in either role (see the module's rules)."""
        kind = "union" if self.filters.organisation else "appealing"
        counts = count_partners(self.organisations, by).collect()
        return counts.select(*by, pl.col(kind).cast(pl.Int64).alias("partners"))

    def partner_total(self) -> int:
        return int(self.partners([])["partners"][0]) if self.organisations.height else 0


_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_LOCK = threading.Lock()
_BEING_MADE: dict[tuple[Any, ...], threading.Event] = {}


def cached(key: tuple[Any, ...], compute: Any) -> Any:
    """A small LRU shared by the process's threads; values are immutable once made. A value
    is made once: a thread asking for it meanwhile (the start-up warm-up and the first
    visitor, twenty visitors at once) waits for it instead of making it again."""
    while True:
        with _LOCK:
            if key in _CACHE:
                _CACHE.move_to_end(key)
                return _CACHE[key]
            making = _BEING_MADE.get(key)
            if making is None:
                making = _BEING_MADE[key] = threading.Event()
                break
        making.wait()  # then read it from the cache (or make it, if its maker failed)
    try:
        value = compute()
        with _LOCK:
            _CACHE[key] = value
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
        return value
    finally:
        with _LOCK:
            del _BEING_MADE[key]
        making.set()


def scope_key(scope: Scope, internal: bool) -> tuple[Any, ...]:
    if not internal:
        return ("published",)
    organisation = scope.organisation.pk if scope.organisation else None
    return (scope.role, organisation, tuple(sorted(scope.sector_codes)))


def shows_internal(scope: Scope, filters: Filters) -> bool:
    """Whether the internal view is shown (asked for, by a user who may see it)."""
    return filters.internal and scope.can_view_unpublished()


def im_view(scope: Scope, filters: Filters) -> bool:
    """Whether provinces count every row: the IM team's internal view only (a partner's or
    coordinator's holds every organisation's published rows, as the open data shows them)."""
    return shows_internal(scope, filters) and scope.can_manage_platform()


def scope_rows(
    scope: Scope, frame: pl.DataFrame, filters: Filters, parents: dict[str, str]
) -> pl.DataFrame:
    """Published months for everyone; the internal view adds the user's own remit."""
    if shows_internal(scope, filters):
        return frame.filter(scope.frame_rows(parents))
    return frame.filter(pl.col("month").is_in(sorted(scope.published_months)))


def visible_frame(
    scope: Scope,
    frame: pl.DataFrame,
    filters: Filters,
    parents: dict[str, str],
    period: tuple[str | None, str | None],
) -> pl.DataFrame:
    """The visitor's rows (`scope_rows`) in the `period` shown, narrowed by every filter."""
    rows = scope_rows(scope, frame, filters, parents)
    sector = pl.col("sector").replace_strict(parents, default=None, return_dtype=pl.Utf8)
    organisation = filters.organisation
    start, end = period
    conditions = [
        pl.col("month") >= start if start else None,
        pl.col("month") <= end if end else None,
        (pl.col("sector") == filters.sector) | (sector == filters.sector).fill_null(False)
        if filters.sector
        else None,
        pl.col("country") == filters.country if filters.country else None,
        pl.col("admin1") == filters.admin1 if filters.admin1 else None,
        (pl.col("appealing_org") == organisation)
        | (pl.col("implementing_partner") == organisation).fill_null(False)
        if organisation
        else None,
    ]
    for condition in conditions:
        if condition is not None:
            rows = rows.filter(condition)
    return rows


def unknown_filters(filters: Filters, reference: ReferenceData) -> tuple[tuple[str, str], ...]:
    """The filter values that name no sector, admin1 unit, organisation or country."""
    known = {
        "sector": {s.code for s in reference.plan.sectors},
        "admin1": {
            p for p, loc in reference.gazetteer.locations.items() if loc.level == 1 or loc.national
        },
        "org": {o.key for o in reference.organisations},
        "country": set(reference.countries),
    }
    asked = {
        "sector": filters.sector,
        "admin1": filters.admin1,
        "org": filters.organisation,
        "country": filters.country,
    }
    return tuple((k, v) for k, v in asked.items() if v and v not in known[k])


def dashboard(scope: Scope, filters: Filters, lang: str = "en") -> Dashboard:
    version, frame = cached_view_frame(scope.platform)  # rows with their stores' plans
    key = (
        "dashboard",
        scope.platform.pk,
        version,
        scope_key(scope, filters.internal),
        tuple(sorted(scope.published_months)),
        filters,
    )  # `version` holds the disclosure thresholds: a changed k counts provinces anew

    def compute() -> Dashboard:
        year = int((filters.date_to or filters.date_from or "0")[:4]) or None
        reference = cached_reference_data(scope.platform, year)
        sectors = reference.plan.sectors
        parents = {s.code: s.parent_code for s in sectors if s.parent_code}
        visible = sorted(scope_rows(scope, frame, filters, parents)["month"].unique().to_list())
        period = period_of(visible, filters)
        unpublished: tuple[str, ...] = ()
        if not shows_internal(scope, filters):
            period, unpublished = published_period(period, set(scope.published_months))
        if period[1] and int(period[1][:4]) != year:  # the plan of the period shown, with
            # its sector tree: the latest plan's rolled 2019's sectors into its parents
            reference = cached_reference_data(scope.platform, int(period[1][:4]))
            parents = {s.code: s.parent_code for s in reference.plan.sectors if s.parent_code}
        rows = visible_frame(scope, frame, filters, parents, period)
        options = FigureOptions(
            date_from=period[0],
            date_to=period[1],
            admin1=reference.admin1_scope or None,
            # A parent sector selected counts its sub-sectors' rows as its own.
            roll_up_subsectors=bool(filters.sector and filters.sector in parents.values()),
            # The published view names no province the open data withholds (`places_shown`).
            disclosure_k=None if im_view(scope, filters) else rows_disclosure_k(scope.platform),
            # Max-cell splits with the plan's proportions, as the API, report and open data do
            # (without them the page's Intersector differed from theirs).
            proportions=proportions_frame(scope.platform, reference.plan.year or year),
            # Months left out as unpublished are not months nobody reported in.
            counted_months=None if shows_internal(scope, filters) else scope.published_months,
        )
        figures = compute_figures(rows, reference, options)
        left_out = visible_frame(scope, left_out_frame(scope.platform), filters, parents, period)
        if left_out.height:  # rows the figures leave out, said as `platform_figures` says it
            figures.notes.append(note("accepted_errors", left_out.height))
        organisations = figures.organisations
        if filters.organisation and organisations.height:
            organisation = pl.col("organisation").cast(pl.Utf8) == filters.organisation
            organisations = organisations.filter(organisation)
        unknown = unknown_filters(filters, reference)
        return Dashboard(
            scope,
            filters,
            figures,
            sorted(rows["month"].unique().to_list()),
            lang,
            key,
            period,
            filters.sector
            if filters.sector and ("sector", filters.sector) not in unknown
            else None,
            organisations,
            unknown,
            unpublished,
            admin2_state(rows, reference, figures),
        )

    board: Dashboard = cached(key, compute)
    # The cached board is shared by both languages: only the language differs per request.
    return Dashboard(**{**vars(board), "scope": scope, "lang": lang})


def admin2_state(rows: pl.DataFrame, reference: ReferenceData, figures: Figures) -> str:
    """How the rows shown name admin2 units (provinces), as the coverage counts them (rows of
    the country-level units left out): "not_reported" when no row names one (R4V's regional
    exports have no admin2: not "0 provinces covered"); "withheld" when every one named is
    withheld by the disclosure rule (`fivew_disclosure`: rows with a small count keep their
    department only), "partly_withheld" when some are; else "named". Which ones are withheld
    is never said, only that some are."""
    conditions = [pl.col(c).is_not_null() for c in ("country", "admin1", "month", "sector")]
    if "admin2" not in rows.columns:
        return "not_reported"
    conditions += [
        pl.col("admin2").is_not_null(),
        ~pl.col("admin1").is_in(national_units(reference)),
    ]
    if reference.admin1_scope:
        conditions.append(pl.col("admin1").is_in(list(reference.admin1_scope)))
    placed = rows.filter(*conditions)
    reported = set(placed["admin2"].cast(pl.Utf8).unique().to_list())
    named = {str(p) for p in figures.coverage.get("admin2_units", [])}
    if not reported:
        return "not_reported"
    if reported - named:
        return "partly_withheld" if named else "withheld"
    return "named"
