"""Reference data: platforms, organisations, plan, locations, official statistics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kipu.cli.base import (
    FORMAT,
    PLATFORM,
    cli_actor,
    current_platform,
    emit,
    fail,
    setup_django,
)

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _load(kind: str, platform: Any, file: Path, **options: Any) -> dict[str, Any]:
    """Load a reference file the way the web pages do (same loaders, same storing, audited
    as cli:<login>); returns what was stored, or exits with the file's problems."""
    from kipu.web.reference.services import import_reference

    result = import_reference(kind, platform, file, cli_actor(), options)
    if not result.ok:
        fail(result.errors)
    return result.summary


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    widths = {
        c: max([len(c), *(len(str(r.get(c) if r.get(c) is not None else "")) for r in rows)])
        for c in columns
    }
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines += [
        "  ".join(str(r.get(c) if r.get(c) is not None else "").ljust(widths[c]) for c in columns)
        for r in rows
    ]
    return "\n".join(line.rstrip() for line in lines)


@click.group()
def platforms() -> None:
    """Coordination platforms (national, local, regional)."""


@platforms.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="Display name, e.g. 'GTRM Peru'.")
@click.option(
    "--country", default="", metavar="ISO3", help="Country (ISO3); none for a regional platform."
)
@click.option(
    "--level",
    type=click.Choice(["national", "local", "regional"]),
    default="national",
    show_default=True,
)
@click.option("--parent", metavar="SLUG", help="The platform this one belongs to.")
@click.option(
    "--admin1", metavar="CODES", help="Comma-separated admin1 units a local platform covers."
)
@click.option(
    "--countries",
    metavar="ISO3,…",
    help="A regional platform's countries (comma-separated ISO3), besides those of the "
    "national platforms added under it later.",
)
def platforms_add(
    slug: str,
    name: str,
    country: str,
    level: str,
    parent: str | None,
    admin1: str | None,
    countries: str | None,
) -> None:
    """Register a platform."""
    setup_django()
    from kipu.web.platforms.services import add_platform

    if level != "regional" and len(country) != 3:
        fail(
            ["--country must be an ISO3 code such as PER for a national or local platform"],
            status=2,
        )
    from django.db import transaction

    from kipu.web.audit.services import record, snapshot

    try:
        with transaction.atomic():
            platform = add_platform(
                slug,
                name,
                country=country,
                level=level,
                parent=parent,
                admin1=[a.strip() for a in admin1.split(",")] if admin1 else None,
                countries=[c.strip() for c in countries.split(",")] if countries else None,
            )
            record(cli_actor(), "add_platform", platform, after=snapshot(platform))
    except ValueError as error:
        fail([error])
    click.echo(f"Platform {platform.slug!r} added.")


@platforms.command("list")
@FORMAT
def platforms_list(output_format: str) -> None:
    """List platforms."""
    setup_django()
    from kipu.web.platforms.queries import list_platforms

    emit(
        list_platforms(),
        output_format,
        lambda rows: _table(rows, ["slug", "name", "country", "level", "parent", "organisations"]),
    )


@click.group()
def orgs() -> None:
    """Member organisations."""


@orgs.command("load")
@click.argument("file", type=FILE)
@PLATFORM
def orgs_load(file: Path, platform_slug: str | None) -> None:
    """Load organisations and memberships from CSV or XLSX, R4V's registry as published
    (docs/reference-data.md).

    Rows that cannot be loaded are skipped, and printed as warnings on stderr; membership
    dates that contradict each other (an end before the start, two rows of one organisation
    with other dates) refuse the file, changing nothing. The command line
    acts as the installation administrator: it may change every shared organisation, and each
    change is audited on every platform using it."""
    setup_django()
    platform = current_platform(platform_slug)
    done = _load("organisations", platform, file)
    # Rows refused (their organisation would be a guess) are counted: the warnings say why.
    refused = done.get("not_loaded", 0)
    click.echo(
        f"{done['created'] + done['updated']} organisations loaded into {platform.slug} "
        f"({done['created']} new, {done['updated']} updated"
        + (f", {refused} {'row' if refused == 1 else 'rows'} not loaded" if refused else "")
        + ")."
    )
    from kipu.web.reference.services import notice_text

    for notice in done.get("notices", []):
        click.echo(f"note: {notice_text(notice)}")
    _warn(done)


def _warn(done: dict[str, Any]) -> None:
    """The import's warnings (rows skipped or changed on the way), one per line on stderr."""
    for warning in done.get("warnings", []):
        click.echo(f"warning: {warning}", err=True)


@click.group()
def plan() -> None:
    """Response plans: sectors or areas, indicators, targets."""


@plan.command("load")
@click.argument("file", type=FILE)
@PLATFORM
@click.option("--year", type=int, required=True, help="Plan year.")
@click.option(
    "--name", default="", help="Plan name (default: as stored, or platform name and year)."
)
@click.option(
    "--classification",
    type=click.Choice(["sectors", "areas"]),
    default=None,
    help="Sectors, or areas of intervention (default: as stored, or sectors).",
)
@click.option("--targets", "targets_file", type=FILE, help="A separate targets file (CSV/XLSX).")
def plan_load(
    file: Path,
    platform_slug: str | None,
    year: int,
    name: str,
    classification: str | None,
    targets_file: Path | None,
) -> None:
    """Load a plan from CSV (an indicator list) or XLSX (docs/reference-data.md)."""
    setup_django()
    platform = current_platform(platform_slug)
    options = {"year": year, "name": name, "classification": classification}
    done = _load("plan", platform, file, targets_file=targets_file, **options)
    # A file without targets keeps the stored ones, which a warning says (`_warn`).
    counts = ", ".join(
        f"{done[key]} {key[:-1] if done[key] == 1 else key}"
        for key in ("sectors", "indicators", "targets")
    )
    click.echo(f"Plan {done['name']!r}: {counts}.")
    _warn(done)  # what was kept or changed on the way: printed nowhere before


