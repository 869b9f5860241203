"""Frictionless data packages of published months: datapackage.json (Table Schemas, licence,
sources) with two CSV resources, activities.csv and figures.csv, both with an HXL row.

The same package is served at /api/v1/opendata/<platform>/<month>/ (resource paths are
relative to the descriptor, so they resolve to the sibling URLs) and written by
`kipu export --format datapackage`. Only published months have a package, and only rows
stored without accepted issues are in it, as in the published figures.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from kipu.core.figures import Figures
from kipu.core.figures.notes import unreported_note
from kipu.core.schema import COLUMNS, EXPORT_HXL, INTEGER, NUMBER, YES_NO
from kipu.core.surveys.fivew_disclosure import FINER
from kipu.core.written import staged_folder
from kipu.web.accounts.scope import Scope, public_months
from kipu.web.api.opendata import EXPORTED, FIGURE_COLUMNS, figures_csv, stream_activities_csv
from kipu.web.api.pagination import activity_slices
from kipu.web.figures.queries import cached_activity_frame, platform_figures
from kipu.web.platforms.models import Platform
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.models import Activity, Submission

DEFAULT_LICENCE = "CC-BY-4.0"
LICENCES = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution Share-Alike 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": (
        "Open Data Commons Open Database License 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
}
# Both CSVs: labels on row 1, HXL hashtags on row 2 (not data).
DIALECT = {"headerRows": [1], "commentRows": [2]}


def licence_of(platform: Platform) -> str:
    """The platform's open-data licence: report_config["open_data_licence"], else CC-BY-4.0."""
    return str((platform.report_config or {}).get("open_data_licence") or DEFAULT_LICENCE)


def _withheld(platform: Platform) -> str:
    """What the disclosure rule leaves out of activities.csv, said where a reader looks: an
    empty province read as one the partner never gave."""
    from kipu.web.surveys.queries import rows_disclosure_k

    k = rows_disclosure_k(platform)
    return (
        f"A row placed in a province with a people count between 1 and {k - 1} is published "
        "at department level: its Admin2 is left empty (withheld, so no one can be singled "
        "out). An empty Admin2 does not mean the partner gave none."
    )


def _activity_field(column: Any, platform: Platform) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "name": column.label_en,
        "title": column.name,
        "hxl": EXPORT_HXL[column.name],
    }
    if column.name in FINER:
        spec["description"] = _withheld(platform)
    if column.kind == YES_NO:
        spec.update(type="boolean", trueValues=["Yes"], falseValues=["No"])
    elif column.kind == INTEGER:
        spec.update(type="integer", constraints={"minimum": 0})
    elif column.kind == NUMBER:
        spec.update(type="number", constraints={"minimum": 0})
    elif column.name == "month":
        spec.update(type="yearmonth")
    else:
        spec.update(type="string")
    if column.required:
        spec.setdefault("constraints", {})["required"] = True
    return spec


def _figure_field(column: Any) -> dict[str, Any]:
    return {"name": column.label_en, "title": column.name, "hxl": column.hxl, "type": column.kind}


def descriptor(platform: Platform, month: str) -> dict[str, Any]:
    """datapackage.json of a month (the caller checks that it is published)."""
    licence = licence_of(platform)
    title, url = LICENCES.get(licence, (licence, ""))
    # A month without rows: its figure rows' monthly 0 counts nobody (docs/figures.md).
    said = unreported_note(month_figures(platform, month).unreported)
    unreported = f" {said}." if said else ""
    source = {"title": f"{platform.name}: 5W reports of partner organisations"}
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": f"{platform.slug}-{month}".lower(),
        "title": f"{platform.name}: activities and figures, {month}",
        "description": "Activities reported by partners (5W) for the month and the figures "
        "computed from them without double counting (docs/figures.md). Row 2 of each CSV "
        "holds HXL hashtags."
        + unreported
        + (" Synthetic demonstration data, not real figures." if platform.synthetic else ""),
        "version": month,
        "licenses": [{"name": licence, "title": title, **({"path": url} if url else {})}],
        "sources": [source],
        "keywords": ["5W", "HXL", "refugees", "migrants", platform.slug],
        "resources": [
            {
                "name": "activities",
                "path": "activities.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": DIALECT,
                "description": _withheld(platform)
                + (f" No activities were reported for {month}." if said else ""),
                "schema": {"fields": [_activity_field(c, platform) for c in COLUMNS]},
                "sources": [source],
            },
            {
                "name": "figures",
                "path": "figures.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": DIALECT,
                "description": cumulative_note(platform, month) + unreported,
                "schema": {"fields": [_figure_field(c) for c in FIGURE_COLUMNS]},
                "sources": [{"title": "Kipu figure engine (docs/figures.md)"}],
            },
        ],
    }


