"""A plan reload that changes the type of an indicator stored rows name warns, in English and
Spanish, with the rows and their new beneficiaries, and whether people reached gain or lose
them (`plan_warnings.retyped_with_rows`): `kipu plan load plan2019_types.csv` (PRO-01 PiN →
Other) took Protection from 62,830 to 41,223 people with only "indicators kept" to show."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_actors import client_for, record_5w

from kipu.core.frame import activity_frame
from kipu.core.reference import INDICATOR_TYPES
from kipu.web.figures.queries import platform_figures
from kipu.web.reference.services import import_reference
from kipu.web.submissions.services import store_submission

pytestmark = pytest.mark.django_db
PLAN = "code,indicator,sector,sector_code,type\nPRO-01,People oriented,Protection,PRO,{type}\n"
TYPES = sorted(INDICATOR_TYPES)


def _load(platform, path: Path, kind: str) -> list[str]:  # noqa: ANN001
    """The type-change warnings of loading PRO-01 as `kind`."""
    path.write_text(PLAN.format(type=kind), encoding="utf-8")
    done = import_reference("plan", platform, path, "cli:test", {"year": 2019})
    assert done.ok, done.errors
    return [w for w in done.summary.get("warnings", []) if "changes type" in w]


class _Rollback(Exception):
    pass


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(TYPES),
    st.sampled_from(TYPES),
    st.lists(st.integers(min_value=0, max_value=5000), max_size=4),
)
def test_a_type_change_with_rows_is_said(platform, org_a, tmp_path, was, now, people) -> None:  # noqa: ANN001
    try:
        with transaction.atomic():
            _load(platform, tmp_path / "before.csv", was)
            if people:
                rows = [
                    record_5w(row=n + 2, new_beneficiaries=p, total_monthly=p, in_destination=p,
                              women=p, quantity_output=max(p, 1))
                    for n, p in enumerate(people)
                ]  # fmt: skip
                store_submission(platform, org_a, "2019-05", activity_frame(rows))
            said = _load(platform, tmp_path / "after.csv", now)
            raise _Rollback(said)
    except _Rollback as done:
        said = done.args[0]
    if was == now or not people:
        assert said == []
        return
    assert len(said) == 1, said
    warning = said[0]
    assert (
        f"indicator PRO-01 changes type from {was} to {now}; {len(people)} stored rows" in warning
    )
    total = f"{sum(people):,}"
    before, after = (INDICATOR_TYPES[t].counts_people_reached for t in (was, now))
    if before and not after:
        assert (
            f"their {total} new beneficiaries were counted in people reached and no longer"
            in warning
        )
    elif after and not before:
        assert (
            f"their {total} new beneficiaries were not counted in people reached and now" in warning
        )
    else:
        assert "people reached do not change" in warning
    assert "el indicador PRO-01 cambia de tipo" in warning.text("es")  # type: ignore[attr-defined]


def test_the_testers_reload(platform, org_a, admin, tmp_path) -> None:  # noqa: ANN001
    """PiN → Other: the warning's people are what people reached lose."""
    rows = [
        record_5w(row=n, new_beneficiaries=p, total_monthly=p, in_destination=p, women=p)
        for n, p in ((2, 7), (3, 5))
    ]
    store_submission(platform, org_a, "2019-05", activity_frame(rows))
    period = {"date_from": "2019-01", "date_to": "2019-12"}
    assert platform_figures(platform, **period).reached() == 12
    said = _load(platform, tmp_path / "plan.csv", "Other")
    assert said == [
        "plan.csv: indicator PRO-01 changes type from PiN to Other; 2 stored rows name it: their "
        "12 new beneficiaries were counted in people reached and no longer are; if the type was "
        "right before, load the file again with PiN"
    ]
    assert platform_figures(platform, **period).reached() == 0
    # The import page shows it in the page's language.
    (tmp_path / "back.csv").write_text(PLAN.format(type="PiN"), encoding="utf-8")
    page = client_for(admin).post(
        "/reference/plan/import/?platform=gtrm-test",
        {"file": (tmp_path / "back.csv").open("rb"), "year": 2019, "classification": "sectors"},
        HTTP_ACCEPT_LANGUAGE="es",
        follow=True,
    )
    text = page.content.decode()
    assert "el indicador PRO-01 cambia de tipo de Other a PiN" in text, text[-3000:]
