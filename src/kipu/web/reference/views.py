"""Reference data of a platform (/reference/): organisations and memberships, the plan (sectors,
indicators, targets), locations, official statistics and events. Lists and search are public
(they hold no 5W data; the public pages show the same); edits and imports are for platform
administrators and audited. Rows of another platform are "not found".

Organisations and locations are shared by every platform: a platform administrator changes
only the organisations their platform owns (others: their platform's membership and aliases;
`kipu.web.platforms.queries.can_change_shared`), and only installation administrators
(superusers) import locations."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kipu.core.figures.notes import note_text
from kipu.web.accounts.scope import MANAGE_PLATFORM, VIEW_PUBLISHED, Scope, require, scope_of
from kipu.web.audit.services import client_ip
from kipu.web.locations.models import Location
from kipu.web.plans.models import Indicator, Plan, Sector, Target
from kipu.web.platforms.models import Event, Membership, Organisation
from kipu.web.platforms.queries import can_change_shared
from kipu.web.portal.queries import user_platform
from kipu.web.portal.services import safe_name
from kipu.web.reference import forms
from kipu.web.reference.plan_edits import save_plan_entry
from kipu.web.reference.services import (
    before_edit,
    import_reference,
    notice_text,
    save_edit,
    save_organisation,
)
from kipu.web.stats.models import Observation, Series

PER_PAGE = 50
KINDS = {
    "organisations": gettext_lazy("Organisations"),
    "plan": gettext_lazy("Plan"),
    "locations": gettext_lazy("Locations"),
    "statistics": gettext_lazy("Official statistics"),
    "events": gettext_lazy("Events"),
}


# The words of an import's counts (`import_reference` summaries), in the page's language.
SUMMARY_WORDS = {
    "name": gettext_lazy("name"),
    "created": gettext_lazy("added"),
    "updated": gettext_lazy("updated"),
    "unchanged": gettext_lazy("unchanged"),
    "not_loaded": gettext_lazy("rows not loaded"),
    "sectors": gettext_lazy("sectors"),
    "indicators": gettext_lazy("indicators"),
    "targets": gettext_lazy("targets"),
    "country": gettext_lazy("country"),
    "year": gettext_lazy("year"),
}


def summary_text(summary: dict[str, Any]) -> str:
    """An import's summary as words ("added: 0, updated: 1, unchanged: 3"): the page showed
    the dictionary itself. Notices and warnings are shown one by one, not here."""
    return ", ".join(
        f"{SUMMARY_WORDS.get(key, key.replace('_', ' '))}: {value}"
        for key, value in summary.items()
        if key not in ("notices", "warnings") and isinstance(value, str | int)
    )


def _page(request: HttpRequest, rows: Any, per_page: int = PER_PAGE) -> Any:
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def _kept(request: HttpRequest) -> str:
    kept = request.GET.copy()
    kept.pop("page", None)
    return kept.urlencode()


def _context(request: HttpRequest, scope: Scope, kind: str, **more: Any) -> dict[str, Any]:
    return {
        "platform": scope.platform,
        "scope": scope,
        "kind": kind,
        "kinds": KINDS,
        "q": request.GET.get("q", ""),
        "filters": _kept(request),
        "can_edit": scope.can_manage_platform(),
        **more,
    }


def _list_url(scope: Scope, kind: str) -> str:
    return f"{reverse(f'reference:{kind}')}?platform={scope.platform.slug}"


@require(VIEW_PUBLISHED, platform=user_platform)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    platform = scope.platform
    counts = {
        "organisations": Membership.objects.filter(platform=platform).count(),
        "plan": Plan.objects.filter(platform=platform).count(),
        "locations": Location.objects.filter(
            country__in=forms.platform_countries(platform)
        ).count(),
        "statistics": Series.objects.filter(platform=platform).count(),
        "events": Event.objects.filter(platform=platform).count(),
    }
    return render(request, "reference/index.html", _context(request, scope, "", counts=counts))


@require(VIEW_PUBLISHED, platform=user_platform)
@require_GET
def organisations(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    rows = Membership.objects.filter(platform=scope.platform).select_related("organisation")
    if q := request.GET.get("q", "").strip():
        rows = rows.filter(
            Q(organisation__name_en__icontains=q)
            | Q(organisation__name_es__icontains=q)
            | Q(organisation__acronym__icontains=q)
            | Q(organisation__external_id__icontains=q)
        )
    page = _page(request, rows.order_by("organisation__name_en"))
    context = _context(request, scope, "organisations", page=page)
    return render(request, "reference/organisations.html", context)


def _save(
    request: HttpRequest, scope: Scope, action: str, bound: list[Any], kind: str
) -> HttpResponse | None:
    """Save valid forms (audited) and go back to the list; None when a form has errors."""
    if request.method != "POST":
        return None
    before = before_edit(bound)
    if not all([f.is_valid() for f in bound]):  # a list: every form shows its errors
        return None
    save_edit(request.user, action, bound, scope.platform, before, ip=client_ip(request))
    messages.success(request, _("Saved."))
    return redirect(_list_url(scope, kind))


def _edit_page(
    request: HttpRequest, scope: Scope, kind: str, title: str, bound: list[Any]
) -> HttpResponse:
    context = _context(request, scope, kind, title=title, forms=bound)
    status = 400 if request.method == "POST" else 200
    return render(request, "reference/edit.html", context, status=status)


@require(MANAGE_PLATFORM, platform=user_platform)
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Edit an organisation and its membership of this platform, or add a member (which this
    platform will own). The shared fields of an organisation another platform owns (or no
    platform) are shown read-only: the platform edits only its membership and own aliases."""
    scope = scope_of(request)
    if pk is None:
        organisation, membership = Organisation(), Membership(platform=scope.platform)
    else:
        membership = get_object_or_404(
            Membership.objects.select_related("organisation__owner"),
            platform=scope.platform,
            organisation_id=pk,
        )
        organisation = membership.organisation
    shared = can_change_shared(request.user, scope.platform, organisation)
    data = request.POST if request.method == "POST" else None
    org_form = forms.OrganisationForm(
        data, instance=organisation, prefix="org", read_only=not shared
    )
    member_form = forms.MembershipForm(data, instance=membership, prefix="member")
    bound = [org_form, member_form]
    if request.method == "POST":
        before = before_edit(bound)
        if all([f.is_valid() for f in bound]):  # a list: every form shows its errors
            ip = client_ip(request)
            save_organisation(request.user, org_form, member_form, scope.platform, before, ip=ip)
            messages.success(request, _("Saved."))
            return redirect(_list_url(scope, "organisations"))
    note = "" if shared else _owned_elsewhere(organisation)
    title = str(organisation or "")
    context = _context(request, scope, "organisations", title=title, forms=bound, note=note)
    status = 400 if request.method == "POST" else 200
    return render(request, "reference/edit.html", context, status=status)


