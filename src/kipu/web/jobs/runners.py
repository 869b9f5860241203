"""What each kind of job does: a thin wrapper around the service that does the work, which
first checks again, with the scope rules, that the person who started the job may still do
it (a role removed or a month locked while the job waited refuses it)."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kipu.web.accounts.scope import Scope
from kipu.web.jobs.models import Job
from kipu.web.jobs.services import CHECK_REPORT, job_dir, report_progress
from kipu.web.platforms.models import Organisation

Outcome = tuple[dict[str, Any], str]  # (result, message)
LANGS = ("en", "es")


class JobRefused(Exception):
    """The job may not, or can no longer, be done; the message says why to the person.
    `result` (optional) is kept on the failed job: a rejected import's links and counts."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result


class Reporter:
    """Live progress of one job, written at most every half second (an import reports every
    batch of rows) and whenever the message or the steps done change."""

    def __init__(self, job: Job) -> None:
        self.job_id, self.at = job.pk, 0.0
        self.shown: tuple[int, str, tuple[str, ...]] = (-1, "", ())

    def __call__(self, percent: float, message: str, steps: Sequence[str] = ()) -> None:
        now = time.monotonic()
        shown = (int(percent), message, tuple(steps))
        if shown == self.shown or (shown[1:] == self.shown[1:] and now - self.at < 0.5):
            return
        self.shown, self.at = shown, now
        report_progress(self.job_id, percent, message, steps)


def _count(number: int) -> str:
    """A count in the job's language (2,000; 2 000 in Spanish), as the pages show counts."""
    return number_format(number, force_grouping=True)


def scope_now(job: Job) -> Scope | None:
    """The starter's scope as it is now; None for work started from the command line or the
    schedule (which run as the system, as the command line always has)."""
    if job.params.get("system"):
        return None
    user = job.started_by
    if user is None or not user.is_active or job.platform is None:
        raise JobRefused(_("The account that started this job is no longer active."))
    return Scope.for_user(user, job.platform)


def _require_manager(job: Job) -> None:
    scope = scope_now(job)
    if scope is not None and not scope.can_manage_platform():
        raise JobRefused(_("Only the IM team of the platform may do this."))


def _actor(job: Job) -> Any:
    return job.started_by or job.actor_label


# --- imports -----------------------------------------------------------------------------


def _file_progress(report: Reporter) -> Callable[[str, int, int | None], None]:
    """A job's progress told by `submissions.imports.ImportProgress`: reading to 5%, checking
    (validation gives no progress of its own) to 25%, storing from 50% to 99%."""

    def told(stage: str, done: int, total: int | None) -> None:
        if stage == "store":
            share = done / total if total else 0
            text = _("Storing rows: %(done)s of %(total)s") % {
                "done": _count(done),
                "total": _count(total) if total else "…",
            }
            report(50 + 49 * share, text)
        elif stage == "check":
            text = ngettext("Checking %(rows)s row", "Checking %(rows)s rows", done)
            report(25, text % {"rows": _count(done)})
        else:
            report(5, _("Reading the file"))

    return told


def _submission_links(submission: Any) -> list[dict[str, str]]:
    page = reverse("portal:submission", args=[submission.pk])
    return [
        {"rel": "page", "href": f"{page}?platform={submission.platform.slug}"},
        {"rel": "submission", "href": f"/api/v1/submissions/{submission.pk}"},
    ]


def run_import(job: Job, report: Reporter) -> Outcome:
    """An organisation's month through the portal's upload service (file kept, audited,
    a rejection recorded), or a multi-month export from the command line."""
    from kipu.web.portal.services import UploadRefused, upload_submission

    params, scope = job.params, scope_now(job)
    found = Organisation.objects.filter(pk=params.get("organisation")).first()
    month, accept = params.get("month"), bool(params.get("accept_issues"))
    if scope is not None and (found is None or not scope.can_upload(found, month)):
        raise JobRefused(_("You may no longer submit for this organisation and month."))
    if scope is not None and accept and not scope.can_manage_platform():
        raise JobRefused(_("Only the IM team may store rows with issues."))
    path = job_dir(job.pk) / params["file"]
    if not path.is_file():
        raise JobRefused(_("The uploaded file is no longer there: upload it again."))
    progress = _file_progress(report)
    assert job.platform is not None
    if found is None:
        return _import_all_months(job, path, progress)
    try:
        done = upload_submission(
            job.platform,
            found,
            month,
            path,
            _actor(job),
            params.get("lang", "en"),
            accept_issues=accept,
            ip=params.get("ip"),
            progress=progress,
        )
    except UploadRefused as error:
        raise JobRefused(str(error)) from None
    summary = done.result.validation.report.summary
    result = {
        "outcome": done.outcome,
        "submissions": [done.submission.pk],
        "rows": done.submission.row_count,
        "errors": summary["errors"],
        "warnings": summary["warnings"],
        "links": _submission_links(done.submission),
    }
    if done.outcome == "rejected":
        _refuse_rejected(result, done.result.validation.report, annotated=done.submission)
    text = _import_message(done.outcome, done.submission.row_count, month)
    if done.outcome == "stored":
        result["confirmation"] = confirm_stored(job, done.submission)
        text = " ".join(filter(None, [text, result["confirmation"]]))
    return result, text


