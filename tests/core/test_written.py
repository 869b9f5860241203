"""Files and folders of files that appear whole or not at all (`kipu.core.written`): a write
that fails half-way (a full disk, an error of the writer, Ctrl-C) leaves what was there
before as it was, and nothing beside it. The commands and the report that use them are
tested as real processes in tests/cli/test_output_replaced.py."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kipu.core.written import PARTIAL, replacing, staged_folder

GOOD = b"last month's file, checked and sent\n"


def _beside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_finished_write_replaces_the_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "figures.csv"
    target.write_bytes(GOOD)
    target.chmod(0o640)
    with replacing(target) as partial:
        assert partial.parent == tmp_path and partial.name.startswith(PARTIAL)
        assert partial.suffix == ".csv"  # writers that look at the suffix see it
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


def test_a_staged_folder_moves_its_files_in_and_keeps_the_others(tmp_path: Path) -> None:
    out = tmp_path / "2019-11"
    (out / "figures").mkdir(parents=True)
    (out / "sitrep.html").write_bytes(GOOD)
    (out / "notes.md").write_text("the IM team's own notes", encoding="utf-8")
    with staged_folder(out) as staging:
        assert staging.parent == out and staging.name.startswith(PARTIAL)  # one file system
        assert list(staging.iterdir()) == []
        (staging / "figures").mkdir()
        (staging / "figures" / "map.svg").write_text("<svg/>", encoding="utf-8")
        (staging / "sitrep.html").write_text("new", encoding="utf-8")
        assert (out / "sitrep.html").read_bytes() == GOOD  # untouched until all is written
    assert (out / "sitrep.html").read_text(encoding="utf-8") == "new"
    assert (out / "figures" / "map.svg").read_text(encoding="utf-8") == "<svg/>"
    assert (out / "notes.md").read_text(encoding="utf-8") == "the IM team's own notes"
    assert _beside(tmp_path) == ["2019-11"] and _beside(out) == [
        "figures",
        "notes.md",
        "sitrep.html",
    ]


def test_a_staged_folder_that_fails_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "2019-11"
    out.mkdir()
    (out / "sitrep.html").write_bytes(GOOD)
    with pytest.raises(OSError, match="No space"), staged_folder(out) as staging:
        (staging / "sitrep.html").write_text("new", encoding="utf-8")
        (staging / "sitrep.pdf").write_bytes(b"%PDF-1.7 half")
        raise OSError(28, "No space left on device")
    assert _beside(out) == ["sitrep.html"] and (out / "sitrep.html").read_bytes() == GOOD
    assert _beside(tmp_path) == ["2019-11"]


def test_a_staged_folder_makes_a_missing_folder_and_its_parents(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "es"
    with staged_folder(out) as staging:
        (staging / "figures.json").write_text("{}", encoding="utf-8")
    assert _beside(out) == ["figures.json"] and _beside(out.parent) == ["es"]
    with pytest.raises(ValueError), staged_folder(tmp_path / "never") as staging:
        raise ValueError("the writer refused")
    assert not (tmp_path / "never").exists()


# --- what a helper found trying to break it ----------------------------------------------------


def test_a_name_too_long_for_a_prefix_is_still_written_whole(tmp_path: Path) -> None:
    target = tmp_path / ("a" * 246 + ".csv")  # 250 bytes: the longest names many systems take
    target.write_bytes(GOOD)
    with pytest.raises(OSError), replacing(target) as partial:
        partial.write_bytes(b"half")
        raise OSError(27, "File too large")
    assert target.read_bytes() == GOOD and _beside(tmp_path) == [target.name]
    with replacing(target) as partial:
        assert partial.suffix == ".csv"
        partial.write_bytes(b"new\n")
    assert target.read_bytes() == b"new\n" and _beside(tmp_path) == [target.name]


def test_no_room_for_a_new_file_is_an_error_not_a_write_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No space, no inodes: writing in place would truncate the old file on the same error."""
    import tempfile

    def full(**_: object) -> tuple[int, str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", full)
    target = tmp_path / "figures.csv"
    target.write_bytes(GOOD)
    with pytest.raises(OSError, match="No space"), replacing(target):
        pytest.fail("not reached")
    assert target.read_bytes() == GOOD


@pytest.mark.parametrize("refused", [16, 18, 1])  # EBUSY, EXDEV, EPERM
def test_a_file_that_cannot_be_renamed_over_is_copied_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refused: int
) -> None:
    """A file bind-mounted into a container, another user's file in a sticky folder."""
    target = tmp_path / "figures.csv"
    target.write_bytes(GOOD)

    def replace(*_: object) -> None:
        raise OSError(refused, os.strerror(refused))

    monkeypatch.setattr(os, "replace", replace)
    with replacing(target) as partial:
        partial.write_bytes(b"new\n" * 100_000)
    assert target.read_bytes() == b"new\n" * 100_000
    assert _beside(tmp_path) == ["figures.csv"]


