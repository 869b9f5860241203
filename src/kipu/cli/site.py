"""Serving the web platform."""

from __future__ import annotations

import os
import signal
import sys

import click

from kipu.cli.base import setup_django

DEVELOPMENT_MODE = (
    "Development mode (KIPU_DEBUG=1): debug pages, a fixed public secret key, mail on the "
    "console, plain HTTP. Never expose this server; production: see README.md, Production."
)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--with-worker",
    is_flag=True,
    help="Also run `kipu worker` (background jobs) in its own process, restarted if it dies "
    "and stopped with the server.",
)
def serve(host: str, port: int, with_worker: bool) -> None:
    """Serve the web platform (development server, in development mode: KIPU_DEBUG=1)."""
    # Kipu's settings are production-safe by default; this server is for development only.
    os.environ["KIPU_DEBUG"] = "1"
    click.echo(DEVELOPMENT_MODE)
    setup_django()
    from django.core.management import call_command

    from kipu.cli.supervise import Supervisor, worker_command

    # The worker is a separate process, never a thread of the web server; restarted if it dies.
    worker = Supervisor(worker_command()) if with_worker else None
    if worker is not None:
        worker.start()
    click.echo(f"Kipu on http://{host}:{port}/  (Ctrl-C to stop)")
    # SIGTERM stops the server as Ctrl-C does, so the worker is stopped with it.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(0))
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False, verbosity=0)
    finally:
        if worker is not None:
            worker.stop()  # it finishes the job it is running, then stops


COMMANDS: tuple[click.Command, ...] = (serve,)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (check --deploy, collectstatic, createsuperuser…)."""
    setup_django(require_schema=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kipu manage", *args])


COMMANDS = (*COMMANDS, manage)
