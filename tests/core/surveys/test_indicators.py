"""The indicators file: every field that names a question is checked against the form when
it is read (a weight inside a repeat, a question counted twice fail there, never later in
the figures), and bins are labelled as the answers they hold."""

from __future__ import annotations

import math
import re

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kipu.core.surveys import demo
from kipu.core.surveys.analysis import _wilson, dimension_column, wilson
from kipu.core.surveys.form import SurveyForm, form_from_tree, load_form
from kipu.core.surveys.indicators import Dimension, IndicatorError, IndicatorSpec, load_indicators
from survey_files import form_file


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> SurveyForm:
    return load_form(form_file(tmp_path_factory.mktemp("form")))


def _with(extra: str, survey: str = "") -> str:
    return demo.INDICATORS.replace("synthetic = true", f"synthetic = true\n{survey}") + extra


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_with("", 'weight = "member_age"'), "weight: 'member_age' is inside a repeat"),
        (_with('\n[[indicators]]\nquestion = "intention"\n'), "'intention' is declared twice"),
        (_with('\n[[indicators]]\nquestion = "member_sex"\nby = ["sex", "sex"]\n'),
         "sex is listed twice"),
        (_with("").replace("[disaggregations]", '[disaggregations]\nall = "sex"'),
         "kept for the whole round"),
        (_with("").replace("[disaggregations]",
                           '[disaggregations]\nx = { question = "member_age", bins = [5] }'),
         "'x': 'member_age' is inside a repeat"),
        (_with("").replace("[disaggregations]",
                           '[disaggregations]\nx = { question = "age", bins = "18" }'),
         "bins must be a list of numbers"),
        (_with("").replace("[disaggregations]",
                           '[disaggregations]\nx = { question = "age", bins = [18, nan] }'),
         "bins must be a list of numbers"),
    ],
)  # fmt: skip
def test_a_mistake_fails_when_the_file_is_read(form: SurveyForm, text: str, message: str) -> None:
    with pytest.raises(IndicatorError, match=message.replace("(", r"\(")):
        load_indicators(text, form)


def test_a_weight_outside_repeats_is_kept(form: SurveyForm) -> None:
    assert load_indicators(_with("", 'weight = "weight"'), form).weight == "weight"


def test_whole_bins_keep_their_labels() -> None:
    assert Dimension("a", "q", (18, 25, 60)).groups() == ["<18", "18-24", "25-59", "60+"]


def test_decimal_bins_are_half_open_ranges() -> None:
    assert Dimension("a", "q", (0, 1.5, 3)).groups() == ["<0", "0–<1.5", "1.5–<3", "3+"]
    assert Dimension("a", "q", (18, 18.5)).groups() == ["<18", "18–<18.5", "18.5+"]


def _holds(label: str, value: float, whole: bool) -> bool:
    """What a reader takes a label to say about a value."""
    if label.startswith("<"):
        return value < float(label[1:])
    if label.endswith("+"):
        return value >= float(label[:-1])
    if "–<" in label:
        low, high = label.split("–<")
        return float(low) <= value < float(high)
    found = re.fullmatch(r"(-?[\d.]+)-(-?[\d.]+)", label)
    assert found is not None, label
    return whole and float(found[1]) <= value <= float(found[2])


bins = st.lists(
    st.one_of(st.integers(-100, 100).map(float), st.floats(-100, 100).map(lambda f: round(f, 2))),
    min_size=1, max_size=5, unique=True,
).map(sorted)  # fmt: skip


@given(cuts=bins, values=st.lists(st.floats(-200, 200), min_size=1, max_size=20))
def test_each_answer_gets_the_label_that_says_it(cuts: list[float], values: list[float]) -> None:
    dimension = Dimension("d", "v", tuple(cuts))
    whole = all(c.is_integer() for c in cuts)
    values = [float(math.floor(v)) for v in values] if whole else values
    labels = dimension.groups()
    assert len(set(labels)) == len(cuts) + 1
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Float64})
    form = type("F", (), {"question": lambda self, q: type("Q", (), {"type": "decimal"})()})()
    groups = frame.select(dimension_column(dimension, form))  # type: ignore[arg-type]
    for value, label in zip(values, groups.to_series(), strict=True):
        assert _holds(label, value, whole), (value, label)


@given(n=st.floats(0.5, 1e6), z=st.floats(0.5, 4))
def test_an_interval_of_everyone_or_no_one_ends_at_exactly_1_or_0(n: float, z: float) -> None:
    assert wilson(1.0, n, z)[1] == 1.0  # type: ignore[index]
    assert wilson(0.0, n, z)[0] == 0.0  # type: ignore[index]
    frame = pl.DataFrame({"share": [0.0, 1.0], "n": [n, n]})
    low, high = _wilson(pl.col("share"), pl.col("n"), z)
    bounds = frame.select(low.alias("low"), high.alias("high"))
    assert bounds["high"][1] == 1.0 and bounds["low"][0] == 0.0
    assert all(0.0 <= b <= 1.0 for b in [*bounds["low"], *bounds["high"]])


NUMBERS_FORM = form_from_tree(
    {
        "name": "data",
        "id_string": "numbers",
        "children": [
            {"type": "select one", "name": "sex", "label": "Sex",
             "choices": [{"name": "f", "label": "F"}, {"name": "m", "label": "M"}]},
            {"type": "integer", "name": "age", "label": "Age"},
            {"type": "decimal", "name": "income", "label": "Income"},
            {"type": "calculate", "name": "score", "label": "Score"},
        ],
    }
)  # fmt: skip
whole_bins = st.lists(st.integers(-100, 1000), min_size=1, max_size=5, unique=True).map(sorted)


@given(
    question=st.sampled_from(["age", "income", "score"]),
    cuts=whole_bins,
    values=st.lists(st.floats(-200, 1200, allow_nan=False), min_size=1, max_size=20),
)
def test_whole_bins_of_a_decimal_question_hold_its_fractions(
    question: str, cuts: list[int], values: list[float]
) -> None:
    """Bins [500, 1000] on a decimal income: 999.5 is in "500–<1000", never in "500-999".
    An integer question's answers are whole (`not-integer` says so), and keep "500-999"."""
    text = (
        f'[survey]\nslug = "n"\n[disaggregations]\nd = {{ question = "{question}", '
        f'bins = {cuts} }}\n[[indicators]]\nquestion = "sex"\nby = ["d"]\n'
    )
    dimension = load_indicators(text, NUMBERS_FORM).dimensions["d"]
    integer = question == "age"
    # As an export writes them: a calculate's text is "999.5", never "5e-324".
    values = [float(math.floor(v)) if integer else round(v, 2) for v in values]
    column = pl.Series(values, dtype=pl.Float64)
    frame = pl.DataFrame({question: column if question != "score" else column.cast(pl.Utf8)})
    groups = frame.select(dimension_column(dimension, NUMBERS_FORM)).to_series()
    for value, label in zip(values, groups, strict=True):
        assert _holds(label, value, integer), (value, label)
    stored = IndicatorSpec.from_dict(load_indicators(text, NUMBERS_FORM).to_dict())
    assert stored.dimensions["d"].groups() == dimension.groups()
    if integer and len(cuts) > 1:
        assert f"{cuts[0]}-{cuts[1] - 1}" in dimension.groups()