def test_a_read_only_file_is_refused_by_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "figures.csv"
    target.write_bytes(GOOD)
    monkeypatch.setattr(os, "access", lambda *_: False)  # as for anyone but root on 0444
    with pytest.raises(PermissionError) as refused, replacing(target):
        pytest.fail("not reached")
    assert refused.value.filename == str(target)
    assert target.read_bytes() == GOOD and _beside(tmp_path) == ["figures.csv"]


def test_an_error_about_the_file_beside_names_the_target(tmp_path: Path) -> None:
    target = tmp_path / "figures.xlsx"
    with pytest.raises(OSError) as failed, replacing(target) as partial:
        raise OSError(28, "No space left on device", str(partial))
    assert failed.value.filename == str(target)


def test_a_loop_of_links(tmp_path: Path) -> None:
    """A loop of links is an error, as for a plain open."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(OSError), replacing(tmp_path / "a"):
        pytest.fail("not reached")
    assert (tmp_path / "a").is_symlink() and _beside(tmp_path) == ["a", "b"]


def test_what_killed_writes_left_is_swept_after_a_day(tmp_path: Path) -> None:
    old, recent = tmp_path / f"{PARTIAL}abcd1234.csv", tmp_path / f"{PARTIAL}efgh5678.csv"
    old_folder = tmp_path / f"{PARTIAL}ijkl9012-2019-11"
    for stale in (old, recent):
        stale.write_bytes(b"half")
    old_folder.mkdir()
    (old_folder / "sitrep.pdf").write_bytes(b"%PDF half")
    for stale in (old, old_folder):
        os.utime(stale, (0, 1_000_000_000))
    with replacing(tmp_path / "figures.csv") as partial:
        partial.write_bytes(b"new\n")
    assert _beside(tmp_path) == sorted(["figures.csv", recent.name])


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_a_stop_signal_removes_what_was_being_written(tmp_path: Path, signal_name: str) -> None:
    """`timeout`, `kill`, systemd, a closed terminal: as Ctrl-C, nothing left, old file kept."""
    import signal
    import subprocess
    import sys

    target = tmp_path / "figures.csv"
    target.write_bytes(GOOD)
    script = (
        "import signal, sys, time\n"
        "from pathlib import Path\n"
        "from kipu.core.written import replacing\n"
        "state = (signal.getsignal(signal.SIGHUP), signal.pthread_sigmask(signal.SIG_BLOCK, []))\n"
        "with replacing(Path(sys.argv[1])) as partial:\n"
        "    partial.write_bytes(b'half')\n"
        "    print('ready', state, flush=True)\n"
        "    time.sleep(60)\n"
    )

    def as_from_a_terminal() -> None:
        # A command starts with the signals at their defaults; a test worker's may not be
        # (one run of the suite timed out here, the child deaf to SIGHUP, which it can only
        # have inherited ignored or blocked). The child says its state with `ready`.
        for number in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGHUP})

    child = subprocess.Popen(
        [sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, text=True,
        preexec_fn=as_from_a_terminal,
    )  # fmt: skip
    assert child.stdout is not None
    ready = child.stdout.readline()
    assert ready.startswith("ready (<Handlers.SIG_DFL: 0>, set())"), ready
    child.send_signal(getattr(signal, signal_name))
    assert child.wait(timeout=60) == 128 + getattr(signal, signal_name)
    assert target.read_bytes() == GOOD and _beside(tmp_path) == ["figures.csv"]


def test_a_narrative_folder_takes_no_hidden_file_as_a_section(tmp_path: Path) -> None:
    """`kipu figures --format text -o narrative/highlights.md` killed outright leaves
    `.kipu-partial-XXXXXXXX.md` there: `kipu sitrep --narrative` refused it as a section."""
    from kipu.cli.reports import read_narrative

    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "highlights.md").write_text("Lo destacado", encoding="utf-8")
    (tmp_path / "es" / f"{PARTIAL}abcd1234.md").write_text("a medio", encoding="utf-8")
    (tmp_path / "es" / ".#context.md").write_text("an editor's lock", encoding="utf-8")
    assert read_narrative(tmp_path, "es") == {"highlights": "Lo destacado"}


@pytest.mark.parametrize("refused_at", [0, 1, 2])
def test_a_folder_move_refused_half_way_puts_everything_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refused_at: int
) -> None:
    """Another user's sitrep.docx in a shared (sticky) folder cannot be renamed over: the
    files already moved in go back out, those set aside come back."""
    out = tmp_path / "2019-11"
    out.mkdir()
    old = {"figures.json": b"{}", "sitrep.docx": b"old docx", "sitrep.html": b"old html"}
    for name, content in old.items():
        (out / name).write_bytes(content)
    real_replace, calls = os.replace, []

    def replace(source: object, target: object) -> None:
        calls.append(target)
        moving_in = Path(str(source)).parent.parent == out  # not setting aside, not putting back
        if moving_in and len(calls) > 2 * refused_at:
            raise PermissionError(1, "Operation not permitted", str(source))
        real_replace(source, target)  # type: ignore[arg-type]

    with pytest.raises(PermissionError) as refused, staged_folder(out) as staging:
        for name in ("figures.json", "sitrep.docx", "sitrep.html", "sitrep.pdf"):
            (staging / name).write_bytes(b"new")
        monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "replace", real_replace)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
    assert _beside(tmp_path) == ["2019-11"]
    assert str(refused.value.filename).startswith(str(out))  # not the staging folder's


def test_a_folder_that_did_not_exist_is_not_left_empty(tmp_path: Path) -> None:
    with pytest.raises(OSError), staged_folder(tmp_path / "new") as staging:
        (staging / "sitrep.html").write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")
    assert _beside(tmp_path) == []


def test_a_copy_where_a_rename_is_refused_needs_its_room_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bind-mounted file on a full disk: the room is asked for before a byte changes."""
    target = tmp_path / "figures.csv"
    target.write_bytes(GOOD)

    def busy(*_: object) -> None:
        raise OSError(16, "Device or resource busy")

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", busy)
    monkeypatch.setattr(os, "posix_fallocate", full)
    with pytest.raises(OSError, match="No space") as failed, replacing(target) as partial:
        partial.write_bytes(GOOD * 1000)
    assert target.read_bytes() == GOOD and _beside(tmp_path) == ["figures.csv"]
    assert failed.value.filename in (None, str(target))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/dev/stdout", 1),
        ("//dev/stdout", 1),
        ("/dev/stderr", 2),
        ("/proc/self/fd/1", 1),
        ("/proc/thread-self/fd/2", 2),
        ("/proc/1/fd/1", None),  # another process's
        ("/dev/shm/figures.csv", None),  # a regular file: replaced whole
        ("/dev/null", None),  # not a regular file: written in place anyway
    ],
)
def test_descriptors_are_known_by_name_or_through_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, expected: int | None
) -> None:
    import kipu.core.written as written

    monkeypatch.setattr(written, "INHERITED", written._identities())  # as a command is given
    if expected is not None and expected not in written.INHERITED:
        pytest.skip(f"descriptor {expected} is not open for writing here")
    assert written.descriptor(path) == expected
    link = tmp_path / "log.csv"
    link.symlink_to(path)
    assert written.descriptor(link) == expected


