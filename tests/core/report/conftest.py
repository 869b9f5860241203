"""Checks shared by the chart and map tests: is the output a self-contained, valid image?"""

import importlib.resources
import json
import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import pytest

from kipu.core.report.context import (
    AreaSection,
    Contact,
    Coordination,
    Event,
    Flows,
    KeyFigure,
    ProvincePresence,
    ReportContext,
)
from kipu.core.report.narrative import FigureCatalogue

SVG_NS = "{http://www.w3.org/2000/svg}"


@dataclass
class ParsedSvg:
    root: ET.Element
    title: str
    desc: str
    texts: str  # every text drawn: matplotlib writes each one as a comment before its glyphs


def parse_svg(svg: str) -> ParsedSvg:
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.fromstring(svg.encode("utf-8"), parser=parser)
    assert root.tag == f"{SVG_NS}svg"
    comments = [el.text or "" for el in root.iter() if el.tag is ET.Comment]
    title = root.find(f"{SVG_NS}title")
    desc = root.find(f"{SVG_NS}desc")
    return ParsedSvg(
        root=root,
        title=title.text if title is not None else "",
        desc=desc.text if desc is not None else "",
        texts=" ".join(re.sub(r"[ \t\n]+", " ", c).strip() for c in comments),
    )


def assert_self_contained(svg: str) -> None:
    """No URL but the namespace declarations; no external images, fonts or style sheets."""
    without_ns = re.sub(r'xmlns(:\w+)?="[^"]*"', "", svg)
    assert "http" not in without_ns
    assert "@import" not in svg and "@font-face" not in svg
    assert "<image" not in svg
    hrefs = re.findall(r'href="([^"]*)"', svg)
    assert all(h.startswith("#") for h in hrefs)


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


@pytest.fixture(scope="session")
def check() -> SimpleNamespace:
    return SimpleNamespace(parse=parse_svg, self_contained=assert_self_contained, png_size=png_size)


# --- situation report: a GTRM-Peru-like context for November 2019, built in code --------------

AREAS = {
    "en": ["Direct Emergency Assistance", "Protection", "Socio-economic and Cultural Integration"],
    "es": [
        "Asistencia directa de emergencia",
        "Protección",
        "Integración socioeconómica y cultural",
    ],
}
PARTNERS_BY_AREA = {0: 30, 1: 25, 2: 23}
REACHED = {
    "Protection (GBV)": 5012,
    "Registration": 1532,
    "Vulnerable cases": 61,
    "Referrals Tacna": 104,
    "Entrepreneurship": 104,
    "Anti-xenophobia": 3150,
}


def fake_catalogue(lang: str = "en") -> FigureCatalogue:
    """Fixed numbers standing in for the 5W figure engine."""
    areas = AREAS[lang]

    def partners(area: str | None = None, month: str = "2019-11") -> int:
        if area is None:
            return 37
        return PARTNERS_BY_AREA[areas.index(area)]  # ValueError for an unknown area

    def reached(sector: str, month: str = "2019-11") -> int:
        return REACHED[sector]

    catalogue = FigureCatalogue()
    catalogue.register("partners", partners, "partners reporting", ["area", "month"])
    catalogue.register("reached", reached, "people reached", ["sector", "month"])
    catalogue.register("trained_organisations", lambda: 12, "organisations trained in R")
    catalogue.register("launch_attendance", lambda: 104, "attendance at the RMRP launch")
    catalogue.register("share_lima", lambda: 0.62, "share of partners present in Lima")
    return catalogue


