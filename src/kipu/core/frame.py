"""The activity frame: resolved 5W rows as one polars DataFrame, the contract between readers,
validation, storage and the figure engine.

Values are resolved against reference data: places are P-codes, organisations are keys, sector
and indicator are codes of the plan. A value that could not be resolved is null (and the
validation report says why).
"""

from __future__ import annotations

import polars as pl

from kipu.core.schema import COUNT_COLUMNS

ACTIVITY_FRAME: dict[str, type[pl.DataType] | pl.DataType] = {
    "row": pl.Int64,  # row number in the source file as the user sees it; 0 when unknown
    "country": pl.Utf8,  # ISO3
    "admin1": pl.Utf8,  # P-code; the national pseudo-unit (PE00) for country-level rows
    "admin2": pl.Utf8,  # P-code or null
    "appealing_org": pl.Utf8,  # organisation key (registry id such as ORG208)
    "implementation": pl.Boolean,
    "implementing_partner": pl.Utf8,  # organisation key or null
    "month": pl.Utf8,  # YYYY-MM
    "sector": pl.Utf8,  # sector code in the plan
    "indicator": pl.Utf8,  # indicator code in the plan
    "activity_name": pl.Utf8,
    "activity_description": pl.Utf8,
    "rmrp_activity": pl.Boolean,
    "covid19": pl.Boolean,
    "support_space": pl.Boolean,
    "cva": pl.Boolean,
    "value_usd": pl.Float64,
    "delivery_mechanism": pl.Utf8,  # one of schema.DELIVERY_MECHANISMS
    **{name: pl.Int64 for name in COUNT_COLUMNS},
}


def empty_activity_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=ACTIVITY_FRAME)


def activity_frame(records: list[dict[str, object]]) -> pl.DataFrame:
    """A frame from plain records (missing keys are null; counts default to 0)."""
    frame = (
        pl.DataFrame(records, schema=ACTIVITY_FRAME, strict=False)
        if records
        else empty_activity_frame()
    )
    return frame.with_columns(pl.col(list(COUNT_COLUMNS)).fill_null(0))
