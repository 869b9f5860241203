"""The dashboard's words for admin levels, in the platform's country's words: "Provinces
covered" on Ecuador's dashboard, "Departments covered" on Peru's, "Admin1 units covered" on a
regional one (kipu.core.admin_levels); the sentence around the word is translated as usual."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kipu.core import admin_levels


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
