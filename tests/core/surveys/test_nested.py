"""A repeat inside a repeat (`visits` inside `members`): each inner row names its outer row
(Kobo's `_parent_index` is the `members` sheet's `_index`, ODK's `PARENT_KEY` the member's
`KEY`), and reaches its interview through it. A tester's: two visits of member 1 of
interview 2 were published under interview 1's department, because `_parent_index` was
looked up among the interviews."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from kipu.core.surveys.analysis import analyse
from kipu.core.surveys.form import SurveyForm, load_form
from kipu.core.surveys.indicators import load_indicators
from kipu.core.surveys.validate import SurveyData, validate_file
from kipu.core.validation.issues import Issue

DEPARTMENTS = ("01", "15", "24", "02", "13", "20")
EN = "label::English (en)"


def _form_file(folder: Path) -> Path:
    path = folder / "nested-form.xlsx"
    survey = [
        ["type", "name", EN, "required", "relevant"],
        ["select_one dept", "dept", "Department", "yes", ""],
        ["begin_repeat", "members", "Members", "", ""],
        ["select_one sex", "m_sex", "Member sex", "yes", ""],
        ["begin_repeat", "visits", "Visits", "", ""],
        ["select_one yn", "vaccinated", "Vaccinated", "yes", ""],
        ["integer", "doses", "Doses", "", "${m_sex} = 'female'"],
        ["end_repeat", "visits", "", "", ""],
        ["end_repeat", "members", "", "", ""],
    ]
    choices = [["list_name", "name", EN]]
    choices += [["dept", d, f"Dept {d}"] for d in DEPARTMENTS]
    choices += [["sex", "female", "Female"], ["sex", "male", "Male"]]
    choices += [["yn", "yes", "Yes"], ["yn", "no", "No"]]
    with xlsxwriter.Workbook(str(path)) as book:
        for name, rows in (("survey", survey), ("choices", choices)):
            sheet = book.add_worksheet(name)
            for number, row in enumerate(rows):
                sheet.write_row(number, 0, row)
    return path


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> SurveyForm:
    return load_form(_form_file(tmp_path_factory.mktemp("form")))


def _sex(member: int) -> str:
    return "female" if member % 2 else "male"


def _kobo(
    folder: Path,
    form: SurveyForm,
    count: int,
    members: list[int],
    visits: list[int],
    *,
    uuid: bool = True,
    lies: dict[int, int] | None = None,
) -> SurveyData:
    """Kobo's XLSX: `members[i]` the interview (1-based) of member i+1, `visits[j]` the
    member of visit j+1. `uuid`: the repeat sheets also name the interview by
    `_submission__uuid`; `lies`: visit → an interview its uuid wrongly names."""
    lies = lies or {}
    extra = ["_submission__uuid"] if uuid else []
    sheets = {
        "Sheet": [["dept", "_uuid", "_index"]]
        + [[DEPARTMENTS[n - 1], f"u{n}", n] for n in range(1, count + 1)],
        "members": [["members/m_sex", "_index", "_parent_table_name", "_parent_index", *extra]]
        + [[_sex(m), m, "Sheet", i, *([f"u{i}"] if uuid else [])]
           for m, i in enumerate(members, start=1)],  # fmt: skip
        "visits": [["members/visits/vaccinated", "_index", "_parent_table_name",
                    "_parent_index", *extra]]
        + [["no", v, "members", m,
            *([f"u{lies.get(v, _interview(members, m))}"] if uuid else [])]
           for v, m in enumerate(visits, start=1)],
    }  # fmt: skip
    path = folder / "nested.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        for name, rows in sheets.items():
            page = book.add_worksheet(name)
            for number, row in enumerate(rows):
                page.write_row(number, 0, row)
    return validate_file(path, form)


def _interview(members: list[int], member: int) -> int:
    return members[member - 1] if 0 < member <= len(members) else 0


def _odk(
    folder: Path, form: SurveyForm, count: int, members: list[int], visits: list[int]
) -> SurveyData:
    """ODK Central's CSV tables: a member's PARENT_KEY is its interview's KEY, a visit's its
    member's KEY (`uuid:3/members[2]`)."""
    keys = {m: f"uuid:{i}/members[{m}]" for m, i in enumerate(members, start=1)}
    tables = {
        "main.csv": [["dept", "KEY"]]
        + [[DEPARTMENTS[n - 1], f"uuid:{n}"] for n in range(1, count + 1)],
        "members.csv": [["m_sex", "PARENT_KEY", "KEY"]]
        + [[_sex(m), f"uuid:{i}", keys[m]] for m, i in enumerate(members, start=1)],
        "visits.csv": [["vaccinated", "PARENT_KEY", "KEY"]]
        + [["no", keys.get(m, f"uuid:0/members[{m}]"), f"{keys.get(m)}/visits[{v}]"]
           for v, m in enumerate(visits, start=1)],
    }  # fmt: skip
    for name, rows in tables.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    files = {"members": folder / "members.csv", "visits": folder / "visits.csv"}
    return validate_file(folder / "main.csv", form, repeat_files=files)


