"""Serving the web platform."""

from __future__ import annotations

import click

from kipu.cli.base import setup_django


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Serve the web platform (development server)."""
    setup_django()
    from django.core.management import call_command

    click.echo(f"Kipu on http://{host}:{port}/  (Ctrl-C to stop)")
    call_command("runserver", f"{host}:{port}", use_reloader=False, verbosity=0)


COMMANDS = (serve,)
