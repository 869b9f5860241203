"""A platform's current activities kept as a Parquet file, shared by every process.

Reading a million rows out of the database takes seconds; reading them back from a Parquet
file takes a fraction of one. Stored activities never change once written (a new upload makes
a new submission and retires the old one), so the snapshot records which submissions it holds
(id and upload time, in the file's metadata) and is brought up to date by dropping the rows of
retired submissions and reading only the rows of new ones. It is rebuilt in full when most
submissions changed, or when a code the rows were written with (organisation keys, P-codes,
sector and indicator codes) changed. New organisations, places or indicators do not make it
stale: the file records, per table, the highest id it knew and a digest of the codes up to it.

Files live under KIPU_DATA_DIR/cache/. Writers take an exclusive lock on a side file, write to
a temporary file and rename it into place, so readers never see half a file; if the folder
is not writable, Kipu works from memory only. KIPU_SNAPSHOTS=0 turns files off.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.conf import settings

from kipu.web.database import data_dir
from kipu.web.platforms.models import Platform
from kipu.web.submissions.queries import Codes, reference_codes, snapshot_frame

FORMAT = 3  # bump when the frame's columns or their meaning change (3: `clean` = no error)
METADATA_KEY = "kipu.submissions"
CODES_KEY = "kipu.codes"
Marks = dict[str, list[object]]  # table → [highest id known, digest of (id, code) up to it]
FULL_REBUILD_SHARE = 0.5  # above this share of new submissions, one full read is cheaper
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    path: Path
    stamps: dict[int, int]  # submission id → upload time (µs since the epoch)
    frame: pl.DataFrame  # activity frame + submission_id + clean
    marks: Marks  # the codes the rows were written with (see `_codes_hold`)


_MEMORY: dict[int, Snapshot] = {}
_LOCKS: dict[int, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


def enabled() -> bool:
    return os.environ.get("KIPU_SNAPSHOTS", "1") != "0"


def current_submissions(platform: Platform) -> dict[int, int]:
    from kipu.web.submissions.models import Submission

    rows = Submission.objects.filter(platform=platform, status=Submission.Status.CURRENT)
    return {pk: int(at.timestamp() * 1e6) for pk, at in rows.values_list("id", "uploaded_at")}


def _digest(rows: list[tuple[int, str]]) -> str:
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]


def code_marks(codes: Codes) -> Marks:
    """Per table of `codes`: the highest id and a digest of every (id, code) up to it."""
    return {name: [rows[-1][0] if rows else 0, _digest(rows)] for name, rows in codes.items()}


def _codes_hold(marks: Marks, codes: Codes) -> bool:
    """True when every code known when `marks` were taken is unchanged: rows written then still
    read right. Codes added since (higher ids) do not matter; a changed or removed one does."""
    if set(marks) != set(codes):
        return False
    return all(
        _digest([row for row in codes[name] if row[0] <= int(str(top))]) == digest
        for name, (top, digest) in marks.items()
    )


def _prefix(platform: Platform) -> str:
    """The file-name prefix of one platform of one database (tests share the data folder)."""
    db = settings.DATABASES["default"]
    where = json.dumps([db["ENGINE"], db.get("HOST"), db.get("PORT"), db["NAME"]])
    return f"activities-{hashlib.sha256(where.encode()).hexdigest()[:8]}-{platform.pk}-"


def path_for(platform: Platform) -> Path:
    made = hashlib.sha256(f"{FORMAT} {platform.created_at.isoformat()}".encode()).hexdigest()
    return data_dir() / "cache" / f"{_prefix(platform)}{made[:16]}.parquet"


def platform_snapshot(platform: Platform) -> pl.DataFrame:
    """Every current activity of `platform` (accepted-issue rows too, flagged by `clean`),
    with the submission each came from."""
    with _lock_for(platform.pk):
        wanted = current_submissions(platform)
        path = path_for(platform)
        codes = reference_codes(platform)
        memory = _MEMORY.get(platform.pk)
        if memory is not None and (memory.path != path or not _codes_hold(memory.marks, codes)):
            memory = None
        if memory is not None and memory.stamps == wanted:
            return memory.frame
        if not enabled():
            snapshot = _update(platform, memory, path, wanted, codes)
        else:
            with _file_lock(path.parent / f"{_prefix(platform)}lock"):
                snapshot = _from_disk(platform, memory, path, wanted, codes)
        _MEMORY[platform.pk] = snapshot
        return snapshot.frame


def forget(platform: Platform | None = None) -> None:
    """Drop the in-memory copies (of one platform, or all): the next read goes to disk."""
    if platform is None:
        _MEMORY.clear()
    else:
        _MEMORY.pop(platform.pk, None)


def _from_disk(
    platform: Platform,
    memory: Snapshot | None,
    path: Path,
    wanted: dict[int, int],
    codes: Codes,
) -> Snapshot:
    """Under the file lock: the file if it is current, else an update written back."""
    on_disk = _metadata_on_disk(path)
    if on_disk is not None and not _codes_hold(on_disk[1], codes):
        on_disk = None
    if on_disk is not None and on_disk[0] == wanted:
        with contextlib.suppress(OSError, pl.exceptions.PolarsError):
            return Snapshot(path, wanted, pl.read_parquet(path), on_disk[1])
    if memory is not None:
        base: Snapshot | None = memory
    elif on_disk is not None:
        base = _read(path, *on_disk)
    else:
        base = None
    snapshot = _update(platform, base, path, wanted, codes)
    _write(snapshot, _prefix(platform))
    return snapshot


def _update(
    platform: Platform,
    base: Snapshot | None,
    path: Path,
    wanted: dict[int, int],
    codes: Codes,
) -> Snapshot:
    """`base` (written with codes that still hold) brought to the `wanted` submissions:
    unchanged ones kept, new ones read.

    The rows read are those of the `wanted` submissions, whatever their status by now: the
    snapshot then holds exactly what its stamps say. One replaced since it was listed keeps
    its rows until the next update, which lists the new one (reading only current rows
    instead would give neither the old rows nor the new: an organisation-month with none)."""
    kept = [pk for pk, at in wanted.items() if base is not None and base.stamps.get(pk) == at]
    new = sorted(set(wanted) - set(kept))
    if base is None or len(new) > FULL_REBUILD_SHARE * max(len(wanted), 1):
        frame = snapshot_frame(platform, sorted(wanted), codes, whole=True)
    else:
        old = base.frame.filter(pl.col("submission_id").is_in(kept))
        frame = pl.concat([old, snapshot_frame(platform, new, codes)]) if new else old
    return Snapshot(path, dict(wanted), frame, code_marks(codes))


def _metadata_on_disk(path: Path) -> tuple[dict[int, int], Marks] | None:
    try:
        metadata = pl.read_parquet_metadata(path)
        stamps = {int(k): int(v) for k, v in json.loads(metadata[METADATA_KEY]).items()}
        return stamps, json.loads(metadata[CODES_KEY])
    except (OSError, KeyError, ValueError, pl.exceptions.PolarsError):
        return None


def _read(path: Path, stamps: dict[int, int], marks: Marks) -> Snapshot | None:
    try:
        return Snapshot(path, stamps, pl.read_parquet(path), marks)
    except (OSError, pl.exceptions.PolarsError):
        return None


def _write(snapshot: Snapshot, prefix: str) -> None:
    """Write to a temporary file and rename it into place; remove the platform's older files."""
    path = snapshot.path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(handle)
        metadata = {
            METADATA_KEY: json.dumps(snapshot.stamps),
            CODES_KEY: json.dumps(snapshot.marks),
        }
        snapshot.frame.write_parquet(temporary, compression="lz4", metadata=metadata)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; workers may run as other users
        os.replace(temporary, path)
    except OSError as error:
        log.warning("activity snapshot not written (%s): working from memory", error)
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temporary)
        return
    for old in path.parent.glob(f"{prefix}*.parquet"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()


def _lock_for(pk: int) -> threading.Lock:
    with _LOCKS_LOCK:
        return _LOCKS.setdefault(pk, threading.Lock())


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """One writer at a time across processes; without a writable folder, no lock is needed
    (nothing is written either)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a")  # noqa: SIM115 - held until the end
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
