"""Kobo and ODK exports read and checked against the form: the same answers whatever the
format (XLSX with a repeat sheet, CSV with `;` or `,`, XML names or labels, one column of
choices or split 1/0 columns), and every problem at its sheet, row and column."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from kipu.core.surveys import demo
from kipu.core.surveys.form import SurveyForm, load_form
from kipu.core.surveys.issues import SURVEY_CODES
from kipu.core.surveys.validate import SurveyData, validate_file
from kipu.core.surveys.values import number_of
from kipu.core.validation.issues import Issue
from survey_files import MAIN_HEADER, MEMBER_HEADER, form_file, interview, write_csv, write_xlsx


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> SurveyForm:
    return load_form(form_file(tmp_path_factory.mktemp("form")))


ROWS = [
    interview(1),
    interview(
        2, intention="stay_peru", destination_department="lima", group_size=3, needs="documentation"
    ),
    interview(3, needs="food cash shelter"),
]
MEMBERS = [
    {"members/member_sex": "female", "members/member_age": 4, "_index": 1, "_parent_index": 2},
    {"members/member_sex": "male", "members/member_age": 35, "_index": 2, "_parent_index": 2},
]


def _answers(data: SurveyData) -> list[tuple[object, ...]]:
    columns = [
        "respondent/sex",
        "respondent/age",
        "intention",
        "destination_department",
        "needs",
        "group_size",
        "today",
    ]
    return list(data.interviews.select(columns).iter_rows())


EXPECTED = [
    ("female", 31.0, "go_chile", None, ["food", "health"], 1.0, dt.date(2019, 11, 5)),
    ("male", 32.0, "stay_peru", "lima", ["documentation"], 3.0, dt.date(2019, 11, 5)),
    ("female", 33.0, "go_chile", None, ["food", "cash", "shelter"], 1.0, dt.date(2019, 11, 5)),
]


def test_kobo_xlsx_with_a_repeat_sheet(form: SurveyForm, tmp_path: Path) -> None:
    data = validate_file(write_xlsx(tmp_path / "e.xlsx", ROWS, members=MEMBERS), form)
    assert data.report.valid and data.report.issues == []
    assert _answers(data) == EXPECTED
    members = data.repeats["members"]
    assert members.select("_parent", "members/member_sex", "members/member_age").rows() == [
        ("2", "female", 4.0),
        ("2", "male", 35.0),
    ]


def test_demo_export_is_valid(form: SurveyForm, tmp_path: Path) -> None:
    data = validate_file(demo.write_export(tmp_path / "nov.xlsx", 11), form)
    assert data.report.valid, data.report.summary
    assert data.interviews.height == 400
    assert data.repeats["members"].height == int(data.interviews["group_size"].sum() - 400)


SPANISH = {
    "start": "start",
    "today": "Fecha de la entrevista",
    "interview/border_point": "Entrevista/Punto fronterizo",
    "respondent/sex": "Sexo",
    "respondent/age": "Edad",
    "respondent/nationality": "Nacionalidad",
    "intention": "¿A dónde piensa ir?",
    "destination_department": "Departamento de destino en el Perú",
    "needs": "Necesidades más urgentes",
    "group_size": "Personas que viajan juntas",
    "weight": "weight",
    "_id": "_id",
    "_uuid": "_uuid",
    "_index": "_index",
}
LABELLED = {
    "respondent/sex": {"female": "Mujer", "male": "Hombre"},
    "intention": {"go_chile": "Seguir a Chile", "stay_peru": "Quedarse en el Perú"},
    "destination_department": {"lima": "Lima"},
    "interview/border_point": {"cebaf_tumbes": "CEBAF Tumbes"},
    "respondent/nationality": {"venezuelan": "Venezolana"},
}


def _in_spanish(row: dict[str, object]) -> dict[str, object]:
    shown = dict(row)
    for column, labels in LABELLED.items():
        if shown.get(column) is not None:
            shown[column] = labels[str(shown[column])]
    needs = {
        "food": "Alimentos",
        "health": "Atención de salud",
        "documentation": "Documentación",
        "cash": "Dinero en efectivo",
        "shelter": "Alojamiento",
    }
    shown["needs"] = ", ".join(needs[n] for n in str(row["needs"]).split())
    return shown


def test_csv_with_semicolons_spanish_labels_and_windows_encoding(
    form: SurveyForm, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "export.csv",
        [_in_spanish(r) for r in ROWS],
        shown=[SPANISH[h] for h in MAIN_HEADER],
        delimiter=";",
        encoding="cp1252",
    )
    data = validate_file(path, form, repeat_files={"members": _members_csv(tmp_path)})
    assert data.report.valid, [i.message for i in data.report.issues]
    assert _answers(data) == EXPECTED


def _members_csv(tmp_path: Path) -> Path:
    """MEMBERS as the separate CSV file a CSV export's repeat comes in."""
    return write_csv(tmp_path / "members.csv", MEMBERS, header=MEMBER_HEADER)


