"""`kipu serve --with-worker`'s worker child: started with the server, restarted when it dies
(a killed worker would otherwise leave jobs waiting while the server says nothing), given up
on, loudly, after QUICK_DEATHS deaths in a row that each came within QUICK_SECONDS of a start."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Sequence

import click

QUICK_DEATHS = 5
QUICK_SECONDS = 30.0


class Supervisor:
    """Runs `command` as a child process and restarts it when it ends while not stopped.

    Restarts wait `backoff` seconds, doubled after each quick death (at most 30 s). Every
    death and the giving up are told on stderr. `gave_up` is set once it stops restarting."""

    def __init__(self, command: Sequence[str], backoff: float = 1.0) -> None:
        self.command, self.backoff = list(command), backoff
        self.child: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.gave_up = threading.Event()
        self.restarts = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="kipu-worker-watch", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        with self._lock:
            if not self.stopping.is_set():
                self.child = subprocess.Popen(self.command)

    def _watch(self) -> None:
        quick = 0
        while not self.stopping.is_set():
            child, began = self.child, time.monotonic()
            assert child is not None
            code = child.wait()
            if self.stopping.is_set():
                return
            quick = quick + 1 if time.monotonic() - began < QUICK_SECONDS else 1
            how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
            if quick >= QUICK_DEATHS:
                click.secho(
                    f"KIPU WORKER GIVEN UP: it died {quick} times in a row ({how}). Background "
                    "jobs will NOT run: fix the cause, then restart `kipu serve --with-worker` "
                    "or run `kipu worker`.",
                    err=True,
                    fg="red",
                    bold=True,
                )
                self.gave_up.set()
                return
            wait = min(30.0, self.backoff * 2 ** (quick - 1))
            click.echo(f"Kipu worker died ({how}); restarting it in {wait:g} s.", err=True)
            if self.stopping.wait(wait):
                return
            self._spawn()
            self.restarts += 1

    def stop(self) -> None:
        """Stop the child (it finishes its current job first) and stop restarting it."""
        with self._lock:
            self.stopping.set()
            child = self.child
        if child is not None and child.poll() is None:
            child.terminate()
            child.wait()
        self._thread.join(timeout=5)


def worker_command() -> list[str]:
    return [sys.executable, "-c", "from kipu.cli import main; main()", "worker"]
