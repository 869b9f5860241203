"""A narrative figure whose argument names nothing, or several things, is refused everywhere it
could reach a reader: the editor's preview shows the error, rendering writes no version (the
render job is not even queued), and a version that cites it (rendered before arguments were
checked) cannot be published. Codes and names in either language give the same figure.

Generated from the demonstration platform's own catalogue: every figure × every argument."""

from __future__ import annotations

import functools
from html import unescape

import pytest
from django.test import Client

from kipu.core.report import catalogue
from kipu.core.text import normalise
from kipu.web.jobs.models import Job
from kipu.web.locations import queries as locations
from kipu.web.locations.models import Location, LocationAlias
from kipu.web.plans.models import Indicator, Sector
from kipu.web.platforms.models import Platform
from kipu.web.reports.context import report_context
from kipu.web.reports.models import Narrative, ReportVersion
from kipu.web.submissions.months import lock_month, publish_month, published_months

EDITOR = "/console/reports/gtrm-peru/2019-11/"
UNKNOWN = "Nowhere 999"
SURVEY = {"survey": "fms-tumbes", "question": "needs", "answer": "food"}
REQUIRED = {
    "indicator": {"code": "DEA-01"},
    "statistic": {"series": "stock"},
    "survey": {"survey": "fms-tumbes"},
    "survey_share": SURVEY,
    "survey_count": SURVEY,
}
FIXED = {"population", "month", "kind", "measure", "series"}  # no spelling names two values
# The surveys' arguments: their ambiguities are the surveys' tests' (kipu.web.surveys).
SURVEYS = {"survey", "question", "answer", "field"}


@functools.cache
def cases() -> list[tuple[str, str]]:
    """Every (figure, argument) of the catalogue (checked against the demonstration's own by
    the first test: parametrising needs them before any database exists)."""

    parameters = {
        "reached": (catalogue.AREA, catalogue.ADMIN1, catalogue.POPULATION, catalogue.MONTH),
        "reached_month": (catalogue.AREA, catalogue.ADMIN1, catalogue.POPULATION, catalogue.MONTH),
        "partners": (catalogue.AREA, catalogue.ADMIN1, catalogue.ADMIN2, catalogue.KIND,
                     catalogue.MONTH),
        "departments": (catalogue.AREA,),
        "provinces": (catalogue.AREA,),
        "indicator": (catalogue.CODE, catalogue.MEASURE, catalogue.ADMIN1, catalogue.ADMIN2,
                      catalogue.ORGANISATION, catalogue.MONTH),
        "statistic": (catalogue.SERIES,),
        # kipu.web.surveys.figures (the demonstration's monitoring survey)
        "survey": ("survey", "field"),
        "survey_share": ("survey", "question", "answer"),
        "survey_count": ("survey", "question", "answer"),
    }  # fmt: skip
    return [(name, p) for name, ps in parameters.items() for p in ps]


def test_the_cases_are_every_figure_and_argument_of_the_catalogue(demo: Platform) -> None:
    catalogue = report_context(demo, "2019-11").catalogue
    assert cases() == [(n, p) for n, s in catalogue.specs.items() for p in s.parameters]


def make_ambiguous(parameter: str) -> str:
    """Give the demonstration a spelling that names two values of `parameter` (as real
    platforms have: a sub-sector named like its area, two units with one alias, two
    organisations known by one acronym, two indicators with one Spanish name)."""
    if parameter == "area":
        area = Sector.objects.get(plan__year=2019, code="AREA2")
        Sector.objects.create(
            plan=area.plan, code="AREA2-GBV", name_en="GBV", name_es="Protección", parent=area
        )
        return "Protección"
    if parameter in ("admin1", "admin2"):
        # The gazetteer cache is keyed on alias counts and ids, which a rolled-back test
        # reuses on SQLite: start from the database.
        locations._CACHE.clear()
        level = int(parameter[-1])
        for unit in Location.objects.filter(pcode__startswith="PE", level=level).order_by("pcode")[
            :2
        ]:
            LocationAlias.objects.create(location=unit, alias="Frontera")
        return "Frontera"
    if parameter == "code":
        Indicator.objects.filter(code="DEA-02").update(
            name_es="Personas que reciben asistencia alimentaria"
        )
        return "Personas que reciben asistencia alimentaria"
    if parameter == "organisation":
        from kipu.web.platforms.models import Membership

        for member in Membership.objects.filter(platform__slug="gtrm-peru").order_by("id")[:2]:
            member.organisation.aliases = [*member.organisation.aliases, "Caritas"]
            member.organisation.save()
        return "Caritas"
    raise AssertionError(f"no ambiguity to make for {parameter}")


def expression(name: str, parameter: str, value: str) -> str:
    arguments = {p: v for p, v in REQUIRED.get(name, {}).items() if p != parameter}
    arguments[parameter] = value
    written = ", ".join(f'{k}="{v}"' for k, v in sorted(arguments.items()))
    return "{{ " + f"{name}({written}) | number" + " }}"


