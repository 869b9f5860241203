"""What a form's `relevant` conditions tell a reader about who answered a question, for the
disclosure check (`kipu.core.surveys.public`).

A question asked only after a given answer has, in each group, exactly the respondents who
gave that answer (when it is required; fewer when not): its group sizes publish the count of
the answer by the same breakdown, and the answer's table gives its group sizes back. A reader
who knows the form subtracts one from the other (intention "other" among men = men less
"chile" less the men who were asked the destination, i.e. who said "stay").

`read_relevance` reads each condition as "answered one of these choices of that question"
when it can (`${q} = 'x'`, `'x' = ${q}`, `selected(${q}, 'x')`, `or` of those on one
select_one, their negation `!=` / `not()` on a select_one everyone answers, `and` of such
conditions); anything else is opaque, and so is a condition on a
question counted in other units (a repeat's rows against the interview's answers).
`relevance_ties` turns the readings into lines for the joint check, and names the group
sizes it cannot tie exactly: the caller withholds those and checks their tables as if a
reader knew them (both, since the reader may or may not be able to work them out).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from kipu.core.surveys.analysis import ALL
from kipu.core.surveys.disclosure import Key, Line
from kipu.core.surveys.form import SELECT_MULTIPLE, SELECT_ONE, SurveyForm
from kipu.core.surveys.indicators import Dimension
from kipu.core.surveys.xpath import Node, UnsupportedExpression, parse

_REFERENCE = re.compile(r"\$\{\s*([^}]*?)\s*\}")


@dataclass(frozen=True)
class Relevance:
    """A question's conditions as read: `reads` (question path → the answers one of which it
    must have; several questions when the conditions are joined by `and`), and `opaque`, the
    paths of the questions named by conditions not read. `unless`: the whole condition is
    "not one of these answers" of a select_one some leave blank (asked: everyone but them)."""

    reads: Mapping[str, frozenset[str]] = field(default_factory=dict)
    opaque: frozenset[str] = frozenset()
    unless: tuple[str, frozenset[str]] | None = None  # `!=` on a question left blank by some


class _Table(Protocol):
    question: str
    dimension: str
    answers: list[str]
    groups: list[str]
    cells: list[list[int]]
    respondents: list[int]


KeyOf = Any  # (table, i, j) → the cell's key shared across tables (`public._key`)


def read_relevance(form: SurveyForm) -> dict[str, Relevance]:
    """Each question with a condition (its own or a group's), by path."""
    found: dict[str, Relevance] = {}
    for question in form.answered():
        if not question.relevant:
            continue
        if (unless := _unless(question.relevant, question.repeat, form)) is not None:
            found[question.path] = Relevance(unless=unless)
            continue
        reads: dict[str, frozenset[str]] = {}
        opaque: set[str] = set()
        for text in question.relevant:
            terms = _read(text, form)
            if terms is None:
                opaque |= _named(text, form)
                continue
            for path, answers in terms:
                if form.question(path).repeat != question.repeat:
                    opaque.add(path)  # rows of a repeat are not the interviews: other units
                else:  # two conditions on one question: both hold
                    reads[path] = reads.get(path, answers) & answers
        found[question.path] = Relevance(reads, frozenset(opaque))
    return found


def _read(text: str, form: SurveyForm) -> list[tuple[str, frozenset[str]]] | None:
    try:
        return _terms(parse(text), form)
    except UnsupportedExpression:
        return None


def _terms(node: Node, form: SurveyForm) -> list[tuple[str, frozenset[str]]] | None:
    """`node` as "q is one of these answers", and-ed; None when it says something else."""
    if node[:2] == ("bin", "and"):
        left, right = _terms(node[2], form), _terms(node[3], form)
        return None if left is None or right is None else left + right
    if node[:2] == ("bin", "or"):  # one select_one's answers: the people are disjoint
        left, right = _terms(node[2], form), _terms(node[3], form)
        if left is None or right is None or len(left) != 1 or len(right) != 1:
            return None
        (one, a), (other, b) = left[0], right[0]
        return [(one, a | b)] if one == other and _type(one, form) == SELECT_ONE else None
    if node[:2] == ("bin", "!=") or node[:2] == ("call", "not"):
        return _negated(("bin", "=", *node[2:]) if node[0] == "bin" else node[2], form)
    leaf: tuple[Any, Any, tuple[str, ...]] | None = None
    if node[:2] == ("bin", "=") and {node[2][0], node[3][0]} == {"ref", "str"}:
        ref, text = sorted((node[2], node[3]))  # ("ref", …) before ("str", …)
        leaf = (ref[1], text[1], (SELECT_ONE,))  # `=` on a select_multiple: its whole text
    elif node[:2] == ("call", "selected") and (node[2][0], node[3][0]) == ("ref", "str"):
        leaf = (node[2][1], node[3][1], (SELECT_ONE, SELECT_MULTIPLE))
    if leaf is None or leaf[0] is None or _type(leaf[0], form) not in leaf[2]:
        return None
    return [(form.question(leaf[0]).path, frozenset({leaf[1]}))]


def _negated(node: Node, form: SurveyForm) -> list[tuple[str, frozenset[str]]] | None:
    """`not(node)`: the other answers of a select_one everyone answers; None otherwise (it
    holds for those who left the question blank too: not one question's answers)."""
    found = _terms(node, form)
    if found is None or len(found) != 1 or not _everyone(found[0][0], form):
        return None
    path, answers = found[0]
    return [(path, frozenset(form.question(path).choice_names()) - answers)]


def _unless(
    texts: Sequence[str], repeat: str | None, form: SurveyForm
) -> tuple[str, frozenset[str]] | None:
    """One condition `!=` / `not()` of a select_one's answers that some may leave blank."""
    if len(texts) != 1:
        return None
    try:
        node = parse(texts[0])
    except UnsupportedExpression:
        return None
    if node[:2] == ("bin", "!="):
        node = ("call", "not", ("bin", "=", *node[2:]))
    found = _terms(node[2], form) if node[:2] == ("call", "not") else None
    if found is None or len(found) != 1 or _everyone(found[0][0], form):
        return None
    path, answers = found[0]
    question = form.question(path)
    same = question.repeat is None and repeat is None  # everyone: the interviews
    return (path, answers) if question.type == SELECT_ONE and same else None


def _everyone(path: str, form: SurveyForm) -> bool:
    """A select_one every interview (or row) answers: "not x" is one of its other answers."""
    question = form.question(path)
    return question.type == SELECT_ONE and question.required and not question.relevant


def _type(name: str, form: SurveyForm) -> str | None:
    try:
        return form.question(name).type
    except KeyError:
        return None


def _named(text: str, form: SurveyForm) -> set[str]:
    found = set()
    for name in _REFERENCE.findall(text):
        if _type(name, form) is not None:
            found.add(form.question(name).path)
    return found


def relevance_ties(
    tables: Sequence[_Table],
    dimensions: Mapping[str, Dimension],
    relevance: Mapping[str, Relevance],
    key: KeyOf,
) -> tuple[list[Line], set[Key]]:
    """Lines "a group's respondents of a question = the group's count of the answers that
    make it relevant", and the respondents (keys) that no line ties exactly. The equation
    holds when the question is required; when it is not, it is a bound, and taking it as an
    equation only adds knowledge to the reader's: the check is stricter, never weaker."""
    published = {t.question for t in tables} | {d.question for d in dimensions.values()}
    own = {(t.question, t.dimension): t for t in tables}
    lines: list[Line] = []
    known: set[Key] = set()
    for table in tables:
        rule = relevance.get(table.question)
        if rule is None:
            continue
        reads = [(q, a) for q, a in rule.reads.items() if q in published]
        # Conditions on questions nothing publishes tie the group sizes to no published number.
        if len(reads) > 1 and not rule.opaque & published:
            continue  # answers of two questions and more: `kipu.core.surveys.asked`
        tied: list[Line] | None = None if rule.opaque & published else []
        if tied is not None and reads:
            tied = _tie(table, *reads[0], own, dimensions, key)
        if tied is None:
            rows = len(table.answers)
            known |= {key(table, rows, j) for j, n in enumerate(table.respondents) if n}
        else:
            lines += tied
    return lines, known


def _tie(
    table: _Table,
    question: str,
    answers: frozenset[str],
    own: Mapping[tuple[str, str], _Table],
    dimensions: Mapping[str, Dimension],
    key: KeyOf,
) -> list[Line] | None:
    """The lines of `table`'s groups, or None when a group's count is not modelled."""
    rows, lines = len(table.answers), []
    for j, (group, size) in enumerate(zip(table.groups, table.respondents, strict=True)):
        terms = _count(question, answers, table.dimension, group, size, own, dimensions, key)
        if terms is None:
            return None
        # No count (0, or not published): no line. A 0 beside respondents means answers
        # the form does not allow; a line of one term would "pin" it for nothing.
        mine = key(table, rows, j)  # a group size linked to itself says nothing
        if any(value for _, value in terms) and size and mine not in {t for t, _ in terms}:
            lines.append(Line(((mine, 1), *((t, -1) for t, _ in terms))))
    return lines


def _count(
    question: str,
    answers: frozenset[str],
    dimension: str,
    group: str,
    size: int,
    own: Mapping[tuple[str, str], _Table],
    dimensions: Mapping[str, Dimension],
    key: KeyOf,
) -> list[tuple[Key, int]] | None:
    """The published numbers (key, value) that add up to how many people in `group` of
    `dimension` gave one of `answers` to `question`: [] when none does (nobody, or a number
    tied to nothing published), None when a reader may have it in a way not modelled."""
    source = dimensions.get(dimension)
    if source is not None and not source.bins and source.question == question:
        if group not in answers:  # the breakdown is the question: only its own answers count
            return []
        dimension, answers = ALL, frozenset({group})
    if dimension == ALL:
        overall = own.get((question, ALL))
        if overall is None:  # only a breakdown: its groups' sizes, when they are the same
            return _sizes(question, answers, size, own, dimensions, key)
        return _cells(overall, answers, ALL, key, by_answer=True)
    if (question, dimension) in own:
        return _cells(own[(question, dimension)], answers, group, key, by_answer=True)
    if source is None:
        return None  # a breakdown not described: nothing can be said of it
    for (other, name), mirror in own.items():  # transposed: the breakdown's question by ours
        by = dimensions.get(name)
        if other == source.question and by and not by.bins and by.question == question:
            if group not in mirror.answers:
                return None  # `_missing`: the round's count less the others, not modelled
            return _cells(mirror, answers, group, key, by_answer=False)
    # Tables of the question by a breakdown cut from the same answers as ours (bins of one
    # age) tie its hidden counts here to published ones: not modelled, so not tied.
    related = any(
        q == question
        and (by := dimensions.get(name)) is not None
        and by.question == source.question
        for q, name in own
    )
    return None if related else []


def _cells(
    table: _Table, answers: Iterable[str], group: str, key: KeyOf, *, by_answer: bool
) -> list[tuple[Key, int]]:
    """Cells of `table` in `group` for `answers` (answers as rows), or with `by_answer`
    False, `group` as the row and `answers` as the groups (a transposed table)."""
    found = []
    for a in answers:
        row, column = (a, group) if by_answer else (group, a)
        if row in table.answers and column in table.groups:
            i, j = table.answers.index(row), table.groups.index(column)
            found.append((key(table, i, j), table.cells[i][j]))
    return found


def _sizes(
    question: str,
    answers: frozenset[str],
    size: int,
    own: Mapping[tuple[str, str], _Table],
    dimensions: Mapping[str, Dimension],
    key: KeyOf,
) -> list[tuple[Key, int]]:
    """The groups' respondents, in a table by a breakdown on `question`, that add up to
    `size` (the same people, as `public` links equal group sizes); [] when none do."""
    for (_, name), table in own.items():
        by = dimensions.get(name)
        if by is None or by.bins or by.question != question:
            continue
        rows = len(table.answers)
        found = [
            (key(table, rows, j), n)
            for j, (g, n) in enumerate(zip(table.groups, table.respondents, strict=True))
            if g in answers
        ]
        if found and sum(n for _, n in found) == size:
            return found
    return []
