"""Benchmark: the public dashboard under 20 concurrent clients, on the 1,000,000-row store.

Run: .venv/bin/python -m bench.bench_dashboard [--backend sqlite|postgresql] [--rows 1000000]
     [--clients 20] [--seconds 30] [--max-requests 6000] [--workers 2] [--threads 8]

Starts gunicorn on 127.0.0.1 (a free port) over the store bench.store builds, warms it up
(every URL asked a few times, so each worker has read the snapshot and computed each view:
the time of the very first answer is reported too), then 20 client threads ask the URLs in
turn with keep-alive http.client connections until the time or the request budget runs out.
Reports p50/p95/p99 per URL and overall, and the errors (any status but 200, or a failed
connection). Only 127.0.0.1 is ever contacted; gunicorn is stopped at the end.

Target (issues): p95 under 300 ms at 20 concurrent clients, no errors.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import signal
import socket
import statistics
import subprocess
import threading
import time
from collections import defaultdict
from typing import Any

from bench import child_environment, store

SLUG = store.SLUG
URLS = (
    "/",
    f"/dashboard/{SLUG}/data.json",
    f"/dashboard/{SLUG}/data.json?sector=S03",
    f"/dashboard/{SLUG}/data.json?from=2021-03&to=2021-06",
    f"/dashboard/{SLUG}/data.json?admin1=CO05&org=ORG12",
    f"/dashboard/{SLUG}/chart/reached-by-sector.svg",
    f"/dashboard/{SLUG}/chart/reached-by-sector.svg?sector=S03",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, data_dir: str, workers: int, threads: int) -> tuple[Any, int]:
    port = _free_port()
    env = child_environment(DATABASE_URL=url, KIPU_DATA_DIR=data_dir, KIPU_DEBUG="0",
                            SECRET_KEY="bench-only", KIPU_SSL_REDIRECT="0",
                            KIPU_ALLOWED_HOSTS="127.0.0.1,localhost")  # fmt: skip
    gunicorn = os.path.join(os.path.dirname(store.PYTHON), "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "kipu.web.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--timeout", "300",
         "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("gunicorn did not start")


def stop_server(server: Any) -> None:
    """Stop the gunicorn we started (its own process group: master and workers)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    response.read()
    return response.status, time.perf_counter() - started


def warm_up(port: int, rounds: int = 4) -> dict[str, float]:
    """Every URL asked `rounds` times from `rounds` threads at once (so every worker gets
    some); returns the slowest first answer per URL."""
    first: dict[str, float] = {}

    def ask(path: str) -> float:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        status, seconds = _get(connection, path)
        connection.close()
        if status != 200:
            raise RuntimeError(f"warm-up: {path} answered {status}")
        return seconds

    for path in URLS:
        threads, times = [], []
        for _ in range(rounds):
            thread = threading.Thread(target=lambda p=path, t=times: t.append(ask(p)))
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()
        first[path] = max(times)
    return first


def load(port: int, clients: int, seconds: float, budget: int) -> dict[str, Any]:
    """`clients` threads asking the URLs in turn until `seconds` pass or `budget` requests."""
    tickets = itertools.count()
    deadline = time.monotonic() + seconds
    times: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline and (ticket := next(tickets)) < budget:
            path = URLS[(ticket + number) % len(URLS)]
            try:
                status, elapsed = _get(connection, path)
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, elapsed = -1, 0.0
                with lock:
                    errors.append(f"{path}: {error}")
            with lock:
                times[path].append(elapsed)
                if status not in (200, -1):
                    errors.append(f"{path}: HTTP {status}")
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"times": times, "errors": errors, "wall": time.monotonic() - started}


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    cuts = (
        statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
    )
    return cuts[49], cuts[94], cuts[98]


def report(result: dict[str, Any], first: dict[str, float]) -> dict[str, Any]:
    every = [t for values in result["times"].values() for t in values]
    print(f"{'url':<58} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'first s':>8}")
    for path in URLS:
        values = result["times"].get(path) or [0.0]
        p50, p95, p99 = _percentiles(values)
        print(f"{path:<58} {len(values):>6} {p50 * 1e3:>8.0f} {p95 * 1e3:>8.0f} "
              f"{p99 * 1e3:>8.0f} {first.get(path, 0):>8.2f}")  # fmt: skip
    p50, p95, p99 = _percentiles(every)
    rate = len(every) / result["wall"]
    print(f"{'all':<58} {len(every):>6} {p50 * 1e3:>8.0f} {p95 * 1e3:>8.0f} {p99 * 1e3:>8.0f}")
    print(f"{rate:.0f} requests/s over {result['wall']:.1f} s; errors: {len(result['errors'])}")
    for error in result["errors"][:5]:
        print("  " + error)
    return {"requests": len(every), "p50": p50, "p95": p95, "p99": p99, "rate": rate,
            "errors": len(result["errors"]), "first": max(first.values())}  # fmt: skip


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=6000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    url = store.store_url(args.backend, args.rows)
    data_dir = str(store.DATA / f"cache-{args.backend}-{store.label(args.rows)}")
    store.child("bench.store", "--url", url, "--rows", str(args.rows), "--data-dir", data_dir)
    server, port = start_server(url, data_dir, args.workers, args.threads)
    try:
        first = warm_up(port)
        result = load(port, args.clients, args.seconds, args.max_requests)
    finally:
        stop_server(server)
    print(f"{args.backend}, {args.rows:,} rows, gunicorn {args.workers}×{args.threads}, "
          f"{args.clients} clients; load {store.machine_load()}")  # fmt: skip
    summary = report(result, first)
    return [{**summary, "backend": args.backend, "rows": args.rows, "clients": args.clients,
             "load": store.machine_load()}]  # fmt: skip


if __name__ == "__main__":
    main()
