"""The synthetic demonstration platform."""

from __future__ import annotations

import click

from kipu.cli.base import fail, setup_django


@click.group()
def demo() -> None:
    """Synthetic demonstration data (GTRM Peru, 2019)."""


@demo.command("load")
def demo_load() -> None:
    """(Re)create the synthetic demonstration platform 'gtrm-peru'."""
    setup_django()
    from kipu.web.site.services import NotInitialised, load_demo

    try:
        platform = load_demo()
    except (NotInitialised, ValueError) as error:
        fail([error])
    click.echo(
        f"Demonstration platform {platform.slug!r} loaded "
        f"({platform.memberships.count()} organisations; SYNTHETIC figures)."
    )


COMMANDS = (demo,)
