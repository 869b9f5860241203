"""/api/v1/surveys/…: survey definitions and results for everyone (aggregates under the
disclosure rule), raw answers for the IM team only. Routed through the API's own machinery
(`kipu.web.api.base.route`: tokens, rate limits, parameter checks, the JSON error shape)."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.urls import path

from kipu.core.surveys.analysis import ALL
from kipu.core.surveys.form import SurveyForm
from kipu.core.surveys.indicators import IndicatorSpec
from kipu.core.surveys.outputs import results_csv
from kipu.web.api.base import Call, handler, json_answer, route
from kipu.web.api.errors import ApiError
from kipu.web.api.params import Endpoint
from kipu.web.api.schema import BY_NAME
from kipu.web.surveys import queries
from kipu.web.surveys.models import Answer

RESULT_COLUMNS = (
    "survey", "month", "question", "question_label", "answer", "answer_label", "dimension",
    "group", "group_label", "respondents", "count", "weighted_count", "share", "low", "high",
    "effective_n", "suppressed", "group_suppressed",
)  # fmt: skip
# Declared with every other endpoint (kipu.web.api.schema, tag "surveys"): the OpenAPI
# document, the index and the docs list them; this module answers and routes them.
SURVEY_ENDPOINTS = tuple(
    BY_NAME[name] for name in ("surveys", "survey", "survey_results", "survey_answers")
)


def _survey(call: Call) -> Any:
    try:
        return queries.survey_named(call.platform, call.path["survey"])
    except queries.SurveyNotFound as error:
        raise ApiError(404, str(error)) from None


@handler("surveys")
def surveys(call: Call) -> HttpResponseBase:
    base = call.request.build_absolute_uri("/api/v1/surveys/")
    found = []
    for survey in queries.surveys_of(call.platform):
        months = [r.month for r in queries.visible_rounds(call.scope, survey)]
        found.append(
            {
                "slug": survey.slug,
                "title_en": survey.title_en,
                "title_es": survey.title_es,
                "synthetic": survey.synthetic,
                "months": months,
                "links": {"results": f"{base}{survey.slug}/results?platform={call.platform.slug}"},
            }
        )
    return json_answer({"count": len(found), "results": found})


@handler("survey")
def survey(call: Call) -> HttpResponseBase:
    found = _survey(call)
    form, spec = SurveyForm.from_dict(found.form), IndicatorSpec.from_dict(found.indicators)
    lang = call.params["lang"]
    return json_answer(
        {
            "slug": found.slug,
            "title": found.title(lang),
            "languages": list(form.languages),
            "disclosure_threshold": queries.disclosure_k(call.platform),
            "months": [r.month for r in queries.visible_rounds(call.scope, found)],
            "questions": [
                {
                    "name": q.name,
                    "path": q.path,
                    "type": q.type,
                    "label": q.label(lang),
                    "required": q.required,
                    "repeat": q.repeat,
                    "choices": [{"name": c.name, "label": c.label(lang)} for c in q.choices],
                }
                for q in form.answered()
            ],
            "disaggregations": {n: d.question for n, d in spec.dimensions.items()},
            "indicators": [{"question": i.question, "by": list(i.by)} for i in spec.indicators],
        }
    )


def _bad(name: str, message: str) -> ApiError:
    return ApiError(400, message, code="invalid-parameter", details={"parameters": {name: message}})


def _filtered(frame: pl.DataFrame, found: Any, question: str, dimension: str) -> pl.DataFrame:
    """The rows of one question and/or one disaggregation; 400 naming the valid ones for a
    name the survey does not have (an empty answer would read as "nobody answered")."""
    if question:
        try:
            wanted = SurveyForm.from_dict(found.form).question(question).path
        except KeyError as error:
            raise _bad("question", str(error.args[0])) from None
        frame = frame.filter(pl.col("question") == wanted)
    if dimension:
        valid = [ALL, *IndicatorSpec.from_dict(found.indicators).dimensions]
        if dimension not in valid:
            message = f"no disaggregation {dimension!r}; disaggregations: {', '.join(valid)}"
            raise _bad("dimension", message)
        frame = frame.filter(pl.col("dimension") == dimension)
    return frame


@handler("survey_results")
def survey_results(call: Call) -> HttpResponseBase:
    found, p = _survey(call), call.params
    try:
        shown = queries.results(call.scope, found, p["month"], p["lang"])
    except queries.SurveyNotFound as error:
        raise ApiError(404, str(error)) from None
    frame = _filtered(shown.frame, found, p["question"], p["dimension"])
    if p["format"] == "csv":
        response = HttpResponse(results_csv(frame, lang=p["lang"]), content_type="text/csv")
        response["Content-Disposition"] = (
            f'attachment; filename="{found.slug}-{shown.round.month}.csv"'
        )
        return response
    return json_answer(
        {
            "survey": found.slug,
            "month": shown.round.month,
            "interviews": shown.interviews,
            "disclosure_control": shown.public,
            "threshold": shown.k,
            "results": frame.select(RESULT_COLUMNS).to_dicts(),
        }
    )


@handler("survey_answers")
def survey_answers(call: Call) -> HttpResponseBase:
    if not call.scope.can_read_survey_answers():
        raise ApiError(403, "raw survey answers are for the platform's IM team only")
    found = _survey(call)
    try:
        current = queries.round_for(call.scope, found, call.params["month"])
    except queries.SurveyNotFound as error:
        raise ApiError(404, str(error)) from None
    rows = Answer.objects.filter(round=current).values("row", "key", "values", "repeats")
    return json_answer(
        {
            "survey": found.slug,
            "month": current.month,
            "version": current.version,
            "count": current.interviews,
            "results": list(rows),
        }  # fmt: skip
    )


_by_path: dict[str, list[Endpoint]] = {}
for _endpoint in SURVEY_ENDPOINTS:
    _by_path.setdefault(_endpoint.django_path, []).append(_endpoint)

urlpatterns = [path(p, route(group), name=group[0].name) for p, group in _by_path.items()]