def published_run_start(platform: Platform, month: str) -> str:
    """The first month of the unbroken run of published months, within `month`'s year, that
    ends at `month`: cumulative figures start there, so no unpublished month counts."""
    published = public_months(platform)
    start = month
    number = int(month[5:])
    while number > 1 and f"{month[:4]}-{number - 1:02d}" in published:
        number -= 1
        start = f"{month[:4]}-{number:02d}"
    return start


def totals_start(platform: Platform, month: str) -> str:
    """The first month `month`'s consolidated totals count (`month_figures`): the plan
    year's start, or, when a month before is not published (reopened) and earlier months
    hold rows, the month after it."""
    start, first = published_run_start(platform, month), f"{month[:4]}-01"
    rows = cached_activity_frame(platform)[1]
    earlier = rows.filter(pl.col("month").is_between(pl.lit(first), pl.lit(start), closed="left"))
    return first if earlier.is_empty() else start


def cumulative_note(platform: Platform, month: str) -> str:
    """What the consolidated totals of `month` count (`totals_start`): the same label said
    51,312 in the open data and 99,168 in the report, and nothing told why (a tester)."""
    start = totals_start(platform, month)
    if start == f"{month[:4]}-01":
        return f"Consolidated totals count from {start} to {month}."
    before = f"{month[:4]}-{int(start[5:]) - 1:02d}"
    return (
        f"Consolidated totals count from {start} to {month} only: {before} is not published, "
        f"and no month before {start} is counted."
    )


def month_figures(platform: Platform, month: str) -> Figures:
    figures = platform_figures(
        platform, date_from=published_run_start(platform, month), date_to=month
    )
    figures.rows = figures.rows.filter(pl.col("month") == month)
    return figures


def package_activity_chunks(platform: Platform, month: str) -> Iterator[bytes]:
    """activities.csv of a published month: CSV chunks, English labels, HXL row."""
    rows = (
        Scope(platform)
        .published_activities(
            Activity.objects.filter(submission__status=Submission.Status.CURRENT, month=month)
        )
        # Rows stored with an accepted error are left out, as figures leave them out; rows
        # with warnings only count (`issues=[]` left them out while figures.csv counted them).
        .filter(has_error=False)
        .order_by("pk")
    )
    reference = reference_data(platform, int(month[:4]))
    # Public rows finer than the department follow the disclosure rule (issue 17): a row
    # counting 1 to k-1 people in a province is published at department level.
    from kipu.core.surveys.fivew_disclosure import protect_slices
    from kipu.web.surveys.queries import rows_disclosure_k

    k = rows_disclosure_k(platform)
    slices = protect_slices(activity_slices(rows, platform.pk, EXPORTED), k)
    return stream_activities_csv(slices, reference, "en", hxl=True)


def write_package(platform: Platform, month: str, folder: Path) -> Path:
    """Write datapackage.json, activities.csv and figures.csv into `folder`, all three or
    none (`kipu.core.written.staged_folder`: a failure half-way leaves `folder` as it was).
    Raises OSError for such a failure."""
    with staged_folder(folder) as staging:
        with (staging / "activities.csv").open("wb") as handle:
            for chunk in package_activity_chunks(platform, month):
                handle.write(chunk)
        (staging / "figures.csv").write_bytes(figures_csv(month_figures(platform, month)))
        (staging / "datapackage.json").write_text(
            json.dumps(descriptor(platform, month), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
    return folder / "datapackage.json"
