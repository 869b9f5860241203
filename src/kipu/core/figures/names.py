"""The figure rows with their names in a language, as the open-data figures table writes them.

The engine names rows in English (plan sector names, ISO country names, the checks' names):
one frame serves every language. An export in Spanish writes, as the Spanish activities table
does (`kipu.core.export.display_frame`), each sector's `name_es` from the plan (its English
name where the plan has none), the country's Spanish name (`gazetteer.country_name`), the
Intersector rows as "Intersectorial" and each check in Spanish (`output.check_name`). Codes
(country, admin1, sector) and admin1 names (place names, one spelling) stay as they are.
The rows of a month without any row reported say so in `checks` (`UNREPORTED`), so their
monthly 0 does not read as nobody reached.
"""

from __future__ import annotations

import polars as pl

from kipu.core.figures.output import CHECKS, INTERSECTOR, Figures, check_name
from kipu.core.gazetteer import country_name
from kipu.core.phrasing import language

INTERSECTOR_NAMES = {"en": INTERSECTOR, "es": "Intersectorial"}


# In `checks`, on the rows of a month without any row reported (`Figures.unreported`): their
# monthly values are 0 because nothing was reported, their consolidated ones carried forward.
UNREPORTED = {"en": "no rows reported this month", "es": "no se reportaron filas este mes"}


def named_rows(figures: Figures, lang: str = "en") -> pl.DataFrame:
    """`figures.rows` with the sector, country and checks columns in `lang` (en, es), and
    `UNREPORTED` among the checks of the rows of a month without rows."""
    rows, lang = figures.rows, language(lang)
    if figures.unreported and "checks" in rows.columns:
        flag = pl.concat_list("checks", pl.lit([UNREPORTED[lang]], dtype=pl.List(pl.Utf8)))
        unreported = pl.col("month").is_in(figures.unreported)
        rows = rows.with_columns(pl.when(unreported).then(flag).otherwise("checks").alias("checks"))
    if lang == "en" or rows.is_empty():
        return rows
    sectors = figures.sector_names(lang)
    known = rows.select("country", "country_name").unique()
    countries = {c: country_name(c, lang, n) for c, n in known.iter_rows()}
    checks = {check: check_name(check, lang) for check in CHECKS}
    by_code = pl.col("sector_code").replace_strict(sectors, default=pl.col("sector"))
    return rows.with_columns(
        pl.when(pl.col("sector") == INTERSECTOR)
        .then(pl.lit(INTERSECTOR_NAMES[lang]))
        .otherwise(by_code)
        .alias("sector"),
        pl.col("country").replace_strict(countries, default=pl.col("country_name"))
        .alias("country_name"),
        pl.col("checks").list.eval(
            pl.element().replace_strict(checks, default=pl.element(), return_dtype=pl.Utf8)
        ),
    )  # fmt: skip