SHOWN_ISSUES = 500  # as the upload page shows an immediate check's


def run_check(job: Job, report: Reporter) -> Outcome:
    """The portal's "Check only" of a large file: validated, nothing stored; a valid file is
    kept for its user to submit (`check_and_keep`). The report (summary and first issues)
    is written to the job's folder for its page; the job's result holds the counts."""
    import json

    from kipu.web.portal.services import check_and_keep

    params, scope = job.params, scope_now(job)
    found = Organisation.objects.filter(pk=params.get("organisation")).first()
    month = params.get("month")
    if scope is None or found is None or not scope.can_upload(found, month):
        raise JobRefused(_("You may no longer submit for this organisation and month."))
    path = job_dir(job.pk) / params["file"]
    if not path.is_file():
        raise JobRefused(_("The uploaded file is no longer there: upload it again."))
    assert job.platform is not None
    checked, digest = check_and_keep(
        job.platform,
        found,
        month,
        path,
        _actor(job),
        params.get("lang", "en"),
        progress=_file_progress(report),
    )
    found_issues = checked.report
    shown = {
        "valid": found_issues.valid,
        "summary": found_issues.summary,
        "issues": [issue.to_dict() for issue in found_issues.issues[:SHOWN_ISSUES]],
        "total": len(found_issues.issues),
        "checked": digest,
    }
    (job_dir(job.pk) / CHECK_REPORT).write_text(json.dumps(shown, ensure_ascii=False), "utf-8")
    summary = shown["summary"]
    page = {"platform": job.platform.slug, "org": found.pk, "checked_job": str(job.pk)}
    result = {
        "outcome": "valid" if shown["valid"] else "invalid",
        "rows": summary["rows_read"],
        "errors": summary["errors"],
        "warnings": summary["warnings"],
        "links": [{"rel": "check", "href": f"{reverse('portal:upload')}?{urlencode(page)}"}],
    }
    if shown["valid"]:
        return result, _("Valid: you can submit it.")
    text = ngettext(
        "Invalid: %(errors)s error. Fix it before submitting.",
        "Invalid: %(errors)s errors. Fix them before submitting.",
        summary["errors"],
    )
    return result, text % {"errors": _count(summary["errors"])}


def _import_message(outcome: str, rows: int, month: str | None) -> str:
    texts = {
        "stored": _("Submitted: %(rows)s rows stored for %(month)s."),
        "unchanged": _("This file is the current version already; nothing changed."),
    }
    return texts[outcome] % {"rows": _count(rows), "month": month or ""}


def unusable(report: Any) -> str | None:
    """The first file-level error of `report` (the file cannot be read as a 5W file), or None:
    the test `kipu import` uses for its exit status 2."""
    from kipu.core.validation import CATALOGUE

    for issue in report.file_issues:
        if issue.severity == "error" and CATALOGUE[issue.code].level == "file":
            return str(issue.message)
    return None


def _refuse_rejected(result: dict[str, Any], report: Any, annotated: Any = None) -> None:
    """A file that was not stored fails its job: the reason as the error, exit_status 2 for an
    unusable file and 1 for errors in the data (as `kipu import`), and a link to the annotated
    workbook only when there is one (a readable file the upload kept)."""
    from kipu.web.portal.services import stored_file

    reason = unusable(report)
    result["outcome"], result["exit_status"] = "rejected", 2 if reason else 1
    if reason:
        text = _("Not stored: the file cannot be used (%(reason)s).") % {"reason": reason}
        raise JobRefused(text, result)
    if annotated is not None and stored_file(annotated) is not None:
        href = reverse("portal:annotated", args=[annotated.pk])
        link = {"rel": "annotated", "href": f"{href}?platform={annotated.platform.slug}"}
        result["links"].append(link)
        text = _(
            "Not stored: the file has errors (%(errors)s errors). Fix them (the annotated "
            "workbook shows where) and upload it again."
        )
    else:
        text = _("Not stored: the file has errors (%(errors)s errors). Fix them and try again.")
    raise JobRefused(text % {"errors": _count(result["errors"])}, result)


