"""The XLSForm as pyxform reads it: groups, a repeat, choices and labels in two languages;
relevance and constraints compiled, or a warning naming what is not checked."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from kipu.core.surveys.form import FormError, SurveyForm, language_code, load_form
from kipu.core.surveys.xpath import UnsupportedExpression, compile_expression, parse
from survey_files import form_file


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> SurveyForm:
    return load_form(form_file(tmp_path_factory.mktemp("form")))


def test_questions_paths_types_and_repeat(form: SurveyForm) -> None:
    kinds = {q.path: (q.type, q.repeat, q.required) for q in form.answered()}
    assert kinds["respondent/sex"] == ("select_one", None, True)
    assert kinds["respondent/age"] == ("integer", None, True)
    assert kinds["needs"] == ("select_multiple", None, True)
    assert kinds["members/member_age"] == ("integer", "members", True)
    assert kinds["weight"] == ("calculate", None, False)
    assert form.repeats == ("members",)
    assert form.languages == ("en", "es")
    assert form.form_id == "fms_tumbes" and form.title == "FMS Tumbes"
    assert [q.path for q in form.questions if q.meta] == ["start", "end"]


def test_labels_in_both_languages(form: SurveyForm) -> None:
    sex = form.question("sex")
    assert sex.label("en") == "Sex" and sex.label("es") == "Sexo"
    assert [(c.name, c.label("en"), c.label("es")) for c in sex.choices] == [
        ("female", "Female", "Mujer"),
        ("male", "Male", "Hombre"),
    ]
    assert form.question("respondent/age").constraint_message["es"] == "Solo adultos (18 a 99)"
    # Relevance of the repeat applies to each question inside it.
    assert form.question("member_sex").relevant == ("${group_size} > 1",)


def test_round_trip_through_json(form: SurveyForm) -> None:
    assert SurveyForm.from_dict(form.to_dict()) == form


def test_unknown_question_lists_the_valid_ones(form: SurveyForm) -> None:
    with pytest.raises(KeyError, match="questions: today, border_point, sex"):
        form.question("gender")


def test_invalid_form_names_the_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(["type", "name", "label"])
    sheet.append(["integer", "age", "Age"])
    sheet.append(["calculate", "weight", ""])  # a calculate without its calculation
    book.save(tmp_path / "broken.xlsx")
    with pytest.raises(FormError, match=r"broken\.xlsx: .*row.*3"):
        load_form(tmp_path / "broken.xlsx")


def test_not_a_workbook_is_a_form_error(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    path.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(FormError, match="form.xlsx"):
        load_form(path)


def test_unsupported_expression_becomes_a_warning(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(["type", "name", "label", "constraint"])
    sheet.append(["date", "arrival", "Arrival", ". <= today()"])
    book.save(tmp_path / "form.xlsx")
    form = load_form(tmp_path / "form.xlsx")
    assert form.warnings == [
        "arrival: constraint “. <= today()” is not checked (function today() is not supported)"
    ]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("English (en)", "en"),
        ("Español (es)", "es"),
        ("Spanish", "es"),
        ("default", "en"),
        ("Português (pt-BR)", "pt-br"),
        ("French", "fr"),
    ],
)
def test_language_codes(name: str, code: str) -> None:
    assert language_code(name) == code


FRAME = pl.DataFrame(
    {
        "age": [17.0, 30.0, None, 99.0],
        "needs": [["food"], ["cash", "food"], None, []],
        "sex": ["female", "male", None, "female"],
        "phone": ["999111222", "12", None, "abc"],
    }
)
KINDS = {"age": "number", "needs": "list", "sex": "text", "phone": "text"}


def _resolve(name: str | None) -> tuple[pl.Expr, str]:
    name = name or "age"
    return pl.col(name), KINDS[name]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (". >= 18 and . <= 99", [False, True, False, True]),
        ("${age} > 20 or ${sex} = 'female'", [True, True, False, True]),
        ("not(${age} > 20)", [True, False, True, False]),  # NaN > 20 is false, as in XPath
        ("selected(${needs}, 'food')", [True, True, False, False]),
        ("count-selected(${needs}) >= 2", [False, True, False, False]),
        ("selected(${sex}, 'male')", [False, True, False, False]),
        ("regex(${phone}, '^[0-9]{9}$')", [True, False, False, False]),
        ("string-length(${phone}) = 2", [False, True, False, False]),
        ("${age} - 10 > 15", [False, True, False, True]),
        ("if(${sex} = 'male', 1, 0) = 1", [False, True, False, False]),
        ("${sex} != 'male'", [True, False, True, True]),
        ("true()", [True, True, True, True]),
    ],
)
def test_expressions_evaluate_like_xpath(expression: str, expected: list[bool]) -> None:
    result = FRAME.with_columns(compile_expression(expression, _resolve).alias("r"))["r"]
    assert result.to_list() == expected


@pytest.mark.parametrize(
    "expression",
    [
        "today() > ${start}",
        "${age} >",
        "jr:choice-name(${sex}, '${sex}')",
        "pulldata('x')",
        "regex(${phone}, ${sex})",
        "${a} | ${b}",
    ],
)
def test_unsupported_expressions_are_refused(expression: str) -> None:
    with pytest.raises(UnsupportedExpression):
        parse(expression) if "regex" not in expression else compile_expression(expression, _resolve)


def test_every_validation_code_is_documented() -> None:
    from kipu.core.surveys.issues import SURVEY_CODES

    text = (Path(__file__).parents[3] / "docs" / "surveys.md").read_text(encoding="utf-8")
    missing = [code for code in SURVEY_CODES if f"| `{code}` |" not in text]
    assert missing == []
