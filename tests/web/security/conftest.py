"""Fixtures shared with the portal tests (tests/web/portal/web_actors.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "portal"))

from web_actors import *  # noqa: E402, F403
