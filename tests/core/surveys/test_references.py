"""A `relevant` or `constraint` reading a value outside the question's own sheet: metadata
(`${today}`, `${start}`), the rows a repeat row belongs to (its interview, a nested repeat's
outer row), a question of another repeat. Each check is made where the value is known, and
a `check-not-made` names the question and the reference wherever it is not: never a check
skipped without a word. Generated exports are checked against an oracle written here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.surveys.export import RawExport, read_sheet
from kipu.core.surveys.form import SurveyForm, form_from_tree, load_form
from kipu.core.surveys.validate import SurveyData, validate_export

YN = [{"name": "yes", "label": "Yes"}, {"name": "no", "label": "No"}]
DEPT = [{"name": n, "label": n} for n in ("01", "15", "24")]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _yn(name: str, **bind: str) -> dict[str, Any]:
    return {"type": "select one", "name": name, "label": name, "choices": YN, "bind": bind}


META_FORM = form_from_tree(
    {
        "name": "data",
        "id_string": "meta",
        "children": [
            {"type": "today", "name": "today"},
            {"type": "start", "name": "start"},
            {"type": "deviceid", "name": "deviceid"},
            {
                "type": "date",
                "name": "arrival",
                "label": "Arrival",
                "bind": {"constraint": ". <= ${today}"},
            },
            _yn("has_job", required="yes", relevant="${start} != ''"),
            _yn("phone", relevant="${deviceid} != ''"),
        ],
    }
)


def _validate(form: SurveyForm, sheets: dict[str | None, list[list[object]]]) -> SurveyData:
    raw = RawExport(
        "export.xlsx",
        [read_sheet(repeat or "main", rows, form, repeat) for repeat, rows in sheets.items()],
    )
    return validate_export(raw, form)


def _rows(data: SurveyData, code: str, column: str) -> list[int]:
    return sorted(i.row for i in data.report.issues if i.code == code and i.column == column)


def _not_made(data: SurveyData, question: str) -> list[str]:
    return [
        i.message
        for i in data.report.issues
        if i.code == "check-not-made" and question in i.message
    ]


DAYS = st.dates(min_value=dt.date(2019, 10, 25), max_value=dt.date(2019, 11, 10))


@st.composite
def meta_exports(draw: st.DrawFn) -> tuple[list[str], list[dict[str, object]]]:
    """Interviews with the metadata columns an export may or may not bring, and cells of
    `today` that may be empty (the day of `start` then stands for it)."""
    columns = [c for c in ("today", "start", "deviceid") if draw(st.booleans())]
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        day = draw(DAYS)
        rows.append(
            {
                "today": draw(st.sampled_from([day.isoformat(), None])),
                "start": draw(st.sampled_from([f"{day}T09:30:00.000-05:00", None])),
                "deviceid": draw(st.sampled_from(["collect:abc", None])),
                "arrival": draw(DAYS).isoformat(),
                "has_job": draw(st.sampled_from(["yes", None])),
                "phone": draw(st.sampled_from(["no", None])),
            }
        )
    return columns, rows


@SETTINGS
@given(meta_exports())
def test_metadata_references_are_checked_or_said(
    export: tuple[list[str], list[dict[str, object]]],
) -> None:
    columns, rows = export
    header = [*columns, "arrival", "has_job", "phone"]
    data = _validate(META_FORM, {None: [header, *[[r[h] for h in header] for r in rows]]})

    def day(row: dict[str, object]) -> str | None:  # what `${today}` is for the phone
        if "today" in columns and row["today"]:
            return str(row["today"])
        if "start" in columns and row["start"]:
            return str(row["start"])[:10]
        return None

    late = [n for n, r in enumerate(rows, 2) if day(r) and str(r["arrival"]) > str(day(r))]
    assert _rows(data, "constraint-violated", "arrival") == late
    unknown = [r for r in rows if day(r) is None]
    said = _not_made(data, "arrival")
    assert len(said) == (1 if unknown else 0), said
    if unknown:
        assert "${today}" in said[0]
        assert ("not checked in the rows" in said[0]) == ("today" in columns or "start" in columns)

    started = "start" in columns
    missing = [n for n, r in enumerate(rows, 2) if started and r["start"] and not r["has_job"]]
    assert _rows(data, "required-missing", "has_job") == missing
    said = _not_made(data, "has_job")
    assert len(said) == (0 if started and all(r["start"] for r in rows) else 1), said
    assert all("${start}" in s for s in said)

    # `${deviceid} != ''` holds wherever the device is known: the answer is never skipped.
    assert not _rows(data, "answer-not-relevant", "phone")
    unknown_device = "deviceid" not in columns or any(
        r["phone"] and not r["deviceid"] for r in rows
    )
    assert len(_not_made(data, "phone")) == (1 if unknown_device else 0)
    assert "today" not in data.interviews.columns  # metadata is read, not stored


NESTED_FORM = form_from_tree(
    {
        "name": "data",
        "id_string": "nested",
        "children": [
            {"type": "select one", "name": "dept", "label": "Dept", "choices": DEPT},
            {
                "type": "repeat",
                "name": "members",
                "children": [
                    {"type": "integer", "name": "m_age", "label": "Age"},
                    {
                        "type": "repeat",
                        "name": "visits",
                        "bind": {"relevant": "${m_age} < 5"},
                        "children": [
                            _yn("vaccinated", required="yes", relevant="${dept} = '15'"),
                        ],
                    },
                ],
            },
            {
                "type": "repeat",
                "name": "other",
                "children": [_yn("o", relevant="${m_age} > 1")],
            },
        ],
    }
)


@st.composite
def nested_exports(draw: st.DrawFn) -> dict[str, list[dict[str, object]]]:
    """Interviews, their members (some orphans) and the members' visits (some naming no
    member): Kobo's `_index`/`_parent_index`, which a nested repeat's rows give as their
    outer row's `_index`."""
    interviews = [
        {"dept": draw(st.sampled_from(["01", "15", "24"])), "_index": n}
        for n in range(1, draw(st.integers(1, 4)) + 1)
    ]
    members = [
        {"m_age": draw(st.sampled_from([2, 4, 5, 40, None])), "_index": n,
         "_parent_index": draw(st.integers(1, len(interviews) + 1))}
        for n in range(1, draw(st.integers(0, 5)) + 1)
    ]  # fmt: skip
    visits = [
        {"vaccinated": draw(st.sampled_from(["yes", None])), "_index": n,
         "_parent_index": draw(st.integers(1, len(members) + 2))}
        for n in range(1, draw(st.integers(1, 6)) + 1)
    ]  # fmt: skip
    return {"interviews": interviews, "members": members, "visits": visits}


