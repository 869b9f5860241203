"""Survey figures a report's narrative may cite, for the report's month:

    {{ survey("fms-tumbes").interviews | words }} people were interviewed;
    {{ survey_share("fms-tumbes", question="intention", answer="stay_peru") | percent }} intend
    to stay in Peru.

Values are the round's results under the disclosure rule (a report is public): a withheld
cell, a question nobody answered in the round, a survey without a round that month, or an
unknown survey, question or answer is an error naming the valid values, never a 0.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from kipu.core.report.arguments import Choice, Domain
from kipu.core.report.narrative import FigureCatalogue
from kipu.core.surveys.analysis import ALL
from kipu.core.surveys.form import SurveyForm
from kipu.core.surveys.indicators import IndicatorSpec
from kipu.web.accounts.scope import ADMIN, Scope
from kipu.web.platforms.models import Platform
from kipu.web.surveys import queries
from kipu.web.surveys.models import Survey

FIELDS = ("interviews",)


def _domains(surveys: list[Survey]) -> dict[str, Domain]:
    named: dict[str, Choice] = {}
    questions: dict[str, Choice] = {}
    answers: dict[str, Choice] = {}
    for found in surveys:
        named[found.slug] = Choice(found.slug, {"en": found.title_en, "es": found.title_es})
        form, spec = SurveyForm.from_dict(found.form), IndicatorSpec.from_dict(found.indicators)
        for indicator in spec.indicators:
            question = form.question(indicator.question)
            questions.setdefault(question.path, Choice(question.path, question.labels,
                                                       (question.name,)))  # fmt: skip
            for choice in question.choices:
                known = answers.get(choice.name)
                aliases = tuple(choice.labels.values()) + (known.aliases if known else ())
                names = known.names if known else choice.labels
                answers[choice.name] = Choice(choice.name, names, tuple(dict.fromkeys(aliases)))
    return {
        "survey": Domain("survey", named.values()),
        "question": Domain("survey question", questions.values()),
        "answer": Domain("survey answer", answers.values()),
    }


def register_survey_figures(catalogue: FigureCatalogue, platform: Platform, month: str) -> None:
    """Add `survey(...)`, `survey_share(...)` and `survey_count(...)` for `month`."""
    surveys = {s.slug: s for s in queries.surveys_of(platform)}
    if not surveys:
        return
    for name, domain in _domains(list(surveys.values())).items():
        catalogue.domains.setdefault(name, domain)
    # The report's own month, whether or not published yet (the report is public only once
    # its month is), always under the disclosure rule.
    scope = Scope(platform, ADMIN)

    def shown(slug: str) -> queries.Results:
        found = surveys[slug]
        try:
            current = queries.round_for(scope, found, month)
        except queries.SurveyNotFound as error:
            raise ValueError(str(error)) from None
        return queries.public_results(current)

    def survey(survey: str, field: str = "interviews") -> int:
        if field not in FIELDS:
            raise ValueError(f"survey(...).{field}: fields are {', '.join(FIELDS)}")
        results = shown(survey)
        if results.interviews is None:
            raise ValueError(
                f"{survey} {month}: the number of interviews is withheld (disclosure "
                f"control: fewer than {results.k}, or a total the tables withhold)"
            )
        return results.interviews

    def cell(survey: str, question: str, answer: str) -> dict[str, Any]:
        results = shown(survey)
        frame = results.frame.filter(pl.col("dimension") == ALL)
        asked = frame.filter(pl.col("question") == question)
        if asked.is_empty():
            valid = ", ".join(dict.fromkeys(frame["question"]))
            raise ValueError(f"{survey} has no indicator {question!r}; indicators: {valid}")
        row = asked.filter(pl.col("answer") == answer).to_dicts()
        if not row:
            valid = ", ".join(asked["answer"])
            raise ValueError(f"{question!r} has no answer {answer!r}; answers: {valid}")
        hidden = row[0]["suppressed"] or row[0]["group_suppressed"]
        if row[0]["share"] is None and not hidden:
            # Nobody answered (a repeat without rows, say): no figure, rather than a 0.
            raise ValueError(f"{survey}: no answers to {question!r} in round {month}")
        if row[0]["share"] is None:
            raise ValueError(
                f"{survey} {month} {question}={answer}: withheld (fewer than {results.k} people)"
            )
        return row[0]

    def survey_share(survey: str, question: str, answer: str) -> float:
        return float(cell(survey, question, answer)["share"])

    def survey_count(survey: str, question: str, answer: str) -> int:
        return int(cell(survey, question, answer)["count"])

    catalogue.register(
        "survey", survey, "a survey's round in the month: .interviews", ("survey", "field")
    )
    catalogue.register(
        "survey_share",
        survey_share,
        "share of respondents giving an answer in the month's round (0-1: use | percent)",
        ("survey", "question", "answer"),
    )
    catalogue.register(
        "survey_count",
        survey_count,
        "respondents giving an answer in the month's round",
        ("survey", "question", "answer"),
    )
