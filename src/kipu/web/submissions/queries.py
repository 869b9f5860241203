"""Reads: submissions and stored activities as activity frames."""

from __future__ import annotations

import polars as pl
from django.db import connection

from kipu.core.frame import ACTIVITY_FRAME, empty_activity_frame
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions.models import Activity, Submission

_SELECT = """
SELECT a."row", a.country, l1.pcode, l2.pcode, COALESCE(o1.external_id, 'org-' || o1.id),
       a.implementation,
       CASE WHEN o2.id IS NULL THEN NULL ELSE COALESCE(o2.external_id, 'org-' || o2.id) END,
       a.month, s.code, i.code, a.activity_name, a.activity_description, a.rmrp_activity, a.covid19,
       a.support_space, a.cva, a.value_usd, a.delivery_mechanism, {counts}
FROM {activity} a
JOIN {submission} sub ON sub.id = a.submission_id AND sub.status = 'current'
JOIN {location} l1 ON l1.id = a.admin1_id
LEFT JOIN {location} l2 ON l2.id = a.admin2_id
JOIN {organisation} o1 ON o1.id = a.appealing_org_id
LEFT JOIN {organisation} o2 ON o2.id = a.implementing_partner_id
JOIN {sector} s ON s.id = a.sector_id
JOIN {indicator} i ON i.id = a.indicator_id
WHERE a.platform_id = %s {where}
"""


def activity_frame(
    platform: Platform,
    *,
    organisation: Organisation | None = None,
    month_from: str | None = None,
    month_to: str | None = None,
    exclude_month: str | None = None,
    with_issues: bool = True,
) -> pl.DataFrame:
    """The current activities of `platform` as an activity frame (codes and keys, not ids).

    Rows stored with accepted issues are included unless `with_issues` is false.
    """
    from kipu.web.locations.models import Location
    from kipu.web.plans.models import Indicator, Sector

    counts = [n for n in ACTIVITY_FRAME if ACTIVITY_FRAME[n] == pl.Int64 and n != "row"]
    where, params = [], [platform.pk]
    for condition, value in (
        ("a.appealing_org_id = %s", organisation.pk if organisation else None),
        ("a.month >= %s", month_from),
        ("a.month <= %s", month_to),
        ("a.month <> %s", exclude_month),
    ):
        if value is not None:
            where.append(condition)
            params.append(value)
    if not with_issues:
        where.append("a.issues = '[]'")
    sql = _SELECT.format(
        counts=", ".join(f"a.{c}" for c in counts),
        activity=Activity._meta.db_table,
        submission=Submission._meta.db_table,
        location=Location._meta.db_table,
        organisation=Organisation._meta.db_table,
        sector=Sector._meta.db_table,
        indicator=Indicator._meta.db_table,
        where="".join(f" AND {w}" for w in where),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        records = cursor.fetchall()
    if not records:
        return empty_activity_frame()
    return pl.DataFrame(records, schema=ACTIVITY_FRAME, orient="row", strict=False)


def history_frame(
    platform: Platform, organisation: Organisation | None, exclude_month: str | None
) -> pl.DataFrame | None:
    """An organisation's other months, for the `outlier` warning."""
    if organisation is None:
        return None
    return activity_frame(platform, organisation=organisation, exclude_month=exclude_month)


def list_submissions(
    platform: Platform, organisation: Organisation | None = None, month: str | None = None
) -> list[dict[str, object]]:
    rows = Submission.objects.filter(platform=platform).select_related("organisation")
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    if month:
        rows = rows.filter(month=month)
    return [
        submission_summary(s)
        for s in rows.order_by("organisation__name_en", "month", "-uploaded_at")
    ]


def submission_summary(s: Submission) -> dict[str, object]:
    return {
        "id": s.pk,
        "organisation": s.organisation.key,
        "organisation_name": str(s.organisation),
        "month": s.month,
        "status": s.status,
        "file_name": s.file_name,
        "rows": s.row_count,
        "uploaded_at": s.uploaded_at.isoformat(timespec="seconds"),
        "checksum": s.checksum[:12],
        "replaces": s.replaces_id,
        "accepted_issues": s.accepted_issues,
    }
