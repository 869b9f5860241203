"""A reader that stops early (`kipu figures --format csv | head -1`) ends any command quietly:
exit status 0 or 1 (whether the output was written before the reader left), never a
traceback, nor Python's "Exception ignored ... BrokenPipeError" at exit. CSV through polars
used to end with `OSError: Broken pipe (os error 32)`. Real processes and pipes, many times
over, on a SQLite file of their own."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = [pytest.mark.backend_independent, pytest.mark.slow]
KIPU = str(Path(sys.executable).with_name("kipu"))
COMMANDS = [
    ["figures", "--format", "csv"],  # polars writes it
    ["figures", "--format", "json"],
    ["locations", "list", "--country", "PE"],  # 150 kB of text
    ["locations", "list", "--country", "PE", "--format", "json"],  # 250 kB
    ["export", "--month", "2019-11", "-o", "-"],
    ["export", "--month", "2019-11", "--table", "figures", "-o", "-"],
    ["--help"],
]
ROUNDS = 2


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, process_env) -> dict[str, str]:  # noqa: ANN001
    return process_env(tmp_path_factory.mktemp("pipes"))


def read_then_close(env: dict[str, str], args: list[str], lines: int) -> tuple[int, str]:
    """Run `kipu ARGS`, read `lines` lines of its output (0: none at all), close the pipe;
    returns the exit status and stderr."""
    with subprocess.Popen(
        [KIPU, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        for _ in range(lines):
            process.stdout.readline()
        process.stdout.close()
        err = process.stderr.read().decode("utf-8", "replace")
        return process.wait(timeout=120), err


@pytest.mark.parametrize("lines", [0, 1], ids=["closed-at-once", "after-one-line"])
def test_a_reader_that_stops_early_ends_every_command_quietly(env, lines: int) -> None:  # noqa: ANN001
    runs = [args for args in COMMANDS for _ in range(ROUNDS)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda args: read_then_close(env, args, lines), runs))
    for args, (status, err) in zip(runs, results, strict=True):
        assert "Traceback" not in err and "Exception ignored" not in err, (args, err)
        assert status in (0, 1), (args, status, err)
        if lines == 0 and args != ["--help"]:  # a second or more before its first write
            assert status == 1, (args, err)  # nothing was read: it met the closed pipe