def _nested_sheets(export: dict[str, list[dict[str, object]]]) -> dict[str | None, list]:
    def table(header: list[str], rows: list[dict[str, object]]) -> list[list[object]]:
        return [header, *[[r[h.rsplit("/", 1)[-1]] for h in header] for r in rows]]

    return {
        None: table(["dept", "_index"], export["interviews"]),
        "members": table(["members/m_age", "_index", "_parent_index"], export["members"]),
        "members/visits": table(
            ["members/visits/vaccinated", "_index", "_parent_index"], export["visits"]
        ),
    }


@SETTINGS
@given(nested_exports())
def test_a_nested_repeat_reads_its_outer_row_and_interview(
    export: dict[str, list[dict[str, object]]],
) -> None:
    data = _validate(NESTED_FORM, _nested_sheets(export))
    interviews = {r["_index"]: r for r in export["interviews"]}
    members = {r["_index"]: r for r in export["members"]}
    relevant: dict[int, bool | None] = {}  # by visit row; None: not known
    for row, visit in enumerate(export["visits"], 2):
        member = members.get(visit["_parent_index"])  # type: ignore[arg-type]
        interview = interviews.get(member["_parent_index"]) if member else None  # type: ignore[arg-type]
        if member is None or interview is None:
            relevant[row] = None
            continue
        age = member["m_age"]
        relevant[row] = age is not None and age < 5 and interview["dept"] == "15"  # type: ignore[operator]
    answered = {
        r: v["vaccinated"] is not None for r, v in zip(relevant, export["visits"], strict=True)
    }
    question = "members/visits/vaccinated"
    assert _rows(data, "required-missing", question) == sorted(
        r for r, holds in relevant.items() if holds and not answered[r]
    )
    assert _rows(data, "answer-not-relevant", question) == sorted(
        r for r, holds in relevant.items() if holds is False and answered[r]
    )
    said = _not_made(data, question)
    unknown = sum(holds is None for holds in relevant.values())
    assert len(said) == (1 if unknown else 0), said
    if unknown:
        assert said[0].endswith(f": {unknown}.") and "${m_age}" in said[0]


def test_a_sibling_repeats_question_is_said_once_per_question() -> None:
    sheets = _nested_sheets({"interviews": [{"dept": "15", "_index": 1}], "members": [],
                             "visits": []})  # fmt: skip
    sheets["other"] = [["other/o", "_index", "_parent_index"], ["yes", 1, 1], [None, 2, 1]]
    data = _validate(NESTED_FORM, sheets)
    (said,) = _not_made(data, "other/o")
    assert "${m_age}" in said and "“members”" in said
    assert not _rows(data, "answer-not-relevant", "other/o")


