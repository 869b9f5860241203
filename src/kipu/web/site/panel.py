"""What the dashboard's templates show, from one board: the results panel (period, notices,
cards, official key figures, charts, map, tables, downloads) and the filters' options, in
the alphabetical order of the interface language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kipu.core.reference import ReferenceData
from kipu.core.text import normalise
from kipu.web.site import board_notes, board_tables, downloads, graphics, mapsvg, official
from kipu.web.site.dashboard import Dashboard
from kipu.web.site.levels import admin1_label, level_labels
from kipu.web.site.tables import TABLES, group_label

NUMBER_LABELS = {
    "people_reached": gettext_lazy("People reached (without double counting)"),
    "partners": gettext_lazy("Organisations reporting"),
}  # admin1_covered, admin2_covered: in the country's words (levels.level_labels)
NUMBER_STATES = {  # a card's word instead of a number (dashboard.key_notes)
    "not_reported": gettext_lazy("Not reported"),
    "withheld": gettext_lazy("Withheld"),
}
NUMBER_NOTES = {  # a card's note under its label (dashboard.key_notes)
    "withheld": gettext_lazy(
        "Places with small numbers of people are withheld to protect those people."
    ),
    "partly_withheld": gettext_lazy(
        "Not counting places withheld to protect small numbers of people."
    ),
    "above_sectors": board_notes.ABOVE_SECTORS,
}
FILTER_NAMES = {
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "sector": gettext_lazy("Sector or area"),
    "org": gettext_lazy("Organisation"),
    "country": gettext_lazy("Country"),
}


def notices(board: Dashboard) -> list[str]:
    """What the dashboard could not use of the request, said in words."""
    found = []
    for name, value, reason in board.filters.rejected:
        if reason == "order":
            found.append(_("“To” (%(value)s) is before “From”: it was ignored.") % {"value": value})
        elif reason == "years":
            found.append(
                _(
                    "“From” (%(value)s) is in an earlier year than “To”: people reached are "
                    "counted within one year, so the period starts in the year of “To”."
                )
                % {"value": value}
            )
        else:
            found.append(
                _("“%(value)s” is not a month (YYYY-MM): the “%(name)s” filter was ignored.")
                % {"value": value, "name": FILTER_NAMES[name]}
            )
    if board.unpublished:
        words = downloads.month_words
        shown = [words(int(m[:4]), int(m[5:7]), board.lang) for m in board.unpublished]
        months = ", ".join(shown[:12]) + (" …" if len(shown) > 12 else "")
        found.append(_("Not published, so not counted: %(months)s.") % {"months": months})
        found.extend(_withheld(board))
    for name, value in board.unknown:
        found.append(
            _(
                "“%(value)s” is not a known value of “%(name)s” on this platform: "
                "nothing matches it."
            )
            % {"value": value, "name": _filter_name(board, name)}
        )
    return found


def _withheld(board: Dashboard) -> list[str]:
    """For the IM team: the months left out that their platform published, and whom each
    waits for (`Scope.withheld_months`). The page's cache tells them apart (`site.views`)."""
    if not board.scope.can_manage_platform():
        return []
    from kipu.web.submissions.months import waiting_note

    withheld = board.scope.withheld_months()
    return [
        _("%(month)s is published here, but %(why)s.")
        % {"month": downloads.month_words(int(m[:4]), int(m[5:7]), board.lang), "why": why}
        for m in board.unpublished
        if m in withheld and (why := waiting_note(withheld[m]))
    ]


def _filter_name(board: Dashboard, name: str) -> str:
    if name == "admin1":
        return level_labels(board.platform.country, board.lang)["admin1"]
    return str(FILTER_NAMES[name])


def _map(board: Dashboard) -> dict[str, Any]:
    if not board.has_data:
        return {"map": None, "unmapped": []}
    rows = board_tables.admin1_table(board)
    country = board.platform.country
    found = mapsvg.department_map(
        country,
        {r["pcode"]: r["reached"] for r in rows},
        {r["pcode"]: r["partners"] for r in rows},
        board.lang,
        board.filters.admin1,
    )
    aside = set(mapsvg.unmapped(country, [r["pcode"] for r in rows])) if found else set()
    unmapped = [(r["label"], r["reached"]) for r in admin1_rows(board) if r["pcode"] in aside]
    return {"map": found, "unmapped": unmapped}


def admin1_rows(board: Dashboard) -> list[dict[str, Any]]:
    """`dashboard.admin1_table`'s rows with the `label` the page shows (`levels.admin1_label`:
    the country named on a regional platform)."""
    return [
        {
            **r,
            "label": admin1_label(
                board.reference, r["admin1"], r["national"], r["country"], board.lang
            ),
        }
        for r in board_tables.admin1_table(board)
    ]


