"""Tables broken down by a question that has a `relevant` condition, for the disclosure check
(`kipu.core.surveys.public`).

A breakdown by the destination, asked only after "stay", splits each answer of the tabulated
question into those who answered the destination (its groups) and the others (`_missing`).
Its groups together count, for each answer, the people who said "stay": the same number as
the cells of "stay" in the intention by that question (or that question by intention), as the
answer's count when the tabulated question is the intention itself, and as the group sizes of
any question asked after "stay" by the tabulated one. A reader subtracts: sex by destination
publishes the men who did not say "stay" (`_missing`), and men less them is the withheld
"stay" among men of intention by sex.

`asked_ties` writes each such number as a hidden count ("N", question, answer, condition),
unknown to everyone, equal to every published sum that counts it; the group sizes likewise
(answer None). A condition `kipu.core.surveys.relevance` does not read exactly (or reads as
two published questions besides the tabulated one) gets counts of its own that are withheld
(no published sum may give them away) and, in the second pass, known to the reader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kipu.core.surveys.analysis import ALL, MISSING
from kipu.core.surveys.disclosure import Key, Line
from kipu.core.surveys.indicators import Dimension
from kipu.core.surveys.relevance import KeyOf, Relevance, _Table


@dataclass
class AskedTies:
    """`lines` over published keys and counts; `hidden` the counts no one knows; `withheld`
    the counts (with their values) of conditions not read exactly."""

    lines: list[Line] = field(default_factory=list)
    hidden: set[Key] = field(default_factory=set)
    withheld: dict[Key, int] = field(default_factory=dict)


def asked_ties(
    tables: Sequence[_Table],
    dimensions: Mapping[str, Dimension],
    relevance: Mapping[str, Relevance],
    key: KeyOf,
    multiple: frozenset[str] = frozenset(),
    everyone: frozenset[str] = frozenset(),
) -> AskedTies:
    """The lines of every table broken down by a question with a condition (see above).
    `everyone`: the questions every interview answers (required, no condition)."""
    published = {t.question for t in tables} | {d.question for d in dimensions.values()}
    conditions = {q: _condition(q, r, published) for q, r in relevance.items()}
    ties = AskedTies()
    used: set[tuple[str, Condition]] = set()
    for table in tables:
        source = dimensions.get(table.dimension)
        if source is None or source.question == table.question:
            continue  # a question by its own breakdown: `public._same_answers`
        condition = conditions.get(source.question)
        if condition is None:
            continue
        if condition[0] == "unless":  # `_missing` are those who gave the answers
            positive = ((condition[1], condition[2]),)
            ties.lines += _not_asked(table, positive, key)
            used.add((table.question, positive))
            continue
        exact = _exact(table.question, condition, published)
        named = condition if exact else ("asked", source.question)
        for answer, (terms, value) in _sums(table, key).items():
            counted = ("N", table.question, answer, named)
            if not exact:
                ties.withheld[counted] = value
            if terms:
                ties.lines.append(Line(((counted, 1), *terms)))
        if exact:
            used.add((table.question, condition))
    joined, pairs = _joined(tables, dimensions, conditions, key, published)
    unless, more = _unless(tables, dimensions, conditions, key, everyone)
    ties.lines += joined + unless
    used |= pairs | more
    for question, condition in used:
        ties.lines += _sources(question, condition, tables, dimensions, key, published)
        ties.lines += _asked_sizes(question, condition, tables, dimensions, key, published)
        ties.lines += _sizes_of_asked(question, condition, tables, dimensions, conditions, key)
        if question not in multiple:
            ties.lines += _added(question, condition, tables)
    ties.hidden = {k for line in ties.lines for k, _ in line.terms if k[0] in ("N", "E")}
    ties.hidden -= set(ties.withheld)
    return ties


Condition = tuple[Any, ...]  # ((question, answers), …) read; or (kind, question)
_KINDS = ("opaque", "private", "unless")


def _condition(question: str, rule: Relevance, published: set[str]) -> Condition:
    """The condition as a key: the answers read; ("opaque", question) when it names a
    published question it does not read, ("private", question) when it names others."""
    if rule.unless is not None:
        path, answers = rule.unless
        return (
            ("unless", path, tuple(sorted(answers))) if path in published else ("private", question)
        )
    if rule.opaque & published:
        return ("opaque", question)
    if rule.opaque or not rule.reads:
        return ("private", question)
    return tuple(sorted((q, tuple(sorted(a))) for q, a in rule.reads.items()))


def _others(question: str, condition: Condition, published: set[str]) -> list[Any]:
    """The published questions the condition reads besides `question`, with their answers."""
    if condition[0] in _KINDS:
        return []
    return [(q, a) for q, a in condition if q != question and q in published]


def _exact(question: str, condition: Condition, published: set[str]) -> bool:
    """Whether the condition is read: answers of questions (with two or more besides
    `question`, no two-way table counts those who meet it: only the sums that are its)."""
    return condition[0] != "opaque"


def _joined(
    tables: Sequence[_Table],
    dimensions: Mapping[str, Dimension],
    conditions: Mapping[str, Condition],
    key: KeyOf,
    published: set[str],
) -> tuple[list[Line], set[tuple[str, Condition]]]:
    """Group sizes of a question whose condition reads two or more published questions
    (`${region} = 'a' and ${intention} = 'w'`): by a breakdown, the count of those who meet
    it in each group (the crossed cells when the breakdown's question is one of them, which
    `_sources` ties); over the round, those counts added up over the first question's
    answers. The pairs (question, condition) whose counts the lines use."""
    lines: list[Line] = []
    used: set[tuple[str, Condition]] = set()
    for table in tables:
        condition = conditions.get(table.question)
        if condition is None or condition[0] in _KINDS:
            continue
        reads = [(q, a) for q, a in condition if q in published]
        if len(reads) < 2:
            continue  # `relevance.relevance_ties`
        rows, by = len(table.answers), dimensions.get(table.dimension)
        if table.dimension == ALL:
            (first, answers), size = reads[0], key(table, rows, 0)
            terms = [(("N", first, a, condition), -1) for a in answers]
            lines.append(Line(((size, 1), *terms)))
            used.add((first, condition))
        elif by is not None and not by.bins and by.question != table.question:
            used.add((by.question, condition))  # `_sizes_of_asked` writes the lines
    return lines, used


def _not_asked(table: _Table, positive: Condition, key: KeyOf) -> list[Line]:
    """A breakdown by a question asked unless an answer was given (`${sex} != 'f'`, sex
    may be blank): its `_missing` group counts those who gave it, of each answer."""
    if MISSING not in table.groups:
        return []
    rows, j = len(table.answers), table.groups.index(MISSING)
    return [
        Line(((("N", table.question, answer, positive), 1), (key(table, i, j), -1)))
        for i, answer in [*enumerate(table.answers), (rows, None)]
    ]


def _unless(
    tables: Sequence[_Table],
    dimensions: Mapping[str, Dimension],
    conditions: Mapping[str, Condition],
    key: KeyOf,
    everyone: frozenset[str],
) -> tuple[list[Line], set[tuple[str, Condition]]]:
    """Group sizes of a question asked unless an answer was given: everyone in the group
    ("E", hidden: the group sizes of a question every interview answers, the breakdown's
    own answer count) less those who gave it."""
    lines: list[Line] = []
    used: set[tuple[str, Condition]] = set()
    for table in tables:
        condition = conditions.get(table.question)
        if condition is None or condition[0] != "unless":
            continue
        positive: Condition = ((condition[1], condition[2]),)
        rows, by = len(table.answers), dimensions.get(table.dimension)
        if table.dimension == ALL:
            terms = [(("N", condition[1], a, positive), 1) for a in condition[2]]
            lines.append(Line(((key(table, rows, 0), 1), (("E", ALL, None), -1), *terms)))
            used.add((condition[1], positive))
        elif by is not None and by.question != table.question:
            # `_missing`: everyone in the round less everyone in the other groups.
            groups = [g for g in table.groups if g != MISSING]
            blank = [(("E", ALL, None), -1), *((("E", table.dimension, g), 1) for g in groups)]
            for j, group in enumerate(table.groups):
                everyone_in = blank if group == MISSING else [(("E", table.dimension, group), -1)]
                counted = ("N", by.question, group, positive)
                lines.append(Line(((key(table, rows, j), 1), *everyone_in, (counted, 1))))
            used.add((by.question, positive))
    if lines:
        lines += _everyone_in(tables, dimensions, key, everyone)
    return lines, used


def _everyone_in(
    tables: Sequence[_Table],
    dimensions: Mapping[str, Dimension],
    key: KeyOf,
    everyone: frozenset[str],
) -> list[Line]:
    """Everyone in each group ("E", breakdown, group), and in the round ("E", all, None):
    the respondents of a question every interview answers, and a breakdown's answer."""
    lines = []
    for table in tables:
        rows, by = len(table.answers), dimensions.get(table.dimension)
        if table.question in everyone:
            for j, group in enumerate(table.groups):
                if group != MISSING:
                    counted = ("E", table.dimension, group if by is not None else None)
                    lines.append(Line(((counted, 1), (key(table, rows, j), -1))))
        if table.dimension == ALL:
            for name, other in dimensions.items():
                if other.question == table.question and not other.bins:
                    for i, answer in enumerate(table.answers):
                        lines.append(Line(((("E", name, answer), 1), (key(table, i, 0), -1))))
    return lines


