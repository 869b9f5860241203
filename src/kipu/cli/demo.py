"""The synthetic demonstration platform."""

from __future__ import annotations

import click

from kipu.cli.base import fail, setup_django


@click.group()
def demo() -> None:
    """Synthetic demonstration data (GTRM Peru, 2019)."""


@demo.command("load")
@click.option(
    "--reports/--no-reports",
    default=True,
    show_default=True,
    help="Render and publish the November 2019 reports (English and Spanish).",
)
def demo_load(reports: bool) -> None:
    """(Re)create the synthetic demonstration platform 'gtrm-peru' with one account per role."""
    setup_django()
    from kipu.web.accounts.services import create_demo_accounts
    from kipu.web.site.services import NotInitialised, load_demo, stage_demo

    try:
        platform = load_demo()
    except (NotInitialised, ValueError) as error:
        fail([error])
    stage_demo(platform, with_reports=reports)
    click.echo(
        f"Demonstration platform {platform.slug!r} loaded "
        f"({platform.memberships.count()} organisations; SYNTHETIC figures)."
    )
    click.echo("Demo accounts (this demonstration database only):")
    for role, username, password in create_demo_accounts(platform):
        click.echo(f"  {role:12} {username:28} {password}")


COMMANDS = (demo,)
