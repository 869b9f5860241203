"""Organisations file: a platform's member organisations, or R4V's partner registry as R4V
publishes it.

Columns (any order; header names accent-, case- and separator-insensitive; docs/reference-data.md
lists the accepted names, R4V's "Organization ID", "Organization Name", "Type", "Country" among
them): name (required, English), name_es, name_pt, acronym, type, id (registry id, ORGnnn),
aliases ('|'-separated), member_since, member_until (YYYY-MM-DD), sub_working_groups ('|'),
country ('|'-separated when several).

Rules (docs/reference-data.md, "Organisations"):
- A registry is never refused for one bad row. A row without a name (a name cell saying nothing
  is none), or with a name too long to store, is skipped; a cell that cannot be kept (a date
  that is not one, a value longer than Kipu stores, `FIELD_SIZES`) leaves the stored value as it
  is; each with a warning naming file, row and column. The whole file is refused only when it
  cannot be read, has no name column, no row loads, or membership dates contradict each other
  (`organisation_rows`: a row ending before it starts, rows of one organisation giving two
  dates of one kind): which is meant cannot be told.
- Any other cell saying nothing (`NOTHING`: "-", "N/A") is empty: "N/A" was stored as an
  acronym, and the events loader then gave it the events of no organisation.
- Types: R4V's types, in English, Spanish and Portuguese, singular or plural, map to Kipu's
  (`TYPE_NAMES`); an unknown type is kept as written, with a warning.
- One registry id on rows naming different organisations: one row keeps it — the row naming
  the organisation Kipu already knows by that id (`known_ids`), else the first — and the others
  load without a registry id (so they are matched by name), with a warning naming both rows.
  Rows with the same id and the same name are one organisation listed again (R4V lists an
  organisation once per country): they are merged.
- Rows with the same name where at least one has no id are one organisation: merged, with a
  warning. The same name under two different ids loads as two organisations, with a warning.
- With `countries` (the platform's, ISO3), the rows whose country column names only other
  countries are left out, with one warning counting them; a row without a country, or naming
  none Kipu knows ("Regional"), is kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kipu.core.gazetteer import find_country
from kipu.core.loaders import (
    Columns,
    Loaded,
    LoadError,
    open_table,
    parse_date,
    split_list,
)
from kipu.core.loaders.organisation_rows import Registry
from kipu.core.read.values import NOTHING, TOTAL_ROWS
from kipu.core.reference import ORGANISATION_TYPES
from kipu.core.text import closest, normalise

ACCEPTED = {
    "name": (
        "name_en",
        "organisation",
        "organization",
        "organisation name",
        "organization name",
        "organization name (english)",
        "organisation name (english)",
        "english name",
        "partner",
        "partner name",
    ),
    "name_es": ("nombre", "nombre_es", "organization name (spanish)", "nombre de la organizacion"),
    "name_pt": ("nome", "organization name (portuguese)", "nome da organizacao"),
    "acronym": ("acronimo", "short name", "sigla", "siglas", "organization acronym"),
    "type": (
        "org_type",
        "organisation type",
        "organization type",
        "type of organization",
        "tipo",
        "tipo de organizacion",
        "tipo de organizacao",
    ),
    "id": (
        "external_id",
        "org_id",
        "registry id",
        "r4v id",
        "organization id",
        "organisation id",
        "organization code",
    ),
    "aliases": ("alias", "other names"),
    "member_since": ("start_date", "joined", "miembro desde", "fecha de ingreso", "ingreso"),
    "member_until": ("end_date", "left", "miembro hasta", "fecha de salida", "salida"),
    "sub_working_groups": (
        "swg",
        "sub working groups",
        "subgroups",
        "grupos de trabajo",
        "subgrupos",
    ),
    "country": ("countries", "pais", "paises", "country name"),
}

# The longest values Kipu stores (the database's field sizes: platforms.models.Organisation).
FIELD_SIZES = {"name": 250, "name_es": 250, "name_pt": 250, "acronym": 60, "type": 40, "id": 20}

# R4V's organisation types, as its registry and 5W files write them in English, Spanish and
# Portuguese, by Kipu type (kipu.core.reference.ORGANISATION_TYPES). Matching ignores case,
# accents, punctuation and plurals (`_type_key`): "Faith Based Organizations", "ONGs
# internacionales", "Organizações religiosas" need no entry of their own.
TYPE_NAMES: dict[str, tuple[str, ...]] = {
    "UN": (
        "UN Agency",
        "United Nations",
        "United Nations Agency",
        "UN Organization",
        "ONU",
        "Agencia de la ONU",
        "Agencia ONU",
        "Agencia de las Naciones Unidas",
        "Agencia de Naciones Unidas",
        "Naciones Unidas",
        "Sistema de las Naciones Unidas",
        "Agência da ONU",
        "Agência das Nações Unidas",
        "Nações Unidas",
    ),
    "INGO": (
        "International NGO",
        "International Non-Governmental Organization",
        "ONG internacional",
        "ONGI",
        "Organización no gubernamental internacional",
        "Organização não governamental internacional",
    ),
    "NNGO": (
        "National NGO",
        "Local NGO",
        "LNGO",
        "National Non-Governmental Organization",
        "ONG nacional",
        "ONG local",
        "Organización no gubernamental nacional",
        "Organização não governamental nacional",
    ),
    "Faith Based Organization": (
        "FBO",
        "Faith Based",
        "Religious Organization",
        "Organización basada en la fe",
        "Organización de base de fe",
        "Organización religiosa",
        "Organización confesional",
        "Organização baseada na fé",
        "Organização religiosa",
    ),
    "Red Cross": (
        "Red Cross Red Crescent",
        "Red Cross Movement",
        "Red Cross and Red Crescent Movement",
        "Red Cross Red Crescent Movement",  # R4V writes "Red Cross/Red Crescent Movement"
        "Cruz Roja Media Luna Roja",
        "Cruz Roja",
        "Movimiento de la Cruz Roja",
        "Cruz Vermelha",
        "Movimento da Cruz Vermelha",
    ),
    "Civil Society": (
        "Civil Society Organization",
        "CSO",
        "Community Based Organization",
        "CBO",
        "Sociedad civil",
        "Organización de la sociedad civil",
        "OSC",
        "Organización comunitaria",
        "Organización de base comunitaria",
        "Sociedade civil",
        "Organização da sociedade civil",
    ),
    "Academic": (
        "Academia",
        "Academic Institution",
        "University",
        "Universidad",
        "Universidade",
        "Institución académica",
        "Instituição acadêmica",
    ),
    "Government": (
        "Governmental",
        "Government Institution",
        "Public Sector",
        "Gobierno",
        "Institución gubernamental",
        "Institución pública",
        "Entidad pública",
        "Sector público",
        "Governo",
        "Instituição governamental",
        "Setor público",
        "Órgão público",
    ),
    "Donor": ("Donor Agency", "Donante", "Donador", "Doador"),
    "Private Sector": (
        "Private Company",
        "Company",
        "Business",
        "Sector privado",
        "Empresa privada",
        "Empresa",
        "Setor privado",
    ),
    "Health Facility": (
        "Health Centre",
        "Health Center",
        "Hospital",
        "Establecimiento de salud",
        "Centro de salud",
        "Instalación de salud",
        "Estabelecimento de saúde",
        "Unidade de saúde",
        "Centro de saúde",
    ),
    "Other": ("Others", "Otro", "Otra", "Outro", "Outra"),
}


def _type_key(text: object) -> str:
    """`text` normalised, each word singular (organizations, organizaciones, organizações,
    facilities → organization, organizacion, organizacao, facility) and British -isation
    spelt -ization. Not a grammar: the same folding on both sides is all it takes."""
    words = []
    for word in normalise(text).replace("isation", "ization").split():
        if word.endswith("oes") and len(word) > 4:
            word = word[:-3] + "ao"
        elif word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("es") and len(word) > 4 and word[-3] in "lnrdzs":
            word = word[:-2]
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        words.append(word)
    return " ".join(words)


_TYPES_BY_KEY = {
    _type_key(name): kipu_type
    for kipu_type in ORGANISATION_TYPES
    for name in (kipu_type, *TYPE_NAMES.get(kipu_type, ()))
}


def organisation_type(text: str) -> tuple[str, str]:
    """(Kipu's type for `text`, "") or, for a type Kipu does not know, (`text` as written, at
    most `FIELD_SIZES["type"]` characters; a warning saying so)."""
    if not text:
        return "", ""
    if found := _TYPES_BY_KEY.get(_type_key(text)):
        return found, ""
    spellings = [n for t in ORGANISATION_TYPES for n in (t, *TYPE_NAMES.get(t, ()))]
    hint = closest(text, spellings)
    kept = text[: FIELD_SIZES["type"]]
    message = f"unknown type {text!r}, kept as " + ("written" if kept == text else repr(kept))
    if hint:
        message += f" (did you mean {_TYPES_BY_KEY[_type_key(hint)]!r}?)"
    return kept, f"{message}; Kipu's types: {', '.join(ORGANISATION_TYPES)}"


@dataclass
class OrganisationRecord:
    name: str
    name_es: str = ""
    name_pt: str = ""
    acronym: str = ""
    org_type: str = ""
    external_id: str = ""
    aliases: list[str] = field(default_factory=list)
    member_since: date | None = None
    member_until: date | None = None
    sub_working_groups: list[str] = field(default_factory=list)
    row: int | None = None  # the file row (header = 1), for notices about it
    countries: list[str] = field(default_factory=list)  # the country column, as written
    shared_id: str = ""  # a registry id this row carried but another row kept
    absent: frozenset[str] = frozenset()  # fields whose column the file lacks: left as stored
    unread: frozenset[str] = frozenset()  # dates whose cell is not one: left as stored


def load_organisations(
    path: Path | str,
    *,
    countries: list[str] | None = None,
    known_ids: Mapping[str, set[str]] | None = None,
) -> Loaded[OrganisationRecord]:
    """The file's organisations (module rules). `countries`: the loading platform's (ISO3), to
    leave out other countries' rows; `known_ids`: registry id → the normalised names, acronym
    and aliases of the organisation Kipu knows by it, to settle an id given to two rows."""
    result: Loaded[OrganisationRecord] = Loaded()
    table = open_table(path)
    if isinstance(table, LoadError):
        result.errors.append(table)
        return result
    columns = Columns(table, ACCEPTED)
    if errors := columns.missing(("name",)):
        result.errors.extend(errors)
        return result
    result.warnings.extend([*columns.unread(), *columns.hidden()])
    registry = Registry(columns, result, known_ids or {})
    left_out: Counter[str] = Counter()
    for number, record in zip(table.row_numbers, table.records, strict=True):
        if other := _other_country(_items(columns, record, "country"), countries):
            left_out[other] += 1  # before any other check: nothing to say about such rows
            continue
        row = _organisation(columns, record, number, result.warnings)
        if row is not None:
            registry.add(row)
    if left_out:
        counts = ", ".join(f"{name} ({n})" for name, n in sorted(left_out.items()))
        message = f"rows of other countries left out: {counts}"
        result.warnings.append(LoadError(table.source, None, columns.label("country"), message))
    if not result.records:
        result.errors.append(LoadError(table.source, None, None, "no row could be loaded"))
    return result


def _other_country(written: list[str], countries: list[str] | None) -> str:
    """The name of a country a row is for (`written`: its country cell) when it is for none of
    `countries`, else ""."""
    if not countries or not written:
        return ""
    found = [find_country(text) for text in written]
    known = [c for c in found if c is not None]
    if len(known) < len(found) or any(c.iso3 in countries for c in known):
        return ""  # "Regional", or one of the platform's countries
    return known[0].name


# The columns a file may lack, with the field each sets: the shared fields, and the membership's
# (a registry without dates reloaded erased every membership's).
_OPTIONAL_COLUMNS = (
    ("name_es", "name_es"),
    ("name_pt", "name_pt"),
    ("acronym", "acronym"),
    ("type", "org_type"),
    ("aliases", "aliases"),
    ("member_since", "member_since"),
    ("member_until", "member_until"),
    ("sub_working_groups", "sub_working_groups"),
)


def _nothing(text: str) -> bool:
    """Whether `text` is a placeholder for nothing ("-", "N/A", "ninguno")."""
    return " ".join(text.split()).casefold() in NOTHING


def _cell(columns: Columns, record: dict[str, object], column: str) -> str:
    """The cell's text, "" for a placeholder for nothing (module docstring)."""
    value = columns.value(record, column)
    return "" if _nothing(value) else value


