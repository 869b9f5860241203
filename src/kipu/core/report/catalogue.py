"""The figures a narrative may cite by name, for one platform and month, and their arguments.

Each is computed by the figure engine (or read from official statistics): the narrative, the
tables and figures.json all read the same values. Every parameter has a domain built from the
platform's reference data (`argument_domains`), so `reached(admin1="Tumbes")` means PE24 and
`reached(admin1="Tumbez")` is an error listing the departments, never a 0.

Parameters (each optional unless said; none means "all"):
    area          a sector or area of intervention: code, English or Spanish name
    admin1        an admin1 unit: P-code, national code, ISO code or name (country level too)
    admin2        an admin2 unit the same way
    population    a population type or age/sex group (in_destination … men): code or name
    month         a month of the plan year up to the report month: 2019-08, August, agosto
    kind          partners counted: appealing (default), implementing or union
    code          (indicator, required) an indicator: code, English or Spanish name
    measure       an indicator's column: total_monthly (default), new_beneficiaries, quantity_output
    organisation  an appealing organisation: registry key, name, acronym or other spelling
    series        (statistic, required) an official statistic's key
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from kipu.core import admin_levels
from kipu.core.figures import Figures
from kipu.core.figures.plans import top_sectors
from kipu.core.phrasing import MONTHS
from kipu.core.reference import ReferenceData
from kipu.core.report.arguments import Choice, Domain, fixed
from kipu.core.report.narrative import FigureCatalogue
from kipu.core.schema import COLUMN_BY_NAME, POPULATION_GROUP_ALIASES
from kipu.core.surveys.disclosure import DEFAULT_K
from kipu.core.surveys.fivew_disclosure import small_rows
from kipu.core.text import normalise

AREA, ADMIN1, ADMIN2, POPULATION, MONTH = "area", "admin1", "admin2", "population", "month"
KIND, CODE, MEASURE, ORGANISATION, SERIES = "kind", "code", "measure", "organisation", "series"

KINDS: dict[str, tuple[str, ...]] = {
    "appealing": ("appealing organisations", "organizaciones solicitantes", "solicitantes"),
    "implementing": ("implementing partners", "socios implementadores", "implementadores"),
    "union": ("appealing or implementing", "solicitantes o implementadores", "todos", "all"),
}
MEASURES: dict[str, tuple[str, ...]] = {
    "total_monthly": ("total monthly beneficiaries", "total mensual de beneficiarios", "total"),
    "new_beneficiaries": ("new beneficiaries", "nuevos beneficiarios", "new", "nuevos"),
    "quantity_output": ("quantity (output)", "cantidad (producto)", "quantity", "cantidad"),
}
# Population types and age/sex groups: code → (English name, Spanish name); the 5W column
# labels and R4V's spellings (kipu.core.schema) name them too.
POPULATION_NAMES = {
    "in_destination": ("refugees and migrants in destination", "refugiados y migrantes en destino"),
    "in_transit": ("refugees and migrants in transit", "refugiados y migrantes en tránsito"),
    "host_community": ("host communities", "comunidades de acogida"),
    "pendular": ("pendulars", "pendulares"),
    "returnees": ("Colombian returnees", "colombianos retornados"),
    "girls": ("girls (under 18)", "niñas (menores de 18)"),
    "boys": ("boys (under 18)", "niños (menores de 18)"),
    "women": ("women (above 18)", "mujeres (mayores de 18)"),
    "men": ("men (above 18)", "hombres (mayores de 18)"),
    "other_under_18": ("other under 18", "otros menores de 18"),
    "other_above_18": ("other above 18", "otros mayores de 18"),
}


@dataclass(frozen=True)
class Period:
    """The report's month and the first month of its plan year ("YYYY-MM")."""

    first: str
    month: str

    def months(self) -> list[str]:
        year, last = self.month[:4], int(self.month[5:7])
        start = int(self.first[5:7]) if self.first[:4] == year else 1
        return [f"{year}-{m:02d}" for m in range(start, last + 1)]


