"""What a plan import warns of, or refuses, beyond what the plan loader says
(`kipu.core.loaders.plan`): tables the file leaves as stored, targets and proportions it
deletes, figures it clears, indicators
it moves from under stored rows, sectors it empties, and what it renamed or kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kipu.core.figures.notes import Note  # a text in English and Spanish

if TYPE_CHECKING:  # the models load with Django's apps, after this module
    from kipu.web.plans.services import PlanChanges


def kept_as_stored(file: str, plan: Any, content: Any) -> list[str]:
    """A warning per table the file does not give and the plan keeps: a workbook without a
    proportions sheet kept last load's proportions without a word, and figures still used
    them."""
    kept = []
    for name, given, stored in (
        ("targets", content.targets, plan.targets),
        ("proportions", content.proportions, plan.proportions),
    ):
        if not given and (count := stored.count()):
            # "gives no": a sheet whose every row was skipped gives none either
            stored = _counted(count, f"stored {name[:-1]}")
            kept.append(
                f"{file} gives no {name}: the {stored} {'is' if count == 1 else 'are'} kept"
            )
    return kept


def retyped_with_rows(
    file: str, plan: Any, before: dict[str, Any], after: dict[str, Any]
) -> list[Note]:
    """A warning, in English and Spanish, per indicator whose type the reload changed while
    rows of current submissions name it (`plan_snapshot`s before and after: "indicators" code
    → [..., type]): the rows keep their indicator, so when the change moves it in or out of
    people reached (`IndicatorType.counts_people_reached`: PiN, Direct Assistance) their new
    beneficiaries leave or enter every figure of people reached. PRO-01 loaded as Other
    took 21,607 people out of Protection with no word but "indicators kept"."""
    from django.db.models import Count, Sum

    from kipu.web.plans.models import Indicator
    from kipu.web.submissions.models import Activity

    changed = {
        code: (was[4], after["indicators"][code][4])
        for code, was in before["indicators"].items()
        if code in after["indicators"] and was[4] != after["indicators"][code][4]
    }
    if not changed:
        return []
    ids = dict(Indicator.objects.filter(plan=plan, code__in=changed).values_list("pk", "code"))
    counted = (
        Activity.objects.filter(indicator_id__in=list(ids), submission__status="current")
        .values("indicator_id")
        .annotate(rows=Count("id"), people=Sum("new_beneficiaries"))
    )
    return [
        _retyped(file, ids[found["indicator_id"]], *changed[ids[found["indicator_id"]]], found)
        for found in sorted(counted, key=lambda found: ids[found["indicator_id"]])
        if found["rows"]
    ]


def _retyped(file: str, code: str, was: str, now: str, found: Mapping[str, Any]) -> Note:
    """One warning of `retyped_with_rows`."""
    from kipu.core.phrasing import number
    from kipu.core.reference import INDICATOR_TYPES

    def counts(kind: str) -> bool:
        return INDICATOR_TYPES.get(kind, INDICATOR_TYPES["Other"]).counts_people_reached

    rows, people = found["rows"], int(found["people"] or 0)
    en, es = number(people, "en"), number(people, "es")
    if counts(was) and not counts(now):
        effect = (
            f"their {en} new beneficiaries were counted in people reached and no longer are",
            f"sus {es} beneficiarios nuevos se contaban en las personas alcanzadas y ya no",
        )
    elif counts(now) and not counts(was):
        effect = (
            f"their {en} new beneficiaries were not counted in people reached and now are",
            f"sus {es} beneficiarios nuevos no se contaban en las personas alcanzadas y ahora sí",
        )
    else:
        effect = ("people reached do not change", "las personas alcanzadas no cambian")
    return Note(
        f"{file}: indicator {code} changes type from {was} to {now}; {rows} stored rows name "
        f"it: {effect[0]}; if the type was right before, load the file again with {was}",
        f"{file}: el indicador {code} cambia de tipo de {was} a {now}; {number(rows, 'es')} "
        f"filas guardadas lo nombran: {effect[1]}; si el tipo era el correcto, cargue el "
        f"archivo de nuevo con {was}",
    )


# A target's figures, in `plan_snapshot`'s order.
TARGET_FIGURES = ("people in need", "people targeted", "budget")
NAMED = 10  # entries a warning names; the rest are counted


def replaced_whole(
    files: tuple[str, str], before: dict[str, Any], after: dict[str, Any], content: Any
) -> list[str]:
    """What a reload deleted or cleared of the stored targets and proportions, which it
    replaces whole (`plan_snapshot`s before and after; `files`: the targets' file, the
    proportions' file): a target or a proportion the file leaves out, and a figure of a
    target (people in need, targeted, budget) the file leaves empty where one was stored.
    Each went without a word before: a targets file without a `people_in_need` column
    cleared every stored PiN, and one of fewer rows deleted the others' targets."""
    said = []
    tables = (("target", files[0], content.targets), ("proportion", files[1], content.proportions))
    for noun, file, given in tables:
        table = f"{noun}s"
        if not given:
            continue  # the stored ones are kept (`kept_as_stored`)
        left_out = sorted(key for key in before[table] if key not in after[table])
        if left_out:
            said.append(
                f"{file} leaves out {_counted(len(left_out), 'stored ' + noun)} "
                f"({_named(left_out)}): deleted, as {table} are replaced whole; give "
                f"{'it' if len(left_out) == 1 else 'them'} again to keep "
                f"{'it' if len(left_out) == 1 else 'them'}"
            )
    if content.targets:
        kept = [key for key in before["targets"] if key in after["targets"]]
        for position, words in enumerate(TARGET_FIGURES):
            cleared = sorted(
                key
                for key in kept
                if before["targets"][key][position] is not None
                and after["targets"][key][position] is None
            )
            if cleared:
                said.append(
                    f"{files[0]} gives no {words} for {_counted(len(cleared), 'stored target')} "
                    f"that had one ({_named(cleared)}): cleared, as targets are replaced "
                    "whole; give the figures again to keep them"
                )
    return said


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _named(keys: list[str]) -> str:
    """The first keys, sorted by the caller: the database gives them in no set order."""
    shown = ", ".join(keys[:NAMED])
    return shown + (f" and {len(keys) - NAMED} more" if len(keys) > NAMED else "")


def moved_with_rows(file: str, moved: list[tuple[Any, Any]]) -> list[str]:
    """An error per indicator the plan moves to another sector while current submissions'
    rows name it under another: a stored row keeps the sector it was reported under
    (submissions never change once stored), so the new sector's progress would leave its
    rows out without a word, and the old sector would keep counting them. The rows' sectors
    are read from the rows, not taken to be the indicator's sector before: an indicator an
    edit had moved away from its rows' sector could not be moved back, "123 stored rows name
    it under" the wrong sector. Rows already under the new sector are no reason to refuse."""
    from kipu.web.submissions.queries import current_rows_by_indicator_sector

    rows = current_rows_by_indicator_sector([indicator.pk for indicator, _ in moved])
    refused = []
    for indicator, before in moved:
        now = indicator.sector.name_en
        under = [
            (name, n) for pk, name, n in rows.get(indicator.pk, []) if pk != indicator.sector_id
        ]
        if not under:
            continue
        where = under[0][0] if len(under) == 1 else ", ".join(f"{name} ({n})" for name, n in under)
        refused.append(
            f"{file}: indicator {indicator.code} moves from {before.name_en} to {now}, but "
            f"{sum(n for _, n in under)} stored rows name it under {where} and would still count "
            f"there ({now}'s progress would leave them out); keep it under its sector, or give "
            "the moved indicator a new code"
        )
    return refused


def emptied(file: str, changes: PlanChanges) -> list[str]:
    """An error per sector the plan leaves with targets and no indicators, naming the
    indicators that left it and the sub-sectors no longer under it. Refused, not warned: its
    progress would read nothing reached against its targets, and the sectors the file added
    (a list writing "Salud" for the stored Health) are never deleted by a later load, so a
    warned load could not be undone by loading the right file."""
    errors = []
    for sector in changes.emptied:
        gone = [
            f"{indicator.code} to {_sector_name(indicator.sector, changes.added)}"
            for indicator, before in changes.moved
            if before.pk == sector.pk
        ]
        left = [s.name_en for s, before in changes.regrouped if before and before.pk == sector.pk]
        fix: list[str] = []
        if gone:
            fix.append(
                f"if the file means this sector, write it as stored ({sector.name_en}, or its "
                f"code {sector.code})"
            )
        if left:
            fix.append(
                f"give {', '.join(left)} the parent {sector.name_en} again (the sectors sheet's "
                "parent column, or an indicator list's parent_sector)"
            )
        said = (f" (moved: {'; '.join(gone)})" if gone else "") + (
            f" (no longer under it: {', '.join(left)})" if left else ""
        )
        errors.append(
            f"{file}: sector {sector.name_en} ({sector.code}) has targets but would have no "
            f"indicators left{said}; {'; '.join(fix) or 'keep its indicators in the file'}; or, "
            "if it is meant to have none, give the plan's targets again without it (a targets "
            "sheet, or --targets)"
        )
    return errors


def moved_renamed_deleted(file: str, changes: PlanChanges) -> list[str]:
    """A warning per indicator moved to another sector that no stored row names (from now on
    it counts under its new sector), per stored sector renamed or regrouped, and per
    indicator the file leaves out, deleted: a reload changed any of them with only "2
    sectors, 2 indicators" to show for it."""
    moved = [
        f"{file}: indicator {indicator.code} moves from {before.name_en} to "
        f"{_sector_name(indicator.sector, changes.added)}"
        for indicator, before in changes.moved
    ]
    renamed = [
        f"{file}: sector {sector.code} renamed from {english!r} / {spanish!r} to "
        f"{sector.name_en!r} / {sector.name_es!r} (English / Spanish)"
        for sector, english, spanish in changes.renamed
    ]
    regrouped = [
        f"{file}: sector {sector.name_en} "
        + (
            f"is now a sub-sector of {sector.parent.name_en}"
            if sector.parent
            else "is now a sector"
        )
        + (f", no longer under {before.name_en}" if before else "")
        for sector, before in changes.regrouped
    ]
    deleted = [
        f"{file}: indicator {code} {name!r} is not in the file: deleted (no stored row names it)"
        for code, name in changes.deleted
    ]
    return moved + renamed + regrouped + deleted


def _sector_name(sector: Any, added: list[Any]) -> str:
    new = any(sector.pk == a.pk for a in added)
    return f"{sector.name_en} ({sector.code}, a sector this file adds)" if new else sector.name_en
