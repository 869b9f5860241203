"""The dashboard's tables as downloads: title, file-name part, column labels and rows, in the
active language, from the same board numbers the page shows (totals included)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kipu.web.api.opendata import POPULATION_LABELS
from kipu.web.site import board_tables
from kipu.web.site.dashboard import Dashboard
from kipu.web.site.levels import admin1_label, level_labels

Rows = list[list[object]]


@dataclass(frozen=True)
class Table:
    title: object  # a lazy translation, or the board's title (its admin level's words)
    filename: str  # the name part of the file name (kipu.web.site.downloads.filename)
    columns: Callable[[Dashboard], list[str]]
    rows: Callable[[Dashboard], Rows]

    def heading(self, board: Dashboard) -> str:
        if callable(self.title) and not isinstance(self.title, Promise):
            return str(self.title(board))
        return str(self.title)


def _levels(board: Dashboard) -> dict[str, str]:
    return level_labels(board.platform.country, board.lang)


def group_label(name: str, lang: str) -> str:
    """A population type or age/sex group in `lang` ("Refugees and migrants in destination")."""
    if name == "not_broken_down":
        return _("Not broken down")
    english, spanish = POPULATION_LABELS[name]
    text = spanish if lang == "es" else english
    return text[:1].upper() + text[1:]


def _total_label() -> str:
    return _("Total, without double counting")


def _sectors(board: Dashboard) -> Rows:
    total = board_tables.total_row(board)
    rows: Rows = [
        [r["code"], r["sector"], r["reached"], r["partners"]]
        for r in board_tables.sector_table(board)
    ]
    return [*rows, ["", _total_label(), total["reached"], total["partners"]]] if rows else rows


def _admin1(board: Dashboard) -> Rows:
    total = board_tables.total_row(board)
    rows: Rows = [
        [
            r["pcode"],
            admin1_label(board.reference, r["admin1"], r["national"], r["country"], board.lang),
            r["reached"],
            r["partners"],
        ]
        for r in board_tables.admin1_table(board)
    ]
    return [*rows, ["", _total_label(), total["reached"], total["partners"]]] if rows else rows


def _targets(board: Dashboard) -> Rows:
    partial = board_tables.targets_partial(board)
    return [
        [
            r["code"] or "",
            r["sector"] or _("All sectors (intersector)"),
            r["reached"],
            r["targeted"],
            share(r["pct_targeted"]),
            r["in_need"],
            share(r["pct_need"]),
            *([r["reached_everywhere"]] if partial else []),
        ]
        for r in board_tables.targets_table(board)
    ]


def share(percent: float | None) -> float | None:
    """A percentage as the downloads hold it: to one decimal, as the page shows it and the
    API's progress holds it (`partners._percent`); where one decimal would read 0 or 100
    and it is neither (4 of 48,000), to the first decimal that does not. Unrounded, the
    downloads printed 56.971111111111114."""
    if percent is None:
        return None
    for decimals in range(1, 12):
        rounded = round(percent, decimals)
        if (rounded != 0 or percent == 0) and (rounded != 100 or percent == 100):
            return rounded
    return percent


def _targets_columns(board: Dashboard) -> list[str]:
    """The targets' columns; where the plan sets targets for some places only (a regional
    plan, for some countries), people reached where targeted and over all places."""
    partial = board_tables.targets_partial(board)
    return [
        _("Code"),
        _("Sector or area"),
        _("People reached where targeted") if partial else _("People reached"),
        _("People targeted"),
        _("% of people targeted"),
        _("People in need"),
        _("% of people in need"),
        *([_("People reached, all places")] if partial else []),
    ]


def _breakdown(board: Dashboard) -> Rows:
    titles = {"population": _("Population type"), "age_sex": _("Age and sex")}
    rows: Rows = []
    for part, values in board_tables.breakdown(board).items():
        rows += [[titles[part], group_label(g, board.lang), v] for g, v in values]
        rows.append([titles[part], _total_label(), board.reached()])
    return rows


TABLES: dict[str, Table] = {
    "sectors": Table(
        gettext_lazy("People reached by sector or area"),
        "reached-by-sector",
        lambda board: [_("Code"), _("Sector or area"), _("People reached"), _("Partners")],
        _sectors,
    ),
    "admin1": Table(
        lambda board: _levels(board)["reached_by_admin1"],
        "reached-by-department",
        lambda board: [_("P-code"), _levels(board)["admin1"], _("People reached"), _("Partners")],
        _admin1,
    ),
    "targets": Table(
        gettext_lazy("People reached against targets"),
        "reached-against-targets",
        _targets_columns,
        _targets,
    ),
    "breakdown": Table(
        gettext_lazy("People reached by population type, age and sex"),
        "reached-by-group",
        lambda board: [_("Breakdown"), _("Group"), _("People reached")],
        _breakdown,
    ),
}
