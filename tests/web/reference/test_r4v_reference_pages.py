"""The import pages with R4V's files (issue 13): the registry loads and its warnings show in the
import summary; a superuser loads R4V's admin1 list for the platform's country."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from web_actors import client_for

from kipu.web.locations.models import Location
from kipu.web.platforms.models import Organisation

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"


def csv_file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_registry_imports_and_the_page_shows_its_warnings(platform, admin) -> None:  # noqa: ANN001
    registry = (
        "Organization ID,Organization Name,Acronym,Type,Country\n"
        "ORG951,Iglesia Sintética,IS,Organización basada en la fe,Perú\n"
        "ORG952,Asociación Rara,AR,Martian,Peru\n"
    )
    response = client_for(admin).post(
        f"/reference/organisations/import/{Q}",
        {"file": csv_file("registry.csv", registry)},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "registry.csv, row 3, column &#x27;Type&#x27;: unknown type" in page
    assert Organisation.objects.get(external_id="ORG951").org_type == "Faith Based Organization"
    assert Organisation.objects.get(external_id="ORG952").org_type == "Martian"


def test_a_superuser_imports_the_admin1_list_of_the_platforms_country(platform) -> None:  # noqa: ANN001
    superuser = User.objects.create_superuser("root", "root@example.org", "x")
    admin1 = (
        "Country,Admin1 Name,Admin1 P-code\nPerú,Perú,PE00\nPerú,Lima,PE15\nChile,Tarapacá,CH01\n"
    )
    response = client_for(superuser).post(
        f"/reference/locations/import/{Q}",
        {"file": csv_file("r4v_admin1.csv", admin1), "country": "PER", "vintage": "R4V"},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "rows of other countries left out" in page
    peru = Location.objects.get(pcode="PE00")
    assert peru.national and peru.level == 1
    assert not Location.objects.filter(country="CHL").exists()
