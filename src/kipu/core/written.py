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
import fcntl
import os
import re
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from stat import S_ISREG

PARTIAL = ".kipu-partial-"  # how what is being written is named, beside its target
STALE_SECONDS = 86400.0  # no write takes a day: older partial files were left by a killed one
# A descriptor (the caller's, whatever file it points at): written in place, never renamed over.
_DESCRIPTOR = re.compile(
    r"/dev/(?P<named>stdout|stderr)|/dev/fd/(?P<fd>\d+)"
    r"|/proc/(?P<pid>[^/]+)/(?:task/\d+/)?fd/(?P<number>\d+)"
)
_PARTIAL_NAME = re.compile(r"\.kipu-partial-[a-z0-9_]{8}[^/]*")
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
    named pipe), or when its folder refuses new files (a writable file in a read-only
    folder). One of this process's descriptors (`-o /dev/stdout`, see `descriptor`) gets the
    file, once complete, through the descriptor itself: at its offset, never truncated nor
    renamed over (the caller's `> log` keeps what came before and after). A symbolic link is
    followed: the file it points at is replaced. A target that may be written but not renamed
    over (a bind-mounted file) is copied into.
    """
    number = descriptor(target)
    if number is None and _named_descriptor(target) is not None:  # never what this process opened
        raise OSError(errno.EBADF, "not a descriptor given to this command", str(target))
    if number is not None:
        with _through(number, Path(target)) as partial:
            yield partial
        return
    final = _resolved(target)
    if final.exists() and not final.is_file():
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
    except OSError as error:
        raise _named(error, lambda _: str(target)) from None
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
        _name_in(error, lambda _: str(target))
        raise


def replace_text(target: Path, text: str) -> None:
    """`text` as the UTF-8 file `target`, whole or not at all (`replacing`)."""
    with replacing(target) as partial:
        partial.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A new, empty folder to write a folder of files into; when the block ends without an
    exception, its files are flushed and renamed to the same places under `out` (made if
    missing; files of `out` that were not written stay as they were). Any exception, and `out`
    is left as it was: the staging folder is inside `out` (so the renames stay within one file
    system, a mounted volume included), the files replaced are set aside until every file is
    in place and put back if one cannot be, and SIGTERM, SIGHUP and Ctrl-C wait meanwhile
    (one that came during the moves takes effect once all files are in place). A folder
    where one of the files goes is refused (IsADirectoryError), never set aside. Raises
    OSError (naming files of `out`) when `out` cannot be made or written."""
    made = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        _sweep(out)
        staging = Path(tempfile.mkdtemp(prefix=PARTIAL, dir=out))
    except OSError as error:
        raise _named(error, lambda _: str(out)) from None
    try:
        with _stoppable():
            yield staging
            _move_in(staging, out)
    except BaseException as error:
        _name_in(error, lambda name: str(out / Path(name).relative_to(staging)))
        shutil.rmtree(staging, ignore_errors=True)
        if made:
            with contextlib.suppress(OSError):
                out.rmdir()  # made here, and nothing came of it
        raise
    shutil.rmtree(staging, ignore_errors=True)


def _move_in(staging: Path, out: Path) -> None:
    """Every file of `staging` to its place under `out`, all or none (see `staged_folder`)."""
    files = sorted(p for p in staging.rglob("*") if p.is_file())
    for path in files:
        final = out / path.relative_to(staging)
        if final.is_dir():  # never set aside, then removed with the staging folder
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(final))
        _flush(path)
    aside = Path(tempfile.mkdtemp(prefix=PARTIAL, dir=staging))
    done: list[tuple[Path, Path | None]] = []
    with _signals_held():
        try:
            for number, path in enumerate(files):
                final = out / path.relative_to(staging)
                final.parent.mkdir(parents=True, exist_ok=True)
                kept = aside / str(number) if final.exists() or final.is_symlink() else None
                if kept is not None:
                    os.chmod(path, final.stat().st_mode & 0o7777)  # as `replacing` keeps them
                    os.replace(final, kept)
                done.append((final, kept))
                os.replace(path, final)
        except BaseException:
            for final, kept in reversed(done):
                with contextlib.suppress(OSError):
                    if kept is not None:
                        os.replace(kept, final)
                    elif final.exists():
                        final.unlink()
            raise
    for folder in {out, *(final.parent for final, _ in done)}:
        _flush_folder(folder)


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
    """`partial` renamed over `final`; copied over it where the rename is refused (see
    `_COPIED`): the room is taken first (posix_fallocate: a full disk or the file size limit
    fail there, before a byte of `final` changes), without truncating, and the signals that
    stop a command wait until the copy is done."""
    try:
        os.replace(partial, final)
        return
    except OSError as error:
        if error.errno not in _COPIED:
            raise
    size = partial.stat().st_size
    with partial.open("rb") as source, final.open("r+b") as copy, _signals_held():
        present = os.fstat(copy.fileno()).st_size
        if size > present:  # only the new room: never a write over what is there
            os.posix_fallocate(copy.fileno(), present, size - present)
        shutil.copyfileobj(source, copy, 1 << 20)
        copy.truncate(size)
        copy.flush()
        os.fsync(copy.fileno())
    partial.unlink()


