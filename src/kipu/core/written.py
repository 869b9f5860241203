"""Files, and folders of files, that appear whole or not at all.

A write that fails half-way (a full disk, the file size limit, an error of the writer, Ctrl-C)
must never leave a truncated file where a good one was: last month's report or export, checked
and sent on, replaced by half of this month's. `replacing` writes a file beside its target and
renames it over the target once complete; `staged_folder` writes a folder's files into a
folder beside it and renames each into place once all are written. Renames within one file
system are atomic (POSIX rename(2)); the files are flushed to disk first, so a power cut after
the rename finds the new file whole.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

PARTIAL = ".kipu-partial-"  # how what is being written is named, beside its target


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Where to write `target` so that it appears whole or not at all.

    Yields a new file beside it (`.kipu-partial-XXXX-<name>`: the same folder, so the rename
    is atomic; the same suffix, for writers that look at it); when the block ends without an
    exception, the file is flushed and renamed over `target`. Any exception removes it and
    leaves `target` as it was. The file gets the permissions `target` had, or those a plain
    open would give (0666 less the umask).

    `target` itself is yielded, written in place, when it is not a regular file (/dev/null, a
    named pipe, /dev/stdout) or when its folder takes no new file (a writable file in a
    read-only folder). A symbolic link is followed: the file it points at is replaced.
    """
    final = Path(os.path.realpath(target))
    if final.exists() and not final.is_file():
        yield target
        return
    try:
        handle, name = tempfile.mkstemp(prefix=PARTIAL, suffix=f"-{final.name}", dir=final.parent)
    except OSError:
        yield target
        return
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        mode = final.stat().st_mode & 0o7777 if final.exists() else 0o666 & ~_umask()
        os.chmod(partial, mode)
        _flush(partial)
        os.replace(partial, final)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


@contextlib.contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A new, empty folder beside `out` to write a folder of files into; when the block ends
    without an exception, each of its files is flushed and renamed to the same place under
    `out` (made if missing; files of `out` that were not written stay as they were). Any
    exception, and `out` is left as it was. The staging folder is removed in either case.
    Raises OSError when `out`'s parent cannot be made or takes no new folder."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=PARTIAL, suffix=f"-{out.name}", dir=out.parent))
    try:
        yield staging
        files = sorted(p for p in staging.rglob("*") if p.is_file())
        for path in files:
            _flush(path)
        for path in files:
            final = out / path.relative_to(staging)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _flush(path: Path) -> None:
    with path.open("rb+") as written:
        os.fsync(written.fileno())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
