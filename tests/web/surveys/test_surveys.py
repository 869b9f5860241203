"""Rounds stored like 5W submissions (atomic, versioned, rejected with errors), and who sees
what: the public and every role but the IM team get published rounds under the disclosure
rule; raw answers are the IM team's only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from kipu.web.api.auth import create_token
from kipu.web.audit.models import AuditEvent
from kipu.web.submissions.months import lock_month, publish_month
from kipu.web.surveys.models import Answer, SurveyRound
from kipu.web.surveys.services import import_round, set_disclosure_k
from survey_files import interview, write_xlsx

from .conftest import OPEN, PUBLISHED

pytestmark = pytest.mark.django_db


def api(user: object = None) -> Client:
    if user is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'test')}")


def test_rounds_are_versioned_and_replace_atomically(survey, files, admin) -> None:  # noqa: ANN001
    first = SurveyRound.objects.get(survey=survey, month=OPEN, status="current")
    again = import_round(survey, OPEN, files[PUBLISHED], actor=admin)  # another export
    assert again.stored and again.round.version == 2 and again.round.replaces == first
    first.refresh_from_db()
    assert first.status == "superseded"
    assert Answer.objects.filter(round=first).count() == first.interviews  # kept
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"define_survey", "import_survey_round"} <= actions


def test_export_with_errors_is_rejected_and_stores_nothing(survey, tmp_path, admin) -> None:  # noqa: ANN001
    bad = write_xlsx(tmp_path / "bad.xlsx", [interview(1), interview(2, intention="nope")])
    result = import_round(survey, OPEN, bad, actor=admin)
    assert not result.stored and result.round.status == "rejected"
    assert result.round.report["issues"][0]["code"] == "unknown-choice"
    assert result.round.report["issues"][0]["row"] == 3
    assert not Answer.objects.filter(round=result.round).exists()
    current = SurveyRound.objects.get(survey=survey, month=OPEN, status="current")
    assert current.version == 1 and current.interviews > 300


def test_a_failure_while_storing_changes_nothing(survey, files, admin, monkeypatch) -> None:  # noqa: ANN001
    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("disk full")

    monkeypatch.setattr(Answer.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        import_round(survey, OPEN, files[PUBLISHED], actor=admin)
    assert SurveyRound.objects.filter(survey=survey, month=OPEN).count() == 1


def _results(client: Client, survey, **query: str) -> dict:  # noqa: ANN001
    params = "&".join(f"{k}={v}" for k, v in {"platform": survey.platform.slug, **query}.items())
    response = client.get(f"/api/v1/surveys/{survey.slug}/results?{params}")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_public_sees_published_rounds_only(survey) -> None:  # noqa: ANN001
    listing = json.loads(api().get(f"/api/v1/surveys?platform={survey.platform.slug}").content)
    assert listing["results"][0]["months"] == [PUBLISHED]
    answer = _results(api(), survey)
    assert answer["month"] == PUBLISHED and answer["disclosure_control"] is True
    response = api().get(
        f"/api/v1/surveys/{survey.slug}/results?platform={survey.platform.slug}&month={OPEN}"
    )
    assert response.status_code == 404
    assert json.loads(response.content)["error"]["code"] == "not-found"


def test_im_team_sees_every_round_before_disclosure_control(survey, admin) -> None:  # noqa: ANN001
    answer = _results(api(admin), survey, month=OPEN)
    assert answer["disclosure_control"] is False
    assert not any(r["suppressed"] for r in answer["results"])


def test_small_cells_are_withheld_for_the_public_not_for_the_im_team(
    survey,
    small_round,
    admin,
    viewer,
    partner_a,  # noqa: ANN001
) -> None:
    public = _results(api(), survey, month="2019-04")
    cells = {(r["question"], r["answer"], r["dimension"], r["group"]): r for r in public["results"]}
    # 6 of 7 chose go_chile, 1 chose return: 1 is under k = 5, and its complement too.
    assert cells[("intention", "return", "all", "all")]["count"] is None
    assert cells[("intention", "go_chile", "all", "all")]["count"] is None
    assert cells[("intention", "return", "all", "all")]["share"] is None
    assert cells[("intention", "stay_peru", "all", "all")]["count"] == 0
    for user in (viewer, partner_a):
        assert _results(api(user), survey, month="2019-04")["results"] == public["results"]
    internal = _results(api(admin), survey, month="2019-04")
    inner = {
        (r["question"], r["answer"], r["dimension"], r["group"]): r for r in internal["results"]
    }
    assert inner[("intention", "return", "all", "all")]["count"] == 1


def test_threshold_is_per_platform(survey, small_round, admin) -> None:  # noqa: ANN001
    set_disclosure_k(survey.platform, 1, actor=admin)
    public = _results(api(), survey, month="2019-04")
    assert not any(r["suppressed"] for r in public["results"])
    with pytest.raises(ValueError, match="between 1 and 32,767, not 0"):
        set_disclosure_k(survey.platform, 0)


def test_interviews_withheld_with_the_round_total(survey, tmp_path, admin) -> None:  # noqa: ANN001
    """Everyone answers intention, so its respondents are the interviews: here the rule
    withholds them (3 "return", 5 "stay_peru", cut by sex and nationality), and the number
    of interviews shown beside the tables would give them back. It did before."""
    people = [
        ("female", "stay_peru", "venezuelan", 65, "cebaf_tumbes"),
        ("female", "return", "colombian", 30, "cebaf_tumbes"),
        ("female", "stay_peru", "venezuelan", 20, "cebaf_tumbes"),
        ("male", "stay_peru", "venezuelan", 20, "cebaf_tumbes"),
        ("male", "stay_peru", "venezuelan", 30, "cebaf_tumbes"),
        ("female", "stay_peru", "venezuelan", 20, "other"),
        ("female", "return", "colombian", 30, "cebaf_tumbes"),
        ("male", "return", "colombian", 30, "cebaf_tumbes"),
    ]
    names = ("respondent/sex", "intention", "respondent/nationality", "respondent/age")
    rows = []
    for number, (*values, border_point) in enumerate(people, start=1):
        answers = dict(zip(names, values, strict=True))
        answers["interview/border_point"] = border_point
        answers["destination_department"] = "lima" if values[1] == "stay_peru" else None
        rows.append(interview(number, **answers))
    path = write_xlsx(tmp_path / "april.xlsx", rows)
    assert import_round(survey, "2019-04", path, actor=admin).stored
    lock_month(survey.platform, "2019-04", admin)
    publish_month(survey.platform, "2019-04", admin)
    public = _results(api(), survey, month="2019-04")
    totals = [r for r in public["results"] if r["question"] == "intention" and r["group"] == "all"]
    assert all(r["group_suppressed"] and r["respondents"] is None for r in totals)
    assert public["interviews"] is None
    assert _results(api(admin), survey, month="2019-04")["interviews"] == 8


@pytest.mark.parametrize("role", ["viewer", "partner_a", "coordinator"])
def test_raw_answers_are_refused_to_every_role_but_the_im_team(survey, role, request) -> None:  # noqa: ANN001
    user = request.getfixturevalue(role)
    url = f"/api/v1/surveys/{survey.slug}/answers?platform={survey.platform.slug}&month={PUBLISHED}"
    assert api().get(url).status_code == 401
    response = api(user).get(url)
    assert response.status_code == 403
    assert "IM team" in json.loads(response.content)["error"]["message"]


def test_im_team_reads_raw_answers(survey, admin) -> None:  # noqa: ANN001
    url = f"/api/v1/surveys/{survey.slug}/answers?platform={survey.platform.slug}&month={OPEN}"
    body = json.loads(api(admin).get(url).content)
    assert body["count"] == len(body["results"]) > 300
    first = body["results"][0]["values"]
    assert set(first) >= {"respondent/sex", "needs", "intention"}


def test_another_platforms_im_team_reads_nothing(survey, other_platform) -> None:  # noqa: ANN001
    from django.contrib.auth.models import User

    from kipu.web.accounts.services import assign_role

    stranger = User.objects.create_user("other.admin", "o@example.org", "x-long-password-1")
    assign_role(stranger, other_platform, "admin")
    url = f"/api/v1/surveys/{survey.slug}/answers?platform={survey.platform.slug}&month={OPEN}"
    assert api(stranger).get(url).status_code == 403


def test_survey_definition_and_open_data_csv(survey) -> None:  # noqa: ANN001
    body = json.loads(
        api().get(f"/api/v1/surveys/{survey.slug}?platform={survey.platform.slug}&lang=es").content
    )
    sex = next(q for q in body["questions"] if q["name"] == "sex")
    assert sex["label"] == "Sexo" and sex["choices"][0] == {"name": "female", "label": "Mujer"}
    response = Client().get(
        f"/surveys/{survey.platform.slug}/{survey.slug}/{PUBLISHED}/results.csv"
    )
    assert response.status_code == 200
    lines = response.content.decode("utf-8").splitlines()
    assert lines[1].startswith("#meta+survey+code,#date+month,#indicator+question+code")
    assert (
        Client()
        .get(f"/surveys/{survey.platform.slug}/{survey.slug}/{OPEN}/results.csv")
        .status_code
        == 404
    )


def test_pages(survey, admin, partner_a, client) -> None:  # noqa: ANN001
    slug = survey.platform.slug
    page = client.get(f"/surveys/{slug}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Flow monitoring survey, CEBAF Tumbes" in text and PUBLISHED in text
    assert OPEN not in text  # an open month is not shown to the public
    chart = client.get(f"/surveys/{slug}/{survey.slug}/{PUBLISHED}/chart.svg?question=needs")
    assert chart["Content-Type"] == "image/svg+xml" and b"Most urgent needs" in chart.content
    section = client.get(f"/surveys/{slug}/section/?question=intention&by=sex&group=female")
    assert b"Female" in section.content and b"<html" not in section.content
    assert client.get(f"/surveys/{slug}/manage/").status_code == 302  # sign in first
    client.force_login(partner_a)
    assert client.get(f"/surveys/{slug}/manage/").status_code == 403
    client.force_login(admin)
    assert client.get(f"/surveys/{slug}/manage/").status_code == 200


def test_upload_page_shows_the_report(survey, admin, client, tmp_path: Path) -> None:  # noqa: ANN001
    client.force_login(admin)
    bad = write_xlsx(tmp_path / "bad.xlsx", [interview(1, **{"respondent/age": 12})])
    with bad.open("rb") as handle:
        response = client.post(
            f"/surveys/{survey.platform.slug}/manage/",
            {"round-survey": survey.pk, "round-month": "2019-07", "round-file": handle},
            follow=True,
        )
    text = response.content.decode()
    assert "Rejected" in text and "Adults only (18 to 99)" in text
