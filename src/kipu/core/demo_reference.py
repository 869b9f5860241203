"""Reference data of the synthetic demonstration platform, modelled on GTRM Peru in 2019.

The organisations are the platform partners listed in GTRM Peru's November 2019 situation
report (public); the plan's areas of intervention are the 2019 ones. Indicators, targets and
every 5W figure generated from them are synthetic.
"""

from __future__ import annotations

# The English acronyms of the organisations listed by their Spanish one (GTRM Peru's report
# writes ACNUR, OIM…): aliases, so `--org UNHCR` finds the same organisation as `--org ACNUR`.
ENGLISH_ACRONYMS = {
    "ACNUR": "UNHCR",
    "CICR": "ICRC",
    "FICR": "IFRC",
    "OIM": "IOM",
    "OIT": "ILO",
    "ONUSIDA": "UNAIDS",
    "OPS/OMS": "PAHO/WHO",
    "ONU Voluntarios": "UNV",
    "PNUD": "UNDP",
}
# (English name, Spanish name, acronym, type) — listed as in the report's partner list.
ORGANISATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("Action Against Hunger", "Acción contra el Hambre", "ACH", "INGO"),
    ("UN Refugee Agency", "Agencia de la ONU para los Refugiados", "ACNUR", "UN"),
    (
        "Adventist Development and Relief Agency",
        "Agencia Adventista de Desarrollo y Recursos Asistenciales",
        "ADRA",
        "INGO",
    ),
    (
        "Spanish Agency for International Development Cooperation",
        "Agencia Española de Cooperación Internacional para el Desarrollo",
        "AECID",
        "Donor",
    ),
    ("Amnesty International", "Amnistía Internacional", "AI", "INGO"),
    ("Asociación CCEFIRO", "Asociación CCEFIRO", "CCEFIRO", "NNGO"),
    (
        "Scalabrinian Association",
        "Asociación Scalabrinianos",
        "Scalabrinianos",
        "Faith Based Organization",
    ),
    ("AVSI Foundation", "Fundación AVSI", "AVSI", "INGO"),
    ("Ayuda en Acción", "Ayuda en Acción", "AeA", "INGO"),
    ("British Council", "British Council", "BC", "INGO"),
    (
        "Chaplaincy for Venezuelan Migrants of the Diocese of Lurín",
        "Capellanía de migrantes venezolanos de la diócesis de Lurín",
        "Capellanía Lurín",
        "Faith Based Organization",
    ),
    ("CARE", "CARE Perú", "CARE", "INGO"),
    ("Caritas Switzerland", "Caritas Suiza", "Caritas CH", "Faith Based Organization"),
    ("Caritas Peru", "Caritas del Perú", "Caritas PE", "Faith Based Organization"),
    (
        "International Committee of the Red Cross",
        "Comité Internacional de la Cruz Roja",
        "CICR",
        "Red Cross",
    ),
    ("CESAL", "Cesal", "CESAL", "INGO"),
    (
        "Peruvian Episcopal Conference",
        "Conferencia Episcopal Peruana",
        "CEP",
        "Faith Based Organization",
    ),
    (
        "Interreligious Council - Religions for Peace",
        "Consejo Interreligioso - Religiones por la Paz",
        "RfP",
        "Faith Based Organization",
    ),
    ("Cooperazione Internazionale", "Cooperazione Internazionale", "COOPI", "INGO"),
    ("Spanish Red Cross", "Cruz Roja Española", "CRE", "Red Cross"),
    ("Peruvian Red Cross", "Cruz Roja Peruana", "CRP", "Red Cross"),
    (
        "Encuentros - Jesuit Service for Solidarity",
        "Encuentros - Servicio Jesuita de la Solidaridad",
        "Encuentros",
        "Faith Based Organization",
    ),
    (
        "International Federation of Red Cross and Red Crescent Societies",
        "Federación Internacional de Sociedades de la Cruz Roja",
        "FICR",
        "Red Cross",
    ),
    ("Foro Salud Callao", "Foro Salud Callao", "Foro Salud", "Civil Society"),
    ("HELVETAS Swiss Intercooperation", "HELVETAS", "HELVETAS", "INGO"),
    ("HIAS", "HIAS", "HIAS", "INGO"),
    ("Humanity & Inclusion", "Humanidad e Inclusión", "HI", "INGO"),
    (
        "Institute for Democracy and Human Rights of the PUCP",
        "Instituto de Democracia y Derechos Humanos de la PUCP",
        "IDEHPUCP",
        "Academic",
    ),
    ("Illari Amanecer", "Illari Amanecer", "Illari", "NNGO"),
    ("Lutheran World Relief", "Lutheran World Relief", "LWR", "INGO"),
    (
        "UN Office for the Coordination of Humanitarian Affairs",
        "Oficina de las Naciones Unidas para la Coordinación de Asuntos Humanitarios",
        "OCHA",
        "UN",
    ),
    (
        "International Organization for Migration",
        "Organización Internacional para las Migraciones",
        "OIM",
        "UN",
    ),
    ("International Labour Organization", "Organización Internacional del Trabajo", "OIT", "UN"),
    (
        "Joint United Nations Programme on HIV/AIDS",
        "Programa Conjunto de las Naciones Unidas sobre el VIH/Sida",
        "ONUSIDA",
        "UN",
    ),
    (
        "Pan American Health Organization / World Health Organization",
        "Organización Panamericana de la Salud / Organización Mundial de la Salud",
        "OPS/OMS",
        "UN",
    ),
    ("United Nations Volunteers", "Voluntarios de las Naciones Unidas", "ONU Voluntarios", "UN"),
    (
        "Pan American Development Foundation",
        "Fundación Panamericana para el Desarrollo",
        "PADF",
        "INGO",
    ),
    ("Plan International", "Plan International", "Plan", "INGO"),
    (
        "United Nations Development Programme",
        "Programa de las Naciones Unidas para el Desarrollo",
        "PNUD",
        "UN",
    ),
    ("Progetto Mondo MLAL", "Progetto Mondo MLAL", "Progetto Mondo", "INGO"),
    ("PROSA", "PROSA", "PROSA", "NNGO"),
    ("RET International", "RET International", "RET", "INGO"),
    ("Save the Children", "Save the Children", "SC", "INGO"),
    ("TECHO", "TECHO", "TECHO", "Civil Society"),
    ("UNESCO", "UNESCO", "UNESCO", "UN"),
    ("United Nations Population Fund", "Fondo de Población de las Naciones Unidas", "UNFPA", "UN"),
    ("UNICEF", "UNICEF", "UNICEF", "UN"),
    (
        "United Nations Office on Drugs and Crime",
        "Oficina de las Naciones Unidas contra la Droga y el Delito",
        "UNODC",
        "UN",
    ),
    ("USAID Disaster Assistance Response Team", "USAID/DART", "USAID/DART", "Donor"),
    ("WeWorld", "WeWorld", "WeWorld", "INGO"),
    ("World Food Programme", "Programa Mundial de Alimentos", "WFP", "UN"),
    ("World Vision", "World Vision", "WV", "INGO"),
)

