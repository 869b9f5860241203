"""The report editor as the IM team uses it: reached from links, sections named in the
interface language (plus coordination and custom sections), a figure picker, both languages
rendered by one background job (narratives checked before it is queued; the job itself runs in
test_editor_jobs.py) with every file named sitrep-<platform>-<month>-<lang>.<ext>, and publishing
that says which languages are ready and asks before leaving one out."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from kipu.web.accounts.services import assign_role
from kipu.web.jobs.models import Job
from kipu.web.platforms.models import Platform
from kipu.web.reports.context import report_context
from kipu.web.reports.editing import FIGURE_HELP, PARAMETER_LABELS
from kipu.web.reports.models import Narrative, ReportVersion
from kipu.web.reports.services import download_name, render_report
from kipu.web.submissions.months import lock_month, publish_month
from page_text import page, raw

EDITOR = "/console/reports/gtrm-peru/2019-11/"


def signed_in(demo: Platform, role: str) -> Client:
    user = User.objects.create_user(f"user-{role}", password="x" * 12)
    assign_role(user, demo, role)
    client = Client()
    client.force_login(user)
    return client


def test_the_reports_list_links_admins_to_the_editor(demo: Platform, admin_client: Client) -> None:
    assert f'href="{EDITOR}"' in page(admin_client, "/reports/")
    for client in (signed_in(demo, "viewer"), Client()):
        assert "/console/reports/" not in page(client, "/reports/")


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("en", ["Highlights", "Operational context", "Direct Emergency Assistance",
                "Protection", "Socio-economic and Cultural Integration", "Coordination",
                "New custom section"]),
        ("es", ["Aspectos destacados", "Contexto operacional", "Asistencia directa de emergencia",
                "Protección", "Integración socioeconómica y cultural", "Coordinación",
                "Nueva sección propia"]),
    ],
)  # fmt: skip
def test_sections_are_named_in_the_interface_language(
    admin_client: Client, lang: str, names: list[str]
) -> None:
    html = page(admin_client, EDITOR, lang)
    labels = re.findall(r'<label for="section-[^"]+">([^<]+)</label>', html)
    assert labels == names
    data = re.search(
        r'id="picker" class="picker" hidden data-picker="([^"]*)"', raw(admin_client, EDITOR, lang)
    )
    assert data is not None
    picker = json.loads(unescape(data[1]))
    reached = next(f for f in picker["figures"] if f["name"] == "reached")
    help_text = FIGURE_HELP["reached"][0]
    assert reached["doc"] == (
        str(help_text)
        if lang == "en"
        else "Personas alcanzadas en el año del plan hasta el mes, sin doble conteo."
    )
    assert reached["unit"] == ("people" if lang == "en" else "personas")
    area = {c["code"]: c["label"] for c in picker["arguments"]["area"]["choices"]}
    assert area["AREA2"] == ("Protection" if lang == "en" else "Protección")
    assert picker["arguments"]["area"]["label"] == (
        "Area or sector" if lang == "en" else "Área o sector"
    )
    kits = next(c for c in picker["arguments"]["code"]["choices"] if c["code"] == "DEA-05")
    assert kits["unit"] == "kits"


def test_every_figure_and_argument_has_help_in_both_languages(demo: Platform) -> None:
    catalogue = report_context(demo, "2019-11").catalogue
    assert set(FIGURE_HELP) == set(catalogue.specs)
    assert {p for s in catalogue.specs.values() for p in s.parameters} <= set(PARAMETER_LABELS)


def test_coordination_and_custom_sections_reach_the_report(
    admin_client: Client, demo: Platform, tmp_path
) -> None:  # noqa: ANN001
    response = admin_client.post(
        EDITOR + "?lang=es",
        {
            "section-coordination": 'Se reunieron {{ partners(area="Protección") }} socios.',
            "title-custom-1": "Salud mental",
            "section-custom-1": "Apoyo psicosocial en **Tumbes**.",
        },
    )
    assert response.status_code == 302
    custom = Narrative.objects.get(platform=demo, lang="es", section="custom-1")
    assert custom.title == "Salud mental"
    html = page(admin_client, EDITOR + "?lang=es", "es")
    assert 'value="Salud mental"' in html and "section-custom-2" in html  # and a new slot
    result = render_report(demo, "2019-11", "es", tmp_path / "es", formats=("html",))
    report = result.html.read_text(encoding="utf-8")
    assert "Se reunieron 25 socios." in report
    assert "<h2>Salud mental</h2>" in report and "<strong>Tumbes</strong>" in report
    assert "narrative/partners(area='AREA2')" in result.figures


def test_an_empty_new_custom_section_is_not_stored(admin_client: Client, demo: Platform) -> None:
    admin_client.post(EDITOR, {"section-custom-1": "  ", "title-custom-1": ""})
    assert not Narrative.objects.filter(section__startswith="custom-").exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sitrep.pdf", "sitrep-gtrm-peru-2019-11-es.pdf"),
        ("sitrep.docx", "sitrep-gtrm-peru-2019-11-es.docx"),
        ("sitrep.html", "sitrep-gtrm-peru-2019-11-es.html"),
        ("figures.json", "figures-gtrm-peru-2019-11-es.json"),
        ("figures/presence-overall.svg", "presence-overall.svg"),
    ],
)
def test_download_names(name: str, expected: str) -> None:
    assert download_name("gtrm-peru", "2019-11", "es", name) == expected


def start_render(client: Client, lang: str = "en") -> HttpResponse:
    """The editor's render button, as its script posts it."""
    return client.post(EDITOR + "render/", {"lang": lang}, HTTP_ACCEPT="application/json")


