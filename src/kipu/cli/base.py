"""The `kipu` group and what its subcommands share: Django set-up, errors, output formats."""

from __future__ import annotations

import atexit
import contextlib
import errno
import gc
import getpass
import io
import json
import os
import re
import select
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn

import click

FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
PLATFORM = click.option(
    "--platform",
    "platform_slug",
    metavar="SLUG",
    help="Platform slug; may be omitted where only one platform exists.",
)

STDOUT = "-"  # `-o -`: standard output


class OutputPath(click.Path):
    """`-o FILE`, where `-` is standard output: "-" stays the string STDOUT, any other value
    becomes a Path (so a file named "-" is still reachable as `./-`). `output_file` turns it
    into where to write."""

    def __init__(self, **options: Any) -> None:
        super().__init__(allow_dash=True, path_type=Path, **options)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return STDOUT if value == STDOUT else super().convert(value, param, ctx)


def output_file(
    output: Path | str | None, refused: str | None = None, option: str = "-o", name: str = "FILE"
) -> Path | None:
    """The file an OutputPath option names; None for standard output (`-o -`, or no option).
    `refused` names what cannot go to standard output (an XLSX workbook, a folder of files):
    `-o -` is then a usage error, before anything is read or written."""
    if output is None or isinstance(output, Path):
        return output
    if refused:
        message = (
            f"{refused} cannot be written to standard output ({option} -): give {option} {name}"
        )
        fail([message], status=2)
    return None


SUFFIX_FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}
FORMAT_FROM_NAME = "default: from -o FILE's name, .csv .json .xlsx; else"


def say_written(message: str, target: Path) -> None:
    """Say what was written where: on standard error when `target` is a descriptor
    (`-o /dev/stdout`: the line would land in the output itself), else standard output."""
    from kipu.core.written import descriptor

    click.echo(message, err=descriptor(target) is not None)


def format_for(
    given: str | None, output: Path | str | None, choices: tuple[str, ...], default: str
) -> str:
    """The format to write: `given` (--format), else the one the name of `-o FILE` ends in
    (.csv, .json, .xlsx, in any case), else `default`. A name ending in another of those than
    the format written is a usage error (exit status 2), before anything is read: a CSV named
    .xlsx opens as a broken workbook, a workbook named .csv as noise."""
    suffix = output.suffix if isinstance(output, Path) else ""
    named = SUFFIX_FORMATS.get(suffix.lower())
    chosen = given or (named if named in choices else None) or default
    if named is not None and named != chosen and isinstance(output, Path):
        kind = {"csv": "a CSV", "json": "a JSON", "xlsx": "an XLSX"}[named]
        wrong = f"-o {output.name} names {kind} file but {chosen} would be written in it"
        advice = f"give --format {named}, or" if named in choices else "give"
        fail([f"{wrong}: {advice} a name not ending in {suffix}"], status=2)
    return chosen


def cli_actor() -> str:
    """Who ran the command, as the audit log names them: cli:<login on this machine>."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (some containers)
        return "cli:unknown"


def setup_django(*, require_schema: bool = True) -> None:
    """Configure Django on first use, so file-only commands never touch a database.

    Unless `require_schema` is false (`kipu init`), a database that is missing or not migrated
    to this version stops the command with advice instead of a traceback.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kipu.web.settings")
    import django

    django.setup()
    if require_schema:
        from django.db import DatabaseError, connection
        from django.db.migrations.executor import MigrationExecutor

        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            fail([f"cannot use the database ({error}); check --database / DATABASE_URL"], status=1)
        if pending:
            fail(["the database is not initialised or needs an upgrade: run `kipu init`"], status=1)


def fail(messages: Iterable[object], status: int = 1) -> NoReturn:
    for message in messages:
        click.echo(f"error: {message}", err=True)
    sys.exit(status)


def emit(data: Any, output_format: str, text: Callable[[Any], str]) -> None:
    click.echo(
        json.dumps(data, ensure_ascii=False, indent=2, default=str)
        if output_format == "json"
        else text(data)
    )


def current_platform(slug: str | None) -> Any:
    from kipu.web.platforms.queries import PlatformNotFound, platform_named

    try:
        return platform_named(slug)
    except PlatformNotFound as error:
        fail([error], status=2)


