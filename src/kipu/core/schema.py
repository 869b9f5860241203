"""The 5W activity schema: canonical columns, their types, and every header label seen in files.

One table serves every reader, the validation, the templates and the exports
(shared/spec/5w.md is the source of these labels and HXL tags).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Column kinds
TEXT = "text"
CODE = "code"  # a value looked up in reference data (organisation, sector, place…)
MONTH = "month"
YES_NO = "yes_no"
INTEGER = "integer"
NUMBER = "number"
MECHANISM = "mechanism"


@dataclass(frozen=True)
class Column:
    name: str  # canonical name used in code and JSON
    kind: str
    labels: tuple[str, ...]  # header labels seen in real files (2025, AI 2021, 2022, Spanish)
    hxl: str
    required: bool = False
    label_en: str = ""  # label Kipu writes in English templates and exports
    label_es: str = ""  # label Kipu writes in Spanish templates and exports


_LABELS_AS_GIVEN: dict[str, tuple[str, ...]] = {}

# The Spanish labels Kipu writes where R4V's 2022 Spanish template has a half-English or
# unaccented one ("País Country", "Ninas…"); the template's own labels are still read.
_SPANISH_LABELS = {
    "country": "País",
    "implementation": "Método de implementación",
    "activity_description": "Descripción de la actividad",
    "support_space": "Actividad de Espacio de Apoyo",
    "in_transit": "Refugiados y migrantes EN TRÁNSITO",
    "girls": "Niñas y adolescentes menores de 18",
    "boys": "Niños y adolescentes menores de 18",
    "other_under_18": "Otras personas menores de 18",
    "other_above_18": "Otras personas adultas",
}


def _col(
    name: str,
    kind: str,
    labels: tuple[str, ...],
    hxl: str,
    *,
    required: bool = False,
) -> Column:
    spanish = _SPANISH_LABELS.get(name) or (
        labels[3] if len(labels) > 3 and labels[3] else labels[0]
    )
    real = tuple(dict.fromkeys(label for label in labels if label))
    _LABELS_AS_GIVEN[name] = labels
    return Column(name, kind, real, hxl, required, label_en=labels[0], label_es=spanish)


# Labels in the order: 2025 template, ActivityInfo 2021 export, 2022 short name, Spanish 2022
# template, then any further variant. "" marks a column absent from that template.
COLUMNS: tuple[Column, ...] = (
    _col(
        "country",
        CODE,
        ("Country Country", "Country", "Country", "País Country", "País"),
        "#country+name",
        required=True,
    ),
    _col(
        "admin1",
        CODE,
        ("Country Admin1", "Admin1", "Admin1", "País Admin1"),
        "#adm1+name",
        required=True,
    ),
    _col("admin2", CODE, ("Admin2 Admin2", "", "Admin2", "Admin2"), "#adm2+name"),
    _col(
        "appealing_org",
        CODE,
        (
            "Appealing organisation Name",
            "Appealing.Organization.Name",
            "Appealing_org",
            "Socio principal Nombre",
            "Appealing organization Name",
        ),
        "#org+prog+name",
        required=True,
    ),
    _col(
        "implementation",
        YES_NO,
        (
            "Implementation Set up",
            "Implementation.Set.up",
            "Implementation",
            "Método de implementacion",
        ),
        "#meta+implementation",
    ),
    _col(
        "implementing_partner",
        CODE,
        (
            "Implementing partner Name",
            "Implementing.partner.Name",
            "Implementing_partner",
            "Socio Implementador Nombre",
        ),
        "#org+impl+name",
    ),
    _col(
        "month",
        MONTH,
        ("Month", "Reporting.Month", "Month", "Mes"),
        "#date+reported",
        required=True,
    ),
    _col(
        "sector",
        CODE,
        ("Indicator Sector", "Sector...Subsector...WG", "Subsector", "Indicador Sector", "Sector"),
        "#sector+name",
        required=True,
    ),
    _col(
        "indicator",
        CODE,
        ("Indicator Indicator", "Indicator", "Indicator", "Indicador"),
        "#indicator+name",
        required=True,
    ),
    _col(
        "activity_name",
        TEXT,
        ("Activity Name", "Activity.name", "Activity_Name", "Nombre de la actividad"),
        "#activity+name",
    ),
    _col(
        "activity_description",
        TEXT,
        (
            "Activity Description",
            "Activity.description",
            "Activity_Description",
            "Descripcion de la actividad",
        ),
        "#description",
    ),
    _col(
        "rmrp_activity",
        YES_NO,
        ("RMRP Activity", "RMRP.Activity", "RMRPActivity", "Actividad RMRP"),
        "#meta+rmrp",
    ),
    _col(
        "covid19", YES_NO, ("COVID19", "COVID.19.situation", "COVID19", "COVID19"), "#meta+covid19"
    ),
    _col(
        "support_space",
        YES_NO,
        ("Support Space activity", "Support.Space.activity"),
        "#meta+support_space",
    ),
    _col("cva", YES_NO, ("CVA", "CVA", "CVA", "CVA"), "#modality+cva"),
    _col(
        "value_usd",
        NUMBER,
        ("Value (in USD)", "Value.of.Transfer.in.USD", "Value", "Valor de transferencia (en USD)"),
        "#value+transfer+c_usd",
    ),
    _col(
        "delivery_mechanism",
        MECHANISM,
        ("Delivery mechanism", "Delivery.Mechanism", "Delivery_mechanism", "Modalidad de entrega"),
        "#channel",
    ),
    _col(
        "quantity_output",
        INTEGER,
        (
            "Quantity of output",
            "Quantity.of.unit.measured",
            "Quantity_output",
            "Cantidad de productos generados",
        ),
        "#output+num",
    ),
    _col(
        "total_monthly",
        INTEGER,
        (
            "Total monthly beneficiaries",
            "Total.monthly.beneficiaries",
            "Total_monthly",
            "Total beneficiarios mensuales",
        ),
        "#reached+ind+monthly",
    ),
    _col(
        "new_beneficiaries",
        INTEGER,
        (
            "New beneficiaries of the month",
            "New.beneficiaries.of.the.month",
            "New_beneficiaries",
            "Nuevos beneficiarios del mes",
        ),
        "#reached+ind+new",
    ),
    _col(
        "in_destination",
        INTEGER,
        (
            "Refugees and Migrants IN DESTINATION",
            "Refugees.and.Migrants.IN.DESTINATION",
            "IN_DESTINATION",
            "Refugiados y migrantes EN DESTINO",
        ),
        "#reached+ind+in_destination",
    ),
    _col(
        "in_transit",
        INTEGER,
        (
            "Refugees and Migrants IN TRANSIT",
            "Refugees.and.Migrants.IN.TRANSIT",
            "IN_TRANSIT",
            "Refugiados y migrantes EN TRANSITO",
        ),
        "#reached+ind+in_transit",
    ),
    _col(
        "host_community",
        INTEGER,
        (
            "Host Communities Beneficiaries",
            "Host.Communities.Beneficiaries",
            "Host_Communities",
            "Comunidades de acogida",
        ),
        "#reached+ind+host",
    ),
    _col(
        "pendular",
        INTEGER,
        (
            "Refugees and Migrants PENDULARS",
            "Refugees.and.Migrants.PENDULARS",
            "PENDULARS",
            "Refugiados y migrantes PENDULARES",
        ),
        "#reached+ind+pendular",
    ),
    _col(
        "returnees",
        INTEGER,
        ("Colombian Returnees", "Colombian.Returnees", "Returnees", "Colombianos Retornados"),
        "#reached+ind+returnees",
    ),
    _col(
        "girls",
        INTEGER,
        ("Women under 18", "Women.under.18", "Girls", "Ninas y Adolescentes menores de 18"),
        "#reached+f+children",
    ),
    _col(
        "boys",
        INTEGER,
        ("Men under 18", "Men.under.18", "Boys", "Ninos y Adolescentes menores de 18"),
        "#reached+m+children",
    ),
    _col(
        "women",
        INTEGER,
        ("Women above 18", "Women.above.18", "Women", "Mujeres adultas"),
        "#reached+f+adults",
    ),
    _col(
        "men",
        INTEGER,
        ("Men above 18", "Men.above.18", "Men", "Hombres adultos"),
        "#reached+m+adults",
    ),
    _col(
        "other_under_18",
        INTEGER,
        ("Other under 18", "", "Other_under", "Otro menores de 18"),
        "#reached+i+children",
    ),
    _col(
        "other_above_18",
        INTEGER,
        ("Other above 18", "", "Other_above", "Otro adultos"),
        "#reached+i+adults",
    ),
)

COLUMN_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
# The hashtag of each column in Kipu's exports, which write names for places, organisations
# and sectors but indicator codes (RE-HE10_PER): a column of codes says +code.
EXPORT_HXL: dict[str, str] = {c.name: c.hxl for c in COLUMNS} | {"indicator": "#indicator+code"}
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)

POPULATION_TYPES = ("in_destination", "in_transit", "host_community", "pendular", "returnees")
AGE_SEX_GROUPS = ("girls", "boys", "women", "men", "other_under_18", "other_above_18")
BENEFICIARY_COLUMNS = ("total_monthly", "new_beneficiaries", *POPULATION_TYPES, *AGE_SEX_GROUPS)
COUNT_COLUMNS = ("quantity_output", *BENEFICIARY_COLUMNS)

# Delivery mechanisms: the 2025 list, and the 2021 values mapped onto it.
DELIVERY_MECHANISMS = (
    "Beneficiary Bank Account",
    "Mobile Money",
    "Prepaid Card",
    "Cash Collection Over the Counter (OTC)",
    "Direct Cash (Cash in Hand)",
    "Cardless ATM Withdrawal",
    "Voucher",
    "Other",
)
# The Spanish names Kipu offers for them (each is one of DELIVERY_MECHANISM_ALIASES_ES).
DELIVERY_MECHANISMS_ES = {
    "Beneficiary Bank Account": "Cuenta bancaria del beneficiario",
    "Mobile Money": "Dinero móvil",
    "Prepaid Card": "Tarjeta prepago",
    "Cash Collection Over the Counter (OTC)": "Cobro en ventanilla",
    "Direct Cash (Cash in Hand)": "Efectivo en mano",
    "Cardless ATM Withdrawal": "Retiro en cajero sin tarjeta",
    "Voucher": "Cupón",
    "Other": "Otro",
}
DELIVERY_MECHANISM_ALIASES = {
    "Cash in hand": "Direct Cash (Cash in Hand)",
    "Paper Voucher": "Voucher",
    "ATM": "Cardless ATM Withdrawal",
    "e-voucher": "Voucher",
    "Mobile Money Transfer": "Mobile Money",
    "Bank Account": "Beneficiary Bank Account",
    "Check": "Other",
    "e-Wallet": "Mobile Money",
    "Smart Card": "Prepaid Card",
    "OTC": "Cash Collection Over the Counter (OTC)",
}


# --- Header matching (added for the 5W reader) ----------------------------------------------
# Labels are compared with text.compact, so "Appealing.Organization.Name", "appealing
# organization name" and "APPEALING_ORGANIZATION_NAME" are one key.

REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)

# Hashtags seen in files besides the ones of COLUMNS (codes instead of names, bare tags).
EXTRA_HXL: dict[str, str] = {
    "#country+code": "country",
    "#country": "country",
    "#adm1+code": "admin1",
    "#adm1": "admin1",
    "#adm2+code": "admin2",
    "#adm2": "admin2",
    "#date": "month",
    "#date+month": "month",
    "#sector+code": "sector",
    "#sector": "sector",
    "#subsector": "sector",
    "#indicator+code": "indicator",
    "#indicator": "indicator",
    "#activity": "activity_name",
    "#activity+description": "activity_description",
    "#org+impl": "implementing_partner",
    "#org+prog": "appealing_org",
    "#org+appealing+name": "appealing_org",
    # Other platforms' common 3W tags.
    "#org": "appealing_org",
    "#org+id": "appealing_org",
    "#org+implementing": "implementing_partner",
    "#sector+cluster": "sector",
    "#reached": "total_monthly",
    "#reached+ind": "total_monthly",
}

# HXL attributes that say how a value is written, not what it is.
_HXL_FORM_ATTRIBUTES = frozenset({"name", "code", "i_en", "i_es", "i_pt", "v_pcode", "v_iso3"})


def hxl_key(tag: object) -> str | None:
    """'#Org +Prog +Name' → '#org+prog'; None when the text is not a hashtag."""
    text = str(tag or "").strip().lower().replace(" ", "")
    if not text.startswith("#") or len(text) < 2:
        return None
    parts = [p for p in text[1:].split("+") if p]
    if not parts:
        return None
    attributes = sorted(set(parts[1:]) - _HXL_FORM_ATTRIBUTES)
    return "#" + "+".join([parts[0], *attributes])


def _label_lookup() -> dict[str, str]:
    from kipu.core.text import compact

    lookup: dict[str, str] = {}
    for column in COLUMNS:
        for label in (column.name, column.label_en, column.label_es, *column.labels):
            lookup.setdefault(compact(label), column.name)
    return lookup


def _hxl_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        key = hxl_key(column.hxl)
        if key:
            lookup.setdefault(key, column.name)
    for tag, name in EXTRA_HXL.items():
        key = hxl_key(tag)
        if key:
            lookup.setdefault(key, name)
    return lookup


LABEL_LOOKUP: dict[str, str] = _label_lookup()
HXL_LOOKUP: dict[str, str] = _hxl_lookup()


def match_label(label: object) -> str | None:
    """The canonical column a header label names, or None."""
    from kipu.core.text import compact

    return LABEL_LOOKUP.get(compact(label)) if label is not None else None


def match_hxl(tag: object) -> str | None:
    """The canonical column an HXL hashtag names, or None."""
    key = hxl_key(tag)
    return HXL_LOOKUP.get(key) if key else None


# Spanish and Portuguese names of delivery mechanisms seen in R4V's templates and partners'
# files (2021-2025); plurals are folded by `term_key`.
DELIVERY_MECHANISM_ALIASES_ES = {
    "Cuenta bancaria": "Beneficiary Bank Account",
    "Cuenta bancaria del beneficiario": "Beneficiary Bank Account",
    "Transferencia bancaria": "Beneficiary Bank Account",
    "Depósito bancario": "Beneficiary Bank Account",
    "Bank transfer": "Beneficiary Bank Account",
    "Dinero móvil": "Mobile Money",
    "Dinero electrónico": "Mobile Money",
    "Billetera electrónica": "Mobile Money",
    "Billetera móvil": "Mobile Money",
    "Monedero electrónico": "Mobile Money",
    "Transferencia móvil": "Mobile Money",
    "Mobile transfer": "Mobile Money",
    "Tarjeta prepago": "Prepaid Card",
    "Tarjeta prepagada": "Prepaid Card",
    "Tarjeta de débito": "Prepaid Card",
    "Tarjeta inteligente": "Prepaid Card",
    "Debit card": "Prepaid Card",
    "Retiro en ventanilla": "Cash Collection Over the Counter (OTC)",
    "Cobro en ventanilla": "Cash Collection Over the Counter (OTC)",
    "Over the counter": "Cash Collection Over the Counter (OTC)",
    "Cash collection over the counter": "Cash Collection Over the Counter (OTC)",
    "Giro": "Cash Collection Over the Counter (OTC)",
    "Efectivo en mano": "Direct Cash (Cash in Hand)",
    "Efectivo directo": "Direct Cash (Cash in Hand)",
    "Entrega directa de efectivo": "Direct Cash (Cash in Hand)",
    "Direct cash": "Direct Cash (Cash in Hand)",
    "Retiro sin tarjeta": "Cardless ATM Withdrawal",
    "Retiro en cajero sin tarjeta": "Cardless ATM Withdrawal",
    "Cajero automático": "Cardless ATM Withdrawal",
    "Cardless ATM": "Cardless ATM Withdrawal",
    "Cupón": "Voucher",
    "Cupón electrónico": "Voucher",
    "Vale": "Voucher",
    "Vale electrónico": "Voucher",
    "Bono": "Voucher",
    "Voucher electrónico": "Voucher",
    "Cupón de papel": "Voucher",
    "Vale de papel": "Voucher",
    "Electronic voucher": "Voucher",
    "Cheque": "Other",
    "Otro": "Other",
    "Otros": "Other",
    "Outro": "Other",
    "Conta bancária": "Beneficiary Bank Account",
    "Cartão pré-pago": "Prepaid Card",
    "Dinheiro em mãos": "Direct Cash (Cash in Hand)",
}


def term_key(text: object) -> str:
    """A term of a vocabulary (delivery mechanism, population group, indicator type) as a
    look-up key: normalised, and each word stemmed the same way on both sides of a look-up,
    so plurals meet their singular in English, Spanish and Portuguese: "Prepaid Cards" and
    "Prepaid Card", "Vales" and "Vale", "Cupones" and "Cupón", "Cartões" and "Cartão"."""
    from kipu.core.text import normalise

    words = []
    for word in normalise(text).split():
        if len(word) > 4 and word.endswith("ies"):  # communities, beneficiaries
            word = word[:-3] + "y"
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if word.endswith("oe"):
            word = word[:-2] + "ao"
        if len(word) > 3 and word.endswith("e") and word[-2] in "nrldzj":
            word = word[:-1]
        words.append(word)
    return " ".join(words)


# R4V's names of population groups (2021-2025 templates, English and Spanish), for files
# that name a group in a cell (proportions for max-cell, long exports).
POPULATION_GROUP_ALIASES = {
    "in_destination": (
        "In destination",
        "Refugees and Migrants in destination",
        "Refugees and migrants IN DESTINATION",
        "En destino",
        "Refugiados y migrantes en destino",
        "Em destino",
    ),
    "in_transit": (
        "In transit",
        "Refugees and Migrants in transit",
        "En tránsito",
        "Refugiados y migrantes en tránsito",
        "Em trânsito",
    ),
    "host_community": (
        "Host community",
        "Host communities",
        "Host Communities Beneficiaries",
        "Comunidad de acogida",
        "Comunidades de acogida",
        "Comunidad receptora",
        "Comunidade de acolhida",
    ),
    "pendular": (
        "Pendular",
        "Pendulars",
        "Refugees and Migrants pendulars",
        "Pendulares",
        "Refugiados y migrantes pendulares",
    ),
    "returnees": (
        "Returnees",
        "Colombian returnees",
        "Retornados",
        "Colombianos retornados",
        "Retornados colombianos",
    ),
}


def population_group_names() -> dict[str, str]:
    """Every name of a population group Kipu accepts (canonical names included) → its
    canonical name (in_destination, …)."""
    names = {name: name for name in POPULATION_GROUP_ALIASES}
    for name, aliases in POPULATION_GROUP_ALIASES.items():
        names.update(dict.fromkeys(aliases, name))
    return names


def population_group(text: object) -> str | None:
    """The canonical population group (in_destination, …) a cell names, or None."""
    key = term_key(text)
    for alias, name in population_group_names().items():
        if key == term_key(alias):
            return name
    return None


def mechanism_names() -> dict[str, str]:
    """Every name of a delivery mechanism Kipu accepts → its name in the 2025 list."""
    return {
        **{m: m for m in DELIVERY_MECHANISMS},
        **DELIVERY_MECHANISM_ALIASES,
        **DELIVERY_MECHANISM_ALIASES_ES,
    }


def mechanism_vocabulary() -> dict[str, str]:
    """Look-up key → delivery mechanism of the 2025 list, for every name Kipu accepts."""
    found: dict[str, str] = {}
    for alias, target in mechanism_names().items():
        found.setdefault(term_key(alias), target)
    return found


def closest_term(text: object, names: Mapping[str, str]) -> tuple[str, str] | None:
    """For "did you mean": the accepted name of a vocabulary (`names`: name → canonical
    value, as `mechanism_names` gives) that `text` most resembles, in whatever language, and
    that name's canonical value; None when no name is close (`text.closest`)."""
    from kipu.core.text import closest

    found = closest(text, names)
    return (found, names[found]) if found is not None else None


# The label each template variant uses for a column ("" where the variant lacks it).
TEMPLATE_VARIANTS = ("2025", "ai2021", "short2022", "es2022")
TEMPLATE_LABELS: dict[str, dict[str, str]] = {
    variant: {
        name: (labels[i] if i < len(labels) else "") for name, labels in _LABELS_AS_GIVEN.items()
    }
    for i, variant in enumerate(TEMPLATE_VARIANTS)
}
