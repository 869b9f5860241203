"""Build a realistic N-row 5W store in a database given by URL, for the store-scale benchmarks.

Run: .venv/bin/python -m bench.store --url sqlite:///bench/data/store-1m.sqlite3 --rows 1000000

One regional platform (`r4v-bench`) of 17 countries (Peru from the bundled gazetteer, 16
synthetic countries of 24 admin1 units plus the national pseudo-unit, 4 admin2 each), 400
organisations, a 2021 plan of 20 sectors (a people indicator and an output indicator each),
one current submission per organisation and month, all twelve months published. Rows come
from bench.bench_figures' seeded generator, so the store and the in-memory benchmark agree.

Activities are bulk-loaded (COPY on PostgreSQL, executemany in one transaction on SQLite):
the storing service's per-batch path would take most of the benchmark's time budget. A store
that already holds the requested rows is reused.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from bench import bench_figures as synthetic
from bench import child_environment

SLUG = "r4v-bench"
YEAR = synthetic.YEAR
COUNTRIES = [
    ("PER", "PE", "Peru"), ("COL", "CO", "Colombia"), ("ECU", "EC", "Ecuador"),
    ("CHL", "CL", "Chile"), ("BRA", "BR", "Brazil"), ("ARG", "AR", "Argentina"),
    ("BOL", "BO", "Bolivia"), ("PRY", "PY", "Paraguay"), ("URY", "UY", "Uruguay"),
    ("MEX", "MX", "Mexico"), ("PAN", "PA", "Panama"), ("CRI", "CR", "Costa Rica"),
    ("DOM", "DO", "Dominican Republic"), ("GUY", "GY", "Guyana"),
    ("TTO", "TT", "Trinidad and Tobago"), ("ABW", "AW", "Aruba"), ("CUW", "CW", "Curaçao"),
]  # fmt: skip
VERBS = ("Distribution of", "Provision of", "Referral to", "Training on", "Support for")
THINGS = ("food kits", "hygiene kits", "legal counselling", "cash transfers", "shelter",
          "psychosocial support", "school enrolment", "primary health care", "job placement",
          "documentation")  # fmt: skip


def setup(url: str, data_dir: str | None = None) -> None:
    """Point Django at `url` and migrate (call before any kipu.web import)."""
    os.environ.update(
        DATABASE_URL=url,
        KIPU_DEBUG="0",
        SECRET_KEY="bench-only",
        KIPU_SSL_REDIRECT="0",
        DJANGO_SETTINGS_MODULE="kipu.web.settings",
    )
    if data_dir:
        os.environ["KIPU_DATA_DIR"] = data_dir
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _units() -> tuple[list[Any], dict[str, str]]:
    """Gazetteer units of the 17 countries, and generator code → P-code (admin1 and admin2)."""
    from kipu.core.gazetteer import Location, bundled_locations

    peru = bundled_locations("PE")
    units, codes = list(peru), {}
    departments = sorted((u for u in peru if u.level == 1), key=lambda u: u.pcode)
    for a, department in enumerate(departments[: synthetic.ADMIN1]):
        codes[f"C00A{a:02d}"] = department.pcode
        provinces = sorted((u for u in peru if u.parent_pcode == department.pcode), key=str)
        for b in range(synthetic.ADMIN2):
            if provinces:
                codes[f"C00A{a:02d}B{b}"] = provinces[b % len(provinces)].pcode
    for c, (iso3, iso2, name) in enumerate(COUNTRIES[1:], start=1):
        units.append(Location(iso2, 0, iso3, name, iso3, iso=iso2))
        for a in range(synthetic.ADMIN1):
            pcode = f"{iso2}{a:02d}"
            label = "Country level" if a == 0 else f"{name} region {a}"
            units.append(Location(pcode, 1, f"{a:02d}", label, iso3, iso2, national=a == 0))
            codes[f"C{c:02d}A{a:02d}"] = pcode
            for b in range(synthetic.ADMIN2 if a else 0):
                units.append(Location(f"{pcode}{b + 1:02d}", 2, f"{b + 1:02d}",
                                      f"{label} district {b + 1}", iso3, pcode))  # fmt: skip
                codes[f"C{c:02d}A{a:02d}B{b}"] = f"{pcode}{b + 1:02d}"
    return units, codes


def _reference() -> tuple[Any, dict[str, str]]:
    """The gazetteer, the platform, its organisations and its plan."""
    from kipu.core.loaders.organisations import OrganisationRecord
    from kipu.core.loaders.plan import IndicatorRecord, PlanContent, SectorRecord, TargetRecord
    from kipu.web.locations.services import load_locations
    from kipu.web.plans.services import load_plan
    from kipu.web.platforms.services import add_platform, load_organisations

    units, codes = _units()
    load_locations(units)
    platform = add_platform(SLUG, "R4V benchmark region", level="regional", synthetic=True)
    types = ("INGO", "NNGO", "UN Agency", "Red Cross", "Faith-based")
    load_organisations(platform, [
        OrganisationRecord(f"Organisation {i} for refugees and migrants", acronym=f"O{i}",
                           org_type=types[i % len(types)], external_id=f"ORG{i}")
        for i in range(synthetic.ORGANISATIONS)
    ])  # fmt: skip
    sectors = [SectorRecord(f"S{i:02d}", f"Sector {i}", f"Sector {i}") for i in range(20)]
    indicators = [IndicatorRecord(f"{s.code}P", f"People {s.code}", s.code, "PiN") for s in sectors]
    indicators += [IndicatorRecord(f"{s.code}O", f"Outputs {s.code}", s.code, "Other")
                   for s in sectors]  # fmt: skip
    nationals = [f"{iso2}00" for _, iso2, _ in COUNTRIES]
    targets = [TargetRecord(s.code, n, 500_000, 200_000, 1e6) for s in sectors for n in nationals]
    load_plan(platform, YEAR, PlanContent(sectors, indicators, targets))
    return platform, codes


def _rows(count: int, codes: dict[str, str]) -> pl.DataFrame:
    """The generator's rows with real country codes, P-codes and activity texts."""
    frame = synthetic.activity_frame(count)
    countries = {f"C{c:02d}": iso3 for c, (iso3, _, _) in enumerate(COUNTRIES)}
    rng = np.random.default_rng(11)
    names = [f"{v} {t}" for v in VERBS for t in THINGS]
    return frame.with_columns(
        pl.col("country").replace_strict(countries),
        pl.col("admin1").replace_strict(codes),
        pl.col("admin2").replace_strict(codes, default=None),
        activity_name=pl.Series(np.array(names)[rng.integers(0, len(names), count)]),
        activity_description=pl.lit("Delivered with local partners at community level; ")
        + pl.Series(np.array(THINGS)[rng.integers(0, len(THINGS), count)]),
    )