def test_csv_with_odk_central_headers_and_split_choices(form: SurveyForm, tmp_path: Path) -> None:
    needs = [name for name, _, _ in demo.CHOICES["needs"]]
    header = [h for h in MAIN_HEADER if h != "needs"] + [f"needs/{n}" for n in needs]
    rows = [{**r, **{f"needs/{n}": int(n in str(r["needs"]).split()) for n in needs}} for r in ROWS]
    shown = [
        h.replace("/", "-") if h.startswith(("respondent", "interview")) else h for h in header
    ]
    shown = [h.replace("needs/", "needs-") for h in shown]
    shown = ["KEY" if h == "_uuid" else h for h in shown]
    data = validate_file(
        write_csv(tmp_path / "central.csv", rows, header=header, shown=shown),
        form,
        repeat_files={"members": _members_csv(tmp_path)},
    )
    assert data.report.valid, [i.message for i in data.report.issues]
    assert [sorted(n) for n in data.interviews["needs"]] == [sorted(r[4]) for r in EXPECTED]  # type: ignore[arg-type]


# --- every problem, at its cell ----------------------------------------------------------------


def _one(data: SurveyData, code: str) -> Issue:
    found = [i for i in data.report.issues if i.code == code]
    assert len(found) == 1, [(i.code, i.row, i.column, i.message) for i in data.report.issues]
    return found[0]


def _xlsx(tmp_path: Path, *rows: dict[str, object], **kwargs: object) -> Path:
    return write_xlsx(tmp_path / "e.xlsx", list(rows) or ROWS, **kwargs)  # type: ignore[arg-type]


