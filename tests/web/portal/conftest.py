"""Fixtures of the portal tests (they live in web_actors.py, shared with the console, reference
and permission-matrix tests)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from web_actors import *  # noqa: E402, F403