def _submissions(platform: Any, rows: pl.DataFrame) -> pl.DataFrame:
    """One current submission per (organisation, month) present: key → submission id."""
    from kipu.web.platforms.models import Organisation
    from kipu.web.submissions.models import Submission

    pairs = rows.group_by("appealing_org", "month").len().sort("appealing_org", "month")
    organisations = {
        o.external_id: o for o in Organisation.objects.filter(external_id__isnull=False)
    }
    made = Submission.objects.bulk_create(
        Submission(platform=platform, organisation=organisations[org], month=month,
                   status="current", file_name="bench.xlsx", row_count=n)
        for org, month, n in pairs.iter_rows()
    )  # fmt: skip
    return pairs.select("appealing_org", "month").with_columns(
        submission_id=pl.Series([s.pk for s in made], dtype=pl.Int64)
    )


def _table(platform: Any, rows: pl.DataFrame) -> tuple[list[str], pl.DataFrame]:
    """The activity table's columns, and the rows as they are stored (ids, not codes)."""
    from kipu.web.locations.models import Location
    from kipu.web.plans.models import Indicator, Sector
    from kipu.web.platforms.models import Organisation
    from kipu.web.submissions.models import Activity

    places = dict(Location.objects.values_list("pcode", "id"))
    orgs = dict(Organisation.objects.exclude(external_id=None).values_list("external_id", "id"))
    sectors = dict(Sector.objects.filter(plan__platform=platform).values_list("code", "id"))
    indicators = dict(Indicator.objects.filter(plan__platform=platform).values_list("code", "id"))
    issues = np.where(np.random.default_rng(5).random(rows.height) < 0.005, '["outlier"]', "[]")
    data = rows.join(_submissions(platform, rows), on=["appealing_org", "month"]).with_columns(
        pl.col("admin1", "admin2").replace_strict(places, default=None, return_dtype=pl.Int64),
        pl.col("appealing_org", "implementing_partner").replace_strict(
            orgs, default=None, return_dtype=pl.Int64
        ),
        pl.col("sector").replace_strict(sectors, return_dtype=pl.Int64),
        pl.col("indicator").replace_strict(indicators, return_dtype=pl.Int64),
        pl.col("activity_name", "activity_description", "delivery_mechanism").fill_null(""),
        platform_id=pl.lit(platform.pk, pl.Int64),
        issues=pl.Series(issues),
        has_error=pl.lit(False),  # "outlier" is a warning: every row counts
    )
    renamed = {c: f"{c}_id" for c in ("admin1", "admin2", "appealing_org",
                                       "implementing_partner", "sector", "indicator")}  # fmt: skip
    columns = [str(f.column) for f in Activity._meta.concrete_fields if f.column != "id"]
    return columns, data.rename(renamed).select(columns)


