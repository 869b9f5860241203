"""Survey results as the public may see them: the disclosure rule applied to every table.

Each (question, dimension) of a round is a two-way table, answers × groups, whose margins
are published too: the answers' counts over the whole round (the `all` table), the groups'
respondents, the round's respondents. `protect_table` is applied to each; tables that share
a margin are linked: a margin suppressed in one table is suppressed in all (answer counts
within a question; a group's respondents and the round's respondents across questions, when
they are the same number of the same group), until nothing changes.

A suppressed count takes its share and interval with it (count = share × respondents), and
a suppressed group size takes every share of its group (respondents = count / share).

Tables whose groups come from the same answers are tied by more than their margins, and the
joint check is given those ties too (`_shared`): two breakdowns cut from the same number (age
group and "minor", bins of one age) or from the same select_one, and a question tabulated by
its own breakdown, are sums over one finer partition (hidden cells, unknown to everyone), as
are two breakdowns of a question when a table crosses them (its 0s are pairs nobody is in);
a question that defines a breakdown counts each group's people, the same number as the
group's respondents of a question all of them answered (linked when equal, as group sizes
are); two questions tabulated by each other's breakdown count the same people, transposed.
The joint check never counts a 0 as cover. With the form, its `relevant` conditions tie a
question's group sizes to the answers that ask it (`kipu.core.surveys.relevance`), and a
table broken down by such a question to them (`kipu.core.surveys.asked`).
`withheld_totals` tells the callers which numbers of interviews they must withhold beside
the tables.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from kipu.core.surveys.analysis import ALL, MISSING
from kipu.core.surveys.asked import AskedTies, asked_ties
from kipu.core.surveys.disclosure import DEFAULT_K, Key, Line, protect, protect_table, table_lines
from kipu.core.surveys.form import SurveyForm
from kipu.core.surveys.indicators import Dimension
from kipu.core.surveys.relevance import read_relevance, relevance_ties

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


def _joint(
    tables: list[_Table],
    links: _Links,
    k: int,
    multiple: frozenset[str],
    dimensions: Mapping[str, Dimension],
    relevant: tuple[list[Line], set[Key]],
    asked: AskedTies,
) -> None:
    """Complements for the round as one system: tables protected one by one can still give
    a cell away together (an answer's count suppressed in two tables of its question is
    pinned by their margins combined). Adds the cuts to `links.cells`. `relevant`: the
    lines of the form's conditions, and the group sizes they could not tie (withheld by the
    caller, and checked here a second time as if a reader knew them). `asked`: the lines of
    tables by a question with a condition, and the counts of those not read exactly (never
    given away, then known to the reader like the group sizes)."""
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
            if table.question not in multiple:  # the answers add up to the respondents
                answers = tuple((_key(table, i, 0), 1) for i in range(rows))
                lines.append(Line((*answers, (_key(table, rows, 0), -1))))
            continue  # its cells are the answers' counts: the lines of any other table
        for line in table_lines(rows, columns, column_sums=table.question not in multiple):
            lines.append(Line(tuple((_key(table, *cell), c) for cell, c in line.terms)))
    shared, hidden = _shared(tables, dimensions)
    shared += relevant[0] + asked.lines
    hidden |= asked.hidden
    values.update(asked.withheld)
    chosen |= set(asked.withheld)
    # A 0 is no cover, suppressed or not: a reader may know nobody can be in it (a "no" to
    # "under 18?" in group "<18", a woman in group "m" of sex by sex), and non-negativity
    # pins it often. Out of every line, so the check never counts on it.
    zeros = {key for key, value in values.items() if value == 0}
    lines = [Line(tuple(t for t in line.terms if t[0] not in zeros)) for line in lines + shared]
    margins = {key for key in values if key[0] != "C"}
    chosen -= zeros
    found = protect(values, lines, k, forced=chosen, keep=margins, hidden=hidden)
    # A reader may work them out from what the condition names.
    if known := relevant[1] | set(asked.withheld):
        lines = [Line(tuple(t for t in line.terms if t[0] not in known)) for line in lines]
        found = protect(values, lines, k, forced=found, keep=margins, hidden=hidden)
    links.cells |= found - chosen


@dataclass
class _Family:
    """Tables whose groups are sums of the same parts (people), hidden cells ("H", owner,
    name, answer, part) unknown to everyone: owner the question, or the respondents' total
    for group sizes (answer None), which questions with the same respondents share."""

    members: list[_Table]
    parts: Sequence[Mapping[str, frozenset[object]]]  # each table's groups as sets of parts
    name: object
    diagonal: bool = False  # the question is the breakdowns' own: its answer is the part
    sizes: bool = False  # group sizes only, of questions with the same respondents


def _shared(
    tables: list[_Table], dimensions: Mapping[str, Dimension]
) -> tuple[list[Line], set[tuple]]:
    """The lines that tie tables whose groups come from the same answers (see the module's
    docstring) and the hidden cells they use. Without them a reader subtracts what the
    joint check takes for unrelated: 18+ of "adult" less 18-59 of "age group" is 60+."""
    lines: list[Line] = []
    hidden: set[tuple] = set()
    families = _same_answers(tables, dimensions, sizes=False)
    families += _same_answers(tables, dimensions, sizes=True) + _crossed(tables, dimensions)
    for family in families:
        found, cells = _family(family)
        lines += found
        hidden |= cells
    lines += _counted_groups(tables, dimensions) + _transposed(tables, dimensions)
    return lines, hidden


def _same_answers(
    tables: list[_Table], dimensions: Mapping[str, Dimension], *, sizes: bool
) -> list[_Family]:
    """A question's tables by breakdowns cut from the same question (bins of one age, or
    the question itself), or with `sizes` every question's with the same respondents (equal
    totals, linked as `_key` links them): parts are the common refinement of the groups."""
    by_source: dict[tuple[object, str], list[_Table]] = {}
    for table in tables:
        if table.dimension in dimensions:
            key = (table.total if sizes else table.question, dimensions[table.dimension].question)
            by_source.setdefault(key, []).append(table)
    found: list[_Family] = []
    for (owner, source), members in by_source.items():
        dims = [dimensions[t.dimension] for t in members]
        if len({d.name for d in dims}) + (owner == source) > 1:
            cuts = sorted({bound for d in dims for bound in d.bins})
            parts = [
                {g: _parts(d, cuts, g) for g in t.groups}
                for t, d in zip(members, dims, strict=True)
            ]
            found.append(_Family(members, parts, source, owner == source, sizes))
    return found


def _crossed(tables: list[_Table], dimensions: Mapping[str, Dimension]) -> list[_Family]:
    """A question's tables by two breakdowns when the first one's question is published by
    the second: that table's zeros are pairs of groups nobody is in, whatever the question
    (a "minor" question by age group: no one 18-59 answered "yes"). Its parts are the pairs
    it counts, and every pair of people who did not answer it (`_missing`)."""
    own = {(t.question, t.dimension): t for t in tables}
    found: list[_Family] = []
    for first in tables:
        one = dimensions.get(first.dimension)
        if one is None or one.bins or one.question == first.question:
            continue  # bins and the question's own groups: `_same_answers`
        for second in tables:
            other = dimensions.get(second.dimension)
            cross = own.get((one.question, second.dimension))
            if second.question != first.question or other is None or cross is None:
                continue
            if other.question == one.question:
                continue
            pairs = {(MISSING, g) for g in second.groups} | {
                (a, g)
                for a, row in zip(cross.answers, cross.cells, strict=True)
                for g, n in zip(cross.groups, row, strict=True)
                if n > 0
            }
            parts = [
                {g: frozenset(p for p in pairs if p[0] == g) for g in first.groups},
                {g: frozenset(p for p in pairs if p[1] == g) for g in second.groups},
            ]
            found.append(_Family([first, second], parts, (one.question, other.question)))
    return found


def _family(family: _Family) -> tuple[list[Line], set[tuple]]:
    """The lines of a `_Family`: each cell a sum of hidden cells (a cell with none is 0)."""
    parts, members = family.parts, family.members
    # A part is empty unless every table has its group (the same people are in each; not
    # assumed of questions that only have equal totals), and an answer's part unless every
    # table counts someone in its cell: a 0 has no parts.
    join = set.union if family.sizes else set.intersection
    live = join(*(set().union(*p.values()) for p in parts))
    empty = {
        (answer, p)
        for table, of in zip(members, parts, strict=True)
        for answer, row in zip(table.answers, table.cells, strict=True)
        for group, value in zip(table.groups, row, strict=True)
        if value == 0
        for p in of[group]
    }
    lines: list[Line] = []
    for table, of in zip(members, parts, strict=True):
        rows = len(table.answers)
        answers = [] if family.sizes else list(enumerate(table.answers))
        for j, group in enumerate(table.groups):
            mine = sorted(of[group] & live, key=repr)
            for i, answer in [(rows, None), *answers]:
                terms: list[tuple[object, ...]]
                if answer is None or family.diagonal:
                    terms = [("H", table.total, family.name, None, p) for p in mine]
                    terms = [t for t in terms if answer in (None, t[-1])]
                else:
                    terms = [
                        ("H", table.question, family.name, answer, p)
                        for p in mine
                        if (answer, p) not in empty
                    ]
                if terms:
                    lines.append(Line(((_key(table, i, j), 1), *((t, -1) for t in terms))))
    return lines, {term for line in lines for term, _ in line.terms[1:]}


def _parts(dimension: Dimension, cuts: Sequence[float], group: str) -> frozenset[object]:
    """The parts of `group` in the common refinement of breakdowns cut from the same answers
    (`cuts`: all their bins): the group itself for a select_one, else the intervals between
    consecutive cuts that fall in it (numbered from the one below the first cut)."""
    if group == MISSING or not dimension.bins:
        return frozenset({group})
    labels = dimension.groups()
    lows = [-math.inf, *cuts]
    return frozenset(
        n for n, low in enumerate(lows) if labels[bisect_right(dimension.bins, low)] == group
    )


def _transposed(tables: list[_Table], dimensions: Mapping[str, Dimension]) -> list[Line]:
    """Two questions each tabulated by the other's breakdown (region by sex, sex by region)
    count the same people in transposed cells: those who gave both answers."""
    own = {(t.question, t.dimension): t for t in tables}
    sources = {n: d.question for n, d in dimensions.items() if not d.bins}
    lines = []
    for table in tables:
        source = sources.get(table.dimension)
        if source is None:
            continue
        mirrors = [n for n, q in sources.items() if q == table.question]
        for other in filter(None, (own.get((source, n)) for n in mirrors)):
            for i, answer in enumerate(table.answers):
                for j, group in enumerate(table.groups):
                    if answer in other.groups and group in other.answers:
                        there = _key(other, other.answers.index(group), other.groups.index(answer))
                        lines.append(Line(((_key(table, i, j), 1), (there, -1))))
    return lines


def _counted_groups(tables: list[_Table], dimensions: Mapping[str, Dimension]) -> list[Line]:
    """A question that defines a breakdown counts each group: answer g's count is group g's
    respondents of any question all of g answered, which a reader can tell (the round's
    interviews are published, the form says which questions are required). Linked when the
    numbers are equal, as `_key` links group sizes; `_missing` then follows by subtraction."""
    counts = {
        (t.question, a): c
        for t in tables
        if t.dimension == ALL
        for a, c in zip(t.answers, t.answer_counts, strict=True)
    }
    lines = []
    for table in tables:
        dimension = dimensions.get(table.dimension)
        if dimension is None or dimension.bins or dimension.question == table.question:
            continue
        for j, (group, size) in enumerate(zip(table.groups, table.respondents, strict=True)):
            if counts.get((dimension.question, group)) == size:
                answer = ("A", dimension.question, group)
                lines.append(Line(((answer, 1), (_key(table, len(table.answers), j), -1))))
    return lines


def public(
    results: pl.DataFrame,
    k: int = DEFAULT_K,
    multiple: frozenset[str] = frozenset(),
    dimensions: Mapping[str, Dimension] | None = None,
    form: SurveyForm | None = None,
) -> pl.DataFrame:
    """`results` (analysis.analyse) with `suppressed` and `group_suppressed` columns, and the
    values of suppressed cells nulled. `multiple`: the select_multiple questions (their
    answers do not add up to the respondents). `dimensions`: the breakdowns by name
    (`IndicatorSpec.dimensions`), so tables cut from the same answers are linked. `form`:
    its `relevant` conditions tie a question's group sizes to the answers that ask it."""
    dimensions = dimensions or {}
    # An answer the export did not bring (count null: `analysis`) is in no table: its
    # cells are unknown to everyone, so they cover nothing and give nothing away.
    numbered = results.with_row_index("_at")  # the published order, kept
    unknown = numbered.filter(pl.col("count").is_null())
    results = numbered.filter(pl.col("count").is_not_null())
    tables = _tables(results)
    relevance = read_relevance(form) if form is not None else {}
    relevant = relevance_ties(tables, dimensions, relevance, _key)
    everyone = (
        frozenset(
            q.path for q in form.answered() if q.required and not q.relevant and q.repeat is None
        )
        if form is not None
        else frozenset()
    )
    asked = asked_ties(tables, dimensions, relevance, _key, multiple, everyone)
    links = _Links(cells=set(relevant[1]))  # group sizes the conditions tie inexactly
    for _ in range(50):  # each pass only adds suppressions; it settles in two or three
        before = links.size()
        for table in tables:
            _protect(table, links, k, table.question in multiple)
        if links.size() == before:
            _joint(tables, links, k, multiple, dimensions, relevant, asked)
        if links.size() == before:
            break
    keys = ["question", "dimension", "answer", "group"]
    joined = results.join(_flags(tables), on=keys, how="left")
    joined = _with_unknown(joined, unknown).sort("_at").drop("_at")
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


