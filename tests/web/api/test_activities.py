"""GET /api/v1/activities: roles and scoping, filters, pagination, CSV/XLSX exports with HXL."""

from __future__ import annotations

import io

import hxl
import openpyxl
import polars as pl
import pytest

from kipu.core.export import table_rows
from kipu.core.schema import COLUMNS, EXPORT_HXL
from kipu.core.validation import validate_file
from kipu.web.api.opendata import activity_header, activity_table
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.queries import activity_frame

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:  # noqa: ANN001
    assert response.status_code == 200, response.content
    return sorted(r["activity_name"] for r in response.json()["results"])


def csv_text(response) -> str:  # noqa: ANN001
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content).decode("utf-8")


MAY = ["PA PRO 0", "PA PRO 1", "PB WASH 0", "PB WASH 1", "PB WASH 2"]
A_JUNE = ["PA PRO 0"]
B_JUNE_PRO = ["PB PRO-CP+WASH+PRO-CP 0", "PB PRO-CP+WASH+PRO-CP 2"]
B_JUNE_WASH = ["PB PRO-CP+WASH+PRO-CP 1"]


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("admin", MAY + A_JUNE + B_JUNE_PRO + B_JUNE_WASH),
        ("partner_a", MAY + A_JUNE),
        ("partner_b", MAY + B_JUNE_PRO + B_JUNE_WASH),
        ("coordinator", MAY + A_JUNE + B_JUNE_PRO),
        ("viewer", MAY),
    ],
)
def test_each_role_reads_its_remit_and_the_published_months(
    request,
    api,
    data,
    actor: str,
    expected: list[str],  # noqa: ANN001
) -> None:
    client = api(request.getfixturevalue(actor))
    assert names(client.get("/api/v1/activities?page_size=1000")) == sorted(expected)


def test_anonymous_callers_get_401(api, data) -> None:  # noqa: ANN001
    response = api(None).get("/api/v1/activities")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert api(None).get("/api/v1/activities?format=csv").status_code == 401


def test_partner_a_never_sees_partner_b_unpublished_rows(api, data, partner_a) -> None:  # noqa: ANN001
    client = api(partner_a)
    assert names(client.get("/api/v1/activities?organisation=ORG902&from=2019-06")) == []
    text = csv_text(client.get("/api/v1/activities?format=csv&from=2019-06"))
    assert "PB " not in text and "PA PRO 0" in text


def test_no_platform_leaks_into_another(api, data, other_platform, rows, org_a, admin) -> None:  # noqa: ANN001
    rows(other_platform, org_a, "PRO", "2020-01", 1, name="other platform row")
    client = api(admin)  # admin of gtrm-test only
    assert "other platform row" not in names(client.get("/api/v1/activities?page_size=1000"))
    assert names(client.get("/api/v1/activities?platform=gtrm-other")) == []


def test_filters(api, data, admin) -> None:  # noqa: ANN001
    client = api(admin)
    assert names(client.get("/api/v1/activities?from=2019-06&to=2019-06&sector=PRO")) == sorted(
        A_JUNE + B_JUNE_PRO
    )  # a sector includes its sub-sectors
    assert names(client.get("/api/v1/activities?sector=WASH&organisation=PB&to=2019-05")) == [
        "PB WASH 0", "PB WASH 1", "PB WASH 2"
    ]  # fmt: skip
    assert names(client.get("/api/v1/activities?admin1=PE15")) == []
    assert len(names(client.get("/api/v1/activities?admin1=PE00"))) == 9
    unknown = client.get("/api/v1/activities?organisation=nobody")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "invalid-parameter"


def test_rows_carry_codes_and_keys(api, data, admin) -> None:  # noqa: ANN001
    first = api(admin).get("/api/v1/activities?page_size=1").json()["results"][0]
    assert first["appealing_org"] == "ORG901" and first["admin1"] == "PE00"
    assert first["sector"] == "PRO" and first["indicator"] == "PRO-01"
    assert first["implementing_partner"] is None and first["implementation"] is False
    assert first["issues"] == [] and first["new_beneficiaries"] == 4


def test_pagination_is_stable_and_complete(api, data, admin) -> None:  # noqa: ANN001
    client = api(admin)
    seen, url = [], "/api/v1/activities?page_size=4"
    pages = 0
    while url:
        body = client.get(url).json()
        assert body["count"] == 9 and body["page_size"] == 4
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
        pages += 1
    assert pages == 3 and seen == sorted(seen) and len(set(seen)) == 9
    last = client.get("/api/v1/activities?page_size=4&page=3").json()
    assert last["previous"].endswith("page_size=4&page=2") and last["next"] is None
    assert client.get("/api/v1/activities?page=99").json()["results"] == []


