"""Fixtures shared with the portal tests (tests/web/portal/web_actors.py), and the console's
own: a rejected upload, and `stamp` to date an upload."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone

sys.path.insert(0, str(Path(__file__).parent.parent / "portal"))

from web_actors import *  # noqa: E402, F403
from web_actors import record_5w, write_5w  # noqa: E402


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12))


@pytest.fixture
def stamp() -> Callable[..., None]:
    """stamp(submission, date): the upload happened at noon that day."""
    from kipu.web.submissions.models import Submission

    def make(submission: Submission, day: dt.date) -> None:
        Submission.objects.filter(pk=submission.pk).update(uploaded_at=at(day))

    return make


@pytest.fixture
def rejected(platform, org_b, partner_b, tmp_path):  # noqa: ANN001, ANN201
    """Partner B's June 2019 upload, rejected (an unknown indicator)."""
    from kipu.web.portal.services import upload_submission

    path = write_5w(
        platform,
        tmp_path / "pb.xlsx",
        [record_5w("ORG902", "2019-06")],
        broken={(0, "Indicator Indicator"): "NOPE"},
    )
    return upload_submission(platform, org_b, "2019-06", path, partner_b).submission