def _with_unknown(flagged: pl.DataFrame, unknown: pl.DataFrame) -> pl.DataFrame:
    """`flagged` with the not-known answers back in their place: never suppressed (there is
    no count to withhold), their group's size withheld as it is in its other rows."""
    if unknown.is_empty():
        return flagged
    groups = flagged.group_by("question", "dimension", "group").agg(
        pl.col("group_suppressed").any()
    )
    unknown = unknown.join(groups, on=["question", "dimension", "group"], how="left")
    unknown = unknown.with_columns(
        pl.lit(False).alias("suppressed"), pl.col("group_suppressed").fill_null(False)
    ).select(flagged.columns)
    return pl.concat([flagged, unknown])


def _flags(tables: list[_Table]) -> pl.DataFrame:
    """Each published row's `suppressed` and `group_suppressed` marks."""
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
    return pl.DataFrame(
        marks,
        schema=["question", "dimension", "answer", "group", "suppressed", "group_suppressed"],
        orient="row",
    )


def withheld_totals(results: pl.DataFrame, shown: pl.DataFrame) -> frozenset[int]:
    """The respondents of whole questions that `shown` (`public(results)`) withholds. A
    number of interviews published beside the results (a page, the API, a report) must be
    withheld when it is one of them: it is the same number when everyone answered."""
    keys = ["question", "dimension", "answer", "group"]
    cut = shown.filter((pl.col("dimension") == ALL) & pl.col("group_suppressed")).select(keys)
    return frozenset(int(n) for n in results.join(cut, on=keys)["respondents"])