NARRATIVE = {
    "en": {
        "highlights": (
            "Local coordination mechanisms in **Tumbes**, **Tacna and Arequipa** are formalising "
            "their response structures. On 18 November, partners **launched the Refugee and "
            "Migrant Response Plan 2020**; {{ launch_attendance | some | lowerfirst }} persons "
            "attended. "
            "The capacity of {{ trained_organisations }} organisations was strengthened on "
            "*data transformation* with R."
        ),
        "context": (
            "Peru is the second country of arrival of Venezuelans worldwide.\n\n"
            "Partners continue reporting irregular entries through informal points in Tumbes; "
            "{{ share_lima | percent }} of partners work in Lima."
        ),
        "areas": [
            '{{ partners(area="Direct Emergency Assistance") | words | capfirst }} partners '
            "delivered life-saving goods and services.\n\n"
            "- drinking water and food\n- shelter and *humanitarian transport*",
            '{{ partners(area="Protection") | words | capfirst }} partners worked on protection.'
            '\n\nPartners registered {{ reached(sector="Registration") | over }} beneficiaries. '
            'Some **{{ reached(sector="Protection (GBV)", month="2019-11") | number }}** '
            "adolescents and women received information on GBV; partners identified "
            '{{ reached(sector="Vulnerable cases") | some | lowerfirst }} vulnerable cases and '
            "referred "
            '{{ reached(sector="Referrals Tacna") | over }} cases in Tacna.',
            "Integration is covered by "
            '{{ partners(area="Socio-economic and Cultural Integration") | more_than }} '
            "organisations. Anti-xenophobia activities targeted "
            '{{ reached(sector="Anti-xenophobia") | over }} persons.',
        ],
    },
    "es": {
        "highlights": (
            "Los mecanismos locales de coordinación en **Tumbes**, **Tacna y Arequipa** "
            "formalizan sus estructuras. El 18 de noviembre los socios **lanzaron el Plan de "
            "Respuesta 2020**; asistieron "
            '{{ launch_attendance | some(gender="f") | lowerfirst }} personas. '
            'Se fortaleció la capacidad de {{ trained_organisations | words(gender="f") }} '
            "organizaciones en *transformación de datos* con R."
        ),
        "context": (
            "El Perú es el segundo país de llegada de venezolanos en el mundo.\n\n"
            "El {{ share_lima | percent }} de los socios trabaja en Lima."
        ),
        "areas": [
            '{{ partners(area="Asistencia directa de emergencia") | words | capfirst }} '
            "socios entregaron bienes y servicios.\n\n- agua y alimentos\n- albergue",
            '{{ partners(area="Protección") | some }} socios trabajaron en protección. '
            'Los socios registraron a {{ reached(sector="Registration") | over }} '
            'beneficiarios; **{{ reached(sector="Protection (GBV)") | number }}** '
            "adolescentes y mujeres recibieron información sobre VBG.",
            '{{ partners(area="Integración socioeconómica y cultural") | more_than | capfirst }}'
            " organizaciones trabajan en integración.",
        ],
    },
}

PRESENCE = {
    "PE15": 30, "PE07": 9, "PE24": 14, "PE23": 10, "PE04": 7, "PE13": 5,
    "PE20": 4, "PE14": 3, "PE08": 2, "PE11": 1, "PE21": 1,
}  # fmt: skip
PROVINCES = [
    ("Lima", "Lima", 30), ("Callao", "Callao", 9), ("Tumbes", "Tumbes", 12),
    ("Tumbes", "Zarumilla", 6), ("Tacna", "Tacna", 10), ("Arequipa", "Arequipa", 7),
    ("La Libertad", "Trujillo", 5), ("Piura", "Piura", 4), ("Piura", "Sullana", 2),
    ("Lambayeque", "Chiclayo", 3), ("Cusco", "Cusco", 2), ("Ica", "Ica", 1),
    ("Puno", "Puno", 1), ("Lima", "Huaura", 2), ("Lima", "Cañete", 1),
    ("Tumbes", "Contralmirante Villar", 1), ("Áncash", "Santa", 1),
]  # fmt: skip
MEMBERS = [
    "Acción contra el Hambre", "ACNUR", "ADRA", "AECID", "Amnistía Internacional",
    "Asociación Scalabrinianos", "AVSI", "Ayuda en Acción", "British Council", "Care",
    "Caritas del Perú", "CICR", "Cruz Roja Peruana", "Encuentros", "HIAS",
    "Humanity & Inclusion", "OIM", "OIT", "PNUD", "Plan International", "Save the Children",
    "TECHO", "UNFPA", "UNICEF", "WFP", "World Vision",
]  # fmt: skip


