"""The result of the figure engine, its named accessors, and its JSON / CSV / XLSX / text forms.

A figure is computed once (engine.py) and cited by name everywhere else: reports and pages call
`Figures.reached`, `Figures.partner_count`, `Figures.coverage_count`, `Figures.cva_value`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import polars as pl

from kipu.core.figures.notes import note_text
from kipu.core.figures.partners import count_partners, count_units, presence
from kipu.core.phrasing import MONTHS, language, number
from kipu.core.reference import ReferenceData
from kipu.core.schema import AGE_SEX_GROUPS, POPULATION_TYPES
from kipu.core.write import XlsxText, neutralise_frame

INTERSECTOR = "Intersector"
CHECK_POPULATION = "check population type breakdown"
CHECK_AGD = "check AGD breakdown"
CHECK_CVA = "CVA higher than total"
# Kipu's own, beside R4V's three: an Intersector row above the sum of its sectors (max-cell's
# rounding of each cell can make it so; engine._above_sectors).
CHECK_SECTORS = "Intersector above the sum of sectors"
CHECKS = (CHECK_POPULATION, CHECK_AGD, CHECK_CVA, CHECK_SECTORS)
BREAKDOWN = (*POPULATION_TYPES, *AGE_SEX_GROUPS)
CONSOLIDATED = ("consolidated_total", *[f"consolidated_{c}" for c in BREAKDOWN], "consolidated_cva")
ROW_COLUMNS = (
    "country", "country_name", "admin1", "admin1_name", "national", "month", "sector",
    "sector_code", "monthly_total", "monthly_cva", "new", "new_cva", *BREAKDOWN, *CONSOLIDATED,
    "checks",
)  # fmt: skip
COUNTRY_TOTAL = "Country total"  # Admin1 label of country-level rows in the report layout

# R4V's "consolidated report" layout: column → English label (methodology section 6).
REPORT_LABELS: dict[str, str] = {
    "country_name": "Country",
    "admin1_name": "Admin1",
    "month": "Month",
    "sector": "Sector",
    "monthly_total": "Monthly total beneficiaries",
    "monthly_cva": "Monthly CVA beneficiaries",
    "consolidated_total": "Consolidated total",
    "consolidated_in_destination": "Consolidated refugees and migrants in destination",
    "consolidated_in_transit": "Consolidated refugees and migrants in transit",
    "consolidated_host_community": "Consolidated host communities",
    "consolidated_pendular": "Consolidated pendulars",
    "consolidated_returnees": "Consolidated Colombian returnees",
    "consolidated_girls": "Consolidated girls (under 18)",
    "consolidated_boys": "Consolidated boys (under 18)",
    "consolidated_women": "Consolidated women (above 18)",
    "consolidated_men": "Consolidated men (above 18)",
    "consolidated_other_under_18": "Consolidated other under 18",
    "consolidated_other_above_18": "Consolidated other above 18",
    "consolidated_cva": "Consolidated CVA",
}
CHECK_LABELS = {
    CHECK_POPULATION: "Population type check",
    CHECK_AGD: "AGD check",
    CHECK_CVA: "CVA check",
    CHECK_SECTORS: "Sum of sectors check",
}


@dataclass
class Figures:
    """Every figure of one computation. Frames are polars; see `to_json` for the plain form.

    `rows`: the consolidated report, one row per (country, admin1 | null for the country level,
    month, sector name | "Intersector"). `partners`: appealing / implementing / union counts for
    the scope plus frames by_country, by_month, by_sector, by_admin1, by_admin2. `coverage`:
    admin1 / admin2 counts (national rows excluded), unit lists, by_country, by_sector.
    `presence` (computed on first use): organisation × admin1 × sector. `progress`: reached vs
    plan targets.
    `cva`: CVA value in USD per country, sector and delivery mechanism.
    `notes`: what the reader of the figures must know (rows left out; cells split without
    proportions). `proportions_missing`: when a proportions table is loaded, every (country,
    admin1, sector, population type) whose people max-cell split with the sector's own age/sex
    shares instead, with its `people`; listed in one note too (see `engine.missing_note`).
    """

    model: str
    date_from: str | None
    date_to: str | None
    rows: pl.DataFrame
    partners: dict[str, Any]
    coverage: dict[str, Any]
    progress: pl.DataFrame
    cva: pl.DataFrame
    notes: list[str] = field(default_factory=list)
    proportions_missing: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)
    organisations: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)
    units: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)
    reference: ReferenceData | None = field(default=None, repr=False)
    # Months of the period without any row in scope: their rows' monthly 0 counts nobody.
    unreported: list[str] = field(default_factory=list)
    _presence: pl.DataFrame | None = field(default=None, init=False, repr=False)

    @property
    def presence(self) -> pl.DataFrame:
        """Operational presence (organisation × admin1 × sector), computed on first use: at
        regional scale it has about as many rows as the 5W data, and most callers never ask."""
        if self._presence is None:
            assert self.reference is not None, "presence needs the reference data"
            self._presence = presence(self.organisations, self.reference)
        return self._presence

    # -- accessors ---------------------------------------------------------------------------

    def _sector_code(self, sector: str | None) -> str | None:
        """A sector given by code or by name, as its code (None stays None)."""
        if sector is None or sector == INTERSECTOR:
            return None
        named = self.rows.filter(pl.col("sector") == sector)["sector_code"].drop_nulls()
        return named[0] if len(named) else sector

    def value(
        self,
        column: str = "consolidated_total",
        *,
        sector: str | None = None,
        admin1: str | None = None,
        month: str | None = None,
        country: str | None = None,
    ) -> int | None:
        """One number of `rows`: `column` for a sector (code or name; None = Intersector), an
        admin1 P-code (None = country level), a month (None = end of the period) and a country
        (None = Σ over countries). 0 when there is no such row; None when the model leaves the
        column undefined (population types under max-agd)."""
        month = month or self.date_to
        if month is None:
            return 0
        code = self._sector_code(sector)
        selected = self.rows.filter(
            pl.col("month") == month,
            pl.col("sector_code").is_null() if code is None else pl.col("sector_code") == code,
            pl.col("admin1").is_null() if admin1 is None else pl.col("admin1") == admin1,
            pl.lit(True) if country is None else pl.col("country") == country,
        )[column]
        if selected.len() and selected.null_count() == selected.len():
            return None
        return int(selected.sum() or 0)

    def reached(
        self,
        sector: str | None = None,
        admin1: str | None = None,
        month: str | None = None,
        country: str | None = None,
    ) -> int:
        """Consolidated people reached from the start of the period (or plan year) to `month`.

        Intersector when `sector` is None; country level when `admin1` is None; summed over
        countries when `country` is None (the regional figure is Σ of national figures)."""
        return self.value(sector=sector, admin1=admin1, month=month, country=country) or 0

    def partner_count(
        self,
        kind: str = "union",
        *,
        sector: str | None = None,
        admin1: str | None = None,
        admin2: str | None = None,
        country: str | None = None,
        month: str | None = None,
    ) -> int:
        """Distinct organisations with at least one row in scope: "appealing" organisations,
        "implementing" partners, or the "union" of both (matched by organisation key).
        Optionally restricted to a sector (code or name), place, country or single month."""
        if kind not in ("appealing", "implementing", "union"):
            raise ValueError("kind must be appealing, implementing or union")
        found = self.organisations.filter(
            *_equal("sector", self._sector_code(sector)),
            *_equal("admin1", admin1),
            *_equal("admin2", admin2),
            *_equal("country", country),
            *_equal("month", month),
        )
        return int(count_partners(found, []).collect()[kind][0])

    def coverage_count(
        self, level: int = 1, *, sector: str | None = None, country: str | None = None
    ) -> int:
        """Distinct admin1 (level 1) or admin2 (level 2) units with at least one row,
        national-level rows excluded; optionally for one sector or country."""
        if level not in (1, 2):
            raise ValueError("level must be 1 or 2")
        found = self.units.filter(
            *_equal("sector", self._sector_code(sector)), *_equal("country", country)
        )
        return int(count_units(found, []).collect()[f"admin{level}"][0])

    def cva_value(
        self, sector: str | None = None, mechanism: str | None = None, country: str | None = None
    ) -> float:
        """CVA transfer value in USD over the period, optionally per sector / mechanism."""
        found = self.cva.filter(
            *_equal("sector", self._sector_code(sector)),
            *_equal("delivery_mechanism", mechanism),
            *_equal("country", country),
        )
        return float(found["value_usd"].sum() or 0.0)

    def presence_matrix(self, by_sector: bool = False) -> pl.DataFrame:
        """Organisations × admin1 (× sector) as a wide table of months reported (0 = absent)."""
        index = ["country", "organisation", "organisation_name"]
        index += ["sector", "sector_name"] if by_sector else []
        long = self.presence.group_by([*index, "admin1"]).agg(pl.col("months").max())
        if long.is_empty():
            return long
        wide = long.pivot(on="admin1", index=index, values="months", sort_columns=True)
        return wide.fill_null(0).sort(index)

    # -- serialisation -----------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready data: {"model", "from", "to", "rows", "partners", "coverage",
        "presence", "progress", "cva", "notes"}."""
        return {
            key: value.to_dicts() if isinstance(value, pl.DataFrame) else value
            for key, value in self._json_parts().items()
        }

    def to_json_text(self, extra: dict[str, Any] | None = None) -> str:
        """`to_json()` (plus `extra` keys) encoded: the tables are written by polars, since a
        region-year's presence table holds a million rows that json.dumps takes half a
        minute to encode."""
        parts = {**self._json_parts(), **(extra or {})}
        encoded = (
            f"{json.dumps(key)}: "
            + (
                value.write_json()
                if isinstance(value, pl.DataFrame)
                else json.dumps(value, ensure_ascii=False, default=str)
            )
            for key, value in parts.items()
        )
        return "{\n" + ",\n".join(encoded) + "\n}\n"

    def _json_parts(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "from": self.date_from,
            "to": self.date_to,
            "rows": self.rows,
            "partners": _plain(self.partners),
            "coverage": _plain(self.coverage),
            "presence": self.presence,
            "progress": self.progress,
            "cva": self.cva,
            "notes": list(self.notes),
        }

    def report_layout(self) -> pl.DataFrame:
        """The rows in R4V's consolidated-report layout, with its English column labels."""
        checks = [
            pl.when(pl.col("checks").list.contains(c)).then(pl.lit(c)).otherwise(pl.lit(""))
            .alias(label)
            for c, label in CHECK_LABELS.items()
        ]  # fmt: skip
        return self.rows.select(
            *[pl.col(c).alias(label) for c, label in REPORT_LABELS.items() if c != "admin1_name"],
            pl.col("admin1_name").fill_null(COUNTRY_TOTAL).alias(REPORT_LABELS["admin1_name"]),
            *checks,
        ).select([*REPORT_LABELS.values(), *CHECK_LABELS.values()])

    def to_csv(self, target: str | Path | IO[str] | IO[bytes]) -> None:
        """The consolidated report as CSV (UTF-8), R4V's layout and labels."""
        neutralise_frame(self.report_layout()).write_csv(target)

    def to_xlsx(self, path: str | Path, lang: str = "en") -> None:
        """A workbook: the consolidated report, then partners, coverage, presence, progress, CVA,
        and the notes in `lang` when there are any (the Progress sheet of a 2020 period
        read as 2019's targets, and only the command's output said so)."""
        import xlsxwriter

        sheets = {
            "Consolidated report": self.report_layout(),
            "Partners by sector": self.partners["by_sector"],
            "Partners by admin1": self.partners["by_admin1"],
            "Partners by month": self.partners["by_month"],
            "Coverage by sector": self.coverage["by_sector"],
            "Operational presence": self.presence,
            "Progress": self.progress,
            "CVA": self.cva,
        }
        if self.notes:  # named in English, as the other sheets; the notes in `lang`
            sheets["Notes"] = pl.DataFrame({"note": [note_text(n, lang) for n in self.notes]})
        # Text is written as text, exactly, and quote-prefixed where it starts as a formula
        # would (`XlsxText`): polars' writer left "=EVIL" to become one once edited; an
        # apostrophe put in the value before stayed in it ("'+Vida").
        options = {"strings_to_formulas": False, "strings_to_urls": False}
        with xlsxwriter.Workbook(str(path), options) as workbook:
            cells = XlsxText(workbook)
            for name, frame in sheets.items():
                page = workbook.add_worksheet(name)
                for column, header in enumerate(frame.columns):
                    cells.write(page, 0, column, header, bold=True)
                shown = frame.with_columns(pl.selectors.temporal().cast(pl.Utf8))
                for row, values in enumerate(shown.iter_rows(), start=1):
                    for column, value in enumerate(values):
                        if value is not None:
                            cells.write(page, row, column, value)
                page.autofit()

    def to_text(self, lang: str = "en") -> str:
        """A short plain summary (English or Spanish) for the last month of the period."""
        lang = language(lang)
        say = {key: texts[lang] for key, texts in _TEXT.items()}
        notes = [note_text(note, lang) for note in self.notes]
        if self.rows.is_empty():  # the notes too: rows left out may be why there is none
            if not (self.date_from and self.date_to):
                return "\n".join([say["none_at_all"], *notes])
            return "\n".join([say["none"].format(start=self.date_from, end=self.date_to), *notes])
        lines = [
            say["reached"].format(
                period=_period(self.date_from, self.date_to, lang),
                model=self.model,
                n=number(self.reached(), lang),
            )
        ]
        latest = self.rows.filter(
            pl.col("month") == self.date_to, pl.col("admin1").is_null(), pl.col("sector_code")
            .is_not_null()
        ).group_by("sector_code", "sector").agg(pl.col("consolidated_total").sum()).sort(
            "consolidated_total", "sector", descending=[True, False]
        )  # fmt: skip
        if latest.height:
            names = self.sector_names(lang)
            parts = [
                f"{names.get(r['sector_code'], r['sector'])} "
                + number(r["consolidated_total"], lang)
                for r in latest.to_dicts()
            ]
            lines.append(say["by_sector"] + "; ".join(parts) + ".")
        p = self.partners
        lines.append(
            say["organisations"].format(a=p["appealing"], i=p["implementing"], u=p["union"])
        )
        lines.append(_coverage_text(self.coverage["admin1"], self.coverage["admin2"], lang))
        lines += self._checks_text(lang)
        return "\n".join(lines + notes)

    def _checks_text(self, lang: str) -> list[str]:
        """The rows flagged, by check; and, when the headline figure is above the sum of its
        sectors (max-cell's rounding), a sentence saying so beside it: "4" then "By sector:
        Alpha 2" was printed without a word."""
        say = {key: texts[lang] for key, texts in _TEXT.items()}
        flagged = self.rows.filter(pl.col("checks").list.len() > 0).height
        if not flagged:
            return []
        counts = self.rows["checks"].explode().drop_nulls().value_counts()
        found = dict(zip(counts[:, 0].to_list(), counts["count"].to_list(), strict=True))
        which = "; ".join(
            f"{check_name(check, lang)} {number(found[check], lang)}"
            for check in CHECKS
            if check in found
        )
        lines = [say["checks"].format(n=number(flagged, lang), which=which)]
        if above := self.above_sectors():
            reached, summed = above
            rounded = say["rounded"] if self.model in ("max-cell", "grouped") else ""
            shown = say["above_sectors"].format(n=number(reached, lang), s=number(summed, lang))
            lines.append(shown + rounded)
        return lines

    def above_sectors(self) -> tuple[int, int] | None:
        """(people reached, the sum of the sectors' consolidated totals) at the period's end,
        when the first is above the second (max-cell's rounding of each cell), else None."""
        end = pl.col("month") == self.date_to
        country = pl.col("admin1").is_null()
        sectors = self.rows.filter(end, country, pl.col("sector_code").is_not_null())
        reached, summed = self.reached(), int(sectors["consolidated_total"].sum() or 0)
        return (reached, summed) if reached > summed else None

    def sector_names(self, lang: str) -> dict[str, str]:
        """Sector code → its name in `lang` (the plan's `name_es` in Spanish)."""
        # Every plan rows are counted with (a national platform's rows in a local view);
        # the default plan's names win (`ReferenceData.every_plan`).
        plans = self.reference.every_plan() if self.reference else []
        return {s.code: s.label(lang) for plan in plans for s in plan.sectors}


