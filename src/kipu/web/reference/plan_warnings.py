"""What a plan import warns of, or refuses, beyond what the plan loader says
(`kipu.core.loaders.plan`): tables the file leaves as stored, figures it clears, indicators
it moves from under stored rows, sectors it empties, and what it renamed or kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
            kept.append(f"{file} gives no {name}: the {count} stored {name} are kept")
    return kept


# A target's figures, in `plan_snapshot`'s order: (TargetRecord field, what a warning calls it).
TARGET_FIGURES = (
    ("people_in_need", "people in need"),
    ("people_targeted", "people targeted"),
    ("budget_usd", "budget"),
)


def figures_cleared(file: str, before: dict[str, Any], content: Any) -> list[str]:
    """A warning per figure of the targets (people in need, targeted, budget) that the file
    gives for no target while stored targets had it: a targets table replaces the stored one
    whole, so a file without a `people_in_need` column cleared every stored PiN without a
    word, and coverage then read "no data"."""
    if not content.targets:
        return []  # the stored targets are kept (`_kept_as_stored`)
    cleared = []
    for position, (field, words) in enumerate(TARGET_FIGURES):
        if any(getattr(target, field) is not None for target in content.targets):
            continue
        had = sum(values[position] is not None for values in before["targets"].values())
        if had:
            cleared.append(
                f"{file} gives no {words} for any target: the {had} stored {words} "
                f"{'figure is' if had == 1 else 'figures are'} cleared (targets are replaced "
                "whole); give the column to keep them"
            )
    return cleared


def moved_with_rows(file: str, moved: list[tuple[Any, Any]]) -> list[str]:
    """An error per indicator the plan moves to another sector while current submissions'
    rows name it: a stored row keeps the sector it was reported under (submissions never
    change once stored), so the new sector's progress would leave its rows out without a
    word, and the old sector would keep counting them."""
    from kipu.web.submissions.queries import current_rows_by_indicator

    rows = current_rows_by_indicator([indicator.pk for indicator, _ in moved])
    return [
        f"{file}: indicator {indicator.code} moves from {before.name_en} to "
        f"{indicator.sector.name_en}, but {rows[indicator.pk]} stored rows name it under "
        f"{before.name_en} and would still count there ({indicator.sector.name_en}'s progress "
        "would leave them out); keep it under its sector, or give the moved indicator a new "
        "code"
        for indicator, before in moved
        if rows.get(indicator.pk)
    ]


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
