"""An edit of a sector or an indicator on the plan page is checked as a reload of the plan
making the same change is. An edit moved PRO-01, which 123 stored rows name under Protection,
to another sector with only "Saved."; the 5W files then failed, and the reload of the right
plan was refused saying the rows were under the sector the edit had moved it to. An edit
made two sectors each other's parent (the situation report then left both out) and put a
sub-sector under a sub-sector, both of which a plan file is refused for."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_actors import client_for, record_5w

from kipu.core.frame import activity_frame
from kipu.core.loaders.plan import level_problem
from kipu.web.audit.models import AuditEvent
from kipu.web.plans.models import Indicator, Sector, Target
from kipu.web.plans.queries import plan_value
from kipu.web.reports.services import report_warnings
from kipu.web.submissions.services import store_submission

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"


def _errors(response) -> list[str]:  # noqa: ANN001
    found = re.findall(r"errorlist[^>]*>(.*?)</ul", response.content.decode(), re.S)
    return [unescape(re.sub("<[^>]+>", "", x)) for x in found]


def _move(admin, code: str, sector: str):  # noqa: ANN001, ANN202
    indicator = Indicator.objects.get(code=code)
    to = Sector.objects.get(plan=indicator.plan, code=sector)
    data = {"name_en": indicator.name_en, "sector": to.pk, "type": indicator.type}
    return client_for(admin).post(f"/reference/plan/indicators/{indicator.pk}/edit/{Q}", data)


def test_moving_an_indicator_stored_rows_name_is_refused(platform, admin, org_a) -> None:  # noqa: ANN001
    store_submission(
        platform, org_a, "2019-05", activity_frame([record_5w(row=2), record_5w(row=3)])
    )
    response = _move(admin, "PRO-01", "WASH")
    assert response.status_code == 400
    assert _errors(response) == [
        "This edit: indicator PRO-01 moves from Protection to Water, sanitation, hygiene, but "
        "2 stored rows name it under Protection and would still count there (Water, "
        "sanitation, hygiene's progress would leave them out); keep it under its sector, or "
        "give the moved indicator a new code"
    ]
    assert Indicator.objects.get(code="PRO-01").sector.code == "PRO"
    assert not AuditEvent.objects.filter(action="edit_indicator").exists()


def test_moving_an_indicator_no_row_names_is_saved_and_said(platform, admin) -> None:  # noqa: ANN001
    response = client_for(admin).get("/")  # a session for the messages
    response = _move(admin, "WASH-01", "PRO")
    assert response.status_code == 302
    assert Indicator.objects.get(code="WASH-01").sector.code == "PRO"
    assert AuditEvent.objects.filter(action="edit_indicator").exists()


def test_an_edit_leaving_a_sector_with_targets_without_indicators_is_refused(
    platform,  # noqa: ANN001
    admin,  # noqa: ANN001
) -> None:
    wash = Sector.objects.get(code="WASH")
    Target.objects.create(plan=wash.plan, sector=wash, people_in_need=10)
    response = _move(admin, "WASH-01", "PRO")
    assert response.status_code == 400
    assert "sector Water, sanitation, hygiene (WASH) has targets but would have no " in (
        " ".join(_errors(response))
    )
    assert Indicator.objects.get(code="WASH-01").sector.code == "WASH"


def _reload(admin, sector: str, code: str):  # noqa: ANN001, ANN202
    text = (
        "code,indicator,sector,sector_code,type\n"
        f"PRO-01,People oriented,{sector},{code},PiN\n"
        "WASH-01,Kits,Water sanitation hygiene,WASH,PiN\n"
        "CP-01,Kids,Child protection,PRO-CP,PiN\n"
    )
    upload = SimpleUploadedFile("plan.csv", text.encode(), content_type="text/csv")
    data = {"file": upload, "year": 2019, "classification": "sectors"}
    return client_for(admin).post(f"/reference/plan/import/{Q}", data)


def test_a_reload_reads_the_rows_sector_from_the_rows(platform, admin, org_a) -> None:  # noqa: ANN001
    """PRO-01's rows are under Protection, the indicator (moved by an edit before edits
    were checked) under WASH: moving it back is no move from under its rows, and moving it
    elsewhere names the rows' own sector."""
    store_submission(platform, org_a, "2019-05", activity_frame([record_5w(row=2)]))
    Indicator.objects.filter(code="PRO-01").update(sector=Sector.objects.get(code="WASH"))
    elsewhere = _reload(admin, "Child protection", "PRO-CP")
    assert elsewhere.status_code == 400
    page = unescape(elsewhere.content.decode())
    assert "1 stored rows name it under Protection and would still count there" in page
    back = _reload(admin, "Protection", "PRO")
    assert back.status_code == 302, back.content.decode()[-2000:]
    assert Indicator.objects.get(code="PRO-01").sector.code == "PRO"


