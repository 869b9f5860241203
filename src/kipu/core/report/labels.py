"""Every fixed text of the situation report, in English and Spanish, and date wording.

One module so that a translator finds all of them in one place; HTML and Word use the same
strings, so the two formats never drift apart.
"""

from __future__ import annotations

from datetime import date

from kipu.core import admin_levels
from kipu.core.phrasing import MONTHS, language

LABELS: dict[str, dict[str, str]] = {
    "situation_report": {"en": "Situation Report", "es": "Informe de situación"},
    "synthetic": {
        "en": "Synthetic demonstration data: these are not real figures.",
        "es": "Datos sintéticos de demostración: estas no son cifras reales.",
    },
    "highlights": {"en": "Highlights", "es": "Aspectos destacados"},
    "key_figures": {"en": "Key figures", "es": "Cifras clave"},
    "no_statistics": {
        "en": "No official statistics loaded.",
        "es": "No se han cargado estadísticas oficiales.",
    },
    # Statistics are loaded, none of the key figures' dated by the report's month (the
    # report of December 2018 said "No official statistics loaded" over a chart of them).
    "no_key_statistics": {
        "en": "No official statistic of the key figures is dated {month} or earlier.",
        "es": "Ninguna estadística oficial de las cifras clave tiene fecha de {month} o anterior.",
    },
    "no_flows": {
        "en": "No monthly arrivals or departures are loaded up to {month}.",
        "es": "No se han cargado llegadas ni salidas mensuales hasta {month}.",
    },
    "footnote": {"en": "Source: {source}, {date}.", "es": "Fuente: {source}, {date}."},
    "footnote_nodate": {"en": "Source: {source}.", "es": "Fuente: {source}."},
    "figure": {"en": "Figure", "es": "Figura"},
    "arrivals": {"en": "Arrivals", "es": "Llegadas"},
    "departures": {"en": "Departures", "es": "Salidas"},
    "fig_flows": {
        "en": "Arrivals and departures of refugees and migrants, by month ({first}–{last})",
        "es": "Llegadas y salidas de refugiados y migrantes, por mes ({first}–{last})",
    },
    "operational_context": {"en": "Operational context", "es": "Contexto operacional"},
    "response_overview": {"en": "Response overview", "es": "Panorama de la respuesta"},
    "area_heading": {
        "en": "Area of intervention {i}: {name}",
        "es": "Área de intervención {i}: {name}",
    },
    "partners": {"en": "Partners", "es": "Socios"},
    "people_reached": {"en": "People reached", "es": "Personas alcanzadas"},
    "none_reported": {"en": "none reported", "es": "sin reportes"},
    "no_activities": {
        "en": "No activities were reported for {month}.",
        "es": "No se reportaron actividades para {month}.",
    },
    # What qualifies the figures printed (`ReportContext.unpublished`, `figure_notes`,
    # `above_sectors`): docs/figures.md promises it is never silent.
    "unpublished": {
        "en": "Not published, so not counted in the figures of {period}: {months}.",
        "es": "No publicados, por eso no contados en las cifras de {period}: {months}.",
    },
    "unpublished_one": {
        "en": "Not published, so not counted in the figures of {period}: {months}.",
        "es": "No publicado, por eso no contado en las cifras de {period}: {months}.",
    },
    "figure_note": {"en": "{period}: {note}.", "es": "{period}: {note}."},
    "above_sectors": {
        "en": "{period}: the people reached in all ({n}) are more than the sum of the areas "
        "({s}): the count rounds each group of population type, age and sex to whole people "
        "(halves away from zero), as R4V's method does.",
        "es": "{period}: el total de personas alcanzadas ({n}) supera la suma de las áreas "
        "({s}): el cálculo redondea cada grupo de tipo de población, edad y sexo a personas "
        "enteras (las mitades, lejos de cero), como el método de R4V.",
    },
    "proportions_missing": {
        "en": "The plan's proportions table does not cover {cells} of admin1, sector and "
        "population type: there, age and sex were split with each sector's own breakdown "
        "(see the notes of the figures: kipu figures; API /api/v1/figures).",
        "es": "La tabla de proporciones del plan no cubre {cells} de admin1, sector y tipo de "
        "población: allí la edad y el sexo se repartieron con el desglose propio de cada "
        "sector (ver las notas de las cifras: kipu figures; API /api/v1/figures).",
    },
    "fig_partners_by_area": {
        "en": "Partners by area of intervention, {month}",
        "es": "Socios por área de intervención, {month}",
    },
    "fig_reached_by_area": {  # the plan year's people, not the month's
        "en": "People reached by area of intervention, {year_to_date}",
        "es": "Personas alcanzadas por área de intervención, {year_to_date}",
    },
    "presence": {"en": "Operational presence", "es": "Presencia operacional"},
    "fig_presence_overall": {
        "en": "Partners present by {admin1}, {month}",
        "es": "Socios presentes por {admin1}, {month}",
    },
    "fig_presence_by_area": {
        "en": "Operational presence by area of intervention, {month}",
        "es": "Presencia operacional por área de intervención, {month}",
    },
    "no_boundaries": {
        "en": "No boundaries loaded: presence is shown in the table only.",
        "es": "No se han cargado límites: la presencia se muestra solo en la tabla.",
    },
    "no_presence": {
        "en": "No operational presence was reported for {month}.",
        "es": "No se reportó presencia operacional para {month}.",
    },
    "province_table": {"en": "Partners by {admin2}", "es": "Socios por {admin2}"},
    "province_rule": {
        "en": "Activities with fewer than {k} people in a group are shown by {admin1} only, as "
        "in the open data, so that no one can be singled out: a partner present in {a_admin2} "
        "only through such activities is not counted there.",
        "es": "Las actividades con menos de {k} personas en un grupo se muestran solo por "
        "{admin1}, como en los datos abiertos, para que nadie pueda ser identificado: un "
        "socio presente en {a_admin2} solo con tales actividades no se cuenta en {it_admin2}.",
    },
    # The admin levels in the words of the report's country (kipu.core.admin_levels): keys
    # named after Peru's departments and provinces, words of any country.
    "department": {"en": "{Admin1}", "es": "{Admin1}"},
    "province": {"en": "{Admin2}", "es": "{Admin2}"},
    "coordination": {"en": "Coordination", "es": "Coordinación"},
    "coordination_summary": {
        "en": "A total of {orgs}, members of {platform}, reported their activities for {month}. "
        "Partners assisted refugees, migrants and host communities in {places}.",
        "es": "Un total de {orgs}, miembros de {platform}, reportaron sus actividades de "
        "{month}. Los socios asistieron a refugiados, migrantes y comunidades de acogida en "
        "{places}.",
    },
    "coordination_summary_one": {
        "en": "{orgs}, a member of {platform}, reported its activities for {month}. It "
        "assisted refugees, migrants and host communities in {places}.",
        "es": "{orgs}, miembro de {platform}, reportó sus actividades de {month}. Asistió a "
        "refugiados, migrantes y comunidades de acogida en {places}.",
    },
    "departments_and_provinces": {
        "en": "{departments} and {provinces}",
        "es": "{departments} y {provinces}",
    },
    # The public report counts the provinces the open data names: counting the withheld ones
    # too told which they were (Tumbes has three provinces; "3 provinces" named the third).
    "provinces_withheld": {
        "en": " Where an activity reached few people, its {admin2} is neither named nor counted, "
        "so that no one can be singled out.",
        "es": " Cuando una actividad atendió a pocas personas, su {admin2} no se nombra ni se "
        "cuenta, para que nadie pueda ser identificado.",
    },
    "no_reports": {
        "en": "No organisation reported activities for {month}.",
        "es": "Ninguna organización reportó actividades para {month}.",
    },
    # singular|plural, after a number
    "n_organisations": {"en": "organisation|organisations", "es": "organización|organizaciones"},
    "n_departments": {"en": "{admin1}|{admin1s}", "es": "{admin1}|{admin1s}"},
    "n_provinces": {"en": "{admin2}|{admin2s}", "es": "{admin2}|{admin2s}"},
    "n_combinations": {"en": "combination|combinations", "es": "combinación|combinaciones"},
    "new_members": {"en": "New members ({n})", "es": "Nuevos miembros ({n})"},
    "no_new_members": {
        "en": "No new members joined this month.",
        "es": "No se incorporaron nuevos miembros este mes.",
    },
    "events": {
        "en": "Meetings, events and trainings",
        "es": "Reuniones, eventos y capacitaciones",
    },
    "no_events": {
        "en": "No meetings, events or trainings were recorded for {month}.",
        "es": "No se registraron reuniones, eventos ni capacitaciones en {month}.",
    },
    "date": {"en": "Date", "es": "Fecha"},
    "event": {"en": "Event", "es": "Evento"},
    "type": {"en": "Type", "es": "Tipo"},
    "attendance": {"en": "Attendance", "es": "Asistentes"},
    "organisations": {"en": "Organisations", "es": "Organizaciones"},
    "platform_partners": {"en": "Platform partners", "es": "Socios de la plataforma"},
    "no_partners": {
        "en": "No member organisations registered.",
        "es": "No hay organizaciones miembro registradas.",
    },
    "contacts": {
        "en": "For more information, please contact",
        "es": "Para más información, contactar a",
    },
    "no_contacts": {"en": "No contacts configured.", "es": "No hay contactos configurados."},
    "name": {"en": "Name", "es": "Nombre"},
    "role": {"en": "Role", "es": "Cargo"},
    "organisation": {"en": "Organisation", "es": "Organización"},
    "email": {"en": "E-mail", "es": "Correo electrónico"},
    "not_available": {"en": "n/a", "es": "s/d"},
    "figure_value": {"en": "Figure", "es": "Cifra"},
    "description": {"en": "Description", "es": "Descripción"},
    "source": {"en": "Source", "es": "Fuente"},
    "source_5w": {"en": "{platform} 5W", "es": "5W {platform}"},
}