def argument_domains(
    reference: ReferenceData, period: Period, series: Mapping[str, object]
) -> dict[str, Domain]:
    """The domain of every parameter the catalogue uses, from the platform's reference data
    (the plan of the report's year), the report period and the statistics' keys."""
    plan = reference.plan_of(int(period.month[:4]))
    return {
        AREA: Domain(
            "area or sector",
            [Choice(s.code, {"en": s.name, "es": s.name_es or s.name}) for s in plan.sectors],
        ),
        ADMIN1: _places(reference, 1),
        ADMIN2: _places(reference, 2),
        POPULATION: _population(),
        MONTH: _months(period),
        KIND: fixed("kind of partner", KINDS),
        CODE: Domain(
            "indicator",
            [Choice(i.code, {"en": i.name, "es": i.name_es or i.name}) for i in plan.indicators],
        ),
        MEASURE: fixed("indicator measure", MEASURES),
        ORGANISATION: Domain(
            "organisation",
            [
                Choice(
                    o.key,
                    {"en": o.names.get("en") or o.name, "es": o.names.get("es", "")},
                    (o.name, o.acronym, *o.aliases),
                )
                for o in sorted(reference.organisations, key=lambda o: normalise(o.name))
            ],
        ),
        SERIES: Domain("official statistic", [Choice(k) for k in sorted(series)]),
    }


def _places(reference: ReferenceData, level: int) -> Domain:
    """Admin units of the platform's countries (within its admin1 scope). Names say where a
    unit is, "Santa (Áncash)", and an admin1's country on a regional platform."""
    gazetteer, scope = reference.gazetteer, set(reference.admin1_scope)
    countries = set(reference.countries)
    units = sorted(  # one pass: a regional gazetteer holds tens of thousands of units
        (
            u
            for u in gazetteer.locations.values()
            if u.level == level
            and u.country in countries
            and (not scope or (u.pcode if level == 1 else u.parent_pcode) in scope)
        ),
        key=lambda u: (reference.countries.index(u.country), u.pcode),
    )
    show_parent = level > 1 or len(reference.countries) > 1
    choices = []
    for unit in units:
        names = {"en": unit.name, "es": "Nacional" if unit.national else unit.name}
        parent = gazetteer.get(unit.parent_pcode)
        if show_parent and parent is not None:
            names = {lang: f"{name} ({parent.name})" for lang, name in names.items()}
        spellings = (unit.name, unit.code, unit.iso, *unit.aliases)
        choices.append(Choice(unit.pcode, names, spellings))
    return Domain(f"admin{level} unit", choices)


def _population() -> Domain:
    choices = [
        Choice(
            code,
            {"en": english, "es": spanish},
            (*POPULATION_GROUP_ALIASES.get(code, ()), *COLUMN_BY_NAME[code].labels),
        )
        for code, (english, spanish) in POPULATION_NAMES.items()
    ]
    return Domain("population group", choices)


def _months(period: Period) -> Domain:
    choices = []
    for month in period.months():
        index, year = int(month[5:7]) - 1, month[:4]
        english, spanish = MONTHS["en"][index], MONTHS["es"][index]
        names = {"en": f"{english} {year}", "es": f"{spanish} de {year}"}
        choices.append(Choice(month, names, (english, spanish, f"{spanish} {year}")))
    return Domain(f"month of the report ({period.first} to {period.month})", choices)


def build_catalogue(
    year: Figures,
    month: Figures,
    frame: pl.DataFrame,
    statistics: Mapping[str, tuple[date, float]],
    reference: ReferenceData,
    areas: tuple[Figures, Figures] | None = None,
    disclosure_k: int = DEFAULT_K,
) -> FigureCatalogue:
    """`year`: figures from the plan year's start to the report month; `month`: the report
    month alone; `frame`: the activities of the plan year up to the report month;
    `statistics`: latest value per series; `reference`: the platform's reference data;
    `areas`: `year` and `month` with sub-sectors counted as their area (FigureOptions
    `roll_up_subsectors`), for figures of one area (`year` and `month` when None);
    `disclosure_k`: the platform's threshold, below which a province's rows are not shown."""
    period = Period(year.date_from or str(month.date_to), str(month.date_to))
    catalogue = FigureCatalogue(domains=argument_domains(reference, period, statistics))
    # An area's figures count its sub-sectors; a sub-sector's are its own rows (in the rolled
    # figures it is no sector at all: it read 0).
    plan = reference.plan_of(int(period.month[:4]))
    tops = {s.code for s in plan.sectors if not s.parent_code}
    by_area = areas or (year, month)

    def pick(area: str | None) -> _Pair:
        return by_area if area in tops else (year, month)

    under = top_sectors(plan)

    def sectors_of(area: str) -> list[str]:
        return [area, *(c for c, t in under.items() if t == area)]

    reported = _reporting(frame, sectors_of, period.month)
    _people(catalogue, pick, reported)
    _organisations(catalogue, pick, frame, sectors_of, reference, reported)
    _activities(catalogue, frame, period, reference, disclosure_k)

    def statistic(series: str) -> float:
        return statistics[series][1]

    catalogue.register("statistic", statistic, "latest value of an official statistic", (SERIES,))
    return catalogue


