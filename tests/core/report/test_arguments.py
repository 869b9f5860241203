"""Arguments of narrative figures: a value that names nothing, or several things, is an error
listing what would work, never a 0; codes and names in either language name the same value.

The catalogue under test is the real one (kipu.core.report.catalogue) over a small two-country
platform whose reference data has the ambiguities real platforms have: two "Country level"
units, two provinces called Santa, two sectors called "Salud" in Spanish, two indicators called
"People trained", two organisations whose acronym is Caritas.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path

import pytest

from kipu.core.figures import FigureOptions, compute_figures
from kipu.core.frame import activity_frame
from kipu.core.gazetteer import Gazetteer, Location, with_country_names
from kipu.core.reference import Indicator, Organisation, Plan, ReferenceData, Sector
from kipu.core.report.arguments import ArgumentError, Choice, Domain, fixed
from kipu.core.report.catalogue import build_catalogue
from kipu.core.report.narrative import FigureCatalogue, Narrative, NarrativeError, check
from kipu.core.text import normalise

# --- the platform -------------------------------------------------------------------------


def reference() -> ReferenceData:
    places = with_country_names(
        [
            Location("PE", 0, "PER", "Peru", "PER"),
            Location("EC", 0, "ECU", "Ecuador", "ECU"),
            Location("PE00", 1, "00", "Country level", "PER", "PE", national=True),
            Location("EC00", 1, "00", "Country level", "ECU", "EC", national=True),
            Location("PE24", 1, "24", "Tumbes", "PER", "PE", iso="PE-TUM"),
            Location("PE15", 1, "15", "Lima", "PER", "PE", iso="PE-LIM"),
            Location("PE02", 1, "02", "Áncash", "PER", "PE", iso="PE-ANC"),
            Location("EC07", 1, "07", "El Oro", "ECU", "EC"),
            Location("PE2401", 2, "2401", "Tumbes", "PER", "PE24"),
            Location("PE1501", 2, "1501", "Lima", "PER", "PE15"),
            Location("PE1510", 2, "1510", "Santa", "PER", "PE15"),  # not real: a second Santa
            Location("PE0218", 2, "0218", "Santa", "PER", "PE02"),
            Location("EC0701", 2, "0701", "Machala", "ECU", "EC07"),
        ]
    )
    sectors = [
        Sector("AREA1", "Direct Emergency Assistance", "Asistencia directa de emergencia"),
        Sector("AREA2", "Protection", "Protección"),
        Sector("HEA", "Health", "Salud"),
        Sector("HEA-S", "Health services", "Salud", parent_code="HEA"),
    ]
    indicators = [
        Indicator(
            "DEA-01", "People receiving food assistance", "AREA1", "PiN",
            "Personas que reciben asistencia alimentaria", "people",
        ),
        Indicator("PRO-01", "People trained", "AREA2", "PiN", "Personas capacitadas", "people"),
        Indicator("HEA-01", "People trained", "HEA", "PiN", "Personal de salud capacitado"),
    ]  # fmt: skip
    organisations = [
        Organisation(key, en, acronym, names={"en": en, "es": es}, aliases=aliases)
        for key, en, es, acronym, aliases in (
            ("ORG001", "Caritas Peru", "Caritas del Perú", "Caritas", ()),
            ("ORG002", "Caritas Switzerland", "Caritas Suiza", "Caritas", ()),
            ("ORG003", "UN Refugee Agency", "Agencia de la ONU para los Refugiados", "ACNUR",
             ("UNHCR",)),
        )
    ]  # fmt: skip
    plan = Plan("RMRP 2019", 2019, sectors=sectors, indicators=indicators)
    return ReferenceData("Test", ["PER", "ECU"], organisations, plan, Gazetteer(places))


def row(**values: object) -> dict[str, object]:
    base: dict[str, object] = {"country": "PER", "month": "2019-11", "rmrp_activity": True}
    return base | values


ROWS = [
    row(admin1="PE24", admin2="PE2401", appealing_org="ORG001", sector="AREA1", indicator="DEA-01",
        total_monthly=120, new_beneficiaries=100, quantity_output=10, in_destination=100,
        women=60, men=40),
    row(admin1="PE15", admin2="PE1501", appealing_org="ORG003", sector="AREA2", indicator="PRO-01",
        total_monthly=50, new_beneficiaries=40, in_transit=40, girls=40),
    row(admin1="PE02", admin2="PE0218", appealing_org="ORG002", sector="HEA", indicator="HEA-01",
        month="2019-08", total_monthly=30, new_beneficiaries=30, host_community=30, boys=30),
    row(admin1="PE15", admin2="PE1510", appealing_org="ORG002", sector="HEA-S",
        indicator="HEA-01", total_monthly=7, new_beneficiaries=7, pendular=7, other_under_18=7),
    row(country="ECU", admin1="EC07", admin2="EC0701", appealing_org="ORG001", sector="AREA1",
        indicator="DEA-01", total_monthly=25, new_beneficiaries=25, in_destination=25, women=25),
    row(admin1="PE00", appealing_org="ORG003", sector="AREA2", indicator="PRO-01",
        total_monthly=15, new_beneficiaries=15, returnees=15, other_above_18=15,
        implementing_partner="ORG002"),
]  # fmt: skip


@functools.cache
def catalogue() -> FigureCatalogue:
    ref = reference()
    frame = activity_frame(ROWS)
    year = compute_figures(frame, ref, FigureOptions(date_from="2019-01", date_to="2019-11"))
    month = compute_figures(frame, ref, FigureOptions(date_from="2019-11", date_to="2019-11"))
    return build_catalogue(year, month, frame, {"stock": (date(2019, 11, 30), 862_377.0)}, ref)


def call(name: str, **arguments: object) -> object:
    return catalogue().call(name, **arguments)


def render(text: str, lang: str = "en") -> str:
    return Narrative(catalogue(), lang).substitute(text)


# --- the examples of the issue ------------------------------------------------------------


def test_a_mistyped_indicator_is_an_error_that_suggests_the_right_one() -> None:
    with pytest.raises(NarrativeError) as error:
        render('{{ indicator(code="AE-01") }} received food')
    message = str(error.value)
    assert "no indicator 'AE-01'" in message and "did you mean DEA-01" in message
    assert "DEA-01 (People receiving food assistance" in message and "PRO-01" in message


@pytest.mark.parametrize(
    "written", ["Protección", "Protection", "AREA2", "proteccion", "PROTECCIÓN"]
)
def test_an_area_in_either_language_or_by_code(written: str) -> None:
    assert call("reached", area=written) == call("reached", area="AREA2") == 55


@pytest.mark.parametrize("written", ["Tumbes", "PE24", "pe-tum", "24", "TUMBES"])
def test_an_admin1_by_name_or_code(written: str) -> None:
    assert call("reached", admin1=written) == call("reached", admin1="PE24") == 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{{ reached(area="AREA9") }}', "no area or sector 'AREA9'"),
        ('{{ reached(area="Protecion") }}', "did you mean AREA2 (Protection / Protección)"),
        ('{{ reached(admin1="Tumbez") }}', "did you mean PE24 (Tumbes (Peru))"),
        ('{{ reached(area="Salud") }}', "'Salud' names 2 values of area or sector"),
        ('{{ partners(admin2="Santa") }}', "PE0218 (Santa (Áncash)); PE1510 (Santa (Lima))"),
        ('{{ reached(admin1="Nacional") }}', "PE00 (Country level (Peru) / Nacional (Peru)); EC00"),
        ('{{ indicator(code="People trained") }}', "PRO-01 (People trained / Personas"),
        ('{{ indicator(code="DEA-01", organisation="Caritas") }}', "ORG001 (Caritas Peru"),
        ("{{ reached(admin1=24) }}", "written as text in quotes"),
        ('{{ reached(month="2019-12") }}', "no month of the report (2019-01 to 2019-11)"),
        ('{{ statistic(series="stok") }}', "did you mean stock"),
    ],
)
def test_wrong_arguments_are_errors_that_say_what_would_work(text: str, expected: str) -> None:
    with pytest.raises(NarrativeError) as error:
        render(text)
    assert expected in str(error.value)


def test_the_value_is_recorded_under_its_code_however_it_was_written() -> None:
    narrative = Narrative(catalogue(), "es")
    narrative.substitute('{{ reached(area="Protección") }} {{ reached(area="protection") }}')
    assert list(narrative.shown) == ["reached(area='AREA2')"]
    assert catalogue().returned["reached(area='AREA2')"] == 55


def test_every_argument_kind_works_on_real_figures() -> None:
    assert call("reached", population="women") == 85  # Peru 60 + Ecuador 25
    assert call("reached_month", population="Niñas (menores de 18)") == 40
    assert call("reached", month="agosto") == 30 and call("reached", month="2019-08") == 30
    assert call("partners", kind="implementadores") == 1
    assert call("partners", admin2="Machala") == 1
    assert call("indicator", code="Personas que reciben asistencia alimentaria") == 145
    with pytest.raises(NarrativeError, match="no row of indicator DEA-01 was reported"):
        call("indicator", code="DEA-01", organisation="UNHCR")  # none of it: no 0 printed
    assert call("indicator", code="DEA-01", measure="quantity", admin2="PE2401") == 10
    assert call("indicator", code="HEA-01", month="August") == 30
    assert call("departments", area="Health services") == 1
    assert call("provinces", area="asistencia directa de emergencia") == 2
    assert call("statistic", series="STOCK") == 862_377.0


@pytest.mark.parametrize(
    ("name", "arguments", "where"),
    [
        ("reached", {"area": "Protection", "admin1": "Tumbes"}, "area=AREA2 admin1=PE24 in the"),
        ("reached_month", {"area": "Health", "admin1": "El Oro"}, "area=HEA admin1=EC07 in 2019"),
        ("reached_month", {"admin1": "Áncash"}, "admin1=PE02 in 2019-11"),  # August only
        ("reached_month", {"admin1": "Lima", "month": "2019-08"}, "admin1=PE15 in 2019-08"),
        ("partners", {"admin1": "Áncash"}, "admin1=PE02 in 2019-11"),
        ("partners", {"area": "Protection", "month": "2019-08"}, "area=AREA2 in 2019-08"),
        ("reached", {"admin1": "Áncash", "month": "2019-02"}, "admin1=PE02 in the plan year"),
        ("reached", {"admin1": "Áncash"}, None),  # a row in August: the year's 30 is a count
        ("reached_month", {"admin1": "Áncash", "month": "2019-08"}, None),
    ],
)
def test_a_place_or_area_nobody_reported_on_is_no_zero(
    name: str, arguments: dict[str, str], where: str | None
) -> None:
    """`reached(admin1="Ica")` printed 0 where no partner had reported anything; so did
    `partners`, `departments` and a month's figures of a place that reported other months."""
    if where is None:
        assert call(name, **arguments) == 30
        return
    with pytest.raises(NarrativeError, match=f"no activity was reported for {where}"):
        call(name, **arguments)
    source = f"{{{{ {name}(" + ", ".join(f'{k}="{v}"' for k, v in arguments.items()) + ") }}"
    with pytest.raises(NarrativeError):
        render(source)