LAYOUTS = {
    "kobo": _kobo,
    "kobo-without-uuid": lambda f, form, c, m, v: _kobo(f, form, c, m, v, uuid=False),
    "odk-central": _odk,
}


SPEC = """
[survey]
slug = "nested"
[disaggregations]
department = "dept"
[[indicators]]
question = "vaccinated"
by = ["department"]
"""


def _said(data: SurveyData) -> list[Issue]:
    """The issues but `question-not-exported` (most exports here leave out `doses`)."""
    return [i for i in data.report.issues if i.code != "question-not-exported"]


def _departments(data: SurveyData, repeat: str) -> list[str]:
    """The department of the interview each row of `repeat` was attached to."""
    dept = dict(zip(data.interviews["_index"], data.interviews["dept"], strict=True))
    return [dept[p] for p in data.repeats[repeat]["_parent"]]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_testers_export(layout: str, form: SurveyForm, tmp_path: Path) -> None:
    """Interview 1 has no member, interview 2 members 1 and 2, interview 3 member 3; two
    visits of member 1 and one of member 3."""
    data = LAYOUTS[layout](tmp_path, form, 3, [2, 2, 3], [1, 1, 3])
    assert data.report.valid, [i.message for i in data.report.issues]
    assert _departments(data, "members/visits") == ["15", "15", "24"]
    assert data.repeats["members/visits"]["_outer"].to_list() == (
        ["1", "1", "3"]
        if layout.startswith("kobo")
        else ["uuid:2/members[1]"] * 2 + ["uuid:3/members[3]"]
    )
    spec = load_indicators(SPEC, form)
    figures = analyse(data.interviews, data.repeats, form, spec)
    by_department = figures.filter(figures["dimension"] == "department")
    counted = {g: n for g, a, n in by_department.select("group", "answer", "count").rows()
               if a == "no"}  # fmt: skip
    assert counted == {"15": 2, "24": 1}


@settings(max_examples=25, deadline=None)
@given(
    layout=st.sampled_from(sorted(LAYOUTS)),
    count=st.integers(1, 6),
    data=st.data(),
)
def test_every_visit_reaches_its_members_interview(
    tmp_path_factory: pytest.TempPathFactory, form: SurveyForm, layout: str, count: int, data
) -> None:
    # Without rows a repeat is `missing-repeat` (no `relevant` spares it): one at least.
    members = data.draw(st.lists(st.integers(1, count), min_size=1, max_size=6))
    visits = data.draw(st.lists(st.integers(1, len(members)), min_size=1, max_size=8))
    folder = tmp_path_factory.mktemp("nested")
    found = LAYOUTS[layout](folder, form, count, members, visits)
    codes = {i.code for i in found.report.issues} - {"question-not-exported"}
    assert found.report.valid and not codes, [i.message for i in found.report.issues]
    assert _departments(found, "members") == [DEPARTMENTS[i - 1] for i in members]
    expected = [DEPARTMENTS[members[m - 1] - 1] for m in visits]
    assert _departments(found, "members/visits") == expected


