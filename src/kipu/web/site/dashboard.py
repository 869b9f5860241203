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
from datetime import date
from typing import Any

import polars as pl

from kipu.core.figures import FigureOptions, Figures, compute_figures
from kipu.core.figures.partners import count_partners, national_units
from kipu.core.figures.periods import plan_year_start
from kipu.core.phrasing import percent
from kipu.core.reference import ReferenceData
from kipu.core.schema import AGE_SEX_GROUPS, POPULATION_TYPES
from kipu.core.text import normalise
from kipu.web.accounts.scope import Scope
from kipu.web.figures.queries import cached_activity_frame, cached_reference_data
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
    version, frame = cached_activity_frame(scope.platform)
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
        )
        figures = compute_figures(rows, reference, options)
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


def key_numbers(board: Dashboard) -> list[tuple[str, int | None]]:
    """The cards' numbers; None where there is no number to show: no rows shown ("–"), or
    admin2 units not reported or all withheld (`key_notes` says which)."""
    names = ("people_reached", "partners", "admin1_covered", "admin2_covered")
    if not board.has_data:  # nothing shown is not nothing done: no number at all ("–")
        return [(name, None) for name in names]
    coverage = board.figures.coverage
    admin2 = coverage["admin2"] if board.admin2 in ("named", "partly_withheld") else None
    values = (board.reached(), board.partner_total(), coverage["admin1"], admin2)
    return list(zip(names, values, strict=True))


def key_notes(board: Dashboard) -> dict[str, str]:
    """What a card's number does not say by itself: for admin2_covered, "not_reported",
    "withheld" (no number: every admin2 unit of the rows is withheld) or "partly_withheld"
    (the number counts the units named only)."""
    if not board.has_data or board.admin2 == "named":
        return {}
    return {"admin2_covered": board.admin2}


def _derived(board: Dashboard, name: str, make: Any) -> Any:
    """A table made from the board's figures, cached with them: a table asks the figures once
    per row (hundreds of admin1 units in a region), too slow to redo on every request."""
    return cached((*board.key, name), lambda: make(board)) if board.key else make(board)


def sector_table(board: Dashboard) -> list[dict[str, Any]]:
    """People reached (at the end of the period) and partners, per sector or area, in the
    plan's order; the total is `total_row`."""
    # The names follow the language; the cached figures do not, so the table is cached per language.
    return _derived(board, f"sector_table-{board.lang}", _sector_table)


def _sector_table(board: Dashboard) -> list[dict[str, Any]]:
    partners = {
        r["sector"]: r["partners"] for r in board.partners(["sector"]).iter_rows(named=True)
    }
    rows = []
    for sector in board.reference.plan.sectors:
        if board.measure and sector.code != board.measure:
            continue
        reached = board.figures.reached(sector=sector.code)
        if sector.code in partners or reached:
            rows.append(
                {
                    "code": sector.code,
                    "sector": sector.label(board.lang),
                    "reached": reached,
                    "partners": int(partners.get(sector.code, 0)),
                }
            )
    return rows


def total_row(board: Dashboard) -> dict[str, Any]:
    """The tables' total: the headline numbers, without double counting."""
    if not board.has_data:  # no rows shown: no total, not a total of 0
        return {"reached": None, "partners": None}
    return {"reached": board.reached(), "partners": board.partner_total()}


def admin1_table(board: Dashboard) -> list[dict[str, Any]]:
    """People reached and partners per admin1 unit with rows (the national pseudo-unit
    flagged `national`, its `country` as ISO3), most partners first; reached sums to the
    headline."""
    return _derived(board, "admin1_table", _admin1_table)


def _admin1_table(board: Dashboard) -> list[dict[str, Any]]:
    gazetteer = board.reference.gazetteer
    rows = []
    for record in board.partners(["admin1"]).iter_rows(named=True):
        place = gazetteer.get(record["admin1"])
        rows.append(
            {
                "pcode": record["admin1"],
                "admin1": place.name if place else record["admin1"],
                "country": place.country if place else None,  # ISO3
                "national": bool(place and place.national),
                "partners": int(record["partners"]),
                "reached": board.reached(admin1=record["admin1"]),
            }
        )
    return sorted(rows, key=lambda r: (-r["partners"], normalise(r["admin1"]), r["admin1"]))


def targets_table(board: Dashboard) -> list[dict[str, Any]]:
    """People reached against the plan's targets, per sector (and the Intersector where the
    plan sets one), at the level of the admin1 filter (else the country level), summed over
    the countries with a target. Empty under an organisation filter: targets are the whole
    response's. `reached_everywhere` is the sector's people reached over every place (the
    sector table's number); `only_targeted` flags a row whose `reached` counts fewer places
    than that (a regional plan with targets for some countries only). Without rows shown
    (a published month with no activities), the targets with `reached` None: not "0 / 0.0 %",
    and not "no targets"."""
    return _derived(board, f"targets-{board.lang}", _targets_table)


