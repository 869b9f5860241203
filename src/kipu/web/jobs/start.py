"""Starting each kind of job: what the portal, the console, the report editor, the API and the
command line call. The caller checks permissions as for the immediate operation; the job
checks them again when it runs (kipu.web.jobs.runners)."""

from __future__ import annotations

import hashlib
import shutil
import uuid
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

from kipu.web.jobs.models import Job
from kipu.web.jobs.services import idempotency_key, job_dir, start_job
from kipu.web.platforms.models import Organisation, Platform


class FileLike(Protocol):
    name: str | None
    size: int | None

    def chunks(self) -> Any: ...


def is_large(upload: FileLike | Path) -> bool:
    """Whether an upload goes to a job: above KIPU_JOB_THRESHOLD_BYTES (2 MiB by default,
    about 20,000 rows of a 5W workbook; smaller files are stored within the request)."""
    size = upload.stat().st_size if isinstance(upload, Path) else (upload.size or 0)
    return size > settings.KIPU_JOB_THRESHOLD_BYTES


def _safe_name(name: str | None) -> str:
    from kipu.web.portal.services import safe_name

    return safe_name(name)


def _save(upload: FileLike | Path, folder: Path) -> tuple[Path, str]:
    """Copy the upload into the job's folder; returns the path and its sha256."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / _safe_name(upload.name)
    digest = hashlib.sha256()
    with target.open("wb") as out:
        if isinstance(upload, Path):
            with upload.open("rb") as source:
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        else:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
    return target, digest.hexdigest()


def start_check(
    platform: Platform,
    organisation: Organisation,
    month: str,
    upload: FileLike | Path,
    actor: Any,
    *,
    lang: str = "en",
) -> tuple[Job, bool]:
    """The portal's "Check only" of a large file: validated by the worker, nothing stored (a
    valid file is kept for its user to submit, as the immediate check keeps it). The same
    file for the same organisation and month while its check waits or runs gives that job
    back (created False)."""
    params = {
        "organisation": organisation.pk,
        "month": month,
        "name": Path(upload.name or "upload").name[:200],  # as the user named it, for pages
        "lang": lang,
    }
    key = ("check", platform.pk, organisation.pk, month, getattr(actor, "pk", None))
    return _start_with_file(Job.Kind.CHECK, platform, actor, upload, key, params)


def start_import(
    platform: Platform,
    organisation: Organisation | None,
    month: str | None,
    upload: FileLike | Path,
    actor: Any,
    *,
    lang: str = "en",
    accept_issues: bool = False,
    ip: str | None = None,
    system: bool = False,
    confirm: bool = False,
) -> tuple[Job, bool]:
    """An import of a 5W file (one organisation's month, or with neither every organisation
    and month of an export, `system` only). `confirm`: e-mail the starter the confirmation
    once stored (portal uploads, as their immediate path does). The same file for the same
    organisation, month and options while its job waits or runs gives that job back (created
    False)."""
    params = {
        "organisation": getattr(organisation, "pk", None),
        "month": month,
        "lang": lang,
        "accept_issues": accept_issues,
        "ip": ip,
        "system": system,
        "confirm": confirm,
    }
    key = ("import", platform.pk, getattr(organisation, "pk", None), month, accept_issues)
    return _start_with_file(Job.Kind.IMPORT, platform, actor, upload, key, params)


def _start_with_file(
    kind: str,
    platform: Platform,
    actor: Any,
    upload: FileLike | Path,
    key: tuple[object, ...],
    params: dict[str, Any],
) -> tuple[Job, bool]:
    """A job on an uploaded file, copied into the job's folder: its name there, size and
    SHA-256 join `params`, and the SHA-256 ends the idempotency key (`key` before it). While
    a job of the same key waits or runs, that job is given back and the copy removed."""
    job_id = uuid.uuid4()
    path, checksum = _save(upload, job_dir(job_id))
    params = {**params, "file": path.name, "bytes": path.stat().st_size, "checksum": checksum}
    job, created = start_job(
        kind, platform, actor, params, idempotency_key=idempotency_key(*key, checksum),
        job_id=job_id,
    )  # fmt: skip
    if not created:
        shutil.rmtree(job_dir(job_id), ignore_errors=True)
    return job, created


def start_report(platform: Platform, month: str, actor: Any, lang: str = "en") -> tuple[Job, bool]:
    """Render the month's report in both languages (one version each). Every language's
    narrative is checked first: NarrativeError listing every problem, and nothing is queued.
    While a render of the month waits or runs, that job is given back (created False); the job
    checks the narrative again when it runs."""
    from kipu.web.reports.services import LANGS, check_languages

    check_languages(platform, month, LANGS)
    key = idempotency_key("report", platform.pk, month)
    params = {"month": month, "lang": lang, "system": isinstance(actor, str)}
    return start_job(Job.Kind.REPORT, platform, actor, params, idempotency_key=key)


def start_opendata(
    platform: Platform, month: str, actor: Any, lang: str = "en"
) -> tuple[Job, bool]:
    """The month's open-data package as a zip (published months only)."""
    key = idempotency_key("opendata", platform.pk, month)
    params = {"month": month, "lang": lang, "system": isinstance(actor, str)}
    return start_job(Job.Kind.OPENDATA, platform, actor, params, idempotency_key=key)


def start_snapshot(platform: Platform, actor: Any, lang: str = "en") -> tuple[Job, bool]:
    """Bring the platform's figures snapshot up to date."""
    key = idempotency_key("snapshot", platform.pk)
    params = {"lang": lang, "system": isinstance(actor, str)}
    return start_job(Job.Kind.SNAPSHOT, platform, actor, params, idempotency_key=key)
