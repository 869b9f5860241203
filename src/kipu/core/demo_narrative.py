"""The narrative of the synthetic November 2019 report, after GTRM Peru's real one.

Numbers are never written here: each is cited by name and computed from the synthetic data.
"""

from __future__ import annotations

REPORT_CONFIG = {
    "key_figures": [
        {
            "series": "stock",
            "phrasing": "above",
            "label_en": "Venezuelans living in Peru",
            "label_es": "Venezolanos que viven en el Perú",
        },
        {
            "series": "asylum_claims_cumulative",
            "phrasing": "above",
            "label_en": "Asylum claims",
            "label_es": "Solicitudes de refugio",
        },
        {
            "series": "ptp_applications_cumulative",
            "phrasing": "above",
            "label_en": "Applications (granted and in process) to the PTP (Permiso Temporal de Permanencia)",
            "label_es": "Solicitudes (otorgadas y en trámite) del PTP (Permiso Temporal de Permanencia)",
        },
        {
            "series": "arrivals_since_2016_cumulative",
            "phrasing": "some",
            "label_en": "Venezuelans arrived in or transited through Peru since 2016",
            "label_es": "Venezolanos llegaron o transitaron por el Perú desde 2016",
        },
    ],
    "flows": {
        "arrivals": "entries",
        "departures": "exits",
        "from": "2017-01-01",
        "source": "Superintendencia Nacional de Migraciones (monthly split synthetic)",
        "annotations": [
            {
                "date": "2018-08-25",
                "label_en": "Passport required",
                "label_es": "Pasaporte exigido",
            },
            {
                "date": "2019-06-15",
                "label_en": "Humanitarian visa required",
                "label_es": "Visa humanitaria exigida",
            },
        ],
    },
}

NARRATIVE = {
    "en": {
        "highlights": (
            "Local coordination mechanisms in **Tumbes**, **Tacna** and **Arequipa** are working to "
            "formalise their response structures with the support of the national platform. "
            "In November {{ organisations_reporting | words }} organisations reported activities in "
            "{{ departments | words }} departments, reaching "
            "{{ reached | over }} refugees, migrants and host community members since January."
        ),
        "context": (
            "Peru remains the second country of arrival of Venezuelans worldwide. Partners continue "
            "reporting irregular entries through informal crossing points in Tumbes. "
            '{{ statistic(series="stock") | above }} Venezuelans live in Peru. '
            # The synthetic flow-monitoring survey (kipu.core.surveys.demo; issue 17).
            "In Tumbes, partners continued collecting information at the CEBAF through daily flow "
            'monitoring surveys ({{ survey("fms-tumbes").interviews | number }} people '
            "interviewed), in order to obtain their profiles, difficulties and specific needs. "
            "The needs they cited most were food "
            '({{ survey_share("fms-tumbes", question="needs", answer="food") | percent }}), '
            'health care ({{ survey_share("fms-tumbes", question="needs", answer="health") | percent }}) '
            'and documentation ({{ survey_share("fms-tumbes", question="needs", answer="documentation") | percent }}); '
            '{{ survey_share("fms-tumbes", question="intention", answer="stay_peru") | percent }} '
            "intended to stay in Peru."
        ),
        "AREA1": (
            '{{ partners(area="AREA1") | words | capfirst }} partners delivered life-saving goods and '
            "services such as food, shelter, humanitarian transport, non-food items and cash-based "
            'interventions, reaching {{ reached_month(area="AREA1") | number }} new people this month.'
        ),
        "AREA2": (
            'Some {{ partners(area="AREA2") | words }} partners worked on the protection response. '
            'Partners informed {{ indicator(code="PRO-02") | over }} people on the prevention of '
            "gender-based violence and identified and referred "
            '{{ indicator(code="PRO-03") | number }} vulnerable cases.'
        ),
        "AREA3": (
            "Socio-economic and cultural integration is covered by "
            '{{ partners(area="AREA3") | more_than }} organisations, mostly in Lima and Tumbes. '
            '{{ indicator(code="INT-01") | over | capfirst }} refugees and migrants attend '
            "livelihoods and entrepreneurship programmes."
        ),
    },
    "es": {
        "highlights": (
            "Los mecanismos de coordinación locales de **Tumbes**, **Tacna** y **Arequipa** trabajan "
            "para formalizar sus estructuras de respuesta con el apoyo de la plataforma nacional. "
            "En noviembre, {{ organisations_reporting | words }} organizaciones reportaron actividades "
            "en {{ departments | words }} departamentos y llegaron a "
            "{{ reached | over }} refugiados, migrantes y miembros de la comunidad de acogida desde enero."
        ),
        "context": (
            "El Perú sigue siendo el segundo país de llegada de venezolanos en el mundo. Los socios "
            "siguen reportando ingresos irregulares por pasos informales en Tumbes. "
            '{{ statistic(series="stock") | above }} venezolanos viven en el Perú. '
            "En Tumbes, los socios siguieron recogiendo información en el CEBAF mediante encuestas "
            'diarias de monitoreo de flujo ({{ survey("fms-tumbes").interviews | number }} personas '
            "entrevistadas), para conocer sus perfiles, dificultades y necesidades específicas. "
            "Las necesidades más citadas fueron alimentos "
            '({{ survey_share("fms-tumbes", question="needs", answer="food") | percent }}), '
            'atención de salud ({{ survey_share("fms-tumbes", question="needs", answer="health") | percent }}) '
            'y documentación ({{ survey_share("fms-tumbes", question="needs", answer="documentation") | percent }}); '
            'el {{ survey_share("fms-tumbes", question="intention", answer="stay_peru") | percent }} '
            "pensaba quedarse en el Perú."
        ),
        "AREA1": (
            '{{ partners(area="AREA1") | words | capfirst }} socios entregaron bienes y servicios '
            "esenciales como alimentos, alojamiento, transporte humanitario, artículos no alimentarios "
            'y transferencias monetarias, y llegaron a {{ reached_month(area="AREA1") | number }} '
            "personas nuevas este mes."
        ),
        "AREA2": (
            'Unos {{ partners(area="AREA2") | words }} socios trabajaron en la respuesta de protección. '
            'Informaron a {{ indicator(code="PRO-02") | over }} personas sobre la prevención de la '
            "violencia basada en género e identificaron y refirieron "
            '{{ indicator(code="PRO-03") | number }} casos vulnerables.'
        ),
        "AREA3": (
            "La integración socioeconómica y cultural está a cargo de "
            '{{ partners(area="AREA3") | more_than }} organizaciones, sobre todo en Lima y Tumbes. '
            '{{ indicator(code="INT-01") | over | capfirst }} refugiados y migrantes participan en '
            "programas de medios de vida y emprendimiento."
        ),
    },
}
