"""Published situation reports, their files, and the report editor."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kipu.core.phrasing import language
from kipu.core.report.narrative import Narrative, NarrativeError
from kipu.web.accounts.scope import MANAGE_PLATFORM, VIEW_PUBLISHED, Scope, require, scope_of
from kipu.web.jobs.queries import job_summary, latest_report_job
from kipu.web.jobs.start import start_report
from kipu.web.platforms.models import Platform
from kipu.web.reports.context import report_context
from kipu.web.reports.editing import editor_sections, picker_data
from kipu.web.reports.models import ReportVersion
from kipu.web.reports.queries import (
    FILES,
    editable_months,
    language_states,
    latest_published,
    month_data,
    version_file,
    visible_versions,
)
from kipu.web.reports.services import (
    FORMATS,
    LANGS,
    MissingLanguages,
    download_name,
    figure_problems,
    publish_reports,
    save_narrative,
)

LANGUAGE_NAMES = {"en": gettext_lazy("English"), "es": gettext_lazy("Spanish")}
# The same names inside a sentence ("no report in Spanish": "ningún informe en español").
IN_SENTENCE = {
    "en": pgettext_lazy("language in a sentence", "English"),
    "es": pgettext_lazy("language in a sentence", "Spanish"),
}
FORMAT_NAMES = {"html": "HTML", "pdf": "PDF", "docx": "Word"}


def _user(request: HttpRequest) -> User | None:
    """The signed-in user (views here are guarded: anonymous users never reach them)."""
    return request.user if isinstance(request.user, User) else None


def _lang(value: str | None) -> str:
    """The narrative language asked for (en unless es)."""
    return value if value in LANGS else "en"


def _ui_lang() -> str:
    return language(get_language() or "en")


def editor_url(platform: Platform, month: str, lang: str | None = None) -> str:
    """The report editor of a month (the stable URL other pages link to)."""
    url = reverse("report_editor:edit", kwargs={"platform": platform.slug, "month": month})
    return f"{url}?lang={lang}" if lang else url


def file_links(version: ReportVersion) -> list[dict[str, str]]:
    """The HTML, PDF and Word files of a version: format name, URL and download name."""
    links = []
    for name in ("sitrep.html", "sitrep.pdf", "sitrep.docx"):
        url = reverse(
            "reports:file",
            kwargs={
                "platform": version.platform.slug,
                "month": version.month,
                "lang": version.lang,
                "number": version.number,
                "name": name,
            },
        )
        download = download_name(version.platform.slug, version.month, version.lang, name)
        links.append({"format": FORMAT_NAMES[name.rsplit(".", 1)[1]], "url": url, "name": download})
    return links


@require(VIEW_PUBLISHED)
def report_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    manage = scope.can_manage_platform()
    return render(
        request,
        "reports/list.html",
        {
            "platform": scope.platform,
            "versions": [(v, file_links(v)) for v in latest_published(scope)],
            "months": [
                (m, status, waiting, editor_url(scope.platform, m))
                for m, status, waiting in editable_months(scope.platform)
            ]
            if manage
            else [],
        },
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
        filename=download_name(version.platform.slug, month, lang, name),
    )


def _save(request: HttpRequest, platform: Platform, month: str, lang: str) -> None:
    for section in editor_sections(platform, month, lang, _ui_lang()):
        field = f"section-{section.key}"
        if field not in request.POST:
            continue
        markdown = request.POST[field]
        title = request.POST.get(f"title-{section.key}", "").strip() if section.custom else None
        if section.custom and not markdown.strip() and not title and not section.title:
            continue  # the empty slot for a new custom section, left empty
        save_narrative(platform, month, lang, section.key, markdown, _user(request), title)


def _render_files(platform: Platform, month: str) -> list[dict[str, str]]:
    """The files a render writes, as the editor's progress list names them: language, format
    (and their names), the job's step code ("en-pdf") and the download name."""
    return [
        {
            "lang": lang,
            "format": extension,
            "label": f"{LANGUAGE_NAMES[lang]} · {FORMAT_NAMES[extension]}",
            "step": f"{lang}-{extension}",
            "name": download_name(platform.slug, month, lang, f"sitrep.{extension}"),
        }
        for lang in LANGS
        for extension in FORMATS
    ]


@require(MANAGE_PLATFORM)
def editor(request: HttpRequest, platform: str, month: str) -> HttpResponse:
    scope = scope_of(request)
    lang = _lang(request.GET.get("lang"))
    if request.method == "POST":
        _save(request, scope.platform, month, lang)
        messages.success(request, _("Narrative saved."))
        return redirect(editor_url(scope.platform, month, lang))
    context = report_context(scope.platform, month, lang)
    states = language_states(scope.platform, month, LANGS)
    job = latest_report_job(scope, month)
    render_job = job_summary(job) if job is not None else None
    return render(
        request,
        "reports/editor.html",
        {
            "platform": scope.platform,
            "month": month,
            "lang": lang,
            "langs": [(code, LANGUAGE_NAMES[code]) for code in LANGS],
            "sections": editor_sections(scope.platform, month, lang, _ui_lang()),
            # In a data attribute (escaped): the CSP allows no inline script, not even JSON.
            "picker": json.dumps(
                picker_data(context.catalogue, scope.platform, month, _ui_lang()),
                ensure_ascii=False,
            ),
            "figures": context.catalogue.describe().splitlines(),
            "files": _render_files(scope.platform, month),
            "render_job": render_job,
            # The script reads the job from this attribute (escaped), as it reads the API.
            "render_job_json": json.dumps(render_job, ensure_ascii=False) if render_job else "",
            "versions": [(v, file_links(v)) for s in states for v in s.versions],
            "publish_url": reverse(
                "report_editor:publish", kwargs={"platform": scope.platform.slug, "month": month}
            ),
        },
    )


