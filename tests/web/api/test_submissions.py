"""Submissions: listing and detail by role, and submitting files or JSON rows through the API,
stored exactly as portal uploads are."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from kipu.core.export import table_rows, write_csv, write_xlsx
from kipu.core.frame import activity_frame as frame_of
from kipu.core.schema import COLUMNS
from kipu.web.api import submit as submit_module
from kipu.web.audit.models import AuditEvent
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.models import Activity, Submission

pytestmark = pytest.mark.django_db
URL = "/api/v1/submissions?platform=gtrm-test&month=2019-06"


def row(org: str = "PA", **changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "country": "Peru", "admin1": "Lima", "appealing_org": org, "implementation": "No",
        "month": "2019-06", "sector": "PRO", "indicator": "PRO-01",
        "activity_name": "Legal counselling", "rmrp_activity": "Yes", "cva": "No",
        "total_monthly": 10, "new_beneficiaries": 4, "in_destination": 4, "women": 4,
    }  # fmt: skip
    return {**base, **changes}


def post_rows(client, rows: list[dict], url: str = URL):  # noqa: ANN001, ANN201
    return client.post(url, {"rows": rows}, content_type="application/json")


def test_listing_is_scoped(api, data, admin, partner_a, coordinator, viewer) -> None:  # noqa: ANN001
    def orgs(user) -> list[tuple[str, str]]:  # noqa: ANN001
        found = api(user).get("/api/v1/submissions").json()["results"]
        return sorted((s["organisation"], s["month"]) for s in found)

    everything = [("ORG901", "2019-05"), ("ORG901", "2019-06"), ("ORG902", "2019-05"),
                  ("ORG902", "2019-06")]  # fmt: skip
    assert orgs(admin) == everything
    assert orgs(partner_a) == [("ORG901", "2019-05"), ("ORG901", "2019-06")]
    assert orgs(coordinator) == [("ORG901", "2019-05"), ("ORG901", "2019-06"),
                                 ("ORG902", "2019-06")]  # fmt: skip
    assert orgs(viewer) == []
    assert api(None).get("/api/v1/submissions").status_code == 401


def test_listing_filters_and_pages(api, data, admin) -> None:  # noqa: ANN001
    client = api(admin)
    body = client.get("/api/v1/submissions?month=2019-06&organisation=PB").json()
    assert [(s["organisation"], s["rows"]) for s in body["results"]] == [("ORG902", 3)]
    page = client.get("/api/v1/submissions?page_size=3").json()
    assert page["count"] == 4 and len(page["results"]) == 3 and page["next"]
    assert client.get("/api/v1/submissions?status=superseded").json()["count"] == 0


def test_detail_carries_the_report_and_hides_others(api, data, partner_a, partner_b) -> None:  # noqa: ANN001
    mine = data["a_june"]
    mine.report = {"valid": True, "summary": {}, "issues": []}
    mine.save()
    detail = api(partner_a).get(f"/api/v1/submissions/{mine.pk}").json()
    assert detail["report"]["valid"] is True and detail["platform"] == "gtrm-test"
    hidden = api(partner_b).get(f"/api/v1/submissions/{mine.pk}")
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not-found"


def test_json_rows_are_stored_like_an_upload(api, data, partner_a) -> None:  # noqa: ANN001
    client = api(partner_a)
    response = post_rows(client, [row(), row(activity_name="Psychosocial support")])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["report"]["valid"] and body["stored"][0]["rows"] == 2
    stored = Submission.objects.get(pk=body["stored"][0]["id"])
    assert stored.status == "current" and stored.replaces == data["a_june"]
    assert stored.uploaded_by == partner_a and stored.report["valid"] is True
    assert Activity.objects.filter(submission=stored).count() == 2
    data["a_june"].refresh_from_db()
    assert data["a_june"].status == "superseded"
    event = AuditEvent.objects.get(action="submit_5w")
    assert event.actor == partner_a and event.note == "API"
    again = post_rows(client, [row(), row(activity_name="Psychosocial support")])
    assert again.status_code == 200 and again.json()["unchanged"][0]["id"] == stored.pk


def test_invalid_rows_answer_422_with_the_report(api, data, partner_a) -> None:  # noqa: ANN001
    response = post_rows(api(partner_a), [row(admin1="Atlantis", total_monthly=-3)])
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid-submission"
    codes = {i["code"] for i in error["details"]["report"]["issues"]}
    assert {"unknown-admin1", "invalid-number"} <= codes
    assert error["details"]["stored"] == []
    assert Submission.objects.filter(organisation__acronym="PA", month="2019-06").count() == 1


@pytest.mark.parametrize(
    ("actor", "url", "status"),
    [
        ("partner_a", URL + "&organisation=PB", 403),  # another organisation
        ("partner_a", URL.replace("2019-06", "2019-05"), 403),  # published, so locked
        ("viewer", URL + "&organisation=PA", 403),
        ("coordinator", URL + "&organisation=PA", 403),
        ("partner_a", URL + "&accept_issues=true", 403),  # the IM team only
        ("anonymous", URL, 401),
        ("admin", URL, 400),  # the IM team names the organisation
        ("partner_a", URL + "&organisation=Nobody", 404),
        ("partner_a", "/api/v1/submissions?platform=gtrm-test", 400),  # month missing
    ],
)
def test_who_may_submit(request, api, data, actor: str, url: str, status: int) -> None:  # noqa: ANN001
    client = api(request.getfixturevalue(actor))
    response = post_rows(client, [row()], url)
    assert response.status_code == status, response.content
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_the_im_team_submits_for_any_member(api, data, admin) -> None:  # noqa: ANN001
    response = post_rows(api(admin), [row("PB")], URL + "&organisation=ORG902")
    assert response.status_code == 201 and response.json()["stored"][0]["organisation"] == "ORG902"


def _file(tmp_path: Path, platform, kind: str = "csv", **changes: object) -> Path:  # noqa: ANN001
    frame = frame_of(
        [
            {
                **row(),
                "admin1": "PE15",
                "appealing_org": "ORG901",
                "implementation": False,
                "rmrp_activity": True,
                "cva": False,
                **changes,
            }
        ]
    )
    rows = table_rows(frame, reference_data(platform, 2019))
    path = tmp_path / f"5w.{kind}"
    (write_csv if kind == "csv" else write_xlsx)(rows, path)
    return path


def test_multipart_and_raw_file_uploads(api, data, partner_a, platform, tmp_path) -> None:  # noqa: ANN001
    client = api(partner_a)
    path = _file(tmp_path, platform, "xlsx")
    with path.open("rb") as handle:
        response = client.post(URL, {"file": handle})
    assert response.status_code == 201, response.content
    assert response.json()["stored"][0]["file_name"] == "5w.xlsx"
    raw = _file(tmp_path, platform, "csv", activity_name="Other")
    response = client.post(URL, raw.read_bytes(), content_type="text/csv")
    assert response.status_code == 201, response.content
    assert (
        Activity.objects.filter(
            submission__status="current", month="2019-06", activity_name="Other"
        ).count()
        == 1
    )


def test_hxl_only_file_through_the_api_and_the_cli(
    api, data, partner_a, platform, tmp_path
) -> None:  # noqa: ANN001
    lines = [[c.hxl for c in COLUMNS], *table_rows(
        frame_of([{**row(), "admin1": "PE15", "appealing_org": "ORG901", "implementation": False,
                   "rmrp_activity": True, "cva": False}]),
        reference_data(platform, 2019), hxl=False)[1:]]  # fmt: skip
    path = tmp_path / "hxl-only.csv"
    write_csv(lines, path)
    response = api(partner_a).post(URL, path.read_bytes(), content_type="text/csv")
    assert response.status_code == 201, response.content
    from kipu.cli import main

    other = tmp_path / "hxl-only-b.csv"
    write_csv(
        [
            [c.hxl for c in COLUMNS],
            [v.replace("Partner A", "Partner B") if isinstance(v, str) else v for v in lines[1]],
        ],
        other,
    )
    result = CliRunner().invoke(
        main, ["import", str(other), "--platform", "gtrm-test", "--org", "PB", "--month", "2019-06"]
    )
    assert result.exit_code == 0, result.output
    assert (
        Submission.objects.filter(organisation__acronym="PB", month="2019-06", status="current")
        .get()
        .row_count
        == 1
    )


def test_common_3w_hashtags_from_other_platforms(api, data, partner_a) -> None:  # noqa: ANN001
    text = ("#country+code,#adm1+code,#org,#date,#sector,#indicator+code,#reached,"
            "#reached+ind+new,#reached+ind+in_destination,#reached+f+adults\n"
            "PER,PE15,ORG901,2019-06,PRO,PRO-01,10,4,4,4\n")  # fmt: skip
    response = api(partner_a).post(URL, text.encode(), content_type="text/csv")
    assert response.status_code == 201, response.json()["error"]["details"]["report"]["issues"]


def test_body_errors(api, data, partner_a, monkeypatch) -> None:  # noqa: ANN001
    client = api(partner_a)
    assert client.post(URL, b"hello", content_type="text/plain").status_code == 415
    assert client.post(URL, b"{nope", content_type="application/json").status_code == 400
    assert client.post(URL, {"rows": "x"}, content_type="application/json").status_code == 400
    assert client.post(URL, {"other": io.BytesIO(b"x")}).status_code == 400
    monkeypatch.setattr(submit_module, "MAX_BYTES", 10)
    big = client.post(URL, b"x" * 100, content_type="text/csv")
    assert big.status_code == 413 and big.json()["error"]["code"] == "payload-too-large"


def test_client_row_numbers_are_ignored(api, data, partner_a) -> None:  # noqa: ANN001
    """Rows are numbered by position: a client's "row" (a repeat, a huge or a bogus number)
    is neither stored nor trusted."""
    rows = [row(row=999), row(row=999, activity_name="Second"), row(row="0")]
    response = post_rows(api(partner_a), rows)
    assert response.status_code == 201, response.content
    stored = Submission.objects.get(pk=response.json()["stored"][0]["id"])
    numbers = list(Activity.objects.filter(submission=stored).values_list("row", flat=True))
    assert sorted(numbers) == [1, 2, 3]
    assert not any(i["code"] == "unknown-column" for i in response.json()["report"]["issues"])


def test_client_row_numbers_do_not_move_issues(api, data, partner_a) -> None:  # noqa: ANN001
    response = post_rows(api(partner_a), [row(), row(indicator="PRO-99", row=7)])
    assert response.status_code == 422
    issues = response.json()["error"]["details"]["report"]["issues"]
    assert {i["row"] for i in issues if i["code"] == "unknown-indicator"} == {2}


def test_nul_characters_in_json_rows_answer_400(api, data, partner_a) -> None:  # noqa: ANN001
    response = post_rows(api(partner_a), [row(), row(activity_name="Legal\x00counselling")])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad-request"
    assert response.json()["error"]["details"] == {"rows": [2]}
    assert not Submission.objects.filter(month="2019-06", uploaded_by=partner_a).exists()


@pytest.mark.parametrize(
    "body",
    [
        # A lone surrogate (half a character) in a value or a key: a 500 before.
        '{"rows": [{"activity_name": "caf\\ud800e"}]}',
        '{"rows": [{"activity_name": "Legal", "x\\udc00": 1}]}',
        # A key twice in one row: the last value was stored with no issue.
        '{"rows": [{"total_monthly": 10, "total_monthly": 100}]}',
        '{"rows": [{"total_monthly": 10}], "rows": []}',
        # A fresh tester's: no JSON (NaN, Infinity: "inf" was stored as a name), nested too
        # deep for Python's reader (a 500), objects and lists in a cell (stored as Python's
        # text of them).
        '{"rows": [{"activity_name": NaN}]}',
        '{"rows": [{"total_monthly": -Infinity}]}',
        '{"rows": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"rows": [{"activity_name": {"a": 1}}]}',
        '{"rows": [{"activity_name": [1, 2]}]}',
        '{"rows": [{"total_monthly": [10]}]}',
        # A third tester's: a number beyond a float (stored as the text "inf"), an integer
        # of more than 4,300 digits (Python's limit: a 500), no rows at all (422, "valid").
        '{"rows": [{"activity_description": 1e400}]}',
        '{"rows": [{"activity_name": -1e400}]}',
        '{"rows": [{"quantity_output": ' + "9" * 4301 + "}]}",
        '{"rows": []}',
    ],
)
def test_json_no_text_could_hold_answers_400(api, data, partner_a, body: str) -> None:  # noqa: ANN001
    response = api(partner_a).post(URL, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "bad-request"
    assert not Submission.objects.filter(month="2019-06", uploaded_by=partner_a).exists()


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        (12345678901234567890, "12345678901234567890"),  # stored as 1.2345678901234567e+19
        (10**15, "1000000000000000"),  # stored as 1000000000000000.0
        (2**53 + 1, "9007199254740993"),
        (-(2**63) - 1, "-9223372036854775809"),
        (42, "42"),
    ],
)
def test_a_json_integer_in_a_text_column_is_its_digits(api, data, partner_a, sent, stored) -> None:  # noqa: ANN001
    response = post_rows(api(partner_a), [row(activity_name=sent)])
    assert response.status_code == 201, response.content
    assert list(
        Activity.objects.values_list("activity_name", flat=True).filter(
            submission__uploaded_by=partner_a, submission__month="2019-06"
        )
    ) == [stored]


def test_a_long_activity_name_is_stored_whole(api, data, partner_a) -> None:  # noqa: ANN001
    """A varchar(500) made it a server error on PostgreSQL (SQLite stored it whole)."""
    name = "Orientación legal " * 100  # 1,800 characters
    response = post_rows(api(partner_a), [row(activity_name=name, delivery_mechanism="x" * 90)])
    assert response.status_code in (201, 422), response.content
    if response.status_code == 201:
        assert Activity.objects.get(submission__uploaded_by=partner_a).activity_name == name.strip()
    response = post_rows(api(partner_a), [row(activity_name=name)])
    assert response.status_code in (200, 201), response.content
    found = Activity.objects.filter(submission__status="current", submission__uploaded_by=partner_a)
    assert [a.activity_name for a in found] == [name.strip()]


def test_a_page_past_the_end_is_empty(api, data, admin) -> None:  # noqa: ANN001
    # Found by the schema fuzzing: an offset beyond SQLite's integers was a 500.
    response = api(admin).get("/api/v1/submissions?page=436956151799195631616")
    assert response.status_code == 200
    assert response.json()["results"] == [] and response.json()["count"] == 4


def test_rows_of_a_month_locked_while_they_are_validated_answer_403(
    api, data, partner_a, monkeypatch
) -> None:  # noqa: ANN001
    from kipu.web.platforms.models import Platform
    from kipu.web.submissions.months import lock_month

    original = submit_module.validate_rows

    def validated_then_locked(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        found = original(*args, **kwargs)
        lock_month(Platform.objects.get(slug="gtrm-test"), "2019-06", "system")
        return found

    monkeypatch.setattr(submit_module, "validate_rows", validated_then_locked)
    response = post_rows(api(partner_a), [row()])
    assert response.status_code == 403, response.content
    assert "2019-06 is locked" in response.json()["error"]["message"]
    assert not Submission.objects.filter(month="2019-06", uploaded_by=partner_a).exists()


@pytest.mark.parametrize("kind", ["rows", "file"])
def test_a_submission_is_stored_with_its_audit_record_or_not_at_all(
    api, data, partner_a, platform, tmp_path, monkeypatch, kind: str
) -> None:  # noqa: ANN001
    """The API's audit record is written in the transaction that stores the rows: when it
    fails, nothing is stored (before, the rows stayed, unaudited)."""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(submit_module, "record", broken)
    submitted = AuditEvent.objects.filter(action="submit_5w")
    submissions, events = Submission.objects.count(), submitted.count()
    client = api(partner_a)
    if kind == "rows":
        response = post_rows(client, [row(activity_name="Audited")])
    else:
        path = _file(tmp_path, platform, "csv", activity_name="Audited")
        response = client.post(URL, path.read_bytes(), content_type="text/csv")
    assert response.status_code == 500  # the API's own error answer, with no traceback
    assert Submission.objects.count() == submissions and submitted.count() == events
    assert not Activity.objects.filter(activity_name="Audited").exists()


@pytest.mark.parametrize("key", ["Quantity of output", "Total_Monthly", "WOMEN"])
def test_a_spreadsheet_label_as_a_key_is_refused(api, data, partner_a, key: str) -> None:  # noqa: ANN001
    """Its values were kept aside and the column stored as 0, with an unknown-column warning."""
    response = post_rows(api(partner_a), [{**row(), key: 12}])
    assert response.status_code == 422
    (issue,) = [i for i in response.json()["error"]["details"]["report"]["issues"]
                if i["code"] == "key-is-a-label"]  # fmt: skip
    expected = {"Quantity of output": "quantity_output", "Total_Monthly": "total_monthly"}
    assert issue["suggestion"] == expected.get(key, "women") and issue["column"] == key
    assert not Submission.objects.filter(month="2019-06", uploaded_by=partner_a).exists()


def test_issues_name_a_missing_key_by_its_key(api, data, partner_a) -> None:  # noqa: ANN001
    """It was named by its label in the request's language ("Mes")."""
    values = {k: v for k, v in row().items() if k != "month"}
    response = post_rows(api(partner_a), [values], URL + "&lang=es")
    issues = response.json()["error"]["details"]["report"]["issues"]
    assert [i["column"] for i in issues if i["code"] == "missing-value"] == ["month"]


