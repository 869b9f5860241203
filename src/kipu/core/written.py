"""Files, and folders of files, that appear whole or not at all.

A write that fails half-way (a full disk, the file size limit, an error of the writer, Ctrl-C,
`kill`) must never leave a truncated file where a good one was: last month's report or export,
checked and sent on, replaced by half of this month's. `replacing` writes a file beside its
target and renames it over the target once complete; `staged_folder` writes a folder's files
into a folder beside it and renames each into place once all are written. Renames within one
file system are atomic (POSIX rename(2)); files and folders are flushed to disk first, so a
power cut after the rename finds the new file whole.

What is being written is named `.kipu-partial-XXXXXXXX<suffix>`. A process killed outright
(SIGKILL, the OOM killer) leaves it behind; the next write to the same folder removes those
older than a day.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

PARTIAL = ".kipu-partial-"  # how what is being written is named, beside its target
STALE_SECONDS = 86400.0  # no write takes a day: older partial files were left by a killed one
_IN_PLACE = ("/dev/", "/proc/")  # /dev/stdout, /dev/fd/3: a descriptor, whatever it points at
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}")  # kept for writers that look at it
# Renaming over the target is refused, writing it is not: a file mounted on its own (a
# container's bind mount: EBUSY, EXDEV), another user's file in a sticky folder (EPERM).
_COPIED = (errno.EBUSY, errno.EXDEV, errno.EPERM, errno.EACCES)


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Where to write `target` so that it appears whole or not at all.

    Yields a new file beside it (the same folder, so the rename is atomic); when the block
    ends without an exception, the file is flushed and renamed over `target`, with the
    permissions `target` had, or those a plain open would give (0666 less the umask). Any
    exception (SIGTERM and SIGHUP raise SystemExit meanwhile, as Ctrl-C raises
    KeyboardInterrupt) removes it and leaves `target` as it was; an OSError then names
    `target`, not the file beside it.

    Raises PermissionError for a target that may not be written (read-only), OSError for a
    loop of symbolic links or a folder where no file can be made (no space, no inodes).
    `target` itself is yielded, written in place, when it is not a regular file (/dev/null, a
    named pipe), when it is given under /dev/ or /proc/ (/dev/stdout points at whatever the
    caller's descriptor does), or when its folder refuses new files (a writable file in a
    read-only folder). A symbolic link is followed: the file it points at is replaced. A
    target that may be written but not renamed over (a bind-mounted file) is copied into.
    """
    final = _resolved(target)
    if os.path.abspath(target).startswith(_IN_PLACE) or (final.exists() and not final.is_file()):
        yield target
        return
    if final.exists() and not os.access(final, os.W_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))
    _sweep(final.parent)
    try:
        handle, name = tempfile.mkstemp(prefix=PARTIAL, suffix=_suffix(final), dir=final.parent)
    except PermissionError:  # the folder takes no new file: written in place, as before
        yield target
        return
    os.close(handle)
    partial = Path(name)
    try:
        with _stoppable():
            yield partial
            _flush(partial)
            mode = final.stat().st_mode & 0o7777 if final.exists() else 0o666 & ~_umask()
            os.chmod(partial, mode)
            _put(partial, final)
            _flush_folder(final.parent)
    except BaseException as error:
        with contextlib.suppress(OSError):
            partial.unlink()
        _name_target(error, partial, target)
        raise


@contextlib.contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A new, empty folder beside `out` to write a folder of files into; when the block ends
    without an exception, each of its files is flushed and renamed to the same place under
    `out` (made if missing; files of `out` that were not written stay as they were). Any
    exception (SIGTERM and SIGHUP raise SystemExit meanwhile), and `out` is left as it was.
    The staging folder is removed in either case. Raises OSError when `out`'s parent cannot
    be made or takes no new folder."""
    out.parent.mkdir(parents=True, exist_ok=True)
    _sweep(out.parent)
    staging = Path(tempfile.mkdtemp(prefix=PARTIAL, suffix=_suffix(out), dir=out.parent))
    try:
        with _stoppable():
            yield staging
            files = sorted(p for p in staging.rglob("*") if p.is_file())
            for path in files:
                _flush(path)
            folders = {out}
            for path in files:
                final = out / path.relative_to(staging)
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, final)
                folders.add(final.parent)
            for folder in folders:
                _flush_folder(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _resolved(target: Path) -> Path:
    """The file a path names, links followed; raises OSError for a loop of links."""
    try:
        return Path(os.path.realpath(target, strict=True))
    except FileNotFoundError:  # a new file (or a link to one)
        return Path(os.path.realpath(target))


def _suffix(final: Path) -> str:
    """The name's suffix when it is a plain one (".csv", ".xlsx"): the rest of the name stays
    out of the partial file's, which a long or undecodable name would make unusable."""
    return final.suffix if _SUFFIX.fullmatch(final.suffix) else ""


def _put(partial: Path, final: Path) -> None:
    try:
        os.replace(partial, final)
    except OSError as error:
        if error.errno not in _COPIED:
            raise
        with partial.open("rb") as source, final.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1 << 20)
            copy.flush()
            os.fsync(copy.fileno())
        partial.unlink()


def _name_target(error: BaseException, partial: Path, target: Path) -> None:
    """Make an OSError about the partial file (or a writer's error wrapping one) name the
    target: the partial file is gone, and the person asked for the target."""
    for found in (error, error.__cause__, error.__context__, *error.args[:1]):
        if isinstance(found, OSError):
            if found.filename == str(partial):
                found.filename = str(target)
            if found.filename2 == str(partial):
                found.filename2 = str(target)


@contextlib.contextmanager
def _stoppable() -> Iterator[None]:
    """SIGTERM and SIGHUP (`timeout`, `kill`, systemd, `docker stop`, a closed terminal)
    raise SystemExit (status 128 + the signal, as when they kill) while the block runs, so
    that what it wrote is removed, as for Ctrl-C. In the main thread only, and only where
    nobody has handled them already (a server's own shutdown)."""
    chosen = (signal.SIGTERM, signal.SIGHUP)
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in chosen}

    def stop(number: int, _frame: object) -> None:
        raise SystemExit(128 + number)

    for number, handler in previous.items():
        if handler == signal.SIG_DFL:
            signal.signal(number, stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            if handler == signal.SIG_DFL:
                signal.signal(number, handler)


def _sweep(folder: Path) -> None:
    """Remove what killed writes left in `folder` (see the module doc)."""
    now = time.time()
    with contextlib.suppress(OSError):
        for stale in folder.glob(f"{PARTIAL}*"):
            with contextlib.suppress(OSError):
                if now - stale.lstat().st_mtime > STALE_SECONDS:
                    if stale.is_dir() and not stale.is_symlink():
                        shutil.rmtree(stale, ignore_errors=True)
                    else:
                        stale.unlink()


def _flush(path: Path) -> None:
    with path.open("rb+") as written:
        os.fsync(written.fileno())


def _flush_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename into it), where the system allows it."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
