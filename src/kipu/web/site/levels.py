"""The dashboard's words for admin levels, in the platform's country's words: "Provinces
covered" on Ecuador's dashboard, "Departments covered" on Peru's, "Admin1 units covered" on a
regional one (kipu.core.admin_levels); the sentence around the word is translated as usual."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kipu.core import admin_levels
from kipu.core.gazetteer import countries
from kipu.core.reference import ReferenceData


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def level_labels(country: str | None, lang: str) -> dict[str, str]:
    """Labels naming admin1 and admin2 in `lang` (the active language's catalogue): `admin1`
    "Department", `admin1_covered` "Departments covered" (Spanish "cubiertos" or "cubiertas"
    after the noun's gender), `by_admin1` "By department", `reached_by_admin1` "People reached
    by department", and `admin2_covered`."""
    one, two = admin_levels.words(country, 1), admin_levels.words(country, 2)

    def covered(found: admin_levels.Words) -> str:
        # Translators: %(units)s is a plural noun ("Provinces"); Spanish agrees in gender.
        if found.gender == "f":
            text = pgettext("feminine", "%(units)s covered")
        else:
            text = pgettext("masculine", "%(units)s covered")
        return text % {"units": _capfirst(found.plural(lang))}

    unit = one.singular(lang)
    return {
        "admin1": _capfirst(unit),
        "admin1_covered": covered(one),
        "admin2_covered": covered(two),
        "by_admin1": _("By %(unit)s") % {"unit": unit},
        "reached_by_admin1": _("People reached by %(unit)s") % {"unit": unit},
    }


def country_name(iso3: str | None, lang: str) -> str:
    """A country's name in `lang` ("Panama", "Panamá"), its ISO3 code if unknown."""
    country = countries().get(iso3 or "")
    if country is None:
        return iso3 or ""
    return (country.names.get(lang) if lang != "en" else None) or country.name


def regional(reference: ReferenceData) -> bool:
    """Whether the platform lists units of more than one country: its admin1 units are then
    named with their country ("Santa Cruz" is in Bolivia and in Venezuela, and every country
    has a "Country level")."""
    return len(reference.countries) > 1


def admin1_label(
    reference: ReferenceData, name: str, national: bool, country: str | None, lang: str
) -> str:
    """An admin1 unit as the dashboard names it: "Country level" for a national pseudo-unit,
    with its country in brackets on a regional platform ("Country level (Panama)",
    "Santa Cruz (Bolivia)")."""
    label = _("Country level") if national else name
    if not regional(reference) or not country:
        return label
    return _("%(place)s (%(country)s)") % {"place": label, "country": country_name(country, lang)}