@pytest.mark.parametrize(
    "sent",
    [
        [{}],
        [{"activity_name": "Legal counselling"}],
        [{"foo": 1}],
        [{"Country": "Peru", "Admin1": "Lima", "Month": "2019-06", "Quantity of output": 3}],
    ],
    ids=["empty", "free-text-only", "unknown-key", "labels-only"],
)
def test_rows_naming_no_coded_key_answer_422(api, data, partner_a, sent: list) -> None:  # noqa: ANN001
    """They answered 500 (a tester's): the search for a repeated header had no column to
    look in. Each missing key is said, and a label sent as a key too."""
    response = post_rows(api(partner_a), sent)
    assert response.status_code == 422, response.json()
    codes = {i["code"] for i in response.json()["error"]["details"]["report"]["issues"]}
    assert "missing-value" in codes
    assert ("key-is-a-label" in codes) == ("Country" in sent[0])


@pytest.mark.parametrize("kind", ["rows", "csv", "xlsx"])
def test_the_same_rows_sent_after_the_reference_changed_are_stored_again(
    api,
    data,
    partner_a,
    platform,
    tmp_path,
    kind: str,  # noqa: ANN001
) -> None:
    """A tester's: rows naming an implementing partner not yet registered were stored without
    it; once the IM team registered it, the same rows sent again answered "unchanged" with a
    report of no issue, and the stored row still had no partner. They store what they now
    read; sent once more, they are unchanged."""
    from kipu.core.loaders.organisations import OrganisationRecord
    from kipu.web.platforms.services import load_organisations

    client = api(partner_a)
    # The one file, sent three times (an XLSX written again holds another time stamp).
    path = _file(tmp_path, platform, "csv" if kind == "rows" else kind, implementation=True,
                 implementing_partner="Socio Nuevo")  # fmt: skip

    def send():  # noqa: ANN202
        if kind == "rows":
            sent = [row(implementation="Yes", implementing_partner="Socio Nuevo")]
            return post_rows(client, sent)
        return client.post(URL, {"file": path.open("rb")})

    def partners() -> list[object]:
        return list(
            Activity.objects.filter(submission__status="current", month="2019-06",
                                    submission__organisation__external_id="ORG901")
            .values_list("implementing_partner__external_id", flat=True)
        )  # fmt: skip

    first = send()
    assert first.status_code == 201, first.content
    assert "unknown-implementing-partner" in {i["code"] for i in first.json()["report"]["issues"]}
    assert partners() == [None]
    load_organisations(platform, [
        OrganisationRecord("Partner A", acronym="PA", org_type="INGO", external_id="ORG901"),
        OrganisationRecord("Partner B", name_es="Socio B", acronym="PB", org_type="NNGO",
                           external_id="ORG902"),
        OrganisationRecord("Socio Nuevo", acronym="SN", org_type="NNGO", external_id="ORG903"),
    ])  # fmt: skip
    again = send()
    assert again.status_code == 201, again.content
    assert again.json()["stored"][0]["id"] != first.json()["stored"][0]["id"]
    assert partners() == ["ORG903"]
    once_more = send()
    assert once_more.status_code == 200 and once_more.json()["unchanged"], once_more.content


