"""Files and folders of files that appear whole or not at all (`kipu.core.written`): a write
that fails half-way (a full disk, an error of the writer, Ctrl-C) leaves what was there
before as it was, and nothing beside it. The commands and the report that use them are
tested as real processes in tests/cli/test_output_replaced.py."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

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


def test_a_staged_folder_moves_its_files_in_and_keeps_the_others(tmp_path: Path) -> None:
    out = tmp_path / "2019-11"
    (out / "figures").mkdir(parents=True)
    (out / "sitrep.html").write_bytes(GOOD)
    (out / "notes.md").write_text("the IM team's own notes", encoding="utf-8")
    with staged_folder(out) as staging:
        assert staging.parent == tmp_path and staging.name.startswith(PARTIAL)
        assert list(staging.iterdir()) == []
        (staging / "figures").mkdir()
        (staging / "figures" / "map.svg").write_text("<svg/>", encoding="utf-8")
        (staging / "sitrep.html").write_text("new", encoding="utf-8")
        assert (out / "sitrep.html").read_bytes() == GOOD  # untouched until all is written
    assert (out / "sitrep.html").read_text(encoding="utf-8") == "new"
    assert (out / "figures" / "map.svg").read_text(encoding="utf-8") == "<svg/>"
    assert (out / "notes.md").read_text(encoding="utf-8") == "the IM team's own notes"
    assert _beside(tmp_path) == ["2019-11"]


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
