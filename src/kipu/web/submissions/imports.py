"""Importing 5W files: validate with the core, then store atomically.

One transaction per import: a crash or kill in the middle leaves the previous data as it was,
and concurrent imports for the same organisation queue on a row lock, so each (organisation,
month) ends with one complete version, never a mix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.contrib.auth.models import User
from django.db import transaction

from kipu.core.text import normalise
from kipu.core.validation import ValidationResult, validate_file
from kipu.core.validation.issues import new_issue
from kipu.web.platforms.models import Membership, Organisation, Platform
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.models import MonthStatus, Submission
from kipu.web.submissions.queries import history_frame
from kipu.web.submissions.services import (
    insert_rows,
    key_maps,
    rows_digest,
    store_submission,
    unchanged,
)

# Told (stage, done, total) as an import goes: "read" while the file is read (0, no total),
# "check" while its rows are validated (done: the rows read, no total), then "store" with the
# rows stored so far. A terminal shows it as a progress bar, a background job as its own.
ImportProgress = Callable[[str, int, int | None], None]


class ImportRefused(Exception):
    """The request itself is wrong (unknown organisation, missing month): nothing was read."""


class MonthClosed(ImportRefused):
    """A month stored is published, or locked for a partner (maybe while the file was being
    validated): `refuse_closed_month`."""


def refuse_closed_month(platform: Platform, month: str, *, locked: bool = True) -> None:
    """MonthClosed when `month` is published, or locked (unless `locked` is false: the IM
    team's own imports may correct a locked month before it is published); in a storing
    transaction, after the month's status row is locked: a lock made while the file was
    being validated (outside any transaction) is seen here."""
    found = MonthStatus.objects.select_for_update().filter(platform=platform, month=month)
    for row in found:
        if row.status == MonthStatus.Status.PUBLISHED:  # `month-published` when validated
            raise MonthClosed(
                f"{month} is published: it takes no new submissions; reopen it first (its "
                "public reports are withdrawn then), so published figures never change unseen"
            )
        if locked and row.status == MonthStatus.Status.LOCKED:
            raise MonthClosed(f"{month} is locked: it takes no new submissions")


def check_file(
    platform: Platform,
    path: Path,
    *,
    organisation: Organisation | None = None,
    month: str | None = None,
    lang: str = "en",
    on_read: Callable[[int], None] | None = None,
) -> ValidationResult:
    """Validate `path` as an import of it validates it: against the reference data of the
    month's year and, for one organisation's month, that organisation's other months (its
    history, for `outlier`). `kipu validate`, the portal's "Check only" and every import
    validate a file here, so a check reports each problem the import would."""
    year = int(month[:4]) if month else None
    history = history_frame(platform, organisation, exclude_month=month) if organisation else None
    return validate_file(
        path,
        reference_data(platform, year),
        org=organisation.key if organisation else None,
        month=month,
        lang=lang,
        history=history,
        on_read=on_read,
    )


def check_months(
    platform: Platform, result: ValidationResult, month: str | None, lang: str = "en"
) -> None:
    """Add `month-published` to `result`'s report for each month an import of the file would
    store that is published (`month`, or without it each month of the rows): the import
    refuses the file (`refuse_closed_month`), so a check without importing says so."""
    months = [month] if month else sorted(set(result.rows["month"].drop_nulls()))
    published = MonthStatus.objects.filter(
        platform=platform, month__in=months, status=MonthStatus.Status.PUBLISHED
    ).values_list("month", flat=True)
    for each in sorted(published):
        result.report.add(new_issue("month-published", lang, value=each))


@dataclass
class ImportResult:
    validation: ValidationResult
    stored: list[Submission] = field(default_factory=list)
    unchanged: list[Submission] = field(default_factory=list)
    blocked: list[int] = field(default_factory=list)  # row numbers that cannot be stored

    @property
    def blocked_rows(self) -> int:
        return len(self.blocked)

    @property
    def ok(self) -> bool:
        return bool(self.stored or self.unchanged) and not self.blocked


def checksum_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def organisation_of(platform: Platform, text: str) -> Organisation:
    """A member organisation by registry id, acronym, name (English, Spanish, Portuguese) or
    alias, tried in that order: the first kind of label that matches decides, so an
    organisation whose acronym is "IOM" wins over another's alias "IOM".

    Raises ImportRefused when nothing matches (naming the closest labels) or when two members
    match at the same rank (naming them by registry id: a guess would file the rows under
    the wrong partner).
    """
    key = normalise(text)
    members = [
        m.organisation
        for m in Membership.objects.filter(platform=platform)
        .select_related("organisation")
        .order_by("organisation_id")
    ]
    for rank in range(len(_LABEL_RANKS)):
        found = {org.pk: org for org in members if key in _labels(org, rank)}
        if len(found) == 1:
            return next(iter(found.values()))
        if found:
            named = ", ".join(_named(org) for org in found.values())
            raise ImportRefused(
                f"{text!r} names several member organisations on platform {platform.slug}: "
                f"{named}; give the registry id"
            )
    raise ImportRefused(
        f"no member organisation {text!r} on platform {platform.slug}{_closest(key, members)}"
    )


# Kinds of label an organisation is found by, in the order they are tried.
_LABEL_RANKS = ("registry id", "acronym", "name", "alias")


def _labels(org: Organisation, rank: int) -> dict[str, str]:
    """The organisation's labels of one rank (`_LABEL_RANKS`), normalised → as written."""
    ranks: tuple[list[str | None], ...] = (
        [org.external_id],
        [org.acronym],
        [org.name_en, org.name_es, org.name_pt],
        [str(alias) for alias in org.aliases],
    )
    return {normalise(label): label for label in ranks[rank] if label}


