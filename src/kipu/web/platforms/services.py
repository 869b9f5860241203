"""Writes: platforms, organisations and memberships."""

from __future__ import annotations

from django.db import transaction

from kipu.core.loaders.events import EventRecord
from kipu.core.loaders.organisations import OrganisationRecord
from kipu.core.text import normalise
from kipu.web.locations.models import Location
from kipu.web.platforms.models import Membership, Organisation, Platform


@transaction.atomic
def add_platform(
    slug: str,
    name: str,
    *,
    country: str = "",
    level: str = "national",
    parent: str | None = None,
    admin1: list[str] | None = None,
    languages: list[str] | None = None,
    synthetic: bool = False,
) -> Platform:
    if Platform.objects.filter(slug=slug).exists():
        raise ValueError(f"a platform {slug!r} exists already")
    if level not in Platform.Level.values:
        raise ValueError(f"level must be one of {', '.join(Platform.Level.values)}")
    parent_row = None
    if parent:
        parent_row = Platform.objects.filter(slug=parent).first()
        if parent_row is None:
            raise ValueError(f"no parent platform {parent!r}")
    platform = Platform.objects.create(
        slug=slug,
        name=name,
        country=country.upper(),
        level=level,
        parent=parent_row,
        languages=languages or ["en", "es"],
        synthetic=synthetic,
    )
    if admin1:
        platform.admin1.set(_admin1_units(platform.country, admin1))
    return platform


def _admin1_units(country: str, texts: list[str]) -> list[Location]:
    from kipu.web.locations.queries import gazetteer

    places = gazetteer([country])
    units, unknown = [], []
    for text in texts:
        found = places.find(text, country, 1)
        if found is None:
            unknown.append(text)
        else:
            units.append(found.pcode)
    if unknown:
        raise ValueError(f"unknown admin1 in {country}: {', '.join(unknown)}")
    return list(Location.objects.filter(pcode__in=units))


@transaction.atomic
def load_organisations(platform: Platform, records: list[OrganisationRecord]) -> tuple[int, int]:
    """Upsert organisations (matched by registry id, else by name) and their memberships."""
    by_id = {o.external_id: o for o in Organisation.objects.exclude(external_id=None)}
    by_name = {normalise(o.name_en): o for o in Organisation.objects.all()}
    created = updated = 0
    for record in records:
        row = by_id.get(record.external_id) if record.external_id else None
        row = row or by_name.get(normalise(record.name))
        if row is None:
            row, created = Organisation(), created + 1
        else:
            updated += 1
        row.external_id = record.external_id or row.external_id
        row.name_en, row.name_es, row.name_pt = record.name, record.name_es, record.name_pt
        row.acronym, row.org_type, row.aliases = record.acronym, record.org_type, record.aliases
        row.save()
        by_name[normalise(row.name_en)] = row
        Membership.objects.update_or_create(
            platform=platform,
            organisation=row,
            defaults={
                "start_date": record.member_since,
                "end_date": record.member_until,
                "sub_working_groups": record.sub_working_groups,
            },
        )
    return created, updated


@transaction.atomic
def load_events(platform: Platform, records: list[EventRecord]) -> tuple[int, int]:
    """Upsert events by (date, title)."""
    from kipu.web.platforms.models import Event

    organisations = {o.key: o for o in Organisation.objects.filter(memberships__platform=platform)}
    places = {x.pcode: x for x in Location.objects.filter(pcode__in={r.admin1 for r in records})}
    created = updated = 0
    for record in records:
        event, was_created = Event.objects.update_or_create(
            platform=platform,
            date=record.date,
            title_en=record.title,
            defaults={
                "title_es": record.title_es,
                "type": record.type,
                "attendance": record.attendance,
                "admin1": places.get(record.admin1),
                "description": record.description,
            },
        )
        event.organisations.set([organisations[k] for k in record.organisations])
        created, updated = (created + 1, updated) if was_created else (created, updated + 1)
    return created, updated
