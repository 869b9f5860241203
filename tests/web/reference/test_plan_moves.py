"""A plan that moves an indicator to another sector while stored rows name it is refused,
and nothing of it is stored: a stored row keeps the sector it was reported under, so the
new sector's progress read 0 for it without a word while the old one kept counting it.
Moving an indicator no stored row names is a plain update."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from web_actors import client_for, record_5w

from kipu.core.frame import activity_frame
from kipu.web.audit.models import AuditEvent
from kipu.web.plans.models import Indicator
from kipu.web.submissions.services import store_submission

Q = "?platform=gtrm-test"
PLAN = (
    "code,indicator,sector,sector_code,type\n"
    "PRO-01,People oriented,{sector},{code},PiN\n"
    "WASH-01,Kits,Water sanitation hygiene,WASH,PiN\n"
)


def _load(admin, sector: str, code: str):  # noqa: ANN001, ANN202
    text = PLAN.format(sector=sector, code=code)
    upload = SimpleUploadedFile("plan.csv", text.encode(), content_type="text/csv")
    data = {"file": upload, "year": 2019, "classification": "sectors"}
    return client_for(admin).post(f"/reference/plan/import/{Q}", data)


def test_moving_an_indicator_with_stored_rows_is_refused(platform, admin, org_a) -> None:  # noqa: ANN001
    store_submission(
        platform, org_a, "2019-05", activity_frame([record_5w(row=2), record_5w(row=3)])
    )
    response = _load(admin, "Child protection", "PRO-CP")
    page = response.content.decode()
    assert response.status_code == 400, page[-2000:]
    assert "indicator PRO-01 moves from Protection to Child protection" in page
    assert "2 stored rows name it under Protection" in page
    assert Indicator.objects.get(code="PRO-01").sector.code == "PRO"  # nothing stored
    assert not AuditEvent.objects.filter(action="import_plan").exists()


def test_moving_an_indicator_no_row_names_is_an_update(platform, admin, org_a) -> None:  # noqa: ANN001
    response = _load(admin, "Child protection", "PRO-CP")
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Indicator.objects.get(code="PRO-01").sector.code == "PRO-CP"


def test_the_same_sector_again_is_no_move(platform, admin, org_a) -> None:  # noqa: ANN001
    store_submission(platform, org_a, "2019-05", activity_frame([record_5w(row=2)]))
    response = _load(admin, "Protection", "PRO")
    assert response.status_code == 302, response.content.decode()[-2000:]


def test_a_sector_code_in_other_letters_is_the_stored_sector(platform, admin, org_a) -> None:  # noqa: ANN001
    """ "pro" for the stored PRO made a second sector named Protection."""
    response = _load(admin, "Protection", "pro")
    assert response.status_code == 302, response.content.decode()[-2000:]
    plan = platform.plans.get(year=2019)
    assert plan.sectors.filter(name_en="Protection").count() == 1
    assert Indicator.objects.get(code="PRO-01").sector.code == "PRO"