def write_stdout(data: bytes) -> None:
    """All of `data` to standard output. With PYTHONUNBUFFERED=1 (common in containers),
    `sys.stdout.buffer` is the raw file, whose write() may take only part of what it is given
    (a pipe whose reader is slow, a non-blocking descriptor): the rest would be lost without a
    word."""
    out = sys.stdout.buffer
    view = memoryview(data)
    while view:
        written = out.write(view)
        if written is None:  # non-blocking and full: wait until the reader takes some
            select.select([], [out], [])
            continue
        view = view[written:]


class KipuGroup(click.Group):
    """The `kipu` group: a reader that stops early (`kipu figures --format csv | head -1`)
    ends any command quietly, with exit status 1, as Python's documentation advises
    (signal module, "Note on SIGPIPE") and as click does for the writes it sees itself. Any
    other failure of the system (standard output on a full disk or closed, an output file
    that cannot be written) is one line on standard error and exit status 1, never a
    traceback; standard output closed from the start is such a failure too, not output
    thrown away with exit status 0."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if sys.stdout is None:  # `kipu … >&-`: click would drop every line without a word
            sys.stdout = ClosedOutput()
        try:
            try:
                return super().main(*args, **kwargs)
            finally:
                _flush_stdout()
        except OSError as error:
            if _reader_gone(error):
                _discard_stdout()
                sys.exit(1)
            _report_system_error(error, error)
            sys.exit(1)
        except Exception as error:
            written = _workbook_not_written(error)
            if written is None:
                raise
            _report_system_error(written, error)
            sys.exit(1)


def _flush_stdout() -> None:
    """Output still buffered would meet the closed pipe at the interpreter's exit, out of
    reach of any handler ("Exception ignored ... BrokenPipeError")."""
    if sys.stdout is not None:
        sys.stdout.flush()


def _workbook_not_written(error: Exception) -> OSError | None:
    """The OSError behind a workbook writer's own exception (not OSErrors): xlsxwriter's
    FileCreateError, and lxml's SerialisationError (openpyxl writes through lxml), named
    after the error number when it is one of input/output ("IO_ENOSPC", "IO_EFBIG")."""
    module = sys.modules.get("xlsxwriter.exceptions")
    if module is not None and isinstance(error, module.FileCreateError):
        cause = error.args[0] if error.args else None
        return cause if isinstance(cause, OSError) else OSError(str(error))
    lxml = sys.modules.get("lxml.etree")
    if lxml is not None and isinstance(error, lxml.SerialisationError):
        name = str(error)
        if not name.startswith("IO_"):
            return None  # not the disk: a fault of the workbook's content, shown in full
        number = getattr(errno, name[3:], None)
        if isinstance(number, int):
            return OSError(number, os.strerror(number))
        return OSError(errno.EIO, f"the workbook could not be written ({name})")
    return None


# Polars (CSV output) raises OSErrors without an error number, their message holding it.
_OS_ERROR = re.compile(r" \(os error \d+\)")


class ClosedOutput(io.TextIOBase):
    """Standard output when the process started without one: every write fails."""

    def write(self, text: object) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    @property
    def buffer(self) -> ClosedOutput:  # bytes written by `write_stdout` fail alike
        return self


def _report_system_error(error: OSError, raised: BaseException) -> None:
    """One line on standard error for an OSError no command handled (`raised`, or behind
    it). Standard output that failed is pointed at /dev/null; what the failure left behind
    (a half-written file object that fails again when collected) is let go quietly: the
    command has failed once, and says it once."""
    reason = error.strerror or _OS_ERROR.sub("", str(error))
    if _on_stdout(error):
        message = f"cannot write to standard output: {reason}"
        _discard_stdout()
    else:
        message = f"{reason}: {error.filename}" if error.filename else reason
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        for link in (raised, raised.__context__, raised.__cause__, error):
            if link is not None:
                link.__traceback__ = None  # the frames hold the half-written objects
        gc.collect()
    finally:
        sys.unraisablehook = hook
    with contextlib.suppress(OSError, ValueError):  # standard error may be unwritable too
        click.echo(f"error: {message}", err=True)


def _on_stdout(error: BaseException) -> bool:
    """Whether `error` was raised writing standard output: by click.echo (not to standard
    error), by `write_stdout`, or by the last flush."""
    if isinstance(sys.stdout, ClosedOutput):
        return False  # its own message says it
    trace = error.__traceback__
    while trace is not None:
        frame, trace = trace.tb_frame, trace.tb_next
        if frame.f_code in (write_stdout.__code__, _flush_stdout.__code__):
            return True
        if frame.f_code.co_name == "echo" and frame.f_globals.get("__name__") == "click.utils":
            target = frame.f_locals.get("file")
            return not frame.f_locals.get("err") and getattr(target, "name", "") == "<stdout>"
    return False


def _reader_gone(error: OSError) -> bool:
    """Whether `error` is a write to standard output after its reader closed the pipe (not a
    broken pipe elsewhere, such as a socket). Polars (CSV output) raises it as a plain OSError
    without errno, its message ending in "(os error 32)"."""
    if error.errno != errno.EPIPE and not str(error).endswith(f"(os error {errno.EPIPE})"):
        return False
    if sys.__stdout__ is None:
        return False
    try:  # a pipe whose reader has gone polls as an error on its writing end
        poller = select.poll()
        poller.register(sys.__stdout__.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (OSError, ValueError):  # no file descriptor to look at
        return False


def _discard_stdout() -> None:
    """Point standard output at /dev/null, so what is still buffered is flushed there at exit
    instead of failing again on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (output captured in-process)
        pass


