"""Survey results as the public may see them: the disclosure rule applied to every table.

Each (question, dimension) of a round is a two-way table, answers × groups, whose margins
are published too: the answers' counts over the whole round (the `all` table), the groups'
respondents, the round's respondents. `protect_table` is applied to each; tables that share
a margin are linked: a margin suppressed in one table is suppressed in all (answer counts
within a question; a group's respondents and the round's respondents across questions, when
they are the same number of the same group), until nothing changes.

A suppressed count takes its share and interval with it (count = share × respondents), and
a suppressed group size takes every share of its group (respondents = count / share).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from kipu.core.surveys.analysis import ALL
from kipu.core.surveys.disclosure import DEFAULT_K, Line, protect, protect_table, table_lines

VALUE_COLUMNS = ("count", "weighted_count", "share", "low", "high", "effective_n")


@dataclass
class _Table:
    question: str
    dimension: str
    answers: list[str]
    groups: list[str]
    cells: list[list[int]]
    answer_counts: list[int]
    respondents: list[int]
    total: int
    suppressed: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class _Links:
    answers: dict[str, set[str]] = field(default_factory=dict)  # question → answers cut
    groups: set[tuple[str, str, int]] = field(default_factory=set)  # (dimension, group, n)
    totals: set[int] = field(default_factory=set)  # respondents of a round, cut
    cells: set[tuple] = field(default_factory=set)  # joint keys cut by the joint check

    def size(self) -> int:
        found = sum(map(len, self.answers.values())) + len(self.groups) + len(self.totals)
        return found + len(self.cells)


def _tables(results: pl.DataFrame) -> list[_Table]:
    found = []
    overall = {
        q: dict(zip(f["answer"], f["count"], strict=True))
        for (q,), f in results.filter(pl.col("dimension") == ALL)
        .partition_by("question", as_dict=True, maintain_order=True)
        .items()
    }
    for (question, dimension), frame in results.partition_by(
        "question", "dimension", as_dict=True, maintain_order=True
    ).items():
        answers = list(dict.fromkeys(frame["answer"]))
        groups = list(dict.fromkeys(frame["group"]))
        value = {(a, g): c for a, g, c in frame.select("answer", "group", "count").iter_rows()}
        sizes = dict(frame.select("group", "respondents").unique("group").iter_rows())
        counts = overall.get(question, {})
        found.append(
            _Table(
                str(question),
                str(dimension),
                answers,
                groups,
                [[int(value.get((a, g), 0)) for g in groups] for a in answers],
                [int(counts.get(a, 0)) for a in answers],
                [int(sizes[g]) for g in groups],
                int(sum(sizes.values())) if dimension != ALL else int(sizes.get(ALL, 0)),
            )
        )
    return found


def _protect(table: _Table, links: _Links, k: int, multiple: bool) -> None:
    rows, columns = len(table.answers), len(table.groups)
    cut = links.answers.get(table.question, set())
    forced = {(i, columns) for i, a in enumerate(table.answers) if a in cut}
    forced |= {
        (rows, j)
        for j, (g, n) in enumerate(zip(table.groups, table.respondents, strict=True))
        if (table.dimension, g, n) in links.groups
    }
    if table.total in links.totals:
        forced.add((rows, columns))
    forced |= {
        (i, j)
        for i in range(rows + 1)
        for j in range(columns + 1)
        if _key(table, i, j) in links.cells
    }
    if table.dimension == ALL:
        forced |= {(i, 0) for i, _ in forced if i < rows}
    table.suppressed = protect_table(
        table.cells,
        k,
        row_totals=table.answer_counts if table.dimension != ALL else None,
        column_totals=table.respondents,
        total=table.total,
        column_sums=not multiple,
        forced=forced,
    )
    for i, j in table.suppressed:
        if i < rows and (j == columns or table.dimension == ALL):
            links.answers.setdefault(table.question, set()).add(table.answers[i])
        if i == rows and j < columns:
            links.groups.add((table.dimension, table.groups[j], table.respondents[j]))
        if i == rows and (j == columns or table.dimension == ALL):
            links.totals.add(table.total)


def _key(table: _Table, i: int, j: int) -> tuple:
    """The cell (i, j) of `table` as a key shared by every table of the round that publishes
    the same number: an answer's count within its question, a group's respondents and the
    round's respondents by their value (as `_Links` matches them)."""
    rows, columns = len(table.answers), len(table.groups)
    if i == rows:
        if j == columns or table.dimension == ALL:
            return ("T", table.total)
        return ("R", table.dimension, table.groups[j], table.respondents[j])
    if j == columns or table.dimension == ALL:
        return ("A", table.question, table.answers[i])
    return ("C", table.question, table.dimension, table.answers[i], table.groups[j])