def _items(columns: Columns, record: dict[str, object], column: str) -> list[str]:
    """The '|'-separated values of the cell, without placeholders for nothing."""
    return [item for item in split_list(columns.value(record, column)) if not _nothing(item)]


def _organisation(
    columns: Columns, record: dict[str, object], number: int, warnings: list[LoadError]
) -> OrganisationRecord | None:
    """One row as a record, or None (with a warning) when it cannot be loaded."""
    source = columns.table.source

    def warn(column: str, message: str) -> None:
        warnings.append(LoadError(source, number, columns.label(column), message))

    def text(column: str) -> str:
        value = _cell(columns, record, column)
        limit = FIELD_SIZES.get(column)
        if limit is not None and len(value) > limit:
            warn(column, f"longer than {limit} characters: left as stored (empty if new)")
            return ""
        return value

    name = columns.value(record, "name")
    if not name or _nothing(name) or len(name) > FIELD_SIZES["name"]:
        problem = f"a name longer than {FIELD_SIZES['name']} characters"
        if len(name) <= FIELD_SIZES["name"]:
            problem = f"no name ({name!r} says none)" if name else "no name"
        warn("name", f"{problem}: row skipped")
        return None
    if normalise(name) in TOTAL_ROWS:  # it was loaded as an organisation named "Total"
        warn("name", f"{name!r} is a totals row, not an organisation: row skipped")
        return None
    org_type, problem = organisation_type(_cell(columns, record, "type"))
    if problem:
        warn("type", problem)
    dates, unread = _dates(columns, record, warn)
    return OrganisationRecord(
        name=name,
        name_es=text("name_es"),
        name_pt=text("name_pt"),
        acronym=text("acronym"),
        org_type=org_type,
        external_id=text("id"),
        aliases=_items(columns, record, "aliases"),
        member_since=dates["member_since"],
        member_until=dates["member_until"],
        sub_working_groups=_items(columns, record, "sub_working_groups"),
        row=number,
        countries=_items(columns, record, "country"),
        absent=frozenset(f for column, f in _OPTIONAL_COLUMNS if column not in columns.found),
        unread=unread,
    )


def _dates(
    columns: Columns, record: dict[str, object], warn: Callable[[str, str], None]
) -> tuple[dict[str, date | None], frozenset[str]]:
    """The row's membership dates, and the columns whose cell is not a date: those keep the
    stored date (one was erased, the warning saying "left empty")."""
    dates: dict[str, date | None] = {}
    unread = set()
    for column in ("member_since", "member_until"):
        value = _cell(columns, record, column)
        dates[column] = parse_date(value) if value else None
        if value and dates[column] is None:
            unread.add(column)
            warn(column, f"{value!r} is not a date (YYYY-MM-DD): left as stored (empty if new)")
    return dates, frozenset(unread)