# --- every figure × every argument kind: generated from the catalogue itself ---------------

UNKNOWN = "Nowhere 999"
# Values the required arguments take while another argument is under test.
REQUIRED = {"code": "DEA-01", "series": "stock"}
# Domains of fixed vocabularies: no spelling can name two values (checked below).
FIXED = {"population", "month", "kind", "measure", "series"}
CASES = [
    (name, parameter)
    for name, spec in sorted(catalogue().specs.items())
    for parameter in spec.parameters
]


def base_arguments(name: str, parameter: str) -> dict[str, object]:
    spec = catalogue().specs[name]
    return {p: REQUIRED[p] for p in spec.required if p != parameter}


def test_every_argument_of_every_figure_has_a_domain() -> None:
    catalogue_ = catalogue()
    assert CASES, "the catalogue has no figure with arguments"
    assert {p for _, p in CASES} <= set(catalogue_.domains)
    assert {p for s in catalogue_.specs.values() for p in s.required} <= set(REQUIRED)


@pytest.mark.parametrize(("name", "parameter"), CASES)
def test_an_unknown_value_is_an_error_listing_the_valid_ones(name: str, parameter: str) -> None:
    arguments = base_arguments(name, parameter) | {parameter: UNKNOWN}
    domain = catalogue().domains[parameter]
    with pytest.raises(NarrativeError) as error:
        call(name, **arguments)
    message = str(error.value)
    assert f"{parameter}=" in message and "valid values" in message
    assert all(code in message for code in domain.codes()[:3])
    written = ", ".join(f'{k}="{v}"' for k, v in arguments.items())
    source = f"Reached {{{{ {name}({written}) | number }}}} people."
    assert check(source, catalogue()) and check(source, catalogue(), "es")  # the preview
    with pytest.raises(NarrativeError):
        render(source)  # the report: no text, so no 0 printed


