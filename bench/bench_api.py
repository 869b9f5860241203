"""Benchmark: stream 1,000,000 activities as CSV through the API, with flat memory.

Run: .venv/bin/python -m bench.bench_api [--rows 1000000] [--keep DIR]

Builds a throw-away SQLite store (migrations, the Peru gazetteer, a platform with 20
organisations and a small plan), inserts synthetic rows with the storing service's own
insert path (`insert_activities`, batched executemany), then asks
GET /api/v1/activities?format=csv as the IM team (bearer token, through Django's full request
stack) and writes the stream to /dev/null. Reports the time to the last byte and the growth of
peak RSS while streaming, for a tenth of the rows and for all of them: flat memory means the
two growths are alike.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ORGANISATIONS, MONTHS = 20, 12
PER_SUBMISSION_MIN = 1


def _environment(folder: Path) -> None:
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
        KIPU_DATA_DIR=str(folder),
        KIPU_DEBUG="0",
        SECRET_KEY="bench-only",
        KIPU_SSL_REDIRECT="0",
        KIPU_ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="kipu.web.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _platform() -> Any:
    from kipu.core.gazetteer import bundled_locations
    from kipu.core.loaders.organisations import OrganisationRecord
    from kipu.core.loaders.plan import IndicatorRecord, PlanContent, SectorRecord
    from kipu.web.locations.services import load_locations
    from kipu.web.plans.services import load_plan
    from kipu.web.platforms.services import add_platform, load_organisations

    load_locations(bundled_locations("PE"))
    platform = add_platform("bench", "Benchmark platform", country="PER")
    load_organisations(
        platform,
        [
            OrganisationRecord(f"Organisation {i}", acronym=f"O{i}", external_id=f"ORG{i:03d}")
            for i in range(ORGANISATIONS)
        ],
    )
    sectors = [SectorRecord(f"S{i}", f"Sector {i}", f"Sector {i}") for i in range(8)]
    indicators = [IndicatorRecord(f"S{i}-01", f"People {i}", f"S{i}", "PiN") for i in range(8)]
    load_plan(platform, 2019, PlanContent(sectors=sectors, indicators=indicators))
    return platform


def _frame(count: int, org: str, month: str, admin1: list[str], seed: int) -> Any:
    import numpy as np
    import polars as pl

    from kipu.core.frame import activity_frame

    rng = np.random.default_rng(seed)
    sector = rng.integers(0, 8, count)
    new = rng.integers(0, 500, count)
    base = activity_frame([]).clear()
    frame = pl.DataFrame(
        {
            "row": np.arange(1, count + 1),
            "country": ["PER"] * count,
            "admin1": np.array(admin1)[rng.integers(0, len(admin1), count)],
            "appealing_org": [org] * count,
            "implementation": [False] * count,
            "month": [month] * count,
            "sector": [f"S{s}" for s in sector],
            "indicator": [f"S{s}-01" for s in sector],
            "activity_name": [
                f"=Activity {i}" if i % 1000 == 0 else f"Activity {i}" for i in range(count)
            ],
            "rmrp_activity": [True] * count,
            "cva": [False] * count,
            "total_monthly": new * 2,
            "new_beneficiaries": new,
            "in_destination": new,
            "women": new,
        }
    )
    return (
        pl.concat([base, frame], how="diagonal_relaxed")
        .with_columns(pl.col(c).fill_null(0) for c in base.columns if base.schema[c] == pl.Int64)
        .select(base.columns)
    )


def _store(platform: Any, total: int) -> float:
    from django.db import transaction

    from kipu.web.locations.models import Location
    from kipu.web.platforms.models import Organisation

    started = time.perf_counter()
    admin1 = list(Location.objects.filter(country="PER", level=1).values_list("pcode", flat=True))
    orgs = list(Organisation.objects.order_by("external_id"))
    groups = [(o, f"2019-{m:02d}") for o in orgs for m in range(1, MONTHS + 1)]
    with transaction.atomic():  # one commit: SQLite syncs once, not once per batch
        _insert(platform, groups, total, admin1)
    return time.perf_counter() - started


def _insert(platform: Any, groups: list[tuple[Any, str]], total: int, admin1: list[str]) -> None:
    from kipu.web.submissions.models import Submission
    from kipu.web.submissions.services import insert_activities

    for number, (org, month) in enumerate(groups):
        count = total // len(groups) + (1 if number < total % len(groups) else 0)
        submission = Submission.objects.create(
            platform=platform, organisation=org, month=month, status="current", row_count=count
        )
        insert_activities(submission, _frame(count, org.key, month, admin1, number))


def _memory(field: str) -> int:
    """VmRSS or VmHWM of this process, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux ≥ 4.0)


def _stream(client: Any, query: str) -> tuple[float, float, int, int, int]:
    """Seconds to the last byte (wall clock and this process's CPU), bytes, lines, and peak
    RSS growth (kB) while streaming. CPU time tells the cost on a busy machine, where the wall
    clock also counts waiting for a core."""
    _reset_peak()
    before = _memory("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(f"/api/v1/activities?platform=bench&format=csv&{query}")
    assert response.status_code == 200, response.status_code
    size = lines = 0
    with open(os.devnull, "wb") as sink:
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
            sink.write(chunk)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, cpu, size, lines, _memory("VmHWM") - before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--keep", type=Path, help="Build the store in this folder and keep it (reused if there)."
    )
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="kipu-bench-api-"))
    folder.mkdir(parents=True, exist_ok=True)
    _environment(folder)
    from django.contrib.auth.models import User
    from django.test import Client
    from django.test.utils import setup_test_environment

    from kipu.web.accounts.services import assign_role
    from kipu.web.api.auth import create_token
    from kipu.web.platforms.models import Platform

    setup_test_environment()
    platform = Platform.objects.filter(slug="bench").first()
    if platform is None:
        platform = _platform()
        stored = _store(platform, args.rows)
        print(f"store: {args.rows:,} rows inserted in {stored:.1f} s ({folder})")
        user = User.objects.create_user("bench-admin", "bench@example.org", "x" * 12)
        assign_role(user, platform, "admin")
    else:
        print(f"store: reusing {folder}")
        user = User.objects.get(username="bench-admin")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'bench')}")
    _stream(client, "organisation=ORG000&to=2019-01")  # warm imports, caches, thread pools
    print(f"load average before streaming: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for label, query in (("10% (January)", "from=2019-01&to=2019-01"), ("all", "")):
        elapsed, cpu, size, lines, growth = _stream(client, query)
        rows = lines - 2
        print(
            f"stream {label}: {rows:,} rows, {size / 1e6:.0f} MB in {elapsed:.2f} s "
            f"(CPU {cpu:.2f} s, {rows / elapsed:,.0f} rows/s); peak RSS growth "
            f"{growth / 1024:.0f} MB; process peak {_memory('VmHWM') / 1024:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
