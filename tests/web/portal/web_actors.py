"""Shared fixtures of the portal, console, reference and permission-matrix tests: a per-test
data directory, users and their clients, and writers of real 5W workbooks (the named actors and
`rows` are in tests/web/conftest.py). Conftests import them with `from web_actors import *`
(tests/ is not a package; see tests/core/figures/conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kipu.core.export import table_rows, write_xlsx
from kipu.core.frame import activity_frame
from kipu.web.platforms.models import Platform
from kipu.web.platforms.queries import reference_data

PASSWORD = "correct-horse-battery-staple"
ROLES = ("anonymous", "viewer", "partner", "coordinator", "admin")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Uploads go under a per-test data directory, never the developer's var/."""
    folder = tmp_path / "data"
    monkeypatch.setenv("KIPU_DATA_DIR", str(folder))
    return folder


def make_user(username: str) -> User:
    return User.objects.create_user(username, f"{username}@example.org", PASSWORD)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def record_5w(org_key: str = "ORG901", month: str = "2019-05", **values: Any) -> dict[str, Any]:
    """One valid activity (frame keys): ten women reached with protection in Lima."""
    base: dict[str, Any] = {
        "country": "PER",
        "admin1": "PE15",
        "appealing_org": org_key,
        "implementation": False,
        "month": month,
        "sector": "PRO",
        "indicator": "PRO-01",
        "activity_name": "Orientation",
        "rmrp_activity": True,
        "covid19": False,
        "support_space": False,
        "cva": False,
        "quantity_output": 10,
        "total_monthly": 10,
        "new_beneficiaries": 10,
        "in_destination": 10,
        "women": 10,
    }
    base.update(values)
    return base


def write_5w(
    platform: Platform,
    path: Path,
    records: list[dict[str, Any]],
    *,
    broken: dict[tuple[int, str], object] | None = None,
) -> Path:
    """A real 5W workbook of `records`; `broken` overwrites cells (record index, label)."""
    table = table_rows(activity_frame(records), reference_data(platform, 2019))
    header = table[0]
    for (index, label), value in (broken or {}).items():
        table[index + 2][header.index(label)] = value
    write_xlsx(table, path)
    return path
