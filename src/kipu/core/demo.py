"""A deterministic generator of the synthetic demonstration platform (GTRM Peru, 2019).

Everything here is labelled synthetic wherever it shows. The organisations and the published
official figures are real; monthly splits of published totals and every 5W row are invented,
shaped like the November 2019 situation report: 37 organisations reporting in November, in 11
departments and 17 provinces, 30 partners in area 1, 25 in area 2, 21 in area 3.
"""

from __future__ import annotations

import calendar
import random
from datetime import date
from decimal import Decimal

from kipu.core.demo_reference import (
    AREAS,
    ENGLISH_ACRONYMS,
    INDICATORS,
    NON_REPORTING,
    ORGANISATIONS,
    PROVINCES_BY_DEPARTMENT,
)
from kipu.core.loaders.events import EventRecord
from kipu.core.loaders.organisations import OrganisationRecord
from kipu.core.loaders.plan import IndicatorRecord, PlanContent, SectorRecord, TargetRecord
from kipu.core.loaders.statistics import KNOWN_SERIES, ObservationRecord
from kipu.core.schema import AGE_SEX_GROUPS, DELIVERY_MECHANISMS, POPULATION_TYPES

SLUG = "gtrm-peru"
NAME = "GTRM Peru (synthetic demonstration)"
YEAR = 2019
SEED = 2019
NOVEMBER = "2019-11"
NATIONAL = "PE00"
SYNTHETIC_NOTE = "synthetic: monthly split of a published total"


def org_key(index: int) -> str:
    return f"ORG{index + 1:03d}"


# Two organisations joined in November 2019, as the seed report says.
NEW_MEMBERS = {"Illari": date(2019, 11, 12), "PROSA": date(2019, 11, 20)}


def demo_organisations() -> list[OrganisationRecord]:
    return [
        OrganisationRecord(
            name=en,
            name_es=es,
            acronym=acronym,
            org_type=kind,
            external_id=org_key(i),
            aliases=[a for a in (es, ENGLISH_ACRONYMS.get(acronym, en)) if a != en],
            member_since=NEW_MEMBERS.get(acronym, date(2018, 9, 1)),
        )
        for i, (en, es, acronym, kind) in enumerate(ORGANISATIONS)
    ]


def demo_events() -> list[EventRecord]:
    """November 2019's coordination events as the seed report tells them."""
    keys = {acronym: org_key(i) for i, (_, _, acronym, _) in enumerate(ORGANISATIONS)}
    co_leads = [keys["ACNUR"], keys["OIM"]]
    return [
        EventRecord(
            date(2019, 11, 18),
            "Launch of the RMRP 2020 Peru Chapter",
            "Lanzamiento del Capítulo Perú del RMRP 2020",
            "launch",
            100,
            co_leads,
            "PE15",
        ),
        EventRecord(
            date(2019, 11, 21),
            "R training on data analysis and visualisation",
            "Capacitación en R para análisis y visualización de datos",
            "training",
            12,
            co_leads,
            "PE15",
        ),
        EventRecord(
            date(2019, 11, 22),
            "Workshops on GBV case management",
            "Talleres sobre atención de casos de VBG",
            "workshop",
            50,
            [keys["UNFPA"], keys["ACNUR"]],
            "PE24",
        ),
        EventRecord(
            date(2019, 11, 26),
            "Local GTRM structure presented to Tumbes",
            "Presentación de la estructura del GTRM local en Tumbes",
            "meeting",
            None,
            co_leads,
            "PE24",
        ),
        EventRecord(
            date(2019, 11, 28),
            "XVII session of the Intersectoral Migration Work Group",
            "XVII sesión de la Mesa Intersectorial para la Gestión Migratoria",
            "meeting",
            None,
            co_leads,
            "PE15",
        ),
    ]


def demo_plan() -> PlanContent:
    content = PlanContent(
        sectors=[SectorRecord(code, en, es) for code, en, es in AREAS],
        indicators=[
            IndicatorRecord(code, en, area, kind, es, unit)
            for code, area, kind, en, es, unit in INDICATORS
        ],
    )
    for index, (code, _, _) in enumerate(AREAS):
        content.targets.append(
            TargetRecord(
                code,
                "",
                420_000 - 60_000 * index,
                180_000 - 30_000 * index,
                28_000_000.0 - 6_000_000 * index,
            )
        )
        for department in PROVINCES_BY_DEPARTMENT:
            scale = 4 if department in ("PE15", "PE07") else 1
            content.targets.append(
                TargetRecord(code, department, 30_000 * scale, 12_000 * scale, 1_500_000.0 * scale)
            )
    return content


