"""Small hand-built 5W frames and a tiny platform (Peru-like) for the figure engine tests.

A module with a unique name (not conftest) so that tests can import it without clashing with
other test folders' conftest modules.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from kipu.core.frame import activity_frame
from kipu.core.gazetteer import Gazetteer, Location
from kipu.core.reference import (
    Indicator,
    Organisation,
    Plan,
    ReferenceData,
    Sector,
    Target,
)

SECTORS = {"EDU": "Education", "FOOD": "Food Security", "HEA": "Health", "PRO": "Protection"}
LIMA, LIBERTAD, TUMBES, NATIONAL = "PE15", "PE13", "PE24", "PE00"


def locations() -> list[Location]:
    return [
        Location("PE", 0, "PER", "Peru", "PER"),
        Location("EC", 0, "ECU", "Ecuador", "ECU"),
        Location(NATIONAL, 1, "00", "Country level", "PER", "PE", national=True),
        Location(LIMA, 1, "15", "Lima", "PER", "PE"),
        Location(LIBERTAD, 1, "13", "La Libertad", "PER", "PE"),
        Location(TUMBES, 1, "24", "Tumbes", "PER", "PE"),
        Location("PE1501", 2, "1501", "Lima", "PER", LIMA),
        Location("PE1502", 2, "1502", "Barranca", "PER", LIMA),
        Location("PE1301", 2, "1301", "Trujillo", "PER", LIBERTAD),
        Location("EC17", 1, "17", "Pichincha", "ECU", "EC"),
    ]


def reference_data(countries: tuple[str, ...] = ("PER",)) -> ReferenceData:
    sectors = [Sector(code, name) for code, name in SECTORS.items()]
    sectors.append(Sector("GBV", "Protection (GBV)", parent_code="PRO"))
    indicators = [
        Indicator(f"{code}1", f"{name} people", code, "PiN") for code, name in SECTORS.items()
    ]
    indicators += [
        Indicator("GBV1", "GBV survivors", "GBV", "PiN"),
        Indicator("HEA2", "Health staff trained", "HEA", "People"),
        Indicator("EDU9", "Schools equipped", "EDU", "Other"),
    ]
    targets = [
        Target("EDU", LIMA, people_in_need=1000, people_targeted=200),
        Target("", "", people_in_need=10_000, people_targeted=0),
        Target("HEA", TUMBES, people_in_need=50, people_targeted=25),
    ]
    plan = Plan("RMRP 2019", 2019, sectors=sectors, indicators=indicators, targets=targets)
    organisations = [Organisation(f"ORG{i}", f"Organisation {i}", f"O{i}") for i in range(1, 7)]
    return ReferenceData("Test", list(countries), organisations, plan, Gazetteer(locations()))


def activity(**values: Any) -> dict[str, Any]:
    """One 5W row: Lima, ORG1, Education, January 2019, 0 people unless said otherwise.

    `pop` and `agd` shortcuts give the breakdowns as tuples in schema order."""
    row: dict[str, Any] = {
        "country": "PER", "admin1": LIMA, "admin2": None, "appealing_org": "ORG1",
        "implementing_partner": None, "month": "2019-01", "sector": "EDU", "indicator": None,
        "rmrp_activity": True, "cva": False,
    }  # fmt: skip
    pop = values.pop("pop", None)
    agd = values.pop("agd", None)
    row.update(values)
    if row["indicator"] is None:
        row["indicator"] = f"{row['sector']}1"
    if pop is not None:
        names = ("in_destination", "in_transit", "host_community", "pendular", "returnees")
        row.update(dict(zip(names, pop, strict=False)))
    if agd is not None:
        names = ("girls", "boys", "women", "men", "other_under_18", "other_above_18")
        row.update(dict(zip(names, agd, strict=False)))
    return row


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return activity_frame([dict(r) for r in rows])


def compute(*rows: dict[str, Any], reference: ReferenceData | None = None, **options: Any):
    """Figures of the given activity rows under FigureOptions(**options)."""
    from kipu.core.figures import FigureOptions, compute_figures

    return compute_figures(frame(*rows), reference or reference_data(), FigureOptions(**options))


def pick(figures: Any, month: str, sector: str = "Intersector", admin1: str | None = LIMA) -> dict:
    """The one row of `figures.rows` for a month, sector name and admin1 (None = country)."""
    place = pl.col("admin1").is_null() if admin1 is None else pl.col("admin1") == admin1
    found = figures.rows.filter(pl.col("month") == month, pl.col("sector") == sector, place)
    assert found.height == 1, found
    return found.to_dicts()[0]


def base_rows() -> list[dict[str, Any]]:
    """Lima, January 2019: Education 10 new, Food Security 6 new (CVA), Health 3 new whose
    age/sex breakdown is all "other" (so max-cell cannot split it)."""
    return [
        activity(sector="EDU", total_monthly=12, new_beneficiaries=10, pop=(10,), agd=(2, 3, 4, 1)),
        activity(sector="FOOD", total_monthly=6, new_beneficiaries=6, pop=(4, 2),
                 agd=(1, 1, 2, 2), cva=True, value_usd=120.0, delivery_mechanism="Voucher",
                 appealing_org="ORG2", implementing_partner="ORG3"),
        activity(sector="HEA", total_monthly=3, new_beneficiaries=3, pop=(0, 0, 3),
                 agd=(0, 0, 0, 0, 0, 3), appealing_org="ORG3"),
    ]  # fmt: skip
