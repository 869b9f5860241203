"""JSON Schemas (OpenAPI 3.0 dialect) of the API's answers. Objects allow extra properties so
new fields never break clients; the listed ones are promised."""

from __future__ import annotations

import json
from typing import Any

from kipu.core.frame import ACTIVITY_FRAME

ERROR_EXAMPLE = json.dumps(
    {
        "error": {
            "code": "invalid-parameter",
            "message": "invalid parameters: 'from'",
            "details": {"parameters": {"from": "YYYY-MM expected"}},
        }
    },
    indent=2,
)


def _t(kind: str, nullable: bool = False, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": kind, **extra}
    if nullable:
        schema["nullable"] = True
    return schema


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(item: str) -> dict[str, Any]:
    return _obj({"count": _t("integer"), "results": _t("array", items=_ref(item))})


def _page(item: str) -> dict[str, Any]:
    return _obj(
        {
            "count": _t("integer"),
            "page": _t("integer"),
            "page_size": _t("integer"),
            "next": _t("string", True),
            "previous": _t("string", True),
            "results": _t("array", items=_ref(item)),
        }
    )


def _activity() -> dict[str, Any]:
    kinds = {
        "Utf8": "string",
        "String": "string",
        "Int64": "integer",
        "Float64": "number",
        "Boolean": "boolean",
    }
    props: dict[str, Any] = {"id": _t("integer"), "submission": _t("integer")}
    required_text = {"country", "admin1", "appealing_org", "month", "sector", "indicator"}
    for name, dtype in ACTIVITY_FRAME.items():
        kind = kinds[str(dtype)]
        props[name] = _t(kind, nullable=kind != "integer" and name not in required_text)
    props["issues"] = _t("array", items=_t("string"))
    return _obj(props)


_STR, _INT, _BOOL = _t("string"), _t("integer"), _t("boolean")
_NSTR = _t("string", True)
_ISSUE = _obj(
    {"code": _STR, "severity": _STR, "message": _STR},
    {"row": _t("integer", True), "column": _NSTR, "value": {"nullable": True}},
)
_REPORT = _obj({"valid": _BOOL, "summary": _t("object"), "issues": _t("array", items=_ISSUE)})
_SUBMISSION = _obj(
    {
        "id": _INT,
        "organisation": _STR,
        "organisation_name": _STR,
        "month": _STR,
        "status": _STR,
        "file_name": _STR,
        "rows": _INT,
        "uploaded_at": _STR,
        "checksum": _STR,
        "replaces": _t("integer", True),
        "accepted_issues": _BOOL,
    }
)

_NUM = _t("number", True)  # a survey result's value: null when withheld from the public
_SURVEY_RESULT = _obj(
    {
        "survey": _STR,
        "month": _STR,
        "question": _STR,
        "question_label": _STR,
        "answer": _STR,
        "answer_label": _STR,
        "dimension": _STR,
        "group": _STR,
        "group_label": _STR,
        "respondents": _t("integer", True),
        "count": _t("integer", True),
        "weighted_count": _NUM,
        "share": _NUM,
        "low": _t("number", True, minimum=0, maximum=1),
        "high": _t("number", True, minimum=0, maximum=1),
        "effective_n": _NUM,
        "suppressed": _BOOL,
        "group_suppressed": _BOOL,
    }
)
_SURVEY_QUESTION = _obj(
    {
        "name": _STR,
        "path": _STR,
        "type": _STR,
        "label": _STR,
        "required": _BOOL,
        "repeat": _NSTR,
        "choices": _t("array", items=_obj({"name": _STR, "label": _STR})),
    }
)
_SURVEYS: dict[str, Any] = {
    "SurveySummary": _obj(
        {
            "slug": _STR,
            "title_en": _STR,
            "title_es": _STR,
            "synthetic": _BOOL,
            "months": _t("array", items=_STR),
            "links": _obj({"results": _STR}),
        }
    ),
    "SurveyList": _list("SurveySummary"),
    "Survey": _obj(
        {
            "slug": _STR,
            "title": _STR,
            "languages": _t("array", items=_STR),
            "disclosure_threshold": _t("integer", minimum=1),
            "months": _t("array", items=_STR),
            "questions": _t("array", items=_SURVEY_QUESTION),
            "disaggregations": _t("object", additionalProperties=_STR),
            "indicators": _t(
                "array", items=_obj({"question": _STR, "by": _t("array", items=_STR)})
            ),
        }
    ),
    "SurveyResult": _SURVEY_RESULT,
    "SurveyResults": _obj(
        {
            "survey": _STR,
            "month": _STR,
            "interviews": _t("integer", True),
            "disclosure_control": _BOOL,
            "threshold": _t("integer", minimum=1),
            "results": _t("array", items=_ref("SurveyResult")),
        }
    ),
    "SurveyAnswer": _obj(
        {"row": _INT, "key": _STR, "values": _t("object"), "repeats": _t("object")}
    ),
    "SurveyAnswers": _obj(
        {
            "survey": _STR,
            "month": _STR,
            "version": _INT,
            "count": _INT,
            "results": _t("array", items=_ref("SurveyAnswer")),
        }
    ),
}

COMPONENTS: dict[str, Any] = {
    "Error": _obj({"error": _obj({"code": _STR, "message": _STR, "details": _t("object")})}),
    "Index": _obj({"name": _STR, "version": _STR, "links": _t("object")}),
    "OpenApiDocument": _obj({"openapi": _STR, "info": _t("object"), "paths": _t("object")}),
    "PlatformSummary": _obj(
        {
            "slug": _STR,
            "name": _STR,
            "country": _NSTR,
            "level": _STR,
            "parent": _NSTR,
            "synthetic": _BOOL,
            "organisations": _INT,
        }
    ),
    "PlatformList": _list("PlatformSummary"),
    "Platform": _obj(
        {
            "slug": _STR,
            "name": _STR,
            "country": _NSTR,
            "level": _STR,
            "languages": _t("array"),
            "synthetic": _BOOL,
            "published_months": _t("array", items=_STR),
            "licence": _STR,
            "links": _t("object"),
        }
    ),
    "Organisation": _obj(
        {"key": _STR, "name": _STR, "acronym": _STR, "type": _STR},
        {"names": _t("object")},
    ),
    "OrganisationList": _list("Organisation"),
    "Plan": _obj(
        {
            "year": _t("integer", True),
            "name": _STR,
            "classification": _STR,
            "plan_of": _STR,
            "area": _t("array"),
            "sectors": _t("array"),
            "indicators": _t("array"),
            "targets": _t("array"),
        }
    ),
    "Location": _obj(
        {
            "code": _STR,
            "pcode": _STR,
            "iso": _NSTR,
            "name": _STR,
            "level": _INT,
            "parent": _NSTR,
            "national": _BOOL,
        }
    ),
    "LocationList": _list("Location"),
    "Series": _obj(
        {
            "key": _STR,
            "name": _STR,
            "unit": _STR,
            "source": _STR,
            "url": _STR,
            "observations": _t("array"),
        }
    ),
    "SeriesList": _list("Series"),
    "Activity": _activity(),
    "ActivityPage": _page("Activity"),
    "Figures": _obj(
        {
            "model": _STR,
            "from": _NSTR,
            "to": _NSTR,
            "rows": _t("array", items=_t("object")),
            "partners": _t("object"),
            "coverage": _t("object"),
            "presence": _t("array"),
            "progress": _t("array"),
            "cva": _t("array"),
            "notes": _t("array"),
        },
        {"published_only": _BOOL},
    ),
    "Submission": _SUBMISSION,
    "SubmissionPage": _page("Submission"),
    "SubmissionDetail": {"allOf": [_SUBMISSION, _obj({"report": _t("object")})]},
    "ValidationReport": _REPORT,
    "SubmitResult": _obj(
        {
            "report": _REPORT,
            "stored": _t("array", items=_SUBMISSION),
            "unchanged": _t("array", items=_SUBMISSION),
            "blocked_rows": _INT,
            "blocked_row_numbers": _t("array", items=_INT),
        }
    ),
    "Job": _obj(
        {
            "id": _STR,
            "url": _STR,
            "kind": _t(
                "string",
                enum=["import", "check", "report", "opendata", "snapshot", "reminders", "cleanup"],
            ),
            "state": _t("string", enum=["queued", "running", "succeeded", "failed"]),
            "finished": _t("boolean"),
            "progress": _t("integer", minimum=0, maximum=100),
            "message": _STR,
            "links": _t("array", items=_obj({"rel": _STR, "href": _STR, "label": _STR})),
            "error": _t("string", True),
        },
        {
            "page": _STR,
            "platform": _t("string", True),
            # the parts done so far while it runs: a report's "en-html", "en-pdf", …
            "steps": _t("array", items=_STR),
            "outcome": _t("string", True),
            "result": _t("object"),
            "attempts": _INT,
            "created_at": _STR,
            "started_at": _t("string", True),
            "finished_at": _t("string", True),
        },
    ),
    "RowsBody": _obj(
        {"rows": _t("array", items=_t("object"), maxItems=100_000)},
        {"organisation": _STR, "month": _STR},
    ),
    "Report": _obj(
        {
            "platform": _STR,
            "month": _STR,
            "lang": _STR,
            "number": _INT,
            "created_at": _STR,
            "links": _t("object"),
        }
    ),
    "ReportList": _list("Report"),
    "Package": _obj({"month": _STR, "datapackage": _STR, "resources": _t("object")}),
    "PackageList": _list("Package"),
    "DataPackage": _obj(
        {
            "name": _STR,
            "title": _STR,
            "licenses": _t("array"),
            "sources": _t("array"),
            "resources": _t("array"),
        }
    ),
    **_SURVEYS,
}