def test_a_body_of_too_many_objects_is_refused_before_it_is_parsed(
    api,
    data,
    partner_a,
    monkeypatch,  # noqa: ANN001
) -> None:
    """A tester's: 100 MB of `{},` took 13 s and 2.5 GB to parse before its rows were
    counted. Refused from its bytes; braces inside texts count for nothing."""
    import json

    parse = json.loads

    def never_such_a_body(text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        raw = text if isinstance(text, bytes) else str(text).encode()
        assert b"{},{},{}" not in raw and b"[],[],[]" not in raw, "parsed"
        return parse(text, *args, **kwargs)

    monkeypatch.setattr(submit_module.json, "loads", never_such_a_body)
    client = api(partner_a)
    for filler in (b"{},", b"[],"):
        body = b'{"rows":[' + filler * (submit_module.MAX_ROWS + 1) + b"{}]}"
        response = client.post(URL, body, content_type="application/json")
        assert response.status_code == 413 and "100,000 rows" in response.json()["error"]["message"]
    # A re-tester's: a string of escaped quotes never closed took Python's search for the
    # strings 37 s for 380 KB (each quote a new start); 1 MB of them would take hours.
    unclosed = b'{"rows":[' + b"{}," * (submit_module.MAX_ROWS + 1) + b'{"a":"' + b'\\"' * 500_000
    response = client.post(URL, unclosed, content_type="application/json")
    assert response.status_code == 413
    braces = "{[" * (submit_module.MAX_ROWS // 2 + 10) + '\\"}'
    response = post_rows(client, [row(activity_description=braces)])
    assert response.status_code == 201, response.content
    stored = Activity.objects.get(submission__status="current", submission__month="2019-06",
                                  submission__organisation__external_id="ORG901")  # fmt: skip
    assert stored.activity_description == braces


@pytest.mark.parametrize("charset", ["utf-16", "utf-8", "utf-32"])
def test_the_body_s_charset_does_not_decode_the_query_string(
    api,
    data,
    partner_a,
    charset: str,  # noqa: ANN001
) -> None:
    """A tester's: with `charset=utf-16` every query parameter read garbled (400)."""
    import json

    body = json.dumps({"rows": [row()]})  # the test client encodes it in the charset
    response = api(partner_a).post(URL + "&lang=es", body,
                                   content_type=f"application/json; charset={charset}")  # fmt: skip
    assert response.status_code == 201, response.content


def test_a_body_key_beside_the_rows_is_refused(api, data, partner_a) -> None:  # noqa: ANN001
    """A tester's: `{"rows": […], "month": "2019-07"}` was stored in the query's month, the
    body's month ignored with no word."""
    body = {"rows": [row()], "month": "2019-07"}
    response = api(partner_a).post(URL, body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert "'month'" in error["message"] and error["details"]["keys"] == ["month"]
    assert not Submission.objects.filter(report__summary__rows_read=1, month="2019-07").exists()
