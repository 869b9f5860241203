"""Endpoint and parameter definitions: one table (in schema.py) of these drives the URLs, the
checking of query parameters and the OpenAPI document, so the three cannot disagree."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kipu.web.api.errors import ApiError

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
_PATTERNS = {"month": re.compile(MONTH_PATTERN), "slug": re.compile(SLUG_PATTERN)}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
# Django path converters for path parameters, by kind.
CONVERTERS = {"integer": "int", "slug": "slug", "month": "str", "string": "str"}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str = "string"  # string | integer | boolean | month | slug
    description: str = ""
    required: bool = False
    enum: tuple[str, ...] = ()
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    location: str = "query"  # query | path

    def openapi(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        if self.kind == "integer":
            schema = {"type": "integer"}
            if self.minimum is not None:
                schema["minimum"] = self.minimum
            if self.maximum is not None:
                schema["maximum"] = self.maximum
        elif self.kind == "boolean":
            schema = {"type": "boolean"}
        elif self.kind in _PATTERNS:
            schema["pattern"] = _PATTERNS[self.kind].pattern
        if self.enum:
            schema["enum"] = list(self.enum)
        if self.default is not None:
            schema["default"] = self.default
        return {
            "name": self.name,
            "in": self.location,
            "required": self.required or self.location == "path",
            "description": self.description,
            "schema": schema,
        }

    def parse(self, text: str) -> Any:
        """The typed value of `text`; ValueError with a reason when it is not acceptable."""
        if self.kind == "integer":
            try:
                value: Any = int(text)
            except ValueError:
                raise ValueError("not an integer") from None
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"below {self.minimum}")
            if self.maximum is not None and value > self.maximum:
                raise ValueError(f"above {self.maximum}")
            return value
        if self.kind == "boolean":
            lowered = text.strip().lower()
            if lowered not in _TRUE | _FALSE:
                raise ValueError("not true or false")
            return lowered in _TRUE
        if self.kind in _PATTERNS and not _PATTERNS[self.kind].match(text):
            raise ValueError("YYYY-MM expected" if self.kind == "month" else "not a slug")
        if self.enum and text not in self.enum:
            raise ValueError(f"one of {', '.join(self.enum)}")
        return text


@dataclass(frozen=True)
class Endpoint:
    name: str  # operationId and URL name
    method: str
    path: str  # OpenAPI style: /submissions/{id}
    summary: str
    tag: str
    access: str = "public"  # public | signed-in
    params: tuple[Param, ...] = ()
    response: str | None = None  # component schema of the 200/201 JSON answer
    status: int = 200
    media: tuple[str, ...] = ("application/json",)  # media types of the success answer
    body: dict[str, Any] | None = None  # OpenAPI requestBody
    errors: tuple[int, ...] = (400, 401, 404, 429)
    description: str = ""
    extra_responses: dict[int, str] = field(default_factory=dict)

    @property
    def django_path(self) -> str:
        """/submissions/{id} → submissions/<int:id>"""
        kinds = {p.name: p.kind for p in self.params if p.location == "path"}

        def convert(match: re.Match[str]) -> str:
            name = match.group(1)
            return f"<{CONVERTERS[kinds.get(name, 'string')]}:{name}>"

        return re.sub(r"\{(\w+)\}", convert, self.path.lstrip("/"))

    def parse_query(self, query: Mapping[str, str]) -> dict[str, Any]:
        """Typed query parameters (defaults filled in); 400 naming every bad one.

        An unknown parameter is a bad one: `?month=2021-03` where the endpoint filters by
        `from` and `to` would otherwise answer every month as if it were March's.
        Names starting with `_` are left to clients (cache-busters such as `_=1700000000`).
        """
        values: dict[str, Any] = {}
        known = {p.name for p in self.params if p.location == "query"}
        problems = {
            name: "unknown parameter; this endpoint takes: " + (", ".join(sorted(known)) or "none")
            for name in query
            if name not in known and not name.startswith("_")
        }
        for param in self.params:
            if param.location != "query":
                continue
            text = query.get(param.name)
            if text is None or text == "":
                if param.required:
                    problems[param.name] = "required"
                values[param.name] = param.default
                continue
            try:
                values[param.name] = param.parse(text)
            except ValueError as error:
                problems[param.name] = str(error)
        if problems:
            raise ApiError(
                400,
                "invalid parameters: " + ", ".join(map(repr, sorted(problems))),
                code="invalid-parameter",
                details={"parameters": problems},
            )
        return values