def _joint(tables: list[_Table], links: _Links, k: int, multiple: frozenset[str]) -> None:
    """Complements for the round as one system: tables protected one by one can still give
    a cell away together (an answer's count suppressed in two tables of its question is
    pinned by their margins combined). Adds the cuts to `links.cells`."""
    values: dict[tuple, int] = {}
    lines: list[Line] = []
    chosen: set[tuple] = set()
    for table in tables:
        rows, columns = len(table.answers), len(table.groups)
        full = [[*row, table.answer_counts[i]] for i, row in enumerate(table.cells)]
        full.append([*table.respondents, table.total])
        for i, row in enumerate(full):
            for j, value in enumerate(row):
                values[_key(table, i, j)] = value
        chosen |= {_key(table, i, j) for i, j in table.suppressed}
        if table.dimension == ALL:
            continue  # its cells are the answers' counts: the lines of any other table
        for line in table_lines(rows, columns, column_sums=table.question not in multiple):
            lines.append(Line(tuple((_key(table, *cell), c) for cell, c in line.terms)))
    margins = {key for key in values if key[0] != "C"}
    links.cells |= protect(values, lines, k, forced=chosen, keep=margins) - chosen


def public(
    results: pl.DataFrame, k: int = DEFAULT_K, multiple: frozenset[str] = frozenset()
) -> pl.DataFrame:
    """`results` (analysis.analyse) with `suppressed` and `group_suppressed` columns, and the
    values of suppressed cells nulled. `multiple`: the select_multiple questions (their
    answers do not add up to the respondents)."""
    tables = _tables(results)
    links = _Links()
    for _ in range(50):  # each pass only adds suppressions; it settles in two or three
        before = links.size()
        for table in tables:
            _protect(table, links, k, table.question in multiple)
        if links.size() == before:
            _joint(tables, links, k, multiple)
        if links.size() == before:
            break
    marks = []
    for table in tables:
        rows, columns = len(table.answers), len(table.groups)
        for i, answer in enumerate(table.answers):
            for j, group in enumerate(table.groups):
                cut = (i, j) in table.suppressed
                if table.dimension == ALL:
                    cut = cut or (i, columns) in table.suppressed
                group_cut = (rows, j) in table.suppressed
                if table.dimension == ALL:
                    group_cut = group_cut or (rows, columns) in table.suppressed
                marks.append((table.question, table.dimension, answer, group, cut, group_cut))
    flags = pl.DataFrame(
        marks,
        schema=["question", "dimension", "answer", "group", "suppressed", "group_suppressed"],
        orient="row",
    )
    joined = results.join(flags, on=["question", "dimension", "answer", "group"], how="left")
    hidden = pl.col("suppressed") | pl.col("group_suppressed")
    return joined.with_columns(
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col("count")).alias("count"),
        pl.when(pl.col("group_suppressed"))
        .then(None)
        .otherwise(pl.col("respondents"))
        .alias("respondents"),
        *[
            pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c)
            for c in VALUE_COLUMNS
            if c != "count"
        ],
    )
