"""The table of API endpoints, and the OpenAPI 3.0 document built from it.

urls.py routes by this table and every view's query parameters are checked against it, so the
served schema (/api/v1/openapi.json) is what the API does. Component schemas of the answers
live in `components.py`.
"""

from __future__ import annotations

from typing import Any

from kipu.web.api.components import COMPONENTS, ERROR_EXAMPLE
from kipu.web.api.errors import ERROR_CODES
from kipu.web.api.params import Endpoint, Param

API_VERSION = "1.0.0"
MAX_PAGE_SIZE = 1000

PLATFORM = Param("platform", "slug", "Platform slug (default: the first national platform).")
PLATFORM_PATH = Param("platform", "slug", "Platform slug.", location="path")
MONTH_PATH = Param("month", "month", "A published month, YYYY-MM.", location="path")
DATE_FROM = Param("from", "month", "First month, YYYY-MM (inclusive).")
DATE_TO = Param("to", "month", "Last month, YYYY-MM (inclusive).")
LANG = Param("lang", "string", "Language of labels and messages.", enum=("en", "es"), default="en")
PAGE = Param("page", "integer", "Page number, from 1.", default=1, minimum=1)
PAGE_SIZE = Param(
    "page_size", "integer", "Items per page.", default=100, minimum=1, maximum=MAX_PAGE_SIZE
)
ORGANISATION = Param("organisation", "string", "Organisation: registry id, acronym or name.")
COUNTRY = Param("country", "string", "Country, ISO3 (a regional platform's one country).")
MONTH = Param("month", "month", "Month, YYYY-MM.")
EXPORT = Param(
    "format",
    "string",
    "json (paginated); csv or xlsx: every matching row as a 5W table with an HXL row.",
    enum=("json", "csv", "xlsx"),
    default="json",
)
HXL = Param("hxl", "boolean", "csv/xlsx: include the HXL hashtag row.", default=True)
SURVEY_PATH = Param("survey", "slug", "Survey slug.", location="path")
SURVEY_MONTH = Param("month", "month", "Round (month), YYYY-MM; default: the latest you may read.")
SURVEY_LANG = Param("lang", "string", "Language of labels.", enum=("en", "es"), default="en")
TABLES = (
    "application/json",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

SUBMIT_BODY: dict[str, Any] = {
    "required": True,
    "description": "A 5W file (multipart field `file`, or the raw body) or JSON rows.",
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        "application/json": {"schema": {"$ref": "#/components/schemas/RowsBody"}},
        "text/csv": {"schema": {"type": "string", "format": "binary"}},
        TABLES[2]: {"schema": {"type": "string", "format": "binary"}},
    },
}

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "index",
        "GET",
        "/",
        "What the API offers, with links",
        "meta",
        response="Index",
        errors=(401, 429),
    ),
    Endpoint(
        "openapi",
        "GET",
        "/openapi.json",
        "This OpenAPI document",
        "meta",
        response="OpenApiDocument",
        errors=(401, 429),
    ),
    Endpoint(
        "platforms",
        "GET",
        "/platforms",
        "Platforms",
        "reference",
        response="PlatformList",
        errors=(401, 429),
    ),
    Endpoint(
        "platform",
        "GET",
        "/platforms/{platform}",
        "One platform, its published months",
        "reference",
        params=(PLATFORM_PATH,),
        response="Platform",
    ),
    Endpoint(
        "organisations",
        "GET",
        "/organisations",
        "Member organisations of a platform",
        "reference",
        params=(PLATFORM,),
        response="OrganisationList",
    ),
    Endpoint(
        "plan",
        "GET",
        "/plan",
        "The plan: sectors, indicators, targets",
        "reference",
        params=(
            PLATFORM,
            Param(
                "year", "integer", "Plan year (default: the latest).", minimum=1900, maximum=2200
            ),
        ),
        response="Plan",
    ),
    Endpoint(
        "locations",
        "GET",
        "/locations",
        "The gazetteer of a platform's countries",
        "reference",
        params=(PLATFORM, Param("level", "integer", "1 or 2", minimum=0, maximum=3)),
        response="LocationList",
    ),
    Endpoint(
        "statistics",
        "GET",
        "/statistics",
        "Official statistics: series and observations",
        "reference",
        params=(PLATFORM,),
        response="SeriesList",
    ),
    Endpoint(
        "activities",
        "GET",
        "/activities",
        "5W activity rows the caller may read",
        "data",
        access="signed-in",
        params=(
            PLATFORM,
            DATE_FROM,
            DATE_TO,
            Param("sector", "string", "Sector code."),
            COUNTRY,
            Param("admin1", "string", "Admin1 P-code."),
            ORGANISATION,
            PAGE,
            PAGE_SIZE,
            EXPORT,
            LANG,
            HXL,
        ),
        response="ActivityPage",
        media=TABLES,
        errors=(400, 401, 404, 429),
        description="Your remit in any month (partners: your organisation; coordinators: your "
        "sectors; the IM team: all), plus every published month. csv/xlsx stream every "
        "matching row, ordered by id.",
    ),
    Endpoint(
        "figures",
        "GET",
        "/figures",
        "Figures: people reached, partners, coverage, progress",
        "data",
        params=(
            PLATFORM,
            DATE_FROM,
            DATE_TO,
            COUNTRY,
            Param(
                "model",
                "string",
                "Intersector model (docs/figures.md).",
                enum=("sum", "max-sector", "max-agd", "max-cell"),
                default="max-cell",
            ),
            Param("rmrp_only", "boolean", "Only RMRP activities.", default=False),
            Param(
                "include_issues",
                "boolean",
                "Count rows stored with accepted issues (IM team only).",
                default=False,
            ),
            Param(
                "format",
                "string",
                "json, or the figure rows as csv/xlsx with HXL.",
                enum=("json", "csv", "xlsx"),
                default="json",
            ),
            LANG,
            HXL,
        ),
        response="Figures",
        media=TABLES,
        errors=(400, 401, 403, 404, 429),
        description="Anyone may ask for a period made only of published months (the default "
        "period for them is the published months). Unpublished months need the IM team's role: "
        "others get 403 `unpublished-months` naming them.",
    ),
    Endpoint(
        "submissions",
        "GET",
        "/submissions",
        "Submissions (uploads) the caller may see",
        "submissions",
        access="signed-in",
        params=(
            PLATFORM,
            ORGANISATION,
            MONTH,
            Param(
                "status", "string", "Submission status.", enum=("current", "superseded", "rejected")
            ),
            PAGE,
            PAGE_SIZE,
        ),
        response="SubmissionPage",
    ),
    Endpoint(
        "submission",
        "GET",
        "/submissions/{id}",
        "One submission and its validation report",
        "submissions",
        access="signed-in",
        params=(Param("id", "integer", "Submission id.", location="path", minimum=1),),
        response="SubmissionDetail",
    ),
    Endpoint(
        "submit",
        "POST",
        "/submissions",
        "Submit a 5W file or JSON rows for a month",
        "submissions",
        access="signed-in",
        params=(
            PLATFORM,
            ORGANISATION,
            Param("month", "month", "The month submitted.", required=True),
            LANG,
            Param("accept_issues", "boolean", "IM team: store rows with errors.", default=False),
        ),
        response="SubmitResult",
        status=201,
        body=SUBMIT_BODY,
        errors=(400, 401, 403, 404, 413, 415, 422, 429),
        extra_responses={
            200: "Same file as the current version: nothing changed.",
            202: "A large file: accepted, stored by a background job (answer: `Job`, "
            "`Location` its URL).",
        },
        description="Validated and stored exactly as an upload through the portal. Partners "
        "submit for their organisation (the default), the IM team for any member, until the "
        "month is locked. Needs a token. A report with errors answers 422 `invalid-submission`. "
        "A file above the installation's job threshold (2 MiB by default) answers 202 at once "
        "with the job that stores it: follow `url` (/api/v1/jobs/{id}) until `finished`.",
    ),
    Endpoint(
        "job",
        "GET",
        "/jobs/{id}",
        "A background job: state, progress, result links",
        "submissions",
        access="signed-in",
        params=(Param("id", "string", "Job id (a UUID).", location="path"),),
        response="Job",
        description="Jobs you started (the IM team: every job of its platform). `state` is "
        "queued, running, succeeded or failed; `progress` 0-100; `links` point to the result "
        "(the submission, the report files, the package); `error` says why a job failed.",
    ),
    Endpoint(
        "reports",
        "GET",
        "/reports",
        "Published situation reports",
        "reports",
        params=(PLATFORM, MONTH, Param("lang", "string", "Report language.", enum=("en", "es"))),
        response="ReportList",
    ),
    Endpoint(
        "opendata",
        "GET",
        "/opendata/{platform}",
        "Data packages of published months",
        "open data",
        params=(PLATFORM_PATH,),
        response="PackageList",
    ),
    Endpoint(
        "datapackage",
        "GET",
        "/opendata/{platform}/{month}/datapackage.json",
        "Frictionless data package of a published month",
        "open data",
        params=(PLATFORM_PATH, MONTH_PATH),
        response="DataPackage",
    ),
    Endpoint(
        "package_activities",
        "GET",
        "/opendata/{platform}/{month}/activities.csv",
        "Activities of a published month (CSV, HXL)",
        "open data",
        params=(PLATFORM_PATH, MONTH_PATH),
        media=("text/csv",),
    ),
    Endpoint(
        "package_figures",
        "GET",
        "/opendata/{platform}/{month}/figures.csv",
        "Figures of a published month (CSV, HXL)",
        "open data",
        params=(PLATFORM_PATH, MONTH_PATH),
        media=("text/csv",),
    ),
    # Surveys: the handlers and their routes are in kipu.web.surveys.api (its own URLs,
    # included by urls.py); declared here so the document and the index list them.
    Endpoint(
        "surveys",
        "GET",
        "/surveys",
        "Surveys of a platform and their rounds",
        "surveys",
        params=(PLATFORM,),
        response="SurveyList",
    ),
    Endpoint(
        "survey",
        "GET",
        "/surveys/{survey}",
        "A survey's questions, choices, indicators",
        "surveys",
        params=(SURVEY_PATH, PLATFORM, SURVEY_LANG),
        response="Survey",
    ),
    Endpoint(
        "survey_results",
        "GET",
        "/surveys/{survey}/results",
        "Counts and shares with 95% intervals, by question and disaggregation",
        "surveys",
        params=(
            SURVEY_PATH,
            PLATFORM,
            SURVEY_MONTH,
            SURVEY_LANG,
            Param("question", "string", "Only this question (name or path)."),
            Param("dimension", "string", "Only this disaggregation (or all)."),
            Param(
                "format",
                "string",
                "json, or csv with an HXL row.",
                enum=("json", "csv"),
                default="json",
            ),
        ),
        response="SurveyResults",
        media=("application/json", "text/csv"),
        description="Anyone: the current rounds of published months, every cell under the "
        "platform's disclosure threshold (k respondents) withheld with its complements. The IM "
        "team: every round, before disclosure control.",
    ),
    Endpoint(
        "survey_answers",
        "GET",
        "/surveys/{survey}/answers",
        "Raw answers of a round",
        "surveys",
        access="signed-in",
        params=(SURVEY_PATH, PLATFORM, SURVEY_MONTH),
        response="SurveyAnswers",
        errors=(400, 401, 403, 404, 429),
        description="The IM team only: raw answers are never public.",
    ),
)
BY_NAME = {e.name: e for e in ENDPOINTS}
STATUS_TEXT = {
    200: "OK",
    201: "Stored",
    202: "Accepted: a background job does it",
    400: "Invalid parameters or body",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    413: "File too large",
    415: "Unsupported body",
    422: "Validation errors",
    429: "Rate limited",
}


