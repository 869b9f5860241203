"""The one place where who-sees-what is decided. Every query, view, export, report and API call
narrows its querysets through a `Scope`, and views guard themselves with `require`.

Rules, per platform:
- admin (the IM team, or a Django superuser): everything on the platform;
- coordinator: all rows of their sectors or areas (sub-sectors included), in any month;
- partner: their own organisation's submissions and rows, in any month;
- viewer, anonymous visitors and users without a role on the platform: published months only.
Everyone, anonymous included, may read the published months (as aggregates: presenting rows
of other organisations is the caller's choice).

Across platforms: a platform's view holds the rows stored on it, on the platforms under it,
and on those above it in its area (`platforms.queries.view_sources`). Each platform releases
the rows stored on it: a month a platform publishes is public there once every other
platform holding rows of its view in that month has published it too.

Month publication and locking belong to another app, which registers its look-ups with
`register_month_status`; until it does, no month is published or locked.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from functools import cached_property, wraps
from typing import Any, TypeVar

import polars as pl
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from kipu.web.accounts.models import RoleName
from kipu.web.platforms.models import Organisation, Platform

ADMIN, COORDINATOR, PARTNER, VIEWER = (
    RoleName.ADMIN.value,
    RoleName.COORDINATOR.value,
    RoleName.PARTNER.value,
    RoleName.VIEWER.value,
)
PUBLIC = "public"

# Permissions `require` understands.
VIEW_PUBLISHED = "view_published"
VIEW_UNPUBLISHED = "view_unpublished"
UPLOAD = "upload"
COMMENT = "comment"
MANAGE_PLATFORM = "manage_platform"

MonthLookup = Callable[[Platform], Collection[str]]
# The same look-up for several platforms at once: platform id → its months.
MonthsLookup = Callable[[Sequence[Platform]], Mapping[int, Collection[str]]]
PlatformResolver = Callable[[HttpRequest, dict[str, Any]], Platform | None]
M = TypeVar("M", bound=Model)
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def no_months(platform: Platform) -> frozenset[str]:
    return frozenset()


def each_platform(lookup: MonthLookup) -> MonthsLookup:
    """`lookup` asked of each platform in turn (a query each, when it makes one)."""
    return lambda platforms: {p.pk: lookup(p) for p in platforms}


_month_status: dict[str, Any] = {
    "published": no_months,
    "locked": no_months,
    "published_of": each_platform(no_months),
}


def register_month_status(
    *,
    published: MonthLookup | None = None,
    locked: MonthLookup | None = None,
    published_of: MonthsLookup | None = None,
) -> None:
    """Install the look-ups of published and locked months ("YYYY-MM" strings of a platform),
    e.g. from the owning app's AppConfig.ready(); `published_of`, the published months of
    several platforms in one query (else `published` is asked of each)."""
    if published is not None:
        _month_status["published"] = published
        _month_status["published_of"] = published_of or each_platform(published)
    elif published_of is not None:
        _month_status["published_of"] = published_of
    if locked is not None:
        _month_status["locked"] = locked


def published_months(platform: Platform) -> frozenset[str]:
    """The months `platform` itself published (its console's state). What the public may read
    of its view is `public_months`."""
    return frozenset(_month_status["published"](platform))


def public_months(platform: Platform) -> frozenset[str]:
    """The months whose rows and figures the public may read on `platform`
    (`Scope.published_months`): every release of data checks these, not `published_months`."""
    return Scope(platform).published_months


def locked_months(platform: Platform) -> frozenset[str]:
    return frozenset(_month_status["locked"](platform))


class Scope:
    """What one user (or an anonymous visitor) may see and do on one platform."""

    def __init__(
        self,
        platform: Platform,
        role: str = PUBLIC,
        *,
        user: Any = None,
        organisation: Organisation | None = None,
        sectors: Collection[str] = (),
        published_months: MonthLookup | None = None,
        locked_months: MonthLookup | None = None,
    ) -> None:
        self.platform = platform
        self.role = role
        self.user = user
        self.organisation = organisation
        self.sector_codes = frozenset(sectors)
        self._published = published_months
        self._locked = locked_months

    @classmethod
    def for_user(
        cls,
        user: Any,
        platform: Platform,
        *,
        published_months: MonthLookup | None = None,
        locked_months: MonthLookup | None = None,
    ) -> Scope:
        """The scope of `user` (None or AnonymousUser for a visitor) on `platform`."""
        from kipu.web.accounts.queries import role_on

        role: Any = None
        if user is None or not user.is_authenticated or not user.is_active:
            user = None
        elif not user.is_superuser:
            role = role_on(user, platform)
        return cls(
            platform,
            ADMIN if user is not None and user.is_superuser else (role.role if role else PUBLIC),
            user=user,
            organisation=role.organisation if role else None,
            sectors=role.sectors if role else (),
            published_months=published_months,
            locked_months=locked_months,
        )

    def __repr__(self) -> str:
        return f"<Scope {self.role} on {self.platform.slug}>"

    # --- months -------------------------------------------------------------------------

    @cached_property
    def published_months(self) -> frozenset[str]:
        """The months whose rows and figures the public may read on this platform: those it
        published, less those another platform withholds (`withheld_by`)."""
        lookup = self._published or _month_status["published"]
        own = frozenset(lookup(self.platform))
        if not own:
            return own
        withheld = set().union(*self._unreleased(own).values())
        return own - withheld

    def withheld_by(self, month: str) -> list[Platform]:
        """The other platforms that hold rows of this platform's view in `month` (under it, or
        above it in its area) and have not published it. Each platform releases its own rows:
        until they do, the month is not public here, even once this platform published it (a
        local platform publishing December made its national platform's unpublished rows
        public, and a total without them would be short with no word)."""
        unreleased = self._unreleased(frozenset([month]))
        return [other for other, months in unreleased.items() if months]

    def withheld_months(self) -> dict[str, list[Platform]]:
        """Each month this platform published that is not public (`published_months`) → the
        platforms it waits for (`withheld_by`): what its IM team is told wherever the month's
        state shows."""
        lookup = self._published or _month_status["published"]
        own = frozenset(lookup(self.platform))
        found: dict[str, list[Platform]] = {}
        for other, months in self._unreleased(own).items():
            for month in sorted(months):
                found.setdefault(month, []).append(other)
        return found

    def is_above(self, other: Platform) -> bool:
        """Whether `other` is a platform above this one (its parent, at any depth)."""
        ancestor = self.platform.parent
        while ancestor is not None:
            if ancestor.pk == other.pk:
                return True
            ancestor = ancestor.parent
        return False

    @cached_property
    def _sources(self) -> list[Any]:
        """`platforms.queries.view_sources` of the platform, read once."""
        from kipu.web.platforms.queries import view_sources

        return view_sources(self.platform)

    def _unreleased(self, months: frozenset[str]) -> dict[Platform, set[str]]:
        """Each other platform of the view → those of `months` it holds rows of (in the view)
        and has not published. A few queries however many platforms and months: the view,
        the others' published months (one query), and whether each holds rows of each month
        it has not published (`submissions.queries.activities_exist`)."""
        from kipu.web.submissions.queries import activities_exist

        others = [s for s in self._sources if s.platform.pk != self.platform.pk]
        if not others or not months:
            return {s.platform: set() for s in others}
        platforms = [s.platform for s in others]
        if self._published is not None:
            published = each_platform(self._published)(platforms)
        else:
            published = _month_status["published_of"](platforms)
        pending = [
            (source, month)
            for source in others
            for month in sorted(months - frozenset(published.get(source.platform.pk, ())))
        ]
        found = activities_exist([_area(source) & Q(month=month) for source, month in pending])
        held = [pair for pair, exists in zip(pending, found, strict=True) if exists]
        return {
            s.platform: {m for source, m in held if source.platform.pk == s.platform.pk}
            for s in others
        }

    @cached_property
    def locked_months(self) -> frozenset[str]:
        lookup = self._locked or _month_status["locked"]
        return frozenset(lookup(self.platform))

    def is_published(self, month: str) -> bool:
        return month in self.published_months

    def is_locked(self, month: str) -> bool:
        return month in self.locked_months

    # --- querysets ----------------------------------------------------------------------

    @cached_property
    def _view(self) -> Q:
        """The stored activities of the platform's view (`platforms.queries.view_sources`):
        its own, those of the platforms under it, and its share of those above it."""
        view = Q(pk__in=[])
        for source in self._sources:
            view |= _area(source)
        return view

    def activities(self, queryset: QuerySet[M]) -> QuerySet[M]:
        """Activity rows the user may read: their own remit in any month, and every published
        month (for aggregates), within the platform's view."""
        queryset = queryset.filter(self._view)
        if self.role == ADMIN:
            return queryset
        return queryset.filter(self._own_activities() | Q(month__in=self.published_months))

    def own_activities(self, queryset: QuerySet[M]) -> QuerySet[M]:
        """Activity rows of the user's remit only (no published rows of others): for row-level
        lists, exports of detail, and anything that could be edited."""
        queryset = queryset.filter(self._view)
        return queryset if self.role == ADMIN else queryset.filter(self._own_activities())

    def published_activities(self, queryset: QuerySet[M]) -> QuerySet[M]:
        """Rows of the published months: what the public aggregates are computed from."""
        return queryset.filter(self._view, month__in=self.published_months)

    def submissions(self, queryset: QuerySet[M]) -> QuerySet[M]:
        """Submissions (uploads) the user may see. Uploads are never public."""
        from kipu.web.submissions.models import Activity

        queryset = queryset.filter(platform=self.platform)
        if self.role == ADMIN:
            return queryset
        if self.role == PARTNER and self.organisation is not None:
            return queryset.filter(organisation=self.organisation)
        if self.role == COORDINATOR and self.sector_codes:
            rows = Activity.objects.filter(self._sector_q(), platform=self.platform)
            return queryset.filter(pk__in=rows.values("submission_id"))
        return queryset.none()

    def jobs(self, queryset: QuerySet[M]) -> QuerySet[M]:
        """Background jobs (kipu.web.jobs) the user may follow: the IM team every job of the
        platform, anyone else the jobs they started themselves. Jobs are never public."""
        queryset = queryset.filter(platform=self.platform)
        if self.role == ADMIN:
            return queryset
        if self.user is not None:
            return queryset.filter(started_by=self.user)
        return queryset.none()

    def submission_rows(self, submission: Any) -> frozenset[int] | None:
        """The rows of a submission (file row numbers) whose content the user may read: None
        for all of them (the IM team, the organisation's own partners); for a coordinator,
        only the rows of their sectors, so a submission that touches one of their sectors
        does not show the others' rows, issues or cells."""
        if self.role != COORDINATOR:
            return None
        from kipu.web.submissions.models import Activity

        rows = Activity.objects.filter(self._sector_q(), submission=submission)
        return frozenset(rows.values_list("row", flat=True))

    def organisations_visible(self) -> QuerySet[Organisation]:
        """Organisations whose unpublished data the user may see (the member list itself is
        public)."""
        members = Organisation.objects.filter(memberships__platform=self.platform)
        if self.role in (ADMIN, COORDINATOR):
            return members
        if self.role == PARTNER and self.organisation is not None:
            return members.filter(pk=self.organisation.pk)
        return members.none()

    def frame_rows(self, sector_parents: dict[str, str] | None = None) -> pl.Expr:
        """The same rule as `activities()`, for an activity frame (polars) rather than a
        queryset: the user's remit in any month, and every published month."""
        if self.role == ADMIN:
            return pl.lit(True)
        return self.own_frame_rows(sector_parents) | pl.col("month").is_in(
            sorted(self.published_months)
        )

    def own_frame_rows(self, sector_parents: dict[str, str] | None = None) -> pl.Expr:
        """The same rule as `own_activities()`, for an activity frame."""
        if self.role == ADMIN:
            return pl.lit(True)
        if self.role == PARTNER and self.organisation is not None:
            return pl.col("appealing_org") == self.organisation.key
        if self.role == COORDINATOR and self.sector_codes:
            codes = sorted(self.sector_codes)
            parents = pl.col("sector").replace_strict(
                sector_parents or {}, default=None, return_dtype=pl.Utf8
            )
            return pl.col("sector").is_in(codes) | parents.is_in(codes).fill_null(False)
        return pl.lit(False)

    def _own_activities(self) -> Q:
        if self.role == PARTNER and self.organisation is not None:
            return Q(submission__organisation_id=self.organisation.pk)
        if self.role == COORDINATOR and self.sector_codes:
            return self._sector_q()
        return Q(pk__in=[])

    def _sector_q(self, prefix: str = "sector__") -> Q:
        codes = sorted(self.sector_codes)
        return Q(**{f"{prefix}code__in": codes}) | Q(**{f"{prefix}parent__code__in": codes})

    # --- surveys (kipu.web.surveys) ------------------------------------------------------

    def survey_rounds(self, queryset: QuerySet[M]) -> QuerySet[M]:
        """Survey rounds whose results the user may read: the IM team every round of the
        platform; everyone else the current rounds of published months, as aggregates under
        the disclosure rule. Raw answers: `can_read_survey_answers`."""
        queryset = queryset.filter(survey__platform=self.platform)
        if self.role == ADMIN:
            return queryset
        return queryset.filter(status="current", month__in=sorted(self.published_months))

    def can_read_survey_answers(self) -> bool:
        """Raw survey answers (and results before disclosure control): the IM team only."""
        return self.role == ADMIN

    # --- decisions ----------------------------------------------------------------------

    def can_manage_platform(self) -> bool:
        return self.role == ADMIN

    def can_manage_installation(self) -> bool:
        """Whether the user administers the whole installation (a Django superuser): on the
        web, only they change what every platform shares and no platform owns (the gazetteer,
        organisations without an owner platform)."""
        return self.user is not None and bool(self.user.is_superuser)

    def can_view_unpublished(self) -> bool:
        """Whether any unpublished data is visible (partners: only their organisation's)."""
        return self.role in (ADMIN, COORDINATOR, PARTNER)

    def can_read_sector(self, sector: Any) -> bool:
        """Whether the unpublished rows of `sector` (a plans.Sector) are readable in full."""
        if sector.plan.platform_id != self.platform.pk:
            return False
        if self.role == ADMIN:
            return True
        if self.role != COORDINATOR:
            return False
        parent_code = sector.parent.code if sector.parent_id else None
        return sector.code in self.sector_codes or parent_code in self.sector_codes

    def can_comment(self, sector: Any = None) -> bool:
        if self.role == ADMIN:
            return sector is None or self.can_read_sector(sector)
        if self.role == COORDINATOR:
            return bool(self.sector_codes) if sector is None else self.can_read_sector(sector)
        return False

    def can_upload(self, organisation: Organisation, month: str) -> bool:
        """Partners upload or replace their own organisation's month, the IM team any member's,
        until the month is locked."""
        if self.role == PARTNER:
            allowed = self.organisation is not None and organisation.pk == self.organisation.pk
        elif self.role == ADMIN:
            allowed = organisation.memberships.filter(platform=self.platform).exists()
        else:
            allowed = False
        return allowed and not self.is_locked(month)

    def allows(self, permission: str) -> bool:
        """The coarse check `require` makes before a view runs; views still narrow their
        querysets and check objects with the methods above."""
        checks: dict[str, Callable[[], bool]] = {
            VIEW_PUBLISHED: lambda: True,
            VIEW_UNPUBLISHED: self.can_view_unpublished,
            UPLOAD: lambda: self.role in (ADMIN, PARTNER),
            COMMENT: self.can_comment,
            MANAGE_PLATFORM: self.can_manage_platform,
        }
        if permission not in checks:
            raise ValueError(f"unknown permission {permission!r}")
        return checks[permission]()