@pytest.mark.parametrize(("name", "parameter"), CASES)
def test_codes_and_names_in_either_language_give_the_same_figure(name: str, parameter: str) -> None:
    base = base_arguments(name, parameter)
    domain = catalogue().domains[parameter]
    checked = figures = 0
    for choice in domain.choices:
        try:
            expected = call(name, **base, **{parameter: choice.code})
        except NarrativeError:
            continue  # undefined by the model, or nothing reported: refused, not a 0
        figures += 1
        for written in {choice.code.lower(), *choice.spellings()}:
            if normalise(written) in domain.ambiguous():
                continue  # the next test
            assert call(name, **base, **{parameter: written}) == expected, (written, choice.code)
            checked += 1
    assert figures and checked >= figures


@pytest.mark.parametrize(("name", "parameter"), CASES)
def test_a_value_naming_several_things_is_an_error_listing_them(name: str, parameter: str) -> None:
    domain = catalogue().domains[parameter]
    ambiguous = domain.ambiguous()
    if parameter in FIXED:
        assert ambiguous == {}, f"{parameter}: a spelling names several values"
        return
    assert ambiguous, f"the test platform should make {parameter} ambiguous"
    spelling, codes = next(iter(ambiguous.items()))
    with pytest.raises(NarrativeError) as error:
        call(name, **base_arguments(name, parameter), **{parameter: spelling})
    assert all(code in str(error.value) for code in codes)
    assert "write the code of the one you mean" in str(error.value)


