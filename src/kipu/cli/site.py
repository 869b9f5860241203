"""Serving the web platform."""

from __future__ import annotations

import os

import click

from kipu.cli.base import setup_django

DEVELOPMENT_MODE = (
    "Development mode (KIPU_DEBUG=1): debug pages, a fixed public secret key, mail on the "
    "console, plain HTTP. Never expose this server; production: see README.md, Production."
)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Serve the web platform (development server, in development mode: KIPU_DEBUG=1)."""
    # Kipu's settings are production-safe by default; this server is for development only.
    os.environ["KIPU_DEBUG"] = "1"
    click.echo(DEVELOPMENT_MODE)
    setup_django()
    from django.core.management import call_command

    click.echo(f"Kipu on http://{host}:{port}/  (Ctrl-C to stop)")
    call_command("runserver", f"{host}:{port}", use_reloader=False, verbosity=0)


COMMANDS: tuple[click.Command, ...] = (serve,)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (check --deploy, collectstatic, createsuperuser…)."""
    setup_django(require_schema=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kipu manage", *args])


COMMANDS = (*COMMANDS, manage)