Maker = Callable[[Path], Path]
PROBLEMS: dict[str, tuple[Maker, int | None, str | None, str | None]] = {
    # code: (file maker, row, column as the file shows it, value)
    "unknown-choice": (
        lambda t: _xlsx(t, interview(1), interview(2, intention="go_chilee")),
        3,
        "intention",
        "go_chilee",
    ),
    "invalid-number": (
        lambda t: _xlsx(t, interview(1, **{"respondent/age": "thirty"})),
        2,
        "respondent/age",
        "thirty",
    ),
    # A tester's: a weight typed "1,500" was read 1.5, with no issue.
    "ambiguous-number": (
        lambda t: _xlsx(t, interview(1, weight="1,500")),
        2,
        "weight",
        "1,500",
    ),
    "not-integer": (
        lambda t: _xlsx(t, interview(1, group_size=2.5)),
        2,
        "group_size",
        "2.5",
    ),
    "invalid-date": (
        lambda t: _xlsx(t, interview(1, today="05/11/2019")),
        2,
        "today",
        "05/11/2019",
    ),
    "required-missing": (
        lambda t: _xlsx(t, interview(1, intention="stay_peru")),
        2,
        "destination_department",
        None,
    ),
    "constraint-violated": (
        lambda t: _xlsx(t, interview(1, **{"respondent/age": 15})),
        2,
        "respondent/age",
        "15",
    ),
    "answer-not-relevant": (
        lambda t: _xlsx(t, interview(1, destination_department="lima")),
        2,
        "destination_department",
        "lima",
    ),
    "duplicate-submission": (
        lambda t: _xlsx(t, interview(1), interview(2, _uuid="uuid-0001")),
        3,
        "_uuid",
        "uuid-0001",
    ),
    # A tester's: two exports pasted into one sheet, each interview's `_index` from 1: every
    # repeat row was joined to both interviews, and the members were counted twice.
    "duplicate-index": (
        lambda t: _xlsx(
            t,
            interview(1, group_size=2),
            interview(2, group_size=2, _index=1),
            members=[{**MEMBERS[0], "_parent_index": 1}],
        ),
        3,
        "_index",
        "1",
    ),
    "invalid-choice-flag": (
        lambda t: _split_file(t, {"needs/health": "x"}),
        2,
        "needs/health",
        "x",
    ),
    "split-disagrees": (
        lambda t: _split_file(t, {"needs/health": 0}, combined=True),
        2,
        "needs",
        "food health",
    ),
    # A tester's: `needs/cash` left out of an export of 1/0 columns was read "not chosen"
    # by everyone, and published as 0.
    "choice-not-exported": (
        lambda t: _split_file(t, {}, left_out=("cash",)),
        1,
        "needs",
        "cash",
    ),
    # A tester's: without `_index` the interviews were numbered by their sheet row, and the
    # member of interview 2 attached to interview 1.
    "parent-key-not-exported": (
        lambda t: _xlsx(
            t,
            interview(1, group_size=2),
            interview(2, group_size=2),
            header=[h for h in MAIN_HEADER if h != "_index"],
            members=[{**MEMBERS[0], "_parent_index": 2}],
        ),
        2,
        "_parent_index",
        "2",
    ),
    "orphan-repeat-row": (
        lambda t: _xlsx(
            t, interview(1, group_size=2), members=[{**MEMBERS[0], "_parent_index": 9}]
        ),
        2,
        "_parent_index",
        "9",
    ),
    "excel-error": (
        lambda t: write_csv(t / "e.csv", [interview(1, **{"respondent/age": "#N/A"})]),
        2,
        "respondent/age",
        "#N/A",
    ),
    "duplicate-column": (
        lambda t: _xlsx(t, interview(1), header=[*MAIN_HEADER, "Sex"]),
        1,
        "Sex",
        None,
    ),
    "unknown-column": (
        lambda t: _xlsx(t, interview(1), header=[*MAIN_HEADER, "comments"]),
        1,
        "comments",
        None,
    ),
    "missing-question": (
        lambda t: _xlsx(t, interview(1), header=[h for h in MAIN_HEADER if h != "intention"]),
        1,
        "intention",
        None,
    ),
    "question-not-exported": (
        lambda t: _xlsx(t, interview(1), header=[h for h in MAIN_HEADER if h != "weight"]),
        1,
        "weight",
        None,
    ),
    "unknown-sheet": (
        lambda t: _xlsx(t, interview(1), extra_sheets={"Notes": [["a note"]]}),
        None,
        None,
        "Notes",
    ),
    "no-rows": (lambda t: _xlsx(t, {}), None, None, None),
    "no-survey-sheet": (
        lambda t: write_csv(t / "other.csv", [{"a": 1}], header=["a"]),
        None,
        None,
        None,
    ),
    "unreadable-file": (lambda t: _bytes(t / "e.xlsx", b"PK\x03\x04broken"), None, None, None),
    "file-too-large": (lambda t: _bytes(t / "e.csv", b"a\n" * 2_000_002), None, None, None),
    "check-not-made": (lambda t: _xlsx(t, interview(1)), None, "respondent/age", None),
    "merged-cell": (lambda t: _merged(t), 3, "respondent/nationality", None),
    "formula-without-value": (lambda t: _formula(t), 2, "group_size", None),
    "unreadable-value": (lambda t: _coded(t), 2, "group_size", None),
}


NEEDS = [name for name, _, _ in demo.CHOICES["needs"]]


