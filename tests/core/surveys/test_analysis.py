"""Counts, shares and 95% intervals checked against values computed by hand (the arithmetic is
written out in each test), weighted and unweighted; the indicators file's errors."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kipu.core.surveys import demo
from kipu.core.surveys.analysis import ALL, MISSING, analyse, wilson
from kipu.core.surveys.form import SurveyForm, load_form
from kipu.core.surveys.indicators import IndicatorError, load_indicators
from kipu.core.surveys.validate import validate_file
from survey_files import form_file


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> SurveyForm:
    return load_form(form_file(tmp_path_factory.mktemp("form")))


SPEC = """
[survey]
slug = "fms-test"
{weight}
[disaggregations]
sex = "sex"
age_group = {{ question = "age", bins = [18, 25, 60] }}
[[indicators]]
question = "intention"
by = ["sex", "age_group"]
[[indicators]]
question = "needs"
by = ["sex"]
[[indicators]]
question = "member_sex"
by = ["sex"]
"""


def _frame(rows: list[tuple[str | None, float, str, list[str], float]]) -> pl.DataFrame:
    """Interviews: (sex, age, intention, needs, weight)."""
    return pl.DataFrame(
        {
            "_index": [str(i) for i in range(len(rows))],
            "respondent/sex": [r[0] for r in rows],
            "respondent/age": [r[1] for r in rows],
            "intention": [r[2] for r in rows],
            "needs": [r[3] for r in rows],
            "weight": [str(r[4]) for r in rows],
        },
        schema_overrides={"needs": pl.List(pl.Utf8)},
    )


def _cell(
    results: pl.DataFrame, question: str, answer: str, dimension: str = ALL, group: str = ALL
) -> dict[str, object]:
    found = results.filter(
        (pl.col("question") == question)
        & (pl.col("answer") == answer)
        & (pl.col("dimension") == dimension)
        & (pl.col("group") == group)
    ).to_dicts()
    assert len(found) == 1
    return found[0]


TEN = (
    [("female", 30.0, "stay_peru", ["food"], 1.0)] * 6
    + [("male", 20.0, "go_chile", ["food", "cash"], 1.0)] * 3
    + [(None, 70.0, "go_chile", ["health"], 1.0)]
)


def test_unweighted_share_and_wilson_interval(form: SurveyForm) -> None:
    results = analyse(_frame(TEN), {}, form, load_indicators(SPEC.format(weight=""), form))
    cell = _cell(results, "intention", "stay_peru")
    # 6 of 10: p = 0.6; Wilson, z = 1.96: centre (0.6 + 1.9208/10) / 1.38415 = 0.572245,
    # half 1.96 × √(0.024 + 0.0096037) / 1.38415 = 0.259578 → [0.312667, 0.831823].
    assert (cell["respondents"], cell["count"], cell["share"]) == (10, 6, 0.6)
    assert cell["low"] == pytest.approx(0.312667, abs=1e-5)
    assert cell["high"] == pytest.approx(0.831823, abs=1e-5)
    assert cell["effective_n"] == 10
    assert wilson(0.6, 10) == pytest.approx((0.312667, 0.831823), abs=1e-5)


def test_weighted_share_uses_kish_effective_size(form: SurveyForm) -> None:
    rows = [("female", 30.0, "stay_peru", ["food"], 2.0)] * 4 + [
        ("male", 30.0, "go_chile", ["food"], 1.0)
    ] * 6
    spec = load_indicators(SPEC.format(weight='weight = "weight"'), form)
    cell = _cell(analyse(_frame(rows), {}, form, spec), "intention", "stay_peru")
    # Σw = 4×2 + 6×1 = 14, Σw² = 4×4 + 6×1 = 22: p = 8/14 = 0.571429, n_eff = 14²/22 = 8.909091;
    # Wilson with n_eff: z²/n = 0.431184, centre (0.571429 + 0.215592)/1.431184 = 0.549908,
    # half 1.959964 × √(0.027488 + 0.012099)/1.431184 = 0.272476 → [0.277432, 0.822384].
    assert (cell["count"], cell["weighted_count"]) == (4, 8.0)
    assert cell["share"] == pytest.approx(0.571429, abs=1e-6)
    assert cell["effective_n"] == pytest.approx(8.909091, abs=1e-6)
    assert cell["low"] == pytest.approx(0.277432, abs=1e-5)
    assert cell["high"] == pytest.approx(0.822384, abs=1e-5)


def test_select_multiple_shares_of_respondents_and_groups(form: SurveyForm) -> None:
    results = analyse(_frame(TEN), {}, form, load_indicators(SPEC.format(weight=""), form))
    food = _cell(results, "needs", "food")
    assert (food["count"], food["respondents"], food["share"]) == (9, 10, 0.9)
    cash = _cell(results, "needs", "cash", "sex", "male")
    assert (cash["count"], cash["respondents"], cash["share"]) == (3, 3, 1.0)
    # The interview without sex is its own group: the groups add up to the whole.
    missing = _cell(results, "intention", "go_chile", "sex", MISSING)
    assert (missing["count"], missing["respondents"]) == (1, 1)
    groups = results.filter((pl.col("question") == "intention") & (pl.col("dimension") == "sex"))
    assert groups.unique("group")["respondents"].sum() == 10
    # Age in bins [18, 25, 60): 20 → 18-24, 30 → 25-59, 70 → 60+.
    bins = results.filter(
        (pl.col("question") == "intention") & (pl.col("dimension") == "age_group")
    )
    assert dict(bins.unique("group").select("group", "respondents").iter_rows()) == {
        "18-24": 3,
        "25-59": 6,
        "60+": 1,
    }
    # Every choice has a row, answered or not (a zero is a result).
    assert _cell(results, "intention", "return")["count"] == 0


def test_repeat_question_counts_repeat_rows_with_the_interviews_groups(form: SurveyForm) -> None:
    members = pl.DataFrame(
        {"_parent": ["0", "0", "7"], "members/member_sex": ["female", "male", "male"]}
    )
    results = analyse(
        _frame(TEN), {"members": members}, form, load_indicators(SPEC.format(weight=""), form)
    )
    male_of_women = _cell(results, "members/member_sex", "male", "sex", "female")
    assert (male_of_women["count"], male_of_women["respondents"]) == (1, 2)
    assert _cell(results, "members/member_sex", "male")["count"] == 2


def test_demo_november_top_needs(tmp_path: Path, form: SurveyForm) -> None:
    """The demo narrative names the most cited needs: this checks the data say so."""
    data = validate_file(demo.write_export(tmp_path / "nov.xlsx", 11), form)
    spec = load_indicators(demo.INDICATORS, form)
    needs = analyse(data.interviews, data.repeats, form, spec).filter(
        (pl.col("question") == "needs") & (pl.col("dimension") == ALL)
    )
    ranked = needs.sort("count", descending=True)["answer"].to_list()
    assert ranked[:3] == ["food", "health", "documentation"]


def test_demo_is_deterministic() -> None:
    assert demo.interviews(11) == demo.interviews(11)
    assert len(demo.interviews(11)) == 400
    assert all(380 <= len(demo.interviews(m)) <= 420 for m in range(1, 13))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[survey]\nslug = "Bad Slug"', "slug must be lower-case"),
        ('[survey]\nslug = "s"', "no \\[\\[indicators\\]\\]"),
        (
            '[survey]\nslug = "s"\n[[indicators]]\nquestion = "mood"',
            "no question 'mood'.*questions: today",
        ),
        (
            '[survey]\nslug = "s"\n[[indicators]]\nquestion = "age"',
            "only select_one and select_multiple",
        ),
        (
            '[survey]\nslug = "s"\n[[indicators]]\nquestion = "sex"\nby = ["region"]',
            "unknown disaggregation region; declared: \\(none declared\\)",
        ),
        (
            '[survey]\nslug = "s"\n[disaggregations]\nneeds = "needs"\n'
            '[[indicators]]\nquestion = "sex"',
            "use a select_one question",
        ),
        (
            '[survey]\nslug = "s"\n[disaggregations]\na = { question = "sex", bins = [1] }\n'
            '[[indicators]]\nquestion = "sex"',
            "bins need a number",
        ),
        (
            '[survey]\nslug = "s"\nweight = "sex"\n[[indicators]]\nquestion = "sex"',
            "not a number or calculate",
        ),
        ("not toml = = ", "not a TOML file"),
    ],
)
def test_indicator_file_errors_list_valid_values(form: SurveyForm, text: str, message: str) -> None:
    with pytest.raises(IndicatorError, match=message):
        load_indicators(text, form)


def test_no_respondents_gives_no_share_never_nan(form: SurveyForm) -> None:
    """Nobody in a repeat (no `members` rows): 0 respondents, and share, interval and n_eff
    are null (JSON null, CSV empty), not 0/0 = NaN."""
    spec = load_indicators(SPEC.format(weight=""), form)
    results = analyse(_frame(TEN), {}, form, spec)
    cell = _cell(results, "members/member_sex", "female")
    assert (cell["respondents"], cell["count"]) == (0, 0)
    assert [cell[c] for c in ("share", "low", "high", "effective_n")] == [None] * 4
    nan = results.select(pl.any_horizontal(pl.col(pl.Float64).is_nan().fill_null(False)))
    assert not nan.to_series().any()
    assert wilson(0.5, 0) is None