PERMISSIONS = (VIEW_PUBLISHED, VIEW_UNPUBLISHED, UPLOAD, COMMENT, MANAGE_PLATFORM)


def _area(source: Any) -> Q:
    """The stored activities of a `platforms.queries.Source`, in any month."""
    part = Q(platform_id=source.platform.pk)
    if source.countries is not None:
        part &= Q(country__in=list(source.countries))
    if source.admin1 is not None:
        part &= Q(admin1__pcode__in=list(source.admin1))
    return part


def platform_from_request(request: HttpRequest, kwargs: dict[str, Any]) -> Platform | None:
    """The platform a request is about: the `platform` URL argument (a slug), else the
    `platform` query parameter, else the default platform (the first national one)."""
    slug = kwargs.get("platform") or request.GET.get("platform")
    if slug:
        return get_object_or_404(Platform, slug=slug)
    default = (
        Platform.objects.filter(level=Platform.Level.NATIONAL).first() or Platform.objects.first()
    )
    if default is None:
        raise Http404("no platform yet")
    return default


def require(permission: str, *, platform: PlatformResolver | None = None) -> Callable[[View], View]:
    """Guard a view: anonymous visitors are sent to the login page when the permission needs
    more than public access, signed-in users without it get 403. The view finds its scope with
    `scope_of(request)`. For class-based views: method_decorator(require(...), "dispatch")."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    resolve = platform or platform_from_request

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if permission != VIEW_PUBLISHED and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            found = resolve(request, kwargs)
            if found is None:
                raise PermissionDenied
            scope = Scope.for_user(request.user, found)
            if not scope.allows(permission):
                raise PermissionDenied
            request.kipu_scope = scope  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        # What the guard checks, readable from the URL's view: the menu and the sign-in
        # landing ask the same question (`accounts.navigation.may_open`), so they never
        # offer a page the view would refuse.
        guarded.kipu_permission = permission  # type: ignore[attr-defined]
        guarded.kipu_platform = resolve  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorator


def scope_of(request: HttpRequest, platform: Platform | None = None) -> Scope:
    """The scope `require` attached to the request, or a fresh one for `platform`."""
    scope = getattr(request, "kipu_scope", None)
    if scope is not None and (platform is None or scope.platform.pk == platform.pk):
        return scope
    if platform is None:
        raise LookupError("no scope on this request: guard the view with require() first")
    return Scope.for_user(request.user, platform)