def _identities() -> dict[int, tuple[int, int]]:
    """Descriptor → (device, inode) of what it is open on, for every descriptor open for
    writing."""
    found: dict[int, tuple[int, int]] = {}
    with contextlib.suppress(OSError):
        for name in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError, ValueError):
                number = int(name)
                if fcntl.fcntl(number, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
                    continue
                status = os.fstat(number)
                found[number] = (status.st_dev, status.st_ino)
    return found


# The descriptors the process was given (imported before any database or file is opened): only
# those are the caller's. `-o /dev/fd/3` with no descriptor 3 given must never write into
# whatever this process opened as 3 since (its SQLite database, measured).
INHERITED = _identities()


def descriptor(target: Path | str) -> int | None:
    """The number of a descriptor this process was given (`INHERITED`) that `target` names:
    /dev/stdout (1), /dev/fd/3, /proc/self/fd/1, directly or through symbolic links, or the
    very file it is open on (`-o log.csv > log.csv`, a link through a linked folder). None for
    any other file, and for a descriptor the process was not given."""
    number = _named_descriptor(target)
    if number is None:
        with contextlib.suppress(OSError):
            status = os.stat(target)
            same = (status.st_dev, status.st_ino)
            given = [
                n for n, found in INHERITED.items() if found == same and S_ISREG(status.st_mode)
            ]
            number = min(given, key=lambda n: (n not in (1, 2), n), default=None)  # stdout first
    if number is None or number not in INHERITED:
        return None
    return number if _identities().get(number) == INHERITED[number] else None


def _named_descriptor(target: Path | str) -> int | None:
    path = "/" + os.path.normpath(os.path.abspath(target)).lstrip("/")  # "//dev" is "/dev"
    for _ in range(40):  # Linux's own limit of links followed
        found = _DESCRIPTOR.fullmatch(path)
        if found is not None:
            if found["named"]:
                return 1 if found["named"] == "stdout" else 2
            if found["fd"]:
                return int(found["fd"])
            own = found["pid"] in ("self", "thread-self", str(os.getpid()))
            return int(found["number"]) if own else None
        if not os.path.islink(path):
            return None
        link = os.path.join(os.path.dirname(path), os.readlink(path))
        path = "/" + os.path.normpath(link).lstrip("/")
    return None


@contextlib.contextmanager
def _through(number: int, target: Path) -> Iterator[Path]:
    """A file to write, then written to descriptor `number` once complete (see `replacing`);
    a descriptor that takes nothing for now (non-blocking, its reader slow) is waited for."""
    folder = Path(tempfile.gettempdir())
    _sweep(folder)
    handle, name = tempfile.mkstemp(prefix=PARTIAL, suffix=_suffix(target), dir=folder)
    os.close(handle)
    partial = Path(name)
    try:
        with _stoppable():
            yield partial
        for stream in (sys.stdout, sys.stderr):  # what was printed before comes first
            with contextlib.suppress(OSError, ValueError, AttributeError):
                stream.flush()
        with partial.open("rb") as source, _signals_held():
            while chunk := source.read(1 << 16):
                view = memoryview(chunk)
                while view:
                    try:
                        view = view[os.write(number, view) :]
                    except BlockingIOError:
                        select.select([], [number], [])
    except OSError as error:
        if error.filename is None:
            error.filename = str(target)
        raise
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()


def _named(error: OSError, target: Callable[[str], str]) -> OSError:
    """`error` naming, for each file beside the target (`.kipu-partial-…`), the target file
    `target(name)` gives: the file beside is gone, and the person asked for the target."""
    for attribute in ("filename", "filename2"):
        name = getattr(error, attribute)
        if isinstance(name, str) and _PARTIAL_NAME.search(name):
            with contextlib.suppress(ValueError):
                setattr(error, attribute, target(name))
    return error


def _name_in(error: BaseException, target: Callable[[str], str]) -> None:
    """`_named` for `error` and the OSErrors behind it (a writer's own exception wraps one)."""
    for found in (error, error.__cause__, error.__context__, *error.args[:1]):
        if isinstance(found, OSError):
            _named(found, target)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGTERM, SIGHUP and SIGINT wait (are delivered after the block), so that moving files
    into place is not stopped half-way. In the main thread only, where they are handled."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGTERM, signal.SIGHUP, signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


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