def version(demo: Platform, lang: str, number: int = 1) -> ReportVersion:
    """A rendered version (its files are not needed to publish it)."""
    return ReportVersion.objects.create(
        platform=demo, month="2019-11", lang=lang, number=number, folder=f"reports/{lang}"
    )


def test_publishing_says_which_languages_are_ready(admin_client: Client, demo: Platform) -> None:
    html = page(admin_client, EDITOR + "publish/")
    assert "The month is not published yet" in html
    assert re.search(r"<button type=\"submit\" disabled>Publish</button>", html)
    lock_month(demo, "2019-11", "test")
    publish_month(demo, "2019-11", "test")
    version(demo, "en")
    html = page(admin_client, EDITOR + "publish/", "es")
    assert "✓ listo" in html and "⚠ ningún informe generado" in html
    assert "No hay informe en español: el informe del mes sería público sin él." in html
    assert 'name="without" value="es"' in html and 'name="without" value="en"' not in html


def test_publishing_one_language_only_needs_a_confirmation(
    admin_client: Client, demo: Platform
) -> None:
    lock_month(demo, "2019-11", "test")
    publish_month(demo, "2019-11", "test")
    english = version(demo, "en")
    response = admin_client.post(EDITOR + "publish/", {"version-en": 1})
    assert "Nothing was published: there is no report in Spanish." in unescape(
        response.content.decode()
    )
    english.refresh_from_db()
    assert not english.published
    response = admin_client.post(EDITOR + "publish/", {"version-en": 1, "without": "es"})
    assert response.status_code == 302 and response["Location"] == EDITOR
    english.refresh_from_db()
    assert english.published


def test_both_languages_are_published_together(admin_client: Client, demo: Platform) -> None:
    lock_month(demo, "2019-11", "test")
    publish_month(demo, "2019-11", "test")
    english, spanish = version(demo, "en"), version(demo, "es")
    admin_client.post(EDITOR + "publish/", {"version-en": 1, "version-es": 1})
    assert (
        ReportVersion.objects.filter(pk__in=[english.pk, spanish.pk], published=True).count() == 2
    )


def test_only_admins_publish(demo: Platform) -> None:
    assert signed_in(demo, "viewer").post(EDITOR + "publish/", {"version-en": 1}).status_code == 403
    assert Client().get(EDITOR + "publish/").status_code == 302


def test_narrative_files_name_only_sections_the_report_has(demo: Platform, tmp_path) -> None:  # noqa: ANN001
    from kipu.core.report.narrative import NarrativeError

    with pytest.raises(NarrativeError, match="no report section AREA9, highlight; sections: "):
        report_context(demo, "2019-11", "en", {"highlight": "x", "AREA9": "y"})
    context = report_context(demo, "2019-11", "en", {"custom-3": "Extra **text**."})
    assert [(c.title, c.text_md) for c in context.custom_sections] == [
        ("custom-3", "Extra **text**.")
    ]


def test_publishing_a_version_that_does_not_exist_says_so(
    admin_client: Client, demo: Platform
) -> None:
    response = admin_client.post(EDITOR + "publish/", {"version-en": 7, "version-es": 7})
    assert response.status_code == 200
    assert "there is no version 7 of the 2019-11 report in en" in response.content.decode()


def test_a_narrative_error_in_either_language_is_told_before_anything_is_queued(
    admin_client: Client, demo: Platform
) -> None:
    Narrative.objects.filter(platform=demo, lang="es", section="highlights").update(
        markdown='{{ reached(admin1="Tumbez") }}'
    )
    response = start_render(admin_client)
    assert response.status_code == 400
    answer = response.json()
    assert answer["ok"] is False
    assert "es: highlights: reached(admin1='Tumbez')" in answer["error"]
    assert "did you mean PE24 (Tumbes)" in answer["error"]
    assert not Job.objects.exists() and not ReportVersion.objects.exists()
    Narrative.objects.filter(platform=demo, lang="es", section="highlights").update(
        markdown='{{ reached(admin1="Tumbes") }}'
    )
    first = start_render(admin_client).json()
    assert first["ok"] is True and first["created"] is True
    again = start_render(admin_client).json()  # while it waits: the same job, not a second
    assert (again["created"], again["job"]["id"]) == (False, first["job"]["id"])
    assert Job.objects.count() == 1 and not ReportVersion.objects.exists()


def test_without_script_the_render_starts_the_job_and_the_editor_shows_it(
    admin_client: Client, demo: Platform
) -> None:
    response = admin_client.post(EDITOR + "render/", {"lang": "es"})
    assert response.status_code == 302 and response["Location"] == EDITOR + "?lang=es"
    job = Job.objects.get(kind="report")
    html = page(admin_client, response["Location"])
    assert "Started: Situation report (English and Spanish). Its progress shows below." in html
    assert f'data-job-url="/api/v1/jobs/{job.pk}" data-finished="0"' in html
    assert '<span class="kipu-job-state">Waiting for a worker</span>' in html
    admin_client.post(EDITOR + "render/")
    assert "already under way" in page(admin_client, EDITOR)
    assert Job.objects.count() == 1 and not ReportVersion.objects.exists()
    assert signed_in(demo, "viewer").post(EDITOR + "render/").status_code == 403
    assert admin_client.get(EDITOR + "render/").status_code == 405


def test_leaving_a_rendered_language_out_asks_too(admin_client: Client, demo: Platform) -> None:
    lock_month(demo, "2019-11", "test")
    publish_month(demo, "2019-11", "test")
    version(demo, "en")
    spanish = version(demo, "es")
    response = admin_client.post(EDITOR + "publish/", {"version-en": "", "version-es": 1})
    html = unescape(response.content.decode())
    assert "there is no report in English" in html and 'name="without" value="en"' in html
    spanish.refresh_from_db()
    assert not spanish.published