def _column(population: str | None, cumulative: bool) -> str:
    if population is None:
        return "consolidated_total" if cumulative else "new"
    return f"consolidated_{population}" if cumulative else population


_Pair = tuple[Figures, Figures]  # the plan year up to the month, and the month alone


Reported = Callable[..., None]


def _reporting(
    frame: pl.DataFrame, sectors_of: Callable[[str], list[str]], report_month: str
) -> Reported:
    """A check that raises ValueError when no row of `frame` (the plan year's activities up
    to the report month) is of the area (with its sub-sectors), place and months asked for:
    nothing was reported there, and a figure would print 0 for want of data, not a count
    ("0 people reached in Ica" where nobody reported). `start` None: the plan year's start;
    `end` None: the report month."""

    def check(
        area: str | None = None,
        admin1: str | None = None,
        admin2: str | None = None,
        start: str | None = None,
        end: str | None = None,
    ) -> None:
        end = end or report_month
        rows = frame.filter(
            pl.col("month") <= end, pl.col("month") >= start if start else pl.lit(True)
        )
        for column, value in (("admin1", admin1), ("admin2", admin2)):
            if value is not None:
                rows = rows.filter(pl.col(column) == value)
        if area is not None:
            rows = rows.filter(pl.col("sector").is_in(sectors_of(area)))
        if rows.is_empty():
            what = " ".join(f"{k}={v}" for k, v in (("area", area), ("admin1", admin1),
                                                   ("admin2", admin2)) if v)  # fmt: skip
            when = f"in {end}" if start == end else f"in the plan year up to {end}"
            raise ValueError(
                f"no activity was reported{' for ' + what if what else ''} {when}: write "
                "that in words, a figure would print 0 for want of data"
            )

    return check


def _people(
    catalogue: FigureCatalogue, pick: Callable[[str | None], _Pair], reported: Reported
) -> None:
    # Figures.value gives None for a column the model leaves undefined (population types
    # under max-agd): the catalogue refuses it rather than print a 0; so it does a place or
    # area no row names in the period (`_reporting`).
    def reached(
        area: str | None = None,
        admin1: str | None = None,
        population: str | None = None,
        month: str | None = None,
    ) -> int | None:
        year = pick(area)[0]
        reported(area, admin1, end=month)
        return year.value(_column(population, True), sector=area, admin1=admin1, month=month)

    def reached_month(
        area: str | None = None,
        admin1: str | None = None,
        population: str | None = None,
        month: str | None = None,
    ) -> int | None:
        year, alone = pick(area)
        reported(area, admin1, start=month or year.date_to, end=month or year.date_to)
        figures = alone if month is None else year
        return figures.value(_column(population, False), sector=area, admin1=admin1, month=month)

    parameters = (AREA, ADMIN1, POPULATION, MONTH)
    catalogue.register(
        "reached",
        reached,
        "people reached in the plan year up to the month, without double counting",
        parameters,
    )
    catalogue.register(
        "reached_month", reached_month, "new people reached in the month", parameters
    )


def _levels(reference: ReferenceData) -> tuple[str, str]:
    """ "department", "province": admin1 and admin2 in the words of the platform's one country
    (kipu.core.admin_levels); "admin1 unit", "admin2 unit" for several countries."""
    country = reference.countries[0] if len(reference.countries) == 1 else None
    return admin_levels.words(country, 1).en, admin_levels.words(country, 2).en