def test_an_outer_repeat_without_rows_is_said() -> None:
    visit = {"vaccinated": None, "_index": 1, "_parent_index": 1}
    interview = {"dept": "15", "_index": 1}
    sheets = _nested_sheets({"interviews": [interview], "members": [], "visits": [visit]})
    del sheets["members"]
    data = _validate(NESTED_FORM, sheets)
    (said,) = _not_made(data, "members/visits/vaccinated")
    assert "${m_age}" in said and "does not bring" in said


def test_spanish_detail() -> None:
    raw = RawExport("e.csv", [read_sheet("e.csv", [["arrival"], ["2019-11-05"]], META_FORM, None)])
    data = validate_export(raw, META_FORM, lang="es")
    said = [i.message for i in data.report.issues if i.code == "check-not-made"]
    assert any("no se controla" in s and "${today}" in s for s in said), said


def test_pyxforms_own_warnings_are_the_forms_not_the_imports(tmp_path: Path) -> None:
    """A translation missing a column is shown by `load-form`, never as a check not made."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(["type", "name", "label::English (en)", "label::Español (es)", "constraint",
                  "constraint_message::English (en)"])  # fmt: skip
    sheet.append(["integer", "age", "Age", "Edad", ". >= 0", "Not negative"])
    book.save(tmp_path / "form.xlsx")
    form = load_form(tmp_path / "form.xlsx")
    assert any("constraint_message" in w for w in form.warnings), form.warnings
    raw = RawExport("e.csv", [read_sheet("e.csv", [["age"], ["-1"], ["3"]], form, None)])
    data = validate_export(raw, form)
    assert [i.code for i in data.report.issues] == ["constraint-violated"]


DEEP_FORM = form_from_tree(
    {
        "name": "data",
        "id_string": "deep",
        "children": [
            {"type": "integer", "name": "dept", "label": "Dept"},
            {
                "type": "repeat",
                "name": "a",
                "children": [
                    {"type": "integer", "name": "qa", "label": "qa"},
                    {
                        "type": "repeat",
                        "name": "b",
                        "children": [
                            _yn("qb", required="yes", relevant="${dept} = 15"),
                            {
                                "type": "repeat",
                                "name": "c",
                                "children": [
                                    _yn("qc", required="yes", relevant="${qa} > 1 and ${dept} = 15")
                                ],
                            },
                        ],
                    },
                ],
            },
        ],
    }
)
DEEP_INTERVIEWS = [["dept", "_index", "_uuid"], [15, 1, "u1"], [1, 2, "u2"]]


def test_a_row_two_repeats_deep_reads_its_outer_rows_and_its_interview() -> None:
    """`c`'s rows read `a`'s answer through `b`'s row (`_outer`, then that row's own) and
    the interview's by `_parent`: each row by its own links, never by another row's."""
    data = _validate(DEEP_FORM, {
        None: DEEP_INTERVIEWS,
        "a": [["a/qa", "_index", "_parent_index"], [5, 1, 1], [0, 2, 1], [5, 3, 2]],
        "a/b": [["a/b/qb", "_index", "_parent_index"], ["yes", 1, 1], [None, 2, 2],
                ["yes", 3, 3]],
        "a/b/c": [["a/b/c/qc", "_index", "_parent_index"], [None, 1, 1], ["yes", 2, 2],
                  ["yes", 3, 3], [None, 4, 9]],
    })  # fmt: skip
    question = "a/b/c/qc"
    assert _rows(data, "required-missing", question) == [2]
    assert _rows(data, "answer-not-relevant", question) == [3, 4]
    assert _rows(data, "required-missing", "a/b/qb") == [3]  # `a` row 2: interview 1
    assert _rows(data, "answer-not-relevant", "a/b/qb") == [4]  # `a` row 3: interview 2
    assert _rows(data, "orphan-nested-row", "_parent_index") == [5]
    (said,) = _not_made(data, question)
    assert said.endswith(": 1.")  # the orphan: its `${qa}` and `${dept}` are not known


def test_a_row_linked_by_its_submission_alone_reads_its_interview() -> None:
    """A nested row without `_parent_index` is attached to its interview by Kobo's
    `_submission__uuid`: the interview's answers are known, its outer row's are not."""
    data = _validate(DEEP_FORM, {
        None: DEEP_INTERVIEWS,
        "a": [["a/qa", "_index", "_parent_index"], [5, 1, 1]],
        "a/b": [["a/b/qb", "_index", "_submission__uuid"], [None, 1, "u1"], ["yes", 2, "u2"]],
    })  # fmt: skip
    assert _rows(data, "required-missing", "a/b/qb") == [2]
    assert _rows(data, "answer-not-relevant", "a/b/qb") == [3]
    assert not _not_made(data, "a/b/qb")
