"""The accounts tests' password; the named actors and `rows` are in tests/web/conftest.py."""

from __future__ import annotations

PASSWORD = "correct-horse-battery-staple"