def confirm_stored(job: Job, submission: Any) -> str:
    """E-mail the portal submitter the confirmation the immediate upload sends (same template),
    in their interface language, else the job's; returns what to add to the job's message.
    Only jobs started from the portal (params "confirm") send one, as only the portal's
    immediate path does. A mail that cannot be sent leaves the file stored."""
    import os

    from kipu.web.accounts.models import InterfaceLanguage
    from kipu.web.portal.queries import stored_summary
    from kipu.web.portal.services import send_confirmation

    user = job.started_by
    if not job.params.get("confirm") or user is None or job.platform is None:
        return ""
    known = InterfaceLanguage.objects.filter(user=user).values_list("lang", flat=True).first()
    lang = known if known in LANGS else (job.params.get("lang") or "en")
    page = _submission_links(submission)[0]["href"]
    site = os.environ.get("KIPU_SITE_URL", "").rstrip("/")
    summary = stored_summary(Scope.for_user(user, job.platform), submission, lang)
    if send_confirmation(submission, summary, user, lang, f"{site}{page}"):
        return _("A confirmation was sent to %(email)s.") % {"email": user.email}
    if not user.email:
        return _("No confirmation e-mail: your account has no e-mail address.")
    return _("The confirmation e-mail to %(email)s could not be sent; the file is stored.") % {
        "email": user.email
    }


def _import_all_months(job: Job, path: Any, progress: Any) -> Outcome:
    """`kipu import --all-months --background`: as the command does it in the foreground."""
    from kipu.web.submissions.imports import ImportRefused, audit_stored, import_file

    assert job.platform is not None
    platform = job.platform
    try:
        result = import_file(
            platform,
            path,
            accept_issues=bool(job.params.get("accept_issues")),
            lang=job.params.get("lang", "en"),
            progress=progress,
            on_stored=audit_stored(_actor(job), platform),
        )
    except ImportRefused as error:  # a month of the file is published: refused, as in front
        raise JobRefused(str(error)) from None
    outcome = "stored" if result.stored else ("unchanged" if result.unchanged else "rejected")
    summary = result.validation.report.summary
    rows = sum(s.row_count for s in result.stored)
    data = {
        "outcome": outcome,
        "submissions": [s.pk for s in [*result.stored, *result.unchanged]],
        "rows": rows,
        "errors": summary["errors"],
        "warnings": summary["warnings"],
        "blocked_rows": result.blocked_rows,
        "links": [],
    }
    if outcome == "rejected":
        _refuse_rejected(data, result.validation.report)
    return data, _import_message(outcome, rows, month_ranges(s.month for s in result.stored))


def month_ranges(months: Iterable[str]) -> str:
    """Months (YYYY-MM) as runs of consecutive ones: "2019-01–2019-03, 2019-05". Digits and
    dashes only, so one sentence in every language (the message's "for %(month)s") holds
    the months of a multi-month import."""
    numbers = sorted({int(m[:4]) * 12 + int(m[5:7]) - 1 for m in months})
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])

    def name(number: int) -> str:
        return f"{number // 12}-{number % 12 + 1:02d}"

    return ", ".join(
        name(run[0]) if len(run) == 1 else f"{name(run[0])}–{name(run[-1])}" for run in runs
    )


# --- reports, open data, snapshots ------------------------------------------------------


