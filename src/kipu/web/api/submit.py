"""Submissions through the API: a 5W file (multipart or raw body) or JSON rows for one
organisation and month. Files go through `import_file`, exactly as portal uploads do; JSON rows
through `import_rows`, which validates with the core and stores through the same service."""

from __future__ import annotations

import hashlib
import json
import math
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from kipu.core.limits import DEFAULT_LIMITS
from kipu.core.validation import validate_rows
from kipu.web.api.base import Call, json_answer
from kipu.web.api.errors import ApiError
from kipu.web.audit.services import client_ip, record
from kipu.web.jobs.api import job_answer
from kipu.web.jobs.start import is_large, start_import
from kipu.web.platforms.models import Membership, Organisation, Platform
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.imports import (
    ImportRefused,
    ImportResult,
    MonthClosed,
    import_file,
    organisation_of,
    refuse_closed_month,
)
from kipu.web.submissions.models import Submission
from kipu.web.submissions.queries import history_frame, submission_summary
from kipu.web.submissions.services import rows_digest, store_submission, unchanged

MAX_BYTES = DEFAULT_LIMITS.max_bytes
MAX_ROWS = 100_000  # JSON rows per request; bigger submissions come as files
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUFFIXES = {
    "text/csv": ".csv",
    XLSX: ".xlsx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "text/tab-separated-values": ".tsv",
}


def import_rows(
    platform: Platform,
    records: Sequence[Mapping[str, Any]],
    *,
    organisation: Organisation,
    month: str,
    accept_issues: bool = False,
    uploaded_by: User | None = None,
    lang: str = "en",
    open_only: bool = False,
    on_stored: Callable[[list[Submission]], None] | None = None,
) -> ImportResult:
    """Validate JSON rows (canonical column names as keys) for (organisation, month) and store
    them as `import_file` stores a file: same rules, same service, same result (MonthClosed
    with `open_only` when the month was locked while they were validated; `on_stored` called
    in the storing transaction)."""
    reference = reference_data(platform, int(month[:4]))
    result = ImportResult(
        validate_rows(
            records,
            reference,
            org=organisation.key,
            month=month,
            lang=lang,
            history=history_frame(platform, organisation, exclude_month=month),
        )
    )
    rows = result.validation.rows
    if not result.validation.report.valid and not accept_issues:
        return result
    if rows.is_empty():
        return result
    result.blocked = result.validation.unstorable
    if not result.blocked:
        digest = hashlib.sha256(
            json.dumps(list(records), sort_keys=True, default=str).encode("utf-8")
        ).hexdigest()
        _store_rows(
            platform, organisation, month, rows, result, digest, accept_issues, uploaded_by,
            open_only, on_stored,
        )  # fmt: skip
    return result


@transaction.atomic
def _store_rows(
    platform: Platform,
    organisation: Organisation,
    month: str,
    rows: pl.DataFrame,
    result: ImportResult,
    checksum: str,
    accept_issues: bool,
    uploaded_by: User | None,
    open_only: bool = False,
    on_stored: Callable[[list[Submission]], None] | None = None,
) -> None:
    if open_only:
        refuse_closed_month(platform, month)
    # As imports._store: serialise submissions of one organisation with a row lock.
    Membership.objects.select_for_update().filter(
        platform=platform, organisation=organisation
    ).first()
    current = Submission.objects.filter(
        platform=platform,
        organisation=organisation,
        month=month,
        status=Submission.Status.CURRENT,
    ).first()
    digest = rows_digest(rows)
    if unchanged(current, checksum, digest):
        result.unchanged.append(current)
        return
    result.stored.append(
        store_submission(
            platform,
            organisation,
            month,
            rows,
            file_name="rows.json",
            checksum=checksum,
            report=result.validation.report.to_dict(),
            uploaded_by=uploaded_by,
            accepted_issues=accept_issues,
            digest=digest,
        )
    )
    if on_stored is not None:
        on_stored(result.stored)


# --- the endpoint ------------------------------------------------------------------------


def _organisation(call: Call) -> Organisation:
    text = call.params.get("organisation")
    if not text:
        if call.scope.organisation is not None:
            return call.scope.organisation
        raise ApiError(
            400,
            "name the organisation submitting",
            code="invalid-parameter",
            details={"parameters": {"organisation": "required"}},
        )
    try:
        return organisation_of(call.platform, text)
    except ImportRefused as error:
        raise ApiError(404, str(error), details={"organisation": text}) from None


def _check_allowed(call: Call, organisation: Organisation, month: str, accept: bool) -> None:
    scope = call.scope
    if scope.is_locked(month) and scope.role in ("admin", "partner"):
        raise ApiError(403, f"{month} is locked: no more submissions", details={"month": month})
    if not scope.can_upload(organisation, month):
        raise ApiError(
            403,
            f"your role does not allow submitting for {organisation}",
            details={"role": scope.role},
        )
    if accept and not scope.can_manage_platform():
        raise ApiError(403, "only the IM team may store rows with issues")