def split_total(total: int, weights: list[float]) -> list[int]:
    """`total` in integer parts proportional to `weights` (largest remainder, exact sum)."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _monthly(
    series: str, year: int, months: list[int], total: int, weights: list[float], source: str
) -> list[ObservationRecord]:
    names = KNOWN_SERIES[series]
    return [
        ObservationRecord(
            series,
            date(year, m, 1),
            _month_end(year, m),
            Decimal(value),
            SYNTHETIC_NOTE,
            source,
            names[0],
            names[1],
            "people",
        )
        for m, value in zip(months, split_total(total, weights), strict=True)
    ]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def demo_statistics() -> list[ObservationRecord]:
    """Published points (shared with the seed report) and monthly arrivals and departures."""
    migraciones = "Superintendencia Nacional de Migraciones (synthetic monthly split)"
    rows: list[ObservationRecord] = []
    ramp = [float(m) for m in range(1, 13)]
    rows += _monthly("entries", 2017, list(range(1, 13)), 180_000, ramp, migraciones)
    rows += _monthly("exits", 2017, list(range(1, 13)), 73_229, ramp, migraciones)
    peak_2018 = [1.0, 1.2, 1.4, 1.6, 1.9, 2.0, 2.3, 2.8, 1.6, 1.3, 1.3, 1.4]
    rows += _monthly(
        "entries", 2018, list(range(2, 13)), 814_801 - 51_955, peak_2018[1:], migraciones
    )
    rows += _monthly(
        "exits", 2018, list(range(2, 13)), 280_635 - 18_040, peak_2018[1:], migraciones
    )
    rows += _published_2018_2019()
    rows += _monthly(
        "entries",
        2019,
        [1, 2, 3, 4, 5, 8],
        418_324 - 88_114 - 18_944,
        [1.0, 1.0, 1.05, 1.1, 1.2, 0.25],
        migraciones,
    )
    rows += _monthly(
        "exits",
        2019,
        [1, 2, 3, 4, 5, 8],
        194_727 - 43_358 - 15_129,
        [1.0, 1.0, 1.0, 1.0, 1.1, 0.6],
        migraciones,
    )
    rows += _monthly("entries", 2019, [10, 11, 12], 21_292 - 6_635, [1.1, 1.0, 0.9], migraciones)
    rows += _monthly("exits", 2019, [10, 11, 12], 38_372 - 8_883, [1.0, 1.0, 1.1], migraciones)
    return rows


def _published_2018_2019() -> list[ObservationRecord]:
    """The points published in the press and the November 2019 report."""
    published = [
        (
            "entries",
            date(2018, 1, 1),
            date(2018, 1, 31),
            51_955,
            "IOM DTM Peru flow monitoring round 2",
        ),
        (
            "exits",
            date(2018, 1, 1),
            date(2018, 1, 31),
            18_040,
            "IOM DTM Peru flow monitoring round 2",
        ),
        ("entries", date(2019, 6, 1), date(2019, 6, 30), 88_114, "Migraciones via El Comercio"),
        ("exits", date(2019, 6, 1), date(2019, 6, 30), 43_358, "Migraciones via El Comercio"),
        ("entries", date(2019, 7, 1), date(2019, 7, 31), 18_944, "Migraciones via El Comercio"),
        ("exits", date(2019, 7, 1), date(2019, 7, 31), 15_129, "Migraciones via El Comercio"),
        ("entries", date(2019, 9, 1), date(2019, 9, 30), 6_635, "Migraciones via El Comercio"),
        ("exits", date(2019, 9, 1), date(2019, 9, 30), 8_883, "Migraciones via El Comercio"),
        ("stock", date(2019, 8, 30), date(2019, 8, 30), 866_009, "Migraciones"),
        ("stock", date(2019, 10, 31), date(2019, 10, 31), 864_214, "Migraciones"),
        # Published rounded ("Above 862,000"); the exact values below are synthetic.
        ("stock", date(2019, 11, 30), date(2019, 11, 30), 862_377, "Migraciones"),
        (
            "asylum_claims_cumulative",
            date(2019, 11, 30),
            date(2019, 11, 30),
            377_468,
            "Comisión Especial para los Refugiados",
        ),
        (
            "ptp_applications_cumulative",
            date(2019, 11, 30),
            date(2019, 11, 30),
            480_523,
            "Migraciones",
        ),
        (
            "arrivals_since_2016_cumulative",
            date(2019, 11, 30),
            date(2019, 11, 30),
            1_532_100,
            "Migraciones",
        ),
    ]
    return [
        ObservationRecord(
            key,
            start,
            end,
            Decimal(value),
            "exact value synthetic" if start == date(2019, 11, 30) else "",
            origin,
            *KNOWN_SERIES[key],
            "people",
        )
        for key, start, end, value, origin in published
    ]


# ---- 5W rows -------------------------------------------------------------------------------

_ACTIVITY_NAMES = {
    "DEA-01": "Food kits and hot meals",
    "DEA-02": "Multipurpose cash transfers",
    "DEA-03": "Primary health care brigades",
    "DEA-04": "Temporary shelter",
    "DEA-05": "NFI kit distribution",
    "PRO-01": "Legal orientation on regularisation",
    "PRO-02": "GBV prevention sessions",
    "PRO-03": "Identification and referral of vulnerable cases",
    "PRO-04": "Training of officials",
    "INT-01": "Entrepreneurship programme",
    "INT-02": "Anti-xenophobia campaign",
    "INT-03": "Teacher training on diversity",
    "INT-04": "Cultural integration events",
}
_BIG = {"PE15": 6.0, "PE07": 2.0, "PE24": 2.5, "PE23": 1.5, "PE04": 1.2}


def _months() -> list[str]:
    return [f"{YEAR}-{m:02d}" for m in range(1, 13)]


def _reporters() -> list[str]:
    return [org_key(i) for i, org in enumerate(ORGANISATIONS) if org[2] not in NON_REPORTING]


def _areas_in_november(position: int) -> list[str]:
    """Area membership by position in November's list: 30 in area 1, 25 in area 2, 21 in area 3."""
    areas = []
    if position < 30:
        areas.append("AREA1")
    if position >= 12:
        areas.append("AREA2")
    if position >= 16:
        areas.append("AREA3")
    return areas


