"""The partner portal: my template, upload a 5W file, its validation report, the annotated
workbook, fix and re-upload, and my submission history with versions.

Partners act for their own organisation; the IM team picks any member organisation (`?org=`);
coordinators read the submissions of their sectors. Every queryset goes through the scope."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kipu.web.accounts.scope import UPLOAD, VIEW_UNPUBLISHED, Scope, require, scope_of
from kipu.web.audit.services import client_ip
from kipu.web.jobs.queries import check_report
from kipu.web.jobs.start import is_large, start_check, start_import
from kipu.web.platforms.models import Organisation
from kipu.web.portal import queries
from kipu.web.portal.forms import IssueFilterForm, SubmitCheckedForm, UploadForm
from kipu.web.portal.queries import user_platform
from kipu.web.portal.services import (
    UploadRefused,
    annotated_workbook,
    check_and_keep,
    checked_file,
    checked_hours,
    discard_checked,
    send_confirmation,
    stored_file,
    upload_submission,
)
from kipu.web.portal.templatetags.kipu_months import month_label
from kipu.web.submissions.queries import scoped_report

ISSUES_PER_PAGE = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def language() -> str:
    code = (translation.get_language() or "en")[:2]
    return code if code in ("en", "es") else "en"


def query(scope: Scope, organisation: Organisation | None = None, **extra: Any) -> str:
    """The query string that keeps the platform (and the IM team's chosen organisation)."""
    params: dict[str, Any] = {"platform": scope.platform.slug}
    if organisation is not None and scope.role == "admin":
        params["org"] = organisation.pk
    params.update({k: v for k, v in extra.items() if v})
    return urlencode(params)


def _context(scope: Scope, organisation: Organisation | None, **more: Any) -> dict[str, Any]:
    return {
        "platform": scope.platform,
        "scope": scope,
        "organisation": organisation,
        "query": query(scope, organisation),
        **more,
    }


@require(VIEW_UNPUBLISHED, platform=user_platform)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    organisation = queries.organisation_for(scope, request.GET.get("org"))
    months = queries.reporting_months(scope.platform)
    closed = queries.closures(scope.platform)
    context = _context(
        scope,
        organisation,
        closure=closed[max(closed)] if closed else None,
        contacts=queries.im_contacts(scope.platform) if closed else [],
        organisations=queries.member_organisations(scope.platform) if scope.role == "admin" else [],
        months=[{"month": m, "locked": scope.is_locked(m)} for m in reversed(months)],
        open_months=[m for m in reversed(months) if not scope.is_locked(m)],
        can_upload=organisation is not None and scope.allows(UPLOAD),
        history=queries.history(scope, organisation)
        if organisation is not None or scope.role == "coordinator"
        else [],
    )
    return render(request, "portal/home.html", context)


def _upload_organisation(request: HttpRequest, scope: Scope) -> Organisation:
    organisation = queries.organisation_for(scope, request.GET.get("org"))
    if organisation is None:
        raise Http404("choose a member organisation first")
    return organisation


@require(UPLOAD, platform=user_platform)
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    """The organisation's 5W template for a month, with the platform's lists."""
    from kipu.core.template import write_template
    from kipu.web.platforms.queries import reference_data

    scope = scope_of(request)
    organisation = _upload_organisation(request, scope)
    months = queries.reporting_months(scope.platform)
    month = request.GET.get("month") or (months[-1] if months else None)
    if month not in months:
        raise Http404("no such reporting month")
    lang = language()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.xlsx"
        reference = reference_data(scope.platform, int(month[:4]))
        write_template(reference, path, org=organisation.key, month=month, lang=lang)
        content = path.read_bytes()
    name = f"5w-{scope.platform.slug}-{organisation.key}-{month}.xlsx"
    return _download(content, name)


def _download(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require(UPLOAD, platform=user_platform)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST "check": the report, nothing stored; a valid file is kept for the
    user, and the page offers to submit it without picking it again ("submit_checked").
    POST "submit": validate and store (or record the rejection), then show the submission."""
    scope = scope_of(request)
    organisation = _upload_organisation(request, scope)
    months = queries.open_months(scope)
    if request.method == "POST" and request.POST.get("action") == "submit_checked":
        return _submit_checked(request, scope, organisation, months)
    asked = request.GET.get("month")
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        scope=scope,
        organisation=organisation,
        months=months,
        initial={"month": asked if asked in months else (months[-1] if months else None)},
    )
    context = _upload_context(scope, organisation, form, months, asked)
    if request.method == "GET" and "checked_job" in request.GET:
        found = check_report(scope, request.GET["checked_job"], organisation)
        if found is None:
            raise Http404("no such check")
        job, shown = found
        name = job.params.get("name") or job.params["file"]
        _show_check(context, shown, job.params["month"], name, months)
        if job.started_by != request.user:  # the kept file is its starter's to submit
            context.pop("submit_form", None)
            context["checked_by"] = job.actor_label
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "check":
            return _check(request, context, data, months)
        return _submit(request, scope, organisation, data)
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/upload.html", context, status=status)


def _check(
    request: HttpRequest, context: dict[str, Any], data: dict[str, Any], months: list[str]
) -> HttpResponse:
    """ "Check only": a large file by a background job (its page links the report, shown
    here), a small one within the request."""
    scope, organisation = context["scope"], context["organisation"]
    if is_large(data["file"]):
        job, _created = start_check(
            scope.platform, organisation, data["month"], data["file"], request.user,
            lang=language(),
        )  # fmt: skip
        return redirect("jobs:detail", pk=job.pk)
    result, digest = check_and_keep(
        scope.platform, organisation, data["month"], data["file"], request.user, language()
    )
    shown = {**result.report.to_dict(), "checked": digest}
    shown["total"] = len(shown["issues"])
    _show_check(context, shown, data["month"], Path(data["file"].name or "").name, months)
    return render(request, "portal/upload.html", context)


def _show_check(
    context: dict[str, Any], shown: dict[str, Any], month: str, name: str, months: list[str]
) -> None:
    """The upload page's report of a check (`shown`: valid, summary, issues, total, and
    the kept file's SHA-256 or None), with the form to submit a valid file."""
    context.update(checked=shown, checked_month=month, checked_name=name)
    if shown.get("checked") and month not in months:
        context["checked_closed"] = True  # locked since the check: nothing to submit to
    elif shown.get("checked"):
        context["submit_form_hours"] = checked_hours()
        context["submit_form"] = SubmitCheckedForm(
            scope=context["scope"],
            organisation=context["organisation"],
            months=months,
            initial={"month": month, "checked": shown["checked"]},
        )


def _upload_context(
    scope: Scope,
    organisation: Organisation,
    form: Any,
    months: list[str],
    asked: str | None,
) -> dict[str, Any]:
    """The upload page's context: the form, and what to do about closed months: the one asked
    for (`?month=`), or the latest when no month is open."""
    closed = queries.closures(scope.platform)
    closure = closed.get(asked or "") or (closed[max(closed)] if closed and not months else None)
    return _context(
        scope,
        organisation,
        form=form,
        months=months,
        closure=closure,
        contacts=queries.im_contacts(scope.platform) if closure else [],
    )


def _submit_checked(
    request: HttpRequest, scope: Scope, organisation: Organisation, months: list[str]
) -> HttpResponse:
    """Submit the file the user's "Check only" kept, found by its hash within their scope."""
    form = SubmitCheckedForm(request.POST, scope=scope, organisation=organisation, months=months)
    back = f"{reverse('portal:upload')}?{query(scope, organisation)}"
    month = request.POST.get("month", "")
    if re.fullmatch(r"\d{4}-\d{2}", month) and month not in months:  # locked since the check
        closed = _("%(month)s is no longer open for submissions.")
        messages.error(request, closed % {"month": month_label(month)})
        return redirect(back)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    data = form.cleaned_data
    path = checked_file(scope.platform, organisation, request.user, data["checked"])
    if path is None:
        messages.error(
            request,
            _(
                "The checked file is no longer kept (it expires after %(hours)s hours, and "
                "is kept once): pick it again."
            )
            % {"hours": checked_hours()},
        )
        return redirect(f"{back}&month={data['month']}")
    try:
        return _submit(request, scope, organisation, {"month": data["month"], "file": path})
    finally:
        discard_checked(path)


def _submit(
    request: HttpRequest, scope: Scope, organisation: Organisation, data: dict[str, Any]
) -> HttpResponse:
    if is_large(data["file"]):  # stored by a background job; its page shows the progress
        job, _created = start_import(
            scope.platform,
            organisation,
            data["month"],
            data["file"],
            request.user,
            lang=language(),
            accept_issues=bool(data.get("accept_issues")),
            ip=client_ip(request),
            confirm=True,
        )
        return redirect("jobs:detail", pk=job.pk)
    try:
        done = upload_submission(
            scope.platform,
            organisation,
            data["month"],
            data["file"],
            request.user,
            language(),
            accept_issues=bool(data.get("accept_issues")),
            ip=client_ip(request),
        )
    except UploadRefused as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('portal:home')}?{query(scope, organisation)}")
    text = {
        "stored": _("Submitted: %(rows)s rows stored for %(month)s."),
        "unchanged": _("This file is the current version already; nothing changed."),
        "rejected": _(
            "Not stored: the file has errors. Fix them (the annotated workbook shows where) "
            "and upload it again."
        ),
    }[done.outcome] % {"rows": done.submission.row_count, "month": data["month"]}
    (messages.error if done.outcome == "rejected" else messages.success)(request, text)
    url = f"{reverse('portal:submission', args=[done.submission.pk])}?{query(scope, organisation)}"
    if done.outcome == "stored":
        _confirm(request, scope, done.submission, url)
    return redirect(url)


def _confirm(request: HttpRequest, scope: Scope, submission: Any, url: str) -> None:
    """E-mail the submitter what was stored, and say on the page whether it went."""
    summary = queries.stored_summary(scope, submission, language())
    sent = send_confirmation(
        submission, summary, request.user, language(), request.build_absolute_uri(url)
    )
    email = getattr(request.user, "email", "")
    if sent:
        messages.info(request, _("A confirmation was sent to %(email)s.") % {"email": email})
    elif not email:
        messages.warning(request, _("No confirmation e-mail: your account has no e-mail address."))
    else:
        messages.warning(
            request,
            _("The confirmation e-mail to %(email)s could not be sent; the file is stored.")
            % {"email": email},
        )


@require(VIEW_UNPUBLISHED, platform=user_platform)
@require_GET
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    """One version with its validation report, filterable by severity, code and text."""
    scope = scope_of(request)
    found = queries.visible_submission(scope, pk)
    report = scoped_report(found.report or {}, scope.submission_rows(found))
    form = IssueFilterForm(request.GET or None, codes=queries.issue_codes(report))
    filters = form.cleaned_data if form.is_valid() else {}
    issues = queries.report_issues(
        report,
        severity=filters.get("severity") or "",
        code=filters.get("code") or "",
        text=filters.get("q") or "",
    )
    page = Paginator(issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    organisation = found.organisation
    context = _context(
        scope,
        organisation,
        submission=found,
        summary=report.get("summary") or {},
        form=form,
        page=page,
        matching=len(issues),
        filters=kept.urlencode(),
        has_file=stored_file(found) is not None,
        can_replace=scope.can_upload(organisation, found.month),
        stored=queries.stored_summary(scope, found, language())
        if found.status != found.Status.REJECTED
        else None,
        closure=queries.closures(scope.platform).get(found.month),
        contacts=queries.im_contacts(scope.platform),
        versions=next(
            (
                g["versions"]
                for g in queries.history(scope, organisation)
                if g["month"] == found.month
            ),
            [],
        ),
    )
    return render(request, "portal/submission.html", context)


@require(VIEW_UNPUBLISHED, platform=user_platform)
@require_GET
def annotated(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded workbook back, bad cells marked, with an Errors sheet."""
    scope = scope_of(request)
    found = queries.visible_submission(scope, pk)
    with tempfile.TemporaryDirectory() as folder:
        rows = scope.submission_rows(found)
        path = annotated_workbook(found, Path(folder) / "checked.xlsx", language(), rows)
        if path is None:
            raise Http404("no file was kept for this submission")
        content = path.read_bytes()
    stem = Path(found.file_name).stem or "5w"
    return _download(content, f"{stem}-checked.xlsx")
