"""What every dashboard download says about itself: its filters, period, source and, for the
demonstration's synthetic data, the note that the figures are invented; and its file name,
made of the same facts (kipu-gtrm-peru-reached-by-sector-2019-11-protection.csv).

Tables (CSV, XLSX) carry these, and the notes that qualify their numbers, as note rows above
the table; charts (PNG, SVG) in their
source line (and an SVG's <desc>). Texts follow the active language.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _

from kipu.core.report.labels import month_words
from kipu.core.text import normalise
from kipu.core.write import neutralise
from kipu.web.site.dashboard import Dashboard
from kipu.web.site.levels import admin1_label, level_labels

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def period_words(period: tuple[str | None, str | None], lang: str) -> str:
    """ "July 2019 – November 2019" ("julio de 2019 – noviembre de 2019"), one month alone;
    months by name, so no reader takes 2019-07 for a day."""
    start, end = period
    if not start or not end:
        return _("no period")
    first, last = (month_words(int(m[:4]), int(m[5:7]), lang) for m in (start, end))
    return first if start == end else f"{first} – {last}"


def iso_period(period: tuple[str | None, str | None]) -> str:
    """ " (2019-07 – 2019-11)", " (2019-11)", or "" without a period: the months as ISO."""
    start, end = period
    if not start or not end:
        return ""
    return f" ({start})" if start == end else f" ({start} – {end})"


def filter_values(board: Dashboard) -> list[tuple[str, str]]:
    """(label, value) of each filter set, values named in the board's language."""
    filters, reference = board.filters, board.reference
    found: list[tuple[str, str]] = []
    if filters.sector:
        sectors = {s.code: s.label(board.lang) for s in reference.plan.sectors}
        found.append((_("Sector or area"), sectors.get(filters.sector, filters.sector)))
    if filters.country:
        found.append((_("Country"), filters.country))
    if filters.admin1:
        place = reference.gazetteer.get(filters.admin1)
        name = (
            admin1_label(reference, place.name, place.national, place.country, board.lang)
            if place
            else filters.admin1
        )
        found.append((level_labels(board.platform.country, board.lang)["admin1"], name))
    if filters.organisation:
        names = {o.key: o.acronym or o.name for o in reference.organisations}
        found.append((_("Organisation"), names.get(filters.organisation, filters.organisation)))
    if filters.internal:
        found.append((_("View"), _("Internal (unpublished data I may see)")))
    return found


def source_text(board: Dashboard) -> str:
    """The 5W source: the platform's 5W reports, published months (or the internal view)."""
    which = _("internal view") if board.filters.internal else _("published months")
    return _("%(platform)s 5W reports (%(which)s)") % {
        "platform": board.platform.name,
        "which": which,
    }


def notes(
    board: Dashboard, title: str, source: str | None = None, qualifying: Sequence[str] = ()
) -> list[str]:
    """The lines a download starts with: title, platform, period, filters, source, the notes
    that qualify its numbers (`board_notes.table_notes`), synthetic-data note, date made."""
    filters = filter_values(board)
    lines = [
        f"{title} – {board.platform.name}",
        _("Period: %(period)s") % {"period": period_words(board.period, board.lang)}
        + iso_period(board.period),
        _("Filters: %(filters)s")
        % {"filters": "; ".join(f"{k}: {v}" for k, v in filters) if filters else _("none")},
        _("Source: %(source)s") % {"source": source or source_text(board)},
        *(_("Note: %(note)s") % {"note": said} for said in qualifying),
    ]
    if board.platform.synthetic:
        lines.append(synthetic_note())
    lines.append(_("Downloaded on %(day)s") % {"day": day_words(date.today(), board.lang)})
    return lines


def synthetic_note() -> str:
    return _("Synthetic demonstration data: every figure is invented, none is real.")


def day_words(day: date, lang: str) -> str:
    """ "9 Dec 2019" / "9 dic 2019": day first, month by name, never 12/09/2019."""
    months = {
        "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "es": "ene feb mar abr may jun jul ago sep oct nov dic",
    }[lang if lang == "es" else "en"].split()
    return f"{day.day} {months[day.month - 1]} {day.year}"


def chart_source(board: Dashboard, source: str | None = None) -> str:
    """A chart's source line, with the period, the filters and the synthetic-data note."""
    filters = filter_values(board)
    parts = [
        source or source_text(board),
        _("Period: %(period)s") % {"period": period_words(board.period, board.lang)},
    ]
    if filters:
        parts.append(_("Filters: %(filters)s") % {"filters": ", ".join(v for _k, v in filters)})
    if board.platform.synthetic:
        parts.append(synthetic_note())
    return ". ".join(p.rstrip(".") for p in parts) + "."


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-")


def filename(board: Dashboard, name: str, ext: str) -> str:
    """kipu-<platform>-<name>-<period>[-<filter values>].<ext>, ASCII only."""
    start, end = board.period
    period = (start if start == end else f"{start}-to-{end}") if start else "no-data"
    values = [slug(v) for _k, v in filter_values(board)]
    parts = ["kipu", board.platform.slug, name, period, *[v for v in values if v]]
    return "-".join(parts) + f".{ext}"


def csv_bytes(
    head: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> bytes:
    """The note lines (one cell each), an empty line, then the table; every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([[neutralise(line)] for line in head])
    writer.writerow([])
    writer.writerow([neutralise(c) for c in columns])
    writer.writerows([["" if v is None else neutralise(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(
    head: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> bytes:
    from kipu.core.export import write_xlsx_bytes

    table: list[list[object]] = [[line] for line in head]
    table += [[], list(columns), *[list(row) for row in rows]]
    return write_xlsx_bytes(table)  # every cell through kipu.core.write.excel_cell
