"""Reads: plans as core values."""

from __future__ import annotations

from kipu.core import reference as core
from kipu.web.plans.models import Plan
from kipu.web.platforms.models import Platform


def plan_holder(platform: Platform) -> Platform:
    """The platform whose plans `platform` uses: its own, or when it has none, those of the
    nearest platform above it (a national platform under R4V that keeps R4V's plan, a local
    platform its national platform's)."""
    current: Platform | None = platform
    while current is not None:
        if Plan.objects.filter(platform=current).exists():
            return current
        current = current.parent
    return platform


def plan_for(platform: Platform, year: int | None = None) -> Plan | None:
    """The plan of `year`: that year's, else the latest before it, else the first after it;
    without a year, the latest (of `plan_holder(platform)`). None when there is no plan."""
    plans = Plan.objects.filter(platform=plan_holder(platform))
    if year is not None:
        return (
            plans.filter(year=year).first()
            or plans.filter(year__lt=year).order_by("-year").first()
            or plans.filter(year__gt=year).order_by("year").first()
        )
    return plans.order_by("-year").first()


def plan_value(platform: Platform, year: int | None = None) -> core.Plan:
    plan = plan_for(platform, year)
    return _value(plan) if plan is not None else core.Plan(name="(no plan)", year=year or 0)


def plans_by_year(platform: Platform) -> dict[int, core.Plan]:
    """Every plan of the platform, by year: rows are checked and counted against their own
    year's plan."""
    holder = plan_holder(platform)
    return {plan.year: _value(plan) for plan in Plan.objects.filter(platform=holder)}


def parent_cycles(plan: Plan) -> list[list[str]]:
    """The stored plan's sectors each other's parent (`kipu.core.reference.parent_cycles`),
    for the situation report to say so."""
    parents = plan.sectors.filter(parent__isnull=False).values_list("code", "parent__code")
    return core.parent_cycles(dict(parents))


def _value(plan: Plan) -> core.Plan:
    sectors = list(plan.sectors.select_related("parent"))
    # A sector on a cycle is read as a top-level sector: else no sector of the cycle is an
    # area, and every figure by area leaves them out (`parent_cycles`).
    parents = {s.code: s.parent.code for s in sectors if s.parent}
    cyclic = {code for cycle in core.parent_cycles(parents) for code in cycle}
    return core.Plan(
        name=plan.name,
        year=plan.year,
        classification=plan.classification,
        sectors=[
            core.Sector(
                s.code,
                s.name_en,
                s.name_es,
                s.parent.code if s.parent and s.code not in cyclic else "",
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
                None if t.budget_usd is None else float(t.budget_usd),
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


def plan_snapshot(plan: Plan | None) -> dict[str, dict[str, list[object]]]:
    """What a plan holds, keyed as its audit entries name it (`plans.services.changed_entries`):
    "plan" "name" and "classification" → [the value]; "sectors" code → [English name,
    Spanish name, parent code]; "indicators" code → [sector code, English name, Spanish name,
    unit, type]; "targets" "SECTOR admin1" (admin1 by P-code, "country" for the whole
    country) → [people in need, people targeted, budget in USD as text]; "proportions"
    "SECTOR admin1 population type" → [girls, boys, women, men]. Empty tables for no plan."""
    found: dict[str, dict[str, list[object]]] = {
        "plan": {},
        "sectors": {},
        "indicators": {},
        "targets": {},
        "proportions": {},
    }
    if plan is None or plan.pk is None:
        return found
    found["plan"] = {"name": [plan.name], "classification": [plan.classification]}
    for s in plan.sectors.select_related("parent"):
        found["sectors"][s.code] = [s.name_en, s.name_es, s.parent.code if s.parent else None]
    for i in plan.indicators.select_related("sector"):
        found["indicators"][i.code] = [i.sector.code, i.name_en, i.name_es, i.unit, i.type]
    for t in plan.targets.select_related("sector", "admin1"):
        budget = None if t.budget_usd is None else str(t.budget_usd)
        place = t.admin1.pcode if t.admin1 else "country"
        values: list[object] = [t.people_in_need, t.people_targeted, budget]
        found["targets"][f"{t.sector.code} {place}"] = values
    for p in plan.proportions.select_related("sector", "admin1"):
        key = f"{p.sector.code} {p.admin1.pcode} {p.population_type}"
        found["proportions"][key] = [p.girls, p.boys, p.women, p.men]
    return found


def plan_users(platform: Platform) -> list[Platform]:
    """The platforms whose plans are `platform`'s (`plan_holder`): itself, and the platforms
    under it, at any depth, that have no plan of their own (a national platform keeping R4V's
    plan). A change to the plan is audited on each."""
    found, below = [platform], [platform]
    while below:
        children = Platform.objects.filter(parent__in=below).exclude(plans__isnull=False)
        below = [c for c in children if c not in found]
        found += below
    return found