def _equal(column: str, value: str | None) -> list[pl.Expr]:
    return [] if value is None else [pl.col(column) == value]


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.to_dicts() if isinstance(v, pl.DataFrame) else v for k, v in data.items()}


# The plain summary of `Figures.to_text`, in both languages.
_TEXT: dict[str, dict[str, str]] = {
    "none": {
        "en": "No people-reached data between {start} and {end}.",
        "es": "No hay datos de personas alcanzadas entre {start} y {end}.",
    },
    "none_at_all": {  # no period asked for: "between None and None" was printed
        "en": "No people-reached data.",
        "es": "No hay datos de personas alcanzadas.",
    },
    "reached": {
        "en": "People reached {period} (intersector model {model}): {n}.",
        "es": "Personas alcanzadas {period} (modelo intersectorial {model}): {n}.",
    },
    "by_sector": {"en": "By sector: ", "es": "Por sector: "},
    "organisations": {
        "en": "Organisations: {a} appealing, {i} implementing partners, {u} in all "
        "(appealing or implementing).",
        "es": "Organizaciones: {a} solicitantes, {i} socias implementadoras, {u} en total "
        "(solicitantes o implementadoras).",
    },
    "coverage": {
        "en": "Coverage: {a1} admin1 and {a2} admin2 {units}.",
        "es": "Cobertura: {a1} {units} de nivel admin1 y {a2} de nivel admin2.",
    },
    # No row of the period names an admin2 unit (R4V's regional exports have no admin2
    # column; a column whose header was not read): not "0 admin2 units".
    "coverage_admin1": {
        "en": "Coverage: {a1} admin1 {units}; no row names an admin2 unit.",
        "es": "Cobertura: {a1} {units} de nivel admin1; ninguna fila nombra una unidad de "
        "nivel admin2.",
    },
    "checks": {
        "en": "Checks: {n} rows flagged (see the checks column): {which}.",
        "es": "Controles: {n} filas señaladas (ver la columna de controles): {which}.",
    },
    "above_sectors": {
        "en": "The Intersector ({n}) is above the sum of its sectors ({s}): see the rows "
        f"flagged '{CHECK_SECTORS}'.",
        "es": "El intersectorial ({n}) supera la suma de sus sectores ({s}): ver las filas "
        f"con el control '{CHECK_SECTORS}' (la columna de controles dice los nombres en "
        "inglés).",
    },
    "rounded": {  # after "above_sectors" under the models that split into cells
        "en": " The model rounds each population × age/sex cell to whole people (half away "
        "from zero), as R4V's script does.",
        "es": " El modelo redondea cada celda de población × edad/sexo a personas enteras "
        "(las mitades, lejos de cero), como el script de R4V.",
    },
}

