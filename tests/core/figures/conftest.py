"""Fixtures of the figure engine tests (factories live in figures_factories.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The suite runs with --import-mode=importlib and tests/ is not a package, so the factories
# module is made importable by its folder; its unique name keeps it from shadowing anything.
sys.path.insert(0, str(Path(__file__).parent))

from figures_factories import reference_data  # noqa: E402

from kipu.core.reference import ReferenceData  # noqa: E402


@pytest.fixture
def reference() -> ReferenceData:
    return reference_data()
