"""Organisations file: one row per member organisation of a platform.

Columns (any order; header names accent- and case-insensitive):
name (required, English), name_es, name_pt, acronym, type, id (registry id, ORGnnn),
aliases ('|'-separated), member_since (YYYY-MM-DD), member_until, sub_working_groups ('|').
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kipu.core.loaders import Columns, Loaded, LoadError, open_table, parse_date, split_list
from kipu.core.reference import ORGANISATION_TYPES
from kipu.core.text import closest, normalise

ACCEPTED = {
    "name": ("name_en", "organisation", "organization", "organisation name", "organization name"),
    "name_es": ("nombre", "nombre_es"),
    "name_pt": ("nome",),
    "acronym": ("acronimo", "short name", "sigla"),
    "type": ("org_type", "organisation type", "organization type", "tipo"),
    "id": ("external_id", "org_id", "registry id", "r4v id"),
    "aliases": ("alias", "other names"),
    "member_since": ("start_date", "joined"),
    "member_until": ("end_date", "left"),
    "sub_working_groups": ("swg", "sub working groups", "subgroups"),
}
_TYPES_BY_KEY = {normalise(t): t for t in ORGANISATION_TYPES} | {
    "faith based": "Faith Based Organization",
    "fbo": "Faith Based Organization",
    "red cross red crescent": "Red Cross",
    "civil society organization": "Civil Society",
    "cso": "Civil Society",
    "academia": "Academic",
    "un agency": "UN",
}


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


def load_organisations(path: Path | str) -> Loaded[OrganisationRecord]:
    result: Loaded[OrganisationRecord] = Loaded()
    table = open_table(path)
    if isinstance(table, LoadError):
        result.errors.append(table)
        return result
    columns = Columns(table, ACCEPTED)
    if errors := columns.missing(("name",)):
        result.errors.extend(errors)
        return result
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for number, record in zip(table.row_numbers, table.records, strict=True):
        row = _organisation(columns, record, number, result.errors)
        if row is None:
            continue
        for key, seen, column in (
            (row.external_id, seen_ids, "id"),
            (normalise(row.name), seen_names, "name"),
        ):
            if key and key in seen:
                result.errors.append(
                    LoadError(
                        table.source, number, columns.label(column), f"duplicate of row {seen[key]}"
                    )
                )
            elif key:
                seen[key] = number
        result.records.append(row)
    return result


def _organisation(
    columns: Columns, record: dict[str, object], number: int, errors: list[LoadError]
) -> OrganisationRecord | None:
    source = columns.table.source

    def fail(column: str, message: str) -> None:
        errors.append(LoadError(source, number, columns.label(column), message))

    name = columns.value(record, "name")
    if not name:
        fail("name", "the organisation has no name")
        return None
    org_type = ""
    if raw_type := columns.value(record, "type"):
        org_type = _TYPES_BY_KEY.get(normalise(raw_type), "")
        if not org_type:
            hint = closest(raw_type, ORGANISATION_TYPES)
            fail(
                "type",
                f"unknown type {raw_type!r}"
                + (
                    f"; did you mean {hint!r}?"
                    if hint
                    else f"; use one of: {', '.join(ORGANISATION_TYPES)}"
                ),
            )
    dates = {}
    for column in ("member_since", "member_until"):
        text = columns.value(record, column)
        dates[column] = parse_date(text) if text else None
        if text and dates[column] is None:
            fail(column, f"{text!r} is not a date (YYYY-MM-DD)")
    return OrganisationRecord(
        name=name,
        name_es=columns.value(record, "name_es"),
        name_pt=columns.value(record, "name_pt"),
        acronym=columns.value(record, "acronym"),
        org_type=org_type,
        external_id=columns.value(record, "id"),
        aliases=split_list(columns.value(record, "aliases")),
        member_since=dates["member_since"],
        member_until=dates["member_until"],
        sub_working_groups=split_list(columns.value(record, "sub_working_groups")),
        row=number,
    )