def _targets_table(board: Dashboard) -> list[dict[str, Any]]:
    progress = board.figures.progress
    if board.filters.organisation or progress.is_empty():
        return []
    if not board.has_data and not board.nothing_reported:  # no period, or not published
        return []
    known = board.has_data  # without rows shown, reached is unknown, not none
    admin1 = board.filters.admin1
    level = pl.col("admin1") == admin1 if admin1 else pl.col("admin1").is_null()
    rows = progress.filter(level, pl.col("people_targeted").fill_null(0) > 0)
    if board.filters.country:
        rows = rows.filter(pl.col("country") == board.filters.country)
    if board.measure:
        rows = rows.filter(pl.col("sector_code") == board.measure)
    # A plan without people in need for a sector reads "–", not 0 (a sum of none is 0).
    in_need = pl.col("people_in_need")
    sums = (
        rows.group_by("sector_code")
        .agg(
            pl.col("reached", "people_targeted").sum(),
            pl.when(in_need.is_not_null().any()).then(in_need.sum()),
        )
        .iter_rows(named=True)
    )
    found = {r["sector_code"]: r for r in sums}
    order = [None, *(s.code for s in board.reference.plan.sectors)]  # Intersector first
    names = {s.code: s.label(board.lang) for s in board.reference.plan.sectors}
    table = []
    for code in order:
        if code not in found:
            continue
        row = found[code]
        reached = int(row["reached"] or 0) if known else None
        everywhere = board.figures.reached(sector=code, admin1=admin1) if known else None
        table.append(
            {
                "code": code,
                "sector": names.get(code, code) if code else None,
                "reached": reached,
                "targeted": int(row["people_targeted"] or 0),
                "in_need": _whole(row["people_in_need"]),
                "pct_targeted": _percent(reached, row["people_targeted"]) if known else None,
                "pct_need": _percent(reached, row["people_in_need"]) if known else None,
                "pct_targeted_text": _percent_text(reached, row["people_targeted"], board.lang)
                if known
                else None,
                "reached_everywhere": everywhere,
                "only_targeted": reached != everywhere,
            }
        )
    return table


def targets_partial(board: Dashboard) -> bool:
    """Whether some row of `targets_table` counts people reached in fewer places than the
    sector table (only where the plan sets a target): the page and downloads then say so."""
    return any(r["only_targeted"] for r in targets_table(board))


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)


def _percent(part: int | None, whole: int | None) -> float | None:
    """The share in percent, unrounded (downloads hold it whole: 4 of 48,000 is not 0.0)."""
    return (part or 0) * 100.0 / whole if whole else None


def _percent_text(part: int | None, whole: int | None, lang: str) -> str | None:
    """The share as the page shows it (`phrasing.percent`: never "0.0 %" for a share)."""
    return percent((part or 0) / whole, lang, decimals=1) if whole else None


def breakdown(board: Dashboard) -> dict[str, list[tuple[str, int | None]]]:
    """The headline people reached by population type and by age and sex: (group, people)
    rows; a last "not_broken_down" row holds what the groups leave out, so each list sums
    to the headline. None where the model leaves a column undefined."""
    return _derived(board, "breakdown", _breakdown)


def _breakdown(board: Dashboard) -> dict[str, list[tuple[str, int | None]]]:
    if not board.has_data:
        return {}
    total = board.reached()
    found: dict[str, list[tuple[str, int | None]]] = {}
    for name, groups in (("population", POPULATION_TYPES), ("age_sex", AGE_SEX_GROUPS)):
        values = [(g, board.value(f"consolidated_{g}")) for g in groups]
        known = sum(v for _, v in values if v is not None)
        if any(v is not None for _, v in values) and known != total:
            values.append(("not_broken_down", total - known))
        found[name] = values
    return found


def monthly_series(board: Dashboard) -> list[tuple[date, int]]:
    """New people reached per month by the measure (country level)."""
    rows = board.figures.rows.filter(
        pl.col("admin1").is_null(),
        pl.col("sector_code").is_null()
        if board.measure is None
        else pl.col("sector_code") == board.measure,
    )
    # A month not published has no rows shown: not a month of 0 new people.
    rows = rows.filter(~pl.col("month").is_in(list(board.unpublished)))
    monthly = rows.group_by("month").agg(pl.col("new").sum()).sort("month")
    return [(date.fromisoformat(f"{m}-01"), int(v)) for m, v in monthly.iter_rows()]