@settings(max_examples=25, deadline=None)
@given(count=st.integers(2, 5), data=st.data())
def test_a_uuid_that_disagrees_is_an_error_at_its_cell(
    tmp_path_factory: pytest.TempPathFactory, form: SurveyForm, count: int, data
) -> None:
    members = data.draw(st.lists(st.integers(1, count), min_size=1, max_size=5))
    visits = data.draw(st.lists(st.integers(1, len(members)), min_size=1, max_size=6))
    liar = data.draw(st.integers(1, len(visits)))
    truth = members[visits[liar - 1] - 1]
    wrong = data.draw(st.integers(1, count).filter(lambda n: n != truth))
    found = _kobo(tmp_path_factory.mktemp("lies"), form, count, members, visits,
                  lies={liar: wrong})  # fmt: skip
    issues = [i for i in found.report.issues if i.code == "repeat-link-disagrees"]
    assert [(i.sheet, i.row, i.column) for i in issues] == [("visits", liar + 1, "_parent_index")]
    assert issues[0].value == str(visits[liar - 1]) and issues[0].message
    assert not found.report.valid
    # Attached to neither interview, and kept.
    assert found.repeats["members/visits"]["_parent"][liar - 1] is None
    assert found.repeats["members/visits"].height == len(visits)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_visit_of_no_member_is_an_orphan(layout: str, form: SurveyForm, tmp_path: Path) -> None:
    data = LAYOUTS[layout](tmp_path, form, 2, [1, 2], [2, 7])  # member 7 is not in the export
    named = "7" if layout.startswith("kobo") else "uuid:0/members[7]"
    issues = [(i.code, i.row, i.value) for i in _said(data)]
    assert issues == [("orphan-nested-row", 3, named)]
    attached = data.repeats["members/visits"]["_parent"].to_list()
    assert attached == [data.interviews["_index"][1], None]  # kept, attached to nothing


def test_a_member_index_given_twice_is_an_error(form: SurveyForm, tmp_path: Path) -> None:
    """Two members with one `_index`: their visits could belong to either."""
    path = tmp_path / "twice.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheets = {
            "Sheet": [["dept", "_uuid", "_index"], ["01", "u1", 1], ["15", "u2", 2]],
            "members": [["members/m_sex", "_index", "_parent_index"], ["male", 1, 1],
                        ["male", 1, 2]],
            "visits": [["members/visits/vaccinated", "_index", "_parent_index"], ["no", 1, 1]],
        }  # fmt: skip
        for name, rows in sheets.items():
            page = book.add_worksheet(name)
            for number, row in enumerate(rows):
                page.write_row(number, 0, row)
    data = validate_file(path, form)
    issues = [(i.code, i.sheet, i.row, i.value) for i in _said(data)]
    assert issues == [("duplicate-repeat-index", "members", 3, "1")]


def test_a_visit_is_checked_against_its_member(form: SurveyForm, tmp_path: Path) -> None:
    """`doses` is asked of a female member's visits (`${m_sex} = 'female'`, an outer repeat's
    answer): answered in a male member's visit it is said so; the check was not made."""
    path = tmp_path / "doses.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheets = {
            "Sheet": [["dept", "_uuid", "_index"], ["01", "u1", 1]],
            "members": [["members/m_sex", "_index", "_parent_index"], ["female", 1, 1],
                        ["male", 2, 1]],
            "visits": [["members/visits/vaccinated", "members/visits/doses", "_index",
                        "_parent_index"], ["no", 2, 1, 1], ["no", 1, 2, 2]],
        }  # fmt: skip
        for name, rows in sheets.items():
            page = book.add_worksheet(name)
            for number, row in enumerate(rows):
                page.write_row(number, 0, row)
    data = validate_file(path, form)
    issues = [(i.code, i.sheet, i.row) for i in data.report.issues]
    assert issues == [("answer-not-relevant", "visits", 3)]


def test_a_repeat_holding_only_a_repeat_is_a_repeat(tmp_path: Path) -> None:
    """`members` asks nothing itself: its sheet is still the one visits name."""
    path = tmp_path / "only.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        survey = book.add_worksheet("survey")
        for number, row in enumerate([
            ["type", "name", "label"], ["text", "dept", "Department"],
            ["begin_repeat", "members", "Members"], ["begin_repeat", "visits", "Visits"],
            ["text", "note_", "Note"], ["end_repeat", "visits", ""], ["end_repeat", "members", ""],
        ]):  # fmt: skip
            survey.write_row(number, 0, row)
    form = load_form(path)
    assert form.repeats == ("members", "members/visits")
    assert form.outer("members/visits") == "members" and form.outer("members") is None
