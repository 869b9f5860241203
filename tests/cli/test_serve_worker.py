"""`kipu serve --with-worker` keeps its worker: a killed worker child is restarted, saying so
on stderr; a worker that keeps dying at once is given up on, loudly. Real child processes."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from kipu.cli.supervise import QUICK_DEATHS, Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]


def wait_for(condition, limit: float = 60.0) -> bool:  # noqa: ANN001
    """Poll until `condition()` holds (False after `limit` s: a hung test, not a timing check)."""
    end = time.monotonic() + limit
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.parametrize("number", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_worker_is_restarted_and_said(number, capfd) -> None:  # noqa: ANN001
    supervisor = Supervisor(SLEEPER, backoff=0)
    supervisor.start()
    try:
        first = supervisor.child
        assert first is not None and first.poll() is None
        os.kill(first.pid, number)
        assert wait_for(lambda: supervisor.restarts == 1)
        second = supervisor.child
        assert second is not None and second.pid != first.pid and second.poll() is None
        err = capfd.readouterr().err
        assert f"Kipu worker died (killed by signal {int(number)}); restarting it" in err
    finally:
        supervisor.stop()
    assert second.poll() is not None  # stopped with the server
    assert supervisor.restarts == 1 and not supervisor.gave_up.is_set()


def test_a_worker_dying_at_once_again_and_again_is_given_up_loudly(capfd) -> None:  # noqa: ANN001
    supervisor = Supervisor([sys.executable, "-c", "raise SystemExit(3)"], backoff=0)
    supervisor.start()
    try:
        assert supervisor.gave_up.wait(60)
    finally:
        supervisor.stop()
    assert supervisor.restarts == QUICK_DEATHS - 1
    err = capfd.readouterr().err
    assert err.count("Kipu worker died (exit status 3)") == QUICK_DEATHS - 1
    assert f"KIPU WORKER GIVEN UP: it died {QUICK_DEATHS} times in a row (exit status 3)" in err
