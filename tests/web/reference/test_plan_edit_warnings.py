"""An indicator's type changed on the plan page is warned as a reload changing it is
(`plan_warnings.retyped`): PRO-01 changed from PiN to Other took its rows' people out of
people reached with only "Saved.". And the plan page's refusals and warnings are in the
page's language: they were English only on the Spanish page."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.messages import get_messages
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_actors import client_for, record_5w

from kipu.core.frame import activity_frame
from kipu.core.reference import INDICATOR_TYPES
from kipu.web.plans.models import Indicator, Sector
from kipu.web.submissions.services import store_submission

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"


def _edit(client, code: str, *, kind: str | None = None, sector: str | None = None):  # noqa: ANN001, ANN202
    indicator = Indicator.objects.get(code=code)
    to = Sector.objects.get(plan=indicator.plan, code=sector) if sector else indicator.sector
    data = {"name_en": indicator.name_en, "sector": to.pk, "type": kind or indicator.type}
    return client.post(f"/reference/plan/indicators/{indicator.pk}/edit/{Q}", data)


def _said(response) -> list[str]:  # noqa: ANN001
    return [str(m) for m in get_messages(response.wsgi_request)]


def _counts(kind: str) -> bool:
    return INDICATOR_TYPES[kind].counts_people_reached


@given(st.sampled_from(sorted(INDICATOR_TYPES)))
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_type_edit_says_what_it_does_to_people_reached(platform, admin, org_a, kind) -> None:  # noqa: ANN001
    if not Indicator.objects.filter(code="PRO-01", type="PiN").exists():
        Indicator.objects.filter(code="PRO-01").update(type="PiN")
    if not platform.submissions.exists():
        rows = [record_5w(row=2, new_beneficiaries=1500), record_5w(row=3, new_beneficiaries=25)]
        store_submission(platform, org_a, "2019-05", activity_frame(rows))
    response = _edit(client_for(admin), "PRO-01", kind=kind)
    assert response.status_code == 302
    warned = [m for m in _said(response) if "PRO-01 changes type" in m]
    if kind == "PiN":
        assert warned == []
        return
    effect = (
        "people reached do not change"
        if _counts(kind)
        else "their 1,525 new beneficiaries were counted in people reached and no longer are"
    )
    assert warned == [
        f"This edit: indicator PRO-01 changes type from PiN to {kind}; 2 stored rows name it: "
        f"{effect}; if the type was right before, edit its type back to PiN"
    ]
    Indicator.objects.filter(code="PRO-01").update(type="PiN")


def test_no_row_no_warning(platform, admin) -> None:  # noqa: ANN001
    response = _edit(client_for(admin), "PRO-01", kind="Other")
    assert response.status_code == 302
    assert _said(response) == ["Saved."]


def _spanish(admin):  # noqa: ANN001, ANN202
    client = client_for(admin)
    client.cookies["django_language"] = "es"
    return client


def test_the_warning_is_in_spanish(platform, admin, org_a) -> None:  # noqa: ANN001
    store_submission(platform, org_a, "2019-05", activity_frame([record_5w(row=2)]))
    response = _edit(_spanish(admin), "PRO-01", kind="Other")
    assert [m for m in _said(response) if "PRO-01" in m] == [
        "Esta edición: el indicador PRO-01 cambia de tipo de PiN a Other; 1 fila guardada lo "
        "nombra: sus 10 beneficiarios nuevos se contaban en las personas alcanzadas y ya no; "
        "si el tipo era el correcto, vuelva a poner el tipo PiN"
    ]


def test_a_move_refused_is_in_spanish(platform, admin, org_a) -> None:  # noqa: ANN001
    store_submission(platform, org_a, "2019-05", activity_frame([record_5w(row=2)]))
    response = _edit(_spanish(admin), "PRO-01", sector="WASH")
    assert response.status_code == 400
    page = unescape(re.sub(r"\s+", " ", response.content.decode()))
    assert "Esta edición: el indicador PRO-01 pasa de " in page
    assert "pero 1 fila guardada lo nombra en" in page
    assert Indicator.objects.get(code="PRO-01").sector.code == "PRO"


def _reload(client, kind: str):  # noqa: ANN001, ANN202
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = (
        "code,indicator,sector,sector_code,type\n"
        f"PRO-01,People oriented,Protection,PRO,{kind}\n"
        "WASH-01,Kits,Water sanitation hygiene,WASH,PiN\n"
        "CP-01,Kids,Child protection,PRO-CP,PiN\n"
    )
    upload = SimpleUploadedFile("plan.csv", text.encode(), content_type="text/csv")
    data = {"file": upload, "year": 2019, "classification": "sectors"}
    return client.post(f"/reference/plan/import/{Q}", data)


def test_a_reload_warns_in_the_pages_language(platform, admin, org_a) -> None:  # noqa: ANN001
    store_submission(platform, org_a, "2019-05", activity_frame([record_5w(row=2)]))
    response = _reload(_spanish(admin), "Otro")
    assert response.status_code == 302
    said = _said(response)
    assert (
        "plan.csv: el indicador PRO-01 cambia de tipo de PiN a Other; 1 fila guardada lo "
        "nombra: sus 10 beneficiarios nuevos se contaban en las personas alcanzadas y ya no; "
        "si el tipo era el correcto, cargue el archivo de nuevo con PiN"
    ) in said, said
    assert not [m for m in said if "indicator" in m or " stored " in m], said


def test_a_reload_refused_is_in_the_pages_language(platform, admin) -> None:  # noqa: ANN001
    response = _reload(_spanish(admin), "Banana")
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "plan.csv, fila 2, columna &#x27;type&#x27;" in response.content.decode() or (
        "plan.csv, fila 2, columna 'type'" in page
    )
    assert "tipo de indicador desconocido 'Banana'" in page


def test_a_type_edit_counts_the_rows_figures_count_with_the_plan(
    platform, admin, org_a, tmp_path
) -> None:  # noqa: ANN001
    """The rows said are those figures count with the edited plan, by indicator code and the
    year of their month (`plan_for`), without rows stored with errors: read by the plan's
    indicator id, a 2020 row stored while only the 2019 plan existed was left out of the 2020
    plan's warning, a 2021 row counted with the 2021 plan was in, and so was a row with an
    accepted error that no figure counts."""
    from kipu.web.reference.services import import_reference
    from kipu.web.submissions.models import Activity

    def load(year: int) -> None:
        path = tmp_path / f"plan{year}.csv"
        path.write_text(
            "code,indicator,sector,sector_code,type\nPRO-01,People oriented,Protection,PRO,PiN\n",
            encoding="utf-8",
        )
        assert import_reference("plan", platform, path, "cli:test", {"year": year}).ok

    def store(month: str, people: int) -> None:
        row = record_5w(month=month, row=2, new_beneficiaries=people, total_monthly=people,
                        in_destination=people, women=people)  # fmt: skip
        store_submission(platform, org_a, month, activity_frame([row]))

    store("2020-02", 1000)  # only the 2019 plan: it names the 2019 plan's PRO-01
    load(2020)
    store("2019-05", 7)  # counted with the 2019 plan
    store("2020-05", 5)  # counted with the 2020 plan
    store("2020-04", 30)  # stored with an accepted error: counted in no figure
    Activity.objects.filter(month="2020-04").update(has_error=True)
    store("2021-03", 200)  # names the 2020 plan's PRO-01 ...
    load(2021)  # ... and is counted with the 2021 plan from now on
    assert Activity.objects.get(month="2020-02").indicator.plan.year == 2019
    assert Activity.objects.get(month="2021-03").indicator.plan.year == 2020
    indicator = Indicator.objects.get(code="PRO-01", plan__year=2020)
    data = {"name_en": indicator.name_en, "sector": indicator.sector_id, "type": "Other"}
    response = client_for(admin).post(f"/reference/plan/indicators/{indicator.pk}/edit/{Q}", data)
    assert response.status_code == 302
    assert [m for m in _said(response) if "PRO-01 changes type" in m] == [
        "This edit: indicator PRO-01 changes type from PiN to Other; 2 stored rows name it: "
        "their 1,005 new beneficiaries were counted in people reached and no longer are; "
        "if the type was right before, edit its type back to PiN"
    ]
