"""The tables, cards and series the dashboard shows, each made from one `Dashboard`'s
figures (`kipu.web.site.dashboard`) and cached with them: cards, sectors, admin1 units,
targets, the age/sex breakdown and the monthly series."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from kipu.core.figures import INTERSECTOR
from kipu.core.figures.output import CHECK_SECTORS
from kipu.core.phrasing import percent
from kipu.core.schema import AGE_SEX_GROUPS, POPULATION_TYPES
from kipu.core.text import normalise
from kipu.web.site.dashboard import Dashboard, cached


def key_numbers(board: Dashboard) -> list[tuple[str, int | None]]:
    """The cards' numbers; None where there is no number to show: no rows shown ("–"), or
    admin2 units not reported or all withheld (`key_notes` says which)."""
    names = ("people_reached", "partners", "admin1_covered", "admin2_covered")
    if not board.has_data:  # nothing shown is not nothing done: no number at all ("–")
        return [(name, None) for name in names]
    coverage = board.figures.coverage
    admin2 = coverage["admin2"] if board.admin2 in ("named", "partly_withheld") else None
    admin1 = coverage["admin1"] or None  # country-level rows only: no admin1 reported, not 0
    values = (board.reached(), board.partner_total(), admin1, admin2)
    return list(zip(names, values, strict=True))


def key_notes(board: Dashboard) -> dict[str, str]:
    """What a card's number does not say by itself: for admin2_covered, "not_reported",
    "withheld" (no number: every admin2 unit of the rows is withheld) or "partly_withheld"
    (the number counts the units named only); for admin1_covered, "not_reported" (rows of
    the country level only); for people_reached, "above_sectors" (the Intersector above the
    sum of its sectors: the figures' check `CHECK_SECTORS`, from max-cell's rounding)."""
    if not board.has_data:
        return {}
    notes = {} if board.admin2 == "named" else {"admin2_covered": board.admin2}
    if not board.figures.coverage["admin1"]:
        notes["admin1_covered"] = "not_reported"
    if board.measure is None and _above_sectors(board):
        notes["people_reached"] = "above_sectors"
    return notes


def _above_sectors(board: Dashboard) -> bool:
    """Whether the headline Intersector row (country level, the period's last month) carries
    the check "Intersector above the sum of sectors"."""
    rows = board.figures.rows
    return not rows.filter(
        pl.col("sector") == INTERSECTOR,
        pl.col("admin1").is_null(),
        pl.col("month") == board.figures.date_to,
        pl.col("checks").list.contains(CHECK_SECTORS),
    ).is_empty()


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
    # Every row the plan gives a target of any kind, as the API's progress lists them: a
    # plan with people in need but no people targeted read "The plan sets no targets".
    targets = ("people_in_need", "people_targeted", "budget_usd")
    rows = progress.filter(level, pl.any_horizontal(pl.col(targets).is_not_null()))
    if board.filters.country:
        rows = rows.filter(pl.col("country") == board.filters.country)
    if board.measure:
        rows = rows.filter(pl.col("sector_code") == board.measure)
    # A value the plan does not set reads "–", not 0 (a sum of none is 0); a sector with a
    # target and no row reads "–" reached, not 0 and 0.0 % (the report says "none
    # reported"; `partners.progress` leaves its `reached` null).
    sums = (
        rows.group_by("sector_code")
        .agg(
            pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum())
            for c in ("reached", "people_targeted", "people_in_need")
        )
        .iter_rows(named=True)
    )
    found = {r["sector_code"]: r for r in sums}
    # A sector with rows of which none counts people (a "People" or capacity indicator) is
    # 0 reached, as the sector table says, not "–", none reported (a tester's).
    reporting = {r["sector"] for r in board.partners(["sector"]).iter_rows(named=True)}
    order = [None, *(s.code for s in board.reference.plan.sectors)]  # Intersector first
    names = {s.code: s.label(board.lang) for s in board.reference.plan.sectors}
    table = []
    for code in order:
        if code not in found:
            continue
        row = found[code]
        rows_of = bool(reporting) if code is None else code in reporting
        reported = known and (row["reached"] is not None or rows_of)
        reached = int(row["reached"] or 0) if reported else None
        everywhere = board.figures.reached(sector=code, admin1=admin1) if reported else None
        table.append(
            {
                "code": code,
                "sector": names.get(code, code) if code else None,
                "reached": reached,
                "targeted": _whole(row["people_targeted"]),
                "in_need": _whole(row["people_in_need"]),
                "pct_targeted": _percent(reached, row["people_targeted"]) if reported else None,
                "pct_need": _percent(reached, row["people_in_need"]) if reported else None,
                "pct_targeted_text": _percent_text(reached, row["people_targeted"], board.lang)
                if reported
                else None,
                "reached_everywhere": everywhere,
                "only_targeted": reported and reached != everywhere,
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