EVENT_TYPES: dict[str, dict[str, str]] = {
    "meeting": {"en": "Meeting", "es": "Reunión"},
    "training": {"en": "Training", "es": "Capacitación"},
    "workshop": {"en": "Workshop", "es": "Taller"},
    "event": {"en": "Event", "es": "Evento"},
    "launch": {"en": "Launch", "es": "Lanzamiento"},
}


# Texts drawn inside charts and maps.
LABELS.update(
    {
        "source": {"en": "Source", "es": "Fuente"},
        "per_month": {"en": "People per month", "es": "Personas por mes"},
        "reached": {"en": "People reached", "es": "Personas alcanzadas"},
        "reached_title": {"en": "People reached by sector", "es": "Personas alcanzadas por sector"},
        "partners_title": {
            "en": "Partners by area of intervention",
            "es": "Socios por área de intervención",
        },
        "no_data": {"en": "No data for this period", "es": "Sin datos para este periodo"},
        "boundaries": {"en": "Boundaries: Natural Earth", "es": "Límites: Natural Earth"},
        "disclaimer": {
            "en": "The boundaries and names shown and the designations used on this map do not "
            "imply official endorsement or acceptance by the United Nations",
            "es": "Los límites y los nombres que figuran en este mapa y las denominaciones "
            "empleadas no implican su aprobación o aceptación oficial por las Naciones Unidas",
        },
    }
)
SHORT_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "es": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"],
}