def _media(request: HttpRequest) -> str:
    return (request.content_type or "").split(";")[0].strip().lower()


def _read_body(request: HttpRequest) -> bytes:
    """The raw body, read in chunks so the limit holds whatever Content-Length claims."""
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > MAX_BYTES:
        raise ApiError(413, f"more than {MAX_BYTES:,} bytes")
    chunks, size = [], 0
    while chunk := request.read(1 << 20):
        size += len(chunk)
        if size > MAX_BYTES:
            raise ApiError(413, f"more than {MAX_BYTES:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _safe_name(name: str, suffix: str) -> str:
    stem = re.sub(r"[^-\w.]+", "_", Path(name or "upload").name)[:100].lstrip(".") or "upload"
    return stem if Path(stem).suffix else stem + suffix


@contextmanager
def _uploaded_file(request: HttpRequest) -> Iterator[Path]:
    """The submitted file on disk, under its own (sanitised) name, removed afterwards."""
    media = _media(request)
    with tempfile.TemporaryDirectory(prefix="kipu-api-") as folder:
        if media == "multipart/form-data":
            upload = request.FILES.get("file")
            if upload is None:
                raise ApiError(400, "multipart body without a `file` field")
            if upload.size is not None and upload.size > MAX_BYTES:
                raise ApiError(413, f"more than {MAX_BYTES:,} bytes")
            path = Path(folder) / _safe_name(upload.name or "", ".xlsx")
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
        else:
            body = _read_body(request)
            suffix = SUFFIXES.get(media, ".csv")
            if body[:2] == b"PK":  # a zip: OpenDocument names its content.xml near the start
                suffix = ".ods" if b"opendocument.spreadsheet" in body[:200] else ".xlsx"
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(body)
        yield path


class _RepeatedKey(ValueError):
    pass


class _NotJson(ValueError):
    pass


def _constant(name: str) -> float:
    """NaN, Infinity: no JSON (Python's reader takes them, and "inf" was stored as text)."""
    raise _NotJson(f"{name} is not a JSON value: send a number, or null for no value")


def _float(text: str) -> float:
    """A JSON number with a fraction or an exponent; one beyond a float's range (1e400) is
    refused as NaN and Infinity are: it was stored as the text "inf"."""
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(f"{text} is beyond the numbers Kipu stores: send it as text")
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different: `{"total_monthly": 10, "total_monthly":
    100}` kept the last value, with no issue."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _RepeatedKey(f"the key “{key}” is given twice in one object")
        found[key] = value
    return found


# A JSON string, its escapes whole (`\"` does not end it). Searched by polars (Rust's
# regular expressions, in time linear in the body): Python's took 37 s for a 380 KB body of
# escaped quotes never closed (a re-tester's), every quote a new start.
_JSON_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'


def _too_many_rows(body: bytes) -> bool:
    """Whether a JSON body holds more objects and lists than a body of MAX_ROWS rows: parsed
    first, 100 MB of `{},` took 13 s and 2.5 GB before its rows were counted (a tester's).
    Counted in the bytes; a body above the count is counted again without its strings'
    contents (a description may hold braces)."""
    most = MAX_ROWS + 2  # the rows, their list and the body's object
    if body.count(b"{") + body.count(b"[") <= most:
        return False
    text = pl.Series([body.decode("utf-8", "replace")]).str.replace_all(_JSON_STRING, '""')
    bare = text.item()
    return bare.count("{") + bare.count("[") > most


def _json_rows(request: HttpRequest) -> list[dict[str, Any]]:
    body = _read_body(request)
    if _too_many_rows(body):
        raise ApiError(413, f"more than {MAX_ROWS:,} rows: send a file instead")
    try:
        data = json.loads(
            body or b"null",
            object_pairs_hook=_object,
            parse_constant=_constant,
            parse_float=_float,
        )
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ApiError(400, f"the body is not JSON: {error}") from None
    except (_RepeatedKey, _NotJson) as error:
        raise ApiError(400, str(error)) from None
    except ValueError as error:  # an integer of more than 4,300 digits (Python's limit)
        raise ApiError(400, f"the body is not JSON Kipu reads: {error}") from None
    except RecursionError:  # `[[[…` thousands deep: Python's reader gives up
        raise ApiError(400, "the body is not JSON Kipu reads: nested too deep") from None
    rows = data.get("rows") if isinstance(data, dict) else None
    if isinstance(data, dict) and (other := sorted(set(data) - {"rows"})):
        # `{"rows": […], "month": "2019-07"}`: the month was not taken, with no word (a
        # tester's); the parameters are the query string's.
        raise ApiError(
            400,
            f'the JSON body holds only "rows", not {", ".join(map(repr, other[:10]))}: '
            "parameters such as month and organisation go in the query string",
            details={"keys": other[:100]},
        )
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ApiError(400, 'the JSON body must be {"rows": [{column: value, …}, …]}')
    if not rows:  # as a file of a header alone (`no-rows`): there is nothing to store
        raise ApiError(400, 'no rows: the JSON body must be {"rows": [{column: value, …}, …]}')
    if len(rows) > MAX_ROWS:
        raise ApiError(413, f"more than {MAX_ROWS:,} rows: send a file instead")
    # A cell is text, a number, true/false or null: an object or a list was stored as Python's
    # text of it ("{'a': 1}") in a text column.
    nested = [
        n for n, row in enumerate(rows, 1) if any(isinstance(v, dict | list) for v in row.values())
    ]
    if nested:
        raise ApiError(
            400,
            "a value must be text, a number, true/false or null, not an object or a list",
            details={"rows": nested[:100]},
        )
    # No database stores a NUL in text (PostgreSQL refuses it), and a lone surrogate
    # (`\\ud800`, half a character) is no text at all: refused here, as a bad request.
    bad = [number for number, row in enumerate(rows, 1) if _unstorable(row)]
    if bad:
        raise ApiError(
            400,
            "NUL characters (\\u0000) and lone surrogates (\\ud800-\\udfff) are not allowed"
            " in JSON rows",
            details={"rows": bad[:100]},
        )
    return rows


def _unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value or _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    return False


_SURROGATE = re.compile("[\ud800-\udfff]")


def _answer(call: Call, result: ImportResult) -> HttpResponse:
    report = result.validation.report
    data: dict[str, Any] = {
        "report": report.to_dict(),
        "stored": [submission_summary(s) for s in result.stored],
        "unchanged": [submission_summary(s) for s in result.unchanged],
        "blocked_rows": result.blocked_rows,
        "blocked_row_numbers": result.blocked[:1000],
    }
    if result.stored:
        return json_answer(data, status=201)
    if result.unchanged:
        return json_answer(data, status=200)
    summary = report.summary
    raise ApiError(
        422,
        f"not stored: {summary['errors']} errors in {summary['rows_read']} rows"
        + (f", {result.blocked_rows} rows unstorable" if result.blocked_rows else ""),
        details=data,
    )


def _audited(call: Call) -> Callable[[list[Submission]], None]:
    """An `on_stored` recording each submission stored as `submit_5w`, in the transaction
    that stores it: stored with its audit record, or not at all."""

    def audit(stored: list[Submission]) -> None:
        for submission in stored:
            after = {
                "rows": submission.row_count,
                "month": submission.month,
                "accepted_issues": submission.accepted_issues,
            }
            record(call.user, "submit_5w", submission, platform=call.platform, after=after,
                   note="API", ip=client_ip(call.request))  # fmt: skip

    return audit


def submit(call: Call) -> HttpResponse:
    params = call.params
    organisation, month = _organisation(call), params["month"]
    _check_allowed(call, organisation, month, params["accept_issues"])
    options = {
        "organisation": organisation,
        "month": month,
        "lang": params["lang"],
        "accept_issues": params["accept_issues"],
        "uploaded_by": call.user,
        "open_only": call.scope.role in ("admin", "partner"),  # as `_check_allowed`
        "on_stored": _audited(call),
    }
    media = _media(call.request)
    if media == "application/json":
        result = _closed_403(import_rows, call.platform, _json_rows(call.request), **options)
    elif media in ("multipart/form-data", "application/octet-stream", *SUFFIXES):
        with _uploaded_file(call.request) as path:
            if is_large(path):  # answered at once; a background job stores it (kipu.web.jobs)
                job, _created = start_import(
                    call.platform,
                    organisation,
                    month,
                    path,
                    call.user,
                    lang=params["lang"],
                    accept_issues=params["accept_issues"],
                    ip=client_ip(call.request),
                )
                return job_answer(job, status=202)
            try:
                result = _closed_403(import_file, call.platform, path, **options)
            except ImportRefused as error:
                raise ApiError(400, str(error)) from None
    else:
        raise ApiError(
            415,
            f"send a 5W file or JSON rows, not {media or 'an empty body'}",
            details={
                "accepted": [
                    "multipart/form-data",
                    "application/json",
                    "text/csv",
                    XLSX,
                    "application/octet-stream",
                ]
            },
        )
    return _answer(call, result)


def _closed_403(store: Callable[..., ImportResult], /, *args: Any, **kwargs: Any) -> ImportResult:
    """`store(*args, **kwargs)`, answering 403 when the month was locked while the rows were
    validated (`open_only`), as a locked month is answered before."""
    try:
        return store(*args, **kwargs)
    except MonthClosed as error:
        raise ApiError(403, str(error), details={"month": kwargs.get("month")}) from None
