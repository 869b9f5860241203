"""Reference-data pages: public lists and search, audited edits by administrators, imports that
store everything or nothing, and rows of other platforms kept out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from web_actors import client_for

from kipu.web.audit.models import AuditEvent
from kipu.web.locations.models import Location
from kipu.web.plans.models import Indicator, Sector, Target
from kipu.web.platforms.models import Event, Membership, Organisation
from kipu.web.stats.models import Observation, Series

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"


def csv_file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def event(platform, org_a):  # noqa: ANN001, ANN201
    made = Event.objects.create(
        platform=platform, date=dt.date(2019, 5, 3), title_en="Protection sub-group", attendance=12
    )
    made.organisations.set([org_a])
    return made


@pytest.fixture
def series(platform):  # noqa: ANN001, ANN201
    made = Series.objects.create(platform=platform, key="stock", name_en="Venezuelans in Peru")
    Observation.objects.create(
        series=made, period_start=dt.date(2019, 1, 1), period_end=dt.date(2019, 1, 31), value=1000
    )
    return made


def test_lists_and_search_are_public(platform, event, series) -> None:  # noqa: ANN001
    client = client_for(None)
    page = client.get(f"/reference/organisations/{Q}&q=partner b").content.decode()
    assert "Partner B" in page and "Partner A" not in page and "Edit" not in page
    assert "Protection" in client.get(f"/reference/plan/{Q}&year=2019").content.decode()
    locations = client.get(f"/reference/locations/{Q}&q=tumbes&level=1").content.decode()
    assert "PE24" in locations and "PE15" not in locations
    stats = client.get(f"/reference/statistics/{Q}&series=stock").content.decode()
    assert "Venezuelans in Peru" in stats and "1,000" in stats
    assert (
        "Protection sub-group" in client.get(f"/reference/events/{Q}&q=sub-group").content.decode()
    )
    assert client.get(f"/reference/{Q}").status_code == 200


def test_admin_edits_an_organisation_and_its_membership(platform, admin, org_a) -> None:  # noqa: ANN001
    client = client_for(admin)
    url = f"/reference/organisations/{org_a.pk}/edit/{Q}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "org-name_en": "Partner A International",
            "org-acronym": "PAI",
            "org-external_id": "ORG901",
            "org-org_type": "INGO",
            "org-aliases": "PA, Partner-A",
            "member-start_date": "2019-02-01",
            "member-sub_working_groups": "Lima, Tumbes",
        },
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    membership = Membership.objects.get(platform=platform, organisation=org_a)
    assert (org_a.acronym, org_a.aliases) == ("PAI", ["PA", "Partner-A"])
    assert membership.sub_working_groups == ["Lima", "Tumbes"]
    event = AuditEvent.objects.get(action="edit_organisation")
    assert event.actor == admin
    assert event.before["organisation"]["acronym"] == "PA"
    assert event.after["organisation"]["acronym"] == "PAI"
    assert event.after["membership"]["start_date"] == "2019-02-01"


def test_admin_adds_a_member(platform, admin) -> None:  # noqa: ANN001
    response = client_for(admin).post(
        f"/reference/organisations/new/{Q}",
        {"org-name_en": "New Partner", "org-acronym": "NP", "org-aliases": ""},
    )
    assert response.status_code == 302
    added = Organisation.objects.get(acronym="NP")
    assert Membership.objects.filter(platform=platform, organisation=added).exists()
    assert AuditEvent.objects.get(action="add_organisation").before is None


def test_plan_statistics_and_event_edits(platform, admin, event, series) -> None:  # noqa: ANN001
    client = client_for(admin)
    sector = Sector.objects.get(plan__platform=platform, code="PRO")
    indicator = Indicator.objects.get(plan__platform=platform, code="PRO-01")
    target = Target.objects.create(plan=sector.plan, sector=sector, people_in_need=5)
    observation = series.observations.get()
    posts = {
        f"/reference/plan/sectors/{sector.pk}/edit/": {"name_en": "Protección", "order": 1},
        f"/reference/plan/indicators/{indicator.pk}/edit/": {
            "name_en": "People oriented",
            "sector": sector.pk,
            "type": "PiN",
            "unit": "people",
        },
        f"/reference/plan/targets/{target.pk}/edit/": {
            "people_in_need": 100,
            "people_targeted": 50,
            "budget_usd": "1200.50",
        },
        f"/reference/statistics/observations/{observation.pk}/edit/": {
            "period_start": "2019-01-01",
            "period_end": "2019-01-31",
            "value": "1500",
        },
        f"/reference/events/{event.pk}/edit/": {
            "date": "2019-05-04",
            "title_en": "Protection sub-group",
            "type": "meeting",
            "attendance": 15,
        },
    }
    for url, data in posts.items():
        response = client.post(f"{url}{Q}", data)
        assert response.status_code == 302, (url, response.content.decode()[:2000])
    target.refresh_from_db()
    assert (target.people_targeted, str(target.budget_usd)) == (50, "1200.50")
    assert str(Observation.objects.get().value) == "1500.00"
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "edit_sector",
        "edit_indicator",
        "edit_target",
        "edit_observation",
        "edit_event",
    }
    invalid = client.post(f"/reference/plan/targets/{target.pk}/edit/{Q}", {"people_in_need": -1})
    assert invalid.status_code == 400


def test_a_plan_edit_is_audited_on_the_platforms_using_the_plan(platform, admin) -> None:  # noqa: ANN001
    """A national platform keeping its regional platform's plan saw an import of the plan in
    its log, but not an edit of one of its targets."""
    from kipu.web.platforms.services import add_platform

    below = add_platform("gtrm-below", "Below", country="PER", parent=platform.slug)
    sector = Sector.objects.get(plan__platform=platform, code="PRO")
    target = Target.objects.create(plan=sector.plan, sector=sector, people_in_need=5)
    data = {"people_in_need": 100, "people_targeted": 50, "budget_usd": ""}
    response = client_for(admin).post(f"/reference/plan/targets/{target.pk}/edit/{Q}", data)
    assert response.status_code == 302
    edits = AuditEvent.objects.filter(action="edit_target")
    assert sorted(e.platform.slug for e in edits) == sorted([platform.slug, below.slug])
    assert {e.after["target"]["people_in_need"] for e in edits} == {100}


def test_rows_of_another_platform_are_not_found(
    platform, other_platform, admin, make_platform
) -> None:  # noqa: ANN001
    foreign_sector = Sector.objects.get(plan__platform=other_platform, code="PRO")
    client = client_for(admin)
    assert client.get(f"/reference/plan/sectors/{foreign_sector.pk}/edit/{Q}").status_code == 404
    # The admin of gtrm-test is nobody on gtrm-other.
    url = f"/reference/plan/sectors/{foreign_sector.pk}/edit/?platform=gtrm-other"
    assert client.get(url).status_code == 403


def test_import_organisations(platform, admin) -> None:  # noqa: ANN001
    client = client_for(admin)
    good = "name,acronym,type,id\nNueva Esperanza,NE,NNGO,ORG950\nPartner A,PA,INGO,ORG901\n"
    response = client.post(
        f"/reference/organisations/import/{Q}", {"file": csv_file("orgs.csv", good)}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(platform=platform).count() == 3
    event = AuditEvent.objects.get(action="import_organisations")
    assert event.after == {"file": "orgs.csv", "created": 1, "updated": 1}


def test_a_bad_import_lists_problems_and_stores_nothing(platform, admin) -> None:  # noqa: ANN001
    client = client_for(admin)
    bad = "acronym,type,member_since\nG1,NNGO,2019-01-01\nB1,Martian,soon\n"  # no name column
    response = client.post(
        f"/reference/organisations/import/{Q}", {"file": csv_file("orgs.csv", bad)}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "nothing was stored" in page and "missing column(s) name" in page
    assert not Organisation.objects.filter(acronym="G1").exists()
    assert not AuditEvent.objects.filter(action__startswith="import_").exists()
    events = "date,title,organisations\n2019-05-01,Launch,Nobody Org\n"
    response = client.post(f"/reference/events/import/{Q}", {"file": csv_file("e.csv", events)})
    assert response.status_code == 400 and not Event.objects.exists()


def test_import_statistics_events_and_locations(platform, admin) -> None:  # noqa: ANN001
    client = client_for(admin)
    stats = "series,period_start,period_end,value,source\nstock,2019-01-01,2019-01-31,862000,DS\n"
    client.post(f"/reference/statistics/import/{Q}", {"file": csv_file("s.csv", stats)})
    assert Series.objects.get(platform=platform).key == "stock"
    events = "date,title,organisations,admin1\n2019-05-01,Launch,PA,Tumbes\n"
    client.post(f"/reference/events/import/{Q}", {"file": csv_file("e.csv", events)})
    assert Event.objects.get().admin1.pcode == "PE24"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"import_statistics", "import_events"} <= actions


def test_installation_administrators_import_locations(platform, admin) -> None:  # noqa: ANN001
    """The gazetteer is every platform's: its import page is for superusers only."""
    places = "pcode,name,level,parent_pcode\nPE99,Nueva Region,1,\nPE9901,Nueva Provincia,2,PE99\n"
    data = {"country": "PER", "vintage": "test"}
    url = f"/reference/locations/import/{Q}"
    assert client_for(admin).get(url).status_code == 403
    assert (
        "Import boundaries"
        not in client_for(admin).get(f"/reference/locations/{Q}").content.decode()
    )
    superuser = User.objects.create_superuser("root", "root@example.org", "x")
    assert (
        "Import boundaries"
        in client_for(superuser).get(f"/reference/locations/{Q}").content.decode()
    )
    response = client_for(superuser).post(url, {"file": csv_file("cod.csv", places), **data})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Location.objects.get(pcode="PE9901").parent.pcode == "PE99"
    assert AuditEvent.objects.get(action="import_locations").platform == platform


def test_plan_import_shows_loader_errors(platform, admin, tmp_path: Path) -> None:  # noqa: ANN001
    response = client_for(admin).post(
        f"/reference/plan/import/{Q}",
        {
            "file": csv_file("plan.csv", "nothing,useful\n1,2\n"),
            "year": 2020,
            "classification": "sectors",
        },
    )
    assert response.status_code == 400
    assert not platform.plans.filter(year=2020).exists()


def test_only_admins_edit(platform, partner_a, coordinator, org_a) -> None:  # noqa: ANN001
    for user in (partner_a, coordinator):
        client = client_for(user)
        assert client.get(f"/reference/organisations/{org_a.pk}/edit/{Q}").status_code == 403
        assert client.get(f"/reference/organisations/import/{Q}").status_code == 403