def _split_file(
    tmp_path: Path,
    changes: dict[str, object],
    *rows: dict[str, object],
    combined: bool = False,
    left_out: tuple[str, ...] = (),
) -> Path:
    """An export with one 1/0 column per choice of `needs` (and `needs` itself when
    `combined`, as Kobo may export both); `changes` to the first row's cells; no column for
    the choices `left_out`."""
    header = [h for h in MAIN_HEADER if combined or h != "needs"]
    header += [f"needs/{n}" for n in NEEDS if n not in left_out]
    split = [
        {**r, **{f"needs/{n}": int(n in str(r["needs"]).split()) for n in NEEDS}}
        for r in (rows or ROWS)
    ]
    split[0] = {**split[0], **changes}
    return write_xlsx(tmp_path / "split.xlsx", split, header=header)


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _merged(tmp_path: Path) -> Path:
    path = tmp_path / "merged.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("FMS Tumbes")
        sheet.write_row(0, 0, MAIN_HEADER)
        for number, row in enumerate([interview(1), interview(2)], start=1):
            for col, name in enumerate(MAIN_HEADER):
                if row.get(name) is not None and name != "respondent/nationality":
                    sheet.write(number, col, row[name])
        column = MAIN_HEADER.index("respondent/nationality")
        sheet.merge_range(1, column, 2, column, "venezuelan")
    return path


def _formula(tmp_path: Path) -> Path:
    path = tmp_path / "formula.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("FMS Tumbes")
        sheet.write_row(0, 0, MAIN_HEADER)
        row = interview(1)
        for col, name in enumerate(MAIN_HEADER):
            if name == "group_size":
                sheet.write_formula(1, col, "=1+0")  # written by a program: no saved value
            elif row.get(name) is not None:
                sheet.write(1, col, row[name])
    return path


def _coded(tmp_path: Path) -> Path:
    """A group size written as `4&#x37;` (47), which calamine reads as 4."""
    path = _xlsx(tmp_path, interview(1, group_size=47))
    out = tmp_path / "coded.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data, count = re.subn(rb"<v>47</v>", b"<v>4&#x37;</v>", data)
                assert count == 1
            target.writestr(item, data)
    return out


@pytest.mark.parametrize("code", sorted(PROBLEMS))
def test_each_problem_at_its_cell(code: str, form: SurveyForm, tmp_path: Path) -> None:
    make, row, column, value = PROBLEMS[code]
    checked = form
    if code == "check-not-made":  # a constraint outside the supported XPath
        questions = [
            {**q, "constraint": ". < today()"} if q["path"] == "respondent/age" else q
            for q in form.to_dict()["questions"]
        ]
        checked = SurveyForm.from_dict({**form.to_dict(), "questions": questions})
    data = validate_file(make(tmp_path), checked, weight="weight")
    issue = _one(data, code)
    assert (issue.row, issue.column) == (row, column)
    if value is not None:
        assert issue.value == value
    assert issue.severity == SURVEY_CODES[code].severity
    assert issue.message and not re.search(r"\{(value|column|detail)\}", issue.message)
    if issue.row:
        assert issue.sheet


def test_every_code_has_a_problem_test() -> None:
    # A nested repeat's codes are tested with a nested form, in test_nested.py.
    nested = {"orphan-nested-row", "repeat-link-disagrees", "duplicate-repeat-index"}
    assert set(PROBLEMS) | {"invalid-weight", "missing-repeat"} | nested == set(SURVEY_CODES)


def test_invalid_weight(form: SurveyForm, tmp_path: Path) -> None:
    data = validate_file(
        _xlsx(tmp_path, interview(1), interview(2, weight=0)), form, weight="weight"
    )
    issue = _one(data, "invalid-weight")
    assert (issue.row, issue.column, issue.value) == (3, "weight", "0")


def test_suggestion_and_spanish_message(form: SurveyForm, tmp_path: Path) -> None:
    path = _xlsx(tmp_path, interview(1, intention="Seguir a Chlie"))
    issue = _one(validate_file(path, form, lang="es"), "unknown-choice")
    assert issue.suggestion == "go_chile (Seguir a Chile)"
    assert issue.message.startswith("“Seguir a Chlie” no es una opción de “intention”")