# Members that do not report activities (donors, coordination).
NON_REPORTING = ("AECID", "OCHA", "USAID/DART")

# The 2019 areas of intervention: (code, English, Spanish).
AREAS: tuple[tuple[str, str, str], ...] = (
    ("AREA1", "Direct Emergency Assistance", "Asistencia directa de emergencia"),
    ("AREA2", "Protection", "Protección"),
    ("AREA3", "Socio-economic and Cultural Integration", "Integración socioeconómica y cultural"),
)

# (code, area, type, English, Spanish, unit) — synthetic indicators in the plan's style.
INDICATORS: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "DEA-01",
        "AREA1",
        "PiN",
        "People receiving food assistance",
        "Personas que reciben asistencia alimentaria",
        "people",
    ),
    (
        "DEA-02",
        "AREA1",
        "PiN",
        "People receiving cash-based interventions",
        "Personas que reciben transferencias monetarias",
        "people",
    ),
    (
        "DEA-03",
        "AREA1",
        "PiN",
        "People receiving primary health care",
        "Personas que reciben atención primaria de salud",
        "people",
    ),
    (
        "DEA-04",
        "AREA1",
        "PiN",
        "People provided with temporary shelter",
        "Personas con alojamiento temporal",
        "people",
    ),
    (
        "DEA-05",
        "AREA1",
        "Other",
        "Non-food item kits distributed",
        "Kits de artículos no alimentarios distribuidos",
        "kits",
    ),
    (
        "PRO-01",
        "AREA2",
        "PiN",
        "People receiving protection orientation",
        "Personas que reciben orientación en protección",
        "people",
    ),
    (
        "PRO-02",
        "AREA2",
        "PiN",
        "People informed on GBV prevention",
        "Personas informadas sobre prevención de VBG",
        "people",
    ),
    (
        "PRO-03",
        "AREA2",
        "PiN",
        "Vulnerable cases identified and referred",
        "Casos vulnerables identificados y referidos",
        "people",
    ),
    (
        "PRO-04",
        "AREA2",
        "People",
        "Officials trained on protection",
        "Funcionarios capacitados en protección",
        "people",
    ),
    (
        "INT-01",
        "AREA3",
        "PiN",
        "People in livelihoods and entrepreneurship programmes",
        "Personas en programas de medios de vida y emprendimiento",
        "people",
    ),
    (
        "INT-02",
        "AREA3",
        "PiN",
        "People reached by anti-xenophobia activities",
        "Personas alcanzadas por actividades contra la xenofobia",
        "people",
    ),
    (
        "INT-03",
        "AREA3",
        "People",
        "Teachers trained to work with diversity",
        "Docentes capacitados para trabajar con la diversidad",
        "people",
    ),
    (
        "INT-04",
        "AREA3",
        "Other",
        "Cultural and integration events held",
        "Eventos culturales y de integración realizados",
        "events",
    ),
)

# November 2019's footprint: 11 departments and 17 provinces (P-codes of the bundled gazetteer).
PROVINCES_BY_DEPARTMENT: dict[str, tuple[str, ...]] = {
    "PE15": ("PE1501", "PE1505", "PE1508"),  # Lima, Cañete, Huaura
    "PE07": ("PE0701",),  # Callao
    "PE24": ("PE2401", "PE2402", "PE2403"),  # Tumbes, Contralmirante Villar, Zarumilla
    "PE23": ("PE2301",),  # Tacna
    "PE04": ("PE0401",),  # Arequipa
    "PE13": ("PE1301",),  # Trujillo
    "PE20": ("PE2001", "PE2006"),  # Piura, Sullana
    "PE08": ("PE0801",),  # Cusco
    "PE14": ("PE1401",),  # Chiclayo
    "PE11": ("PE1101",),  # Ica
    "PE12": ("PE1201", "PE1203"),  # Huancayo, Chanchamayo
}