def _sums(table: _Table, key: KeyOf) -> dict[str | None, tuple[tuple[tuple[Key, int], ...], int]]:
    """Each answer's (and the group sizes') sum over the groups of people who answered the
    breakdown's question: its terms (−1 each) and value."""
    rows = len(table.answers)
    answered = [j for j, g in enumerate(table.groups) if g != MISSING]
    found: dict[str | None, tuple[tuple[tuple[Key, int], ...], int]] = {}
    for i, answer in [*enumerate(table.answers), (rows, None)]:
        values = table.respondents if answer is None else table.cells[i]
        terms = tuple((key(table, i, j), -1) for j in answered)
        found[answer] = (terms, sum(values[j] for j in answered))
    return found


def _own(question: str, condition: Condition) -> tuple[str, ...] | None:
    """The answers of `question` the condition reads (None: all of them)."""
    if condition[0] in _KINDS:
        return None
    return dict(condition).get(question)


def _sources(
    question: str,
    condition: Condition,
    tables: Sequence[_Table],
    dimensions: Mapping[str, Dimension],
    key: KeyOf,
    published: set[str],
) -> list[Line]:
    """The published numbers that count, for each answer of `question`, those who meet an
    exact condition: its own count (the condition is on it alone), or the crossed cells of
    the question and the condition's question, either way round."""
    own, others = _own(question, condition), _others(question, condition, published)
    lines: list[Line] = []

    def tie(answer: str, cells: list[Key]) -> None:
        if cells and (own is None or answer in own):
            counted = ("N", question, answer, condition)
            lines.append(Line(((counted, 1), *((c, -1) for c in cells))))

    for table in tables:
        if not others:
            if own is not None and table.question == question and table.dimension == ALL:
                for i, answer in enumerate(table.answers):
                    tie(answer, [key(table, i, 0)])
            continue
        (other, answers), by = others[0], dimensions.get(table.dimension)
        if by is None or by.bins or len(others) > 1:
            continue
        if table.question == question and by.question == other:
            for i, answer in enumerate(table.answers):  # the question by the condition's
                tie(answer, [key(table, i, j) for j, g in enumerate(table.groups) if g in answers])
        if table.question == other and by.question == question:
            for j, group in enumerate(table.groups):  # the condition's question by ours
                tie(group, [key(table, i, j) for i, a in enumerate(table.answers) if a in answers])
    return lines


