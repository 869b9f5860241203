"""An output file appears whole or not at all (`kipu.cli.base.replacing`): a write that fails
half-way (a full disk, the file size limit, an error of the writer, Ctrl-C) leaves the file
that was there before as it was, and nothing beside it. Before, `kipu figures -o F` on a full
disk replaced last month's good F with a truncated one, and said so only on standard error.

The last tests run every command that writes a file as a real process under a file size
limit (RLIMIT_FSIZE: the write fails with EFBIG part-way, as on a full disk) on the synthetic
demonstration's data."""

from __future__ import annotations

import contextlib
import os
import resource
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kipu.cli.base import PARTIAL, replacing

KIPU = str(Path(sys.executable).with_name("kipu"))
GOOD = b"last month's file, checked and sent\n"


def _beside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_finished_write_replaces_the_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "figures.csv"
    target.write_bytes(GOOD)
    target.chmod(0o640)
    with replacing(target) as partial:
        assert partial.parent == tmp_path and partial.name.startswith(PARTIAL)
        assert partial.name.endswith("-figures.csv")  # writers that look at the suffix see it
        assert target.read_bytes() == GOOD  # untouched while the new one is written
        partial.write_bytes(b"new\n")
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _beside(tmp_path) == ["figures.csv"]


def test_a_new_file_gets_the_permissions_of_a_plain_open(tmp_path: Path) -> None:
    mask = os.umask(0o027)
    try:
        with replacing(tmp_path / "new.json") as partial:
            partial.write_text("{}\n", encoding="utf-8")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o640  # 0666 less 027


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_old_file_and_nothing_else(
    tmp_path: Path, failure: BaseException
) -> None:
    target = tmp_path / "figures.xlsx"
    target.write_bytes(GOOD)
    with pytest.raises(type(failure)), replacing(target) as partial:
        partial.write_bytes(b"half a workb")
        raise failure
    assert target.read_bytes() == GOOD
    assert _beside(tmp_path) == ["figures.xlsx"]


def test_a_failed_first_write_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError), replacing(tmp_path / "out.csv") as partial:
        partial.write_bytes(b"a,b\n")
        raise ValueError("the writer refused a row")
    assert _beside(tmp_path) == []


def test_a_symbolic_link_keeps_pointing_at_the_replaced_file(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "figures.csv"
    real.write_bytes(GOOD)
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    with replacing(link) as partial:
        partial.write_bytes(b"new\n")
    assert link.is_symlink() and real.read_bytes() == b"new\n"
    assert _beside(tmp_path / "real") == ["figures.csv"]


def test_what_is_not_a_regular_file_is_written_in_place(tmp_path: Path) -> None:
    with replacing(Path(os.devnull)) as partial:
        assert partial == Path(os.devnull)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with replacing(pipe) as partial:
        assert partial == pipe


def test_a_folder_that_takes_no_new_file_is_written_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writable file in a read-only folder: as before, rather than refused."""
    import tempfile

    def refused(**_: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    target = tmp_path / "figures.csv"
    with replacing(target) as partial:
        assert partial == target


# --- every command that writes a file, as a real process -------------------------------------

LIMIT = 8 * 1024  # bytes: below every output
YEAR = ["--from", "2019-01", "--to", "2019-12"]
PLATFORM = ["--platform", "gtrm-peru"]  # beside the "gtrm" of `process_env`
COMMANDS = {
    "figures csv": ["figures", *YEAR, "--format", "csv", "--include-issues", "-o"],
    "figures json": ["figures", *YEAR, "--format", "json", "--include-issues", "-o"],
    "figures xlsx": ["figures", *YEAR, "--format", "xlsx", "--include-issues", "-o"],
    "export csv": ["export", "--month", "2019-11", "-o"],
    "export xlsx": ["export", "--month", "2019-11", "--format", "xlsx", "-o"],
    "template": ["template", "-o"],
    # November's rows said to be October's: an issue on each, a report of some size
    "validate json": ["validate", "{5w}", "--month", "2019-10", "--format", "json", "-o"],
    "validate xlsx": ["validate", "{5w}", "--month", "2019-10", "--format", "xlsx", "-o"],
}


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
    process_env,  # noqa: ANN001
) -> Iterator[tuple[dict[str, str], Path]]:
    """Real processes on a SQLite file with the demonstration's data, and a 5W file of it.

    A connection stays open meanwhile: SQLite's shared-memory file (32 kB, made by the first
    connection and removed by the last) then exists already, and the limit stops only the
    commands' own writes."""
    folder = tmp_path_factory.mktemp("demo")
    env = process_env(folder)
    for args in (["demo", "load", "--no-reports"], *_prepared(folder)):
        done = subprocess.run([KIPU, *args], env=env, capture_output=True, timeout=600)
        assert done.returncode in (0, 1), done.stderr  # validate: 1 is "rows with errors"
    with contextlib.closing(sqlite3.connect(folder / "db.sqlite3")) as held:
        held.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield env, folder / "5w.xlsx"


def _prepared(folder: Path) -> list[list[str]]:
    """The 5W file to validate, and each command once without a limit (a figures command
    writes its snapshot then, so the limited run writes nothing but its output)."""
    export = ["export", *PLATFORM, "--month", "2019-11", "--format", "xlsx", "-o"]
    export.append(str(folder / "5w.xlsx"))
    return [export, *(_args(name, folder / "5w.xlsx", folder / "warm") for name in COMMANDS)]


def _args(name: str, five_w: Path, output: Path) -> list[str]:
    command = [a.format(**{"5w": five_w}) for a in COMMANDS[name]]
    return [*command[:-1], *PLATFORM, "-o", str(output)]


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


@pytest.mark.slow
@pytest.mark.backend_independent
@pytest.mark.parametrize("name", COMMANDS)
def test_an_output_that_cannot_be_finished_leaves_the_old_file(
    demo: tuple[dict[str, str], Path], tmp_path: Path, name: str
) -> None:
    env, five_w = demo
    complete = subprocess.run([KIPU, *_args(name, five_w, tmp_path / "whole")], env=env,
                              capture_output=True, timeout=600)  # fmt: skip
    assert complete.returncode in (0, 1), complete.stderr  # validate: 1 is "rows with errors"
    assert (tmp_path / "whole").stat().st_size > LIMIT  # else the limit proves nothing
    target = tmp_path / "out" / "figures"
    target.parent.mkdir()
    target.write_bytes(GOOD)
    done = subprocess.run([KIPU, *_args(name, five_w, target)], env=env, capture_output=True,
                          timeout=600, preexec_fn=_limited)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.decode() == "error: File too large\n"
    assert target.read_bytes() == GOOD
    assert _beside(target.parent) == ["figures"]
