"""Writes of the partner portal. An upload is validated and stored by `import_file`, exactly as
`kipu import` stores it; an upload that cannot be stored is kept as a rejected submission with
its report and its file, so the partner and the IM team see what was wrong and can get the
annotated workbook later. Every upload is audited."""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import smtplib
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import get_valid_filename

from kipu.web.audit.services import record, snapshot
from kipu.web.database import data_dir
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions.imports import (
    ImportProgress,
    ImportResult,
    MonthClosed,
    check_file,
    checksum_of,
    import_file,
)
from kipu.web.submissions.models import Submission
from kipu.web.submissions.months import locked_months

log = logging.getLogger(__name__)
_AUDITED_FIELDS = ("organisation", "month", "status", "file_name", "checksum", "row_count")


class UploadRefused(Exception):
    """The upload may not be made at all (locked month, not a member): nothing was kept."""


class FileLike(Protocol):
    name: str | None

    def chunks(self) -> Any: ...


@dataclass
class Upload:
    result: ImportResult
    submission: Submission
    outcome: str  # "stored", "unchanged" or "rejected"


def uploads_dir(platform: Platform) -> Path:
    return data_dir() / "uploads" / platform.slug


def stored_file(submission: Submission) -> Path | None:
    """The file a portal upload kept, if there is one (CLI imports keep none)."""
    path = uploads_dir(submission.platform) / str(submission.pk) / submission.file_name
    return path if submission.file_name and path.is_file() else None


def safe_name(name: str | None) -> str:
    """A file name safe on any file system, its extension kept (the readers go by it)."""
    base = get_valid_filename(Path(name or "").name) if name else ""
    if not base:
        return "upload.xlsx"
    stem, suffix = Path(base).stem[:150], Path(base).suffix[:10]
    return f"{stem or 'upload'}{suffix}"


# A file being checked or stored sits in uploads/<platform>/incoming/ for that time only; a
# process killed meanwhile leaves it there, and the next upload removes it after this long
# (no check or import takes as much).
INCOMING_HOURS = 24


def _save_incoming(platform: Platform, upload: FileLike | Path) -> Path:
    root = uploads_dir(platform) / "incoming"
    _sweep_incoming(root)
    folder = root / uuid.uuid4().hex
    folder.mkdir(parents=True)
    if isinstance(upload, Path):
        target = folder / safe_name(upload.name)
        shutil.copyfile(upload, target)
        return target
    target = folder / safe_name(upload.name)
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return target


def _sweep_incoming(root: Path) -> None:
    """Remove what killed processes left in `root` more than INCOMING_HOURS ago."""
    limit = time.time() - INCOMING_HOURS * 3600
    for folder in root.iterdir() if root.is_dir() else []:
        with contextlib.suppress(OSError):  # removed by another process meanwhile
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)


def _keep(path: Path, submission: Submission) -> None:
    folder = uploads_dir(submission.platform) / str(submission.pk)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), folder / path.name)
    shutil.rmtree(path.parent, ignore_errors=True)


def _user(actor: Any) -> Any:
    return actor if isinstance(actor, AbstractBaseUser) else None


def check_open(platform: Platform, organisation: Organisation, month: str) -> None:
    """UploadRefused when the month is locked or the organisation is not a member: what an
    upload refuses, checked before a background import is queued too."""
    if month in locked_months(platform):
        raise UploadRefused(f"{month} is locked: it takes no new submissions")
    if not organisation.memberships.filter(platform=platform).exists():
        raise UploadRefused(f"{organisation} is not a member of {platform}")


def upload_submission(
    platform: Platform,
    organisation: Organisation,
    month: str,
    uploaded_file: FileLike | Path,
    user: Any,
    lang: str = "en",
    *,
    accept_issues: bool = False,
    ip: str | None = None,
    progress: ImportProgress | None = None,
) -> Upload:
    """Validate and store one organisation's month; record a rejected submission when the
    file cannot be stored. Locked months and non-members are refused before anything is kept.
    `progress` is told how the import goes (a background job shows it)."""
    check_open(platform, organisation, month)
    path = _save_incoming(platform, uploaded_file)

    def audited(stored: list[Submission]) -> None:  # in the transaction that stores it
        for submission in stored:
            previous = submission.replaces
            before = snapshot(previous, _AUDITED_FIELDS) if previous else None
            after = snapshot(submission, _AUDITED_FIELDS)
            record(user, "upload_submission", submission, before, after, platform, ip=ip)

    try:
        result = import_file(
            platform,
            path,
            organisation=organisation,
            month=month,
            accept_issues=accept_issues,
            uploaded_by=_user(user),
            lang=lang,
            progress=progress,
            on_stored=audited,
            open_only=True,
        )
        upload = _settle(platform, organisation, month, path, result, user, ip)
    except MonthClosed as error:  # locked while the file was validated
        shutil.rmtree(path.parent, ignore_errors=True)
        raise UploadRefused(str(error)) from None
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    return upload


