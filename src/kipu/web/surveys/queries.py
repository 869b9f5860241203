"""Reads: surveys, rounds, their answers as typed frames, and their results, through the
caller's scope. The public (and every role but the IM team) gets results under the
disclosure rule (`kipu.core.surveys.public`); only the IM team reads raw answers."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import polars as pl

from kipu.core.surveys.analysis import ALL, MISSING, analyse
from kipu.core.surveys.disclosure import DEFAULT_K
from kipu.core.surveys.form import DATE, NUMERIC, SELECT_MULTIPLE, SurveyForm
from kipu.core.surveys.indicators import IndicatorSpec
from kipu.core.surveys.issues import unknown_choices
from kipu.core.surveys.public import public, withheld_totals
from kipu.web.accounts.scope import Scope
from kipu.web.platforms.models import Platform
from kipu.web.platforms.queries import view_sources
from kipu.web.surveys.models import Answer, DisclosureSetting, Survey, SurveyRound

_CACHE: OrderedDict[tuple[Any, ...], pl.DataFrame] = OrderedDict()
_LOCK = threading.Lock()
_CACHE_SIZE = 128
GROUP_NAMES = {
    "en": {ALL: "All", MISSING: "Not stated"},
    "es": {ALL: "Todos", MISSING: "No indicado"},
}


class SurveyNotFound(LookupError):
    """No such survey (or round) for the caller; the message lists what exists."""


def disclosure_k(platform: Platform) -> int:
    """The platform's threshold k (default 5)."""
    found = DisclosureSetting.objects.filter(platform=platform).values_list("k", flat=True)
    return int(found[0]) if found else DEFAULT_K


def rows_disclosure_k(platform: Platform) -> int:
    """The k that protects the 5W rows `platform` shows (`fivew_disclosure`): the largest
    threshold among the platforms whose rows its view holds (`view_sources`), so that a
    local platform under a national one with k=10 shows the national rows as its k does,
    not with its own 5."""
    platforms = [source.platform.pk for source in view_sources(platform)]
    found = DisclosureSetting.objects.filter(platform_id__in=platforms).values_list("k", flat=True)
    return max([DEFAULT_K, *found]) if len(found) < len(platforms) else max(found)


def surveys_of(platform: Platform) -> list[Survey]:
    return list(Survey.objects.filter(platform=platform).order_by("slug"))


def survey_named(platform: Platform, slug: str) -> Survey:
    found = Survey.objects.filter(platform=platform, slug=slug).first()
    if found is None:
        valid = ", ".join(s.slug for s in surveys_of(platform)) or "(none)"
        raise SurveyNotFound(f"no survey {slug!r} on {platform.slug}; surveys: {valid}")
    return found


def visible_rounds(scope: Scope, survey: Survey) -> list[SurveyRound]:
    """Current rounds of the survey the caller may read, oldest month first."""
    rounds = scope.survey_rounds(SurveyRound.objects.filter(survey=survey))
    return list(rounds.filter(status=SurveyRound.Status.CURRENT).order_by("month"))


def round_for(scope: Scope, survey: Survey, month: str | None) -> SurveyRound:
    """The current round of `month` (default: the latest the caller may read)."""
    rounds = visible_rounds(scope, survey)
    if month is None and rounds:
        return rounds[-1]
    for found in rounds:
        if found.month == month:
            return found
    months = ", ".join(r.month for r in rounds) or "(none)"
    which = f"no round {month}" if month else "no round"
    raise SurveyNotFound(f"survey {survey.slug!r} has {which} you may read; rounds: {months}")


def history(survey: Survey) -> list[SurveyRound]:
    """Every upload of the survey, for the IM team's pages."""
    return list(SurveyRound.objects.filter(survey=survey).order_by("-month", "-version"))


def _dtype(question: Any) -> pl.DataType:
    if question.type in NUMERIC:
        return pl.Float64()
    if question.type == SELECT_MULTIPLE:
        return pl.List(pl.Utf8)
    return pl.Utf8()


def round_frames(current: SurveyRound) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """A stored round as the typed frames `analyse` reads (interviews, repeats)."""
    form = SurveyForm.from_dict(current.survey.form)
    answers = list(Answer.objects.filter(round=current).values_list("row", "values", "repeats"))
    outer = form.answered(None)
    data: dict[str, list[Any]] = {"_row": [r for r, _, _ in answers]}
    data["_index"] = [str(r) for r, _, _ in answers]
    for question in outer:
        data[question.path] = [v.get(question.path) for _, v, _ in answers]
    schema = {"_row": pl.Int64(), "_index": pl.Utf8(), **{q.path: _dtype(q) for q in outer}}
    interviews = _dates(pl.DataFrame(data, schema=schema), outer)
    repeats = {}
    for path in form.repeats:
        inner = form.answered(path)
        rows = [(str(r), item) for r, _, nested in answers for item in nested.get(path, [])]
        frame = {"_parent": [p for p, _ in rows]}
        frame |= {q.path: [item.get(q.path) for _, item in rows] for q in inner}
        inner_schema = {"_parent": pl.Utf8(), **{q.path: _dtype(q) for q in inner}}
        repeats[path] = _dates(pl.DataFrame(frame, schema=inner_schema), inner)
    return interviews, repeats


