"""Disclosure control: every cell under k suppressed, and no suppressed cell derivable from the
published totals. Checked by an oracle independent of the implementation: exact rational
elimination (a cell is derivable when its unit vector lies in the row space of the totals'
equations over the suppressed cells)."""

from __future__ import annotations

import os
from fractions import Fraction
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.surveys.analysis import ALL, analyse
from kipu.core.surveys.disclosure import Line, derivable, protect, protect_table, table_lines
from kipu.core.surveys.fivew_disclosure import PEOPLE, protect_activities
from kipu.core.surveys.form import form_from_tree
from kipu.core.surveys.indicators import load_indicators
from kipu.core.surveys.public import public


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [list(r) for r in rows]
    rank, columns = 0, len(matrix[0]) if matrix else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column] / matrix[rank][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def derivable_cells(lines: list[dict[Any, int]], unknown: set[Any]) -> set[Any]:
    """The oracle: unknown cells whose value the equations fix."""
    cells = sorted(unknown, key=repr)
    if not cells:
        return set()
    matrix = [[Fraction(line.get(c, 0)) for c in cells] for line in lines]
    matrix = [row for row in matrix if any(row)]
    base = _rank(matrix) if matrix else 0
    found = set()
    for n, cell in enumerate(cells):
        unit = [Fraction(int(i == n)) for i in range(len(cells))]
        if _rank([*matrix, unit]) == base:
            found.add(cell)
    return found


def _values(cells: list[list[int]], columns: list[int] | None, total: int | None) -> dict:
    rows, width = len(cells), len(cells[0])
    values = {(i, j): cells[i][j] for i in range(rows) for j in range(width)}
    values |= {(i, width): sum(cells[i]) for i in range(rows)}
    values |= {
        (rows, j): (columns[j] if columns else sum(r[j] for r in cells)) for j in range(width)
    }
    values[(rows, width)] = (
        total if total is not None else sum(values[(i, width)] for i in range(rows))
    )
    return values


tables = st.integers(1, 5).flatmap(
    lambda r: st.integers(1, 5).flatmap(
        lambda c: st.lists(
            st.lists(st.one_of(st.integers(0, 6), st.integers(0, 40)), min_size=c, max_size=c),
            min_size=r,
            max_size=r,
        )
    )
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=tables, k=st.integers(2, 6), sums=st.booleans(), extra=st.integers(0, 3))
def test_no_suppressed_cell_is_derivable_from_the_totals(
    cells: list[list[int]], k: int, sums: bool, extra: int
) -> None:
    width = len(cells[0])
    # Without column sums (a select_multiple), a group's respondents are at least its
    # largest count, and the groups add up to the whole.
    columns = None if sums else [max(r[j] for r in cells) + extra for j in range(width)]
    total = None if sums else sum(columns)  # type: ignore[arg-type]
    chosen = protect_table(cells, k, column_totals=columns, total=total, column_sums=sums)
    values = _values(cells, columns, total)
    primary = {key for key, value in values.items() if 0 < value < k}
    assert primary <= chosen
    lines = [dict(line.terms) for line in table_lines(len(cells), width, column_sums=sums)]
    assert derivable_cells(lines, chosen) == set()
    assert derivable(table_lines(len(cells), width, column_sums=sums), chosen) == set()


def test_hand_example_suppresses_one_cycle() -> None:
    cells = [[2, 10, 7], [8, 9, 12], [0, 15, 20]]
    # 2 is under k = 5; its row and column each need a second unknown, and the cheapest
    # cycle closing them is 7 (row 0) / 8 (column 0) / 12 (where they meet).
    assert protect_table(cells, 5) == {(0, 0), (0, 2), (1, 0), (1, 2)}


def test_zero_is_published_and_k_one_suppresses_nothing() -> None:
    assert protect_table([[0, 10], [10, 10]], 5) == set()
    assert protect_table([[1, 2], [3, 4]], 1) == set()
    with pytest.raises(ValueError, match="at least 1"):
        protect_table([[1]], 0)


def test_generic_lines_with_hidden_cells() -> None:
    """A total and its breakdown by two partitions (the 5W shape), the cross unknown."""
    values = {"new": 12, "girls": 3, "boys": 9, "destination": 10, "transit": 2}
    lines = [
        Line((("girls", 1), ("boys", 1), ("new", -1))),
        Line((("destination", 1), ("transit", 1), ("new", -1))),
    ]
    chosen = protect(values, lines, 5)
    assert {"girls", "transit"} <= chosen
    assert derivable_cells([dict(line.terms) for line in lines], chosen) == set()


# --- linked tables: the results of a whole round -------------------------------------------

TREE = {
    "type": "survey",
    "name": "data",
    "id_string": "t",
    "title": "T",
    "children": [
        {"type": "select one", "name": "sex", "choices": [{"name": "f"}, {"name": "m"}]},
        {"type": "select one", "name": "region", "choices": [{"name": n} for n in "abc"]},
        {"type": "select one", "name": "intention", "choices": [{"name": n} for n in "wxyz"]},
    ],
}
SPEC = """[survey]
slug = "t"
[disaggregations]
sex = "sex"
region = "region"
[[indicators]]
question = "intention"
by = ["sex", "region"]
[[indicators]]
question = "region"
by = ["sex"]
"""


def _joint_lines(frame: pl.DataFrame) -> list[dict[Any, int]]:
    """Every published total of the round, over shared keys: an answer's count overall is
    the same number in every table of its question."""
    lines: list[dict[Any, int]] = []
    for (question,), part in frame.partition_by("question", as_dict=True).items():
        answers = part["answer"].unique().to_list()
        total = ("T", question)
        lines.append({("A", question, a): 1 for a in answers} | {total: -1})
        for (dimension,), table in (
            part.filter(pl.col("dimension") != ALL).partition_by("dimension", as_dict=True).items()
        ):
            groups = table["group"].unique().to_list()
            for a in answers:
                lines.append(
                    {("C", question, dimension, a, g): 1 for g in groups} | {("A", question, a): -1}
                )
            for g in groups:
                lines.append(
                    {("C", question, dimension, a, g): 1 for a in answers}
                    | {("R", question, dimension, g): -1}
                )
            lines.append({("R", question, dimension, g): 1 for g in groups} | {total: -1})
    return lines


def _unknown(frame: pl.DataFrame) -> set[Any]:
    found: set[Any] = set()
    for row in frame.iter_rows(named=True):
        q, d, a, g = row["question"], row["dimension"], row["answer"], row["group"]
        if d == ALL:
            found |= {("A", q, a)} if row["suppressed"] else set()
            found |= {("T", q)} if row["group_suppressed"] else set()
        else:
            found |= {("C", q, d, a, g)} if row["suppressed"] else set()
            found |= {("R", q, d, g)} if row["group_suppressed"] else set()
    return found


answers = st.lists(
    st.tuples(st.sampled_from(["f", "m", None]), st.sampled_from("abc"), st.sampled_from("wxyz")),
    min_size=1,
    max_size=60,
)


# Each example protects a whole round (seconds at 60 rows): few in the normal suite, more
# with KIPU_DISCLOSURE_EXAMPLES=200 (the leak found by the joint check needed hundreds).
@settings(
    max_examples=int(os.environ.get("KIPU_DISCLOSURE_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(rows=answers, k=st.integers(2, 6))
def test_published_round_gives_no_suppressed_cell_away(rows: list[tuple], k: int) -> None:
    form = form_from_tree(TREE)
    interviews = pl.DataFrame(
        {
            "_index": [str(i) for i in range(len(rows))],
            "sex": [r[0] for r in rows],
            "region": [r[1] for r in rows],
            "intention": [r[2] for r in rows],
        },
        schema={"_index": pl.Utf8, "sex": pl.Utf8, "region": pl.Utf8, "intention": pl.Utf8},
    )
    results = analyse(interviews, {}, form, load_indicators(SPEC, form))
    shown = public(results, k)
    small = results.filter((pl.col("count") > 0) & (pl.col("count") < k))
    flagged = shown.join(
        small.select("question", "dimension", "answer", "group"),
        on=["question", "dimension", "answer", "group"],
    )
    assert flagged["suppressed"].all()
    assert flagged["count"].null_count() == flagged.height
    assert derivable_cells(_joint_lines(results), _unknown(shown)) == set()
    hidden = shown.filter(pl.col("suppressed") | pl.col("group_suppressed"))
    assert hidden["share"].null_count() == hidden.height
    assert hidden["low"].null_count() == hidden.height


# --- 5W rows finer than the department ------------------------------------------------------

people = st.fixed_dictionaries({c: st.integers(0, 12) for c in PEOPLE})


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from(["PE2401", None]), people), max_size=20),
    k=st.integers(1, 6),
)
def test_small_5w_rows_are_merged_into_their_department(rows: list[tuple], k: int) -> None:
    frame = pl.DataFrame(
        [{"admin1": "PE24", "admin2": a, **p} for a, p in rows],
        schema={"admin1": pl.Utf8, "admin2": pl.Utf8, **dict.fromkeys(PEOPLE, pl.Int64)},
    )
    protected = protect_activities(frame, k)
    assert protected.select(PEOPLE).equals(frame.select(PEOPLE))  # every number kept
    fine = protected.filter(pl.col("admin2").is_not_null())
    for column in PEOPLE:
        assert fine.filter((pl.col(column) > 0) & (pl.col(column) < k)).is_empty()
    kept = frame.filter(pl.col("admin2").is_null()).height
    assert protected.filter(pl.col("admin2").is_null()).height >= kept
