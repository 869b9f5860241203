"""Output that cannot be written (a full disk: /dev/full; standard output closed from the
start: `kipu … >&-`) is one line on standard error and exit status 1: never a traceback,
never Python's "Exception ignored" at exit, never lines thrown away with exit status 0 (a
closed standard output used to give status 0 and nothing). Real processes, on a SQLite file
of their own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kipu.cli.base import ClosedOutput

pytestmark = [pytest.mark.backend_independent, pytest.mark.slow]
KIPU = str(Path(sys.executable).with_name("kipu"))
FULL = "/dev/full"
STDOUT = [
    ["--help"],
    ["platforms", "list"],
    ["platforms", "list", "--format", "json"],
    ["figures", "--format", "csv", "-o", "-"],  # polars writes it (write_stdout)
    ["figures", "--format", "json"],
    ["locations", "list", "--country", "PE"],  # 150 kB: fails in the middle, not at exit
]
FILES = [
    ["figures", "--format", "csv", "-o", FULL],
    ["figures", "--format", "json", "-o", FULL],
    ["figures", "--format", "xlsx", "-o", FULL],  # xlsxwriter's own FileCreateError
    ["template", "-o", FULL],
]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, process_env) -> dict[str, str]:  # noqa: ANN001
    if not os.path.exists(FULL):
        pytest.skip("no /dev/full on this system")
    return process_env(tmp_path_factory.mktemp("full"))


def _run(env: dict[str, str], args: list[str], stdout: str | None) -> tuple[int, str]:
    """`kipu ARGS` with standard output on `stdout` (None: closed); status and stderr."""
    redirect = f'>"{stdout}"' if stdout else ">&-"
    script = f'exec "$@" {redirect}'
    done = subprocess.run(
        ["sh", "-c", script, "sh", KIPU, *args], env=env, stderr=subprocess.PIPE, timeout=300
    )
    return done.returncode, done.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("args", STDOUT, ids=" ".join)
def test_standard_output_on_a_full_disk(env: dict[str, str], args: list[str]) -> None:
    status, err = _run(env, args, FULL)
    assert status == 1
    assert err == "error: cannot write to standard output: No space left on device\n"


@pytest.mark.parametrize("args", STDOUT, ids=" ".join)
def test_standard_output_closed_from_the_start(env: dict[str, str], args: list[str]) -> None:
    status, err = _run(env, args, None)
    assert (status, err) == (1, "error: standard output is closed\n")


@pytest.mark.parametrize("args", FILES, ids=" ".join)
def test_an_output_file_on_a_full_disk(env: dict[str, str], args: list[str]) -> None:
    status, err = _run(env, args, os.devnull)
    assert status == 1
    assert err.startswith("error: No space left on device") and err.count("\n") == 1, err


def test_a_command_that_writes_nothing_on_standard_output_runs_without_it(
    env: dict[str, str], tmp_path: Path
) -> None:
    status, err = _run(env, ["figures", "--format", "csv", "-o", str(tmp_path / "f.csv")], None)
    assert (status, err) == (0, "")
    assert (tmp_path / "f.csv").read_text(encoding="utf-8").startswith("Country,Admin1,Month,")


def test_closed_output_refuses_text_and_bytes() -> None:
    closed = ClosedOutput()
    for data in ("text", b"bytes"):
        with pytest.raises(OSError, match="standard output is closed"):
            (closed.buffer if isinstance(data, bytes) else closed).write(data)  # type: ignore[arg-type]
