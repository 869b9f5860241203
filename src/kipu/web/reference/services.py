"""Writes of the reference-data pages: edits of one row and imports from a file, each audited.
Imports read with the core loaders (the same as the CLI) and store nothing unless the whole
file is understood.

Organisations and the gazetteer are shared by every platform. An organisation's shared fields
change only where `kipu.web.platforms.queries.can_change_shared` allows it; the gazetteer only
by installation administrators (superusers, the `kipu` command). A change to a shared record
is audited on every platform that uses it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from kipu.core.loaders import LoadError
from kipu.core.phrasing import Note, note_text
from kipu.web.audit.services import record, record_each, snapshot
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.platforms.queries import (
    can_change_shared,
    is_installation_actor,
    platforms_of_country,
    platforms_using,
)
from kipu.web.reference.fields import said
from kipu.web.reference.plan_warnings import (
    emptied,
    kept_as_stored,
    moved_renamed_deleted,
    moved_with_rows,
    replaced_whole,
    retyped_with_rows,
)


@dataclass
class Imported:
    """The outcome of an import. `audit_on`: the platforms the import event goes to (None: the
    importing one); `changed`: shared records it changed, (object, before, after, note), each
    audited on every platform using it."""

    errors: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    audit_on: list[Platform | None] | None = None
    changed: list[tuple[models.Model, dict[str, Any], dict[str, Any], str]] = field(
        default_factory=list
    )

    @property
    def ok(self) -> bool:
        return not self.errors


def before_edit(forms: list[Any]) -> dict[str, Any]:
    """The instances' stored values; taken before validation, which writes into them."""
    return {
        f"{f.instance._meta.model_name}": snapshot(f.instance) if f.instance.pk else None
        for f in forms
    }


@transaction.atomic
def save_edit(
    actor: Any,
    action: str,
    forms: list[Any],
    platform: Platform,
    before: dict[str, Any],
    *,
    ip: str | None = None,
) -> models.Model:
    """Save bound, valid model forms (the first is the audited object) with one audit event
    holding before (from `before_edit`) and after of every form's instance: on `platform`,
    and for a plan's row (a sector, an indicator, a target) on every platform using the plan
    (`plans.queries.plan_users`). Organisations, which platforms share, go through
    `save_organisation`."""
    from kipu.web.plans.models import Plan
    from kipu.web.plans.queries import plan_users

    saved = [form.save() for form in forms]
    after = {f"{s._meta.model_name}": snapshot(s) for s in saved}
    created = all(v is None for v in before.values())
    plan = getattr(saved[0], "plan", None)
    where = plan_users(plan.platform) if isinstance(plan, Plan) else [platform]
    record_each(where, actor, action, saved[0], None if created else before, after, ip=ip)
    return saved[0]


@transaction.atomic
def save_organisation(
    actor: Any,
    organisation_form: Any,
    membership_form: Any,
    platform: Platform,
    before: dict[str, Any],
    *,
    ip: str | None = None,
) -> Organisation:
    """Save the bound, valid forms of the organisation page. The shared record is saved only
    where `actor` may change it (a new organisation is owned by `platform`); the membership of
    `platform` always. One event on `platform` holds both; when the shared record changed,
    every other platform using it gets an event with the organisation's before and after (the
    membership is `platform`'s own business)."""
    organisation = organisation_form.instance
    created = organisation.pk is None
    if created:
        organisation.owner = platform
    if can_change_shared(actor, platform, organisation):
        organisation = organisation_form.save()
    elif organisation_form.has_changed():  # the page shows them read-only: a forged request
        raise PermissionDenied("only the owner platform changes this organisation")
    membership_form.instance.organisation = organisation
    membership = membership_form.save()
    after = {"organisation": snapshot(organisation), "membership": snapshot(membership)}
    action = "add_organisation" if created else "edit_organisation"
    record(actor, action, organisation, None if created else before, after, platform, ip=ip)
    if not created and before.get("organisation") != after["organisation"]:
        others = [p for p in platforms_using(organisation) if p.pk != platform.pk]
        shared_before = {"organisation": before.get("organisation")}
        shared_after = {"organisation": after["organisation"]}
        note = f"changed on {platform.slug}"
        record_each(others, actor, action, organisation, shared_before, shared_after, note, ip=ip)
    return organisation


