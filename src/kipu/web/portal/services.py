"""Writes of the partner portal. An upload is validated and stored by `import_file`, exactly as
`kipu import` stores it; an upload that cannot be stored is kept as a rejected submission with
its report and its file, so the partner and the IM team see what was wrong and can get the
annotated workbook later. Every upload is audited."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.text import get_valid_filename

from kipu.web.audit.services import record, snapshot
from kipu.web.database import data_dir
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions.imports import ImportResult, checksum_of, import_file
from kipu.web.submissions.models import Submission
from kipu.web.submissions.months import locked_months

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


def _save_incoming(platform: Platform, upload: FileLike | Path) -> Path:
    folder = uploads_dir(platform) / "incoming" / uuid.uuid4().hex
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


def _keep(path: Path, submission: Submission) -> None:
    folder = uploads_dir(submission.platform) / str(submission.pk)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), folder / path.name)
    shutil.rmtree(path.parent, ignore_errors=True)


def _user(actor: Any) -> Any:
    return actor if isinstance(actor, AbstractBaseUser) else None


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
) -> Upload:
    """Validate and store one organisation's month; record a rejected submission when the
    file cannot be stored. Locked months and non-members are refused before anything is kept."""
    if month in locked_months(platform):
        raise UploadRefused(f"{month} is locked: it takes no new submissions")
    if not organisation.memberships.filter(platform=platform).exists():
        raise UploadRefused(f"{organisation} is not a member of {platform}")
    path = _save_incoming(platform, uploaded_file)
    try:
        result = import_file(
            platform,
            path,
            organisation=organisation,
            month=month,
            accept_issues=accept_issues,
            uploaded_by=_user(user),
            lang=lang,
        )
        upload = _settle(platform, organisation, month, path, result, user, ip)
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
    if result.stored:
        submission = result.stored[0]
        previous = submission.replaces
        before = snapshot(previous, _AUDITED_FIELDS) if previous else None
        after = snapshot(submission, _AUDITED_FIELDS)
        record(user, "upload_submission", submission, before, after, platform, ip=ip)
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


def check_file(
    platform: Platform,
    organisation: Organisation,
    month: str,
    uploaded_file: FileLike | Path,
    lang: str = "en",
) -> Any:
    """Validate without storing or keeping anything: the "check only" button."""
    from kipu.core.validation import validate_file
    from kipu.web.platforms.queries import reference_data
    from kipu.web.submissions.queries import history_frame

    path = _save_incoming(platform, uploaded_file)
    try:
        return validate_file(
            path,
            reference_data(platform, int(month[:4])),
            org=organisation.key,
            month=month,
            lang=lang,
            history=history_frame(platform, organisation, exclude_month=month),
        )
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


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