def test_suggestion_is_the_value_to_type(form: SurveyForm, tmp_path: Path) -> None:
    near_label = _one(
        validate_file(_xlsx(tmp_path, interview(1, **{"respondent/sex": "femme"})), form),
        "unknown-choice",
    )
    assert near_label.suggestion == "female"  # the value, not the label "Female"
    assert near_label.message.endswith("Did you mean “female”?")
    near_label = _one(
        validate_file(_xlsx(tmp_path, interview(1, intention="Continue to Chlie")), form),
        "unknown-choice",
    )
    assert near_label.suggestion == "go_chile (Continue to Chile)"


def test_constraint_message_is_the_forms(form: SurveyForm, tmp_path: Path) -> None:
    path = _xlsx(tmp_path, interview(1, **{"respondent/age": 15}))
    assert (
        "Solo adultos (18 a 99)"
        in _one(validate_file(path, form, lang="es"), "constraint-violated").message
    )


def test_one_problem_per_cell(form: SurveyForm, tmp_path: Path) -> None:
    """A cell that cannot be read is reported once, not again as missing or out of range."""
    path = _xlsx(tmp_path, interview(1, **{"respondent/age": "#REF!"}))
    data = validate_file(path, form)
    assert [i.code for i in data.report.issues if i.row] == ["excel-error"]
    assert data.report.rows_with_errors == 1


def test_rows_are_never_dropped(form: SurveyForm, tmp_path: Path) -> None:
    rows = [interview(i) for i in range(1, 8)]
    rows[3] = interview(4, intention="nonsense")
    data = validate_file(_xlsx(tmp_path, *rows), form)
    assert data.interviews.height == 7 and data.report.rows_read == 7
    assert data.interviews.filter(pl.col("_row") == 5)["intention"].to_list() == [None]
    assert MEMBER_HEADER  # the repeat header the helpers write


def test_missing_repeat_is_a_file_level_error(form: SurveyForm, tmp_path: Path) -> None:
    """A CSV export holds the interviews only: when some interview calls for `members`
    (group_size > 1) and no members file is given, the file is refused, saying how to pass it."""
    path = write_csv(tmp_path / "comma.csv", [interview(1, group_size=3), interview(2)])
    issue = _one(validate_file(path, form, lang="es"), "missing-repeat")
    assert issue.row is None and issue.severity == "error"
    assert "“members”" in issue.message and "1 entrevistas" in issue.message
    assert "--repeat members=ARCHIVO" in issue.message
    members = tmp_path / "members.csv"
    members.write_text(",".join(MEMBER_HEADER) + "\nmale,40,1,1\nmale,9,2,1\n", encoding="utf-8")
    given = validate_file(path, form, repeat_files={"members": members})
    assert given.report.valid and given.repeats["members"].height == 2
    alone = validate_file(write_csv(tmp_path / "alone.csv", [interview(1)]), form)
    assert alone.report.valid  # nobody travels with the respondent: no members expected


@pytest.mark.parametrize(
    ("changes", "chosen"),
    [
        ({"needs/health": "1.0", "needs/food": "0.0"}, ["health"]),  # a CSV of floats
        ({"needs/health": " TRUE "}, ["food", "health"]),
        ({"needs/health": "1.00", "needs/food": "Sí"}, ["food", "health"]),
        ({"needs/health": "1,0", "needs/food": "0,0"}, ["health"]),  # a Spanish CSV of floats
    ],
)
def test_split_flags_read_as_written(
    form: SurveyForm, tmp_path: Path, changes: dict[str, object], chosen: list[str]
) -> None:
    data = validate_file(_split_file(tmp_path, changes, interview(1)), form, weight="weight")
    assert data.report.valid, [(i.code, i.column, i.value) for i in data.report.issues]
    assert sorted(data.interviews["needs"][0]) == chosen


@pytest.mark.parametrize("bad", ["x", "2", "✓", "-1", "0.5", "sí no"])
def test_a_split_flag_that_is_neither_is_at_its_cell(
    form: SurveyForm, tmp_path: Path, bad: str
) -> None:
    """It read as "not chosen", with no issue (only a misleading required-missing when no
    other choice was ticked)."""
    path = _split_file(tmp_path, {"needs/health": bad}, interview(1))
    data = validate_file(path, form, weight="weight")
    issue = _one(data, "invalid-choice-flag")
    assert (issue.row, issue.column, issue.value) == (2, "needs/health", bad)
    assert [i.code for i in data.report.issues] == ["invalid-choice-flag"]