def notice_text(notice: dict[str, Any]) -> str:
    """One sentence for a notice of an organisations import (see `load_organisations`)."""
    owner = notice.get("owner")
    text = _(
        "row %(row)s: %(organisation)s (%(id)s) is owned by %(owner)s; its shared fields were "
        "not changed, only this platform's membership"
    ) % {
        "row": notice.get("row") or "?",
        "organisation": notice.get("organisation", ""),
        "id": notice.get("id") or _("no registry id"),
        "owner": (
            _("platform %(slug)s") % {"slug": owner}
            if owner
            else _("the installation administrators")
        ),
    }
    if added := notice.get("aliases_added"):
        text += "; " + _("names kept as this platform's aliases: %(names)s") % {
            "names": ", ".join(added)
        }
    return text


def _organisations(platform: Platform, path: Path, options: dict[str, Any], actor: Any) -> Imported:
    """R4V's registry loads as R4V publishes it: rows of the platform's countries only, rows
    that cannot be loaded skipped, an id given to two organisations settled (the loader's
    rules); what was skipped or changed on the way is in the summary's "warnings"."""
    from kipu.core.loaders.organisations import load_organisations
    from kipu.web.platforms.services import load_organisations as store
    from kipu.web.platforms.services import registry_names
    from kipu.web.reference.forms import platform_countries

    loaded = load_organisations(
        path, countries=platform_countries(platform), known_ids=registry_names()
    )
    if not loaded.ok:
        return Imported([said(e) for e in loaded.errors])
    done = store(platform, loaded.records, actor=actor)
    remarks = [f"{path.name}, row {row or '?'}: {remark}" for row, remark in done.remarks]
    if not done.created + done.updated:  # every row refused: nothing stored, as the loader's
        return Imported([*remarks, f"{path.name}: no row could be loaded"])
    summary: dict[str, Any] = {"created": done.created, "updated": done.updated}
    if done.refused:  # rows whose organisation would be a guess (their warnings say why)
        summary["not_loaded"] = done.refused
    if done.notices:
        summary["notices"] = done.notices
    warnings = [said(w) for w in loaded.warnings] + _renamed(path.name, done.changed)
    warnings += remarks
    if warnings:
        summary["warnings"] = warnings
    changed = [(o, before, after, f"row {row}") for o, before, after, row in done.changed]
    return Imported(summary=summary, changed=list(changed))


def _renamed(
    file: str, changed: list[tuple[Any, dict[str, Any], dict[str, Any], Any]]
) -> list[str]:
    """A warning per organisation whose name the load changed: a registry row reusing a known
    id for another organisation renamed it, on every platform using it, with only "1 updated"
    to show for it."""
    found = []
    for organisation, before, after, row in changed:
        if before["name_en"] != after["name_en"]:
            was = before["name_en"] + (f" ({before['acronym']})" if before["acronym"] else "")
            now = after["name_en"] + (f" ({after['acronym']})" if after["acronym"] else "")
            if not organisation.external_id:  # matched by its name, written otherwise
                found.append(
                    f"{file}, row {row}: renamed {was} to {now} (the row writes its name so), "
                    "for every platform using it"
                )
                continue
            found.append(
                f"{file}, row {row}: registry id {organisation.external_id} renamed {was} to "
                f"{now}, for every platform using it; if this row is another organisation, "
                "give it its own id"
            )
    return found


