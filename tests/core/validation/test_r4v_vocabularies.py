"""R4V's own vocabularies of 2021-2025 as partners and R4V write them (issue 11, fault 11):
delivery mechanisms (5W cells), indicator types (plan files) and population groups
(proportions tables), in English, Spanish and Portuguese, singular and plural.

Every name Kipu accepts is read as its canonical value with no issue; R4V's own wordings
(copied below from the 5W standard's spec and R4V's templates, so the suite needs no shared
folder) are accepted with their plurals; a near-miss gets the closest valid value.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fivew_factories import TODAY, make_reference, record
from openpyxl import Workbook

from kipu.core.gazetteer import Gazetteer, bundled_locations
from kipu.core.loaders.plan import _TYPE_NAMES, load_plan
from kipu.core.schema import DELIVERY_MECHANISMS_ES, mechanism_names, population_group_names
from kipu.core.validation import validate_rows

REFERENCE = make_reference()
PERU = Gazetteer(bundled_locations("PE"))

# --- R4V's wordings, by language --------------------------------------------------------------

# The 2025 list, the values seen in R4V's 2021 data, and the names of Spanish and Portuguese
# templates and partners' files.
R4V_MECHANISMS = {
    "en": {
        "Beneficiary Bank Account": "Beneficiary Bank Account",
        "Mobile Money": "Mobile Money",
        "Prepaid Card": "Prepaid Card",
        "Cash Collection Over the Counter (OTC)": "Cash Collection Over the Counter (OTC)",
        "Direct Cash (Cash in Hand)": "Direct Cash (Cash in Hand)",
        "Cardless ATM Withdrawal": "Cardless ATM Withdrawal",
        "Voucher": "Voucher",
        "Other": "Other",
        "Cash in hand": "Direct Cash (Cash in Hand)",
        "Paper Voucher": "Voucher",
        "ATM": "Cardless ATM Withdrawal",
        "e-voucher": "Voucher",
        "Mobile Money Transfer": "Mobile Money",
        "Bank Account": "Beneficiary Bank Account",
        "Check": "Other",
        "e-Wallet": "Mobile Money",
        "Smart Card": "Prepaid Card",
    },
    "es": {
        "Cuenta bancaria del beneficiario": "Beneficiary Bank Account",
        "Transferencia bancaria": "Beneficiary Bank Account",
        "Dinero móvil": "Mobile Money",
        "Billetera electrónica": "Mobile Money",
        "Tarjeta prepago": "Prepaid Card",
        "Cobro en ventanilla": "Cash Collection Over the Counter (OTC)",
        "Efectivo en mano": "Direct Cash (Cash in Hand)",
        "Retiro en cajero sin tarjeta": "Cardless ATM Withdrawal",
        "Cupón": "Voucher",
        "Vale": "Voucher",
        "Bono": "Voucher",
        "Cheque": "Other",
        "Otro": "Other",
    },
    "pt": {
        "Conta bancária": "Beneficiary Bank Account",
        "Cartão pré-pago": "Prepaid Card",
        "Dinheiro em mãos": "Direct Cash (Cash in Hand)",
        "Outro": "Other",
    },
}
# 2021: PiN, People, Other; 2025: Direct Assistance, Capacity Building, Infrastructure,
# Mechanism/Advocacy, Other.
R4V_TYPES = {
    "en": {
        "PiN": "PiN",
        "People in need": "PiN",
        "People": "People",
        "Other": "Other",
        "Output": "Other",
        "Direct Assistance": "Direct Assistance",
        "Capacity Building": "Capacity Building",
        "Infrastructure": "Infrastructure",
        "Mechanism/Advocacy": "Mechanism/Advocacy",
    },
    "es": {
        "Personas en necesidad": "PiN",
        "Personas": "People",
        "Otro": "Other",
        "Producto": "Other",
        "Asistencia directa": "Direct Assistance",
        "Fortalecimiento de capacidades": "Capacity Building",
        "Infraestructura": "Infrastructure",
        "Mecanismo/Incidencia": "Mechanism/Advocacy",
    },
}
# The population-type columns of the 2025 template, the ActivityInfo 2021 export, the 2022
# short names and the Spanish 2022 template, as a cell names the group.
R4V_GROUPS = {
    "en": {
        "Refugees and Migrants IN DESTINATION": "in_destination",
        "Refugees.and.Migrants.IN.DESTINATION": "in_destination",
        "IN_DESTINATION": "in_destination",
        "In destination": "in_destination",
        "Refugees and Migrants IN TRANSIT": "in_transit",
        "Refugees.and.Migrants.IN.TRANSIT": "in_transit",
        "IN_TRANSIT": "in_transit",
        "In transit": "in_transit",
        "Host Communities Beneficiaries": "host_community",
        "Host.Communities.Beneficiaries": "host_community",
        "Host_Communities": "host_community",
        "Host community": "host_community",
        "Host community beneficiary": "host_community",
        "Refugees and Migrants PENDULARS": "pendular",
        "Refugees.and.Migrants.PENDULARS": "pendular",
        "PENDULARS": "pendular",
        "Pendular": "pendular",
        "Colombian Returnees": "returnees",
        "Colombian.Returnees": "returnees",
        "Returnees": "returnees",
    },
    "es": {
        "Refugiados y migrantes EN DESTINO": "in_destination",
        "En destino": "in_destination",
        "Refugiados y migrantes EN TRANSITO": "in_transit",
        "Refugiados y migrantes en tránsito": "in_transit",
        "Comunidades de acogida": "host_community",
        "Comunidad de acogida": "host_community",
        "Comunidad receptora": "host_community",
        "Refugiados y migrantes PENDULARES": "pendular",
        "Pendular": "pendular",
        "Colombianos Retornados": "returnees",
        "Retornados": "returnees",
    },
    "pt": {
        "Em destino": "in_destination",
        "Em trânsito": "in_transit",
        "Comunidade de acolhida": "host_community",
    },
}

# --- plurals as people write them --------------------------------------------------------------

_BEFORE = {  # words after which a name's head noun and its adjectives end
    "en": {"in", "over", "the", "of", "on", "and"},
    "es": {"de", "del", "en", "sin", "con", "por", "para"},
    "pt": {"de", "do", "da", "em", "sem", "com", "por", "para"},
}
_UNCOUNTABLE = {"cash", "money", "assistance", "infrastructure", "advocacy", "people", "pin"}


def _plural_word(word: str, lang: str) -> str:
    if word.isupper() and len(word) > 3:  # PENDULAR → PENDULARES
        return _plural_word(word.lower(), lang).upper()
    lower = word.lower()
    if lower.endswith("s") or lower in _UNCOUNTABLE or len(word) < 3:
        return word
    if lang == "en":
        if re.search(r"[^aeiou]y$", lower):
            return word[:-1] + "ies"
        return word + ("es" if re.search(r"(sh|ch|x)$", lower) else "s")
    if lower.endswith("ão"):
        return word[:-2] + "ões"
    if lower[-1] in "aeiouáéíóú":
        return word + "s"
    if lower.endswith("z"):
        return word[:-1] + "ces"
    return re.sub("ón$", "on", word) + "es"  # cupón → cupones, móvil → móviles


def plural(name: str, lang: str) -> str:
    """`name` in the plural: in Spanish and Portuguese every word before the first
    preposition (noun and adjectives agree: "Cuentas bancarias del beneficiario"); in English
    the head noun, the last word before a preposition or a parenthesis, of each part of a
    name joined by "/" ("Cash Collections Over the Counter (OTC)", "Mechanisms/Advocacy").
    A hyphenated word takes the plural on its last part ("pré-pagos")."""

    def word(token: str) -> str:
        return re.sub(r"([^\W\d_]+)$", lambda m: _plural_word(m[1], lang), token)

    def part(text: str) -> str:
        tokens = re.split(r"([\s._]+)", text)  # words at even places, separators between
        words = range(0, len(tokens), 2)
        end = next((i for i in words if tokens[i].lower() in _BEFORE[lang]), len(tokens))
        heads = [i for i in words if i < end][-1:] if lang == "en" else range(0, end, 2)
        for i in heads:
            tokens[i] = word(tokens[i])
        return "".join(tokens)

    named, bracket, rest = name.partition(" (")
    return "/".join(part(p) for p in named.split("/")) + bracket + rest


def test_the_plurals_are_the_ones_people_write() -> None:
    assert plural("Cuenta bancaria del beneficiario", "es") == "Cuentas bancarias del beneficiario"
    assert plural("Cupón", "es") == "Cupones"
    assert plural("Cartão pré-pago", "pt") == "Cartões pré-pagos"
    assert plural("Cash Collection Over the Counter (OTC)", "en") == (
        "Cash Collections Over the Counter (OTC)"
    )
    assert plural("Mechanism/Advocacy", "en") == "Mechanisms/Advocacy"
    assert plural("Host community beneficiary", "en") == "Host community beneficiaries"
    assert plural("Direct Cash (Cash in Hand)", "en") == "Direct Cash (Cash in Hand)"


def r4v_wordings(table: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """(wording, canonical) for each R4V wording and its plural, once each."""
    found = {}
    for lang, names in table.items():
        for name, canonical in names.items():
            found.setdefault(name, canonical)
            found.setdefault(plural(name, lang), canonical)
    return sorted(found.items())


# --- delivery mechanisms: 5W cells -------------------------------------------------------------


def _mechanism_rows(names: list[str]) -> list[dict[str, object]]:
    return [
        record(
            sector="MPC", indicator="MPC01", cva="Yes", value_usd=10, delivery_mechanism=name,
            activity_name=f"Transfer {i}",
        )
        for i, name in enumerate(names)
    ]  # fmt: skip


@pytest.mark.parametrize(
    "names",
    [sorted(mechanism_names().items()), r4v_wordings(R4V_MECHANISMS)],
    ids=["every-accepted-name", "r4v-wordings-and-plurals"],
)
def test_every_mechanism_name_is_read_as_its_mechanism(names: list[tuple[str, str]]) -> None:
    result = validate_rows(_mechanism_rows([n for n, _ in names]), REFERENCE, today=TODAY)
    assert [i.code for i in result.report.issues] == []
    read = dict(zip([n for n, _ in names], result.rows["delivery_mechanism"], strict=True))
    assert read == dict(names)


@pytest.mark.parametrize(
    ("written", "english", "spanish"),
    [
        ("Prepaid Crad", "Prepaid Card", "Tarjeta prepago"),
        ("Tarjeta prepaga", "Prepaid Card", "Tarjeta prepago"),
        ("Cupon electronco", "Voucher", "Cupón"),
        ("Dinero movl", "Mobile Money", "Dinero móvil"),
        ("Transferencia bancara", "Beneficiary Bank Account", "Cuenta bancaria del beneficiario"),
        ("Efectvo en mano", "Direct Cash (Cash in Hand)", "Efectivo en mano"),
        ("Dinheiro em maos vivos", "Direct Cash (Cash in Hand)", "Efectivo en mano"),
        ("Vouchr", "Voucher", "Cupón"),
    ],
)
def test_a_mechanism_near_miss_suggests_the_closest_in_the_users_language(
    written: str, english: str, spanish: str
) -> None:
    for lang, wanted in (("en", english), ("es", spanish)):
        result = validate_rows(_mechanism_rows([written]), REFERENCE, today=TODAY, lang=lang)
        issues = [(i.code, i.column, i.suggestion) for i in result.report.issues]
        column = "delivery_mechanism"
        assert issues == [("cva-mechanism-invalid", column, wanted)], (lang, issues)
        assert DELIVERY_MECHANISMS_ES[english] == spanish


def test_a_mechanism_nothing_like_any_name_suggests_nothing() -> None:
    result = validate_rows(_mechanism_rows(["Bitcoin"]), REFERENCE, today=TODAY)
    assert [(i.code, i.suggestion) for i in result.report.issues] == [
        ("cva-mechanism-invalid", None)
    ]


# --- indicator types: plan files -----------------------------------------------------------------


def _plan_csv(path: Path, types: list[str]) -> Path:
    lines = ["sector,indicator,code,type"]
    lines += [f'Health,Indicator {i},H{i},"{t}"' for i, t in enumerate(types)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "names",
    [sorted(_TYPE_NAMES.items()), r4v_wordings(R4V_TYPES)],
    ids=["every-accepted-name", "r4v-wordings-and-plurals"],
)
def test_every_indicator_type_name_is_read_as_its_type(
    tmp_path: Path, names: list[tuple[str, str]]
) -> None:
    loaded = load_plan(_plan_csv(tmp_path / "plan.csv", [n for n, _ in names]), PERU, "PER")
    assert loaded.errors == [] and loaded.warnings == []
    read = [i.type for i in loaded.records[0].indicators]
    assert dict(zip([n for n, _ in names], read, strict=True)) == dict(names)


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("Asistencia directo", "'Asistencia directa' (Direct Assistance)"),
        ("Direct Asistance", "'Direct Assistance'"),
        ("Fortalesimiento de capacidades", "'Fortalecimiento de capacidades' (Capacity Building)"),
        ("Capacity Buildng", "'Capacity Building'"),
        ("Mecanismo/Incidensia", "'Mecanismo/Incidencia' (Mechanism/Advocacy)"),
        ("Infraestuctura", "'Infraestructura' (Infrastructure)"),
        ("Personass", "'Personas' (People)"),
    ],
)
def test_an_indicator_type_near_miss_suggests_the_closest(
    tmp_path: Path, written: str, hint: str
) -> None:
    loaded = load_plan(_plan_csv(tmp_path / "plan.csv", [written]), PERU, "PER")
    assert [str(e) for e in loaded.errors] == [
        f"plan.csv, row 2, column 'type': unknown indicator type {written!r}; did you mean {hint}?"
    ]


# --- population groups: the plan's proportions table ----------------------------------------


def _proportions(path: Path, groups: list[str]) -> Path:
    """A plan whose proportions name each group once, each row in its own department (a
    country × admin1 × sector × group appears once)."""
    departments = [u.name for u in PERU.units("PER", 1) if not u.national]
    assert len(groups) <= len(departments)
    book = Workbook()
    indicators = book.active
    indicators.title = "indicators"
    indicators.append(["code", "indicator", "sector", "type"])
    indicators.append(["HE1", "People receiving health care", "Health", "Direct Assistance"])
    sheet = book.create_sheet("proportions")
    sheet.append(["sector", "admin1", "population_type", "girls", "boys", "women", "men"])
    for department, group in zip(departments, groups, strict=False):
        sheet.append(["Health", department, group, 0.25, 0.25, 0.25, 0.25])
    book.save(path)
    return path


def _in_batches(names: list[tuple[str, str]], size: int = 20) -> list[list[tuple[str, str]]]:
    return [names[i : i + size] for i in range(0, len(names), size)]


@pytest.mark.parametrize(
    "names",
    _in_batches(sorted(population_group_names().items())) + _in_batches(r4v_wordings(R4V_GROUPS)),
)
def test_every_population_group_name_is_read_as_its_group(
    tmp_path: Path, names: list[tuple[str, str]]
) -> None:
    path = _proportions(tmp_path / "plan.xlsx", [n for n, _ in names])
    loaded = load_plan(path, PERU, "PER")
    assert loaded.errors == [] and loaded.warnings == []
    read = [p.population_type for p in loaded.records[0].proportions]
    assert dict(zip([n for n, _ in names], read, strict=True)) == dict(names)


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("En destno", "; did you mean 'En destino' (in_destination)?"),
        ("Comunidad de acojida", "; did you mean 'Comunidad de acogida' (host_community)?"),
        ("Colombian returnes", "; did you mean 'Colombian returnees' (returnees)?"),
        ("In_transitt", "; did you mean 'In transit' (in_transit)?"),
        ("inside", ""),
    ],
)
def test_a_population_group_near_miss_suggests_the_closest(
    tmp_path: Path, written: str, hint: str
) -> None:
    loaded = load_plan(_proportions(tmp_path / "plan.xlsx", [written]), PERU, "PER")
    assert [str(e) for e in loaded.errors] == [
        "plan.xlsx (proportions), row 2, column 'population_type': population_type must be one of "
        f"in_destination, in_transit, host_community, pendular, returnees{hint}"
    ]
