"""Survey figures in the report's narrative, in English and Spanish: the numbers of the month's
round under the disclosure rule; an unknown survey, question or answer, a month without a
round, or a withheld cell is an error naming what would work, never a 0."""

from __future__ import annotations

import pytest

from kipu.core.report.narrative import FigureCatalogue, Narrative, NarrativeError
from kipu.web.surveys.figures import register_survey_figures
from kipu.web.surveys.queries import public_results, round_for

from .conftest import OPEN, PUBLISHED

pytestmark = pytest.mark.django_db

TEXT = {
    "en": 'At the CEBAF, {{ survey("fms-tumbes").interviews | number }} people were interviewed; '
    '{{ survey_share("fms-tumbes", question="intention", answer="stay_peru") | percent }} '
    "intend to stay in Peru.",
    "es": 'En el CEBAF se entrevistó a {{ survey("fms-tumbes").interviews | number }} personas; '
    'el {{ survey_share("fms-tumbes", question="intention", answer="Quedarse en el Perú") '
    "| percent }} "
    "piensa quedarse en el Perú.",
}


def _catalogue(platform, month: str) -> FigureCatalogue:  # noqa: ANN001
    catalogue = FigureCatalogue()
    register_survey_figures(catalogue, platform, month)
    return catalogue


def _expected(survey, month: str) -> tuple[int, float]:  # noqa: ANN001
    from kipu.web.accounts.scope import ADMIN, Scope

    current = round_for(Scope(survey.platform, ADMIN), survey, month)
    frame = public_results(current).frame
    row = frame.filter(
        (frame["dimension"] == "all")
        & (frame["question"] == "intention")
        & (frame["answer"] == "stay_peru")
    ).to_dicts()[0]
    return current.interviews, row["share"]


@pytest.mark.parametrize("month", [PUBLISHED, OPEN])
def test_narrative_cites_the_months_round_in_both_languages(survey, month: str) -> None:  # noqa: ANN001
    interviews, share = _expected(survey, month)
    catalogue = _catalogue(survey.platform, month)
    english = Narrative(catalogue, "en").render(TEXT["en"]).markdown
    spanish = Narrative(catalogue, "es").render(TEXT["es"]).markdown
    percent = round(share * 100)
    assert english == (
        f"At the CEBAF, {interviews} people were interviewed; {percent}% intend to stay in Peru."
    )
    assert spanish == (
        f"En el CEBAF se entrevistó a {interviews} personas; el {percent}\u00a0% "
        "piensa quedarse en el Perú."
    )


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('survey("fms-lima").interviews', "survey.*fms-lima.*fms-tumbes"),
        ('survey("fms-tumbes").respondents', "fields are interviews"),
        ('survey_share("fms-tumbes", question="mood", answer="x")', "mood.*intention"),
        (
            'survey_share("fms-tumbes", question="intention", answer="go_mars")',
            "go_mars.*stay_peru",
        ),
        ('survey_share("fms-tumbes", question="intention")', "answer"),
    ],
)
def test_unknown_values_are_errors_listing_the_valid_ones(
    survey, expression: str, message: str
) -> None:  # noqa: ANN001
    with pytest.raises(NarrativeError, match=message):
        Narrative(_catalogue(survey.platform, PUBLISHED), "en").render("{{ " + expression + " }}")


def test_month_without_a_round_is_an_error(survey) -> None:  # noqa: ANN001
    with pytest.raises(NarrativeError, match="no round 2019-08.*rounds: 2019-05, 2019-06"):
        Narrative(_catalogue(survey.platform, "2019-08"), "en").render(TEXT["en"])


def test_withheld_share_is_an_error_not_a_zero(survey, small_round) -> None:  # noqa: ANN001
    catalogue = _catalogue(survey.platform, "2019-04")
    text = '{{ survey_share("fms-tumbes", question="intention", answer="return") | percent }}'
    with pytest.raises(NarrativeError, match="withheld \\(fewer than 5 people\\)"):
        Narrative(catalogue, "en").render(text)
    assert Narrative(catalogue, "en").render(TEXT["en"].split(";")[0]).markdown == (
        "At the CEBAF, 7 people were interviewed"
    )


def test_report_context_registers_the_survey_figures(survey) -> None:  # noqa: ANN001
    from kipu.web.reports.context import report_context

    context = report_context(survey.platform, PUBLISHED, "es", narrative={"context": TEXT["es"]})
    assert "survey_share" in context.catalogue.names()
    rendered = Narrative(context.catalogue, "es").render(context.context_md).markdown
    assert rendered.startswith("En el CEBAF se entrevistó a ")