def _asked_sizes(
    question: str,
    condition: Condition,
    tables: Sequence[_Table],
    dimensions: Mapping[str, Dimension],
    key: KeyOf,
    published: set[str],
) -> list[Line]:
    """Group sizes that count those who meet the condition among the respondents of
    `question`: the question by the condition's question, its groups of the answers read."""
    others = _others(question, condition, published)
    if len(others) != 1 or _own(question, condition) is not None:
        return []
    (other, answers), lines = others[0], []
    for table in tables:
        by = dimensions.get(table.dimension)
        if table.question == question and by is not None and not by.bins and by.question == other:
            rows = len(table.answers)
            sizes = [key(table, rows, j) for j, g in enumerate(table.groups) if g in answers]
            if sizes:
                counted = ("N", question, None, condition)
                lines.append(Line(((counted, 1), *((s, -1) for s in sizes))))
    return lines


def _sizes_of_asked(
    question: str,
    condition: Condition,
    tables: Sequence[_Table],
    dimensions: Mapping[str, Dimension],
    conditions: Mapping[str, Condition],
    key: KeyOf,
) -> list[Line]:
    """A question asked under the same condition, by a breakdown on `question`: its group
    sizes count those who meet it among each answer."""
    lines = []
    for table in tables:
        by = dimensions.get(table.dimension)
        if by is None or by.bins or by.question != question or table.question == question:
            continue
        if conditions.get(table.question) != condition:
            continue
        rows = len(table.answers)
        for j, group in enumerate(table.groups):
            if group != MISSING:
                counted = ("N", question, group, condition)
                lines.append(Line(((counted, 1), (key(table, rows, j), -1))))
    return lines


def _added(question: str, condition: Condition, tables: Sequence[_Table]) -> list[Line]:
    """A select_one's respondents who meet the condition are its answers' counts added."""
    own = _own(question, condition)
    answers = dict.fromkeys(a for t in tables if t.question == question for a in t.answers)
    terms = [(("N", question, a, condition), -1) for a in answers if own is None or a in own]
    return [Line(((("N", question, None, condition), 1), *terms))] if terms else []
