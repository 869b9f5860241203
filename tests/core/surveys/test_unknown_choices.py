"""A select_multiple exported as 1/0 columns, some choice without its column: whether anyone
chose it is not known. A tester's: `needs/cash` was left out of the export and "Cash: 0
(0.0%, 95% 0.0%–56.1%)" was published. Now the choice is `choice-not-exported` at the
header, its figures are null (never 0) inside and outside disclosure control, and the other
choices are counted over everyone who answered (a row with no known choice ticked may have
ticked the one left out)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kipu.core.surveys import demo
from kipu.core.surveys.analysis import analyse
from kipu.core.surveys.form import SurveyForm, load_form
from kipu.core.surveys.indicators import load_indicators
from kipu.core.surveys.issues import unknown_choices
from kipu.core.surveys.public import public
from kipu.core.surveys.validate import validate_file
from survey_files import MAIN_HEADER, form_file, interview, write_csv

NEEDS = [name for name, _, _ in demo.CHOICES["needs"]]
SPEC = """
[survey]
slug = "needs"
[disaggregations]
sex = "sex"
[[indicators]]
question = "needs"
by = ["sex"]
"""
VALUES = ("count", "weighted_count", "share", "low", "high")


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> SurveyForm:
    return load_form(form_file(tmp_path_factory.mktemp("form")))


def _export(folder: Path, ticks: list[list[str]], left_out: set[str], combined: bool) -> Path:
    header = [h for h in MAIN_HEADER if combined or h != "needs"]
    header += [f"needs/{n}" for n in NEEDS if n not in left_out]
    rows = [
        {**interview(n, needs=" ".join(t)), **{f"needs/{c}": int(c in t) for c in NEEDS}}
        for n, t in enumerate(ticks, start=1)
    ]
    return write_csv(folder / "split.csv", rows, header=header)


@settings(max_examples=30, deadline=None)
@given(
    ticks=st.lists(
        st.lists(st.sampled_from(NEEDS), min_size=1, unique=True), min_size=1, max_size=8
    ),
    left_out=st.sets(st.sampled_from(NEEDS), min_size=1, max_size=len(NEEDS) - 1),
    combined=st.booleans(),
)
def test_a_choice_without_its_column_is_not_known(
    tmp_path_factory: pytest.TempPathFactory,
    form: SurveyForm,
    ticks: list[list[str]],
    left_out: set[str],
    combined: bool,
) -> None:
    path = _export(tmp_path_factory.mktemp("split"), ticks, left_out, combined)
    data = validate_file(path, form, weight="weight")
    said = [(i.code, i.row, i.column, i.value) for i in data.report.issues]
    # With the question's own column (`needs`) every choice is known from it.
    unknown = set() if combined else left_out
    assert said == [("choice-not-exported", 1, "needs", c) for c in NEEDS if c in unknown]
    assert data.report.valid  # a warning: the other choices are exact
    results = analyse(
        data.interviews, data.repeats, form, load_indicators(SPEC, form),
        unknown_choices(data.report.issues),
    )  # fmt: skip
    whole = results.filter(results["dimension"] == "all")
    for row in whole.iter_rows(named=True):
        assert row["respondents"] == len(ticks)  # everyone answered, whatever they ticked
        if row["answer"] in unknown:
            assert all(row[v] is None for v in VALUES), row
        else:
            assert row["count"] == sum(row["answer"] in t for t in ticks), row
    shown = public(results, 1, frozenset({"needs"}))
    assert (
        shown.select("question", "dimension", "group", "answer").rows()
        == results.select("question", "dimension", "group", "answer").rows()
    )
    hidden = shown.filter(shown["answer"].is_in(sorted(unknown)))
    assert hidden["count"].null_count() == hidden.height
    assert not hidden["suppressed"].any()
    # Under a threshold that withholds: never a crash, never a 0 for the unknown choice.
    strict = public(results, 5, frozenset({"needs"}))
    assert strict.filter(strict["answer"].is_in(sorted(unknown)))["count"].null_count() == (
        hidden.height
    )


def test_the_testers_export_prints_no_zero(form: SurveyForm, tmp_path: Path) -> None:
    ticks = [["food", "health"], ["food"], ["other"] if "other" in NEEDS else ["shelter"]]
    data = validate_file(_export(tmp_path, ticks, {"cash"}, False), form, weight="weight")
    results = analyse(data.interviews, data.repeats, form, load_indicators(SPEC, form),
                      unknown_choices(data.report.to_dict()["issues"]))  # fmt: skip
    cash = results.filter((results["answer"] == "cash") & (results["dimension"] == "all"))
    assert cash.select(*VALUES).rows() == [(None,) * len(VALUES)]
