"""Counts and shares of a survey round, by question and disaggregation, with 95% intervals.

`analyse` returns one row per (question, answer, dimension, group):

- `respondents`: interviews in the group that answered the question (repeat questions: the
  repeat's rows); `count`: those who gave the answer (select_multiple: ticked it);
- `weighted_count` and `share`: Σ weight of those who gave it, and its share of the group's
  Σ weight (every weight 1 without a weight question);
- `low`, `high`: the 95% interval of the share. Unweighted, the Wilson score interval
  (Wilson 1927; it stays inside [0, 1] and behaves at small counts). Weighted, the same
  formula with n replaced by Kish's effective sample size n_eff = (Σw)² / Σw² of the group
  (Kish 1965): the interval widens as unequal weights cost precision. Documented in
  docs/surveys.md, with the hand-computed values the tests check;
- `effective_n`: n_eff (equal to `respondents` without weights).

A group with no respondents (Σ weight 0: a repeat nobody filled in, say) has no share:
`share`, `low`, `high` and `effective_n` are null, never NaN (0/0), so JSON gets `null`,
CSV an empty cell and text "no answers". No float column ever holds NaN or infinity.

Dimension `all`, group `all` is the whole round. A missing disaggregation value is its own
group, `_missing`, so the groups of a dimension always add up to the whole.
`public` applies the disclosure rule (`disclosure.protect_table`) to these tables.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

import polars as pl

from kipu.core.surveys.form import CALCULATE, SELECT_MULTIPLE, SurveyForm
from kipu.core.surveys.indicators import Dimension, IndicatorSpec
from kipu.core.surveys.values import number_of

Z95 = 1.959963984540054
ALL = "all"
MISSING = "_missing"
RESULT_SCHEMA = {
    "question": pl.Utf8,
    "answer": pl.Utf8,
    "dimension": pl.Utf8,
    "group": pl.Utf8,
    "respondents": pl.Int64,
    "count": pl.Int64,
    "weighted_count": pl.Float64,
    "share": pl.Float64,
    "low": pl.Float64,
    "high": pl.Float64,
    "effective_n": pl.Float64,
}


def wilson(share: float, n: float, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a share observed on n (possibly effective) respondents;
    None without respondents (n <= 0: there is no share to bound)."""
    if n <= 0 or not math.isfinite(n):
        return None
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if share <= 0 else min(1.0, max(0.0, centre - half))
    high = 1.0 if share >= 1 else min(1.0, max(0.0, centre + half))
    return (low, high)


def _wilson(share: pl.Expr, n: pl.Expr, z: float = Z95) -> tuple[pl.Expr, pl.Expr]:
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * (share * (1 - share) / n + z * z / (4 * n * n)).sqrt() / denominator
    # At share 0 (1) the bound is 0 (1) exactly; computed, it is a rounding off
    # (0.9999999999999999), which a reader takes for "not everyone".
    low = pl.when(share <= 0).then(0.0).otherwise((centre - half).clip(0.0, 1.0))
    high = pl.when(share >= 1).then(1.0).otherwise((centre + half).clip(0.0, 1.0))
    return low, high


def dimension_column(dimension: Dimension, form: SurveyForm) -> pl.Expr:
    """The group of each interview in a disaggregation (`_missing` when unanswered)."""
    column = pl.col(dimension.question)
    if not dimension.bins:
        return column.fill_null(MISSING).alias(f"dim:{dimension.name}")
    number = column if form.question(dimension.question).type != CALCULATE else number_of(column)
    labels = dimension.groups()
    group = pl.lit(labels[0])
    for bound, label in zip(dimension.bins, labels[1:], strict=True):
        group = pl.when(number >= bound).then(pl.lit(label)).otherwise(group)
    return (
        pl.when(number.is_null())
        .then(pl.lit(MISSING))
        .otherwise(group)
        .alias(f"dim:{dimension.name}")
    )


def _weight(spec: IndicatorSpec, form: SurveyForm) -> pl.Expr:
    if spec.weight is None:
        return pl.lit(1.0).alias("_w")
    column = pl.col(spec.weight)
    if form.question(spec.weight).type == CALCULATE:
        column = number_of(column.cast(pl.Utf8))
    return column.cast(pl.Float64).alias("_w")