def _owned_elsewhere(organisation: Organisation) -> str:
    owner = organisation.owner
    if owner is None:
        return _(
            "Every platform shares this organisation; only installation administrators change "
            "its names, acronym, type and registry id. You may change this platform's "
            "membership and the other names your files use for it."
        )
    return _(
        "Every platform shares this organisation; only the administrators of %(owner)s change "
        "its names, acronym, type and registry id. You may change this platform's membership "
        "and the other names your files use for it."
    ) % {"owner": owner.name}


def _plan_for(request: HttpRequest, scope: Scope) -> Plan | None:
    plans = Plan.objects.filter(platform=scope.platform)
    wanted = request.GET.get("year", "")
    if wanted.isdigit():
        return plans.filter(year=int(wanted)).first()
    return plans.order_by("-year").first()


@require(VIEW_PUBLISHED, platform=user_platform)
@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    found = _plan_for(request, scope)
    q = request.GET.get("q", "").strip()
    sectors = Sector.objects.filter(plan=found).select_related("parent")
    indicators = Indicator.objects.filter(plan=found).select_related("sector")
    targets = Target.objects.filter(plan=found).select_related("sector", "admin1")
    if q:
        words = Q(code__icontains=q) | Q(name_en__icontains=q) | Q(name_es__icontains=q)
        sectors, indicators = sectors.filter(words), indicators.filter(words)
        targets = targets.filter(Q(sector__code__icontains=q) | Q(admin1__name__icontains=q))
    context = _context(
        request,
        scope,
        "plan",
        plan=found,
        years=Plan.objects.filter(platform=scope.platform).values_list("year", flat=True),
        sectors=sectors,
        indicators=indicators,
        targets=_page(request, targets.order_by("sector__order", "admin1__pcode"), 100),
    )
    return render(request, "reference/plan.html", context)


PLAN_ROWS: dict[str, tuple[type, type, str]] = {
    "sector": (Sector, forms.SectorForm, "edit_sector"),
    "indicator": (Indicator, forms.IndicatorForm, "edit_indicator"),
    "target": (Target, forms.TargetForm, "edit_target"),
}


@require(MANAGE_PLATFORM, platform=user_platform)
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, what: str, pk: int) -> HttpResponse:
    scope = scope_of(request)
    model, form_class, action = PLAN_ROWS[what]
    row: Any = get_object_or_404(model, pk=pk, plan__platform=scope.platform)
    data = request.POST if request.method == "POST" else None
    bound = [form_class(data, instance=row)]
    if what == "target":
        done = _save(request, scope, action, bound, "plan")
    else:
        done = _save_plan_entry(request, scope, action, bound[0])
    return done or _edit_page(request, scope, "plan", str(row), bound)


def _save_plan_entry(
    request: HttpRequest, scope: Scope, action: str, form: Any
) -> HttpResponse | None:
    """As `_save`, for a sector or an indicator: refused, or saved with warnings, as a reload
    of the plan making the same change is (`plan_edits.save_plan_entry`)."""
    if request.method != "POST":
        return None
    before = before_edit([form])
    if not form.is_valid():
        return None
    ip = client_ip(request)
    errors, warnings = save_plan_entry(request.user, action, form, scope.platform, before, ip=ip)
    lang = get_language() or "en"
    for error in errors:
        form.add_error(None, note_text(error, lang))
    if errors:
        return None
    messages.success(request, _("Saved."))
    for warning in warnings:
        messages.warning(request, note_text(warning, lang))
    return redirect(_list_url(scope, "plan"))


