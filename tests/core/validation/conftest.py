"""Fixtures of the 5W validation tests (factories live in fivew_factories.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Tests import factories by module name; its unique name keeps it from shadowing anything.
sys.path.insert(0, str(Path(__file__).parent))

from fivew_factories import make_reference  # noqa: E402

from kipu.core.reference import ReferenceData  # noqa: E402


@pytest.fixture
def reference() -> ReferenceData:
    return make_reference()