@click.group(
    cls=KipuGroup,
    context_settings={
        "help_option_names": ["-h", "--help"],
        "max_content_width": 110,
        "terminal_width": 110,
    },
)
@click.option(
    "--database",
    metavar="URL",
    envvar="DATABASE_URL",
    help="sqlite:///path or postgresql://user@host:port/name (default: DATABASE_URL, "
    "else var/kipu.sqlite3).",
)
@click.version_option(package_name="kipu")
def main(database: str | None) -> None:
    """Kipu: 5W collection, figures without double counting, and situation reports."""
    if database:
        os.environ["DATABASE_URL"] = database
    _fast_exit()


def _fast_exit() -> None:
    """Register `_at_exit` once."""
    if not getattr(_fast_exit, "registered", False):
        atexit.register(_at_exit)
        _fast_exit.registered = True  # type: ignore[attr-defined]


def _at_exit() -> None:
    """Close what only the interpreter's last collections would close, then take every object
    out of those collections' reach (`gc.freeze`).

    Those collections walk everything a command built (Django, reference data, a sheet's
    cells), several times over: a quarter of a second after `kipu figures --input` of 100,000
    rows had written its output; one collection here costs a twentieth. Django's database
    connections refer to each other in a loop and would be closed by the last collections
    only: closed here, so SQLite folds its write-ahead log back into the database file (a
    copy of the file alone then holds every change). The collection frees the command's own
    unreachable objects, flushing any file left open among them.
    """
    database = sys.modules.get("django.db")
    if database is not None:
        try:
            database.connections.close_all()
        except Exception as error:  # noqa: BLE001 - the changes are committed; say it, no traceback
            click.echo(f"warning: the database connection did not close cleanly: {error}", err=True)
    gc.collect()
    gc.freeze()


@main.command()
def init() -> None:
    """Create or upgrade the database; load the Peru gazetteer."""
    from kipu.web.database import data_dir

    data_dir().mkdir(parents=True, exist_ok=True)
    setup_django(require_schema=False)
    from django.core.management import call_command

    from kipu.core.gazetteer import bundled_locations
    from kipu.web.locations.models import Location
    from kipu.web.locations.services import load_locations

    call_command("migrate", interactive=False, verbosity=0)
    # Stored units are the IM team's (a newer vintage, a renamed unit): running init again, the
    # documented upgrade step, renamed them back without a word. Only missing units are added.
    bundled = bundled_locations("PE")
    stored = set(Location.objects.filter(country="PER").values_list("pcode", flat=True))
    created, _ = load_locations([u for u in bundled if u.pcode not in stored])
    kept = sum(1 for u in bundled if u.pcode in stored)
    message = f"Database ready. Peru gazetteer: {created} units added"
    if kept:
        message += f"; {kept} stored units left as they are (`kipu locations load` changes them)"
    click.echo(message + ".")
