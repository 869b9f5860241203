"""Property-based fuzzing of the served OpenAPI document with schemathesis: whatever the
generated request, no 5xx, and every answer conforms to the schema (status, media type, body,
headers). Runs through Django's WSGI handler, as the IM team (a bearer token), on a small
platform with data and a survey (its round of June 2019); about 25 examples per operation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kipu.core.surveys import demo
from kipu.web.api.auth import create_token
from kipu.web.surveys.models import Survey
from kipu.web.surveys.services import define_survey, import_round
from survey_files import form_file, indicators_file

from .conftest import OPEN

try:
    from schemathesis.checks import not_a_server_error
except ImportError:  # pragma: no cover - older layout
    from schemathesis.specs.openapi.checks import not_a_server_error  # type: ignore[no-redef]

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=False)]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


# Loading the document goes through the API itself, which needs no database for it.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture
def token(data, admin) -> Iterator[str]:  # noqa: ANN001
    # As Django's test client does: the raw WSGI handler would otherwise close the test's
    # database connection (inside its transaction) at the end of each request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield create_token(admin, "fuzz")
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def survey(data, platform, admin, tmp_path) -> Survey:  # noqa: ANN001
    found = define_survey(platform, form_file(tmp_path), indicators_file(tmp_path), actor=admin)
    export = demo.write_export(tmp_path / "june.xlsx", 6)
    assert import_round(found, OPEN, export, actor=admin).stored
    return found


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, token: str, survey: Survey) -> None:  # noqa: ANN001
    if "survey" in (case.path_parameters or {}):
        # A generated slug names no survey (a plain 404): fuzz the real survey's answers.
        case.path_parameters["survey"] = survey.slug
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
