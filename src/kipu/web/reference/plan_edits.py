"""Edits of one plan entry (a sector, an indicator) on the reference pages, checked as a
reload of the plan making the same change is (`kipu plan load`, the plan import): refused
where it is refused, with its message, and warned where it warns. An edit moved an indicator
that 123 stored rows name under Protection to another sector with only "Saved." to show for
it; every 5W file then failed, and the reload of the right plan was refused. A type changed
from PiN to Other took thousands of people out of people reached with only "Saved."."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kipu.core.figures.notes import Note
from kipu.core.loaders.plan import level_problem
from kipu.web.plans.models import Indicator, Sector
from kipu.web.plans.services import PlanChanges, counted_sectors
from kipu.web.reference.fields import problem_text
from kipu.web.reference.plan_warnings import (
    emptied,
    moved_renamed_deleted,
    moved_with_rows,
    retyped,
)
from kipu.web.reference.services import save_edit


def parent_problem(sector: Sector, parent: Sector | None) -> str | None:
    """Why `sector` cannot have `parent` (None: it is a top-level sector), in the page's
    language, by the plan loader's rule (`level_problem`) applied to the stored plan with this
    change: a parent that is itself a sub-sector, two sectors each other's parent, or a
    sector with sub-sectors put under another; else None."""
    stored = Sector.objects.filter(plan_id=sector.plan_id).select_related("parent")
    parent_of = {s.code: s.parent.code for s in stored if s.parent and s.pk != sector.pk}
    if parent is not None:
        parent_of[sector.code] = parent.code
    if problem := level_problem(
        sector.code, parent_of.get(sector.code, ""), _written(parent), parent_of
    ):
        return problem_text(problem)
    for child, above in sorted(parent_of.items()):
        if above == sector.code and (problem := level_problem(child, above, above, parent_of)):
            return _("sub-sector %(code)s: %(problem)s") % {
                "code": child,
                "problem": problem_text(problem),
            }
    return None


def _written(parent: Sector | None) -> str:
    return parent.code if parent is not None else ""


# Where a reload names its file, its warnings name this edit (`plan_warnings`, which also
# tells an edit's remedy from a file's by it being a Note).
EDIT = Note("This edit", "Esta edición")


def save_plan_entry(
    actor: Any, action: str, form: Any, platform: Any, before: dict[str, Any], *, ip: str | None
) -> tuple[list[Note], list[Note]]:
    """Save the valid form of a sector or an indicator (`save_edit`, audited) unless a reload
    making the change would be refused: (errors, nothing stored), else ([], warnings), each
    in English and Spanish. The checks are the reload's (`kipu.web.reference.plan_warnings`):
    an indicator moved from under stored rows, a sector with targets left without
    indicators; and its warnings, among them an indicator whose new type moves its stored
    rows' people in or out of people reached."""
    entry = form.instance
    stored = type(entry).objects.select_related("plan").get(pk=entry.pk)
    changes = PlanChanges()
    with transaction.atomic():
        counted = counted_sectors(stored.plan)
        saved: Any = save_edit(actor, action, [form], platform, before, ip=ip)
        if isinstance(stored, Indicator) and stored.sector_id != saved.sector_id:
            changes.moved.append((saved, stored.sector))
        if isinstance(stored, Sector) and stored.parent_id != saved.parent_id:
            changes.regrouped.append((saved, stored.parent))
        gone = counted - counted_sectors(stored.plan)
        changes.emptied.extend(
            stored.plan.sectors.filter(pk__in=gone, targets__isnull=False).distinct()
        )
        refused = moved_with_rows(EDIT, changes.moved) + emptied(EDIT, changes)
        if refused:
            transaction.set_rollback(True)  # neither the change nor its audit event is kept
            return refused, []
    warnings = moved_renamed_deleted(EDIT, changes)
    if isinstance(stored, Indicator) and stored.type != saved.type:
        warnings += retyped(EDIT, stored.plan, {saved.code: (stored.type, saved.type)})
    return [], warnings