def _settle(
    platform: Platform,
    organisation: Organisation,
    month: str,
    path: Path,
    result: ImportResult,
    user: Any,
    ip: str | None,
) -> Upload:
    if result.unchanged:
        shutil.rmtree(path.parent, ignore_errors=True)
        return Upload(result, result.unchanged[0], "unchanged")
    if result.stored:  # audited as it was stored (`upload_submission`)
        submission = result.stored[0]
        _keep(path, submission)
        return Upload(result, submission, "stored")
    submission = _record_rejection(platform, organisation, month, path, result, user, ip)
    _keep(path, submission)
    return Upload(result, submission, "rejected")


@transaction.atomic
def _record_rejection(
    platform: Platform,
    organisation: Organisation,
    month: str,
    path: Path,
    result: ImportResult,
    user: Any,
    ip: str | None,
) -> Submission:
    report = result.validation.report
    submission = Submission.objects.create(
        platform=platform,
        organisation=organisation,
        month=month,
        file_name=path.name,
        checksum=checksum_of(path),
        uploaded_by=_user(user),
        status=Submission.Status.REJECTED,
        report=report.to_dict(),
        row_count=0,
    )
    summary = report.summary
    note = f"{summary['errors']} errors, {summary['warnings']} warnings"
    if result.blocked_rows:
        note += f"; {result.blocked_rows} rows cannot be stored"
    after = snapshot(submission, _AUDITED_FIELDS)
    record(user, "reject_submission", submission, None, after, platform, note, ip=ip)
    return submission


def _validate(
    platform: Platform,
    organisation: Organisation,
    month: str,
    path: Path,
    lang: str,
    progress: ImportProgress | None = None,
) -> Any:
    if progress:
        progress("read", 0, None)
    return check_file(
        platform,
        path,
        organisation=organisation,
        month=month,
        lang=lang,
        on_read=(lambda rows: progress("check", rows, None)) if progress else None,
    )


# --- "Check only", then "Submit" without picking the file again ------------------------------
# A file that passed the check is kept, stored nowhere else, under
# uploads/<platform>/checked/<user id>/<organisation id>/<SHA-256>/: only the user who checked it,
# acting for that organisation, finds it again, by its hash, until it expires.

CHECKED_HOURS_DEFAULT = 24


def checked_hours() -> int:
    return int(getattr(settings, "KIPU_CHECKED_FILE_HOURS", CHECKED_HOURS_DEFAULT))


def _checked_root(platform: Platform, user: Any, organisation: Organisation) -> Path:
    return uploads_dir(platform) / "checked" / str(user.pk) / str(organisation.pk)


def check_and_keep(
    platform: Platform,
    organisation: Organisation,
    month: str,
    uploaded_file: FileLike | Path,
    user: Any,
    lang: str = "en",
    *,
    progress: ImportProgress | None = None,
) -> tuple[Any, str | None]:
    """The "check only" button: validate, store nothing; a valid file is kept for its user to
    submit without uploading it again. (validation result, the kept file's SHA-256 or None).
    `progress` is told the reading and checking stages (a background job shows them)."""
    discard_expired(platform, user)
    path = _save_incoming(platform, uploaded_file)
    try:
        result = _validate(platform, organisation, month, path, lang, progress)
        if not result.report.valid or not getattr(user, "pk", None):
            return result, None
        digest = checksum_of(path)
        folder = _checked_root(platform, user, organisation) / digest
        shutil.rmtree(folder, ignore_errors=True)  # the same file checked again: the latest
        folder.mkdir(parents=True)
        shutil.move(str(path), folder / path.name)
        return result, digest
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


