"""Disclosure control for every public table Kipu serves: no cell describes fewer than k
people, and no suppressed cell can be worked out from the totals published beside it.

One rule (`protect`), used by survey results and by public 5W tables cut finer than the
department:

1. **Primary suppression**: a cell counting between 1 and k-1 people (k = 5 by default,
   set per platform) is suppressed. A zero is published: it describes nobody.
2. **Complementary suppression**: a table publishes its totals too (rows, columns, grand
   total), and every total is a linear equation over its cells. A suppressed cell is
   *derivable* when those equations fix its value although the other suppressed cells are
   unknown; then more cells are suppressed until no suppressed cell is derivable. A cell is
   derivable exactly when every solution of the equations, restricted to the suppressed
   cells, gives it the same value: when its coordinate vanishes on the null space of the
   equations' matrix over the suppressed cells (computed with an SVD, per connected part).
   Complements are chosen among published non-zero cells, smallest first (least
   information lost; a zero complement could be pinned by non-negativity), totals last.

The tables are described generically: `values` (cell → count), `lines` (each an equation
Σ coefficient × cell = 0, a total entering with −1), `hidden` cells (never published, such
as the age × population-type cross of a 5W row: unknown to everyone, counted as suppressed).
`table_lines` writes the lines of a two-way table with its margins.

Not covered (documented in docs/surveys.md): bounds a reader could get from non-negativity
beyond exact derivation (an interval), and differencing between tables published with
different, overlapping definitions unless the caller declares the ties as lines (only
declared lines are considered: `public` declares those of survey tables cut from the same
answers, over hidden cells, and those of the form's `relevant` conditions).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

DEFAULT_K = 5
_TOLERANCE = 1e-9
_TRIES = 8  # candidates tried, cheapest first, before one that does not settle it is kept

Key = Any  # any hashable cell key: (row, column), (row, "girls")…


@dataclass(frozen=True)
class Line:
    """One published total: Σ coefficient × value of cell = 0 (the total itself with −1)."""

    terms: tuple[tuple[Key, int], ...]


def table_lines(rows: int, columns: int, *, column_sums: bool = True) -> list[Line]:
    """The lines of a two-way table with margins, cells keyed (i, j) with i == rows the total
    row and j == columns the total column. `column_sums=False` for tables whose columns do
    not add up (a select_multiple: a respondent may tick several answers), keeping the
    row sums and the sum of the column totals."""
    lines = [
        Line(tuple(((i, j), 1) for j in range(columns)) + (((i, columns), -1),))
        for i in range(rows + 1)
    ]
    if column_sums:
        lines += [
            Line(tuple(((i, j), 1) for i in range(rows)) + (((rows, j), -1),))
            for j in range(columns + 1)
        ]
    else:
        lines.append(Line(tuple(((rows, j), 1) for j in range(columns)) + (((rows, columns), -1),)))
    return lines


def primary(values: Mapping[Any, int | None], k: int, sensitive: Iterable[Any]) -> set[Any]:
    """Cells counting between 1 and k-1."""
    return {key for key in sensitive if (value := values.get(key)) is not None and 0 < value < k}


def protect(
    values: Mapping[Any, int | None],
    lines: Sequence[Line],
    k: int = DEFAULT_K,
    *,
    sensitive: Iterable[Key] | None = None,
    hidden: Collection[Key] = (),
    keep: Collection[Key] = (),
    forced: Iterable[Key] = (),
) -> set[Key]:
    """The published cells to suppress: primary cells (1 to k-1, among `sensitive`, default
    every published cell), `forced` ones (suppressed elsewhere: linked tables), and the
    complements that leave no suppressed cell derivable from `lines`. `keep` cells (totals
    worth publishing) are chosen as complements only when nothing else works.

    Raises ValueError for k < 1.
    """
    if k < 1:
        raise ValueError(f"the threshold k must be at least 1, not {k}")
    hidden = frozenset(hidden)
    published = [key for key in values if key not in hidden]
    chosen = primary(values, k, published if sensitive is None else sensitive)
    chosen |= set(forced) - hidden
    if not chosen:
        return chosen
    index = _Index(lines)
    order = {key: n for n, key in enumerate(published)}
    keep = frozenset(keep)

    def cost(key: Key) -> tuple[bool, bool, float, int]:
        value = values.get(key) or 0
        return (key in keep, value == 0, float(value), order.get(key, 0))

    stuck: set[Key] = set()  # derivable whatever is suppressed: a total of one cell
    while True:
        found = index.derivable(chosen | hidden, chosen) - stuck
        if not found:
            return chosen
        cell = min(found, key=lambda key: order.get(key, 0))
        complement = _complement(index, cell, chosen | hidden, cost)
        if complement is None:
            stuck.add(cell)  # `derivable` tells the caller, who must merge instead
        else:
            chosen.add(complement)


def _complement(
    index: _Index, cell: Key, unknown: set[Key], cost: Callable[[Key], Any]
) -> Key | None:
    """The published cell to suppress for derivable `cell`: among those sharing a line with
    it, the cheapest of the first few that frees it, else the cheapest. When all of those
    are suppressed already, `cell` is fixed through them: the cheapest that frees it among
    the cells sharing a line with any suppressed cell linked to it (a published total two
    tables away, say). None when no published cell is left around it."""
    near = sorted((c for c in index.neighbours(cell) if c not in unknown), key=cost)
    tries = near[:_TRIES]
    if not near:
        _, numbers = index.component(cell, unknown)
        around = {c for n in numbers for c in index.lines[n] if c not in unknown}
        near = tries = sorted(around, key=cost)
    for candidate in tries:
        if cell not in index.derivable(unknown | {candidate}, {cell}):
            return candidate
    return near[0] if near else None


def derivable(
    lines: Sequence[Line], suppressed: Collection[Key], hidden: Collection[Key] = ()
) -> set[Key]:
    """The suppressed cells that `lines` still give away (none after `protect`, unless a
    cell is a total by itself: then only merging it into a larger unit protects it)."""
    return _Index(lines).derivable(set(suppressed) | set(hidden), set(suppressed))


def protect_table(
    cells: Sequence[Sequence[int]],
    k: int = DEFAULT_K,
    *,
    row_totals: Sequence[int] | None = None,
    column_totals: Sequence[int] | None = None,
    total: int | None = None,
    column_sums: bool = True,
    forced: Iterable[tuple[int, int]] = (),
) -> set[tuple[int, int]]:
    """`protect` for a two-way table with its margins, keyed (i, j); i == len(cells) is the
    total row, j == width the total column. Margins default to the sums (pass them when
    they are not sums: respondents of a select_multiple). Totals are complements of last
    resort. Complements close, for each derivable cell, the cheapest cycle of the table
    through it (Dijkstra over rows and columns, suppressed cells free): the classic
    heuristic, then checked by the exact rule.
    """
    if k < 1:
        raise ValueError(f"the threshold k must be at least 1, not {k}")
    rows, columns = len(cells), len(cells[0]) if cells else 0
    values = _extended(cells, row_totals, column_totals, total)
    lines = table_lines(rows, columns, column_sums=column_sums)
    chosen: set[Any] = primary(values, k, values) | set(forced)
    index = _Index(lines)
    totals = {key for key in values if key[0] == rows or key[1] == columns}
    for _ in range(len(values)):
        found = index.derivable(chosen, chosen)
        if not found:
            return chosen
        path = _cheapest_cycle(min(found), values, chosen, totals, rows, columns)
        if not path:
            break
        chosen |= path
    return protect(values, lines, k, keep=totals, forced=chosen)  # the exact rule settles it


def _extended(
    cells: Sequence[Sequence[int]],
    row_totals: Sequence[int] | None,
    column_totals: Sequence[int] | None,
    total: int | None,
) -> dict[tuple[int, int], int]:
    rows, columns = len(cells), len(cells[0]) if cells else 0
    values: dict[tuple[int, int], int] = {}
    for i, row in enumerate(cells):
        for j, value in enumerate(row):
            values[(i, j)] = int(value)
        values[(i, columns)] = int(row_totals[i]) if row_totals is not None else int(sum(row))
    for j in range(columns):
        values[(rows, j)] = (
            int(column_totals[j])
            if column_totals is not None
            else sum(int(cells[i][j]) for i in range(rows))
        )
    by_rows = sum(values[(i, columns)] for i in range(rows))
    values[(rows, columns)] = int(total) if total is not None else by_rows
    return values


def _cheapest_cycle(
    cell: tuple[int, int],
    values: Mapping[tuple[int, int], int],
    chosen: set[Any],
    totals: set[tuple[int, int]],
    rows: int,
    columns: int,
) -> set[Key]:
    """The published cells of the cheapest cycle through `cell`: a path from its row to its
    column over other cells (rows and columns as the nodes of a bipartite graph)."""
    big = 1.0 + float(sum(values.values()))

    def weight(key: tuple[int, int]) -> float:
        if key in chosen:
            return 0.0
        value = float(values.get(key) or 0)
        return 1.0 + value + (big if value == 0 else 0.0) + (big * big if key in totals else 0.0)

    start, goal = ("r", cell[0]), ("c", cell[1])
    best: dict[tuple[str, int], float] = {start: 0.0}
    back: dict[tuple[str, int], tuple[tuple[str, int], tuple[int, int]]] = {}
    queue = [(0.0, start)]
    while queue:
        distance, node = heapq.heappop(queue)
        if node == goal:
            break
        if distance > best.get(node, float("inf")):
            continue
        kind, number = node
        others = range(columns + 1) if kind == "r" else range(rows + 1)
        for other in others:
            key = (number, other) if kind == "r" else (other, number)
            if key == cell:
                continue
            after = ("c" if kind == "r" else "r", other)
            total = distance + weight(key)
            if total < best.get(after, float("inf")):
                best[after], back[after] = total, (node, key)
                heapq.heappush(queue, (total, after))
    if goal not in back:
        return set()
    path: set[tuple[int, int]] = set()
    node = goal
    while node != start:
        node, key = back[node]
        path.add(key)
    return {key for key in path if key not in chosen}


class _Index:
    """The lines, indexed by cell."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = [dict(line.terms) for line in lines]
        self.by_cell: dict[Key, list[int]] = {}
        for number, terms in enumerate(self.lines):
            for key in terms:
                self.by_cell.setdefault(key, []).append(number)

    def neighbours(self, cell: Key) -> list[Key]:
        found: dict[Key, None] = {}
        for number in self.by_cell.get(cell, ()):
            found.update(dict.fromkeys(self.lines[number]))
        found.pop(cell, None)
        return list(found)

    def derivable(self, unknown: Collection[Key], asked: Collection[Key]) -> set[Key]:
        """The cells of `asked` whose value the lines fix, the `unknown` cells being unknown."""
        unknown = set(unknown)
        found: set[Key] = set()
        done: set[Key] = set()
        for cell in asked:
            if cell in done:
                continue
            part, numbers = self.component(cell, unknown)
            done |= part
            found |= {c for c in _fixed(part, [self.lines[n] for n in numbers]) if c in asked}
        return found

    def component(self, start: Key, unknown: set[Key]) -> tuple[set[Key], set[int]]:
        """The unknown cells linked to `start` through lines, and those lines."""
        part, numbers, todo = {start}, set(), [start]
        while todo:
            cell = todo.pop()
            for number in self.by_cell.get(cell, ()):
                if number in numbers:
                    continue
                numbers.add(number)
                for other in self.lines[number]:
                    if other in unknown and other not in part:
                        part.add(other)
                        todo.append(other)
        return part, numbers


def _fixed(part: set[Key], lines: list[dict[Key, int]]) -> list[Key]:
    """The cells of `part` that vanish on the null space of the lines over `part`."""
    cells = sorted(part, key=repr)
    if not lines:
        return []
    column = {key: n for n, key in enumerate(cells)}
    matrix = np.zeros((len(lines), len(cells)))
    for row, terms in enumerate(lines):
        for key, coefficient in terms.items():
            if key in column:
                matrix[row, column[key]] = coefficient
    if matrix.shape[0] > matrix.shape[1]:  # more lines than cells (linked tables):
        matrix = np.linalg.qr(matrix).R  # R has the same singular values and null space
    _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
    rank = int(np.sum(singular > _TOLERANCE * max(1.0, float(singular.max(initial=0.0)))))
    null = vt[rank:]  # rows span the null space
    if null.shape[0] == 0:
        return cells
    weight = np.sqrt(np.sum(null**2, axis=0))
    return [cells[n] for n in range(len(cells)) if weight[n] < 1e-7]
