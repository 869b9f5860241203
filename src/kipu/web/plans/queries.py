"""Reads: plans as core values."""

from __future__ import annotations

from kipu.core import reference as core
from kipu.web.plans.models import Plan
from kipu.web.platforms.models import Platform


def plan_for(platform: Platform, year: int | None = None) -> Plan | None:
    plans = Plan.objects.filter(platform=platform)
    if year is not None:
        return (
            plans.filter(year=year).first() or plans.filter(year__lt=year).order_by("-year").first()
        )
    return plans.order_by("-year").first()


def plan_value(platform: Platform, year: int | None = None) -> core.Plan:
    plan = plan_for(platform, year)
    if plan is None:
        return core.Plan(name="(no plan)", year=year or 0)
    sectors = list(plan.sectors.select_related("parent"))
    return core.Plan(
        name=plan.name,
        year=plan.year,
        classification=plan.classification,
        sectors=[
            core.Sector(
                s.code,
                s.name_en,
                s.name_es,
                s.parent.code if s.parent else "",
                "area" if plan.classification == "areas" else "sector",
            )
            for s in sectors
        ],
        indicators=[
            core.Indicator(i.code, i.name_en, i.sector.code, i.type, i.name_es, i.unit)
            for i in plan.indicators.select_related("sector")
        ],
        targets=[
            core.Target(
                t.sector.code,
                t.admin1.pcode if t.admin1 else "",
                t.people_in_need,
                t.people_targeted,
                float(t.budget_usd),
            )
            for t in plan.targets.select_related("sector", "admin1")
        ],
    )


def plan_summary(platform: Platform) -> list[dict[str, object]]:
    return [
        {
            "name": p.name,
            "year": p.year,
            "classification": p.classification,
            "sectors": [
                {"code": s.code, "name": s.name_en, "indicators": s.indicators.count()}
                for s in p.sectors.all()
            ],
        }
        for p in Plan.objects.filter(platform=platform).prefetch_related("sectors")
    ]
