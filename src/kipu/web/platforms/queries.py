"""Reads: platforms, organisations, and the reference data of a platform as core values."""

from __future__ import annotations

from kipu.core.reference import Organisation as OrganisationValue
from kipu.core.reference import ReferenceData
from kipu.web.locations.queries import gazetteer
from kipu.web.platforms.models import Membership, Platform


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


def member_organisations(platform: Platform) -> list[OrganisationValue]:
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
            aliases=tuple(m.organisation.aliases),
        )
        for m in memberships.order_by("organisation__name_en")
    ]


def reference_data(platform: Platform, year: int | None = None) -> ReferenceData:
    """What validation and figures need to know of `platform`, for the plan of `year`."""
    from kipu.web.plans.queries import plan_value

    countries = (
        [platform.country]
        if platform.country
        else sorted({c.country for c in platform.children.all() if c.country})
    )
    return ReferenceData(
        platform=platform.slug,
        countries=countries,
        organisations=member_organisations(platform),
        plan=plan_value(platform, year),
        gazetteer=gazetteer(countries or None),
        admin1_scope=list(platform.admin1.values_list("pcode", flat=True)),
    )
