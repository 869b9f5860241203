"""Issue 14, point 10: "reported / not reported" is one computation (`Grid.counts`) and every
console page shows the same numbers: the months table, the completeness grid, the reminders
page and the lock and publish summaries. Each kind of submission history is a case."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from web_actors import client_for

from kipu.web.console import queries
from kipu.web.platforms.models import Membership, Organisation
from kipu.web.submissions.models import Submission
from kipu.web.submissions.months import lock_month, reopen_month

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"
MONTH = "2019-06"


def member(platform, name: str, start: dt.date | None = None, end: dt.date | None = None):  # noqa: ANN001, ANN201
    organisation = Organisation.objects.create(name_en=name, acronym=name)
    Membership.objects.create(
        platform=platform, organisation=organisation, start_date=start, end_date=end
    )
    return organisation


def on_time(ctx: dict[str, Any]) -> None:
    ctx["stamp"](
        ctx["rows"](ctx["platform"], member(ctx["platform"], "ONTIME"), month=MONTH),
        dt.date(2019, 7, 3),
    )


def late(ctx: dict[str, Any]) -> None:
    ctx["stamp"](
        ctx["rows"](ctx["platform"], member(ctx["platform"], "LATE"), month=MONTH),
        dt.date(2019, 7, 20),
    )


def superseded(ctx: dict[str, Any]) -> None:
    org = member(ctx["platform"], "REPLACED")
    old = ctx["rows"](ctx["platform"], org, month=MONTH, status=Submission.Status.SUPERSEDED)
    ctx["stamp"](old, dt.date(2019, 7, 2))
    ctx["stamp"](ctx["rows"](ctx["platform"], org, month=MONTH), dt.date(2019, 8, 1))


def rejected_then_fixed(ctx: dict[str, Any]) -> None:
    """A rejected upload an accepted version followed: reported, not "rejected"."""
    org = member(ctx["platform"], "FIXED")
    bad = ctx["rows"](ctx["platform"], org, month=MONTH, count=0, status=Submission.Status.REJECTED)
    ctx["stamp"](bad, dt.date(2019, 7, 1))
    ctx["stamp"](ctx["rows"](ctx["platform"], org, month=MONTH), dt.date(2019, 7, 2))


def rejected_only(ctx: dict[str, Any]) -> None:
    org = member(ctx["platform"], "REFUSED")
    ctx["rows"](ctx["platform"], org, month=MONTH, count=0, status=Submission.Status.REJECTED)


def joined_later(ctx: dict[str, Any]) -> None:
    member(ctx["platform"], "NEWCOMER", start=dt.date(2019, 9, 1))


def left_before(ctx: dict[str, Any]) -> None:
    member(ctx["platform"], "FORMER", end=dt.date(2019, 3, 31))


def joined_mid_month(ctx: dict[str, Any]) -> None:
    member(ctx["platform"], "MIDMONTH", start=dt.date(2019, 6, 20))  # expected for June


def reopened(ctx: dict[str, Any]) -> None:
    """A month locked then reopened keeps every upload it had."""
    on_time(ctx)
    lock_month(ctx["platform"], MONTH, "test")
    reopen_month(ctx["platform"], MONTH, "test", "a correction")


# Each case adds organisations to the fixture's two (Partner A and B, who never report):
# (reported, not reported) for June.
CASES: dict[str, tuple[Callable[[dict[str, Any]], None], int, int]] = {
    "on time": (on_time, 1, 2),
    "late": (late, 1, 2),
    "superseded then replaced late": (superseded, 1, 2),
    "rejected then fixed": (rejected_then_fixed, 1, 2),
    "rejected only": (rejected_only, 0, 3),
    "joined after the month": (joined_later, 0, 2),
    "left before the month": (left_before, 0, 2),
    "joined during the month": (joined_mid_month, 0, 3),
    "reopened": (reopened, 1, 2),
}


def shown(page: str, attribute: str, month: str | None = None) -> set[int]:
    """The numbers a page shows in `data-<attribute>` (of `month` where the page has several)."""
    if month is None:
        pattern = rf'data-{attribute}="(\d+)"'
    else:
        pattern = rf'data-month="{month}"[^>]*?data-{attribute}="(\d+)"'
    return {int(n) for n in re.findall(pattern, page)}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_every_page_counts_the_same(case, platform, admin, rows, stamp) -> None:  # noqa: ANN001
    make, reported, not_reported = CASES[case]
    make({"platform": platform, "rows": rows, "stamp": stamp})
    counts = queries.completeness(platform, [MONTH]).counts(MONTH)
    assert (counts.submitted, counts.not_reported) == (reported, not_reported)
    client = client_for(admin)
    pages = {
        "months": client.get(f"/console/{Q}&year=2019").content.decode(),
        "grid": client.get(f"/console/completeness/{Q}&year=2019").content.decode(),
        "reminders": client.get(f"/console/reminders/{Q}&month={MONTH}").content.decode(),
        "lock": client.get(f"/console/months/{MONTH}/lock/{Q}").content.decode(),
    }
    assert shown(pages["months"], "not-reported", MONTH) == {not_reported}
    assert shown(pages["months"], "reported", MONTH) == {reported}
    assert shown(pages["grid"], "not-reported", MONTH) == {not_reported}
    assert shown(pages["grid"], "reported", MONTH) == {reported}
    assert shown(pages["reminders"], "not-reported") == {not_reported}
    assert pages["reminders"].count('name="organisation"') == not_reported
    assert shown(pages["lock"], "not-reported") == {not_reported}
    assert shown(pages["lock"], "reported") == {reported}