def _dates(frame: pl.DataFrame, questions: list[Any]) -> pl.DataFrame:
    dates = [q.path for q in questions if q.type == DATE]
    return frame.with_columns(pl.col(d).str.to_date("%Y-%m-%d", strict=False) for d in dates)


def _cached(key: tuple[Any, ...], make: Any) -> pl.DataFrame:
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    value = make()
    with _LOCK:
        _CACHE[key] = value
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def round_results(current: SurveyRound) -> pl.DataFrame:
    """Every indicator of a round, before disclosure control (the IM team's view). A stored
    round never changes (a new upload is a new round), so results are cached by round."""
    survey = current.survey

    def make() -> pl.DataFrame:
        form = SurveyForm.from_dict(survey.form)
        interviews, repeats = round_frames(current)
        # Choices the export did not bring: said by the round's report, at their column.
        unknown = unknown_choices((current.report or {}).get("issues", []))
        spec = IndicatorSpec.from_dict(survey.indicators)
        return analyse(interviews, repeats, form, spec, unknown)

    return _cached(("internal", current.pk, survey.updated_at), make)


@dataclass
class Results:
    """One round's results as the caller may see them, with labels in `lang`."""

    survey: Survey
    round: SurveyRound
    frame: pl.DataFrame  # RESULT_SCHEMA + suppressed, group_suppressed + labels
    public: bool
    k: int
    withheld: frozenset[int] = frozenset()  # round totals the disclosure rule withholds

    @property
    def interviews(self) -> int | None:
        """Interviews in the round; None (withheld from the public) when fewer than k, or
        when the disclosure rule withholds a question's respondents of the same number
        (everyone answered it: publishing it here would give the withheld total back)."""
        count = self.round.interviews
        hidden = 0 < count < self.k or count in self.withheld
        return None if self.public and hidden else count


def results(scope: Scope, survey: Survey, month: str | None, lang: str = "en") -> Results:
    """The round's results: under the disclosure rule unless the caller is the IM team."""
    current = round_for(scope, survey, month)
    if not scope.can_read_survey_answers():
        return public_results(current, lang)
    frame = round_results(current).with_columns(
        pl.lit(False).alias("suppressed"), pl.lit(False).alias("group_suppressed")
    )
    return Results(
        survey, current, _shown(frame, current, lang), False, disclosure_k(survey.platform)
    )


def public_results(current: SurveyRound, lang: str = "en") -> Results:
    """A round's results under the platform's disclosure rule (what the public may see)."""
    survey = current.survey
    k = disclosure_k(survey.platform)
    form = SurveyForm.from_dict(survey.form)
    multiple = frozenset(q.path for q in form.questions if q.type == SELECT_MULTIPLE)
    dimensions = IndicatorSpec.from_dict(survey.indicators).dimensions
    raw = round_results(current)
    frame = _cached(
        ("public", current.pk, survey.updated_at, k),
        lambda: public(raw, k, multiple, dimensions, form),
    )
    withheld = withheld_totals(raw, frame)
    return Results(survey, current, _shown(frame, current, lang), True, k, withheld)


def _shown(frame: pl.DataFrame, current: SurveyRound, lang: str) -> pl.DataFrame:
    return labelled(frame, current.survey, lang).with_columns(pl.lit(current.month).alias("month"))


def labelled(frame: pl.DataFrame, survey: Survey, lang: str) -> pl.DataFrame:
    """Question, answer and group labels in `lang`, with the survey and month columns."""
    form = SurveyForm.from_dict(survey.form)
    spec = IndicatorSpec.from_dict(survey.indicators)
    questions = {q.path: q.label(lang) for q in form.questions}
    answers = {(q.path, c.name): c.label(lang) for q in form.questions for c in q.choices}
    groups = dict(GROUP_NAMES.get(lang, GROUP_NAMES["en"]))
    for dimension in spec.dimensions.values():
        question = form.question(dimension.question)
        for choice in question.choices:
            groups.setdefault(f"{dimension.name}\x00{choice.name}", choice.label(lang))
    return frame.with_columns(
        pl.col("question")
        .replace_strict(questions, default=pl.col("question"))
        .alias("question_label"),
        pl.struct("question", "answer")
        .map_elements(
            lambda r: answers.get((r["question"], r["answer"]), r["answer"]), return_dtype=pl.Utf8
        )
        .alias("answer_label"),
        pl.struct("dimension", "group")
        .map_elements(
            lambda r: groups.get(
                f"{r['dimension']}\x00{r['group']}", groups.get(r["group"], r["group"])
            ),
            return_dtype=pl.Utf8,
        )
        .alias("group_label"),
        pl.lit(survey.slug).alias("survey"),
    )
