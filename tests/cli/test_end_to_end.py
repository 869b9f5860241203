"""The installed `kipu` command on an empty database, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

KIPU = str(Path(sys.executable).with_name("kipu"))


def kipu(url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "KIPU_DATA_DIR": str(tmp_path / "var")}
    return subprocess.run([KIPU, *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_init_twice_then_demo(fresh_database_url: str, tmp_path: Path) -> None:
    first = kipu(fresh_database_url, tmp_path, "init")
    assert first.returncode == 0, first.stderr
    assert "2116 units added" in first.stdout
    again = kipu(fresh_database_url, tmp_path, "init")
    assert again.returncode == 0 and "0 units added; 2116 stored units left" in again.stdout
    # Loading the demonstration twice replaces it, published reports and all (the second time
    # without rendering them again: seconds a language, and the first load rendered them).
    for options in ([], ["--no-reports"]):
        demo = kipu(fresh_database_url, tmp_path, "demo", "load", *options)
        assert demo.returncode == 0, demo.stderr
    listed = json.loads(
        kipu(fresh_database_url, tmp_path, "platforms", "list", "--format", "json").stdout
    )
    assert listed == [
        {
            "slug": "gtrm-peru",
            "name": "GTRM Peru (synthetic demonstration)",
            "country": "PER",
            "level": "national",
            "parent": None,
            "synthetic": True,
            "organisations": 52,
        }
    ]


def test_demo_before_init_says_what_to_do(fresh_database_url: str, tmp_path: Path) -> None:
    result = kipu(fresh_database_url, tmp_path, "demo", "load")
    assert result.returncode != 0
    assert "kipu init" in result.stderr
