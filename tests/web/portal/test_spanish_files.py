"""The portal's files in Spanish (issue 14, point 13): the template a partner downloads and the
annotated workbook of a rejected file are Spanish, sheet names included."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.utils import translation
from web_actors import client_for, record_5w, write_5w

from kipu.web.submissions.models import Submission

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"


@pytest.fixture(autouse=True)
def english_after() -> object:
    yield
    translation.activate("en")


def test_the_spanish_template_and_annotated_workbook(partner_a, platform, tmp_path) -> None:  # noqa: ANN001
    client = client_for(partner_a)
    client.cookies["django_language"] = "es"
    response = client.get(f"/portal/template/{Q}&month=2019-05")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["5W", "Listas", "Ayuda"]
    headers = [c.value for c in book["5W"][1]]
    assert "País" in headers and "Niñas y adolescentes menores de 18" in headers
    assert book["5W"]["A3"].value == "Perú"

    bad = write_5w(
        platform, tmp_path / "bad.xlsx", [record_5w()], broken={(0, "Country Admin1"): "Sullana"}
    )
    with bad.open("rb") as handle:
        client.post(f"/portal/upload/{Q}", {"month": "2019-05", "file": handle, "action": "submit"})
    rejected = Submission.objects.get(status="rejected")
    annotated = client.get(f"/portal/submissions/{rejected.pk}/annotated.xlsx{Q}")
    book = openpyxl.load_workbook(io.BytesIO(annotated.content))
    assert book.sheetnames[0] == "Errores"
    messages = [str(c.value) for c in book["Errores"]["G"][1:]]
    assert any("es una provincia (admin2) del departamento de Piura" in m for m in messages)
