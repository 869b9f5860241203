"""Survey pages: results for everyone (the dashboard's section, its charts and CSV), and the IM
team's pages to define a survey and upload its rounds. Thin: queries and services do the work."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kipu.core.surveys.analysis import ALL
from kipu.core.surveys.form import FormError, SurveyForm
from kipu.core.surveys.indicators import IndicatorError, IndicatorSpec
from kipu.core.surveys.outputs import Bar, bar_chart, results_csv
from kipu.web.accounts.scope import MANAGE_PLATFORM, VIEW_PUBLISHED, require, scope_of
from kipu.web.surveys import queries, services
from kipu.web.surveys.forms import DefineForm, RoundForm
from kipu.web.surveys.models import SurveyRound

# The disaggregations the issue names; others show their name.
DIMENSIONS = {
    "sex": gettext_lazy("Sex"),
    "age_group": gettext_lazy("Age group"),
    "nationality": gettext_lazy("Nationality"),
    "border_point": gettext_lazy("Border point"),
    "department": gettext_lazy("Department"),
}


def _lang() -> str:
    return "es" if (get_language() or "en").startswith("es") else "en"


def _section_context(request: HttpRequest) -> dict[str, Any]:
    """What the survey section shows for the filters in the query string."""
    scope, lang = scope_of(request), _lang()
    surveys = [s for s in queries.surveys_of(scope.platform) if queries.visible_rounds(scope, s)]
    context: dict[str, Any] = {"platform": scope.platform, "surveys": surveys}
    if not surveys:
        return context
    wanted = request.GET.get("survey")
    survey = next((s for s in surveys if s.slug == wanted), surveys[0])
    months = [r.month for r in queries.visible_rounds(scope, survey)]
    month = request.GET.get("month") if request.GET.get("month") in months else months[-1]
    shown = queries.results(scope, survey, month, lang)
    spec = IndicatorSpec.from_dict(survey.indicators)
    form = SurveyForm.from_dict(survey.form)
    indicator = next(
        (i for i in spec.indicators if i.question == request.GET.get("question")),
        spec.indicators[0],
    )
    dimension = request.GET.get("by") if request.GET.get("by") in indicator.by else ALL
    frame = shown.frame.filter(
        (shown.frame["question"] == indicator.question) & (shown.frame["dimension"] == dimension)
    )
    groups = list(dict.fromkeys(frame["group"]))
    labels = dict(zip(frame["group"], frame["group_label"], strict=True))
    group = (
        request.GET.get("group")
        if request.GET.get("group") in groups
        else groups[0]
        if groups
        else ALL
    )
    rows = [_shown(r, lang) for r in frame.filter(frame["group"] == group).to_dicts()]
    context.update(
        survey=survey, month=month, months=months, shown=shown, rows=rows,
        survey_options=[(s.slug, s.title(lang)) for s in surveys],
        title=survey.title(lang),
        indicators=[(i.question, form.question(i.question).label(lang)) for i in spec.indicators],
        indicator=indicator.question,
        question_label=form.question(indicator.question).label(lang),
        dimensions=[(d, DIMENSIONS.get(d, d.replace("_", " "))) for d in indicator.by],
        dimension=dimension, groups=[(g, labels[g]) for g in groups], group=group,
        respondents=rows[0]["respondents"] if rows else None,
        query=f"question={indicator.question}&by={dimension}&group={group}",
    )  # fmt: skip
    return context


def percent(value: float | None, lang: str) -> str:
    if value is None:
        return ""
    text = f"{value * 100:.0f}"
    return f"{text} %" if lang == "es" else f"{text}%"


def _shown(row: dict[str, Any], lang: str) -> dict[str, Any]:
    # No count and not withheld: a choice the export did not bring (choice-not-exported).
    hidden = row.get("suppressed") or row.get("group_suppressed")
    return {
        **row,
        "not_known": row["count"] is None and not hidden,
        "share_text": percent(row["share"], lang),
        "interval_text": (
            "" if row["low"] is None else f"{row['low'] * 100:.0f}–{percent(row['high'], lang)}"
        ),
    }


@require(VIEW_PUBLISHED)
def page(request: HttpRequest, platform: str) -> HttpResponse:
    return render(request, "surveys/page.html", _section_context(request))


@require(VIEW_PUBLISHED)
def section(request: HttpRequest, platform: str) -> HttpResponse:
    """The section alone, for the dashboard (loaded by surveys.js)."""
    return render(request, "surveys/_section.html", _section_context(request))


@require(VIEW_PUBLISHED)
def chart(request: HttpRequest, platform: str, survey: str, month: str) -> HttpResponse:
    context = _section_context(request)
    if (
        context.get("survey") is None
        or context["survey"].slug != survey
        or context["month"] != month
    ):
        raise Http404("no such survey round")
    bars = [
        Bar(r["answer_label"], r["share"], r["low"], r["high"], known=not r["not_known"])
        for r in context["rows"]
    ]
    title = context["question_label"]
    if context["dimension"] != ALL:
        title += f" · {dict(context['groups'])[context['group']]}"
    svg = bar_chart(title, bars, lang=_lang(), k=context["shown"].k)
    return HttpResponse(svg, content_type="image/svg+xml")


@require(VIEW_PUBLISHED)
def results_file(request: HttpRequest, platform: str, survey: str, month: str) -> HttpResponse:
    """Open data: the round's public results as CSV with an HXL row."""
    scope = scope_of(request)
    try:
        found = queries.survey_named(scope.platform, survey)
        shown = queries.results(scope, found, month, _lang())
    except queries.SurveyNotFound as error:
        raise Http404(str(error)) from None
    response = HttpResponse(results_csv(shown.frame, lang=_lang()), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{survey}-{month}.csv"'
    return response


# --- the IM team ----------------------------------------------------------------------------


@require(MANAGE_PLATFORM)
def manage(request: HttpRequest, platform: str) -> HttpResponse:
    scope = scope_of(request)
    define = DefineForm(request.POST or None, request.FILES or None, prefix="define")
    upload = RoundForm(scope.platform, request.POST or None, request.FILES or None, prefix="round")
    if request.method == "POST" and "define-form" in request.FILES and define.is_valid():
        return _define(request, define)
    if request.method == "POST" and "round-file" in request.FILES and upload.is_valid():
        return _upload(request, upload)
    surveys = [(s, queries.history(s)) for s in queries.surveys_of(scope.platform)]
    return render(
        request,
        "surveys/manage.html",
        {
            "platform": scope.platform,
            "define": define,
            "upload": upload,
            "surveys": surveys,
            "k": queries.disclosure_k(scope.platform),
        },  # fmt: skip
    )


def _saved(upload: Any, folder: Path) -> Path:
    target = folder / Path(upload.name).name
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return target


def _define(request: HttpRequest, define: DefineForm) -> HttpResponse:
    scope = scope_of(request)
    with tempfile.TemporaryDirectory(prefix="kipu-survey-") as folder:
        form_path = _saved(define.cleaned_data["form"], Path(folder))
        text = define.cleaned_data["indicators"].read().decode("utf-8", "replace")
        try:
            survey = services.define_survey(scope.platform, form_path, text, actor=request.user)
        except (FormError, IndicatorError) as error:
            messages.error(request, str(error))
            return redirect("surveys:manage", platform=scope.platform.slug)
    messages.success(request, _("Survey “%(slug)s” saved.") % {"slug": survey.slug})
    return redirect("surveys:manage", platform=scope.platform.slug)


def _upload(request: HttpRequest, upload: RoundForm) -> HttpResponse:
    scope = scope_of(request)
    survey = upload.cleaned_data["survey"]
    with tempfile.TemporaryDirectory(prefix="kipu-survey-") as folder:
        path = _saved(upload.cleaned_data["file"], Path(folder))
        result = services.import_round(
            survey, upload.cleaned_data["month"], path, actor=request.user, lang=_lang()
        )
    if result.unchanged:
        messages.info(
            request,
            _("Unchanged: version %(version)s of %(month)s holds this export; nothing stored.")
            % {"version": result.round.version, "month": result.round.month},
        )
    return redirect("surveys:round", platform=scope.platform.slug, pk=result.round.pk)


@require(MANAGE_PLATFORM)
def round_detail(request: HttpRequest, platform: str, pk: int) -> HttpResponse:
    scope = scope_of(request)
    found = get_object_or_404(SurveyRound, pk=pk, survey__platform=scope.platform)
    return render(
        request,
        "surveys/round.html",
        {"platform": scope.platform, "round": found, "report": found.report},
    )
