"""Reads: platforms, organisations, and the reference data of a platform as core values; and
who may change the records every platform shares (`can_change_shared`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from kipu.core import reference as core
from kipu.core.reference import Organisation as OrganisationValue
from kipu.core.reference import ReferenceData
from kipu.web.locations.queries import gazetteer
from kipu.web.platforms.models import Membership, Organisation, Platform


class PlatformNotFound(LookupError):
    pass


def platform_named(slug: str | None) -> Platform:
    """The platform `slug`; with no slug, the only platform there is."""
    if slug:
        found = Platform.objects.filter(slug=slug).first()
        if found is None:
            known = ", ".join(Platform.objects.values_list("slug", flat=True)) or "none yet"
            raise PlatformNotFound(f"no platform {slug!r} (known: {known})")
        return found
    platforms = list(Platform.objects.all()[:2])
    if len(platforms) == 1:
        return platforms[0]
    raise PlatformNotFound(
        "several platforms exist: name one with --platform"
        if platforms
        else "no platform yet: run `kipu platforms add` or `kipu demo load`"
    )


def list_platforms() -> list[dict[str, object]]:
    return [
        {
            "slug": p.slug,
            "name": p.name,
            "country": p.country or None,
            "level": p.level,
            "parent": p.parent.slug if p.parent else None,
            "synthetic": p.synthetic,
            "organisations": p.memberships.count(),
        }
        for p in Platform.objects.select_related("parent")
    ]


def is_installation_actor(actor: Any) -> bool:
    """Whether `actor` acts for the whole installation: a Django superuser, the `kipu` command
    (an audit label "cli:<login>") or the system (None: code the operator runs, such as the
    demonstration loader). Nobody else may change a record no platform owns."""
    if actor is None:
        return True
    if isinstance(actor, str):
        return actor.startswith("cli:")
    return bool(getattr(actor, "is_active", False) and getattr(actor, "is_superuser", False))


def can_change_shared(actor: Any, platform: Platform, organisation: Organisation) -> bool:
    """The one rule for the shared fields of an organisation (`Organisation.SHARED_FIELDS`):
    installation administrators may change every organisation; an administrator of `platform`
    may change those `platform` owns, and create new ones (which `platform` will own). Being a
    member gives no right to change the shared record: a platform keeps its own names in its
    membership's aliases."""
    if is_installation_actor(actor):
        return True
    if organisation.pk is not None and organisation.owner_id != platform.pk:
        return False
    if isinstance(actor, str) or not getattr(actor, "is_authenticated", False):
        return False  # another label ("system", "anonymous") or an anonymous visitor
    from kipu.web.accounts.scope import Scope

    return Scope.for_user(actor, platform).can_manage_platform()


def owner_slug(organisation: Organisation) -> str | None:
    """The owner platform's slug; None for an organisation no platform owns (the installation's)."""
    return organisation.owner.slug if organisation.owner is not None else None


def platforms_using(organisation: Organisation) -> list[Platform]:
    """The platforms a change of the shared organisation concerns: its members and its owner."""
    query = Q(memberships__organisation=organisation)
    if organisation.owner_id:
        query |= Q(pk=organisation.owner_id)
    return list(Platform.objects.filter(query).distinct().order_by("slug"))


def platforms_of_country(country: str) -> list[Platform]:
    """The platforms whose gazetteer includes `country` (ISO3): national and local platforms of
    the country, and the regional platforms with a member platform in it."""
    query = Q(country=country) | Q(country="", children__country=country)
    return list(Platform.objects.filter(query).distinct().order_by("slug"))


def member_organisations(platform: Platform) -> list[OrganisationValue]:
    """The platform's members as core values. Aliases are the organisation's shared ones and
    the platform's own (its membership's), which no other platform sees."""
    memberships = Membership.objects.filter(platform=platform).select_related("organisation")
    return [
        OrganisationValue(
            key=m.organisation.key,
            name=m.organisation.name_en,
            acronym=m.organisation.acronym,
            org_type=m.organisation.org_type,
            names={
                k: v
                for k, v in (
                    ("en", m.organisation.name_en),
                    ("es", m.organisation.name_es),
                    ("pt", m.organisation.name_pt),
                )
                if v
            },
            aliases=tuple(dict.fromkeys([*m.organisation.aliases, *m.aliases])),
        )
        for m in memberships.order_by("organisation__name_en")
    ]


