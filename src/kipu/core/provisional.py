"""Provisional figures straight from a 5W file, the way IM teams run their scripts today:
validate the file, then compute on its rows as they are, with the issue counts beside them.

Nothing here needs a database: the reference data can come from files (a plan, optionally
organisations) and the bundled gazetteer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl

from kipu.core.figures import FigureOptions, Figures, compute_figures
from kipu.core.figures.periods import plan_year_end
from kipu.core.gazetteer import Gazetteer, bundled_locations, find_country
from kipu.core.loaders import LoadError
from kipu.core.loaders.organisations import load_organisations
from kipu.core.loaders.plan import load_plan
from kipu.core.read import NoFiveWSheet, ReadError, read_5w
from kipu.core.reference import Indicator, Organisation, Plan, ReferenceData, Sector
from kipu.core.text import normalise
from kipu.core.validation import validate_table

BUNDLED = ("PER",)  # the countries whose units Kipu ships (src/kipu/data)


class UnusableFile(ValueError):
    """The file cannot give any figure (unreadable, no 5W sheet); `text(lang)` says why."""

    def __init__(self, error: ReadError | NoFiveWSheet) -> None:
        self.error = error
        super().__init__(error.text("en"))

    def text(self, lang: str = "en") -> str:
        """Why, in `lang`: for a file without a 5W sheet, what validation says of it."""
        if isinstance(self.error, NoFiveWSheet):
            from kipu.core.validation.issues import new_issue

            return new_issue("no-5w-sheet", lang, detail=self.error.text(lang)).message
        return self.error.text(lang)


def reference_from_files(
    plan_file: Path, orgs_file: Path | None, country: str
) -> tuple[ReferenceData, list[LoadError]]:
    """Reference data from a plan file, an optional organisations file and the bundled
    gazetteer, with the loaders' warnings (rows left out or changed: the caller shows them,
    since figures computed without a left-out organisation would otherwise look complete).
    Raises ValueError with every error when a file cannot be loaded, or when `country` (ISO3)
    has no bundled gazetteer: every row would be unknown-country, and the figures "no data"."""
    found = find_country(country)
    if (found.iso3 if found else country.upper()) not in BUNDLED:
        raise ValueError(
            f"no bundled gazetteer for {country}: Kipu ships {', '.join(sorted(BUNDLED))}'s "
            "units only; load the country's locations (kipu locations load) into a platform, "
            "then run kipu figures --input FILE --platform SLUG without --plan"
        )
    places = Gazetteer(bundled_locations("PE"))
    loaded = load_plan(plan_file, places, country)
    errors: list[LoadError] = list(loaded.errors)
    warnings: list[LoadError] = list(loaded.warnings)
    organisations: list[Organisation] = []
    if orgs_file is not None:
        orgs = load_organisations(orgs_file)
        errors += orgs.errors
        warnings += orgs.warnings
        organisations = [
            Organisation(
                key=o.external_id or normalise(o.name),
                name=o.name,
                acronym=o.acronym,
                org_type=o.org_type,
                names={"es": o.name_es} if o.name_es else {},
                aliases=tuple(o.aliases),
            )
            for o in orgs.records
        ]
    if errors:
        raise ValueError("; ".join(str(e) for e in errors))
    content = loaded.records[0]
    plan = Plan(
        name=Path(plan_file).stem,
        year=0,
        sectors=[Sector(s.code, s.name, s.name_es or "", s.parent_code) for s in content.sectors],
        indicators=[
            Indicator(i.code, i.name, i.sector_code, i.type, i.name_es or "", i.unit or "")
            for i in content.indicators
        ],
    )
    return ReferenceData("file", [country], organisations, plan, places), warnings


def organisations_named_in(frame: pl.DataFrame) -> list[Organisation]:
    """Every organisation a file names (appealing or implementing), keyed by normalised name:
    without a registry, partners are counted by name."""
    names: set[str] = set()
    for column in ("appealing_org", "implementing_partner"):
        if column in frame.columns:
            names |= {str(v).strip() for v in frame[column].drop_nulls().unique() if str(v).strip()}
    by_key: dict[str, str] = {}
    for name in sorted(names):
        by_key.setdefault(normalise(name), name)
    return [Organisation(key=key, name=name) for key, name in sorted(by_key.items())]


def figures_from_file(
    path: Path,
    reference: ReferenceData,
    options: FigureOptions,
    proportions_for: Callable[[int], pl.DataFrame | None] | None = None,
) -> tuple[Figures, dict[str, Any]]:
    """Figures on the file's rows as they are, and the validation summary with
    `rows_left_out`: the rows that could not be stored (a value that could not be read, a
    place, organisation or indicator that is not known) are left out of the figures, listed
    by number. Before, a count that could not be read ("abc", "S/ 100" in dollars) was
    summed as 0, and the figures printed 0 for it.

    Without `date_to`, the figures take the plan (targets; proportions from
    `proportions_for(year)` when given) of the year they end in, as stored rows' figures do:
    the latest plan's targets stood beside a 2019 file's people reached."""
    try:
        table = read_5w(path)
    except (ReadError, NoFiveWSheet) as error:
        raise UnusableFile(error) from None
    if not reference.organisations:
        reference.organisations = organisations_named_in(table.frame)
    result = validate_table(table, reference)
    rows = result.rows.drop("has_error", "issue_codes")
    if result.unstorable:
        rows = rows.filter(~pl.col("row").is_in(result.unstorable))
    if options.date_to is None and (end := _last_month(rows, options)) is not None:
        year = int(end[:4])
        reference = replace(reference, plan=reference.plan_of(year))
        if proportions_for is not None:
            options = replace(options, proportions=proportions_for(year))
    figures = compute_figures(rows, reference, options)
    return figures, {**result.report.summary, "rows_left_out": result.unstorable}


def _last_month(rows: pl.DataFrame, options: FigureOptions) -> str | None:
    """The month figures of `rows` end in without `date_to` (`engine._bounded`'s end)."""
    months = rows["month"].drop_nulls()
    if options.date_from:
        start, last = (
            options.date_from,
            plan_year_end(options.date_from, options.plan_year_start_month),
        )
        months = months.filter((months >= start) & (months <= last))
    return str(months.max()) if len(months) else None
