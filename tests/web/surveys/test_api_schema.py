"""The survey endpoints answer what the served OpenAPI document promises: each real answer,
for the public, a signed-in partner and the IM team, is validated against the schema the
document gives for that operation and status. Objects are checked closed (no property the
component does not list), so the components cannot drift from the handlers either way."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from kipu.web.api.auth import create_token
from kipu.web.surveys.models import Survey

from .conftest import OPEN, PUBLISHED

pytestmark = pytest.mark.django_db
SMALL = "2019-04"  # the small_round fixture's month


def _client(user: object = None) -> Client:
    if user is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'test')}")


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema → JSON Schema: `nullable` becomes a "null" type, and an object
    that lists its properties admits no other."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in node:  # without a type, null is allowed already
        out["type"] = [node["type"], "null"]
    if "properties" in node and "additionalProperties" not in node:
        out["additionalProperties"] = False
    return out


@pytest.fixture
def document() -> dict[str, Any]:
    return json.loads(Client().get("/api/v1/openapi.json").content)


def _conforms(document: dict[str, Any], path: str, response: Any) -> dict[str, Any]:
    """The JSON body of `response`, after validating it against the schema the document
    gives for GET `path` and the response's status."""
    answers = document["paths"][path]["get"]["responses"]
    assert str(response.status_code) in answers, (path, response.status_code)
    media = answers[str(response.status_code)]["content"]["application/json"]
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    root = {**_json_schema({"components": document["components"]}), **media["schema"]}
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft202012Validator(root).iter_errors(body)
    ]
    assert errors == [], errors[:5]
    return body


def _urls(survey: Survey, month: str | None = None) -> dict[str, str]:
    platform = f"?platform={survey.platform.slug}"
    query = platform + (f"&month={month}" if month else "")
    base = f"/api/v1/surveys/{survey.slug}"
    return {  # the listing and the definition take no month (an unknown parameter is a 400)
        "/surveys": f"/api/v1/surveys{platform}",
        "/surveys/{survey}": f"{base}{platform}&lang=es",
        "/surveys/{survey}/results": f"{base}/results{query}",
        "/surveys/{survey}/answers": f"{base}/answers{query}",
    }


def test_the_public_gets_what_the_document_says(survey, small_round, document) -> None:  # noqa: ANN001
    client = _client()
    for month in (None, PUBLISHED, SMALL):
        urls = _urls(survey, month)
        listing = _conforms(document, "/surveys", client.get(urls["/surveys"]))
        assert listing["results"][0]["months"] == [SMALL, PUBLISHED]
        definition = _conforms(document, "/surveys/{survey}", client.get(urls["/surveys/{survey}"]))
        assert definition["questions"] and definition["disaggregations"]
        results = _conforms(
            document, "/surveys/{survey}/results", client.get(urls["/surveys/{survey}/results"])
        )
        assert results["disclosure_control"] is True and results["results"]
        refused = client.get(urls["/surveys/{survey}/answers"])
        assert refused.status_code == 401
        _conforms(document, "/surveys/{survey}/answers", refused)
    # The small round withholds cells: the nulls of the schema are real answers.
    small = _conforms(
        document,
        "/surveys/{survey}/results",
        client.get(_urls(survey, SMALL)["/surveys/{survey}/results"]),
    )
    assert any(r["count"] is None and r["share"] is None for r in small["results"])
    missing = client.get(_urls(survey, OPEN)["/surveys/{survey}/results"])
    assert missing.status_code == 404
    _conforms(document, "/surveys/{survey}/results", missing)
    unknown = client.get(f"/api/v1/surveys/no-such-survey?platform={survey.platform.slug}")
    assert unknown.status_code == 404
    body = _conforms(document, "/surveys/{survey}", unknown)
    assert survey.slug in body["error"]["message"]  # it names the surveys there are


def test_a_partner_is_refused_raw_answers_in_the_error_shape(survey, partner_a, document) -> None:  # noqa: ANN001
    response = _client(partner_a).get(_urls(survey, PUBLISHED)["/surveys/{survey}/answers"])
    assert response.status_code == 403
    body = _conforms(document, "/surveys/{survey}/answers", response)
    assert body["error"]["code"] == "forbidden"


def test_the_im_team_gets_what_the_document_says(survey, small_round, admin, document) -> None:  # noqa: ANN001
    client = _client(admin)
    for month in (None, OPEN, SMALL):
        urls = _urls(survey, month)
        listing = _conforms(document, "/surveys", client.get(urls["/surveys"]))
        assert listing["results"][0]["months"] == [SMALL, PUBLISHED, OPEN]
        _conforms(document, "/surveys/{survey}", client.get(urls["/surveys/{survey}"]))
        results = _conforms(
            document, "/surveys/{survey}/results", client.get(urls["/surveys/{survey}/results"])
        )
        assert results["disclosure_control"] is False
        assert not any(r["suppressed"] for r in results["results"])
        answers = _conforms(
            document, "/surveys/{survey}/answers", client.get(urls["/surveys/{survey}/answers"])
        )
        assert answers["month"] == (month or OPEN)
        assert answers["count"] == len(answers["results"]) > 0


@pytest.mark.parametrize(
    ("query", "name"),
    [("question=no_such_question", "question"), ("dimension=no_such_dimension", "dimension")],
)
def test_a_question_or_disaggregation_the_survey_lacks_is_a_400(
    survey,  # noqa: ANN001
    document,  # noqa: ANN001
    query: str,
    name: str,
) -> None:
    url = _urls(survey)["/surveys/{survey}/results"] + f"&{query}"
    response = Client().get(url)
    assert response.status_code == 400
    body = _conforms(document, "/surveys/{survey}/results", response)
    assert body["error"]["code"] == "invalid-parameter"
    assert set(body["error"]["details"]["parameters"]) == {name}
    assert "sex" in body["error"]["message"] or "intention" in body["error"]["message"]


def test_filters_keep_only_their_rows(survey, document) -> None:  # noqa: ANN001
    url = _urls(survey)["/surveys/{survey}/results"] + "&question=intention&dimension=sex"
    body = _conforms(document, "/surveys/{survey}/results", Client().get(url))
    assert body["results"]
    assert {(r["question"], r["dimension"]) for r in body["results"]} == {("intention", "sex")}