def test_csv_export_has_labels_hxl_row_and_parses_with_libhxl(api, data, admin, tmp_path) -> None:  # noqa: ANN001
    text = csv_text(api(admin).get("/api/v1/activities?format=csv"))
    lines = text.splitlines()
    assert lines[0].split(",")[0] == COLUMNS[0].label_en
    assert lines[1].startswith("#country+name,#adm1+name")
    assert len(lines) == 2 + 9
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    dataset = hxl.data(str(path), hxl.InputOptions(allow_local=True))
    tags = [c.display_tag for c in dataset.columns]
    # The indicator column: +code; the last, each row's accepted issue codes (none here).
    assert tags == [*(EXPORT_HXL[c.name] for c in COLUMNS), "#meta+issues"]
    assert lines[0].endswith(",Accepted issues")
    assert EXPORT_HXL["indicator"] == "#indicator+code"
    values = list(dataset)
    assert len(values) == 9 and {r.get("#meta+issues") or "" for r in values} == {""}
    assert {r.get("#org+prog+name") for r in values} == {"Partner A", "Partner B"}
    assert sum(int(r.get("#reached+ind+new")) for r in values) == 36


def test_spanish_labels_and_no_hxl_row(api, data, admin) -> None:  # noqa: ANN001
    text = csv_text(api(admin).get("/api/v1/activities?format=csv&lang=es&hxl=false"))
    lines = text.splitlines()
    assert lines[0].split(",")[:2] == [COLUMNS[0].label_es, COLUMNS[1].label_es]
    assert not lines[1].startswith("#") and ",Sí," in text and "Protección" in text


def test_export_reads_back_equal_to_the_store(api, data, admin, platform, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "export.csv"
    path.write_text(csv_text(api(admin).get("/api/v1/activities?format=csv")), encoding="utf-8")
    reference = reference_data(platform, 2019)
    result = validate_file(path, reference)
    assert result.report.summary["rows_read"] == 9
    assert not result.report.errors, result.report.errors[:3]
    names_ = [c.name for c in COLUMNS]
    order = ["month", "appealing_org", "activity_name"]
    # Blank text is stored as "" and read as null: the same emptiness.
    text = [c for c in names_ if result.rows.schema[c] == pl.Utf8]
    read = result.rows.select(names_).with_columns(pl.col(text).fill_null("")).sort(order)
    stored = activity_frame(platform).select(names_).with_columns(pl.col(text).fill_null(""))
    assert read.equals(stored.sort(order))


def test_xlsx_export(api, data, admin) -> None:  # noqa: ANN001
    response = api(admin).get("/api/v1/activities?format=xlsx&lang=es")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = list(book.active.iter_rows(values_only=True))
    assert sheet[0][0] == COLUMNS[0].label_es and sheet[1][0] == COLUMNS[0].hxl
    assert len(sheet) == 11


def test_formulas_are_neutralised(api, platform, org_a, rows, admin) -> None:  # noqa: ANN001
    for month, name in (
        ("2019-01", '=HYPERLINK("http://x")'),
        ("2019-02", "+1"),
        ("2019-03", "-2+3"),
        ("2019-04", "@SUM(A1)"),
    ):
        rows(platform, org_a, "PRO", month, 1, name=name)
    text = csv_text(api(admin).get("/api/v1/activities?format=csv"))
    for cell in ("'=HYPERLINK", "'+1", "'-2+3", "'@SUM(A1)"):
        assert cell in text
    xlsx = api(admin).get("/api/v1/activities?format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    cells = [c for row in book.active.iter_rows() for c in row]
    named = {c.value: c for c in cells if isinstance(c.value, str)}

    for text in ('=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)"):  # exactly, as text
        assert named[text].data_type == "s" and named[text].quotePrefix, (text, sorted(named))
    assert not [c for c in cells if c.data_type == "f"]


def test_vectorised_table_equals_the_core_export(platform, data) -> None:  # noqa: ANN001
    frame = activity_frame(platform).with_columns(
        pl.Series("activity_name", ["=1+1", "-x", "@a", "+", "ok", "\tt", "", "b", "c"])
    )
    reference = reference_data(platform, 2019)
    for lang in ("en", "es"):
        mine = activity_header(lang) + [
            list(r) for r in activity_table(frame, reference, lang).rows()
        ]
        assert mine == table_rows(frame, reference, lang=lang)


def test_export_of_nothing_is_just_the_header(api, platform, admin) -> None:  # noqa: ANN001
    assert len(csv_text(api(admin).get("/api/v1/activities?format=csv")).splitlines()) == 2


def test_streaming_reads_in_slices(platform, data, monkeypatch) -> None:  # noqa: ANN001
    from kipu.web.accounts.scope import Scope
    from kipu.web.api.pagination import ActivityFilter, activity_queryset, activity_slices

    rows = activity_queryset(Scope(platform, "admin"), ActivityFilter())
    sizes = [f.height for f in activity_slices(rows, platform.pk, batch=4)]
    assert sizes == [4, 4, 1]