def _parent_of() -> dict[str, str]:
    return {s.code: s.parent.code for s in Sector.objects.select_related("parent") if s.parent}


def _refused(code: str, parent: str | None) -> bool:
    """Whether a plan file giving the stored plan with `code` under `parent` is refused
    (the loader's rule, applied to every sector)."""
    parent_of = {c: p for c, p in _parent_of().items() if c != code}
    if parent:
        parent_of[code] = parent
    return any(level_problem(c, p, p, parent_of) for c, p in parent_of.items())


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-1, 3)), min_size=1, max_size=6))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_sector_edit_keeps_two_levels(platform, admin, edits) -> None:  # noqa: ANN001
    """Any sequence of parent edits: one is saved exactly when a plan file with that change
    would load, and the stored plan has two levels after each (no cycle, no third level)."""
    client = client_for(admin)
    plan = platform.plans.get()
    Sector.objects.get_or_create(plan=plan, code="EDU", defaults={"name_en": "Education"})
    sectors = list(Sector.objects.filter(plan=plan).order_by("code"))
    for which, parent_index in edits:
        sector = sectors[which]
        parent = sectors[parent_index] if parent_index >= 0 else None
        if parent is not None and parent.pk == sector.pk:
            continue  # not among the page's choices
        refused = _refused(sector.code, parent.code if parent else None)
        data = {"name_en": sector.name_en, "order": 0, "parent": parent.pk if parent else ""}
        response = client.post(f"/reference/plan/sectors/{sector.pk}/edit/{Q}", data)
        assert response.status_code == (400 if refused else 302), _errors(response)
        parent_of = _parent_of()
        assert not any(p in parent_of for p in parent_of.values()), parent_of


def test_two_sectors_each_others_parent_are_refused_with_the_loaders_words(
    platform,  # noqa: ANN001
    admin,  # noqa: ANN001
) -> None:
    wash, pro = Sector.objects.get(code="WASH"), Sector.objects.get(code="PRO")
    client = client_for(admin)
    data = {"name_en": wash.name_en, "order": 0, "parent": pro.pk}
    response = client.post(f"/reference/plan/sectors/{wash.pk}/edit/{Q}", data)
    assert response.status_code == 302
    data = {"name_en": pro.name_en, "order": 0, "parent": wash.pk}
    response = client.post(f"/reference/plan/sectors/{pro.pk}/edit/{Q}", data)
    assert _errors(response) == [
        "parent sector 'WASH' is itself a sub-sector of 'PRO': a plan has sectors and their "
        "sub-sectors, two levels; give the top-level sector"
    ]
    assert Sector.objects.get(code="PRO").parent is None


def test_a_stored_cycle_is_read_as_areas_and_said(platform) -> None:  # noqa: ANN001
    """A plan stored with two sectors each other's parent (before edits were checked): the
    report showed neither."""
    wash, pro = Sector.objects.get(code="WASH"), Sector.objects.get(code="PRO")
    Sector.objects.filter(pk=wash.pk).update(parent=pro)
    Sector.objects.filter(pk=pro.pk).update(parent=wash)
    tops = {s.code for s in plan_value(platform, 2019).sectors if not s.parent_code}
    assert tops >= {"PRO", "WASH"}
    assert report_warnings(platform, "2019-05") == [
        "in the 2019 plan, sectors PRO and WASH are each other's parent: the report shows "
        "each as an area; give them their parents again (the plan page, or kipu plan load)"
    ]
