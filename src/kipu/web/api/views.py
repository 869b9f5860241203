"""Endpoints that read reference data, published reports and open data; the docs page.
Data endpoints (activities, figures, submissions) are in data_views.py."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from kipu.core.figures.targets import area_targets
from kipu.web.api.base import Call, handler, json_answer
from kipu.web.api.datapackage import descriptor, licence_of, month_figures, package_activity_chunks
from kipu.web.api.errors import ERROR_CODES, ApiError
from kipu.web.api.opendata import figures_csv
from kipu.web.api.schema import API_VERSION, ENDPOINTS, openapi
from kipu.web.api.submit import submit
from kipu.web.locations.queries import list_locations
from kipu.web.plans.queries import plan_for, plan_value
from kipu.web.platforms.models import Platform
from kipu.web.platforms.queries import list_platforms, member_organisations, reference_data
from kipu.web.reports.models import ReportVersion
from kipu.web.reports.queries import visible_versions
from kipu.web.stats.models import Series

handler("submit")(submit)


def _listing(results: list) -> HttpResponse:
    return json_answer({"count": len(results), "results": results})


@handler("index")
def index(call: Call) -> HttpResponseBase:
    base = call.request.build_absolute_uri("/api/v1/")
    return json_answer(
        {
            "name": "Kipu API",
            "version": API_VERSION,
            "links": {
                "openapi": base + "openapi.json",
                "docs": base + "docs/",
                **{e.name: base + e.path.lstrip("/") for e in ENDPOINTS if e.method == "GET"},
            },
        }
    )


@handler("openapi")
def openapi_document(call: Call) -> HttpResponseBase:
    return json_answer(openapi())


@handler("platforms")
def platforms(call: Call) -> HttpResponseBase:
    return _listing(list_platforms())


@handler("platform")
def platform(call: Call) -> HttpResponseBase:
    found, base = call.platform, call.request.build_absolute_uri("/api/v1/")
    return json_answer(
        {
            "slug": found.slug,
            "name": found.name,
            "country": found.country or None,
            "level": found.level,
            "languages": found.languages,
            "synthetic": found.synthetic,
            "published_months": sorted(call.scope.published_months),
            "licence": licence_of(found),
            "links": {
                "opendata": f"{base}opendata/{found.slug}",
                "figures": f"{base}figures?platform={found.slug}",
                "organisations": f"{base}organisations?platform={found.slug}",
                "plan": f"{base}plan?platform={found.slug}",
            },
        }
    )


@handler("organisations")
def organisations(call: Call) -> HttpResponseBase:
    return _listing(
        [
            {
                "key": o.key,
                "name": o.name,
                "acronym": o.acronym,
                "type": o.org_type,
                "names": o.names,
            }
            for o in member_organisations(call.platform)
        ]
    )


@handler("plan")
def plan(call: Call) -> HttpResponseBase:
    year = call.params["year"]
    found = plan_for(call.platform, year)
    if found is None or (year and found.year > year):  # a later plan is no plan of that year
        raise ApiError(404, "no plan for this platform" + (f" in {year}" if year else ""))
    value = plan_value(call.platform, year)
    area = sorted(call.platform.admin1.values_list("pcode", flat=True))
    # A local platform's figures set progress beside its units' targets (docs/figures.md,
    # "Targets of a local platform"): its plan lists those, not the whole country's.
    targets = area_targets(reference_data(call.platform, year)) if area else value.targets
    return json_answer(
        {
            "year": value.year,
            "name": value.name,
            "classification": value.classification,
            "plan_of": found.platform.slug,
            "area": area,
            "sectors": [vars(s) for s in value.sectors],
            "indicators": [vars(i) for i in value.indicators],
            "targets": [vars(t) for t in targets],
        }
    )


def _countries(found: Platform) -> list[str]:
    from kipu.web.platforms.queries import platform_countries

    return platform_countries(found)


@handler("locations")
def locations(call: Call) -> HttpResponseBase:
    level = call.params["level"]
    return _listing([row for c in _countries(call.platform) for row in list_locations(c, level)])


@handler("statistics")
def statistics(call: Call) -> HttpResponseBase:
    series = Series.objects.filter(platform=call.platform).prefetch_related("observations")
    return _listing(
        [
            {
                "key": s.key,
                "name": s.name_en,
                "name_es": s.name_es,
                "unit": s.unit,
                "source": s.source,
                "url": s.url,
                "observations": [
                    {
                        "start": o.period_start.isoformat(),
                        "end": o.period_end.isoformat(),
                        "value": float(o.value),
                        "note": o.note,
                        "source": o.source,
                    }
                    for o in s.observations.all()
                ],
            }
            for s in series
        ]
    )


@handler("reports")
def reports(call: Call) -> HttpResponseBase:
    # The versions the report pages serve this caller (reports.views.report_file), published.
    rows = visible_versions(call.scope).filter(published=True)
    if call.params["month"]:
        rows = rows.filter(month=call.params["month"])
    if call.params["lang"]:
        rows = rows.filter(lang=call.params["lang"])
    slug = call.platform.slug

    def link(version: ReportVersion, name: str) -> str:
        # The file URL names the version: each published version stays at its own address.
        path = reverse(
            "reports:file",
            kwargs={
                "platform": slug,
                "month": version.month,
                "lang": version.lang,
                "number": version.number,
                "name": name,
            },
        )
        return call.request.build_absolute_uri(path)

    return _listing(
        [
            {
                "platform": slug,
                "month": r.month,
                "lang": r.lang,
                "number": r.number,
                "created_at": r.created_at.isoformat(timespec="seconds"),
                "links": {ext: link(r, f"sitrep.{ext}") for ext in ("pdf", "docx", "html")},
            }
            for r in rows.order_by("-month", "lang", "-number")
        ]
    )


# --- open data -----------------------------------------------------------------------------


@handler("opendata")
def opendata(call: Call) -> HttpResponseBase:
    base = call.request.build_absolute_uri(f"/api/v1/opendata/{call.platform.slug}/")
    return _listing(
        [
            {
                "month": month,
                "datapackage": f"{base}{month}/datapackage.json",
                "resources": {n: f"{base}{month}/{n}.csv" for n in ("activities", "figures")},
            }
            for month in sorted(call.scope.published_months, reverse=True)
        ]
    )


def _published(call: Call) -> str:
    month = call.path["month"]
    if not call.scope.is_published(month):
        raise ApiError(
            404,
            f"{month} is not published: no open data for it",
            code="not-published",
            details={"month": month},
        )
    return str(month)


@handler("datapackage")
def datapackage(call: Call) -> HttpResponseBase:
    return json_answer(descriptor(call.platform, _published(call)))


def _csv(chunks: Iterable[bytes], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@handler("package_activities")
def package_activities(call: Call) -> HttpResponseBase:
    month = _published(call)
    return _csv(package_activity_chunks(call.platform, month), f"activities-{month}.csv")


@handler("package_figures")
def package_figures(call: Call) -> HttpResponseBase:
    month = _published(call)
    return _csv(iter([figures_csv(month_figures(call.platform, month))]), f"figures-{month}.csv")


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    """The API documentation, rendered from the same OpenAPI document (nothing external)."""
    return render(
        request,
        "api/docs.html",
        {"schema": openapi(), "errors": ERROR_CODES, "endpoints": ENDPOINTS},
    )
