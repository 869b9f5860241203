"""Services that write reference data: upserts, atomicity, replacement of the demonstration."""

from __future__ import annotations

import pytest

from kipu.core.demo import NOVEMBER
from kipu.core.loaders.organisations import OrganisationRecord
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.platforms.queries import reference_data
from kipu.web.platforms.services import load_organisations
from kipu.web.site.services import load_demo
from kipu.web.submissions.models import Activity, Submission


@pytest.mark.django_db
def test_organisations_match_by_registry_id_then_name(make_platform) -> None:  # noqa: ANN001
    platform = make_platform()
    done = load_organisations(
        platform,
        [
            OrganisationRecord("Partner A (renamed)", external_id="ORG901"),
            OrganisationRecord("partner b", acronym="PB2"),
            OrganisationRecord("Partner C"),
        ],
    )
    assert (done.created, done.updated) == (1, 2)
    assert Organisation.objects.get(external_id="ORG901").name_en == "Partner A (renamed)"
    assert Organisation.objects.get(external_id="ORG902").acronym == "PB2"


@pytest.mark.django_db
def test_reference_data_for_validation(make_platform) -> None:  # noqa: ANN001
    reference = reference_data(make_platform())
    assert reference.countries == ["PER"]
    assert [o.key for o in reference.organisations] == ["ORG901", "ORG902"]
    assert reference.organisations[1].labels() == ["Partner B", "PB", "Socio B"]
    assert [i.code for i in reference.plan.indicators] == ["PRO-01"]
    assert reference.gazetteer.find("Cuzco", "PER", 1).pcode == "PE08"


@pytest.mark.django_db
def test_demo_stores_one_current_submission_per_organisation_and_month() -> None:
    platform = load_demo()
    november = Activity.objects.filter(platform=platform, month=NOVEMBER)
    assert november.values("appealing_org").distinct().count() == 37
    assert november.exclude(admin1__national=True).values("admin1").distinct().count() == 11
    assert november.exclude(admin2=None).values("admin2").distinct().count() == 17
    assert (
        Submission.objects.filter(platform=platform, status="current").count()
        == Submission.objects.filter(platform=platform).count()
    )


@pytest.mark.django_db
def test_demo_refuses_to_replace_a_real_platform() -> None:
    load_demo()
    Platform.objects.filter(slug="gtrm-peru").update(synthetic=False)
    with pytest.raises(ValueError, match="holds real data"):
        load_demo()