def checked_file(
    platform: Platform, organisation: Organisation, user: Any, digest: str
) -> Path | None:
    """The file `user` checked for `organisation` with SHA-256 `digest`, if it is still kept
    (None once expired, submitted, or never checked by this user for this organisation)."""
    if not re.fullmatch(r"[0-9a-f]{64}", digest or "") or not getattr(user, "pk", None):
        return None
    folder = _checked_root(platform, user, organisation) / digest
    files = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    if len(files) != 1 or _expired(files[0]) or checksum_of(files[0]) != digest:
        return None
    return files[0]


def discard_checked(path: Path) -> None:
    shutil.rmtree(path.parent, ignore_errors=True)


def discard_expired(platform: Platform, user: Any) -> None:
    """Delete the user's kept files of `platform` that have expired."""
    root = uploads_dir(platform) / "checked" / str(getattr(user, "pk", ""))
    for folder in root.glob("*/*") if root.is_dir() else []:
        files = [p for p in folder.iterdir() if p.is_file()]
        if not files or all(_expired(p) for p in files):
            shutil.rmtree(folder, ignore_errors=True)


def _expired(path: Path) -> bool:
    age = time.time() - path.stat().st_mtime
    return age > checked_hours() * 3600


# --- The submitter's confirmation ------------------------------------------------------------


def send_confirmation(
    submission: Submission, summary: dict[str, Any], user: Any, lang: str, url: str
) -> bool:
    """E-mail the submitter what was stored (`queries.stored_summary`), in `lang`, with the
    link to the submission. False when the account has no e-mail address or the mail could
    not be sent (the caller says so on the page); the submission stands either way."""
    email = getattr(user, "email", "") or ""
    if not email:
        return False
    context = {"submission": submission, "summary": summary, "url": url, "user": user}
    with translation.override(lang):
        subject = render_to_string("portal/confirmation_subject.txt", context)
        body = render_to_string("portal/confirmation_email.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [email])
    except (OSError, smtplib.SMTPException):
        log.exception("confirmation of submission %s not sent", submission.pk)
        return False
    return True


def report_from_dict(data: dict[str, Any], column_indexes: dict[str, int] | None = None) -> Any:
    """A core Report from its stored JSON; `column_indexes` (label → 0-based column) puts each
    issue back on its cell, which the JSON does not record."""
    from kipu.core.validation.issues import Issue, Report

    summary = data.get("summary") or {}
    indexes = column_indexes or {}
    issues = [
        Issue(
            code=item.get("code", ""),
            severity=item.get("severity", "error"),
            message=item.get("message", ""),
            sheet=item.get("sheet"),
            row=item.get("row"),
            column=item.get("column"),
            value=item.get("value"),
            suggestion=item.get("suggestion"),
            col_index=indexes.get(item.get("column") or ""),
        )
        for item in data.get("issues") or []
    ]
    return Report(
        issues=issues,
        rows_read=summary.get("rows_read", 0),
        rows_with_errors=summary.get("rows_with_errors", 0),
        rows_with_warnings=summary.get("rows_with_warnings", 0),
        sheet=summary.get("sheet"),
        header_row=summary.get("header_row"),
    )


def _header_indexes(path: Path, data: dict[str, Any]) -> dict[str, int]:
    """Column label (as the report names it) → 0-based index, from the file's 5W header as
    the validation found it; {} when the file cannot be read again."""
    from kipu.core.read import read_5w

    try:
        header = read_5w(path).header
    except Exception:  # noqa: BLE001 - an unreadable file still gets its Errors sheet
        return {}
    return {label: index for index, label in {**header.unknown, **header.labels}.items()}


def annotated_workbook(
    submission: Submission,
    out_path: Path,
    lang: str = "en",
    rows: frozenset[int] | None = None,
) -> Path | None:
    """The uploaded workbook with its problems marked, or None when no file was kept.

    `rows` (from `Scope.submission_rows`) narrows it to those rows: the others are blanked,
    their issues left out, and the workbook's other sheets dropped."""
    from kipu.core.validation.annotate import annotate_workbook
    from kipu.web.submissions.queries import scoped_report

    source = stored_file(submission)
    if source is None:
        return None
    data = scoped_report(submission.report, rows)
    report = report_from_dict(data, _header_indexes(source, data))
    return annotate_workbook(source, report, out_path, lang=lang, keep_rows=rows)
