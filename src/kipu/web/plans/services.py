"""Writes: a platform's plan. Loading upserts sectors and indicators by code (rows that
activities refer to are never deleted) and replaces targets and proportions."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError

from kipu.core.loaders.plan import PlanContent
from kipu.core.text import normalise
from kipu.web.locations.models import Location
from kipu.web.plans.models import Indicator, Plan, Proportion, Sector, Target
from kipu.web.platforms.models import Platform


@transaction.atomic
def load_plan(
    platform: Platform,
    year: int,
    content: PlanContent,
    *,
    name: str = "",
    classification: str = "sectors",
    kept: list[str] | None = None,
    moved: list[tuple[Indicator, Sector]] | None = None,
) -> Plan:
    """Store a year's plan: sectors and indicators updated by code, indicators the file no
    longer has deleted unless stored activities use them (their codes are added to `kept`,
    when given), targets and proportions replaced. An indicator the file puts in another
    sector is added to `moved` with the sector it was in, when given: stored rows keep the
    sector they were reported under (`kipu.web.reference.services`)."""
    plan, _ = Plan.objects.update_or_create(
        platform=platform,
        year=year,
        defaults={"name": name or f"{platform.name} {year}", "classification": classification},
    )
    sectors = _load_sectors(plan, content)
    # Stored indicators by code as 5W rows find them (case and accents aside): DEA-01 loaded
    # again as dea-01 is that indicator, renamed in place; it was stored a second time, and
    # 5W rows could not tell the two apart.
    stored = {normalise(i.code): i for i in plan.indicators.all()}
    for record in content.indicators:
        indicator = stored.pop(normalise(record.code), None) or Indicator(plan=plan)
        sector = sectors[record.sector_code]
        if moved is not None and indicator.pk and indicator.sector_id != sector.pk:
            moved.append((indicator, indicator.sector))
        indicator.code, indicator.sector = record.code, sectors[record.sector_code]
        indicator.name_en, indicator.type = record.name, record.type
        # A column the file does not have (None) keeps what is stored.
        if record.name_es is not None:
            indicator.name_es = record.name_es
        if record.unit is not None:
            indicator.unit = record.unit
        indicator.save()
    # An indicator the new file leaves out stayed, and 5W rows naming it stayed valid.
    for dropped in stored.values() if content.indicators else []:
        try:
            dropped.delete()
        except ProtectedError:  # stored activities use it: kept, and said
            if kept is not None:
                kept.append(dropped.code)
    places = {
        x.pcode: x
        for x in Location.objects.filter(
            pcode__in={t.admin1 for t in content.targets} | {p.admin1 for p in content.proportions}
        )
    }
    if content.targets:
        plan.targets.all().delete()
        Target.objects.bulk_create(
            Target(
                plan=plan,
                sector=sectors[t.sector_code],
                admin1=places.get(t.admin1),
                people_in_need=t.people_in_need,
                people_targeted=t.people_targeted,
                budget_usd=None if t.budget_usd is None else round(t.budget_usd, 2),
            )
            for t in content.targets
        )
    if content.proportions:
        plan.proportions.all().delete()
        Proportion.objects.bulk_create(
            Proportion(
                plan=plan,
                sector=sectors[p.sector_code],
                admin1=places[p.admin1],
                population_type=p.population_type,
                **p.shares,
            )
            for p in content.proportions
        )
    return plan


def _load_sectors(plan: Plan, content: PlanContent) -> dict[str, Sector]:
    """The plan's sectors by the file's codes, updated by code; a sector the file names
    without a code is the stored one of that name, English or Spanish (a list naming its
    sectors in Spanish made "PROTECCION" beside the stored AREA2: the report listed every
    area twice, once with 0 partners)."""
    by_name: dict[str, tuple[str, str]] = {}  # a stored name → (code, "en" or "es")
    by_code: dict[str, str] = {}  # a stored code as 5W rows find it (case, accents aside)
    for stored in plan.sectors.all():
        by_code[normalise(stored.code)] = stored.code
        for text, lang in ((stored.name_en, "en"), (stored.name_es, "es")):
            if text:
                by_name.setdefault(normalise(text), (stored.code, lang))
    sectors = {}
    for order, record in enumerate(content.sectors):
        # "pro" given for the stored PRO is PRO: it made a second sector named Protection.
        code, lang = by_code.get(normalise(record.code), record.code), "en"
        if not record.code_given:
            code, lang = by_name.get(normalise(record.name), (code, "en"))
        defaults: dict[str, object] = {"order": order}
        if lang == "en":  # a Spanish name found the sector: its names are kept as stored
            defaults["name_en"] = record.name
            if record.name_es is not None:  # no such column: the stored name is kept
                defaults["name_es"] = record.name_es
        sectors[record.code], _ = Sector.objects.update_or_create(
            plan=plan, code=code, defaults=defaults
        )
    for record in content.sectors:
        sector = sectors[record.code]
        parent = sectors.get(record.parent_code)
        if sector.parent_id != (parent.pk if parent else None):
            sector.parent = parent
            sector.save(update_fields=["parent"])
    return sectors
