"""Data endpoints: activities (paginated JSON, or streamed CSV / XLSX), figures, submissions."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from kipu.core.figures.periods import (
    check_one_plan_year,
    month_range,
    plan_year_end,
    plan_year_start,
)
from kipu.core.reference import ReferenceData
from kipu.core.surveys.fivew_disclosure import PEOPLE, protect_activities
from kipu.web.accounts.scope import Scope
from kipu.web.api.base import Call, handler, json_answer, page_links
from kipu.web.api.errors import ApiError
from kipu.web.api.opendata import (
    EXPORTED,
    XLSX_TYPE,
    figures_csv,
    stream_activities_csv,
    write_activities_xlsx,
    write_figures,
)
from kipu.web.api.pagination import (
    ActivityFilter,
    activity_page,
    activity_queryset,
    activity_slices,
)
from kipu.web.figures.queries import platform_figures
from kipu.web.platforms.models import Organisation
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.imports import ImportRefused, organisation_of
from kipu.web.submissions.models import Submission
from kipu.web.submissions.queries import scoped_report, submission_summary
from kipu.web.surveys.queries import rows_disclosure_k


def _period(call: Call) -> tuple[str | None, str | None]:
    start, end = call.params["from"], call.params["to"]
    if start and end and start > end:
        raise ApiError(
            400,
            "`from` is after `to`",
            code="invalid-parameter",
            details={"parameters": {"from": "after to"}},
        )
    return start, end


def _organisation(call: Call) -> Organisation | None:
    text = call.params.get("organisation")
    if not text:
        return None
    try:
        return organisation_of(call.platform, text)
    except ImportRefused as error:
        raise ApiError(
            400,
            str(error),
            code="invalid-parameter",
            details={"parameters": {"organisation": str(error)}},
        ) from None


def _download(name: str, ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}.{ext}"'}


def _export_name(call: Call, start: str | None, end: str | None) -> str:
    """kipu-<platform>-5w-<period>[-<filters>]: the file says what it holds
    (kipu-gtrm-peru-5w-2019-12, kipu-gtrm-peru-5w-2019-01-to-2019-12-PRO)."""
    if start and end:
        period = start if start == end else f"{start}-to-{end}"
    else:
        period = f"from-{start}" if start else (f"to-{end}" if end else "all-months")
    p = call.params
    extra = [str(v) for v in (p["sector"], p["admin1"], p["country"], p.get("organisation")) if v]
    parts = ["kipu", call.platform.slug, "5w", period, *extra]
    return "-".join(re.sub(r"[^A-Za-z0-9_.-]+", "_", part) for part in parts)


@handler("activities")
def activities(call: Call) -> HttpResponseBase:
    start, end = _period(call)
    p = call.params
    wanted = ActivityFilter(start, end, p["sector"], p["admin1"], _organisation(call), p["country"])
    rows = activity_queryset(call.scope, wanted)
    last = end or start
    year = int(last[:4]) if last else None
    reference = reference_data(call.platform, year)
    protect = _as_open_data(call, reference)
    if p["format"] == "json":
        count, results = activity_page(rows, call.platform.pk, p["page"], p["page_size"])
        return json_answer(
            {**page_links(call, p["page"], p["page_size"], count), "results": protect(results)}
        )
    # With each row's accepted issue codes, as the JSON answer and `kipu export` give them: a
    # row stored with --accept-issues holds 0 where its file had nothing.
    slices = map(protect, activity_slices(rows, call.platform.pk, (*EXPORTED, "issues")))
    name = _export_name(call, start, end)
    if p["format"] == "csv":
        chunks = stream_activities_csv(slices, reference, p["lang"], p["hxl"], issues=True)
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _download(name, "csv")["Content-Disposition"]
        return response
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        write_activities_xlsx(
            slices,
            reference,
            Path(handle.name),
            p["lang"],
            p["hxl"],
            issues=True,
        )
    except ValueError as error:
        handle.close()
        raise ApiError(400, str(error), details={"format": "xlsx"}) from None
    return FileResponse(handle, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_TYPE)


_PAGE = {
    **dict.fromkeys(["admin2", "appealing_org", "sector", "month"], pl.Utf8),
    **dict.fromkeys(PEOPLE, pl.Int64),
}


def _as_open_data(call: Call, reference: ReferenceData) -> Callable[[Any], Any]:
    """What a caller's rows go through: for anyone but the IM team, the rows outside their
    own remit as the open data shows them (`protect_activities`: a row with 1 to k-1 people
    in a group by department only); the API gave every token holder the province of all 93
    rows activities.csv withholds in the demo month. Takes a slice or a page's records."""
    if call.scope.can_manage_platform():
        return lambda rows: rows
    k = rows_disclosure_k(call.platform)
    parents = {s.code: s.parent_code for s in reference.plan.sectors if s.parent_code}
    own = call.scope.own_frame_rows(parents)

    def protect(rows: Any) -> Any:
        if isinstance(rows, pl.DataFrame):
            return protect_activities(rows, k, own)
        if not rows:
            return rows
        needed = ["admin2", "appealing_org", "sector", "month", *PEOPLE]
        frame = pl.DataFrame([{c: r.get(c) for c in needed} for r in rows], schema=_PAGE)
        shown = protect_activities(frame, k, own)["admin2"]
        return [{**r, "admin2": a} for r, a in zip(rows, shown, strict=True)]

    return protect