def _flows() -> Flows:
    months = [date(y, m, 1) for y in (2017, 2018, 2019) for m in range(1, 13)][:35]
    arrivals = [(d, 20_000 + 3_000 * (i % 12) + 1_500 * i) for i, d in enumerate(months)]
    departures = [(d, 9_000 + 800 * i) for i, d in enumerate(months)]
    notes = [(date(2018, 10, 31), "PTP deadline"), (date(2019, 6, 15), "Humanitarian visa")]
    return Flows(arrivals, departures, notes, "Superintendencia Nacional de Migraciones")


def peru_boundaries() -> dict:
    path = importlib.resources.files("kipu.data").joinpath("pe/departments.geojson")
    return json.loads(path.read_text(encoding="utf-8"))


def make_report_context(lang: str = "en", **overrides) -> ReportContext:
    """GTRM Peru, November 2019, as the real report describes it (fictional contacts)."""
    text = NARRATIVE[lang]
    areas = AREAS[lang]
    stats = "Migraciones" if lang == "en" else "Superintendencia Nacional de Migraciones"
    cut = date(2019, 11, 30)
    values = dict(
        platform="GTRM Peru",
        slug="gtrm-peru",
        month="2019-11",
        country="PER",
        lang=lang,
        synthetic=True,
        highlights_md=text["highlights"],
        context_md=text["context"],
        key_figures=[
            KeyFigure(
                "venezuelans_living", 862_377, "Venezuelans living in Peru", "above", stats, cut
            ),
            KeyFigure("asylum_claims", 377_047, "Asylum claims", "above", stats, cut),
            KeyFigure("ptp_applications", 480_500, "Applications to the PTP", "above", stats, cut),
            KeyFigure(
                "arrived_since_2016",
                1_532_100,
                "Arrived in or transited through Peru since 2016",
                "some",
                stats,
                cut,
            ),
        ],
        flows=_flows(),
        areas=[
            AreaSection(areas[0], 30, 10_240, text["areas"][0]),
            AreaSection(areas[1], 25, 6_605, text["areas"][1]),
            AreaSection(areas[2], 23, 3_359, text["areas"][2]),
        ],
        presence=PRESENCE,
        presence_by_area={
            areas[0]: {"PE15": 20, "PE24": 10, "PE23": 6, "PE04": 3},
            areas[1]: {"PE15": 18, "PE07": 4, "PE24": 8, "PE23": 5, "PE13": 2},
            areas[2]: {"PE15": 15, "PE07": 3, "PE04": 2, "PE20": 1},
        },
        province_presence=[ProvincePresence(*row) for row in PROVINCES],
        coordination=Coordination(
            37,
            11,
            17,
            ["Encuentros", "Progetto Mondo MLAL"],
            [
                Event(
                    date(2019, 11, 18), "Launch of the RMRP 2020 Peru chapter", "launch", 104, 41
                ),
                Event(date(2019, 11, 26), "Local GTRM structure, Tumbes", "meeting", 23, 12),
                Event(date(2019, 11, 12), "Training on R for data analysis", "training", 18, 12),
            ],
        ),
        partners=MEMBERS,
        contacts=[
            Contact("Ana Pérez", "Associate Reporting Officer", "UNHCR", "ana.perez@example.org"),
            Contact("Luis Quispe", "Information Management Officer", "IOM", "lquispe@example.org"),
        ],
        boundaries=peru_boundaries(),
        map_inset=("PE15", "PE07"),
        catalogue=fake_catalogue(lang),
    )
    values.update(overrides)
    return ReportContext(**values)


def make_empty_context(lang: str = "en") -> ReportContext:
    """A platform on its first day: no statistics, no activities, no events, no narrative."""
    return ReportContext(platform="GTRM Ecuador", slug="gtrm-ecuador", month="2019-11", lang=lang)


@pytest.fixture(scope="session")
def report_context():
    return make_report_context


@pytest.fixture(scope="session")
def empty_report_context():
    return make_empty_context
