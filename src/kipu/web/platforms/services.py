"""Writes: platforms, organisations and memberships. Organisations are shared by every platform;
a load changes one only where the actor may (`kipu.web.platforms.queries.can_change_shared`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db import transaction

from kipu.core.loaders.events import EventRecord, title_key
from kipu.core.loaders.organisations import OrganisationRecord
from kipu.core.reference import registry_key
from kipu.core.text import normalise
from kipu.web.locations.models import Location
from kipu.web.platforms.models import Event, Membership, Organisation, Platform
from kipu.web.platforms.org_names import Match, OrganisationNames
from kipu.web.platforms.queries import can_change_shared, is_installation_actor, owner_slug


@transaction.atomic
def add_platform(
    slug: str,
    name: str,
    *,
    country: str = "",
    level: str = "national",
    parent: str | None = None,
    admin1: list[str] | None = None,
    countries: list[str] | None = None,
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
    listed = sorted({c.strip().upper() for c in countries or [] if c.strip()})
    if listed and level != Platform.Level.REGIONAL:
        raise ValueError("only a regional platform lists countries; give others --country")
    if any(len(c) != 3 or not c.isalpha() for c in listed):
        raise ValueError(f"countries must be ISO3 codes such as PER: {', '.join(listed)}")
    platform = Platform.objects.create(
        slug=slug,
        name=name,
        country=country.upper(),
        countries=listed,
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


@dataclass
class OrganisationsLoaded:
    """What `load_organisations` did. `changed` holds each known organisation whose shared
    fields it changed, with their values before and after and the file row (for the audit log
    of every platform using it), and each stored membership of the loading platform it changed,
    likewise (for that platform's audit log); `notices`, one per row naming an organisation the
    loading platform may not change (file row, registry id, owner, the names kept as its
    aliases); `remarks`, (file row, what to say) for each row matched by a name other than the
    English one, refused (`refused` counts them: nothing of theirs is stored), or giving an
    organisation a name another member has (`kipu.web.platforms.org_names`)."""

    created: int = 0
    updated: int = 0
    refused: int = 0
    changed: list[tuple[Organisation | Membership, dict[str, Any], dict[str, Any], int | None]] = (
        field(default_factory=list)
    )
    notices: list[dict[str, Any]] = field(default_factory=list)
    remarks: list[tuple[int | None, str]] = field(default_factory=list)


def shared_values(organisation: Organisation) -> dict[str, Any]:
    """The organisation's shared fields and owner, as the audit log keeps them."""
    values = {f: getattr(organisation, f) for f in Organisation.SHARED_FIELDS}
    return {**values, "aliases": list(values["aliases"]), "owner_id": organisation.owner_id}


def registry_names() -> dict[str, set[str]]:
    """Registry id → the normalised names, acronym and aliases of the organisation Kipu knows
    by it: what the organisations loader needs to settle a registry id R4V's registry gives to
    two organisations (the row naming the one Kipu knows keeps it; docs/reference-data.md)."""
    found: dict[str, set[str]] = {}
    fields = ("external_id", "name_en", "name_es", "name_pt", "acronym", "aliases")
    for code, *names, aliases in Organisation.objects.exclude(external_id=None).values_list(
        *fields
    ):
        found[code] = {normalise(n) for n in (*names, *(aliases or [])) if n}
    return found


@transaction.atomic
def load_organisations(
    platform: Platform, records: list[OrganisationRecord], *, actor: Any = None
) -> OrganisationsLoaded:
    """Upsert organisations and `platform`'s memberships of them.

    A row is matched by its registry id; a row without one, by name: any name a 5W file may name
    the organisation by (`kipu.web.platforms.org_names`), said when it is not the English one. A
    row with a registry id no organisation has creates a new organisation even when another has
    its name (nothing is taken over by name), said when a member of `platform` has it. A row
    whose name is one organisation's and registry id or acronym another's is refused. New
    organisations are owned by `platform`. A known organisation is changed only where `actor`
    (None: the system) may change it (`can_change_shared`); otherwise only the membership is
    created or updated, the file's other names for it are added to the membership's aliases,
    and a notice says so."""
    return _OrganisationLoad(platform, actor).run(records)


class _OrganisationLoad:
    """One run of `load_organisations`: the stored organisations indexed by registry id and by
    name, the platform's memberships, and whether the actor may change each owner's records."""

    def __init__(self, platform: Platform, actor: Any) -> None:
        self.platform, self.actor = platform, actor
        self.members = {m.organisation_id: m for m in Membership.objects.filter(platform=platform)}
        known = list(Organisation.objects.select_related("owner").order_by("pk"))
        # Registry ids by themselves, and all-digit ones also without leading zeros: Excel
        # drops them (00208 read 208), and the next load of the same registry as CSV made a
        # second organisation.
        self.by_id = {o.external_id: o for o in known if o.external_id}
        self.by_id.update({registry_key(i): o for i, o in list(self.by_id.items()) if i.isdigit()})
        self.names = OrganisationNames(known, self.members)
        self._allowed: dict[tuple[bool, int | None], bool] = {}
        self.done = OrganisationsLoaded()

    def run(self, records: list[OrganisationRecord]) -> OrganisationsLoaded:
        for given in records:
            match = self._match(given)
            if match.refused:
                self.done.refused += 1
                self.done.remarks.append((given.row, match.refused))
                continue
            row, record = match.organisation, given
            if row is not None and match.how:
                self.done.remarks.append((given.row, match.how))
                record = _as_named(given, row)
            before = self.names.labels(row) if row is not None else set()
            kept: list[str] | None = None
            if row is None:
                row = Organisation(owner=self.platform)
                _write(row, _values(record, None))  # a new row: absent columns empty
                row.save()
                self.done.created += 1
            elif self._may_change(row):
                self._update(row, record)
            else:
                kept = self._keep_apart(row, record)
            self._membership(row, record, kept)
            self.names.index(row)
            self.done.remarks.extend((given.row, c) for c in self.names.clashes(row, before))
        return self.done

    def _may_change(self, organisation: Organisation) -> bool:
        # can_change_shared depends on the organisation only through these two.
        key = (organisation.pk is None, organisation.owner_id)
        if key not in self._allowed:
            self._allowed[key] = can_change_shared(self.actor, self.platform, organisation)
        return self._allowed[key]

    def _match(self, record: OrganisationRecord) -> Match:
        named = self.names.by_name(record)
        if not record.external_id:
            return named
        found = self.by_id.get(record.external_id) or self.by_id.get(
            registry_key(record.external_id)
        )
        if found is not None:
            clash = self.names.id_clash(found, record)
            return Match(refused=clash) if clash else Match(found)
        # A new registry id names a new organisation, unless the one of that name has no
        # registry id yet and may be changed here: it gets this one.
        row = named.organisation
        if row is not None and not row.external_id and self._may_change(row):
            return named
        return Match()

    def _update(self, row: Organisation, record: OrganisationRecord) -> None:
        self.done.updated += 1
        before = shared_values(row)
        _write(row, _values(record, row))
        if (
            row.owner_id is None
            and is_installation_actor(self.actor)
            and not _used_elsewhere(row, self.platform)
        ):
            row.owner = self.platform  # an organisation nobody uses is adopted by its loader
        after = shared_values(row)
        if after != before:
            row.save()
            self.done.changed.append((row, before, after, record.row))
            if row.external_id:
                self.by_id[row.external_id] = self.by_id[registry_key(row.external_id)] = row

    def _keep_apart(self, row: Organisation, record: OrganisationRecord) -> list[str]:
        """A row naming an organisation the platform may not change: nothing shared changes;
        the names the file gives it that it does not have become the platform's aliases."""
        self.done.updated += 1
        membership = self.members.get(row.pk)
        added = _new_names(row, membership.aliases if membership else [], record)
        if _values(record, row) != {f: getattr(row, f) for f in Organisation.SHARED_FIELDS}:
            self.done.notices.append(
                {
                    "row": record.row,
                    "id": row.external_id or "",
                    "organisation": str(row),
                    "owner": owner_slug(row),
                    "aliases_added": added,
                }
            )
        return added

    def _membership(
        self, row: Organisation, record: OrganisationRecord, kept: list[str] | None
    ) -> None:
        """Create or update the platform's membership of `row`. A field whose column the file
        lacks, or whose cell the loader could not read, keeps its stored value (a registry
        without dates erased them all, as "1 updated"); an empty cell clears it. A change to a
        stored membership is in `changed`, for the audit log."""
        existing = self.members.get(row.pk)
        membership = existing or Membership(platform=self.platform, organisation=row)
        before = _membership_values(membership, row)
        for given, stored in _MEMBERSHIP_FIELDS.items():
            if given not in record.absent | record.unread:
                setattr(membership, stored, getattr(record, given))
        if kept:
            membership.aliases = [*membership.aliases, *kept]
        after = _membership_values(membership, row)
        if existing is None or after != before:
            membership.save()
        if existing is not None and after != before:
            self.done.changed.append((membership, before, after, record.row))
        self.members[row.pk] = membership


# The membership's fields a registry row sets: the record's field → the membership's.
_MEMBERSHIP_FIELDS = {
    "member_since": "start_date",
    "member_until": "end_date",
    "sub_working_groups": "sub_working_groups",
}


def _membership_values(membership: Membership, organisation: Organisation) -> dict[str, Any]:
    """The membership's fields, as the audit log keeps them. With the organisation's name: the
    log shows whose membership changed, and `kipu.web.reference.services._renamed` reads
    "name_en" in every change a load reports."""
    return {
        "name_en": organisation.name_en,
        "start_date": membership.start_date,
        "end_date": membership.end_date,
        "sub_working_groups": list(membership.sub_working_groups),
        "aliases": list(membership.aliases),
    }


def _as_named(record: OrganisationRecord, organisation: Organisation) -> OrganisationRecord:
    """`record`, for the organisation it named by another of its names (Spanish, an alias):
    with its English name, which the row did not give (it renamed CARE "CARE Perú"), and, in
    a file listing aliases, the alias it wrote (the file's aliases replace the stored ones)."""
    aliases = list(record.aliases)
    if aliases and normalise(record.name) in {normalise(a) for a in organisation.aliases}:
        aliases.append(record.name)
    return replace(record, name=organisation.name_en, aliases=aliases)


def _kept_id(given: str, stored: str | None) -> str | None:
    """The registry id a row sets: the one given, unless it is the stored one short of the
    leading zeros Excel dropped (208 for 00208), which stays."""
    if given and stored and given.isdigit() and stored.isdigit():
        return given if len(given) >= len(stored) else stored
    return given or stored


def _values(record: OrganisationRecord, row: Organisation | None) -> dict[str, Any]:
    """The shared fields as `record` would set them on `row`: a row without an id keeps the
    stored one, and a field the file gives nothing for (no column, an empty cell) keeps its
    stored value (a registry of names and acronyms erased another platform's Spanish names
    and aliases)."""
    values = {
        "external_id": _kept_id(record.external_id, row.external_id if row else None),
        "name_en": record.name,
        "name_es": record.name_es,
        "name_pt": record.name_pt,
        "acronym": record.acronym,
        "org_type": record.org_type,
        "aliases": list(record.aliases),
    }
    if row is not None:  # nothing written (no column, or an empty cell) erases nothing
        # (`absent` also holds the membership's fields: `_membership` reads those.)
        kept = record.absent.intersection(values) | {f for f in _KEPT_WHEN_EMPTY if not values[f]}
        values.update({f: getattr(row, f) for f in kept})
    return values


# Fields a registry row leaves as stored when it gives nothing for them: an empty cell in a
# registry is a value not known to that file, not one to erase for every platform (the
# organisation's edit page changes them on purpose).
_KEPT_WHEN_EMPTY = ("name_es", "name_pt", "acronym", "org_type", "aliases")


def _write(row: Organisation, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(row, name, value)


def _used_elsewhere(organisation: Organisation, platform: Platform) -> bool:
    return organisation.memberships.exclude(platform=platform).exists()


def _new_names(
    organisation: Organisation, aliases: list[str], record: OrganisationRecord
) -> list[str]:
    """The names `record` gives the organisation that neither it nor `aliases` have."""
    known = {
        normalise(name)
        for name in (
            organisation.name_en,
            organisation.name_es,
            organisation.name_pt,
            organisation.acronym,
            *organisation.aliases,
            *aliases,
        )
        if name
    }
    added: list[str] = []
    for name in (record.name, record.name_es, record.name_pt, record.acronym, *record.aliases):
        if name and normalise(name) not in known:
            known.add(normalise(name))
            added.append(name)
    return added


@transaction.atomic
def load_events(platform: Platform, records: list[EventRecord]) -> tuple[int, int]:
    """Upsert events by (date, title), the title compared as the loader compares two rows
    (`title_key`: "REUNIÓN  GTRM" is "Reunión GTRM", and takes the file's spelling); (created,
    updated)."""
    organisations = {o.key: o for o in Organisation.objects.filter(memberships__platform=platform)}
    places = {x.pcode: x for x in Location.objects.filter(pcode__in={r.admin1 for r in records})}
    stored: dict[tuple[date, str], list[Event]] = {}
    for known in Event.objects.filter(platform=platform, date__in={r.date for r in records}):
        stored.setdefault((known.date, title_key(known.title_en)), []).append(known)
    created = updated = 0
    for record in records:
        same = stored.setdefault((record.date, title_key(record.title)), [])
        event = _stored_event(same, record.title)
        if event is None:
            event = Event(platform=platform, date=record.date)
            same.append(event)
        was_created = event.pk is None
        event.title_en = record.title
        # A new event takes every field; a stored one those the file has (`given`).
        values = {
            "title_es": record.title_es,
            "type": record.type,
            "attendance": record.attendance,
            "admin1": places.get(record.admin1),
            "description": record.description,
        }
        for name, value in values.items():
            if was_created or name in record.given:
                setattr(event, name, value)
        event.save()
        if was_created or "organisations" in record.given:
            event.organisations.set([organisations[k] for k in record.organisations])
        created, updated = (created + 1, updated) if was_created else (created, updated + 1)
    return created, updated


def _stored_event(same: list[Event], title: str) -> Event | None:
    """Of the stored events of a day with the `title_key` of `title`, the one written exactly
    as `title`, else the first stored; None when there is none. (Before, only an exact title
    matched, so a store may hold both spellings: renaming one into the other would break the
    store's one-title-per-day constraint.)"""
    return min(same, key=lambda e: (e.title_en != title, e.pk or 0), default=None)