@pytest.mark.parametrize(
    ("needs", "changes", "disagree"),
    [
        ("food health", {}, False),
        ("health food", {}, False),  # the same choices in another order
        ("food health", {"needs/cash": 1}, True),
        (None, {}, True),  # the answer only in the 1/0 columns was dropped
        ("food", {"needs/food": 0, "needs/health": 0}, True),
    ],
)
def test_both_forms_of_a_select_multiple_must_agree(
    form: SurveyForm,
    tmp_path: Path,
    needs: str | None,
    changes: dict[str, object],
    disagree: bool,
) -> None:
    row = interview(1, needs=needs)
    split = {f"needs/{n}": int(n in ["food", "health"]) for n in NEEDS}
    path = _split_file(tmp_path, {**split, **changes, "needs": needs}, row, combined=True)
    data = validate_file(path, form, weight="weight")
    codes = [i.code for i in data.report.issues]
    assert codes == (["split-disagrees"] if disagree else []), codes


def test_a_shared_index_never_doubles_a_repeat_row(form: SurveyForm, tmp_path: Path) -> None:
    """Six interviews with `_index` 1, 2, 3, 1, 2, 3 and one member each: six members."""
    rows = [interview(n, group_size=2, _index=(n - 1) % 3 + 1) for n in range(1, 7)]
    members = [{**MEMBERS[0], "_index": n, "_parent_index": (n - 1) % 3 + 1} for n in range(1, 7)]
    data = validate_file(write_xlsx(tmp_path / "pasted.xlsx", rows, members=members), form)
    shared = [i for i in data.report.issues if i.code == "duplicate-index"]
    assert [(i.row, i.value) for i in shared] == [(5, "1"), (6, "2"), (7, "3")]
    assert data.repeats["members"].height == 6
    # Without repeat rows the index links nothing: interviews pasted together are fine.
    alone = validate_file(write_xlsx(tmp_path / "alone.xlsx", rows), form)
    assert "duplicate-index" not in {i.code for i in alone.report.issues}


@pytest.mark.parametrize(
    ("text", "read", "code"),
    [
        ("1,500", None, "ambiguous-number"),
        ("-2,750", None, "ambiguous-number"),
        ("12,5", 12.5, None),  # a Spanish spreadsheet's decimal comma
        ("0,125", 0.125, None),
        ("1,5000", 1.5, None),
        ("1500", 1500.0, None),
        ("1.500", 1.5, None),  # a decimal point, as Kobo and ODK write them
        ("1.25", 1.25, None),
    ],
)
def test_a_comma_before_three_digits_is_not_guessed(
    form: SurveyForm, tmp_path: Path, text: str, read: float | None, code: str | None
) -> None:
    data = validate_file(_xlsx(tmp_path, interview(1, weight=text)), form, weight="weight")
    codes = [i.code for i in data.report.issues]
    assert codes == ([code] if code else []), codes
    weights = data.interviews.select(number_of(pl.col("weight").cast(pl.Utf8)))  # as figures
    assert weights.to_series().to_list() == [read]


def test_a_point_before_three_digits_is_doubted_beside_decimal_commas(
    form: SurveyForm, tmp_path: Path
) -> None:
    """Kobo and ODK write 1.125 for 1.125; a column that also holds "1,5" was written by a
    Spanish spreadsheet, where "1.500" is 1500. An XLSX number cell is exact either way."""
    rows = [interview(1, weight="1.125"), interview(2, weight="1.5")]
    assert validate_file(_xlsx(tmp_path, *rows), form, weight="weight").report.valid
    rows = [interview(1, weight="1.500"), interview(2, weight="1,5")]
    spanish = validate_file(_xlsx(tmp_path, *rows), form, weight="weight")
    assert [(i.code, i.value) for i in spanish.report.issues] == [("ambiguous-number", "1.500")]
    rows = [interview(1, weight=1.125), interview(2, weight="1,5")]
    typed = validate_file(_xlsx(tmp_path, *rows), form, weight="weight")
    assert typed.report.valid, [i.message for i in typed.report.issues]
