"""Every command that writes a file, or a folder of files, as a real process under a file size
limit (RLIMIT_FSIZE: writes fail with EFBIG part-way, as on a full disk), on the synthetic
demonstration's data: the file or folder that was there before is left as it was, nothing is
left beside it, and the command says so in one line with exit status 1. Before,
`kipu figures -o F` on a full disk replaced last month's good F with a truncated one, and
`kipu sitrep --out` left a new HTML beside a half-written PDF. `kipu.core.written` itself is
tested in tests/core/test_written.py."""

from __future__ import annotations

import contextlib
import resource
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

KIPU = str(Path(sys.executable).with_name("kipu"))
GOOD = b"last month's file, checked and sent\n"


def _beside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


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
        assert done.returncode in (0, 1, 2), done.stderr  # validate: 1 rows with errors, 2 a
        # published month (`month-published`: its import is refused); the report is written
    with contextlib.closing(sqlite3.connect(folder / "db.sqlite3")) as held:
        held.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield env, folder / "5w.xlsx"


def _prepared(folder: Path) -> list[list[str]]:
    """The 5W file to validate, and each command once without a limit (a figures command
    writes its snapshot then, so the limited run writes nothing but its output)."""
    export = ["export", *PLATFORM, "--month", "2019-11", "--format", "xlsx", "-o"]
    export.append(str(folder / "5w.xlsx"))
    commands = [_args(name, folder / "5w.xlsx", _whole(folder, name)) for name in COMMANDS]
    return [export, *commands]


def _whole(folder: Path, name: str) -> Path:
    """Where the command `name` wrote its output without a limit."""
    return folder / f"whole-{name.replace(' ', '-')}"


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
    whole = _whole(five_w.parent, name)  # written by the fixture, without a limit
    assert whole.stat().st_size > LIMIT  # else the limit proves nothing
    target = tmp_path / "out" / "figures"
    target.parent.mkdir()
    target.write_bytes(GOOD)
    done = subprocess.run([KIPU, *_args(name, five_w, target)], env=env, capture_output=True,
                          timeout=600, preexec_fn=_limited)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.decode() == "error: File too large\n"
    assert target.read_bytes() == GOOD
    assert _beside(target.parent) == ["figures"]


@pytest.mark.slow
@pytest.mark.backend_independent
def test_a_report_that_cannot_be_finished_leaves_the_old_one(
    demo: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, _ = demo
    out = tmp_path / "2019-11"
    out.mkdir()
    (out / "sitrep.pdf").write_bytes(GOOD)
    (out / "notes.md").write_text("the IM team's own notes", encoding="utf-8")
    args = [KIPU, "sitrep", *PLATFORM, "--month", "2019-11", "--out", str(out)]
    done = subprocess.run(args, env=env, capture_output=True, timeout=600, preexec_fn=_limited)
    assert (done.returncode, done.stderr.decode()) == (1, "error: File too large\n")
    assert _beside(out) == ["notes.md", "sitrep.pdf"] and (out / "sitrep.pdf").read_bytes() == GOOD
    assert _beside(tmp_path) == ["2019-11"]
    done = subprocess.run(args, env=env, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (out / "sitrep.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "notes.md").read_text(encoding="utf-8") == "the IM team's own notes"
    written = ["figures", "figures.json", "notes.md", "sitrep.docx", "sitrep.html", "sitrep.pdf"]
    assert _beside(out) == written and _beside(tmp_path) == ["2019-11"]


@pytest.mark.slow
@pytest.mark.backend_independent
@pytest.mark.parametrize("through_a_link", [False, True])
def test_standard_output_named_as_a_file_is_written_in_place(
    demo: tuple[dict[str, str], Path], tmp_path: Path, through_a_link: bool
) -> None:
    """`-o /dev/stdout > log.csv` (or a link to /dev/stdout, as containers' logs are): the
    caller's file is written through the descriptor, never renamed over (lines written
    before and after were lost), and the command's own line goes to standard error, not
    into the output (it broke the CSV's header and the workbook's zip)."""
    env, _ = demo
    name = "/dev/stdout"
    if through_a_link:
        (tmp_path / "out.csv").symlink_to(name)
        name = str(tmp_path / "out.csv")
    log = tmp_path / "log.csv"
    script = (
        f'echo before; "{KIPU}" export --platform gtrm-peru --month 2019-11 -o "{name}"; echo after'
    )
    with log.open("wb") as handle:
        done = subprocess.run(["sh", "-c", script], env=env, stdout=handle, stderr=subprocess.PIPE,
                              timeout=600)  # fmt: skip
    lines = log.read_text(encoding="utf-8").splitlines()
    assert done.stderr.decode() == f"175 activities written: {name}\n"
    assert lines[0] == "before" and lines[1].startswith("Country Country,")
    assert (
        lines[-1] == "after" and len(lines) == 1 + 2 + 175 + 1
    )  # before, header and HXL, rows, after