def _named(org: Organisation) -> str:
    return f"{org.acronym or org.name_en} ({org.external_id or org.pk})"


def _closest(key: str, members: list[Organisation]) -> str:
    """'; did you mean UNHCR (ACNUR, ORG002)?' from the labels closest to `key`, or ''."""
    import difflib

    labels: dict[str, tuple[str, Organisation]] = {}
    for org in members:
        for rank in range(len(_LABEL_RANKS)):
            for normalised, label in _labels(org, rank).items():
                labels.setdefault(normalised, (label, org))
    named = []
    for close in difflib.get_close_matches(key, list(labels), n=3, cutoff=0.6):
        label, org = labels[close]
        shown = org.acronym or org.name_en
        named.append(
            _named(org) if label == shown else f"{label} ({shown}, {org.external_id or org.pk})"
        )
    return f"; did you mean {' or '.join(dict.fromkeys(named))}?" if named else ""


def import_file(
    platform: Platform,
    path: Path,
    *,
    organisation: Organisation | None = None,
    month: str | None = None,
    accept_issues: bool = False,
    uploaded_by: User | None = None,
    lang: str = "en",
    progress: ImportProgress | None = None,
    on_stored: Callable[[list[Submission]], None] | None = None,
    open_only: bool = False,
) -> ImportResult:
    """Validate `path` and, if it may be stored, store it.

    With `organisation` and `month` the file is one partner's monthly submission; without them
    (an IM officer's multi-month export) rows are grouped into one submission per organisation
    and month. `accept_issues` stores rows with errors, their issue codes attached.
    `on_stored` is called with the submissions stored, in the transaction that stores them
    (their audit records): the validation runs outside it, so a long file holds the
    database's write lock (SQLite's, for the whole database) only while it is stored.
    Raises MonthClosed, storing nothing, if a month stored is published, or with `open_only`
    (partners' uploads) locked, maybe meanwhile.
    """
    if (organisation is None) != (month is None):
        raise ImportRefused("give both the organisation and the month, or neither (all months)")
    if progress:
        progress("read", 0, None)
    result = ImportResult(
        check_file(
            platform,
            path,
            organisation=organisation,
            month=month,
            lang=lang,
            on_read=(lambda rows: progress("check", rows, None)) if progress else None,
        )
    )
    rows = result.validation.rows
    if not result.validation.report.valid and not accept_issues:
        return result
    if result.validation.report.issues and rows.is_empty():
        return result  # file-level problems: nothing to store
    result.blocked = result.validation.unstorable
    if result.blocked:
        return result
    with transaction.atomic():  # the lock check, the rows and their audit record together
        # Every month stored (one, or each of an all-months file): none published, and
        # none locked for partners (`open_only`).
        for each in [month] if month else sorted(set(rows["month"].drop_nulls())):
            refuse_closed_month(platform, each, locked=open_only)
        _store(
            platform,
            path,
            rows,
            result,
            organisation=organisation,
            month=month,
            accept_issues=accept_issues,
            uploaded_by=uploaded_by,
            progress=progress,
        )
        if on_stored is not None and result.stored:
            on_stored(result.stored)
    return result


def audit_stored(actor: Any, platform: Platform) -> Callable[[list[Submission]], None]:
    """An `on_stored` that records each stored submission as `import_submission` by
    `actor`, with the version it replaces (`kipu import`, the all-months job)."""
    from kipu.web.audit.services import record
    from kipu.web.submissions.queries import submission_summary

    def audited(stored: list[Submission]) -> None:
        for submission in stored:
            before = submission_summary(submission.replaces) if submission.replaces else None
            after = submission_summary(submission)
            record(actor, "import_submission", submission, before, after, platform)

    return audited