def platform_countries(platform: Platform) -> list[str]:
    """The countries (ISO3) a platform covers: a national or local platform its own; a
    regional platform those it lists (`Platform.countries`) and those of its member
    platforms, at any depth."""
    if platform.country:
        return [platform.country]
    found = set(platform.countries or [])
    pending = list(platform.children.all())
    while pending:
        child = pending.pop()
        found |= {child.country} if child.country else set(child.countries or [])
        pending.extend(child.children.all())
    return sorted(c for c in found if c)


@dataclass(frozen=True)
class Source:
    """Stored rows a platform's view reads: those of `platform`, all of them, or only those in
    `countries` (ISO3) or `admin1` (P-codes) when given."""

    platform: Platform
    countries: tuple[str, ...] | None = None
    admin1: tuple[str, ...] | None = None


def view_sources(platform: Platform) -> list[Source]:
    """Whose stored rows make up `platform`'s data: one store, every level's view.

    A platform reads every row stored on it and on the platforms under it (a regional
    platform its national platforms', a national one its local platforms'), and the rows
    of the platforms above it that fall in its own area: its countries, or a local
    platform's admin1 units. Rows are imported once, on one level; none is counted twice
    unless the same activity is imported on two levels.

    Two queries however many platforms there are (the platforms, the platform's admin1
    units): every release check of a public request reads it.
    """
    every = {p.pk: p for p in Platform.objects.all()}  # ordered by slug
    children: dict[int, list[Platform]] = {}
    for other in every.values():
        if other.parent_id is not None:
            children.setdefault(other.parent_id, []).append(other)
    found = [Source(platform)]
    pending = list(children.get(platform.pk, []))
    while pending:
        child = pending.pop(0)
        found.append(Source(child))
        pending.extend(children.get(child.pk, []))
    admin1 = tuple(platform.admin1.order_by("pcode").values_list("pcode", flat=True))
    countries = tuple(_countries_in(every.get(platform.pk, platform), children))
    ancestor = every.get(platform.parent_id) if platform.parent_id else None
    while ancestor is not None:
        found.append(Source(ancestor, None if admin1 else countries, admin1 or None))
        ancestor = every.get(ancestor.parent_id) if ancestor.parent_id else None
    return found


def _countries_in(platform: Platform, children: dict[int, list[Platform]]) -> list[str]:
    """`platform_countries`, from the platforms read already (`children`: parent id → them)."""
    if platform.country:
        return [platform.country]
    found = set(platform.countries or [])
    pending = list(children.get(platform.pk, []))
    while pending:
        child = pending.pop()
        found |= {child.country} if child.country else set(child.countries or [])
        pending.extend(children.get(child.pk, []))
    return sorted(c for c in found if c)


def reference_data(platform: Platform, year: int | None = None) -> ReferenceData:
    """What validation and figures need to know of `platform`, for the plan of `year`."""
    from kipu.web.plans.queries import plan_value, plans_by_year

    countries = platform_countries(platform)
    own = plans_by_year(platform)
    return ReferenceData(
        platform=platform.slug,
        countries=countries,
        organisations=member_organisations(platform),
        plan=plan_value(platform, year),
        gazetteer=gazetteer(countries or None),
        admin1_scope=list(platform.admin1.values_list("pcode", flat=True)),
        plans=own,
        store_plans=store_plans(platform),
    )


def store_plans(platform: Platform) -> dict[str, dict[int, core.Plan]]:
    """The plans of each platform storing rows of `platform`'s view (`view_sources`) whose
    plans are not `platform`'s (`plan_holder`), by its slug: its rows were checked against
    them. A local platform with a plan of its own read its national platform's rows with
    its own plan's codes, and rows of indicators its plan lacks dropped out of people
    reached."""
    from kipu.web.plans.queries import plan_holder, plans_by_year

    own = plan_holder(platform).pk
    found = {}
    for source in view_sources(platform):
        if source.platform.slug not in found and plan_holder(source.platform).pk != own:
            found[source.platform.slug] = plans_by_year(source.platform)
    return found
