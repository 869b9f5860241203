"""Writes of the reference-data pages: edits of one row and imports from a file, each audited.
Imports read with the core loaders (the same as the CLI) and store nothing unless the whole
file is understood."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from kipu.web.audit.services import record, snapshot
from kipu.web.platforms.models import Platform


@dataclass
class Imported:
    errors: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

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
    holding before (from `before_edit`) and after of every form's instance."""
    saved: list[models.Model] = []
    for form in forms:
        # A new membership belongs to the organisation saved just before it.
        if (
            saved
            and hasattr(form.instance, "organisation_id")
            and not form.instance.organisation_id
        ):
            form.instance.organisation = saved[0]
        saved.append(form.save())
    after = {f"{s._meta.model_name}": snapshot(s) for s in saved}
    created = all(v is None for v in before.values())
    record(actor, action, saved[0], None if created else before, after, platform, ip=ip)
    return saved[0]


def _organisations(platform: Platform, path: Path, options: dict[str, Any]) -> Imported:
    from kipu.core.loaders.organisations import load_organisations
    from kipu.web.platforms.services import load_organisations as store

    loaded = load_organisations(path)
    if not loaded.ok:
        return Imported([str(e) for e in loaded.errors])
    created, updated = store(platform, loaded.records)
    return Imported(summary={"created": created, "updated": updated})


def _plan(platform: Platform, path: Path, options: dict[str, Any]) -> Imported:
    from kipu.core.loaders.plan import load_plan
    from kipu.web.locations.queries import gazetteer
    from kipu.web.plans.services import load_plan as store
    from kipu.web.reference.forms import platform_countries

    country = (platform_countries(platform) or [""])[0]
    loaded = load_plan(
        path, gazetteer([country] if country else None), country, options.get("targets_file")
    )
    if not loaded.ok:
        return Imported([str(e) for e in loaded.errors])
    content = loaded.records[0]
    plan = store(
        platform,
        options["year"],
        content,
        name=options.get("name") or "",
        classification=options.get("classification") or "sectors",
    )
    return Imported(
        summary={
            "name": plan.name,
            "year": plan.year,
            "sectors": len(content.sectors),
            "indicators": len(content.indicators),
            "targets": len(content.targets),
        }
    )


def _locations(platform: Platform | None, path: Path, options: dict[str, Any]) -> Imported:
    from kipu.core.loaders.locations import load_locations
    from kipu.web.locations.services import load_locations as store

    loaded = load_locations(path, options["country"], options.get("vintage") or "")
    if not loaded.ok:
        return Imported([str(e) for e in loaded.errors])
    created, updated = store(loaded.records)
    return Imported(summary={"country": options["country"], "created": created, "updated": updated})


def _statistics(platform: Platform, path: Path, options: dict[str, Any]) -> Imported:
    from kipu.core.loaders.statistics import load_statistics
    from kipu.web.stats.services import load_statistics as store

    loaded = load_statistics(path)
    if not loaded.ok:
        return Imported([str(e) for e in loaded.errors])
    created, updated = store(platform, loaded.records)
    return Imported(summary={"created": created, "updated": updated})


def _events(platform: Platform, path: Path, options: dict[str, Any]) -> Imported:
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
        return Imported([str(e) for e in loaded.errors])
    created, updated = store(platform, loaded.records)
    return Imported(summary={"created": created, "updated": updated})


IMPORTERS: dict[str, Callable[[Any, Path, dict[str, Any]], Imported]] = {
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
    """Load `path` as `kind` reference data; audited when something was stored. The web
    pages and the `kipu … load` commands both come here (`platform` is None only for the
    gazetteer, which every platform shares)."""
    result = IMPORTERS[kind](platform, path, options or {})
    if result.ok:
        after = {"file": file_name or path.name, **result.summary}
        record(actor, f"import_{kind}", platform, None, after, platform, ip=ip)
    return result