def analyse(
    interviews: pl.DataFrame,
    repeats: dict[str, pl.DataFrame],
    form: SurveyForm,
    spec: IndicatorSpec,
    unknown: Mapping[str, Collection[str]] | None = None,
) -> pl.DataFrame:
    """Every indicator of `spec` on one round (RESULT_SCHEMA columns). Every repeat's
    `_parent` is its interview's `_index`, however deep the repeat (`validate`).

    `unknown`: question path → choices the export did not bring (`issues.unknown_choices`).
    Their `count`, `weighted_count`, `share`, `low` and `high` are null (not known, never 0),
    and a row with no known choice ticked is still a respondent: it may have ticked one."""
    unknown = unknown or {}
    used = {name for i in spec.indicators for name in i.by}
    dims = [dimension_column(spec.dimensions[n], form) for n in sorted(used)]
    base = interviews.select("_index", _weight(spec, form), *dims)
    parts = []
    for indicator in spec.indicators:
        question = form.question(indicator.question)
        if question.repeat is None:
            frame = base.with_columns(interviews[question.path].alias("_answer"))
        else:
            dtype = pl.List(pl.Utf8) if question.type == SELECT_MULTIPLE else pl.Utf8
            empty = pl.DataFrame(schema={"_parent": pl.Utf8, question.path: dtype})
            rows = repeats.get(question.repeat, empty)
            frame = rows.select(
                pl.col("_parent").cast(pl.Utf8).alias("_index"),
                pl.col(question.path).alias("_answer"),
            )
            frame = frame.join(base, on="_index", how="left")
        found = _indicator(frame, question.path, question.choice_names(),
                           question.type == SELECT_MULTIPLE, indicator.by,
                           bool(unknown.get(question.path)))  # fmt: skip
        parts.append(_not_known(found, sorted(unknown.get(question.path, ()))))
    if not parts:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    return pl.concat(parts)


def _not_known(results: pl.DataFrame, answers: list[str]) -> pl.DataFrame:
    """The answers whose counts the export did not bring: no figure (null), never a 0."""
    hidden = pl.col("answer").is_in(answers)
    return results.with_columns(
        pl.when(~hidden).then(pl.col(c)).alias(c)
        for c in ("count", "weighted_count", "share", "low", "high")
    )


def _indicator(
    frame: pl.DataFrame,
    path: str,
    choices: list[str],
    multiple: bool,
    by: tuple[str, ...],
    unknown: bool = False,
) -> pl.DataFrame:
    """`unknown`: some choice of this select_multiple is not in the export, so a row with no
    known choice ticked answered (with one of those), rather than left it unanswered."""
    ticks = multiple and not unknown
    answered = frame.filter(
        pl.col("_answer").is_not_null() & (pl.col("_answer").list.len() > 0 if ticks else True)
    ).with_columns(pl.col("_w").fill_null(0.0))
    tables = _tables(answered, answered.explode("_answer") if multiple else answered, choices, by)
    if not tables or all(t.is_empty() for t in tables):
        return pl.DataFrame(schema=RESULT_SCHEMA)
    joined = pl.concat(tables).with_columns(
        pl.col("count").fill_null(0).cast(pl.Int64),
        pl.col("weighted_count").fill_null(0.0),
        pl.lit(path).alias("question"),
    )
    # No respondents: no share (null), rather than 0/0.
    some = pl.col("_sw") > 0
    effective = pl.when(some).then(pl.col("_sw") ** 2 / pl.col("_sw2")).alias("effective_n")
    share = pl.when(some).then(pl.col("weighted_count") / pl.col("_sw")).alias("share")
    joined = joined.with_columns(share, effective)
    low, high = _wilson(pl.col("share"), pl.col("effective_n"))
    joined = joined.with_columns(low.alias("low"), high.alias("high"))
    floats = [n for n, t in RESULT_SCHEMA.items() if t == pl.Float64]
    return joined.sort("dimension", "group", "_order").select(
        [
            _finite(pl.col(n).cast(t)) if n in floats else pl.col(n).cast(t)
            for n, t in RESULT_SCHEMA.items()
        ]
    )


def _tables(
    answered: pl.DataFrame, ticked: pl.DataFrame, choices: list[str], by: tuple[str, ...]
) -> list[pl.DataFrame]:
    """One table per disaggregation (and "all"): each group's respondents and weights, and
    each choice's count among them (`ticked`: one row per choice ticked)."""
    choice_frame = pl.DataFrame({"answer": choices, "_order": range(len(choices))})
    tables = []
    for name in (ALL, *by):
        group = pl.lit(ALL) if name == ALL else pl.col(f"dim:{name}")
        totals = answered.group_by(group.alias("group")).agg(
            pl.len().alias("respondents"),
            pl.col("_w").sum().alias("_sw"),
            (pl.col("_w") ** 2).sum().alias("_sw2"),
        )
        counts = ticked.group_by(group.alias("group"), pl.col("_answer").alias("answer")).agg(
            pl.len().alias("count"), pl.col("_w").sum().alias("weighted_count")
        )
        table = (
            totals.join(choice_frame, how="cross")
            .join(counts, on=["group", "answer"], how="left")
            .with_columns(pl.lit(name).alias("dimension"))
        )
        tables.append(table)
    return tables


def _finite(column: pl.Expr) -> pl.Expr:
    """NaN and ±infinity as null: results are written to JSON, where neither is valid."""
    return pl.when(column.is_finite()).then(column).alias(column.meta.output_name())
