"""`kipu survey load-form | import | figures` against a real database: exit codes, messages
naming row and column, and the figures as text, JSON and CSV with HXL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kipu.cli import main
from kipu.core.surveys import demo
from survey_files import form_file, indicators_file, interview, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(make_platform, tmp_path: Path) -> dict[str, Path]:  # noqa: ANN001
    make_platform("gtrm-peru")
    return {
        "form": form_file(tmp_path),
        "indicators": indicators_file(tmp_path),
        "november": demo.write_export(tmp_path / "nov.xlsx", 11),
    }


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def test_load_import_and_figures(ready: dict[str, Path], tmp_path: Path) -> None:
    code, out = run("survey", "load-form", ready["form"], "--indicators", ready["indicators"])
    assert code == 0 and "Survey 'fms-tumbes' saved on gtrm-peru: 12 questions." in out
    code, out = run(
        "survey", "import", ready["november"], "--survey", "fms-tumbes", "--month", "2019-11"
    )
    assert code == 0 and "stored 2019-11 v1: 400 interviews" in out
    code, out = run("survey", "figures", "--survey", "fms-tumbes", "--month", "2019-11")
    assert code == 0 and "2019-11: 400 interviews" in out and "Food: 2" in out
    code, out = run("survey", "figures", "--survey", "fms-tumbes", "--format", "json")
    data = json.loads(out)
    assert data["interviews"] == 400 and data["disclosure_control"] is False
    target = tmp_path / "figures.csv"
    code, _ = run(
        "survey",
        "figures",
        "--survey",
        "fms-tumbes",
        "--format",
        "csv",
        "-o",
        target,
        "--lang",
        "es",
    )
    assert target.read_text(encoding="utf-8").splitlines()[1].startswith("#meta+survey+code")
    # Nothing is published: the public sees no round, and is told which exist.
    code, out = run("survey", "figures", "--survey", "fms-tumbes", "--public")
    assert code == 2 and "has no round you may read" in out


def test_invalid_export_exits_1_naming_row_and_column(
    ready: dict[str, Path], tmp_path: Path
) -> None:
    run("survey", "load-form", ready["form"], "--indicators", ready["indicators"])
    bad = write_csv(
        tmp_path / "bad.csv", [interview(1), interview(2, **{"respondent/age": 140})], delimiter=";"
    )
    code, out = run(
        "survey", "import", bad, "--survey", "fms-tumbes", "--month", "2019-11", "--lang", "es"
    )
    assert code == 1
    assert (
        "error: bad.csv row 3 respondent/age: “140” en “respondent/age” está fuera de rango" in out
    )
    assert "rejected: 1 errors, nothing stored" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("survey", "import", "{nov}", "--survey", "nope", "--month", "2019-11"),
            "no survey 'nope' on gtrm-peru; surveys: (none)",
        ),
        (
            ("survey", "import", "{nov}", "--survey", "x", "--month", "11/2019"),
            "--month must be YYYY-MM",
        ),
        (
            ("survey", "import", "{nov}", "--survey", "x", "--month", "2019-11", "--repeat", "m"),
            "--repeat must be NAME=FILE",
        ),
    ],
)
def test_usage_errors_exit_2(ready: dict[str, Path], args: tuple[str, ...], message: str) -> None:
    code, out = run(*[a.format(nov=ready["november"]) for a in args])
    assert code == 2 and message in out


def test_bad_indicators_file_is_refused(ready: dict[str, Path], tmp_path: Path) -> None:
    text = demo.INDICATORS.replace('question = "intention"', 'question = "mood"')
    code, out = run(
        "survey", "load-form", ready["form"], "--indicators", indicators_file(tmp_path, text)
    )
    assert code == 1 and "no question 'mood' in the form; questions: today" in out


def test_csv_without_its_repeat_exits_1_saying_how_to_pass_it(
    ready: dict[str, Path], tmp_path: Path
) -> None:
    run("survey", "load-form", ready["form"], "--indicators", ready["indicators"])
    export = write_csv(tmp_path / "comma.csv", [interview(1, group_size=2), interview(2)])
    code, out = run("survey", "import", export, "--survey", "fms-tumbes", "--month", "2019-12")
    assert code == 1 and "rejected: 1 errors, nothing stored" in out
    assert "repeat group “members”" in out and "--repeat members=FILE" in out


def test_same_export_again_is_unchanged_and_empty_share_says_no_answers(
    ready: dict[str, Path], tmp_path: Path
) -> None:
    run("survey", "load-form", ready["form"], "--indicators", ready["indicators"])
    export = write_csv(tmp_path / "alone.csv", [interview(i) for i in range(1, 9)])
    args = ("survey", "import", export, "--survey", "fms-tumbes", "--month", "2019-12")
    assert run(*args) == (0, "stored 2019-12 v1: 8 interviews\n")
    code, out = run(*args)
    assert code == 0 and "unchanged: 2019-12 v1 holds this export; nothing stored" in out
    code, out = run("survey", "figures", "--survey", "fms-tumbes", "--month", "2019-12")
    assert code == 0 and "Female: no answers" in out and "nan" not in out
    code, out = run("survey", "figures", "--survey", "fms-tumbes", "--format", "json")
    data = json.loads(out, parse_constant=pytest.fail)
    members = [r for r in data["results"] if r["question"] == "members/member_sex"]
    assert members and all(r["share"] is None and r["low"] is None for r in members)


def test_a_withheld_total_is_said_withheld() -> None:
    """`--public` text when the disclosure rule withholds the number of interviews."""
    import polars as pl

    from kipu.cli.surveys import _text

    class Survey:
        @staticmethod
        def title(lang: str) -> str:
            return "FMS"

    class Shown:
        interviews = None
        survey = Survey()
        round = type("R", (), {"month": "2020-01"})()
        frame = pl.DataFrame(
            schema={"dimension": pl.Utf8, "question": pl.Utf8, "question_label": pl.Utf8}
        )

    assert _text(Shown(), "en") == "FMS, 2020-01: interviews withheld"


def test_a_choice_the_export_left_out_is_not_known_never_0(
    ready: dict[str, Path], tmp_path: Path
) -> None:
    """A tester's: an export of 1/0 columns without `needs/cash` was stored and printed
    "Cash: 0 (0.0%, …)". The stored round's report says the choice is not exported, and its
    figures say not known, in text and JSON (`public`: test_unknown_choices.py)."""
    from survey_files import MAIN_HEADER

    run("survey", "load-form", ready["form"], "--indicators", ready["indicators"])
    needs = [n for n, _, _ in demo.CHOICES["needs"] if n != "cash"]
    header = [h for h in MAIN_HEADER if h != "needs"] + [f"needs/{n}" for n in needs]
    rows = [{**interview(i), "needs/food": 1, "needs/health": i % 2} for i in range(1, 9)]
    rows = [{**r, **{f"needs/{n}": r.get(f"needs/{n}", 0) for n in needs}} for r in rows]
    export = write_csv(tmp_path / "split.csv", rows, header=header)
    code, out = run("survey", "import", export, "--survey", "fms-tumbes", "--month", "2019-12")
    assert code == 0 and "Choice “cash” of “needs” has no 1/0 column" in out
    code, out = run("survey", "figures", "--survey", "fms-tumbes")
    cash = next((line for line in out.splitlines() if "Cash" in line), out)
    assert code == 0 and cash.strip() == "Cash: not known (not in the export)", out
    code, out = run("survey", "figures", "--survey", "fms-tumbes", "--format", "json")
    cash = [r for r in json.loads(out)["results"] if r["answer"] == "cash"]
    assert cash and all(r["count"] is None and r["share"] is None for r in cash)
    food = next(r for r in json.loads(out)["results"] if r["answer"] == "food"
                and r["dimension"] == "all")  # fmt: skip
    assert (food["respondents"], food["count"]) == (8, 8)