@require(VIEW_PUBLISHED, platform=user_platform)
@require_GET
def locations(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    countries = forms.platform_countries(scope.platform)
    rows = Location.objects.filter(country__in=countries).select_related("parent")
    level = request.GET.get("level", "")
    if level.isdigit():
        rows = rows.filter(level=int(level))
    if q := request.GET.get("q", "").strip():
        rows = rows.filter(Q(name__icontains=q) | Q(pcode__iexact=q) | Q(code__iexact=q))
    page = _page(request, rows.order_by("level", "pcode"), 100)
    context = _context(
        request,
        scope,
        "locations",
        page=page,
        level=level,
        countries=countries,
        can_import=scope.can_manage_installation(),
    )
    return render(request, "reference/locations.html", context)


@require(VIEW_PUBLISHED, platform=user_platform)
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    series = Series.objects.filter(platform=scope.platform).annotate(n=Count("observations"))
    if q := request.GET.get("q", "").strip():
        series = series.filter(
            Q(key__icontains=q) | Q(name_en__icontains=q) | Q(name_es__icontains=q)
        )
    chosen = series.filter(key=request.GET.get("series", "")).first()
    observations = _page(request, chosen.observations.all() if chosen else [], 100)
    context = _context(
        request, scope, "statistics", series=series, chosen=chosen, observations=observations
    )
    return render(request, "reference/statistics.html", context)


@require(MANAGE_PLATFORM, platform=user_platform)
@require_http_methods(["GET", "POST"])
def observation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    row = get_object_or_404(Observation, pk=pk, series__platform=scope.platform)
    data = request.POST if request.method == "POST" else None
    bound = [forms.ObservationForm(data, instance=row)]
    done = _save(request, scope, "edit_observation", bound, "statistics")
    return done or _edit_page(request, scope, "statistics", str(row), bound)


@require(VIEW_PUBLISHED, platform=user_platform)
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    rows: QuerySet[Event] = Event.objects.filter(platform=scope.platform).select_related("admin1")
    if q := request.GET.get("q", "").strip():
        rows = rows.filter(
            Q(title_en__icontains=q) | Q(title_es__icontains=q) | Q(description__icontains=q)
        )
    page = _page(request, rows.annotate(n=Count("organisations")).order_by("-date"))
    return render(request, "reference/events.html", _context(request, scope, "events", page=page))


@require(MANAGE_PLATFORM, platform=user_platform)
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = scope_of(request)
    row: Event = (
        Event(platform=scope.platform)
        if pk is None
        else get_object_or_404(Event, pk=pk, platform=scope.platform)
    )
    data = request.POST if request.method == "POST" else None
    bound = [forms.EventForm(data, instance=row, platform=scope.platform)]
    action = "add_event" if pk is None else "edit_event"
    done = _save(request, scope, action, bound, "events")
    return done or _edit_page(request, scope, "events", str(row) if pk else "", bound)


def _import_form(request: HttpRequest, scope: Scope, kind: str) -> Any:
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    if kind == "plan":
        return forms.PlanImportForm(data, files)
    if kind == "locations":
        countries = forms.platform_countries(scope.platform)
        return forms.LocationImportForm(data, files, countries=countries)
    return forms.ImportForm(data, files)


@require(MANAGE_PLATFORM, platform=user_platform)
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest, kind: str) -> HttpResponse:
    """Import a reference file; when any row is not understood, list the problems and store
    nothing. Locations (the gazetteer every platform shares) are for installation
    administrators only."""
    if kind not in KINDS:
        raise Http404("no such reference data")
    scope = scope_of(request)
    if kind == "locations" and not scope.can_manage_installation():
        raise PermissionDenied
    form = _import_form(request, scope, kind)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        options = {k: v for k, v in form.cleaned_data.items() if k != "file"}
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / safe_name(upload.name)
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            result = import_reference(
                kind,
                scope.platform,
                path,
                request.user,
                options,
                file_name=upload.name or "",
                ip=client_ip(request),
            )
        if result.ok:
            summary = summary_text(result.summary)
            messages.success(request, _("Imported: %(summary)s") % {"summary": summary})
            for notice in result.summary.get("notices", []):
                messages.warning(request, notice_text(notice))
            for warning in result.summary.get("warnings", []):
                # A Note holds its Spanish too (`plan_warnings`, `fields.said`).
                messages.warning(request, note_text(warning, get_language() or "en"))
            return redirect(_list_url(scope, kind))
        # A plan's errors hold their Spanish too (`fields.said`, `plan_warnings`).
        errors = [note_text(error, get_language() or "en") for error in result.errors]
    context = _context(request, scope, kind, form=form, errors=errors)
    status = 400 if request.method == "POST" else 200
    return render(request, "reference/import.html", context, status=status)
