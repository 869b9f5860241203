"""The public site: the dashboard of a platform (public and internal variants) and its
downloads. Plain views; the numbers come from kipu.web.site.dashboard."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kipu.core.write import neutralise
from kipu.web.accounts.scope import VIEW_PUBLISHED, Scope, require, scope_of
from kipu.web.figures.queries import cached_reference_data
from kipu.web.platforms.models import Platform
from kipu.web.reports.queries import latest_published
from kipu.web.site import dashboard as board_data

TABLES = {"sectors": board_data.sector_table, "admin1": board_data.admin1_table}
NUMBER_LABELS = {
    "people_reached": _("People reached (without double counting)"),
    "partners": _("Organisations reporting"),
    "admin1_covered": _("Departments covered"),
    "admin2_covered": _("Provinces covered"),
}
CHART_TITLES = {
    "reached-over-time": _("New people reached per month"),
    "reached-by-sector": _("People reached by sector or area"),
    "partners-by-sector": _("Partners by sector or area"),
    "presence-map": _("Operational presence"),
    "arrivals-departures": _("Arrivals and departures"),
}


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


def _page_body(board: board_data.Dashboard) -> str:
    scope = board.scope
    reports = latest_published(scope)[:4]
    key = (
        *board.key,
        board.lang,
        "page",
        scope.can_view_unpublished(),
        tuple(r.pk for r in reports),
    )

    def body() -> str:
        # Rendering 400 admin1 options and the tables takes longer than the figures
        # (cached): the body is rendered once per data version, filters and language.
        reference = cached_reference_data(
            scope.platform, int(board.months[-1][:4]) if board.months else None
        )
        return render_to_string(
            "site/_dashboard_body.html",
            {
                **_panel_context(board),
                "platform": scope.platform,
                "can_internal": scope.can_view_unpublished(),
                "sectors": reference.plan.sectors,
                "admin1_options": board_data.admin1_table(board),
                "organisations": reference.organisations,
                "country_options": _countries(reference, board.lang),
                "reports": reports,
                "LANGUAGE_CODE": board.lang,
            },
        )

    return board_data.cached(key, body) if board.key else body()


def _countries(reference: object, lang: str) -> list[tuple[str, str]]:
    """The platform's countries (ISO3, name in `lang`), for a regional platform's filter."""
    from babel import Locale

    names = Locale("es" if lang == "es" else "en").territories
    units = {u.country: u for u in reference.gazetteer.countries()}  # type: ignore[attr-defined]
    found = []
    for code in reference.countries:  # type: ignore[attr-defined]
        unit = units.get(code)
        iso2 = (unit.iso or unit.pcode).upper() if unit else ""
        found.append((code, names.get(iso2) or (unit.name if unit else code)))
    return sorted(found, key=lambda pair: pair[1])


def warm_up() -> None:
    """Build each platform's public dashboard, in both languages, into this process's caches:
    the first visitor after a start gets it at once instead of waiting for the figures, charts
    and page of a regional store (seconds). Started by kipu.web.wsgi in the background."""
    for platform in Platform.objects.all():
        scope = Scope.for_user(None, platform)
        for lang in ("en", "es"):
            with translation.override(lang):
                _page_body(board_data.dashboard(scope, board_data.Filters.from_query({}), lang))


def _panel_context(board: board_data.Dashboard) -> dict[str, object]:
    return {
        "board": board,
        "filters": board.filters,
        "query": board.filters.query(),
        "numbers": [(NUMBER_LABELS[name], value) for name, value in board_data.key_numbers(board)],
        "sector_rows": board_data.sector_table(board),
        "admin1_rows": board_data.admin1_table(board),
        "charts": [
            (name, CHART_TITLES[name])
            for name in board_data.CHARTS
            if board_data.chart(board, name) is not None
        ],
        "base": f"/dashboard/{board.platform.slug}/",
    }


@require(VIEW_PUBLISHED)
def panel(request: HttpRequest, platform: str) -> HttpResponse:
    """The results part of the dashboard, for filters that update without a full reload."""
    board = _board(request)
    html = board_data.cached(
        (*board.key, board.lang, "panel"),
        lambda: render_to_string("site/_panel.html", _panel_context(board)),
    )
    return HttpResponse(html)


@require(VIEW_PUBLISHED)
def data(request: HttpRequest, platform: str) -> JsonResponse:
    board = _board(request)
    return JsonResponse(
        {
            "platform": board.platform.slug,
            "months": board.months,
            "filters": {k: v for k, v in vars(board.filters).items() if v},
            "key_figures": dict(board_data.key_numbers(board)),
            "sectors": board_data.sector_table(board),
            "admin1": board_data.admin1_table(board),
        }
    )


@require(VIEW_PUBLISHED)
def chart_file(request: HttpRequest, platform: str, name: str, ext: str) -> HttpResponse:
    if name not in board_data.CHARTS:
        raise Http404("no such chart")
    body = board_data.chart_bytes(_board(request), name, ext)
    if body is None:
        raise Http404("nothing to show for these filters")
    if ext == "svg":
        return HttpResponse(body, content_type="image/svg+xml")
    response = HttpResponse(body, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{name}.png"'
    return response


@require(VIEW_PUBLISHED)
def table_file(request: HttpRequest, platform: str, name: str, ext: str) -> HttpResponse:
    if name not in TABLES:
        raise Http404("no such table")
    rows = TABLES[name](_board(request))
    columns = list(rows[0]) if rows else ["none"]
    if ext == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([neutralise(c) for c in columns])
        writer.writerows([[neutralise(r[c]) for c in columns] for r in rows])
        body, content_type = buffer.getvalue().encode("utf-8"), "text/csv; charset=utf-8"
    else:
        body, content_type = (
            _xlsx(rows, columns),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
    return response


def _xlsx(rows: list[dict[str, object]], columns: list[str]) -> bytes:
    from kipu.core.export import write_xlsx_bytes

    table: list[list[object]] = [list(columns)]
    table += [[r[c] for c in columns] for r in rows]
    return write_xlsx_bytes(table)  # every cell through kipu.core.write.excel_cell
