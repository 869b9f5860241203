"""What the report editor shows: its sections, named in the interface language, and the data
of its figure picker (figures, their help and units, the valid values of each argument)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kipu.core import admin_levels
from kipu.core.report.narrative import FigureCatalogue
from kipu.web.plans.queries import plan_value
from kipu.web.platforms.models import Platform
from kipu.web.reports.context import CUSTOM, custom_sections, narratives

# Help and unit of every figure of kipu.core.report.catalogue, in the interface language
# (tests check that none is missing, so a new figure cannot show up untranslated).
FIGURE_HELP: dict[str, tuple[Promise, Promise]] = {
    "reached": (
        _("People reached in the plan year up to the month, without double counting."),
        _("people"),
    ),
    "reached_month": (_("New people reached in the month."), _("people")),
    "partners": (_("Organisations that reported activities in the month."), _("organisations")),
    "organisations_reporting": (_("Organisations that reported in the month."), _("organisations")),
    # departments, provinces: in the platform's country's words (`_level_help`)
    "departments": (_("Admin1 units covered in the month."), _("admin1 units")),
    "provinces": (_("Admin2 units covered in the month."), _("admin2 units")),
    "indicator": (
        _("Sum of one column of an indicator in the month."),
        _("the indicator's unit"),
    ),
    "statistic": (_("Latest value of an official statistic."), _("the statistic's unit")),
    # kipu.web.surveys.figures
    "survey": (_("A survey's round in the month: its number of interviews."), _("interviews")),
    "survey_share": (
        _("Share of respondents giving an answer in the month's round (use | percent)."),
        _("share (0 to 1)"),
    ),
    "survey_count": (_("Respondents giving an answer in the month's round."), _("people")),
}
PARAMETER_LABELS: dict[str, Promise] = {
    "area": _("Area or sector"),
    "admin1": _("Admin1"),  # "Admin1 (department)" in Peru: `_level_help`
    "admin2": _("Admin2"),
    "population": _("Population group"),
    "month": _("Month"),
    "kind": _("Kind of partner"),
    "code": _("Indicator"),
    "measure": _("Measure"),
    "organisation": _("Organisation"),
    "series": _("Official statistic"),
    "survey": _("Survey"),
    "field": _("Field"),
    "question": _("Question"),
    "answer": _("Answer"),
}
# Units plans give their indicators; another unit is shown as the plan writes it.
UNITS: dict[str, Promise] = {
    "people": _("people"),
    "persons": _("people"),
    "kits": _("kits"),
    "events": _("events"),
    "cases": _("cases"),
    "sessions": _("sessions"),
    "households": _("households"),
    "USD": _("USD"),
}
FILTER_HELP: dict[str, Promise] = {
    "": _("as a number (1,532)"),
    "number": _("as a number (1,532)"),
    "words": _("in words (thirty)"),
    "above": _("above (Above 1,500)"),
    "some": _("some (Some 1,500)"),
    "over": _("over (over 1,500)"),
    "more_than": _("more than (more than 1,500)"),
    "percent": _("as a percentage"),
}


@dataclass(frozen=True)
class Section:
    """One narrative section in the editor; `key` is how it is stored (Narrative.section)."""

    key: str  # highlights, context, an area code, coordination, custom-<n>
    label: str  # in the interface language
    markdown: str = ""
    title: str = ""  # a custom section's title (in the narrative's language)
    custom: bool = False
    code: str = ""  # an area's code, shown next to its name


def editor_sections(platform: Platform, month: str, lang: str, ui_lang: str) -> list[Section]:
    """Highlights, operational context, one section per top-level area or sector (named in
    `ui_lang`), coordination, the custom sections, and an empty one to start a new custom
    section. `lang` is the language of the narrative being edited."""
    texts = narratives(platform, month, lang)
    plan = plan_value(platform, int(month[:4]))
    areas = [s for s in plan.sectors if not s.parent_code]
    sections = [
        Section("highlights", str(_("Highlights")), texts.get("highlights", "")),
        Section("context", str(_("Operational context")), texts.get("context", "")),
        *[Section(s.code, s.label(ui_lang), texts.get(s.code, ""), code=s.code) for s in areas],
        Section("coordination", str(_("Coordination")), texts.get("coordination", "")),
    ]
    custom = custom_sections(platform, month, lang)
    for row in custom:
        label = row.title or str(_("Custom section"))
        sections.append(Section(row.section, label, row.markdown, row.title, custom=True))
    numbers = [int(row.section[len(CUSTOM) :] or 0) for row in custom]
    new = f"{CUSTOM}{max(numbers, default=0) + 1}"
    sections.append(Section(new, str(_("New custom section")), custom=True))
    return sections


LEVEL_FIGURES = {"departments": 1, "provinces": 2}


def _level_help(country: str, lang: str) -> dict[str, tuple[str, str]]:
    """Help and unit of the admin-level figures, and the labels of the admin arguments, in the
    words of the platform's country ("Admin2 units (cantons) covered in the month." for
    Ecuador); none for a level without words of its own (a regional platform): the generic
    help stands."""
    found: dict[str, tuple[str, str]] = {}
    for name, level in LEVEL_FIGURES.items():
        if admin_levels.known(country, level):
            words = admin_levels.words(country, level)
            text = gettext("Admin%(level)s units (%(units)s) covered in the month.") % {
                "level": level,
                "units": words.plural(lang),
            }
            found[name] = (text, words.plural(lang))
            label = gettext("Admin%(level)s (%(unit)s)") % {
                "level": level,
                "unit": words.singular(lang),
            }
            found[f"admin{level}"] = (label, "")
    return found


def picker_data(
    catalogue: FigureCatalogue, platform: Platform, month: str, ui_lang: str
) -> dict[str, Any]:
    """The figure picker's data (kipu.core.report.narrative.FigureCatalogue.picker) with help,
    units and argument names in the interface language; indicators carry their unit."""
    data = catalogue.picker(ui_lang)
    levels = _level_help(platform.country, ui_lang)
    for figure in data["figures"]:
        help_text, unit = FIGURE_HELP.get(figure["name"], (figure["doc"], ""))
        help_text, unit = levels.get(figure["name"], (help_text, unit))
        figure["doc"], figure["unit"] = str(help_text), str(unit)
    for parameter, argument in data["arguments"].items():
        label = levels.get(parameter, (PARAMETER_LABELS.get(parameter, parameter), ""))[0]
        argument["label"] = str(label)
    indicators = data["arguments"].get("code")
    if indicators:
        plan = plan_value(platform, int(month[:4]))
        for choice in indicators["choices"]:
            found = plan.indicator(choice["code"])
            if found is not None and found.unit:
                choice["unit"] = str(UNITS.get(found.unit, found.unit))
    data["filters"] = [{"name": name, "label": str(label)} for name, label in FILTER_HELP.items()]
    data["texts"] = {
        "all": str(_("(all)")),
        "insert": str(_("Insert")),
        "required": str(_("required")),
    }
    return data