def _store(
    platform: Platform,
    path: Path,
    rows: pl.DataFrame,
    result: ImportResult,
    *,
    organisation: Organisation | None,
    month: str | None,
    accept_issues: bool,
    uploaded_by: User | None,
    progress: ImportProgress | None,
) -> None:
    """In `import_file`'s transaction."""
    checksum = checksum_of(path)
    report = result.validation.report.to_dict()
    if organisation is not None and month is not None:
        # Serialise imports of one organisation: the second waits, then replaces the first.
        Membership.objects.select_for_update().filter(
            platform=platform, organisation=organisation
        ).first()
        current = _current(platform, [organisation.pk], [month]).get((organisation.pk, month))
        digest = rows_digest(rows)
        if unchanged(current, checksum, digest):
            result.unchanged.append(current)
            return
        result.stored.append(
            store_submission(
                platform,
                organisation,
                month,
                rows,
                file_name=path.name,
                checksum=checksum,
                report=report,
                uploaded_by=uploaded_by,
                accepted_issues=accept_issues,
                on_rows=_storing(progress),
                digest=digest,
            )
        )
        return
    _store_many(
        platform,
        path.name,
        checksum,
        rows,
        report,
        result,
        accept_issues=accept_issues,
        uploaded_by=uploaded_by,
        progress=progress,
    )


def _current(
    platform: Platform, organisations: list[int], months: list[str]
) -> dict[tuple[int, str], Submission]:
    found = Submission.objects.filter(
        platform=platform,
        organisation_id__in=organisations,
        month__in=months,
        status=Submission.Status.CURRENT,
    )
    return {(s.organisation_id, s.month): s for s in found}


def _store_many(
    platform: Platform,
    file_name: str,
    checksum: str,
    rows: pl.DataFrame,
    report: dict[str, Any],
    result: ImportResult,
    *,
    accept_issues: bool,
    uploaded_by: User | None,
    progress: ImportProgress | None,
) -> None:
    """A multi-organisation, multi-month file: one submission per (organisation, month),
    created together and filled with one stream of rows."""
    organisations = {o.key: o for o in Organisation.objects.filter(memberships__platform=platform)}
    groups = sorted(
        rows.group_by("appealing_org", "month"), key=lambda item: tuple(map(str, item[0]))
    )
    involved = sorted({organisations[str(key)].pk for (key, _), _ in groups})
    list(
        Membership.objects.select_for_update().filter(
            platform=platform, organisation_id__in=involved
        )
    )
    current = _current(platform, involved, sorted({str(m) for (_, m), _ in groups}))
    made: list[tuple[Submission, pl.DataFrame]] = []
    for (org_key, group_month), group in groups:
        org = organisations[str(org_key)]
        previous = current.get((org.pk, str(group_month)))
        digest = rows_digest(group)
        if unchanged(previous, checksum, digest):
            result.unchanged.append(previous)
            continue
        made.append(
            (
                Submission(
                    platform=platform,
                    organisation=org,
                    month=str(group_month),
                    file_name=file_name,
                    checksum=checksum,
                    rows_digest=digest,
                    report=_part_of(report, group),
                    uploaded_by=uploaded_by,
                    status=Submission.Status.CURRENT,
                    replaces=previous,
                    accepted_issues=accept_issues,
                    row_count=group.height,
                ),
                group,
            )
        )
    replaced = [s.replaces_id for s, _ in made if s.replaces_id]
    Submission.objects.filter(pk__in=replaced).update(status=Submission.Status.SUPERSEDED)
    Submission.objects.bulk_create([s for s, _ in made], batch_size=500)
    if made:
        insert_rows(
            platform,
            pl.concat(
                [
                    group.with_columns(pl.lit(s.pk, dtype=pl.Int64).alias("submission_id"))
                    for s, group in made
                ]
            ),
            key_maps(platform, rows),
            _storing(progress),
        )
    result.stored.extend(s for s, _ in made)


def _storing(progress: ImportProgress | None) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    progress("store", 0, None)
    return lambda done, total: progress("store", done, total)


def _part_of(report: dict[str, Any], group: pl.DataFrame) -> dict[str, Any]:
    """The report of a multi-submission file, with only this submission's row issues (and the
    file's own issues): a year's export would otherwise copy every issue into every month."""
    rows = set(group["row"].to_list())
    issues = [i for i in report["issues"] if i["row"] is None or i["row"] in rows]
    return {**report, "issues": issues, "part_of_file": True}