def _plan(platform: Platform, path: Path, options: dict[str, Any], actor: Any) -> Imported:
    from kipu.core.loaders.plan import load_plan
    from kipu.web.locations.queries import gazetteer
    from kipu.web.plans.models import Plan
    from kipu.web.plans.queries import plan_holder, plan_snapshot, plan_users
    from kipu.web.plans.services import PlanChanges, SectorNameTaken, changed_entries
    from kipu.web.plans.services import load_plan as store
    from kipu.web.reference.forms import platform_countries

    countries = platform_countries(platform)
    area = list(platform.admin1.values_list("pcode", flat=True))  # a local platform's units
    targets_file = options.get("targets_file")
    loaded = load_plan(path, gazetteer(countries or None), countries, targets_file, area=area)
    if not loaded.ok:  # in English and Spanish (`said`), as the plan's other messages
        return Imported([said(e) for e in loaded.errors])
    content = loaded.records[0]
    changes = PlanChanges()
    holder = plan_holder(platform)  # whose plans the platform used before this one
    before = plan_snapshot(Plan.objects.filter(platform=platform, year=options["year"]).first())
    try:
        with transaction.atomic():
            plan = store(
                platform,
                options["year"],
                content,
                name=options.get("name") or "",
                classification=options.get("classification") or None,
                changes=changes,
            )
            refused = moved_with_rows(path.name, changes.moved)
            refused += emptied(path.name, changes)
            if refused:
                transaction.set_rollback(True)  # nothing of the file is stored
                return Imported([*refused])
    except SectorNameTaken as error:  # rolled back with the block
        taken = error.args[0]
        return Imported([Note(f"{path.name}: {taken}", f"{path.name}: {note_text(taken, 'es')}")])
    warnings: list[str] = [said(w) for w in loaded.warnings]
    warnings += moved_renamed_deleted(path.name, changes)
    warnings += kept_as_stored(path.name, plan, content)
    after = plan_snapshot(plan)
    warnings += retyped_with_rows(path.name, plan, before, after)
    targets_file = Path(options.get("targets_file") or path).name  # where the targets came from
    warnings += replaced_whole((targets_file, path.name), before, after, content)
    if holder != platform:
        warnings.append(
            Note(
                f"{platform.name} used the plans of {holder.name}; with a plan of its own it "
                "now uses only its own plans, for every year (where it has none, its nearest "
                "year's)",
                f"{platform.name} usaba los planes de {holder.name}; con un plan propio usa ahora "
                "solo sus propios planes, para cada año (donde no tiene, el del año más cercano)",
            )
        )
    if changes.kept:
        kept = ", ".join(changes.kept)
        warnings.append(
            Note(
                f"indicators not in {path.name} are kept, as stored activities use them: {kept}",
                f"los indicadores que no están en {path.name} se conservan, pues actividades "
                f"guardadas los usan: {kept}",
            )
        )
    was, now = changed_entries(before, after)
    return Imported(
        audit_on=list(plan_users(platform)),
        changed=[(plan, was, now, "the plan's entries it changed")] if now else [],
        summary={
            "name": plan.name,
            "year": plan.year,
            "sectors": changes.sectors,
            "indicators": len(content.indicators),
            "targets": len(content.targets),
            **({"warnings": warnings} if warnings else {}),
        },
    )


def _locations(
    platform: Platform | None, path: Path, options: dict[str, Any], actor: Any
) -> Imported:
    """The gazetteer is every platform's: only installation administrators load it, and the
    import is audited on every platform of the countries it changed (and the importing one).
    Without a country (`kipu locations load` of a file with a country column), every country
    of the file is loaded; the loader's warnings (rows of other countries left out) are in the
    summary."""
    from kipu.core.loaders.locations import load_locations
    from kipu.web.locations.services import load_locations as store

    if not is_installation_actor(actor):
        raise PermissionDenied("only installation administrators change the gazetteer")
    country = (options.get("country") or "").upper()
    loaded = load_locations(path, country or None, options.get("vintage") or "")
    if not loaded.ok:
        return Imported([said(e) for e in loaded.errors])
    moved: list[str] = []
    skipped: list[str] = []
    try:
        created, updated = store(loaded.records, moved, skipped)
    except ValueError as error:
        return Imported([f"{path.name}: {error}"])
    loaded_countries = sorted({unit.country for unit in loaded.records})
    concerned: list[Platform | None] = []
    if created + updated:
        concerned = [p for c in loaded_countries for p in platforms_of_country(c)]
    if platform is not None and platform not in concerned:
        concerned.append(platform)
    summary: dict[str, Any] = {
        "country": country or ", ".join(loaded_countries),
        "created": created,
        "updated": updated,
    }
    warnings = [said(w) for w in loaded.warnings] + moved
    warnings += [f"{path.name}: {x}" for x in skipped]
    if warnings:
        summary["warnings"] = warnings
    return Imported(summary=summary, audit_on=list(dict.fromkeys(concerned)) or [None])


def _statistics(platform: Platform, path: Path, options: dict[str, Any], actor: Any) -> Imported:
    from kipu.core.loaders.statistics import load_statistics
    from kipu.web.stats.services import load_statistics as store
    from kipu.web.stats.services import overlapping

    loaded = load_statistics(path)
    if not loaded.ok:
        return Imported([said(e) for e in loaded.errors])
    done = store(platform, loaded.records)
    warnings = [*loaded.warnings, *overlapping(platform, loaded.records)]
    summary = _counted(done.created, done.updated, warnings, done.unchanged)
    return Imported(summary=summary, changed=list(done.changed))