def numbers(board: Dashboard) -> list[tuple[str, str, int | None, str, str]]:
    """The cards: (name, label, number or None, word instead of the number, note)."""
    levels = level_labels(board.platform.country, board.lang)
    notes = board_tables.key_notes(board)
    found = []
    for name, value in board_tables.key_numbers(board):
        state = notes.get(name, "")
        found.append(
            (
                name,
                levels.get(name) or str(NUMBER_LABELS[name]),
                value,
                str(NUMBER_STATES[state]) if value is None and state in NUMBER_STATES else "",
                str(NUMBER_NOTES[state]) if state in NUMBER_NOTES else "",
            )
        )
    return found


def panel_context(board: Dashboard) -> dict[str, Any]:
    period = board.period
    breakdown = board_tables.breakdown(board)
    titles = {"population": _("By population type"), "age_sex": _("By age and sex")}
    levels = level_labels(board.platform.country, board.lang)
    return {
        "board": board,
        "filters": board.filters,
        "query": board.filters.query(),
        "period": period,
        "period_words": downloads.period_words(period, board.lang),
        "notices": notices(board),
        "numbers": numbers(board),
        "key_figures": official.key_figures(board.platform, period[1], board.lang)
        if period[1]
        else [],
        "sector_rows": board_tables.sector_table(board),
        "admin1_rows": admin1_rows(board),
        "total": board_tables.total_row(board),
        "targets": board_tables.targets_table(board),
        "targets_partial": board_tables.targets_partial(board),
        # The notes beside what they qualify: every number, the Intersector's total, targets.
        "figure_notes": board_notes.general_notes(board),
        "above_sectors": board_notes.above_sectors(board),
        "targets_notes": board_notes.progress_notes(board),
        "filtered": bool(set(board.filters.pairs()) - {"from", "to", "view"}),
        "breakdown": [
            (part, titles[part], [(group_label(g, board.lang), v) for g, v in values])
            for part, values in breakdown.items()
        ],
        "charts": [
            (
                name,
                graphics.CHART_TITLES[name],
                downloads.filename(board, name, "svg"),
                downloads.filename(board, name, "png"),
            )
            for name in graphics.CHARTS
            if graphics.has_chart(board, name)
        ],
        "files": {
            name: {ext: downloads.filename(board, table.filename, ext) for ext in ("csv", "xlsx")}
            for name, table in TABLES.items()
        },
        "synthetic_note": downloads.synthetic_note() if board.platform.synthetic else "",
        "source": downloads.source_text(board),
        "base": f"/dashboard/{board.platform.slug}/",
        "levels": levels,
        **_map(board),
    }


def filter_options(reference: ReferenceData, lang: str) -> dict[str, Any]:
    """The filters' choices, each list in the alphabetical order of `lang`."""
    from babel import Locale

    sectors = sorted(
        ((s.code, s.label(lang)) for s in reference.plan.sectors),
        key=lambda pair: collation_key(pair[1], lang),
    )
    organisations = sorted(
        ((o.key, o.acronym or o.names.get(lang) or o.name) for o in reference.organisations),
        key=lambda pair: collation_key(pair[1], lang),
    )
    territories = Locale(lang).territories
    units = {u.country: u for u in reference.gazetteer.countries()}
    countries = []
    for code in reference.countries:
        unit = units.get(code)
        iso2 = (unit.iso or unit.pcode).upper() if unit else ""
        countries.append((code, territories.get(iso2) or (unit.name if unit else code)))
    partners = sorted(
        (o.names.get(lang) or o.name for o in reference.organisations),
        key=lambda name: collation_key(name, lang),
    )
    return {
        "sectors": sectors,
        "admin1_options": admin1_options(reference, lang),
        "organisations": organisations,
        "country_options": sorted(countries, key=lambda pair: collation_key(pair[1], lang)),
        "partner_names": partners,
    }


def admin1_options(reference: ReferenceData, lang: str) -> list[tuple[str, str, bool]]:
    """Every admin1 unit of the platform's countries (P-code, label, national), the national
    pseudo-units first, then in alphabetical order of the language; labels as
    `levels.admin1_label` ("Country level", "Santa Cruz (Bolivia)" on a regional platform)."""
    units = [
        loc
        for loc in reference.gazetteer.locations.values()
        if loc.country in reference.countries and (loc.level == 1 or loc.national)
    ]
    if reference.admin1_scope:
        units = [u for u in units if u.pcode in reference.admin1_scope or u.national]
    labelled = [(u, admin1_label(reference, u.name, u.national, u.country, lang)) for u in units]
    ordered = sorted(labelled, key=lambda p: (not p[0].national, collation_key(p[1], lang)))
    return [(u.pcode, label, u.national) for u, label in ordered]


def collation_key(text: str, lang: str) -> tuple[str, str]:
    """Alphabetical order of `lang`, ignoring accents and case ("Áncash" with the A's); in
    Spanish "ñ" is a letter of its own after "n" (RAE, 2010)."""
    folded = str(text).casefold()
    if lang == "es":
        folded = folded.replace("ñ", "n\U0010ffff").replace("n\u0303", "n\U0010ffff")
    return normalise(folded), str(text)
