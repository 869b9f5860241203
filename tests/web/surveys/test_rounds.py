"""Rounds that must not become silent wrong values: a repeat the export does not bring, a
question nobody answered (null, never NaN or 0), the same export twice (unchanged), and
re-loading a survey's definition (its synthetic flag and Spanish title are kept)."""

from __future__ import annotations

import json
import math

import pytest
from django.test import Client

from kipu.core.report.narrative import FigureCatalogue, Narrative, NarrativeError
from kipu.core.surveys import demo
from kipu.web.api.auth import create_token
from kipu.web.surveys.models import Answer, SurveyRound
from kipu.web.surveys.services import define_survey, import_round
from survey_files import indicators_file, interview, write_csv, write_xlsx

from .conftest import OPEN

pytestmark = pytest.mark.django_db


def test_csv_without_its_repeat_is_rejected_naming_how_to_pass_it(survey, tmp_path, admin) -> None:  # noqa: ANN001
    rows = [interview(1, group_size=3), interview(2), interview(3, group_size=2)]
    result = import_round(survey, "2019-12", write_csv(tmp_path / "comma.csv", rows), actor=admin)
    assert not result.stored and result.round.status == "rejected"
    (issue,) = [i for i in result.round.report["issues"] if i["code"] == "missing-repeat"]
    assert issue["row"] is None and issue["severity"] == "error"
    assert "“members”" in issue["message"] and "2 interviews" in issue["message"]
    assert "--repeat members=FILE" in issue["message"] and "sheet named" in issue["message"]
    assert not SurveyRound.objects.filter(survey=survey, month="2019-12", status="current")


def test_the_same_repeat_given_as_a_file_is_stored(survey, tmp_path, admin) -> None:  # noqa: ANN001
    rows = [interview(1, group_size=2), interview(2)]
    members = tmp_path / "members.csv"
    members.write_text(
        "members/member_sex,members/member_age,_index,_parent_index\nfemale,8,1,1\n",
        encoding="utf-8",
    )
    path = write_csv(tmp_path / "comma.csv", rows)
    result = import_round(survey, "2019-12", path, actor=admin, repeat_files={"members": members})
    assert result.stored, result.data.report.to_dict()["issues"]
    assert Answer.objects.get(round=result.round, row=2).repeats == {
        "members": [{"members/member_sex": "female", "members/member_age": 8}]
    }


def test_web_upload_without_the_repeat_sheet_is_rejected(survey, admin, client, tmp_path) -> None:  # noqa: ANN001
    client.force_login(admin)
    path = write_xlsx(tmp_path / "no-members.xlsx", [interview(1, group_size=2)])
    with path.open("rb") as handle:
        client.post(
            f"/surveys/{survey.platform.slug}/manage/",
            {"round-survey": survey.pk, "round-month": "2019-12", "round-file": handle},
        )
    found = SurveyRound.objects.get(survey=survey, month="2019-12")
    assert found.status == "rejected"
    assert [i["code"] for i in found.report["issues"]] == ["missing-repeat"]


def _no_nan(value: object) -> None:
    if isinstance(value, float):
        assert math.isfinite(value)
    if isinstance(value, dict):
        value = list(value.values())
    for inner in value if isinstance(value, list) else ():
        _no_nan(inner)


def test_a_question_nobody_answered_has_no_share(survey, small_round, admin) -> None:  # noqa: ANN001
    """The small round's interviews travel alone: no `members` rows, so member_sex has no
    respondents: JSON null (strict JSON parses), CSV empty, the narrative an error."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(admin, 'test')}")
    url = f"/api/v1/surveys/{survey.slug}/results?platform={survey.platform.slug}&month=2019-04"
    response = client.get(f"{url}&question=member_sex")
    body = json.loads(response.content, parse_constant=pytest.fail)  # NaN/Infinity fail
    female = next(r for r in body["results"] if r["answer"] == "female")
    assert female["respondents"] == 0 and female["count"] == 0
    assert (female["share"], female["low"], female["high"]) == (None, None, None)
    _no_nan(json.loads(client.get(url).content, parse_constant=pytest.fail))
    csv_text = client.get(f"{url}&question=member_sex&format=csv").content.decode("utf-8")
    line = next(x for x in csv_text.splitlines() if ",female," in x)
    assert "nan" not in line.lower() and line.split(",")[11:14] == ["", "", ""]
    catalogue = FigureCatalogue()
    from kipu.web.surveys.figures import register_survey_figures

    register_survey_figures(catalogue, survey.platform, "2019-04")
    text = '{{ survey_count("fms-tumbes", question="member_sex", answer="female") }}'
    with pytest.raises(NarrativeError, match="no answers to 'members/member_sex' in round 2019-04"):
        Narrative(catalogue, "en").render(text)


def test_the_same_export_again_is_unchanged(survey, files, admin) -> None:  # noqa: ANN001
    before = SurveyRound.objects.filter(survey=survey, month=OPEN).count()
    again = import_round(survey, OPEN, files[OPEN], actor=admin)
    assert again.unchanged and not again.stored and again.round.version == 1
    assert SurveyRound.objects.filter(survey=survey, month=OPEN).count() == before
    other = import_round(survey, OPEN, demo.write_export(files[OPEN].parent / "j.xlsx", 7))
    assert other.stored and other.round.version == 2


def test_reloading_keeps_synthetic_and_spanish_title(platform, files, tmp_path) -> None:  # noqa: ANN001
    demo_files = demo.write_demo_files(tmp_path / "demo", months=range(1, 1))
    first = define_survey(platform, demo_files["form"], demo_files["indicators"])
    assert first.synthetic  # the demonstration's indicators file says so
    english_only = demo.INDICATORS.replace("synthetic = true\n", "")
    english_only = "\n".join(x for x in english_only.splitlines() if not x.startswith("title_es"))
    again = define_survey(platform, files["form"], indicators_file(tmp_path, english_only))
    assert again.pk == first.pk and again.synthetic
    assert again.title_es == "Encuesta de monitoreo de flujo, CEBAF Tumbes (sintética)"
    said = define_survey(platform, files["form"], indicators_file(
        tmp_path, english_only.replace("[disaggregations]", "synthetic = false\n[disaggregations]")
    ))  # fmt: skip
    assert not said.synthetic
