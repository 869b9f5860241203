"""The public site: the dashboard of a platform (public and internal variants), its
downloads, the open-data page and the favicon. Plain views; the numbers come from
kipu.web.site.dashboard, the page's parts from kipu.web.site.panel."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from kipu.core.report.labels import month_words
from kipu.web.accounts.scope import VIEW_PUBLISHED, Scope, require, scope_of
from kipu.web.figures.queries import cached_reference_data
from kipu.web.platforms.models import Platform
from kipu.web.reports.queries import latest_published
from kipu.web.site import board_notes, board_tables, downloads, graphics
from kipu.web.site import dashboard as board_data
from kipu.web.site.official import statistics_version
from kipu.web.site.panel import filter_options, notices, panel_context
from kipu.web.site.tables import TABLES

FAVICON = Path(__file__).parent / "static" / "site" / "favicon.ico"


def _lang() -> str:
    return "es" if (get_language() or "en").startswith("es") else "en"


def _board(request: HttpRequest) -> board_data.Dashboard:
    return board_data.dashboard(
        scope_of(request), board_data.Filters.from_query(request.GET), _lang()
    )


def home(request: HttpRequest) -> HttpResponse:
    if not Platform.objects.exists():
        return render(request, "site/empty.html")
    return dashboard(request)


@require(VIEW_PUBLISHED)
def dashboard(request: HttpRequest, platform: str | None = None) -> HttpResponse:
    board = _board(request)
    return render(
        request,
        "site/dashboard.html",
        {"platform": board.scope.platform, "body": mark_safe(_page_body(board))},
    )


def _page_key(board: board_data.Dashboard, part: str, *extra: object) -> tuple[object, ...]:
    # The IM team's page names the platforms a month they published waits for (`panel`).
    manages = board.scope.can_manage_platform()
    return (*board.key, board.lang, part, statistics_version(board.platform), manages, *extra)


def _page_body(board: board_data.Dashboard) -> str:
    scope = board.scope
    reports = latest_published(scope)[:4]
    key = _page_key(board, "page", scope.can_view_unpublished(), tuple(r.pk for r in reports))

    def body() -> str:
        # Rendering 400 admin1 options and the tables takes longer than the figures
        # (cached): the body is rendered once per data version, filters and language.
        reference = cached_reference_data(
            scope.platform, int(board.period[1][:4]) if board.period[1] else None
        )
        return render_to_string(
            "site/_dashboard_body.html",
            {
                **panel_context(board),
                **filter_options(reference, board.lang),
                "platform": scope.platform,
                "can_internal": scope.can_view_unpublished(),
                "reports": reports,
                "LANGUAGE_CODE": board.lang,
            },
        )

    return board_data.cached(key, body) if board.key else body()


def warm_up() -> None:
    """Build each platform's public dashboard, in both languages, into this process's caches:
    the first visitor after a start gets it at once instead of waiting for the figures, charts
    and page of a regional store (seconds). Started by kipu.web.wsgi in the background."""
    for platform in Platform.objects.all():
        scope = Scope.for_user(None, platform)
        for lang in ("en", "es"):
            with translation.override(lang):
                _page_body(board_data.dashboard(scope, board_data.Filters.from_query({}), lang))


@require(VIEW_PUBLISHED)
def panel(request: HttpRequest, platform: str) -> HttpResponse:
    """The results part of the dashboard, for filters that update without a full reload."""
    board = _board(request)
    html = board_data.cached(
        _page_key(board, "panel"),
        lambda: render_to_string("site/_panel.html", panel_context(board)),
    )
    return HttpResponse(html)


@require(VIEW_PUBLISHED)
def data(request: HttpRequest, platform: str) -> JsonResponse:
    board = _board(request)
    filters = {k: v for k, v in vars(board.filters).items() if v and k != "rejected"}
    return JsonResponse(
        {
            "platform": board.platform.slug,
            "months": board.months,
            "period": {"from": board.period[0], "to": board.period[1]},
            "filters": filters,
            "ignored": [
                {"parameter": p, "value": v, "reason": r} for p, v, r in board.filters.rejected
            ],
            "unknown": [{"parameter": p, "value": v} for p, v in board.unknown],
            "unpublished": list(board.unpublished),
            "key_figures": dict(board_tables.key_numbers(board)),
            # Why a key figure is None or counts part only ("withheld", "not_reported", ...).
            "key_figure_notes": board_tables.key_notes(board),
            # The notes that qualify the numbers (`board_notes`), in the page's language.
            "notes": board_notes.general_notes(board) + board_notes.above_sectors(board),
            "targets_notes": board_notes.progress_notes(board),
            "total": board_tables.total_row(board),
            "sectors": board_tables.sector_table(board),
            "admin1": board_tables.admin1_table(board),
            "targets": board_tables.targets_table(board),
            "breakdown": {k: dict(v) for k, v in board_tables.breakdown(board).items()},
            "synthetic": bool(board.platform.synthetic),
        }
    )


@require(VIEW_PUBLISHED)
def chart_file(request: HttpRequest, platform: str, name: str, ext: str) -> HttpResponse:
    if name not in graphics.CHARTS:
        raise Http404("no such chart")
    board = _board(request)
    body = graphics.chart_bytes(board, name, ext)
    if body is None:
        raise Http404("nothing to show for these filters")
    content_type = "image/svg+xml" if ext == "svg" else "image/png"
    response = HttpResponse(body, content_type=content_type)
    # Inline for an SVG (the page shows it in an <img>); a download keeps the name.
    disposition = "inline" if ext == "svg" else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{downloads.filename(board, name, ext)}"'
    )
    return response


@require(VIEW_PUBLISHED)
def table_file(request: HttpRequest, platform: str, name: str, ext: str) -> HttpResponse:
    table = TABLES.get(name)
    if table is None:
        raise Http404("no such table")
    board = _board(request)
    # What the page says of the request (months not counted as not published, filters
    # ignored) before the figures' notes: the download's totals left them out without a word.
    qualifying = notices(board) + board_notes.table_notes(board, name)
    head = downloads.notes(board, table.heading(board), qualifying=qualifying)
    write = downloads.csv_bytes if ext == "csv" else downloads.xlsx_bytes
    content_type = "text/csv; charset=utf-8" if ext == "csv" else downloads.XLSX_TYPE
    response = HttpResponse(
        write(head, table.columns(board), table.rows(board)), content_type=content_type
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{downloads.filename(board, table.filename, ext)}"'
    )
    return response


@require(VIEW_PUBLISHED)
def open_data(request: HttpRequest, platform: str | None = None) -> HttpResponse:
    """The open data of a platform, readable: each published month's data package, its
    files and their columns, the licence, and the API that serves them."""
    from kipu.core.schema import COLUMNS, EXPORT_HXL
    from kipu.web.api.datapackage import licence_of
    from kipu.web.api.opendata import FIGURE_COLUMNS

    scope = scope_of(request)
    found, spanish = scope.platform, _lang() == "es"
    return render(
        request,
        "site/open_data.html",
        {
            "platform": found,
            "months": [
                (m, month_words(int(m[:4]), int(m[5:7]), _lang()))
                for m in sorted(scope.published_months, reverse=True)
            ],
            "licence": licence_of(found),
            "base": f"/api/v1/opendata/{found.slug}",
            "activity_columns": [
                (c.label_es if spanish else c.label_en, EXPORT_HXL[c.name]) for c in COLUMNS
            ],
            "figure_columns": [
                (c.label_es if spanish else c.label_en, c.hxl) for c in FIGURE_COLUMNS
            ],
        },
    )


@require_safe
def favicon(request: HttpRequest) -> FileResponse:
    """/favicon.ico, which browsers ask for on every site: a static file shipped with Kipu."""
    response = FileResponse(FAVICON.open("rb"), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