def demo_activities(seed: int = SEED) -> list[dict[str, object]]:
    """Every synthetic 5W row of 2019, as activity-frame records (codes and keys resolved)."""
    rng = random.Random(seed)
    reporters = _reporters()
    rng.shuffle(reporters)
    provinces = [(d, p) for d, ps in PROVINCES_BY_DEPARTMENT.items() for p in ps]
    rows: list[dict[str, object]] = []
    for index, month in enumerate(_months()):
        count = 37 if month == NOVEMBER else (22 if month == "2019-12" else min(36, 26 + index))
        orgs = reporters[:count] if month == NOVEMBER else rng.sample(reporters, count)
        places = provinces if month >= "2019-09" else rng.sample(provinces, 9 + index % 5)
        assignments = [
            (org, area) for pos, org in enumerate(orgs) for area in _areas_in_november(pos)
        ]
        for slot, (org, area) in enumerate(assignments):
            # The first slots cover every place once, so the month's footprint is exactly `places`.
            chosen = [places[slot]] if slot < len(places) else rng.sample(places, rng.randint(1, 2))
            for department, province in chosen:
                rows += _rows_for(rng, org, area, month, department, province, reporters)
        for org, area in assignments[:3]:  # country-level activities (hotlines, remote services)
            rows += _rows_for(rng, org, area, month, NATIONAL, None, reporters)
    for number, row in enumerate(rows, start=2):
        row["row"] = number
    return rows


def _rows_for(
    rng: random.Random,
    org: str,
    area: str,
    month: str,
    admin1: str,
    admin2: str | None,
    reporters: list[str],
) -> list[dict[str, object]]:
    indicators = [i for i in INDICATORS if i[1] == area]
    picked = rng.sample(indicators, rng.randint(1, 2))
    return [
        _row(rng, org, area, code, kind, month, admin1, admin2, reporters)
        for code, _, kind, *_ in picked
    ]


def _row(
    rng: random.Random,
    org: str,
    area: str,
    indicator: str,
    kind: str,
    month: str,
    admin1: str,
    admin2: str | None,
    reporters: list[str],
) -> dict[str, object]:
    partner = rng.choice(reporters) if rng.random() < 0.25 else None
    partner = None if partner == org else partner
    row: dict[str, object] = {
        "country": "PER",
        "admin1": admin1,
        "admin2": admin2,
        "appealing_org": org,
        "implementation": partner is not None,
        "implementing_partner": partner,
        "month": month,
        "sector": area,
        "indicator": indicator,
        "activity_name": _ACTIVITY_NAMES[indicator],
        "activity_description": "",
        "rmrp_activity": True,
        "cva": indicator == "DEA-02",
        "value_usd": None,
        "delivery_mechanism": None,
    }
    scale = _BIG.get(admin1, 1.0)
    if kind == "Other":
        row["quantity_output"] = rng.randint(5, 120)
        return row
    total = max(5, int(rng.randint(15, 260) * scale))
    new = max(1, round(total * rng.uniform(0.35, 0.9)))
    row.update(
        {"quantity_output": rng.randint(1, 60), "total_monthly": total, "new_beneficiaries": new}
    )
    row.update(zip(AGE_SEX_GROUPS, [*split_total(new, _age_sex_weights(rng)), 0, 0], strict=True))
    if kind == "PiN":
        transit = 0.25 if admin1 in ("PE24", "PE23") else 0.04
        weights = [0.8 - transit, transit, 0.12, 0.0, 0.02]
        row.update(zip(POPULATION_TYPES, split_total(new, weights), strict=True))
    if row["cva"]:
        row["value_usd"] = float(new * rng.randint(40, 120))
        row["delivery_mechanism"] = rng.choice(DELIVERY_MECHANISMS[:7])
    return row


def _age_sex_weights(rng: random.Random) -> list[float]:
    return [
        rng.uniform(0.12, 0.2),
        rng.uniform(0.12, 0.2),
        rng.uniform(0.3, 0.4),
        rng.uniform(0.22, 0.32),
    ]