def level_values(country: str | None, lang: str) -> dict[str, str]:
    """The admin-level words the labels name, in the words of `country` (ISO3; None or ""
    for a regional report: the generic "admin1 unit"): {admin1} "province", {admin1s}
    "provinces", {Admin1} "Province" (a heading), {a_admin2} "a canton" / "un cantón",
    {it_admin2} "there" / "en él" ("ella" after a feminine noun), and the same of admin2."""
    lang = language(lang)
    values: dict[str, str] = {}
    for level in (1, 2):
        found = admin_levels.words(country, level)
        one, many = found.singular(lang), found.plural(lang)
        if lang == "es":
            article, it = ("una", "ella") if found.gender == "f" else ("un", "él")
        else:
            article, it = ("an" if one[0] in "aeiou" else "a"), "there"
        values |= {
            f"admin{level}": one,
            f"admin{level}s": many,
            f"Admin{level}": one[0].upper() + one[1:],
            f"a_admin{level}": f"{article} {one}",
            f"it_admin{level}": it,
        }
    return values


def label(key: str, lang: str, *, country: str | None = None, **values: object) -> str:
    """The label `key` in `lang`, its admin levels in the words of `country` (ISO3; None for
    a regional report or an unknown country: "admin1 unit")."""
    text = LABELS[key][language(lang)]
    levels = level_values(country, lang)
    if not values and not any(f"{{{name}}}" in text for name in levels):
        return text
    if not values:  # the admin levels only: other fields are left as they are
        return text.format_map(_Keep(levels))
    return text.format(**{**levels, **values})


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"{{{key}}}"


def counted(key: str, count: int, text: str, lang: str, country: str | None = None) -> str:
    """ "1 province" / "17 provinces": `text` is the phrased count; admin levels in the
    words of `country` (see `label`)."""
    one, many = label(key, lang, country=country).split("|")
    return f"{text} {one if count == 1 else many}"


def event_type(kind: str, lang: str) -> str:
    known = EVENT_TYPES.get(kind.strip().lower())
    return known[language(lang)] if known else kind


def month_words(year: int, month: int, lang: str) -> str:
    """ "November 2019" / "noviembre de 2019"."""
    name = MONTHS[language(lang)][month - 1]
    return f"{name} {year}" if language(lang) == "en" else f"{name} de {year}"


def year_to_date_words(year: int, month: int, lang: str) -> str:
    """ "January–November 2019" / "enero–noviembre de 2019"; "January 2020" for January."""
    if month == 1:
        return month_words(year, month, lang)
    first = MONTHS[language(lang)][0]
    return f"{first}–{month_words(year, month, lang)}"


def date_words(day: date, lang: str) -> str:
    """ "18 November 2019" / "18 de noviembre de 2019" (UN style: day first, no comma)."""
    name = MONTHS[language(lang)][day.month - 1]
    if language(lang) == "en":
        return f"{day.day} {name} {day.year}"
    return f"{day.day} de {name} de {day.year}"
