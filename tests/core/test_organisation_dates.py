"""An organisations file whose membership dates contradict each other is refused, with an
error at the row. A tester's: two rows of one organisation with other `member_since` dates
loaded one of them without a word, and a `member_until` before `member_since` (which the
web's membership form refuses) was stored."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.loaders.organisations import load_organisations

NAMES = ("Acme Relief", "ACME relief", "Beta Aid")  # the first two are one organisation
DAYS = (None, date(2019, 1, 1), date(2020, 6, 1), date(2021, 3, 1))
ROW = st.tuples(st.sampled_from(NAMES), st.sampled_from(DAYS), st.sampled_from(DAYS))


def _write(folder: Path, rows: list[tuple[str, date | None, date | None]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "member_since", "member_until"])
    for name, since, until in rows:
        writer.writerow(
            [name, since.isoformat() if since else "", until.isoformat() if until else ""]
        )
    path = folder / "orgs.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _contradicts(rows: list[tuple[str, date | None, date | None]]) -> bool:
    """Whether an organisation's rows, taken together, give two dates of one kind, or end
    before they start."""
    for key in {name.casefold() for name, _, _ in rows}:
        mine = [(s, u) for name, s, u in rows if name.casefold() == key]
        starts = {s for s, _ in mine if s}
        ends = {u for _, u in mine if u}
        if len(starts) > 1 or len(ends) > 1 or any(u < s for s, u in mine if s and u):
            return True
        if starts and ends and min(ends) < min(starts):
            return True
    return False


@given(st.lists(ROW, min_size=1, max_size=5))
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_contradictory_membership_dates_are_refused_at_their_row(tmp_path: Path, rows) -> None:  # noqa: ANN001
    loaded = load_organisations(_write(tmp_path, rows))
    assert loaded.ok == (not _contradicts(rows)), (rows, loaded.errors)
    for error in loaded.errors:
        assert error.row is not None and 2 <= error.row <= len(rows) + 1
        assert error.column in ("member_since", "member_until")


def test_the_messages_name_both_dates(tmp_path: Path) -> None:
    rows = [
        ("Acme Relief", date(2019, 1, 1), None),
        ("Acme Relief", date(2020, 6, 1), None),
        ("Beta Aid", date(2021, 3, 1), date(2020, 6, 1)),
        ("Acme relief", None, date(2018, 1, 1)),
    ]
    assert [str(e) for e in load_organisations(_write(tmp_path, rows)).errors] == [
        "orgs.csv, row 3, column 'member_since': member_since 2020-06-01, where row 2 of the "
        "same organisation has 2019-01-01: give the organisation one member_since",
        "orgs.csv, row 4, column 'member_until': member_until 2020-06-01 is before "
        "member_since 2021-03-01: the period ends before it starts",
        "orgs.csv, row 5, column 'member_until': member_until 2018-01-01 is before "
        "member_since 2019-01-01 (row 2): the period ends before it starts",
    ]