def test_a_name_of_a_file_that_cannot_be_made_is_the_one_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "figures.csv"
    with pytest.raises(FileNotFoundError) as missing, replacing(target):
        pytest.fail("not reached")
    assert missing.value.filename == str(target)


def test_a_descriptor_gets_the_file_once_complete_at_its_offset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o /dev/fd/3 3>>log`: appended where the descriptor stands, nothing truncated, and
    nothing at all from a write that failed."""
    log = tmp_path / "log.csv"
    log.write_bytes(b"before\n")
    number = os.open(log, os.O_WRONLY | os.O_APPEND)
    import kipu.core.written as written

    monkeypatch.setattr(written, "INHERITED", written._identities())  # as if given
    try:
        with pytest.raises(OSError), replacing(Path(f"/dev/fd/{number}")) as partial:
            partial.write_bytes(b"half")
            raise OSError(28, "No space left on device")
        with replacing(Path(f"/dev/fd/{number}")) as partial:
            assert partial.parent != tmp_path  # written beside nothing of the caller's
            partial.write_bytes(b"a,b\n1,2\n")
        os.write(number, b"after\n")
    finally:
        os.close(number)
    assert log.read_bytes() == b"before\na,b\n1,2\nafter\n"


def test_a_descriptor_the_command_was_not_given_is_refused(tmp_path: Path) -> None:
    """`kipu export -o /dev/fd/3` with no descriptor 3 given: 3 is whatever the command opened
    since (its SQLite database: it was overwritten with the CSV, exit status 0)."""
    database = tmp_path / "db.sqlite3"
    database.write_bytes(b"SQLite format 3\x00")
    number = os.open(database, os.O_RDWR)  # opened after the import: not given
    try:
        with (
            pytest.raises(OSError, match="not a descriptor given"),
            replacing(Path(f"/dev/fd/{number}")),
        ):
            pytest.fail("not reached")
    finally:
        os.close(number)
    assert database.read_bytes() == b"SQLite format 3\x00"
    assert _beside(tmp_path) == ["db.sqlite3"]


def test_a_file_that_is_also_a_given_descriptor_is_written_through_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o log.csv > log.csv`, or a link through a linked folder (/dev/fd linked as a folder):
    the same file as a descriptor given, found by device and inode, not by name."""
    import kipu.core.written as written

    log = tmp_path / "log.csv"
    log.write_bytes(b"before\n")
    number = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        monkeypatch.setattr(written, "INHERITED", written._identities())  # as if given
        (tmp_path / "fd").symlink_to("/dev/fd")
        for name in (log, tmp_path / "fd" / str(number)):
            assert written.descriptor(name) == number
        with replacing(log) as partial:
            partial.write_bytes(b"a,b\n")
    finally:
        os.close(number)
    assert log.read_bytes() == b"before\na,b\n"


def test_a_folder_where_a_file_goes_is_never_set_aside(tmp_path: Path) -> None:
    out = tmp_path / "2019-11"
    (out / "sitrep.html").mkdir(parents=True)
    (out / "sitrep.html" / "precious.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(IsADirectoryError), staged_folder(out) as staging:
        (staging / "sitrep.html").write_text("new", encoding="utf-8")
    assert (out / "sitrep.html" / "precious.txt").read_text(encoding="utf-8") == "keep"


# --- generated failures, and a write at real size ----------------------------------------------


@given(
    old=st.binary(max_size=2000),
    new=st.binary(min_size=1, max_size=200_000),
    fail_at=st.integers(min_value=0, max_value=200_000),
)
@settings(max_examples=60, deadline=None)
def test_a_write_failing_at_any_byte_leaves_the_old_file_never_a_prefix(
    old: bytes, new: bytes, fail_at: int
) -> None:
    """A writer that dies after any number of bytes (a full disk there): the target holds the
    old bytes or, when the writer got to the end, all the new ones; never a part."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "figures.csv"
        target.write_bytes(old)
        finished = fail_at >= len(new)
        try:
            with replacing(target) as partial, partial.open("wb") as handle:
                handle.write(new[:fail_at])
                if not finished:
                    raise OSError(28, "No space left on device")
        except OSError:
            assert not finished
        assert target.read_bytes() == (new if finished else old)
        assert _beside(Path(folder)) == ["figures.csv"]


def test_a_100k_row_export_stopped_by_the_file_size_limit_leaves_the_old_one(
    tmp_path: Path,
) -> None:
    """Real size: polars writes 100,000 rows (about 9 MB) through `replacing` in a process
    limited to 1 MB files; then again without the limit."""
    import subprocess
    import sys

    target = tmp_path / "activities.csv"
    target.write_bytes(GOOD)
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "import polars as pl\n"
        "from kipu.core.written import replacing\n"
        "if sys.argv[2] == 'limited':\n"
        "    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))\n"
        "text = ['Orientación legal ' * 4] * 100_000\n"
        "rows = pl.DataFrame({'row': range(100_000), 'text': text})\n"
        "with replacing(Path(sys.argv[1])) as partial:\n"
        "    rows.write_csv(partial)\n"
    )
    for mode in ("limited", "free"):
        done = subprocess.run(
            [sys.executable, "-c", script, str(target), mode], capture_output=True, timeout=300
        )
        assert (done.returncode != 0) == (mode == "limited"), done.stderr
        if mode == "limited":
            assert target.read_bytes() == GOOD and _beside(tmp_path) == ["activities.csv"]
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 100_001 and lines[-1].startswith("99999,")
    assert _beside(tmp_path) == ["activities.csv"]