def _copy_postgres(table: str, columns: list[str], data: pl.DataFrame) -> None:
    from django.db import connection

    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for batch in data.iter_slices(100_000):
            copy.write(batch.write_csv(include_header=False, null_value="\\N"))


def _insert_sqlite(table: str, columns: list[str], data: pl.DataFrame) -> None:
    from django.db import connection

    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    raw = connection.connection
    for batch in data.iter_slices(50_000):
        raw.executemany(sql, batch.iter_rows())


def _publish_months(platform: Any) -> None:
    from kipu.web.submissions.models import MonthStatus

    MonthStatus.objects.bulk_create(
        MonthStatus(platform=platform, month=f"{YEAR}-{m:02d}", status="published")
        for m in range(1, 13)
    )


def build(rows: int) -> tuple[Any, float]:
    """The platform of a store of `rows` activities (built unless already there), and the
    seconds the build took (0 when reused)."""
    from django.db import connection, transaction
    from django.db.models import Sum

    from kipu.web.platforms.models import Platform
    from kipu.web.submissions.models import Activity

    existing = Platform.objects.filter(slug=SLUG).first()
    if existing is not None:
        current = existing.submissions.filter(status="current").aggregate(n=Sum("row_count"))
        if current["n"] == rows:  # benchmarks re-store some submissions as they were
            return existing, 0.0
        raise SystemExit(f"{SLUG} exists with another row count: use a fresh database")
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a throw-away store: no need to sync each page
            cursor.execute("PRAGMA synchronous = OFF")
    with transaction.atomic():  # one commit: SQLite syncs once
        platform, codes = _reference()
        columns, data = _table(platform, _rows(rows, codes))
        table = Activity._meta.db_table
        if connection.vendor == "postgresql":
            _copy_postgres(table, columns, data)
        else:
            _insert_sqlite(table, columns, data)
        _publish_months(platform)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return platform, time.perf_counter() - started


# --- shared by the store-scale benchmarks ---------------------------------------------------

DATA = Path(__file__).resolve().parent / "data"
POSTGRES = os.environ.get("KIPU_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
PYTHON = sys.executable


def label(rows: int) -> str:
    return f"{rows // 1_000_000}m" if rows >= 1_000_000 else f"{rows // 1000}k"


def store_url(backend: str, rows: int) -> str:
    """Where the `rows` store of `backend` lives: bench/data/*.sqlite3, or kipu_bench_* DBs."""
    if backend == "sqlite":
        return f"sqlite:///{DATA / f'store-{label(rows)}.sqlite3'}"
    return f"{POSTGRES}/kipu_bench_{label(rows)}"


def postgres(statement: str) -> bool:
    """Run `statement` on the server's maintenance database; False when it is unreachable."""
    import psycopg

    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3) as db:
            db.execute(statement)  # type: ignore[arg-type]
    except psycopg.errors.DuplicateDatabase:
        pass
    except psycopg.OperationalError:
        return False
    return True


def machine_load() -> str:
    """The 1-, 5- and 15-minute load averages (the machine is shared)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def child(module: str, *args: str, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Run `python -m module args` and return the JSON records it prints on `RESULT ` lines."""
    completed = subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=DATA.parent.parent,
        env=child_environment(**(env or {})),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise RuntimeError(f"{module} {' '.join(args)} failed ({completed.returncode})")
    return [json.loads(x[7:]) for x in completed.stdout.splitlines() if x.startswith("RESULT ")]


def emit(**record: Any) -> None:
    print("RESULT " + json.dumps(record), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", help="sqlite:///PATH or postgresql://…/DB (default: bench's)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data-dir", help="KIPU_DATA_DIR; with it, static files are collected")
    args = parser.parse_args(argv)
    args.url = args.url or store_url(args.backend, args.rows)
    if args.url.startswith("postgres"):
        postgres(f"CREATE DATABASE {args.url.rsplit('/', 1)[1]}")
    DATA.mkdir(exist_ok=True)
    setup(args.url, args.data_dir)
    if args.data_dir:  # the served pages need the static files' manifest (DEBUG off)
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
    _, seconds = build(args.rows)
    done = f"built in {seconds:.1f} s" if seconds else "reused"
    print(f"store {args.url}: {args.rows:,} rows {done}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