@click.group()
def locations() -> None:
    """The location gazetteer."""


@locations.command("list")
@click.option("--country", default="PE", show_default=True, help="ISO3 or ISO2 country code.")
@click.option("--level", type=click.IntRange(0, 3), help="0 country, 1 admin1, 2 admin2, 3 admin3.")
@FORMAT
def locations_list(country: str, level: int | None, output_format: str) -> None:
    """List administrative units with their codes."""
    setup_django()
    from kipu.web.locations.models import Location
    from kipu.web.locations.queries import list_locations

    iso3 = country.upper()
    if len(iso3) == 2:
        found = Location.objects.filter(level=0, iso=iso3).first()
        iso3 = found.country if found else iso3
    rows = list_locations(iso3, level)
    if not rows:
        fail([f"no locations for country {country!r}"])
    emit(
        [{k: r[k] for k in ("code", "pcode", "iso", "name", "parent")} for r in rows],
        output_format,
        lambda data: _table(data, ["code", "pcode", "iso", "name", "parent"]),
    )


@locations.command("load")
@click.argument("file", type=FILE)
@click.option(
    "--country",
    default="",
    metavar="ISO3",
    help="The country these units belong to; with a country column, the one to load "
    "(omit it to load every country of the file).",
)
@click.option("--vintage", default="", help="Which edition of the boundaries (e.g. 'COD-AB 2023').")
def locations_load(file: Path, country: str, vintage: str) -> None:
    """Load units from an OCHA COD-AB style table or R4V's admin1 list (docs/reference-data.md)."""
    setup_django()
    if country and len(country) != 3:
        fail(["--country must be an ISO3 code"], status=2)
    done = _load("locations", None, file, country=country, vintage=vintage)
    click.echo(f"{done['country']}: {done['created']} units added, {done['updated']} updated.")
    _warn(done)


@locations.group("alias")
def locations_alias() -> None:
    """Other names of a place (a country, an admin1…): add, remove, list. Audited."""


PLACE = click.argument("place", metavar="PLACE")


@locations_alias.command("add")
@PLACE
@click.argument("alias")
def locations_alias_add(place: str, alias: str) -> None:
    """Add ALIAS to PLACE (a P-code such as PE15, or a country's ISO2/ISO3 code such as PE).

    Example: kipu locations alias add PE "Perú (país)"."""
    setup_django()
    from kipu.web.locations.services import add_alias

    try:
        made = add_alias(place, alias, cli_actor())
    except ValueError as error:
        fail([error])
    click.echo(f"{made.location.pcode} ({made.location.name}): alias {made.alias!r} added.")


@locations_alias.command("remove")
@PLACE
@click.argument("alias")
def locations_alias_remove(place: str, alias: str) -> None:
    """Remove ALIAS from PLACE."""
    setup_django()
    from kipu.web.locations.services import remove_alias

    try:
        remove_alias(place, alias, cli_actor())
    except ValueError as error:
        fail([error])
    click.echo(f"{place.upper()}: alias {alias!r} removed.")


@locations_alias.command("list")
@PLACE
@FORMAT
def locations_alias_list(place: str, output_format: str) -> None:
    """List the aliases of PLACE."""
    setup_django()
    from kipu.web.locations.services import find_place

    found = find_place(place)
    if found is None:
        fail([f"no place with the code {place!r} (a P-code, or a country's ISO code)"])
    rows = [{"alias": a.alias, "kind": a.kind} for a in found.aliases.order_by("alias")]
    emit(rows, output_format, lambda data: _table(data, ["alias", "kind"]))


@click.group()
def stats() -> None:
    """Official statistics: arrivals, departures, asylum claims."""


@stats.command("load")
@click.argument("file", type=FILE)
@PLATFORM
def stats_load(file: Path, platform_slug: str | None) -> None:
    """Load observations from a CSV like published-figures.csv."""
    setup_django()
    done = _load("statistics", current_platform(platform_slug), file)
    click.echo(f"{done['created']} observations added, {_updated(done)}.")
    _warn(done)


def _updated(done: dict[str, Any]) -> str:
    """The "N updated" of a load, with how many rows were already stored as the file gives
    them: only a row whose stored values changed is "updated" (a reload of the same file read
    "2 updated")."""
    said = f"{done['updated']} updated"
    return f"{said}, {done['unchanged']} unchanged" if done.get("unchanged") else said


COMMANDS: tuple[click.Command, ...] = (platforms, orgs, plan, locations, stats)


@click.group()
def events() -> None:
    """Coordination events: meetings, trainings, launches."""


@events.command("load")
@click.argument("file", type=FILE)
@PLATFORM
def events_load(file: Path, platform_slug: str | None) -> None:
    """Load events (date, title, type, attendance, organisations) from CSV or XLSX."""
    setup_django()
    done = _load("events", current_platform(platform_slug), file)
    click.echo(f"{done['created']} events added, {_updated(done)}.")
    _warn(done)


COMMANDS = (*COMMANDS, events)