def preview(client: Client, text: str, lang: str = "en") -> dict[str, object]:
    return client.post(EDITOR + "preview/", {"markdown": text, "lang": lang}).json()


def month_published(demo: Platform) -> None:
    if "2019-11" not in published_months(demo):
        lock_month(demo, "2019-11", "test")
        publish_month(demo, "2019-11", "test")


def refused_in_preview(client: Client, demo: Platform, text: str, message: str) -> None:
    answer = preview(client, f"Reached {text} people.")
    assert answer["ok"] is False and message in str(answer["error"]), answer


def refused_everywhere(client: Client, demo: Platform, text: str, message: str) -> None:
    """The preview shows the error; rendering (the Spanish narrative cites it) writes nothing
    in either language; a version that printed the figure (rendered before arguments were
    checked) cannot be published."""
    answer = preview(client, f"Reached {text} people.")
    assert answer["ok"] is False and message in str(answer["error"]), answer
    Narrative.objects.update_or_create(
        platform=demo, month="2019-11", lang="es", section="context",
        defaults={"markdown": f"Llegamos a {text} personas."},
    )  # fmt: skip
    before = ReportVersion.objects.count()
    response = client.post(EDITOR + "render/", HTTP_ACCEPT="application/json")
    answer = response.json()
    assert response.status_code == 400
    assert answer["ok"] is False and "es: context:" in answer["error"], answer
    assert message in answer["error"]
    assert ReportVersion.objects.count() == before  # nothing rendered, in either language
    assert not Job.objects.exists()  # nor queued to be
    call = text.removeprefix("{{ ").removesuffix(" | number }}")
    number = before + 90
    version = ReportVersion.objects.create(
        platform=demo, month="2019-11", lang="en", number=number, folder="reports/old",
        figures={f"narrative/{call}": {"value": 0, "text": ["0"]}},
    )  # fmt: skip
    month_published(demo)
    page = client.post(EDITOR + "publish/", {"version-en": number, "without": "es"})
    shown = unescape(page.content.decode())
    assert "Nothing was published" in shown and message in shown
    version.refresh_from_db()
    assert not version.published


# The arguments are resolved in Python, on the catalogue read from the database: the matrix is
# not run again on PostgreSQL (the refusals themselves are, by the test after it).
@pytest.mark.slow
@pytest.mark.backend_independent
@pytest.mark.parametrize(("name", "parameter"), cases())
def test_every_figure_and_argument_refuses_what_names_nothing_or_several_things(
    admin_client: Client, demo: Platform, name: str, parameter: str
) -> None:
    # Unknown: an error naming the value (and, with a domain, listing the valid ones). The
    # preview, the render and the publishing resolve arguments alike: all three are tried
    # for each figure's first argument, the preview for every argument (the matrix took
    # 2.5 minutes of the suite).
    everywhere = parameter == dict(reversed(cases()))[name]
    refused = refused_everywhere if everywhere else refused_in_preview
    listed = "valid values" if parameter not in SURVEYS else repr(UNKNOWN)
    refused(admin_client, demo, expression(name, parameter, UNKNOWN), listed)
    domain = report_context(demo, "2019-11").catalogue.domains.get(parameter)
    if domain is None:
        assert parameter in SURVEYS, f"{name}({parameter}=…) has no domain"
        return
    # Codes and names in either language: the same figure as the code gives.
    shown = 0
    for choice in domain.choices:
        expected = preview(admin_client, expression(name, parameter, choice.code))
        if not expected["ok"]:
            continue  # a figure without a number (a model's undefined column) is refused
        spellings = [choice.names.get("es", ""), choice.names.get("en", ""), choice.code.upper()]
        for written in dict.fromkeys(s for s in spellings if s and s != choice.code):
            if normalise(written) not in domain.ambiguous():
                assert preview(admin_client, expression(name, parameter, written)) == expected
                shown += 1
                break
        if shown:
            break
    assert shown
    # Ambiguous: an error listing the candidates, everywhere.
    if parameter in FIXED | SURVEYS:
        assert domain.ambiguous() == {}, f"{parameter}: a spelling names several values"
        return
    spelling = make_ambiguous(parameter)
    text = expression(name, parameter, spelling)
    refused(admin_client, demo, text, "write the code of the one you mean")


def test_the_editor_says_why_nothing_was_rendered_or_published(
    admin_client: Client, demo: Platform
) -> None:
    text = '{{ indicator(code="AE-01") | number }}'
    Narrative.objects.update_or_create(
        platform=demo, month="2019-11", lang="en", section="AREA1",
        defaults={"markdown": f"{text} received food."},
    )  # fmt: skip
    page = admin_client.post(EDITOR + "render/", follow=True)  # without script
    shown = unescape(page.content.decode())
    assert "The report cannot be rendered: en: areas/Direct Emergency Assistance:" in shown
    assert "no indicator 'AE-01' (did you mean DEA-01" in shown
    assert not ReportVersion.objects.filter(month="2019-11").exists()
    assert not Job.objects.exists()
