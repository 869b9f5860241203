"""The notes that qualify the dashboard's numbers, in the page's language: the figures' own
(`Figures.notes`: rows with accepted errors not counted, rows left out, partners not
counted, progress against another year's plan or from a month after the plan year's start)
and the Intersector above the sum of its sectors. The page shows each beside what it
qualifies; each table's download carries those of its table (`table_notes`) among its note
lines. The CLI and the API said them; the page and its downloads printed the same numbers
without a word."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kipu.core.figures.notes import note_text
from kipu.core.figures.periods import plan_year_start
from kipu.core.report.labels import month_words
from kipu.web.site import board_tables
from kipu.web.site.dashboard import Dashboard, shows_internal

# The notes on progress against the plan's targets: under the targets table, and in its
# download only (a sector table's reader has no targets to qualify).
PROGRESS = frozenset({"partial_year", "plan_of_another_year", "area_targets_unknown"})
# The tables whose numbers include the Intersector's own: its groups (the breakdown) and its
# total beside the sectors' rows.
SHOW_INTERSECTOR = frozenset({"sectors", "breakdown"})

ABOVE_SECTORS = gettext_lazy(
    "Above the sum of the sectors: the method rounds each population, age and sex group "
    "to whole people."
)


def general_notes(board: Dashboard) -> list[str]:
    """The figures' notes that qualify every number of the page (not progress): shown even
    without rows, since rows left out may be why there is none."""
    return [_text(board, n) for n in board.figures.notes if _key(n) not in PROGRESS]


def progress_notes(board: Dashboard) -> list[str]:
    """The notes on the targets table, when it is shown."""
    if not board_tables.targets_table(board):
        return []
    return [_text(board, n) for n in board.figures.notes if _key(n) in PROGRESS]


def above_sectors(board: Dashboard) -> list[str]:
    """The note on an Intersector above the sum of its sectors (`board_tables.key_notes`)."""
    above = board_tables.key_notes(board).get("people_reached") == "above_sectors"
    return [str(ABOVE_SECTORS)] if above else []


def table_notes(board: Dashboard, name: str) -> list[str]:
    """The notes a table's download carries (`kipu.web.site.tables.TABLES` names)."""
    found = general_notes(board)
    intersector = name == "targets" and any(
        r["code"] is None for r in board_tables.targets_table(board)
    )
    if name in SHOW_INTERSECTOR or intersector:
        found += above_sectors(board)
    if name == "targets":
        found += progress_notes(board)
    return found


def _key(said: str) -> str:
    return getattr(said, "key", "")


def _text(board: Dashboard, said: str) -> str:
    """The note in the page's language; those telling how to ask for other figures say it in
    the page's words (the CLI's "--from 2019-01" is no choice a visitor has)."""
    key, lang = _key(said), board.lang
    first, end = board.figures.date_from, board.figures.date_to
    if key == "partial_year" and first:
        start = plan_year_start(first)
        months = {"first": _month(first, lang), "start": _month(start, lang)}
        if shows_internal(board.scope, board.filters) or start in board.scope.published_months:
            return (
                _(
                    "Progress against the plan’s targets counts the people reached from "
                    "%(first)s only, not from the start of the plan year (%(start)s): choose "
                    "“From” %(start)s for the year’s progress."
                )
                % months
            )
        # The year's first months are not shown (not published): no choice to offer.
        return (
            _(
                "Progress against the plan’s targets counts the people reached from %(first)s "
                "only, not from the start of the plan year (%(start)s)."
            )
            % months
        )
    if key == "plan_of_another_year" and end:
        return _(
            "There is no plan for %(year)s: progress is against the %(plan)s plan’s people "
            "in need and targets."
        ) % {"year": plan_year_start(end)[:4], "plan": board.reference.plan.year}
    return note_text(said, lang)


def _month(month: str, lang: str) -> str:
    return month_words(int(month[:4]), int(month[5:7]), lang)
