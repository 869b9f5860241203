"""Writes: a platform's plan. Loading upserts sectors and indicators by code (rows that
activities refer to are never deleted) and replaces targets and proportions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import ProtectedError

from kipu.core.loaders.plan import IndicatorRecord, PlanContent, SectorRecord
from kipu.core.phrasing import Note
from kipu.core.text import normalise
from kipu.web.locations.models import Location
from kipu.web.plans.models import Indicator, Plan, Proportion, Sector, Target
from kipu.web.platforms.models import Platform


@dataclass
class PlanChanges:
    """What a load changed beyond its rows, for the import to say or refuse
    (`kipu.web.reference.services`): a reload that wrote the sectors in other words moved
    every indicator into new sectors, and the targets stayed behind, without a word.

    `kept`: codes of indicators the file leaves out that stored activities use;
    `moved`: indicators put in another sector, each with the sector it was in;
    `added`: sectors the load created; `renamed`: stored sectors whose English or Spanish
    name the file changed, each with its names before; `regrouped`: stored sectors given
    another parent (or none) by a file giving parents, each with the one before;
    `emptied`: sectors that had indicators (their own or their sub-sectors') and, with
    targets still on them, have none after; `deleted`: indicators the file leaves out that
    no stored row names, deleted; `sectors`: how many stored sectors the file's sectors are
    (a sector written in English on one row and in Spanish on another is one)."""

    kept: list[str] = field(default_factory=list)
    moved: list[tuple[Indicator, Sector]] = field(default_factory=list)
    added: list[Sector] = field(default_factory=list)
    renamed: list[tuple[Sector, str, str]] = field(default_factory=list)
    regrouped: list[tuple[Sector, Sector | None]] = field(default_factory=list)
    emptied: list[Sector] = field(default_factory=list)
    deleted: list[tuple[str, str]] = field(default_factory=list)  # (code, name) left out
    sectors: int = 0


class SectorNameTaken(ValueError):
    """A new sector of the file has the name of a stored sector (`_stored_code`)."""


@transaction.atomic
def load_plan(
    platform: Platform,
    year: int,
    content: PlanContent,
    *,
    name: str = "",
    classification: str | None = None,
    changes: PlanChanges | None = None,
) -> Plan:
    """Store a year's plan: sectors and indicators updated by code, indicators the file no
    longer has deleted unless stored activities use them, targets and proportions replaced;
    what else changed is added to `changes`, when given. SectorNameTaken (nothing stored, when
    the caller's transaction is rolled back) for a new sector named as a stored one. A name
    or classification not given keeps the stored plan's (a reload of the targets reset "GTRM
    Peru RMRP 2026" to "GTRM Peru 2026" and areas to sectors); a new plan is named after the
    platform and year, by sectors."""
    changes = changes if changes is not None else PlanChanges()
    given = {"name": name, "classification": classification}
    plan, _ = Plan.objects.update_or_create(
        platform=platform,
        year=year,
        defaults={k: v for k, v in given.items() if v},
        create_defaults={
            "name": name or f"{platform.name} {year}",
            "classification": classification or "sectors",
        },
    )
    counted_before = counted_sectors(plan)
    sectors = _load_sectors(plan, content, changes)
    changes.sectors = len({sector.pk for sector in sectors.values()})
    _load_indicators(plan, content.indicators, sectors, changes)
    places = {
        x.pcode: x
        for x in Location.objects.filter(
            pcode__in={t.admin1 for t in content.targets} | {p.admin1 for p in content.proportions}
        )
    }
    if content.targets:
        _replace_targets(plan, content, sectors, places)
    if content.proportions:
        _replace_proportions(plan, content, sectors, places)
    emptied = counted_before - counted_sectors(plan)
    changes.emptied.extend(plan.sectors.filter(pk__in=emptied, targets__isnull=False).distinct())
    return plan


def counted_sectors(plan: Plan) -> set[int]:
    """The sectors with indicators, their own or (a sub-sector's rolled up) their children's."""
    found = set(plan.indicators.values_list("sector_id", "sector__parent_id"))
    return {pk for pair in found for pk in pair if pk is not None}


def _load_indicators(
    plan: Plan,
    records: list[IndicatorRecord],
    sectors: dict[str, Sector],
    changes: PlanChanges,
) -> None:
    # Stored indicators by code as 5W rows find them (case and accents aside): DEA-01 loaded
    # again as dea-01 is that indicator, renamed in place; it was stored a second time, and
    # 5W rows could not tell the two apart.
    stored = {normalise(i.code): i for i in plan.indicators.select_related("sector")}
    for record in records:
        indicator = stored.pop(normalise(record.code), None) or Indicator(plan=plan)
        sector = sectors[record.sector_code]
        if indicator.pk and indicator.sector_id != sector.pk:
            changes.moved.append((indicator, indicator.sector))
        indicator.code, indicator.sector, indicator.type = record.code, sector, record.type
        # A list in Spanish only has no English names: a stored one is kept ("Medical
        # consultations" became "Consultas médicas"); a new indicator has its Spanish one.
        if record.english or not indicator.pk:
            indicator.name_en = record.name
        # A column the file does not have (None) keeps what is stored.
        if record.name_es is not None:
            indicator.name_es = record.name_es
        if record.unit is not None:
            indicator.unit = record.unit
        indicator.save()
    # An indicator the new file leaves out stayed, and 5W rows naming it stayed valid.
    for dropped in stored.values() if records else []:
        code, name = dropped.code, dropped.name_en
        try:
            dropped.delete()
        except ProtectedError:  # stored activities use it: kept, and said
            changes.kept.append(code)
        else:
            changes.deleted.append((code, name))


def _replace_targets(
    plan: Plan, content: PlanContent, sectors: dict[str, Sector], places: dict[str, Location]
) -> None:
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


def _replace_proportions(
    plan: Plan, content: PlanContent, sectors: dict[str, Sector], places: dict[str, Location]
) -> None:
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


def _load_sectors(plan: Plan, content: PlanContent, changes: PlanChanges) -> dict[str, Sector]:
    """The plan's sectors by the file's codes, updated by code; a sector the file names
    without a code is the stored one of that name, English or Spanish, or of that code (a
    list naming its sectors in Spanish made "PROTECCION" beside the stored AREA2: the report
    listed every area twice, once with 0 partners). Sectors created or renamed are added to
    `changes`."""
    by_name: dict[str, tuple[str, bool]] = {}  # a stored name → (code, it is English)
    by_code: dict[str, str] = {}  # a stored code as 5W rows find it (case, accents aside)
    names: dict[str, tuple[str, str]] = {}  # a stored code → its names before the load
    for stored in plan.sectors.all():
        by_code[normalise(stored.code)] = stored.code
        names[stored.code] = (stored.name_en, stored.name_es)
        for text, is_english in ((stored.name_en, True), (stored.name_es, False)):
            if text:
                by_name.setdefault(normalise(text), (stored.code, is_english))
    sectors = {}
    for order, record in enumerate(content.sectors):
        code, written = _stored_code(record, by_name, by_code)
        sector, created = Sector.objects.update_or_create(
            plan=plan,
            code=code,
            defaults={"order": order, **written},
            create_defaults={"order": order, **written, "name_en": record.name},
        )
        sectors[record.code] = sector
        if created:
            changes.added.append(sector)
            by_code[normalise(code)] = code
    _regroup(content, sectors, names, changes)
    for sector in {s.pk: s for s in sectors.values()}.values():
        if sector.code in names and names[sector.code] != (sector.name_en, sector.name_es):
            changes.renamed.append((sector, *names[sector.code]))
    return sectors


def _regroup(
    content: PlanContent,
    sectors: dict[str, Sector],
    names: dict[str, tuple[str, str]],
    changes: PlanChanges,
) -> None:
    """Gives each sector the parent the file gives it, adding stored sectors regrouped to
    `changes`. A file without parents (an indicator list, a sectors sheet without a parent
    column) keeps the stored ones: it made every stored sub-sector a sector, and a sector
    with targets was refused as left without indicators whatever the file."""
    for record in content.sectors:
        sector = sectors[record.code]
        parent = sectors.get(record.parent_code)
        if record.parent_given and sector.parent_id != (parent.pk if parent else None):
            if sector.code in names:
                changes.regrouped.append((sector, sector.parent))
            sector.parent = parent
            sector.save(update_fields=["parent"])


def _names(record: SectorRecord, english: bool = True) -> dict[str, object]:
    """The names of `record` written over the stored ones: its English name unless it is a
    Spanish one (`english`; a file without English names), its Spanish name if the file has
    that column (None: the stored one is kept)."""
    written: dict[str, object] = {"name_en": record.name} if english and record.english else {}
    if record.name_es is not None:
        written["name_es"] = record.name_es
    return written


def _stored_code(
    record: SectorRecord, by_name: dict[str, tuple[str, bool]], by_code: dict[str, str]
) -> tuple[str, dict[str, object]]:
    """The code under which `record` is stored, and the names of the file it is given
    (`_names`; none when a Spanish name or the code without a code column found it).
    SectorNameTaken for a code the plan does not have with the name of a stored sector: 5W
    rows name sectors, and two of one name could not be told apart."""
    if record.code_given:
        code = by_code.get(normalise(record.code))
        names = {normalise(record.name), normalise(record.name_es)} - {""}
        taken = sorted(by_name[key][0] for key in names if key in by_name)
        if code is None and taken:
            raise SectorNameTaken(
                Note(
                    f"sector {record.code} ({record.name}) has the name of the stored sector "
                    f"{taken[0]}: 5W rows naming it could not tell the two apart; give it the "
                    f"code {taken[0]}, or another name",
                    f"el sector {record.code} ({record.name}) tiene el nombre del sector "
                    f"guardado {taken[0]}: las filas 5W que lo nombran no podrían distinguirlos; "
                    f"dele el código {taken[0]}, u otro nombre",
                )
            )
        # "HE, Salud": the stored Spanish name of HE, written with its code, is no new
        # English name (Health was renamed "Salud").
        spanish = code is not None and by_name.get(normalise(record.name)) == (code, False)
        return code or record.code, _names(record, not spanish)
    key = normalise(record.name)
    if key in by_name:  # a Spanish name keeps the stored names ("PROTECCIÓN" renamed nothing)
        code, english = by_name[key]
        return code, _names(record) if english else {}
    if key in by_code:  # the file wrote the code: "HE" is no new name for Health
        return by_code[key], {}
    # "pro" given for the stored PRO is PRO: it made a second sector named Protection.
    return by_code.get(normalise(record.code), record.code), _names(record)


def changed_entries(
    before: dict[str, dict[str, list[object]]], after: dict[str, dict[str, list[object]]]
) -> tuple[dict[str, dict[str, list[object] | None]], dict[str, dict[str, list[object] | None]]]:
    """The entries of two `plans.queries.plan_snapshot`s that differ, as the audit's before
    and after: an entry one side lacks is None on that side; tables without a difference are
    left out. A reload was audited as counts ("targets: 120"): which target changed, from
    what, could not be told."""
    was: dict[str, dict[str, list[object] | None]] = {}
    now: dict[str, dict[str, list[object] | None]] = {}
    for table in after:
        old, new = before.get(table, {}), after[table]
        keys = [k for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]
        if keys:
            was[table] = {k: old.get(k) for k in keys}
            now[table] = {k: new.get(k) for k in keys}
    return was, now