def _success(endpoint: Endpoint) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for media in endpoint.media:
        if media == "application/json":
            content[media] = {"schema": {"$ref": f"#/components/schemas/{endpoint.response}"}}
        else:
            content[media] = {"schema": {"type": "string", "format": "binary"}}
    headers = {
        "X-RateLimit-Limit": {"schema": {"type": "string"}},
        "X-RateLimit-Remaining": {"schema": {"type": "string"}},
    }
    return {"description": STATUS_TEXT[endpoint.status], "content": content, "headers": headers}


def _error(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": STATUS_TEXT.get(status, "Error"),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if status == 429:
        answer["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
    return answer


def operation(endpoint: Endpoint) -> dict[str, Any]:
    responses: dict[str, Any] = {str(endpoint.status): _success(endpoint)}
    for status, text in endpoint.extra_responses.items():
        responses[str(status)] = {**_success(endpoint), "description": text}
        if status == 202:  # accepted for a background job: the answer is the job
            job = {"schema": {"$ref": "#/components/schemas/Job"}}
            responses["202"]["content"] = {"application/json": job}
    for status in endpoint.errors:
        responses[str(status)] = _error(status)
    spec: dict[str, Any] = {
        "operationId": endpoint.name,
        "summary": endpoint.summary,
        "description": endpoint.description or endpoint.summary,
        "tags": [endpoint.tag],
        "parameters": [p.openapi() for p in endpoint.params],
        "responses": responses,
    }
    if endpoint.body is not None:
        spec["requestBody"] = endpoint.body
    if endpoint.access == "signed-in":
        spec["security"] = [{"bearer": []}]
    return spec


def openapi(server: str = "/api/v1") -> dict[str, Any]:
    """The OpenAPI 3.0 document of the API."""
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation(endpoint)
    codes = "\n".join(f"- `{code}`: {text}" for code, text in ERROR_CODES.items())
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Kipu API",
            "version": API_VERSION,
            "description": "5W data, figures and open data of refugee response platforms. "
            "Every failure answers the `Error` shape:\n\n"
            f"```json\n{ERROR_EXAMPLE}\n```\n\nError codes:\n\n{codes}",
            "license": {"name": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": COMPONENTS,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token (kipu_…) created at /api/tokens/.",
                }
            },
        },
    }