def test_a_bad_argument_stops_the_build_before_anything_is_drawn(tmp_path: Path) -> None:
    from kipu.core.report.build import build_report
    from kipu.core.report.context import CustomSection, ReportContext

    context = ReportContext(
        platform="Test",
        slug="test",
        month="2019-11",
        catalogue=catalogue(),
        highlights_md='{{ reached(area="AREA9") }}',
        custom_sections=[CustomSection("Health", '{{ reached(admin1="Tumbez") }}')],
    )
    with pytest.raises(NarrativeError) as error:
        build_report(context, tmp_path / "out")
    assert "highlights:" in str(error.value) and "custom/Health:" in str(error.value)
    assert not (tmp_path / "out").exists()


# --- the domain on its own ----------------------------------------------------------------


@pytest.fixture
def areas() -> Domain:
    return Domain(
        "area",
        [
            Choice("AREA1", {"en": "Health", "es": "Salud"}),
            Choice("AREA2", {"en": "Protection", "es": "Protección"}),
            Choice("AREA3", {"en": "Health services", "es": "Salud"}, ("HS",)),
            Choice("HS", {"en": "Hygiene and sanitation", "es": "Higiene"}),
        ],
    )


def test_a_code_wins_over_another_values_spelling(areas: Domain) -> None:
    assert areas.resolve("hs") == "HS"  # AREA3's alias HS never shadows the code HS


def test_names_are_read_case_and_accent_insensitively(areas: Domain) -> None:
    assert areas.resolve(" PROTECCION ") == areas.resolve("protection") == "AREA2"


def test_a_shared_name_is_never_guessed(areas: Domain) -> None:
    with pytest.raises(ArgumentError, match=r"'salud' names 2 values of area: AREA1 .*AREA3"):
        areas.resolve("salud")


def test_two_values_with_one_code_are_refused() -> None:
    with pytest.raises(ValueError, match="given twice"):
        Domain("area", [Choice("A"), Choice("a")])


def test_a_long_list_names_how_many_more() -> None:
    domain = Domain("unit", [Choice(f"U{i:03d}") for i in range(150)])
    with pytest.raises(ArgumentError) as error:
        domain.resolve("nothing at all")
    assert "valid values (150): U000" in str(error.value)
    assert "U099" in str(error.value) and "U100" not in str(error.value)
    assert "and 50 more" in str(error.value)


def test_fixed_vocabularies_have_english_and_spanish_names() -> None:
    domain = fixed("kind", {"union": ("all partners", "todos los socios", "todos")})
    assert domain.choices[0].label("es") == "todos los socios"
    assert domain.resolve("Todos") == "union"


def test_the_picker_offers_every_figure_and_argument_in_the_language_asked() -> None:
    data = catalogue().picker("es")
    names = [f["name"] for f in data["figures"]]
    assert names == sorted(catalogue().specs)
    reached = next(f for f in data["figures"] if f["name"] == "indicator")
    assert reached["required"] == ["code"]
    areas = {c["code"]: c["label"] for c in data["arguments"]["area"]["choices"]}
    assert areas["AREA2"] == "Protección"
    months = [c["code"] for c in data["arguments"]["month"]["choices"]]
    assert months[0] == "2019-01" and months[-1] == "2019-11"
    assert "words" in data["filters"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{{ reachd(area="Nowhere") }}', "unknown figure 'reachd'"),
        ('{{ reached(admin2="Nowhere") }}', "reached() takes no argument admin2"),
    ],
)
def test_a_wrong_name_is_reported_before_its_arguments(text: str, expected: str) -> None:
    with pytest.raises(NarrativeError, match=re.escape(expected)):
        render(text)