def _organisations(
    catalogue: FigureCatalogue,
    pick: Callable[[str | None], _Pair],
    frame: pl.DataFrame,
    sectors_of: Callable[[str], list[str]],
    reference: ReferenceData,
    reported: Reported,
) -> None:
    this_month = pick(None)[1]

    def partners(
        area: str | None = None,
        admin1: str | None = None,
        admin2: str | None = None,
        kind: str = "appealing",
        month: str | None = None,
    ) -> int:
        year, alone = pick(area)
        figures = alone if month is None else year
        when = month or figures.date_to
        reported(area, admin1, admin2, start=when, end=when)
        found = figures.partner_count(kind, sector=area, admin1=admin1, admin2=admin2, month=month)
        if admin2 is not None and not found:
            # Published figures place partners as the open data does: none in a province
            # whose rows it shows by department only, which is not "0 partners" there.
            when = month or figures.date_to
            rows = frame.filter(pl.col("admin2") == admin2, pl.col("month") == when)
            if area is not None:
                rows = rows.filter(pl.col("sector").is_in(sectors_of(area)))
            if not rows.is_empty():
                one, two = _levels(reference)
                raise ValueError(
                    f"this {two}'s rows count fewer people in a group than public data "
                    f"show by {two}: they are counted in their {one} only"
                )
        return found

    def departments(area: str | None = None) -> int:
        month = pick(area)[1]
        reported(area, start=month.date_to, end=month.date_to)
        return month.coverage_count(1, sector=area)

    def provinces(area: str | None = None) -> int:
        month = pick(area)[1]
        reported(area, start=month.date_to, end=month.date_to)
        return month.coverage_count(2, sector=area)

    catalogue.register(
        "partners",
        partners,
        "organisations that reported activities in the month",
        (AREA, ADMIN1, ADMIN2, KIND, MONTH),
    )
    catalogue.register(
        "organisations_reporting",
        lambda: this_month.partner_count("appealing"),
        "organisations that reported in the month",
    )
    catalogue.register("departments", departments, "admin1 units covered in the month", (AREA,))
    catalogue.register("provinces", provinces, "admin2 units covered in the month", (AREA,))


def _activities(
    catalogue: FigureCatalogue,
    frame: pl.DataFrame,
    period: Period,
    reference: ReferenceData,
    k: int,
) -> None:
    def indicator(
        code: str,
        measure: str | None = None,
        admin1: str | None = None,
        admin2: str | None = None,
        organisation: str | None = None,
        month: str | None = None,
    ) -> int:
        # An indicator that counts no people (kits, Other) has its quantity by default; its
        # people are refused: "0 NFI kits" was printed for 870 kits reported.
        found = reference.plan_of(int(period.month[:4])).indicator(code)
        kind = found.kind if found else None
        if measure is None:
            measure = "quantity_output" if kind and not kind.counts_people else "total_monthly"
        elif kind and not kind.counts_people and measure != "quantity_output":
            raise ValueError(
                f"{code} counts no people ({found.type if found else ''}): its figure is "
                'measure="quantity_output"'
            )
        rows = frame.filter(pl.col("indicator") == code, pl.col("month") == (month or period.month))
        places = (("admin1", admin1), ("admin2", admin2), ("appealing_org", organisation))
        for column, value in places:
            if value is not None:
                rows = rows.filter(pl.col(column) == value)
        if admin2 is not None and not rows.filter(small_rows(rows, k)).is_empty():
            # The report is public: "In Tayacaja province, 2 people were reached" named what
            # the open data shows by department only.
            one, two = _levels(reference)
            raise ValueError(
                f"a row of this {two} counts fewer than {k} people in a group: public data "
                f"show it by {one} only, so the {two} has no figure of its own"
            )
        if rows.is_empty():  # 0 would say the partners reported none of it
            raise ValueError(
                f"no row of indicator {code} was reported in {month or period.month} "
                "for these arguments: write that in words, a figure would print 0"
            )
        return int(rows[measure].sum() or 0)

    catalogue.register(
        "indicator",
        indicator,
        "sum of an indicator's column (measure: total_monthly, new_beneficiaries or "
        "quantity_output; by default its people, or its quantity when it counts none) in the "
        "month",
        (CODE, MEASURE, ADMIN1, ADMIN2, ORGANISATION, MONTH),
    )