def _events(platform: Platform, path: Path, options: dict[str, Any], actor: Any) -> Imported:
    from kipu.core.loaders.events import load_events
    from kipu.web.locations.queries import gazetteer
    from kipu.web.platforms.queries import member_organisations
    from kipu.web.platforms.services import load_events as store
    from kipu.web.reference.forms import platform_countries

    country = (platform_countries(platform) or [""])[0]
    loaded = load_events(
        path, member_organisations(platform), gazetteer([country] if country else None), country
    )
    if not loaded.ok:
        return Imported([said(e) for e in loaded.errors])
    # The store writes every matched event; what changed is what differs from before.
    dates = {record.date for record in loaded.records}
    was = _event_values(platform, dates)
    created, matched = store(platform, loaded.records)
    now = _event_values(platform, dates)
    changed = [
        (now[pk][0], values, now[pk][1], "changed by the file")
        for pk, (_, values) in was.items()
        if now[pk][1] != values
    ]
    summary = _counted(created, len(changed), loaded.warnings, matched - len(changed))
    return Imported(summary=summary, changed=list(changed))


def _event_values(platform: Platform, dates: set[Any]) -> dict[int, tuple[Any, dict[str, Any]]]:
    """The platform's stored events of `dates` and the values a file sets, as the audit log
    keeps them (organisations by the key a file names them with), by id; in three queries,
    not one per event (an events file may have thousands of rows)."""
    from kipu.web.platforms.models import Event

    found: dict[int, tuple[Any, dict[str, Any]]] = {}
    events = Event.objects.filter(platform=platform, date__in=dates).prefetch_related(
        "organisations"
    )
    for event in events:
        values = snapshot(event, ("title_en", "title_es", "type", "attendance", "admin1"))
        values["description"] = event.description
        values["organisations"] = sorted(o.key for o in event.organisations.all())
        found[event.pk] = (event, values)
    return found


def _counted(created: int, updated: int, warnings: list[Any], unchanged: int = 0) -> dict[str, Any]:
    """The summary of an import that counts its records, with the loader's warnings (columns
    not read): a statistics or events file said nothing of a column it ignored. "updated"
    counts only records whose stored values changed; "unchanged", those given again as
    stored (every row of a reload read "updated", changed or not)."""
    summary: dict[str, Any] = {"created": created, "updated": updated, "unchanged": unchanged}
    if warnings:
        # A loader's in English and Spanish where it has both (`said`).
        summary["warnings"] = [said(w) if isinstance(w, LoadError) else str(w) for w in warnings]
    return summary


IMPORTERS: dict[str, Callable[[Any, Path, dict[str, Any], Any], Imported]] = {
    "organisations": _organisations,
    "plan": _plan,
    "locations": _locations,
    "statistics": _statistics,
    "events": _events,
}


@transaction.atomic
def import_reference(
    kind: str,
    platform: Platform | None,
    path: Path,
    actor: Any,
    options: dict[str, Any] | None = None,
    *,
    file_name: str = "",
    ip: str | None = None,
) -> Imported:
    """Load `path` as `kind` reference data as `actor` (a user, or "cli:<login>"); audited when
    something was stored. The web pages and the `kipu … load` commands both come here
    (`platform` is None only for the gazetteer, which every platform shares). Shared records
    change only where `actor` may change them (module docstring); PermissionDenied when
    `actor` may not import `kind` at all."""
    result = IMPORTERS[kind](platform, path, options or {}, actor)
    if result.ok:
        name = file_name or path.name
        after = {"file": name, **_other_files(options or {}), **result.summary}
        targets = result.audit_on if result.audit_on is not None else [platform]
        record_each(targets, actor, f"import_{kind}", platform, None, after, ip=ip)
        for obj, before, changed, note in result.changed:
            where = platforms_using(obj) if isinstance(obj, Organisation) else targets
            model = obj._meta.model_name
            one = "import_plan_entries" if model == "plan" else f"import_{model}"
            record_each(where, actor, one, obj, before, changed, f"{name}, {note}", ip=ip)
    return result


def _other_files(options: dict[str, Any]) -> dict[str, str]:
    """The names of the other files an import read (a plan's separate targets file, `kipu
    plan load FILE --targets TARGETS`), for its audit event: which targets were loaded."""
    targets = options.get("targets_file")
    return {"targets_file": Path(targets).name} if targets else {}
