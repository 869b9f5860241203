"""The `kipu` command. Thin: every subcommand parses options and calls core or web services.

Exit status: 0 success, 1 invalid input (messages name file, row and column), 2 usage errors.
A reader that stops early (`kipu figures --format csv | head -1`) ends a command quietly with 1
(kipu.cli.base.KipuGroup). `-o -` is standard output for text, JSON and CSV; a usage error for
XLSX and folders (kipu.cli.base.output_file).
"""

from kipu.cli import collect, demo, export, figures, jobs, reference, remind, reports, site
from kipu.cli import surveys as survey_commands
from kipu.cli.base import main

for _command in (
    *reference.COMMANDS,
    *collect.COMMANDS,
    *figures.COMMANDS,
    *reports.COMMANDS,
    *export.COMMANDS,
    *demo.COMMANDS,
    *site.COMMANDS,
    *remind.COMMANDS,
    *jobs.COMMANDS,
    *survey_commands.COMMANDS,
):
    main.add_command(_command)

__all__ = ["main"]