@require(MANAGE_PLATFORM)
@require_POST
def preview(request: HttpRequest, platform: str, month: str) -> JsonResponse:
    """Render one section's Markdown with live figures, or say what is wrong."""
    scope = scope_of(request)
    lang = _lang(request.POST.get("lang"))
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
def start_render(request: HttpRequest, platform: str, month: str) -> HttpResponse:
    """Start the background job that renders the month's report in English and Spanish
    (kipu.web.jobs.start.start_report) once both narratives are checked: a mistake in either
    is told at once and nothing is queued. Answers JSON to the editor's script ({"ok": true,
    "created", "job": the job as /api/v1/jobs/<id> gives it, "html": its progress box}, or
    {"ok": false, "error"} with status 400), else goes back to the editor (narrative `lang`),
    which shows the job."""
    scope = scope_of(request)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    back = editor_url(scope.platform, month, _lang(request.POST.get("lang")))
    try:
        job, created = start_report(scope.platform, month, request.user, _ui_lang())
    except NarrativeError as error:
        message = _("The report cannot be rendered: %(error)s") % {"error": error}
        if wants_json:
            return JsonResponse({"ok": False, "error": message}, status=400)
        messages.error(request, message)
        return redirect(back)
    summary = job_summary(job)
    if wants_json:
        html = render_to_string("jobs/_job.html", {"job": summary}, request=request)
        return JsonResponse({"ok": True, "created": created, "job": summary, "html": html})
    if created:
        told = _("Started: %(job)s. Its progress shows below.")
    else:
        told = _("%(job)s: already under way. Its progress shows below.")
    messages.info(request, told % {"job": summary["kind_label"]})
    return redirect(back)


def _waiting(scope: Scope, month: str) -> str:
    """Why a month the platform published is not public (`months.waiting_note`), else ""."""
    from kipu.web.submissions.months import waiting_note

    if scope.is_published(month):
        return ""
    withheld = scope.withheld_months().get(month)
    return waiting_note(withheld) if withheld else ""


def _publish_states(platform: Platform, month: str) -> list[dict[str, Any]]:
    """Per language: its versions (a stale one is shown but cannot be chosen), the newest,
    the published one, why the newest cannot be published, its files."""
    data = month_data(platform, month)
    states = []
    for state in language_states(platform, month, LANGS):
        latest = state.latest
        versions = [
            {"number": v.number, "created_at": v.created_at, "published": v.published}
            | {"stale": not v.published and data.is_stale(v)}
            for v in state.versions
        ]
        chosen = next((v for v in versions if not v["stale"]), None)
        states.append(
            {
                "lang": state.lang,
                "name": LANGUAGE_NAMES[state.lang],
                "in_sentence": IN_SENTENCE[state.lang],
                "versions": versions,
                "selected": chosen["number"] if chosen else None,
                "latest": latest,
                "published": state.published,
                # Published, but the month's rows changed since: not shown to the public.
                "published_stale": bool(state.published and data.is_stale(state.published)),
                "stale": bool(versions) and versions[0]["stale"],
                "data_changed_at": data.changed_at,
                "problems": figure_problems(latest) if latest and not latest.published else [],
                "files": file_links(latest) if latest else [],
            }
        )
    return states


@require(MANAGE_PLATFORM)
def publish(request: HttpRequest, platform: str, month: str) -> HttpResponse:
    """Which languages are ready, and publishing them together: a language without a
    report is published only when the user ticks that they mean it."""
    scope = scope_of(request)
    missing: list[str] = []
    if request.method == "POST":
        numbers = {
            lang: int(request.POST[f"version-{lang}"])
            if request.POST.get(f"version-{lang}", "").isdigit()
            else None
            for lang in LANGS
        }
        try:
            versions = publish_reports(
                scope.platform,
                month,
                numbers,
                _user(request),
                without=request.POST.getlist("without"),
            )
        except MissingLanguages as error:
            missing = error.langs
            names = ", ".join(str(IN_SENTENCE[code]) for code in missing)
            messages.warning(
                request,
                _(
                    "Nothing was published: there is no report in %(languages)s. Tick the box to "
                    "publish without it, or render it first."
                )
                % {"languages": names},
            )
        except ValueError as error:
            messages.error(request, _("Nothing was published: %(error)s") % {"error": error})
        else:
            done = ", ".join(f"{v.lang.upper()} v{v.number}" for v in versions)
            messages.success(request, _("Published: %(versions)s.") % {"versions": done})
            return redirect(editor_url(scope.platform, month))
    return render(
        request,
        "reports/publish.html",
        {
            "platform": scope.platform,
            "month": month,
            "month_published": scope.is_published(month),
            "month_waiting": _waiting(scope, month),
            "states": _publish_states(scope.platform, month),
            "missing": missing,
            "editor_url": editor_url(scope.platform, month),
        },
    )
