"""Pure-Python domain code: no Django here (tests/core/test_layout.py checks it)."""