# The checks by name in Spanish (the checks column holds the English names, R4V's).
_CHECK_NAMES_ES = {
    CHECK_POPULATION: "revisar el desglose por tipo de población",
    CHECK_AGD: "revisar el desglose por edad y sexo",
    CHECK_CVA: "CVA mayor que el total",
    CHECK_SECTORS: "intersectorial por encima de la suma de los sectores",
}


def _coverage_text(admin1: int, admin2: int, lang: str) -> str:
    """The summary's coverage sentence: admin2 units counted only when a row names one."""
    counted = admin2 if admin2 else admin1  # the number the noun follows
    units = ("unit" if lang == "en" else "unidad") if counted == 1 else None
    units = units or ("units" if lang == "en" else "unidades")
    key = "coverage" if admin2 else "coverage_admin1"
    return _TEXT[key][lang].format(a1=admin1, a2=admin2, units=units)


def check_name(check: str, lang: str = "en") -> str:
    """A check's name in `lang`."""
    return _CHECK_NAMES_ES.get(check, check) if language(lang) == "es" else check


def _period(start: str | None, end: str | None, lang: str = "en") -> str:
    """'in January–November 2019', 'from December 2018 to March 2019' (or in Spanish)."""

    def name(month: str) -> str:
        return MONTHS[lang][int(month[5:7]) - 1]

    if not start or not end:
        return ""
    if lang == "es":
        if start == end:
            return f"en {name(end)} de {end[:4]}"
        if start[:4] == end[:4]:
            return f"en {name(start)}–{name(end)} de {end[:4]}"
        return f"de {name(start)} de {start[:4]} a {name(end)} de {end[:4]}"
    if start == end:
        return f"in {name(end)} {end[:4]}"
    if start[:4] == end[:4]:
        return f"in {name(start)}–{name(end)} {end[:4]}"
    return f"from {name(start)} {start[:4]} to {name(end)} {end[:4]}"
