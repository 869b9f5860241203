"""Published situation reports, their files, and the report editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kipu.core.report.narrative import Narrative, NarrativeError
from kipu.web.accounts.scope import MANAGE_PLATFORM, VIEW_PUBLISHED, require, scope_of
from kipu.web.plans.queries import plan_value
from kipu.web.platforms.models import Platform
from kipu.web.reports.context import narratives, report_context
from kipu.web.reports.models import ReportVersion
from kipu.web.reports.queries import FILES, latest_published, version_file, visible_versions
from kipu.web.reports.services import create_report_version, publish_report, save_narrative

LANGS = ("en", "es")


def _user(request: HttpRequest) -> User | None:
    """The signed-in user (views here are guarded: anonymous users never reach them)."""
    return request.user if isinstance(request.user, User) else None


@require(VIEW_PUBLISHED)
def report_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    return render(
        request,
        "reports/list.html",
        {"platform": scope.platform, "versions": latest_published(scope)},
    )


@require(VIEW_PUBLISHED)
def report_file(
    request: HttpRequest, platform: str, month: str, lang: str, number: int, name: str
) -> HttpResponseBase:
    scope = scope_of(request)
    version = get_object_or_404(visible_versions(scope), month=month, lang=lang, number=number)
    path = version_file(version, name)
    if path is None:
        raise Http404("no such file")
    content_type = FILES.get(name) or ("image/svg+xml" if name.endswith(".svg") else "image/png")
    return FileResponse(
        path.open("rb"),
        content_type=content_type,
        as_attachment=name.endswith(".docx"),
        filename=path.name,
    )


def sections_of(platform: Platform, month: str) -> list[str]:
    """Narrative sections: highlights, context, then one per top-level sector or area."""
    plan = plan_value(platform, int(month[:4]))
    return ["highlights", "context", *[s.code for s in plan.sectors if not s.parent_code]]


@require(MANAGE_PLATFORM)
def editor(request: HttpRequest, platform: str, month: str) -> HttpResponse:
    scope = scope_of(request)
    lang = request.GET.get("lang", "en") if request.GET.get("lang") in LANGS else "en"
    sections = sections_of(scope.platform, month)
    if request.method == "POST":
        for section in sections:
            if f"section-{section}" in request.POST:
                save_narrative(
                    scope.platform,
                    month,
                    lang,
                    section,
                    request.POST[f"section-{section}"],
                    _user(request),
                )
        messages.success(request, "Narrative saved.")
        return redirect(f"{request.path}?lang={lang}")
    context = report_context(scope.platform, month, lang)
    texts = {section: "" for section in sections} | narratives(scope.platform, month, lang)
    return render(
        request,
        "reports/editor.html",
        {
            "platform": scope.platform,
            "month": month,
            "lang": lang,
            "langs": LANGS,
            "sections": [(s, texts.get(s, "")) for s in sections],
            "figures": context.catalogue.describe().splitlines(),
            "versions": ReportVersion.objects.filter(platform=scope.platform, month=month),
        },
    )


@require(MANAGE_PLATFORM)
@require_POST
def preview(request: HttpRequest, platform: str, month: str) -> JsonResponse:
    """Render one section's Markdown with live figures, or say what is wrong."""
    scope = scope_of(request)
    lang = request.POST.get("lang", "en") if request.POST.get("lang") in LANGS else "en"
    context = report_context(scope.platform, month, lang)
    try:
        rendered = Narrative(context.catalogue, lang, context.rules).render(
            request.POST.get("markdown", "")
        )
    except NarrativeError as error:
        return JsonResponse({"ok": False, "error": str(error)}, status=200)
    return JsonResponse({"ok": True, "html": rendered.html})


@require(MANAGE_PLATFORM)
@require_POST
def render_version(request: HttpRequest, platform: str, month: str) -> HttpResponse:
    scope = scope_of(request)
    lang = request.POST.get("lang", "en") if request.POST.get("lang") in LANGS else "en"
    try:
        version = create_report_version(scope.platform, month, lang, _user(request))
    except NarrativeError as error:
        messages.error(request, f"The report cannot be rendered: {error}")
    else:
        messages.success(request, f"Version {version.number} rendered.")
    return redirect(f"/console/reports/{scope.platform.slug}/{month}/?lang={lang}")


@require(MANAGE_PLATFORM)
@require_POST
def publish_version(request: HttpRequest, platform: str, month: str, number: int) -> HttpResponse:
    scope = scope_of(request)
    lang = request.POST.get("lang", "en")
    version = get_object_or_404(
        ReportVersion, platform=scope.platform, month=month, lang=lang, number=number
    )
    try:
        publish_report(version, _user(request))
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Version {version.number} published.")
    return redirect(f"/console/reports/{scope.platform.slug}/{month}/?lang={lang}")