def run_report(job: Job, report: Reporter) -> Outcome:
    """Render the month's situation report in English and Spanish, one version each, through
    the report editor's service (kipu.web.reports.services.render_versions)."""
    from kipu.core.report.narrative import NarrativeError
    from kipu.web.reports.services import render_versions

    _require_manager(job)
    assert job.platform is not None
    platform, month = job.platform, job.params["month"]
    written: list[str] = []

    def file_done(done: Any) -> None:
        # Steps "en-html", "en-pdf", …: the editor marks each file done as it comes.
        written.append(f"{done.lang}-{done.format}")
        text = _("Rendered %(file)s (%(lang)s)") % {"file": done.path.name, "lang": done.lang}
        report(5 + 90 * len(written) / (3 * len(LANGS)), text, written)

    report(2, _("Checking the narrative"))
    try:
        versions = render_versions(platform, month, LANGS, job.started_by, progress=file_done)
    except NarrativeError as error:
        message = _("The report cannot be rendered: %(error)s") % {"error": error}
        raise JobRefused(message) from None
    links, numbers = [], {}
    for version in versions:
        numbers[version.lang] = version.number
        for name in ("sitrep.html", "sitrep.pdf", "sitrep.docx"):
            kwargs = {"platform": platform.slug, "month": month, "lang": version.lang}
            href = reverse(
                "reports:file", kwargs={**kwargs, "number": version.number, "name": name}
            )
            links.append({"rel": f"{version.lang}-{name.split('.')[1]}", "href": href})
    text = _("Report rendered: version %(en)s (English), version %(es)s (Spanish).") % numbers
    return {"outcome": "rendered", "versions": numbers, "links": links}, text


def run_opendata(job: Job, report: Reporter) -> Outcome:
    """The month's open-data package (datapackage.json, activities.csv, figures.csv) as a zip."""
    from kipu.web.accounts.scope import public_months
    from kipu.web.api.datapackage import write_package

    _require_manager(job)
    assert job.platform is not None
    month = job.params["month"]
    if month not in public_months(job.platform):
        raise JobRefused(_("%(month)s is not published: publish it first.") % {"month": month})
    report(10, _("Writing the data package"))
    folder = job_dir(job.pk) / "package"
    shutil.rmtree(folder, ignore_errors=True)  # a retried attempt starts afresh
    write_package(job.platform, month, folder)
    report(90, _("Compressing the package"))
    name = f"{job.platform.slug}-{month}-opendata"
    shutil.make_archive(str(job_dir(job.pk) / name), "zip", folder)
    href = reverse("jobs:download", args=[job.pk, f"{name}.zip"])
    return {"outcome": "written", "links": [{"rel": "package", "href": href}]}, _(
        "Open-data package ready."
    )


def run_snapshot(job: Job, report: Reporter) -> Outcome:
    """Bring the platform's figures snapshot up to date (kipu.web.figures.snapshot)."""
    from kipu.web.figures.snapshot import platform_snapshot

    _require_manager(job)
    assert job.platform is not None
    report(10, _("Reading the current activities"))
    rows = platform_snapshot(job.platform).height
    return {"outcome": "rebuilt", "rows": rows, "links": []}, _(
        "Snapshot up to date: %(rows)s rows."
    ) % {"rows": _count(rows)}


# --- scheduled ---------------------------------------------------------------------------


def run_reminders(job: Job, report: Reporter) -> Outcome:
    """The day's reminder e-mails: kipu.web.console.services.send_due_reminders, the service
    `kipu remind --due` runs from cron (each reminder day is sent once however often)."""
    import os

    from kipu.web.console.services import send_due_reminders

    day = dt.date.fromisoformat(job.params["day"])
    report(10, _("Sending the reminders due on %(day)s") % {"day": day.isoformat()})
    site = os.environ.get("KIPU_SITE_URL", "")
    done = send_due_reminders(day, portal_url=f"{site.rstrip('/')}/portal/" if site else "")
    result = {
        "outcome": "sent",
        "sent": len(done.sent),
        "already_sent": done.already_sent,
        "without_focal_point": len(done.without_focal_point),
        "failed": len(done.failed),
        "links": [],
    }
    text = _("%(count)s reminders sent.") % {"count": len(done.sent)}
    return result, text


def run_cleanup(job: Job, report: Reporter) -> Outcome:
    from kipu.web.jobs.services import clean_old_jobs

    deleted = clean_old_jobs()
    return {"outcome": "cleaned", "deleted": deleted, "links": []}, _(
        "%(count)s old jobs deleted."
    ) % {"count": deleted}


RUNNERS: dict[str, Callable[[Job, Reporter], Outcome]] = {
    Job.Kind.IMPORT: run_import,
    Job.Kind.CHECK: run_check,
    Job.Kind.REPORT: run_report,
    Job.Kind.OPENDATA: run_opendata,
    Job.Kind.SNAPSHOT: run_snapshot,
    Job.Kind.REMINDERS: run_reminders,
    Job.Kind.CLEANUP: run_cleanup,
}


def execute(job: Job) -> Outcome:
    """Run `job` in the language of the person who started it (its messages are theirs)."""
    with translation.override(job.params.get("lang") or "en"):
        return RUNNERS[job.kind](job, Reporter(job))