def may_compute_unpublished(scope: Scope) -> bool:
    """Figures of unpublished months aggregate every organisation's unconfirmed rows (and the
    presence table names organisations), so only the IM team may ask for them."""
    return scope.can_manage_platform()


def figure_period(scope: Scope, start: str | None, end: str | None) -> tuple[str, str] | None:
    """The period a caller may have figures for; None means any (the IM team). Others may
    only ask for published months: 403 `unpublished-months` names the others."""
    if may_compute_unpublished(scope):
        return None
    published = sorted(scope.published_months)
    if not published:
        raise ApiError(
            403,
            "no month of this platform is published yet" + _withheld(scope),
            code="unpublished-months",
            details={"months": [], "published": []},
        )
    # A bound not given: the last (first) published month within the other bound's plan
    # year (people reached are counted within one plan year: `check_one_plan_year`).
    if end is None:
        within = [m for m in published if not start or start <= m <= plan_year_end(start)]
        # No published month in `start`'s year: that year, refused naming its months.
        end = within[-1] if within else (plan_year_end(start) if start else published[-1])
    if start is None:  # from the end back, as long as months are published (a month
        # reopened in the year made the default period refuse itself)
        start = end
        for month in reversed(month_range(plan_year_start(end), end)):
            if month not in scope.published_months:
                break
            start = month
    missing = [m for m in month_range(start, end) if m not in scope.published_months]
    if missing:
        raise ApiError(
            403,
            f"{len(missing)} month{'s' if len(missing) > 1 else ''} of the period "
            f"{'are' if len(missing) > 1 else 'is'} not published: "
            + ", ".join(missing[:12])
            + _withheld(scope, missing),
            code="unpublished-months",
            details={"months": missing[:240], "published": published},
        )
    return start, end


def _withheld(scope: Scope, months: list[str] | None = None) -> str:
    """Said after "not published" when some of `months` (any, when None) were published here
    but wait for another platform holding rows of them (`Scope.withheld_months`): "no month
    is published yet" of a month the platform had published read as an error of the API.
    The platforms are not named: the dashboard names them to the IM team only."""
    withheld = [m for m in scope.withheld_months() if months is None or m in months]
    if not withheld:
        return ""
    return (
        f" ({', '.join(withheld[:12])}: published on this platform, public once every "
        "platform holding rows of it in this platform's view has published it too)"
    )


def _one_plan_year(start: str | None, end: str | None) -> None:
    """400 for a period across plan years (`check_one_plan_year`), before any other check."""
    if start and end:
        try:
            check_one_plan_year(start, end)
        except ValueError as error:
            raise ApiError(
                400,
                str(error),
                code="invalid-parameter",
                details={"parameters": {"from": "in an earlier plan year than to"}},
            ) from None


@handler("figures")
def figures(call: Call) -> HttpResponseBase:
    start, end = _period(call)
    _one_plan_year(start, end)
    p = call.params
    allowed = figure_period(call.scope, start, end)
    if p["include_issues"] and allowed is not None:
        raise ApiError(403, "only the IM team may count rows stored with issues")
    start, end = allowed or (start, end)
    result = platform_figures(
        call.platform,
        model=p["model"],
        date_from=start,
        date_to=end,
        rmrp_only=p["rmrp_only"],
        with_issues=p["include_issues"],
        countries=[p["country"].upper()] if p["country"] else None,
        # Published figures name no province the open data withholds (`places_shown`).
        disclosure_k=None if allowed is None else rows_disclosure_k(call.platform),
    )
    name = f"figures-{call.platform.slug}"
    if p["format"] == "csv":
        return HttpResponse(
            figures_csv(result, p["lang"], p["hxl"]),
            content_type="text/csv; charset=utf-8",
            headers=_download(name, "csv"),
        )
    if p["format"] == "xlsx":
        handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
        write_figures(result, Path(handle.name), p["lang"], p["hxl"], output_format="xlsx")
        return FileResponse(
            handle, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_TYPE
        )
    return HttpResponse(
        result.to_json_text({"published_only": allowed is not None}),
        content_type="application/json",
    )


@handler("submissions")
def submissions(call: Call) -> HttpResponseBase:
    p = call.params
    rows = call.scope.submissions(Submission.objects.select_related("organisation"))
    organisation = _organisation(call)
    filters: dict[str, Any] = {
        "organisation": organisation,
        "month": p["month"],
        "status": p["status"],
    }
    rows = rows.filter(**{k: v for k, v in filters.items() if v is not None})
    rows = rows.order_by("-uploaded_at", "-pk")
    count = rows.count()
    start = (p["page"] - 1) * p["page_size"]
    # A page past the end is empty without a query: a huge offset overflows SQLite's integers.
    page = rows[start : start + p["page_size"]] if start < count else []
    results = [submission_summary(s) for s in page]
    return json_answer({**page_links(call, p["page"], p["page_size"], count), "results": results})


@handler("submission")
def submission(call: Call) -> HttpResponseBase:
    found = (
        Submission.objects.select_related("organisation", "platform")
        .filter(pk=call.path["id"])
        .first()
    )
    # Not visible and not there answer alike: ids of others' submissions reveal nothing.
    scope = Scope.for_user(call.user, found.platform) if found is not None else None
    if (
        found is None
        or scope is None
        or not scope.submissions(Submission.objects.filter(pk=found.pk)).exists()
    ):
        raise ApiError(404, f"no submission {call.path['id']}")
    report = scoped_report(found.report, scope.submission_rows(found))
    return json_answer(
        {**submission_summary(found), "platform": found.platform.slug, "report": report}
    )
