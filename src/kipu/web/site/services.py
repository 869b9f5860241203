"""Writes that span the whole platform: the demonstration data."""

from __future__ import annotations

from django.db import transaction

from kipu.core import demo
from kipu.core.demo_narrative import NARRATIVE, REPORT_CONFIG
from kipu.core.export import table_rows, write_xlsx
from kipu.core.frame import activity_frame
from kipu.web.database import data_dir
from kipu.web.locations.models import Location
from kipu.web.plans.services import load_plan
from kipu.web.platforms.models import Platform
from kipu.web.platforms.queries import reference_data
from kipu.web.platforms.services import add_platform, load_events, load_organisations
from kipu.web.reports.models import Narrative
from kipu.web.stats.services import load_statistics
from kipu.web.submissions.imports import import_file
from kipu.web.submissions.models import Activity, Submission


class NotInitialised(RuntimeError):
    pass


@transaction.atomic
def load_demo() -> Platform:
    """(Re)create the synthetic GTRM Peru platform with its 2019 data."""
    if not Location.objects.filter(pcode="PE15").exists():
        raise NotInitialised("the gazetteer is not loaded: run `kipu init` first")
    existing = Platform.objects.filter(slug=demo.SLUG).first()
    if existing is not None:
        if not existing.synthetic:
            raise ValueError(f"platform {demo.SLUG!r} holds real data; not replacing it")
        Activity.objects.filter(platform=existing).delete()
        Submission.objects.filter(platform=existing).delete()
        existing.delete()
    platform = add_platform(demo.SLUG, demo.NAME, country="PER", level="national", synthetic=True)
    platform.contacts = [
        {
            "name": "IM focal point (synthetic)",
            "role": "Information Management Officer",
            "organisation": "GTRM Peru",
            "email": "im@example.org",
        },
    ]
    platform.report_config = REPORT_CONFIG
    platform.save()
    load_organisations(platform, demo.demo_organisations())
    load_plan(
        platform,
        demo.YEAR,
        demo.demo_plan(),
        name="GTRM Peru 2019 (synthetic)",
        classification="areas",
    )
    load_statistics(platform, demo.demo_statistics())
    load_events(platform, demo.demo_events())
    _store_activities(platform)
    from kipu.web.surveys.services import load_demo_survey  # the synthetic FMS (issue 17)

    load_demo_survey(platform, data_dir() / "demo" / "survey")
    for lang, sections in NARRATIVE.items():
        for section, markdown in sections.items():
            Narrative.objects.create(
                platform=platform,
                month=demo.NOVEMBER,
                lang=lang,
                section=section,
                markdown=markdown,
            )
    return platform


def _store_activities(platform: Platform) -> None:
    """Write the year's rows as a real 5W workbook and import it like an IM officer would."""
    reference = reference_data(platform, demo.YEAR)
    folder = data_dir() / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    workbook = folder / f"5w-{demo.YEAR}-synthetic.xlsx"
    write_xlsx(table_rows(activity_frame(demo.demo_activities()), reference), workbook)
    result = import_file(platform, workbook)
    if not result.ok:
        summary = result.validation.report.summary
        raise RuntimeError(f"the demonstration data do not validate: {summary}")


def stage_demo(platform: Platform, *, with_reports: bool = True) -> None:
    """The workflow around the data: January–November 2019 approved and published, December
    in progress, and the November reports published in English and Spanish."""
    from kipu.web.console.demo_workflow import stage_demo_workflow
    from kipu.web.reports.services import create_report_version

    stage_demo_workflow(platform, "system:demo")
    if with_reports:
        for lang in ("en", "es"):
            create_report_version(platform, demo.NOVEMBER, lang, publish=True)
