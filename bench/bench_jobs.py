"""Benchmark: request latency of a 100,000-row 5W upload, before jobs (stored within the
request) and with them (the request answers once the file is saved and the job queued; the
worker stores it), through the portal and the API; and the time the worker then takes.

Run: .venv/bin/python -m bench.bench_jobs [--rows 100000] [--backends sqlite,postgresql]

Each backend runs in a child process with a fresh database holding the synthetic demonstration
platform; requests go through Django's test client (no network), as the IM team uploading
one organisation's month (every row valid). Wire into bench/run.py like bench_import:
`records = bench_jobs.main(["--backends", "sqlite"])`, one table row per record with the target
"100k-row upload answers within 1 s with jobs" (`after_s < 1`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench import child_environment, store

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://postgres@127.0.0.1:5432"
MONTH = "2019-12"


def workbook(rows: int, folder: Path, org_key: str) -> Path:
    """`rows` valid rows of one organisation's December 2019 (the demo's rows, renamed)."""
    import polars as pl

    from kipu.core.demo import demo_activities
    from kipu.core.export import table_rows, write_xlsx
    from kipu.core.frame import activity_frame
    from kipu.web.platforms.models import Platform
    from kipu.web.platforms.queries import reference_data

    base = activity_frame(demo_activities()).with_columns(
        appealing_org=pl.lit(org_key), month=pl.lit(MONTH)
    )
    copies = -(-rows // base.height)
    frame = pl.concat(
        [base.with_columns(activity_name=pl.col("activity_name") + f" #{i}") for i in range(copies)]
    ).head(rows)
    path = folder / f"upload-{rows}.xlsx"
    reference = reference_data(Platform.objects.get(slug="gtrm-peru"), 2019)
    write_xlsx(table_rows(frame, reference), path)
    return path


def _timed_post(client: Any, url: str, data: dict[str, Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    response = client.post(url, data)
    return time.perf_counter() - started, response


def measure(rows: int) -> None:
    """In the child: portal and API uploads, immediate then as jobs; the worker's time."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from kipu.core.gazetteer import bundled_locations
    from kipu.web.accounts.services import assign_role
    from kipu.web.api.auth import create_token
    from kipu.web.jobs.models import Job
    from kipu.web.jobs.worker import WorkerLoop
    from kipu.web.locations.services import load_locations
    from kipu.web.site.services import load_demo
    from kipu.web.submissions.models import Submission

    call_command("migrate", interactive=False, verbosity=0)
    load_locations(bundled_locations("PE"))
    platform = load_demo()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.KIPU_MAX_UPLOAD_MB = 500
    settings.KIPU_API_RATE = {"authenticated": "10000/min", "anonymous": "10000/min"}
    user = User.objects.create_user("bench.admin", "bench@example.org", "x" * 12)
    assign_role(user, platform, "admin")
    organisations = list(platform.memberships.select_related("organisation")[:4])
    browser = Client()
    browser.force_login(user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'bench')}")
    backend = "postgresql" if os.environ["DATABASE_URL"].startswith("postgres") else "sqlite"
    folder = Path(os.environ["KIPU_DATA_DIR"])
    for index, (way, mode) in enumerate(
        [("portal", "before"), ("portal", "after"), ("api", "before"), ("api", "after")]
    ):
        org = organisations[index].organisation
        path = workbook(rows, folder, org.key)
        # "after": the default threshold (2 MiB), below the file however few rows it has.
        after = min(2 * 1024 * 1024, path.stat().st_size - 1)
        settings.KIPU_JOB_THRESHOLD_BYTES = 10**12 if mode == "before" else after
        with path.open("rb") as handle:
            if way == "portal":
                url = f"/portal/upload/?platform={platform.slug}&org={org.pk}"
                data = {"month": MONTH, "file": handle, "action": "submit"}
                seconds, response = _timed_post(browser, url, data)
            else:
                query = f"platform={platform.slug}&month={MONTH}&organisation={org.key}"
                url = f"/api/v1/submissions?{query}"
                seconds, response = _timed_post(api, url, {"file": handle})
        worker = 0.0
        if mode == "after":
            started = time.perf_counter()
            WorkerLoop(burst=True, with_schedule=False).run()
            worker = time.perf_counter() - started
            job = Job.objects.order_by("-created_at").first()
            assert job is not None and job.state == "succeeded", job and job.error
        stored = Submission.objects.filter(organisation=org, month=MONTH, status="current")
        assert stored.exists(), (way, mode, response.status_code, response.content[:300])
        size = path.stat().st_size / 1e6
        print(
            f"{backend:10} {way:6} {mode:6} {rows:,} rows ({size:.1f} MB): request "
            f"{seconds:6.2f} s (HTTP {response.status_code})"
            + (f", worker {worker:6.2f} s" if worker else "")
            + f"  load {store.machine_load()}",
            flush=True,
        )
        store.emit(backend=backend, way=way, mode=mode, rows=rows, request_s=seconds,
                   worker_s=worker, status=response.status_code,
                   load=store.machine_load())  # fmt: skip


def run(backend: str, rows: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        name = f"kipu_bench_jobs_{uuid.uuid4().hex[:6]}"
        url = f"sqlite:///{folder}/bench.sqlite3" if backend == "sqlite" else f"{PG}/{name}"
        psql = ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c"]
        if backend == "postgresql":
            subprocess.run([*psql, f'CREATE DATABASE "{name}"'], check=True)
        env = child_environment(
            DATABASE_URL=url,
            KIPU_DATA_DIR=folder,
            DJANGO_SETTINGS_MODULE="kipu.web.settings",
            KIPU_DEBUG="1",
        )
        try:
            done = subprocess.run(
                [sys.executable, "-m", "bench.bench_jobs", "--child", str(rows)],
                cwd=ROOT, env=env, check=False, capture_output=True, text=True,
            )  # fmt: skip
        finally:
            if backend == "postgresql":
                subprocess.run([*psql, f'DROP DATABASE "{name}" WITH (FORCE)'], check=False)
        if done.returncode:
            raise SystemExit(f"bench_jobs child failed:\n{done.stdout}\n{done.stderr[-3000:]}")
        lines = done.stdout.splitlines()
        print("\n".join(x for x in lines if not x.startswith("RESULT ")), flush=True)
        import json

        return [json.loads(x[7:]) for x in lines if x.startswith("RESULT ")]


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description="Latency of a 100k-row upload, before/after jobs.")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        measure(args.child)
        return []
    return [r for backend in args.backends.split(",") for r in run(backend, args.rows)]


if __name__ == "__main__":
    main()
