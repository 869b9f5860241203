"""The `kipu` command. Thin: every subcommand parses options and calls core or web services.

Exit status: 0 success, 1 invalid input (messages name file, row and column), 2 usage errors.
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
